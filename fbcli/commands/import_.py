"""fbcli import: load tutors, students and scheduled sessions from the school's exports."""

from pathlib import Path
from typing import Annotated

import orjson
import typer

from fbcli import school
from fbcli.context import AppContext
from fbcli.errors import BadUsage, RuleBroken
from fbcli.output import print_json, say
from fbcli.rules.importing import (
    ImportBatch,
    check_references,
    parse_csv_sessions,
    parse_json_export,
)


def read_export(path: Path) -> ImportBatch:
    minutes = school.settings().session_minutes
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadUsage(f"cannot read {path}: {error.strerror}") from None
    if path.suffix.lower() == ".csv":
        try:
            return parse_csv_sessions(raw.decode("utf-8-sig"), minutes)
        except UnicodeDecodeError:
            raise RuleBroken(f"{path} is not UTF-8 text") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise RuleBroken(f"{path} is not valid JSON: {error}") from None
    return parse_json_export(data, school.rubric(), minutes)


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A JSON export, or a CSV of sessions (id,tutor,student,start,minutes)."
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts as JSON.")
    ] = False,
) -> None:
    """Load tutors, students and sessions; nothing is written if any row is bad.

    Importing the same file again changes nothing. A session that already has
    feedback keeps it, and keeps its tutor, student and time.
    """
    app: AppContext = ctx.obj
    batch = read_export(file)

    with app.store(write=True) as store:
        check_references(
            batch,
            [t.id for t in store.tutors()],
            [s.id for s in store.students()],
        )
        if batch.problems:
            for problem in batch.problems:
                say(f"{file}: {problem}")
            count = len(batch.problems)
            raise RuleBroken(
                f"{count} {'problem' if count == 1 else 'problems'} in {file}; "
                "nothing was imported"
            )
        with_feedback = set(store.latest_feedback())
        kept = [s for s in batch.sessions if s.id in with_feedback]
        store.put_tutors(batch.tutors)
        store.put_students(batch.students)
        store.put_sessions(s for s in batch.sessions if s.id not in with_feedback)

    counts = {
        "tutors": len(batch.tutors),
        "students": len(batch.students),
        "sessions": len(batch.sessions) - len(kept),
        "kept_with_feedback": len(kept),
    }
    if as_json:
        print_json(counts)
    else:
        typer.echo(
            f"imported {counts['tutors']} tutors, {counts['students']} students, "
            f"{counts['sessions']} sessions"
            + (f" ({len(kept)} with feedback kept as they were)" if kept else "")
        )


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
