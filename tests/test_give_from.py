"""fbcli give --from FILE: many sessions in one process, all checked, saved at once."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner, StoreHandle, store_dump

pytestmark = pytest.mark.every_backend

FIELDS = [
    "session",
    "completed",
    "platform",
    "eval",
    "great_work",
    "goal",
    "add_to_plan",
    "doing_great",
    "focus",
    "language_seen",
    "follow_up",
]


@pytest.fixture
def school(cli: Runner, tmp_path: Path, store_path: StoreHandle) -> StoreHandle:
    """One tutor, one student and six ended sessions, with no feedback yet."""
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "tutors": [{"id": "tina", "name": "Tina Tutor"}],
                "students": [{"id": "ST-1", "name": "Sam Student"}],
                "sessions": [
                    {
                        "id": f"S-{n}",
                        "tutor": "tina",
                        "student": "ST-1",
                        "start": f"2026-11-{10 + n}T10:00:00+00:00",
                    }
                    for n in range(1, 7)
                ],
            }
        )
    )
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    return store_path


def row(session: str, **values: str) -> dict[str, str]:
    base = {
        "session": session,
        "completed": "true",
        "platform": "zoom",
        "eval": "fluency=+",
        "great_work": "false",
        "goal": "articles",
        "add_to_plan": "true",
        "doing_great": "",
        "focus": "Articles",
        "language_seen": "a, an, the",
        "follow_up": "Zero article",
    }
    base.update(values)
    return base


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def count_database_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times each database store opened from now on sent its writes."""
    from fbcli.store.sql.store import SqlStore

    counts: list[int] = []
    opened = SqlStore.opened
    flush = SqlStore._flush

    @contextlib.contextmanager
    def counted_opened(store: SqlStore) -> Iterator[SqlStore]:
        counts.append(0)
        with opened(store) as inside:
            yield inside

    def counted_flush(store: SqlStore) -> None:
        counts[-1] += 1
        flush(store)

    monkeypatch.setattr(SqlStore, "opened", counted_opened)
    monkeypatch.setattr(SqlStore, "_flush", counted_flush)
    return counts


def give_from(
    cli: Runner, path: Path, *extra: str
) -> tuple[int, list[dict[str, Any]], str]:
    result = cli("--as", "tina", "give", "--from", str(path), "--json", *extra)
    records = json.loads(result.stdout) if result.stdout else []
    return result.code, records, result.stderr


def test_every_row_is_saved_in_one_write(
    cli: Runner,
    school: StoreHandle,
    tmp_path: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = school.read_bytes()
    path = write_csv(tmp_path / "batch.csv", [row("S-1"), row("S-2"), row("S-3")])
    writes = count_database_writes(monkeypatch)

    code, records, stderr = give_from(cli, path)

    assert code == 0, stderr
    assert [r["session"] for r in records] == ["S-1", "S-2", "S-3"]
    assert [r["evaluation"]["fluency"] for r in records] == [6, 7, 8]
    if backend == "json":
        # Replaced once: the backup is the store as it was before the file.
        assert Path(str(school) + ".bak").read_bytes() == before
    else:
        assert writes == [1]
    shown = json.loads(cli("show", "S-3", "--json").stdout)
    assert shown["status"] == "completed"


def test_only_the_first_row_adds_the_goal_to_the_plan(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "batch.csv", [row("S-1"), row("S-2")])

    code, records, _ = give_from(cli, path)

    assert code == 0
    assert [len(r["plan_changes"]) for r in records] == [1, 0]


def test_earlier_rows_count_for_later_warnings(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    rows = [
        row("S-1", great_work="true", doing_great="grammar"),
        row("S-2", great_work="true", doing_great="grammar"),
    ]
    path = write_csv(tmp_path / "batch.csv", rows)

    code, records, stderr = give_from(cli, path)

    assert code == 0
    codes = [w["code"] for w in records[1]["warnings"]]
    assert "badge-student-recent" in codes
    assert "doing-great-soon" in codes
    assert f"{path}:3: warning:" in stderr


def test_bad_rows_are_all_reported_and_nothing_is_saved(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    before = school.read_bytes()
    rows = [
        row("S-1"),
        row("S-2", eval="fluency=up"),
        row("S-99"),
        row("S-3", focus="present perfect continuous"),
        row("S-1"),
    ]
    path = write_csv(tmp_path / "batch.csv", rows)

    code, records, stderr = give_from(cli, path)

    assert code == 1
    assert records == []
    for line in (3, 4, 5, 6):
        assert f"{path}:{line}:" in stderr
    assert f"{path}:2:" not in stderr
    assert "also on line 2" in stderr
    assert "4 bad rows" in stderr
    assert school.read_bytes() == before


def test_json_lines(cli: Runner, school: StoreHandle, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        {"session": "S-1", "completed": False, "reason": "student-absent"},
        {
            **row("S-2"),
            "completed": True,
            "add_to_plan": True,
            "eval": {"accuracy": "-"},
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    code, records, stderr = give_from(cli, path)

    assert code == 0, stderr
    assert records[0]["unattended"] is True
    assert records[1]["evaluation"]["accuracy"] == 4


def test_strict_refuses_a_file_with_warnings(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    before = school.read_bytes()
    path = write_csv(tmp_path / "batch.csv", [row("S-1", add_to_plan="false")])

    code, _, stderr = give_from(cli, path, "--strict")

    assert code == 1
    assert "study plan" in stderr
    assert school.read_bytes() == before


def test_dry_run_writes_nothing(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    before = school.read_bytes()
    path = write_csv(tmp_path / "batch.csv", [row("S-1")])

    code, records, _ = give_from(cli, path, "--dry-run")

    assert code == 0
    assert records[0]["saved"] is False
    assert school.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("session,colour\nS-1,red\n", "colour", id="unknown-column"),
        pytest.param("session\n", "no rows", id="header-only"),
    ],
)
def test_unusable_files(
    cli: Runner, school: StoreHandle, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(content)

    code, _, stderr = give_from(cli, path)

    assert code == 1
    assert message in stderr


def test_missing_file_is_a_usage_error(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    code, _, stderr = give_from(cli, tmp_path / "nope.csv")

    assert code == 2
    assert "nope.csv" in stderr


@pytest.mark.parametrize("name", ["batch.json", "batch.txt"])
def test_json_lines_are_known_by_their_content(
    cli: Runner, school: StoreHandle, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(
        json.dumps({"session": "S-1", "completed": False, "reason": "server-down"})
        + "\n"
    )

    code, records, stderr = give_from(cli, path)

    assert code == 0, stderr
    assert records[0]["reason"] == "server-down"


LONG_FILE_ROWS = 210


@pytest.fixture
def long_school(cli: Runner, tmp_path: Path, store_path: StoreHandle) -> StoreHandle:
    """One tutor with more ended sessions than a file needs for a progress bar."""
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "tutors": [{"id": "tina", "name": "Tina Tutor"}],
                "students": [{"id": "ST-1", "name": "Sam Student"}],
                "sessions": [
                    {
                        "id": f"S-{n}",
                        "tutor": "tina",
                        "student": "ST-1",
                        "start": f"2026-11-{1 + n // 12:02d}T{8 + n % 12:02d}:00:00+00:00",
                    }
                    for n in range(LONG_FILE_ROWS)
                ],
            }
        )
    )
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    return store_path


def long_file(path: Path) -> Path:
    path.write_text(
        "session,completed,reason\n"
        + "".join(f"S-{n},false,server-down\n" for n in range(LONG_FILE_ROWS))
    )
    return path


def test_long_file_shows_progress_on_a_terminal(
    long_school: StoreHandle, tmp_path: Path, env: dict[str, str], backend: str
) -> None:
    import pexpect

    before = long_school.read_bytes()
    path = long_file(tmp_path / "batch.csv")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fbcli", "--as", "tina", "give", "--from", str(path)],
        env={**os.environ, **env, "TERM": "xterm"},
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=60,
    )

    child.expect_exact("checking sessions")
    child.expect_exact(f"saved feedback on {LONG_FILE_ROWS} sessions")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0
    saved = store_dump(long_school).feedback
    assert [f.session for f in saved] == [f"S-{n}" for n in range(LONG_FILE_ROWS)]
    assert {(f.completed, f.reason) for f in saved} == {(False, "server-down")}
    if backend == "json":
        # Replaced once: the backup is the store as it was before the file.
        assert Path(str(long_school) + ".bak").read_bytes() == before


def test_long_file_without_a_terminal_has_no_progress_bar(
    cli_process: Runner, long_school: StoreHandle, tmp_path: Path
) -> None:
    path = long_file(tmp_path / "batch.csv")

    result = cli_process("--as", "tina", "give", "--from", str(path))

    assert result.code == 0, result.stderr
    assert result.stderr == f"saved feedback on {LONG_FILE_ROWS} sessions\n"


# The exit code of a file with bad rows: the one they share, else 1.


def test_a_level_in_other_digits_is_a_usage_problem(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    before = school.read_bytes()
    path = write_csv(tmp_path / "batch.csv", [row("S-1", eval="fluency=²")])

    code, _, stderr = give_from(cli, path)

    assert code == 2, stderr
    assert f"{path}:2: --eval 'fluency=²': " in stderr
    assert "Traceback" not in stderr
    assert school.read_bytes() == before


@pytest.mark.parametrize(
    ("sessions", "values", "match"),
    [
        pytest.param(("S-11", "S-12"), {}, "did you mean S-1", id="session"),
        pytest.param(("S-1", "S-2"), {"goal": "articels"}, "articles", id="goal"),
        pytest.param(("S-1", "S-2"), {"eval": "fluensy=+"}, "fluency", id="parameter"),
        pytest.param(("S-1", "S-2"), {"doing_great": "gramar"}, "grammar", id="area"),
    ],
)
def test_unknown_names_only_exit_3_with_close_matches(
    cli: Runner,
    school: StoreHandle,
    tmp_path: Path,
    sessions: tuple[str, str],
    values: dict[str, str],
    match: str,
) -> None:
    rows = [row(session, **values) for session in sessions]
    path = write_csv(tmp_path / "batch.csv", rows)

    code, _, stderr = give_from(cli, path)

    assert code == 3, stderr
    for line in (2, 3):
        [said] = [s for s in stderr.splitlines() if s.startswith(f"{path}:{line}: ")]
        assert "did you mean" in said
    assert match in stderr
    assert "2 bad rows" in stderr


NOT_COMPLETED = ["--not-completed", "--reason", "server-down", "--no-input"]


def lock(cli: Runner, *sessions: str) -> None:
    for session in sessions:
        result = cli("--as", "tina", "give", session, *NOT_COMPLETED)
        assert result.code == 0, result.stderr


def test_rows_not_allowed_only_exit_4(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    lock(cli, "S-1", "S-2")
    before = school.read_bytes()
    path = write_csv(tmp_path / "batch.csv", [row("S-1"), row("S-2")])

    code, _, stderr = give_from(cli, path)

    assert code == 4, stderr
    assert f"{path}:2: " in stderr and f"{path}:3: " in stderr
    assert "locked" in stderr
    assert school.read_bytes() == before


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(row("S-11"), id="not-found"),
        pytest.param(row("S-3", focus="present perfect continuous"), id="rule"),
    ],
)
def test_rows_with_different_codes_exit_1(
    cli: Runner, school: StoreHandle, tmp_path: Path, other: dict[str, str]
) -> None:
    lock(cli, "S-1")
    path = write_csv(tmp_path / "batch.csv", [row("S-1"), other])

    code, _, stderr = give_from(cli, path)

    assert code == 1, stderr
    assert "2 bad rows" in stderr
