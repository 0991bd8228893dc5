"""Commands that do not prompt load no prompt library, and JSON output no rich drawing.

Each command runs in a fresh Python process through the real entry point,
which then reports every module it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_ADMIN, DEMO_TUTOR

REPORT_MODULES = """
import sys
from fbcli.cli import run
code = run(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
sys.exit(code)
"""

PROMPT_LIBRARIES = ("questionary", "prompt_toolkit")
DRAWING_MODULES = ("rich.table", "rich.console")


def modules_loaded(env: dict[str, str], *args: str, first: str = "") -> set[str]:
    """Every module a command line loads; ``first`` runs before fbcli starts."""
    done = subprocess.run(
        [sys.executable, "-c", first + REPORT_MODULES, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = done.stderr.rsplit("MODULES ", 1)[1]
    return set(report.split())


def of_package(modules: set[str], names: tuple[str, ...]) -> set[str]:
    return {
        m for m in modules if m in names or m.startswith(tuple(n + "." for n in names))
    }


def pending_session(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "fbcli", "--as", DEMO_TUTOR, "pending", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=True,
    )
    session: str = json.loads(done.stdout)[0]["id"]
    return session


def give_args(session: str) -> list[str]:
    return [
        "--as",
        DEMO_TUTOR,
        "give",
        session,
        "--completed",
        "--platform",
        "zoom",
        "--eval",
        "fluency==",
        "--goal",
        "small-talk-strangers",
        "--add-to-plan",
        "--focus",
        "Small talk",
        "--language-seen",
        "How do you know the host?",
        "--follow-up",
        "More small talk",
        "--no-input",
    ]


JSON_COMMANDS = {
    "pending --json": ["--as", DEMO_TUTOR, "pending", "--json"],
    "show --json": ["show", "S-1001", "--json"],
    "sessions --json": ["--as", DEMO_TUTOR, "sessions", "--json"],
    "stats --format json": ["--as", DEMO_TUTOR, "stats", "--format", "json"],
    "stats --all --format json": [
        "--as",
        DEMO_ADMIN,
        "stats",
        "--all",
        "--format",
        "json",
    ],
}


@pytest.mark.parametrize("args", list(JSON_COMMANDS.values()), ids=list(JSON_COMMANDS))
def test_json_output_loads_no_prompt_library_and_no_rich_drawing(
    env: dict[str, str], demo_store: Path, args: list[str]
) -> None:
    modules = modules_loaded(env, *args)

    assert of_package(modules, PROMPT_LIBRARIES) == set()
    assert of_package(modules, DRAWING_MODULES) == set()


@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_give_without_input_loads_no_prompt_library(
    env: dict[str, str], demo_store: Path, as_json: bool
) -> None:
    args = give_args(pending_session(env)) + (["--json"] if as_json else [])

    modules = modules_loaded(env, *args)

    assert of_package(modules, PROMPT_LIBRARIES) == set()
    if as_json:
        assert of_package(modules, DRAWING_MODULES) == set()


def test_the_check_sees_a_prompt_library_when_one_is_loaded(
    env: dict[str, str], demo_store: Path
) -> None:
    modules = modules_loaded(
        env, "--as", DEMO_TUTOR, "pending", "--json", first="import questionary\n"
    )

    assert "questionary" in of_package(modules, PROMPT_LIBRARIES)
    assert "prompt_toolkit" in of_package(modules, PROMPT_LIBRARIES)


def test_version_loads_no_command_and_a_command_loads_only_itself(
    env: dict[str, str], demo_store: Path
) -> None:
    version = modules_loaded(env, "--version")
    pending = modules_loaded(env, "--as", DEMO_TUTOR, "pending", "--json")

    assert of_package(version, ("fbcli.commands",)) == set()
    assert of_package(pending, ("fbcli.commands",)) == {
        "fbcli.commands",
        "fbcli.commands.pending",
    }
