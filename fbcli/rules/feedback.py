"""The feedback flow's rules: from a session and a tutor's answers to what is saved.

``decide`` is the one place that turns answers into a Feedback record, the
warnings a tutor must accept, hints, and study plan changes. The interactive
flow and the flags both call it; prompting only fills answers that flags did
not give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property

from fbcli.errors import BadUsage, MissingAnswers, NotAllowed, NotFound, RuleBroken
from fbcli.rules.awards import (
    BadgeFigures,
    DoingGreatFigures,
    badge_figures,
    badge_warnings,
    doing_great_figures,
    doing_great_nudge,
    doing_great_warnings,
)
from fbcli.rules.evaluation import evaluate, resolve_parameter, stagnations
from fbcli.rules.focus import check_focus
from fbcli.rules.history import current_levels, level_history
from fbcli.rules.matching import close_matches, fold
from fbcli.rules.model import (
    REASONS,
    Feedback,
    Goal,
    PlanChange,
    Rubric,
    Session,
    Settings,
    Student,
    Tutor,
)
from fbcli.rules.notices import Hint, RuleWarning
from fbcli.rules.plans import in_plan_at, plan_at

ZOOM = "zoom"


# Errors, each named for what went wrong.


class SessionNotEnded(NotAllowed):
    def __init__(self, session: Session) -> None:
        super().__init__(
            f"session {session.id} has not ended yet (it ends at "
            f"{session.end.isoformat(timespec='minutes')}); give feedback after it"
        )


class NotYourSession(NotAllowed):
    def __init__(self, session: Session, tutor: Tutor) -> None:
        super().__init__(
            f"session {session.id} was taught by {session.tutor}, not {tutor.id}; "
            "only a session's own tutor gives its feedback"
        )


class SessionLocked(NotAllowed):
    def __init__(self, session: Session, feedback: Feedback) -> None:
        what = (
            "dismissal requested" if feedback.reason == "emergency" else "not completed"
        )
        super().__init__(
            f"session {session.id} was marked {what} ({feedback.reason}) and is "
            "locked; it cannot be changed"
        )


class ConflictingAnswers(BadUsage):
    """Answers for a completed session given for one that was not, or the reverse."""


class NoStudyPlan(RuleBroken):
    def __init__(self, student: Student) -> None:
        super().__init__(
            f"{student.id} ({student.name}) has no study plan; set one with "
            f"'fbcli plan set {student.id} GOAL...', or give --add-to-plan to start "
            "it with this session's goal"
        )


class AreaNotInPlan(RuleBroken):
    def __init__(self, area: str, student: Student, areas: Sequence[str]) -> None:
        focus = ", ".join(areas) if areas else "none"
        super().__init__(
            f"{area!r} is not one of {student.id}'s focus areas (their study plan "
            f"covers: {focus})"
        )


class StudentDisagrees(RuleBroken):
    """A reason that contradicts whether the student attended."""


# Answers: every one optional, so flags and prompts can each fill some.


@dataclass(slots=True)
class Answers:
    completed: bool | None = None
    reason: str | None = None
    student_missed: bool | None = None
    tech_issues: bool | None = None
    note: str | None = None
    platform: str | None = None
    evaluation: dict[str, str] | None = None
    great_work: bool | None = None
    goal: str | None = None
    add_to_plan: bool | None = None
    doing_great: str | None = None
    focus: str | None = None
    language_seen: str | None = None
    follow_up: str | None = None
    comments: str | None = None

    def merged(self, defaults: Answers) -> Answers:
        """These answers, with ``defaults`` for the ones not given.

        Evaluations merge per parameter: a parameter named here wins.
        """
        values = {}
        for item in fields(self):
            mine = getattr(self, item.name)
            values[item.name] = getattr(defaults, item.name) if mine is None else mine
        if self.evaluation is not None and defaults.evaluation is not None:
            values["evaluation"] = {**defaults.evaluation, **self.evaluation}
        return Answers(**values)


# Flags that only make sense on one side of step 1, with the flag that sets them.
COMPLETED_ONLY = {
    "platform": "--platform",
    "evaluation": "--eval",
    "goal": "--goal",
    "add_to_plan": "--add-to-plan",
    "doing_great": "--doing-great",
    "focus": "--focus",
    "language_seen": "--language-seen",
    "follow_up": "--follow-up",
    "comments": "--comments",
}
NOT_COMPLETED_ONLY = {
    "reason": "--reason",
    "student_missed": "--student-missed/--student-attended",
}
REQUIRED_WHEN_COMPLETED = (
    ("platform", "video platform", "--platform"),
    ("goal", "session topic (a goal)", "--goal"),
    ("focus", "focus", "--focus"),
    ("language_seen", "language seen", "--language-seen"),
    ("follow_up", "follow-up", "--follow-up"),
)


def answers_from(feedback: Feedback) -> Answers:
    """An earlier version's answers, as defaults for amending it."""
    if not feedback.completed:
        return Answers(
            completed=False,
            reason=feedback.reason,
            student_missed=feedback.student_missed,
            tech_issues=feedback.tech_issues,
            note=feedback.note,
        )
    return Answers(
        completed=True,
        tech_issues=feedback.tech_issues,
        note=feedback.note,
        platform=feedback.platform,
        evaluation={p: str(level) for p, level in feedback.evaluation.items()},
        great_work=feedback.great_work,
        goal=feedback.goal,
        doing_great=feedback.doing_great,
        focus=feedback.focus,
        language_seen=feedback.language_seen,
        follow_up=feedback.follow_up,
        comments=feedback.comments,
    )


def _given(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return not (isinstance(value, dict) and not value)


def conflicts(answers: Answers) -> list[str]:
    """Flags given for the other side of step 1 than the one chosen."""
    if answers.completed is True:
        side = NOT_COMPLETED_ONLY
    elif answers.completed is False:
        side = COMPLETED_ONLY
        if answers.great_work:
            return ["--great-work", *_flags_given(answers, side)]
    else:
        return []
    return _flags_given(answers, side)


def _flags_given(answers: Answers, side: Mapping[str, str]) -> list[str]:
    return [
        flag
        for name, flag in side.items()
        if _given(getattr(answers, name)) and getattr(answers, name) is not False
    ]


def check_conflicts(answers: Answers) -> None:
    wrong = conflicts(answers)
    if wrong:
        which = "not completed" if answers.completed else "completed"
        raise ConflictingAnswers(f"{', '.join(wrong)} only apply to a {which} session")


def missing_answers(answers: Answers) -> list[tuple[str, str]]:
    """Every required answer not given, each with the flag that gives it."""
    missing: list[tuple[str, str]] = []
    completed = answers.completed
    if completed is None:
        missing.append(("was the session completed", "--completed or --not-completed"))
        if _given(answers.reason):
            return missing
    if completed is False:
        if not _given(answers.reason):
            missing.append(("why it was not completed", "--reason"))
        return missing
    for name, what, flag in REQUIRED_WHEN_COMPLETED:
        if not _given(getattr(answers, name)):
            missing.append((what, flag))
    return missing


# What a session's feedback is decided against: plain values read from the store.


@dataclass(frozen=True)
class FeedbackContext:
    """Everything ``decide`` needs, as plain values.

    ``student_sessions`` are all the student's sessions, oldest first, with
    ``student_feedback`` their latest feedback by session id; ``versions``
    are this session's feedback versions, oldest first; ``tutor_recent``
    says, newest last, whether each of the tutor's most recent completed
    sessions other than this one got the great-work badge (at least the
    rate window's worth, when there are that many).
    """

    session: Session
    tutor: Tutor
    student: Student
    student_sessions: Sequence[Session]
    student_feedback: Mapping[str, Feedback]
    versions: Sequence[Feedback]
    tutor_recent: Sequence[bool]
    plan_changes: Sequence[PlanChange]
    catalog: Mapping[str, Goal]
    rubric: Rubric
    settings: Settings
    now: datetime

    @property
    def latest(self) -> Feedback | None:
        return self.versions[-1] if self.versions else None

    @property
    def amending(self) -> Feedback | None:
        """The completed feedback a new version would amend, if any."""
        latest = self.latest
        return latest if latest is not None and latest.completed else None

    @cached_property
    def earlier(self) -> list[Feedback]:
        """The student's feedback on sessions before this one, oldest first."""
        key = (self.session.start, self.session.id)
        return [
            self.student_feedback[s.id]
            for s in self.student_sessions
            if (s.start, s.id) < key and s.id in self.student_feedback
        ]

    @cached_property
    def earlier_completed(self) -> list[Feedback]:
        return [f for f in self.earlier if f.completed]

    @cached_property
    def levels(self) -> dict[str, int]:
        """The student's levels before this session."""
        return current_levels(self.student, self.earlier, self.rubric)

    @cached_property
    def level_history(self) -> dict[str, list[int]]:
        return level_history(self.student, self.earlier, self.rubric)

    @cached_property
    def stagnating(self) -> dict[str, Hint]:
        found = stagnations(
            self.level_history, self.settings.stagnation_sessions, self.rubric
        )
        return {
            s.parameter: Hint(
                "stagnation",
                s.message,
                {"parameter": s.parameter, "levels": list(s.levels[1:])},
            )
            for s in found
        }

    @cached_property
    def badge(self) -> BadgeFigures:
        return badge_figures(self.earlier_completed, self.tutor_recent, self.settings)

    @cached_property
    def doing_great(self) -> DoingGreatFigures:
        return doing_great_figures(self.earlier_completed, self.settings)

    @cached_property
    def plan(self) -> list[str]:
        """The student's study plan now: goal ids, in the order they were added."""
        return plan_at(self.plan_changes, self.now)

    @cached_property
    def previous(self) -> tuple[Session, Feedback] | None:
        """The student's last completed session before this one, whoever taught it."""
        key = (self.session.start, self.session.id)
        for session in reversed(self.student_sessions):
            feedback = self.student_feedback.get(session.id)
            if (session.start, session.id) < key and feedback and feedback.completed:
                return session, feedback
        return None

    def areas(self, plan: Sequence[str]) -> list[str]:
        """The focus areas of a plan, in the order its goals were added."""
        found: dict[str, None] = {}
        for goal in plan:
            if goal in self.catalog:
                found.setdefault(self.catalog[goal].area, None)
        return list(found)


@dataclass(frozen=True)
class Decision:
    feedback: Feedback
    warnings: list[RuleWarning] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    plan_changes: list[PlanChange] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    amends: Feedback | None = None


# Checks a step at a time, used by decide and by the interactive flow.


def check_may_give(context: FeedbackContext) -> None:
    """Feedback only from the session's tutor, after it ended, and never on a lock."""
    session = context.session
    if session.tutor != context.tutor.id:
        raise NotYourSession(session, context.tutor)
    if session.end > context.now:
        raise SessionNotEnded(session)
    latest = context.latest
    if latest is not None and not latest.completed:
        raise SessionLocked(session, latest)


def check_reason(reason: str) -> str:
    folded = reason.strip().casefold()
    if folded not in REASONS:
        raise BadUsage(f"{reason!r} is not a reason; use one of {', '.join(REASONS)}")
    return folded


def student_missed_for(reason: str, said: bool | None) -> bool | None:
    """Whether the student missed the session, from the reason when not said."""
    implied = {"student-absent": True, "student-tech": False}.get(reason)
    if said is not None and implied is not None and said != implied:
        told = "missed" if said else "attended"
        raise StudentDisagrees(
            f"reason {reason} means the student {'missed' if implied else 'attended'} "
            f"the session, but the answer says they {told} it"
        )
    return said if said is not None else implied


def emergency_instructions(settings: Settings) -> list[str]:
    return [
        f"Because of the emergency, e-mail {settings.support_email} now, and "
        "message the student via chat; the school will dismiss the session."
    ]


def resolve_goal(name: str, catalog: Mapping[str, Goal]) -> Goal:
    """A goal by id or by title (case and accents ignored)."""
    if name in catalog:
        return catalog[name]
    wanted = fold(name.strip())
    for goal in catalog.values():
        if fold(goal.id) == wanted or fold(goal.title) == wanted:
            return goal
    by_name = {goal.id: goal.id for goal in catalog.values()}
    by_name.update({goal.title: goal.id for goal in catalog.values()})
    found = close_matches(name, by_name, limit=6)
    raise NotFound("goal", name, list(dict.fromkeys(by_name[n] for n in found))[:3])


def resolve_area(name: str, catalog: Mapping[str, Goal]) -> str:
    areas = list(dict.fromkeys(goal.area for goal in catalog.values()))
    wanted = fold(name.strip())
    for area in areas:
        if fold(area) == wanted:
            return area
    raise NotFound("area", name, close_matches(name, areas))


def plan_step(
    context: FeedbackContext, goal: Goal, add_to_plan: bool
) -> tuple[list[PlanChange], list[RuleWarning]]:
    """Step 4 against the study plan: changes to make, or a warning, or NoStudyPlan.

    The warning says the session will not count toward the progress graph,
    by the rule of ``counts_toward_progress``: the goal was in the plan
    neither at the session's start nor when its feedback was first given.
    """
    plan = context.plan
    changes: list[PlanChange] = []
    if goal.id not in plan:
        if add_to_plan:
            changes.append(
                PlanChange(
                    context.student.id, goal.id, "add", context.now, context.tutor.id
                )
            )
        elif not plan:
            raise NoStudyPlan(context.student)
    first_given = context.versions[0].given_at if context.versions else context.now
    history = [*context.plan_changes, *changes]
    if any(
        in_plan_at(history, goal.id, moment)
        for moment in (context.session.start, first_given)
    ):
        return changes, []
    student = context.student.id
    if goal.id in plan or changes:
        message = (
            f"{goal.title!r} was not in {student}'s study plan when this session "
            "took place or when its feedback was first given, so this session "
            "will not count toward their progress graph"
        )
    else:
        message = (
            f"{goal.title!r} is not in {student}'s study plan, so this session "
            "will not count toward their progress graph (--add-to-plan adds it)"
        )
    warning = RuleWarning(
        "goal-off-plan", message, {"goal": goal.id, "plan": list(plan)}
    )
    return changes, [warning]


def doing_great_step(
    context: FeedbackContext, area: str | None, plan: Sequence[str]
) -> tuple[str | None, list[RuleWarning], list[Hint]]:
    """Step 5: the award's area (checked against the plan), warnings and the nudge.

    An award the amended version already gave is kept as it was: neither the
    plan nor the awards since are checked again.
    """
    figures = context.doing_great
    if area is None or not area.strip():
        nudge = doing_great_nudge(figures)
        return None, [], [nudge] if nudge else []
    resolved = resolve_area(area, context.catalog)
    if resolved == kept_award(context):
        return resolved, [], []
    areas = context.areas(plan)
    if resolved not in areas:
        raise AreaNotInPlan(resolved, context.student, areas)
    return resolved, doing_great_warnings(figures), []


# What an amendment keeps: answers saved before are not checked again against
# today's study plan or awards, which may have changed since.


def kept_goal(context: FeedbackContext, goal: Goal, add_to_plan: bool) -> bool:
    """Whether step 4 keeps the amended version's goal, asking nothing of the plan."""
    earlier = context.amending
    return earlier is not None and earlier.goal == goal.id and not add_to_plan


def kept_badge(context: FeedbackContext) -> bool:
    earlier = context.amending
    return earlier is not None and earlier.great_work


def kept_award(context: FeedbackContext) -> str | None:
    earlier = context.amending
    return earlier.doing_great if earlier is not None else None


def normal_platform(platform: str) -> str:
    text = " ".join(platform.split())
    return ZOOM if text.casefold() == ZOOM else text


def next_version(context: FeedbackContext) -> int:
    return context.latest.version + 1 if context.latest else 1


# The decision.


def decide(context: FeedbackContext, answers: Answers) -> Decision:
    """The feedback to save for ``answers``, or the named error that stops it."""
    check_may_give(context)
    check_conflicts(answers)
    missing = missing_answers(answers)
    if missing:
        raise MissingAnswers(missing)
    if answers.completed:
        return _decide_completed(context, answers)
    return _decide_not_completed(context, answers)


def _decide_not_completed(context: FeedbackContext, answers: Answers) -> Decision:
    assert answers.reason is not None
    reason = check_reason(answers.reason)
    feedback = Feedback(
        session=context.session.id,
        tutor=context.tutor.id,
        given_at=context.now,
        completed=False,
        version=next_version(context),
        reason=reason,
        student_missed=student_missed_for(reason, answers.student_missed),
        tech_issues=bool(answers.tech_issues),
        note=(answers.note or "").strip(),
    )
    instructions = (
        emergency_instructions(context.settings) if reason == "emergency" else []
    )
    return Decision(feedback, instructions=instructions, amends=context.amending)


def _decide_completed(context: FeedbackContext, answers: Answers) -> Decision:
    assert answers.platform is not None and answers.goal is not None
    warnings: list[RuleWarning] = []
    hints: list[Hint] = []

    moves = {
        resolve_parameter(name, context.rubric): move
        for name, move in (answers.evaluation or {}).items()
    }
    levels = evaluate(context.levels, moves, context.rubric)
    for parameter, hint in context.stagnating.items():
        if levels[parameter] <= context.levels[parameter]:
            hints.append(hint)

    if answers.great_work and not kept_badge(context):
        warnings += badge_warnings(context.badge)

    goal = resolve_goal(answers.goal, context.catalog)
    add_to_plan = bool(answers.add_to_plan)
    changes: list[PlanChange] = []
    if not kept_goal(context, goal, add_to_plan):
        changes, off_plan = plan_step(context, goal, add_to_plan)
        warnings += off_plan
    plan = [*context.plan, *(c.goal for c in changes)]

    area, award_warnings, nudges = doing_great_step(context, answers.doing_great, plan)
    warnings += award_warnings
    hints += nudges

    focus = check_focus(answers.focus or "", context.settings.focus_max_chars)
    feedback = Feedback(
        session=context.session.id,
        tutor=context.tutor.id,
        given_at=context.now,
        completed=True,
        version=next_version(context),
        tech_issues=bool(answers.tech_issues),
        note=(answers.note or "").strip(),
        platform=normal_platform(answers.platform),
        evaluation=levels,
        great_work=bool(answers.great_work),
        goal=goal.id,
        doing_great=area,
        focus=focus,
        language_seen=(answers.language_seen or "").strip(),
        follow_up=(answers.follow_up or "").strip(),
        comments=(answers.comments or "").strip(),
    )
    return Decision(
        feedback,
        warnings=warnings,
        hints=hints,
        plan_changes=changes,
        amends=context.amending,
    )


def with_earlier_answers(context: FeedbackContext, answers: Answers) -> Answers:
    """When amending completed feedback, answers not given keep the earlier ones.

    Not when the new answers say the session was not completed after all: the
    earlier answers for a completed session would then only conflict.
    """
    earlier = context.amending
    if earlier is None or answers.completed is False:
        return answers
    return answers.merged(answers_from(earlier))
