"""Damage inside a store fbcli wrote: refused even where no command looks.

fbcli leaves the blocks of its own file unparsed and finds the lines a
command needs; each block's recorded CRC-32 is what tells it that the lines
it does not read are still the ones it wrote. These tests damage lines that
the command at hand never reads, keeping every block's length, so that only
the checksum can tell.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fbcli.errors import StoreError
from fbcli.store import open_store
from tests.conftest import Runner
from tests.test_reliability_bad_stores import (
    COMMANDS,
    FEEDBACK_ROWS,
    SCHOOL,
    assert_refused,
    snapshot,
)
from tests.test_store_layout import everything, fill

TOMS = {
    "tutors": [{"id": "tom", "name": "Tom"}],
    "students": [{"id": "ST-2", "name": "Bo"}],
    "sessions": [
        {
            "id": "S-9",
            "tutor": "tom",
            "student": "ST-2",
            "start": "2026-11-19T09:00:00+00:00",
        }
    ],
}
TOMS_FEEDBACK = (
    "--as",
    "tom",
    "give",
    "S-9",
    "--no-input",
    "--completed",
    "--platform",
    "zoom",
    "--goal",
    "narrative-tenses",
    "--add-to-plan",
    "--focus",
    "Tenses",
    "--language-seen",
    "had been",
    "--follow-up",
    "Drills",
)

# Each keeps the length of the line it changes, in a line of tom's.
DAMAGE = {
    "session-not-json": (b'{"id":"S-9"', b'"minutes":30', b'"minutes":3@'),
    "session-field-renamed": (b'{"id":"S-9"', b'"student":', b'"studenX":'),
    "session-minutes-a-list": (b'{"id":"S-9"', b'"minutes":30', b'"minutes":[]'),
    "feedback-not-json": (
        b'{"session":"S-9"',
        b'"completed":true',
        b'"completed":tru@',
    ),
    "feedback-completed-as-text": (
        b'{"session":"S-9"',
        b'"completed":true,',
        b'"completed":"tr",',
    ),
    "plan-change-not-json": (
        b'{"student":"ST-2"',
        b'"action":"add"',
        b'"action":"add}',
    ),
    "tutor-not-json": (b'{"id":"tom"', b'"name":"Tom"', b'"name":"To\\"'),
}


def damaged(raw: bytes, line: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new)
    start = raw.rindex(b"\n", 0, raw.index(line))
    end = raw.index(b"\n", start + 1)
    assert old in raw[start:end], raw[start:end]
    return raw[:start] + raw[start:end].replace(old, new, 1) + raw[end:]


@pytest.fixture
def school(cli: Runner, store_path: Path, tmp_path: Path) -> bytes:
    """maria's and tom's school in fbcli's own layout; its bytes."""
    export = tmp_path / "school.json"
    both = {key: SCHOOL[key] + TOMS[key] for key in SCHOOL}
    export.write_text(json.dumps(both))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    assert cli(*TOMS_FEEDBACK).code == 0
    export.unlink()
    return store_path.read_bytes()


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_in_lines_no_command_reads_is_refused_and_kept(
    cli: Runner,
    store_path: Path,
    tmp_path: Path,
    school: bytes,
    damage: tuple[bytes, bytes, bytes],
    command: tuple[str, ...],
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"sessions": SCHOOL["sessions"]}))
    rows = tmp_path / "rows.csv"
    rows.write_text(FEEDBACK_ROWS)
    broken = damaged(school, *damage)
    store_path.write_bytes(broken)
    before = snapshot(tmp_path)

    result = cli(*(arg.format(batch=batch, rows=rows) for arg in command))

    assert_refused(result, "store.json")
    assert snapshot(tmp_path) == before
    assert store_path.read_bytes() == broken


def test_doctor_names_the_damaged_line(
    cli: Runner, store_path: Path, school: bytes
) -> None:
    store_path.write_bytes(damaged(school, *DAMAGE["session-field-renamed"]))

    result = cli("doctor")

    assert result.code == 5
    assert "'student' is missing" in result.stdout


def test_an_edit_that_keeps_valid_json_and_the_length_is_read(
    cli: Runner, store_path: Path, school: bytes
) -> None:
    store_path.write_bytes(
        damaged(school, b'{"id":"S-9"', b'"minutes":30', b'"minutes":45')
    )

    shown = cli("--as", "maria", "show", "S-9", "--json")
    saved = cli("--as", "maria", "plan", "set", "ST-1", "narrative-tenses")

    assert shown.code == 0 and json.loads(shown.stdout)["minutes"] == 45
    assert saved.code == 0
    with open_store(str(store_path)) as store:
        session = store.session("S-9")
    assert session is not None and session.minutes == 45


@pytest.fixture(scope="module")
def small_store() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        fill(path, sessions=6)
        return path.read_bytes()


def outcome(raw: bytes) -> Any:
    """What fbcli reads from a file with these bytes, or that it refuses it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        path.write_bytes(raw)
        try:
            return everything(path)
        except StoreError:
            return "refused"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_damaged_byte_is_refused_or_read_as_the_json_says(
    small_store: bytes, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(small_store) - 1), label="at")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != small_store[at]))
    raw = small_store[:at] + bytes([byte]) + small_store[at + 1 :]

    read = outcome(raw)

    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        assert read == "refused"
        return
    # The same JSON in another tool's layout is read whole: fbcli must read
    # the damaged file exactly as it reads that one.
    assert read == outcome(json.dumps(parsed, indent=2).encode())
