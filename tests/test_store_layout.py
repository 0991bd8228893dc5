"""The store file's line layout: lookups on unparsed lines agree with whole parses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tinydb import TinyDB

from fbcli.errors import StoreError
from fbcli.rules.model import Feedback, Session, Student, Tutor
from fbcli.store import open_store
from fbcli.store.tables import Table, block_of, join_blocks, split_blocks
from tests.conftest import Runner

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# Ids with quotes, backslashes, line breaks and non-ASCII text, which the
# line index cannot read without parsing, next to plain ones, which it can.
ids = st.one_of(
    st.sampled_from(["S-1", "S-2", "ST-1", "maria", "tom"]),
    st.text(min_size=1, max_size=8),
)


def sessions_table(rows: list[tuple[str, str, str]]) -> dict[str, dict[str, Any]]:
    return {
        str(n): {"id": i, "tutor": t, "student": s, "start": "2026-11-02T09:00:00Z"}
        for n, (i, t, s) in enumerate(rows, start=1)
    }


@given(rows=st.lists(st.tuples(ids, ids, ids), max_size=12), probe=ids)
def test_lookups_on_lines_agree_with_the_parsed_table(
    rows: list[tuple[str, str, str]], probe: str
) -> None:
    records = sessions_table(rows)
    lazy = Table("sessions", block=block_of(records))
    whole = Table("sessions", records=orjson.loads(orjson.dumps(records)))

    for field in ("id", "tutor", "student"):
        # The first lookups search the lines, later ones go through an index.
        for _ in range(Table.NEEDLE_LOOKUPS + 1):
            assert lazy.find(field, probe) == whole.find(field, probe)
        assert lazy.values_of(field) == whole.values_of(field)
    assert lazy.next_id() == whole.next_id() == len(rows) + 1


@given(rows=st.lists(st.tuples(ids, ids, ids), max_size=12), probes=st.lists(ids))
def test_looking_up_many_values_at_once_agrees_with_the_parsed_table(
    rows: list[tuple[str, str, str]], probes: list[str]
) -> None:
    records = sessions_table(rows)
    lazy = Table("sessions", block=block_of(records))
    whole = Table("sessions", records=orjson.loads(orjson.dumps(records)))

    for field in ("id", "tutor", "student"):
        assert lazy.find_each(field, probes) == whole.find_each(field, probes)
        assert lazy.find(field, probes[0] if probes else "x") == whole.find(
            field, probes[0] if probes else "x"
        )


@given(
    first=st.lists(st.tuples(ids, ids, ids), max_size=6),
    more=st.lists(st.tuples(ids, ids, ids), max_size=6),
)
def test_appended_lines_read_back_as_documents(
    first: list[tuple[str, str, str]], more: list[tuple[str, str, str]]
) -> None:
    table = Table("sessions", block=block_of(sessions_table(first)))
    table.append(sessions_table(more).values())

    parsed = orjson.loads(b"{" + table.block() + b"}")
    assert list(parsed.values()) == list(sessions_table(first + more).values())
    assert list(parsed) == [str(n) for n in range(1, len(first) + len(more) + 1)]


@given(
    tables=st.dictionaries(
        st.sampled_from(["meta", "tutors", "sessions", "feedback", "odd_table"]),
        st.dictionaries(
            st.integers(1, 50).map(str),
            st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3),
            max_size=4,
        ),
        min_size=1,
    )
)
def test_blocks_join_into_json_and_split_back(
    tables: dict[str, dict[str, dict[str, str]]],
) -> None:
    raw = join_blocks((name, block_of(records)) for name, records in tables.items())

    assert orjson.loads(raw) == tables
    blocks = split_blocks(raw)
    assert blocks is not None
    assert {
        name: orjson.loads(b"{" + raw[start:end] + b"}")
        for name, (start, end, _) in blocks.items()
    } == tables


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{}",
        b'{\n"meta":{\n}',
        b'{\n"meta":{\n}\n}\ngarbage',
        b'{\n"meta":[]\n}\n',
        b'{\n"Meta Table":{\n}\n}\n',
        b'{\n"meta":{\n"1":{"schema_version":1}\x00}\n}\n',
    ],
    ids=["empty", "other-layout", "truncated", "trailing", "list", "name", "nul"],
)
def test_files_not_in_the_layout_go_to_the_whole_parse(raw: bytes) -> None:
    assert split_blocks(raw) is None


def fill(path: Path, sessions: int = 30) -> None:
    with open_store(str(path), create=True) as store:
        store.put_tutors([Tutor("maria", "Maria"), Tutor("tom", "Tom")])
        store.put_students([Student("ST-1", "Ana"), Student('ST-"2"', "Bo\nb")])
        store.put_sessions(
            Session(
                f"S-{n}",
                ("maria", "tom")[n % 2],
                ("ST-1", 'ST-"2"')[n % 3 == 0],
                T0 + timedelta(hours=n),
            )
            for n in range(sessions)
        )
        store.add_feedback(
            Feedback(f"S-{n}", "maria", T0 + timedelta(hours=n, minutes=40), True)
            for n in range(0, sessions, 4)
        )


def everything(path: Path) -> dict[str, Any]:
    with open_store(str(path)) as store:
        return {
            "tutors": store.tutors(),
            "students": store.students(),
            "sessions": store.sessions(),
            "maria": store.sessions(tutor="maria"),
            "ST-2": store.sessions(student='ST-"2"'),
            "feedback": store.latest_feedback(),
            "maria's feedback": store.latest_feedback(tutor="maria"),
            "one": store.session("S-3"),
            "ids": store.session_ids(),
        }


def test_a_file_another_tool_wrote_reads_the_same_and_is_rewritten_in_lines(
    tmp_path: Path,
) -> None:
    ours = tmp_path / "ours.json"
    fill(ours)
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps(json.loads(ours.read_text()), indent=4))

    assert split_blocks(theirs.read_bytes()) is None
    assert everything(theirs) == everything(ours)

    with open_store(str(theirs), write=True) as store:
        store.put_tutors([Tutor("aisha", "Aisha")])

    assert split_blocks(theirs.read_bytes()) is not None
    assert TinyDB(str(theirs)).table("tutors").get(doc_id=3) == {
        "id": "aisha",
        "name": "Aisha",
        "email": "",
        "role": "tutor",
    }


def test_tinydb_reads_what_fbcli_writes_and_fbcli_reads_what_tinydb_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    fill(path)
    before = everything(path)

    db = TinyDB(str(path))
    assert len(db.table("sessions")) == 30
    assert len(db.table("feedback")) == 8
    db.table("tutors").insert({"id": "olga", "name": "Olga", "role": "admin"})
    db.close()

    after = everything(path)
    assert after["tutors"][-1] == Tutor("olga", "Olga", role="admin")
    assert after["sessions"] == before["sessions"]
    assert after["feedback"] == before["feedback"]


def test_a_damaged_line_is_refused_when_read_and_the_file_kept(
    cli: Runner, store_path: Path
) -> None:
    fill(store_path)
    raw = store_path.read_bytes()
    damaged = raw.replace(b'"id":"S-3","tutor":"tom"', b'"id":"S-3","tutor":tom', 1)
    assert damaged != raw
    store_path.write_bytes(damaged)

    result = cli("--as", "tom", "sessions", "--json")

    assert result.code == 5
    assert result.stderr == (
        f"error: {store_path} is not a valid store (table 'sessions' is malformed)\n"
    )
    assert store_path.read_bytes() == damaged


@pytest.mark.parametrize("tutor", ["maria", "tom"])
def test_adding_feedback_appends_without_changing_the_rest(
    tmp_path: Path, tutor: str
) -> None:
    path = tmp_path / "store.json"
    fill(path)
    before = orjson.loads(path.read_bytes())
    wanted = [s for s in everything(path)["sessions"] if s.tutor == tutor]
    pending = [s for s in wanted if s.id not in everything(path)["feedback"]]

    with open_store(str(path), write=True) as store:
        store.add_feedback(
            [Feedback(pending[0].id, tutor, T0 + timedelta(days=3), True)]
        )

    after = orjson.loads(path.read_bytes())
    new_id = str(len(before["feedback"]) + 1)
    assert {**before["feedback"], new_id: after["feedback"][new_id]} == after[
        "feedback"
    ]
    assert {k: v for k, v in after.items() if k not in ("feedback", "meta")} == {
        k: v for k, v in before.items() if k not in ("feedback", "meta")
    }
    blocks = after["meta"]["1"].pop("blocks")
    assert after["meta"] == {"1": {"schema_version": 1}}
    assert (
        blocks["feedback"]["size"] > before["meta"]["1"]["blocks"]["feedback"]["size"]
    )
    assert {k: v for k, v in blocks.items() if k != "feedback"} == {
        k: v for k, v in before["meta"]["1"]["blocks"].items() if k != "feedback"
    }


def test_a_version_already_stored_is_refused_from_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    fill(path)

    with (
        pytest.raises(StoreError, match="version 1 of session S-4 is already"),
        open_store(str(path), write=True) as store,
    ):
        store.add_feedback([Feedback("S-4", "maria", T0 + timedelta(days=3), True)])


def test_lines_edited_by_hand_are_still_found(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    fill(path)
    before = everything(path)
    raw = path.read_bytes()
    edited = raw.replace(b'"id":"S-3","tutor":"tom"', b'"id":"S-3", "tutor": "tom"')
    assert split_blocks(edited) is not None and edited != raw
    path.write_bytes(edited)

    assert everything(path) == before


def test_first_given_times_name_amended_sessions_only(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    fill(path)
    later = T0 + timedelta(days=5)
    with open_store(str(path), write=True) as store:
        store.add_feedback(
            [
                Feedback("S-4", "maria", later, True, version=2),
                Feedback("S-4", "maria", later + timedelta(hours=1), True, version=3),
                Feedback("S-8", "maria", later, True, version=2),
            ]
        )

    with open_store(str(path)) as store:
        assert store.first_given_times() == {
            "S-4": T0 + timedelta(hours=4, minutes=40),
            "S-8": T0 + timedelta(hours=8, minutes=40),
        }


def test_a_block_whose_recorded_length_is_wrong_is_found_by_its_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    fill(path)
    before = everything(path)
    raw = path.read_bytes()
    # An edit that changes a block's length: the name "Maria" becomes longer.
    edited = raw.replace(b'"name":"Maria"', b'"name":"Maria Lopez"')
    blocks = split_blocks(edited)
    assert blocks is not None
    assert blocks["tutors"].checksum is None
    assert blocks["sessions"].checksum is not None
    path.write_bytes(edited)

    after = everything(path)
    assert after["tutors"][0].name == "Maria Lopez"
    assert {k: v for k, v in after.items() if k != "tutors"} == {
        k: v for k, v in before.items() if k != "tutors"
    }
