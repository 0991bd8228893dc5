"""The benchmark stores: deterministic, and stores fbcli opens and works on.

No timings here: those belong to ``make bench``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bench.generate import (
    BACKFILL_TUTOR,
    SEED,
    build,
    cached_sqlite,
    cached_store,
    generate,
    sqlite_url,
    write,
)
from bench.run import give_flags
from fbcli.store import open_store
from tests.conftest import Runner

SESSIONS = 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench")
    return cached_store(SESSIONS, backfill=20, stores=folder)[0]


def test_the_same_size_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"

    generate(first, SESSIONS, SEED)
    generate(second, SESSIONS, SEED)

    assert first.read_bytes() == second.read_bytes()


def test_another_seed_gives_another_store(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"

    generate(first, SESSIONS, SEED)
    generate(second, SESSIONS, SEED + 1)

    assert first.read_bytes() != second.read_bytes()


def test_the_store_holds_the_promised_school(tmp_path: Path) -> None:
    path = tmp_path / "store.json"

    manifest = generate(path, SESSIONS, SEED)

    with open_store(str(path)) as store:
        sessions = store.sessions()
        feedback = [v for s in sessions for v in store.feedback_versions(s.id)]
        assert len(sessions) == SESSIONS == manifest.sessions
        assert len(feedback) == manifest.feedback
        assert abs(len(feedback) - 0.9 * SESSIONS) <= 0.05 * SESSIONS
        assert len(store.students()) == 5_000
        assert len([t for t in store.tutors() if not t.is_admin]) == 200
        assert store.tutor(manifest.admin) is not None
        assert store.tutor(manifest.admin).is_admin  # type: ignore[union-attr]
        assert len(store.plan_changes()) == manifest.plan_changes > 5_000


def test_a_sqlite_store_holds_the_same_records_as_the_json_one(
    generated: Path,
) -> None:
    json_manifest = cached_store(SESSIONS, backfill=20, stores=generated.parent)[1]

    url, manifest = cached_sqlite(SESSIONS, backfill=20, stores=generated.parent)

    with open_store(str(generated)) as json_store, open_store(url) as sqlite_store:
        assert sqlite_store.dump() == json_store.dump()
    assert manifest == json_manifest


def test_a_store_written_in_blocks_is_the_store_written_at_once(
    tmp_path: Path,
) -> None:
    school = build(SESSIONS, SEED)
    at_once, in_blocks = tmp_path / "once.db", tmp_path / "blocks.db"

    write(sqlite_url(at_once), school)
    write(sqlite_url(in_blocks), school, block=60)

    with (
        open_store(sqlite_url(at_once)) as first,
        open_store(sqlite_url(in_blocks)) as second,
    ):
        assert second.dump() == first.dump()
    # The columns derived for stats come out the same too.
    assert rows_of(in_blocks, "sessions") == rows_of(at_once, "sessions")
    assert rows_of(in_blocks, "feedback") == rows_of(at_once, "feedback")


def rows_of(database: Path, table: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY seq").fetchall()


def test_a_backlog_belongs_to_one_tutor_and_has_no_feedback(generated: Path) -> None:
    manifest = cached_store(SESSIONS, backfill=20, stores=generated.parent)[1]

    with open_store(str(generated)) as store:
        backlog = store.sessions(tutor=BACKFILL_TUTOR)
        assert sorted(s.id for s in backlog) == sorted(s for s, _ in manifest.backfill)
        assert store.latest_feedback(tutor=BACKFILL_TUTOR) == {}
    assert manifest.sessions == SESSIONS + 20


def test_fbcli_lists_pending_sessions_of_the_chosen_tutor(
    env: dict[str, str], cli: Runner, generated: Path
) -> None:
    manifest = cached_store(SESSIONS, backfill=20, stores=generated.parent)[1]

    done = cli(
        "--db", str(generated), "--as", manifest.pending_tutor, "pending", "--json"
    )

    assert done.code == 0, done.stderr
    assert len(json.loads(done.stdout)) >= 1


def test_fbcli_takes_feedback_on_each_session_set_aside_for_it(
    env: dict[str, str], cli: Runner, generated: Path, tmp_path: Path
) -> None:
    manifest = cached_store(SESSIONS, backfill=20, stores=generated.parent)[1]
    store = tmp_path / "copy.json"
    store.write_bytes(generated.read_bytes())

    codes = [
        cli(
            "--db",
            str(store),
            "--as",
            tutor,
            "give",
            session,
            *give_flags(goal),
            "--no-input",
        ).code
        for session, tutor, goal in manifest.give
    ]

    assert manifest.give
    assert codes == [0] * len(manifest.give)


def test_a_quick_run_writes_every_table(tmp_path: Path) -> None:
    results = tmp_path / "results.md"

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--quick",
            "--stores",
            str(tmp_path),
            "--output",
            str(results),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=600,
    )

    assert done.returncode == 0, done.stderr
    text = results.read_text(encoding="utf-8")
    for heading in (
        "## Machine",
        "## Start-up",
        "## By store size",
        "## Backends",
        "## Batches",
        "## Store generation",
        "## Targets",
    ):
        assert heading in text
    assert "not available" not in text
