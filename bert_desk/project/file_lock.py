"""One bert_desk process at a time holds a project file.

SQLite coordinates processes with POSIX advisory (fcntl) locks, and those belong to the *process*:
when any code in the process closes any descriptor of the file (a file dialog sniffing its type,
a thumbnailer, a backup library), every lock the process held on it is gone. Another process then
believes it is the last user, checkpoints and deletes the write-ahead log while the app still
writes to it, and the app's later edits are lost (SQLite's "How To Corrupt An SQLite Database
File", section 2.2). An `flock()` lock belongs to the open file *description* instead, so no other
close in the process releases it. Every `Project` takes one, exclusive, for as long as it is open:
connections in the same process share it (counted), and another process is told that the project
is open elsewhere instead of touching the file. On Windows SQLite's own locks have no such flaw and
this is a no-op.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bert_desk.project.errors import ProjectError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

POLL_S = 0.05


class ProjectBusy(ProjectError):
    """The project file is held by another process (the app, or a command still running)."""


@dataclass
class _Hold:
    fd: int
    count: int


_held: dict[tuple[int, int], _Hold] = {}
_guard = threading.Lock()


def _key(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def holder_pid(path: Path) -> int | None:
    """The process holding `path`'s flock, read from /proc/locks (Linux), else None."""
    try:
        inode = os.stat(path).st_ino
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if "FLOCK" in fields and "->" not in fields and len(fields) >= 6:
                    index = fields.index("FLOCK")
                    pid, ident = fields[index + 3], fields[index + 4]
                    if ident.rsplit(":", 1)[-1] == str(inode) and pid.isdigit() and int(pid) != os.getpid():
                        return int(pid)
    except (OSError, ValueError, IndexError):
        pass
    return None


def busy_message(path: Path) -> str:
    pid = holder_pid(path)
    who = f"another bert_desk program (process {pid})" if pid else "another bert_desk program"
    return (f"{path}: the project is open in {who}; close it there (or wait for the command to finish) "
            "and try again")


def hold(path: str | Path, *, timeout: float = 5.0) -> Callable[[], None]:
    """Hold `path` for this process (waiting up to `timeout` s for another holder); returns `release`.

    Raises ProjectBusy when another process keeps it, ProjectError when the file cannot be read."""
    path = Path(path)
    if fcntl is None:
        return lambda: None
    try:
        key = _key(path)
    except OSError as exc:
        raise ProjectError(f"{path}: {exc.strerror or exc}") from exc
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return _releaser(key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise ProjectError(f"{path}: cannot open: {exc.strerror or exc}") from exc
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)  # nothing of ours is open on this file: no SQLite lock to lose
                    raise ProjectBusy(busy_message(path)) from None
                time.sleep(POLL_S)
            except OSError:  # a file system without flock (some network mounts): SQLite's locks only
                break
        _held[key] = _Hold(fd, 1)
        return _releaser(key)


def _releaser(key: tuple[int, int]) -> Callable[[], None]:
    done = False

    def release() -> None:
        nonlocal done
        with _guard:
            if done:
                return
            done = True
            held = _held.get(key)
            if held is None:
                return
            held.count -= 1
            if held.count == 0:
                del _held[key]
                os.close(held.fd)  # the last connection of this process is closed: nothing to lose

    return release


def held_here(path: str | Path) -> bool:
    """True while this process holds `path`."""
    try:
        return _key(Path(path)) in _held
    except OSError:
        return False
