"""Steps 3 and 5: the great-work badge and the 'you're doing great in' award.

Both should be given at a steady pace, so each comes with the figures that
say whether now looks too soon (a warning) or overdue (a hint).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from fbcli.rules.model import Feedback, Session, Settings
from fbcli.rules.notices import Hint, RuleWarning


@dataclass(frozen=True, slots=True)
class BadgeFigures:
    """The tutor's badge rate, and how long ago the student last got the badge.

    ``tutor_badges`` of the tutor's last ``tutor_sessions`` completed sessions
    (at most the rate window; this one not counted) got the badge, and
    ``prior_badges`` of the ``prior_sessions`` that stay in the window when
    this session joins it. ``student_since`` counts the student's completed
    sessions since their last badge (1: the previous one), None if never.
    """

    tutor_badges: int
    tutor_sessions: int
    prior_badges: int
    prior_sessions: int
    student_since: int | None
    band: tuple[float, float]
    recent: int

    @property
    def rate(self) -> float | None:
        return self.tutor_badges / self.tutor_sessions if self.tutor_sessions else None

    @property
    def rate_if_awarded(self) -> float:
        """The rate over the window if this session, the newest, gets the badge."""
        return (self.prior_badges + 1) / (self.prior_sessions + 1)


def badge_figures(
    student_completed: Sequence[Feedback],
    tutor_recent: Sequence[bool],
    settings: Settings,
) -> BadgeFigures:
    """The figures for step 3.

    ``student_completed``: the student's completed sessions before this one,
    oldest first; ``tutor_recent``: whether each of the tutor's most recent
    completed sessions (this one excepted, newest last) got the badge.
    """
    size = max(settings.badge_rate_window, 1)
    window = list(tutor_recent)[-size:]
    prior = window[len(window) - (size - 1) :] if size > 1 else []
    since = None
    for ago, feedback in enumerate(reversed(student_completed), start=1):
        if feedback.great_work:
            since = ago
            break
    return BadgeFigures(
        tutor_badges=sum(window),
        tutor_sessions=len(window),
        prior_badges=sum(prior),
        prior_sessions=len(prior),
        student_since=since,
        band=settings.badge_band,
        recent=settings.badge_recent_sessions,
    )


def badge_warnings(figures: BadgeFigures) -> list[RuleWarning]:
    """Why awarding the badge now may be too soon, with the numbers."""
    warnings = []
    if figures.student_since is not None and figures.student_since <= figures.recent:
        warnings.append(
            RuleWarning(
                "badge-student-recent",
                f"the student got the great-work badge {_ago(figures.student_since)}, "
                f"within their last {figures.recent} sessions",
                {
                    "sessions_since_badge": figures.student_since,
                    "recent_sessions": figures.recent,
                },
            )
        )
    top = figures.band[1]
    rate = figures.rate_if_awarded
    if rate > top:
        count = figures.prior_sessions + 1
        warnings.append(
            RuleWarning(
                "badge-rate-high",
                f"the badge would make your rate {_percent(rate)} "
                f"({figures.prior_badges + 1} of your last {count} completed "
                f"sessions), above the school's {_band(figures.band)}",
                {
                    "badges": figures.prior_badges + 1,
                    "sessions": count,
                    "rate": round(rate, 4),
                    "band": list(figures.band),
                },
            )
        )
    return warnings


@dataclass(frozen=True, slots=True)
class DoingGreatFigures:
    """The student's completed sessions since the last 'doing great' award,
    counting this one; ``last_area`` is that award's area, None if never."""

    since: int
    last_area: str | None
    band: tuple[int, int]

    @property
    def ever(self) -> bool:
        return self.last_area is not None


def doing_great_figures(
    student_completed: Sequence[Feedback], settings: Settings
) -> DoingGreatFigures:
    since = 1
    for feedback in reversed(student_completed):
        if feedback.doing_great:
            return DoingGreatFigures(
                since, feedback.doing_great, settings.doing_great_band
            )
        since += 1
    return DoingGreatFigures(since, None, settings.doing_great_band)


def doing_great_warnings(figures: DoingGreatFigures) -> list[RuleWarning]:
    low, high = figures.band
    if not figures.ever or figures.since >= low:
        return []
    return [
        RuleWarning(
            "doing-great-soon",
            f"this would be only {_sessions(figures.since)} after the student's last "
            f"'doing great' award ({figures.last_area}); the school aims for one "
            f"every {low} to {high} sessions",
            {"sessions_since_award": figures.since, "band": [low, high]},
        )
    ]


def doing_great_nudge(figures: DoingGreatFigures) -> Hint | None:
    low, high = figures.band
    if figures.since < high:
        return None
    since = "since their last one" if figures.ever else "yet"
    return Hint(
        "doing-great-due",
        f"no 'doing great' award in the student's {figures.since} sessions {since}, "
        f"counting this one; the school aims for one every {low} to {high} sessions",
        {"sessions_since_award": figures.since, "band": [low, high]},
    )


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"


def _ago(sessions: int) -> str:
    return "in the previous session" if sessions == 1 else f"{sessions} sessions ago"


def _percent(rate: float) -> str:
    return f"{rate:.0%}"


def _band(band: tuple[float, float]) -> str:
    return f"{band[0]:.0%}-{band[1]:.0%} band"


class BadgeLedger:
    """A tutor's completed sessions in session order, each with its badge.

    Built once per command; ``record`` takes in feedback decided since, so
    that a file of many sessions sees the badges given earlier in it.
    """

    def __init__(
        self, sessions: Iterable[Session], feedback: Mapping[str, Feedback]
    ) -> None:
        self._badge: dict[str, bool] = {}
        self._keys: list[tuple[datetime, str]] = []
        for session in sessions:
            item = feedback.get(session.id)
            if item is not None and item.completed:
                self._badge[session.id] = item.great_work
                self._keys.append((session.start, session.id))
        self._keys.sort()

    @classmethod
    def from_badges(cls, badges: Iterable[tuple[datetime, str, bool]]) -> BadgeLedger:
        """From (start, session id, badge) of completed sessions."""
        ledger = cls([], {})
        for start, session_id, badge in badges:
            ledger._badge[session_id] = badge
            ledger._keys.append((start, session_id))
        ledger._keys.sort()
        return ledger

    def record(self, session: Session, feedback: Feedback) -> None:
        key = (session.start, session.id)
        known = session.id in self._badge
        if feedback.completed:
            if not known:
                insort(self._keys, key)
            self._badge[session.id] = feedback.great_work
        elif known:
            del self._keys[bisect_left(self._keys, key)]
            del self._badge[session.id]

    def recent(self, count: int, *, excluding: str) -> list[bool]:
        """Badges of the ``count`` most recent completed sessions, newest last."""
        if count <= 0:
            return []
        keys = [key for key in self._keys[-(count + 1) :] if key[1] != excluding]
        return [self._badge[session_id] for _, session_id in keys[-count:]]
