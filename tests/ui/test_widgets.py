"""Small widgets on their own: model picker, legend, entity table, column picker, colours, names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bert_desk.engine.types import Entity
from bert_desk.ui import model_picker
from bert_desk.ui.dialogs import ColumnPickerDialog
from bert_desk.ui.entity_table import EntityTableModel, sorting_proxy
from bert_desk.ui.legend import Legend
from bert_desk.ui.model_picker import ModelPicker
from bert_desk.ui.theme import label_polarity, scores_polarity
from tests.ui.conftest import WindowFactory

INTERACTIVE = (QPushButton, QCheckBox, QComboBox, QSlider, QAbstractItemView, QPlainTextEdit, QTextEdit)


def _in_combo(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def test_every_interactive_widget_is_named(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView) or _in_combo(widget):
            continue  # a combo's popup list and line edit, and table headers, belong to named widgets
        if not widget.objectName() or widget.accessibleName() != widget.objectName():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}")
    assert not unnamed


def test_model_picker_specs(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_picker, "bundled_spec", lambda task: f"bundled:{task}")
    picker = ModelPicker("sentiment", "sentiment", recent=["some/model"])
    qtbot.addWidget(picker)
    assert picker.combo.itemText(0) == "Bundled" and picker.spec() == "bundled:sentiment"
    assert picker.specs() == ["bundled:sentiment", "some/model"]
    with qtbot.waitSignal(picker.spec_chosen) as blocker:
        picker.combo.setEditText("  org/typed-id ")
        picker.combo.lineEdit().returnPressed.emit()
    assert blocker.args == ["org/typed-id"]
    picker.add_specs(["spacy:x"])
    assert picker.spec() == "org/typed-id" and "spacy:x" in picker.specs()
    picker.set_spec("")
    assert picker.spec() == "" and "No model" in picker.status.text()


def test_legend_toggles(qtbot: QtBot) -> None:
    legend = Legend()
    qtbot.addWidget(legend)
    legend.set_entities([Entity(0, 1, "PER", 1.0, "a"), Entity(2, 3, "PER", 1.0, "b"), Entity(4, 5, "LOC", 1.0, "c")])
    assert {k: b.text() for k, b in legend.boxes().items()} == {"PER": "PER (2)", "LOC": "LOC (1)"}
    with qtbot.waitSignal(legend.hidden_changed) as blocker:
        legend.boxes()["LOC"].setChecked(False)
    assert blocker.args == [frozenset({"LOC"})]
    legend.set_entities([Entity(0, 1, "ORG", 1.0, "x"), Entity(2, 3, "LOC", 1.0, "y")])
    assert not legend.boxes()["LOC"].isChecked() and legend.boxes()["ORG"].isChecked()


def test_entity_table_sorts_numbers_as_numbers() -> None:
    model = EntityTableModel()
    proxy = sorting_proxy(model)
    model.set_entities([Entity(10, 12, "A", 0.9, "xx"), Entity(2, 3, "B", 0.05, "y"), Entity(100, 101, "C", 0.5, "z")])
    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 3).data() for r in range(3)] == ["2–3", "10–12", "100–101"]
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 2).data() for r in range(3)] == ["0.900", "0.500", "0.050"]


def test_column_picker(qtbot: QtBot) -> None:
    dialog = ColumnPickerDialog("a.csv", ["id", "review"], [["1", "good"]])
    qtbot.addWidget(dialog)
    dialog.combo.setCurrentText("review")
    assert dialog.column() == "review"


def test_polarity() -> None:
    assert label_polarity("NEGATIVE") == -1 and label_polarity("positive") == 1 and label_polarity("neutral") == 0
    assert label_polarity("1 star") == -1 and label_polarity("5 stars") == 1 and label_polarity("3 stars") == 0
    assert label_polarity("LABEL_0", ["LABEL_0", "LABEL_1"]) == -1
    assert scores_polarity({"NEGATIVE": 0.25, "POSITIVE": 0.75}) == pytest.approx(0.5)


def test_main_runs_and_exits(tmp_path: Path) -> None:
    """`bert_desk.app.main` in a fresh process: starts, shows the window, quits cleanly, writes the log."""
    code = (
        "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(['bert-desk'])\n"
        "QTimer.singleShot(300, lambda: [w.close() for w in QApplication.topLevelWidgets() if w.isVisible()])\n"
        "QTimer.singleShot(8000, app.quit)\n"
        "from bert_desk.app import main\n"
        f"sys.exit(main(['--settings', {str(tmp_path / 's.ini')!r}, '--device', 'cpu']))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "BERT_DESK_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).parents[2], timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "data" / "logs" / "bert_desk.log").read_text(encoding="utf-8")
    assert "starting" in log and "exiting with code 0" in log
    assert (tmp_path / "s.ini").is_file()
