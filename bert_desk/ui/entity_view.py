"""Read-only view of a text with its entities: one pastel colour per label and the label beside it.

The document is built with `QTextCursor.insertText` and character formats (no HTML), and the
UTF-16 position of every entity in it is recorded, so selecting an entity is exact even with
emoji or CJK text and with the inserted label chips.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from bert_desk.engine.colors import label_color
from bert_desk.engine.types import Entity
from bert_desk.ui.highlight import select_range, span_format
from bert_desk.ui.theme import HIGHLIGHT_TEXT
from bert_desk.ui.widgets import tip


def visible_entities(entities: Iterable[Entity], hidden: Iterable[str] = (), min_score: float = 0.0) -> list[Entity]:
    """Entities passing the label toggles and the score threshold, sorted, without overlaps."""
    hidden_set = set(hidden)
    out: list[Entity] = []
    last_end = -1
    for ent in sorted(entities, key=lambda e: (e.start, -e.end)):
        if ent.label in hidden_set or ent.score < min_score or ent.end <= ent.start or ent.start < last_end:
            continue
        out.append(ent)
        last_end = ent.end
    return out


def label_chip(label: str) -> str:
    """The label shown after an entity, glued to it: narrow no-break spaces and no-break hyphens, so a
    line never breaks between an entity and its label, nor inside the label."""
    return "\u202f" + label.replace("-", "\u2011") + "\u202f"


class EntityView(QTextEdit):
    """Shows entities highlighted in their text; hover an entity for its label and score."""

    entity_clicked = Signal(object)  # Entity

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self._ranges: list[tuple[Entity, int, int]] = []

    def entity_ranges(self) -> list[tuple[Entity, int, int]]:
        """`(entity, qt_start, qt_end)` for every entity shown, in document (UTF-16) positions."""
        return list(self._ranges)

    def show_entities(self, text: str, entities: Iterable[Entity]) -> None:
        """Replace the view's content with `text`, highlighting `entities` (already filtered)."""
        self._ranges = []
        doc = self.document()
        doc.clear()
        cursor = QTextCursor(doc)
        plain = QTextCharFormat()
        label_font = QFont(self.font())
        label_font.setPointSizeF(max(6.0, label_font.pointSizeF() * 0.75))
        label_font.setBold(True)
        pos = 0
        for ent in visible_entities(entities):
            cursor.insertText(text[pos:ent.start], plain)
            color = QColor(label_color(ent.label))
            start = cursor.position()
            cursor.insertText(text[ent.start:ent.end], span_format(color))
            end = cursor.position()
            chip = span_format(color.darker(115))
            chip.setFont(label_font)
            chip.setForeground(HIGHLIGHT_TEXT)
            cursor.insertText(label_chip(ent.label), chip)
            self._ranges.append((ent, start, end))
            pos = ent.end
        cursor.insertText(text[pos:], plain)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def entity_at(self, position: int) -> Entity | None:
        for ent, start, end in self._ranges:
            if start <= position < end:
                return ent
        return None

    def select_entity(self, entity: Entity) -> bool:
        """Select `entity` in the view and scroll to it (False when it is not shown)."""
        for ent, start, end in self._ranges:
            if ent == entity:
                select_range(self, start, end)
                return True
        return False

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            ent = self.entity_at(self.cursorForPosition(event.pos()).position())
            if ent is not None:
                QToolTip.showText(event.globalPos(), tip(f"{ent.label} · score {ent.score:.3f}"), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if not self.textCursor().hasSelection():
            ent = self.entity_at(self.cursorForPosition(event.position().toPoint()).position())
            if ent is not None:
                self.entity_clicked.emit(ent)
