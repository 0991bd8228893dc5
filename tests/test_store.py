"""The JSON store's promises: one read, one atomic write, refusals that change nothing."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from fbcli.errors import StoreError
from fbcli.rules.model import Feedback, PlanChange, Session, Student, Tutor
from fbcli.store import open_store
from fbcli.store.atomic import temp_prefix

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def make_store(path: Path) -> None:
    with open_store(str(path), create=True) as store:
        store.put_tutors([Tutor("maria", "Maria"), Tutor("olga", "Olga", role="admin")])
        store.put_students([Student("ST-1", "Ann", {"fluency": 6})])
        store.put_sessions(
            [
                Session("S-1", "maria", "ST-1", T0),
                Session("S-2", "maria", "ST-1", T0.replace(day=21)),
            ]
        )


def test_a_new_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "store.json"

    make_store(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_records_written_come_back(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    feedback = Feedback(
        "S-1",
        "maria",
        T0.replace(hour=10),
        completed=True,
        goal="g",
        evaluation={"fluency": 7},
    )

    with open_store(str(path), write=True) as store:
        store.add_feedback([feedback])
        store.add_plan_changes([PlanChange("ST-1", "g", "add", T0, "maria")])

    with open_store(str(path)) as store:
        assert store.tutor("olga") == Tutor("olga", "Olga", role="admin")
        assert store.student("ST-1") == Student("ST-1", "Ann", {"fluency": 6})
        assert [s.id for s in store.sessions(tutor="maria")] == ["S-1", "S-2"]
        assert store.feedback("S-1") == feedback
        assert store.feedback("S-2") is None
        assert list(store.latest_feedback(student="ST-1")) == ["S-1"]
        assert [c.goal for c in store.plan_changes("ST-1")] == ["g"]


def test_putting_a_record_again_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)

    with open_store(str(path), write=True) as store:
        store.put_students([Student("ST-1", "Ann Lee"), Student("ST-2", "Bo")])

    with open_store(str(path)) as store:
        assert [s.name for s in store.students()] == ["Ann Lee", "Bo"]


def test_feedback_versions_are_kept_and_the_latest_wins(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    first = Feedback("S-1", "maria", T0.replace(hour=10), completed=True, focus="one")
    second = Feedback(
        "S-1", "maria", T0.replace(hour=11), completed=True, focus="two", version=2
    )

    with open_store(str(path), write=True) as store:
        store.add_feedback([first])
    with open_store(str(path), write=True) as store:
        store.add_feedback([second])

    with open_store(str(path)) as store:
        assert [f.focus for f in store.feedback_versions("S-1")] == ["one", "two"]
        assert store.feedback("S-1") == second


def test_a_version_already_stored_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    feedback = Feedback("S-1", "maria", T0.replace(hour=10), completed=True)
    with open_store(str(path), write=True) as store:
        store.add_feedback([feedback])

    with (
        pytest.raises(StoreError, match="already stored"),
        open_store(str(path), write=True) as store,
    ):
        store.add_feedback([feedback])


def test_an_error_inside_the_block_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    before = path.read_bytes()

    with pytest.raises(RuntimeError), open_store(str(path), write=True) as store:
        store.put_students([Student("ST-9", "Zed")])
        raise RuntimeError("stop")

    assert path.read_bytes() == before


def test_a_read_only_command_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    before = path.stat().st_mtime_ns

    with open_store(str(path)) as store:
        store.sessions()

    assert path.stat().st_mtime_ns == before


def test_each_write_keeps_the_previous_version_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    before = path.read_bytes()

    with open_store(str(path), write=True) as store:
        store.put_students([Student("ST-9", "Zed")])

    assert path.with_name("store.json.bak").read_bytes() == before
    assert path.read_bytes() != before


def test_temporary_files_left_by_a_killed_writer_go_with_the_next_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    leftover = tmp_path / f"{temp_prefix(path)}abandon1"
    leftover.write_bytes(b"{half")
    link = tmp_path / f"{temp_prefix(path)}bak-4242"
    link.write_bytes(b"{")
    # Another store's writer may still be writing this one: it stays.
    theirs = tmp_path / ".other.json.fbcli-tmp-abandon1"
    theirs.write_bytes(b"{half")

    with open_store(str(path), write=True) as store:
        store.put_students([Student("ST-9", "Zed")])

    assert not leftover.exists() and not link.exists()
    assert [p.name for p in tmp_path.iterdir() if "fbcli-tmp" in p.name] == [
        theirs.name
    ]


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    path.write_text("precious")

    with (
        pytest.raises(StoreError, match="already exists"),
        open_store(str(path), create=True),
    ):
        pass

    assert path.read_text() == "precious"


BAD_STORES = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "truncated": b'{"meta": {"1": {"schema_version": 1}}, "sessions": {"1": {"id": "S',
    "trailing-garbage": b'{"meta": {"1": {"schema_version": 1}}} xyz',
    "nul-bytes": b'{"meta": {"1": {"schema_\x00version": 1}}}\x00',
    "null": b"null",
    "list": b"[]",
    "string": b'"store"',
    "table-is-list": b'{"meta": {"1": {"schema_version": 1}}, "sessions": []}',
    "record-is-string": b'{"meta": {"1": {"schema_version": 1}}, "sessions": {"1": "x"}}',
    "no-schema": b'{"sessions": {}}',
    "future-schema": b'{"meta": {"1": {"schema_version": 99}}}',
    "plain-tinydb": b'{"_default": {}}',
}


@pytest.mark.parametrize("content", BAD_STORES.values(), ids=BAD_STORES.keys())
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_bad_store_is_refused_and_left_unchanged(
    tmp_path: Path, content: bytes, write: bool
) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(content)

    with (
        pytest.raises(StoreError, match=r"store\.json"),
        open_store(str(path), write=write) as store,
    ):
        store.put_students([Student("ST-9", "Zed")])

    assert path.read_bytes() == content
    assert not path.with_name("store.json.bak").exists()


def test_a_missing_store_says_how_to_create_one(tmp_path: Path) -> None:
    with (
        pytest.raises(StoreError, match="fbcli init"),
        open_store(str(tmp_path / "none.json")),
    ):
        pass


def test_a_folder_in_place_of_the_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "store.json").mkdir()

    with (
        pytest.raises(StoreError, match="folder"),
        open_store(str(tmp_path / "store.json"), write=True),
    ):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_an_unreadable_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    path.chmod(0o200)

    with pytest.raises(StoreError, match="permission"), open_store(str(path)):
        pass


def _hold_lock(
    path: str, seconds: float, ready: multiprocessing.synchronize.Event
) -> None:
    with open_store(path, write=True):
        ready.set()
        time.sleep(seconds)


def test_a_second_writer_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(path), 3.0, ready))
    holder.start()
    assert ready.wait(10)

    started = time.monotonic()
    with (
        pytest.raises(StoreError, match="locked"),
        open_store(str(path), write=True, lock_timeout=0.5),
    ):
        pass
    waited = time.monotonic() - started
    holder.join()

    assert waited >= 0.5
    with open_store(str(path), write=True, lock_timeout=5) as store:
        store.put_students([Student("ST-9", "Zed")])


def test_a_killed_lock_holder_does_not_block_the_next_writer(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path)
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(path), 60.0, ready))
    holder.start()
    assert ready.wait(10)

    holder.kill()
    holder.join()

    with open_store(str(path), write=True, lock_timeout=2) as store:
        store.put_students([Student("ST-9", "Zed")])
    assert b"Zed" in path.read_bytes()


def test_the_file_is_plain_tinydb_json(tmp_path: Path) -> None:
    path = tmp_path / "store.json"

    make_store(path)

    raw = path.read_bytes()
    data = orjson.loads(raw)
    assert data["meta"]["1"]["schema_version"] == 1
    # The length and CRC-32 of each table's block, which let fbcli split the
    # file unread and trust the blocks it does not parse.
    for name, block in data["meta"]["1"]["blocks"].items():
        head = f'\n"{name}":{{'.encode()
        lines = raw.split(head)[1][: block["size"]]
        assert head + lines + b"\n}" in raw
        assert zlib.crc32(lines) == block["crc32"]
    assert sorted(r["id"] for r in data["sessions"].values()) == ["S-1", "S-2"]


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_a_writer_refused_for_want_of_a_store_leaves_no_lock_file(
    tmp_path: Path, what: str
) -> None:
    path = tmp_path / "store.json"
    if what == "folder":
        path.mkdir()

    with (
        pytest.raises(StoreError, match=r"no store at|is a folder"),
        open_store(str(path), write=True),
    ):
        pass

    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["store.json"] if what == "folder" else []
    )
