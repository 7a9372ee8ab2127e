"""Dialogs: About (versions, log file), keyboard shortcuts, unexpected error (copyable details) and the CSV
column picker."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import bert_desk
from bert_desk.paths import log_file
from bert_desk.ui.widgets import markup_label, name, plain_label

DISTRIBUTIONS = (("torch", "torch"), ("transformers", "transformers"), ("spaCy", "spacy"),
                 ("tokenizers", "tokenizers"))


def versions() -> dict[str, str]:
    """Versions of bert_desk and its main libraries, read from package metadata (no imports)."""
    found = {"bert_desk": bert_desk.__version__}
    for label, dist in DISTRIBUTIONS:
        try:
            found[label] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[label] = "not installed"
    found["Qt"] = qVersion()
    found["PySide6"] = pyside_version
    found["Python"] = platform.python_version()
    return found


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About bert_desk")
        name(self, "about")
        intro = markup_label("<b>bert_desk</b> — BERT-family models on your desk: sentiment, question answering "
                       "and entities, running locally.")
        intro.setWordWrap(True)
        form = QFormLayout()
        for key, value in versions().items():
            value_label = plain_label(value)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{key}:", value_label)
        log = log_file()
        log_label = name(plain_label(str(log)), "about.log_file")
        log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Log file:", log_label)
        open_logs = name(QPushButton("Open log folder"), "about.open_logs", "Show the log files in the file manager")
        open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log.parent))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard shortcuts: a table of (keys, what they do) per section (`sections`: title -> rows)."""

    def __init__(self, sections: dict[str, tuple[tuple[str, str], ...]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        name(self, "shortcuts")
        rows: list[tuple[str, str, str]] = []
        for title, bindings in sections.items():
            rows.append((title, "", ""))
            rows += [("", keys, what) for keys, what in bindings]
        self.table = name(QTableWidget(len(rows), 2), "shortcuts.table")
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, (title, keys, what) in enumerate(rows):
            if title:
                item = QTableWidgetItem(title)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                self.table.setItem(r, 0, item)
                self.table.setSpan(r, 0, 1, 2)
            else:
                self.table.setItem(r, 0, QTableWidgetItem(keys))
                self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row_height = self.table.fontMetrics().height() + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setWordWrap(True)  # a long row wraps within its column rather than being cut with "…"
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumSize(560, min(640, row_height * (len(rows) + 2)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def bindings(self) -> list[tuple[str, str]]:
        """The (keys, action) rows shown, section titles left out."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())
                if self.table.item(r, 1) is not None]


class ExceptionDialog(QDialog):
    """Shown (non-blocking) for an unexpected exception; the details can be copied."""

    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unexpected error")
        name(self, "exception_dialog")
        text = plain_label(f"Something went wrong: {message}\nThe details were written to the log.")
        text.setWordWrap(True)
        self.details = name(QPlainTextEdit(details), "exception_dialog.details")
        self.details.setReadOnly(True)
        self.details.setMinimumSize(560, 220)
        copy = QPushButton("Copy details")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.details)
        layout.addWidget(buttons)


class ColumnPickerDialog(QDialog):
    """Choose the text column of a CSV/TSV file, with a preview of its first rows."""

    def __init__(self, filename: str, header: list[str], rows: list[list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Text column of {filename}")
        self.combo = name(QComboBox(), "batch.column")
        self.combo.addItems(header)
        preview = QTableWidget(len(rows), len(header))
        preview.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row[: len(header)]):
                preview.setItem(r, c, QTableWidgetItem(cell))
        preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Column with the texts:", self.combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(preview)
        layout.addWidget(buttons)

    def column(self) -> str:
        return self.combo.currentText()


def pick_column(parent: QWidget | None, filename: str, header: list[str], rows: list[list[str]]) -> str | None:
    dialog = ColumnPickerDialog(filename, header, rows, parent)
    return dialog.column() if dialog.exec() == QDialog.DialogCode.Accepted else None
