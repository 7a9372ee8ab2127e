"""Pre-training tab: fill-mask candidates per [MASK], click-to-mask, Corrupt marks, NSP probability, Swap."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from bert_desk.engine.pretrain import KINDS
from bert_desk.ui.pretrain_tab import PretrainTab
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal

NAMES = ["pretrain.input", "pretrain.run", "pretrain.candidates", "pretrain.sentence_a", "pretrain.sentence_b",
         "pretrain.nsp", "pretrain.model", "pretrain.corrupt", "pretrain.swap", "pretrain.cancel",
         "pretrain.error", "pretrain.legend", "pretrain.seed", "pretrain.top_k", "pretrain.words"]


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("pretrain_ui")
    pt = build_tiny_model(root / "pt", "pretrain")
    BertForMaskedLM(BertConfig.from_pretrained(pt)).save_pretrained(root / "mlm")
    BertTokenizerFast.from_pretrained(pt).save_pretrained(root / "mlm")
    return {"pt": pt, "mlm": root / "mlm"}


def open_tab(make_window: WindowFactory, spec: Path) -> tuple[object, PretrainTab]:
    window = make_window("--device", "cpu")
    tab = window.pretrain
    window.tabs.setCurrentWidget(tab)
    tab.picker.set_spec(str(spec))
    return window, tab


def test_tab_placement_and_names(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles.index("Pre-training") == titles.index("Entities") + 1
    for role in NAMES:
        widget = window.findChild(QWidget, role)
        assert widget is not None, role
        assert widget.accessibleName() == role


def test_fill_mask_shows_candidates_for_each_mask(qtbot: QtBot, make_window: WindowFactory,
                                                  checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["pt"])
    tab.input.setText("angela merkel visited [MASK] and [MASK] .")
    tab.top_k.setValue(3)
    with job_signal(qtbot, window.service, "pretrain") as b:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    result = b.args[0].result
    assert len(result.masks) == 2
    assert [len(row) for row in tab.candidates.bars] == [3, 3]
    for mask, row in zip(result.masks, tab.candidates.bars, strict=True):
        assert [bar.value() for bar in row] == [round(c.score * 1000) for c in mask.candidates]
    assert tab.candidates.headline.text().startswith("Best guess: angela merkel visited")
    assert not tab.error_bar.isVisible()
    tab.input.setFocus()
    qtbot.keyClicks(tab.input, " today")  # the user edits the sentence: its old candidates go
    assert tab.candidates.result is None and not tab.candidates.bars
    assert tab.candidates.headline.text().startswith("The sentence changed")


def test_picking_a_candidate_fills_its_mask_and_predicts_the_rest(qtbot: QtBot, make_window: WindowFactory,
                                                                  checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["pt"])
    tab.input.setText("angela merkel visited [MASK] and [MASK] .")

    def run(click: object) -> object:
        with job_signal(qtbot, window.service, "pretrain") as blocker:
            qtbot.mouseClick(click, Qt.MouseButton.LeftButton)
        return blocker.args[0].result

    first = run(tab.run_button)
    pick = first.masks[0].candidates[1]  # the second guess for the first mask
    button = tab.findChild(QPushButton, "pretrain.use.1.2")
    assert button is not None and button.text().startswith(pick.text)
    second = run(button)  # fills mask 1, then predicts the one left
    assert tab.input.text() == f"angela merkel visited {pick.text} and [MASK] ."
    assert second.text == tab.input.text() and len(second.masks) == 1
    last = second.masks[0].candidates[0].text
    qtbot.mouseClick(tab.findChild(QPushButton, "pretrain.use.1.1"), Qt.MouseButton.LeftButton)
    assert tab.input.text() == f"angela merkel visited {pick.text} and {last} ."
    assert tab.candidates.headline.text() == f"Every [MASK] is filled: {tab.input.text()}"
    assert not tab.error_bar.isVisible()


def test_a_word_piece_candidate_joins_the_word_before_it(qtbot: QtBot) -> None:
    from bert_desk.engine.pretrain import FillMaskResult, MaskCandidate, MaskPrediction
    from bert_desk.ui.mask_widgets import CandidatesView

    view = CandidatesView("pretrain")
    qtbot.addWidget(view)
    text = "walk [MASK] now"
    mask = MaskPrediction(5, 11, (MaskCandidate("##ing", "ing", 1, 0.5), MaskCandidate("fast", "fast", 2, 0.3)))
    view.set_result(FillMaskResult(text, (mask,), "walking now"))
    picked: list[tuple[int, int, str]] = []
    view.chosen.connect(lambda start, end, word: picked.append((start, end, word)))
    for row in (1, 2):
        qtbot.mouseClick(view.findChild(QPushButton, f"pretrain.use.1.{row}"), Qt.MouseButton.LeftButton)
    assert picked == [(4, 11, "ing"), (5, 11, "fast")]
    assert [text[:s] + w + text[e:] for s, e, w in picked] == ["walking now", "walk fast now"]


def test_a_candidate_of_an_edited_sentence_is_refused(qtbot: QtBot, make_window: WindowFactory,
                                                      checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["pt"])
    tab.input.setText("the [MASK] won .")
    with job_signal(qtbot, window.service, "pretrain"):
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    tab.input.setText("a [MASK] lost .")
    qtbot.mouseClick(tab.findChild(QPushButton, "pretrain.use.1.1"), Qt.MouseButton.LeftButton)
    assert tab.input.text() == "a [MASK] lost ."
    assert tab.error_bar.isVisible() and "changed since it was run" in tab.error_bar.text()


def test_clicking_words_masks_and_unmasks_them(make_window: WindowFactory) -> None:
    window = make_window(show=False)
    tab = window.pretrain
    tab.input.setText("the team won the game")
    tab.words.linkActivated.emit("2")
    assert tab.input.text() == "the team [MASK] the game"
    tab.words.linkActivated.emit("0")
    assert tab.input.text() == "[MASK] team [MASK] the game"
    assert "<b>" in tab.words.text() or "font-weight:bold" in tab.words.text()
    tab.words.linkActivated.emit("2")  # the second mask brings "won" back
    assert tab.input.text() == "[MASK] team won the game"
    tab.words.linkActivated.emit("0")
    assert tab.input.text() == "the team won the game"


def test_corrupt_marks_tokens_by_kind_reproducibly(qtbot: QtBot, make_window: WindowFactory,
                                                   checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["pt"])
    tab.input.setText(" ".join(["the good film was moving and the bad movie was boring ."] * 3))
    tab.seed.setValue(11)

    def corrupt() -> list:
        with job_signal(qtbot, window.service, "pretrain.corrupt"):
            qtbot.mouseClick(tab.corrupt_button, Qt.MouseButton.LeftButton)
        return tab.corruption.marks()

    marks = corrupt()
    assert marks and {kind for _, _, kind in marks} <= set(KINDS)
    html = tab.corruption.tokens.text()
    assert html.count('title="') == len(marks)
    assert tab.corruption.summary.text().startswith(f"Seed 11: {len(marks)} of ")
    for kind in KINDS:
        assert window.findChild(QWidget, f"pretrain.legend.{kind}") is not None
    assert corrupt() == marks  # same seed, same corruption


def test_nsp_probability_and_swap(qtbot: QtBot, make_window: WindowFactory, checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["pt"])
    tab.sentence_a.setText("the team won the game .")
    tab.sentence_b.setText("it was a great day .")
    with job_signal(qtbot, window.service, "pretrain.nsp") as b:
        qtbot.mouseClick(tab.nsp_button, Qt.MouseButton.LeftButton)
    first = b.args[0].result.is_next
    assert tab.nsp.label.text().startswith(f"P(B follows A) = {first:.1%}")
    assert tab.nsp.bar.value() == round(first * 1000)
    with job_signal(qtbot, window.service, "pretrain.nsp") as b:
        qtbot.mouseClick(tab.swap_button, Qt.MouseButton.LeftButton)
    assert (tab.sentence_a.text(), tab.sentence_b.text()) == ("it was a great day .", "the team won the game .")
    assert b.args[0].result.a == "it was a great day ."
    assert "%" in tab.nsp.label.text()


def test_missing_nsp_head_is_said_plainly(qtbot: QtBot, make_window: WindowFactory,
                                          checkpoints: dict[str, Path]) -> None:
    window, tab = open_tab(make_window, checkpoints["mlm"])
    tab.sentence_a.setText("the team won .")
    tab.sentence_b.setText("it was good .")
    with job_signal(qtbot, window.service, "pretrain.nsp", "failed"):
        qtbot.mouseClick(tab.nsp_button, Qt.MouseButton.LeftButton)
    assert tab.error_bar.isVisible()
    assert "has no trained next-sentence prediction (NSP) head" in tab.error_bar.text()
    assert not tab.cancel_button.isEnabled()
    tab.input.setText("the [MASK] won .")  # the masked-LM head of the same checkpoint still works
    with job_signal(qtbot, window.service, "pretrain"):
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    assert len(tab.candidates.bars) == 1


def test_input_errors_stay_in_the_tab(make_window: WindowFactory, checkpoints: dict[str, Path]) -> None:
    _window, tab = open_tab(make_window, checkpoints["pt"])
    tab.sentence_a.setText("")
    tab.run_nsp()
    assert "two sentences" in tab.error_bar.text()
    tab.input.setText("")
    tab.run()
    assert "[MASK]" in tab.error_bar.text()


def test_word_strip_shows_the_sentence_as_typed_with_words_as_links(qtbot) -> None:
    from bert_desk.ui.mask_widgets import WordStrip

    strip = WordStrip("pretrain.words")
    qtbot.addWidget(strip)
    text = "Paris, <b>🙂 [MASK]</b>!"
    strip.set_text(text)
    assert [text[s:e] for s, e in strip.spans] == ["Paris", "b", "[MASK]", "b"]
    shown = strip.text()
    assert ">Paris</a>, &lt;" in shown and "🙂 " in shown and "</a>&gt;!" in shown and "<b>" not in shown
    with qtbot.waitSignal(strip.word_clicked) as blocker:
        strip.linkActivated.emit("0")
    assert blocker.args == [0, 5]
