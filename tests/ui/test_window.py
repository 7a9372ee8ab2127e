"""Main window: tab titles, object/accessible names, no-model state, settings, menus, app helpers."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from bert_desk.app import ExceptionReporter, parse_args, qt_message_handler, setup_logging
from bert_desk.paths import log_file
from bert_desk.ui.dialogs import versions
from bert_desk.ui.review.keys import BINDINGS as REVIEW_BINDINGS
from bert_desk.ui.review.keys import HELP as REVIEW_HELP
from bert_desk.ui.settings import Settings
from tests.ui.conftest import WindowFactory

NAMES = [
    "sentiment.input", "sentiment.run", "sentiment.cancel", "sentiment.result", "sentiment.model",
    "sentiment.batch_table", "sentiment.batch_open", "sentiment.batch_cancel", "sentiment.chart",
    "sentiment.error", "qa.context", "qa.question", "qa.run", "qa.cancel", "qa.answers", "qa.model",
    "qa.error", "ner.input", "ner.run", "ner.cancel", "ner.view", "ner.table", "ner.model", "ner.legend",
    "ner.min_score", "ner.error", "status.device",
]


def test_tabs_and_names(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Sentiment", "Question answering", "Entities", "Pre-training", "Review"]
    for role in NAMES:
        widget = window.findChild(QWidget, role)
        assert widget is not None, role
        assert widget.accessibleName() == role
    for widget in window.findChildren(QWidget):
        name = widget.objectName()
        if name.split(".")[0] in ("sentiment", "qa", "ner"):
            assert widget.accessibleName() == name


def test_no_model_tab_says_so_and_does_not_crash(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(show=False)
    for tab in window.task_tabs():
        if tab.picker.spec():  # a bundled model is present: nothing to check for this tab
            continue
        assert "No model" in tab.picker.status.text()
        tab.run()
        assert not tab.error_bar.isHidden() and "No model selected" in tab.error_bar.text()


def test_settings_persist(qtbot: QtBot, make_window: WindowFactory, settings_file: Path,
                          tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"qa={tiny_models['qa']}", show=False)
    window.sentiment.editor.setPlainText("remember me 😀")
    window.ner.editor.setPlainText("Angela Merkel")
    window.qa.context.setPlainText("the context")
    window.qa.question.setEditText("what?")
    window.qa.remember_question("what?")
    window.ner.picker.set_spec("spacy:some_pipeline")
    window.ner.picker._emit()  # as if chosen by the user: remembered as the last model
    window.set_device("cpu")
    window.set_theme("dark")
    window.tabs.setCurrentIndex(2)
    window.close()

    settings = Settings.from_file(str(settings_file))
    assert settings.device == "cpu" and settings.theme == "dark"
    assert settings.last_model("ner") == "spacy:some_pipeline"
    again = make_window(show=False)
    assert again.sentiment.editor.toPlainText() == "remember me 😀"
    assert again.ner.editor.toPlainText() == "Angela Merkel"
    assert again.qa.context.toPlainText() == "the context"
    assert again.qa.question_text() == "what?"
    assert again.qa.question.itemText(0) == "what?"
    assert again.ner.picker.spec() == "spacy:some_pipeline"
    assert again.device() == "cpu" and again.device_actions["cpu"].isChecked()
    assert again.theme_actions["dark"].isChecked()
    assert again.tabs.currentIndex() == 2
    again.set_theme("light")


def test_about_lists_versions(make_window: WindowFactory) -> None:
    found = versions()
    assert {"bert_desk", "torch", "transformers", "spaCy", "Qt"} <= set(found)
    window = make_window(show=False)
    dialog = window.show_about()
    assert dialog.isVisible() and not dialog.isModal()
    log = dialog.findChild(QLabel, "about.log_file")
    assert log is not None and log.text() == str(log_file())  # where setup_logging writes
    assert dialog.findChild(QPushButton, "about.open_logs") is not None
    dialog.close()


def test_help_lists_the_keyboard_shortcuts(qtbot: QtBot, make_window: WindowFactory) -> None:
    """F1 opens the list; its Review rows are the bindings the review's hint line is made from."""
    window = make_window()
    window.activateWindow()
    qtbot.keyClick(window.sentiment.editor, Qt.Key.Key_F1)
    dialog = window.findChild(QDialog, "shortcuts")
    assert dialog is not None and dialog.isVisible()
    shown = dialog.bindings()
    assert ("Esc", "cancel the running job") in shown and ("Ctrl+Return", "run") in shown
    assert all(binding in shown for binding in REVIEW_BINDINGS)
    assert all(f"{keys} {what}" in REVIEW_HELP for keys, what in REVIEW_BINDINGS[:-1])
    dialog.close()


def test_parse_args() -> None:
    ns = parse_args(["--model", "ner=spacy:x", "--model", "qa=some/id", "--device", "cpu"])
    assert ns.models == {"ner": "spacy:x", "qa": "some/id"} and ns.device == "cpu"
    with pytest.raises(SystemExit):
        parse_args(["--model", "translate=x"])
    with pytest.raises(SystemExit):
        parse_args(["--device", "tpu"])


def test_logging_and_exception_hooks(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    path = setup_logging()
    assert path.parent.is_dir()
    reporter = ExceptionReporter()
    with caplog.at_level(logging.WARNING):
        try:
            raise ValueError("kaput")
        except ValueError as exc:
            reporter.handle(type(exc), exc, exc.__traceback__)
        thread = threading.Thread(target=lambda: reporter.handle(RuntimeError, RuntimeError("bg"), None, "bg"))
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(reporter._dialogs) == 2)
        qt_message_handler(_QtWarning(), _Context(), "a Qt warning")
    assert "Uncaught exception" in caplog.text and "a Qt warning" in caplog.text
    assert "ValueError: kaput" in reporter._dialogs[0].details.toPlainText()
    for dialog in list(reporter._dialogs):
        dialog.close()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_bert_desk", False)]:
        root.removeHandler(handler)
        handler.close()
    assert QApplication.instance() is not None


def _QtWarning():
    from PySide6.QtCore import QtMsgType

    return QtMsgType.QtWarningMsg


class _Context:
    file = ""
    line = 0


def test_an_unexpected_error_shows_in_the_current_tabs_error_bar(qtbot: QtBot, make_window) -> None:
    window = make_window()
    reporter = ExceptionReporter()
    reporter._parent = window
    try:
        raise KeyError("<b>boom</b>")
    except KeyError as exc:
        reporter.handle(type(exc), exc, exc.__traceback__)
    bar = window.current_tab().error_bar
    qtbot.waitUntil(bar.isVisible)
    assert bar.text().startswith("Unexpected error: KeyError: '<b>boom</b>'") and "log" in bar.text()
    assert "Traceback" in bar.details.toPlainText() and not reporter._dialogs
    window.tabs.setCurrentIndex(1)  # the app goes on working
    assert window.current_tab() is not None


def test_a_long_error_never_widens_the_window(qtbot: QtBot, make_window) -> None:
    window = make_window()
    window.resize(1024, 700)
    window.show()
    before = window.minimumSizeHint().width()
    long = "Could not locate the model at /" + "very-long-folder-name" * 60 + " while offline " + "x" * 500
    tab = window.current_tab()
    qtbot.waitUntil(lambda: "load" in tab.jobs and not tab.running("load"), timeout=60_000)  # the start-up load
    tab.picker.show_failed(long)
    tab.error_bar.show_error(long, "details")
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= max(before, 1024)
    assert window.width() <= 1024
    assert tab.picker.status.text() == f"Not loaded: {long}"  # all of it is there, wrapped, not cut mid-word


def test_a_project_error_from_another_tab_shows_in_the_review_tab(qtbot: QtBot, make_window, tmp_path) -> None:
    window = make_window()
    window.tabs.setCurrentWidget(window.sentiment)
    notes = tmp_path / "notes.bdesk"
    notes.write_text("just some text", encoding="utf-8")
    assert not window.review.project_actions.open_project(notes)
    assert window.tabs.currentWidget() is window.review
    assert "not a bert_desk project" in window.review.error_bar.text()
    assert "damaged" not in window.review.error_bar.text()


def test_the_shown_tab_loads_its_model_once_the_window_is_up(qtbot: QtBot, make_window, tiny_models) -> None:
    """Start-up loads the visible tab's picked model in the background, so the first Run only runs it."""
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}")
    tab = window.sentiment
    qtbot.waitUntil(lambda: "load" in tab.jobs and not tab.running("load"), timeout=60_000)
    assert tab.picker.status.text().startswith(tiny_models["sentiment"].name)  # "name · transformers · cpu …"
    assert "load" not in window.qa.jobs  # hidden tabs wait until they are used
