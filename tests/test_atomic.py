"""The shared atomic writer: new files follow the umask (not mkstemp's 0600), rewrites keep the file's mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bert_desk.atomic import atomic_write, current_umask


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_new_files_follow_the_umask_and_rewrites_keep_the_mode(tmp_path: Path, umask: None) -> None:
    assert current_umask() == 0o022  # read without changing it
    assert current_umask() == 0o022
    target = tmp_path / "out.csv"
    with atomic_write(target) as out:
        out.write(b"one\n")
    assert _mode(target) == 0o644 and target.read_bytes() == b"one\n"
    os.umask(0o027)
    with atomic_write(tmp_path / "group.csv") as out:
        out.write(b"x")
    assert _mode(tmp_path / "group.csv") == 0o640
    target.chmod(0o600)  # the user made it private: a rewrite keeps that
    with atomic_write(target) as out:
        out.write(b"two\n")
    assert _mode(target) == 0o600 and target.read_bytes() == b"two\n"
    target.chmod(0o664)
    with atomic_write(target) as out:
        out.write(b"three\n")
    assert _mode(target) == 0o664
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as out:
        out.write(b"new")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1
