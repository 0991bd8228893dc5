"""Who may do what: each refusal is exit 4, one line, and the store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Runner, StoreHandle
from tests.test_reliability_concurrency import GIVE, load_school, school

pytestmark = pytest.mark.every_backend

SECRET_FOCUS = "SecretFocus"
SECRET_NOTE = "tutor-only note"


@pytest.fixture
def two_tutors(cli: Runner, store_path: StoreHandle, tmp_path: Path) -> StoreHandle:
    """Tutors t0 and t1 with three sessions each, and admin olga."""
    load_school(cli, tmp_path, school(tutors=2, per_tutor=3))
    return store_path


def give(session: str, *extra: str) -> tuple[str, ...]:
    return (*GIVE[:1], session, *GIVE[1:], *extra)


def assert_not_allowed(
    cli: Runner, store: StoreHandle, *args: str, said: str = ""
) -> None:
    before = store.read_bytes()

    result = cli(*args)

    assert result.code == 4, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("error: ")
    assert said in lines[-1]
    assert store.read_bytes() == before


def test_a_tutor_cannot_give_feedback_on_another_tutors_session(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    assert_not_allowed(cli, two_tutors, "--as", "t1", *give("t0-0"), said="t0")


def test_a_tutor_cannot_amend_another_tutors_feedback(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    assert cli("--as", "t0", *give("t0-0")).code == 0

    assert_not_allowed(
        cli, two_tutors, "--as", "t1", *give("t0-0", "--comments", "mine now")
    )


def test_a_tutor_cannot_mark_another_tutors_session_unattended(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    assert_not_allowed(
        cli, two_tutors, "--as", "t1", "mark-unattended", "t0-0", "--yes", "--no-input"
    )


def test_an_admin_cannot_give_feedback_on_a_tutors_session(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    assert_not_allowed(cli, two_tutors, "--as", "olga", *give("t0-0"))


@pytest.mark.parametrize(
    "command",
    [
        give("t0-0"),
        give("t0-0", "--not-completed", "--reason", "server-down"),
        ("mark-unattended", "t0-0", "--yes", "--no-input"),
    ],
    ids=["give-completed", "give-not-completed", "mark-unattended"],
)
@pytest.mark.parametrize(
    "lock",
    [
        ("mark-unattended", "t0-0", "--yes", "--no-input"),
        (
            "give",
            "t0-0",
            "--no-input",
            "--not-completed",
            "--reason",
            "student-tech",
            "--student-attended",
            "--no-tech-issues",
        ),
    ],
    ids=["unattended", "not-completed"],
)
def test_a_locked_session_cannot_be_changed_even_by_its_tutor(
    cli: Runner,
    two_tutors: StoreHandle,
    lock: tuple[str, ...],
    command: tuple[str, ...],
) -> None:
    locked = cli("--as", "t0", *lock)
    assert locked.code == 0, locked.stderr

    assert_not_allowed(cli, two_tutors, "--as", "t0", *command)


@pytest.mark.parametrize(
    "command",
    [
        ("stats", "--all"),
        ("stats", "--tutor", "t1"),
        ("stats", "--all", "--format", "csv"),
    ],
    ids=["all", "other-tutor", "csv"],
)
def test_a_tutor_cannot_run_admin_only_stats(
    cli: Runner, two_tutors: StoreHandle, command: tuple[str, ...]
) -> None:
    assert_not_allowed(cli, two_tutors, "--as", "t0", *command, said="admin")


def test_an_admin_can_run_them(cli: Runner, two_tutors: StoreHandle) -> None:
    result = cli("--as", "olga", "stats", "--all", "--format", "json")

    assert result.code == 0, result.stderr
    assert {t["tutor"] for t in json.loads(result.stdout)["tutors"]} >= {"t0", "t1"}


@pytest.mark.parametrize("command", ["pending", "sessions"])
def test_a_tutor_sees_only_their_own_sessions(
    cli: Runner, two_tutors: StoreHandle, command: str
) -> None:
    mine = cli("--as", "t1", command, "--json")

    assert mine.code == 0
    listed = [row["id"] for row in json.loads(mine.stdout)]
    assert listed
    assert all(session.startswith("t1-") for session in listed)


def test_no_option_shows_another_tutors_pending_list(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    result = cli("--as", "t1", "pending", "--tutor", "t0")

    assert result.code == 2


def test_a_tutor_who_never_taught_a_student_cannot_read_their_stats(
    cli: Runner, two_tutors: StoreHandle, tmp_path: Path
) -> None:
    (tmp_path / "new.json").write_text(
        json.dumps({"students": [{"id": "ST-NEW", "name": "New"}]})
    )
    assert cli("import", str(tmp_path / "new.json")).code == 0

    assert_not_allowed(cli, two_tutors, "--as", "t0", "stats", "--student", "ST-NEW")


def test_the_focus_and_notes_never_reach_a_student_report(
    cli: Runner, two_tutors: StoreHandle, tmp_path: Path
) -> None:
    given = cli(
        "--as",
        "t0",
        *GIVE[:1],
        "t0-0",
        *[a if a != "Narrative tenses" else SECRET_FOCUS for a in GIVE[1:]],
        "--tech-issues",
        "--note",
        SECRET_NOTE,
    )
    assert given.code == 0, given.stderr
    assert cli("--as", "t0", "show", "t0-0", "--json").stdout.count(SECRET_FOCUS) == 1
    report = tmp_path / "report.md"

    printed = cli("--as", "t0", "stats", "--student", "ST-0", "--for-student")
    written = cli(
        "--as", "olga", "stats", "--student", "ST-0", "--for-student", "-o", str(report)
    )

    assert printed.code == 0, printed.stderr
    assert written.code == 0, written.stderr
    assert "Narrative tenses" in printed.stdout
    for text in (printed.stdout, report.read_text()):
        assert SECRET_FOCUS not in text
        assert SECRET_NOTE not in text


def feedback_file(folder: Path, session: str) -> Path:
    path = folder / f"feedback-{session}.jsonl"
    path.write_text(
        json.dumps(
            {
                "session": session,
                "completed": True,
                "platform": "zoom",
                "eval": "fluency=+",
                "goal": "narrative-tenses",
                "add_to_plan": True,
                "focus": "Tenses",
                "language_seen": "had been -ing",
                "follow_up": "Drills",
            }
        )
    )
    return path


def assert_batch_refused(
    cli: Runner, store: StoreHandle, tutor: str, batch: Path
) -> str:
    before = store.read_bytes()

    result = cli("--as", tutor, "give", "--no-input", "--from", str(batch))

    assert result.code in (1, 4), result.stderr
    assert result.stderr.splitlines()[-1].endswith("nothing was saved")
    assert store.read_bytes() == before
    return result.stderr


def test_a_batch_cannot_give_feedback_on_another_tutors_session(
    cli: Runner, two_tutors: StoreHandle, tmp_path: Path
) -> None:
    said = assert_batch_refused(cli, two_tutors, "t1", feedback_file(tmp_path, "t0-0"))

    assert "taught by t0, not t1" in said


def test_a_batch_cannot_change_a_locked_session(
    cli: Runner, two_tutors: StoreHandle, tmp_path: Path
) -> None:
    locked = cli("--as", "t0", "mark-unattended", "t0-0", "--yes", "--no-input")
    assert locked.code == 0, locked.stderr

    said = assert_batch_refused(cli, two_tutors, "t0", feedback_file(tmp_path, "t0-0"))

    assert "is locked" in said


def test_a_tutor_sees_only_their_own_sessions_with_a_shared_student(
    cli: Runner, two_tutors: StoreHandle
) -> None:
    result = cli("--as", "t1", "sessions", "--student", "ST-0", "--json")

    assert result.code == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["t1-0"]


def test_a_tutor_cannot_write_admin_only_stats_to_a_file(
    cli: Runner, two_tutors: StoreHandle, tmp_path: Path
) -> None:
    export = tmp_path / "all.csv"

    assert_not_allowed(
        cli, two_tutors, "--as", "t0", "stats", "--all", "-o", str(export), said="admin"
    )

    assert not export.exists()
