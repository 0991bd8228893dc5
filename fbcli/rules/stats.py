"""What feedback adds up to: every figure of ``fbcli stats``, in one pass.

Sessions are walked once, oldest first, with dictionaries keyed by tutor and
student; nothing here reads the store. A session belongs to the period when
its start is in it; it counts as taught once it has ended.

Sessions between "doing great" awards: each award closes a gap, the number of
the student's completed sessions (with any tutor) since the student's previous
award, counting the awarded session itself and not the previous one, so that
awarding every fifth session gives 5. A student's first award counts from
their first completed session. Gaps are measured within each student's own
sessions over their whole history.

Awards alone would hide the tutor who never gives one: a student's open run,
the completed sessions since their last award at the end of the period, also
counts once it has reached the band's upper edge (10), as the shortest gap it
can still close, the run plus the session that would close it. A shorter run
may yet close inside the band, so it says nothing yet and is left out. A
tutor's figure is the mean of the gaps closed by their awards in the period
and of the open runs of 10 or more in which they taught a completed session
in the period; a student's, of the gaps closed in the period and their own
open run.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from typing import Literal

from fbcli.rules.matching import fold
from fbcli.rules.model import (
    REASONS,
    Feedback,
    Goal,
    PlanChange,
    Rubric,
    Session,
    Settings,
    Status,
    Student,
    Tutor,
)
from fbcli.rules.plans import counts_toward_progress, first_given_at, plan_at
from fbcli.rules.sessions import deadline, session_status

Mark = Literal["below", "above"]
NO_PLATFORM = "(no platform)"


@dataclass(frozen=True, slots=True)
class Period:
    """Sessions starting from ``since`` to ``until``, both whole days, inclusive.

    ``first`` is the first moment in the period and ``end`` the first moment
    after it; days begin at midnight in ``zone`` (local time when None).
    """

    since: date | None = None
    until: date | None = None
    first: datetime | None = None
    end: datetime | None = None

    @classmethod
    def of_days(
        cls, since: date | None, until: date | None, zone: tzinfo | None = None
    ) -> Period:
        first = end = None
        if since is not None:
            first = datetime.combine(since, time(), zone).astimezone()
        if until is not None:
            day_after = until + timedelta(days=1)
            end = datetime.combine(day_after, time(), zone).astimezone()
        return cls(since, until, first, end)

    def holds(self, moment: datetime) -> bool:
        first, end = self.first, self.end
        return (first is None or moment >= first) and (end is None or moment < end)


def band_mark(value: Fraction | None, low: float, high: float) -> Mark | None:
    """'below' or 'above' the band; a value on either edge is inside it."""
    if value is None:
        return None
    if value < Fraction(str(low)):
        return "below"
    if value > Fraction(str(high)):
        return "above"
    return None


@dataclass(slots=True)
class PlatformFigures:
    sessions: int = 0
    tech_issues: int = 0


@dataclass(slots=True)
class TutorFigures:
    """One tutor's figures over a period; the marks are set once counting ends."""

    tutor: str
    name: str
    taught: int = 0
    completed: int = 0
    not_completed_by_reason: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(REASONS, 0)
    )
    pending: int = 0
    pending_overdue: int = 0
    feedback_given: int = 0
    late: int = 0
    median_hours_to_feedback: float | None = None
    tech_issues: int = 0
    platforms: dict[str, PlatformFigures] = field(default_factory=dict)
    great_work: int = 0
    doing_great_gaps: list[int] = field(default_factory=list)
    # Students' runs of 10 or more completed sessions without an award, at the
    # end of the period, in which this tutor taught in the period.
    doing_great_open_runs: list[int] = field(default_factory=list)
    great_work_mark: Mark | None = None
    doing_great_mark: Mark | None = None

    @property
    def not_completed(self) -> int:
        return sum(self.not_completed_by_reason.values())

    @property
    def unattended(self) -> int:
        return self.not_completed_by_reason["student-absent"]

    @property
    def dismissal_requested(self) -> int:
        return self.not_completed_by_reason["emergency"]

    @property
    def doing_great_awards(self) -> int:
        return len(self.doing_great_gaps)

    @property
    def overdue_students(self) -> int:
        """Students with 10 or more completed sessions since their last award."""
        return len(self.doing_great_open_runs)

    @property
    def great_work_share(self) -> Fraction | None:
        return Fraction(self.great_work, self.completed) if self.completed else None

    @property
    def great_work_rate(self) -> float | None:
        share = self.great_work_share
        return None if share is None else float(share)

    @property
    def gap_mean(self) -> Fraction | None:
        return mean_gap(self.doing_great_gaps, self.doing_great_open_runs)

    @property
    def sessions_between_awards(self) -> float | None:
        mean = self.gap_mean
        return None if mean is None else float(mean)


def mean_gap(closed: Sequence[int], open_runs: Sequence[int]) -> Fraction | None:
    """The mean of the gaps closed and of the shortest gaps the open runs can close."""
    gaps = [*closed, *(run + 1 for run in open_runs)]
    return Fraction(sum(gaps), len(gaps)) if gaps else None


def tutor_stats(
    tutors: Iterable[Tutor],
    sessions: Iterable[Session],
    feedback: Mapping[str, Feedback],
    first_given: Mapping[str, datetime],
    period: Period,
    now: datetime,
    settings: Settings,
    only: Sequence[str] | None = None,
) -> list[TutorFigures]:
    """Figures for every tutor (or those in ``only``), in one pass over ``sessions``.

    ``sessions`` must be every session of the store, so that gaps between
    awards follow each student across tutors; ``feedback`` is the latest
    version per session and ``first_given`` the first version's time where
    it differs.
    """
    figures, wanted = new_figures(tutors, only)
    hours: dict[str, list[float]] = {}
    platforms = PlatformLabels()
    since_award: dict[str, int] = {}
    # Per student, the tutors in ``wanted`` who taught in their open run.
    run_tutors: dict[str, set[str]] = {}
    # The same as rules.sessions.deadline, computed once for every session.
    due_after = timedelta(hours=settings.deadline_hours)

    for session in sorted(sessions, key=lambda s: s.start):
        if period.end is not None and session.start >= period.end:
            break
        item = feedback.get(session.id)
        in_period = session.tutor in wanted and period.holds(session.start)
        if item is not None and item.completed:
            gap = since_award.get(session.student, 0) + 1
            since_award[session.student] = gap
            if item.doing_great:
                since_award[session.student] = 0
                run_tutors.pop(session.student, None)
                if in_period:
                    figures[session.tutor].doing_great_gaps.append(gap)
            elif in_period:
                run_tutors.setdefault(session.student, set()).add(session.tutor)
        if not in_period:
            continue
        end = session.end
        if end > now:
            continue
        tutor = figures[session.tutor]
        tutor.taught += 1
        due = session.start + due_after
        if item is None:
            tutor.pending += 1
            tutor.pending_overdue += due <= now
            continue
        given = first_given.get(session.id, item.given_at)
        tutor.feedback_given += 1
        tutor.late += given > due
        hours.setdefault(tutor.tutor, []).append((given - end).total_seconds() / 3600)
        _count_outcome(tutor, item, platforms.label(item.platform))

    overdue_after = settings.doing_great_band[1]
    for student, taught_by in run_tutors.items():
        run = since_award[student]
        if run >= overdue_after:
            for tutor_id in taught_by:
                figures[tutor_id].doing_great_open_runs.append(run)

    for tutor_id, delays in hours.items():
        figures[tutor_id].median_hours_to_feedback = statistics.median(delays)
    return finish_figures(figures, wanted, settings)


def new_figures(
    tutors: Iterable[Tutor], only: Sequence[str] | None
) -> tuple[dict[str, TutorFigures], set[str]]:
    """Empty figures for every tutor, and the ids wanted (all when ``only`` is None).

    A wanted id that names no tutor gets figures of its own, named by the id.
    """
    figures = {t.id: TutorFigures(t.id, t.name) for t in tutors}
    wanted = set(figures) if only is None else set(only)
    for tutor_id in sorted(wanted - set(figures)):
        figures[tutor_id] = TutorFigures(tutor_id, tutor_id)
    return figures, wanted


def finish_figures(
    figures: dict[str, TutorFigures], wanted: set[str], settings: Settings
) -> list[TutorFigures]:
    """The wanted tutors' figures, in the tutors' order, with their band marks."""
    chosen = [figures[t] for t in figures if t in wanted]
    for tutor in chosen:
        tutor.great_work_mark = band_mark(tutor.great_work_share, *settings.badge_band)
        tutor.doing_great_mark = band_mark(tutor.gap_mean, *settings.doing_great_band)
    return chosen


class PlatformLabels:
    """One label per platform however it was typed: the first spelling seen."""

    def __init__(self) -> None:
        self._by_fold: dict[str, str] = {}
        self._by_text: dict[str | None, str] = {}

    def label(self, text: str | None) -> str:
        known = self._by_text.get(text)
        if known is None:
            name = (text or "").strip()
            known = self._by_fold.setdefault(fold(name), name) if name else NO_PLATFORM
            self._by_text[text] = known
        return known


def _count_outcome(tutor: TutorFigures, item: Feedback, platform_label: str) -> None:
    if item.completed:
        tutor.completed += 1
        tutor.great_work += item.great_work
    else:
        reasons = tutor.not_completed_by_reason
        reason = item.reason or "unknown"
        reasons[reason] = reasons.get(reason, 0) + 1
    platform = tutor.platforms.get(platform_label)
    if platform is None:
        platform = tutor.platforms[platform_label] = PlatformFigures()
    platform.sessions += 1
    if item.tech_issues:
        platform.tech_issues += 1
        tutor.tech_issues += 1


# One student.


@dataclass(frozen=True, slots=True)
class LevelPoint:
    session: str
    start: datetime
    level: int


@dataclass(frozen=True, slots=True)
class Award:
    session: str
    start: datetime
    tutor: str
    area: str | None = None


@dataclass(slots=True)
class GoalProgress:
    """Sessions on one goal that counted as progress: the goal was in the plan then."""

    goal: str
    title: str
    area: str
    in_plan_now: bool
    sessions: list[tuple[str, datetime]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One session of the student, as the per-session export lists it."""

    session: str
    start: datetime
    tutor: str
    status: Status
    reason: str | None
    goal: str | None
    counted: bool
    great_work: bool
    doing_great: str | None
    levels: dict[str, int]
    platform: str | None
    tech_issues: bool
    given_at: datetime | None
    late: bool


@dataclass(frozen=True, slots=True)
class SessionNotes:
    """What a student may read about one session: never the focus or a note."""

    session: str
    start: datetime
    tutor_name: str
    goal_title: str
    language_seen: str
    follow_up: str
    comments: str


@dataclass(slots=True)
class StudentStats:
    """One student over a period; ``start_levels`` are the levels before it."""

    student: Student
    start_levels: dict[str, int]
    levels: dict[str, list[LevelPoint]]
    progress: list[GoalProgress] = field(default_factory=list)
    outside_plan: int = 0
    plan_now: list[str] = field(default_factory=list)
    great_work: list[Award] = field(default_factory=list)
    doing_great: list[Award] = field(default_factory=list)
    doing_great_gaps: list[int] = field(default_factory=list)
    # Completed sessions since the last award, at the end of the period.
    sessions_since_award: int = 0
    overdue_after: int = 10
    sessions: list[SessionLine] = field(default_factory=list)
    notes: list[SessionNotes] = field(default_factory=list)

    @property
    def current_levels(self) -> dict[str, int]:
        return {
            parameter: points[-1].level if points else self.start_levels[parameter]
            for parameter, points in self.levels.items()
        }

    @property
    def covered_goals(self) -> list[str]:
        counted = {goal.goal for goal in self.progress if goal.sessions}
        return [goal for goal in self.plan_now if goal in counted]

    @property
    def coverage(self) -> float | None:
        """Share of the plan's goals with at least one session counted as progress."""
        if not self.plan_now:
            return None
        return len(self.covered_goals) / len(self.plan_now)

    @property
    def overdue(self) -> bool:
        """Has the student gone 10 or more completed sessions without an award?"""
        return self.sessions_since_award >= self.overdue_after

    @property
    def sessions_between_awards(self) -> float | None:
        run = [self.sessions_since_award] if self.overdue else []
        mean = mean_gap(self.doing_great_gaps, run)
        return None if mean is None else float(mean)

    def count(self, *statuses: Status) -> int:
        return sum(line.status in statuses for line in self.sessions)

    @property
    def taught(self) -> int:
        return len(self.sessions) - self.count("upcoming")

    @property
    def unattended(self) -> int:
        return sum(
            line.status == "not-completed" and line.reason == "student-absent"
            for line in self.sessions
        )


def student_stats(
    student: Student,
    sessions: Iterable[Session],
    feedback: Mapping[str, Feedback],
    first_given: Mapping[str, datetime],
    changes: Iterable[PlanChange],
    period: Period,
    now: datetime,
    settings: Settings,
    rubric: Rubric,
    goals: Mapping[str, Goal],
    tutor_names: Mapping[str, str],
) -> StudentStats:
    """One student's levels, progress graph, awards and sessions over a period.

    A session counts toward the progress graph as ``counts_toward_progress``
    says: its goal was in the plan when the session started or when its
    feedback was first given (``first_given``). The plan goals for coverage
    are those of the plan at the end of the period (or now, if sooner).
    """
    changes = sorted(changes, key=lambda c: c.at)
    levels = {p: student.levels.get(p, rubric.start) for p in rubric.parameters}
    stats = StudentStats(student, dict(levels), {p: [] for p in rubric.parameters})
    stats.overdue_after = settings.doing_great_band[1]
    progress: dict[str, GoalProgress] = {}
    since_award = 0

    for session in sorted(sessions, key=lambda s: s.start):
        if session.student != student.id:
            continue
        if period.end is not None and session.start >= period.end:
            break
        item = feedback.get(session.id)
        completed = item is not None and item.completed
        counted = item is not None and counts_toward_progress(
            changes, session, item, first_given_at(item, first_given)
        )
        if completed:
            since_award += 1
        if not period.holds(session.start):
            if completed and item is not None:
                levels.update({p: v for p, v in item.evaluation.items() if p in levels})
                stats.start_levels = dict(levels)
                if item.doing_great:
                    since_award = 0
            continue
        stats.sessions.append(
            _session_line(session, item, first_given, counted, now, settings)
        )
        if item is None or not item.completed:
            continue
        _count_student_session(
            stats, session, item, counted, progress, goals, tutor_names
        )
        if item.doing_great:
            stats.doing_great_gaps.append(since_award)
            since_award = 0

    stats.sessions_since_award = since_award
    moment = now if period.end is None else min(now, period.end)
    stats.plan_now = plan_at(changes, moment)
    for goal in stats.plan_now:
        progress.setdefault(goal, _goal_progress(goal, goals))
    for goal_progress in progress.values():
        goal_progress.in_plan_now = goal_progress.goal in stats.plan_now
    stats.progress = list(progress.values())
    return stats


def _goal_progress(goal: str, goals: Mapping[str, Goal]) -> GoalProgress:
    known = goals.get(goal)
    return GoalProgress(
        goal, known.title if known else goal, known.area if known else "", False
    )


def _count_student_session(
    stats: StudentStats,
    session: Session,
    item: Feedback,
    counted: bool,
    progress: dict[str, GoalProgress],
    goals: Mapping[str, Goal],
    tutor_names: Mapping[str, str],
) -> None:
    for parameter, level in item.evaluation.items():
        if parameter in stats.levels:
            stats.levels[parameter].append(LevelPoint(session.id, session.start, level))
    if item.goal is not None and counted:
        goal = progress.get(item.goal)
        if goal is None:
            goal = progress[item.goal] = _goal_progress(item.goal, goals)
        goal.sessions.append((session.id, session.start))
    else:
        stats.outside_plan += 1
    if item.great_work:
        stats.great_work.append(Award(session.id, session.start, session.tutor))
    if item.doing_great:
        stats.doing_great.append(
            Award(session.id, session.start, session.tutor, item.doing_great)
        )
    known = goals.get(item.goal or "")
    stats.notes.append(
        SessionNotes(
            session=session.id,
            start=session.start,
            tutor_name=tutor_names.get(session.tutor, session.tutor),
            goal_title=known.title if known else (item.goal or ""),
            language_seen=item.language_seen,
            follow_up=item.follow_up,
            comments=item.comments,
        )
    )


def _session_line(
    session: Session,
    item: Feedback | None,
    first_given: Mapping[str, datetime],
    counted: bool,
    now: datetime,
    settings: Settings,
) -> SessionLine:
    given = first_given_at(item, first_given) if item is not None else None
    return SessionLine(
        session=session.id,
        start=session.start,
        tutor=session.tutor,
        status=session_status(session, item, now),
        reason=None if item is None or item.completed else item.reason,
        goal=item.goal if item else None,
        counted=counted,
        great_work=bool(item and item.great_work),
        doing_great=item.doing_great if item else None,
        levels=dict(item.evaluation) if item else {},
        platform=item.platform if item else None,
        tech_issues=bool(item and item.tech_issues),
        given_at=given,
        late=given is not None and given > deadline(session, settings),
    )
