"""The entry point: help everywhere, version, errors as one line, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from fbcli.cli import build_app
from tests.conftest import Runner


def command_names() -> list[str]:
    from typer.main import get_command

    group = get_command(build_app())
    return sorted(group.commands)  # type: ignore[attr-defined]


COMMANDS = command_names()
FBCLI = [sys.executable, "-m", "fbcli"]


def test_python_m_fbcli_shows_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fbcli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0
    assert "Usage" in done.stdout
    assert "pending" in done.stdout


def test_version(cli: Runner) -> None:
    result = cli("--version")

    assert result.code == 0
    assert result.stdout.startswith("fbcli ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Runner, command: str) -> None:
    result = cli(command, "--help")

    assert result.code == 0
    assert "Usage" in result.stdout
    assert command in result.stdout


def without_help(command: Any, path: str) -> list[str]:
    """Commands, subcommands, options and arguments under ``command`` lacking help."""
    missing = [] if (command.help or "").strip() else [path]
    missing += [
        f"{path} {param.name}"
        for param in command.params
        if param.name != "help" and not (getattr(param, "help", None) or "").strip()
    ]
    for name, sub in getattr(command, "commands", {}).items():
        missing += without_help(sub, f"{path} {name}")
    return missing


def test_every_command_option_and_argument_has_help_text() -> None:
    from typer.main import get_command

    group = get_command(build_app())

    assert without_help(group, "fbcli") == []
    assert {"plan show", "plan set", "plan add", "plan remove"} <= {
        f"plan {name}"
        for name in group.commands["plan"].commands  # type: ignore[attr-defined]
    }


def test_every_command_can_print_json() -> None:
    from typer.main import get_command

    group: Any = get_command(build_app())
    commands = {
        f"{name} {sub}" if sub else name: command
        for name, top in group.commands.items()
        for sub, command in (getattr(top, "commands", None) or {"": top}).items()
    }

    without = [
        name
        for name, command in commands.items()
        if not any("--json" in param.opts for param in command.params)
    ]

    assert "plan show" in commands
    assert without == []


def test_the_help_check_finds_what_lacks_help() -> None:
    import typer
    from typer.main import get_command

    app = typer.Typer(help="An app.")

    @app.command()
    def bare(name: str, loud: bool = typer.Option(False, "--loud")) -> None:
        pass

    @app.command()
    def other() -> None:
        """Has help."""

    missing = without_help(get_command(app), "app")

    assert missing == ["app bare", "app bare name", "app bare loud"]


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colours(text: str) -> set[str]:
    """The colour codes (not bold, italic ...) in the text's SGR sequences."""
    found = set()
    for match in SGR.finditer(text):
        for code in match.group(1).split(";"):
            if code and (30 <= int(code) <= 49 or 90 <= int(code) <= 107):
                found.add(code)
    return found


def spawn_pending(env: dict[str, str], **extra: str) -> str:
    """What `fbcli pending` draws on a real terminal."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fbcli", "--as", "maria", "pending"],
        env={**env, "PATH": os.environ["PATH"], "TERM": "xterm-256color", **extra},
        dimensions=(40, 120),
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return str(child.before)


def test_colour_on_a_terminal_and_none_with_no_color(
    env: dict[str, str], demo_store: Path
) -> None:
    coloured = {k: v for k, v in env.items() if k != "NO_COLOR"}

    on_terminal = spawn_pending(coloured)
    with_no_color = spawn_pending(coloured, NO_COLOR="1")

    assert "sessions await your feedback" in on_terminal
    assert colours(on_terminal) != set()
    assert "sessions await your feedback" in with_no_color
    assert colours(with_no_color) == set()


def test_no_colour_when_piped(
    cli_process: Runner, env: dict[str, str], demo_store: Path
) -> None:
    result = cli_process(
        "--as", "maria", "pending", extra_env={"NO_COLOR": "", "TERM": "xterm-256color"}
    )

    assert result.code == 0
    assert "sessions await your feedback" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


def test_an_unknown_command_is_a_usage_error(cli: Runner) -> None:
    result = cli("pendng")

    assert result.code == 2
    assert "pendng" in result.stderr
    assert result.stdout == ""


def test_an_unknown_option_is_a_usage_error(cli: Runner) -> None:
    result = cli("pending", "--jsn")

    assert result.code == 2
    assert "--jsn" in result.stderr


def test_no_command_shows_help(cli: Runner) -> None:
    result = cli()

    assert result.code == 2
    assert "Usage" in result.stderr + result.stdout


def test_a_bad_fbcli_now_is_one_clear_line(
    cli: Runner, monkeypatch: pytest.MonkeyPatch, demo_store: object
) -> None:
    monkeypatch.setenv("FBCLI_NOW", "yesterday")

    result = cli("--as", "maria", "pending")

    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "FBCLI_NOW" in result.stderr


def test_errors_never_show_a_traceback(cli_process: Runner) -> None:
    result = cli_process(
        "--db", "/nonexistent/folder/store.json", "--as", "maria", "pending"
    )

    assert result.code == 5
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: no store at /nonexistent/folder/store.json")


def test_a_nul_byte_in_a_file_name_is_a_usage_error(cli: Runner) -> None:
    result = cli("--as", "maria", "give", "S-1", "--no-input", "--from", "a\x00b")

    assert result.code == 2
    assert result.stderr == "error: a value on the command line holds a NUL byte\n"


# Long output fails while the command runs; short output when it is flushed last.
@pytest.mark.parametrize(
    "command", [["sessions", "--json"], ["show", "S-1001", "--json"]]
)
def test_a_reader_that_stops_early_is_no_error(
    env: dict[str, str], demo_store: Path, command: list[str]
) -> None:
    reading, writing = os.pipe()
    os.close(reading)  # as `fbcli sessions | head` once head has had enough
    try:
        done = subprocess.run(
            [*FBCLI, "--db", str(demo_store), "--as", "maria", *command],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
            timeout=120,
        )
    finally:
        os.close(writing)

    # Quietly, with click's code for it: no traceback, no "Exception ignored".
    assert done.returncode == 1
    assert done.stderr == ""


def test_all_output_is_handed_on_before_the_process_leaves(
    env: dict[str, str], demo_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sessions.json"
    with out.open("w") as target:
        done = subprocess.run(
            [*FBCLI, "--db", str(demo_store), "--as", "maria", "sessions", "--json"],
            stdout=target,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
            timeout=120,
        )

    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text())) > 50
