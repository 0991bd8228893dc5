"""Writers killed at random moments, and locks held or left behind.

A real ``fbcli import`` into a 10,000-session store is killed with SIGKILL
over and over: the store must always open, hold every import that exited 0,
and lose its temporary files at the next successful write.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fbcli.rules.model import Session, Student, Tutor
from fbcli.store import open_store
from fbcli.store.json_store import TEMP_PREFIX
from tests.conftest import NOW

SESSIONS = 10_000
KILLS = 60
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "store.json"
    with open_store(str(path), create=True) as store:
        store.put_tutors([Tutor("maria", "Maria"), Tutor("olga", "Olga", role="admin")])
        store.put_students(Student(f"ST-{n}", f"Student {n}") for n in range(100))
        store.put_sessions(
            Session(f"S-{n}", "maria", f"ST-{n % 100}", T0 + timedelta(hours=n))
            for n in range(SESSIONS)
        )
    return path


@pytest.fixture
def big_store(big_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    shutil.copy2(big_template, path)
    return path


def fbcli(store: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "fbcli", "--db", str(store), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "FBCLI_NOW": NOW, "NO_COLOR": "1"},
    )


def batch(folder: Path, number: int) -> Path:
    """Three new sessions whose ids say which import brought them."""
    path = folder / f"batch-{number}.json"
    sessions = [
        {
            "id": f"K-{number}-{n}",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-20T09:00:00+00:00",
        }
        for n in range(3)
    ]
    path.write_text(json.dumps({"sessions": sessions}))
    return path


def stored_ids(path: Path) -> set[str]:
    with open_store(str(path)) as store:
        return set(store.session_ids())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


@dataclass
class Tally:
    killed: int = 0
    finished_first: int = 0
    left_temp_files: int = 0
    committed_though_killed: int = 0
    lost: list[int] = field(default_factory=list)
    slowest_after_kill: float = 0.0


def kill_at_the_write(
    writer: subprocess.Popen[bytes], folder: Path, delay: float
) -> None:
    """Kill the writer just after its temporary file appears: in the write itself."""
    while writer.poll() is None and not leftovers(folder):
        pass
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)


def typical_duration(store: Path, folder: Path) -> float:
    """The median time of three imports left to finish."""
    times = []
    for number in range(3):
        started = time.monotonic()
        assert fbcli(store, "import", str(batch(folder, number))).wait(120) == 0
        times.append(time.monotonic() - started)
    return sorted(times)[1]


@pytest.mark.slow
def test_killed_writers_never_break_the_store_or_lose_an_import(
    big_store: Path, tmp_path: Path
) -> None:
    seed = int(os.environ.get("FBCLI_CRASH_SEED", random.randrange(2**32)))
    chance = random.Random(seed)
    duration = typical_duration(big_store, tmp_path)
    saved = {0, 1, 2}
    tally = Tally()
    backup = big_store.with_name("store.json.bak")

    number = 10
    while tally.killed < KILLS and number < 10 + 3 * KILLS:
        number += 1
        writer = fbcli(
            big_store, "--lock-timeout", "10", "import", str(batch(tmp_path, number))
        )
        # A third anywhere in the run, a third late in it, a third in the write.
        if number % 3 == 0:
            kill_at_the_write(writer, tmp_path, chance.uniform(0, 0.02))
        else:
            low = 0.5 if number % 3 == 1 else 0.0
            time.sleep(chance.uniform(low, 0.95) * duration)
            writer.send_signal(signal.SIGKILL)
        code = writer.wait(120)
        ids = stored_ids(big_store)

        if code == 0:
            tally.finished_first += 1
            saved.add(number)
            assert leftovers(tmp_path) == [], f"seed {seed}"
        else:
            tally.killed += 1
            tally.left_temp_files += bool(leftovers(tmp_path))
            tally.committed_though_killed += f"K-{number}-0" in ids
        tally.lost = [n for n in sorted(saved) if f"K-{n}-0" not in ids]
        assert tally.lost == [], f"seed {seed}: imports lost after kill {number}"
        assert len(ids) >= SESSIONS, f"seed {seed}"
        assert len(stored_ids(backup)) >= SESSIONS, f"seed {seed}: backup unusable"
        if tally.killed % 10 == 0 and code != 0:
            # A writer after a kill: no stale lock may hold it up.
            check_number = 1000 + number
            before = time.monotonic()
            check = fbcli(
                big_store,
                "--lock-timeout",
                "30",
                "import",
                str(batch(tmp_path, check_number)),
            )
            assert check.wait(120) == 0, f"seed {seed}"
            waited = time.monotonic() - before
            tally.slowest_after_kill = max(tally.slowest_after_kill, waited)
            saved.add(check_number)
            assert leftovers(tmp_path) == [], f"seed {seed}"

    last = fbcli(big_store, "import", str(batch(tmp_path, 9999)))
    assert last.wait(120) == 0
    ids = stored_ids(big_store)
    report = (
        f"seed {seed}: {tally.killed} killed ({tally.left_temp_files} left a "
        f"temporary file, {tally.committed_though_killed} after the rename), "
        f"{tally.finished_first} finished first, slowest writer after a kill "
        f"{tally.slowest_after_kill:.1f}s (a run takes {duration:.1f}s)"
    )
    print(report)
    assert leftovers(tmp_path) == [], report
    assert all(f"K-{n}-2" in ids for n in saved), report
    assert tally.killed >= KILLS, report
    assert tally.slowest_after_kill < duration + 5, report


HOLD = """
import sys, time
from fbcli.store import open_store
with open_store(sys.argv[1], write=True):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def holder(big_store: Path) -> Iterator[subprocess.Popen[str]]:
    """A live process holding the writers' lock for 60 seconds."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(big_store), "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "holding\n"
    yield process
    process.kill()
    process.wait()


def run(store: Path, *args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "fbcli", "--db", str(store), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FBCLI_NOW": NOW, "NO_COLOR": "1"},
        timeout=120,
    )
    return done.returncode, done.stderr, time.monotonic() - started


def test_a_lock_left_by_a_killed_process_does_not_block(
    big_store: Path, tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    idle, _, _ = run(big_store, "doctor")

    code, stderr, seconds = run(
        big_store, "--lock-timeout", "30", "import", str(batch(tmp_path, 1))
    )

    assert code == 0, stderr
    assert idle == 0
    assert seconds < 5
    assert "K-1-0" in stored_ids(big_store)


@pytest.mark.parametrize("timeout", ["1", "2.5"])
def test_a_live_lock_makes_a_writer_wait_then_fail_clearly(
    big_store: Path, tmp_path: Path, holder: subprocess.Popen[str], timeout: str
) -> None:
    before = big_store.read_bytes()

    code, stderr, seconds = run(
        big_store, "--lock-timeout", timeout, "import", str(batch(tmp_path, 1))
    )

    assert code == 5
    assert stderr.splitlines() == [
        f"error: {big_store} is locked by another fbcli command; try again "
        f"(or raise --lock-timeout, now {float(timeout):g}s)"
    ]
    assert float(timeout) <= seconds < float(timeout) + 4
    assert big_store.read_bytes() == before


@pytest.mark.slow
def test_the_default_lock_timeout_is_a_few_seconds(
    big_store: Path, tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    code, stderr, seconds = run(big_store, "import", str(batch(tmp_path, 1)))

    assert code == 5
    assert "locked by another fbcli command" in stderr
    assert 3 <= seconds < 10


def test_a_writer_that_waits_for_a_short_lock_then_saves(
    big_store: Path, tmp_path: Path
) -> None:
    holding = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(big_store), "1.5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holding.stdout is not None
    assert holding.stdout.readline() == "holding\n"

    code, stderr, seconds = run(
        big_store, "--lock-timeout", "20", "import", str(batch(tmp_path, 1))
    )
    holding.wait()

    assert code == 0, stderr
    assert seconds >= 1
    assert "K-1-0" in stored_ids(big_store)


def test_readers_do_not_wait_for_a_writer(
    big_store: Path, holder: subprocess.Popen[str]
) -> None:
    code, stderr, seconds = run(
        big_store,
        "--lock-timeout",
        "30",
        "--as",
        "maria",
        "sessions",
        "--json",
        "--since",
        "2026-12-01",
    )

    assert code == 0, stderr
    assert seconds < 10


def test_a_backup_left_linked_to_the_store_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    with open_store(str(path), create=True) as store:
        store.put_students([Student("ST-1", "Ann")])
    # What a writer killed between keeping the backup and the rename leaves.
    path.with_name("store.json.bak").unlink(missing_ok=True)
    os.link(path, path.with_name("store.json.bak"))
    before = path.read_bytes()

    with open_store(str(path), write=True) as store:
        store.put_students([Student("ST-2", "Bo")])

    assert leftovers(tmp_path) == []
    assert path.with_name("store.json.bak").read_bytes() == before
    assert stored_ids(path) == set()
