"""What the rules tell a tutor besides yes or no: warnings, and hints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleWarning:
    """Something that looks wrong but may be right: the tutor decides.

    ``figures`` holds the numbers behind the message, for --json and tests.
    """

    code: str
    message: str
    figures: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "figures": self.figures}


@dataclass(frozen=True, slots=True)
class Hint:
    """Information that may help the tutor answer; never a reason to stop."""

    code: str
    message: str
    figures: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "figures": self.figures}
