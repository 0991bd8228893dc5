"""What a stored record of each table must hold for commands to read it.

Blocks fbcli wrote, and that still have their checksum, hold only records it
made from its own values; anything else read from a file (a table edited by
hand or by another tool) is checked here first, so that a command never
stumbles over a record halfway through. ``fbcli doctor`` uses the same checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fbcli.rules.model import parse_time

Record = dict[str, Any]


class MalformedRecord(ValueError):
    """A stored record lacks a field, or holds one of the wrong type."""


def _text(value: Any) -> str:
    return "" if isinstance(value, str) else "text"


def _whole(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return "" if ok else "a whole number"


def _flag(value: Any) -> str:
    return "" if isinstance(value, bool) else "true or false"


def _time(value: Any) -> str:
    if not isinstance(value, str):
        return "an ISO 8601 time"
    try:
        parse_time(value)
    except ValueError:
        return "an ISO 8601 time with an offset"
    return ""


def _levels(value: Any) -> str:
    if isinstance(value, dict) and all(not _whole(v) for v in value.values()):
        return ""
    return "an object of whole numbers"


def _one_of(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        return "" if value in allowed else " or ".join(allowed)

    return check


REQUIRED = object()

# Per table: each field, how to check its value, and its default when it is
# left out or null (REQUIRED: it may not be).
FIELDS: dict[str, dict[str, tuple[Callable[[Any], str], Any]]] = {
    "tutors": {
        "id": (_text, REQUIRED),
        "name": (_text, REQUIRED),
        "email": (_text, ""),
        "role": (_one_of("tutor", "admin"), "tutor"),
    },
    "students": {
        "id": (_text, REQUIRED),
        "name": (_text, REQUIRED),
        "levels": (_levels, {}),
    },
    "sessions": {
        "id": (_text, REQUIRED),
        "tutor": (_text, REQUIRED),
        "student": (_text, REQUIRED),
        "start": (_time, REQUIRED),
        "minutes": (_whole, 30),
    },
    "feedback": {
        "session": (_text, REQUIRED),
        "version": (_whole, 1),
        "tutor": (_text, REQUIRED),
        "given_at": (_time, REQUIRED),
        "completed": (_flag, REQUIRED),
        "reason": (_text, None),
        "student_missed": (_flag, None),
        "tech_issues": (_flag, False),
        "note": (_text, ""),
        "platform": (_text, None),
        "evaluation": (_levels, {}),
        "great_work": (_flag, False),
        "goal": (_text, None),
        "doing_great": (_text, None),
        "focus": (_text, ""),
        "language_seen": (_text, ""),
        "follow_up": (_text, ""),
        "comments": (_text, ""),
        "saved_at": (_time, None),
    },
    "plan_changes": {
        "student": (_text, REQUIRED),
        "goal": (_text, REQUIRED),
        "action": (_one_of("add", "remove"), REQUIRED),
        "at": (_time, REQUIRED),
        "by": (_text, REQUIRED),
    },
}


def check_record(table: str, record: Record) -> None:
    """Raise MalformedRecord, saying what is wrong, unless commands can read it.

    A field left out or null gets its default in ``record``, so that every
    record a command reads has the fields fbcli itself writes.
    """
    for name, (check, default) in FIELDS.get(table, {}).items():
        value = record.get(name)
        if value is None:
            if default is REQUIRED:
                raise MalformedRecord(f"{name!r} is missing")
            record[name] = default.copy() if isinstance(default, dict) else default
            continue
        wanted = check(value)
        if wanted:
            raise MalformedRecord(f"its {name} {value!r} is not {wanted}")
    if table == "sessions":
        try:
            parse_time(record["start"]) + timedelta(minutes=record["minutes"])
        except OverflowError:
            raise MalformedRecord(
                f"its start {record['start']!r} is out of range"
            ) from None
