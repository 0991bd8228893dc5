"""Writers killed at random moments, and locks held or left behind.

Real ``fbcli give``, ``give --from`` and ``import`` commands writing a store of
10,000 sessions (made by the benchmark generator, with the tutors, students,
study plans and feedback of a running school) are killed with SIGKILL over and
over. After every kill the store must open, hold every change whose command
exited 0, hold each change whole or not at all, and keep the version before
its last save as the backup; a successful write must leave no temporary file.

The lock tests stop a real writer with SIGSTOP in the middle of its write, so
that a live process holds the writers' lock for as long as a test needs it.
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
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.generate import BACKFILL_TUTOR, generate
from fbcli.rules.model import Student
from fbcli.store import open_store
from tests.conftest import NOW

SESSIONS = 10_000
BACKLOG = 1_000
KINDS = ("give", "give-from", "import")
KILLS_PER_KIND = 30
# Every this many kills, a writer that must succeed despite what was left.
CHECK_EVERY = 5
# Short enough that a lock left behind by a killed writer would fail the
# writer after it, long enough for a busy machine to take a free lock.
STALE_LOCK_LIMIT = "2"
PARAMETERS = ("fluency", "accuracy", "pronunciation", "comprehension")


@pytest.fixture(scope="module")
def school_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[tuple[str, str]]]:
    """A school's store of 10,000 sessions; BACKLOG of them await feedback."""
    path = tmp_path_factory.mktemp("school") / "store.json"
    manifest = generate(path, SESSIONS - BACKLOG, backfill=BACKLOG)
    assert manifest.sessions == SESSIONS
    return path, manifest.backfill


@pytest.fixture
def store(school_template: tuple[Path, list[tuple[str, str]]], tmp_path: Path) -> Path:
    path = tmp_path / "store" / "store.json"
    path.parent.mkdir()
    shutil.copy2(school_template[0], path)
    return path


@pytest.fixture
def backlog(
    school_template: tuple[Path, list[tuple[str, str]]],
) -> deque[tuple[str, str]]:
    """Sessions awaiting feedback, each with a goal of its student's plan."""
    return deque(school_template[1])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".fbcli-tmp-" in p.name)


@dataclass
class Write:
    """One writing command and the records it adds, each marked with its number."""

    number: int
    kind: str
    args: list[str]
    records: list[str]

    def found(self, path: Path) -> int:
        """How many of its records the store at ``path`` holds."""
        return found_in(path, [self])[self.number]


def found_in(path: Path, writes: list[Write]) -> dict[int, int]:
    """How many of each write's records the store holds, read in one opening."""
    with open_store(str(path)) as store:
        ids = set(store.session_ids())
        counts = {}
        for write in writes:
            if write.kind == "import":
                counts[write.number] = sum(record in ids for record in write.records)
            else:
                counts[write.number] = sum(
                    (given := store.feedback(session)) is not None
                    and given.comments == f"write {write.number}"
                    for session in write.records
                )
        return counts


def lost(path: Path, saved: list[Write]) -> list[int]:
    found = found_in(path, saved)
    return [
        write.number for write in saved if found[write.number] != len(write.records)
    ]


def feedback_row(session: str, goal: str, number: int) -> dict[str, str]:
    return {
        "session": session,
        "completed": "true",
        "platform": "zoom",
        "eval": ";".join(f"{p}==" for p in PARAMETERS),
        "goal": goal,
        "focus": "Kill test",
        "language_seen": "had been -ing",
        "follow_up": "More past perfect",
        "comments": f"write {number}",
    }


def make_write(
    kind: str, number: int, folder: Path, backlog: deque[tuple[str, str]]
) -> Write:
    if kind == "give":
        session, goal = backlog.popleft()
        row = feedback_row(session, goal, number)
        args = ["--as", BACKFILL_TUTOR, "give", session, "--no-input", "--completed"]
        args += ["--platform", row["platform"], "--goal", goal]
        args += [arg for p in PARAMETERS for arg in ("--eval", f"{p}==")]
        args += ["--focus", row["focus"], "--language-seen", row["language_seen"]]
        args += ["--follow-up", row["follow_up"], "--comments", row["comments"]]
        return Write(number, kind, args, [session])
    if kind == "give-from":
        rows = [feedback_row(*backlog.popleft(), number) for _ in range(3)]
        path = folder / f"feedback-{number}.jsonl"
        path.write_text("\n".join(json.dumps(row) for row in rows))
        args = ["--as", BACKFILL_TUTOR, "give", "--no-input", "--from", str(path)]
        return Write(number, kind, args, [row["session"] for row in rows])
    sessions = [
        {
            "id": f"K-{number}-{n}",
            "tutor": "t001",
            "student": "ST-10001",
            "start": "2026-11-20T09:00:00+00:00",
        }
        for n in range(3)
    ]
    path = folder / f"import-{number}.json"
    path.write_text(json.dumps({"sessions": sessions}))
    return Write(number, kind, ["import", str(path)], [s["id"] for s in sessions])


def start(store: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fbcli", "--db", str(store), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FBCLI_NOW": NOW, "NO_COLOR": "1", "TZ": "UTC"},
    )


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fbcli", "--db", str(store), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FBCLI_NOW": NOW, "NO_COLOR": "1", "TZ": "UTC"},
        timeout=120,
    )


def wait_for_a_temporary_file(writer: subprocess.Popen[str], folder: Path) -> None:
    while writer.poll() is None and not leftovers(folder):
        pass


def typical_duration(
    store: Path, folder: Path, kind: str, backlog: deque[tuple[str, str]]
) -> tuple[float, list[Write]]:
    """The median time of three writes of one kind, and the writes (all saved)."""
    times, writes = [], []
    for number in range(3):
        write = make_write(
            kind, 1000 * (KINDS.index(kind) + 1) + number, folder, backlog
        )
        started = time.monotonic()
        done = run(store, *write.args)
        times.append(time.monotonic() - started)
        assert done.returncode == 0, done.stderr
        writes.append(write)
    return sorted(times)[1], writes


@dataclass
class Tally:
    kills: Counter[str] = field(default_factory=Counter)
    finished_first: int = 0
    changed_nothing: int = 0
    left_temp_files: int = 0
    saved_though_killed: int = 0
    writers_after_a_kill: int = 0
    lost: list[int] = field(default_factory=list)
    partial: list[int] = field(default_factory=list)

    def report(self, seed: int) -> str:
        kills = ", ".join(f"{self.kills[kind]} {kind}" for kind in KINDS)
        return (
            f"seed {seed}: {sum(self.kills.values())} writers killed ({kills}): "
            f"{self.changed_nothing} changed nothing, {self.left_temp_files} left "
            f"a temporary file, {self.saved_though_killed} had saved; "
            f"{self.finished_first} finished before the kill; "
            f"{self.writers_after_a_kill} writers after a kill all saved; "
            f"lost {len(self.lost)}, partly saved {len(self.partial)}"
        )


def kill_at_random(
    writer: subprocess.Popen[str],
    folder: Path,
    moment: str,
    duration: float,
    chance: random.Random,
) -> None:
    """Anywhere in the run, late in it, or in the write itself."""
    if moment == "in-the-write":
        wait_for_a_temporary_file(writer, folder)
        time.sleep(chance.uniform(0, 0.01))
    else:
        low = 0.5 if moment == "late" else 0.0
        time.sleep(chance.uniform(low, 1.0) * duration)
    writer.send_signal(signal.SIGKILL)


@pytest.mark.slow
def test_killed_writers_never_break_the_store_or_lose_a_save(
    store: Path, tmp_path: Path, backlog: deque[tuple[str, str]]
) -> None:
    seed = int(os.environ.get("FBCLI_CRASH_SEED", random.randrange(2**32)))
    chance = random.Random(seed)
    folder = store.parent
    backup = store.with_name("store.json.bak")
    durations: dict[str, float] = {}
    saved: list[Write] = []
    for kind in KINDS:
        durations[kind], writes = typical_duration(store, tmp_path, kind, backlog)
        saved += writes
    tally = Tally()
    number = 0

    while min(tally.kills[kind] for kind in KINDS) < KILLS_PER_KIND:
        number += 1
        assert number < 2 * KILLS_PER_KIND * len(KINDS), tally.report(seed)
        needed = [kind for kind in KINDS if tally.kills[kind] < KILLS_PER_KIND]
        kind = needed[number % len(needed)]
        moment = ("anywhere", "late", "in-the-write")[number // len(KINDS) % 3]
        write = make_write(kind, number, tmp_path, backlog)
        before, backup_before = store.read_bytes(), backup.read_bytes()

        writer = start(store, "--lock-timeout", "10", *write.args)
        kill_at_random(writer, folder, moment, durations[kind], chance)
        _, stderr = writer.communicate(timeout=120)
        found_now = found_in(store, [*saved, write])
        found = found_now.pop(write.number)
        tally.lost = [w.number for w in saved if found_now[w.number] != len(w.records)]

        context = f"{tally.report(seed)}; write {number} ({kind}, {moment})"
        assert writer.returncode in (0, -signal.SIGKILL), stderr
        if found not in (0, len(write.records)):
            tally.partial.append(number)
        assert tally.partial == [], context
        assert tally.lost == [], context
        if found:
            saved.append(write)
            assert backup.read_bytes() == before, context
        else:
            assert store.read_bytes() == before, context
            assert backup.read_bytes() in (backup_before, before), context
        if writer.returncode == 0:
            tally.finished_first += 1
            assert found, context
            assert leftovers(folder) == [], context
        else:
            tally.kills[kind] += 1
            tally.changed_nothing += not found
            tally.saved_though_killed += bool(found)
            tally.left_temp_files += bool(leftovers(folder))
            if sum(tally.kills.values()) % CHECK_EVERY == 0:
                # The next writer: no lock or file the killed one left may stop it.
                number += 1
                after = make_write(KINDS[number % 3], number, tmp_path, backlog)
                done = run(store, "--lock-timeout", STALE_LOCK_LIMIT, *after.args)
                assert done.returncode == 0, f"{context}: {done.stderr}"
                assert leftovers(folder) == [], context
                tally.writers_after_a_kill += 1
                saved.append(after)

    last = make_write("give", 9999, tmp_path, backlog)
    done = run(store, "--lock-timeout", STALE_LOCK_LIMIT, *last.args)
    doctor = run(store, "doctor")
    print(tally.report(seed))
    assert done.returncode == 0, done.stderr
    assert leftovers(folder) == []
    assert doctor.returncode == 0, doctor.stdout
    assert lost(store, saved) == []
    assert {oct(p.stat().st_mode & 0o777) for p in (store, backup)} == {"0o600"}


# Locks: a real writer stopped in the middle of its write holds the lock.


def state(pid: int) -> str:
    """The process's state letter from /proc: R running, S sleeping, T stopped."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


@dataclass
class Stopped:
    """A writer stopped in its write: it holds the lock, the store is not yet new."""

    writer: subprocess.Popen[str]
    write: Write
    before: bytes


def stop_in_the_write(store: Path, folder: Path) -> Stopped:
    """Start an import and stop it between making its temporary file and the rename."""
    for attempt in range(50):
        write = make_write("import", 100 + attempt, folder, deque())
        before = store.read_bytes()
        writer = start(store, *write.args)
        wait_for_a_temporary_file(writer, store.parent)
        writer.send_signal(signal.SIGSTOP)
        while writer.poll() is None and state(writer.pid) != "T":
            pass
        if writer.poll() is None and leftovers(store.parent):
            return Stopped(writer, write, before)
        # Too late: it finished. The next attempt imports other sessions.
        writer.send_signal(signal.SIGCONT)
        writer.communicate(timeout=120)
    pytest.fail("no writer could be stopped in the middle of its write")


@pytest.fixture
def stopped(store: Path, tmp_path: Path) -> Iterator[Stopped]:
    held = stop_in_the_write(store, tmp_path)
    yield held
    if held.writer.poll() is None:
        held.writer.send_signal(signal.SIGKILL)
        held.writer.communicate(timeout=120)


def test_a_writer_killed_in_its_write_leaves_the_store_as_it_was(
    store: Path, tmp_path: Path, stopped: Stopped
) -> None:
    stopped.writer.send_signal(signal.SIGKILL)
    stopped.writer.communicate(timeout=120)
    left = leftovers(store.parent)
    doctor = run(store, "doctor")
    after = make_write("import", 2, tmp_path, deque())

    done = run(store, "--lock-timeout", STALE_LOCK_LIMIT, *after.args)

    assert left
    assert stopped.write.found(store) == 0
    assert doctor.returncode == 1, doctor.stdout
    assert "temporary files left by an interrupted write" in doctor.stdout
    assert "holds the lock" not in doctor.stdout
    assert done.returncode == 0, done.stderr
    assert leftovers(store.parent) == []
    assert after.found(store) == 3
    assert store.with_name("store.json.bak").read_bytes() == stopped.before


@pytest.mark.parametrize("timeout", ["0", "1", "2.5"])
def test_a_live_lock_makes_a_writer_wait_then_fail_clearly(
    store: Path, tmp_path: Path, stopped: Stopped, timeout: str
) -> None:
    second = make_write("import", 2, tmp_path, deque())
    started = time.monotonic()

    done = run(store, "--lock-timeout", timeout, *second.args)
    waited = time.monotonic() - started
    holder_alive = stopped.writer.poll() is None
    unchanged = store.read_bytes() == stopped.before
    stopped.writer.send_signal(signal.SIGCONT)
    stopped.writer.communicate(timeout=120)

    assert done.returncode == 5
    assert done.stderr.splitlines() == [
        f"error: {store} is locked by another fbcli command; try again "
        f"(or raise --lock-timeout, now {float(timeout):g}s)"
    ]
    assert waited >= float(timeout)
    assert holder_alive
    assert unchanged
    assert stopped.writer.returncode == 0
    assert (stopped.write.found(store), second.found(store)) == (3, 0)
    assert run(store, *second.args).returncode == 0
    assert second.found(store) == 3


@pytest.mark.slow
def test_the_default_lock_timeout_is_a_few_seconds(
    store: Path, tmp_path: Path, stopped: Stopped
) -> None:
    second = make_write("import", 2, tmp_path, deque())
    started = time.monotonic()

    done = run(store, *second.args)

    assert done.returncode == 5
    assert "locked by another fbcli command" in done.stderr
    assert "now 5s" in done.stderr
    assert time.monotonic() - started >= 5
    assert stopped.writer.poll() is None


def test_a_writer_waits_for_a_held_lock_then_saves(
    store: Path, tmp_path: Path, stopped: Stopped
) -> None:
    second = make_write("import", 2, tmp_path, deque())
    waiting = start(store, "--lock-timeout", "60", *second.args)
    time.sleep(1)
    still_waiting = waiting.poll() is None
    unchanged = store.read_bytes() == stopped.before

    stopped.writer.send_signal(signal.SIGCONT)
    stopped.writer.communicate(timeout=120)
    first_saved = store.read_bytes()
    _, stderr = waiting.communicate(timeout=120)

    assert still_waiting
    assert unchanged
    assert stopped.writer.returncode == 0
    assert waiting.returncode == 0, stderr
    assert (stopped.write.found(store), second.found(store)) == (3, 3)
    assert store.with_name("store.json.bak").read_bytes() == first_saved


def test_readers_do_not_wait_for_a_writer(store: Path, stopped: Stopped) -> None:
    listed = run(store, "--lock-timeout", "0", "--as", "t001", "sessions", "--json")
    doctor = run(store, "--lock-timeout", "0", "doctor")

    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)
    assert stopped.write.records[0] not in listed.stdout
    assert doctor.returncode == 1, doctor.stdout
    assert "another fbcli command holds the lock now" in doctor.stdout
    assert stopped.writer.poll() is None


def test_a_backup_left_linked_to_the_store_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    with open_store(str(path), create=True) as created:
        created.put_students([Student("ST-1", "Ann")])
    # What a writer killed between keeping the backup and the rename leaves.
    path.with_name("store.json.bak").unlink(missing_ok=True)
    os.link(path, path.with_name("store.json.bak"))
    before = path.read_bytes()

    with open_store(str(path), write=True) as changed:
        changed.put_students([Student("ST-2", "Bo")])

    assert leftovers(tmp_path) == []
    assert path.with_name("store.json.bak").read_bytes() == before
    with open_store(str(path)) as reread:
        assert [s.id for s in reread.students()] == ["ST-1", "ST-2"]
