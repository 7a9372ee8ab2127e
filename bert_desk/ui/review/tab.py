"""The Review tab: a project's documents beside the annotation view, review keys, undo and progress.

Keys (in the text, the document list and the question list): 1–9 label, A accept, X reject,
Space skip, Right/J next, Left/K previous, N next unreviewed, Delete, Ctrl+Z undo,
Ctrl+Shift+Z (or Ctrl+Y) redo (see `keys.py`; their actions are in `navigation.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Project, ProjectError
from bert_desk.ui.error_bar import ErrorBar
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.review.actions import ProjectActions, RecentProjects
from bert_desk.ui.review.annotate import AnnotationPanel
from bert_desk.ui.review.browser import DocumentBrowser
from bert_desk.ui.review.keys import HELP, ReviewKeys
from bert_desk.ui.review.labels import parse_labels, project_labels, save_labels
from bert_desk.ui.review.metrics import MetricsDialog
from bert_desk.ui.review.navigation import NavigationMixin
from bert_desk.ui.review.preannotate_panel import PreannotatePanel
from bert_desk.ui.settings import Settings
from bert_desk.ui.widgets import name, split
from bert_desk.worker import InferenceService

TASKS = (("ner", "Entities"), ("qa", "Question answering"), ("sentiment", "Sentiment"))
REVIEWED = ("accepted", "rejected", "skipped")


def _button(text: str, role: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    button = name(QPushButton(text), role, tip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # clicking keeps the keyboard focus in the text/list
    button.clicked.connect(lambda _=False: slot())
    return button


class ReviewTab(NavigationMixin, QWidget):
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
        for key, title in TASKS:
            self.task_combo.addItem(title, key)
        self.project_name = name(QLabel(), "review.project_name")
        self.project_name.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = name(QLabel("No project open."), "review.progress")
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = _button("Undo", "review.undo", "Undo (Ctrl+Z)", lambda: self._undo_redo(False))
        self.redo_button = _button("Redo", "review.redo", "Redo (Ctrl+Shift+Z)", lambda: self._undo_redo(True))
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.metrics_button = _button("Model vs reviewer…", "review.metrics",
                                      "Precision, recall and F1 of the model's proposals", self.show_metrics)

        self.browser = DocumentBrowser()
        self.panel = AnnotationPanel(self.push, lambda: self._context())
        self.panel.view.undo_handler = self.browser.view.undo_handler = self._undo_redo
        self.prev_button = _button("◀ Previous", "review.prev", "Previous document (Left or K)", lambda: self.step(-1))
        self.accept_button = _button("Accept (A)", "review.accept", "Accept this document's annotations",
                                     lambda: self.set_status("accepted"))
        self.reject_button = _button("Reject (X)", "review.reject", "Reject this document",
                                     lambda: self.set_status("rejected"))
        self.skip_button = _button("Skip (Space)", "review.skip", "Skip this document for now",
                                   lambda: self.set_status("skipped"))
        self.next_button = _button("Next ▶", "review.next", "Next document (Right or J)", lambda: self.step(1))
        self.unreviewed_button = _button("Next unreviewed (N)", "review.next_unreviewed",
                                         "Jump to the next unreviewed document", self.next_unreviewed)
        self.auto_advance = name(QCheckBox("Advance after review"), "review.auto_advance",
                                 "Go to the next document after Accept, Reject or Skip")
        self.auto_advance.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.preannotate_panel = PreannotatePanel(service, settings, device)
        self.preannotate_panel.run_button.clicked.connect(self.preannotate)
        self.preannotate_panel.finished_run.connect(self._preannotated)
        self.preannotate_panel.failed_run.connect(self.show_error)
        self.error_bar = ErrorBar("review")
        self.message = name(QLabel(), "review.message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.keys_help = QLabel(HELP)
        self.keys_help.setWordWrap(True)
        self.keys_help.setEnabled(False)  # drawn in the muted colour

        self.pages = name(QStackedWidget(), "review.pages")
        self.pages.addWidget(self._empty_page())
        self.pages.addWidget(self._main_page())
        top = QHBoxLayout()
        top.addWidget(QLabel("Task:"))
        top.addWidget(self.task_combo)
        top.addSpacing(12)
        top.addWidget(self.project_name)
        top.addWidget(self.progress, 1)
        for widget in (self.undo_button, self.redo_button, self.metrics_button):
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

        self.keys = ReviewKeys(self.handle_key, self)
        self.keys.watch(self.panel.view, self.browser.view, self.panel.qa.list)
        self.task_combo.currentIndexChanged.connect(lambda _i: self._task_changed())
        self.browser.current_changed.connect(self.show_document)
        self.panel.edit_labels.clicked.connect(lambda _=False: self.edit_labels())
        self._restore_state()
        self._update_enabled()

    def _empty_page(self) -> QWidget:
        page = QWidget()
        text = QLabel("No project open.\nCreate one and import documents, or open an existing .bdesk project.")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setProperty("role", "notice")
        new = name(QPushButton("New project…"), "review.new_project")
        new.clicked.connect(lambda _=False: self.project_actions.new_project())
        open_ = name(QPushButton("Open project…"), "review.open_project")
        open_.clicked.connect(lambda _=False: self.project_actions.open_project())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new)
        buttons.addWidget(open_)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    def _main_page(self) -> QWidget:
        right = QWidget()
        buttons = QHBoxLayout()
        for widget in (self.prev_button, self.accept_button, self.reject_button, self.skip_button, self.next_button,
                       self.unreviewed_button, self.auto_advance):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)
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
        store = self.settings.store if self.settings is not None else None
        if store is None:
            return
        index = self.task_combo.findData(store.value("review/task", "ner"))
        self.task_combo.setCurrentIndex(max(0, index))
        self.panel.snap.setChecked(str(store.value("review/snap", "true")).lower() == "true")
        self.auto_advance.setChecked(str(store.value("review/auto_advance", "false")).lower() == "true")

    def save_state(self) -> None:
        """Remember the task and the two toggles (the main window calls this on close)."""
        if self.settings is not None:
            store = self.settings.store
            store.setValue("review/task", self.task)
            store.setValue("review/snap", "true" if self.panel.snap.isChecked() else "false")
            store.setValue("review/auto_advance", "true" if self.auto_advance.isChecked() else "false")

    def _update_enabled(self) -> None:
        has_doc = self.project is not None and self.panel.doc is not None
        for button in (self.accept_button, self.reject_button, self.skip_button, self.prev_button, self.next_button):
            button.setEnabled(has_doc)
        for widget in (self.unreviewed_button, self.metrics_button, self.preannotate_panel.run_button):
            widget.setEnabled(self.project is not None and not (
                widget is self.preannotate_panel.run_button and self.preannotate_panel.busy()))
        self.pages.setCurrentIndex(1 if self.project is not None else 0)
        self.preannotate_panel.setVisible(self.project is not None)
        self.project_actions.update_enabled()

    # -- projects ---------------------------------------------------------------------------
    def create_project(self, path: str | Path, *, overwrite: bool = False) -> bool:
        if self.project is not None and Path(path).resolve() == self.project.path.resolve():
            self.close_project()
        try:
            project = Project.create(path, overwrite=overwrite)
        except ProjectError as exc:
            self.show_error(str(exc))
            return False
        self.set_project(project)
        self.show_message(f"Created {Path(path).name}: import documents with File ▸ Import into project….")
        return True

    def open_path(self, path: str | Path) -> bool:
        try:
            project = Project.open(path, wait=0.3)  # held by a running command: say so, never stall the window
        except ProjectError as exc:
            self.show_error(str(exc))
            return False
        self.set_project(project)
        if project.integrity_error is not None:
            self.show_error(str(project.integrity_error))
        return True

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
        self.project_name.setToolTip(str(project.path) if project is not None else "")
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
            text, ok = QInputDialog.getText(self, "Labels", f"Labels for {self.task_combo.currentText()} "
                                            "(comma-separated; keys 1–9 follow this order):",
                                            text=", ".join(self.panel.labels))
            if not ok:
                return False
            labels = parse_labels(text)
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
        self.progress.setToolTip(", ".join(f"{n:,} {s}" for s, n in counts.items()))

    # -- model ------------------------------------------------------------------------------
    def preannotate(self) -> bool:
        """Run the chosen model over the scope's documents (a job of the inference thread)."""
        project, panel = self.project, self.preannotate_panel
        if project is None:
            return False
        scope = panel.scope.currentData()
        started = False
        if scope == "selected":
            ids = [d for d in self.browser.selected_docs() if project.review(d, self.task).status == "unreviewed"]
            if not ids:
                self.show_error("Select unreviewed documents in the list first.")
                return False
            started = panel.start(project, self.task, doc_ids=ids)
        elif scope == "unreviewed":
            started = panel.start(project, self.task, statuses=["unreviewed"])
        else:
            started = panel.start(project, self.task)
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
        if self.metrics_dialog is not None:
            self.metrics_dialog.close()
            self.metrics_dialog.deleteLater()
        self.metrics_dialog = MetricsDialog(self.project, self.task, self.service, self)
        self.metrics_dialog.show()
        return self.metrics_dialog

    # -- what the main window may call on any tab -------------------------------------------
    def open_file(self) -> None:
        self.project_actions.open_project()

    def run(self) -> None:
        self.preannotate()

    def cancel(self) -> None:
        self.preannotate_panel.cancel()
        self.project_actions.cancel()
