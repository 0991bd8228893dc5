"""Step 4's off-plan warning says what the progress graph will count.

A session counts when its goal was in the study plan at the session's start
or when its feedback was first given; the warning follows the same rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Runner

pytestmark = pytest.mark.every_backend

START = "2026-11-28T10:00:00+00:00"
BEFORE = "2026-11-27T10:00:00+00:00"
FEEDBACK = "2026-11-28T11:00:00+00:00"
LATER = "2026-11-29T09:00:00+00:00"
CONTENT = [
    "--completed",
    "--platform",
    "zoom",
    "--focus",
    "Summaries",
    "--language-seen",
    "in short",
    "--follow-up",
    "Summarise an article",
    "--no-input",
]


@pytest.fixture
def school(cli: Runner, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "tutors": [
                    {"id": "tina", "name": "Tina"},
                    {"id": "ada", "name": "Ada", "role": "admin"},
                ],
                "students": [{"id": "ST-1", "name": "Sam"}],
                "sessions": [
                    {"id": "S-1", "tutor": "tina", "student": "ST-1", "start": START}
                ],
            }
        )
    )
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("FBCLI_NOW", moment)


def test_a_goal_in_the_plan_at_the_start_counts_though_removed_since(
    cli: Runner, school: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, BEFORE)
    assert cli("--as", "ada", "plan", "set", "ST-1", "summarising").code == 0
    at(monkeypatch, FEEDBACK)
    assert cli("--as", "tina", "plan", "set", "ST-1", "articles").code == 0

    given = cli("--as", "tina", "give", "S-1", "--goal", "summarising", *CONTENT)

    assert given.code == 0, given.stderr
    assert "will not count" not in given.stderr
    shown = cli("--as", "tina", "stats", "--student", "ST-1", "--format", "json")
    (session,) = json.loads(shown.stdout)["sessions"]
    assert session["counted"] is True


def test_an_amendment_to_a_goal_added_now_is_told_it_will_not_count(
    cli: Runner, school: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, FEEDBACK)
    assert cli("--as", "tina", "plan", "set", "ST-1", "summarising").code == 0
    first = cli("--as", "tina", "give", "S-1", "--goal", "summarising", *CONTENT)
    assert first.code == 0, first.stderr
    at(monkeypatch, LATER)

    amended = cli(
        "--as", "tina", "give", "S-1", "--goal", "articles", "--add-to-plan", *CONTENT
    )

    assert amended.code == 0, amended.stderr
    assert (
        "'Articles: a, an, the and no article' was not in ST-1's study plan when "
        "this session took place or when its feedback was first given"
    ) in amended.stderr
    shown = cli("--as", "tina", "stats", "--student", "ST-1", "--format", "json")
    (session,) = json.loads(shown.stdout)["sessions"]
    assert session["goal"] == "articles" and session["counted"] is False
    plan = cli("--as", "tina", "plan", "show", "ST-1", "--json")
    assert [g["id"] for g in json.loads(plan.stdout)["goals"]] == [
        "summarising",
        "articles",
    ]


def test_an_off_plan_goal_at_the_first_feedback_is_offered_add_to_plan(
    cli: Runner, school: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, FEEDBACK)
    assert cli("--as", "tina", "plan", "set", "ST-1", "summarising").code == 0

    given = cli("--as", "tina", "give", "S-1", "--goal", "articles", *CONTENT)

    assert given.code == 0, given.stderr
    assert "is not in ST-1's study plan" in given.stderr
    assert "(--add-to-plan adds it)" in given.stderr
