"""Shell completion for the ids people type: students and goals.

Completion runs on every <tab>, so it stays quiet: a store that cannot be
read gives no completions rather than an error.
"""

from __future__ import annotations

import os
from typing import Any

import typer


def _store_location(ctx: typer.Context) -> str:
    db = ctx.find_root().params.get("db") or os.environ.get("FBCLI_DB")
    if db:
        return str(db)
    from fbcli.context import default_store_path

    return str(default_store_path())


def _matching(incomplete: str, labelled: dict[str, str]) -> list[tuple[str, str]]:
    from fbcli.rules.matching import fold

    wanted = fold(incomplete)
    return [
        (id_, label) for id_, label in labelled.items() if fold(id_).startswith(wanted)
    ]


def _given(ctx: typer.Context, name: str) -> set[str]:
    value: Any = ctx.params.get(name)
    return set(value or ())


def complete_student(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Student ids from the store named by --db or FBCLI_DB, with their names."""
    try:
        from fbcli.store import open_store

        with open_store(_store_location(ctx)) as store:
            names = {student.id: student.name for student in store.students()}
    except Exception:
        return []
    return _matching(incomplete, dict(sorted(names.items())))


def complete_goal(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Catalog goal ids with their titles, leaving out goals already typed."""
    try:
        from fbcli import school

        titles = {goal.id: goal.title for goal in school.goals().values()}
    except Exception:
        return []
    given = _given(ctx, "goals")
    return [item for item in _matching(incomplete, titles) if item[0] not in given]


def complete_plan_goal(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Goals of the student's plan, when the student is typed and the store is read."""
    student = ctx.params.get("student_id")
    try:
        from fbcli import school
        from fbcli.rules.plans import plan_at
        from fbcli.store import open_store

        with open_store(_store_location(ctx)) as store:
            plan = plan_at(store.plan_changes(str(student))) if student else []
        catalog = school.goals()
    except Exception:
        return []
    if not plan:
        return complete_goal(ctx, incomplete)
    titles = {g: catalog[g].title if g in catalog else "" for g in plan}
    given = _given(ctx, "goals")
    return [item for item in _matching(incomplete, titles) if item[0] not in given]
