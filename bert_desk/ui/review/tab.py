"""The Review tab: a project's documents beside the annotation view, review keys, undo and progress.

Keys (in the text, the document list and the question list): 1–9 label, A accept, X reject,
Space skip, Right/J next, Left/K previous, N next unreviewed, Delete, Ctrl+Z undo,
Ctrl+Shift+Z (or Ctrl+Y) redo (see `keys.py`; the tab maps them to its actions).

The tab composes its parts and wires their signals: `Navigator` (which document is shown),
`ProjectActions` (File-menu project actions, export/import jobs), `PreannotatePanel`, the document
browser and the annotation panel. None of them calls back into the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Project, ProjectError
from bert_desk.ui.error_bar import ErrorBar
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.review.actions import ProjectActions
from bert_desk.ui.review.annotate import AnnotationPanel
from bert_desk.ui.review.browser import DocumentBrowser
from bert_desk.ui.review.controls import ReviewControls, review_button
from bert_desk.ui.review.doc_removal import DocumentRemoval
from bert_desk.ui.review.keys import HELP, ReviewKeys, dispatcher
from bert_desk.ui.review.labels import REVIEW_TASKS, ask_labels, project_labels, save_labels
from bert_desk.ui.review.metrics import MetricsDialog
from bert_desk.ui.review.model_loop import ModelLoop
from bert_desk.ui.review.navigation import Navigator
from bert_desk.ui.review.preannotate_panel import PreannotatePanel
from bert_desk.ui.settings import RecentProjects, Settings
from bert_desk.ui.widgets import name, never_widen, plain_label, split, tip
from bert_desk.worker import InferenceService

REVIEWED = ("accepted", "rejected", "skipped")


class ReviewTab(QWidget):
    """Review and annotate a project. `project_changed(Project | None)` after open/close."""

    tab_id = "review"
    title = "Review"
    project_changed = Signal(object)

    def __init__(self, settings: Settings | None = None, *, service: InferenceService,
                 device: Callable[[], str] = lambda: "auto", recents: RecentProjects | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review")
        self.settings = settings
        self.project: Project | None = None
        self.ctx: cmd.Context | None = None
        self.undo_stack = QUndoStack(self)
        self.service = service
        self.project_actions = ProjectActions(self, recents or RecentProjects(settings), service)
        self.editor = cmd.Editor(self.undo_stack, self.project_actions.edits_paused)
        self.metrics_dialog: MetricsDialog | None = None

        self.task_combo = name(QComboBox(), "review.task", "Which annotations to review")
        for key, title in REVIEW_TASKS:
            self.task_combo.addItem(title, key)
        self.project_name = name(plain_label(), "review.project_name")
        self.progress = never_widen(name(plain_label("No project open."), "review.progress"))
        self.undo_button = review_button("Undo", "review.undo", "Undo (Ctrl+Z)", lambda: self._undo_redo(False))
        self.redo_button = review_button("Redo", "review.redo", "Redo (Ctrl+Shift+Z)", lambda: self._undo_redo(True))
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.metrics_button = review_button("Model vs reviewer…", "review.metrics",
                                      "Precision, recall and F1 of the model's proposals", self.show_metrics)

        self.browser = DocumentBrowser()
        self.panel = AnnotationPanel(self.push, lambda: self._context())
        self.panel.view.undo_handler = self.browser.view.undo_handler = self._undo_redo
        self.nav = Navigator(self.browser, self.panel, lambda: self.project, lambda: self.task, self)
        self.controls = ReviewControls()
        self.controls.status_chosen.connect(self.set_status)
        self.controls.step_requested.connect(self.step)
        self.controls.next_unreviewed_requested.connect(self.nav.next_unreviewed)
        self.auto_advance = self.controls.auto_advance
        self.preannotate_panel = PreannotatePanel(service, settings, device)
        self.preannotate_panel.run_button.clicked.connect(self.preannotate)
        self.preannotate_panel.finished_run.connect(self._preannotated)
        self.preannotate_panel.failed_run.connect(self.show_error)
        self.loop = ModelLoop(self.browser, self.panel, self.nav, lambda: self.project, lambda: self.task, self.push,
                              self._context, self.preannotate_panel, self)
        self.loop.message.connect(self.show_message)
        self.loop.error.connect(self.show_error)
        self.project_changed.connect(lambda _project: self.loop.close_training())
        self.error_bar = ErrorBar("review")
        self.message = name(never_widen(plain_label()), "review.message")
        self.keys_help = plain_label(HELP)
        self.keys_help.setWordWrap(True)

        self.pages = name(QStackedWidget(), "review.pages")
        self.pages.addWidget(self.project_actions.welcome_page())
        self.pages.addWidget(self._main_page())
        top = QHBoxLayout()
        top.addWidget(plain_label("Task:"))
        top.addWidget(self.task_combo)
        top.addSpacing(12)
        top.addWidget(self.project_name)
        top.addWidget(self.progress, 1)
        for widget in (self.loop.bar, self.undo_button, self.redo_button, self.metrics_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_bar)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.preannotate_panel)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.project_actions.job_bar)  # progress and Cancel of an export or import
        layout.addLayout(bottom)

        self.keys = ReviewKeys(dispatcher({
            "accept": lambda: self.set_status("accepted"), "reject": lambda: self.set_status("rejected"),
            "skip": lambda: self.set_status("skipped"), "next": lambda: self.step(1), "prev": lambda: self.step(-1),
            "next_unreviewed": self.nav.next_unreviewed, "delete": self.panel.delete,
            "undo": lambda: self._undo_redo(False), "redo": lambda: self._undo_redo(True), **self.loop.actions(),
        }, digit=self.panel.apply_digit, escape=self._escape, active=lambda: self.project is not None), self)
        self.keys.watch(self.panel.view, self.browser.view, self.panel.qa.list)
        self.task_combo.currentIndexChanged.connect(lambda _i: self._task_changed())
        self.nav.shown.connect(self._update_enabled)
        self.nav.message.connect(self.show_message)
        self.nav.error.connect(self.show_error)
        actions = self.project_actions
        actions.opened.connect(self._opened)
        actions.close_requested.connect(self.close_project)
        actions.imported.connect(self.after_import)
        actions.message.connect(self.show_message)
        actions.error.connect(self.show_error)
        self.removal = DocumentRemoval(service, lambda: self.project, self.browser.selected_docs, self)
        self.removal.add_to_list(self.browser.view)
        self.removal.removed.connect(self.after_removal)
        self.removal.error.connect(self.show_error)
        actions.imported.connect(lambda _message: self.removal.update_enabled())
        self.project_changed.connect(lambda _project: self.removal.update_enabled())
        self.panel.edit_labels.clicked.connect(lambda _=False: self.edit_labels())
        self._restore_state()
        self._update_enabled()

    def _main_page(self) -> QWidget:
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.controls)
        layout.addWidget(self.keys_help)
        self.splitter = name(split(self.browser, right, (1, 2)), "review.splitter")
        self.splitter.setSizes([340, 700])
        return self.splitter

    # -- state ------------------------------------------------------------------------------
    @property
    def task(self) -> str:
        return str(self.task_combo.currentData())

    def _undo_redo(self, redo: bool) -> None:
        self.editor.undo_redo(redo, self.show_error)

    def _context(self) -> cmd.Context:
        assert self.ctx is not None, "no project open"
        return self.ctx

    def _restore_state(self) -> None:
        if self.settings is None:
            return
        task, snap, auto_advance = self.settings.review_state()
        self.task_combo.setCurrentIndex(max(0, self.task_combo.findData(task)))
        self.panel.snap.setChecked(snap)
        self.auto_advance.setChecked(auto_advance)

    def save_state(self) -> None:
        """Remember the task and the two toggles (the main window calls this on close)."""
        if self.settings is not None:
            self.settings.set_review_state(self.task, self.panel.snap.isChecked(), self.auto_advance.isChecked())

    def _update_enabled(self) -> None:
        has_project = self.project is not None
        self.controls.set_state(has_project=has_project, has_doc=has_project and self.panel.doc is not None)
        self.metrics_button.setEnabled(has_project)
        self.loop.set_enabled(has_project)
        self.preannotate_panel.run_button.setEnabled(has_project and not self.preannotate_panel.busy())
        self.pages.setCurrentIndex(1 if self.project is not None else 0)
        self.preannotate_panel.setVisible(self.project is not None)
        self.project_actions.update_enabled()

    # -- projects ---------------------------------------------------------------------------
    def create_project(self, path: str | Path, *, overwrite: bool = False) -> bool:
        return self.project_actions.create(path, overwrite=overwrite)

    def open_path(self, path: str | Path) -> bool:
        return self.project_actions.open_path(path)

    def _opened(self, project: Project, message: str) -> None:
        self.set_project(project)
        if message:
            self.show_message(message)

    def set_project(self, project: Project | None) -> None:
        """Show `project` (the tab owns it from now on and closes it when another one opens); the old
        project's jobs (pre-annotation, export/import, metrics) are cancelled first."""
        self.preannotate_panel.shutdown()
        self.project_actions.shutdown()
        if self.metrics_dialog is not None:
            self.metrics_dialog.close()
        self.undo_stack.clear()
        self.panel.show_document(None, None)
        old, self.project = self.project, project
        if old is not None and old is not project:
            old.close()
        self.ctx = cmd.Context(project, self.after_change, self.show_error) if project is not None else None
        self.error_bar.clear()
        self.message.clear()
        self._apply_task(reload=False)
        self.browser.set_project(project, self.task, self._filter_labels())
        self.update_progress()
        self._update_enabled()
        self.project_name.setText(f"{project.path.name}{' (read-only)' if project.read_only else ''} ·"
                                  if project is not None else "")
        self.project_name.setToolTip(tip(str(project.path)) if project is not None else "")
        self.project_actions.set_project(project)
        self.project_changed.emit(project)
        if project is not None:
            self.browser.view.setFocus()

    def close_project(self) -> None:
        self.set_project(None)

    def shutdown(self) -> None:
        """Stop the running jobs and close the project (window closing)."""
        self.save_state()
        if self.metrics_dialog is not None:
            self.metrics_dialog.close()
        if self.project is not None:
            self.set_project(None)  # also stops the project's jobs and clears the undo stack
        self.preannotate_panel.shutdown()
        self.project_actions.shutdown()

    def after_import(self, message: str) -> None:
        """Show the imported documents in the list; the reviewer stays on the document they were on."""
        current = self.panel.doc.id if self.panel.doc is not None else None
        self._apply_task(reload=False)
        self.browser.set_labels(self._filter_labels(), reload=False)
        self.browser.reload()
        if current is not None:
            self.go_to(current)
        self.update_progress()
        self.show_message(message)

    def after_removal(self, message: str) -> None:
        """Documents were deleted: the undo stack forgets them, the list shows what is left."""
        self.undo_stack.clear()
        self.panel.show_document(None, None)
        self.after_import(message)

    # -- messages ---------------------------------------------------------------------------
    def show_error(self, message: str, details: str = "") -> None:
        self.error_bar.show_error(message, details)

    def show_message(self, message: str) -> None:
        self.message.setText(message)

    # -- task, labels and progress ----------------------------------------------------------
    def set_task(self, task: str) -> None:
        self.task_combo.setCurrentIndex(max(0, self.task_combo.findData(task)))

    def _task_changed(self) -> None:
        self._apply_task(reload=True)

    def _apply_task(self, *, reload: bool) -> None:
        labels = project_labels(self.project, self.task) if self.project is not None else []
        current = self.panel.doc.id if self.panel.doc is not None else None
        self.panel.set_task(self.task, labels)
        self.preannotate_panel.set_task(self.task)
        self.project_actions.set_task(self.task)
        if reload and self.project is not None:
            self.browser.set_task(self.task, self._filter_labels())
            if current is not None:
                self.go_to(current)
            self.update_progress()

    def _filter_labels(self) -> list[str]:
        if self.project is None or self.task == "qa":
            return []
        return sorted(set(self.project.labels_in_use(self.task)) | set(self.panel.labels))

    def edit_labels(self, labels: list[str] | None = None) -> bool:
        """Set the task's labels (hotkeys follow their order); asks when `labels` is None."""
        if self.project is None or self.task == "qa" or self.editor.refused(self.show_error):
            return False
        if labels is None:
            labels = ask_labels(self, self.task_combo.currentText(), self.panel.labels)
            if labels is None:
                return False
        try:
            save_labels(self.project, self.task, labels)
        except ProjectError as exc:
            self.show_error(str(exc))
            return False
        self.panel.set_task(self.task, project_labels(self.project, self.task))
        self.browser.set_labels(self._filter_labels())
        return True

    def update_progress(self) -> None:
        project = self.project
        if project is None:
            self.progress.setText("No project open.")
            return
        total = project.count()
        counts = {s: project.count(task=self.task, status=s) for s in REVIEWED}
        done = sum(counts.values())
        self.progress.setText(f"{done:,} of {total:,} reviewed")
        self.progress.setToolTip(tip(", ".join(f"{n:,} {s}" for s, n in counts.items())))

    # -- navigation, edits and keys ----------------------------------------------------------
    def go_to(self, doc_id: int) -> None:
        self.nav.go_to(doc_id)

    def step(self, delta: int) -> bool:
        return self.nav.step(delta)

    def push(self, command: cmd.ReviewCommand) -> bool:
        """Apply an edit and put it on the undo stack (refused edits show why and are dropped)."""
        if self.editor.push(command):
            self.error_bar.clear()
            return True
        return False

    def after_change(self, doc_id: int, task: str) -> None:
        """After an edit, undo or redo: show where it happened and refresh what it touched."""
        self.browser.model.refresh_doc(doc_id)
        if task != self.task:
            self.set_task(task)
        if self.nav.current() != doc_id:
            self.go_to(doc_id)
        else:
            self.panel.refresh()
        self.update_progress()

    def set_status(self, status: str) -> bool:
        doc = self.panel.doc
        if self.project is None or doc is None:
            return False
        if self.push(cmd.SetStatus(self._context(), doc.id, self.task, status)) and self.auto_advance.isChecked():
            self.step(1)
        return True

    def _escape(self) -> bool:
        """Esc: clear the selection first; then stop a running job (False: the key was not used)."""
        if self.panel.view.textCursor().hasSelection():
            self.panel.view.clear_selection()
            return True
        if self.preannotate_panel.busy() or self.project_actions.busy():
            self.cancel()
            return True
        return False

    # -- model ------------------------------------------------------------------------------
    def preannotate(self) -> bool:
        """Run the chosen model over the scope's documents (a job of the inference thread)."""
        if self.project is None:
            return False
        started = self.preannotate_panel.start_scope(self.project, self.task, self.browser.selected_docs())
        self._update_enabled()
        return started

    def _preannotated(self, message: str) -> None:
        self.show_message(message)
        if self.project is not None:
            self.panel.set_task(self.task, project_labels(self.project, self.task))
            self.browser.set_labels(self._filter_labels())
        self._update_enabled()

    def show_metrics(self) -> MetricsDialog | None:
        if self.project is None:
            return None
        self.metrics_dialog = MetricsDialog.replacing(self.metrics_dialog, self.project, self.task, self.service, self)
        return self.metrics_dialog

    # -- what the main window may call on any tab -------------------------------------------
    def open_file(self) -> None:
        self.project_actions.open_project()

    def run(self) -> None:
        self.preannotate()

    def cancel(self) -> None:
        self.preannotate_panel.cancel()
        self.project_actions.cancel()
