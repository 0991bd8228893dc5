"""Errors a user can cause, each named for what went wrong, each with its exit code.

The entry point turns any of them into one line on stderr and the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable


class FbcliError(Exception):
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleBroken(FbcliError):
    """An answer broke one of the school's rules (or a warning under --strict)."""

    exit_code = 1


class MissingAnswers(RuleBroken):
    """Answers no flag gave and no prompt could ask for."""

    def __init__(self, missing: Iterable[tuple[str, str]]) -> None:
        parts = [f"{what} ({flag})" for what, flag in missing]
        super().__init__("missing answers: " + "; ".join(parts))


class BadUsage(FbcliError):
    """A command line that does not make sense, beyond what the parser checks."""

    exit_code = 2


class NotFound(FbcliError):
    exit_code = 3

    def __init__(self, kind: str, name: str, suggestions: Iterable[str] = ()) -> None:
        hint = ", ".join(suggestions)
        message = f"no {kind} {name!r}"
        if hint:
            message += f"; did you mean {hint}?"
        super().__init__(message)


class NotAllowed(FbcliError):
    exit_code = 4


class NoIdentity(NotAllowed):
    def __init__(self, config: str) -> None:
        super().__init__(
            "who is acting? give --as TUTOR, set FBCLI_TUTOR, "
            f'or put tutor = "ID" in {config}'
        )


class StoreError(FbcliError):
    """The store cannot be read, is locked, or cannot be written."""

    exit_code = 5


class Interrupted(FbcliError):
    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted; nothing was saved")
