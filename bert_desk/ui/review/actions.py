"""Project actions for the File menu: New, Open, Open Recent ▸, Import into project…, Export project….

Each action works on the `ReviewTab` it was made for. The methods take their inputs as optional
arguments (tests and scripts pass them; the menu leaves them out and the user is asked).
Recent projects are kept by `RecentProjects` in the app's `QSettings` (key
`review/recent_projects`, a JSON list), or in memory when no settings are given.

Export and import run in the inference thread (worker jobs "export_project" / "import_project" on
the stream `IO_KEY`, one at a time): the tab shows their progress and a Cancel button (`job_bar`,
also Edit ▸ Cancel), the two actions are disabled meanwhile, and `export_finished` /
`import_finished` fire on the GUI thread when the job ends. A cancelled export writes nothing, a
cancelled import stores nothing (it is one transaction).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QMenu, QProgressBar, QPushButton, QWidget

from bert_desk.ui.review.dialogs import ExportDialog, ImportDialog, ask_save_path
from bert_desk.ui.settings import Settings
from bert_desk.ui.widgets import name
from bert_desk.worker import InferenceService, JobDone, JobFailed, JobHandle, JobProgress

if TYPE_CHECKING:
    from bert_desk.ui.review.tab import ReviewTab

PROJECT_FILTER = "bert_desk projects (*.bdesk);;All files (*)"
MAX_RECENT = 10
IO_KEY = "review.project_io"  # the service stream of export and import jobs


def _plural(n: int) -> str:
    return f"{n:,} document{'s' if n != 1 else ''}"


class RecentProjects:
    """Most recent first; `store` is the `Settings` adapter, a `QSettings`, or None (memory only)."""

    KEY = "review/recent_projects"

    def __init__(self, store: Settings | QSettings | None = None) -> None:
        self._store = store.store if isinstance(store, Settings) else store
        self._memory: list[str] = []

    def paths(self) -> list[str]:
        if self._store is None:
            return list(self._memory)
        raw = self._store.value(self.KEY, "")
        try:
            value = json.loads(raw) if isinstance(raw, str) and raw else []
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _save(self, paths: list[str]) -> None:
        paths = paths[:MAX_RECENT]
        if self._store is None:
            self._memory = paths
        else:
            self._store.setValue(self.KEY, json.dumps(paths, ensure_ascii=False))

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self._save([path, *(p for p in self.paths() if p != path)])

    def remove(self, path: str | Path) -> None:
        self._save([p for p in self.paths() if p != str(path)])

    def clear(self) -> None:
        self._save([])

    def last_dir(self) -> str:
        paths = self.paths()
        return str(Path(paths[0]).parent) if paths else ""


class ProjectActions(QObject):
    """The File-menu actions of projects (`review.action.*`), bound to one `ReviewTab`.

    `job_bar` (progress and Cancel of a running export or import) is for the tab to lay out."""

    export_finished = Signal(object)  # the ExportReport, or None (failed or cancelled)
    import_finished = Signal(object)  # the new document ids, or None (failed or cancelled)

    def __init__(self, tab: ReviewTab, recents: RecentProjects, service: InferenceService) -> None:
        super().__init__(tab)
        self.tab, self.recents, self.service = tab, recents, service
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
        self.recent_menu = QMenu("Open Rece&nt project", tab)
        self.recent_menu.setObjectName("review.menu.recent")
        self.recent_menu.aboutToShow.connect(self.rebuild_recent)
        self.import_action = self._action("&Import into project…", "import", self.import_file)
        self.export_action = self._action("E&xport project…", "export", self.export)
        self.close_action = self._action("C&lose project", "close_project", self.tab.close_project)
        self.update_enabled()

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

    def update_enabled(self) -> None:
        has = self.tab.project is not None
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
            action.setToolTip(path)
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
            chosen, _ = QFileDialog.getSaveFileName(self.tab, "New project", self.recents.last_dir(), PROJECT_FILTER)
            if not chosen:
                return False
            path = chosen if Path(chosen).suffix else chosen + ".bdesk"
        ok = self.tab.create_project(path, overwrite=True)
        if ok:
            self.recents.add(path)
        self.update_enabled()
        return ok

    def open_project(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.tab, "Open project", self.recents.last_dir(), PROJECT_FILTER)
            if not chosen:
                return False
            path = chosen
        ok = self.tab.open_path(path)
        if ok:
            self.recents.add(path)
        elif not Path(path).is_file():
            self.recents.remove(path)
        self.update_enabled()
        return ok

    def import_file(self, path: str | Path | None = None, fmt: str | None = None, *, column: str | None = None,
                    label_column: str | None = None, source: str = "human",
                    label_map: dict[str, str] | None = None) -> JobHandle | None:
        """Start importing one file (one transaction) and return the job id (None: nothing started);
        `import_finished` tells the end, errors (file:line) go to the tab's error bar."""
        project = self.tab.project
        if project is None:
            self.tab.show_error("Open or create a project first (File ▸ New project…).")
            return None
        if self._refuse_when_busy():
            return None
        if path is None:
            dialog = ImportDialog(start_dir=self.recents.last_dir(), parent=self.tab)
            dialog.browse()
            if not dialog.path.text() or dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            opts = dialog.options()
            path, fmt, column, label_column, source = opts.path, opts.fmt, opts.column, opts.label_column, opts.source
            label_map = opts.label_map
        path = Path(path)
        payload = {"project": project.ref(), "path": path, "fmt": fmt, "column": column, "label_column": label_column,
                   "label_map": label_map or {}, "source": source}
        return self._start("import", path, "import_project", payload, f"Importing {path.name}…", project.count())

    def export(self, path: str | Path | None = None, fmt: str | None = None, *,
               statuses: tuple[str, ...] | list[str] | None = ("accepted",), task: str | None = None,
               source: str = "human") -> JobHandle | None:
        """Start exporting documents with the chosen statuses (None: all) to `path` in `fmt`; returns
        the job id (None: nothing started). `export_finished` tells the end."""
        project = self.tab.project
        if project is None:
            self.tab.show_error("Open a project first.")
            return None
        if self._refuse_when_busy():
            return None
        if fmt is None:
            dialog = ExportDialog(self.tab.task, self.tab,
                                  count=lambda which, chosen: project.count(task=which, status=chosen))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            opts = dialog.options()
            fmt, statuses, task, source = opts.fmt, opts.statuses, opts.task, opts.source
        if statuses is not None and not statuses:
            self.tab.show_error("Choose at least one status to export.")
            return None
        if path is None:
            path = ask_save_path(self.tab, fmt, str(project.path.parent), project.path.stem)
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
        self.tab.show_message("Cancelling…")
        return True

    def shutdown(self) -> None:
        """Cancel the running job and forget it (project or window closing)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self._end()

    def _refuse_when_busy(self) -> bool:
        if self.busy():
            self.tab.show_error("An export or import is running: wait for it, or cancel it.")
        return self.busy()

    def _start(self, what: str, path: Path, kind: str, payload: dict[str, Any], message: str, before: int = 0
               ) -> JobHandle | None:
        try:
            self.job = self.service.submit(IO_KEY, kind, payload)
            self.job.progressed.connect(self._route)
            self.job.ended.connect(self._route)
        except RuntimeError as exc:  # the service is shut down (window closing)
            self.tab.show_error(str(exc))
            return None
        self._job = (what, path, message, before)
        self.progress.setRange(0, 0)  # busy until the first documents are done
        self.job_bar.show()
        self.tab.show_message(message)
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
            self.tab.show_message(f"{message} {event.message}")
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
            self.tab.show_message(f"Exported {report.documents:,} documents to {path.name}{notes}.")
            self.export_finished.emit(report)
            return
        if isinstance(event, JobFailed):
            self.tab.show_error(f"Export to {path.name} failed: {event.message}", event.details)
            self.tab.show_message("")
        else:
            self.tab.show_message(f"Export to {path.name} cancelled: nothing was written.")
        self.export_finished.emit(None)

    def _import_ended(self, event: object, path: Path, before: int) -> None:
        if isinstance(event, JobDone):
            ids = list(event.result)
            self.tab.after_import(f"Imported {_plural(len(ids))} from {path.name}.")
            self.import_finished.emit(ids)
            return
        if isinstance(event, JobFailed):
            self.tab.show_error(event.message, event.details)
            self.tab.show_message("")
        elif self.tab.project is not None and self.tab.project.count() > before:
            # the cancel came while the transaction was committing: the file is in
            self.tab.after_import(f"Imported {_plural(self.tab.project.count() - before)} from {path.name} "
                                  "(it had finished before the cancel).")
        else:
            self.tab.show_message(f"Import of {path.name} cancelled: nothing was stored.")
        self.import_finished.emit(None)
