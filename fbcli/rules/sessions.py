"""Session status, deadlines and the pending list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from fbcli.rules.model import Feedback, Session, Settings, Status


def session_status(
    session: Session, feedback: Feedback | None, now: datetime
) -> Status:
    if feedback is not None:
        return feedback.status
    if session.end > now:
        return "upcoming"
    return "pending"


def deadline(session: Session, settings: Settings) -> datetime:
    """Feedback is due this long after the session starts; later, it is unpaid."""
    return session.start + timedelta(hours=settings.deadline_hours)


def fine_time(session: Session, settings: Settings) -> datetime:
    return deadline(session, settings) + timedelta(hours=settings.fine_after_hours)


@dataclass(frozen=True, slots=True)
class PendingItem:
    session: Session
    deadline: datetime
    time_left: timedelta
    fined: bool

    @property
    def overdue(self) -> bool:
        return self.time_left <= timedelta(0)


def pending_sessions(
    sessions: Iterable[Session],
    feedback: Mapping[str, Feedback],
    now: datetime,
    settings: Settings,
) -> list[PendingItem]:
    """Sessions that have ended and have no feedback, oldest first."""
    items = []
    for session in sessions:
        if session.id in feedback or session.end > now:
            continue
        due = deadline(session, settings)
        items.append(
            PendingItem(
                session=session,
                deadline=due,
                time_left=due - now,
                fined=now >= fine_time(session, settings),
            )
        )
    items.sort(key=lambda item: (item.session.start, item.session.id))
    return items


def describe_time_left(left: timedelta) -> str:
    """'13h 20m left' or '2d 4h overdue', to the minute."""
    minutes = int(abs(left).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days}d {hours}h"
    elif hours:
        text = f"{hours}h {mins}m"
    else:
        text = f"{mins}m"
    return f"{text} overdue" if left <= timedelta(0) else f"{text} left"


def describe_age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h ago"
    if hours:
        return f"{hours}h {mins}m ago"
    return f"{mins}m ago"
