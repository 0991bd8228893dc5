"""fbcli mark-unattended: the student never came; the tutor confirms staying."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_TUTOR, Runner, StoreHandle
from tests.test_give import Demo, answers, find_demo, saved

pytestmark = pytest.mark.every_backend


@pytest.fixture
def demo(demo_store: StoreHandle) -> Demo:
    return find_demo(demo_store)


def test_yes_marks_the_session_unattended(
    cli: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    result = cli("--as", DEMO_TUTOR, "mark-unattended", demo.pending, "--yes", "--json")

    assert result.code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["unattended"] is True
    assert record["reason"] == "student-absent"
    assert record["student_missed"] is True
    [stored] = saved(demo_store, demo.pending)
    assert stored["completed"] is False


def test_without_terminal_or_yes_names_yes(
    cli_process: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    before = demo_store.read_bytes()

    result = cli_process("--as", DEMO_TUTOR, "mark-unattended", demo.pending)

    assert result.code == 1
    assert "--yes" in result.stderr
    assert demo_store.read_bytes() == before


def test_unattended_session_is_locked(cli: Runner, demo: Demo) -> None:
    cli("--as", DEMO_TUTOR, "mark-unattended", demo.pending, "-y")

    again = cli("--as", DEMO_TUTOR, "give", *answers(demo))

    assert again.code == 4
    assert "locked" in again.stderr


@pytest.mark.parametrize(
    ("which", "code"),
    [
        pytest.param("others", 4, id="another-tutors-session"),
        pytest.param("upcoming", 4, id="not-ended"),
        pytest.param("locked", 4, id="already-locked"),
    ],
)
def test_refused(cli: Runner, demo: Demo, which: str, code: int) -> None:
    result = cli("--as", DEMO_TUTOR, "mark-unattended", getattr(demo, which), "--yes")

    assert result.code == code


def test_unknown_session(cli: Runner, demo: Demo) -> None:
    result = cli("--as", DEMO_TUTOR, "mark-unattended", "S-99999", "--yes")

    assert result.code == 3


def test_note_is_kept(cli: Runner, demo: Demo, demo_store: StoreHandle) -> None:
    cli("--as", DEMO_TUTOR, "mark-unattended", demo.pending, "-y", "--note", "waited")

    assert saved(demo_store, demo.pending)[0]["note"] == "waited"


def test_dry_run_saves_nothing(
    cli: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    before = demo_store.read_bytes()

    result = cli(
        "--as", DEMO_TUTOR, "mark-unattended", demo.pending, "-y", "--dry-run", "--json"
    )

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["saved"] is False
    assert demo_store.read_bytes() == before


def test_replaces_completed_feedback_and_locks_it(
    cli: Runner, demo: Demo, demo_store: StoreHandle
) -> None:
    result = cli("--as", DEMO_TUTOR, "mark-unattended", demo.completed, "--yes")

    assert result.code == 0, result.stderr
    versions = saved(demo_store, demo.completed)
    assert [v["completed"] for v in versions][-2:] == [True, False]
    again = cli("--as", DEMO_TUTOR, "mark-unattended", demo.completed, "--yes")
    assert again.code == 4
