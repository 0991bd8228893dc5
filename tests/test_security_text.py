"""User text with terminal codes or rich markup is shown as text, never obeyed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from fbcli.rules.model import Feedback, Session, Student, Tutor
from fbcli.store import open_store
from tests.conftest import NOW, Runner

ESCAPES = {
    "colour": "\x1b[31mred\x1b[0m",
    "osc8-link": "\x1b]8;;https://evil.test\x1b\\click\x1b]8;;\x1b\\",
    "bell": "ding\x07",
    "cursor": "\x1b[2J\x1b[H\x1b[10A",
    "c1-csi": "\x9b31mred",
    "title": "\x1b]0;owned\x07",
}
MARKUP = {
    "colour-markup": "[red]x[/red]",
    "link-markup": "[link=https://evil.test]click[/link]",
    "bold-markup": "[bold blink]loud[/]",
}
CONTROL = ("\x1b", "\x07", "\x9b")

T = datetime.fromisoformat(NOW)


def sneaky_store(path: Path, text: str) -> None:
    """A school whose every shown text carries ``text``."""
    with open_store(str(path), create=True) as store:
        store.put_tutors(
            [Tutor("maria", f"Maria {text}"), Tutor("olga", "O", role="admin")]
        )
        store.put_students([Student("ST-1", f"Ann {text}")])
        store.put_sessions(
            [
                Session("S-1", "maria", "ST-1", T - timedelta(hours=3)),
                Session("S-2", "maria", "ST-1", T - timedelta(hours=2)),
                Session(f"S-3{text}", "maria", "ST-1", T - timedelta(hours=1)),
            ]
        )
        store.add_feedback(
            [
                Feedback(
                    "S-1",
                    "maria",
                    T - timedelta(hours=2),
                    completed=True,
                    tech_issues=True,
                    note=f"note {text}",
                    platform=f"meet {text}",
                    evaluation={"fluency": 6},
                    goal="narrative-tenses",
                    focus=text[:20],
                    language_seen=f"seen {text}",
                    follow_up=f"next {text}",
                    comments=f"comments {text}",
                )
            ]
        )


COMMANDS = {
    "pending": ("--as", "maria", "pending"),
    "sessions": ("--as", "maria", "sessions"),
    "show": ("--as", "maria", "show", "S-1"),
    "show-near-miss": ("--as", "maria", "show", "S-3"),
    "doctor": ("doctor",),
    "pending-json": ("--as", "maria", "pending", "--json"),
    "sessions-json": ("--as", "maria", "sessions", "--json"),
    "show-json": ("--as", "maria", "show", "S-1", "--json"),
    "stats": ("--as", "maria", "stats"),
    "stats-student": ("--as", "maria", "stats", "--student", "ST-1"),
    "stats-all": ("--as", "olga", "stats", "--all"),
    "plan-show": ("--as", "maria", "plan", "show", "ST-1"),
    "for-student": ("--as", "maria", "stats", "--student", "ST-1", "--for-student"),
    "student-csv": ("--as", "maria", "stats", "--student", "ST-1", "--format", "csv"),
    "student-json": ("--as", "maria", "stats", "--student", "ST-1", "--format", "json"),
    "stats-all-csv": ("--as", "olga", "stats", "--all", "--format", "csv"),
    "stats-all-json": ("--as", "olga", "stats", "--all", "--format", "json"),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("text", ESCAPES.values(), ids=ESCAPES.keys())
def test_no_terminal_code_from_user_text_reaches_the_terminal(
    cli: Runner, store_path: Path, text: str, command: tuple[str, ...]
) -> None:
    sneaky_store(store_path, text)

    result = cli(*command)

    assert result.code in (0, 1, 3), result.stderr
    for code in CONTROL:
        assert code not in result.stdout
        assert code not in result.stderr


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (("--as", "maria", "pending"), "Ann {text}"),
        (("--as", "maria", "show", "S-1"), "comments {text}"),
        (("--as", "maria", "show", "S-1"), "next {text}"),
        (("--as", "maria", "sessions"), "S-3{text}"),
    ],
    ids=["pending", "show-comments", "show-follow-up", "sessions"],
)
@pytest.mark.parametrize("text", MARKUP.values(), ids=MARKUP.keys())
def test_rich_markup_in_user_text_is_shown_literally(
    cli: Runner, store_path: Path, text: str, command: tuple[str, ...], shown: str
) -> None:
    sneaky_store(store_path, text)

    result = cli(*command)

    assert result.code == 0, result.stderr
    assert shown.format(text=text) in result.stdout


def test_the_codes_are_shown_as_visible_marks(cli: Runner, store_path: Path) -> None:
    sneaky_store(store_path, ESCAPES["colour"])

    result = cli("--as", "maria", "show", "S-1")

    assert "comments \N{REPLACEMENT CHARACTER}[31mred" in result.stdout


@pytest.mark.parametrize(
    "formula",
    [
        '=HYPERLINK("https://evil.test","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "\rx",
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_csv_exports_neutralise_formulas(
    cli: Runner, store_path: Path, formula: str
) -> None:
    with open_store(str(store_path), create=True) as store:
        store.put_tutors([Tutor("maria", formula), Tutor("olga", "O", role="admin")])
        store.put_students([Student("ST-1", formula)])
        store.put_sessions([Session("S-1", "maria", "ST-1", T - timedelta(hours=3))])

    result = cli("--as", "olga", "stats", "--all", "--format", "csv")

    assert result.code == 0, result.stderr
    cells = [
        cell
        for row in csv.reader(io.StringIO(result.stdout, newline=""))
        for cell in row
    ]
    assert formula not in cells
    assert "'" + formula in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]


@pytest.mark.parametrize("text", ESCAPES.values(), ids=ESCAPES.keys())
def test_json_keeps_user_text_whole_but_escaped(
    cli: Runner, store_path: Path, text: str
) -> None:
    sneaky_store(store_path, text)

    result = cli("--as", "maria", "show", "S-1", "--json")

    assert json.loads(result.stdout)["feedback"]["comments"] == f"comments {text}"


# On a real terminal rich draws its own colours; only those may reach it.
SGR = re.compile(r"\x1b\[[0-9;]*m")
TERMINAL_COMMANDS = {
    name: COMMANDS[name]
    for name in (
        "pending",
        "sessions",
        "show",
        "stats-student",
        "stats-all",
        "doctor",
        "student-csv",
        "stats-all-json",
    )
}


def on_a_terminal(env: dict[str, str], *args: str) -> str:
    """What fbcli draws on a colour terminal: stdout and stderr, as the user sees."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fbcli", *args],
        env={
            **{k: v for k, v in env.items() if k != "NO_COLOR"},
            "PATH": os.environ["PATH"],
            "TERM": "xterm-256color",
        },
        dimensions=(60, 200),
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus in (0, 1), child.before
    return str(child.before)


@pytest.mark.parametrize(
    "command", TERMINAL_COMMANDS.values(), ids=TERMINAL_COMMANDS.keys()
)
def test_on_a_colour_terminal_only_fbcli_own_colours_get_through(
    env: dict[str, str], store_path: Path, command: tuple[str, ...]
) -> None:
    sneaky_store(store_path, "".join(ESCAPES.values()))

    drawn = on_a_terminal(env, *command)

    for text in ESCAPES.values():
        assert text not in drawn
    assert "\x1b[31mred" not in drawn
    left = SGR.sub("", drawn)
    for code in CONTROL:
        assert code not in left


def test_a_colour_terminal_still_gets_colour(
    env: dict[str, str], store_path: Path
) -> None:
    sneaky_store(store_path, ESCAPES["colour"])

    drawn = on_a_terminal(env, "--as", "maria", "pending")

    assert SGR.search(drawn)


def test_student_csv_exports_neutralise_formulas(cli: Runner, store_path: Path) -> None:
    formula = '=HYPERLINK("https://evil.test","x")'
    sneaky_store(store_path, formula)

    result = cli("--as", "maria", "stats", "--student", "ST-1", "--format", "csv")

    assert result.code == 0, result.stderr
    cells = [
        cell
        for row in csv.reader(io.StringIO(result.stdout, newline=""))
        for cell in row
    ]
    assert f"meet {formula}" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize("text", ESCAPES.values(), ids=ESCAPES.keys())
def test_stats_json_keeps_user_text_whole_but_escaped(
    cli: Runner, store_path: Path, text: str
) -> None:
    sneaky_store(store_path, text)

    result = cli("--as", "maria", "stats", "--student", "ST-1", "--format", "json")

    platforms = [line["platform"] for line in json.loads(result.stdout)["sessions"]]
    assert f"meet {text}" in platforms
