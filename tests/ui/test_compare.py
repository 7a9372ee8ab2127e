"""Compare models…: model A (the tab's) and model B side by side, differences underlined and listed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal


def _compare(qtbot: QtBot, window, tab, spec_b: str):
    dialog = tab.explain.open_compare()
    dialog.picker.set_spec(spec_b)
    with job_signal(qtbot, window.service, f"{tab.tab_id}.compare") as blocker:
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    return dialog, blocker.args[0].result


def test_two_ner_models_differences_marked(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path) -> None:
    from tests.engine.conftest import _build_fixed_ner

    per, loc = _build_fixed_ner(tmp_path / "per", "B-PER"), _build_fixed_ner(tmp_path / "loc", "B-LOC")
    window = make_window("--model", f"ner={per}", "--device", "cpu")
    tab = window.ner
    tab.editor.setPlainText("angela 𝔸 paris")  # 𝔸: a letter outside the BMP (an emoji is never an entity)
    dialog, (a, b) = _compare(qtbot, window, tab, str(loc))
    assert [e.label for e in a.entities] == ["PER"] * 3 and [e.label for e in b.entities] == ["LOC"] * 3
    lines = [dialog.differences.item(i).text() for i in range(dialog.differences.count())]
    assert lines == ["Relabelled: angela PER → LOC", "Relabelled: 𝔸 PER → LOC", "Relabelled: paris PER → LOC"]
    for view in dialog.views:
        spans = view.spans()
        assert [(s.start, s.end) for s in spans] == [(0, 6), (7, 9), (10, 15)]  # UTF-16: 𝔸 counts twice
        assert all(s.fmt.fontUnderline() and s.tooltip.endswith("differs") for s in spans)
    assert dialog.titles[1].text().endswith("· 3 entities") and str(loc) in dialog.titles[1].text()
    assert tab.explain.open_compare() is dialog  # one dialog per tab, model B kept


def test_the_same_model_agrees(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"qa={tiny_models['qa']}", "--device", "cpu")
    tab = window.qa
    context = "Angela Merkel visited Paris."
    tab.context.setPlainText(context)
    tab.question.setEditText("Where?")
    dialog, (a, b) = _compare(qtbot, window, tab, str(tiny_models["qa"]))
    assert a.answers == b.answers
    assert dialog.differences.item(0).text() == "They agree."
    assert dialog.views[0].toPlainText() == context
    assert [s.fmt.fontUnderline() for s in dialog.views[1].spans()] == [False]


def test_sentiment_needs_model_b_and_text(qtbot: QtBot, make_window: WindowFactory,
                                          tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment3']}", "--device", "cpu")
    tab = window.sentiment
    dialog = tab.explain.open_compare()
    dialog.picker.set_spec("")
    dialog.run()
    assert dialog.state.text() in ("Pick model B first.", "Type or open a text first.")
    tab.editor.setPlainText("Good film. Bad end.")
    dialog, (a, b) = _compare(qtbot, window, tab, str(tiny_models["sentiment"]))
    lines = [dialog.differences.item(i).text() for i in range(dialog.differences.count())]
    assert (lines == ["They agree."]) == (a.label == b.label and
                                          [s.label for s in a.sentences] == [s.label for s in b.sentences])
    assert len(dialog.views[0].spans()) == len(a.sentences) == 2
