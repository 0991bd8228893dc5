"""The records fbcli keeps, as plain values.

Stored records are dicts of JSON types; these classes are the typed view the
rules and commands work with. Times are aware datetimes in UTC. ``from_record``
takes a record with every field, as ``to_record`` writes it: the store checks
and completes any record it did not write itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

Role = Literal["tutor", "admin"]
Status = Literal[
    "upcoming", "pending", "completed", "not-completed", "dismissal-requested"
]
STATUSES: tuple[Status, ...] = (
    "upcoming",
    "pending",
    "completed",
    "not-completed",
    "dismissal-requested",
)
REASONS = ("student-absent", "student-tech", "server-down", "emergency")


def parse_time(text: str) -> datetime:
    """Read an ISO 8601 time that carries an offset, as UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range") from None


def format_time(moment: datetime) -> str:
    """Write a time the way the store keeps it: UTC, seconds, '+00:00'."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Tutor:
    id: str
    name: str
    email: str = ""
    role: Role = "tutor"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Tutor:
        return cls(record["id"], record["name"], record["email"], record["role"])


@dataclass(frozen=True, slots=True)
class Student:
    id: str
    name: str
    levels: dict[str, int] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "levels": dict(self.levels)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Student:
        return cls(record["id"], record["name"], dict(record["levels"]))


# Sessions and feedback are read by the hundred thousand for stats, and a
# frozen dataclass's __init__ costs several times a plain one's: these two are
# not frozen, but are values all the same, changed only by dataclasses.replace.
@dataclass(slots=True, unsafe_hash=True)
class Session:
    id: str
    tutor: str
    student: str
    start: datetime
    minutes: int = 30

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tutor": self.tutor,
            "student": self.student,
            "start": format_time(self.start),
            "minutes": self.minutes,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Session:
        return cls(
            record["id"],
            record["tutor"],
            record["student"],
            parse_time(record["start"]),
            record["minutes"],
        )


@dataclass(slots=True)
class Feedback:
    """One version of the feedback on one session.

    ``evaluation`` holds the student's levels after the session, one per
    rubric parameter; it is empty when the session was not completed.
    """

    session: str
    tutor: str
    given_at: datetime
    completed: bool
    version: int = 1
    reason: str | None = None
    student_missed: bool | None = None
    tech_issues: bool = False
    note: str = ""
    platform: str | None = None
    evaluation: dict[str, int] = field(default_factory=dict)
    great_work: bool = False
    goal: str | None = None
    doing_great: str | None = None
    focus: str = ""
    language_seen: str = ""
    follow_up: str = ""
    comments: str = ""
    # When the store received it, by the real clock even under FBCLI_NOW; None
    # for feedback from before fbcli kept it, and before it is saved.
    saved_at: datetime | None = None

    @property
    def status(self) -> Status:
        if self.completed:
            return "completed"
        if self.reason == "emergency":
            return "dismissal-requested"
        return "not-completed"

    @property
    def unattended(self) -> bool:
        return not self.completed and self.reason == "student-absent"

    def to_record(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "version": self.version,
            "tutor": self.tutor,
            "given_at": format_time(self.given_at),
            "completed": self.completed,
            "reason": self.reason,
            "student_missed": self.student_missed,
            "tech_issues": self.tech_issues,
            "note": self.note,
            "platform": self.platform,
            "evaluation": dict(self.evaluation),
            "great_work": self.great_work,
            "goal": self.goal,
            "doing_great": self.doing_great,
            "focus": self.focus,
            "language_seen": self.language_seen,
            "follow_up": self.follow_up,
            "comments": self.comments,
            "saved_at": None
            if self.saved_at is None
            else self.saved_at.astimezone(UTC).isoformat(timespec="microseconds"),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Feedback:
        # Positional, in the order of the fields: many thousands are read at
        # once for stats.
        r = record
        return cls(
            r["session"],
            r["tutor"],
            parse_time(r["given_at"]),
            r["completed"],
            r["version"],
            r["reason"],
            r["student_missed"],
            r["tech_issues"],
            r["note"],
            r["platform"],
            dict(r["evaluation"]),
            r["great_work"],
            r["goal"],
            r["doing_great"],
            r["focus"],
            r["language_seen"],
            r["follow_up"],
            r["comments"],
            None if r.get("saved_at") is None else parse_time(r["saved_at"]),
        )


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A goal added to or removed from a student's study plan."""

    student: str
    goal: str
    action: Literal["add", "remove"]
    at: datetime
    by: str

    def to_record(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "goal": self.goal,
            "action": self.action,
            "at": format_time(self.at),
            "by": self.by,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PlanChange:
        return cls(
            record["student"],
            record["goal"],
            record["action"],
            parse_time(record["at"]),
            record["by"],
        )


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    title: str
    area: str


@dataclass(frozen=True, slots=True)
class Rubric:
    parameters: tuple[str, ...]
    lowest: int
    highest: int
    start: int


@dataclass(frozen=True, slots=True)
class Settings:
    session_minutes: int = 30
    deadline_hours: int = 48
    fine_after_hours: int = 24
    badge_band: tuple[float, float] = (0.10, 0.20)
    badge_recent_sessions: int = 4
    badge_rate_window: int = 20
    doing_great_band: tuple[int, int] = (5, 10)
    stagnation_sessions: int = 5
    focus_max_chars: int = 20
    support_email: str = "tutors@fluentify.com"
