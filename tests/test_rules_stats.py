"""The figures of fbcli stats, computed from plain values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from fbcli.rules.stats import (
    Period,
    TutorFigures,
    band_mark,
    student_stats,
    tutor_stats,
)

BASE = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
SETTINGS = Settings()
RUBRIC = Rubric(("fluency", "accuracy"), 1, 10, 5)
TUTORS = [Tutor("ana", "Ana"), Tutor("ben", "Ben")]


def run_of(
    count: int,
    *,
    badges: Iterable[int] = (),
    awards: Iterable[int] = (),
    tutor: str = "ana",
    student: str = "ST-1",
    first: int = 0,
) -> tuple[list[Session], dict[str, Feedback]]:
    """``count`` completed sessions a day apart, feedback an hour after each."""
    badges, awards = set(badges), set(awards)
    sessions, feedback = [], {}
    for number in range(count):
        session = Session(
            f"S-{first + number}", tutor, student, BASE + timedelta(days=first + number)
        )
        sessions.append(session)
        feedback[session.id] = Feedback(
            session.id,
            tutor,
            session.end + timedelta(hours=1),
            completed=True,
            platform="zoom",
            great_work=number in badges,
            doing_great="grammar" if number in awards else None,
            goal="articles",
        )
    return sessions, feedback


def figures_of(
    sessions: list[Session],
    feedback: dict[str, Feedback],
    period: Period | None = None,
    first_given: dict[str, datetime] | None = None,
) -> dict[str, TutorFigures]:
    found = tutor_stats(
        TUTORS,
        sessions,
        feedback,
        first_given or {},
        period or Period(),
        NOW,
        SETTINGS,
    )
    return {f.tutor: f for f in found}


@pytest.mark.parametrize(
    ("completed", "badges", "rate", "mark"),
    [
        pytest.param(10, 1, 0.1, None, id="exactly-10%-inside"),
        pytest.param(10, 2, 0.2, None, id="exactly-20%-inside"),
        pytest.param(20, 3, 0.15, None, id="15%-inside"),
        pytest.param(11, 1, 1 / 11, "below", id="9.1%-below"),
        pytest.param(14, 3, 3 / 14, "above", id="21.4%-above"),
        pytest.param(5, 0, 0.0, "below", id="none-below"),
        pytest.param(5, 5, 1.0, "above", id="all-above"),
    ],
)
def test_great_work_rate_is_marked_outside_the_band(
    completed: int, badges: int, rate: float, mark: str | None
) -> None:
    sessions, feedback = run_of(completed, badges=range(badges))

    ana = figures_of(sessions, feedback)["ana"]

    assert ana.great_work_rate == pytest.approx(rate)
    assert ana.great_work_mark == mark


def test_great_work_rate_without_completed_sessions_has_no_mark() -> None:
    ana = figures_of([], {})["ana"]

    assert ana.great_work_rate is None
    assert ana.great_work_mark is None


@pytest.mark.parametrize(
    ("count", "awards", "gaps", "mark"),
    [
        pytest.param(10, [4, 9], [5, 5], None, id="exactly-5-inside"),
        pytest.param(10, [9], [10], None, id="exactly-10-inside"),
        pytest.param(10, [3, 9], [4, 6], None, id="4-and-6-mean-5-inside"),
        pytest.param(8, [3, 7], [4, 4], "below", id="4-below"),
        pytest.param(11, [10], [11], "above", id="11-above"),
        pytest.param(6, [0], [1], "below", id="first-session-award-is-1"),
        pytest.param(6, [], [], None, id="no-award-no-mark"),
    ],
)
def test_sessions_between_awards_are_marked_outside_the_band(
    count: int, awards: list[int], gaps: list[int], mark: str | None
) -> None:
    sessions, feedback = run_of(count, awards=awards)

    ana = figures_of(sessions, feedback)["ana"]

    assert ana.doing_great_gaps == gaps
    assert ana.doing_great_mark == mark


def test_gaps_count_the_students_sessions_with_other_tutors() -> None:
    with_ana, feedback = run_of(3, tutor="ana")
    with_ben, more = run_of(3, tutor="ben", awards=[2], first=3)

    figures = figures_of(with_ana + with_ben, feedback | more)

    assert figures["ben"].doing_great_gaps == [6]
    assert figures["ana"].doing_great_gaps == []


def test_gaps_are_measured_per_student() -> None:
    first, feedback = run_of(4, student="ST-1")
    second, more = run_of(5, student="ST-2", awards=[4], first=10)

    ana = figures_of(first + second, feedback | more)["ana"]

    assert ana.doing_great_gaps == [5]


def test_sessions_not_completed_do_not_count_in_gaps() -> None:
    sessions, feedback = run_of(5, awards=[4])
    missed = sessions[1]
    feedback[missed.id] = Feedback(
        missed.id, "ana", missed.end, completed=False, reason="student-absent"
    )

    ana = figures_of(sessions, feedback)["ana"]

    assert ana.doing_great_gaps == [4]
    assert ana.unattended == 1


def test_a_gap_opened_before_the_period_ends_inside_it() -> None:
    sessions, feedback = run_of(10, awards=[9])
    period = Period.of_days(date(2026, 10, 8), None, UTC)

    ana = figures_of(sessions, feedback, period)["ana"]

    assert ana.taught == 3
    assert ana.doing_great_gaps == [10]


# A student's run of 10 or more completed sessions since their last award (or
# since their first session) counts as the shortest gap it can still close:
# the run plus the session that would close it.


@pytest.mark.parametrize(
    ("count", "awards", "gaps", "open_runs", "between", "mark"),
    [
        pytest.param(9, [], [], [], None, None, id="9-without-award-says-nothing-yet"),
        pytest.param(10, [], [], [10], 11, "above", id="10-without-award-above"),
        pytest.param(35, [], [], [35], 36, "above", id="35-without-award-above"),
        pytest.param(40, [4], [5], [35], 20.5, "above", id="35-since-the-last"),
        pytest.param(13, [3], [4], [], 4, "below", id="open-9-left-out"),
        pytest.param(14, [3], [4], [10], 7.5, None, id="4-and-open-10-inside"),
        pytest.param(20, [4, 9], [5, 5], [10], 7, None, id="5-5-and-open-10"),
        pytest.param(10, [9], [10], [], 10, None, id="closed-at-10-inside"),
    ],
)
def test_long_runs_without_an_award_count_toward_sessions_between_awards(
    count: int,
    awards: list[int],
    gaps: list[int],
    open_runs: list[int],
    between: float | None,
    mark: str | None,
) -> None:
    sessions, feedback = run_of(count, awards=awards)

    ana = figures_of(sessions, feedback)["ana"]

    assert ana.doing_great_gaps == gaps
    assert ana.doing_great_open_runs == open_runs
    assert ana.overdue_students == len(open_runs)
    assert ana.sessions_between_awards == between
    assert ana.doing_great_mark == mark


def test_a_long_run_counts_for_every_tutor_who_taught_in_it() -> None:
    with_ana, feedback = run_of(5, tutor="ana")
    with_ben, more = run_of(10, tutor="ben", first=5)

    figures = figures_of(with_ana + with_ben, feedback | more)

    assert figures["ana"].doing_great_open_runs == [15]
    assert figures["ben"].doing_great_open_runs == [15]
    assert figures["ana"].sessions_between_awards == 16
    assert figures["ana"].doing_great_mark == "above"


def test_a_long_run_counts_only_for_who_taught_after_the_last_award() -> None:
    with_ana, feedback = run_of(5, tutor="ana", awards=[4])
    with_ben, more = run_of(10, tutor="ben", first=5)

    figures = figures_of(with_ana + with_ben, feedback | more)

    assert (figures["ana"].doing_great_gaps, figures["ana"].overdue_students) == (
        [5],
        0,
    )
    assert figures["ana"].doing_great_mark is None
    assert figures["ben"].doing_great_open_runs == [10]
    assert figures["ben"].sessions_between_awards == 11
    assert figures["ben"].doing_great_mark == "above"


@pytest.mark.parametrize(
    ("until", "open_runs", "mark"),
    [
        pytest.param(date(2026, 10, 9), [], None, id="9-sessions-by-the-end"),
        pytest.param(date(2026, 10, 10), [10], "above", id="10-sessions-by-the-end"),
    ],
)
def test_a_run_is_measured_at_the_end_of_the_period(
    until: date, open_runs: list[int], mark: str | None
) -> None:
    sessions, feedback = run_of(12)
    period = Period.of_days(None, until, UTC)

    ana = figures_of(sessions, feedback, period)["ana"]

    assert ana.doing_great_open_runs == open_runs
    assert ana.doing_great_mark == mark


def test_a_run_counts_for_a_tutor_only_if_they_taught_in_it_in_the_period() -> None:
    with_ana, feedback = run_of(10, tutor="ana")
    with_ben, more = run_of(2, tutor="ben", first=10)
    period = Period.of_days(date(2026, 10, 11), None, UTC)

    figures = figures_of(with_ana + with_ben, feedback | more, period)

    assert figures["ana"].doing_great_open_runs == []
    assert figures["ana"].sessions_between_awards is None
    assert figures["ben"].doing_great_open_runs == [12]
    assert figures["ben"].sessions_between_awards == 13


@pytest.mark.parametrize(
    ("hours_after_start", "late"),
    [
        pytest.param(47.99, 0, id="before-the-deadline"),
        pytest.param(48, 0, id="at-the-deadline"),
        pytest.param(48.01, 1, id="after-the-deadline"),
    ],
)
def test_feedback_is_late_after_48_hours_from_the_start(
    hours_after_start: float, late: int
) -> None:
    session = Session("S-1", "ana", "ST-1", BASE)
    given = BASE + timedelta(hours=hours_after_start)
    feedback = {"S-1": Feedback("S-1", "ana", given, completed=True)}

    ana = figures_of([session], feedback)["ana"]

    assert ana.late == late


def test_lateness_and_delay_follow_the_first_version() -> None:
    session = Session("S-1", "ana", "ST-1", BASE)
    amended = Feedback("S-1", "ana", BASE + timedelta(days=9), True, version=2)
    first = {"S-1": BASE + timedelta(hours=2, minutes=30)}

    ana = figures_of([session], {"S-1": amended}, first_given=first)["ana"]

    assert ana.late == 0
    assert ana.median_hours_to_feedback == 2.0


def test_pending_sessions_and_overdue_ones() -> None:
    old = Session("S-1", "ana", "ST-1", NOW - timedelta(hours=60))
    recent = Session("S-2", "ana", "ST-1", NOW - timedelta(hours=3))
    upcoming = Session("S-3", "ana", "ST-1", NOW + timedelta(hours=1))

    ana = figures_of([old, recent, upcoming], {})["ana"]

    assert (ana.taught, ana.pending, ana.pending_overdue) == (2, 2, 1)


def test_platforms_are_grouped_whatever_their_case() -> None:
    sessions, feedback = run_of(3)
    feedback["S-1"] = Feedback(
        "S-1", "ana", NOW, True, platform="Zoom ", tech_issues=True
    )

    ana = figures_of(sessions, feedback)["ana"]

    assert list(ana.platforms) == ["zoom"]
    assert ana.platforms["zoom"].sessions == 3
    assert ana.tech_issues == 1


@pytest.mark.parametrize(
    ("value", "mark"),
    [
        pytest.param(0.1, None, id="low-edge"),
        pytest.param(0.2, None, id="high-edge"),
        pytest.param(0.0999, "below", id="just-below"),
        pytest.param(0.2001, "above", id="just-above"),
    ],
)
def test_band_mark_edges(value: float, mark: str | None) -> None:
    from fractions import Fraction

    assert band_mark(Fraction(str(value)), 0.1, 0.2) == mark


outcomes = st.sampled_from(
    ["none", "completed", "student-absent", "student-tech", "emergency"]
)


@given(st.lists(st.tuples(st.integers(-80, 80), outcomes), max_size=30))
def test_taught_sessions_are_completed_not_completed_or_pending(
    raw: list[tuple[int, str]],
) -> None:
    sessions, feedback = [], {}
    for number, (hours, outcome) in enumerate(raw):
        session = Session(f"S-{number}", "ana", "ST-1", NOW + timedelta(hours=hours))
        sessions.append(session)
        if outcome != "none" and session.end <= NOW:
            reason = None if outcome == "completed" else outcome
            feedback[session.id] = Feedback(
                session.id, "ana", NOW, outcome == "completed", reason=reason
            )

    ana = figures_of(sessions, feedback)["ana"]

    assert ana.taught == ana.completed + ana.not_completed + ana.pending
    assert ana.taught == sum(s.end <= NOW for s in sessions)


# One student.

GOALS = {
    "articles": Goal("articles", "Articles", "grammar"),
    "idioms": Goal("idioms", "Idioms", "vocabulary"),
}


def test_progress_counts_only_sessions_in_the_plan_at_the_time() -> None:
    sessions, feedback = run_of(4)
    given = sessions[3].end
    feedback["S-3"] = Feedback("S-3", "ana", given, True, goal="idioms")
    changes = [
        PlanChange("ST-1", "articles", "add", BASE + timedelta(days=1), "ana"),
        PlanChange("ST-1", "idioms", "add", BASE + timedelta(days=10), "ana"),
    ]

    stats = student_stats(
        Student("ST-1", "Lea"),
        sessions,
        feedback,
        {},
        changes,
        Period(),
        NOW,
        SETTINGS,
        RUBRIC,
        GOALS,
        {"ana": "Ana"},
    )

    progress = {goal.goal: [s for s, _ in goal.sessions] for goal in stats.progress}
    assert progress == {"articles": ["S-1", "S-2"], "idioms": []}
    assert stats.outside_plan == 2
    assert stats.plan_now == ["articles", "idioms"]
    assert stats.coverage == 0.5


def test_progress_follows_the_first_feedback_not_the_amendment() -> None:
    sessions, first = run_of(3)
    amended_at = BASE + timedelta(days=20)
    # S-0 and S-1 were amended after the plan changed on day 10.
    latest = {
        "S-0": Feedback("S-0", "ana", amended_at, True, version=2, goal="idioms"),
        "S-1": Feedback("S-1", "ana", amended_at, True, version=2, goal="articles"),
        "S-2": first["S-2"],
    }
    first_given = {"S-0": first["S-0"].given_at, "S-1": first["S-1"].given_at}
    changes = [
        PlanChange("ST-1", "articles", "add", BASE - timedelta(days=1), "ana"),
        PlanChange("ST-1", "idioms", "add", BASE + timedelta(days=10), "ana"),
        PlanChange("ST-1", "articles", "remove", BASE + timedelta(days=10), "ana"),
    ]

    stats = student_stats(
        Student("ST-1", "Lea"),
        sessions,
        latest,
        first_given,
        changes,
        Period(),
        NOW,
        SETTINGS,
        RUBRIC,
        GOALS,
        {},
    )

    progress = {goal.goal: [s for s, _ in goal.sessions] for goal in stats.progress}
    assert progress == {"articles": ["S-1", "S-2"], "idioms": []}
    assert [line.counted for line in stats.sessions] == [False, True, True]
    assert [line.given_at for line in stats.sessions] == [
        first[s].given_at for s in ("S-0", "S-1", "S-2")
    ]


def test_levels_before_the_period_start_its_chart() -> None:
    sessions, feedback = run_of(3)
    for number, level in enumerate((6, 7, 8)):
        item = feedback[f"S-{number}"]
        feedback[item.session] = Feedback(
            item.session, "ana", item.given_at, True, evaluation={"fluency": level}
        )
    period = Period.of_days(date(2026, 10, 2), None, UTC)

    stats = student_stats(
        Student("ST-1", "Lea", {"fluency": 4}),
        sessions,
        feedback,
        {},
        [],
        period,
        NOW,
        SETTINGS,
        RUBRIC,
        GOALS,
        {},
    )

    assert stats.start_levels == {"fluency": 6, "accuracy": 5}
    assert [p.level for p in stats.levels["fluency"]] == [7, 8]
    assert stats.current_levels == {"fluency": 8, "accuracy": 5}


def test_period_days_are_inclusive() -> None:
    period = Period.of_days(date(2026, 11, 1), date(2026, 11, 2), UTC)

    inside = [
        period.holds(datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
        period.holds(datetime(2026, 11, 2, 23, 59, tzinfo=UTC)),
    ]
    outside = [
        period.holds(datetime(2026, 10, 31, 23, 59, tzinfo=UTC)),
        period.holds(datetime(2026, 11, 3, 0, 0, tzinfo=UTC)),
    ]

    assert inside == [True, True]
    assert outside == [False, False]


@pytest.mark.parametrize(
    ("count", "awards", "since_award", "between"),
    [
        pytest.param(9, [], 9, None, id="9-without-award"),
        pytest.param(10, [], 10, 11, id="10-without-award"),
        pytest.param(12, [1], 10, 6.5, id="2-and-open-10"),
        pytest.param(11, [1], 9, 2, id="2-and-open-9-left-out"),
    ],
)
def test_a_students_long_run_without_an_award_counts_too(
    count: int, awards: list[int], since_award: int, between: float | None
) -> None:
    sessions, feedback = run_of(count, awards=awards)

    stats = student_stats(
        Student("ST-1", "Lea"),
        sessions,
        feedback,
        {},
        [],
        Period(),
        NOW,
        SETTINGS,
        RUBRIC,
        GOALS,
        {},
    )

    assert stats.sessions_since_award == since_award
    assert stats.sessions_between_awards == between
