"""Checking the school's exports before anything is loaded.

Every bad row is reported, with where it is; the caller loads nothing when
any row is bad.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from fbcli.rules.model import Rubric, Session, Student, Tutor, parse_time

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CSV_HEADER = ("id", "tutor", "student", "start", "minutes")
LAST_YEAR = 9999


@dataclass
class ImportBatch:
    tutors: list[Tutor] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_json_export(data: Any, rubric: Rubric) -> ImportBatch:
    batch = ImportBatch()
    if not isinstance(data, dict):
        batch.problems.append("the file's top level must be an object")
        return batch
    unknown = set(data) - {"tutors", "students", "sessions"}
    if unknown:
        batch.problems.append("unknown lists: " + ", ".join(sorted(unknown)))
    for key, reader in (
        ("tutors", _tutor),
        ("students", _student),
        ("sessions", _session),
    ):
        rows = data.get(key, [])
        if not isinstance(rows, list):
            batch.problems.append(f"{key}: must be a list")
            continue
        for number, row in enumerate(rows, start=1):
            where = f"{key}[{number}]"
            try:
                if not isinstance(row, dict):
                    raise ValueError("must be an object")
                item = reader(row, rubric)
            except (ValueError, TypeError, KeyError) as problem:
                batch.problems.append(f"{where}: {_describe(problem)}")
                continue
            getattr(batch, key).append(item)
    return batch


def parse_csv_sessions(text: str) -> ImportBatch:
    batch = ImportBatch()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = tuple(name.strip() for name in reader.fieldnames or ())
    except csv.Error as problem:
        batch.problems.append(f"line 1: {problem}")
        return batch
    if header not in (CSV_HEADER, CSV_HEADER[:4]):
        batch.problems.append("line 1: the header must be " + ",".join(CSV_HEADER))
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
                batch.sessions.append(_session(fields, None))
            except (ValueError, TypeError, KeyError) as problem:
                batch.problems.append(f"{where}: {_describe(problem)}")
    except csv.Error as problem:
        # A cell too long to read, for one: the rest of the file cannot be read.
        batch.problems.append(f"line {reader.line_num}: {problem}")
    return batch


def check_references(
    batch: ImportBatch, tutor_ids: Collection[str], student_ids: Collection[str]
) -> None:
    """Sessions must name tutors and students that exist, in the store or the batch."""
    tutors = set(tutor_ids) | {t.id for t in batch.tutors}
    students = set(student_ids) | {s.id for s in batch.students}
    for kind, items in (
        ("tutor", batch.tutors),
        ("student", batch.students),
        ("session", batch.sessions),
    ):
        for duplicate in _duplicates(item.id for item in items):
            batch.problems.append(f"{kind} {duplicate!r} appears more than once")
    for session in batch.sessions:
        if session.tutor not in tutors:
            batch.problems.append(
                f"session {session.id}: unknown tutor {session.tutor!r}"
            )
        if session.student not in students:
            batch.problems.append(
                f"session {session.id}: unknown student {session.student!r}"
            )


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in ids:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


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


def _session(row: dict[str, Any], rubric: Rubric | None) -> Session:
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
    minutes: Any = row.get("minutes", 30)
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
