"""Import and export dialogs of projects: format, CSV/TSV columns, statuses and layer."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.inputs import SST2_LABELS, default_column, format_label_map, parse_label_map
from bert_desk.project import STATUSES, ProjectError
from bert_desk.project.exporters import CARRIES, DEFAULT_TASK, EXPORT_FORMATS
from bert_desk.project.importers import IMPORT_FORMATS, detect_format, relabel
from bert_desk.project.importers.preview import Preview, describe, preview_file
from bert_desk.ui.review.labels import REVIEW_TASKS
from bert_desk.ui.theme import readable
from bert_desk.ui.widgets import name, plain_label

FORMAT_TITLES = {
    "text": "Plain text (whole file = one document)", "lines": "Plain text (one document per line)",
    "csv": "CSV (header row)", "tsv": "TSV (header row)", "jsonl": "JSONL (spaCy/Prodigy spans)",
    "conll": "CoNLL (BIO tags)", "squad": "SQuAD JSON", "labelstudio": "Label Studio JSON", "spacy": "spaCy DocBin",
}
EXPORT_SUFFIX = {"jsonl": "jsonl", "spacy": "spacy", "conll": "conll", "squad": "json", "labelstudio": "json",
                 "csv": "csv", "tsv": "tsv"}
LAYERS = (("human", "Reviewed annotations"), ("effective", "Reviewed, else model proposals"),
          ("model", "Model proposals"))
NO_COLUMN = "(none)"
PREVIEW_ROWS = 5


@dataclass(frozen=True)
class TableSample:
    """The header and first rows of a CSV/TSV file, to fill the import dialog's pickers."""

    header: list[str]
    rows: list[list[str]]

    def text_column(self) -> str | None:
        """The usual text column name (`inputs.default_column`), else the column with the longest values."""
        if not self.header:
            return None
        lengths = [sum(len(r[i]) for r in self.rows if i < len(r)) for i in range(len(self.header))]
        return default_column(self.header) or self.header[max(range(len(self.header)), key=lengths.__getitem__)]

    def values(self, column: str | None) -> set[str]:
        """The distinct (stripped) values of `column` in the sampled rows."""
        if column not in self.header:
            return set()
        i = self.header.index(column)
        return {r[i].strip() for r in self.rows if i < len(r)}


def table_sample(path: str | Path, delimiter: str, sample: int = 200) -> TableSample:
    """The header and first `sample` rows of a CSV/TSV file (empty when it cannot be read)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, [])
            return TableSample(header, [row for _, row in zip(range(sample), reader, strict=False)])
    except (OSError, UnicodeDecodeError, csv.Error):
        return TableSample([], [])


@dataclass(frozen=True)
class ImportOptions:
    path: str
    fmt: str | None
    column: str | None = None
    label_column: str | None = None  # None: the importer's default ("label" when there is one); "": none
    source: str = "human"
    label_map: dict[str, str] = field(default_factory=dict)
    status: str | None = None  # "accepted": the annotated documents are stored as reviewed decisions


class ImportDialog(QDialog):
    """Choose a file, its format (auto-detected), for CSV/TSV the text and label columns, and label renames.

    A label column holding only 0/1 (GLUE's SST-2) suggests renaming them to the sentiment model's labels."""

    def __init__(self, path: str = "", start_dir: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.import_dialog")
        self.setWindowTitle("Import into project")
        self._dir = start_dir
        self.path = name(QLineEdit(path), "review.import_path")
        browse = name(QPushButton("Browse…"), "review.import_browse")
        browse.clicked.connect(self.browse)
        self.format = name(QComboBox(), "review.import_format")
        self.format.addItem("Detect from the file (name, then content)", None)
        for fmt in IMPORT_FORMATS:
            self.format.addItem(FORMAT_TITLES.get(fmt, fmt), fmt)
        self.column = name(QComboBox(), "review.import_column", "The column holding the document text")
        self.label_column = name(QComboBox(), "review.import_label_column", "A column with sentiment labels")
        self.label_map = name(QLineEdit(), "review.import_label_map",
                              "Rename labels as they are read: OLD=NEW, separated by commas")
        self.label_map.setPlaceholderText("e.g. 0=NEGATIVE, 1=POSITIVE")
        self.label_map.textChanged.connect(lambda _t: self.check_label_map())
        self.map_error = name(plain_label(), "review.import_label_map_error")
        self.map_error.setStyleSheet(f"color: {readable('#c62828', self.palette().window().color()).name()};")
        self.map_error.hide()
        self._suggested_map = ""
        self._sample = TableSample([], [])
        self.source = name(QComboBox(), "review.import_source", "Store the file's annotations as …")
        self.source.addItem("Reviewed annotations", "human")
        self.source.addItem("Model proposals", "model")
        self.accepted = name(QCheckBox("Mark the annotated documents as reviewed (accepted)"), "review.import_accepted",
                             "Store the file's annotations as accepted decisions, e.g. a labelled corpus to train a "
                             "model version from (bert-desk project import --status accepted)")
        self.source.currentIndexChanged.connect(
            lambda _i: self.accepted.setEnabled(self.source.currentData() == "human"))
        self.detected = plain_label()
        self.preview = name(QTableWidget(0, 2), "review.import_preview",
                            "The first documents as they will be imported: text and (renamed) annotations")
        self.preview.setHorizontalHeaderLabels(["Text", "Annotations"])
        self.preview_note = name(plain_label(), "review.import_preview_note")
        self.preview_note.setWordWrap(True)
        self._preview: tuple[tuple[object, ...], Preview | None] = ((), None)  # (file, format, columns) -> preview
        self.preview.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
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
        form.addRow("Rename labels:", self.label_map)
        form.addRow("", self.map_error)
        form.addRow("Import annotations as:", self.source)
        form.addRow("", self.accepted)
        form.addRow("Preview:", self.preview)
        form.addRow("", self.preview_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.path.textChanged.connect(lambda _t: self.update_columns())
        self.format.currentIndexChanged.connect(lambda _i: self.update_columns())
        self.label_column.currentIndexChanged.connect(lambda _i: self.suggest_label_map())
        self.column.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.label_column.currentIndexChanged.connect(lambda _i: self.update_preview())
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
        self._sample = (table_sample(self.path.text().strip(), "\t" if fmt == "tsv" else ",") if tabular
                        else TableSample([], []))
        header = self._sample.header
        label_column = "label" if "label" in header else None
        for combo, default in ((self.column, self._sample.text_column()), (self.label_column, label_column)):
            combo.clear()
            if combo is self.label_column:
                combo.addItem(NO_COLUMN, None)
            for column in header:
                combo.addItem(column, column)
            index = combo.findData(default) if default is not None else -1
            if index >= 0:
                combo.setCurrentIndex(index)
            combo.setEnabled(tabular and bool(header))
        self.suggest_label_map()
        self.update_preview()

    def suggest_label_map(self) -> None:
        """Offer SST-2's 0/1 -> NEGATIVE/POSITIVE when the label column holds only 0/1; a map the user typed
        is left alone."""
        values = self._sample.values(self.label_column.currentData())
        suggestion = format_label_map(SST2_LABELS) if values and values <= set(SST2_LABELS) else ""
        if self.label_map.text() in ("", self._suggested_map):
            self.label_map.setText(suggestion)
        self._suggested_map = suggestion

    def check_label_map(self) -> dict[str, str] | None:
        """The typed label map, or None (the field turns red and Import is disabled) when it is malformed."""
        try:
            mapping: dict[str, str] | None = parse_label_map(self.label_map.text())
            self.map_error.setText("")
        except ValueError as exc:
            mapping = None
            self.map_error.setText(str(exc))
        self.map_error.setVisible(mapping is None)
        self.update_preview(mapping)
        self.label_map.setStyleSheet("" if mapping is not None else "QLineEdit { border: 1px solid #c62828; }")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(mapping is not None)
        return mapping

    def update_preview(self, mapping: dict[str, str] | None = None) -> None:
        """Show the first documents as they will be imported, for every format (`importers.preview`: the
        file's head for line formats, so a big file previews at once; labels renamed by the map), or why
        there is none (the error the import would give)."""
        if mapping is None:
            try:
                mapping = parse_label_map(self.label_map.text())
            except ValueError:
                mapping = {}
        path, fmt = self.path.text().strip(), self.effective_format()
        tabular = fmt in ("csv", "tsv")
        column = self.column.currentData() if tabular else None
        label_column = (self.label_column.currentData() or "") if tabular else None  # "": no label column
        try:
            stat = Path(path).stat() if path else None
        except OSError:
            stat = None
        key = (path, fmt, column, label_column, stat.st_mtime_ns if stat else None, stat.st_size if stat else None)
        if key != self._preview[0]:
            found = (preview_file(path, fmt, column=column, label_column=label_column, limit=PREVIEW_ROWS)
                     if stat else None)
            self._preview = (key, found)
        preview = self._preview[1]
        records = relabel(preview.records, mapping) if preview is not None else []
        self.preview.setVisible(bool(records))
        self.preview.setRowCount(len(records))
        for r, record in enumerate(records):
            self.preview.setItem(r, 0, QTableWidgetItem(" ".join(record.text.split())[:500]))
            self.preview.setItem(r, 1, QTableWidgetItem(describe(record)))
        if preview is None:
            note = ""
        elif preview.problem:
            note = f"No preview: {preview.problem}"
        else:
            title = FORMAT_TITLES.get(preview.fmt, preview.fmt)
            note = (f"The first {len(records)} documents as {title}" if not preview.complete or len(records) == PREVIEW_ROWS
                    else f"{len(records)} document{'s' if len(records) != 1 else ''} as {title}")
        self.preview_note.setText(note)

    def options(self) -> ImportOptions:
        fmt = self.format.currentData()
        tabular = self.effective_format() in ("csv", "tsv")
        return ImportOptions(self.path.text().strip(), fmt, self.column.currentData() if tabular else None,
                             (self.label_column.currentData() or "") if tabular else None, self.source.currentData(),
                             self.check_label_map() or {},
                             "accepted" if self.accepted.isChecked() and self.accepted.isEnabled() else None)


@dataclass(frozen=True)
class ExportOptions:
    fmt: str
    statuses: tuple[str, ...] | None  # None: every document
    task: str | None
    source: str = "human"


DocumentCounter = Callable[[str | None, "tuple[str, ...] | None"], int]  # (task, statuses) -> matching documents


class ExportDialog(QDialog):
    """Choose the format, which review statuses (of which task) to include and the layer; with `count`,
    shows how many documents that selects and refuses an export of none."""

    def __init__(self, task: str = "ner", parent: QWidget | None = None, *, count: DocumentCounter | None = None) -> None:
        super().__init__(parent)
        name(self, "review.export_dialog")
        self.setWindowTitle("Export project")
        self._task = task
        self.format = name(QComboBox(), "review.export_format")
        for fmt in EXPORT_FORMATS:
            self.format.addItem(FORMAT_TITLES.get(fmt, fmt), fmt)  # friendly names, as on import
        self.task = name(QComboBox(), "review.export_task", "Whose review status decides what is exported")
        for key, title in REVIEW_TASKS:
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
        self._count = count
        self.summary = name(plain_label(), "review.export_summary")
        self.carries = name(plain_label(), "review.export_carries")
        self.carries.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "review.export_ok").setText("Export…")
        name(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "review.export_cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("Keeps:", self.carries)
        form.addRow("Review of:", self.task)
        form.addRow("Statuses:", boxes)
        form.addRow("Annotations:", self.source)
        form.addRow("", self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(lambda _i: self._format_changed())
        self.task.currentIndexChanged.connect(lambda _i: self.update_summary())
        for box in self.statuses.values():
            box.toggled.connect(lambda _on: self.update_summary())
        self._format_changed()
        self.update_summary()

    def update_summary(self) -> None:
        """How many documents the choice exports; Export is disabled when no status is ticked or none match."""
        opts = self.options()
        if opts.statuses is not None and not opts.statuses:
            n, text = 0, "Tick at least one status."
        elif self._count is None:
            n, text = 1, ""
        else:
            n = self._count(opts.task, opts.statuses)
            text = f"{n:,} document{'s' if n != 1 else ''} will be exported."
        self.summary.setText(text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(n > 0)

    def _format_changed(self) -> None:
        self.carries.setText(CARRIES.get(self.format.currentData(), ""))
        task = DEFAULT_TASK.get(self.format.currentData()) or self._task
        self.task.setCurrentIndex(max(0, self.task.findData(task)))

    def options(self) -> ExportOptions:
        chosen = tuple(s for s, box in self.statuses.items() if box.isChecked())
        return ExportOptions(self.format.currentData(), None if len(chosen) == len(STATUSES) else chosen,
                             self.task.currentData(), self.source.currentData())


def ask_save_path(parent: QWidget, fmt: str, start_dir: str, stem: str) -> str | None:
    suffix = EXPORT_SUFFIX.get(fmt, fmt)
    title = FORMAT_TITLES.get(fmt, fmt)
    path, _ = QFileDialog.getSaveFileName(parent, f"Export as {title}", str(Path(start_dir or ".") / f"{stem}.{suffix}"),
                                          f"{title} (*.{suffix});;All files (*)")
    return path or None

