"""The model in the loop, in the Review tab: the next least sure document (U), the selected entity's
boundaries by a word (Shift+←/→ its end, Ctrl+Shift+←/→ its start), accepting the sure proposals in bulk,
training a new model version (`train_panel.TrainDialog`) and the task's versions (`versions_dialog`: use,
compare, export, delete). A part of the tab that never calls the tab."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMenu, QWidget

from bert_desk.project import Project
from bert_desk.project.bulk import BULK_TASKS, QA_KINDS
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.review.annotate import AnnotationPanel
from bert_desk.ui.review.browser import DocumentBrowser
from bert_desk.ui.review.bulk import BulkAccept, BulkAcceptDialog, MoveSpan, moved_boundary
from bert_desk.ui.review.controls import review_button
from bert_desk.ui.review.navigation import Navigator
from bert_desk.ui.review.preannotate_panel import PreannotatePanel
from bert_desk.ui.review.train_panel import TrainDialog
from bert_desk.ui.review.versions_dialog import VersionsDialog


class ModelLoop(QObject):
    """Queue, bulk and boundary actions (`actions()` for the review keys) and the bar of their buttons."""

    message = Signal(str)
    error = Signal(str)

    def __init__(self, browser: DocumentBrowser, panel: AnnotationPanel, nav: Navigator,
                 project: Callable[[], Project | None], task: Callable[[], str],
                 push: Callable[[cmd.ReviewCommand], bool], ctx: Callable[[], cmd.Context],
                 preannotate: PreannotatePanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser, self.panel, self.nav, self.preannotate = browser, panel, nav, preannotate
        self._project, self._task, self._push, self._ctx = project, task, push, ctx
        self._parent = parent
        self.train_dialog: TrainDialog | None = None
        self.versions_dialog: VersionsDialog | None = None
        self.bar = QWidget()
        self.least_sure = review_button("Least sure", "review.next_uncertain",
                                        "The unreviewed document the model is least sure of (U)", self.next_uncertain)
        self.bulk = review_button("Accept sure…", "review.bulk_accept",
                                  "Accept the proposals scored above a threshold, in this document or the list",
                                  self.ask_bulk_accept)
        self.train = review_button("Train…", "review.train",
                                   "Train a new model version from the accepted documents", self.show_training)
        self.versions = review_button("Versions…", "review.versions",
                                      "The task's model versions: use one for pre-annotation, compare, export, "
                                      "delete", self.show_versions)
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.least_sure, self.bulk, self.train, self.versions):
            row.addWidget(button)
        # the same two dialogs from the File menu (`add_to_menu`), for the Review tab's project and task
        self.train_action = QAction("&Train model version…", self)
        self.versions_action = QAction("Model &versions…", self)
        for action, button in ((self.train_action, self.train), (self.versions_action, self.versions)):
            action.setObjectName(button.objectName().replace("review.", "review.action.", 1))
            action.setStatusTip(button.toolTip())
            action.triggered.connect(lambda _=False, b=button: b.click())
            action.setEnabled(False)

    def add_to_menu(self, menu: QMenu, before: QAction | None = None) -> None:
        """Insert Train model version… and Model versions… into `menu` (before `before` if given)."""
        for action in (self.train_action, self.versions_action):
            menu.insertAction(before, action) if before is not None else menu.addAction(action)

    def actions(self) -> dict[str, Callable[[], object]]:
        """Review-key actions (see `keys.py`)."""
        return {"next_uncertain": self.next_uncertain,
                "span_end_left": lambda: self.move_boundary("end", -1),
                "span_end_right": lambda: self.move_boundary("end", 1),
                "span_start_left": lambda: self.move_boundary("start", -1),
                "span_start_right": lambda: self.move_boundary("start", 1)}

    def set_enabled(self, has_project: bool) -> None:
        for button in (self.least_sure, self.bulk, self.train, self.versions):
            button.setEnabled(has_project)
        self.train_action.setEnabled(has_project)
        self.versions_action.setEnabled(has_project)

    # -- queue ------------------------------------------------------------------------------
    def next_uncertain(self) -> bool:
        """Show the unreviewed document with the least sure proposals (other than the shown one)."""
        project = self._project()
        if project is None:
            return False
        f = self.browser.filters()
        current = self.nav.current()
        ids = project.list_documents(task=self._task(), status="unreviewed", label=f.label, search=f.search,
                                     disagree=f.disagree, order="confidence", limit=2)
        target = next((r for r in ids if r.id != current), None)
        if target is None:
            self.message.emit("No other unreviewed documents.")
        elif target.confidence is None:
            self.message.emit("No pre-annotated unreviewed documents left: showing the next one in order.")
            self.nav.go_to(target.id)
        else:
            self.message.emit(f"The model is {target.confidence:.2f} sure of this one (least sure first).")
            self.nav.go_to(target.id)
        return True

    # -- boundaries -------------------------------------------------------------------------
    def move_boundary(self, edge: str, direction: int) -> bool:
        """Move the selected entity's start or end by a word; False (the key selects text) without one."""
        span, doc = self.panel.focused_span(), self.panel.doc
        if span is None or doc is None or self._task() != "ner":
            return False
        new = moved_boundary(doc.text, span.start, span.end, edge, direction)
        if new is None:
            self.message.emit("The entity cannot move further that way.")
            return True
        if self._push(MoveSpan(self._ctx(), doc.id, (span.start, span.end), new)):
            self.panel.view.select_py(new[0], new[0])  # the caret stays in it: still the selected entity
        return True

    # -- bulk accept ------------------------------------------------------------------------
    def ask_bulk_accept(self) -> bool:
        project = self._project()
        task = self._task()
        if project is None or task not in BULK_TASKS:
            self.error.emit("Accepting in bulk works on entities, sentiment and QA answers.")
            return False
        labels = list(QA_KINDS) if task == "qa" else project.labels_in_use(task)
        dialog = BulkAcceptDialog(labels, self.browser.model.total(), self.browser)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        choice = dialog.choice()
        return self.bulk_accept(choice.threshold, choice.labels, all_listed=choice.all_listed)

    def bulk_accept(self, threshold: float, labels: list[str] | None = None, *, all_listed: bool = False) -> bool:
        """Accept the proposals scored at least `threshold` (of `labels`) in the shown document, or in every
        document of the list; one undo step."""
        project, doc = self._project(), self.panel.doc
        if project is None:
            return False
        ids = project.document_ids(**self.browser.filters().kwargs()) if all_listed else (
            [doc.id] if doc is not None else [])
        if not ids:
            self.error.emit("No document to accept proposals in.")
            return False
        focus = doc.id if doc is not None else ids[0]
        command = BulkAccept(self._ctx(), focus, ids, self._task(), threshold, labels, self._refresh)
        if self._push(command):
            self.message.emit(f"{command.text()} (Ctrl+Z undoes it).")
            return True
        return False

    def _refresh(self, doc_ids: list[int]) -> None:
        for doc_id in doc_ids:
            self.browser.model.refresh_doc(doc_id)

    # -- training ---------------------------------------------------------------------------
    def show_training(self) -> TrainDialog | None:
        """Open the training dialog of the project and task (the running one when it is training)."""
        project = self._project()
        if project is None:
            return None
        dialog = self.train_dialog
        if dialog is None or dialog.project is not project or (dialog.task != self._task() and not dialog.running()):
            self.close_training()
            dialog = self.train_dialog = TrainDialog(project, self._task(), self._parent)
            dialog.use_version.connect(self.use_version)
        dialog.show()
        dialog.raise_()
        return dialog

    def show_versions(self) -> VersionsDialog | None:
        """Open the model versions of the project's task (read again when it is open already)."""
        project = self._project()
        if project is None:
            return None
        dialog = self.versions_dialog
        if dialog is None or dialog.project is not project or dialog.task != self._task():
            self._close_versions()
            dialog = self.versions_dialog = VersionsDialog(project, self._task(), self.preannotate.service,
                                                           self.preannotate.device, self.use_version, self._parent)
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    def _close_versions(self) -> None:
        if self.versions_dialog is not None:
            self.versions_dialog.shutdown()
            self.versions_dialog.close()
            self.versions_dialog.deleteLater()
            self.versions_dialog = None

    def use_version(self, folder: str) -> bool:
        """Make `folder` the task's pre-annotation model and pre-annotate the unreviewed documents with it (in
        the background; reviewed annotations are never touched)."""
        project, task = self._project(), self._task()
        if project is None:
            return False
        project.set_setting(f"model.{task}", folder)
        self.preannotate.pickers[task].set_spec(folder)
        if not self.preannotate.start(project, task, statuses=["unreviewed"]):
            self.error.emit("Pre-annotation is busy: run it again when it has finished.")
            return False
        self.message.emit(f"Pre-annotating the unreviewed documents with {folder}…")
        return True

    def close_training(self) -> None:
        """Stop a training process (its checkpoints stay for Resume) and close the dialog; close the versions."""
        self._close_versions()
        if self.train_dialog is not None:
            self.train_dialog.shutdown()
            self.train_dialog.close()
            self.train_dialog.deleteLater()
            self.train_dialog = None
