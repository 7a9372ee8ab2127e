"""Project actions for the File menu: New, Open, Open Recent ▸, Import into project…, Export project….

`ProjectActions` opens and creates projects itself and reports through signals (`opened`,
`close_requested`, `imported`, `message`, `error`); the tab tells it the open project and task
(`set_project`, `set_task`) and never gets called back. The methods take their inputs as optional
arguments (tests and scripts pass them; the menu leaves them out and the user is asked).
Recent projects are kept by `ui.settings.RecentProjects`.

Export and import run in the inference thread (worker jobs "export_project" / "import_project" on
the stream `IO_KEY`, one at a time): the tab shows their progress and a Cancel button (`job_bar`,
also Edit ▸ Cancel), the two actions are disabled meanwhile, and `export_finished` /
`import_finished` fire on the GUI thread when the job ends. A cancelled export writes nothing, a
cancelled import stores nothing (it is one transaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Project, ProjectError
from bert_desk.ui.review.dialogs import ExportDialog, ImportDialog, ask_save_path
from bert_desk.ui.settings import RecentProjects
from bert_desk.ui.widgets import name, plain_label, tip
from bert_desk.worker import InferenceService, JobDone, JobFailed, JobHandle, JobProgress

PROJECT_FILTER = "bert_desk projects (*.bdesk);;All files (*)"
IO_KEY = "review.project_io"  # the service stream of export and import jobs


def _plural(n: int) -> str:
    return f"{n:,} document{'s' if n != 1 else ''}"


class ProjectActions(QObject):
    """The File-menu actions of projects (`review.action.*`); `parent` hosts their dialogs.

    `job_bar` (progress and Cancel of a running export or import) is for the tab to lay out."""

    opened = Signal(object, str)  # a Project just opened or created, and what to tell the user
    close_requested = Signal()  # File ▸ Close project, or a project about to be replaced on disk
    imported = Signal(str)  # documents were added to the open project (the message says how many)
    message = Signal(str)
    error = Signal(str, str)  # message, details
    export_finished = Signal(object)  # the ExportReport, or None (failed or cancelled)
    import_finished = Signal(object)  # the new document ids, or None (failed or cancelled)

    def __init__(self, parent: QWidget, recents: RecentProjects, service: InferenceService) -> None:
        super().__init__(parent)
        self.parent_widget, self.recents, self.service = parent, recents, service
        self.project: Project | None = None  # the tab's open project (set_project)
        self.task = "ner"  # the tab's task (set_task)
        self.job: JobHandle | None = None  # the running export or import (None when idle)
        self._job: tuple[str, Path, str, int] = ("", Path(), "", 0)  # what, path, message, documents before
        self.progress = name(QProgressBar(), "review.io_progress")
        self.progress.setMaximumWidth(180)
        self.cancel_button = name(QPushButton("Cancel"), "review.io_cancel", "Stop the export or import (nothing "
                                  "is written or stored)")
        self.cancel_button.clicked.connect(lambda _=False: self.cancel())
        self.job_bar = QWidget()
        row = QHBoxLayout(self.job_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        self.job_bar.hide()
        self.new_action = self._action("&New project…", "new_project", self.new_project)
        self.open_action = self._action("Open p&roject…", "open_project", self.open_project)
        self.recent_menu = QMenu("Open Rece&nt project", parent)
        self.recent_menu.setObjectName("review.menu.recent")
        self.recent_menu.aboutToShow.connect(self.rebuild_recent)
        self.import_action = self._action("&Import into project…", "import", self.import_file)
        self.export_action = self._action("E&xport project…", "export", self.export)
        self.close_action = self._action("C&lose project", "close_project", self.close_requested.emit)
        self.update_enabled()

    def welcome_page(self) -> QWidget:
        """What the Review tab shows with no project open: New project… and Open project…."""
        page = QWidget()
        text = plain_label("No project open.\nCreate one and import documents, or open an existing .bdesk project.")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setProperty("role", "notice")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for label, role, slot in (("New project…", "review.new_project", self.new_project),
                                  ("Open project…", "review.open_project", self.open_project)):
            button = name(QPushButton(label), role)
            button.clicked.connect(lambda _=False, slot=slot: slot())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    def _action(self, text: str, key: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"review.action.{key}")
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        return action

    def add_to_menu(self, menu: QMenu, before: QAction | None = None) -> None:
        """Insert the actions (and the Open Recent submenu) into `menu`, before `before` if given."""
        items: list[QAction | None] = [self.new_action, self.open_action, self.recent_menu.menuAction(),
                                       self.close_action, None, self.import_action, self.export_action, None]
        for item in items:
            if item is None:
                menu.insertSeparator(before) if before is not None else menu.addSeparator()
            elif before is not None:
                menu.insertAction(before, item)
            else:
                menu.addAction(item)
        self.rebuild_recent()

    def set_project(self, project: Project | None) -> None:
        """The project the tab now shows (None: closed)."""
        self.project = project
        self.update_enabled()

    def set_task(self, task: str) -> None:
        self.task = task

    def update_enabled(self) -> None:
        has = self.project is not None
        self.close_action.setEnabled(has)
        for action in (self.import_action, self.export_action):
            action.setEnabled(has and not self.busy())

    def busy(self) -> bool:
        return self.job is not None

    def edits_paused(self) -> str | None:
        """Why review edits must wait (an import holds the project's write lock until it commits), else None."""
        if self.job is None or self._job[0] != "import":
            return None
        return f"Importing {self._job[1].name}: edits wait until it finishes (Esc cancels the import)."

    def rebuild_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recents.paths()
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(tip(path))
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if paths:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear recent projects").triggered.connect(lambda _=False: self.recents.clear())
        else:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # -- actions ----------------------------------------------------------------------------
    def new_project(self, path: str | Path | None = None) -> bool:
        """Create a project file (the save dialog has already confirmed any overwrite)."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self.parent_widget, "New project", self.recents.last_dir(),
                                                    PROJECT_FILTER)
            if not chosen:
                return False
            path = chosen if Path(chosen).suffix else chosen + ".bdesk"
        ok = self.create(path, overwrite=True)
        if ok:
            self.recents.add(path)
        self.update_enabled()
        return ok

    def create(self, path: str | Path, *, overwrite: bool = False) -> bool:
        """Create a project file and announce it (`opened`); errors go to `error`."""
        if self.project is not None and Path(path).resolve() == self.project.path.resolve():
            self.close_requested.emit()  # the open project is being replaced
        try:
            project = Project.create(path, overwrite=overwrite)
        except ProjectError as exc:
            self.error.emit(str(exc), "")
            return False
        self.opened.emit(project, f"Created {Path(path).name}: import documents with File ▸ Import into project…")
        return True

    def open_path(self, path: str | Path) -> bool:
        """Open a project file and announce it (`opened`); errors go to `error`."""
        try:
            project = Project.open(path, wait=0.3)  # held by a running command: say so, never stall the window
        except ProjectError as exc:
            self.error.emit(str(exc), "")
            return False
        self.opened.emit(project, "")
        if project.integrity_error is not None:
            self.error.emit(str(project.integrity_error), "")
        return True

    def open_project(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open project", self.recents.last_dir(),
                                                    PROJECT_FILTER)
            if not chosen:
                return False
            path = chosen
        ok = self.open_path(path)
        if ok:
            self.recents.add(path)
        elif not Path(path).is_file():
            self.recents.remove(path)
        self.update_enabled()
        return ok

    def import_file(self, path: str | Path | None = None, fmt: str | None = None, *, column: str | None = None,
                    label_column: str | None = None, source: str = "human",
                    label_map: dict[str, str] | None = None, status: str | None = None) -> JobHandle | None:
        """Start importing one file (one transaction) and return the job id (None: nothing started);
        `status` "accepted" stores the annotated documents as reviewed (`importers.with_status`).
        `import_finished` tells the end, errors (file:line) go to the tab's error bar."""
        project = self.project
        if project is None:
            self._error("Open or create a project first (File ▸ New project…).")
            return None
        if self._refuse_when_busy():
            return None
        if path is None:
            dialog = ImportDialog(start_dir=self.recents.last_dir(), parent=self.parent_widget)
            dialog.browse()
            if not dialog.path.text() or dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            opts = dialog.options()
            path, fmt, column, label_column, source = opts.path, opts.fmt, opts.column, opts.label_column, opts.source
            label_map, status = opts.label_map, opts.status
        path = Path(path)
        payload = {"project": project.ref(), "path": path, "fmt": fmt, "column": column, "label_column": label_column,
                   "label_map": label_map or {}, "source": source, "status": status}
        return self._start("import", path, "import_project", payload, f"Importing {path.name}…", project.count())

    def export(self, path: str | Path | None = None, fmt: str | None = None, *,
               statuses: tuple[str, ...] | list[str] | None = ("accepted",), task: str | None = None,
               source: str = "human") -> JobHandle | None:
        """Start exporting documents with the chosen statuses (None: all) to `path` in `fmt`; returns
        the job id (None: nothing started). `export_finished` tells the end."""
        project = self.project
        if project is None:
            self._error("Open a project first.")
            return None
        if self._refuse_when_busy():
            return None
        if fmt is None:
            dialog = ExportDialog(self.task, self.parent_widget,
                                  count=lambda which, chosen: project.count(task=which, status=chosen))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            opts = dialog.options()
            fmt, statuses, task, source = opts.fmt, opts.statuses, opts.task, opts.source
        if statuses is not None and not statuses:
            self._error("Choose at least one status to export.")
            return None
        if path is None:
            path = ask_save_path(self.parent_widget, fmt, str(project.path.parent), project.path.stem)
            if path is None:
                return None
        path = Path(path)
        payload = {"project": project.ref(), "fmt": fmt, "out": path, "statuses": statuses, "task": task, "source": source}
        return self._start("export", path, "export_project", payload, f"Exporting to {path.name}…")

    # -- the running job ---------------------------------------------------------------------
    def cancel(self) -> bool:
        """Ask the running export or import to stop (False when none runs)."""
        if self.job is None or not self.job.cancel():
            return False
        self.message.emit("Cancelling…")
        return True

    def shutdown(self) -> None:
        """Cancel the running job and forget it (project or window closing)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self._end()

    def _error(self, message: str, details: str = "") -> None:
        self.error.emit(message, details)

    def _refuse_when_busy(self) -> bool:
        if self.busy():
            self._error("An export or import is running: wait for it, or cancel it.")
        return self.busy()

    def _start(self, what: str, path: Path, kind: str, payload: dict[str, Any], message: str, before: int = 0
               ) -> JobHandle | None:
        try:
            self.job = self.service.submit(IO_KEY, kind, payload)
            self.job.progressed.connect(self._route)
            self.job.ended.connect(self._route)
        except RuntimeError as exc:  # the service is shut down (window closing)
            self._error(str(exc))
            return None
        self._job = (what, path, message, before)
        self.progress.setRange(0, 0)  # busy until the first documents are done
        self.job_bar.show()
        self.message.emit(message)
        self.update_enabled()
        return self.job

    def _end(self) -> None:
        self.job_bar.hide()
        self.update_enabled()

    def _route(self, event: object) -> None:
        """Service events (GUI thread): progress, then exactly one of done, failed or cancelled."""
        if self.job is None or getattr(event, "job_id", None) != self.job.job_id:
            return  # another stream's event, or one of a job let go of
        what, path, message, before = self._job
        if isinstance(event, JobProgress):
            if event.fraction > 0:
                self.progress.setRange(0, 100)
                self.progress.setValue(round(event.fraction * 100))
            self.message.emit(f"{message} {event.message}")
            return
        self.job = None
        self._end()
        if what == "export":
            self._export_ended(event, path)
        else:
            self._import_ended(event, path, before)

    def _export_ended(self, event: object, path: Path) -> None:
        if isinstance(event, JobDone):
            report = event.result
            notes = f" ({'; '.join(report.notes)})" if report.notes else ""
            self.message.emit(f"Exported {report.documents:,} documents to {path.name}{notes}.")
            self.export_finished.emit(report)
            return
        if isinstance(event, JobFailed):
            self._error(f"Export to {path.name} failed: {event.message}", event.details)
            self.message.emit("")
        else:
            self.message.emit(f"Export to {path.name} cancelled: nothing was written.")
        self.export_finished.emit(None)

    def _import_ended(self, event: object, path: Path, before: int) -> None:
        if isinstance(event, JobDone):
            ids = list(event.result)
            self.imported.emit(f"Imported {_plural(len(ids))} from {path.name}.")
            self.import_finished.emit(ids)
            return
        if isinstance(event, JobFailed):
            self._error(event.message, event.details)
            self.message.emit("")
        elif self.project is not None and self.project.count() > before:
            # the cancel came while the transaction was committing: the file is in
            self.imported.emit(f"Imported {_plural(self.project.count() - before)} from {path.name} "
                               "(it had finished before the cancel).")
        else:
            self.message.emit(f"Import of {path.name} cancelled: nothing was stored.")
        self.import_finished.emit(None)
