"""The embedded store: TinyDB over one JSON file.

The file is read once when a command opens it and written at most once, when
the command's block ends without error. Writers hold a cross-process lock
from the read to the write; the write goes to a temporary file in the same
folder, is flushed to disk, and replaces the store in one rename, after the
previous version is kept as ``STORE.bak``.

TinyDB's own table scans copy every document and go back to the storage on
each call, so reads here index the one snapshot instead; writes go through
TinyDB's tables in one batch per table.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from fbcli.errors import StoreError
from fbcli.rules.model import Feedback, PlanChange, Session, Student, Tutor
from fbcli.store.base import SCHEMA_VERSION, Store

TABLES = ("meta", "tutors", "students", "sessions", "feedback", "plan_changes")
TEMP_PREFIX = ".fbcli-tmp-"

Record = dict[str, Any]


class SnapshotStorage(Storage):
    """TinyDB storage over an in-memory snapshot; the file is handled by JsonStore."""

    def __init__(self, data: dict[str, dict[str, Record]]) -> None:
        self.data = data

    def read(self) -> dict[str, dict[str, Record]] | None:
        return self.data

    def write(self, data: dict[str, dict[str, Record]]) -> None:
        self.data = data


def read_store_file(path: Path) -> dict[str, dict[str, Record]]:
    """Read and check a store file; refuse anything that is not a store we know."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"no store at {path}; create one with 'fbcli init'") from None
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder, not a store file") from None
    except PermissionError:
        raise StoreError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StoreError(
            f"{path} is not a valid store (not JSON); see 'fbcli doctor'"
        ) from None
    check_shape(path, data)
    return data  # type: ignore[no-any-return]


def check_shape(path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        raise StoreError(f"{path} is not a valid store (top level is not an object)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(record, dict) for record in table.values()
        ):
            raise StoreError(
                f"{path} is not a valid store (table {name!r} is malformed)"
            )
    meta = list(data.get("meta", {}).values())
    version = meta[0].get("schema_version") if meta else None
    if version is None:
        raise StoreError(f"{path} is not an fbcli store (no schema version)")
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version!r}; this fbcli reads version "
            f"{SCHEMA_VERSION} only"
        )


def empty_store() -> dict[str, dict[str, Record]]:
    data: dict[str, dict[str, Record]] = {name: {} for name in TABLES}
    data["meta"]["1"] = {"schema_version": SCHEMA_VERSION}
    return data


def write_atomically(path: Path, payload: bytes, *, keep_backup: bool) -> None:
    """Replace ``path`` with ``payload`` so that a crash leaves old or new, never half."""
    folder = path.parent
    for stale in folder.glob(TEMP_PREFIX + "*"):
        # Only a killed writer leaves these, and the caller holds the lock.
        with contextlib.suppress(OSError):
            stale.unlink()
    fd, temp_name = _make_temp(folder)
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        if keep_backup and path.exists():
            backup = path.with_name(path.name + ".bak")
            link = folder / f"{TEMP_PREFIX}bak-{os.getpid()}"
            os.link(path, link)
            link.replace(backup)
            # rename() does nothing when both names are one file already, as
            # when a writer was killed after keeping the backup.
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
        Path(temp_name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _make_temp(folder: Path) -> tuple[int, str]:
    import tempfile

    try:
        # mkstemp creates the file readable and writable by its owner only.
        return tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except FileNotFoundError:
        raise StoreError(
            f"cannot write the store: folder {folder} does not exist"
        ) from None
    except PermissionError:
        raise StoreError(f"cannot write the store: {folder} is not writable") from None
    except OSError as error:
        raise StoreError(
            f"cannot write the store in {folder}: {error.strerror}"
        ) from None


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
        self._db: TinyDB | None = None
        self._pending: dict[str, list[Record]] = defaultdict(list)
        self._index: dict[str, Any] = {}

    # Opening and committing.

    @contextlib.contextmanager
    def opened(self) -> Iterator[JsonStore]:
        if not self.write:
            self._load()
            yield self
            return
        with self._lock():
            self._load()
            yield self
            self._commit()

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
            data = empty_store()
            self._pending["__created__"] = []
        else:
            data = read_store_file(self.path)
            if self.write and not os.access(self.path, os.W_OK):
                raise StoreError(f"cannot write {self.path}: permission denied")
        for name in TABLES:
            data.setdefault(name, {})
        self._db = TinyDB(storage=SnapshotStorage, data=data)

    def _commit(self) -> None:
        if not self._pending:
            return
        db = self._db
        assert db is not None
        for name, records in self._pending.items():
            if name.startswith("__"):
                continue
            if name in ("tutors", "students", "sessions"):
                self._upsert(name, records)
            else:
                db.table(name).insert_multiple(records)
        payload = orjson.dumps(self._data())
        write_atomically(self.path, payload, keep_backup=True)

    def _upsert(self, name: str, records: list[Record]) -> None:
        """Insert records whose id is new and replace those whose id is stored."""
        assert self._db is not None
        doc_ids = self._doc_ids(name)
        latest = {rec["id"]: rec for rec in records}
        updated = [doc_ids[k] for k in latest if k in doc_ids]

        def replace(document: MutableMapping[str, Any]) -> None:
            record = latest[document["id"]]
            document.clear()
            document.update(record)

        table = self._db.table(name)
        if updated:
            table.update(replace, doc_ids=updated)
        table.insert_multiple(rec for k, rec in latest.items() if k not in doc_ids)

    # Indexes over the snapshot, built on first use.

    def _data(self) -> dict[str, dict[str, Record]]:
        assert self._db is not None
        data = self._db.storage.read()
        assert data is not None
        return data

    def _table(self, name: str) -> dict[str, Record]:
        return self._data().get(name, {})

    def _doc_ids(self, name: str) -> dict[str, int]:
        return {rec["id"]: int(doc_id) for doc_id, rec in self._table(name).items()}

    def _by(self, table: str, field: str) -> dict[str, list[Record]]:
        key = f"{table}.{field}"
        if key not in self._index:
            grouped: dict[str, list[Record]] = defaultdict(list)
            for record in self._table(table).values():
                grouped[record[field]].append(record)
            self._index[key] = grouped
        return self._index[key]  # type: ignore[no-any-return]

    def _by_id(self, table: str) -> dict[str, Record]:
        key = f"{table}.id!"
        if key not in self._index:
            self._index[key] = {rec["id"]: rec for rec in self._table(table).values()}
        return self._index[key]  # type: ignore[no-any-return]

    # Reading.

    def tutor(self, tutor_id: str) -> Tutor | None:
        record = self._by_id("tutors").get(tutor_id)
        return Tutor.from_record(record) if record else None

    def tutors(self) -> list[Tutor]:
        return [Tutor.from_record(rec) for rec in self._table("tutors").values()]

    def student(self, student_id: str) -> Student | None:
        record = self._by_id("students").get(student_id)
        return Student.from_record(record) if record else None

    def students(self) -> list[Student]:
        return [Student.from_record(rec) for rec in self._table("students").values()]

    def session(self, session_id: str) -> Session | None:
        record = self._by_id("sessions").get(session_id)
        return Session.from_record(record) if record else None

    def session_ids(self) -> list[str]:
        return list(self._by_id("sessions"))

    def sessions(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> list[Session]:
        if tutor is not None:
            records = self._by("sessions", "tutor").get(tutor, [])
            if student is not None:
                records = [rec for rec in records if rec["student"] == student]
        elif student is not None:
            records = self._by("sessions", "student").get(student, [])
        else:
            records = list(self._table("sessions").values())
        found = [Session.from_record(rec) for rec in records]
        found.sort(key=lambda session: (session.start, session.id))
        return found

    def feedback_versions(self, session_id: str) -> list[Feedback]:
        records = self._by("feedback", "session").get(session_id, [])
        versions = [Feedback.from_record(rec) for rec in records]
        versions.sort(key=lambda feedback: feedback.version)
        return versions

    def feedback(self, session_id: str) -> Feedback | None:
        records = self._by("feedback", "session").get(session_id)
        if not records:
            return None
        return Feedback.from_record(max(records, key=lambda rec: rec.get("version", 1)))

    def latest_feedback(
        self, *, tutor: str | None = None, student: str | None = None
    ) -> dict[str, Feedback]:
        by_session = self._by("feedback", "session")
        if tutor is None and student is None:
            wanted: Iterable[str] = by_session.keys()
        else:
            wanted = [s.id for s in self._session_records(tutor, student)]
        latest: dict[str, Feedback] = {}
        for session_id in wanted:
            records = by_session.get(session_id)
            if records:
                newest = max(records, key=lambda rec: rec.get("version", 1))
                latest[session_id] = Feedback.from_record(newest)
        return latest

    def _session_records(self, tutor: str | None, student: str | None) -> list[Session]:
        return self.sessions(tutor=tutor, student=student)

    def plan_changes(self, student: str | None = None) -> list[PlanChange]:
        if student is None:
            records: Iterable[Record] = self._table("plan_changes").values()
        else:
            records = self._by("plan_changes", "student").get(student, [])
        changes = [PlanChange.from_record(rec) for rec in records]
        changes.sort(key=lambda change: change.at)
        return changes

    # Writing.

    def _queue(self, table: str, records: Iterable[Record]) -> None:
        if not self.write:
            raise RuntimeError("store opened for reading only")
        self._pending[table].extend(records)

    def put_tutors(self, tutors: Iterable[Tutor]) -> None:
        self._queue("tutors", (t.to_record() for t in tutors))

    def put_students(self, students: Iterable[Student]) -> None:
        self._queue("students", (s.to_record() for s in students))

    def put_sessions(self, sessions: Iterable[Session]) -> None:
        self._queue("sessions", (s.to_record() for s in sessions))

    def add_feedback(self, feedback: Iterable[Feedback]) -> None:
        records = [f.to_record() for f in feedback]
        stored = self._by("feedback", "session")
        for record in records:
            versions = {
                rec.get("version", 1) for rec in stored.get(record["session"], [])
            }
            if record["version"] in versions:
                raise StoreError(
                    f"feedback version {record['version']} of session "
                    f"{record['session']} is already stored"
                )
        self._queue("feedback", records)

    def add_plan_changes(self, changes: Iterable[PlanChange]) -> None:
        self._queue("plan_changes", (c.to_record() for c in changes))
