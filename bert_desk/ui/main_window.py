"""Main window: wiring only (tabs, menus, status bar, settings, the inference service)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QTabWidget, QWidget

from bert_desk.engine.device import DEVICES, PRECISIONS
from bert_desk.engine.device import set_precision as set_engine_precision
from bert_desk.engine.types import DeviceInfo
from bert_desk.ui.dialogs import AboutDialog, ShortcutsDialog
from bert_desk.ui.ner_tab import NERTab
from bert_desk.ui.pretrain_tab import PretrainTab
from bert_desk.ui.qa_tab import QATab
from bert_desk.ui.review import ReviewTab, attach_review
from bert_desk.ui.review.keys import BINDINGS as REVIEW_BINDINGS
from bert_desk.ui.sentiment_tab import SentimentTab
from bert_desk.ui.settings import THEMES, Settings
from bert_desk.ui.task_tab import AppContext, TaskTab
from bert_desk.ui.theme import apply_theme
from bert_desk.ui.widgets import name, plain_label, tip
from bert_desk.worker import InferenceService, JobDone, JobFailed

log = logging.getLogger(__name__)
CHOICE_TITLES = {"auto": "Automatic (CUDA > MPS > CPU)", "cpu": "CPU", "cuda": "CUDA", "mps": "Apple MPS",
                 "light": "Light", "dark": "Dark"}
PRECISION_TITLES = {"auto": "CPU precision: automatic (int8 where the model's card allows it)",
                    "fp32": "CPU precision: fp32 (full)", "int8": "CPU precision: int8 (faster)"}
EDIT_ACTIONS = (("&Undo", "undo", QKeySequence.StandardKey.Undo), ("&Redo", "redo", QKeySequence.StandardKey.Redo),
                ("Cu&t", "cut", QKeySequence.StandardKey.Cut), ("&Copy", "copy", QKeySequence.StandardKey.Copy),
                ("&Paste", "paste", QKeySequence.StandardKey.Paste),
                ("Select &All", "selectAll", QKeySequence.StandardKey.SelectAll))


class MainWindow(QMainWindow):
    """The application window; `models` preselects specs per tab, `device` overrides the setting."""

    def __init__(self, settings: Settings, *, device: str | None = None, models: Mapping[str, str] | None = None,
                 service: InferenceService | None = None, precision: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("bert_desk")
        name(self, "main_window")
        self.settings = settings
        self._device = device or settings.device
        self._precision = precision or settings.precision
        self.service = service or InferenceService(parent=self)
        ctx = AppContext(self.service, settings, lambda: self._device)
        self.device_label = name(plain_label("Device: …"), "status.device")
        set_engine_precision(self._precision)  # before any model loads (a preload of --model included)

        self.tabs = name(QTabWidget(), "tabs")
        self.sentiment = SentimentTab(ctx)
        self.qa = QATab(ctx)
        self.ner = NERTab(ctx)
        self.pretrain = PretrainTab(ctx)
        for tab in self.task_tabs():
            self.tabs.addTab(tab, tab.title)
            spec = (models or {}).get(tab.tab_id)
            if spec:
                tab.picker.set_spec(spec)
        self.setCentralWidget(self.tabs)

        self.statusBar().addPermanentWidget(self.device_label)
        self._build_menus()
        self.review = attach_review(self, self.tabs, self.file_menu, self.service, settings,
                                    device=lambda: self._device)
        # A project opened, imported or refused from the File menu shows where the user can see it.
        for signal in (self.review.project_actions.opened, self.review.project_actions.error,
                       self.review.project_actions.imported):
            signal.connect(self._show_review)
        self.tabs.setCurrentIndex(min(max(0, settings.current_tab()), self.tabs.count() - 1))
        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 760)
        self._closed = False
        # The worker's start-up jobs import torch and transformers: started from the event loop, they do
        # not compete with building the window for the interpreter (the window shows in half the time).
        self._started = False
        QTimer.singleShot(0, self._start_up_when_shown)

    def _start_up_when_shown(self) -> None:
        """Start the worker's start-up jobs once the window is on screen (now, when it is not shown)."""
        handle = self.windowHandle()
        if self.isVisible() and handle is not None and not handle.isExposed():
            handle.installEventFilter(self)  # eventFilter starts them at the first Expose
            QTimer.singleShot(1000, self._start_up_jobs)  # for a platform that never exposes it
            return
        self._start_up_jobs()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and watched is self.windowHandle():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start_up_jobs)
        return super().eventFilter(watched, event)

    def _start_up_jobs(self) -> None:
        if self._closed or self._started:
            return
        self._started = True
        if self.service.current_job("app.device") is None:  # not asked already (a menu choice)
            self.refresh_device()
        # Installed spaCy pipelines (from the packages' entry points) for every picker that offers NER models.
        spacy_job = self.service.submit("app.spacy", "spacy_models")
        spacy_job.done.connect(self._on_spacy_models)
        shown = self.current_tab()
        if isinstance(shown, ReviewTab) or not shown.load_picked():  # the first Run then only runs its model
            self.service.submit("app.warm_up", "warm_up")  # ... or only loads it

    def _show_review(self, *_args: object) -> None:
        self.tabs.setCurrentWidget(self.review)

    def _on_spacy_models(self, event: JobDone) -> None:
        specs = [f"spacy:{package}" for package in event.result]
        for picker in (self.ner.picker, self.review.preannotate_panel.pickers["ner"]):
            picker.add_specs(specs)

    def task_tabs(self) -> list[TaskTab]:
        return [self.sentiment, self.qa, self.ner, self.pretrain]

    def current_tab(self) -> TaskTab | ReviewTab:
        """The visible tab; task tabs and the Review tab all answer open_file/run/cancel."""
        current = self.tabs.currentWidget()
        return current if isinstance(current, ReviewTab) else self.task_tabs()[max(0, self.tabs.currentIndex())]

    def device(self) -> str:
        return self._device

    # -- menus ------------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, slot: object,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                object_name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if object_name:
            action.setObjectName(object_name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open…", lambda: self.current_tab().open_file(), QKeySequence.StandardKey.Open,
                     "action.open")
        self._action(file_menu, "Open &batch file…", self._open_batch, "Ctrl+Shift+O", "action.open_batch")
        export = file_menu.addMenu("&Export batch results")
        self._action(export, "As &CSV…", lambda: self.sentiment.batch.choose_export("csv"), None, "action.export_csv")
        self._action(export, "As &JSONL…", lambda: self.sentiment.batch.choose_export("jsonl"), None,
                     "action.export_jsonl")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "action.quit")

        edit_menu = bar.addMenu("&Edit")
        for text, method, key in EDIT_ACTIONS:
            self._action(edit_menu, text, lambda _=False, m=method: self._edit(m), key, f"action.{method}")
        edit_menu.addSeparator()
        self._action(edit_menu, "&Run", lambda: self.current_tab().run(), None, "action.run")
        self._action(edit_menu, "&Cancel", lambda: self.current_tab().cancel(), None, "action.cancel")

        view_menu = bar.addMenu("&View")
        self.theme_actions = self._choice_menu(view_menu.addMenu("&Theme"), THEMES, self.settings.theme,
                                               self.set_theme, "theme")
        device_menu = view_menu.addMenu("&Device")
        self.device_actions = self._choice_menu(device_menu, DEVICES, self._device, self.set_device, "device")
        device_menu.addSeparator()
        self.precision_actions = self._choice_menu(device_menu, PRECISIONS, self._precision, self.set_precision,
                                                   "precision", PRECISION_TITLES)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents,
                     "action.shortcuts")
        self._action(help_menu, "&About bert_desk", self.show_about, None, "action.about")

    def _choice_menu(self, menu: QMenu, choices: tuple[str, ...], current: str, slot: object,
                     prefix: str, titles: Mapping[str, str] = CHOICE_TITLES) -> dict[str, QAction]:
        group = QActionGroup(self)
        actions = {}
        for choice in choices:
            action = QAction(titles.get(choice, choice.capitalize()), self)
            action.setObjectName(f"action.{prefix}.{choice}")
            action.setCheckable(True)
            action.setChecked(choice == current)
            action.triggered.connect(lambda _=False, c=choice: slot(c))  # type: ignore[operator]
            group.addAction(action)
            menu.addAction(action)
            actions[choice] = action
        return actions

    def _edit(self, method: str) -> None:
        widget = QApplication.focusWidget()
        target = getattr(widget, "lineEdit", lambda: None)() or widget
        func = getattr(target, method, None)
        if callable(func):
            func()

    def _open_batch(self) -> None:
        self.tabs.setCurrentWidget(self.sentiment)
        self.sentiment.pages.setCurrentWidget(self.sentiment.batch)
        self.sentiment.batch.choose_file()

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help ▸ Keyboard shortcuts (F1): every tab's keys and the Review tab's, from the bindings themselves."""
        def native(key: QKeySequence.StandardKey | str) -> str:
            return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)

        sections = {
            "Anywhere": (
                (native(QKeySequence.StandardKey.Open), "open a text file into the current tab"),
                (native("Ctrl+Shift+O"), "open a batch file (Sentiment)"),
                (native(QKeySequence.StandardKey.HelpContents), "this list"),
                (native(QKeySequence.StandardKey.Quit), "quit"),
            ),
            "Sentiment, Question answering, Entities, Pre-training": (
                (native("Ctrl+Return"), "run"), ("Esc", "cancel the running job"),
                ("Enter", "Pre-training: in the sentence, fill the masks; in A or B, predict the next sentence"),
            ),
            "Review": REVIEW_BINDINGS,
        }
        dialog = ShortcutsDialog(sections, self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    # -- theme and device -------------------------------------------------------------------
    def set_theme(self, theme: str) -> None:
        self.settings.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def set_device(self, device: str) -> None:
        self._device = device
        self.settings.device = device
        self.refresh_device()

    def set_precision(self, precision: str) -> None:
        """CPU precision for the models loaded from now on (a loaded model reloads at its next run)."""
        self._precision = precision
        self.settings.precision = precision
        set_engine_precision(precision)
        self.refresh_device()

    def refresh_device(self) -> None:
        """Resolve the device in the worker (it imports torch); show it and the precision in the status bar."""
        self.device_label.setText(f"Device: {self._device} …")
        job = self.service.submit("app.device", "device", device=self._device)
        job.done.connect(self._on_device)
        job.failed.connect(self._on_device)

    def _on_device(self, event: JobDone | JobFailed) -> None:
        if isinstance(event, JobDone) and isinstance(event.result, DeviceInfo):
            cpu = event.result.kind == "cpu"
            precision = f" · {self._precision}" if cpu and self._precision != "auto" else ""
            self.device_label.setText(f"Device: {event.result.description}{precision}")
            self.device_label.setToolTip(tip(
                f"Models run on {event.result.kind}" + (" (fp16)" if event.result.fp16 else "")
                + (f"; CPU precision {PRECISION_TITLES[self._precision].split(': ', 1)[1]}" if cpu else "")))
        elif isinstance(event, JobFailed):
            self.device_label.setText(f"Device: {self._device} — unavailable")
            self.device_label.setToolTip(tip(event.message))
            self.statusBar().showMessage(event.message, 10000)

    # -- closing ----------------------------------------------------------------------------
    def save_settings(self) -> None:
        for tab in self.task_tabs():
            tab.save_state()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_current_tab(self.tabs.currentIndex())
        self.settings.sync()

    def shutdown(self) -> None:
        """Save settings and stop the inference thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.save_settings()
        finally:
            self.service.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def find(window: QWidget, object_name: str) -> QWidget | None:
    """The child widget with `object_name` (handy for tests and scripts)."""
    return window.findChild(QWidget, object_name)
