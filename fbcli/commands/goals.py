"""fbcli goals: the school's goal catalog, searchable."""

from typing import Annotated

import typer

from fbcli import school
from fbcli.output import print_json, say
from fbcli.rules.catalog import areas, by_area, find_area, search_goals
from fbcli.rules.model import Goal


def complete_area(incomplete: str) -> list[str]:
    from fbcli.rules.matching import fold

    try:
        known = areas(school.goals().values())
    except Exception:
        return []
    return [area for area in known if fold(area).startswith(fold(incomplete))]


def goals(
    search: Annotated[
        str | None,
        typer.Argument(
            metavar="SEARCH",
            help="Words to find in goal ids and titles (case and accents ignored).",
            show_default=False,
        ),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Only this area (grammar, vocabulary, ...).",
            autocompletion=complete_area,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """The goals a study plan and a session topic are chosen from, by area."""
    catalog = list(school.goals().values())
    wanted_area = find_area(area, catalog) if area is not None else None
    found = search_goals(catalog, search, wanted_area)

    if as_json:
        print_json([{"id": g.id, "title": g.title, "area": g.area} for g in found])
        return
    if not found:
        say("no goal matches" + (f" {search!r}" if search else ""))
        return
    show_table(found)


def show_table(found: list[Goal]) -> None:
    from fbcli.render import draw_table

    rows: list[tuple[str, str, str]] = []
    for area, group in by_area(found):
        rows.extend((area, goal.id, goal.title) for goal in group)
    draw_table(("Area", "Goal", "Title"), rows, title=f"{len(found)} goals")


def register(app: typer.Typer) -> None:
    app.command()(goals)
