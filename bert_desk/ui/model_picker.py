"""Model picker: an editable combo of specs (Bundled, recent, spaCy pipelines, typed ids), Browse…,
and the loading state of the chosen model."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QProgressBar, QPushButton, QWidget

from bert_desk.engine.types import ModelInfo
from bert_desk.ui.widgets import name, never_widen, plain_label, tip

EXAMPLES = {
    "sentiment": "distilbert-base-uncased-finetuned-sst-2-english",
    "qa": "distilbert-base-cased-distilled-squad",
    "ner": "dslim/bert-base-NER",
}
SPEC_ROLE = Qt.ItemDataRole.UserRole


def bundled_spec(task: str) -> str | None:
    """`bundled:<task>` when a bundled model is present (a cheap folder check in the engine)."""
    from bert_desk.engine.loading import default_spec

    try:
        return default_spec(task)
    except Exception:  # a broken bundle must not stop the UI from starting
        return None


class ModelPicker(QWidget):
    """`spec_chosen(str)` fires when the user picks, types (Enter) or browses to a model."""

    spec_chosen = Signal(str)

    def __init__(self, tab: str, task: str, recent: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab, self.task = tab, task
        self.combo = name(QComboBox(), f"{tab}.model", "Model: Bundled, a recent one, a Hugging Face id or a folder")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(28)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        line = self.combo.lineEdit()
        assert line is not None  # editable combo
        line.setPlaceholderText(f"e.g. {EXAMPLES.get(task, 'a model id or folder')}")
        line.setAccessibleName(f"{tab}.model")
        self.browse = name(QPushButton("Browse…"), f"{tab}.browse", "Use a model saved in a local folder")
        self.status = never_widen(name(plain_label(), f"{tab}.model_status"))
        self.progress = name(QProgressBar(), f"{tab}.model_progress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label("Model:"))
        layout.addWidget(self.combo, 2)
        layout.addWidget(self.browse)
        layout.addWidget(self.progress)
        layout.addWidget(self.status, 1)

        bundled = bundled_spec(task)
        if bundled:
            self._add("Bundled", bundled)
        for spec in recent:
            self._add(spec, spec)
        self._last_emitted = ""
        self.combo.activated.connect(lambda _i: self._emit())
        line.returnPressed.connect(self._emit)
        line.textEdited.connect(lambda _t: self._update_empty_notice())
        self.browse.clicked.connect(self.browse_folder)
        self.combo.setCurrentIndex(0 if self.combo.count() else -1)
        self._update_empty_notice()

    # -- items ------------------------------------------------------------------------------
    def _add(self, text: str, spec: str) -> None:
        if self.index_of(spec) < 0:
            self.combo.addItem(text, spec)
            self.combo.setItemData(self.combo.count() - 1, tip(spec), Qt.ItemDataRole.ToolTipRole)

    def index_of(self, spec: str) -> int:
        return self.combo.findData(spec, SPEC_ROLE)

    def specs(self) -> list[str]:
        return [self.combo.itemData(i, SPEC_ROLE) for i in range(self.combo.count())]

    def add_specs(self, specs: Iterable[str]) -> None:
        """Append specs (e.g. installed spaCy pipelines) without changing the current one."""
        text = self.combo.currentText()
        for spec in specs:
            self._add(spec, spec)
        self.combo.setEditText(text)

    def remember(self, spec: str) -> None:
        if spec and self.index_of(spec) < 0:
            self._add(spec, spec)

    # -- current spec -----------------------------------------------------------------------
    def spec(self) -> str:
        """The chosen spec: the item's spec when the text names an item, else the typed text."""
        text = self.combo.currentText().strip()
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return str(self.combo.itemData(index, SPEC_ROLE))
        return text

    def set_spec(self, spec: str) -> None:
        index = self.index_of(spec)
        if index < 0 and spec:
            self._add(spec, spec)
            index = self.index_of(spec)
        self.combo.setCurrentIndex(index)
        if index < 0:
            self.combo.setEditText("")
        self._update_empty_notice()

    def browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of a saved model")
        if folder:
            self.set_spec(folder)
            self._emit()

    def _emit(self) -> None:
        spec = self.spec()
        self._update_empty_notice()
        if spec and spec != self._last_emitted:
            self._last_emitted = spec
            self.spec_chosen.emit(spec)

    def _update_empty_notice(self) -> None:
        if not self.combo.currentText().strip():
            self.status.setText("No model yet: type a Hugging Face id, pick a recent one or Browse… for a folder.")
            self.status.setToolTip(tip(f"For example {EXAMPLES.get(self.task, '')}"))

    # -- loading state ----------------------------------------------------------------------
    def show_loading(self, fraction: float, message: str) -> None:
        self.progress.show()
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message or "Loading model…")

    def show_loaded(self, info: ModelInfo) -> None:
        self.progress.hide()
        self._last_emitted = info.spec
        precision = f" · {info.precision}" if info.backend == "transformers" else ""
        text = f"{info.name} · {info.backend} · {info.device.kind}{precision}"
        self.status.setText(text + (f" — {info.note}" if info.note else ""))
        self.status.setToolTip(tip(f"{info.spec}\nLabels: {', '.join(info.labels) or '—'}\n{info.device.description}"))

    def show_failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(f"Not loaded: {message}")
        self.status.setToolTip(tip(message))

    def show_cancelled(self) -> None:
        self.progress.hide()
        self.status.setText("Not loaded: cancelled.")

    def set_busy(self, busy: bool) -> None:
        if not busy:
            self.progress.hide()
