"""Question answering tab: the highlighted answer is exactly text[start:end]; answers are clickable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from bert_desk.engine.types import Answer, QAResult
from bert_desk.ui.highlight import Span
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal

CONTEXT = "😀 The team won the game in 2 days. 東京 john smith works at google 😀 in new york city."


def _span_text(edit, span: Span) -> str:
    cursor = QTextCursor(edit.document())
    cursor.setPosition(span.start)
    cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


def test_answer_highlighted_and_answers_clickable(qtbot: QtBot, make_window: WindowFactory,
                                                  tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"qa={tiny_models['qa']}", "--device", "cpu")
    tab = window.qa
    window.tabs.setCurrentWidget(tab)
    tab.context.setPlainText(CONTEXT)
    tab.question.setEditText("who won the game?")
    with job_signal(qtbot, window.service, "qa") as b:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    result: QAResult = b.args[0].result
    assert result.answers and tab.answers.count() == len(result.answers)
    best = result.answers[0]
    assert best.text == CONTEXT[best.start:best.end]
    current = tab.context.spans()[-1]  # the selected answer is drawn last (on top)
    assert _span_text(tab.context, current) == best.text
    assert len(tab.context.spans()) == len(result.answers)
    assert tab.summary.text().startswith(("Best answer", "No answer"))

    if len(result.answers) > 1:
        item = tab.answers.item(1)
        qtbot.mouseClick(tab.answers.viewport(), Qt.MouseButton.LeftButton,
                         pos=tab.answers.visualItemRect(item).center())
        assert _span_text(tab.context, tab.context.spans()[-1]) == result.answers[1].text

    # the question is remembered
    assert tab.question.itemText(0) == "who won the game?"
    assert window.settings.recent_questions()[0] == "who won the game?"


def test_no_answer_is_stated_plainly(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    window.qa.context.setPlainText("Nothing here.")
    window.qa.show_result(QAResult("why?", ()))
    assert window.qa.summary.text().startswith("No answer")
    window.qa.show_result(QAResult("why?", (Answer(0, 7, "Nothing", 0.1),), no_answer=True, no_answer_score=0.8))
    assert window.qa.summary.text().startswith("No answer")
    assert window.qa.answers.count() == 1


def test_editing_context_clears_stale_highlights(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    tab = window.qa
    tab.context.setPlainText("abc 😀 def")
    tab.show_result(QAResult("q", (Answer(6, 9, "def", 0.9),)))
    assert _span_text(tab.context, tab.context.spans()[-1]) == "def"
    tab.context.insertPlainText("x")
    assert tab.context.spans() == []


def test_answers_never_outlive_their_question_context_or_model(qtbot: QtBot, make_window: WindowFactory,
                                                                tiny_models: dict[str, Path], tmp_path: Path) -> None:
    window = make_window("--model", f"qa={tiny_models['qa']}", "--device", "cpu")
    tab = window.qa

    def run(signal: str = "done") -> None:
        with job_signal(qtbot, window.service, "qa", signal):
            qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)

    tab.context.setPlainText(CONTEXT)
    tab.question.setEditText("who won the game?")
    run()
    assert tab.answers.count() and tab.context.spans()
    tab.question.setEditText("who lost the game?")  # another question: the old answers go
    assert tab.answers.count() == 0 and tab.context.spans() == []
    assert tab.summary.text().startswith("The question changed")
    run()
    tab.context.insertPlainText("x")  # an edited context: likewise
    assert tab.answers.count() == 0 and tab.summary.text().startswith("The context changed")

    run()
    missing = str(tmp_path / "no-such-model")
    tab.picker.set_spec(missing)
    run("failed")  # a failed run with another model: no answer looks current, the state says Failed.
    assert tab.answers.count() == 0 and tab.summary.text().startswith("No answers shown: the last run failed")
    assert tab.state.text() == "Failed."
    tab.picker.set_spec(str(tiny_models["qa"]))
    with job_signal(qtbot, window.service, "qa.load"):
        tab.preload(str(tiny_models["qa"]))  # a later success: "Failed." goes
    assert tab.state.text() == ""
    tab.state.setText("Failed.")
    run()
    assert tab.state.text() == "" and tab.answers.count()
