"""Study plans, as a history of changes.

A plan is never overwritten: every goal added or removed is kept with its
time and author, so the plan at any past moment can be rebuilt. The
progress graph depends on that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fbcli.rules.model import PlanChange


def plan_at(changes: Iterable[PlanChange], moment: datetime | None = None) -> list[str]:
    """The goals of a plan at ``moment`` (now when None), in the order they were added."""
    active: dict[str, None] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if moment is not None and change.at > moment:
            break
        if change.action == "add":
            active.setdefault(change.goal, None)
        else:
            active.pop(change.goal, None)
    return list(active)


def in_plan_at(changes: Iterable[PlanChange], goal: str, moment: datetime) -> bool:
    """Was ``goal`` in the plan at ``moment``? Only such sessions count as progress."""
    return goal in plan_at(changes, moment)
