"""Atomic file writes: a crash or kill leaves either the old file or the complete new one."""

from __future__ import annotations

import errno
import glob
import os
import stat
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


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux: /proc/self/status);
    elsewhere set and restored, briefly stricter (0o077), never looser, for other threads."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def file_mode(path: Path) -> int:
    """The permissions a rewrite of `path` gets: the existing file's, else what a new file gets from the
    umask (0o666 & ~umask), as `open(path, "w")` would give; not mkstemp's 0o600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success it is fsynced and renamed over `path`, on error removed.
    The target is checked first (`check_target`), and leftovers of killed writers are removed. The file
    keeps the mode of the one it replaces; a new file follows the umask (`file_mode`)."""
    path = Path(path)
    check_target(path)
    remove_stale(path)
    mode = file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            if hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), mode)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
