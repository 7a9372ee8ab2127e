"""Progress and cancellation of the long project operations: export, import and agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.engine.types import Cancelled, CancelToken
from bert_desk.project import Project
from bert_desk.project.agreement import agreement
from bert_desk.project.exporters import export_project
from bert_desk.project.importers import import_file


class Recorder:
    """A progress callback that keeps every call and may cancel `token` after `cancel_after` documents."""

    def __init__(self, token: CancelToken | None = None, cancel_after: int | None = None) -> None:
        self.calls: list[tuple[float, str]] = []
        self.token, self.cancel_after = token, cancel_after

    def __call__(self, fraction: float, message: str) -> None:
        self.calls.append((fraction, message))
        if self.token is not None and self.cancel_after is not None and f"{self.cancel_after}/" in message:
            self.token.cancel()

    @property
    def fractions(self) -> list[float]:
        return [f for f, _ in self.calls]


def cancelled() -> CancelToken:
    token = CancelToken()
    token.cancel()
    return token


@pytest.fixture
def reviewed(project: Project) -> Project:
    """Five accepted documents with human and model spans (PER right, LOC wrong)."""
    ids = project.add_documents([f"Doc {i} Angela in Paris." for i in range(5)])
    for doc in ids:
        project.set_spans(doc, [(6, 12, "PER"), (16, 21, "LOC")])
        project.set_spans(doc, [(6, 12, "PER"), (16, 20, "LOC")], source="model", model="m")
        project.set_status(doc, "ner", "accepted")
    return project


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_export_reports_every_document_and_reaches_one(reviewed: Project, tmp_path: Path) -> None:
    progress = Recorder()
    report = export_project(reviewed, "jsonl", tmp_path / "out.jsonl", statuses=["accepted"], progress=progress,
                            cancel=CancelToken())
    assert report.documents == 5 and len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    assert progress.fractions[0] == 0.0 and progress.fractions[-1] == 1.0
    assert progress.fractions == sorted(progress.fractions)
    assert ("0.6", "3/5 documents") in [(f"{f:.1f}", m) for f, m in progress.calls]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "conll"])
def test_a_cancelled_export_leaves_no_file(reviewed: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    with pytest.raises(Cancelled):
        export_project(reviewed, fmt, out, statuses=None, cancel=cancelled())
    assert not out.exists() and _leftovers(tmp_path) == []
    token = CancelToken()
    with pytest.raises(Cancelled):  # cancelled half-way: the temporary file is removed too
        export_project(reviewed, fmt, out, statuses=None, progress=Recorder(token, 2), cancel=token)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_a_cancelled_export_keeps_the_old_file(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    token = CancelToken()
    with pytest.raises(Cancelled):
        export_project(reviewed, "jsonl", out, progress=Recorder(token, 4), cancel=token)
    assert out.read_text(encoding="utf-8") == "old\n" and _leftovers(tmp_path) == []


def test_import_reports_progress_and_a_cancel_stores_nothing(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "docs.txt"
    path.write_text("".join(f"line {i}\n" for i in range(6)), encoding="utf-8")
    with pytest.raises(Cancelled):
        import_file(project, path, cancel=cancelled())
    token = CancelToken()
    with pytest.raises(Cancelled):  # cancelled inside the transaction, after 3 documents were inserted
        import_file(project, path, progress=Recorder(token, 3), cancel=token)
    assert project.count() == 0
    progress = Recorder()
    ids = import_file(project, path, progress=progress, cancel=CancelToken())  # the project still works
    assert len(ids) == 6 and project.count() == 6
    assert progress.calls[0] == (0.0, "reading the file") and progress.fractions[-1] == 1.0
    assert progress.fractions == sorted(progress.fractions)


def test_agreement_progress_and_cancel(reviewed: Project) -> None:
    with pytest.raises(Cancelled):
        agreement(reviewed, "ner", cancel=cancelled())
    token = CancelToken()
    with pytest.raises(Cancelled):
        agreement(reviewed, "ner", progress=Recorder(token, 2), cancel=token)
    progress = Recorder()
    result = agreement(reviewed, "ner", progress=progress, cancel=CancelToken())
    assert result.documents == 5 and result.labels["PER"].tp == 5 and result.labels["LOC"].fp == 5
    assert progress.fractions[0] == 0.0 and progress.fractions[-1] == 1.0
    assert "5/5 documents" in [m for _, m in progress.calls]


class CancelledWhileReading(CancelToken):
    """A token that is cancelled (as by the Cancel button) once it has been checked `after` times."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.checks = after, 0

    def raise_if_cancelled(self) -> None:
        self.checks += 1
        if self.checks >= self.after:
            self.cancel()
        super().raise_if_cancelled()


def _big_file(tmp_path: Path, fmt: str, n: int = 3000) -> Path:
    import json

    if fmt == "jsonl":
        body = "".join(json.dumps({"text": f"Doc {i}"}) + "\n" for i in range(n))
    elif fmt == "csv":
        body = "text,label\n" + "".join(f"Doc {i},pos\n" for i in range(n))
    elif fmt == "conll":
        body = "".join(f"Doc B-PER\n{i} O\n\n" for i in range(n))
    elif fmt == "labelstudio":
        body = json.dumps([{"id": i, "data": {"text": f"Doc {i}"}} for i in range(n)])
    else:  # squad: one article per paragraph
        body = json.dumps({"data": [{"title": f"A{i}", "paragraphs": [{"context": f"Doc {i}", "qas": []}]}
                                    for i in range(n)]})
    path = tmp_path / f"big.{fmt}"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "conll", "labelstudio", "squad"])
def test_a_cancel_stops_the_parsing_of_a_big_file(project: Project, tmp_path: Path, fmt: str) -> None:
    """Cancel pressed while a big file is still being parsed stops the reader there, not after the whole file."""
    from bert_desk.project.importers import read_file

    path = _big_file(tmp_path, fmt)
    assert len(read_file(path, fmt, cancel=CancelToken())) == 3000
    token = CancelledWhileReading(after=2)
    with pytest.raises(Cancelled):
        read_file(path, fmt, cancel=token)
    assert token.checks == 2  # stopped at the reader's second check, early in the file
    with pytest.raises(Cancelled):
        import_file(project, path, fmt, cancel=CancelledWhileReading(after=3))
    assert project.count() == 0
