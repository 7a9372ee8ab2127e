"""Small helpers shared by the tabs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QWidget

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
