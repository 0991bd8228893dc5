"""fbcli import fed malformed exports: never a traceback, a documented exit code,
and the store unchanged unless the import succeeded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import Runner

EXIT_CODES = {0, 1, 2, 3, 4, 5}

SCHOOL = {
    "tutors": [
        {"id": "maria", "name": "Maria"},
        {"id": "olga", "name": "Olga", "role": "admin"},
    ],
    "students": [{"id": "ST-1", "name": "Ann"}],
    "sessions": [
        {
            "id": "S-1",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-20T09:00:00+00:00",
        }
    ],
}

# Text without lone surrogates, which no file can hold as UTF-8.
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
odd_text = st.one_of(
    any_text,
    st.sampled_from(["", " ", "\x00", "\x1b[31m", "S-1", "maria", "ST-1", "é" * 70]),
    st.text(st.characters(max_codepoint=0x9F), max_size=10),
)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
times = st.one_of(
    st.datetimes(timezones=offsets).map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "9999-12-31T23:00:00-05:00",
            "9999-12-31T23:50:00+00:00",
            "0001-01-01T00:00:00+05:00",
            "2026-13-01T00:00:00+00:00",
            "2026-11-20",
            "now",
        ]
    ),
    odd_text,
)
odd_value = st.one_of(
    odd_text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(odd_text, st.integers(), max_size=2),
)


def field_values(
    **typical: st.SearchStrategy[Any],
) -> st.SearchStrategy[dict[str, Any]]:
    """Rows whose fields are sometimes right, sometimes odd, sometimes missing."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(strategy, odd_value) for name, strategy in typical.items()
        },
    )


ids = st.sampled_from(["maria", "olga", "ST-1", "S-1", "new", "S-2", "x.y_z-1"])
tutor_rows = field_values(
    id=ids,
    name=odd_text,
    email=odd_text,
    role=st.sampled_from(["tutor", "admin", "boss"]),
)
student_rows = field_values(
    id=ids,
    name=odd_text,
    levels=st.dictionaries(
        st.sampled_from(["fluency", "accuracy", "grammar", ""]),
        st.one_of(st.integers(-3, 14), odd_value),
        max_size=3,
    ),
)
session_rows = field_values(
    id=ids,
    tutor=ids,
    student=ids,
    start=times,
    minutes=st.one_of(st.integers(-5, 700), st.sampled_from(["30", "٣", "²", "1e3"])),
)
exports = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "tutors": st.one_of(
                st.lists(st.one_of(tutor_rows, odd_value), max_size=3), odd_value
            ),
            "students": st.one_of(
                st.lists(st.one_of(student_rows, odd_value), max_size=3), odd_value
            ),
            "sessions": st.one_of(
                st.lists(st.one_of(session_rows, odd_value), max_size=3), odd_value
            ),
            "extra": odd_value,
        },
    ),
    st.recursive(odd_value, lambda inner: st.lists(inner, max_size=3), max_leaves=8),
)


@pytest.fixture
def school_store(cli: Runner, tmp_path: Path) -> Path:
    export = tmp_path / "school.json"
    export.write_text(json.dumps(SCHOOL))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    return tmp_path


def import_and_check(cli: Runner, folder: Path, name: str, content: bytes) -> int:
    """Import one file and check the promises; the exit code, for more checks."""
    store = folder / "store.json"
    export = folder / name
    export.write_bytes(content)
    before = store.read_bytes()

    result = cli("import", str(export))

    assert result.code in EXIT_CODES
    assert "Traceback" not in result.stderr
    if result.code != 0:
        assert store.read_bytes() == before
        assert result.stderr.splitlines()[-1].startswith("error: ")
    assert cli("doctor").code in (0, 1), "an import left a store doctor rejects"
    return result.code


FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(export=exports)
def test_json_exports_of_any_shape(
    cli: Runner, school_store: Path, export: Any
) -> None:
    import_and_check(cli, school_store, "export.json", json.dumps(export).encode())


@FAST
@given(raw=st.binary(max_size=200))
@example(raw=b"")
@example(raw=b'{"tutors": [' * 2000)
@example(raw=b'{"sessions": [{"id": 1e999}]}')
@example(raw=b"\xff\xfe{}")
def test_json_exports_that_are_not_json(
    cli: Runner, school_store: Path, raw: bytes
) -> None:
    import_and_check(cli, school_store, "export.json", raw)


csv_cells = st.one_of(
    odd_text, times, ids, st.sampled_from(['"', '""', "a,b", "line\nbreak", "\r", "30"])
)
csv_headers = st.one_of(
    st.just("id,tutor,student,start,minutes"),
    st.just("id,tutor,student,start"),
    st.just("\ufeffid, tutor ,student,start,minutes"),
    st.lists(csv_cells, max_size=6).map(",".join),
)


def csv_line(cells: list[str], quote: bool) -> str:
    if quote:
        cells = ['"' + cell.replace('"', '""') + '"' for cell in cells]
    return ",".join(cells)


@FAST
@given(
    header=csv_headers,
    rows=st.lists(
        st.tuples(st.lists(csv_cells, max_size=7), st.booleans()), max_size=4
    ),
)
def test_csv_rows_of_any_shape(
    cli: Runner, school_store: Path, header: str, rows: list[tuple[list[str], bool]]
) -> None:
    text = "\n".join([header, *(csv_line(cells, quote) for cells, quote in rows)])

    import_and_check(cli, school_store, "sessions.csv", text.encode())


@FAST
@given(raw=st.binary(max_size=200))
@example(raw=b"id,tutor,student,start\n\x00,\x00,\x00,\x00")
@example(raw=b"\xff")
def test_csv_files_of_any_bytes(cli: Runner, school_store: Path, raw: bytes) -> None:
    import_and_check(cli, school_store, "sessions.csv", raw)


def session_csv(start: str, cell: str = "S-2") -> bytes:
    return f"id,tutor,student,start\n{cell},maria,ST-1,{start}\n".encode()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (session_csv("9999-12-31T23:00:00-05:00"), "line 2: start"),
        (session_csv("0001-01-01T00:00:00+05:00"), "line 2: start"),
        (session_csv("9999-12-31T23:50:00+00:00"), "out of range"),
        (session_csv("2026-11-20T09:00:00+00:00", "x" * 200_000), "field larger"),
        (b"\rid,tutor,student,start\n", "line 1"),
    ],
    ids=[
        "utc-after-year-9999",
        "utc-before-year-1",
        "end-after-year-9999",
        "huge-cell",
        "carriage-return-in-header",
    ],
)
def test_rows_that_once_gave_a_traceback_are_refused(
    cli: Runner, school_store: Path, content: bytes, said: str
) -> None:
    code = import_and_check(cli, school_store, "sessions.csv", content)

    assert code == 1
    assert said in cli("import", str(school_store / "sessions.csv")).stderr


def test_a_session_near_the_end_of_time_cannot_break_pending(
    cli: Runner, school_store: Path
) -> None:
    (school_store / "late.csv").write_bytes(session_csv("9998-12-31T23:50:00+00:00"))
    assert cli("import", str(school_store / "late.csv")).code == 0

    result = cli("--as", "maria", "pending")
    listed = cli("--as", "maria", "sessions", "--json")

    assert result.code == 0
    assert listed.code == 0
    assert datetime.fromisoformat(json.loads(listed.stdout)[-1]["start"]).year == 9998
