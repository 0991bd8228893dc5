"""Connections to SQLite (the standard library's sqlite3) and PostgreSQL (psycopg 3).

A ``Database`` runs the compiled statements of ``compiled`` by name and turns
each driver's errors into fbcli's one-line ``StoreError``. Only the driver a
URL names is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fbcli.errors import StoreError
from fbcli.store.sql.compiled import SQL, STEPS, Compiled

Row = tuple[Any, ...]
# The advisory lock fbcli's writers take on PostgreSQL: this number, and the
# schema the store is in, so that stores in other schemas do not wait.
WRITERS_LOCK = 0x66_62_63_6C  # "fbcl"
WRITERS_LOCK_SQL = "SELECT pg_advisory_xact_lock(%(key)s, hashtext(current_schema()))"


@dataclass(frozen=True)
class Target:
    """Where a database store is: a SQLite file or a PostgreSQL server."""

    dialect: str
    url: str
    path: Path | None = None

    @property
    def shown(self) -> str:
        """The URL without a password, for messages."""
        from fbcli.store.base import shown

        return shown(self.url)


def parse_url(location: str) -> Target:
    scheme, _, rest = location.partition("://")
    kind = scheme.lower().split("+", 1)[0]
    if kind == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise StoreError(
                f"{location!r} names no file; write sqlite:///school.db "
                "(relative) or sqlite:////srv/fbcli/school.db (absolute)"
            )
        path = Path(rest[1:].split("?", 1)[0]).expanduser()
        return Target("sqlite", location, path)
    if kind in ("postgresql", "postgres"):
        return Target("postgresql", "postgresql://" + rest)
    raise StoreError(
        f"fbcli cannot keep a store at {location!r}: use a file path, "
        "sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
    )


class Database:
    """One connection, one transaction at a time, statements run by name."""

    def __init__(self, target: Target, connection: Any, errors: Any) -> None:
        self.target = target
        self.dialect = target.dialect
        self.connection = connection
        self._errors = errors
        self._sql = SQL[self.dialect]

    # Running statements.

    def _statements(self, name: str) -> Compiled:
        return self._sql[name]

    def rows(self, name: str, **params: Any) -> list[Row]:
        ((text, defaults),) = self._statements(name)
        with self.guarded():
            cursor = self.connection.execute(text, {**defaults, **params})
            return list(cursor.fetchall())

    def rows_if_tables(self, name: str) -> list[Row] | None:
        """``rows``, or None when the database holds no fbcli tables (rolled back)."""
        ((text, defaults),) = self._statements(name)
        try:
            return list(self.connection.execute(text, defaults).fetchall())
        except self._errors.Error as error:
            if (
                "no such table" in str(error)
                or type(error).__name__ == "UndefinedTable"
            ):
                self.rollback()
                return None
            raise StoreError(self.explain(error)) from None

    def run(self, name: str, **params: Any) -> None:
        with self.guarded():
            for text, defaults in self._statements(name):
                self.connection.execute(text, {**defaults, **params})

    def run_many(self, name: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        ((text, defaults),) = self._statements(name)
        with self.guarded():
            cursor = self.connection.cursor()
            try:
                cursor.executemany(
                    text, [{**defaults, **row} for row in rows] if defaults else rows
                )
            finally:
                cursor.close()

    def run_compiled(self, statements: Iterable[tuple[str, dict[str, Any]]]) -> None:
        with self.guarded():
            for text, defaults in statements:
                self.connection.execute(text, defaults)

    def steps(self) -> list[Compiled]:
        return STEPS[self.dialect]

    # Transactions.

    def begin(self, *, write: bool) -> None:
        with self.guarded():
            if self.dialect == "sqlite":
                self.connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            elif not write:
                self.connection.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
            else:
                # Held from the read to the commit, as on the file.
                self.connection.execute(WRITERS_LOCK_SQL, {"key": WRITERS_LOCK})

    def lock_writers(self) -> None:
        """Wait for other fbcli writers to finish (PostgreSQL; SQLite did at begin)."""
        if self.dialect == "postgresql":
            with self.guarded():
                self.connection.execute(WRITERS_LOCK_SQL, {"key": WRITERS_LOCK})

    def tidy_after_bulk(self) -> None:
        """After many rows at once, what must run outside a transaction (``vacuum``)."""
        if not self._statements("vacuum"):
            return
        self.connection.autocommit = True
        try:
            self.run("vacuum")
        finally:
            self.connection.autocommit = False

    def use_wal(self) -> None:
        """A new SQLite file: readers never wait for the writer, nor it for them."""
        if self.dialect == "sqlite":
            with self.guarded():
                self.connection.execute("PRAGMA journal_mode=WAL")

    def use_large_cache(self) -> None:
        """A bulk load on SQLite: keep up to 256 MB of the file's pages in memory.

        Loading touches the pages of several indexes in orders of their own;
        with SQLite's default 2 MB they would be read and written many times.
        """
        if self.dialect == "sqlite":
            with self.guarded():
                self.connection.execute("PRAGMA cache_size = -262144")

    def commit(self) -> None:
        with self.guarded():
            self.connection.commit()

    def rollback(self) -> None:
        with suppress(Exception):
            self.connection.rollback()

    def close(self) -> None:
        with suppress(Exception):
            self.connection.close()

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Turn the driver's errors into one line a user can act on."""
        try:
            yield
        except self._errors.Error as error:
            raise StoreError(self.explain(error)) from None

    def explain(self, error: Exception) -> str:
        where = self.target.shown
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        name = type(error).__name__
        if self.dialect == "sqlite":
            if "locked" in text or "busy" in text:
                return (
                    f"{where} is locked by another fbcli command; try again "
                    "(or raise --lock-timeout)"
                )
            if "UNIQUE constraint failed: feedback" in text:
                return SAVED_MEANWHILE
            if "not a database" in text or "malformed" in text:
                return f"{where} is not a valid store ({text}); see 'fbcli doctor'"
            if "readonly" in text:
                return f"cannot write {where}: permission denied"
            return f"cannot use the store {where}: {text}"
        if name == "UniqueViolation" and "feedback_version_once" in str(error):
            return SAVED_MEANWHILE
        if name == "SerializationFailure":
            return SAVED_MEANWHILE
        if name in ("LockNotAvailable", "QueryCanceled"):
            return (
                f"{where} is locked by another fbcli command; try again "
                "(or raise --lock-timeout)"
            )
        if name == "UndefinedTable":
            return f"{where} holds no fbcli store; create one with 'fbcli init'"
        if name == "InsufficientPrivilege":
            return f"cannot use the store {where}: permission denied ({text})"
        return f"cannot use the store {where}: {text}"


SAVED_MEANWHILE = (
    "another command saved feedback on the same session meanwhile; "
    "nothing was saved (run it again to see the latest version)"
)


def connect(
    target: Target, *, create: bool, write: bool, lock_timeout: float
) -> Database:
    if target.dialect == "sqlite":
        return _connect_sqlite(target, create=create, write=write, timeout=lock_timeout)
    return _connect_postgresql(target, lock_timeout=lock_timeout)


def _connect_sqlite(
    target: Target, *, create: bool, write: bool, timeout: float
) -> Database:
    import sqlite3
    from urllib.parse import quote

    path = target.path
    assert path is not None
    if not create:
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a store file")
        if not path.exists():
            raise StoreError(f"no store at {path}; create one with 'fbcli init'")
        if not os.access(path, os.R_OK):
            raise StoreError(f"cannot read {path}: permission denied")
        if write and not os.access(path, os.W_OK):
            raise StoreError(f"cannot write {path}: permission denied")
    elif not path.parent.is_dir():
        raise StoreError(f"cannot open the store: folder {path.parent} does not exist")
    mode = "rwc" if create else "rw"
    if create and not path.exists():
        # Students' personal data: readable by its owner only, as the file is.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode={mode}",
            uri=True,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as error:
        raise StoreError(f"cannot open {path}: {error}") from None
    return Database(target, _SqliteConnection(connection), sqlite3)


class _SqliteConnection:
    """sqlite3 in explicit transactions, with psycopg's execute/commit shape."""

    def __init__(self, connection: Any) -> None:
        self.raw = connection

    def execute(self, text: str, params: Any = ()) -> Any:
        return self.raw.execute(text, params)

    def cursor(self) -> Any:
        return self.raw.cursor()

    def commit(self) -> None:
        if self.raw.in_transaction:
            self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.raw.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


def _connect_postgresql(target: Target, *, lock_timeout: float) -> Database:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "a PostgreSQL store needs psycopg: pip install 'fbcli[postgresql]'"
        ) from None
    try:
        connection = psycopg.connect(
            target.url, connect_timeout=max(2, round(lock_timeout)), autocommit=True
        )
        # Waiting for another command's lock gives up as the file store's does.
        # 0 would mean no limit at all to PostgreSQL.
        connection.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
        connection.autocommit = False
        # A plan for each call's own values: prepared statements would switch
        # to one generic plan, which sorts a tutor's delays instead of
        # reading them in order.
        connection.prepare_threshold = None
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise StoreError(f"cannot connect to {target.shown}: {first}") from None
    return Database(target, connection, psycopg)
