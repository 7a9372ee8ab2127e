"""Review and annotation of projects: a fourth tab "Review" and the project actions of the File menu.

Entry point for the main window (one call, after its tabs and menus exist)::

    from bert_desk.ui.review import attach_review
    self.review = attach_review(self, self.tabs, file_menu, self.service, self.settings,
                                device=self.device)

`attach_review(main_window, tab_widget, file_menu, worker, settings, *, device=None, before=None)
-> ReviewTab` adds the tab (title "Review") to `tab_widget`, inserts New project…, Open project…,
Open Recent project ▸, Close project, Import into project…, Export project…, Undo last import and Delete
selected documents… into `file_menu`
(before the action `before`, default: before the menu's last separator, i.e. above Quit), fills
the entities model picker with the installed spaCy pipelines through `worker` (the window's
`InferenceService`, which also runs pre-annotation), and stops pre-annotation, saves the review
settings and closes the project when `main_window` closes (the window itself shuts the service
down). `settings` is the `bert_desk.ui.settings.Settings` adapter (recent projects live in its
QSettings under `review/recent_projects`; review toggles under `review/*`; the pre-annotation
model per task under `models/review.<task>/last`). `device` returns the device preference
("auto", "cpu", …) used for pre-annotation.

Pre-annotation runs `bert_desk.project.preannotate.preannotate` as the worker's "preannotate"
job (stream "review.preannotate"), so the one inference thread owns every model; the store is
touched on the GUI thread only, apart from that job (the store is thread-safe).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTabWidget, QWidget

from bert_desk.ui.review.actions import ProjectActions
from bert_desk.ui.review.tab import ReviewTab
from bert_desk.ui.settings import RecentProjects, Settings
from bert_desk.worker import InferenceService

__all__ = ["ProjectActions", "RecentProjects", "ReviewTab", "attach_review"]


class _CloseWatcher(QObject):
    """Shuts the review down when the window it watches closes."""

    def __init__(self, tab: ReviewTab, window: QObject) -> None:
        super().__init__(window)
        self._tab = tab
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._tab.shutdown()
        return False


def _last_separator(menu: QMenu) -> QAction | None:
    separators = [a for a in menu.actions() if a.isSeparator()]
    return separators[-1] if separators else None


def attach_review(main_window: QWidget, tab_widget: QTabWidget, file_menu: QMenu | None,
                  worker: InferenceService, settings: Settings | None, *,
                  device: Callable[[], str] | None = None, before: QAction | None = None) -> ReviewTab:
    """Create the Review tab, add it and its File-menu actions; returns the tab."""
    tab = ReviewTab(settings, service=worker,
                    device=device or (lambda: settings.device if settings is not None else "auto"))
    tab_widget.addTab(tab, tab.title)
    if file_menu is not None:
        before = before if before is not None else _last_separator(file_menu)
        tab.project_actions.add_to_menu(file_menu, before)
        tab.removal.add_to_menu(file_menu, before)  # Undo last import, Delete selected documents…
        tab.loop.add_to_menu(file_menu, before)  # Train model version…, Model versions…
        for action in (tab.loop.train_action, tab.loop.versions_action):  # shown over the project they act on
            action.triggered.connect(lambda _=False: tab_widget.setCurrentWidget(tab))
    _CloseWatcher(tab, main_window)
    return tab
