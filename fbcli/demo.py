"""The demo school, placed around the time the store is created."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fbcli import school
from fbcli.rules.model import Feedback, PlanChange, Session, Student, Tutor, format_time
from fbcli.store import Store


def load_demo(store: Store, now: datetime) -> dict[str, int]:
    data = school.demo_data()
    base = now.replace(minute=0, second=0, microsecond=0)

    def at(minutes: int) -> datetime:
        return base + timedelta(minutes=minutes)

    tutors = [Tutor.from_record(item) for item in data["tutors"]]
    students = [Student.from_record(item) for item in data["students"]]
    sessions = [
        Session(
            s["id"], s["tutor"], s["student"], at(s["offset_minutes"]), s["minutes"]
        )
        for s in data["sessions"]
    ]
    feedback = [Feedback.from_record(_placed(item, at)) for item in data["feedback"]]
    changes = [
        PlanChange(
            c["student"], c["goal"], c["action"], at(c["offset_minutes"]), c["by"]
        )
        for c in data["plan_changes"]
    ]

    store.put_tutors(tutors)
    store.put_students(students)
    store.put_sessions(sessions)
    store.add_feedback(feedback)
    store.add_plan_changes(changes)
    return {
        "tutors": len(tutors),
        "students": len(students),
        "sessions": len(sessions),
        "feedback": len(feedback),
    }


def _placed(item: dict[str, Any], at: Any) -> dict[str, Any]:
    record = {k: v for k, v in item.items() if k != "given_offset_minutes"}
    record["given_at"] = format_time(at(item["given_offset_minutes"]))
    return record
