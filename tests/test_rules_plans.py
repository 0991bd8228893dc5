"""Study plan history: replaying changes, editing plans, and who may edit them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fbcli.rules.model import Feedback, PlanChange, Session, Tutor
from fbcli.rules.plans import (
    NotYourStudent,
    PlanChangedLater,
    PlanWouldBeEmpty,
    check_may_change_plan,
    counts_toward_progress,
    edit_plan,
    in_plan_at,
    plan_at,
    plan_goals,
    set_plan,
)

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
GOALS = ("articles", "passive-voice", "third-conditional", "small-talk")


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def add(goal: str, hours: float, by: str = "maria") -> PlanChange:
    return PlanChange("ST-1", goal, "add", at(hours), by)


def remove(goal: str, hours: float, by: str = "maria") -> PlanChange:
    return PlanChange("ST-1", goal, "remove", at(hours), by)


changes_strategy = st.lists(
    st.builds(
        PlanChange,
        student=st.just("ST-1"),
        goal=st.sampled_from(GOALS),
        action=st.sampled_from(["add", "remove"]),
        at=st.integers(0, 20).map(at),
        by=st.just("maria"),
    ),
    max_size=30,
)


def simulate(changes: list[PlanChange], moment: datetime | None = None) -> set[str]:
    """The plan, the simplest way: apply every change up to ``moment`` in time order."""
    plan: set[str] = set()
    for change in sorted(changes, key=lambda c: c.at):
        if moment is None or change.at <= moment:
            if change.action == "add":
                plan.add(change.goal)
            else:
                plan.discard(change.goal)
    return plan


@given(changes_strategy)
def test_replaying_changes_gives_the_plan_a_set_would(
    changes: list[PlanChange],
) -> None:
    plan = plan_at(changes)

    assert set(plan) == simulate(changes)
    assert len(plan) == len(set(plan))


@given(changes_strategy, st.integers(-1, 21))
def test_the_plan_at_a_moment_ignores_later_changes(
    changes: list[PlanChange], hours: int
) -> None:
    moment = at(hours)

    plan = plan_at(changes, moment)

    assert set(plan) == simulate(changes, moment)


@given(changes_strategy, st.lists(st.sampled_from(GOALS), max_size=6))
def test_setting_a_plan_makes_it_exactly_those_goals_with_fewest_changes(
    history: list[PlanChange], goals: list[str]
) -> None:
    before = simulate(history)

    edit = set_plan(
        history, goals, student="ST-1", at=at(21), by="olga", allow_empty=True
    )

    assert simulate([*history, *edit.changes]) == set(goals)
    assert len(edit.changes) == len(before ^ set(goals))
    assert set(edit.after) == set(goals)


def test_changes_at_the_same_moment_apply_in_the_order_they_were_made() -> None:
    changes = [add("articles", 1), remove("articles", 1), add("small-talk", 1)]

    assert plan_at(changes) == ["small-talk"]


def test_the_plan_keeps_the_order_goals_were_added() -> None:
    changes = [add("passive-voice", 1), add("articles", 2), add("small-talk", 3)]

    assert plan_at(changes) == ["passive-voice", "articles", "small-talk"]


def test_a_goal_added_after_a_session_was_not_in_the_plan_at_that_session() -> None:
    session_start = at(10)
    changes = [add("articles", 1), add("passive-voice", 11)]

    assert in_plan_at(changes, "articles", session_start)
    assert not in_plan_at(changes, "passive-voice", session_start)
    assert in_plan_at(changes, "passive-voice", at(12))


def test_a_removed_goal_still_counts_for_sessions_before_its_removal() -> None:
    changes = [add("articles", 1), remove("articles", 5)]

    assert in_plan_at(changes, "articles", at(4))
    assert not in_plan_at(changes, "articles", at(6))


def test_a_change_at_the_very_start_of_a_session_counts_for_it() -> None:
    changes = [add("articles", 10)]

    assert in_plan_at(changes, "articles", at(10))


def test_adding_and_removing_records_only_real_changes() -> None:
    history = [add("articles", 1), add("passive-voice", 2)]

    edit = edit_plan(
        history,
        student="ST-1",
        at=at(3),
        by="tom",
        add=["articles", "small-talk", "small-talk"],
        remove=["third-conditional", "passive-voice", "passive-voice"],
    )

    assert edit.changes == (
        PlanChange("ST-1", "passive-voice", "remove", at(3), "tom"),
        PlanChange("ST-1", "small-talk", "add", at(3), "tom"),
    )
    assert edit.before == ("articles", "passive-voice")
    assert edit.after == ("articles", "small-talk")
    assert (edit.added, edit.removed) == (["small-talk"], ["passive-voice"])


def test_a_plan_set_to_what_it_is_records_nothing() -> None:
    history = [add("articles", 1), add("passive-voice", 2)]

    edit = set_plan(
        history, ["passive-voice", "articles"], student="ST-1", at=at(3), by="tom"
    )

    assert edit.changes == ()


def test_removing_the_last_goal_is_refused() -> None:
    history = [add("articles", 1)]

    with pytest.raises(PlanWouldBeEmpty) as refused:
        edit_plan(history, student="ST-1", at=at(2), by="tom", remove=["articles"])

    assert refused.value.exit_code == 1
    assert "--allow-empty" in refused.value.message


def test_removing_the_last_goal_is_allowed_when_asked() -> None:
    history = [add("articles", 1)]

    edit = edit_plan(
        history,
        student="ST-1",
        at=at(2),
        by="tom",
        remove=["articles"],
        allow_empty=True,
    )

    assert edit.after == ()
    assert edit.removed == ["articles"]


def test_a_change_cannot_be_placed_before_the_last_one() -> None:
    history = [add("articles", 5)]

    with pytest.raises(PlanChangedLater) as refused:
        edit_plan(history, student="ST-1", at=at(4), by="tom", add=["small-talk"])

    assert refused.value.exit_code == 1


def test_a_change_that_changes_nothing_may_come_from_the_past() -> None:
    history = [add("articles", 5)]

    edit = edit_plan(history, student="ST-1", at=at(4), by="tom", add=["articles"])

    assert edit.changes == ()


MARIA = Tutor("maria", "Maria")
OLGA = Tutor("olga", "Olga", role="admin")
# Sessions start at hour 10 and last 30 minutes.
SESSION_HOURS = 10


def session(student: str, hours: float = SESSION_HOURS) -> Session:
    return Session(f"S-{student}", "maria", student, at(hours))


@pytest.mark.parametrize(
    ("tutor", "sessions", "now"),
    [
        pytest.param(MARIA, [session("ST-2"), session("ST-1")], 11, id="tutor-past"),
        pytest.param(MARIA, [session("ST-1")], 10.25, id="tutor-during-the-session"),
        pytest.param(MARIA, [session("ST-1")], 10, id="tutor-at-the-start"),
        pytest.param(OLGA, [], 11, id="admin-without-sessions"),
        pytest.param(OLGA, [session("ST-1")], 9, id="admin-before-any-session"),
    ],
)
def test_who_may_change_a_plan(
    tutor: Tutor, sessions: list[Session], now: float
) -> None:
    check_may_change_plan(tutor, "ST-1", sessions, at(now))


@pytest.mark.parametrize(
    ("sessions", "now"),
    [
        pytest.param([session("ST-2")], 11, id="only-other-students"),
        pytest.param([session("ST-1")], 9.99, id="scheduled-not-started"),
        pytest.param([], 11, id="no-session"),
    ],
)
def test_a_tutor_who_has_had_no_session_with_the_student_may_not_change_the_plan(
    sessions: list[Session], now: float
) -> None:
    with pytest.raises(NotYourStudent) as refused:
        check_may_change_plan(MARIA, "ST-1", sessions, at(now))

    assert refused.value.exit_code == 4
    assert refused.value.message == (
        "maria has had no session with ST-1 yet; only an admin, or a tutor once "
        "their session with ST-1 has started, may change the study plan"
    )


def feedback(session: Session, goal: str | None) -> Feedback:
    """Feedback given six minutes after the session started."""
    given = session.start + timedelta(minutes=6)
    return Feedback(session.id, "maria", given, completed=goal is not None, goal=goal)


def test_plan_goals_show_the_latest_add_and_count_sessions_by_topic() -> None:
    history = [
        add("articles", 1, by="maria"),
        remove("articles", 2, by="tom"),
        add("articles", 3, by="olga"),
        add("small-talk", 4, by="tom"),
        add("passive-voice", 5, by="tom"),
        remove("passive-voice", 6, by="tom"),
    ]
    sessions = [
        Session("S-1", "maria", "ST-1", at(2.5)),  # articles, out of the plan then
        Session("S-2", "maria", "ST-1", at(3.5)),  # articles, in the plan
        Session("S-3", "maria", "ST-1", at(3.7)),  # small-talk, added after feedback
        Session("S-4", "maria", "ST-1", at(8)),  # not completed
        Session("S-5", "maria", "ST-1", at(9)),  # no feedback yet
    ]
    topics = {"S-1": "articles", "S-2": "articles", "S-3": "small-talk", "S-4": None}
    latest = {s.id: feedback(s, topics[s.id]) for s in sessions if s.id in topics}

    goals = plan_goals(history, sessions, latest)

    assert [(g.goal, g.added_at, g.added_by) for g in goals] == [
        ("articles", at(3), "olga"),
        ("small-talk", at(4), "tom"),
    ]
    assert [(g.sessions, g.counted) for g in goals] == [(2, 1), (1, 0)]


def test_an_empty_history_is_an_empty_plan() -> None:
    assert plan_at([]) == []
    assert plan_goals([]) == []


def test_plan_goals_count_amended_feedback_from_its_first_version() -> None:
    history = [add("articles", 1), add("small-talk", 12)]
    sessions = [
        Session("S-1", "maria", "ST-1", at(10)),
        Session("S-2", "maria", "ST-1", at(10.5)),
    ]
    latest = {
        "S-1": Feedback("S-1", "maria", at(13), True, version=2, goal="small-talk"),
        "S-2": Feedback("S-2", "maria", at(13), True, version=2, goal="small-talk"),
    }
    # S-2's feedback was first given when small-talk was added, S-1's before.
    first_given = {"S-1": at(11), "S-2": at(12)}

    goals = plan_goals(history, sessions, latest, first_given)

    assert [(g.goal, g.sessions, g.counted) for g in goals] == [
        ("articles", 0, 0),
        ("small-talk", 2, 1),
    ]


# The progress rule. A session starts at hour 10 and its feedback is first
# given at hour 11; some are amended at hour 20.

FIRST_GIVEN = at(11)
AMENDED = at(20)


def topic(goal: str, given: datetime = FIRST_GIVEN, version: int = 1) -> Feedback:
    return Feedback("S-ST-1", "maria", given, True, version=version, goal=goal)


@pytest.mark.parametrize(
    ("changes", "latest", "counts"),
    [
        pytest.param(
            [add("articles", 1)], topic("articles"), True, id="in-the-plan-throughout"
        ),
        pytest.param(
            [add("articles", 12)],
            topic("articles"),
            False,
            id="added-after-the-feedback",
        ),
        pytest.param(
            [add("articles", 12)],
            topic("articles", AMENDED, version=2),
            False,
            id="added-after-the-feedback-then-amended",
        ),
        pytest.param(
            [add("articles", 1), remove("articles", 12)],
            topic("articles"),
            True,
            id="removed-after-the-feedback",
        ),
        pytest.param(
            [add("articles", 1), remove("articles", 12)],
            topic("articles", AMENDED, version=2),
            True,
            id="removed-after-the-feedback-then-amended",
        ),
        pytest.param(
            [add("small-talk", 1), add("articles", 11)],
            topic("articles"),
            True,
            id="added-with-the-feedback",
        ),
        pytest.param(
            [add("articles", 10.5)],
            topic("articles"),
            True,
            id="added-during-the-session-before-the-feedback",
        ),
        pytest.param(
            [add("articles", 1), remove("articles", 10.5)],
            topic("articles"),
            True,
            id="in-the-plan-at-the-start-removed-before-the-feedback",
        ),
        pytest.param(
            [add("articles", 1), remove("articles", 9)],
            topic("articles"),
            False,
            id="removed-before-the-session",
        ),
        pytest.param(
            [add("articles", 1), add("small-talk", 12)],
            topic("small-talk", AMENDED, version=2),
            False,
            id="amended-to-a-goal-added-after-the-first-feedback",
        ),
        pytest.param(
            [add("articles", 1), add("small-talk", 1), remove("small-talk", 12)],
            topic("small-talk", AMENDED, version=2),
            True,
            id="amended-to-a-goal-in-the-plan-then",
        ),
    ],
)
def test_a_session_counts_when_its_goal_was_in_the_plan_at_its_start_or_first_feedback(
    changes: list[PlanChange], latest: Feedback, counts: bool
) -> None:
    assert (
        counts_toward_progress(changes, session("ST-1"), latest, FIRST_GIVEN) is counts
    )


@given(changes_strategy, st.sampled_from(GOALS), st.integers(11, 40))
def test_amending_feedback_never_changes_whether_a_session_counts(
    changes: list[PlanChange], goal: str, amended_at: int
) -> None:
    first = topic(goal)
    amended = topic(goal, at(amended_at), version=2)

    before = counts_toward_progress(changes, session("ST-1"), first, FIRST_GIVEN)
    after = counts_toward_progress(changes, session("ST-1"), amended, FIRST_GIVEN)

    assert before == after
    assert before == (
        goal in simulate(changes, at(SESSION_HOURS))
        or goal in simulate(changes, FIRST_GIVEN)
    )


@pytest.mark.parametrize(
    "feedback",
    [
        Feedback(
            "S-1",
            "ana",
            START + timedelta(days=5),
            completed=False,
            reason="student-tech",
        ),
        Feedback("S-1", "ana", START + timedelta(days=5), completed=True, goal=None),
    ],
    ids=["not-completed", "no-goal"],
)
def test_sessions_without_a_topic_never_count(feedback: Feedback) -> None:
    changes = [PlanChange("ST-1", "idioms", "add", START, "ana")]
    held = Session("S-1", "ana", "ST-1", START + timedelta(days=4))

    assert not counts_toward_progress(changes, held, feedback, feedback.given_at)
