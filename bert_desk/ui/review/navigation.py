"""`Navigator`: which document the Review tab shows, and moving through the list.

Next/previous follow the list as shown (rows whose status changed stay until the filters
change); N (next unreviewed) searches the whole project in order, wrapping around. The navigator
asks for the open project and the task, and reports through its signals; it never calls the tab.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from bert_desk.project import Project, ProjectError
from bert_desk.ui.review.annotate import AnnotationPanel
from bert_desk.ui.review.browser import DocumentBrowser
from bert_desk.ui.review.doc_model import Filters


class Navigator(QObject):
    """Shows documents in `panel` as `browser`'s current row changes; `step`, `go_to`, `next_unreviewed`."""

    shown = Signal()  # a document (or none) is now shown
    message = Signal(str)  # e.g. "That was the last document of the list."
    error = Signal(str)

    def __init__(self, browser: DocumentBrowser, panel: AnnotationPanel, project: Callable[[], Project | None],
                 task: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.browser, self.panel = browser, panel
        self._project, self._task = project, task
        browser.current_changed.connect(self.show)

    def show(self, doc_id: object) -> None:
        """Show document `doc_id` (None or an unknown id: nothing)."""
        project, doc = self._project(), None
        if project is not None and isinstance(doc_id, int):
            try:
                doc = project.document(doc_id)
            except ProjectError as exc:
                self.error.emit(str(exc))
        self.panel.show_document(project, doc)
        self.shown.emit()

    def current(self) -> int | None:
        """Id of the shown document."""
        return self.panel.doc.id if self.panel.doc is not None else None

    def go_to(self, doc_id: int) -> None:
        """Show a document, making it the list's current row when the list has it."""
        if not self.browser.select_doc(doc_id) or self.current() != doc_id:
            self.show(doc_id)

    def step(self, delta: int) -> bool:
        """Next (1) or previous (-1) document of the list."""
        project = self._project()
        if project is None:
            return False
        row = self.browser.current_row()
        if row >= 0:
            if not self.browser.select_row(row + delta):
                self.message.emit("That was the last document of the list." if delta > 0 else
                                  "This is the first document of the list.")
            return True
        current = self.current()
        if current is None:
            return self.browser.select_row(0)
        target = project.neighbor(current, delta, **self.browser.filters().kwargs())
        if target is not None:
            self.go_to(target)
        return True

    def next_unreviewed(self) -> bool:
        project = self._project()
        if project is None:
            return False
        f = self.browser.filters()
        kw = Filters(self._task(), "unreviewed", f.label, f.search).kwargs()
        current = self.current()
        target = project.neighbor(current, 1, **kw) if current is not None else None
        if target is None:  # wrap around to the first one
            first = project.list_documents(**kw, limit=1)
            target = first[0].id if first and first[0].id != current else None
        if target is None:
            self.message.emit("No other unreviewed documents.")
            return True
        self.go_to(target)
        return True
