"""fbcli doctor: every fault it should name, the recovery it offers, and no writes."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fbcli.checks import check_data, check_versions
from fbcli.store import open_store
from fbcli.store.atomic import temp_prefix
from tests.conftest import Runner
from tests.test_store import BAD_STORES

T = "2026-11-20T09:00:00+00:00"


def school(**extra: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A small valid store as JSON data, with some tables replaced or added."""
    data: dict[str, dict[str, Any]] = {
        "meta": {"1": {"schema_version": 1}},
        "tutors": {"1": {"id": "maria", "name": "Maria"}},
        "students": {"1": {"id": "ST-1", "name": "Ann"}},
        "sessions": {
            "1": {"id": "S-1", "tutor": "maria", "student": "ST-1", "start": T}
        },
        "feedback": {},
        "plan_changes": {},
    }
    data.update(extra)
    return data


def feedback(session: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "session": session,
        "version": version,
        "tutor": "maria",
        "given_at": T,
        "completed": True,
        **fields,
    }


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return path


def folder_state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file beside the store, with its bytes, mode and modification time."""
    return {
        p.name: (
            p.read_bytes() if p.is_file() else b"",
            p.stat().st_mode,
            p.stat().st_mtime_ns,
        )
        for p in folder.iterdir()
    }


@pytest.fixture
def healthy(store_path: Path) -> Path:
    return write(store_path, school())


def test_a_healthy_store_gets_one_ok_line_and_exit_0(
    cli: Runner, healthy: Path
) -> None:
    result = cli("doctor")

    assert result.code == 0
    assert result.stdout.splitlines() == [
        f"ok: {healthy} is healthy (1 tutors, 1 students, 1 sessions, "
        "0 feedback, 0 plan changes)"
    ]
    assert result.stderr == ""


def test_the_demo_store_is_healthy(cli: Runner, demo_store: Path) -> None:
    result = cli("doctor")

    assert result.code == 0, result.stdout
    assert result.stdout.startswith("ok: ")


@pytest.mark.parametrize("content", BAD_STORES.values(), ids=BAD_STORES.keys())
def test_every_store_the_loader_refuses_is_unusable_for_doctor(
    cli: Runner, store_path: Path, content: bytes
) -> None:
    store_path.write_bytes(content)

    result = cli("doctor")

    assert result.code == 5
    assert result.stdout.splitlines()[0].startswith("error: ")
    assert f"{store_path} cannot be used" in result.stdout
    assert store_path.read_bytes() == content


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "the file is empty"),
        (b" \n", "only white space"),
        (b'{"meta": {"1"', "not valid JSON"),
        (b'{"meta": {}}\x00', "NUL bytes"),
        (b"null", "top level is null"),
        (b"[]", "top level is a list"),
        (b'{"meta": {"1": {"schema_version": 1}}, "sessions": []}', "'sessions'"),
        (b'{"meta": {"1": {"schema_version": 7}}}', "schema version 7"),
        (b'{"_default": {}}', "not an fbcli store"),
    ],
    ids=[
        "empty",
        "whitespace",
        "truncated",
        "nul",
        "null",
        "list",
        "table",
        "v7",
        "tinydb",
    ],
)
def test_the_error_line_says_what_is_wrong(
    cli: Runner, store_path: Path, content: bytes, said: str
) -> None:
    store_path.write_bytes(content)

    result = cli("doctor")

    assert said in result.stdout.splitlines()[0]


def test_a_missing_store_says_how_to_create_one(cli: Runner, store_path: Path) -> None:
    result = cli("doctor")

    assert result.code == 5
    assert "fbcli init" in result.stdout
    assert not store_path.exists()


def test_a_folder_in_place_of_the_store_is_named(cli: Runner, store_path: Path) -> None:
    store_path.mkdir()

    result = cli("doctor")

    assert result.code == 5
    assert "is a folder" in result.stdout


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ({"1": {"id": "S-1", "tutor": "maria"}}, "'student' is missing"),
        (
            {"1": {"id": "S-1", "tutor": "maria", "student": "ST-1", "start": "x"}},
            "its start 'x' is not an ISO 8601 time with an offset",
        ),
        (
            {"1": {"id": 7, "tutor": "maria", "student": "ST-1", "start": T}},
            "id 7 is not text",
        ),
        (
            {
                "1": {
                    "id": "S-1",
                    "tutor": "maria",
                    "student": "ST-1",
                    "start": "9999-12-31T23:50:00+00:00",
                }
            },
            "out of range",
        ),
    ],
    ids=["missing-field", "bad-time", "number-id", "start-at-the-end-of-time"],
)
def test_a_record_commands_cannot_read_makes_the_store_unusable(
    cli: Runner, store_path: Path, content: dict[str, Any], said: str
) -> None:
    write(store_path, school(sessions=content))

    result = cli("doctor")

    assert result.code == 5
    assert said in result.stdout
    assert "sessions record 1" in result.stdout


ORPHANS = {
    "session-tutor": (
        {
            "sessions": {
                "1": {"id": "S-1", "tutor": "ghost", "student": "ST-1", "start": T}
            }
        },
        "session 'S-1' names unknown tutor 'ghost'",
    ),
    "session-student": (
        {
            "sessions": {
                "1": {"id": "S-1", "tutor": "maria", "student": "ST-9", "start": T}
            }
        },
        "session 'S-1' names unknown student 'ST-9'",
    ),
    "feedback-session": (
        {"feedback": {"1": feedback("S-404")}},
        "feedback v1 on session 'S-404': no such session",
    ),
    "feedback-tutor": (
        {"feedback": {"1": feedback("S-1", tutor="ghost")}},
        "unknown tutor 'ghost'",
    ),
    "feedback-goal": (
        {"feedback": {"1": feedback("S-1", goal="no-such-goal")}},
        "goal 'no-such-goal' is not in the catalog",
    ),
    "plan-student": (
        {
            "plan_changes": {
                "1": {
                    "student": "ST-9",
                    "goal": "narrative-tenses",
                    "action": "add",
                    "at": T,
                    "by": "maria",
                }
            }
        },
        "plan change of 'ST-9': unknown student",
    ),
    "plan-goal": (
        {
            "plan_changes": {
                "1": {
                    "student": "ST-1",
                    "goal": "nope",
                    "action": "add",
                    "at": T,
                    "by": "maria",
                }
            }
        },
        "goal 'nope' is not in the catalog",
    ),
    "version-gap": (
        {"feedback": {"1": feedback("S-1", 1), "2": feedback("S-1", 3)}},
        "feedback on 'S-1': version 2 missing",
    ),
    "version-twice": (
        {"feedback": {"1": feedback("S-1", 1), "2": feedback("S-1", 1)}},
        "feedback on 'S-1': version 1 stored twice",
    ),
    "duplicate-id": (
        {
            "students": {
                "1": {"id": "ST-1", "name": "Ann"},
                "2": {"id": "ST-1", "name": "A"},
            }
        },
        "students: id 'ST-1' is stored 2 times",
    ),
    "unknown-table": ({"_default": {}}, "tables fbcli does not know"),
}


@pytest.mark.parametrize(("tables", "said"), ORPHANS.values(), ids=ORPHANS.keys())
def test_problems_fbcli_can_live_with_are_warnings_and_exit_1(
    cli: Runner, store_path: Path, tables: dict[str, dict[str, Any]], said: str
) -> None:
    write(store_path, school(**tables))

    result = cli("doctor")

    assert result.code == 1
    assert [line for line in result.stdout.splitlines() if said in line] == [
        line for line in result.stdout.splitlines() if line.startswith("warning: ")
    ]
    assert "can be used" in result.stdout


def test_a_store_open_to_other_users_is_a_warning(cli: Runner, healthy: Path) -> None:
    healthy.chmod(0o644)

    result = cli("doctor")

    assert result.code == 1
    assert "mode 0644" in result.stdout
    assert f"chmod 600 {healthy}" in result.stdout


def test_leftover_temporary_files_are_named(cli: Runner, healthy: Path) -> None:
    leftover = f"{temp_prefix(healthy)}abc12345"
    (healthy.parent / leftover).write_bytes(b"{half")
    # Another store's temporary file in the same folder is not this one's.
    (healthy.parent / ".other.json.fbcli-tmp-abc12345").write_bytes(b"{")

    result = cli("doctor")

    assert result.code == 1
    assert f"1 temporary files left by an interrupted write ({leftover})" in (
        result.stdout
    )


def _hold_lock(path: str, ready: Any, done: Any) -> None:
    with open_store(path, write=True):
        ready.set()
        done.wait(30)


@pytest.fixture
def held_lock(healthy: Path) -> Iterator[Path]:
    ready, done = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(
        target=_hold_lock, args=(str(healthy), ready, done)
    )
    holder.start()
    assert ready.wait(10)
    yield healthy
    done.set()
    holder.join(10)


def test_a_held_lock_is_reported_without_waiting_for_it(
    cli: Runner, held_lock: Path
) -> None:
    result = cli("--lock-timeout", "30", "doctor")

    assert result.code == 1
    assert "another fbcli command holds the lock now" in result.stdout


def test_a_free_lock_left_by_an_earlier_command_is_not_a_problem(
    cli: Runner, healthy: Path
) -> None:
    with open_store(str(healthy), write=True):
        pass

    result = cli("doctor")

    assert healthy.with_name("store.json.lock").exists()
    assert result.code == 0


@pytest.mark.parametrize(
    "fault",
    ["healthy", "broken", "orphans", "temp-file", "open-mode", "missing"],
)
def test_doctor_never_writes(cli: Runner, healthy: Path, fault: str) -> None:
    if fault == "broken":
        healthy.write_bytes(b"{")
    elif fault == "orphans":
        write(healthy, school(feedback={"1": feedback("S-404")}))
    elif fault == "temp-file":
        (healthy.parent / f"{temp_prefix(healthy)}x1234567").write_bytes(b"")
    elif fault == "open-mode":
        healthy.chmod(0o666)
    elif fault == "missing":
        healthy.unlink()
    before = folder_state(healthy.parent)

    cli("doctor")
    cli("doctor", "--json")

    assert folder_state(healthy.parent) == before


def test_json_lists_every_finding(cli: Runner, store_path: Path) -> None:
    write(store_path, school(feedback={"1": feedback("S-404")}))
    store_path.chmod(0o640)

    result = cli("doctor", "--json")

    report = json.loads(result.stdout)
    assert result.code == 1
    assert report["usable"] is True
    assert report["healthy"] is False
    assert report["counts"]["feedback"] == 1
    assert {f["check"] for f in report["findings"]} == {"permissions", "references"}
    assert all(f["level"] == "warning" for f in report["findings"])
    assert report["recovery"] == []


def make_two_saves(path: Path) -> None:
    """A store saved twice, so that the backup holds the first save."""
    from fbcli.rules.model import Student

    with open_store(str(path), create=True) as store:
        store.put_students([Student("ST-1", "Ann")])
    with open_store(str(path), write=True) as store:
        store.put_students([Student("ST-2", "Bo")])


def test_a_broken_store_is_recovered_by_following_the_advice(
    cli: Runner, store_path: Path, tmp_path: Path
) -> None:
    make_two_saves(store_path)
    backup = store_path.with_name("store.json.bak")
    store_path.write_bytes(b'{"meta": {"1": {"schema_ver')

    result = cli("doctor")
    advice = result.stdout.splitlines()

    assert result.code == 5
    assert f"  fbcli --db {backup} doctor    # check it first" in advice
    assert f"  cp {backup} {store_path}" in advice
    assert cli("--db", str(backup), "doctor").code == 0
    shutil.copy(backup, store_path)
    assert cli("doctor").code == 0
    with open_store(str(store_path)) as store:
        assert [s.id for s in store.students()] == ["ST-1"]


def test_a_broken_backup_is_named_too(cli: Runner, store_path: Path) -> None:
    make_two_saves(store_path)
    store_path.with_name("store.json.bak").unlink()
    store_path.with_name("store.json.bak").write_bytes(b"")
    store_path.write_bytes(b"")

    result = cli("doctor", "--json")

    report = json.loads(result.stdout)
    assert result.code == 5
    assert report["backup"]["usable"] is False
    assert (
        "cannot be used either: not valid JSON: the file is empty"
        in (report["recovery"][0])
    )


def test_without_a_backup_doctor_says_so(cli: Runner, store_path: Path) -> None:
    store_path.write_bytes(b"null")

    result = cli("doctor")

    assert result.code == 5
    assert "there is no backup" in result.stdout


def test_terminal_codes_in_stored_ids_are_shown_inert(
    cli: Runner, store_path: Path
) -> None:
    sneaky = "S-\x1b[2J\x1b]8;;http://x\x07\x9b31m"
    write(store_path, school(feedback={"1": feedback(sneaky)}))

    result = cli("doctor")

    assert result.code == 1
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\x9b" not in result.stdout


@pytest.mark.parametrize(
    ("versions", "said"),
    [
        ([1], []),
        ([1, 2, 3], []),
        ([2], ["version 1 missing"]),
        ([1, 4], ["version 2, 3 missing"]),
        ([1, 1, 2], ["version 1 stored twice"]),
    ],
    ids=["one", "three", "no-first", "two-gap", "twice"],
)
def test_feedback_versions_must_run_from_1_without_gaps(
    versions: list[int], said: list[str]
) -> None:
    data = {"feedback": {str(n): feedback("S-1", v) for n, v in enumerate(versions)}}

    findings = check_versions(data)

    assert [f.message for f in findings] == [f"feedback on 'S-1': {s}" for s in said]


def test_many_findings_of_one_kind_are_counted_not_listed() -> None:
    data = school(feedback={str(n): feedback(f"S-{n}x") for n in range(25)})

    findings, _ = check_data(data, set())

    assert len(findings) == 11
    assert findings[-1].message == "... and 15 more orphaned references"
