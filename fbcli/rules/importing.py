"""Checking the school's exports before anything is loaded.

Every bad row is reported, with where it is; the caller loads nothing when
any row is bad.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fbcli.rules.model import Rubric, Session, Student, Tutor, parse_time

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CSV_HEADER = ("id", "tutor", "student", "start", "minutes")
LAST_YEAR = 9999


@dataclass
class ImportBatch:
    """What a file holds, where each item was read, and what is wrong with it.

    ``rows`` names the row of every item read, list by list ("tutors",
    "students", "sessions"), so that a problem found later, such as a session
    naming an unknown tutor, is still reported at its row.
    """

    tutors: list[Tutor] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    rows: dict[str, list[str]] = field(default_factory=dict)
    found: list[tuple[str, str]] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        """Every problem as 'row: what is wrong', in the order of the file's rows."""
        ranked = sorted(self.found, key=lambda found: self.order[found[0]])
        return [f"{row}: {problem}" for row, problem in ranked]

    def add_problem(self, row: str, problem: str) -> None:
        self.order.setdefault(row, len(self.order))
        self.found.append((row, problem))

    def add(self, key: str, item: Tutor | Student | Session, row: str) -> None:
        self.order.setdefault(row, len(self.order))
        getattr(self, key).append(item)
        self.rows.setdefault(key, []).append(row)

    def row_of(self, key: str, number: int, item_id: str) -> str:
        """Where the ``number``-th item of a list was read."""
        rows = self.rows.get(key, [])
        return rows[number] if number < len(rows) else f"{key[:-1]} {item_id!r}"


def parse_json_export(
    data: Any, rubric: Rubric, session_minutes: int = 30
) -> ImportBatch:
    """The lists of a JSON export; rows are named like ``sessions[3]``, from 1."""
    batch = ImportBatch()
    if not isinstance(data, dict):
        batch.add_problem("file", "the top level must be an object")
        return batch
    unknown = set(data) - {"tutors", "students", "sessions"}
    if unknown:
        batch.add_problem("file", "unknown lists: " + ", ".join(sorted(unknown)))
    for key, reader in (
        ("tutors", _tutor),
        ("students", _student),
        ("sessions", partial(_session, default_minutes=session_minutes)),
    ):
        rows = data.get(key, [])
        if not isinstance(rows, list):
            batch.add_problem(key, "must be a list")
            continue
        for number, row in enumerate(rows, start=1):
            where = f"{key}[{number}]"
            try:
                if not isinstance(row, dict):
                    raise ValueError("must be an object")
                item = reader(row, rubric)
            except (ValueError, TypeError, KeyError) as problem:
                batch.add_problem(where, _describe(problem))
                continue
            batch.add(key, item, where)
    return batch


def parse_csv_sessions(text: str, session_minutes: int = 30) -> ImportBatch:
    """Sessions from a CSV file; rows are named by their line, the header being 1."""
    batch = ImportBatch()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = tuple(name.strip() for name in reader.fieldnames or ())
    except csv.Error as problem:
        batch.add_problem("line 1", str(problem))
        return batch
    if header not in (CSV_HEADER, CSV_HEADER[:4]):
        batch.add_problem("line 1", "the header must be " + ",".join(CSV_HEADER))
        return batch
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            try:
                if None in row or any(value is None for value in row.values()):
                    raise ValueError("wrong number of cells")
                fields = {k.strip(): (v or "").strip() for k, v in row.items()}
                if not fields.get("minutes"):
                    fields.pop("minutes", None)
                session = _session(fields, None, default_minutes=session_minutes)
                batch.add("sessions", session, where)
            except (ValueError, TypeError, KeyError) as problem:
                batch.add_problem(where, _describe(problem))
    except csv.Error as problem:
        # A cell too long to read, for one: the rest of the file cannot be read.
        batch.add_problem(f"line {reader.line_num}", str(problem))
    return batch


def check_references(
    batch: ImportBatch, tutor_ids: Collection[str], student_ids: Collection[str]
) -> None:
    """Sessions must name tutors and students that exist, in the store or the batch."""
    tutors = set(tutor_ids) | {t.id for t in batch.tutors}
    students = set(student_ids) | {s.id for s in batch.students}
    lists: tuple[tuple[str, list[Tutor] | list[Student] | list[Session]], ...] = (
        ("tutors", batch.tutors),
        ("students", batch.students),
        ("sessions", batch.sessions),
    )
    for key, items in lists:
        first_row: dict[str, str] = {}
        for number, item_id in enumerate(item.id for item in items):
            row = batch.row_of(key, number, item_id)
            if item_id in first_row:
                batch.add_problem(
                    row,
                    f"{key[:-1]} {item_id!r} appears more than once "
                    f"(first at {first_row[item_id]})",
                )
            first_row.setdefault(item_id, row)
    for number, session in enumerate(batch.sessions):
        row = batch.row_of("sessions", number, session.id)
        if session.tutor not in tutors:
            batch.add_problem(row, f"unknown tutor {session.tutor!r}")
        if session.student not in students:
            batch.add_problem(row, f"unknown student {session.student!r}")


def _text(row: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"{key} is missing")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    if any(ord(c) < 32 for c in value):
        raise ValueError(f"{key} holds control characters")
    return value.strip()


def _id(row: dict[str, Any], key: str = "id") -> str:
    value = _text(row, key)
    if not ID_PATTERN.match(value):
        raise ValueError(f"{key} {value!r} is not a valid id (letters, digits, . _ -)")
    return value


def _tutor(row: dict[str, Any], rubric: Rubric) -> Tutor:
    role = row.get("role", "tutor")
    if role not in ("tutor", "admin"):
        raise ValueError(f"role must be tutor or admin, not {role!r}")
    return Tutor(
        _id(row), _text(row, "name"), _text(row, "email", required=False), role
    )


def _student(row: dict[str, Any], rubric: Rubric) -> Student:
    levels = row.get("levels") or {}
    if not isinstance(levels, dict):
        raise ValueError("levels must be an object")
    checked: dict[str, int] = {}
    for parameter, level in levels.items():
        if parameter not in rubric.parameters:
            raise ValueError(
                f"unknown parameter {parameter!r} (known: {', '.join(rubric.parameters)})"
            )
        if isinstance(level, bool) or not isinstance(level, int):
            raise ValueError(f"level of {parameter} must be a whole number")
        if not rubric.lowest <= level <= rubric.highest:
            raise ValueError(
                f"level of {parameter} must be {rubric.lowest} to {rubric.highest}"
            )
        checked[parameter] = level
    return Student(_id(row), _text(row, "name"), checked)


def _session(
    row: dict[str, Any], rubric: Rubric | None, default_minutes: int = 30
) -> Session:
    start_text = _text(row, "start")
    try:
        start = parse_time(start_text)
    except ValueError:
        raise ValueError(
            f"start {start_text!r} is not an ISO 8601 time with an offset"
        ) from None
    if start.year >= LAST_YEAR:
        # Ends, deadlines and fines are counted from the start and must be times too.
        raise ValueError(f"start {start_text!r} is out of range")
    minutes: Any = row.get("minutes", default_minutes)
    if isinstance(minutes, str):
        if not minutes.isdigit():
            raise ValueError(f"minutes {minutes!r} is not a whole number")
        minutes = int(minutes)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= 600
    ):
        raise ValueError("minutes must be a whole number from 1 to 600")
    return Session(_id(row), _id(row, "tutor"), _id(row, "student"), start, minutes)


def _describe(problem: Exception) -> str:
    if isinstance(problem, KeyError):
        return f"{problem.args[0]} is missing"
    return str(problem)
