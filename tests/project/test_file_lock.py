"""A project open in one process is never touched by another: a reviewer's edits survive whatever
other code in the app's process does with the file (a file dialog reading it drops SQLite's locks)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bert_desk.project import Project, file_lock
from bert_desk.project.errors import ProjectError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and SIGKILL are POSIX")

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# The app's side: open the project with the app's code, let other code open and close the file in
# the same process (as Qt's file dialog does when it sniffs a file's type), then edit when told to.
APP = textwrap.dedent("""
    import os, sys, time
    from bert_desk.project import Project
    p = Project.open(sys.argv[1])
    (doc,) = p.add_documents(["Angela Merkel visited Paris"])
    os.close(os.open(sys.argv[1], os.O_RDONLY))  # drops this process's POSIX locks on the file
    print("ready", flush=True)
    sys.stdin.readline()
    with p.transaction():
        p.add_span(doc, 0, 13, "PER")
        p.set_status(doc, "ner", "accepted")
    print("committed", flush=True)
    time.sleep(600)
""")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bert_desk", *args], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=120)


def test_cli_on_a_project_open_in_the_app_loses_no_edit(tmp_path: Path) -> None:
    path = tmp_path / "p.bdesk"
    Project.create(path).close()
    app = subprocess.Popen([sys.executable, "-c", APP, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           text=True, cwd=ROOT, env=ENV)
    try:
        assert app.stdout is not None and app.stdin is not None
        assert app.stdout.readline().strip() == "ready"
        stats = _cli("project", "stats", str(path))
        assert stats.returncode == 2
        assert "open in another bert_desk program" in stats.stderr and f"process {app.pid}" in stats.stderr
        assert "Traceback" not in stats.stderr
        assert Path(f"{path}-wal").exists()  # the app's write-ahead log was left alone
        app.stdin.write("go\n")
        app.stdin.flush()
        assert app.stdout.readline().strip() == "committed"
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
    with Project.open(path) as project:
        (doc,) = project.document_ids()
        assert project.review(doc, "ner").status == "accepted"
        assert [(s.start, s.end, s.label) for s in project.spans(doc)] == [(0, 13, "PER")]


def test_connections_in_one_process_share_the_hold(tmp_path: Path) -> None:
    path = tmp_path / "p.bdesk"
    Project.create(path).close()
    gui = Project.open(path)
    worker = Project.open(path, read_only=True)  # a background job's own connection
    assert file_lock.held_here(path)
    gui.close()
    assert file_lock.held_here(path)  # the job still reads it
    assert worker.count() == 0
    worker.close()
    assert not file_lock.held_here(path)
    assert _cli("project", "stats", str(path)).returncode == 0  # released: other processes may open it


def test_a_second_process_waits_then_names_the_holder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.bdesk"
    Project.create(path).close()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom bert_desk.project import Project\n"
                               "p = Project.open(sys.argv[1]); print('ready', flush=True); time.sleep(600)", str(path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(file_lock.ProjectBusy, match=f"process {holder.pid}"):
            file_lock.hold(path, timeout=0.2)
        with pytest.raises(ProjectError, match="already exists"):
            Project.create(path)
        with pytest.raises(file_lock.ProjectBusy):
            Project.create(path, overwrite=True)  # never replaces a project another program has open
        assert path.stat().st_size > 0
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    with Project.open(path) as project:  # a killed holder's lock goes with it
        assert project.count() == 0


def test_other_sqlite_files_and_empty_files_are_refused_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "other.bdesk"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(other)
    assert other.read_bytes() == before  # not switched to WAL (header bytes 18-19) before refusing
    empty = tmp_path / "empty.bdesk"
    empty.touch()
    with pytest.raises(ProjectError, match="empty"):
        Project.open(empty)
    assert empty.stat().st_size == 0
    text = tmp_path / "notes.bdesk"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ProjectError, match="not a SQLite file"):
        Project.open(text)
    assert not Path(f"{other}-wal").exists() and not Path(f"{empty}-wal").exists()


def test_a_project_in_a_read_only_folder_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.bdesk"
    with Project.create(path) as project:
        project.add_documents(["one", "two"])
    monkeypatch.setattr("bert_desk.project.store.folder_writable", lambda _path: False)  # root ignores modes
    with Project.open(path) as project:
        assert project.read_only and "read-only" in str(project.integrity_error)
        assert project.count() == 2
        with pytest.raises(ProjectError, match="read-only"):
            project.add_documents(["three"])
