"""Atomic file writes: a crash or kill leaves either the old file or the complete new one."""

from __future__ import annotations

import errno
import glob
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

STALE_S = 60.0  # a temporary file this old beside the target is a killed writer's leftover


def check_target(path: Path) -> None:
    """Refuse, before any work, a target that cannot become a file: a folder, or one in a missing folder."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder: give a file name", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "its folder does not exist", str(path))


def remove_stale(path: Path) -> None:
    """Delete temporary files that a killed writer of `path` left behind."""
    now = time.time()
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > STALE_S:
                stale.unlink()
        except OSError:
            pass


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success it is fsynced and renamed over `path`, on error removed.
    The target is checked first (`check_target`), and leftovers of killed writers are removed."""
    path = Path(path)
    check_target(path)
    remove_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
