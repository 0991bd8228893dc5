"""Feedback for many sessions from one file: CSV with a header, or JSON lines.

One row per session: a ``session`` column and one column per long flag of
``fbcli give``, named without its dashes (``language_seen`` or
``language-seen``). Every row is read before anything is decided, and each
problem is kept with its line number and the exit code it would have alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from fbcli.errors import FbcliError, RuleBroken
from fbcli.rules.evaluation import parse_evaluation, parse_move
from fbcli.rules.feedback import Answers

BOOLEAN_COLUMNS = (
    "completed",
    "student_missed",
    "tech_issues",
    "great_work",
    "add_to_plan",
)
TEXT_COLUMNS = (
    "reason",
    "note",
    "platform",
    "goal",
    "doing_great",
    "focus",
    "language_seen",
    "follow_up",
    "comments",
)
COLUMNS = ("session", "eval", *BOOLEAN_COLUMNS, *TEXT_COLUMNS)
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    session: str
    answers: Answers


class Problem(NamedTuple):
    """What is wrong on one line of the file, and the exit code it calls for."""

    line: int
    message: str
    exit_code: int = RuleBroken.exit_code

    @classmethod
    def of(cls, line: int, error: FbcliError) -> Problem:
        return cls(line, error.message, error.exit_code)


@dataclass
class RowsRead:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def shared_exit_code(problems: Iterable[Problem]) -> int:
    """A file's exit code: the one every problem shares (all 3, or all 4), else 1."""
    codes = {problem.exit_code for problem in problems}
    return codes.pop() if len(codes) == 1 else RuleBroken.exit_code


def column_name(header: str) -> str:
    return header.strip().lstrip("-").replace("-", "_").casefold()


def read_rows(text: str, *, json_lines: bool) -> RowsRead:
    """Every row of the file as answers, or the problems, each with its line.

    A file whose first row is a JSON object is read as JSON lines whatever
    its name: no CSV header starts with a brace.
    """
    if json_lines or text.lstrip().startswith("{"):
        return read_json_lines(text)
    return read_csv(text)


def read_csv(text: str) -> RowsRead:
    found = RowsRead()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        found.problems.append(Problem(1, "the file is empty; it needs a header row"))
        return found
    names = [column_name(h) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    if unknown:
        found.problems.append(Problem(1, _unknown_columns(unknown)))
        return found
    if "session" not in names:
        found.problems.append(Problem(1, "the header has no 'session' column"))
        return found
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            found.problems.append(
                Problem(line, f"{len(cells)} cells where the header has {len(names)}")
            )
            continue
        values = {n: c for n, c in zip(names, cells, strict=True) if c.strip()}
        _add_row(found, line, values)
    return found


def read_json_lines(text: str) -> RowsRead:
    found = RowsRead()
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = orjson.loads(raw)
        except orjson.JSONDecodeError:
            found.problems.append(Problem(line, "not a JSON object"))
            continue
        if not isinstance(item, dict):
            found.problems.append(Problem(line, "not a JSON object"))
            continue
        values = {column_name(str(k)): v for k, v in item.items() if v is not None}
        unknown = [k for k in values if k not in COLUMNS]
        if unknown:
            found.problems.append(Problem(line, _unknown_columns(unknown)))
            continue
        _add_row(found, line, values)
    return found


def _add_row(found: RowsRead, line: int, values: dict[str, Any]) -> None:
    try:
        session = _text(values.pop("session", None), "session")
        if not session:
            raise ValueError("no session")
        found.rows.append(Row(line, session, answers_from_values(values)))
    except FbcliError as error:
        found.problems.append(Problem.of(line, error))
    except ValueError as error:
        found.problems.append(Problem(line, str(error)))


def answers_from_values(values: dict[str, Any]) -> Answers:
    answers = Answers()
    for name, value in values.items():
        if name == "eval":
            answers.evaluation = _evaluation(value)
        elif name in BOOLEAN_COLUMNS:
            setattr(answers, name, _boolean(value, name))
        else:
            setattr(answers, name, _text(value, name))
    return answers


def _boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _text(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{name} must be text, not {value!r}")


def _evaluation(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return dict(parse_move(f"{k}={v}") for k, v in value.items())
    return parse_evaluation(_text(value, "eval"))


def _unknown_columns(names: list[str]) -> str:
    known = ", ".join(COLUMNS)
    return f"unknown columns: {', '.join(names)} (known: {known})"
