"""Replacing a store file so that a crash leaves the old file or the new one.

A write goes to a temporary file beside the store, is flushed to disk, and
is renamed over the store. The temporary files are named after their store,
so a writer cleans up only what a killed writer of the same store left, and
never a file another store's writer in the same folder is still writing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
from collections.abc import Sequence
from pathlib import Path

from fbcli.errors import StoreError

Buffer = bytes | memoryview


def temp_prefix(store: Path) -> str:
    """How the temporary files of ``store`` start: ``.store.json.fbcli-tmp-``."""
    return f".{store.name}.fbcli-tmp-"


def leftover_temps(store: Path) -> list[Path]:
    """Temporary files a killed writer of ``store`` left beside it."""
    prefix = temp_prefix(store)
    # mkstemp's random part, or the backup's link named after a process id.
    own = re.compile(re.escape(prefix) + r"(?:[a-z0-9_]{8}|bak-\d+)")
    return sorted(
        path
        for path in store.parent.glob(glob.escape(prefix) + "*")
        if own.fullmatch(path.name)
    )


def write_atomically(
    path: Path, payload: bytes | Sequence[Buffer], *, keep_backup: bool
) -> None:
    """Replace ``path`` with ``payload``; with ``keep_backup``, keep the old as STORE.bak."""
    folder = path.parent
    for stale in leftover_temps(path):
        # Only a killed writer leaves these, and the caller holds the lock.
        with contextlib.suppress(OSError):
            stale.unlink()
    fd, temp_name = _make_temp(path)
    try:
        with os.fdopen(fd, "wb") as temp:
            for part in [payload] if isinstance(payload, bytes) else payload:
                temp.write(part)
            temp.flush()
            os.fsync(temp.fileno())
        if keep_backup and path.exists():
            backup = path.with_name(path.name + ".bak")
            link = folder / f"{temp_prefix(path)}bak-{os.getpid()}"
            os.link(path, link)
            link.replace(backup)
            # rename() does nothing when both names are one file already, as
            # when a writer was killed after keeping the backup.
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
        Path(temp_name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _make_temp(path: Path) -> tuple[int, str]:
    import tempfile

    folder = path.parent
    try:
        # mkstemp creates the file readable and writable by its owner only.
        return tempfile.mkstemp(prefix=temp_prefix(path), dir=folder)
    except FileNotFoundError:
        raise StoreError(
            f"cannot write the store: folder {folder} does not exist"
        ) from None
    except PermissionError:
        raise StoreError(f"cannot write the store: {folder} is not writable") from None
    except OSError as error:
        raise StoreError(
            f"cannot write the store in {folder}: {error.strerror}"
        ) from None
