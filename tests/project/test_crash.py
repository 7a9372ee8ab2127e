"""Crash safety: a writer killed with SIGKILL leaves a valid file holding every committed change."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bert_desk.project import Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import sys
    from bert_desk.project import Project, Record
    p = Project.open(sys.argv[1])
    if sys.argv[2] == "loop":
        i = 0
        while True:
            (doc,) = p.add_documents([f"Angela Merkel {i} visited Paris"])
            with p.transaction():
                p.add_span(doc, 0, 13, "PER")
                p.set_status(doc, "ner", "accepted")
            print(i, flush=True)
            i += 1
    else:
        def records():
            for i in range(10 ** 7):
                if i == 3000:
                    print("inside", flush=True)
                yield Record(f"bulk {i}")
        p.import_records(records())
""")


def _run_and_kill(path: Path, mode: str, wait_for: int | str) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), mode], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line.strip())
        if (isinstance(wait_for, int) and len(seen) >= wait_for) or seen[-1] == wait_for:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return seen


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_killed_during_edit_loop_keeps_every_commit(tmp_path: Path) -> None:
    path = tmp_path / "crash.bdesk"
    Project.create(path).close()
    seen = _run_and_kill(path, "loop", 40)
    last = int(seen[-1])
    assert _integrity(path) == "ok"
    with Project.open(path) as p:
        assert not p.read_only and p.integrity_error is None
        n = p.count()
        assert last + 1 <= n <= last + 2  # all reported commits, plus at most one unreported
        accepted = p.count(task="ner", status="accepted")
        assert accepted in (n, n - 1)  # the edit transaction of the last document may be missing
        assert p.stats()["labels"]["ner"]["PER"]["human"] == accepted


def test_killed_inside_one_big_import_leaves_nothing_of_it(tmp_path: Path) -> None:
    path = tmp_path / "bulk.bdesk"
    with Project.create(path) as p:
        p.add_documents(["before"])
    _run_and_kill(path, "bulk", "inside")
    assert _integrity(path) == "ok"
    with Project.open(path) as p:
        assert p.count() == 1 and p.document(1).text == "before"
        p.add_documents(["after"])  # still writable
        assert p.count() == 2
