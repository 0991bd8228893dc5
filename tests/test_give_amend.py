"""Amending completed feedback after the study plan changed: answers kept from
the earlier version are not checked again; answers given anew are."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from fbcli.store import open_store
from tests.conftest import Result, Runner, Spawn, StoreHandle
from tests.test_interactive import ENTER, EVERY_QUESTION, answer, finish

pytestmark = pytest.mark.every_backend

FIRST = [
    "--completed",
    "--platform",
    "zoom",
    "--goal",
    "summarising",
    "--doing-great",
    "writing",
    "--focus",
    "Summaries",
    "--language-seen",
    "in short, to sum up",
    "--follow-up",
    "Summarise an article",
    "--no-input",
]


@pytest.fixture
def amended_plan(cli: Runner, tmp_path: Path, store_path: StoreHandle) -> StoreHandle:
    """S-1 has feedback on a writing goal, given before ST-1's plan became exams only."""
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "tutors": [{"id": "tina", "name": "Tina Tutor"}],
                "students": [{"id": "ST-1", "name": "Sam Student"}],
                "sessions": [
                    {
                        "id": "S-1",
                        "tutor": "tina",
                        "student": "ST-1",
                        "start": "2026-11-28T10:00:00+00:00",
                    }
                ],
            }
        )
    )
    for args in (
        ["init"],
        ["import", str(export)],
        ["--as", "tina", "plan", "set", "ST-1", "summarising"],
        ["--as", "tina", "give", "S-1", *FIRST],
        ["--as", "tina", "plan", "set", "ST-1", "pte-read-aloud"],
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.stderr)
    return store_path


def amend(cli: Runner, *args: str) -> Result:
    return cli("--as", "tina", "give", "S-1", "--no-input", *args)


def versions(store: StoreHandle) -> list[dict[str, object]]:
    with open_store(str(store)) as opened:
        return [f.to_record() for f in opened.feedback_versions("S-1")]


def test_kept_answers_are_saved_without_a_warning(
    cli: Runner, amended_plan: StoreHandle
) -> None:
    result = amend(cli, "--comments", "typo fix")

    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr
    _, second = versions(amended_plan)
    assert second["version"] == 2
    assert second["comments"] == "typo fix"
    assert (second["goal"], second["doing_great"]) == ("summarising", "writing")


def test_kept_answers_pass_strict(cli: Runner, amended_plan: StoreHandle) -> None:
    result = amend(cli, "--comments", "typo fix", "--strict")

    assert result.code == 0, result.stderr


def test_a_new_award_outside_the_plan_is_refused(
    cli: Runner, amended_plan: StoreHandle
) -> None:
    before = amended_plan.read_bytes()

    result = amend(cli, "--doing-great", "grammar")

    assert result.code == 1
    assert "'grammar' is not one of ST-1's focus areas" in result.stderr
    assert amended_plan.read_bytes() == before


def test_a_new_off_plan_goal_warns(cli: Runner, amended_plan: StoreHandle) -> None:
    result = amend(cli, "--goal", "short-reports")

    assert result.code == 0, result.stderr
    assert "warning: 'Writing a short report' is not in ST-1's study plan" in (
        result.stderr
    )
    assert versions(amended_plan)[-1]["goal"] == "short-reports"


def test_kept_answers_are_offered_interactively(
    spawn: Spawn, amended_plan: StoreHandle
) -> None:
    child = spawn("give", "S-1", as_tutor="tina")

    answer(child, "Amend it?", "y")
    for prompt in EVERY_QUESTION:
        answer(child, prompt, ENTER)
    index = child.expect_exact(["Continue anyway?", "Save this feedback?"])
    time.sleep(0.15)
    child.send(ENTER)

    assert finish(child) == 0
    assert index == 1, "a kept answer asked to be accepted"
    second = versions(amended_plan)[-1]
    assert (second["goal"], second["doing_great"]) == ("summarising", "writing")
