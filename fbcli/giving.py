"""Giving feedback against the store: reading what the rules need, saving what they decide.

Shared by ``give`` (flags, interactive, --from) and ``mark-unattended``. No
rich or questionary here: the flag path must start fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from fbcli import school
from fbcli.errors import NotFound, RuleBroken, StoreError
from fbcli.output import plain, print_json, say, warn
from fbcli.rules.awards import BadgeLedger
from fbcli.rules.feedback import Decision, FeedbackContext
from fbcli.rules.matching import close_matches
from fbcli.rules.model import Feedback, PlanChange, Session, Student, Tutor
from fbcli.rules.notices import RuleWarning
from fbcli.store import Store


@dataclass(frozen=True, slots=True)
class Options:
    """How a feedback command behaves, whatever the answers."""

    yes: bool = False
    strict: bool = False
    dry_run: bool = False
    as_json: bool = False
    no_input: bool = False


class WarningsUnderStrict(RuleBroken):
    def __init__(self, count: int) -> None:
        noun = "warning" if count == 1 else "warnings"
        super().__init__(f"{count} {noun} under --strict; nothing was saved")


class ChangedMeanwhile(StoreError):
    def __init__(self, session: str, versions: Sequence[Feedback]) -> None:
        latest = versions[-1] if versions else None
        now = (
            f"it now has version {latest.version}, given by {latest.tutor}"
            if latest
            else "its feedback was removed"
        )
        super().__init__(
            f"the feedback on {session} changed while you were answering ({now}); "
            f"nothing was saved; run 'fbcli give {session}' again"
        )


class SavedMeanwhile(StoreError):
    def __init__(self, session: str, latest: Feedback) -> None:
        super().__init__(
            f"another fbcli command saved feedback on {session} while this one ran "
            f"(version {latest.version}, given by {latest.tutor}); nothing was "
            f"saved; run 'fbcli give {session}' again to amend it"
        )


def check_not_saved_since(context: FeedbackContext, started: datetime) -> None:
    """Refuse to build on feedback that another command saved after this one started.

    Two commands on one session at once both wait for the lock; the second
    would otherwise amend what the first saved without having seen it.
    """
    latest = context.latest
    if latest is not None and latest.saved_at is not None and latest.saved_at > started:
        raise SavedMeanwhile(context.session.id, latest)


@dataclass
class StudentBook:
    student: Student
    sessions: list[Session]
    feedback: dict[str, Feedback]
    plan_changes: list[PlanChange]


class Ledger:
    """What the store says about one tutor's sessions and their students.

    Every read is by id or by an index, and each student and the tutor's badge
    history are read once, however many sessions are decided; decisions
    recorded here count for the next ones, before anything is written.
    """

    def __init__(
        self, store: Store, tutor: Tutor, now: datetime, decisions: int = 1
    ) -> None:
        self.store = store
        self.tutor = tutor
        self.now = now
        # The badge rate looks at the newest completed sessions; each decision
        # may take one of them out (amended to not completed) or be one.
        newest = school.settings().badge_rate_window + 1 + decisions
        self.badges = BadgeLedger.from_badges(store.completed_badges(tutor.id, newest))
        self._students: dict[str, StudentBook] = {}
        self._decided: dict[str, list[Feedback]] = {}

    def session(self, session_id: str) -> Session:
        session = self.store.session(session_id)
        if session is None:
            known = self.store.session_ids()
            raise NotFound("session", session_id, close_matches(session_id, known))
        return session

    def book(self, student_id: str) -> StudentBook:
        book = self._students.get(student_id)
        if book is None:
            student = self.store.student(student_id)
            if student is None:
                raise NotFound("student", student_id)
            book = StudentBook(
                student,
                self.store.sessions(student=student_id),
                dict(self.store.latest_feedback(student=student_id)),
                list(self.store.plan_changes(student_id)),
            )
            self._students[student_id] = book
        return book

    def versions(self, session_id: str) -> list[Feedback]:
        return [
            *self.store.feedback_versions(session_id),
            *self._decided.get(session_id, []),
        ]

    def context(
        self, session_id: str, extra_plan: Sequence[PlanChange] = ()
    ) -> FeedbackContext:
        session = self.session(session_id)
        book = self.book(session.student)
        settings = school.settings()
        return FeedbackContext(
            session=session,
            tutor=self.tutor,
            student=book.student,
            student_sessions=book.sessions,
            student_feedback=book.feedback,
            versions=self.versions(session_id),
            tutor_recent=self.badges.recent(
                settings.badge_rate_window, excluding=session.id
            ),
            plan_changes=[*book.plan_changes, *extra_plan],
            catalog=school.goals(),
            rubric=school.rubric(),
            settings=settings,
            now=self.now,
        )

    def record(self, context: FeedbackContext, decision: Decision) -> None:
        """Count a decision for the sessions decided after it."""
        feedback = decision.feedback
        book = self.book(context.session.student)
        book.feedback[feedback.session] = feedback
        book.plan_changes.extend(decision.plan_changes)
        self.badges.record(context.session, feedback)
        self._decided.setdefault(feedback.session, []).append(feedback)


def report(decision: Decision, *, where: str = "", hints: bool = True) -> None:
    """Warnings, hints and instructions, one line each on stderr."""
    for instruction in decision.instructions:
        say(where + instruction)
    for hint in decision.hints if hints else ():
        say(f"{where}note: {hint.message}")
    for warning in decision.warnings:
        if where:
            say(f"{where}warning: {warning.message}")
        else:
            warn(warning.message)


def check_strict(warnings: Sequence[RuleWarning], options: Options) -> None:
    if options.strict and warnings:
        raise WarningsUnderStrict(len(warnings))


def save(store: Store, decisions: Sequence[Decision]) -> list[Decision]:
    """Queue the decisions' feedback and plan changes; the decisions as saved.

    Called under the writers' lock, so the time each is stamped with comes
    after every save another command made before it.
    """
    saved_at = datetime.now(UTC)
    saved = [
        replace(d, feedback=replace(d.feedback, saved_at=saved_at)) for d in decisions
    ]
    store.add_feedback(d.feedback for d in saved)
    changes = [change for d in saved for change in d.plan_changes]
    if changes:
        store.add_plan_changes(changes)
    return saved


def result_record(decision: Decision, options: Options) -> dict[str, Any]:
    feedback = decision.feedback
    return {
        **feedback.to_record(),
        "status": feedback.status,
        "unattended": feedback.unattended,
        "amended": feedback.version > 1,
        "saved": not options.dry_run,
        "plan_changes": [c.to_record() for c in decision.plan_changes],
        "warnings": [w.to_record() for w in decision.warnings],
        "hints": [h.to_record() for h in decision.hints],
    }


def announce(decisions: Sequence[Decision], options: Options) -> None:
    """The result: JSON on stdout, or one line per session on stderr."""
    if options.as_json:
        records = [result_record(d, options) for d in decisions]
        print_json(records[0] if len(records) == 1 else records)
        return
    for decision in decisions:
        say(describe(decision, options))


def describe(decision: Decision, options: Options) -> str:
    feedback = decision.feedback
    status = "unattended" if feedback.unattended else feedback.status
    verb = "would save" if options.dry_run else "saved"
    text = f"{verb} feedback on {feedback.session}: {status}"
    if feedback.version > 1:
        text += f" (version {feedback.version}; earlier versions kept)"
    for change in decision.plan_changes:
        text += f"; {plain(change.goal)} added to {change.student}'s study plan"
    if options.dry_run:
        text += " (dry run: nothing saved)"
    return text


def same_versions(before: Sequence[Feedback], after: Sequence[Feedback]) -> bool:
    def key(items: Sequence[Feedback]) -> list[tuple[int, str, datetime]]:
        return [(f.version, f.tutor, f.given_at) for f in items]

    return key(before) == key(after)
