"""Step 2: the student's levels after the session, within the rubric's scale."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from fbcli.errors import BadUsage, NotFound, RuleBroken
from fbcli.rules.history import has_stagnated
from fbcli.rules.matching import close_matches
from fbcli.rules.model import Rubric

MOVES = ("+", "=", "-")
# ASCII digits only: str.isdigit() also takes "²", "٣" or "१", which int() then
# refuses or reads as a level nobody typed.
LEVEL = re.compile(r"[0-9]+")


class LevelOutOfScale(RuleBroken):
    """A move or a level that would leave the rubric's scale."""


@dataclass(frozen=True, slots=True)
class Stagnation:
    """A parameter that has not risen for a while: a hint, never a warning."""

    parameter: str
    levels: tuple[int, ...]
    sessions: int

    @property
    def message(self) -> str:
        shown = ", ".join(str(level) for level in self.levels[1:])
        return (
            f"{self.parameter} has not risen in the student's last {self.sessions} "
            f"sessions ({shown}); it may be time for a higher mark"
        )


def parse_evaluation(text: str) -> dict[str, str]:
    """``fluency=+;accuracy=-`` (or comma-separated) as parameter -> move."""
    moves: dict[str, str] = {}
    for part in text.replace(",", ";").split(";"):
        if part.strip():
            parameter, value = parse_move(part)
            moves[parameter] = value
    return moves


def parse_move(text: str) -> tuple[str, str]:
    """``PARAM=VALUE`` from --eval, or a usage error saying what was expected."""
    parameter, sep, value = text.partition("=")
    parameter, value = parameter.strip(), value.strip()
    if not sep or not parameter or not value:
        raise BadUsage(
            f"--eval {text!r}: expected PARAM=VALUE, VALUE being +, -, = or a level"
        )
    if value not in MOVES and not LEVEL.fullmatch(value):
        raise BadUsage(
            f"--eval {text!r}: VALUE must be +, -, = or a level number (digits 0-9)"
        )
    return parameter, value


def resolve_parameter(name: str, rubric: Rubric) -> str:
    folded = name.strip().casefold()
    for parameter in rubric.parameters:
        if parameter.casefold() == folded:
            return parameter
    raise NotFound("parameter", name, close_matches(name, rubric.parameters))


def evaluate(
    levels: Mapping[str, int], moves: Mapping[str, str], rubric: Rubric
) -> dict[str, int]:
    """The levels after the session: each parameter moved, set, or kept.

    ``levels`` are the student's levels before the session; a parameter
    ``moves`` does not name keeps its level.
    """
    after = {p: levels[p] for p in rubric.parameters}
    for name, move in moves.items():
        parameter = resolve_parameter(name, rubric)
        after[parameter] = apply_move(parameter, levels[parameter], move, rubric)
    return after


def apply_move(parameter: str, level: int, move: str, rubric: Rubric) -> int:
    scale = f"the scale is {rubric.lowest} to {rubric.highest}"
    if move == "=":
        return level
    if move == "+":
        if level >= rubric.highest:
            raise LevelOutOfScale(
                f"{parameter} is already at {level}, the top of the scale "
                f"({rubric.lowest} to {rubric.highest}); use = to keep it"
            )
        return level + 1
    if move == "-":
        if level <= rubric.lowest:
            raise LevelOutOfScale(
                f"{parameter} is already at {level}, the bottom of the scale "
                f"({rubric.lowest} to {rubric.highest}); use = to keep it"
            )
        return level - 1
    if not LEVEL.fullmatch(move):
        raise BadUsage(f"{parameter}: {move!r} is not +, -, = or a level number")
    # Compared as text first: int() refuses more than a few thousand digits.
    digits = move.lstrip("0") or "0"
    if len(digits) > len(str(rubric.highest)) or not (
        rubric.lowest <= int(digits) <= rubric.highest
    ):
        shown = digits if len(digits) <= 12 else digits[:12] + "..."
        raise LevelOutOfScale(f"{parameter} cannot be {shown}; {scale}")
    return int(digits)


def stagnations(
    history: Mapping[str, list[int]], sessions: int, rubric: Rubric
) -> list[Stagnation]:
    """Parameters that have not risen in the student's last ``sessions`` sessions."""
    return [
        Stagnation(parameter, tuple(levels[-sessions - 1 :]), sessions)
        for parameter, levels in history.items()
        if has_stagnated(levels, sessions, rubric.highest)
    ]
