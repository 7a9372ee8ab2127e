"""Small helpers shared by the tabs, and the only ways user text reaches a label or a tooltip.

User text (documents, labels, answers, file names) is never interpreted as markup: `plain_label` makes plain-text
labels, `tip` makes any text safe as a tooltip, and `markup_label` is for markup the app builds itself from
escaped pieces. `tests/ui/test_plain_text.py` fails on a `QLabel(`, a tooltip or a rich-text format set
anywhere else.
"""

from __future__ import annotations

import html
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QSizePolicy, QSplitter, QWidget

W = TypeVar("W", bound=QWidget)


def name(widget: W, role: str, tooltip: str = "") -> W:
    """Give `widget` the same objectName and accessibleName (`<tab>.<role>`) and return it."""
    widget.setObjectName(role)
    widget.setAccessibleName(role)
    if tooltip:
        widget.setToolTip(tip(tooltip))
    return widget


def tip(text: str) -> str:
    """`text` as a tooltip that shows it as it is. Qt takes a tooltip that looks like markup for rich
    text, so a text with a `<` is escaped inside an explicit rich-text block (line breaks and spaces
    kept); any other text is plain already and stays as it is."""
    if "<" not in text:
        return text
    return f"<qt><div style='white-space:pre-wrap'>{html.escape(text, quote=False)}</div></qt>"


def plain_label(text: str = "", role: str = "", tooltip: str = "") -> QLabel:
    """A label that shows `text` as it is (plain text: never markup, whatever the text holds)."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return name(widget, role, tooltip) if role else widget


def never_widen(label: QLabel) -> QLabel:
    """Let a label that shows messages take the width it is given, never more: long text wraps (a long word
    is cut at the label's edge) instead of widening the window; the whole text stays in the label."""
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(0)
    return label


def markup_label(markup: str = "", role: str = "", tooltip: str = "") -> QLabel:
    """A label for markup the app builds itself; every piece of user text in it must go through
    `html.escape` first."""
    widget = QLabel(markup)
    widget.setTextFormat(Qt.TextFormat.RichText)
    return name(widget, role, tooltip) if role else widget


def swatch(color: QColor | str, size: int = 12) -> QIcon:
    """A square icon filled with `color` (legend entries, chart keys)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def split(first: QWidget, second: QWidget, stretch: tuple[int, int] = (1, 1), *,
          vertical: bool = False) -> QSplitter:
    """A splitter holding `first` and `second`, sharing extra space in the ratio `stretch`."""
    splitter = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
    for index, widget in enumerate((first, second)):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, stretch[index])
    return splitter


def ask_yes_no(parent: QWidget | None, title: str, text: str, yes: str = "Yes") -> bool:
    """A modal question with plain text (user file names never become markup); True when `yes` is pressed.
    No is the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.No, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    accept = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.exec()
    return box.clickedButton() is accept


def show_progress(bar: QProgressBar, state: QLabel | None, fraction: float, message: str = "") -> None:
    """A job's progress: `bar` at `fraction` (0-1, determinate from now on), `message` (if any) in `state`."""
    bar.setRange(0, 100)
    bar.setValue(round(fraction * 100))
    if message and state is not None:
        state.setText(message)
