"""The goal picker of 'fbcli plan set STUDENT', in a real terminal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Runner

SCHOOL = {
    "tutors": [{"id": "maria", "name": "Maria", "role": "tutor"}],
    "students": [{"id": "ST-1", "name": "Ann Lee"}],
    "sessions": [
        {"id": "S-1", "tutor": "maria", "student": "ST-1", "start": "2026-11-20T10:00Z"}
    ],
}


@pytest.fixture
def school(cli: Runner, tmp_path: Path, store_path: Path) -> Path:
    cli("init")
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("import", str(export)).code == 0
    assert cli("--as", "maria", "plan", "set", "ST-1", "articles").code == 0
    return store_path


def spawn(env: dict[str, str], *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "fbcli", "--as", "maria", *args],
        env={**os.environ, **env},
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
    )


def plan_of(cli: Runner) -> list[str]:
    shown = json.loads(cli("plan", "show", "ST-1", "--json").stdout)
    return [goal["id"] for goal in shown["goals"]]


def test_typing_filters_the_catalog_and_space_picks_a_goal(
    cli: Runner, env: dict[str, str], school: Path
) -> None:
    terminal = spawn(env, "plan", "set", "ST-1")
    terminal.expect("Study plan of Ann Lee")
    terminal.expect("grammar")

    terminal.send("mixed")
    terminal.expect("Mixed conditionals")
    terminal.send(" ")
    terminal.send("\r")
    terminal.expect(pexpect.EOF)
    terminal.close()

    assert terminal.exitstatus == 0
    assert plan_of(cli) == ["articles", "mixed-conditionals"]


def test_ctrl_c_in_the_picker_saves_nothing(env: dict[str, str], school: Path) -> None:
    before = school.read_bytes()
    terminal = spawn(env, "plan", "set", "ST-1")
    terminal.expect("Study plan of Ann Lee")

    terminal.sendcontrol("c")
    terminal.expect(pexpect.EOF)
    terminal.close()

    assert terminal.exitstatus == 130
    assert school.read_bytes() == before
