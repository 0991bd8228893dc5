"""The terminal charts of fbcli stats read right without colour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fbcli.charts import gauge, level_chart, stacked_bar
from fbcli.rules.stats import LevelPoint, Mark

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def marker_side(drawn: str, empty: str) -> str:
    """Where the value sits: 'inside', 'below' or 'above' the band drawn with '═'."""
    at = drawn.index("●")
    band = [cell for cell, char in enumerate(empty) if char == "═"]
    if at < band[0]:
        return "below"
    if at > band[-1]:
        return "above"
    return "inside"


@pytest.mark.parametrize(
    ("value", "band", "top", "mark", "side"),
    [
        pytest.param(0.1, (0.1, 0.2), 0.4, None, "inside", id="rate-at-10%"),
        pytest.param(0.2, (0.1, 0.2), 0.4, None, "inside", id="rate-at-20%"),
        pytest.param(0.0999, (0.1, 0.2), 0.4, "below", "below", id="rate-just-below"),
        pytest.param(0.2001, (0.1, 0.2), 0.4, "above", "above", id="rate-just-above"),
        pytest.param(5.0, (5.0, 10.0), 20.0, None, "inside", id="gap-at-5"),
        pytest.param(10.0, (5.0, 10.0), 20.0, None, "inside", id="gap-at-10"),
        pytest.param(10.5, (5.0, 10.0), 20.0, "above", "above", id="gap-above"),
        pytest.param(0.0, (5.0, 10.0), 20.0, "below", "below", id="gap-zero"),
    ],
)
def test_gauge_puts_the_value_on_the_side_its_mark_says(
    value: float, band: tuple[float, float], top: float, mark: Mark | None, side: str
) -> None:
    drawn = gauge(value, band, top, width=30, mark=mark).plain
    empty = gauge(None, band, top, width=30).plain

    assert len(drawn) == 30
    assert marker_side(drawn, empty) == side


def test_gauge_without_a_value_draws_only_the_band() -> None:
    drawn = gauge(None, (0.1, 0.2), 0.4, width=30).plain

    assert "●" not in drawn
    assert "═" in drawn


def test_level_chart_draws_two_levels_per_row() -> None:
    points = [
        LevelPoint(f"S-{n}", START + timedelta(days=n), level)
        for n, level in enumerate((6, 7, 10))
    ]

    lines = level_chart("fluency", points, 5).plain.splitlines()

    assert lines[0] == "Fluency  5 → 10 (+5)"
    assert lines[1] == "10 │      █ "
    assert lines[2] == " 8 │    ▄ █ "
    assert lines[3] == " 6 │▄ █ █ █ "
    assert lines[5] == " 2 │█ █ █ █ "


def test_level_chart_keeps_the_latest_points() -> None:
    points = [LevelPoint(f"S-{n}", START, 5) for n in range(30)]

    header = level_chart("accuracy", points, 5, max_points=12).plain.splitlines()[0]

    assert header.endswith("last 12 of 30")


@pytest.mark.parametrize(
    "counts",
    [
        pytest.param((1, 1, 1, 97), id="small-parts"),
        pytest.param((33, 33, 34, 0), id="thirds"),
        pytest.param((0, 0, 0, 5), id="one-part"),
    ],
)
def test_stacked_bar_fills_its_width_and_shows_every_part(
    counts: tuple[int, int, int, int],
) -> None:
    chars = "█▒░·"
    parts = [(count, char, "") for count, char in zip(counts, chars, strict=True)]

    drawn = stacked_bar(parts, sum(counts), width=30).plain

    assert len(drawn) == 30
    for count, char in zip(counts, chars, strict=True):
        assert (char in drawn) == bool(count)
