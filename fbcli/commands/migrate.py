"""fbcli migrate: copy a whole store to another backend (a file or a database)."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from fbcli.context import AppContext
from fbcli.errors import BadUsage, StoreError
from fbcli.output import print_json, say
from fbcli.store.base import shown

TABLES = ("tutors", "students", "sessions", "feedback", "plan_changes")


def migrate(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="TARGET",
            help="Where to copy the store: a file path, sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE.",
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace a target that already holds a store (a file is kept "
            "as .bak; a database's tables are dropped).",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts per table as JSON.")
    ] = False,
) -> None:
    """Copy every record of the store (--db) to TARGET, another backend (admins).

    Tutors, students, sessions, every feedback version and every plan change
    are copied as they are, in the order they were saved, in one transaction:
    a copy that fails leaves no half store behind. The target must not hold a
    store yet, unless --force. The counts printed are read back from the
    target once the copy is committed; the source is never changed.
    """
    app: AppContext = ctx.obj
    source = app.location
    if same_place(source, to):
        raise BadUsage("--to names the store being copied; give another target")

    with app.store() as store:
        app.require_admin(store)
        records = store.dump()
    expected = records.counts()

    with progress(expected) as advance:
        if not to.strip():
            raise BadUsage("--to needs a file path or a database URL")
        with app.store_at(to, create=True, replace=force) as target:
            target.on_written = advance
            target.put_tutors(records.tutors)
            target.put_students(records.students)
            target.put_sessions(records.sessions)
            target.add_feedback(records.feedback)
            target.add_plan_changes(records.plan_changes)

    with app.store_at(to) as copied:
        counts = copied.counts()
    if counts != expected:
        raise StoreError(
            f"the copy at {shown(to)} holds {describe(counts)}, not {describe(expected)}"
        )
    if as_json:
        print_json({"from": shown(source), "to": shown(to), "counts": counts})
        return
    typer.echo(f"copied {describe(counts)} to {shown(to)}")


def describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}" for name in TABLES)


def same_place(source: str, target: str) -> bool:
    if "://" in source or "://" in target:
        return source == target
    return Path(source).expanduser().resolve() == Path(target).expanduser().resolve()


@contextmanager
def progress(expected: dict[str, int]) -> Iterator[Callable[[str, int], None]]:
    """A bar per table on stderr while records reach the target, at a terminal."""
    if not sys.stderr.isatty():
        yield lambda table, count: None
        return
    from rich.progress import Progress

    from fbcli.output import stderr

    with Progress(console=stderr(), transient=True) as bar:
        tasks = {
            name: bar.add_task(
                f"copying {name.replace('_', ' ')}", total=expected[name]
            )
            for name in TABLES
        }
        yield lambda table, count: bar.advance(tasks[table], count)
    say("copy committed")


def register(app: typer.Typer) -> None:
    app.command()(migrate)
