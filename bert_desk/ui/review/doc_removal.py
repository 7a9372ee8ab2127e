"""Taking documents out of the open project: Undo last import (the documents the last import added) and
Delete selected documents (the document list's selection), each asked for first, then run as the worker's
"delete_documents" job (`project.import_log.remove_documents`) on its own connection to the project.
The actions sit in the File menu and in the document list's context menu; `removed(message)` tells the tab
to show the list again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from bert_desk.project import Project
from bert_desk.project.import_log import last_import
from bert_desk.ui import widgets
from bert_desk.worker import InferenceService, JobDone, JobFailed, JobHandle

JOB_KEY = "review.delete_documents"


class DocumentRemoval(QObject):
    """Undo last import / Delete selected documents for the project `project()` returns."""

    removed = Signal(str)  # documents were deleted: the message says which
    error = Signal(str, str)

    def __init__(self, service: InferenceService, project: Callable[[], Project | None],
                 selected: Callable[[], list[int]], parent: QWidget) -> None:
        super().__init__(parent)
        self.service, self._project, self._selected, self._parent = service, project, selected, parent
        self.job: JobHandle | None = None
        self.undo_import_action = QAction("Undo last import", parent)
        self.undo_import_action.setObjectName("review.undo_import")
        self.undo_import_action.triggered.connect(lambda: self.undo_import())
        self.delete_action = QAction("Delete selected documents…", parent)
        self.delete_action.setObjectName("review.delete_documents")
        self.delete_action.triggered.connect(lambda: self.delete_selected())
        self.update_enabled()

    def add_to_menu(self, menu: QMenu, before: QAction | None = None) -> None:
        for action in (self.undo_import_action, self.delete_action):
            menu.insertAction(before, action) if before is not None else menu.addAction(action)

    def add_to_list(self, view: QWidget) -> None:
        """Offer both actions in the document list's context menu."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(self.delete_action)
        view.addAction(self.undo_import_action)

    def update_enabled(self) -> None:
        """Undo names the import it undoes; nothing is offered while a deletion runs or for a read-only file."""
        project = self._project()
        usable = project is not None and not project.read_only and self.job is None
        record = last_import(project) if usable and project is not None else None
        self.undo_import_action.setEnabled(record is not None)
        self.undo_import_action.setText(f"Undo import of {record.file} ({record.count:,} documents)"
                                        if record is not None else "Undo last import")
        self.delete_action.setEnabled(usable)

    def undo_import(self, confirm: bool = True) -> JobHandle | None:
        """Delete the documents the last import added, after asking."""
        project = self._project()
        record = last_import(project) if project is not None else None
        if project is None or record is None or self.job is not None:
            return None
        if confirm and not widgets.ask_yes_no(
                self._parent, "Undo the last import?",
                f"Delete the {record.describe()}, with anything annotated on them since?", "Delete"):
            return None
        return self._start(project, {"last_import": True})

    def delete_selected(self, confirm: bool = True) -> JobHandle | None:
        """Delete the documents selected in the list, after asking."""
        project, ids = self._project(), self._selected()
        if project is None or self.job is not None:
            return None
        if not ids:
            self.error.emit("Select the documents to delete in the list first.", "")
            return None
        n = f"{len(ids):,} document{'s' if len(ids) != 1 else ''}"
        if confirm and not widgets.ask_yes_no(self._parent, "Delete documents?",
                                              f"Delete {n} and their annotations? This cannot be undone.", "Delete"):
            return None
        return self._start(project, {"doc_ids": ids})

    def _start(self, project: Project, payload: dict[str, object]) -> JobHandle:
        self.job = self.service.submit(JOB_KEY, "delete_documents", {"project": project.ref(), **payload})
        self.job.ended.connect(self._ended)
        self.update_enabled()
        return self.job

    def _ended(self, event: object) -> None:
        self.job = None
        if isinstance(event, JobDone):
            self.removed.emit(str(event.result))
        elif isinstance(event, JobFailed):
            self.error.emit(event.message, event.details)
        self.update_enabled()
