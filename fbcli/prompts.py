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


def ask_text(
    message: str,
    *,
    default: str = "",
    validate: Any = None,
    instruction: str | None = None,
) -> str:
    import questionary

    answer = _ask(
        questionary.text(
            message,
            default=default,
            validate=validate,
            instruction=instruction,
            output=_output(),
        )
    )
    return str(answer)


def ask_confirm(message: str, *, default: bool = True) -> bool:
    import questionary

    return bool(_ask(questionary.confirm(message, default=default, output=_output())))


def ask_select(message: str, choices: Sequence[Any], *, default: Any = None) -> Any:
    """One of ``choices``: strings, or questionary.Choice objects with values."""
    import questionary

    return _ask(
        questionary.select(
            message, choices=list(choices), default=default, output=_output()
        )
    )


def ask_autocomplete(
    message: str, choices: Sequence[str], *, validate: Any = None
) -> str:
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


def ask_grouped_checkbox(
    message: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, str, bool]]]],
    *,
    at_least_one: str | None = None,
) -> list[str]:
    """Values picked from (title, value, checked) choices under one heading per group.

    Typing filters the list; ``at_least_one`` is the message shown when
    nothing is picked, and then an empty answer is refused.
    """
    import questionary

    choices: list[Any] = []
    for heading, items in groups:
        choices.append(questionary.Separator(f"── {heading} ──"))
        choices.extend(
            questionary.Choice(title, value=value, checked=checked)
            for title, value, checked in items
        )

    def validate(picked: list[str]) -> bool | str:
        return bool(picked) or at_least_one is None or at_least_one

    return [
        str(value)
        for value in _ask(
            questionary.checkbox(
                message,
                choices=choices,
                validate=validate,
                use_search_filter=True,
                use_jk_keys=False,
                instruction="(type to filter, <space> to pick, <enter> to confirm)",
                output=_output(),
            )
        )
    ]


def ask_search_checkbox(
    message: str,
    choices: Sequence[Any],
    *,
    validate: Any = None,
    instruction: str | None = None,
) -> list[Any]:
    """Several of many ``choices``: type to narrow, Space to pick, Enter to finish."""
    import questionary

    return list(
        _ask(
            questionary.checkbox(
                message,
                choices=list(choices),
                validate=validate or (lambda picked: True),
                use_search_filter=True,
                use_jk_keys=False,
                instruction=instruction,
                output=_output(),
            )
        )
    )


def ask_counted_text(message: str, *, limit: int, default: str = "") -> str:
    """Short required text, its length against ``limit`` shown as it is typed.

    The count sits at the right of the line, where every terminal draws it
    (a bottom toolbar needs the terminal to report its cursor); it is short,
    since prompt_toolkit drops it from a line it would not fit. A longer
    answer is not refused here: the caller says what to do with it.
    """
    import questionary
    from prompt_toolkit.application import get_app

    def count() -> str:
        app = get_app()
        if app.is_done:
            return ""
        used = len(" ".join(app.current_buffer.text.split()))
        return (
            f"{used}/{limit}, too long"
            if used > limit
            else f"{used}/{limit} characters"
        )

    def validate(text: str) -> bool | str:
        return bool(text.strip()) or "required"

    answer = _ask(
        questionary.text(
            message, default=default, validate=validate, rprompt=count, output=_output()
        )
    )
    return str(answer)
