"""The school's own data: goal catalog, evaluation rubric and settings (``data/``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson

from fbcli.rules.model import Goal, Rubric, Settings


def data_dir() -> Path:
    """The data folder: inside an installed wheel, or beside the package in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_data", package.parent / "data"):
        if (candidate / "goals.json").is_file():
            return candidate
    raise FileNotFoundError("fbcli's data folder is missing; reinstall fbcli")


def _read(name: str) -> Any:
    return orjson.loads((data_dir() / name).read_bytes())


@cache
def goals() -> dict[str, Goal]:
    """The goal catalog by id, in catalog order."""
    return {
        item["id"]: Goal(item["id"], item["title"], item["area"])
        for item in _read("goals.json")["goals"]
    }


@cache
def rubric() -> Rubric:
    raw = _read("rubric.json")
    return Rubric(
        parameters=tuple(raw["parameters"]),
        lowest=int(raw["scale"]["lowest"]),
        highest=int(raw["scale"]["highest"]),
        start=int(raw["start"]),
    )


@cache
def settings() -> Settings:
    raw = _read("settings.json")
    badge_low, badge_high = raw["badge_band"]
    great_low, great_high = raw["doing_great_band"]
    return Settings(
        session_minutes=int(raw["session_minutes"]),
        deadline_hours=int(raw["deadline_hours"]),
        fine_after_hours=int(raw["fine_after_hours"]),
        badge_band=(float(badge_low), float(badge_high)),
        badge_recent_sessions=int(raw["badge_recent_sessions"]),
        badge_rate_window=int(raw["badge_rate_window"]),
        doing_great_band=(int(great_low), int(great_high)),
        stagnation_sessions=int(raw["stagnation_sessions"]),
        focus_max_chars=int(raw["focus_max_chars"]),
        support_email=str(raw["support_email"]),
    )


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = _read("demo.json")
    return data
