"""Widgets of the Pre-training tab: clickable words, mask candidates as bars, the corruption view, NSP meter."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine.pretrain import (
    MASK_TEXT,
    CorruptedToken,
    CorruptionResult,
    FillMaskResult,
    MaskCandidate,
    MaskPrediction,
    filled_text,
    match_case,
)
from bert_desk.ui.theme import HIGHLIGHT_TEXT, muted_text
from bert_desk.ui.widgets import markup_label, name, plain_label, tip

#: Kind of corruption -> (colour, legend text).
KIND_STYLE = {
    "masked": ("#8ab4f8", "masked: became [MASK] (80 % of the selected)"),
    "random": ("#f28b82", "random: became another token (10 %)"),
    "unchanged": ("#81c995", "unchanged: kept, but still predicted (10 %)"),
}
WORD = re.compile(MASK_TEXT.pattern + r"|[^\W_]+(?:['’][^\W_]+)*", re.IGNORECASE)


def bar(value: float, color: str, role: str) -> QProgressBar:
    """A slim 0–1 bar in `color`."""
    widget = name(QProgressBar(), role, f"{value:.4f}")
    widget.setRange(0, 1000)
    widget.setValue(round(value * 1000))
    widget.setTextVisible(False)
    widget.setMaximumHeight(14)
    widget.setStyleSheet("QProgressBar { border: 1px solid palette(mid); border-radius: 3px; background: "
                         f"palette(base); }} QProgressBar::chunk {{ background: {color}; }}")
    return widget


class WordStrip(QLabel):
    """The input's words as links; `word_clicked(start, end)` gives the clicked word's character span."""

    word_clicked = Signal(int, int)

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, role, "Click a word to replace it with [MASK]; click a [MASK] to bring the word back")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.linkActivated.connect(self._activated)
        self.spans: list[tuple[int, int]] = []
        self._text = ""
        self.set_text("")

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch re-renders the words: their link colour is baked into the rich text."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.set_text(self._text)

    def set_text(self, text: str) -> None:
        self._text = text
        self.spans = [m.span() for m in WORD.finditer(text)]
        if not self.spans:
            self.setText("<i>Type a sentence above; its words appear here to click.</i>")
            return
        parts, previous = [], 0
        link = self.palette().color(QPalette.ColorRole.Link).name()  # the current theme's
        for i, (start, end) in enumerate(self.spans):
            parts.append(html.escape(text[previous:start]))  # punctuation and spaces, as typed
            is_mask = MASK_TEXT.fullmatch(text[start:end]) is not None
            style = f"color:{link};text-decoration:none" + (";font-weight:bold" if is_mask else "")
            parts.append(f'<a href="{i}" style="{style}">{html.escape(text[start:end])}</a>')
            previous = end
        parts.append(html.escape(text[previous:]))
        self.setText("Click a word to mask it: " + "".join(parts))

    def _activated(self, link: str) -> None:
        if link.isdigit() and int(link) < len(self.spans):
            self.word_clicked.emit(*self.spans[int(link)])


class CandidatesView(QScrollArea):
    """For each [MASK]: its best guesses with probability bars; clicking a guess emits `chosen` with the
    mask's character span in the sentence and the guess's text."""

    chosen = Signal(int, int, str)

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, f"{prefix}.candidates", "Top candidates for each [MASK]")
        self._prefix = prefix
        self.setWidgetResizable(True)
        self.bars: list[list[QProgressBar]] = []
        self.result: FillMaskResult | None = None
        self.clear("Run the model to see candidates for each [MASK].")

    def clear(self, message: str = "") -> None:
        self.result = None
        self.bars = []
        body = QWidget()
        layout = QVBoxLayout(body)
        self.headline = name(plain_label(message), f"{self._prefix}.filled")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        layout.addStretch(1)
        self.setWidget(body)

    def set_result(self, result: FillMaskResult, originals: Mapping[int, str] | None = None) -> None:
        """Show each mask's candidates, cased as they would go in (`match_case`; `originals`: the start of a
        [MASK] -> the word it replaced). One grid for every mask, so their bars line up."""
        originals = dict(originals or {})
        filled = filled_text(result.text, result.masks, originals)
        self.clear(f"Best guess: {filled}" + (f"  ({result.note})" if result.note else ""))
        self.result = result
        body = self.widget()
        layout = body.layout()
        assert isinstance(layout, QVBoxLayout)
        accent = self.palette().highlight().color().name()
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        row = 0
        for number, mask in enumerate(result.masks, start=1):
            hint = " · click a candidate to put it in the sentence" if number == 1 else ""
            title = plain_label(f"[MASK] {number} (characters {mask.start}–{mask.end}){hint}")
            title.setProperty("role", "notice")
            title.setWordWrap(True)  # a long title wraps rather than widening the grid past the panel
            grid.addWidget(title, row, 0, 1, 3)
            row += 1
            row_bars = []
            for rank, cand in enumerate(mask.candidates, start=1):
                text = cand.text if cand.token.startswith("##") else match_case(
                    cand.text, result.text, mask.start, originals.get(mask.start))
                word = name(QPushButton(text if cand.token in (text, cand.text) else f"{text}  ({cand.token})"),
                            f"{self._prefix}.use.{number}.{rank}",
                            f"Put “{text}” in place of [MASK] {number} and predict the rest again")
                word.setFlat(True)
                word.setStyleSheet("text-align: left; padding: 0 4px;")
                word.setCursor(Qt.CursorShape.PointingHandCursor)
                word.clicked.connect(lambda _c=False, m=mask, c=cand, t=text: self._choose(m, c, t))
                fill = bar(cand.score, accent, f"{self._prefix}.candidate.{number}.{rank}")
                fill.setAccessibleName(f"{cand.token} {cand.score:.1%}")
                percent = plain_label(f"{cand.score:.1%}")
                percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100.0%") + 4)
                grid.addWidget(word, row, 0)
                grid.addWidget(fill, row, 1)
                grid.addWidget(percent, row, 2)
                row += 1
                row_bars.append(fill)
            self.bars.append(row_bars)
        holder = QWidget()
        holder.setLayout(grid)
        layout.insertWidget(layout.count() - 1, holder)

    def _choose(self, mask: MaskPrediction, cand: MaskCandidate, text: str) -> None:
        """Emit `chosen` with the candidate as shown (`text`); a word piece ("##ing") takes the spaces before
        its [MASK] too, as `filled` joins it."""
        start = mask.start
        if cand.token.startswith("##") and self.result is not None:
            start = len(self.result.text[:start].rstrip())
        self.chosen.emit(start, mask.end, text)


class CorruptionView(QWidget):
    """A text after the 80/10/10 rule: selected tokens coloured by kind, the original below, a legend."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: CorruptionResult | None = None
        self.tokens = markup_label(role=f"{prefix}.corrupted", tooltip="The text as the model sees it during training")
        self.tokens.setWordWrap(True)
        self.tokens.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tokens.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.summary = name(plain_label(), f"{prefix}.corrupt_summary")
        self.summary.setWordWrap(True)
        self.legend = name(QWidget(), f"{prefix}.legend")
        legend = QHBoxLayout(self.legend)
        legend.setContentsMargins(0, 0, 0, 0)
        for kind, (color, text) in KIND_STYLE.items():
            item = markup_label(role=f"{prefix}.legend.{kind}", tooltip=text)
            item.setText(f'<span style="background:{color};color:{HIGHLIGHT_TEXT.name()}">&nbsp;{kind}&nbsp;</span>')
            legend.addWidget(item)
        legend.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.legend)
        layout.addWidget(self.tokens, 1)
        self.clear()

    def clear(self) -> None:
        self.result = None
        self.tokens.setText("")
        self.summary.setText("Corrupt shows what masked-LM training does to the sentence: 15 % of its tokens "
                             "are selected; of those 80 % become [MASK], 10 % a random token, 10 % stay.")

    def marks(self) -> list[tuple[str, str, str]]:
        """(original, shown, kind) of each selected token of the current result."""
        return [(t.original, t.shown, t.kind) for t in self.result.tokens if t.kind] if self.result else []

    def set_result(self, result: CorruptionResult) -> None:
        self.result = result
        counts = ", ".join(f"{result.count(k)} {k}" for k in KIND_STYLE)
        n = len(result.tokens)
        if result.selected:
            self.summary.setText(f"Seed {result.seed}: {result.selected} of {n} tokens selected ({counts}).")
        else:
            self.summary.setText(f"Seed {result.seed}: none of the {n} tokens was selected this time (each one "
                                 "has a 15 % chance); try another seed.")
        self.tokens.setText(render_corruption(result.tokens, muted_text(self.palette()).name()))

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch re-renders the tokens (the muted colour is baked into the rich text)."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and self.result:
            self.tokens.setText(render_corruption(self.result.tokens, muted_text(self.palette()).name()))


def render_corruption(tokens: Sequence[CorruptedToken], muted: str = "#595959") -> str:
    """Escaped HTML: word pieces joined, selected ones on their kind's colour with the original beneath (in
    `muted`, the theme's secondary text colour)."""
    parts = []
    for token in tokens:
        shown, original, kind = token.shown, token.original, token.kind
        glue = "" if shown.startswith("##") and not kind else " "
        text = html.escape(shown[2:] if shown.startswith("##") and not kind else shown)
        if kind:
            color = KIND_STYLE[kind][0]
            was = "" if kind == "unchanged" else f'<sub style="color:{muted}">&nbsp;{html.escape(original)}</sub>'
            text = (f'<span style="background:{color};color:{HIGHLIGHT_TEXT.name()}" title="{kind}">'
                    f"&nbsp;{text}&nbsp;</span>{was}")
        parts.append(glue + text)
    return '<span style="font-size:13pt">' + "".join(parts).strip() + "</span>"


class NSPMeter(QWidget):
    """Probability that B follows A, as text and a bar."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = name(plain_label("Predict to see how likely B is to follow A."), f"{prefix}.nsp")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.bar = bar(0.0, "#81c995", f"{prefix}.nsp_bar")
        self.value: float | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)

    def set_probability(self, value: float, truncated: bool = False) -> None:
        self.value = value
        verdict = "B follows A" if value >= 0.5 else "B does not follow A"
        self.label.setText(f"P(B follows A) = {value:.1%} — {verdict}" + (" (cut to fit)" if truncated else ""))
        self.bar.setValue(round(value * 1000))
        self.bar.setToolTip(tip(f"{value:.4f}"))

    def clear(self, message: str = "Predict to see how likely B is to follow A.") -> None:
        self.value = None
        self.label.setText(message)
        self.bar.setValue(0)

