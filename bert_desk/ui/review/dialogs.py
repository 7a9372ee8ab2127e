"""Import and export dialogs of projects: format, CSV/TSV columns, statuses and layer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import STATUSES, ProjectError
from bert_desk.project.exporters import DEFAULT_TASK, EXPORT_FORMATS
from bert_desk.project.importers import IMPORT_FORMATS, detect_format
from bert_desk.ui.widgets import name

FORMAT_TITLES = {
    "text": "Plain text (whole file = one document)", "lines": "Plain text (one document per line)",
    "csv": "CSV (header row)", "tsv": "TSV (header row)", "jsonl": "JSONL (spaCy/Prodigy spans)",
    "conll": "CoNLL (BIO tags)", "squad": "SQuAD JSON", "labelstudio": "Label Studio JSON", "spacy": "spaCy DocBin",
}
EXPORT_SUFFIX = {"jsonl": "jsonl", "spacy": "spacy", "conll": "conll", "squad": "json", "labelstudio": "json",
                 "csv": "csv", "tsv": "tsv"}
TASKS = (("ner", "Entities"), ("qa", "Question answering"), ("sentiment", "Sentiment"))
LAYERS = (("human", "Reviewed annotations"), ("effective", "Reviewed, else model proposals"),
          ("model", "Model proposals"))
NO_COLUMN = "(none)"


def csv_columns(path: str | Path, delimiter: str, sample: int = 50) -> tuple[list[str], str | None]:
    """The header of a CSV/TSV file and the column that most looks like text (longest values)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, [])
            rows = [row for _, row in zip(range(sample), reader, strict=False)]
    except (OSError, UnicodeDecodeError, csv.Error):
        return [], None
    if "text" in header or not header:
        return header, "text" if header else None
    lengths = [sum(len(r[i]) for r in rows if i < len(r)) for i in range(len(header))]
    return header, header[max(range(len(header)), key=lengths.__getitem__)]


@dataclass(frozen=True)
class ImportOptions:
    path: str
    fmt: str | None
    column: str | None = None
    label_column: str | None = None
    source: str = "human"


class ImportDialog(QDialog):
    """Choose a file, its format (auto-detected) and, for CSV/TSV, the text and label columns."""

    def __init__(self, path: str = "", start_dir: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.import_dialog")
        self.setWindowTitle("Import into project")
        self._dir = start_dir
        self.path = name(QLineEdit(path), "review.import_path")
        browse = name(QPushButton("Browse…"), "review.import_browse")
        browse.clicked.connect(self.browse)
        self.format = name(QComboBox(), "review.import_format")
        self.format.addItem("Detect from the file name", None)
        for fmt in IMPORT_FORMATS:
            self.format.addItem(FORMAT_TITLES.get(fmt, fmt), fmt)
        self.column = name(QComboBox(), "review.import_column", "The column holding the document text")
        self.label_column = name(QComboBox(), "review.import_label_column", "A column with sentiment labels")
        self.source = name(QComboBox(), "review.import_source", "Store the file's annotations as …")
        self.source.addItem("Reviewed annotations", "human")
        self.source.addItem("Model proposals", "model")
        self.detected = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "review.import_ok").setText("Import")
        name(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "review.import_cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("File:", row)
        form.addRow("Format:", self.format)
        form.addRow("", self.detected)
        form.addRow("Text column:", self.column)
        form.addRow("Label column:", self.label_column)
        form.addRow("Import annotations as:", self.source)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.path.textChanged.connect(lambda _t: self.update_columns())
        self.format.currentIndexChanged.connect(lambda _i: self.update_columns())
        self.update_columns()

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a file", self._dir, "All files (*)")
        if path:
            self.path.setText(path)

    def effective_format(self) -> str | None:
        fmt = self.format.currentData()
        if fmt is None and self.path.text().strip():
            try:
                return detect_format(self.path.text().strip())
            except ProjectError:
                return None
        return fmt

    def update_columns(self) -> None:
        """Fill the column pickers from the CSV/TSV header (only shown for those formats)."""
        fmt = self.effective_format()
        tabular = fmt in ("csv", "tsv")
        self.detected.setText(f"Detected: {FORMAT_TITLES.get(fmt, fmt)}" if self.format.currentData() is None and fmt
                              else "")
        header: list[str] = []
        text_column = None
        if tabular:
            header, text_column = csv_columns(self.path.text().strip(), "\t" if fmt == "tsv" else ",")
        label_column = "label" if "label" in header else None
        for combo, default in ((self.column, text_column), (self.label_column, label_column)):
            combo.clear()
            if combo is self.label_column:
                combo.addItem(NO_COLUMN, None)
            for column in header:
                combo.addItem(column, column)
            index = combo.findData(default) if default is not None else -1
            if index >= 0:
                combo.setCurrentIndex(index)
            combo.setEnabled(tabular and bool(header))

    def options(self) -> ImportOptions:
        fmt = self.format.currentData()
        tabular = self.effective_format() in ("csv", "tsv")
        return ImportOptions(self.path.text().strip(), fmt, self.column.currentData() if tabular else None,
                             self.label_column.currentData() if tabular else None, self.source.currentData())


@dataclass(frozen=True)
class ExportOptions:
    fmt: str
    statuses: tuple[str, ...] | None  # None: every document
    task: str | None
    source: str = "human"


class ExportDialog(QDialog):
    """Choose the format, which review statuses (of which task) to include and the layer."""

    def __init__(self, task: str = "ner", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.export_dialog")
        self.setWindowTitle("Export project")
        self._task = task
        self.format = name(QComboBox(), "review.export_format")
        for fmt in EXPORT_FORMATS:
            self.format.addItem(fmt, fmt)
        self.task = name(QComboBox(), "review.export_task", "Whose review status decides what is exported")
        for key, title in TASKS:
            self.task.addItem(title, key)
        self.statuses: dict[str, QCheckBox] = {}
        boxes = QHBoxLayout()
        for status in STATUSES:
            box = name(QCheckBox(status), f"review.export_status.{status}")
            box.setChecked(status == "accepted")
            boxes.addWidget(box)
            self.statuses[status] = box
        self.source = name(QComboBox(), "review.export_source")
        for key, title in LAYERS:
            self.source.addItem(title, key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name(buttons.button(QDialogButtonBox.StandardButton.Ok), "review.export_ok").setText("Export…")
        name(buttons.button(QDialogButtonBox.StandardButton.Cancel), "review.export_cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("Documents whose", self.task)
        form.addRow("status is:", boxes)
        form.addRow("Annotations:", self.source)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(lambda _i: self._format_changed())
        self._format_changed()

    def _format_changed(self) -> None:
        task = DEFAULT_TASK.get(self.format.currentData()) or self._task
        self.task.setCurrentIndex(max(0, self.task.findData(task)))

    def options(self) -> ExportOptions:
        chosen = tuple(s for s, box in self.statuses.items() if box.isChecked())
        return ExportOptions(self.format.currentData(), None if len(chosen) == len(STATUSES) else chosen,
                             self.task.currentData(), self.source.currentData())


def ask_save_path(parent: QWidget, fmt: str, start_dir: str, stem: str) -> str | None:
    suffix = EXPORT_SUFFIX.get(fmt, fmt)
    path, _ = QFileDialog.getSaveFileName(parent, f"Export as {fmt}", str(Path(start_dir or ".") / f"{stem}.{suffix}"),
                                          f"{fmt} (*.{suffix});;All files (*)")
    return path or None

