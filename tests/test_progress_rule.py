"""Which sessions count toward the progress graph, through the real commands.

A session counts when its goal was in the study plan at the session's start
or when its feedback was first given; amending the feedback later never
changes that. Every test plays one day: ST-1's session S-1 runs from 10:00 to
10:30, maria gives feedback at 11:00 and amends it the next day.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner, StoreHandle

pytestmark = pytest.mark.every_backend

SCHOOL = {
    "tutors": [
        {"id": "maria", "name": "Maria Lopez"},
        {"id": "olga", "name": "Olga Ivanova", "role": "admin"},
    ],
    "students": [{"id": "ST-1", "name": "Ann Lee"}],
    "sessions": [
        {"id": "S-1", "tutor": "maria", "student": "ST-1", "start": "2026-11-20T10:00Z"}
    ],
}

PLAN_SET = "2026-11-01T09:00:00+00:00"
DURING = "2026-11-20T10:15:00+00:00"
FEEDBACK = "2026-11-20T11:00:00+00:00"
AFTER = "2026-11-20T15:00:00+00:00"
AMEND = "2026-11-21T09:00:00+00:00"
LATER = "2026-11-30T18:00:00+00:00"


class Day:
    """The commands of the day, each run at its own moment."""

    def __init__(self, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cli = cli
        self.monkeypatch = monkeypatch

    def at(self, moment: str, *args: str) -> None:
        self.monkeypatch.setenv("FBCLI_NOW", moment)
        result = self.cli(*args)
        assert result.code == 0, result.stderr

    def plan(self, moment: str, action: str, *goals: str) -> None:
        self.at(moment, "--as", "olga", "plan", action, "ST-1", *goals)

    def give(self, moment: str, goal: str, *extra: str) -> None:
        self.at(
            moment,
            "--as",
            "maria",
            "give",
            "S-1",
            "--completed",
            "--platform",
            "zoom",
            "--goal",
            goal,
            "--focus",
            "Articles",
            "--language-seen",
            "a, an, the",
            "--follow-up",
            "More articles",
            "--no-input",
            *extra,
        )

    def amend(self, moment: str, *answers: str) -> None:
        self.at(moment, "--as", "maria", "give", "S-1", *answers, "--no-input")

    def counted(self) -> bool:
        """Does S-1 count, as stats --student and plan show both tell it?"""
        self.monkeypatch.setenv("FBCLI_NOW", LATER)
        stats = self.json("--as", "olga", "stats", "--student", "ST-1", "--json")
        [line] = stats["sessions"]
        progress = {g["goal"]: g["sessions"] for g in stats["progress"]["goals"]}
        in_graph = [s["session"] for s in progress.get(line["goal"], [])]
        assert line["counted"] == (in_graph == ["S-1"])
        shown = self.json("plan", "show", "ST-1", "--json")
        goals = {g["id"]: g["toward_progress"] for g in shown["goals"]}
        if line["goal"] in goals:
            assert goals[line["goal"]] == int(line["counted"])
        return bool(line["counted"])

    def json(self, *args: str) -> Any:
        result = self.cli(*args)
        assert result.code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def day(
    cli: Runner,
    tmp_path: Path,
    store_path: StoreHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Day:
    """ST-1's plan is third-conditional, set by olga on 1 November."""
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    day = Day(cli, monkeypatch)
    day.plan(PLAN_SET, "set", "third-conditional")
    return day


def test_a_goal_added_after_the_session_and_its_feedback_never_counts(
    day: Day,
) -> None:
    day.give(FEEDBACK, "articles")
    day.plan(AFTER, "add", "articles")
    before_amending = day.counted()

    day.amend(AMEND, "--comments", "Well done")

    assert before_amending is False
    assert day.counted() is False


def test_a_goal_removed_after_the_session_keeps_counting(day: Day) -> None:
    day.plan(PLAN_SET, "add", "articles")
    day.give(FEEDBACK, "articles")
    day.plan(AFTER, "remove", "articles")
    before_amending = day.counted()

    day.amend(AMEND, "--comments", "Well done")

    assert before_amending is True
    assert day.counted() is True


def test_a_goal_added_to_the_plan_with_the_feedback_counts(day: Day) -> None:
    day.give(FEEDBACK, "articles", "--add-to-plan")
    before_amending = day.counted()

    day.amend(AMEND, "--comments", "Well done")

    assert before_amending is True
    assert day.counted() is True


def test_a_goal_in_the_plan_at_the_start_but_removed_before_the_feedback_counts(
    day: Day,
) -> None:
    day.plan(PLAN_SET, "add", "articles")
    day.plan(DURING, "remove", "articles")

    day.give(FEEDBACK, "articles")

    assert day.counted() is True


def test_an_amendment_to_a_goal_added_after_the_first_feedback_does_not_count(
    day: Day,
) -> None:
    day.give(FEEDBACK, "third-conditional")
    day.plan(AFTER, "add", "articles")
    before_amending = day.counted()

    day.amend(AMEND, "--goal", "articles")

    assert before_amending is True
    assert day.counted() is False
