"""Navigation, review statuses, edits and keys of the Review tab (a mixin of `ReviewTab`).

Next/previous follow the list as shown (rows whose status changed stay until the filters
change); N (next unreviewed) searches the whole project in order, wrapping around.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bert_desk.project import ProjectError
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.review.doc_model import Filters

if TYPE_CHECKING:
    from bert_desk.ui.review.tab import ReviewTab


class NavigationMixin:
    """Documents, navigation, statuses, edits and key actions."""

    # -- documents and navigation -----------------------------------------------------------
    def show_document(self: ReviewTab, doc_id: object) -> None:
        doc = None
        if self.project is not None and isinstance(doc_id, int):
            try:
                doc = self.project.document(doc_id)
            except ProjectError as exc:
                self.show_error(str(exc))
        self.panel.show_document(self.project, doc)
        self._update_enabled()

    def go_to(self: ReviewTab, doc_id: int) -> None:
        """Show a document, making it the list's current row when the list has it."""
        if not self.browser.select_doc(doc_id) or self.panel.doc is None or self.panel.doc.id != doc_id:
            self.show_document(doc_id)

    def step(self: ReviewTab, delta: int) -> bool:
        """Next (1) or previous (-1) document of the list."""
        if self.project is None:
            return False
        row = self.browser.current_row()
        if row >= 0:
            if not self.browser.select_row(row + delta):
                self.show_message("That was the last document of the list." if delta > 0 else
                                  "This is the first document of the list.")
            return True
        if self.panel.doc is None:
            return self.browser.select_row(0)
        target = self.project.neighbor(self.panel.doc.id, delta, **self.browser.filters().kwargs())
        if target is not None:
            self.go_to(target)
        return True

    def next_unreviewed(self: ReviewTab) -> bool:
        if self.project is None:
            return False
        f = self.browser.filters()
        kw = Filters(self.task, "unreviewed", f.label, f.search).kwargs()
        current = self.panel.doc.id if self.panel.doc is not None else None
        target = self.project.neighbor(current, 1, **kw) if current is not None else None
        if target is None:  # wrap around to the first one
            first = self.project.list_documents(**kw, limit=1)
            target = first[0].id if first and first[0].id != current else None
        if target is None:
            self.show_message("No other unreviewed documents.")
            return True
        self.go_to(target)
        return True

    # -- edits ------------------------------------------------------------------------------
    def push(self: ReviewTab, command: cmd.ReviewCommand) -> bool:
        """Apply an edit and put it on the undo stack (refused edits show why and are dropped)."""
        if self.editor.push(command):
            self.error_bar.clear()
            return True
        return False

    def after_change(self: ReviewTab, doc_id: int, task: str) -> None:
        """After an edit, undo or redo: show where it happened and refresh what it touched."""
        self.browser.model.refresh_doc(doc_id)
        if task != self.task:
            self.set_task(task)
        if self.panel.doc is None or self.panel.doc.id != doc_id:
            self.go_to(doc_id)
        else:
            self.panel.refresh()
        self.update_progress()

    def set_status(self: ReviewTab, status: str) -> bool:
        doc = self.panel.doc
        if self.project is None or doc is None:
            return False
        if self.push(cmd.SetStatus(self._context(), doc.id, self.task, status)) and self.auto_advance.isChecked():
            self.step(1)
        return True

    def handle_key(self: ReviewTab, action: str) -> bool:
        """Run a review key's action (see `keys.py`); True when the key was used."""
        if self.project is None:
            return False
        if action.startswith("digit:"):
            self.panel.apply_digit(int(action.split(":")[1]))
            return True
        if action == "escape":  # clear the selection first; then stop a running job
            if self.panel.view.textCursor().hasSelection():
                self.panel.view.clear_selection()
                return True
            if self.preannotate_panel.busy() or self.project_actions.busy():
                self.cancel()
                return True
            return False
        handlers: dict[str, Callable[[], object]] = {
            "accept": lambda: self.set_status("accepted"), "reject": lambda: self.set_status("rejected"),
            "skip": lambda: self.set_status("skipped"), "next": lambda: self.step(1), "prev": lambda: self.step(-1),
            "next_unreviewed": self.next_unreviewed, "delete": self.panel.delete,
            "undo": lambda: self._undo_redo(False), "redo": lambda: self._undo_redo(True),
        }
        handler = handlers.get(action)
        if handler is None:
            return False
        handler()
        return True
