"""The feedback flow's rules, on plain values: no terminal, no store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fbcli.errors import BadUsage, MissingAnswers, NotAllowed, NotFound, RuleBroken
from fbcli.rules.evaluation import LevelOutOfScale
from fbcli.rules.feedback import (
    Answers,
    AreaNotInPlan,
    ConflictingAnswers,
    FeedbackContext,
    NoStudyPlan,
    NotYourSession,
    SessionLocked,
    SessionNotEnded,
    StudentDisagrees,
    answers_from,
    decide,
    missing_answers,
    resolve_goal,
    with_earlier_answers,
)
from fbcli.rules.focus import FocusTooLong
from fbcli.rules.model import (
    Feedback,
    Goal,
    PlanChange,
    Rubric,
    Session,
    Settings,
    Student,
    Tutor,
)

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
RUBRIC = Rubric(("fluency", "accuracy"), lowest=1, highest=10, start=5)
CATALOG = {
    "present-perfect-continuous": Goal(
        "present-perfect-continuous", "Present perfect continuous", "grammar"
    ),
    "phrasal-verbs-travel": Goal(
        "phrasal-verbs-travel", "Phrasal verbs for travel", "vocabulary"
    ),
    "word-stress": Goal("word-stress", "Word stress", "pronunciation"),
}
MARIA = Tutor("maria", "Maria Lopez")
TOM = Tutor("tom", "Tom Bennett")
ANNA = Student("ST-101", "Anna Kowalska", {"fluency": 6, "accuracy": 5})


def session(number: int, *, days_ago: float, tutor: str = "maria") -> Session:
    return Session(f"S-{number}", tutor, ANNA.id, NOW - timedelta(days=days_ago))


def done(item: Session, *, version: int = 1, **values: Any) -> Feedback:
    fields: dict[str, Any] = {
        "completed": True,
        "platform": "zoom",
        "evaluation": {"fluency": 6, "accuracy": 5},
        "goal": "present-perfect-continuous",
        "focus": "Pres Perf Cont",
        "language_seen": "have been doing",
        "follow_up": "more practice",
    }
    fields.update(values)
    return Feedback(item.id, item.tutor, item.end, version=version, **fields)


THIS = session(100, days_ago=0.25)
PLAN = [
    PlanChange(
        ANNA.id, "present-perfect-continuous", "add", NOW - timedelta(days=60), "maria"
    )
]


def context(
    *,
    history: list[tuple[Session, Feedback]] | None = None,
    this: Session = THIS,
    versions: list[Feedback] | None = None,
    tutor: Tutor = MARIA,
    tutor_recent: list[bool] | None = None,
    plan: list[PlanChange] | None = None,
    settings: Settings | None = None,
) -> FeedbackContext:
    history = history or []
    sessions = sorted([s for s, _ in history] + [this], key=lambda s: (s.start, s.id))
    feedback = {s.id: f for s, f in history}
    for item in versions or []:
        feedback[this.id] = item
    return FeedbackContext(
        session=this,
        tutor=tutor,
        student=ANNA,
        student_sessions=sessions,
        student_feedback=feedback,
        versions=versions or [],
        tutor_recent=tutor_recent if tutor_recent is not None else [],
        plan_changes=PLAN if plan is None else plan,
        catalog=CATALOG,
        rubric=RUBRIC,
        settings=settings or Settings(),
        now=NOW,
    )


def full(**values: Any) -> Answers:
    answers = Answers(
        completed=True,
        platform="zoom",
        goal="present-perfect-continuous",
        focus="Pres Perf Cont",
        language_seen="I have been living here for two years",
        follow_up="Since and for",
    )
    for name, value in values.items():
        setattr(answers, name, value)
    return answers


def past(count: int, **values: Any) -> list[tuple[Session, Feedback]]:
    """``count`` completed sessions of Anna, the newest one day before this one."""
    items = []
    for number in range(count):
        item = session(number + 1, days_ago=count - number + 1)
        items.append((item, done(item, **values)))
    return items


# Who may give feedback, and when.


@pytest.mark.parametrize(
    ("ctx", "error"),
    [
        pytest.param(context(tutor=TOM), NotYourSession, id="another-tutor"),
        pytest.param(
            context(
                this=Session("S-200", "maria", ANNA.id, NOW - timedelta(minutes=10))
            ),
            SessionNotEnded,
            id="still-running",
        ),
        pytest.param(
            context(this=Session("S-201", "maria", ANNA.id, NOW + timedelta(days=1))),
            SessionNotEnded,
            id="upcoming",
        ),
        pytest.param(
            context(
                versions=[
                    Feedback("S-100", "maria", NOW, False, reason="student-absent")
                ]
            ),
            SessionLocked,
            id="not-completed-is-locked",
        ),
        pytest.param(
            context(
                versions=[Feedback("S-100", "maria", NOW, False, reason="emergency")]
            ),
            SessionLocked,
            id="dismissal-requested-is-locked",
        ),
    ],
)
def test_feedback_is_refused(ctx: FeedbackContext, error: type[NotAllowed]) -> None:
    with pytest.raises(error) as raised:
        decide(ctx, full())

    assert raised.value.exit_code == 4


def test_feedback_the_moment_the_session_ends_is_accepted() -> None:
    ended = Session("S-300", "maria", ANNA.id, NOW - timedelta(minutes=30))

    decision = decide(context(this=ended), full())

    assert decision.feedback.session == "S-300"


# Missing and conflicting answers.


@pytest.mark.parametrize(
    ("answers", "flags"),
    [
        pytest.param(
            Answers(),
            [
                "--completed or --not-completed",
                "--platform",
                "--goal",
                "--focus",
                "--language-seen",
                "--follow-up",
            ],
            id="nothing",
        ),
        pytest.param(Answers(completed=False), ["--reason"], id="not-completed"),
        pytest.param(
            Answers(reason="server-down"),
            ["--completed or --not-completed"],
            id="reason-only",
        ),
        pytest.param(
            full(focus="  ", follow_up=None), ["--focus", "--follow-up"], id="blank"
        ),
        pytest.param(full(), [], id="complete"),
    ],
)
def test_missing_answers_name_their_flags(answers: Answers, flags: list[str]) -> None:
    missing = missing_answers(answers)

    assert [flag for _, flag in missing] == flags


def test_decide_lists_every_missing_answer_in_one_error() -> None:
    with pytest.raises(MissingAnswers) as raised:
        decide(context(), Answers(completed=True, platform="zoom"))

    assert "--goal" in raised.value.message
    assert "--focus" in raised.value.message
    assert "--follow-up" in raised.value.message
    assert raised.value.exit_code == 1


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(full(reason="emergency"), id="completed-with-reason"),
        pytest.param(
            Answers(completed=False, reason="server-down", platform="zoom"),
            id="not-completed-with-platform",
        ),
        pytest.param(
            Answers(completed=False, reason="server-down", great_work=True),
            id="not-completed-with-badge",
        ),
    ],
)
def test_answers_for_the_other_side_of_step_1_conflict(answers: Answers) -> None:
    with pytest.raises(ConflictingAnswers) as raised:
        decide(context(), answers)

    assert raised.value.exit_code == 2


# Step 1: not completed.


@pytest.mark.parametrize(
    ("reason", "status", "missed", "unattended"),
    [
        pytest.param("student-absent", "not-completed", True, True, id="absent"),
        pytest.param("student-tech", "not-completed", False, False, id="student-tech"),
        pytest.param("server-down", "not-completed", None, False, id="server-down"),
        pytest.param("emergency", "dismissal-requested", None, False, id="emergency"),
    ],
)
def test_not_completed_session(
    reason: str, status: str, missed: bool | None, unattended: bool
) -> None:
    decision = decide(context(), Answers(completed=False, reason=reason))

    assert decision.feedback.status == status
    assert decision.feedback.student_missed is missed
    assert decision.feedback.unattended is unattended
    assert decision.feedback.evaluation == {}


def test_emergency_says_whom_to_contact() -> None:
    settings = Settings(support_email="help@school.test")

    decision = decide(
        context(settings=settings), Answers(completed=False, reason="emergency")
    )

    assert len(decision.instructions) == 1
    assert "help@school.test" in decision.instructions[0]
    assert "chat" in decision.instructions[0]


@pytest.mark.parametrize(
    ("reason", "missed"),
    [
        pytest.param("student-absent", False, id="absent-but-attended"),
        pytest.param("student-tech", True, id="tech-but-missed"),
    ],
)
def test_reason_and_attendance_must_agree(reason: str, missed: bool) -> None:
    answers = Answers(completed=False, reason=reason, student_missed=missed)

    with pytest.raises(StudentDisagrees):
        decide(context(), answers)


def test_unknown_reason_is_refused() -> None:
    with pytest.raises(BadUsage, match="student-absent"):
        decide(context(), Answers(completed=False, reason="flood"))


# Step 2: evaluation.


@pytest.mark.parametrize(
    ("moves", "levels"),
    [
        pytest.param({}, {"fluency": 6, "accuracy": 5}, id="kept"),
        pytest.param({"fluency": "+"}, {"fluency": 7, "accuracy": 5}, id="up"),
        pytest.param({"Accuracy": "-"}, {"fluency": 6, "accuracy": 4}, id="down"),
        pytest.param({"fluency": "="}, {"fluency": 6, "accuracy": 5}, id="same"),
        pytest.param({"fluency": "9"}, {"fluency": 9, "accuracy": 5}, id="number"),
    ],
)
def test_levels_move_from_the_last_evaluation(
    moves: dict[str, str], levels: dict[str, int]
) -> None:
    decision = decide(context(), full(evaluation=moves))

    assert decision.feedback.evaluation == levels


def test_levels_start_from_the_latest_earlier_session() -> None:
    history = past(2)
    last = history[-1][0]
    history[-1] = (last, done(last, evaluation={"fluency": 8, "accuracy": 3}))

    decision = decide(context(history=history), full(evaluation={"fluency": "+"}))

    assert decision.feedback.evaluation == {"fluency": 9, "accuracy": 3}


def test_amending_moves_from_the_level_before_the_session_not_the_earlier_answer() -> (
    None
):
    earlier = done(THIS, evaluation={"fluency": 7, "accuracy": 5})

    decision = decide(context(versions=[earlier]), full(evaluation={"fluency": "+"}))

    assert decision.feedback.evaluation["fluency"] == 7
    assert decision.feedback.version == 2
    assert decision.amends == earlier


@pytest.mark.parametrize(
    ("levels", "move"),
    [
        pytest.param({"fluency": 10, "accuracy": 5}, "+", id="plus-at-top"),
        pytest.param({"fluency": 1, "accuracy": 5}, "-", id="minus-at-bottom"),
        pytest.param({"fluency": 5, "accuracy": 5}, "11", id="above-scale"),
        pytest.param({"fluency": 5, "accuracy": 5}, "0", id="below-scale"),
    ],
)
def test_levels_stay_within_the_scale(levels: dict[str, int], move: str) -> None:
    student = replace(ANNA, levels=levels)
    ctx = replace(context(), student=student)

    with pytest.raises(LevelOutOfScale) as raised:
        decide(ctx, full(evaluation={"fluency": move}))

    assert raised.value.exit_code == 1
    assert "fluency" in raised.value.message


def test_unknown_parameter_has_close_matches() -> None:
    with pytest.raises(NotFound, match="fluency"):
        decide(context(), full(evaluation={"fluensy": "+"}))


def test_stagnation_is_a_hint_not_a_warning() -> None:
    history = past(5, evaluation={"fluency": 6, "accuracy": 5})

    decision = decide(context(history=history), full())

    assert [h.code for h in decision.hints] == ["stagnation", "stagnation"]
    assert decision.hints[0].figures == {"parameter": "fluency", "levels": [6] * 5}
    assert decision.warnings == []


def test_no_stagnation_hint_when_the_tutor_raises_the_level() -> None:
    history = past(5, evaluation={"fluency": 6, "accuracy": 5})

    decision = decide(context(history=history), full(evaluation={"fluency": "+"}))

    assert [h.figures["parameter"] for h in decision.hints] == ["accuracy"]


def test_no_stagnation_hint_after_fewer_sessions() -> None:
    history = past(4, evaluation={"fluency": 6, "accuracy": 5})

    decision = decide(context(history=history), full())

    assert decision.hints == []


# Step 3: the great-work badge.


def test_badge_soon_after_the_students_last_badge_warns() -> None:
    history = past(6)
    third_last = history[-3][0]
    history[-3] = (third_last, done(third_last, great_work=True))

    decision = decide(
        context(history=history, tutor_recent=[False] * 20), full(great_work=True)
    )

    assert [w.code for w in decision.warnings] == ["badge-student-recent"]
    assert decision.warnings[0].figures["sessions_since_badge"] == 3
    assert "3 sessions ago" in decision.warnings[0].message


def test_badge_five_sessions_after_the_last_does_not_warn() -> None:
    history = past(6)
    fifth_last = history[-5][0]
    history[-5] = (fifth_last, done(fifth_last, great_work=True))

    decision = decide(
        context(history=history, tutor_recent=[False] * 20), full(great_work=True)
    )

    assert decision.warnings == []


@pytest.mark.parametrize(
    ("recent", "warns", "badges"),
    [
        pytest.param([False] * 17 + [True] * 3, False, 4, id="20-percent-ok"),
        pytest.param([False] * 16 + [True] * 4, True, 5, id="25-percent"),
        pytest.param(
            [True] + [False] * 16 + [True] * 3, False, 4, id="oldest-drops-out"
        ),
        pytest.param([True], True, 2, id="new-tutor"),
    ],
)
def test_badge_rate_over_the_window(
    recent: list[bool], warns: bool, badges: int
) -> None:
    decision = decide(context(tutor_recent=recent), full(great_work=True))

    codes = [w.code for w in decision.warnings]
    assert ("badge-rate-high" in codes) is warns
    if warns:
        assert decision.warnings[0].figures["badges"] == badges


def test_no_badge_no_badge_warning() -> None:
    decision = decide(context(tutor_recent=[True] * 20), full(great_work=False))

    assert decision.warnings == []
    assert decision.feedback.great_work is False


# Step 4: the topic and the study plan.


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("present-perfect-continuous", id="id"),
        pytest.param("Present Perfect Continuous", id="title"),
        pytest.param("  present perfect continuous", id="title-spaces"),
    ],
)
def test_goal_by_id_or_title(name: str) -> None:
    goal = resolve_goal(name, CATALOG)

    assert goal.id == "present-perfect-continuous"


def test_unknown_goal_offers_ids_once() -> None:
    with pytest.raises(NotFound) as raised:
        decide(context(), full(goal="present-perfect"))

    assert raised.value.exit_code == 3
    assert raised.value.message.count("present-perfect-continuous") == 1


def test_no_plan_without_add_to_plan_is_refused() -> None:
    with pytest.raises(NoStudyPlan) as raised:
        decide(context(plan=[]), full())

    assert "fbcli plan set ST-101" in raised.value.message
    assert "--add-to-plan" in raised.value.message


def test_add_to_plan_starts_a_plan() -> None:
    decision = decide(context(plan=[]), full(add_to_plan=True))

    assert decision.plan_changes == [
        PlanChange(ANNA.id, "present-perfect-continuous", "add", NOW, "maria")
    ]
    assert decision.warnings == []


def test_off_plan_goal_warns() -> None:
    decision = decide(context(), full(goal="word-stress"))

    assert [w.code for w in decision.warnings] == ["goal-off-plan"]
    assert "progress graph" in decision.warnings[0].message
    assert decision.plan_changes == []
    assert decision.feedback.goal == "word-stress"


def test_goal_already_in_plan_adds_nothing() -> None:
    decision = decide(context(), full(add_to_plan=True))

    assert decision.plan_changes == []


def test_removed_goal_is_off_plan() -> None:
    removed = PlanChange(
        ANNA.id, "present-perfect-continuous", "remove", NOW - timedelta(days=1), "tom"
    )

    decision = decide(context(plan=[*PLAN, removed]), full(add_to_plan=True))

    assert len(decision.plan_changes) == 1


# Step 5: doing great.


def test_doing_great_in_a_plan_area() -> None:
    decision = decide(context(history=past(6)), full(doing_great="Grammar"))

    assert decision.feedback.doing_great == "grammar"
    assert decision.warnings == []


def test_doing_great_in_an_area_outside_the_plan_is_refused() -> None:
    with pytest.raises(AreaNotInPlan, match="grammar"):
        decide(context(), full(doing_great="vocabulary"))


def test_doing_great_in_the_area_of_a_goal_just_added() -> None:
    decision = decide(
        context(),
        full(goal="word-stress", add_to_plan=True, doing_great="pronunciation"),
    )

    assert decision.feedback.doing_great == "pronunciation"


def test_unknown_area_has_close_matches() -> None:
    with pytest.raises(NotFound, match="grammar"):
        decide(context(), full(doing_great="gramar"))


@pytest.mark.parametrize(
    ("since_award", "warns"),
    [
        pytest.param(0, True, id="previous-session"),
        pytest.param(3, True, id="4-sessions"),
        pytest.param(4, False, id="5-sessions"),
    ],
)
def test_doing_great_too_soon_warns(since_award: int, warns: bool) -> None:
    history = past(8)
    index = len(history) - 1 - since_award
    awarded = history[index][0]
    history[index] = (awarded, done(awarded, doing_great="grammar"))

    decision = decide(context(history=history), full(doing_great="grammar"))

    assert bool(decision.warnings) is warns
    if warns:
        assert decision.warnings[0].figures["sessions_since_award"] == since_award + 1


@pytest.mark.parametrize(
    ("sessions", "nudged"),
    [pytest.param(8, False, id="9-sessions"), pytest.param(9, True, id="10-sessions")],
)
def test_doing_great_nudge_after_ten_sessions(sessions: int, nudged: bool) -> None:
    decision = decide(context(history=past(sessions)), full())

    assert ("doing-great-due" in [h.code for h in decision.hints]) is nudged
    assert decision.warnings == []


# Step 6: content.


def test_focus_too_long_suggests_an_abbreviation() -> None:
    with pytest.raises(FocusTooLong) as raised:
        decide(context(), full(focus="present perfect continuous"))

    assert raised.value.suggestion == "Pres Perfect Cont"
    assert "Pres Perfect Cont" in raised.value.message
    assert isinstance(raised.value, RuleBroken)


def test_focus_of_exactly_the_limit_is_kept() -> None:
    decision = decide(context(), full(focus="x" * 20))

    assert decision.feedback.focus == "x" * 20


def test_platform_other_than_zoom_is_kept_as_named() -> None:
    zoom = decide(context(), full(platform=" ZOOM "))
    meet = decide(context(), full(platform="Google  Meet"))

    assert zoom.feedback.platform == "zoom"
    assert meet.feedback.platform == "Google Meet"


# Amending.


def test_amending_keeps_earlier_answers_not_given() -> None:
    earlier = done(THIS, focus="Old focus", comments="kept", great_work=True)
    ctx = context(versions=[earlier])

    answers = with_earlier_answers(ctx, Answers(focus="New focus"))
    decision = decide(ctx, answers)

    assert decision.feedback.focus == "New focus"
    assert decision.feedback.comments == "kept"
    assert decision.feedback.great_work is True
    assert decision.feedback.version == 2


def test_amending_to_not_completed_ignores_earlier_answers() -> None:
    ctx = context(versions=[done(THIS)])

    answers = with_earlier_answers(ctx, Answers(completed=False, reason="student-tech"))

    assert answers == Answers(completed=False, reason="student-tech")


def test_earlier_answers_round_trip() -> None:
    earlier = done(THIS, great_work=True, doing_great="grammar", comments="c")

    decision = decide(context(), answers_from(earlier))

    assert decision.feedback.to_record() | {"given_at": None} == earlier.to_record() | {
        "given_at": None
    }


# Amending: answers kept from the earlier version are not checked again.

GRAMMAR_PLAN_DROPPED = [
    *PLAN,
    PlanChange(ANNA.id, "word-stress", "add", NOW - timedelta(days=1), "maria"),
    PlanChange(
        ANNA.id, "present-perfect-continuous", "remove", NOW - timedelta(days=1), "tom"
    ),
]


def amending(earlier: Feedback, **values: Any) -> FeedbackContext:
    return context(versions=[earlier], **values)


def test_kept_award_outside_todays_plan_is_saved_without_a_warning() -> None:
    ctx = amending(done(THIS, doing_great="grammar"), plan=GRAMMAR_PLAN_DROPPED)

    decision = decide(ctx, with_earlier_answers(ctx, Answers(comments="typo fix")))

    assert decision.feedback.doing_great == "grammar"
    assert decision.feedback.goal == "present-perfect-continuous"
    assert decision.feedback.comments == "typo fix"
    assert decision.warnings == []
    assert decision.plan_changes == []


def test_kept_goal_needs_no_plan_today() -> None:
    ctx = amending(done(THIS), plan=[])

    decision = decide(ctx, with_earlier_answers(ctx, Answers(focus="New focus")))

    assert decision.feedback.goal == "present-perfect-continuous"
    assert decision.warnings == []


def test_kept_goal_with_add_to_plan_is_added() -> None:
    ctx = amending(done(THIS), plan=GRAMMAR_PLAN_DROPPED)

    decision = decide(ctx, with_earlier_answers(ctx, Answers(add_to_plan=True)))

    assert [c.goal for c in decision.plan_changes] == ["present-perfect-continuous"]


def test_kept_awards_are_not_too_soon() -> None:
    history = past(6)
    last = history[-1][0]
    history[-1] = (last, done(last, great_work=True, doing_great="grammar"))
    earlier = done(THIS, great_work=True, doing_great="grammar")
    ctx = amending(earlier, history=history, tutor_recent=[True] * 20)

    decision = decide(ctx, with_earlier_answers(ctx, Answers(comments="typo fix")))

    assert decision.feedback.great_work is True
    assert decision.warnings == []


def test_badge_first_given_in_an_amendment_is_checked() -> None:
    history = past(6)
    last = history[-1][0]
    history[-1] = (last, done(last, great_work=True))
    ctx = amending(done(THIS), history=history, tutor_recent=[False] * 20)

    decision = decide(ctx, with_earlier_answers(ctx, Answers(great_work=True)))

    assert [w.code for w in decision.warnings] == ["badge-student-recent"]


def test_new_award_outside_todays_plan_is_refused_when_amending() -> None:
    ctx = amending(done(THIS, doing_great="grammar"), plan=GRAMMAR_PLAN_DROPPED)

    with pytest.raises(AreaNotInPlan, match="vocabulary"):
        decide(ctx, with_earlier_answers(ctx, Answers(doing_great="vocabulary")))


def test_new_off_plan_goal_warns_when_amending() -> None:
    ctx = amending(done(THIS))

    decision = decide(ctx, with_earlier_answers(ctx, Answers(goal="word-stress")))

    assert [w.code for w in decision.warnings] == ["goal-off-plan"]


def test_new_award_too_soon_warns_when_amending() -> None:
    history = past(6)
    last = history[-1][0]
    history[-1] = (last, done(last, doing_great="grammar"))
    ctx = amending(done(THIS), history=history)

    decision = decide(ctx, with_earlier_answers(ctx, Answers(doing_great="grammar")))

    assert [w.code for w in decision.warnings] == ["doing-great-soon"]
