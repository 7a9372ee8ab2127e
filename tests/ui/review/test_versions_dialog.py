"""The model versions dialog of the Review tab: the list, Use for pre-annotation, Compare (in the worker), Export
(a folder `--model` accepts), Delete (asked first; not the version in use), and a read-only project."""

from __future__ import annotations

import io
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bert_desk.cli import main
from bert_desk.project import Project
from bert_desk.project.versions import ModelVersion
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review import versions_dialog as vd
from bert_desk.worker import InferenceService
from tests.tiny_models import build_tiny_model
from tests.ui.jobs import job_signal
from tests.ui.review.conftest import TEXTS

LABELS = ("person", "product")


def scores(f1: float) -> dict[str, object]:
    row = {"precision": f1, "recall": f1, "f1": f1, "support": 2}
    return {"labels": dict.fromkeys(LABELS, row), "micro": {**row, "support": 4}}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two tiny NER models with the project's labels (different seeds: different predictions)."""
    root = tmp_path_factory.mktemp("versions")
    tags = ("O", "B-person", "I-person", "B-product", "I-product")
    return (build_tiny_model(root / "a", "ner", labels=tags, seed=1, max_positions=160),
            build_tiny_model(root / "b", "ner", labels=tags, seed=2, max_positions=160))


def add_versions(project: Project, models: tuple[Path, Path]) -> None:
    """12 accepted documents and two recorded versions whose folders are the tiny models."""
    for doc in project.add_documents([f"john smith works at apple in paris {i}" for i in range(12)]):
        project.set_spans(doc, [(0, 10, "person"), (20, 25, "product")])
        project.set_status(doc, "ner", "accepted")
    for n, (model, when) in enumerate(zip(models, ("2026-12-01T10:00:00", "2026-12-02T11:30:00"), strict=True), 1):
        shutil.copytree(model, project.versions.folder(f"ner-v{n}"))
        project.versions.add_model_version(ModelVersion(
            f"ner-v{n}", "ner", when, str(model) if n == 1 else "ner-v1", n == 1, 10, 2, LABELS,
            {"previous": scores(0.1) if n == 2 else None, "new": scores(0.25 * n)}, {"holdout": 0.2, "seed": 13}))


@pytest.fixture
def dialog(tab: ReviewTab, tiny: tuple[Path, Path]) -> vd.VersionsDialog:
    assert tab.project is not None
    add_versions(tab.project, tiny)
    tab.loop.versions.click()
    assert tab.loop.versions_dialog is not None
    return tab.loop.versions_dialog


def cells(table: object, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]  # type: ignore[attr-defined]


def test_lists_the_versions_newest_first_and_uses_one(qtbot: QtBot, tab: ReviewTab, dialog: vd.VersionsDialog) -> None:
    project = tab.project
    assert project is not None
    assert dialog.table.rowCount() == 2
    newest, oldest = cells(dialog.table, 0), cells(dialog.table, 1)
    assert newest[:2] == ["ner-v2", "2026-12-02 11:30"] and newest[3] == "10 (+2 held back)"
    assert newest[4] == "person, product" and newest[5] == "0.50 (was 0.10)" and newest[6] == ""
    assert oldest[2].startswith("new head on ") and oldest[5] == "0.25"
    assert not dialog.use_button.isEnabled()  # nothing selected
    dialog.select("ner-v2")
    assert dialog.use_button.isEnabled() and not dialog.compare_button.isEnabled()
    unreviewed = project.document_ids()[0]
    dialog.use_button.click()
    folder = str(project.versions.folder("ner-v2"))
    assert project.get_setting("model.ner") == folder and tab.preannotate_panel.spec("ner") == folder
    assert cells(dialog.table, 0)[6] == "✔ in use" and cells(dialog.table, 1)[6] == ""
    qtbot.waitUntil(lambda: not tab.preannotate_panel.busy(), timeout=60_000)
    assert project.proposed_by(unreviewed, "ner")[0] == folder  # type: ignore[index]
    accepted = project.document_ids(task="ner", status="accepted")[0]
    assert project.proposed_by(accepted, "ner") is None  # reviewed documents are not pre-annotated again


def test_compare_scores_both_versions_in_the_worker(qtbot: QtBot, dialog: vd.VersionsDialog,
                                                    service: InferenceService) -> None:
    dialog.select("ner-v1", "ner-v2")
    assert dialog.compare_button.isEnabled() and not dialog.use_button.isEnabled()
    with job_signal(qtbot, service, vd.SLOT) as done:
        dialog.compare_button.click()
        assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
    result = done.args[0].result
    assert result["held_back"] == 2 and result["first"]["micro"]["support"] == 4
    qtbot.waitUntil(lambda: dialog.scores.isVisible())
    header = [dialog.scores.horizontalHeaderItem(c).text() for c in range(4)]
    assert header == ["Label", "ner-v1 P / R / F1", "ner-v2 P / R / F1", "Support"]
    rows = [cells(dialog.scores, r) for r in range(dialog.scores.rowCount())]
    assert [r[0] for r in rows[:2]] == ["person", "product"] and rows[-1][0] == "all (micro)"
    f1 = [result[k]["micro"]["f1"] for k in ("first", "second")]
    assert rows[-1][1].endswith(f"{f1[0]:.2f}") and rows[-1][2].endswith(f"{f1[1]:.2f}") and rows[-1][3] == "4"
    assert "ner-v1 and ner-v2 on the same 2 held-back" in dialog.caption.text()
    assert not dialog.cancel_button.isEnabled() and dialog.compare_button.isEnabled()


def test_cancel_stops_a_comparison(qtbot: QtBot, dialog: vd.VersionsDialog, service: InferenceService) -> None:
    gate = threading.Event()
    service.submit("test.block", "wait", gate)  # the inference thread is busy: the comparison waits its turn
    dialog.select("ner-v1", "ner-v2")
    with job_signal(qtbot, service, vd.SLOT, "cancelled"):
        assert dialog.compare()
        assert dialog.cancel_button.isEnabled() and "Loading ner-v1 and ner-v2" in dialog.state.text()
        dialog.cancel_button.click()
        gate.set()
    assert dialog.state.text() == "Comparison cancelled." and not dialog.scores.isVisible()
    assert dialog.compare_button.isEnabled() and not dialog.export_button.isEnabled()  # two selected


def test_export_makes_a_folder_the_model_option_loads(qtbot: QtBot, dialog: vd.VersionsDialog, tmp_path: Path,
                                                      service: InferenceService, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "exported 😀"
    monkeypatch.setattr(vd.QFileDialog, "getExistingDirectory", lambda *a, **k: str(dest))
    dialog.select("ner-v1")
    with job_signal(qtbot, service, vd.SLOT):
        assert dialog.ask_export()
    assert f"Exported to {dest}" in dialog.state.text()
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in dest.iterdir()}
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXTS[0].encode("utf-8"))))
    assert main(["ner", "--model", str(dest), "--device", "cpu"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["text"] == TEXTS[0] and {s["label"] for s in row["spans"]} <= set(LABELS)  # the version's labels


def test_delete_asks_first_and_refuses_the_version_in_use(tab: ReviewTab, dialog: vd.VersionsDialog,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    project = tab.project
    assert project is not None
    answers: list[str] = []
    monkeypatch.setattr(vd, "ask_yes_no", lambda _p, _t, text, _y="": answers.append(text) or len(answers) > 1)
    v1 = project.versions.folder("ner-v1")
    dialog.select("ner-v1")
    assert not dialog.ask_delete()  # asked, answered No: nothing deleted
    assert "Delete ner-v1" in answers[0] and v1.is_dir()
    project.set_setting("model.ner", str(v1))  # pre-annotation uses it
    dialog.refresh()
    assert not dialog.ask_delete()
    assert "use another version first" in dialog.state.text() and v1.is_dir()
    project.set_setting("model.ner", str(project.versions.folder("ner-v2")))
    dialog.refresh()
    assert dialog.ask_delete()
    assert not v1.exists() and [v.name for v in project.versions.model_versions()] == ["ner-v2"]
    assert dialog.table.rowCount() == 1 and "Deleted ner-v1" in dialog.state.text()


def test_a_version_trained_meanwhile_shows_up_when_the_dialog_is_activated(tab: ReviewTab,
                                                                          dialog: vd.VersionsDialog) -> None:
    assert tab.project is not None
    tab.project.versions.add_model_version(ModelVersion("ner-v3", "ner", "2026-12-03T09:00:00", "ner-v2", False, 10,
                                                        2, LABELS, {"previous": None, "new": scores(0.9)}))
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.WindowActivate))
    assert [cells(dialog.table, r)[0] for r in range(dialog.table.rowCount())] == ["ner-v3", "ner-v2", "ner-v1"]


def test_read_only_project_disables_use_and_delete_with_a_reason(qtbot: QtBot, tmp_path: Path,
                                                                 tiny: tuple[Path, Path],
                                                                 service: InferenceService) -> None:
    path = tmp_path / "ro.bdesk"
    with Project.create(path) as project:
        add_versions(project, tiny)
    with Project.open(path, read_only=True) as project:
        dialog = vd.VersionsDialog(project, "ner", service, lambda: "cpu", lambda _folder: True)
        qtbot.addWidget(dialog)
        dialog.select("ner-v1")
        assert not dialog.use_button.isEnabled() and not dialog.delete_button.isEnabled()
        assert dialog.export_button.isEnabled() and vd.READ_ONLY in dialog.where.text()
        assert dialog.use_button.toolTip() == vd.tip(vd.READ_ONLY)
        assert not dialog.delete("ner-v1") and project.versions.folder("ner-v1").is_dir()
