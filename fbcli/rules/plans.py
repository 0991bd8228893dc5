"""Study plans, as a history of changes.

A plan is never overwritten: every goal added or removed is kept with its
time and author, so the plan at any past moment can be rebuilt. The
progress graph depends on that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fbcli.errors import NotAllowed, RuleBroken
from fbcli.rules.model import Feedback, PlanChange, Session, Tutor, format_time


def plan_at(changes: Iterable[PlanChange], moment: datetime | None = None) -> list[str]:
    """The goals of a plan at ``moment`` (now when None), in the order they were added."""
    active: dict[str, None] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if moment is not None and change.at > moment:
            break
        if change.action == "add":
            active.setdefault(change.goal, None)
        else:
            active.pop(change.goal, None)
    return list(active)


def counts_toward_progress(
    changes: Iterable[PlanChange],
    session: Session,
    feedback: Feedback,
    first_given: datetime,
) -> bool:
    """Does this session count toward the student's progress graph?

    It does when it was completed and its topic was in the study plan at the
    session's start, or when its feedback was first given (``first_given``, the
    first version's time). The school's guide asks tutors to edit the plan
    while giving feedback on an off-plan goal, or "this session won't add to
    the student's progress graph": so a goal added during that feedback counts
    for the session, and a goal added afterwards does not. ``feedback`` is the
    latest version, for its outcome and topic; amending it never moves the two
    moments, so a later change to the plan never changes what counted.
    """
    if not feedback.completed or feedback.goal is None:
        return False
    plan = list(changes)
    return in_plan_at(plan, feedback.goal, session.start) or in_plan_at(
        plan, feedback.goal, first_given
    )


def first_given_at(
    feedback: Feedback, first_given_times: Mapping[str, datetime]
) -> datetime:
    """When a session's feedback was first given: amendments do not move it.

    ``first_given_times`` holds the first version's time of amended sessions
    only (as ``Store.first_given_times`` gives it); the one version says it
    otherwise.
    """
    return first_given_times.get(feedback.session, feedback.given_at)


def in_plan_at(changes: Iterable[PlanChange], goal: str, moment: datetime) -> bool:
    """Was ``goal`` in the plan at ``moment``? Only such sessions count as progress."""
    return goal in plan_at(changes, moment)


class NotYourStudent(NotAllowed):
    def __init__(self, tutor: str, student: str) -> None:
        super().__init__(
            f"{tutor} has had no session with {student} yet; only an admin, or a "
            f"tutor once their session with {student} has started, may change the "
            "study plan"
        )


class PlanWouldBeEmpty(RuleBroken):
    def __init__(self, student: str) -> None:
        super().__init__(
            f"this would leave {student} without a study plan; "
            "give --allow-empty to remove the last goal"
        )


class PlanChangedLater(RuleBroken):
    def __init__(self, student: str, last: datetime, at: datetime) -> None:
        super().__init__(
            f"{student}'s study plan was last changed at {format_time(last)}, after "
            f"{format_time(at)}; a change cannot be placed before an existing one"
        )


def check_may_change_plan(
    tutor: Tutor, student: str, sessions_together: Iterable[Session], now: datetime
) -> None:
    """An admin, or a tutor who has had at least one session with the student.

    A session counts once it has started, so that the tutor can set the plan
    during the session; a session only scheduled does not.
    """
    if tutor.is_admin or any(
        s.student == student and s.start <= now for s in sessions_together
    ):
        return
    raise NotYourStudent(tutor.id, student)


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """What one command does to one plan: the goals before and after, and the changes."""

    student: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    changes: tuple[PlanChange, ...] = field(default=())

    @property
    def added(self) -> list[str]:
        return [c.goal for c in self.changes if c.action == "add"]

    @property
    def removed(self) -> list[str]:
        return [c.goal for c in self.changes if c.action == "remove"]


def edit_plan(
    history: Sequence[PlanChange],
    *,
    student: str,
    at: datetime,
    by: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    allow_empty: bool = False,
) -> PlanEdit:
    """Add and remove goals; a goal already in (or already out of) the plan is left be.

    Changes are appended after the history, never placed before its last
    change, so that replaying the history gives the plan this edit shows.
    """
    before = plan_at(history)
    after = list(before)
    changes: list[PlanChange] = []
    for goal in dict.fromkeys(remove):
        if goal in after:
            after.remove(goal)
            changes.append(PlanChange(student, goal, "remove", at, by))
    for goal in dict.fromkeys(add):
        if goal not in after:
            after.append(goal)
            changes.append(PlanChange(student, goal, "add", at, by))

    if changes and history:
        last = max(change.at for change in history)
        if last > at:
            raise PlanChangedLater(student, last, at)
    if before and not after and not allow_empty:
        raise PlanWouldBeEmpty(student)
    return PlanEdit(student, tuple(before), tuple(after), tuple(changes))


def set_plan(
    history: Sequence[PlanChange],
    goals: Iterable[str],
    *,
    student: str,
    at: datetime,
    by: str,
    allow_empty: bool = False,
) -> PlanEdit:
    """The changes that make the plan exactly ``goals``, and nothing more."""
    wanted = list(dict.fromkeys(goals))
    current = plan_at(history)
    return edit_plan(
        history,
        student=student,
        at=at,
        by=by,
        add=wanted,
        remove=[goal for goal in current if goal not in wanted],
        allow_empty=allow_empty,
    )


@dataclass(frozen=True, slots=True)
class PlanGoal:
    """An active goal of a plan, with the add that put it there and its sessions."""

    goal: str
    added_at: datetime
    added_by: str
    sessions: int = 0
    counted: int = 0


def plan_goals(
    history: Iterable[PlanChange],
    sessions: Iterable[Session] = (),
    feedback: Mapping[str, Feedback] | None = None,
    first_given_times: Mapping[str, datetime] | None = None,
) -> list[PlanGoal]:
    """The active goals, in the order they were added.

    ``sessions`` counts every session whose latest feedback has the goal as
    topic; ``counted`` only those that count toward progress
    (``counts_toward_progress``). ``first_given_times`` holds the first
    version's time of amended feedback.
    """
    ordered = sorted(history, key=lambda c: c.at)
    latest_add: dict[str, PlanChange] = {}
    for change in ordered:
        if change.action == "add":
            latest_add[change.goal] = change
    active = plan_at(ordered)

    first = first_given_times or {}
    topics = [
        (session, item)
        for session in sessions
        if (item := (feedback or {}).get(session.id)) is not None and item.goal
    ]
    result = []
    for goal in active:
        with_topic = [(s, item) for s, item in topics if item.goal == goal]
        counted = sum(
            counts_toward_progress(ordered, s, item, first_given_at(item, first))
            for s, item in with_topic
        )
        added = latest_add[goal]
        result.append(PlanGoal(goal, added.at, added.by, len(with_topic), counted))
    return result
