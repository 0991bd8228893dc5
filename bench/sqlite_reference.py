"""The same pending / give / stats work as fbcli, on stdlib sqlite3 alone.

A yardstick for the benchmarks: how fast one process can do a command's work
on this machine with no third-party import and an indexed database, so that
fbcli's figures can be read against the cost of the work itself.

    python bench/sqlite_reference.py load STORE.json DB    (once, untimed)
    python bench/sqlite_reference.py pending DB TUTOR
    python bench/sqlite_reference.py give DB SESSION TUTOR GOAL
    python bench/sqlite_reference.py stats DB

Times are ISO 8601 UTC text ('+00:00'), which sorts as time does; NOW comes
from FBCLI_NOW as for fbcli.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE tutors (id TEXT PRIMARY KEY, name TEXT, email TEXT, role TEXT);
CREATE TABLE students (id TEXT PRIMARY KEY, name TEXT, levels TEXT);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, tutor TEXT, student TEXT, start TEXT, end_at TEXT,
    minutes INTEGER
);
CREATE INDEX sessions_tutor ON sessions (tutor, start);
CREATE INDEX sessions_student ON sessions (student, start);
CREATE TABLE feedback (
    session TEXT, version INTEGER, tutor TEXT, given_at TEXT, completed INTEGER,
    reason TEXT, student_missed INTEGER, tech_issues INTEGER, note TEXT,
    platform TEXT, evaluation TEXT, great_work INTEGER, goal TEXT,
    doing_great TEXT, focus TEXT, language_seen TEXT, follow_up TEXT,
    comments TEXT, PRIMARY KEY (session, version)
);
CREATE INDEX feedback_tutor ON feedback (tutor, given_at);
CREATE TABLE plan_changes (student TEXT, goal TEXT, action TEXT, at TEXT, by TEXT);
CREATE INDEX plan_changes_student ON plan_changes (student, at);
"""
FEEDBACK_COLUMNS = (
    "session",
    "version",
    "tutor",
    "given_at",
    "completed",
    "reason",
    "student_missed",
    "tech_issues",
    "note",
    "platform",
    "evaluation",
    "great_work",
    "goal",
    "doing_great",
    "focus",
    "language_seen",
    "follow_up",
    "comments",
)
DEADLINE = timedelta(hours=48)
PARAMETERS = ("fluency", "accuracy", "pronunciation", "comprehension")
START_LEVEL = 5


def now() -> datetime:
    text = os.environ.get("FBCLI_NOW")
    return datetime.fromisoformat(text) if text else datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def load(store_path: str, db_path: str) -> None:
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(
        Path(store_path).read_bytes()
    )
    db = sqlite3.connect(db_path)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO tutors VALUES (?, ?, ?, ?)",
        [(t["id"], t["name"], t["email"], t["role"]) for t in data["tutors"].values()],
    )
    db.executemany(
        "INSERT INTO students VALUES (?, ?, ?)",
        [
            (s["id"], s["name"], json.dumps(s["levels"]))
            for s in data["students"].values()
        ],
    )
    rows = []
    for s in data["sessions"].values():
        start = datetime.fromisoformat(s["start"])
        end = stamp(start + timedelta(minutes=s["minutes"]))
        rows.append((s["id"], s["tutor"], s["student"], s["start"], end, s["minutes"]))
    db.executemany("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany(
        f"INSERT INTO feedback VALUES ({', '.join('?' * len(FEEDBACK_COLUMNS))})",
        [feedback_row(f) for f in data["feedback"].values()],
    )
    db.executemany(
        "INSERT INTO plan_changes VALUES (?, ?, ?, ?, ?)",
        [
            (c["student"], c["goal"], c["action"], c["at"], c["by"])
            for c in data["plan_changes"].values()
        ],
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def feedback_row(record: dict[str, Any]) -> tuple[Any, ...]:
    values = dict(record, evaluation=json.dumps(record["evaluation"]))
    return tuple(values[name] for name in FEEDBACK_COLUMNS)


def pending(db: sqlite3.Connection, tutor: str) -> list[dict[str, Any]]:
    if db.execute("SELECT 1 FROM tutors WHERE id = ?", (tutor,)).fetchone() is None:
        raise SystemExit(f"error: no tutor {tutor}")
    moment = now()
    rows = db.execute(
        """
        SELECT s.id, s.student, st.name, s.start, s.end_at FROM sessions s
        JOIN students st ON st.id = s.student
        WHERE s.tutor = ? AND s.end_at <= ?
          AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.session = s.id)
        ORDER BY s.start, s.id
        """,
        (tutor, stamp(moment)),
    ).fetchall()
    items = []
    for session, student, name, start, end in rows:
        due = datetime.fromisoformat(start) + DEADLINE
        items.append(
            {
                "id": session,
                "student": student,
                "student_name": name,
                "start": start,
                "end": end,
                "deadline": stamp(due),
                "overdue": due <= moment,
                "minutes_left": int((due - moment).total_seconds() // 60),
            }
        )
    return items


def give(db: sqlite3.Connection, session: str, tutor: str, goal: str) -> dict[str, Any]:
    """Completed feedback with every level kept, checked as fbcli checks it."""
    moment = now()
    db.execute("BEGIN IMMEDIATE")
    found = db.execute(
        "SELECT tutor, student, start, end_at FROM sessions WHERE id = ?", (session,)
    ).fetchone()
    if found is None:
        raise SystemExit(f"error: no session {session}")
    owner, student, _start, end = found
    if owner != tutor:
        raise SystemExit(f"error: session {session} was taught by {owner}")
    if end > stamp(moment):
        raise SystemExit(f"error: session {session} has not ended")
    latest = db.execute(
        "SELECT version, completed FROM feedback WHERE session = ? "
        "ORDER BY version DESC LIMIT 1",
        (session,),
    ).fetchone()
    if latest is not None and not latest[1]:
        raise SystemExit(f"error: session {session} is locked")
    version = latest[0] + 1 if latest else 1

    levels = student_levels(db, student)
    plan: dict[str, None] = {}
    for changed_goal, action in db.execute(
        "SELECT goal, action FROM plan_changes WHERE student = ? AND at <= ? "
        "ORDER BY at",
        (student, stamp(moment)),
    ):
        if action == "add":
            plan.setdefault(changed_goal, None)
        else:
            plan.pop(changed_goal, None)
    if not plan:
        raise SystemExit(f"error: {student} has no study plan")
    recent_badges = db.execute(
        """
        SELECT count(*) FROM (
            SELECT f.great_work FROM sessions s JOIN feedback f ON f.session = s.id
            WHERE s.student = ? AND f.completed ORDER BY s.start DESC LIMIT 4
        ) WHERE great_work
        """,
        (student,),
    ).fetchone()[0]
    badge_rate = db.execute(
        """
        SELECT avg(great_work) FROM (
            SELECT great_work FROM feedback WHERE tutor = ? AND completed
            ORDER BY given_at DESC LIMIT 20
        )
        """,
        (tutor,),
    ).fetchone()[0]

    record = {
        "session": session,
        "version": version,
        "tutor": tutor,
        "given_at": stamp(moment),
        "completed": True,
        "reason": None,
        "student_missed": None,
        "tech_issues": False,
        "note": "",
        "platform": "zoom",
        "evaluation": levels,
        "great_work": False,
        "goal": goal,
        "doing_great": None,
        "focus": "Phrasal verbs",
        "language_seen": "get on, get over",
        "follow_up": "More phrasal verbs",
        "comments": "",
    }
    db.execute(
        f"INSERT INTO feedback VALUES ({', '.join('?' * len(FEEDBACK_COLUMNS))})",
        feedback_row(record),
    )
    db.commit()
    return {
        **record,
        "in_plan": goal in plan,
        "recent_badges": recent_badges,
        "badge_rate": badge_rate,
    }


def student_levels(db: sqlite3.Connection, student: str) -> dict[str, int]:
    """Levels after the student's latest evaluation, else the imported ones."""
    row = db.execute("SELECT levels FROM students WHERE id = ?", (student,)).fetchone()
    levels = dict.fromkeys(PARAMETERS, START_LEVEL)
    levels.update(json.loads(row[0]) if row else {})
    latest = db.execute(
        """
        SELECT f.evaluation FROM sessions s JOIN feedback f ON f.session = s.id
        WHERE s.student = ? AND f.completed
        ORDER BY s.start DESC, f.version DESC LIMIT 1
        """,
        (student,),
    ).fetchone()
    if latest is not None:
        levels.update(json.loads(latest[0]))
    return levels


def stats(db: sqlite3.Connection) -> dict[str, Any]:
    """Every tutor's figures in one pass over sessions and their latest feedback."""
    moment = stamp(now())
    figures: dict[str, dict[str, Any]] = {}
    hours: dict[str, list[float]] = {}
    rows = db.execute(
        """
        WITH latest AS (
            SELECT session, max(version) AS version, min(given_at) AS first_given
            FROM feedback GROUP BY session
        )
        SELECT s.tutor, s.start, s.end_at, f.completed, f.reason, f.tech_issues,
               f.platform, f.great_work, l.first_given
        FROM sessions s
        LEFT JOIN latest l ON l.session = s.id
        LEFT JOIN feedback f ON f.session = l.session AND f.version = l.version
        WHERE s.end_at <= ?
        """,
        (moment,),
    )
    for tutor, start, end, completed, reason, tech, platform, great, first in rows:
        tally = figures.get(tutor)
        if tally is None:
            tally = figures[tutor] = {
                "taught": 0,
                "completed": 0,
                "not_completed": {},
                "pending": 0,
                "late": 0,
                "great_work": 0,
                "tech_issues": {},
            }
            hours[tutor] = []
        tally["taught"] += 1
        due = stamp(datetime.fromisoformat(start) + DEADLINE)
        if first is None:
            tally["pending"] += 1
            continue
        if first > due:
            tally["late"] += 1
        ended = datetime.fromisoformat(end)
        hours[tutor].append((datetime.fromisoformat(first) - ended).total_seconds())
        if completed:
            tally["completed"] += 1
            tally["great_work"] += great
            if tech:
                tally["tech_issues"][platform] = (
                    tally["tech_issues"].get(platform, 0) + 1
                )
        else:
            tally["not_completed"][reason] = tally["not_completed"].get(reason, 0) + 1
    for tutor, tally in figures.items():
        waits = hours[tutor]
        tally["median_hours_to_feedback"] = (
            round(statistics.median(waits) / 3600, 1) if waits else None
        )
        tally["great_work_rate"] = (
            tally["great_work"] / tally["completed"] if tally["completed"] else None
        )
    return {"version": 1, "tutors": figures}


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "load":
        load(*args)
        return 0
    db = sqlite3.connect(args[0], isolation_level=None)
    if command == "pending":
        result: Any = pending(db, args[1])
    elif command == "give":
        result = give(db, args[1], args[2], args[3])
    elif command == "stats":
        result = stats(db)
    else:
        raise SystemExit(f"error: unknown command {command}")
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
