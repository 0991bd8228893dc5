"""fbcli plan: showing and changing study plans, through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from fbcli import prompts
from fbcli.errors import Interrupted
from fbcli.rules.model import Feedback, PlanChange, parse_time
from fbcli.store import open_store
from tests.conftest import NOW, Runner, StoreHandle, store_lock_held
from tests.test_give import another_location, no_store_message

pytestmark = pytest.mark.every_backend

SCHOOL = {
    "tutors": [
        {"id": "maria", "name": "Maria", "role": "tutor"},
        {"id": "tom", "name": "Tom", "role": "tutor"},
        {"id": "olga", "name": "Olga", "role": "admin"},
    ],
    "students": [
        {"id": "ST-1", "name": "Ann Lee"},
        {"id": "ST-2", "name": "Bo Núñez"},
        {"id": "ST-3", "name": "Cy Doe"},
    ],
    "sessions": [
        # Held before ST-1's plan was set: a tutor may change it once they met.
        {
            "id": "S-0",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-10-30T10:00Z",
        },
        {
            "id": "S-1",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-20T10:00Z",
        },
        {
            "id": "S-2",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-25T10:00Z",
        },
        {"id": "S-3", "tutor": "tom", "student": "ST-2", "start": "2026-11-26T10:00Z"},
        # Scheduled, not yet held.
        {"id": "S-4", "tutor": "tom", "student": "ST-3", "start": "2026-12-02T10:00Z"},
    ],
}

PLAN_SET_AT = "2026-11-01T09:00:00+00:00"


@pytest.fixture
def school(
    cli: Runner,
    tmp_path: Path,
    store_path: StoreHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> StoreHandle:
    """ST-1 has a plan of one goal set by maria on 1 November, and three sessions."""
    cli("init")
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("import", str(export)).code == 0
    monkeypatch.setenv("FBCLI_NOW", PLAN_SET_AT)
    assert cli("--as", "maria", "plan", "set", "ST-1", "third-conditional").code == 0
    monkeypatch.setenv("FBCLI_NOW", NOW)
    return store_path


def plan_changes(store_path: StoreHandle, student: str = "ST-1") -> list[PlanChange]:
    with open_store(str(store_path)) as store:
        return store.plan_changes(student)


def give_topic(store_path: StoreHandle, session: str, goal: str, given_at: str) -> None:
    with open_store(str(store_path), write=True) as store:
        store.add_feedback(
            [
                Feedback(
                    session, "maria", parse_time(given_at), completed=True, goal=goal
                )
            ]
        )


def plan_of(cli: Runner, student: str = "ST-1") -> list[str]:
    result = cli("plan", "show", student, "--json")
    assert result.code == 0, result.stderr
    return [goal["id"] for goal in json.loads(result.stdout)["goals"]]


# Showing a plan.


def test_show_lists_active_goals_with_area_and_who_added_them(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("plan", "show", "ST-1")

    assert result.code == 0
    assert "Study plan of Ann Lee (ST-1)" in result.stdout
    assert "third-conditional" in result.stdout
    assert "grammar" in result.stdout
    assert "maria" in result.stdout


def test_show_json(cli: Runner, school: StoreHandle) -> None:
    result = cli("plan", "show", "ST-1", "--json")

    assert result.code == 0
    assert json.loads(result.stdout) == {
        "student": "ST-1",
        "name": "Ann Lee",
        "goals": [
            {
                "id": "third-conditional",
                "title": "Third conditional",
                "area": "grammar",
                "added_at": PLAN_SET_AT,
                "added_by": "maria",
                "sessions": 0,
                "toward_progress": 0,
            }
        ],
    }


def test_show_a_student_without_a_plan_says_how_to_set_one(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("plan", "show", "ST-2")

    assert result.code == 0
    assert "ST-2 has no study plan yet" in result.stdout
    assert "fbcli plan set ST-2" in result.stdout


def test_a_goal_added_after_a_session_does_not_make_it_count_toward_progress(
    cli: Runner, school: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    give_topic(school, "S-1", "articles", "2026-11-20T11:00:00Z")
    monkeypatch.setenv("FBCLI_NOW", "2026-11-22T12:00:00+00:00")
    assert cli("--as", "maria", "plan", "add", "ST-1", "articles").code == 0
    give_topic(school, "S-2", "articles", "2026-11-25T11:00:00Z")
    monkeypatch.setenv("FBCLI_NOW", NOW)

    result = cli("plan", "show", "ST-1", "--json")

    articles = json.loads(result.stdout)["goals"][1]
    assert articles["id"] == "articles"
    assert articles["sessions"] == 2
    assert articles["toward_progress"] == 1


# Changing a plan.


def test_add_appends_changes_with_time_and_author(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "maria", "plan", "add", "ST-1", "articles", "word-stress")

    assert result.code == 0
    assert "added articles, word-stress" in result.stderr
    assert plan_of(cli) == ["third-conditional", "articles", "word-stress"]
    assert plan_changes(school)[-2:] == [
        PlanChange("ST-1", "articles", "add", parse_time(NOW), "maria"),
        PlanChange("ST-1", "word-stress", "add", parse_time(NOW), "maria"),
    ]


def test_set_computes_the_adds_and_removes_and_keeps_history(
    cli: Runner, school: StoreHandle
) -> None:
    cli("--as", "maria", "plan", "add", "ST-1", "articles")

    result = cli(
        "--as", "olga", "plan", "set", "ST-1", "articles", "word-stress", "--json"
    )

    assert result.code == 0
    assert json.loads(result.stdout) == {
        "student": "ST-1",
        "added": ["word-stress"],
        "removed": ["third-conditional"],
        "plan": ["articles", "word-stress"],
    }
    assert [(c.goal, c.action, c.by) for c in plan_changes(school)] == [
        ("third-conditional", "add", "maria"),
        ("articles", "add", "maria"),
        ("third-conditional", "remove", "olga"),
        ("word-stress", "add", "olga"),
    ]


def test_goals_may_be_given_by_title_and_duplicates_count_once(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli(
        "--as",
        "maria",
        "plan",
        "add",
        "ST-1",
        "Word stress in multi-syllable words",
        "word-stress",
        "WORD-STRESS",
    )

    assert result.code == 0
    assert plan_of(cli) == ["third-conditional", "word-stress"]
    assert len(plan_changes(school)) == 2


def test_no_op_changes_are_not_recorded(cli: Runner, school: StoreHandle) -> None:
    added = cli("--as", "maria", "plan", "add", "ST-1", "third-conditional")
    removed = cli(
        "--as", "maria", "plan", "remove", "ST-1", "articles", "--allow-empty"
    )
    same = cli("--as", "maria", "plan", "set", "ST-1", "third-conditional")

    assert (added.code, removed.code, same.code) == (0, 0, 0)
    assert "third-conditional was already in ST-1's study plan" in added.stderr
    assert "articles was not in ST-1's study plan" in removed.stderr
    assert "ST-1's study plan is unchanged" in same.stderr
    assert len(plan_changes(school)) == 1


def test_remove(cli: Runner, school: StoreHandle) -> None:
    cli("--as", "maria", "plan", "add", "ST-1", "articles")

    result = cli("--as", "maria", "plan", "remove", "ST-1", "third-conditional")

    assert result.code == 0
    assert plan_of(cli) == ["articles"]


def test_removing_the_last_goal_is_allowed_with_allow_empty(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli(
        "--as", "maria", "plan", "remove", "ST-1", "third-conditional", "--allow-empty"
    )

    assert result.code == 0
    assert plan_of(cli) == []


def test_a_tutor_may_set_the_first_plan_once_their_session_has_started(
    cli: Runner, school: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FBCLI_NOW", "2026-12-02T10:05:00+00:00")

    result = cli("--as", "tom", "plan", "set", "ST-3", "articles")

    assert result.code == 0, result.stderr
    assert plan_of(cli, "ST-3") == ["articles"]


def test_a_tutor_with_a_session_only_scheduled_may_not_change_the_plan(
    cli: Runner, school: StoreHandle
) -> None:
    before = school.read_bytes()

    result = cli("--as", "tom", "plan", "set", "ST-3", "articles")

    assert result.code == 4
    assert result.stderr == (
        "error: tom has had no session with ST-3 yet; only an admin, or a tutor "
        "once their session with ST-3 has started, may change the study plan\n"
    )
    assert school.read_bytes() == before


# Every way a command can fail, and that it then writes nothing.


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(
            ("--as", "maria", "plan", "remove", "ST-1", "third-conditional"),
            1,
            "error: this would leave ST-1 without a study plan; "
            "give --allow-empty to remove the last goal\n",
            id="last-goal",
        ),
        pytest.param(
            ("--as", "maria", "plan", "set", "ST-1"),
            1,
            "error: missing answers: the plan's goals (GOAL arguments)\n",
            id="set-without-goals-or-terminal",
        ),
        pytest.param(
            ("--as", "maria", "plan", "add", "ST-1"),
            2,
            "error: Missing argument 'GOAL'.\nTry 'fbcli plan add --help' for help.\n",
            id="add-without-goals",
        ),
        pytest.param(
            ("--as", "maria", "plan", "add", "ST-11", "articles"),
            3,
            "error: no student 'ST-11'; did you mean ST-1, ST-3, ST-2?\n",
            id="unknown-student",
        ),
        pytest.param(
            ("plan", "show", "Ann Le"),
            3,
            "error: no student 'Ann Le'; did you mean ST-1?\n",
            id="unknown-student-by-name",
        ),
        pytest.param(
            ("--as", "maria", "plan", "add", "ST-1", "articles", "third conditionl"),
            3,
            "error: no goal 'third conditionl'; did you mean third-conditional, "
            "mixed-conditionals, first-second-conditionals?\n",
            id="unknown-goal",
        ),
        pytest.param(
            ("--as", "marja", "plan", "add", "ST-1", "articles"),
            3,
            "error: no tutor 'marja'; did you mean maria?\n",
            id="unknown-tutor",
        ),
        pytest.param(
            ("--as", "tom", "plan", "add", "ST-1", "articles"),
            4,
            "error: tom has had no session with ST-1 yet; only an admin, or a "
            "tutor once their session with ST-1 has started, may change the study "
            "plan\n",
            id="not-their-student",
        ),
        pytest.param(
            ("plan", "add", "ST-1", "articles"),
            4,
            None,
            id="no-identity",
        ),
    ],
)
def test_a_refused_change_exits_with_its_code_and_writes_nothing(
    cli: Runner,
    school: StoreHandle,
    args: Sequence[str],
    code: int,
    message: str | None,
) -> None:
    before = school.read_bytes()

    result = cli(*args)

    assert result.code == code
    assert result.stdout == ""
    if message is not None:
        assert result.stderr == message
    assert school.read_bytes() == before


def test_a_change_dated_before_the_last_one_is_refused(
    cli: Runner, school: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FBCLI_NOW", "2026-10-01T09:00:00+00:00")

    result = cli("--as", "olga", "plan", "add", "ST-1", "articles")

    assert result.code == 1
    assert "last changed at 2026-11-01T09:00:00+00:00" in result.stderr
    assert len(plan_changes(school)) == 1


def test_a_missing_store_is_a_store_error(
    cli: Runner, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    with another_location(backend, tmp_path, request, "none") as missing:
        result = cli("--db", missing, "plan", "show", "ST-1")

    assert result.code == 5
    assert result.stderr.startswith(no_store_message(backend, missing))


def test_a_locked_store_is_a_store_error(cli: Runner, school: StoreHandle) -> None:
    with store_lock_held(school):
        result = cli(
            "--lock-timeout", "0", "--as", "maria", "plan", "add", "ST-1", "articles"
        )

    assert result.code == 5
    assert "locked" in result.stderr


# Picking goals at the terminal.


class Picker:
    """Answers the goal picker as a person would, and remembers what it was shown."""

    def __init__(self, answer: list[str] | Exception) -> None:
        self.answer = answer
        self.groups: list[tuple[str, Sequence[tuple[str, str, bool]]]] = []

    def __call__(
        self,
        message: str,
        groups: Sequence[tuple[str, Sequence[tuple[str, str, bool]]]],
        **options: Any,
    ) -> list[str]:
        self.groups = list(groups)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "can_prompt", lambda no_input=False: not no_input)


def test_set_without_goals_picks_from_the_catalog_grouped_by_area(
    cli: Runner, school: StoreHandle, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    picker = Picker(["third-conditional", "word-stress"])
    monkeypatch.setattr(prompts, "ask_grouped_checkbox", picker)

    result = cli("--as", "maria", "plan", "set", "ST-1")

    assert result.code == 0
    assert plan_of(cli) == ["third-conditional", "word-stress"]
    shown = dict(picker.groups)
    assert list(shown)[:2] == ["grammar", "vocabulary"]
    checked = [value for items in shown.values() for _, value, on in items if on]
    assert checked == ["third-conditional"]


def test_set_with_no_input_never_prompts(
    cli: Runner, school: StoreHandle, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "ask_grouped_checkbox", Picker(["articles"]))

    result = cli("--as", "maria", "plan", "set", "ST-1", "--no-input")

    assert result.code == 1
    assert "GOAL arguments" in result.stderr


def test_ctrl_c_in_the_picker_saves_nothing(
    cli: Runner, school: StoreHandle, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "ask_grouped_checkbox", Picker(Interrupted()))
    before = school.read_bytes()

    result = cli("--as", "maria", "plan", "set", "ST-1")

    assert result.code == 130
    assert school.read_bytes() == before


def test_the_picker_is_not_shown_to_who_may_not_change_the_plan(
    cli: Runner, school: StoreHandle, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    picker = Picker(["articles"])
    monkeypatch.setattr(prompts, "ask_grouped_checkbox", picker)

    result = cli("--as", "tom", "plan", "set", "ST-1")

    assert result.code == 4
    assert picker.groups == []


def test_plan_commands_that_do_not_prompt_do_not_load_questionary(
    env: dict[str, str], school: StoreHandle
) -> None:
    script = (
        "import sys\n"
        "from fbcli.cli import run\n"
        "code = run(['--as', 'maria', 'plan', 'add', 'ST-1', 'articles'])\n"
        "code = code or run(['plan', 'show', 'ST-1'])\n"
        "loaded = [m for m in ('questionary', 'prompt_toolkit') if m in sys.modules]\n"
        "print(loaded)\n"
        "sys.exit(code)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_a_plan_changed_while_goals_are_picked_is_replaced_with_a_warning(
    cli: Runner, school: StoreHandle, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pick_while_olga_edits(*args: Any, **options: Any) -> list[str]:
        with open_store(str(school), write=True) as store:
            store.add_plan_changes(
                [PlanChange("ST-1", "articles", "add", parse_time(NOW), "olga")]
            )
        return ["word-stress"]

    monkeypatch.setattr(prompts, "ask_grouped_checkbox", pick_while_olga_edits)

    result = cli("--as", "maria", "plan", "set", "ST-1")

    assert result.code == 0
    assert "changed while you chose" in result.stderr
    assert plan_of(cli) == ["word-stress"]


def test_demo_plans_can_be_shown_and_changed(
    cli: Runner, demo_store: StoreHandle
) -> None:
    shown = cli("plan", "show", "ST-101", "--json")
    goals = [goal["id"] for goal in json.loads(shown.stdout)["goals"]]

    changed = cli("--as", "olga", "plan", "set", "ST-101", *goals[1:], "articles")

    assert shown.code == 0
    assert goals
    assert changed.code == 0
    assert plan_of(cli, "ST-101") == [*goals[1:], "articles"]


def test_show_keeps_goal_ids_whole_on_a_narrow_terminal(
    cli_process: Runner, demo_store: StoreHandle
) -> None:
    from fbcli.rules.plans import plan_at

    with open_store(str(demo_store)) as store:
        plans = [plan_at(store.plan_changes(s.id)) for s in store.students()]
    longest = max(plans, key=lambda plan: max(map(len, plan), default=0))
    with open_store(str(demo_store)) as store:
        student = next(
            s.id
            for s in store.students()
            if plan_at(store.plan_changes(s.id)) == longest
        )

    result = cli_process("plan", "show", student, extra_env={"COLUMNS": "80"})

    assert result.code == 0
    assert max(map(len, longest)) >= 20
    assert all(goal in result.stdout for goal in longest)
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
