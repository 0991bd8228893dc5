"""The few functions that ask the person at the terminal.

Every prompt has a flag; these run only when ``can_prompt`` says so. Prompts
draw on stderr, so stdout stays for results. questionary (and
prompt_toolkit under it) is imported only here, and only when asking.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from fbcli.errors import Interrupted


def can_prompt(no_input: bool = False) -> bool:
    """Prompt only for a person: stdin and stdout are terminals and --no-input is off."""
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _output() -> Any:
    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)


def _ask(question: Any) -> Any:
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    return answer


def ask_text(message: str, *, default: str = "", validate: Any = None, instruction: str | None = None) -> str:
    import questionary

    answer = _ask(
        questionary.text(
            message, default=default, validate=validate, instruction=instruction, output=_output()
        )
    )
    return str(answer)


def ask_confirm(message: str, *, default: bool = True) -> bool:
    import questionary

    return bool(_ask(questionary.confirm(message, default=default, output=_output())))


def ask_select(message: str, choices: Sequence[Any], *, default: Any = None) -> Any:
    """One of ``choices``: strings, or questionary.Choice objects with values."""
    import questionary

    return _ask(questionary.select(message, choices=list(choices), default=default, output=_output()))


def ask_checkbox(message: str, choices: Sequence[Any]) -> list[Any]:
    import questionary

    return list(_ask(questionary.checkbox(message, choices=list(choices), output=_output())))


def ask_autocomplete(message: str, choices: Sequence[str], *, validate: Any = None) -> str:
    import questionary

    return str(
        _ask(
            questionary.autocomplete(
                message,
                choices=list(choices),
                validate=validate,
                match_middle=True,
                ignore_case=True,
                output=_output(),
            )
        )
    )
