"""Exact span highlighting in Qt text views.

Engine spans are Python string indices (code points); Qt documents count UTF-16 code units, so
every position goes through `engine.offsets.OffsetMap` before it touches a `QTextCursor`.
Highlights are `ExtraSelection`s (the document text is never rewritten), so offsets stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from bert_desk.ui.theme import HIGHLIGHT_TEXT
from bert_desk.ui.widgets import tip

TEXT_SUFFIXES = (".txt", ".md", ".text", "")


def span_format(background: QColor | str, *, bold: bool = False, underline: bool = False) -> QTextCharFormat:
    """A highlight: pastel background with dark text (readable in light and dark themes)."""
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(background))
    fmt.setForeground(HIGHLIGHT_TEXT)
    if bold:
        fmt.setFontWeight(700)
    if underline:
        fmt.setFontUnderline(True)
    return fmt


def select_range(edit: QPlainTextEdit | QTextEdit, qt_start: int, qt_end: int) -> None:
    """Select `[qt_start, qt_end)` (UTF-16 positions) and scroll it into view."""
    cursor = QTextCursor(edit.document())
    last = max(0, edit.document().characterCount() - 1)
    cursor.setPosition(min(qt_start, last))
    cursor.setPosition(min(qt_end, last), QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    edit.ensureCursorVisible()


def scroll_to_range(edit: QPlainTextEdit | QTextEdit, qt_start: int, qt_end: int) -> None:
    """Scroll so `[qt_start, qt_end)` is visible, leaving the caret at its start (no selection)."""
    cursor = QTextCursor(edit.document())
    last = max(0, edit.document().characterCount() - 1)
    for position in (min(qt_end, last), min(qt_start, last)):
        cursor.setPosition(position)
        edit.setTextCursor(cursor)
        edit.ensureCursorVisible()


@dataclass(frozen=True)
class Span:
    """A highlighted range of a view, in UTF-16 positions, with its format and hover text."""

    start: int
    end: int
    fmt: QTextCharFormat
    tooltip: str = ""


def read_text_file(path: str | Path) -> str:
    """Read a text file as UTF-8 (BOM allowed), falling back to Windows-1252 for legacy files."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _local_files(mime: QMimeData) -> list[str]:
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


class TextEdit(QPlainTextEdit):
    """Plain-text editor with span highlights, per-span tooltips and dropped-file support."""

    file_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self._spans: list[Span] = []
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)

    # -- spans ------------------------------------------------------------------------------
    def spans(self) -> list[Span]:
        return list(self._spans)

    def set_spans(self, spans: list[Span]) -> None:
        """Show `spans` (later ones are drawn on top of earlier ones)."""
        self._spans = list(spans)
        self._refresh()

    def clear_spans(self) -> None:
        if self._spans:
            self._spans = []
            self._refresh()

    def _refresh(self) -> None:
        selections = []
        for span in self._spans:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(span.start)
            cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = span.fmt
            selections.append(sel)
        self.setExtraSelections(selections)

    def span_at(self, position: int) -> Span | None:
        """The last span containing a UTF-16 position (the most specific one)."""
        found = None
        for span in self._spans:
            if span.start <= position < span.end:
                found = span
        return found

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            span = self.span_at(self.cursorForPosition(event.pos()).position())
            if span is not None and span.tooltip:
                QToolTip.showText(event.globalPos(), tip(span.tooltip), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = _local_files(event.mimeData())
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.file_dropped.emit(files[0])
        else:
            super().dropEvent(event)
