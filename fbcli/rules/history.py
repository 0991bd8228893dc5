"""A student's record over time: levels after each evaluated session."""

from __future__ import annotations

from collections.abc import Iterable

from fbcli.rules.model import Feedback, Rubric, Student


def current_levels(
    student: Student, feedback: Iterable[Feedback], rubric: Rubric
) -> dict[str, int]:
    """Each parameter's level after the student's most recent evaluation.

    ``feedback`` is the student's latest feedback per session, in session
    order; a parameter never evaluated keeps its imported level, or the
    rubric's starting level.
    """
    levels = {p: student.levels.get(p, rubric.start) for p in rubric.parameters}
    for item in feedback:
        if item.completed:
            levels.update({p: v for p, v in item.evaluation.items() if p in levels})
    return levels
