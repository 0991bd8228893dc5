"""fbcli doctor: check a store and say how to recover it."""

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from fbcli import school
from fbcli.checks import Checkup, backup_path, check_store, describe
from fbcli.context import AppContext
from fbcli.output import plain, print_json

HEALTHY, PROBLEMS, UNUSABLE = 0, 1, 5


def doctor(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the findings as JSON.")
    ] = False,
) -> None:
    """Check the store: its file, lock, permissions, leftovers and references.

    Prints one line per problem found, and how to recover from the backup
    (STORE.bak, the version before the last save) when the store cannot be
    used. Never writes. Exits 0 when the store is healthy, 1 when it has
    problems fbcli can live with, 5 when fbcli cannot use it.
    """
    app: AppContext = ctx.obj
    if "://" in app.location:
        check_database(app, as_json)
        return
    path = Path(app.location).expanduser()
    goal_ids = set(school.goals())

    checkup = check_store(path, goal_ids)
    backup = None
    if not checkup.usable and backup_path(path).exists():
        backup = check_store(backup_path(path), goal_ids)
    advice = recovery(checkup, backup)

    if as_json:
        print_json(as_record(checkup, backup, advice))
    else:
        show_text(checkup, advice)
    raise typer.Exit(exit_code(checkup))


def check_database(app: AppContext, as_json: bool) -> None:
    """A database store: can fbcli open it, at which schema, holding what."""
    from fbcli.errors import StoreError
    from fbcli.store.base import shown

    where = shown(app.location)
    try:
        with app.store() as store:
            counts = store.counts()
    except StoreError as error:
        if as_json:
            print_json({"store": where, "usable": False, "error": error.message})
        else:
            plain_error = plain(error.message)
            sys.stdout.write(f"error: {plain_error}\n{where} cannot be used\n")
        raise typer.Exit(UNUSABLE) from None
    if as_json:
        print_json({"store": where, "usable": True, "healthy": True, "counts": counts})
    else:
        held = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
        sys.stdout.write(f"ok: {where} is healthy ({held})\n")
    raise typer.Exit(HEALTHY)


def exit_code(checkup: Checkup) -> int:
    if not checkup.usable:
        return UNUSABLE
    return HEALTHY if checkup.healthy else PROBLEMS


def recovery(checkup: Checkup, backup: Checkup | None) -> list[str]:
    """What to do when fbcli cannot use the store, if the fix is the backup's."""
    if checkup.usable or not any(
        f.check in ("json", "shape", "schema", "records", "readable")
        for f in checkup.findings
    ):
        return []
    store = shlex.quote(str(checkup.path))
    saved = shlex.quote(str(backup_path(checkup.path)))
    if backup is None:
        return [
            f"there is no backup ({saved}) to recover from; restore the store "
            "from your own copies, or start again with 'fbcli init --force'"
        ]
    if not backup.usable:
        reasons = "; ".join(f.message for f in backup.findings if f.level == "error")
        return [f"the backup {saved} cannot be used either: {reasons}"]
    return [
        f"the backup {saved} is the store as it was before its last save "
        f"({summary(backup)}); to recover it:",
        f"  fbcli --db {saved} doctor    # check it first",
        f"  cp {store} {store}.broken    # keep the broken file",
        f"  cp {saved} {store}",
    ]


def summary(checkup: Checkup) -> str:
    return ", ".join(
        f"{n} {name.replace('_', ' ')}" for name, n in checkup.counts.items()
    )


def as_record(
    checkup: Checkup, backup: Checkup | None, advice: list[str]
) -> dict[str, Any]:
    return {
        "store": str(checkup.path),
        "healthy": checkup.healthy,
        "usable": checkup.usable,
        "counts": checkup.counts,
        "findings": [
            {"level": f.level, "check": f.check, "message": f.message}
            for f in checkup.findings
        ],
        "backup": None
        if backup is None
        else {"store": str(backup.path), "usable": backup.usable},
        "recovery": advice,
    }


def show_text(checkup: Checkup, advice: list[str]) -> None:
    lines = describe(checkup.findings)
    if checkup.healthy:
        lines.append(f"ok: {checkup.path} is healthy ({summary(checkup)})")
    elif checkup.usable:
        lines.append(f"{checkup.path} can be used, with the problems above")
    else:
        lines.append(f"{checkup.path} cannot be used")
    lines += advice
    sys.stdout.write("".join(plain(line) + "\n" for line in lines))


def register(app: typer.Typer) -> None:
    app.command()(doctor)
