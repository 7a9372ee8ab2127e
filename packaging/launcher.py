"""Entry script of the frozen app (PyInstaller analyses this file, not `bert_desk/__main__.py`,
so the package is imported as a package and `multiprocessing` works in the frozen executable).

Once the window runs, bert_desk.app's exception hook shows errors in a dialog and logs them. An
error that escapes `main()` before that (a module missing from a bundle, a broken install, an error
while building the window) would otherwise end a menu-started app without a word: it is written
to `<user data>/logs/crash.log` and, for a desktop start, shown in a message box whose details can
be copied.
"""

from __future__ import annotations

import os
import sys
import traceback


def is_gui_start(args: list[str]) -> bool:
    """Whether `bert-desk ARGS` opens the window (bert_desk.__main__.is_gui_start)."""
    try:
        from bert_desk.__main__ import is_gui_start as gui_start
    except Exception:  # the package itself failed to import: assume a desktop start
        return True
    return gui_start(args)


def write_crash_log(details: str) -> str | None:
    """Append `details` to <user data>/logs/crash.log; its path, or None when it cannot be written."""
    try:
        import time

        from bert_desk import __version__
        from bert_desk.paths import user_data_dir

        folder = user_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} bert-desk {__version__} "
                         f"(frozen: {getattr(sys, 'frozen', False)})\n{details}\n")
        return str(path)
    except Exception:
        return None


def show_crash_dialog(summary: str, details: str, log_path: str | None) -> bool:
    """A modal message box with copyable details; False when no screen can show one."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal"):
        return False  # tests/CI: nobody could close it
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "bert-desk"])
        box = QMessageBox(QMessageBox.Icon.Critical, "bert_desk", "bert_desk stopped because of an unexpected error.")
        where = f"The details are saved in {log_path}." if log_path else "The details could not be saved."
        box.setInformativeText(f"{summary}\n\n{where} Please include them when you report the problem.")
        box.setDetailedText(details)  # "Show Details…": selectable, copyable text
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
        del app
        return True
    except Exception:
        return False


def report_crash(exc: BaseException, args: list[str]) -> None:
    """Log an exception that escaped main() and, for a desktop start, show it."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    import logging

    if any(getattr(h, "_bert_desk", False) for h in logging.getLogger().handlers):
        # bert_desk.app set up its log file already: record the error there too.
        logging.getLogger("bert_desk").critical("Uncaught exception at start-up", exc_info=exc)
    log_path = write_crash_log(details)
    if sys.stderr is not None:
        sys.stderr.write(details)
        if log_path:
            sys.stderr.write(f"(saved in {log_path})\n")
    if is_gui_start(args):
        show_crash_dialog(f"{type(exc).__name__}: {exc}", details, log_path)


def run() -> int:
    args = sys.argv[1:]
    try:
        from bert_desk.__main__ import main

        return main(args)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        report_crash(exc, args)
        return 1


if __name__ == "__main__":
    # A frozen executable re-runs itself for multiprocessing children (worker, resource tracker,
    # fork server); those divert here. Only they import multiprocessing at start-up.
    if "--multiprocessing-fork" in sys.argv or "-c" in sys.argv:
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(run())
