"""fbcli init: create a store, optionally with the demo data."""

from typing import Annotated

import typer

from fbcli.context import AppContext
from fbcli.output import print_json, say
from fbcli.store.base import shown


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo school.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing store (kept as .bak).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the store's path and counts as JSON.")
    ] = False,
) -> None:
    """Create a new store (refuses to overwrite one unless --force).

    --demo loads a demo school whose sessions are placed around now (or
    FBCLI_NOW): some weeks past, some with feedback, some pending, some to come.
    """
    app: AppContext = ctx.obj
    now = app.now()

    with app.store(create=True, replace=force) as store:
        if demo:
            from fbcli.demo import load_demo

            counts = load_demo(store, now)
        else:
            counts = {}

    if as_json:
        print_json({"store": store.location, **counts})
        return
    say(f"created {shown(store.location)}")
    if counts:
        say("demo data: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


def register(app: typer.Typer) -> None:
    app.command()(init)
