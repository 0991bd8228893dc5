"""fbcli pending: the signed-in tutor's sessions awaiting feedback."""

from datetime import datetime
from typing import Annotated

import typer

from fbcli import school
from fbcli.context import AppContext
from fbcli.output import print_json
from fbcli.rules.model import format_time
from fbcli.rules.sessions import (
    PendingItem,
    describe_age,
    describe_time_left,
    pending_sessions,
)


def pending(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """Sessions that have ended and await your feedback, oldest first."""
    app: AppContext = ctx.obj
    now = app.now()

    with app.store() as store:
        tutor = app.acting_tutor(store)
        items = pending_sessions(
            store.sessions(tutor=tutor.id),
            store.latest_feedback(tutor=tutor.id),
            now,
            school.settings(),
        )
        names = {s.id: s.name for s in store.students()} if items else {}

    if as_json:
        print_json([as_record(item, names) for item in items])
        return
    show_table(items, names, now)


def as_record(item: PendingItem, names: dict[str, str]) -> dict[str, object]:
    session = item.session
    return {
        "id": session.id,
        "student": session.student,
        "student_name": names.get(session.student, ""),
        "start": format_time(session.start),
        "end": format_time(session.end),
        "deadline": format_time(item.deadline),
        "overdue": item.overdue,
        "minutes_left": int(item.time_left.total_seconds() // 60),
    }


def show_table(items: list[PendingItem], names: dict[str, str], now: datetime) -> None:
    from fbcli.render import draw_table, local

    overdue = sum(item.overdue for item in items)
    if not items:
        typer.echo("No sessions await your feedback.")
        return
    title = f"{len(items)} sessions await your feedback"
    if overdue:
        hours = school.settings().deadline_hours
        title += f", {overdue} past the {hours}-hour deadline"
    rows = [
        (
            item.session.id,
            names.get(item.session.student, item.session.student),
            local(item.session.start),
            describe_age(now - item.session.end),
            describe_time_left(item.time_left) + deadline_note(item),
        )
        for item in items
    ]
    styles = ["red" if item.overdue else None for item in items]
    draw_table(
        ("Session", "Student", "When", "Ended", "Deadline"),
        rows,
        title=title,
        styles=styles,
    )


def deadline_note(item: PendingItem) -> str:
    """Past the deadline the session is unpaid; a day later the tutor is fined."""
    if item.fined:
        return ", fined"
    if item.overdue:
        return ", unpaid"
    return ""


def register(app: typer.Typer) -> None:
    app.command()(pending)
