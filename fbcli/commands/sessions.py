"""fbcli sessions: the signed-in tutor's sessions and their feedback status."""

from collections.abc import Sequence
from datetime import date
from typing import Annotated

import typer

from fbcli.completion import complete_student
from fbcli.context import AppContext
from fbcli.errors import BadUsage
from fbcli.output import print_json
from fbcli.rules.model import STATUSES, Session
from fbcli.rules.sessions import session_status


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadUsage(f"{flag} {text!r} is not a date like 2026-11-30") from None


def sessions(
    ctx: typer.Context,
    student: Annotated[
        str | None,
        typer.Option(
            help="Only this student's sessions (student id).",
            autocompletion=complete_student,
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="From this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Up to this date, inclusive.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only sessions with this status: " + ", ".join(STATUSES) + "."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """Your past and upcoming sessions with their feedback status."""
    app: AppContext = ctx.obj
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if status is not None and status not in STATUSES:
        raise BadUsage(f"--status must be one of {', '.join(STATUSES)}")
    now = app.now()

    with app.store() as store:
        tutor = app.acting_tutor(store)
        found = store.sessions(tutor=tutor.id, student=student)
        feedback = store.latest_feedback(tutor=tutor.id, student=student)
        names = {s.id: s.name for s in store.students()} if found else {}

    rows = []
    for session in found:
        day = session.start.astimezone().date()
        if (first and day < first) or (last and day > last):
            continue
        state = session_status(session, feedback.get(session.id), now)
        if status and state != status:
            continue
        rows.append((session, state))

    if as_json:
        print_json([as_record(session, state, names) for session, state in rows])
        return
    show_table(rows, names)


def as_record(session: Session, state: str, names: dict[str, str]) -> dict[str, object]:
    record = session.to_record()
    return {
        **{key: record[key] for key in ("id", "tutor", "student")},
        "student_name": names.get(session.student, ""),
        **record,
        "status": state,
    }


def show_table(rows: Sequence[tuple[Session, str]], names: dict[str, str]) -> None:
    from fbcli.render import draw_table, local

    if not rows:
        typer.echo("No sessions match.")
        return
    draw_table(
        ("Session", "Student", "When", "Minutes", "Status"),
        [
            (
                s.id,
                names.get(s.student, s.student),
                local(s.start),
                str(s.minutes),
                state,
            )
            for s, state in rows
        ],
        title=f"{len(rows)} sessions",
    )


def register(app: typer.Typer) -> None:
    app.command()(sessions)
