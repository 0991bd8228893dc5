"""Where things are shown: data on stdout, conversation on stderr.

rich is imported only by the functions that draw, so that commands printing
JSON start fast.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from rich.console import Console

# C0 and C1 control characters (ESC, BEL, CSI ...) but not tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """User text made safe to draw: no terminal control codes, no rich markup."""
    from rich.markup import escape

    return escape(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", text))


def plain(text: str) -> str:
    """User text made safe for a plain stderr line."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


# orjson writes C1 controls raw, and some terminals obey them; they can only
# stand inside JSON strings, where an escape means the same.
_C1 = re.compile(r"[\x7f-\x9f]")


def print_json(value: Any) -> None:
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    safe = _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text.decode())
    sys.stdout.write(safe + "\n")
    sys.stdout.flush()


@cache
def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def say(message: str) -> None:
    """A message for the person at the terminal, on stderr."""
    sys.stderr.write(plain(message) + "\n")


def warn(message: str) -> None:
    sys.stderr.write("warning: " + plain(message) + "\n")


def error(message: str) -> None:
    sys.stderr.write("error: " + plain(message) + "\n")
