"""Finding goals in the school's catalog, the way people type them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from fbcli.errors import NotFound
from fbcli.rules.matching import close_matches, fold
from fbcli.rules.model import Goal


def areas(catalog: Iterable[Goal]) -> list[str]:
    """The catalog's areas, in catalog order."""
    return list(dict.fromkeys(goal.area for goal in catalog))


def by_area(goals: Iterable[Goal]) -> list[tuple[str, list[Goal]]]:
    """Goals grouped by area; areas and goals keep the order they come in."""
    groups: dict[str, list[Goal]] = {}
    for goal in goals:
        groups.setdefault(goal.area, []).append(goal)
    return list(groups.items())


def find_area(name: str, catalog: Sequence[Goal]) -> str:
    known = areas(catalog)
    for area in known:
        if fold(area) == fold(name):
            return area
    raise NotFound("area", name, close_matches(name, known))


def search_goals(
    catalog: Iterable[Goal], text: str | None = None, area: str | None = None
) -> list[Goal]:
    """Goals of ``area`` whose id or title holds every word of ``text``.

    Case and accents do not matter, and a hyphen in an id counts as a space,
    so 'cafe' finds 'Café small talk' and 'perfect cont' finds
    'present-perfect-continuous'.
    """
    words = fold(text or "").replace("-", " ").split()
    found = []
    for goal in catalog:
        if area is not None and goal.area != area:
            continue
        haystack = fold(f"{goal.id} {goal.title}").replace("-", " ")
        if all(word in haystack for word in words):
            found.append(goal)
    return found


def find_goal(name: str, catalog: Mapping[str, Goal]) -> Goal | None:
    """The goal with this id, or with this id or title up to case and accents."""
    if name in catalog:
        return catalog[name]
    wanted = fold(name).strip()
    for goal in catalog.values():
        if wanted in (fold(goal.id), fold(goal.title)):
            return goal
    return None


def suggest_ids(name: str, titles: Mapping[str, str], limit: int = 3) -> list[str]:
    """Ids close to ``name``, by id or by title ('did you mean')."""
    by_label: dict[str, str] = {}
    for id_, title in titles.items():
        by_label.setdefault(id_, id_)
        if title:
            by_label.setdefault(title, id_)
    found = close_matches(name, by_label, limit=limit * 2)
    return list(dict.fromkeys(by_label[label] for label in found))[:limit]


def resolve_goals(
    names: Iterable[str],
    catalog: Mapping[str, Goal],
    also: Iterable[str] = (),
) -> list[str]:
    """Goal ids for what was typed, each once, in the order given.

    ``also`` are ids accepted even when the catalog no longer has them, such
    as goals still in a plan.
    """
    extra = [goal for goal in also if goal not in catalog]
    resolved: list[str] = []
    for name in names:
        goal = find_goal(name, catalog)
        if goal is not None:
            resolved.append(goal.id)
        elif name in extra:
            resolved.append(name)
        else:
            titles = {g.id: g.title for g in catalog.values()}
            titles.update(dict.fromkeys(extra, ""))
            raise NotFound("goal", name, suggest_ids(name, titles))
    return list(dict.fromkeys(resolved))
