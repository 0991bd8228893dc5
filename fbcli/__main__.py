"""``python -m fbcli`` and the ``fbcli`` console script."""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    # One short-lived process per command: reference counting frees what it
    # drops, and cycle collection would only rescan the whole store's objects
    # while it is read and built.
    gc.disable()
    from fbcli.cli import run

    os._exit(finish(run(sys.argv[1:])))


def finish(code: int) -> int:
    """Flush what the command printed; the exit code to leave with.

    The command has committed and closed its store by the time it returns,
    so nothing is left to do but hand the output on. Tearing down every
    module and object the interpreter built would take longer than most
    commands, which is why ``main`` leaves with ``os._exit`` after this.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            # The reader stopped early (``fbcli sessions | head``): quietly,
            # with the code click gives when this happens during a command.
            code = 1
        except (OSError, ValueError):
            # Closed or unwritable: nothing more can be said on it.
            pass
    return code


if __name__ == "__main__":
    main()
