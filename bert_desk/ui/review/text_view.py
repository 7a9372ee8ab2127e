"""The annotation text view: a read-only, keyboard-selectable text with spans as extra selections.

Positions: the store speaks Python indices (code points), Qt speaks UTF-16 units. `OffsetMap`
converts both ways in O(log n) per call (it gives the same results as `engine.offsets`, which is
O(n) per call and too slow for thousands of spans in a 200,000-character text).

Display text: `display_text` keeps every position (same length in UTF-16) but replaces "\\r\\n"
(Qt would merge it into one position) by " \\n" and, in paragraphs longer than `MAX_BLOCK`
characters, turns a space into a line break about every `MAX_BLOCK` characters: Qt lays out and paints
a whole paragraph at once, so one 200,000-character paragraph would scroll with visible lag.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from bert_desk.engine.offsets import OffsetMap
from bert_desk.ui.highlight import TextEdit, span_format
from bert_desk.ui.widgets import tip

MAX_BLOCK = 2000


def display_text(text: str, max_block: int = MAX_BLOCK) -> str:
    """`text` as the view shows it: same positions, long paragraphs broken at spaces."""
    text = text.replace("\r\n", " \n")
    if len(text) <= max_block:
        return text
    chars: list[str] | None = None
    start, n = 0, len(text)
    while start < n:
        newline = text.find("\n", start)
        end = n if newline < 0 else newline
        while end - start > max_block:
            space = text.rfind(" ", start + max_block // 2, start + max_block)
            if space < 0:
                space = text.find(" ", start + max_block, end)
            if space < 0:
                break
            if chars is None:
                chars = list(text)
            chars[space] = "\n"
            start = space + 1
        start = end + 1
    return text if chars is None else "".join(chars)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim surrounding whitespace, then widen `[start, end)` to whole words (Python indices)."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return start, start
    while start > 0 and _wordish(text[start - 1]) and _wordish(text[start]):
        start -= 1
    while end < len(text) and _wordish(text[end]) and _wordish(text[end - 1]):
        end += 1
    return start, end


@dataclass(frozen=True)
class Mark:
    """Something to paint, in Python offsets: an entity, a proposal or an answer."""

    start: int
    end: int
    color: str
    tooltip: str = ""
    dashed: bool = False  # model proposals not yet reviewed
    style: str = ""  # "wave": a wavy underline only (a disagreement), over what is painted below


class AnnotationView(TextEdit):
    """Read-only text; select with the mouse or Shift+arrows (the caret is shown for keyboard use).

    `undo()`/`redo()` go to the review's undo stack (the main window's Edit menu calls them).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptDrops(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text = ""
        self.offsets = OffsetMap("")
        self._base: list[QTextEdit.ExtraSelection] = []
        self._focus: QTextEdit.ExtraSelection | None = None
        self._marks: list[Mark] = []
        self._cache: dict[Mark, QTextEdit.ExtraSelection] = {}
        self._formats: dict[tuple[str, bool, str], QTextCharFormat] = {}
        self.undo_handler: Callable[[bool], None] | None = None  # set by the tab: handler(redo)

    # -- content ----------------------------------------------------------------------------
    def set_document_text(self, text: str) -> None:
        """Show a new document (the only place the Qt document is rewritten)."""
        self.text = text
        self.offsets = OffsetMap(text)
        self._base, self._focus, self._marks, self._cache = [], None, [], {}
        self.setExtraSelections([])
        self.setPlainText(display_text(text))

    def qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.to_qt(start), self.offsets.to_qt(end)

    def selection(self) -> tuple[int, int]:
        """The selected range in Python offsets (start == end when nothing is selected)."""
        cursor = self.textCursor()
        return self.offsets.to_py(cursor.selectionStart()), self.offsets.to_py(cursor.selectionEnd())

    def caret(self) -> int:
        return self.offsets.to_py(self.textCursor().position())

    def select_py(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    # -- marks ------------------------------------------------------------------------------
    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Replace the painted marks: one extra selection per mark (the text is untouched).

        Selections are cached per mark, so after an edit only the changed marks are rebuilt.
        """
        cache: dict[Mark, QTextEdit.ExtraSelection] = {}
        cursor = QTextCursor(self.document())
        for mark in marks:
            sel = self._cache.get(mark) or cache.get(mark)
            if sel is None:
                fmt = self._formats.get((mark.color, mark.dashed, mark.style))
                if fmt is None:
                    if mark.style == "wave":
                        fmt = QTextCharFormat()
                        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                        fmt.setUnderlineColor(QColor(mark.color))
                    else:
                        fmt = span_format(QColor(mark.color).lighter(112) if mark.dashed else mark.color)
                    if mark.dashed:
                        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                        fmt.setUnderlineColor(QColor(mark.color).darker(160))
                    self._formats[(mark.color, mark.dashed, mark.style)] = fmt
                cursor.setPosition(self.offsets.to_qt(mark.start))
                cursor.setPosition(self.offsets.to_qt(mark.end), QTextCursor.MoveMode.KeepAnchor)
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cursor
                sel.format = fmt
            cache[mark] = sel
        self._cache = cache
        self._base = [cache[mark] for mark in marks]
        self._marks = list(marks)
        self._focus = None  # the caller outlines the selected mark again if it still exists
        self._apply()

    def marks(self) -> list[Mark]:
        return list(self._marks)

    def set_focus_mark(self, mark: Mark | None) -> None:
        """Outline one mark (the selected entity) on top of the others."""
        if mark is None:
            self._focus = None
        else:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_qt(mark.start))
            cursor.setPosition(self.offsets.to_qt(mark.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = span_format(QColor(mark.color).darker(125), bold=True, underline=True)
            sel.format = fmt
            self._focus = sel
        self._apply()

    def _apply(self) -> None:
        self.setExtraSelections(self._base + ([self._focus] if self._focus is not None else []))

    def mark_at(self, py: int) -> Mark | None:
        """The mark containing `py` (or ending at it when none contains it); underlines (`style`) are not
        marks one selects."""
        ending = None
        for mark in self._marks:
            if mark.style:
                continue
            if mark.start <= py < mark.end:
                return mark
            if mark.end == py:
                ending = mark
        return ending

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            py = self.offsets.to_py(self.cursorForPosition(event.pos()).position())
            tips = [m.tooltip for m in self._marks if m.start <= py < m.end and m.tooltip]
            if tips:  # an entity's label, and what a disagreement there is about
                QToolTip.showText(event.globalPos(), tip("\n".join(tips)), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- edit menu --------------------------------------------------------------------------
    def undo(self) -> None:  # Edit ▸ Undo of the main window calls the focus widget's undo()
        if self.undo_handler is not None:
            self.undo_handler(False)

    def redo(self) -> None:
        if self.undo_handler is not None:
            self.undo_handler(True)
