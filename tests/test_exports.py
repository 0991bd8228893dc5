"""CSV cells a spreadsheet cannot run, files written whole, Markdown made inert."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fbcli.errors import RuleBroken
from fbcli.exports import (
    FORMULA_STARTS,
    OutputExists,
    csv_cell,
    csv_text,
    md_text,
    write_file,
)

pytestmark = pytest.mark.every_backend


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        pytest.param("=SUM(A1:A9)", "'=SUM(A1:A9)", id="equals"),
        pytest.param("+44 20 7946", "'+44 20 7946", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus"),
        pytest.param("@cmd|' /C calc'!A0", "'@cmd|' /C calc'!A0", id="at"),
        pytest.param("\t=1+1", "'\t=1+1", id="tab"),
        pytest.param("\r=1+1", "'\r=1+1", id="carriage-return"),
        pytest.param('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', id="link"),
    ],
)
def test_text_that_starts_like_a_formula_is_neutralised(text: str, cell: str) -> None:
    assert csv_cell(text) == cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        pytest.param("zoom", "zoom", id="plain-text"),
        pytest.param("a=b", "a=b", id="equals-inside"),
        pytest.param("", "", id="empty-text"),
        pytest.param(None, "", id="none"),
        pytest.param(-3, "-3", id="negative-int"),
        pytest.param(-1.5, "-1.5", id="negative-float"),
        pytest.param(0.1348, "0.1348", id="rate"),
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
    ],
)
def test_other_cells_are_written_as_they_are(value: object, cell: str) -> None:
    assert csv_cell(value) == cell  # type: ignore[arg-type]


@given(st.text())
def test_no_text_cell_starts_like_a_formula(text: str) -> None:
    cell = csv_cell(text)

    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


def test_csv_text_round_trips_through_a_csv_reader() -> None:
    text = csv_text(("name", "count"), [("=evil", 3), ("plain, with comma", -2)])

    rows = list(csv.reader(io.StringIO(text)))

    assert rows == [["name", "count"], ["'=evil", "3"], ["plain, with comma", "-2"]]


def test_write_file_refuses_to_replace_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("kept\n")

    with pytest.raises(OutputExists) as refused:
        write_file(target, "new\n", force=False)

    assert refused.value.exit_code == 1
    assert target.read_text() == "kept\n"
    assert list(tmp_path.iterdir()) == [target]


def test_write_file_replaces_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    write_file(target, "new\n", force=True)

    assert target.read_text() == "new\n"
    assert list(tmp_path.iterdir()) == [target]


def test_write_file_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.csv"

    with pytest.raises(RuleBroken, match="does not exist"):
        write_file(target, "x\n", force=False)


def test_write_file_leaves_nothing_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"

    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", fail)
    with pytest.raises(KeyboardInterrupt):
        write_file(target, "x\n", force=False)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param(
            "<script>alert(1)</script>", r"\<script\>alert(1)\</script\>", id="html"
        ),
        pytest.param("**bold** _it_", r"\*\*bold\*\* \_it\_", id="emphasis"),
        pytest.param("[link](http://x)", r"\[link\](http://x)", id="link"),
        pytest.param("line one\nline two", "line one  \nline two", id="line-break"),
        pytest.param("bell\x07 and \x1b[31mred", r"bell and \[31mred", id="control"),
    ],
)
def test_markdown_text_is_inert(text: str, shown: str) -> None:
    assert md_text(text) == shown
