"""The embedded store: TinyDB over one JSON file.

The file is read once when a command opens it and written at most once, when
the command's block ends without error. Writers hold a cross-process lock
from the read to the write; the write goes to a temporary file in the same
folder, is flushed to disk, and replaces the store in one rename, after the
previous version is kept as ``STORE.bak``.

TinyDB's own table scans copy every document and go back to the storage on
each call, so reads here look documents up in the one snapshot instead, and
parse only the tables and lines a command needs (see ``tables``); new
documents are added after the stored ones, and changed ones go through
TinyDB's tables in one batch per table.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from fbcli.errors import StoreError
from fbcli.rules.model import (
    Feedback,
    PlanChange,
    Session,
    Student,
    Tutor,
    parse_time,
)
from fbcli.store.atomic import write_atomically
from fbcli.store.base import SCHEMA_VERSION, Dump, Store
from fbcli.store.records import MalformedRecord, check_record
from fbcli.store.tables import (
    MalformedTable,
    Table,
    block_record,
    file_parts,
    split_blocks,
)

TABLES = ("meta", "tutors", "students", "sessions", "feedback", "plan_changes")

Record = dict[str, Any]


class SnapshotStorage(Storage):
    """TinyDB storage over an in-memory snapshot; the file is handled by JsonStore."""

    def __init__(self, data: dict[str, dict[str, Record]]) -> None:
        self.data = data

    def read(self) -> dict[str, dict[str, Record]] | None:
        return self.data

    def write(self, data: dict[str, dict[str, Record]]) -> None:
        self.data = data


def read_store_file(path: Path) -> bytes:
    """The store file's bytes, or a one-line refusal."""
    with refusing_unreadable(path):
        return path.read_bytes()


def check_store_readable(path: Path) -> None:
    """Refuse, as reading it would, a store that is missing, a folder or unreadable."""
    with refusing_unreadable(path), path.open("rb"):
        pass


@contextlib.contextmanager
def refusing_unreadable(path: Path) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError:
        raise StoreError(f"no store at {path}; create one with 'fbcli init'") from None
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder, not a store file") from None
    except PermissionError:
        raise StoreError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None


def parse_store(path: Path, raw: bytes) -> dict[str, Table]:
    """The tables of a store file; refuse anything that is not a store we know."""
    blocks = split_blocks(raw)
    if blocks is not None:
        tables = {
            name: Table(name, source=raw, span=(start, end), checksum=checksum)
            for name, (start, end, checksum) in blocks.items()
        }
        meta = tables.get("meta")
        try:
            check_version(path, meta.records() if meta else {})
        except MalformedTable:
            raise StoreError(malformed(path, "meta")) from None
        for name, block in blocks.items():
            if block.checksum is None:
                # Not as fbcli wrote it: read it all now, so damage anywhere
                # in it is refused before anything is shown or saved.
                try:
                    check_records(path, name, tables[name].records())
                except MalformedTable:
                    raise StoreError(malformed(path, name)) from None
        return tables
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StoreError(
            f"{path} is not a valid store (not JSON); see 'fbcli doctor'"
        ) from None
    check_shape(path, data)
    for name, records in data.items():
        check_records(path, name, records)
    return {name: Table(name, records=records) for name, records in data.items()}


def check_records(path: Path, table: str, records: dict[str, Record]) -> None:
    """Refuse a table with a record commands could not read.

    Blocks fbcli wrote and that still have their checksum hold only records
    it made, so only the others are read through here.
    """
    for doc_id, record in records.items():
        try:
            check_record(table, record)
        except MalformedRecord as problem:
            raise StoreError(
                f"{path} is not a valid store ({table} record {doc_id}: {problem}); "
                "see 'fbcli doctor'"
            ) from None


def malformed(path: Path, table: str) -> str:
    return f"{path} is not a valid store (table {table!r} is malformed)"


def check_shape(path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        raise StoreError(f"{path} is not a valid store (top level is not an object)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(record, dict) for record in table.values()
        ):
            raise StoreError(malformed(path, name))
    check_version(path, data.get("meta", {}))


def check_version(path: Path, meta: dict[str, Record]) -> None:
    records = list(meta.values())
    version = records[0].get("schema_version") if records else None
    if version is None:
        raise StoreError(f"{path} is not an fbcli store (no schema version)")
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version!r}; this fbcli reads version "
            f"{SCHEMA_VERSION} only"
        )


def empty_store() -> dict[str, Table]:
    tables = {name: Table(name, records={}) for name in TABLES}
    tables["meta"].append([{"schema_version": SCHEMA_VERSION}])
    return tables


class JsonStore(Store):
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
        self.path = Path(location).expanduser()
        self.write = write
        self.create = create
        self.replace = replace
        self.lock_timeout = lock_timeout
        self._tables: dict[str, Table] = {}
        self._pending: dict[str, list[Record]] = defaultdict(list)

    # Opening and committing.

    @contextlib.contextmanager
    def opened(self) -> Iterator[JsonStore]:
        try:
            if not self.write:
                self._load()
                yield self
                return
            with self._lock():
                self._load()
                yield self
                self._commit()
        except MalformedTable as bad:
            raise StoreError(malformed(self.path, str(bad))) from None

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the writers' lock, a POSIX lock on ``STORE.lock``.

        The kernel drops the lock with the process that held it, so a killed
        command never leaves a stale lock behind.
        """
        from fasteners import InterProcessLock

        lock_path = self.path.with_name(self.path.name + ".lock")
        if not self.path.parent.is_dir():
            raise StoreError(
                f"cannot open the store: folder {self.path.parent} does not exist"
            )
        if not self.create:
            # Refuse a missing store or a folder before leaving a lock file
            # beside it; the read under the lock says the same again.
            check_store_readable(self.path)
        try:
            # Created here, so that it is readable and writable by its owner only.
            os.close(os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            lock = InterProcessLock(lock_path)
            acquired = lock.acquire(timeout=self.lock_timeout, max_delay=0.05)
        except PermissionError:
            raise StoreError(
                f"cannot lock {self.path}: {lock_path} is not writable"
            ) from None
        except OSError as error:
            raise StoreError(f"cannot lock {self.path}: {error.strerror}") from None
        if not acquired:
            raise StoreError(
                f"{self.path} is locked by another fbcli command; try again "
                f"(or raise --lock-timeout, now {self.lock_timeout:g}s)"
            )
        try:
            yield
        finally:
            lock.release()

    def _load(self) -> None:
        if self.create:
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not a store file")
            if not self.replace and (self.path.exists() or self.path.is_symlink()):
                raise StoreError(f"{self.path} already exists; --force replaces it")
            self._tables = empty_store()
            self._pending["__created__"] = []
        else:
            self._tables = parse_store(self.path, read_store_file(self.path))
            if self.write and not os.access(self.path, os.W_OK):
                raise StoreError(f"cannot write {self.path}: permission denied")
        for name in TABLES:
            self._tables.setdefault(name, Table(name, records={}))

    def _commit(self) -> None:
        if not self._pending:
            return
        for name, records in self._pending.items():
            if name.startswith("__"):
                continue
            if name in ("tutors", "students", "sessions"):
                self._upsert(name, records)
            else:
                self._tables[name].append(records)
        blocks = {
            name: table.written()
            for name, table in self._tables.items()
            if name != "meta"
        }
        meta = self._tables["meta"].records()
        if meta:
            first = next(iter(meta.values()))
            first["blocks"] = {
                name: block_record(size, checksum)
                for name, (_, size, checksum) in blocks.items()
            }
        # The meta table goes first, so that the next read finds the record
        # of every block before the blocks themselves.
        meta_parts, _, _ = self._tables["meta"].written()
        payload = file_parts(
            [("meta", meta_parts), *((name, b[0]) for name, b in blocks.items())]
        )
        write_atomically(self.path, payload, keep_backup=True)
        if self.on_written is not None:
            for name, records in self._pending.items():
                if not name.startswith("__"):
                    self.on_written(name, len(records))

    def _upsert(self, name: str, records: list[Record]) -> None:
        """Add records whose id is new and replace those whose id is stored."""
        table = self._tables[name]
        latest = {rec["id"]: rec for rec in records}
        if not table.parsed and not latest.keys() & set(table.values_of("id")):
            table.append(latest.values())
            return
        doc_ids = {rec["id"]: doc_id for doc_id, rec in table.records().items()}
        updated = [int(doc_ids[k]) for k in latest if k in doc_ids]

        def replace(document: MutableMapping[str, Any]) -> None:
            record = latest[document["id"]]
            document.clear()
            document.update(record)

        db = TinyDB(storage=SnapshotStorage, data={name: table.records()})
        tiny = db.table(name)
        if updated:
            tiny.update(replace, doc_ids=updated)
        tiny.insert_multiple(rec for k, rec in latest.items() if k not in doc_ids)
        changed = db.storage.read()
        assert changed is not None
        self._tables[name] = Table(name, records=changed[name])

    # Reading: lookups by the fields each table's lines start with.

    def _find(self, table: str, field: str, value: str) -> list[Record]:
        return self._tables[table].find(field, value)

    def _all(self, table: str) -> Iterable[Record]:
        return self._tables[table].records().values()

    def _one(self, table: str, record_id: str) -> Record | None:
        found = self._find(table, "id", record_id)
        return found[-1] if found else None

    def tutor(self, tutor_id: str) -> Tutor | None:
        record = self._one("tutors", tutor_id)
        return Tutor.from_record(record) if record else None

    def tutors(self) -> list[Tutor]:
        return [Tutor.from_record(rec) for rec in self._all("tutors")]

    def student(self, student_id: str) -> Student | None:
        record = self._one("students", student_id)
        return Student.from_record(record) if record else None

    def students(self) -> list[Student]:
        return [Student.from_record(rec) for rec in self._all("students")]

    def session(self, session_id: str) -> Session | None:
        record = self._one("sessions", session_id)
        return Session.from_record(record) if record else None

    def session_ids(self) -> list[str]:
        return self._tables["sessions"].values_of("id")

    def sessions(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> list[Session]:
        records: Iterable[Record]
        if tutor is not None:
            records = self._find("sessions", "tutor", tutor)
            if student is not None:
                records = [rec for rec in records if rec["student"] == student]
        elif student is not None:
            records = self._find("sessions", "student", student)
        else:
            records = self._all("sessions")
        found = [Session.from_record(rec) for rec in records]
        found.sort(key=lambda session: (session.start, session.id))
        return found

    def _versions(self, session_id: str) -> list[Record]:
        return self._find("feedback", "session", session_id)

    def feedback_versions(self, session_id: str) -> list[Feedback]:
        versions = [Feedback.from_record(rec) for rec in self._versions(session_id)]
        versions.sort(key=lambda feedback: feedback.version)
        return versions

    def feedback(self, session_id: str) -> Feedback | None:
        records = self._versions(session_id)
        if not records:
            return None
        return Feedback.from_record(max(records, key=lambda rec: rec.get("version", 1)))

    def latest_feedback(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> dict[str, Feedback]:
        newest: dict[str, Record] = {}
        if tutor is None and student is None:
            for record in self._all("feedback"):
                session = record["session"]
                kept = newest.get(session)
                if kept is None or record.get("version", 1) > kept.get("version", 1):
                    newest[session] = record
        else:
            ids = [s.id for s in self.sessions(tutor=tutor, student=student)]
            found = self._tables["feedback"].find_each("session", ids)
            for session, records in found.items():
                if records:
                    newest[session] = max(
                        records, key=lambda rec: rec.get("version", 1)
                    )
        return {
            session: Feedback.from_record(record) for session, record in newest.items()
        }

    def first_given_times(
        self, sessions: Iterable[str] | None = None
    ) -> dict[str, datetime]:
        records: Iterable[Record]
        if sessions is None:
            records = self._all("feedback")
        else:
            found = self._tables["feedback"].find_each("session", list(sessions))
            records = (record for versions in found.values() for record in versions)
        first: dict[str, tuple[int, str]] = {}
        amended: set[str] = set()
        for record in records:
            session, version = record["session"], record.get("version", 1)
            kept = first.get(session)
            if kept is not None:
                amended.add(session)
            if kept is None or version < kept[0]:
                first[session] = (version, record["given_at"])
        return {session: parse_time(first[session][1]) for session in amended}

    def plan_changes(self, student: str | None = None) -> list[PlanChange]:
        records: Iterable[Record]
        if student is None:
            records = self._all("plan_changes")
        else:
            records = self._find("plan_changes", "student", student)
        changes = [PlanChange.from_record(rec) for rec in records]
        changes.sort(key=lambda change: change.at)
        return changes

    def dump(self) -> Dump:
        return Dump(
            self.tutors(),
            self.students(),
            [Session.from_record(rec) for rec in self._all("sessions")],
            [Feedback.from_record(rec) for rec in self._all("feedback")],
            [PlanChange.from_record(rec) for rec in self._all("plan_changes")],
        )

    # Writing.

    def _queue(self, table: str, records: Iterable[Record]) -> None:
        if not self.write:
            raise RuntimeError("store opened for reading only")
        records = list(records)
        if records:
            self._pending[table].extend(records)

    def put_tutors(self, tutors: Iterable[Tutor]) -> None:
        self._queue("tutors", (t.to_record() for t in tutors))

    def put_students(self, students: Iterable[Student]) -> None:
        self._queue("students", (s.to_record() for s in students))

    def put_sessions(self, sessions: Iterable[Session]) -> None:
        self._queue("sessions", (s.to_record() for s in sessions))

    def add_feedback(self, feedback: Iterable[Feedback]) -> None:
        records = [f.to_record() for f in feedback]
        for record in records:
            versions = {
                rec.get("version", 1) for rec in self._versions(record["session"])
            }
            if record["version"] in versions:
                raise StoreError(
                    f"feedback version {record['version']} of session "
                    f"{record['session']} is already stored"
                )
        self._queue("feedback", records)

    def add_plan_changes(self, changes: Iterable[PlanChange]) -> None:
        self._queue("plan_changes", (c.to_record() for c in changes))
