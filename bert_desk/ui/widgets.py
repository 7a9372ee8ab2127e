"""Small helpers shared by the tabs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QSplitter, QWidget

W = TypeVar("W", bound=QWidget)


def name(widget: W, role: str, tooltip: str = "") -> W:
    """Give `widget` the same objectName and accessibleName (`<tab>.<role>`) and return it."""
    widget.setObjectName(role)
    widget.setAccessibleName(role)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


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
