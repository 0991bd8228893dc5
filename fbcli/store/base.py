"""The storage interface.

A command opens the store once. Reads come from one snapshot taken at open;
writes are buffered and reach the backend in one commit when the command's
``with`` block ends without an error. An error inside the block leaves the
store exactly as it was.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from fbcli.rules.model import (
    Feedback,
    PlanChange,
    Session,
    Settings,
    Student,
    Tutor,
)

if TYPE_CHECKING:
    from fbcli.rules.stats import Period, TutorFigures
    from fbcli.store.json_store import JsonStore
    from fbcli.store.sql.store import SqlStore

SCHEMA_VERSION = 1


def shown(location: str) -> str:
    """A store's location for messages: a database URL without its password."""
    if "://" not in location:
        return location
    import re

    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", location)


@dataclass(slots=True)
class Dump:
    """A whole store's records, each table in the order it was written."""

    tutors: list[Tutor]
    students: list[Student]
    sessions: list[Session]
    feedback: list[Feedback]
    plan_changes: list[PlanChange]

    def counts(self) -> dict[str, int]:
        return {
            "tutors": len(self.tutors),
            "students": len(self.students),
            "sessions": len(self.sessions),
            "feedback": len(self.feedback),
            "plan_changes": len(self.plan_changes),
        }


class Store(ABC):
    location: str
    # Told how many records of a table reach the backend, as they do.
    on_written: Callable[[str, int], None] | None = None

    # Reading.

    @abstractmethod
    def tutor(self, tutor_id: str) -> Tutor | None: ...

    @abstractmethod
    def tutors(self) -> list[Tutor]: ...

    @abstractmethod
    def student(self, student_id: str) -> Student | None: ...

    @abstractmethod
    def students(self) -> list[Student]: ...

    @abstractmethod
    def session(self, session_id: str) -> Session | None: ...

    @abstractmethod
    def sessions(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> list[Session]:
        """Sessions, oldest first, optionally of one tutor and/or one student."""

    @abstractmethod
    def session_ids(self) -> list[str]: ...

    @abstractmethod
    def feedback(self, session_id: str) -> Feedback | None:
        """The latest version of a session's feedback."""

    @abstractmethod
    def feedback_versions(self, session_id: str) -> list[Feedback]:
        """Every version of a session's feedback, oldest first."""

    @abstractmethod
    def latest_feedback(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> dict[str, Feedback]:
        """The latest feedback by session id, for sessions of a tutor and/or student."""

    @abstractmethod
    def first_given_times(
        self, sessions: Collection[str] | None = None
    ) -> dict[str, datetime]:
        """When feedback was first given, for each session whose feedback was amended.

        Of these ``sessions`` (ids), or of every session when None, in one
        read; a session never amended is left out, its one version says it.
        """

    def completed_badges(
        self, tutor: str, newest: int | None = None
    ) -> list[tuple[datetime, str, bool]]:
        """The tutor's completed sessions (start, id, great-work badge), oldest first.

        Only the ``newest`` ones, when given.
        """
        feedback = self.latest_feedback(tutor=tutor)
        found = [
            (session.start, session.id, item.great_work)
            for session in self.sessions(tutor=tutor)
            if (item := feedback.get(session.id)) is not None and item.completed
        ]
        found.sort(key=lambda badge: (badge[0], badge[1]))
        if newest is None:
            return found
        return found[-newest:] if newest > 0 else []

    @abstractmethod
    def plan_changes(self, student: str | None = None) -> list[PlanChange]:
        """Study plan changes, oldest first."""

    # Every record, in the order the store was given them (for a copy).

    @abstractmethod
    def dump(self) -> Dump: ...

    def counts(self) -> dict[str, int]:
        """How many records each table holds."""
        return self.dump().counts()

    # What stats add up, for every tutor (or those in ``only``).

    def tutor_figures(
        self,
        tutors: list[Tutor],
        period: Period,
        now: datetime,
        settings: Settings,
        only: list[str] | None = None,
    ) -> list[TutorFigures]:
        """``rules.stats.tutor_stats`` over the whole store.

        A store that can count in place (a database) answers without reading
        every session; this one reads them all and counts in Python.
        """
        from fbcli.rules.stats import tutor_stats

        return tutor_stats(
            tutors,
            self.sessions(),
            self.latest_feedback(),
            self.first_given_times(),
            period,
            now,
            settings,
            only,
        )

    # Writing: buffered until the block that opened the store ends.

    @abstractmethod
    def put_tutors(self, tutors: Iterable[Tutor]) -> None: ...

    @abstractmethod
    def put_students(self, students: Iterable[Student]) -> None: ...

    @abstractmethod
    def put_sessions(self, sessions: Iterable[Session]) -> None: ...

    @abstractmethod
    def add_feedback(self, feedback: Iterable[Feedback]) -> None:
        """Add feedback versions; a version number already stored is a conflict."""

    @abstractmethod
    def add_plan_changes(self, changes: Iterable[PlanChange]) -> None: ...


@contextmanager
def open_store(
    location: str,
    *,
    write: bool = False,
    create: bool = False,
    replace: bool = False,
    lock_timeout: float = 5.0,
) -> Iterator[Store]:
    """Open the store at ``location`` for one command.

    ``location`` is a JSON file's path, or a database URL (``sqlite:///PATH``,
    ``postgresql://USER@HOST:PORT/DATABASE``).

    ``create`` makes a new, empty store, refusing an existing file unless
    ``replace`` (the old one is then kept as the backup); ``write`` holds the
    writers' lock from the read to the commit.
    """
    kind: type[JsonStore] | type[SqlStore]
    if "://" in location:
        # A database URL; its libraries load only here.
        from fbcli.store.sql.store import SqlStore as kind
    else:
        from fbcli.store.json_store import JsonStore as kind
    store = kind(
        location,
        write=write or create,
        create=create,
        replace=replace,
        lock_timeout=lock_timeout,
    )
    with store.opened():
        yield store
