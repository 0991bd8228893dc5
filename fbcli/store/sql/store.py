"""The store on a database: one transaction per command.

Reads run in the command's transaction; writes are kept until the command's
block ends and then run in that same transaction, with the columns derived
from them, and committed once. An error anywhere rolls everything back.

Writers wait for each other: on SQLite the transaction starts with the
database's write lock (``BEGIN IMMEDIATE``); on PostgreSQL, writes take an
advisory lock before they run, and the reads before it come from committed
data. Either way the database refuses a second feedback version with the
number of one already stored (a unique constraint), so two commands giving
feedback on one session cannot both succeed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from fbcli.errors import StoreError
from fbcli.rules.model import Feedback, PlanChange, Session, Settings, Student, Tutor
from fbcli.store.base import Dump, Store
from fbcli.store.sql.compiled import RECORD_TABLES, SCHEMA_VERSION
from fbcli.store.sql.driver import Database, Row, Target, connect, parse_url

if TYPE_CHECKING:
    from fbcli.rules.stats import Period, TutorFigures

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MICROSECOND = timedelta(microseconds=1)
# Beyond any session's start, for a period open at either end.
NEVER = 2**62
# Past this many sessions written at once, derive every session's columns in
# one pass rather than the written ones by id.
BULK = 5_000
# Up to this many students' runs are rewritten one student at a time.
FEW_STUDENTS = 50
# Rows sent to the database at a time.
CHUNK = 5_000
TABLE_OF = {
    "put_tutor": "tutors",
    "put_student": "students",
    "put_session": "sessions",
    "add_feedback": "feedback",
    "add_plan_change": "plan_changes",
}


def seconds(moment: datetime) -> int:
    return (moment - EPOCH) // SECOND


def moment(value: int) -> datetime:
    return EPOCH + timedelta(seconds=value)


def micros(value: datetime) -> int:
    return (value - EPOCH) // MICROSECOND


def session_of(row: Row) -> Session:
    return Session(row[0], row[1], row[2], EPOCH + timedelta(seconds=row[3]), row[4])


def feedback_of(row: Row) -> Feedback:
    missed = row[6]
    return Feedback(
        row[0],
        row[1],
        EPOCH + timedelta(seconds=row[2]),
        bool(row[3]),
        row[4],
        row[5],
        None if missed is None else bool(missed),
        bool(row[7]),
        row[8],
        row[9],
        orjson.loads(row[10]),
        bool(row[11]),
        row[12],
        row[13],
        row[14],
        row[15],
        row[16],
        row[17],
        None if row[18] is None else EPOCH + timedelta(microseconds=row[18]),
    )


def feedback_row(item: Feedback) -> dict[str, Any]:
    return {
        "session": item.session,
        "version": item.version,
        "tutor": item.tutor,
        "given_at": seconds(item.given_at),
        "completed": item.completed,
        "reason": item.reason,
        "student_missed": item.student_missed,
        "tech_issues": item.tech_issues,
        "note": item.note,
        "platform": item.platform,
        "evaluation": orjson.dumps(item.evaluation).decode(),
        "great_work": item.great_work,
        "goal": item.goal,
        "doing_great": item.doing_great,
        "focus": item.focus,
        "language_seen": item.language_seen,
        "follow_up": item.follow_up,
        "comments": item.comments,
        "saved_at": None if item.saved_at is None else micros(item.saved_at),
    }


class SqlStore(Store):
    def __init__(
        self,
        location: str,
        *,
        write: bool,
        create: bool,
        replace: bool = False,
        lock_timeout: float,
    ) -> None:
        self.location = location
        self.target: Target = parse_url(location)
        self.write = write
        self.create = create
        self.replace = replace
        self.lock_timeout = lock_timeout
        self._db: Database | None = None
        self._pending: list[tuple[str, list[dict[str, Any]]]] = []
        self._sessions_written: set[str] = set()
        # Sessions stored again: their feedback may have to follow them to
        # another student.
        self._sessions_put: set[str] = set()
        self._messages: list[str] = []

    @property
    def db(self) -> Database:
        assert self._db is not None, "store used outside its block"
        return self._db

    # Opening and committing.

    @contextlib.contextmanager
    def opened(self) -> Iterator[SqlStore]:
        if self.create:
            self._set_aside_old_file()
        self._db = connect(
            self.target,
            create=self.create,
            write=self.write,
            lock_timeout=self.lock_timeout,
        )
        try:
            self.db.begin(write=self.write)
            if self.create or self._version() != SCHEMA_VERSION:
                self.db.rollback()
                self._prepare_schema()
                self.db.begin(write=self.write)
            yield self
            bulk = len(self._sessions_written) > BULK
            if self._pending:
                self._flush()
            self.db.commit()
            if bulk:
                self.db.tidy_after_bulk()
        finally:
            self.db.rollback()
            self.db.close()

    def _set_aside_old_file(self) -> None:
        """``init --force`` on SQLite keeps the old file as ``FILE.bak``."""
        path = self.target.path
        if path is None or not (path.exists() or path.is_symlink()):
            return
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a store file")
        if not self.replace:
            raise StoreError(f"{path} already exists; --force replaces it")
        backup = path.with_name(path.name + ".bak")
        path.replace(backup)
        for suffix in ("-wal", "-shm"):
            leftover = path.with_name(path.name + suffix)
            if leftover.exists():
                leftover.replace(backup.with_name(backup.name + suffix))

    def _version(self) -> int | None:
        """The schema version recorded, or None for a database without fbcli's tables."""
        rows = self.db.rows_if_tables("schema_version")
        if not rows:
            return None
        try:
            return int(rows[0][0])
        except ValueError:
            raise StoreError(
                f"{self.target.shown} has schema version {rows[0][0]!r}"
            ) from None

    def _prepare_schema(self) -> None:
        """Create the schema, or bring an older one forward, in its own transaction."""
        db = self.db
        if self.create:
            db.use_wal()
        db.begin(write=True)
        db.lock_writers()
        version = self._version()
        if version is not None and self.create:
            if not self.replace:
                db.rollback()
                raise StoreError(
                    f"{self.target.shown} already holds an fbcli store; "
                    "--force replaces it"
                )
            db.run("drop_tables")
            version = None
        if version is None:
            if not self.create:
                db.rollback()
                raise StoreError(
                    f"{self.target.shown} holds no fbcli store; "
                    "create one with 'fbcli init'"
                )
            version = 0
        if version > SCHEMA_VERSION:
            db.rollback()
            raise StoreError(
                f"{self.target.shown} has schema version {version}; this fbcli "
                f"reads versions up to {SCHEMA_VERSION} only"
            )
        for number, step in enumerate(db.steps()[version:], start=version + 1):
            db.run_compiled(step)
            db.run("set_meta", key="schema_version", value=str(number))
        db.commit()
        if version and version < SCHEMA_VERSION:
            from fbcli.output import say

            say(
                f"brought {self.target.shown} from schema version {version} "
                f"to {SCHEMA_VERSION}"
            )

    def counts(self) -> dict[str, int]:
        """How many records each table holds."""
        (row,) = self.db.rows("count_rows")
        return dict(zip(RECORD_TABLES, (int(n) for n in row), strict=True))

    def _flush(self) -> None:
        db = self.db
        db.lock_writers()
        touched = sorted(self._sessions_written)
        bulk = len(touched) > BULK
        if bulk:
            db.use_large_cache()
        students: set[str] = set()
        if touched and not bulk:
            # Sessions that move to another student change that student's runs too.
            students.update(self._students_of(touched))
        self._number_feedback()
        for name, rows in self._pending:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                db.run_many(name, chunk)
                if self.on_written is not None:
                    self.on_written(TABLE_OF[name], len(chunk))
        put = sorted(self._sessions_put)
        if len(put) > BULK:
            db.run("move_every_feedback")
        elif put:
            db.run("move_feedback", ids=orjson.dumps(put).decode())
        if bulk:
            db.run("refresh_every_session")
            db.run("refresh_every_run")
            if db.dialect == "sqlite":
                # Fresh statistics for the planner after many rows at once
                # (PostgreSQL's come with VACUUM, after the commit).
                db.run("analyze")
        elif touched:
            ids = orjson.dumps(touched).decode()
            db.run("refresh_sessions", ids=ids)
            students.update(self._students_of(touched))
            if len(students) <= FEW_STUDENTS:
                # Through the student's index, which a list would not use.
                for student in sorted(students):
                    db.run("refresh_runs_of", student=student)
            else:
                db.run("refresh_runs", ids=orjson.dumps(sorted(students)).decode())
        self._pending.clear()
        self._sessions_put.clear()

    def _number_feedback(self) -> None:
        """Number new feedback in the order it was given, and give it its student.

        ``seq`` keeps the order feedback was given in, for a copy of the store;
        the table itself is kept in (student, session, version) order, which a
        bulk load then fills page by page rather than all over the file.
        """
        queued = [rows for name, rows in self._pending if name == "add_feedback"]
        if not queued:
            return
        ((first,),) = self.db.rows("next_feedback_seq")
        seq = int(first)
        for rows in queued:
            for row in rows:
                row["seq"] = seq
                seq += 1
        # Sessions stored in this same block, as they will be when it is written.
        student_of = {
            row["id"]: row["student"]
            for name, rows in self._pending
            if name == "put_session"
            for row in rows
        }
        others = {row["session"] for rows in queued for row in rows} - set(student_of)
        if others:
            ids = orjson.dumps(sorted(others)).decode()
            found: dict[str, str] = dict(self.db.rows("students_by_session", ids=ids))
            # Feedback on a session the store does not hold keeps its row.
            student_of.update({session: found.get(session, "") for session in others})
        for rows in queued:
            for row in rows:
                row["student"] = student_of[row["session"]]
            if len(rows) > BULK:
                rows.sort(
                    key=lambda row: (row["student"], row["session"], row["version"])
                )

    def _students_of(self, session_ids: list[str]) -> list[str]:
        ids = orjson.dumps(session_ids).decode()
        return [row[0] for row in self.db.rows("students_of_sessions", ids=ids)]

    # Reading.

    def tutor(self, tutor_id: str) -> Tutor | None:
        rows = self.db.rows("tutor", id=tutor_id)
        return Tutor(*rows[0]) if rows else None

    def tutors(self) -> list[Tutor]:
        return [Tutor(*row) for row in self.db.rows("tutors")]

    def student(self, student_id: str) -> Student | None:
        rows = self.db.rows("student", id=student_id)
        return _student(rows[0]) if rows else None

    def students(self) -> list[Student]:
        return [_student(row) for row in self.db.rows("students")]

    def session(self, session_id: str) -> Session | None:
        rows = self.db.rows("session", id=session_id)
        return session_of(rows[0]) if rows else None

    def sessions(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> list[Session]:
        if tutor is not None and student is not None:
            rows = self.db.rows("sessions_of_both", tutor=tutor, student=student)
        elif tutor is not None:
            rows = self.db.rows("sessions_of_tutor", tutor=tutor)
        elif student is not None:
            rows = self.db.rows("sessions_of_student", student=student)
        else:
            rows = self.db.rows("sessions")
        return [session_of(row) for row in rows]

    def session_ids(self) -> list[str]:
        return [row[0] for row in self.db.rows("session_ids")]

    def feedback_versions(self, session_id: str) -> list[Feedback]:
        rows = self.db.rows("feedback_versions", session=session_id)
        return [feedback_of(row) for row in rows]

    def feedback(self, session_id: str) -> Feedback | None:
        versions = self.feedback_versions(session_id)
        return versions[-1] if versions else None

    def latest_feedback(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> dict[str, Feedback]:
        if tutor is not None and student is not None:
            rows = self.db.rows("latest_feedback_of_both", tutor=tutor, student=student)
        elif tutor is not None:
            rows = self.db.rows("latest_feedback_of_tutor", tutor=tutor)
        elif student is not None:
            rows = self.db.rows("latest_feedback_of_student", student=student)
        else:
            rows = self.db.rows("latest_feedback")
        return {row[0]: feedback_of(row) for row in rows}

    def completed_badges(
        self, tutor: str, newest: int | None = None
    ) -> list[tuple[datetime, str, bool]]:
        rows = self.db.rows(
            "completed_badges", tutor=tutor, newest=NEVER if newest is None else newest
        )
        return [(moment(row[0]), row[1], bool(row[2])) for row in reversed(rows)]

    def first_given_times(
        self, sessions: Collection[str] | None = None
    ) -> dict[str, datetime]:
        if sessions is None:
            rows = self.db.rows("first_given_all")
        else:
            ids = orjson.dumps(list(sessions)).decode()
            rows = self.db.rows("first_given_of", ids=ids)
        return {row[0]: moment(row[1]) for row in rows}

    def plan_changes(self, student: str | None = None) -> list[PlanChange]:
        if student is None:
            rows = self.db.rows("plan_changes")
        else:
            rows = self.db.rows("plan_changes_of_student", student=student)
        return [_plan_change(row) for row in rows]

    def dump(self) -> Dump:
        db = self.db
        return Dump(
            self.tutors(),
            self.students(),
            [session_of(row) for row in db.rows("sessions_stored")],
            [feedback_of(row) for row in db.rows("feedback_stored")],
            [_plan_change(row) for row in db.rows("plan_changes_stored")],
        )

    def tutor_figures(
        self,
        tutors: list[Tutor],
        period: Period,
        now: datetime,
        settings: Settings,
        only: list[str] | None = None,
    ) -> list[TutorFigures]:
        from fbcli.store.sql.stats import tutor_figures

        return tutor_figures(self.db, tutors, period, now, settings, only)

    # Writing.

    def _queue(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not self.write:
            raise RuntimeError("store opened for reading only")
        if rows:
            self._pending.append((name, rows))

    def put_tutors(self, tutors: Iterable[Tutor]) -> None:
        self._queue("put_tutor", [t.to_record() for t in tutors])

    def put_students(self, students: Iterable[Student]) -> None:
        self._queue(
            "put_student",
            [
                {"id": s.id, "name": s.name, "levels": orjson.dumps(s.levels).decode()}
                for s in students
            ],
        )

    def put_sessions(self, sessions: Iterable[Session]) -> None:
        rows = [
            {
                "id": s.id,
                "tutor": s.tutor,
                "student": s.student,
                "start": seconds(s.start),
                "minutes": s.minutes,
            }
            for s in sessions
        ]
        self._queue("put_session", rows)
        ids = [str(row["id"]) for row in rows]
        self._sessions_written.update(ids)
        self._sessions_put.update(ids)

    def add_feedback(self, feedback: Iterable[Feedback]) -> None:
        rows = [feedback_row(item) for item in feedback]
        if len(rows) <= BULK:
            for row in rows:
                stored = {f.version for f in self.feedback_versions(row["session"])}
                if row["version"] in stored:
                    raise StoreError(
                        f"feedback version {row['version']} of session "
                        f"{row['session']} is already stored"
                    )
        self._queue("add_feedback", rows)
        self._sessions_written.update(row["session"] for row in rows)

    def add_plan_changes(self, changes: Iterable[PlanChange]) -> None:
        rows = [
            {
                "student": c.student,
                "goal": c.goal,
                "action": c.action,
                "at": seconds(c.at),
                "by": c.by,
            }
            for c in changes
        ]
        self._queue("add_plan_change", rows)


def _student(row: Row) -> Student:
    return Student(row[0], row[1], orjson.loads(row[2]))


def _plan_change(row: Row) -> PlanChange:
    return PlanChange(row[0], row[1], row[2], moment(row[3]), row[4])
