"""fbcli give with flags, end to end on the demo store: every answer and every exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from fbcli.rules.model import parse_time
from fbcli.rules.plans import plan_at
from fbcli.store import open_store
from tests.conftest import DEMO_TUTOR, NOW, Result, Runner, store_lock_held

Args = list[str]


@dataclass(frozen=True)
class Demo:
    """Sessions of the demo school, found by what they are, not by their ids."""

    pending: str  # maria's, ended, no feedback, the student has a plan
    plan_goal: str  # a goal of that student's plan
    plan_area: str
    off_plan_goal: str
    other_area: str
    no_plan: str  # maria's, ended, no feedback, the student has no plan
    completed: str  # maria's, with completed feedback
    locked: str  # maria's, marked not completed
    others: str  # tom's, ended, no feedback
    upcoming: str  # maria's, not yet started


def find_demo(path: Path) -> Demo:
    now = parse_time(NOW)
    found: dict[str, str] = {}
    with open_store(str(path)) as store:
        from fbcli import school

        catalog = school.goals()
        latest = store.latest_feedback()
        for session in store.sessions():
            feedback = latest.get(session.id)
            ended = session.end <= now
            plan = plan_at(store.plan_changes(session.student), now)
            if session.tutor == "tom" and ended and feedback is None:
                found.setdefault("others", session.id)
            if session.tutor != DEMO_TUTOR:
                continue
            if not ended:
                found.setdefault("upcoming", session.id)
            elif feedback is None and plan and "pending" not in found:
                areas = {catalog[g].area for g in plan}
                found["pending"] = session.id
                found["plan_goal"] = plan[0]
                found["plan_area"] = catalog[plan[0]].area
                off = next(g for g in catalog.values() if g.area not in areas)
                found["off_plan_goal"] = off.id
                found["other_area"] = off.area
            elif feedback is None and not plan:
                found.setdefault("no_plan", session.id)
            elif feedback is not None and feedback.completed:
                found.setdefault("completed", session.id)
            elif feedback is not None:
                found.setdefault("locked", session.id)
    return Demo(**found)


@pytest.fixture
def demo(demo_store: Path) -> Demo:
    return find_demo(demo_store)


@pytest.fixture
def give(cli: Runner, env: dict[str, str]) -> Runner:
    def invoke(*args: str) -> Result:
        return cli("--as", DEMO_TUTOR, "give", *args)

    return invoke


def answers(demo: Demo, *extra: str) -> Args:
    return [
        demo.pending,
        "--completed",
        "--platform",
        "zoom",
        "--goal",
        demo.plan_goal,
        "--focus",
        "Modals",
        "--language-seen",
        "might have, must have",
        "--follow-up",
        "Speculate about photos",
        "--no-input",
        *extra,
    ]


def saved(path: Path, session: str) -> list[dict[str, object]]:
    with open_store(str(path)) as store:
        return [f.to_record() for f in store.feedback_versions(session)]


def test_full_feedback_is_saved(give: Runner, demo: Demo, demo_store: Path) -> None:
    result = give(
        *answers(
            demo, "--eval", "fluency=+", "--eval", "accuracy=-", "--comments", "Good"
        )
    )

    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert f"saved feedback on {demo.pending}: completed" in result.stderr
    [record] = saved(demo_store, demo.pending)
    assert record["focus"] == "Modals"
    assert record["comments"] == "Good"
    assert record["platform"] == "zoom"
    assert record["tutor"] == DEMO_TUTOR
    assert record["given_at"] == NOW


def test_json_prints_the_saved_record(
    give: Runner, demo: Demo, demo_store: Path
) -> None:
    result = give(*answers(demo, "--json"))

    assert result.code == 0, result.stderr
    printed = json.loads(result.stdout)
    [record] = saved(demo_store, demo.pending)
    assert {k: printed[k] for k in record} == record
    assert printed["status"] == "completed"
    assert printed["saved"] is True
    assert printed["amended"] is False


def test_levels_move_from_the_students_current_level(
    give: Runner, demo: Demo, cli: Runner
) -> None:
    before = json.loads(give(*answers(demo, "--dry-run", "--json")).stdout)[
        "evaluation"
    ]

    result = give(
        *answers(demo, "--eval", "fluency=+", "--eval", "accuracy==", "--json")
    )

    after = json.loads(result.stdout)["evaluation"]
    assert after["fluency"] == before["fluency"] + 1
    assert after["accuracy"] == before["accuracy"]


def test_dry_run_saves_nothing(give: Runner, demo: Demo, demo_store: Path) -> None:
    before = demo_store.read_bytes()

    result = give(*answers(demo, "--dry-run"))

    assert result.code == 0, result.stderr
    assert "nothing saved" in result.stderr
    assert demo_store.read_bytes() == before


def test_missing_answers_are_listed_together(
    give: Runner, demo: Demo, demo_store: Path
) -> None:
    before = demo_store.read_bytes()

    result = give(demo.pending, "--completed", "--no-input")

    assert result.code == 1
    for flag in ("--platform", "--goal", "--focus", "--language-seen", "--follow-up"):
        assert flag in result.stderr
    assert result.stderr.count("\n") == 1
    assert demo_store.read_bytes() == before


def test_without_a_terminal_nothing_is_asked(cli_process: Runner, demo: Demo) -> None:
    result = cli_process("--as", DEMO_TUTOR, "give", demo.pending, input="y\n")

    assert result.code == 1
    assert "--completed or --not-completed" in result.stderr


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        pytest.param(["--eval", "fluency=11"], 1, "scale", id="level-above-scale"),
        pytest.param(["--eval", "fluensy=+"], 3, "fluency", id="unknown-parameter"),
        pytest.param(["--eval", "fluency"], 2, "PARAM=VALUE", id="malformed-eval"),
        pytest.param(["--doing-great", "gramar"], 3, "grammar", id="unknown-area"),
        pytest.param(["--reason", "server-down"], 2, "--reason", id="conflict"),
        pytest.param(["--reason", "flood"], 2, "flood", id="bad-reason"),
    ],
)
def test_bad_answers(
    give: Runner, demo: Demo, extra: Args, code: int, message: str
) -> None:
    result = give(*answers(demo, *extra))

    assert result.code == code, result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("level", "move", "where"),
    [
        pytest.param(10, "+", "top", id="plus-at-top"),
        pytest.param(1, "-", "bottom", id="minus-at-bottom"),
    ],
)
def test_levels_stay_within_the_scale(
    give: Runner,
    cli: Runner,
    tmp_path: Path,
    demo: Demo,
    level: int,
    move: str,
    where: str,
) -> None:
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "students": [
                    {"id": "ST-900", "name": "Eva Edge", "levels": {"fluency": level}}
                ],
                "sessions": [
                    {
                        "id": "S-900",
                        "tutor": DEMO_TUTOR,
                        "student": "ST-900",
                        "start": "2026-11-30T10:00:00+00:00",
                        "minutes": 30,
                    }
                ],
            }
        )
    )
    assert cli("import", str(export)).code == 0
    args = answers(demo, "--add-to-plan", "--eval", f"fluency={move}")
    args[0] = "S-900"

    result = give(*args)

    assert result.code == 1
    assert f"the {where} of the scale" in result.stderr


def test_unknown_goal_has_close_matches(give: Runner, demo: Demo) -> None:
    args = answers(demo)
    args[args.index("--goal") + 1] = demo.plan_goal[:-2]

    result = give(*args)

    assert result.code == 3
    assert demo.plan_goal in result.stderr


def test_focus_too_long_suggests(give: Runner, demo: Demo) -> None:
    args = answers(demo)
    args[args.index("--focus") + 1] = "present perfect continuous"

    result = give(*args)

    assert result.code == 1
    assert "'Pres Perfect Cont'" in result.stderr


@pytest.mark.parametrize(
    ("which", "code", "message"),
    [
        pytest.param("others", 4, "taught by tom", id="another-tutors-session"),
        pytest.param("upcoming", 4, "has not ended", id="not-ended"),
        pytest.param("locked", 4, "locked", id="locked"),
    ],
)
def test_not_allowed(
    give: Runner, demo: Demo, demo_store: Path, which: str, code: int, message: str
) -> None:
    args = answers(demo)
    args[0] = getattr(demo, which)
    before = demo_store.read_bytes()

    result = give(*args)

    assert result.code == code, result.stderr
    assert message in result.stderr
    assert demo_store.read_bytes() == before


def test_unknown_session_has_close_matches(give: Runner, demo: Demo) -> None:
    args = answers(demo)
    args[0] = demo.pending + "9"

    result = give(*args)

    assert result.code == 3
    assert demo.pending in result.stderr


def test_unknown_tutor(cli: Runner, demo: Demo) -> None:
    result = cli("--as", "marai", "give", *answers(demo))

    assert result.code == 3
    assert "maria" in result.stderr


def test_locked_store_is_a_store_error(
    give: Runner, cli: Runner, demo: Demo, demo_store: Path
) -> None:
    with store_lock_held(demo_store):
        result = cli(
            "--lock-timeout", "0.1", "--as", DEMO_TUTOR, "give", *answers(demo)
        )

    assert result.code == 5
    assert "locked" in result.stderr


def test_missing_store_is_a_store_error(
    cli: Runner, demo: Demo, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.json"

    result = cli("--db", str(missing), "--as", DEMO_TUTOR, "give", *answers(demo))

    assert result.code == 5


# Warnings: printed, saved anyway, refused under --strict.


def test_off_plan_goal_is_saved_with_a_warning(
    give: Runner, demo: Demo, demo_store: Path
) -> None:
    args = answers(demo)
    args[args.index("--goal") + 1] = demo.off_plan_goal

    result = give(*args)

    assert result.code == 0
    assert "warning:" in result.stderr
    assert "progress graph" in result.stderr
    assert saved(demo_store, demo.pending)[0]["goal"] == demo.off_plan_goal


def test_strict_turns_warnings_into_errors(
    give: Runner, demo: Demo, demo_store: Path
) -> None:
    args = answers(demo, "--strict")
    args[args.index("--goal") + 1] = demo.off_plan_goal
    before = demo_store.read_bytes()

    result = give(*args)

    assert result.code == 1
    assert "--strict" in result.stderr
    assert demo_store.read_bytes() == before


def test_hints_do_not_fail_strict(give: Runner, demo: Demo) -> None:
    result = give(*answers(demo, "--strict", "--json"))

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == []


def test_add_to_plan_adds_the_goal(
    give: Runner, demo: Demo, cli: Runner, demo_store: Path
) -> None:
    args = answers(demo, "--add-to-plan", "--doing-great", demo.other_area, "--strict")
    args[args.index("--goal") + 1] = demo.off_plan_goal

    result = give(*args)

    assert result.code == 0, result.stderr
    with open_store(str(demo_store)) as store:
        session = store.session(demo.pending)
        assert session is not None
        plan = plan_at(store.plan_changes(session.student))
    assert demo.off_plan_goal in plan


def test_doing_great_outside_the_plan_is_refused(give: Runner, demo: Demo) -> None:
    result = give(*answers(demo, "--doing-great", demo.other_area))

    assert result.code == 1
    assert "focus areas" in result.stderr


def test_no_plan_names_plan_set_and_add_to_plan(give: Runner, demo: Demo) -> None:
    args = answers(demo)
    args[0] = demo.no_plan

    result = give(*args)

    assert result.code == 1
    assert "fbcli plan set" in result.stderr
    assert "--add-to-plan" in result.stderr


def test_add_to_plan_starts_a_plan(give: Runner, demo: Demo, demo_store: Path) -> None:
    args = answers(demo, "--add-to-plan")
    args[0] = demo.no_plan

    result = give(*args)

    assert result.code == 0, result.stderr
    with open_store(str(demo_store)) as store:
        session = store.session(demo.no_plan)
        assert session is not None
        assert plan_at(store.plan_changes(session.student)) == [demo.plan_goal]


# Step 1: not completed.


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        pytest.param("student-absent", "not-completed", id="student-absent"),
        pytest.param("student-tech", "not-completed", id="student-tech"),
        pytest.param("server-down", "not-completed", id="server-down"),
        pytest.param("emergency", "dismissal-requested", id="emergency"),
    ],
)
def test_not_completed(
    give: Runner, demo: Demo, cli: Runner, reason: str, status: str
) -> None:
    result = give(
        demo.pending,
        "--not-completed",
        "--reason",
        reason,
        "--tech-issues",
        "--note",
        "no sound",
        "--no-input",
        "--json",
    )

    assert result.code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == status
    assert record["tech_issues"] is True
    assert record["note"] == "no sound"
    shown = json.loads(cli("show", demo.pending, "--json").stdout)
    assert shown["status"] == status


def test_emergency_says_what_to_do(give: Runner, demo: Demo) -> None:
    result = give(
        demo.pending, "--not-completed", "--reason", "emergency", "--no-input"
    )

    assert "tutors@fluentify.com" in result.stderr
    assert "chat" in result.stderr


def test_not_completed_is_locked_for_good(give: Runner, demo: Demo) -> None:
    give(demo.pending, "--not-completed", "--reason", "server-down", "--no-input")

    again = give(*answers(demo))

    assert again.code == 4
    assert "locked" in again.stderr


def test_reason_is_required_when_not_completed(give: Runner, demo: Demo) -> None:
    result = give(demo.pending, "--not-completed", "--no-input")

    assert result.code == 1
    assert "--reason" in result.stderr


# Amending.


def test_amending_keeps_the_earlier_version(
    give: Runner, demo: Demo, cli: Runner, demo_store: Path
) -> None:
    give(*answers(demo))

    result = give(demo.pending, "--focus", "Modals again", "--no-input", "--json")

    assert result.code == 0, result.stderr
    assert "amending" in result.stderr
    versions = saved(demo_store, demo.pending)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["focus"] == "Modals again"
    assert versions[1]["language_seen"] == versions[0]["language_seen"]
    shown = json.loads(cli("show", demo.pending, "--json").stdout)
    assert shown["amended"] is True


def test_amending_demo_feedback(give: Runner, demo: Demo, demo_store: Path) -> None:
    result = give(demo.completed, "--great-work", "--no-input", "--json")

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["version"] == 2


# Usage.


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--no-input"], id="no-session"),
        pytest.param(["S-1", "--from", "x.csv"], id="session-and-from"),
        pytest.param(["--from", "x.csv", "--focus", "x"], id="answers-and-from"),
    ],
)
def test_usage_errors(give: Runner, demo: Demo, args: Args) -> None:
    result = give(*args)

    assert result.code == 2


def test_help_shows_every_step(cli: Runner) -> None:
    result = cli("give", "--help")

    assert result.code == 0
    for flag in (
        "--completed",
        "--eval",
        "--great-work",
        "--goal",
        "--doing-great",
        "--focus",
        "--from",
    ):
        assert flag in result.stdout


def test_flag_path_imports_no_prompt_or_drawing_library(
    demo: Demo, env: dict[str, str]
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "fbcli",
            "--as",
            DEMO_TUTOR,
            "give",
            *answers(demo),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not imported & {"questionary", "prompt_toolkit", "rich"}
