"""Pre-training tab: what a pre-trained BERT learnt (fill-mask, next sentence) and how it was taught.

Streams (job keys): `pretrain` fill-mask (Run), `pretrain.nsp` next-sentence (Predict, Swap) and
`pretrain.corrupt` the 80/10/10 rule (Corrupt); Cancel stops all three. The checkpoint must carry the
head a job needs (BertForPreTraining has both, BertForMaskedLM only the masked-LM one); the loader's
message says which head is missing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine.pretrain import MASK_TEXT, CorruptionResult, FillMaskResult, NSPResult
from bert_desk.ui.mask_widgets import CandidatesView, CorruptionView, NSPMeter, WordStrip
from bert_desk.ui.task_tab import FAILED, AppContext, TaskTab
from bert_desk.ui.widgets import name, plain_label, split
from bert_desk.worker import JobCancelled, JobDone, JobFailed

MASK = "[MASK]"
SIDE_STREAMS = ("nsp", "corrupt")


class PretrainTab(TaskTab):
    tab_id = "pretrain"
    task = "pretrain"  # for the picker's Bundled entry (resources/models/pretrain)
    preload_task = "fill-mask"  # a picked checkpoint loads with its masked-LM head (a missing head shows at once)
    title = "Pre-training"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        t = self.tab_id
        self.input = name(QLineEdit(), f"{t}.input", "A sentence with one or more [MASK] tokens")
        self.input.setPlaceholderText("e.g. The capital of France is [MASK].")
        self.input.returnPressed.connect(self.run)
        self.words = WordStrip(f"{t}.words")
        self.words.word_clicked.connect(self.toggle_mask)
        self.input.textChanged.connect(self.words.set_text)
        self.input.textEdited.connect(lambda _text: self._restore.clear())  # typing forgets masked words
        self.input.textEdited.connect(self._edited)
        self.input.setText(ctx.settings.last_input(f"{t}.input"))
        self._restore: dict[int, str] = {}  # start of a [MASK] we put in -> the word it replaced
        self.top_k = name(QSpinBox(), f"{t}.top_k", "Candidates shown per [MASK]")
        self.top_k.setRange(1, 20)
        self.top_k.setValue(5)
        self.top_k.setPrefix("top ")
        self.candidates = CandidatesView(t)
        self.candidates.chosen.connect(self.use_candidate)
        self.corruption = CorruptionView(t)
        self.input.textChanged.connect(lambda _text: self.corruption.clear())  # it showed another sentence
        self.seed = name(QSpinBox(), f"{t}.seed", "Random seed: the same seed always corrupts the same way")
        self.seed.setRange(0, 99_999)
        self.seed.setPrefix("seed ")
        self.corrupt_button = name(QPushButton("Corrupt"), f"{t}.corrupt",
                                   "Show what the 80/10/10 masking rule does to this sentence during training")
        self.corrupt_button.clicked.connect(self.run_corrupt)

        self.sentence_a = name(QLineEdit(), f"{t}.sentence_a", "Sentence A")
        self.sentence_a.setPlaceholderText("e.g. The storm knocked out power across the city.")
        self.sentence_a.setText(ctx.settings.last_input(f"{t}.sentence_a"))
        self.sentence_b = name(QLineEdit(), f"{t}.sentence_b", "Sentence B: does it follow A?")
        self.sentence_b.setPlaceholderText("e.g. Crews worked through the night to restore it.")
        self.sentence_b.setText(ctx.settings.last_input(f"{t}.sentence_b"))
        for line in (self.sentence_a, self.sentence_b):
            line.returnPressed.connect(self.run_nsp)
            line.textEdited.connect(lambda _text: self.nsp.clear())
        self.swap_button = name(QPushButton("⇅ Swap"), f"{t}.swap", "Swap sentences A and B")
        self.swap_button.clicked.connect(self.swap)
        self.nsp_button = name(QPushButton("Predict"), f"{t}.nsp_run", "Probability that B follows A")
        self.nsp_button.clicked.connect(self.run_nsp)
        self.nsp = NSPMeter(t)
        self._build()

    def _build(self) -> None:
        mlm = QGroupBox("Masked language model")
        form = QFormLayout()
        form.addRow("Sentence:", self.input)
        mlm_layout = QVBoxLayout(mlm)
        mlm_layout.addLayout(form)
        mlm_layout.addWidget(self.words)
        mlm_layout.addLayout(self.action_row(self.top_k))
        corrupt_box = QWidget()
        corrupt_layout = QVBoxLayout(corrupt_box)
        corrupt_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(plain_label("Training corruption:"))
        row.addWidget(self.seed)
        row.addWidget(self.corrupt_button)
        row.addStretch(1)
        corrupt_layout.addLayout(row)
        corrupt_layout.addWidget(self.corruption, 1)
        mlm_layout.addWidget(split(self.candidates, corrupt_box), 1)

        nsp = QGroupBox("Next sentence prediction")
        nsp_form = QFormLayout()
        nsp_form.addRow("Sentence A:", self.sentence_a)
        nsp_form.addRow("Sentence B:", self.sentence_b)
        buttons = QHBoxLayout()
        buttons.addWidget(self.swap_button)
        buttons.addWidget(self.nsp_button)
        buttons.addWidget(self.nsp, 1)
        nsp_layout = QVBoxLayout(nsp)
        nsp_layout.addLayout(nsp_form)
        nsp_layout.addLayout(buttons)
        self.layout_.addWidget(mlm, 1)
        self.layout_.addWidget(nsp)

    # -- input ------------------------------------------------------------------------------
    def toggle_mask(self, start: int, end: int) -> None:
        """Replace the word at [start, end) with [MASK], or put back the word a [MASK] replaced."""
        word = self.input.text()[start:end]
        if MASK_TEXT.fullmatch(word):
            replacement = self._restore.pop(start, None)
            if replacement is None:
                return
            self._replace(start, end, replacement)
        else:
            self._replace(start, end, MASK)
            self._restore[start] = word

    def use_candidate(self, start: int, end: int, word: str) -> None:
        """Put a shown candidate in place of its [MASK]; with masks left, predict them again (each guess
        then sees the words chosen so far)."""
        result = self.candidates.result
        if result is None or self.input.text() != result.text:
            self.error_bar.show_error("The sentence changed since it was run: Run it again, then pick a candidate.")
            return
        self._restore = {s: w for s, w in self._restore.items() if not start <= s < end}
        self._replace(start, end, word)
        if MASK_TEXT.search(self.input.text()):
            super().run()
        else:
            self.candidates.clear(f"Every [MASK] is filled: {self.input.text()}")

    def _replace(self, start: int, end: int, replacement: str) -> None:
        """Put `replacement` at [start, end) of the sentence, keeping the remembered masked words aligned."""
        text = self.input.text()
        shift = len(replacement) - (end - start)
        self._restore = {(s + shift if s > start else s): w for s, w in self._restore.items()}
        self.input.setText(text[:start] + replacement + text[end:])

    open_caption = "Open a sentence"

    def set_input_text(self, text: str) -> None:
        """An opened file's first non-blank line goes into the sentence box."""
        self.input.setText(next((line for line in text.splitlines() if line.strip()), ""))

    def save_state(self) -> None:
        for key, line in (("input", self.input), ("sentence_a", self.sentence_a), ("sentence_b", self.sentence_b)):
            self.ctx.settings.set_last_input(f"{self.tab_id}.{key}", line.text())

    # -- running ----------------------------------------------------------------------------
    def run(self) -> None:
        """Run fill-mask, or next-sentence prediction when the focus is in sentence A or B."""
        if QApplication.focusWidget() in (self.sentence_a, self.sentence_b):
            self.run_nsp()
        else:
            super().run()

    def request(self) -> tuple[str, Any] | None:
        text = self.input.text()
        if not text.strip():
            self.error_bar.show_error("Type a sentence with [MASK] where a word should go (or click a word).")
            return None
        return "fill-mask", {"text": text, "top_k": self.top_k.value()}

    def show_result(self, result: FillMaskResult) -> None:
        self.candidates.set_result(result, self._restore)  # the masked words give their case to the guesses

    def run_nsp(self) -> None:
        """Probability that sentence B follows sentence A (stream `pretrain.nsp`)."""
        a, b = self.sentence_a.text(), self.sentence_b.text()
        if not a.strip() or not b.strip():
            self.error_bar.show_error("Next-sentence prediction needs two sentences: fill in A and B.")
            return
        self._submit_side("nsp", "next-sentence", {"a": a, "b": b}, "Predicting the next sentence…")

    def run_corrupt(self) -> None:
        """Apply the 80/10/10 training rule to the sentence with the chosen seed (stream `pretrain.corrupt`)."""
        text = self.input.text()
        if not text.strip():
            self.error_bar.show_error("Type a sentence to corrupt first.")
            return
        self._submit_side("corrupt", "corrupt", {"text": text, "seed": self.seed.value()}, "Corrupting…")

    def swap(self) -> None:
        """Swap A and B; re-predict when a probability was showing."""
        a, b = self.sentence_a.text(), self.sentence_b.text()
        self.sentence_a.setText(b)
        self.sentence_b.setText(a)
        had = self.nsp.value is not None
        self.nsp.clear()
        if had and a.strip() and b.strip():
            self.run_nsp()

    def _submit_side(self, key: str, kind: str, payload: dict[str, Any], message: str) -> None:
        if self.submit(key, kind, payload) is not None:
            self.error_bar.clear()
            self.cancel_button.setEnabled(True)
            self.state.setText(message)

    def cancel(self) -> None:
        if self.cancel_streams("", *SIDE_STREAMS):
            self.state.setText("Cancelling…")

    def busy(self) -> bool:
        return self.running("", *SIDE_STREAMS)

    def set_busy(self, busy: bool, message: str = "") -> None:
        super().set_busy(busy, message)
        if not busy and self.busy():
            self.cancel_button.setEnabled(True)

    def _edited(self, text: str) -> None:
        """Typing makes the candidates of the old sentence stale: they go, with a word saying so."""
        if self.candidates.result is not None and self.candidates.result.text != text:
            self.candidates.clear("The sentence changed: press Run (Ctrl+Enter) for its candidates.")

    def result_outdated(self, why: str) -> None:
        if self.candidates.result is not None:
            self.candidates.clear(f"No candidates: {why}.")

    def on_side_event(self, key: str, event: object) -> None:
        """Results and errors of the NSP and Corrupt streams."""
        if key not in SIDE_STREAMS:
            return
        if isinstance(event, JobDone):
            result = event.result
            if isinstance(result, NSPResult):
                self.nsp.set_probability(result.is_next, result.truncated)
            elif isinstance(result, CorruptionResult):
                self.corruption.set_result(result)
            self.state.setText("")
        elif isinstance(event, JobFailed):
            self.error_bar.show_error(event.message, event.details)
            self.state.setText(FAILED)
        elif isinstance(event, JobCancelled):
            self.state.setText("Cancelled.")
        else:
            return
        self.cancel_button.setEnabled(self.busy())
