"""Shared fixtures: a private environment, a demo store, and ways to run fbcli.

``cli`` runs the real entry point in this process (fast); ``cli_process`` runs
``python -m fbcli`` as a separate process, as a shell would; ``spawn`` runs it
on a real pseudo-terminal.

A test module marked ``every_backend`` runs each test on every kind of store:
the JSON file, a SQLite database and a PostgreSQL database (a schema of its
own on the server ``FBCLI_TEST_PG_URL`` names, dropped afterwards). Without
that server, PostgreSQL tests are skipped with the reason shown, or fail when
``CI`` is set. ``store_path`` and ``demo_store`` are then handles whose
``read_bytes()`` is the store's whole content in a fixed form, so that
"nothing changed" means the same on every backend.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest

from fbcli.cli import run
from fbcli.store import open_store
from fbcli.store.base import Dump

NOW = "2026-11-30T18:00:00+00:00"
BACKENDS = ("json", "sqlite", "postgresql")
DEMO_TUTOR = "maria"
DEMO_ADMIN = "olga"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


Runner = Callable[..., Result]
Spawn = Callable[..., pexpect.spawn]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "every_backend: run on the JSON file, SQLite and PostgreSQL"
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many tests ran on each database, so that a run shows it plainly."""
    outcomes: dict[str, dict[str, str]] = {"sqlite": {}, "postgresql": {}}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = str(getattr(report, "nodeid", ""))
            for backend, seen in outcomes.items():
                # A failure in teardown outweighs the pass of the call.
                if backend in nodeid and seen.get(nodeid) in (
                    None,
                    "passed",
                    "skipped",
                ):
                    seen[nodeid] = outcome
    for backend, seen in outcomes.items():
        if seen:
            tally = {o: list(seen.values()).count(o) for o in set(seen.values())}
            parts = ", ".join(f"{n} {o}" for o, n in sorted(tally.items()))
            terminalreporter.write_line(f"{backend} tests: {parts}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "every_backend"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The kind of store a test runs on: json unless its module asks for all."""
    return str(getattr(request, "param", "json"))


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server for tests, or a skip (a failure under CI) saying why."""
    url = os.environ.get("FBCLI_TEST_PG_URL")
    reason = None
    if not url:
        reason = "FBCLI_TEST_PG_URL is not set"
    else:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=5).close()
        except Exception as error:
            reason = f"cannot reach {url}: {str(error).strip().splitlines()[0]}"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run under CI: {reason}")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    assert url is not None
    return url


@contextmanager
def pg_schema(server: str) -> Iterator[str]:
    """A schema of its own on the server, as a store URL; dropped afterwards."""
    import uuid

    import psycopg

    name = f"fbcli_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {name}")
    try:
        separator = "&" if "?" in server else "?"
        yield f"{server}{separator}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def store_location(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Where the test's store is (FBCLI_DB): a path, or a database URL."""
    if backend == "json":
        yield str(tmp_path / "store.json")
    elif backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        with pg_schema(request.getfixturevalue("pg_server")) as url:
            yield url


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_location: str
) -> dict[str, str]:
    """A clean environment: own home, own store, fixed time, no colour."""
    home = tmp_path / "home"
    home.mkdir()
    values = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "FBCLI_DB": store_location,
        "FBCLI_NOW": NOW,
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "TZ": "UTC",
    }
    for name in ("FBCLI_TUTOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


class DatabaseStore:
    """A database store in a test, read back whole through fbcli's own store API."""

    def __init__(self, location: str) -> None:
        self.location = location

    def __str__(self) -> str:
        return self.location

    def exists(self) -> bool:
        from fbcli.errors import StoreError

        try:
            with open_store(self.location):
                return True
        except StoreError:
            return False

    def dump(self) -> Dump:
        return store_dump(self)

    def read_bytes(self) -> bytes:
        """Every record of every table, in order, as one canonical document."""
        import orjson

        records = self.dump()
        return orjson.dumps(
            {
                "tutors": [t.to_record() for t in records.tutors],
                "students": [s.to_record() for s in records.students],
                "sessions": [s.to_record() for s in records.sessions],
                "feedback": [f.to_record() for f in records.feedback],
                "plan_changes": [c.to_record() for c in records.plan_changes],
            }
        )


StoreHandle = Path | DatabaseStore


def store_dump(store: StoreHandle) -> Dump:
    """A store's records, whichever backend holds them."""
    location = store.location if isinstance(store, DatabaseStore) else str(store)
    with open_store(location) as opened:
        return opened.dump()


@pytest.fixture
def store_path(env: dict[str, str], backend: str) -> StoreHandle:
    if backend == "json":
        return Path(env["FBCLI_DB"])
    return DatabaseStore(env["FBCLI_DB"])


@pytest.fixture
def cli(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Runner:
    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = run(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture
def cli_process(env: dict[str, str]) -> Runner:
    def invoke(
        *args: str, input: str | None = None, extra_env: dict[str, str] | None = None
    ) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "fbcli", *args],
            capture_output=True,
            text=True,
            input=input if input is not None else "",
            env={**os.environ, **env, **(extra_env or {})},
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


@pytest.fixture
def spawn(env: dict[str, str]) -> Iterator[Spawn]:
    children: list[pexpect.spawn] = []

    def start(
        *args: str, as_tutor: str = DEMO_TUTOR, width: int = 120
    ) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "fbcli", "--as", as_tutor, *args],
            env={
                **os.environ,
                **env,
                "TERM": "xterm",
                "PROMPT_TOOLKIT_NO_CPR": "1",
            },
            dimensions=(40, width),
            encoding="utf-8",
            timeout=30,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store made at NOW; tests get their own copies."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "store.json"
    done = subprocess.run(
        [sys.executable, "-m", "fbcli", "--db", str(path), "init", "--demo"],
        capture_output=True,
        text=True,
        env={**os.environ, "FBCLI_NOW": NOW},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return path


def assert_same_figures(got: list[Any], want: list[Any]) -> None:
    """A store's tutor figures are the rules': gaps and open runs in any order,
    the median to float precision."""
    assert [f.tutor for f in got] == [f.tutor for f in want]
    for mine, theirs in zip(got, want, strict=True):
        assert sorted(mine.doing_great_gaps) == sorted(theirs.doing_great_gaps)
        assert sorted(mine.doing_great_open_runs) == sorted(
            theirs.doing_great_open_runs
        )
        assert mine.median_hours_to_feedback == pytest.approx(
            theirs.median_hours_to_feedback
        )
        mine.doing_great_gaps = theirs.doing_great_gaps
        mine.doing_great_open_runs = theirs.doing_great_open_runs
        mine.median_hours_to_feedback = theirs.median_hours_to_feedback
        assert mine == theirs


@pytest.fixture(scope="session")
def demo_records(demo_template: Path) -> Dump:
    with open_store(str(demo_template)) as store:
        return store.dump()


def copy_records(location: str, records: Dump) -> None:
    """A new store at ``location`` holding ``records``."""
    with open_store(location, create=True, replace=True) as store:
        store.put_tutors(records.tutors)
        store.put_students(records.students)
        store.put_sessions(records.sessions)
        store.add_feedback(records.feedback)
        store.add_plan_changes(records.plan_changes)


@pytest.fixture
def demo_store(
    demo_template: Path, store_path: StoreHandle, request: pytest.FixtureRequest
) -> Iterator[StoreHandle]:
    if isinstance(store_path, Path):
        shutil.copy2(demo_template, store_path)
    else:
        copy_records(store_path.location, request.getfixturevalue("demo_records"))
    yield store_path


HOLD_LOCK = """
import sys
from fbcli.store import open_store
with open_store(sys.argv[1], write=True):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def store_lock_held(store: StoreHandle) -> Iterator[None]:
    """Another process holds the writers' lock on ``store`` inside the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(10)
