"""A non-modal, inline error bar: a one-line message, expandable copyable details, Copy and Close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from bert_desk.ui.widgets import name, never_widen, plain_label


class ErrorBar(QFrame):
    """Shows the last error of a tab until closed or until the next run succeeds."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, f"{prefix}.error")
        self.setProperty("role", "error")  # style hook (resources/styles/app.qss)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = never_widen(name(plain_label(), f"{prefix}.error_message"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = name(QPlainTextEdit(), f"{prefix}.error_details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.hide()
        self.details_button = name(QPushButton("Details"), f"{prefix}.error_toggle")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self.details.setVisible)
        self.copy_button = name(QPushButton("Copy"), f"{prefix}.error_copy")
        self.copy_button.clicked.connect(self.copy)
        self.close_button = name(QPushButton("×"), f"{prefix}.error_close")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFixedWidth(28)
        self.close_button.clicked.connect(self.clear)

        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        for button in (self.details_button, self.copy_button, self.close_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.hide()

    def show_error(self, message: str, details: str = "") -> None:
        self.message.setText(message)
        self.details.setPlainText(details or message)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.show()

    def clear(self) -> None:
        self.hide()
        self.message.clear()
        self.details.clear()

    def text(self) -> str:
        return self.message.text()

    def copy(self) -> None:
        detail = self.details.toPlainText()
        text = self.message.text() if detail == self.message.text() else f"{self.message.text()}\n\n{detail}"
        QGuiApplication.clipboard().setText(text)
