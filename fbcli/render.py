"""Drawing results: one table renderer for every command that lists things."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fbcli.output import inert, stdout

# Columns whose cells read badly when wrapped.
NO_WRAP = {"Session", "Goal", "When", "Ended", "Deadline", "Status"}


def local(moment: datetime) -> str:
    """A time as the person at the terminal reads it: their zone, to the minute."""
    return moment.astimezone().strftime("%d %b %H:%M")


def draw_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
) -> None:
    """Draw rows of user text; every cell is made inert before it is drawn."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
        show_header=any(columns),
        show_edge=any(columns),
    )
    for column in columns:
        table.add_column(column, no_wrap=column in NO_WRAP)
    for number, row in enumerate(rows):
        style = styles[number] if styles else None
        table.add_row(*(inert(cell) for cell in row), style=style)
    stdout().print(table)
