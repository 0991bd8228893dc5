"""fbcli give --from fed files of any shape: never a traceback, a documented exit
code, no terminal code echoed back, and the store unchanged unless all was saved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from fbcli.store import open_store
from tests.conftest import Runner
from tests.test_reliability_concurrency import load_school, school
from tests.test_security_give_input import EXIT_CODES, odd_text

GOOD = {
    "completed": "true",
    "platform": "zoom",
    "eval": "fluency=+;accuracy==",
    "goal": "narrative-tenses",
    "add_to_plan": "true",
    "focus": "Narrative tenses",
    "language_seen": "had been -ing",
    "follow_up": "Past perfect drills",
}
# JSON lines take true and false as JSON does.
GOOD_JSON = {**GOOD, "completed": True, "add_to_plan": True}
COLUMNS = [
    "session",
    *GOOD,
    "not_completed",
    "reason",
    "student_missed",
    "tech_issues",
    "note",
    "great_work",
    "doing_great",
    "comments",
    "colour",
    "",
]
sessions = st.one_of(
    st.sampled_from(["t0-0", "t0-1", "t0-2", "t1-0", "S-404"]), odd_text
)
odd_value = st.one_of(
    odd_text,
    st.sampled_from(
        ["true", "false", "yes", "0", "fluency=+;x=1", "=;=", ";", "fluency=²"]
    ),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(odd_text, st.integers(), max_size=2),
)


@st.composite
def rows(draw: st.DrawFn, good: dict[str, Any] = GOOD) -> dict[str, Any]:
    """A row that is right, or right but for a few answers, or anything at all."""
    row: dict[str, Any] = {"session": draw(sessions)}
    if draw(st.booleans()):
        row.update(good)
    for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=4)):
        if draw(st.booleans()):
            row.pop(column, None)
        else:
            row[column] = draw(odd_value)
    return row


@pytest.fixture
def giving_store(cli: Runner, store_path: Path, tmp_path: Path) -> Path:
    load_school(cli, tmp_path, school(tutors=2, per_tutor=3))
    return store_path


def give_from_and_check(cli: Runner, store: Path, name: str, content: bytes) -> None:
    batch = store.parent / name
    batch.write_bytes(content)
    before = store.read_bytes()

    result = cli("--as", "t0", "give", "--no-input", "--from", str(batch))

    event(f"exit {result.code}")
    assert result.code in EXIT_CODES, result
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    if result.code != 0:
        assert store.read_bytes() == before
        assert result.stderr.splitlines()[-1].startswith("error: ")
    else:
        with open_store(str(store)) as saved:
            assert saved.session_ids()
    assert cli("doctor").code in (0, 1), "give --from left a store doctor rejects"


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(lines=st.lists(st.one_of(rows(GOOD_JSON), odd_value), max_size=4))
def test_json_lines_of_any_shape(
    cli: Runner, giving_store: Path, lines: list[Any]
) -> None:
    text = "\n".join(json.dumps(line) for line in lines)

    give_from_and_check(cli, giving_store, "batch.jsonl", text.encode())


@SETTINGS
@given(
    header=st.lists(st.sampled_from(COLUMNS), max_size=10),
    lines=st.lists(rows(), max_size=4),
)
def test_csv_rows_of_any_shape(
    cli: Runner, giving_store: Path, header: list[str], lines: list[dict[str, Any]]
) -> None:
    columns = header or sorted({column for line in lines for column in line})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(
        [str(line.get(column, "")) for column in columns] for line in lines
    )

    give_from_and_check(cli, giving_store, "batch.csv", buffer.getvalue().encode())


@SETTINGS
@given(raw=st.binary(max_size=200), suffix=st.sampled_from([".csv", ".jsonl"]))
@example(raw=b"session\nt0-0\x00\n", suffix=".csv")
@example(raw=b"\xff\xfe", suffix=".csv")
@example(raw=b'{"session": "t0-0"' * 500, suffix=".jsonl")
@example(raw=b"[" * 5000, suffix=".jsonl")
def test_files_of_any_bytes(
    cli: Runner, giving_store: Path, raw: bytes, suffix: str
) -> None:
    give_from_and_check(cli, giving_store, "batch" + suffix, raw)


@st.composite
def almost_good_files(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Rows that would be saved, but for at most one odd or missing answer."""
    count = draw(st.integers(1, 3))
    lines = [{"session": f"t0-{n}", **GOOD_JSON} for n in range(count)]
    if draw(st.booleans()):
        line = draw(st.sampled_from(lines))
        column = draw(st.sampled_from(COLUMNS))
        if draw(st.booleans()):
            line.pop(column, None)
        else:
            line[column] = draw(odd_value)
    return lines


def as_csv(lines: list[dict[str, Any]]) -> str:
    columns = sorted({column for line in lines for column in line})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    for line in lines:
        writer.writerow(
            {
                key: str(value).lower() if isinstance(value, bool) else value
                for key, value in line.items()
            }
        )
    return buffer.getvalue()


@SETTINGS
@given(lines=almost_good_files(), as_json_lines=st.booleans())
def test_files_with_at_most_one_odd_answer(
    cli: Runner, giving_store: Path, lines: list[dict[str, Any]], as_json_lines: bool
) -> None:
    if as_json_lines:
        content = "\n".join(json.dumps(line) for line in lines)
    else:
        content = as_csv(lines)

    give_from_and_check(
        cli,
        giving_store,
        "batch.jsonl" if as_json_lines else "batch.csv",
        content.encode(),
    )
