"""The entry point: help everywhere, version, errors as one line, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fbcli.cli import build_app
from tests.conftest import Runner


def command_names() -> list[str]:
    from typer.main import get_command

    group = get_command(build_app())
    return sorted(group.commands)  # type: ignore[attr-defined]


COMMANDS = command_names()


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


def test_every_command_and_option_has_help_text() -> None:
    from typer.main import get_command

    group = get_command(build_app())
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if not (command.help or "").strip():
            missing.append(name)
        missing += [
            f"{name} {param.name}"
            for param in command.params
            if param.param_type_name == "option"
            and getattr(param, "help", None) is None
            and param.name != "help"
        ]
    assert missing == []


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
