"""What every command needs to know: where the store is, who acts, and when it is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fbcli.errors import BadUsage, NoIdentity, NotAllowed, NotFound, StoreError
from fbcli.rules.model import Tutor, parse_time
from fbcli.store import Store, open_store


def default_store_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("fbcli") / "store.json"


def config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("fbcli") / "config.toml"


def configured_tutor() -> str | None:
    import tomllib

    path = config_path()
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadUsage(f"cannot read the config file {path}: {error}") from None
    tutor = config.get("tutor")
    return str(tutor) if tutor else None


def current_time() -> datetime:
    text = os.environ.get("FBCLI_NOW")
    if not text:
        return datetime.now(UTC)
    try:
        return parse_time(text)
    except ValueError:
        raise BadUsage(
            f"FBCLI_NOW={text!r} is not an ISO 8601 time with an offset "
            "(for example 2026-11-30T18:00:00+01:00)"
        ) from None


@dataclass
class AppContext:
    db: str | None
    acting: str | None
    lock_timeout: float = 5.0
    # When the command started, by the real clock: feedback saved after it was
    # saved by another command running at the same time.
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def location(self) -> str:
        return self.db or os.environ.get("FBCLI_DB") or str(default_store_path())

    def now(self) -> datetime:
        return current_time()

    def tutor_id(self) -> str:
        tutor = self.acting or os.environ.get("FBCLI_TUTOR") or configured_tutor()
        if not tutor:
            raise NoIdentity(str(config_path()))
        return tutor

    def acting_tutor(self, store: Store) -> Tutor:
        """The signed-in tutor, who must exist in the store."""
        tutor_id = self.tutor_id()
        tutor = store.tutor(tutor_id)
        if tutor is None:
            from fbcli.rules.matching import close_matches

            known = [t.id for t in store.tutors()]
            raise NotFound("tutor", tutor_id, close_matches(tutor_id, known))
        return tutor

    def require_admin(self, store: Store) -> Tutor:
        tutor = self.acting_tutor(store)
        if not tutor.is_admin:
            raise NotAllowed(f"only an admin may do this; {tutor.id} is a tutor")
        return tutor

    @contextmanager
    def store(
        self, *, write: bool = False, create: bool = False, replace: bool = False
    ) -> Iterator[Store]:
        with self.store_at(
            self.location, write=write, create=create, replace=replace
        ) as store:
            yield store

    @contextmanager
    def store_at(
        self,
        location: str,
        *,
        write: bool = False,
        create: bool = False,
        replace: bool = False,
    ) -> Iterator[Store]:
        """The store at ``location``: a file path or a database URL."""
        if create and "://" not in location:
            Path(location).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            with open_store(
                location,
                write=write,
                create=create,
                replace=replace,
                lock_timeout=self.lock_timeout,
            ) as store:
                yield store
        except OSError as error:
            raise StoreError(
                f"cannot use the store {location}: {error.strerror}"
            ) from None
