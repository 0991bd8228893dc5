"""fbcli show: one session and its feedback."""

from typing import Annotated, Any

import typer

from fbcli import school
from fbcli.context import AppContext
from fbcli.errors import NotFound
from fbcli.output import print_json
from fbcli.rules.matching import close_matches
from fbcli.rules.model import Feedback, Session
from fbcli.rules.sessions import session_status

LABELS = {
    "platform": "Platform",
    "tech_issues": "Tech issues",
    "note": "Note",
    "reason": "Reason",
    "student_missed": "Student missed it",
    "evaluation": "Levels",
    "great_work": "Great work badge",
    "goal": "Topic (goal)",
    "doing_great": "Doing great in",
    "focus": "Focus (tutors only)",
    "language_seen": "Language seen",
    "follow_up": "Follow-up",
    "comments": "Comments",
}


def show(
    ctx: typer.Context,
    session_id: Annotated[
        str, typer.Argument(metavar="SESSION", help="Session id, e.g. S-1042.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON object.")
    ] = False,
) -> None:
    """One session and its feedback, with every earlier version counted."""
    app: AppContext = ctx.obj
    now = app.now()

    with app.store() as store:
        session = store.session(session_id)
        if session is None:
            raise NotFound(
                "session", session_id, close_matches(session_id, store.session_ids())
            )
        versions = store.feedback_versions(session_id)
        student = store.student(session.student)

    latest = versions[-1] if versions else None
    record = as_record(
        session,
        student.name if student else "",
        latest,
        len(versions),
        session_status(session, latest, now),
    )
    if as_json:
        print_json(record)
        return
    show_text(session, latest, record)


def as_record(
    session: Session,
    student_name: str,
    feedback: Feedback | None,
    versions: int,
    status: str,
) -> dict[str, Any]:
    record = session.to_record()
    return {
        **{key: record[key] for key in ("id", "tutor", "student")},
        "student_name": student_name,
        **record,
        "status": status,
        "feedback": feedback.to_record() if feedback else None,
        "versions": versions,
        "amended": versions > 1,
    }


def show_text(
    session: Session, feedback: Feedback | None, record: dict[str, Any]
) -> None:
    from fbcli.render import draw_table, local

    goals = school.goals()

    rows = [
        ("Session", session.id),
        ("Tutor", session.tutor),
        ("Student", f"{record['student_name']} ({session.student})".lstrip()),
        ("When", f"{local(session.start)} ({session.minutes} min)"),
        ("Status", record["status"]),
    ]
    if feedback is not None:
        given = f"{local(feedback.given_at)} by {feedback.tutor}"
        if record["amended"]:
            given += f" (amended; version {feedback.version} of {record['versions']})"
        rows.append(("Feedback given", given))
        for key, label in LABELS.items():
            value = record["feedback"][key]
            if value in (None, "", {}) or (
                key == "student_missed" and feedback.completed
            ):
                continue
            if key == "goal" and value in goals:
                value = f"{goals[value].title} ({value})"
            elif isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            rows.append((label, str(value)))
    draw_table(("", ""), rows)


def register(app: typer.Typer) -> None:
    app.command()(show)
