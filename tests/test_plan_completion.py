"""Shell completion of student ids, goal ids and areas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

from fbcli.cli import build_app
from fbcli.commands.goals import complete_area
from fbcli.completion import complete_goal, complete_plan_goal, complete_student
from tests.conftest import Runner

SCHOOL = {
    "tutors": [{"id": "olga", "name": "Olga", "role": "admin"}],
    "students": [
        {"id": "ST-1", "name": "Ann Lee"},
        {"id": "ST-10", "name": "Bo Núñez"},
        {"id": "XY-2", "name": "Cy Doe"},
    ],
}


@pytest.fixture
def school(cli: Runner, tmp_path: Path, store_path: Path) -> Path:
    """ST-1's plan is articles and word-stress."""
    cli("init")
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("import", str(export)).code == 0
    added = cli("--as", "olga", "plan", "set", "ST-1", "articles", "word-stress")
    assert added.code == 0
    return store_path


def context(command: str, db: str | None = None, **params: Any) -> typer.Context:
    """The context completion hands a callback while STUDENT and GOAL are typed."""
    group: Any = get_command(build_app(["plan"]))
    root = typer.Context(group, info_name="fbcli")
    root.params = {"db": db}
    plan = typer.Context(group.commands["plan"], parent=root, info_name="plan")
    leaf = typer.Context(
        group.commands["plan"].commands[command], parent=plan, info_name=command
    )
    leaf.params = {"student_id": None, "goals": None, **params}
    return leaf


def test_students_complete_from_the_store_named_by_db(school: Path) -> None:
    found = complete_student(context("show", db=str(school)), "st-1")

    assert found == [("ST-1", "Ann Lee"), ("ST-10", "Bo Núñez")]


def test_students_complete_from_the_store_in_fbcli_db(school: Path) -> None:
    found = complete_student(context("show"), "")

    assert [student for student, _ in found] == ["ST-1", "ST-10", "XY-2"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="missing"),
        pytest.param(b"{not json", id="corrupt"),
        pytest.param(b'{"meta": {"1": {"schema_version": 99}}}', id="unknown-version"),
    ],
)
def test_an_unreadable_store_completes_nothing_and_says_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    store = tmp_path / "store.json"
    if content is not None:
        store.write_bytes(content)

    found = complete_student(context("show", db=str(store)), "ST")

    assert found == []
    assert capsys.readouterr() == ("", "")


def test_goals_complete_from_the_catalog_by_id(env: dict[str, str]) -> None:
    found = complete_goal(context("add"), "ielts-speaking")

    assert [goal for goal, _ in found] == [
        "ielts-speaking-1",
        "ielts-speaking-2",
        "ielts-speaking-3",
    ]
    assert found[0][1] == "IELTS Speaking part 1"


def test_goals_already_typed_are_not_offered_again(env: dict[str, str]) -> None:
    typed = context("add", goals=["ielts-speaking-2"])

    found = complete_goal(typed, "ielts-speaking")

    assert [goal for goal, _ in found] == ["ielts-speaking-1", "ielts-speaking-3"]


def test_goals_to_remove_complete_from_the_students_plan(school: Path) -> None:
    typed = context("remove", student_id="ST-1", goals=["articles"])

    found = complete_plan_goal(typed, "")

    assert found == [("word-stress", "Word stress in multi-syllable words")]


def test_goals_to_remove_come_from_the_catalog_while_the_student_is_unknown(
    school: Path,
) -> None:
    found = complete_plan_goal(context("remove", student_id="ST-404"), "third")

    assert [goal for goal, _ in found] == ["third-conditional"]


def test_areas_complete_from_the_catalog() -> None:
    assert complete_area("GR") == ["grammar"]


def test_completion_through_the_shell_protocol(
    school: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("_FBCLI_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "fbcli plan remove ST-1 ")
    monkeypatch.setenv("COMP_CWORD", "4")
    command = get_command(build_app(["plan"]))

    with pytest.raises(SystemExit) as done:
        command.main(args=[], prog_name="fbcli")

    assert done.value.code == 0
    assert capsys.readouterr().out.split() == ["articles", "word-stress"]


@pytest.mark.parametrize(
    ("module", "words"),
    [
        pytest.param("stats", "fbcli stats --student ST-1", id="stats"),
        pytest.param("sessions", "fbcli sessions --student ST-1", id="sessions"),
    ],
)
def test_student_options_complete_through_the_shell_protocol(
    school: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    module: str,
    words: str,
) -> None:
    monkeypatch.setenv("_FBCLI_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", "3")
    command = get_command(build_app([module]))

    with pytest.raises(SystemExit) as done:
        command.main(args=[], prog_name="fbcli")

    assert done.value.code == 0
    assert capsys.readouterr().out.split() == ["ST-1", "ST-10"]
