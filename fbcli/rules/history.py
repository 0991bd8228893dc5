"""A student's record over time: levels after each evaluated session."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

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


def level_history(
    student: Student, feedback: Iterable[Feedback], rubric: Rubric
) -> dict[str, list[int]]:
    """Each parameter's level before the first evaluation and after every one since.

    ``feedback`` is as for ``current_levels``; the first item of each list is
    the imported (or starting) level.
    """
    levels = {p: student.levels.get(p, rubric.start) for p in rubric.parameters}
    history = {p: [level] for p, level in levels.items()}
    for item in feedback:
        if not item.completed:
            continue
        for parameter in rubric.parameters:
            levels[parameter] = item.evaluation.get(parameter, levels[parameter])
            history[parameter].append(levels[parameter])
    return history


def has_stagnated(levels: list[int], sessions: int, highest: int) -> bool:
    """True when the level has not risen over the last ``sessions`` evaluations.

    ``levels`` is one parameter's history as ``level_history`` gives it; a
    student at the top of the scale cannot rise, so is never stagnating.
    """
    if sessions <= 0 or len(levels) <= sessions or levels[-1] >= highest:
        return False
    recent = levels[-sessions - 1 :]
    return all(after <= before for before, after in pairwise(recent))
