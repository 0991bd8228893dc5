"""Shared fixtures: a private environment, a demo store, and ways to run fbcli.

``cli`` runs the real entry point in this process (fast); ``cli_process`` runs
``python -m fbcli`` as a separate process, as a shell would; ``spawn`` runs it
on a real pseudo-terminal.
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

import pexpect
import pytest

from fbcli.cli import run

NOW = "2026-11-30T18:00:00+00:00"
DEMO_TUTOR = "maria"
DEMO_ADMIN = "olga"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


Runner = Callable[..., Result]
Spawn = Callable[..., pexpect.spawn]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean environment: own home, own store path, fixed time, no colour."""
    home = tmp_path / "home"
    home.mkdir()
    values = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "FBCLI_DB": str(tmp_path / "store.json"),
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


@pytest.fixture
def store_path(env: dict[str, str]) -> Path:
    return Path(env["FBCLI_DB"])


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


@pytest.fixture
def demo_store(demo_template: Path, store_path: Path) -> Iterator[Path]:
    shutil.copy2(demo_template, store_path)
    yield store_path


HOLD_LOCK = """
import sys
from fbcli.store import open_store
with open_store(sys.argv[1], write=True):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def store_lock_held(store: Path) -> Iterator[None]:
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
