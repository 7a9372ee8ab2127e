"""Desktop entry point: argument parsing, logging, exception hooks, QApplication and the main window.

`build_main_window(argv)` returns the ready (not yet shown) window without entering the event loop;
`main(argv)` sets up logging and hooks, shows the window and runs the event loop.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import traceback
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

import bert_desk
from bert_desk import display_check
from bert_desk.engine.device import DEVICES, PRECISIONS
from bert_desk.options import model_option
from bert_desk.paths import log_file, resource
from bert_desk.ui.dialogs import ExceptionDialog
from bert_desk.ui.main_window import MainWindow
from bert_desk.ui.settings import APPLICATION, ORGANIZATION, THEMES, Settings
from bert_desk.ui.theme import apply_theme
from bert_desk.worker import InferenceService

log = logging.getLogger("bert_desk")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the GUI options (unknown options are left for Qt, e.g. `-platform offscreen`)."""
    parser = argparse.ArgumentParser(prog="bert-desk", description="BERT-family models on your desk.")
    parser.add_argument("--model", action="append", type=model_option, default=[], metavar="TASK=SPEC",
                        help="preselect a model for a tab (TASK: sentiment, qa, ner); repeatable")
    parser.add_argument("--device", choices=DEVICES, help="where models run (default: the saved choice, auto)")
    parser.add_argument("--precision", choices=PRECISIONS,
                        help="CPU precision: int8 or fp32 (default: the saved choice, auto)")
    parser.add_argument("--theme", choices=THEMES, help="light or dark (default: the saved choice)")
    parser.add_argument("--settings", metavar="FILE", help="use this INI file for settings instead of the user's")
    ns, rest = parser.parse_known_args(list(argv))
    ns.models = dict(ns.model)
    ns.qt_args = rest
    return ns


def ensure_app(qt_args: Sequence[str] = ()) -> QApplication:
    """The running QApplication, created (with name, version and icon) when there is none."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "bert-desk", *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(bert_desk.__version__)
    icon = resource("icons", "bert_desk.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_main_window(argv: Sequence[str], *, settings: Settings | None = None,
                      service: InferenceService | None = None) -> MainWindow:
    """Parse `argv` (without the program name) and return the ready main window (not shown)."""
    ns = parse_args(argv)
    app = ensure_app(ns.qt_args)
    if settings is None:
        settings = Settings.from_file(ns.settings) if ns.settings else Settings()
    if ns.theme:
        settings.theme = ns.theme
    apply_theme(app, settings.theme)
    return MainWindow(settings, device=ns.device, models=ns.models, service=service, precision=ns.precision)


# --------------------------------------------------------------------------- logging and hooks


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user's data folder (once per process); returns its path."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(getattr(h, "_bert_desk", False) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
        handler._bert_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Route Qt's own messages into Python logging (logger `qt`); a fatal one (Qt aborts next) also goes
    to stderr, so a failed start is never silent."""
    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)
    if mode == QtMsgType.QtFatalMsg:
        print(f"bert-desk: Qt: {message.splitlines()[0] if message else 'fatal error'} (log: {log_file()})",
              file=sys.stderr, flush=True)


class ExceptionReporter(QObject):
    """The app's one boundary for errors nobody foresaw: logs the traceback of an uncaught exception from
    any thread, then (in the GUI thread) shows one line with copyable details in the current tab's error
    bar, or in a dialog while there is no window yet. The app keeps working."""

    report = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__()
        self._parent = parent
        self._dialogs: list[ExceptionDialog] = []
        self.report.connect(self._show)  # queued when emitted from another thread

    def handle(self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None,
               thread: str = "") -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc or exc_type(), tb)
            return
        where = f" in thread {thread}" if thread else ""
        log.critical("Uncaught exception%s", where, exc_info=(exc_type, exc or exc_type(), tb))
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        self.report.emit(f"{exc_type.__name__}: {exc}", details)

    def _show(self, message: str, details: str) -> None:
        current_tab = getattr(self._parent, "current_tab", None)
        bar = getattr(current_tab(), "error_bar", None) if callable(current_tab) else None
        if bar is not None:
            bar.show_error(f"Unexpected error: {message.splitlines()[0] if message else ''} (the details are in the "
                           f"log: Help ▸ About)", details)
            return
        dialog = ExceptionDialog(message, details, self._parent)
        dialog.finished.connect(lambda _r, d=dialog: self._dialogs.remove(d) if d in self._dialogs else None)
        self._dialogs.append(dialog)
        dialog.show()

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(
            args.exc_type, args.exc_value, args.exc_traceback, args.thread.name if args.thread else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    log_path = setup_logging()
    qInstallMessageHandler(qt_message_handler)
    ns = parse_args(args)  # exits with a usage message on bad options, before any window
    if display_check.uses_xcb() and (missing := display_check.missing_libraries()):
        log.error("Cannot open the window: %s", display_check.install_hint(missing))
        print(f"bert-desk: error: {display_check.install_hint(missing)}", file=sys.stderr)
        return 2
    app = ensure_app(ns.qt_args)
    reporter = ExceptionReporter()
    reporter.install()
    log.info("bert_desk %s starting (log: %s)", bert_desk.__version__, log_path)
    window = build_main_window(args)
    reporter._parent = window
    window.show()
    code = app.exec()
    window.shutdown()
    log.info("bert_desk exiting with code %s", code)
    return int(code)
