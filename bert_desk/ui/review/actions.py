"""Project actions for the File menu: New, Open, Open Recent ▸, Import into project…, Export project….

Each action works on the `ReviewTab` it was made for. The methods take their inputs as optional
arguments (tests and scripts pass them; the menu leaves them out and the user is asked).
Recent projects are kept by `RecentProjects` in the app's `QSettings` (key
`review/recent_projects`, a JSON list), or in memory when no settings are given.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu

from bert_desk.project import ProjectError
from bert_desk.project.exporters import ExportReport, export_project
from bert_desk.project.importers import import_file
from bert_desk.ui.review.dialogs import ExportDialog, ImportDialog, ask_save_path
from bert_desk.ui.settings import Settings

if TYPE_CHECKING:
    from bert_desk.ui.review.tab import ReviewTab

PROJECT_FILTER = "bert_desk projects (*.bdesk);;All files (*)"
MAX_RECENT = 10


def _warm_tokenizer() -> None:
    """Import spaCy (JSONL and DocBin exports tokenise with it) while the user picks options."""
    try:
        from bert_desk.project.tokens import blank_nlp

        blank_nlp()
    except Exception:  # the export itself will report a real problem
        pass


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
    """The File-menu actions of projects (`review.action.*`), bound to one `ReviewTab`."""

    def __init__(self, tab: ReviewTab, recents: RecentProjects) -> None:
        super().__init__(tab)
        self.tab, self.recents = tab, recents
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
        for action in (self.import_action, self.export_action, self.close_action):
            action.setEnabled(has)

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
                    label_column: str | None = None, source: str = "human") -> list[int] | None:
        """Import one file in one transaction; errors (file:line) go to the tab's error bar."""
        project = self.tab.project
        if project is None:
            self.tab.show_error("Open or create a project first (File ▸ New project…).")
            return None
        if path is None:
            dialog = ImportDialog(start_dir=self.recents.last_dir(), parent=self.tab)
            dialog.browse()
            if not dialog.path.text() or dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            opts = dialog.options()
            path, fmt, column, label_column, source = opts.path, opts.fmt, opts.column, opts.label_column, opts.source
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ids = import_file(project, path, fmt, column=column, label_column=label_column, source=source)
        except ProjectError as exc:
            self.tab.show_error(str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.tab.after_import(f"Imported {len(ids):,} document{'s' if len(ids) != 1 else ''} from {Path(path).name}.")
        return ids

    def export(self, path: str | Path | None = None, fmt: str | None = None, *,
               statuses: tuple[str, ...] | list[str] | None = ("accepted",), task: str | None = None,
               source: str = "human") -> ExportReport | None:
        """Export documents with the chosen statuses (None: all) to `path` in `fmt`."""
        project = self.tab.project
        if project is None:
            self.tab.show_error("Open a project first.")
            return None
        if fmt is None:
            threading.Thread(target=_warm_tokenizer, name="bert_desk-warm-spacy", daemon=True).start()
            dialog = ExportDialog(self.tab.task, self.tab)
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
        self.tab.show_message(f"Exporting to {Path(path).name}…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the first JSONL/spaCy export loads spaCy
        try:
            report = export_project(project, fmt, path, statuses=statuses, task=task, source=source)
        except (ProjectError, OSError) as exc:
            self.tab.show_error(f"Export to {Path(path).name} failed: {exc}")
            self.tab.show_message("")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        notes = f" ({'; '.join(report.notes)})" if report.notes else ""
        self.tab.show_message(f"Exported {report.documents:,} documents to {Path(path).name}{notes}.")
        return report
