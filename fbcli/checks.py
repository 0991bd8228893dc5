"""Checking a store file: what is wrong with it, and whether fbcli can still use it.

Nothing here writes. The file is read as bytes, not through the store's
loader, so that a store the loader refuses can still be described; the
writers' lock is only tried, on a descriptor opened for reading.

``check_data`` and the functions it calls are pure: parsed JSON in, findings
out.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from fbcli.store.atomic import leftover_temps
from fbcli.store.base import SCHEMA_VERSION
from fbcli.store.records import FIELDS, MalformedRecord, check_record

Level = Literal["error", "warning"]

# The same names as the JSON store's; kept here so that checking a store does
# not load TinyDB.
TABLES = ("meta", "tutors", "students", "sessions", "feedback", "plan_changes")

# Past this many findings of one kind, the rest are counted, not listed.
MAX_LISTED = 10

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a store; an error means fbcli cannot use it."""

    level: Level
    check: str
    message: str


@dataclass
class Checkup:
    """Everything found about one store file."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)

    @property
    def healthy(self) -> bool:
        return not self.findings

    def add(self, level: Level, check: str, message: str) -> None:
        self.findings.append(Finding(level, check, message))


# Checks of parsed data: pure.


def check_data(
    data: Any, goal_ids: Collection[str]
) -> tuple[list[Finding], dict[str, int]]:
    """Findings about a parsed store, and how many records each table holds."""
    shape = check_shape(data)
    if shape:
        return shape, {}
    counts = {name: len(data.get(name, {})) for name in TABLES if name != "meta"}
    records = check_records(data)
    if records:
        return records, counts
    findings = check_unknown_tables(data)
    findings += check_duplicates(data)
    findings += check_references(data, goal_ids)
    findings += check_versions(data)
    return findings, counts


def check_shape(data: Any) -> list[Finding]:
    """The store's frame: an object of tables, each an object of records, a version."""
    if not isinstance(data, dict):
        kind = _json_kind(data)
        return [_error("shape", f"the top level is {kind}, not an object of tables")]
    findings = []
    for name, table in data.items():
        if not isinstance(table, dict):
            kind = _json_kind(table)
            findings.append(
                _error("shape", f"table {name!r} is {kind}, not an object of records")
            )
        elif not all(isinstance(record, dict) for record in table.values()):
            findings.append(
                _error("shape", f"table {name!r} holds records that are not objects")
            )
    if findings:
        return findings
    meta = list(data.get("meta", {}).values())
    version = meta[0].get("schema_version") if meta else None
    if version is None:
        return [_error("schema", "no schema version: this is not an fbcli store")]
    if version != SCHEMA_VERSION:
        return [
            _error(
                "schema",
                f"schema version {version!r}; this fbcli reads version "
                f"{SCHEMA_VERSION} only (a newer fbcli may read it)",
            )
        ]
    return []


def check_records(data: dict[str, dict[str, Record]]) -> list[Finding]:
    """Every record must read as what its table holds, or commands would fail on it."""
    problems = []
    for name in FIELDS:
        for doc_id, record in data.get(name, {}).items():
            try:
                check_record(name, record)
            except MalformedRecord as problem:
                problems.append(f"{name} record {doc_id}: {problem}")
    return _listed("error", "records", problems, "malformed records")


def check_unknown_tables(data: dict[str, Any]) -> list[Finding]:
    unknown = sorted(set(data) - set(TABLES))
    if not unknown:
        return []
    names = ", ".join(repr(name) for name in unknown)
    return [_warning("shape", f"tables fbcli does not know (ignored): {names}")]


def check_duplicates(data: dict[str, dict[str, Record]]) -> list[Finding]:
    problems = []
    for name in ("tutors", "students", "sessions"):
        ids = Counter(record["id"] for record in data.get(name, {}).values())
        problems += [
            f"{name}: id {key!r} is stored {count} times"
            for key, count in ids.items()
            if count > 1
        ]
    return _listed("warning", "duplicates", problems, "duplicated ids")


def check_references(
    data: dict[str, dict[str, Record]], goal_ids: Collection[str]
) -> list[Finding]:
    """Records that name a tutor, student, session or goal the store does not hold."""
    tutors = {record["id"] for record in data.get("tutors", {}).values()}
    students = {record["id"] for record in data.get("students", {}).values()}
    sessions = {record["id"] for record in data.get("sessions", {}).values()}
    goals = set(goal_ids)
    problems = []
    for record in data.get("sessions", {}).values():
        if record["tutor"] not in tutors:
            problems.append(
                f"session {record['id']!r} names unknown tutor {record['tutor']!r}"
            )
        if record["student"] not in students:
            problems.append(
                f"session {record['id']!r} names unknown student {record['student']!r}"
            )
    for record in data.get("feedback", {}).values():
        where = f"feedback v{record.get('version', 1)} on session {record['session']!r}"
        if record["session"] not in sessions:
            problems.append(f"{where}: no such session")
        if record["tutor"] not in tutors:
            problems.append(f"{where}: unknown tutor {record['tutor']!r}")
        if record.get("goal") is not None and record["goal"] not in goals:
            problems.append(f"{where}: goal {record['goal']!r} is not in the catalog")
    for record in data.get("plan_changes", {}).values():
        where = f"plan change of {record['student']!r}"
        if record["student"] not in students:
            problems.append(f"{where}: unknown student")
        if record["goal"] not in goals:
            problems.append(f"{where}: goal {record['goal']!r} is not in the catalog")
    return _listed("warning", "references", problems, "orphaned references")


def check_versions(data: dict[str, dict[str, Record]]) -> list[Finding]:
    """Each session's feedback versions must run 1, 2, 3 ... with none twice."""
    by_session: dict[str, list[int]] = defaultdict(list)
    for record in data.get("feedback", {}).values():
        by_session[record["session"]].append(int(record.get("version", 1)))
    problems = []
    for session, versions in sorted(by_session.items()):
        twice = sorted(v for v, n in Counter(versions).items() if n > 1)
        missing = sorted(set(range(1, max(versions) + 1)) - set(versions))
        if twice:
            listed = ", ".join(map(str, twice))
            problems.append(f"feedback on {session!r}: version {listed} stored twice")
        if missing:
            listed = ", ".join(map(str, missing))
            problems.append(f"feedback on {session!r}: version {listed} missing")
    return _listed("warning", "versions", problems, "feedback version gaps")


def _listed(level: Level, check: str, problems: list[str], what: str) -> list[Finding]:
    findings = [Finding(level, check, problem) for problem in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        rest = len(problems) - MAX_LISTED
        findings.append(Finding(level, check, f"... and {rest} more {what}"))
    return findings


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return "an object"


def _error(check: str, message: str) -> Finding:
    return Finding("error", check, message)


def _warning(check: str, message: str) -> Finding:
    return Finding("warning", check, message)


# Checks of the file and its folder: they look, never touch.


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def check_store(path: Path, goal_ids: Collection[str]) -> Checkup:
    """Check the store file at ``path``: access, lock, leftovers, then its data."""
    checkup = Checkup(path)
    raw = read_bytes(path, checkup)
    check_folder(path, checkup)
    if raw is None:
        return checkup
    check_permissions(path, checkup)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as problem:
        checkup.add("error", "json", f"not valid JSON: {_describe_json(raw, problem)}")
        return checkup
    findings, checkup.counts = check_data(data, goal_ids)
    checkup.findings += findings
    return checkup


def read_bytes(path: Path, checkup: Checkup) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        checkup.add(
            "error", "readable", f"no store at {path}; create one with 'fbcli init'"
        )
    except IsADirectoryError:
        checkup.add("error", "readable", f"{path} is a folder, not a store file")
    except PermissionError:
        checkup.add(
            "error",
            "readable",
            f"cannot read {path}: permission denied (its owner can 'chmod 600' it)",
        )
    except OSError as problem:
        checkup.add("error", "readable", f"cannot read {path}: {problem.strerror}")
    return None


def check_permissions(path: Path, checkup: Checkup) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        checkup.add(
            "warning",
            "permissions",
            f"{path} is open to other users (mode {mode:04o}); it holds students' "
            f"personal data: chmod 600 {path}",
        )
    if not os.access(path, os.W_OK):
        checkup.add(
            "error",
            "permissions",
            f"cannot write {path}: permission denied; commands that save would fail",
        )


def check_folder(path: Path, checkup: Checkup) -> None:
    """What a writer needs beside the file: a writable folder and a free lock."""
    folder = path.parent
    if not folder.is_dir():
        return
    if not os.access(folder, os.W_OK | os.X_OK):
        checkup.add(
            "error",
            "permissions",
            f"the folder {folder} is not writable; commands that save would fail",
        )
    check_lock(lock_path(path), checkup)
    leftovers = [p.name for p in leftover_temps(path)]
    if leftovers:
        checkup.add(
            "warning",
            "temp-files",
            f"{len(leftovers)} temporary files left by an interrupted write "
            f"({', '.join(leftovers[:3])}{', ...' if len(leftovers) > 3 else ''}); "
            "the next command that saves removes them",
        )


def check_lock(lock: Path, checkup: Checkup) -> None:
    """Try the writers' lock without waiting, and let it go at once."""
    import fcntl

    if not lock.exists():
        return
    if not os.access(lock, os.W_OK):
        checkup.add(
            "error",
            "lock",
            f"cannot take the lock {lock}: permission denied; "
            "commands that save would fail",
        )
        return
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError as problem:
        checkup.add("error", "lock", f"cannot open the lock {lock}: {problem.strerror}")
        return
    try:
        # A shared lock is refused while a writer holds its exclusive one.
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as problem:
        if problem.errno not in (errno.EACCES, errno.EAGAIN):
            checkup.add(
                "error", "lock", f"cannot try the lock {lock}: {problem.strerror}"
            )
            return
        checkup.add(
            "warning",
            "lock",
            "another fbcli command holds the lock now; commands that save wait "
            "for it (a lock dies with its process, so it never stays stale)",
        )
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _describe_json(raw: bytes, problem: orjson.JSONDecodeError) -> str:
    if not raw.strip():
        return "the file is empty" if not raw else "the file holds only white space"
    if b"\x00" in raw:
        return f"it holds NUL bytes ({problem.msg} at byte {problem.pos})"
    return f"{problem.msg} at byte {problem.pos} of {len(raw)}"


def describe(findings: Iterable[Finding]) -> list[str]:
    """One line per finding, as doctor prints them, errors first."""
    ordered = sorted(findings, key=lambda finding: finding.level != "error")
    return [f"{finding.level}: {finding.message}" for finding in ordered]
