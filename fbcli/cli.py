"""The entry point: global options, command discovery, and error handling."""

import importlib
import os
import sys
from typing import Annotated

import typer

from fbcli import __version__
from fbcli.context import AppContext
from fbcli.errors import FbcliError

# The order commands are listed in --help; commands not named here follow.
COMMAND_ORDER = (
    "pending",
    "give",
    "mark_unattended",
    "sessions",
    "show",
    "plan",
    "goals",
    "stats",
    "init",
    "import_",
    "doctor",
    "migrate",
)

HELP = """Leave feedback after every session you teach, and read what it adds up to.

Start with 'fbcli pending', then 'fbcli give SESSION'.
"""


def show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"fbcli {__version__}\n")
        raise typer.Exit()


def build_app(modules: list[str] | None = None) -> typer.Typer:
    """The fbcli app with the given command modules, or all of them."""
    app = typer.Typer(
        name="fbcli",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def global_options(
        ctx: typer.Context,
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                envvar="FBCLI_DB",
                show_envvar=True,
                help="Store file (default: store.json in your data folder).",
            ),
        ] = None,
        acting: Annotated[
            str | None,
            typer.Option(
                "--as",
                envvar="FBCLI_TUTOR",
                show_envvar=True,
                help="Act as this tutor (default: 'tutor' in the config file).",
            ),
        ] = None,
        lock_timeout: Annotated[
            float,
            typer.Option(
                "--lock-timeout",
                min=0,
                help="Seconds to wait for another command's lock on the store.",
            ),
        ] = 5.0,
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                callback=show_version,
                is_eager=True,
                help="Show the version and exit.",
            ),
        ] = False,
    ) -> None:
        ctx.obj = AppContext(db=db, acting=acting, lock_timeout=lock_timeout)

    for name in all_command_modules() if modules is None else modules:
        module = importlib.import_module(f"fbcli.commands.{name}")
        module.register(app)
    return app


def all_command_modules() -> list[str]:
    import pkgutil

    import fbcli.commands as commands

    names = {info.name for info in pkgutil.iter_modules(commands.__path__)}
    ordered = [n for n in COMMAND_ORDER if n in names]
    return ordered + sorted(names - set(ordered))


# Global options that take a value, to step over when looking for the command.
VALUE_OPTIONS = {"--db", "--as", "--lock-timeout"}


def needed_modules(argv: list[str]) -> list[str] | None:
    """The command modules a command line needs, or None for all of them.

    Building every command's options costs more than running most commands,
    so a command line that names one command loads only that one and
    ``--version`` loads none; help, completion and anything unusual load all.
    """
    only = invoked_module(argv)
    if only is not None:
        return [only]
    return [] if version_asked(argv) else None


def version_asked(argv: list[str]) -> bool:
    """Whether --version comes before any command."""
    tokens = iter(argv)
    for token in tokens:
        if token in VALUE_OPTIONS:
            next(tokens, None)
        elif not token.startswith("-"):
            return False
        elif token == "--version":
            return True
    return False


def invoked_module(argv: list[str]) -> str | None:
    """The module of the command a command line names, if it names one."""
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    tokens = iter(argv)
    for token in tokens:
        if token in VALUE_OPTIONS:
            next(tokens, None)
        elif token.startswith("-"):
            if token in ("--help", "-h", "--version"):
                return None
        else:
            name = token.replace("-", "_")
            name = name + "_" if name == "import" else name
            if not name.isidentifier():
                return None
            from importlib.util import find_spec

            return name if find_spec(f"fbcli.commands.{name}") else None
    return None


def run(argv: list[str]) -> int:
    """Run one command line and return its exit code."""
    from typer.main import get_command

    command = get_command(build_app(needed_modules(argv)))
    try:
        result = command.main(args=argv, prog_name="fbcli", standalone_mode=False)
    except FbcliError as failure:
        sys.stderr.write(f"error: {failure.message}\n")
        return failure.exit_code
    except (KeyboardInterrupt, EOFError, typer.Abort):
        sys.stderr.write("\ninterrupted; nothing was saved\n")
        return 130
    except typer.Exit as done:
        return done.exit_code
    except typer.TyperException as failure:
        return show_usage_error(failure)
    except ValueError as failure:
        # Only a caller inside Python can pass a NUL byte: a shell cannot.
        if "null byte" not in str(failure):
            raise
        sys.stderr.write("error: a value on the command line holds a NUL byte\n")
        return 2
    return result if isinstance(result, int) else 0


def show_usage_error(failure: typer.TyperException) -> int:
    """One line for a malformed command line, and where to find help."""
    ctx = getattr(failure, "ctx", None)
    if type(failure).__name__ == "NoArgsIsHelpError":
        failure.show()  # type: ignore[attr-defined]
        return 2
    sys.stderr.write(f"error: {failure.format_message()}\n")
    if ctx is not None:
        sys.stderr.write(f"Try '{ctx.command_path} --help' for help.\n")
    return failure.exit_code
