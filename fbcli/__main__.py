"""``python -m fbcli`` and the ``fbcli`` console script."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    # One short-lived process per command: reference counting frees what it
    # drops, and cycle collection would only rescan the whole store's objects
    # while it is read and built.
    gc.disable()
    from fbcli.cli import run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
