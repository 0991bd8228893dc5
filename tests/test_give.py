"""fbcli give with flags, end to end on the demo store: every answer and every exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from fbcli.rules.model import parse_time
from fbcli.rules.plans import plan_at
from fbcli.store import open_store
from tests.conftest import (
    DEMO_TUTOR,
    NOW,
    DatabaseStore,
    Result,
    Runner,
    StoreHandle,
    pg_schema,
    store_lock_held,
)

pytestmark = pytest.mark.every_backend

Args = list[str]


@contextmanager
def another_location(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, name: str
) -> Iterator[str]:
    """A second place for a store of the test's backend, holding none yet.

    A file that does not exist; on PostgreSQL, a schema of its own without
    tables, dropped afterwards.
    """
    if backend == "json":
        yield str(tmp_path / f"{name}.json")
    elif backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        with pg_schema(request.getfixturevalue("pg_server")) as url:
            yield url


def holds_a_store(location: str) -> bool:
    """Is there a store at ``location`` (a file, or a database with fbcli's tables)?"""
    if "://" in location:
        return DatabaseStore(location).exists()
    return Path(location).is_file()


def no_store_message(backend: str, location: str) -> str:
    """The start of the error about a store that does not exist."""
    if backend == "postgresql":
        return f"error: {location} holds no fbcli store; create one with 'fbcli init'"
    path = location.removeprefix("sqlite:///")
    return f"error: no store at {path}"


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


def find_demo(path: StoreHandle) -> Demo:
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
def demo(demo_store: StoreHandle) -> Demo:
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


def saved(path: StoreHandle, session: str) -> list[dict[str, object]]:
    with open_store(str(path)) as store:
        return [f.to_record() for f in store.feedback_versions(session)]


def test_full_feedback_is_saved(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
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
    give: Runner, demo: Demo, demo_store: StoreHandle
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


def test_dry_run_saves_nothing(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    before = demo_store.read_bytes()

    result = give(*answers(demo, "--dry-run"))

    assert result.code == 0, result.stderr
    assert "nothing saved" in result.stderr
    assert demo_store.read_bytes() == before


def test_missing_answers_are_listed_together(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    before = demo_store.read_bytes()

    result = give(demo.pending, "--completed", "--no-input")

    assert result.code == 1
    for flag in ("--platform", "--goal", "--focus", "--language-seen", "--follow-up"):
        assert flag in result.stderr
    assert result.stderr.count("\n") == 1
    assert demo_store.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "flags"),
    [
        pytest.param(
            [],
            [
                "--completed or --not-completed",
                "--platform",
                "--goal",
                "--focus",
                "--language-seen",
                "--follow-up",
            ],
            id="nothing",
        ),
        pytest.param(["--not-completed"], ["--reason"], id="not-completed"),
        pytest.param(
            ["--completed", "--platform", "Meet", "--focus", "Modals"],
            ["--goal", "--language-seen", "--follow-up"],
            id="completed",
        ),
    ],
)
def test_without_a_terminal_every_missing_answer_is_one_error(
    cli_process: Runner,
    demo: Demo,
    demo_store: StoreHandle,
    args: Args,
    flags: list[str],
) -> None:
    before = demo_store.read_bytes()

    result = cli_process("--as", DEMO_TUTOR, "give", demo.pending, *args, input="y\n")

    assert result.code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: missing answers: ")
    named = [part.rsplit("(", 1)[1].rstrip(")") for part in line.split("; ")]
    assert named == flags
    assert demo_store.read_bytes() == before


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


@pytest.mark.parametrize("digit", ["²", "٣", "१", "\uff15"])
def test_a_level_in_other_digits_is_a_usage_error(
    give: Runner, demo: Demo, demo_store: StoreHandle, digit: str
) -> None:
    before = demo_store.read_bytes()

    result = give(*answers(demo, "--eval", f"fluency={digit}"))

    assert result.code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: --eval 'fluency={digit}': ")
    assert "level number" in line
    assert demo_store.read_bytes() == before


@pytest.mark.parametrize(
    ("focus", "suggestion"),
    [
        pytest.param("!" * 30, "!" * 20, id="punctuation"),
        pytest.param("🎉" * 22, "🎉" * 20, id="emoji"),
    ],
)
def test_focus_without_letters_suggests_a_cut(
    give: Runner, demo: Demo, focus: str, suggestion: str
) -> None:
    args = answers(demo)
    args[args.index("--focus") + 1] = focus

    result = give(*args)

    assert result.code == 1
    assert f"(try --focus '{suggestion}')" in result.stderr
    assert "--focus ''" not in result.stderr


@pytest.mark.parametrize(
    ("which", "code", "message"),
    [
        pytest.param("others", 4, "taught by tom", id="another-tutors-session"),
        pytest.param("upcoming", 4, "has not ended", id="not-ended"),
        pytest.param("locked", 4, "locked", id="locked"),
    ],
)
def test_not_allowed(
    give: Runner,
    demo: Demo,
    demo_store: StoreHandle,
    which: str,
    code: int,
    message: str,
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
    give: Runner, cli: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    with store_lock_held(demo_store):
        result = cli(
            "--lock-timeout", "0.1", "--as", DEMO_TUTOR, "give", *answers(demo)
        )

    assert result.code == 5
    assert "locked" in result.stderr


def test_missing_store_is_a_store_error(
    cli: Runner,
    demo: Demo,
    tmp_path: Path,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    with another_location(backend, tmp_path, request, "nowhere") as missing:
        result = cli("--db", missing, "--as", DEMO_TUTOR, "give", *answers(demo))

        assert result.code == 5
        assert result.stderr.startswith(no_store_message(backend, missing))
        assert not holds_a_store(missing)


# Warnings: printed, saved anyway, refused under --strict.


def test_off_plan_goal_is_saved_with_a_warning(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    args = answers(demo)
    args[args.index("--goal") + 1] = demo.off_plan_goal

    result = give(*args)

    assert result.code == 0
    assert "warning:" in result.stderr
    assert "progress graph" in result.stderr
    assert saved(demo_store, demo.pending)[0]["goal"] == demo.off_plan_goal


def test_strict_turns_warnings_into_errors(
    give: Runner, demo: Demo, demo_store: StoreHandle
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
    give: Runner, demo: Demo, cli: Runner, demo_store: StoreHandle
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


def test_add_to_plan_starts_a_plan(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    args = answers(demo, "--add-to-plan")
    args[0] = demo.no_plan

    result = give(*args)

    assert result.code == 0, result.stderr
    with open_store(str(demo_store)) as store:
        session = store.session(demo.no_plan)
        assert session is not None
        assert plan_at(store.plan_changes(session.student)) == [demo.plan_goal]


# The figures behind suggestions and warnings, on a school whose history is known.

HISTORY_SCHOOL = {
    "tutors": [
        {"id": "tina", "name": "Tina Tutor"},
        {"id": "tom", "name": "Tom Teacher"},
    ],
    "students": [
        {
            "id": "ST-1",
            "name": "Sam Student",
            "levels": {
                "fluency": 4,
                "accuracy": 5,
                "pronunciation": 6,
                "comprehension": 7,
            },
        },
        {"id": "ST-2", "name": "Pat Pupil"},
    ],
    "sessions": [
        *(
            {
                "id": f"S-{n}",
                "tutor": "tom" if n == 7 else "tina",
                "student": "ST-1",
                "start": f"2026-11-{19 + n}T10:00:00+00:00",
            }
            for n in range(1, 9)
        ),
        *(
            {
                "id": f"P-{n}",
                "tutor": "tom",
                "student": "ST-2",
                "start": f"2026-11-{n:02d}T12:00:00+00:00",
            }
            for n in range(1, 11)
        ),
        {
            "id": "L-1",
            "tutor": "tina",
            "student": "ST-1",
            "start": "2026-11-29T10:00:00+00:00",
            "minutes": 45,
        },
    ],
}
# Tina's feedback on S-1 to S-6: fluency rises twice, pronunciation and
# comprehension once, accuracy never; S-5 is "doing great in" grammar, S-6
# gets the badge.
TINA_ROWS = """session,completed,platform,eval,great_work,doing_great,goal,focus,language_seen,follow_up
S-1,true,zoom,fluency=+,false,,articles,Articles,"a, an, the",More articles
S-2,true,zoom,,false,,articles,Articles,"a, an, the",More articles
S-3,true,zoom,comprehension=+,false,,articles,Articles,"a, an, the",More articles
S-4,true,zoom,fluency=+,false,,articles,Articles,"a, an, the",More articles
S-5,true,zoom,,false,grammar,articles,Articles,"a, an, the",More articles
S-6,true,zoom,pronunciation=+,true,,word-stress,Word stress,PHOtograph,Stress drills
"""
TOM_FOLLOW_UP = "Stress in compound nouns"


def make_history(cli: Runner, tmp_path: Path) -> None:
    """ST-1: S-1 to S-6 by tina, S-7 by tom, S-8 awaiting tina's feedback, and
    L-1, a 45-minute session after it. ST-2: P-1 to P-9 by tom, none "doing
    great", P-10 awaiting his feedback."""
    export = tmp_path / "school.json"
    export.write_text(json.dumps(HISTORY_SCHOOL))
    tina = tmp_path / "tina.csv"
    tina.write_text(TINA_ROWS)
    tom = tmp_path / "tom.jsonl"
    tom.write_text(
        "".join(
            json.dumps(
                {
                    "session": f"P-{n}",
                    "completed": True,
                    "platform": "zoom",
                    "goal": "articles",
                    "add-to-plan": True,
                    "focus": "Articles",
                    "language-seen": "a, an, the",
                    "follow-up": "More articles",
                }
            )
            + "\n"
            for n in range(1, 10)
        )
    )

    for args in (
        ["init"],
        ["import", str(export)],
        ["--as", "tina", "plan", "set", "ST-1", "articles", "word-stress"],
        ["--as", "tina", "give", "--from", str(tina)],
        ["--as", "tom", "give", "--from", str(tom)],
        [
            "--as",
            "tom",
            "give",
            "S-7",
            "--completed",
            "--platform",
            "Teams",
            "--goal",
            "word-stress",
            "--focus",
            "Compound stress",
            "--language-seen",
            "BLACKbird, black BIRD",
            "--follow-up",
            TOM_FOLLOW_UP,
            "--no-input",
        ],
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.stderr)


@pytest.fixture
def history(cli: Runner, tmp_path: Path, store_path: StoreHandle) -> StoreHandle:
    make_history(cli, tmp_path)
    return store_path


def give_s8(cli: Runner, *extra: str) -> Result:
    return cli(
        "--as",
        "tina",
        "give",
        "S-8",
        "--completed",
        "--platform",
        "zoom",
        "--goal",
        "articles",
        "--focus",
        "Articles",
        "--language-seen",
        "the with rivers",
        "--follow-up",
        "Zero article",
        "--no-input",
        *extra,
    )


STAGNATION = (
    "note: accuracy has not risen in the student's last 5 sessions "
    "(5, 5, 5, 5, 5); it may be time for a higher mark"
)


def test_stagnation_is_suggested_with_the_levels(
    cli: Runner, history: StoreHandle
) -> None:
    result = give_s8(cli)

    assert result.code == 0, result.stderr
    assert STAGNATION in result.stderr
    assert "has not risen" not in result.stderr.replace(STAGNATION, "")


def test_no_stagnation_suggestion_when_the_level_rises(
    cli: Runner, history: StoreHandle
) -> None:
    result = give_s8(cli, "--eval", "accuracy=+", "--json")

    assert result.code == 0, result.stderr
    assert "has not risen" not in result.stderr
    assert json.loads(result.stdout)["evaluation"]["accuracy"] == 6


def test_badge_too_soon_warns_with_the_figures(
    cli: Runner, history: StoreHandle
) -> None:
    result = give_s8(cli, "--great-work")

    assert result.code == 0, result.stderr
    assert (
        "warning: the student got the great-work badge 2 sessions ago, within "
        "their last 4 sessions\n" in result.stderr
    )
    assert (
        "warning: the badge would make your rate 29% (2 of your last 7 completed "
        "sessions), above the school's 10%-20% band\n" in result.stderr
    )
    assert saved(history, "S-8")[0]["great_work"] is True


def test_doing_great_too_soon_warns_with_the_figures(
    cli: Runner, history: StoreHandle
) -> None:
    result = give_s8(cli, "--doing-great", "grammar")

    assert result.code == 0, result.stderr
    assert (
        "warning: this would be only 3 sessions after the student's last 'doing "
        "great' award (grammar); the school aims for one every 5 to 10 sessions\n"
        in result.stderr
    )
    assert saved(history, "S-8")[0]["doing_great"] == "grammar"


def test_doing_great_nudge_with_the_figures(cli: Runner, history: StoreHandle) -> None:
    result = cli(
        "--as",
        "tom",
        "give",
        "P-10",
        "--completed",
        "--platform",
        "zoom",
        "--goal",
        "articles",
        "--focus",
        "Articles",
        "--language-seen",
        "a, an, the",
        "--follow-up",
        "Zero article",
        "--no-input",
    )

    assert result.code == 0, result.stderr
    assert (
        "note: no 'doing great' award in the student's 10 sessions yet, counting "
        "this one; the school aims for one every 5 to 10 sessions\n" in result.stderr
    )


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(["--great-work"], id="badge"),
        pytest.param(["--doing-great", "grammar"], id="doing-great"),
    ],
)
def test_strict_refuses_an_award_too_soon(
    cli: Runner, history: StoreHandle, extra: Args
) -> None:
    before = history.read_bytes()

    result = give_s8(cli, "--strict", *extra)

    assert result.code == 1
    assert "under --strict; nothing was saved" in result.stderr
    assert history.read_bytes() == before


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
    give: Runner, demo: Demo, cli: Runner, demo_store: StoreHandle
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
    assert "(amended; version 2 of 2)" in cli("show", demo.pending).stdout


def test_amending_demo_feedback(
    give: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
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


GIVE_FLAGS = {
    "Step 1": "--completed --not-completed --reason --student-missed "
    "--student-attended --tech-issues --no-tech-issues --note --platform",
    "Step 2": "--eval",
    "Step 3": "--great-work --no-great-work",
    "Step 4": "--goal --add-to-plan",
    "Step 5": "--doing-great",
    "Step 6": "--focus --language-seen --follow-up --comments",
    "Control": "--no-input -y --yes --strict --dry-run --json --from",
}
MARK_UNATTENDED_FLAGS = "-y --yes --note --no-input --dry-run --json"


def flags_of(command: str) -> set[str]:
    from typer.main import get_command

    from fbcli.cli import build_app

    group = get_command(build_app([command.replace("-", "_")]))
    found = group.commands[command]  # type: ignore[attr-defined]
    return {name for p in found.params for name in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize(("step", "flags"), GIVE_FLAGS.items(), ids=list(GIVE_FLAGS))
def test_give_has_every_flag(cli: Runner, step: str, flags: str) -> None:
    result = cli("give", "--help")

    assert result.code == 0
    assert set(flags.split()) <= flags_of("give")
    for flag in flags.split():
        assert flag in result.stdout
    if step == "Step 1":
        for reason in ("student-absent", "student-tech", "server-down", "emergency"):
            assert reason in result.stdout


def test_mark_unattended_has_every_flag(cli: Runner) -> None:
    result = cli("mark-unattended", "--help")

    assert result.code == 0
    assert set(MARK_UNATTENDED_FLAGS.split()) <= flags_of("mark-unattended")
    assert "whole session" in result.stdout


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
