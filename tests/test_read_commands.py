"""pending, sessions and show, on a small school whose every figure is known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fbcli.rules.model import Feedback, parse_time
from fbcli.store import open_store
from tests.conftest import NOW, Runner, StoreHandle

pytestmark = pytest.mark.every_backend

SCHOOL = {
    "tutors": [
        {"id": "maria", "name": "Maria", "role": "tutor"},
        {"id": "tom", "name": "Tom", "role": "tutor"},
    ],
    "students": [{"id": "ST-1", "name": "Ann"}, {"id": "ST-2", "name": "Bo"}],
    "sessions": [
        # Ended 3 days ago: past the 48-hour deadline.
        {
            "id": "S-1",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-27T17:00:00+00:00",
        },
        # Ended an hour ago, with feedback.
        {
            "id": "S-2",
            "tutor": "maria",
            "student": "ST-2",
            "start": "2026-11-30T16:30:00+00:00",
        },
        # Ended 20 minutes ago.
        {
            "id": "S-3",
            "tutor": "maria",
            "student": "ST-2",
            "start": "2026-11-30T17:10:00+00:00",
        },
        # Still running at NOW.
        {
            "id": "S-4",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-30T17:45:00+00:00",
        },
        # Another tutor's.
        {
            "id": "S-5",
            "tutor": "tom",
            "student": "ST-1",
            "start": "2026-11-29T10:00:00+00:00",
        },
        # Not completed, emergency.
        {
            "id": "S-6",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-28T10:00:00+00:00",
        },
        # Another tutor's, unattended.
        {
            "id": "S-7",
            "tutor": "tom",
            "student": "ST-2",
            "start": "2026-11-28T12:00:00+00:00",
        },
    ],
}


@pytest.fixture
def school(cli: Runner, tmp_path: Path, store_path: StoreHandle) -> StoreHandle:
    cli("init")
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("import", str(export)).code == 0
    with open_store(str(store_path), write=True) as store:
        store.add_feedback(
            [
                Feedback(
                    "S-2",
                    "maria",
                    parse_time("2026-11-30T17:30:00Z"),
                    completed=True,
                    focus="Pres Perfect",
                    goal="articles",
                ),
                Feedback(
                    "S-6",
                    "maria",
                    parse_time("2026-11-28T11:00:00Z"),
                    completed=False,
                    reason="emergency",
                ),
                Feedback(
                    "S-7",
                    "tom",
                    parse_time("2026-11-28T12:40:00Z"),
                    completed=False,
                    reason="student-absent",
                    student_missed=True,
                ),
            ]
        )
    return store_path


def test_pending_lists_ended_sessions_without_feedback_oldest_first(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "maria", "pending", "--json")

    assert result.code == 0
    items = json.loads(result.stdout)
    assert [item["id"] for item in items] == ["S-1", "S-3"]
    assert items[0] == {
        "id": "S-1",
        "student": "ST-1",
        "student_name": "Ann",
        "start": "2026-11-27T17:00:00+00:00",
        "end": "2026-11-27T17:30:00+00:00",
        "deadline": "2026-11-29T17:00:00+00:00",
        "overdue": True,
        "minutes_left": -25 * 60,
    }
    assert items[1]["overdue"] is False
    assert items[1]["minutes_left"] == 47 * 60 + 10


def test_pending_table_has_a_count_and_marks_overdue(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "maria", "pending")

    assert result.code == 0
    assert (
        "2 sessions await your feedback, 1 past the 48-hour deadline" in result.stdout
    )
    assert "1d 1h overdue, fined" in result.stdout
    assert "47h" not in result.stdout
    assert "1d 23h left" in result.stdout


def test_pending_shows_only_the_acting_tutors_sessions(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "tom", "pending", "--json")

    assert [item["id"] for item in json.loads(result.stdout)] == ["S-5"]


def test_pending_with_nothing_to_do(
    cli: Runner, school: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FBCLI_NOW", "2026-11-27T08:00:00+00:00")

    result = cli("--as", "maria", "pending")

    assert result.code == 0
    assert "No sessions await your feedback" in result.stdout


def test_identity_comes_from_the_environment_or_the_config_file(
    cli: Runner,
    school: StoreHandle,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = Path(env["XDG_CONFIG_HOME"]) / "fbcli" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('tutor = "tom"\n')

    from_config = cli("pending", "--json")
    monkeypatch.setenv("FBCLI_TUTOR", "maria")
    from_env = cli("pending", "--json")

    assert [item["id"] for item in json.loads(from_config.stdout)] == ["S-5"]
    assert [item["id"] for item in json.loads(from_env.stdout)] == ["S-1", "S-3"]


def test_no_identity_says_how_to_give_one(cli: Runner, school: StoreHandle) -> None:
    result = cli("pending")

    assert result.code == 4
    assert "--as" in result.stderr and "FBCLI_TUTOR" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unknown_tutor_gets_close_matches(cli: Runner, school: StoreHandle) -> None:
    result = cli("--as", "mariaa", "pending")

    assert result.code == 3
    assert "did you mean maria" in result.stderr


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), ["S-1", "S-6", "S-2", "S-3", "S-4"]),
        (("--student", "ST-2"), ["S-2", "S-3"]),
        (("--status", "pending"), ["S-1", "S-3"]),
        (("--status", "upcoming"), ["S-4"]),
        (("--status", "dismissal-requested"), ["S-6"]),
        (("--since", "2026-11-28", "--until", "2026-11-28"), ["S-6"]),
        (("--since", "2026-11-30"), ["S-2", "S-3", "S-4"]),
    ],
    ids=["all", "student", "pending", "upcoming", "dismissal", "one-day", "since"],
)
def test_sessions_filters(
    cli: Runner, school: StoreHandle, filters: tuple[str, ...], expected: list[str]
) -> None:
    result = cli("--as", "maria", "sessions", *filters, "--json")

    assert result.code == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)] == expected


def test_sessions_name_the_student(cli: Runner, school: StoreHandle) -> None:
    listed = json.loads(cli("--as", "maria", "sessions", "--json").stdout)
    table = cli("--as", "maria", "sessions", "--student", "ST-2").stdout

    assert listed[0] == {
        "id": "S-1",
        "tutor": "maria",
        "student": "ST-1",
        "student_name": "Ann",
        "start": "2026-11-27T17:00:00+00:00",
        "minutes": 30,
        "status": "pending",
    }
    assert " Bo " in table


@pytest.mark.parametrize(
    "bad", [("--status", "done"), ("--since", "30/11/2026")], ids=["status", "date"]
)
def test_sessions_rejects_bad_filters(
    cli: Runner, school: StoreHandle, bad: tuple[str, ...]
) -> None:
    result = cli("--as", "maria", "sessions", *bad)

    assert result.code == 2


@pytest.mark.parametrize(
    ("session", "status"),
    [
        ("S-1", "pending"),
        ("S-2", "completed"),
        ("S-4", "upcoming"),
        ("S-6", "dismissal-requested"),
        ("S-7", "not-completed"),
    ],
)
def test_show_gives_the_status(
    cli: Runner, school: StoreHandle, session: str, status: str
) -> None:
    result = cli("show", session, "--json")

    assert result.code == 0
    shown = json.loads(result.stdout)
    assert shown["status"] == status
    assert {"id", "tutor", "student", "start", "minutes", "status", "feedback"} <= set(
        shown
    )
    assert (shown["feedback"] is None) == (status in ("pending", "upcoming"))


def test_show_includes_the_feedback(cli: Runner, school: StoreHandle) -> None:
    shown = json.loads(cli("show", "S-2", "--json").stdout)

    assert shown["feedback"]["focus"] == "Pres Perfect"
    assert shown["amended"] is False


def test_show_as_text(cli: Runner, school: StoreHandle) -> None:
    result = cli("show", "S-2")

    assert result.code == 0
    assert "Pres Perfect" in result.stdout
    assert "completed" in result.stdout
    assert "Bo (ST-2)" in result.stdout
    assert "Articles: a, an, the and no article (articles)" in result.stdout


def test_show_an_unknown_session(cli: Runner, school: StoreHandle) -> None:
    result = cli("show", "S-70")

    assert result.code == 3
    assert result.stderr == "error: no session 'S-70'; did you mean S-7?\n"


def test_the_demo_store_has_pending_work_for_maria(
    cli: Runner, demo_store: StoreHandle
) -> None:
    items = json.loads(cli("--as", "maria", "pending", "--json").stdout)

    assert len(items) >= 5
    assert any(item["overdue"] for item in items)
    assert any(not item["overdue"] for item in items)
    assert all(item["end"] <= NOW for item in items)
