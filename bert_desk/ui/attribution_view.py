"""Token attributions on screen: the text shaded token by token (diverging colours, the number on hover), a
legend with the scale, and the top tokens ranked (click one to find it in the text).

Spans are the engine's Python indices, converted to Qt's UTF-16 positions with `OffsetMap`; the texts are
shown as plain text in read-only views (a snapshot of what was explained).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from bert_desk.engine.colors import attribution_hex
from bert_desk.engine.explain import Explanation, TokenScore
from bert_desk.engine.offsets import OffsetMap
from bert_desk.ui.highlight import Span, TextEdit, select_range, span_format
from bert_desk.ui.theme import HIGHLIGHT_TEXT
from bert_desk.ui.widgets import name, never_widen, plain_label, split, tip

TOP = 15
TOKEN_ROLE = Qt.ItemDataRole.UserRole


def describe(exp: Explanation) -> str:
    """The headline: what was explained, how, and the output it explains."""
    how = f"integrated gradients ({exp.steps} steps)" if exp.method == "ig" else "gradient × input"
    what = exp.target
    if exp.task == "qa":
        what = f"the answer “{' '.join(exp.target.split())}”"
    elif exp.task == "ner" and exp.span is not None:
        what = f"{exp.target} for “{' '.join(exp.texts['text'][exp.span[0]:exp.span[1]].split())}”"
    base = f", baseline {exp.baseline:.3g}" if exp.baseline is not None else ""
    windows = f", {exp.windows} windows" if exp.windows > 1 else ""
    output = "span score (start + end logits)" if exp.task == "qa" else "log-odds"
    return f"Why {what}? Attributions by {how} to its {output} ({exp.output:.3g}{base}{windows})."


def token_tooltip(token: TokenScore) -> str:
    return f"{token.text}\nattribution {token.attribution:+.4g}"


class ScaleBar(QWidget):
    """The legend: blue (against) → pale (0) → red (for), numbered −scale, 0, +scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = 1.0
        self.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.setToolTip(tip(f"Token shading: −{scale:.3g} (against) … 0 … +{scale:.3g} (for)"))
        self.update()

    def labels(self) -> tuple[str, str, str]:
        return f"−{self.scale:.3g} against", "0", f"for +{self.scale:.3g}"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        bar = QRectF(0, 0, self.width(), metrics.height())
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for k in range(-4, 5):
            gradient.setColorAt((k + 4) / 8, QColor(attribution_hex(self.scale * k / 4, self.scale)))
        painter.fillRect(bar, gradient)
        painter.setPen(self.palette().windowText().color())
        text_box = QRectF(0, bar.height() + 2, self.width(), metrics.height() + 4)
        left, middle, right = self.labels()
        painter.drawText(text_box, Qt.AlignmentFlag.AlignLeft, left)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignHCenter, middle)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignRight, right)
        painter.end()


class AttributionView(QWidget):
    """One explanation: headline, scale, the question (QA) and the text shaded, and the top tokens."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation: Explanation | None = None
        self.headline = name(never_widen(plain_label()), f"{prefix}.explain.headline")
        self.scale = name(ScaleBar(), f"{prefix}.explain.scale")
        self.views: dict[str, TextEdit] = {}
        for source, height in (("question", 60), ("text", 0)):
            view = name(TextEdit(), f"{prefix}.explain.{source}")
            view.setReadOnly(True)
            if height:
                view.setMaximumHeight(height)
                view.hide()
            self.views[source] = view
        self.top = name(QListWidget(), f"{prefix}.explain.top", "The tokens that weigh most; click one to find it")
        self.top.itemClicked.connect(self._token_clicked)
        self.top.currentItemChanged.connect(lambda item, _previous: self._token_clicked(item))
        texts = QWidget()
        texts_layout = QVBoxLayout(texts)
        texts_layout.setContentsMargins(0, 0, 0, 0)
        texts_layout.addWidget(self.views["question"])
        texts_layout.addWidget(self.views["text"], 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(plain_label("Top tokens:"))
        side_layout.addWidget(self.top, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.scale)
        layout.addWidget(split(texts, side, (3, 1)), 1)

    def view_of(self, source: str) -> TextEdit:
        """The view showing a token source ("question"; "text" and "context" share the main one)."""
        return self.views["question" if source == "question" else "text"]

    def show_explanation(self, exp: Explanation) -> None:
        """Shade every token of `exp` on its scale and rank the top ones."""
        self.explanation = exp
        self.headline.setText(describe(exp))
        self.scale.set_scale(exp.scale)
        self.views["question"].setVisible("question" in exp.texts)
        for source, text in exp.texts.items():
            view = self.view_of(source)
            view.setPlainText(text)
            offsets = OffsetMap(text)
            view.set_spans([Span(*offsets.span_to_qt(t.start, t.end),
                                 span_format(attribution_hex(t.attribution, exp.scale)), token_tooltip(t))
                            for t in exp.tokens if t.source == source])
        self.top.blockSignals(True)
        self.top.clear()
        for rank, token in enumerate(exp.top(TOP), start=1):
            where = f"  ({token.source})" if exp.task == "qa" else ""
            item = QListWidgetItem(f"{rank}. {' '.join(token.text.split())}   {token.attribution:+.3g}{where}")
            item.setData(TOKEN_ROLE, token)
            item.setToolTip(tip(token_tooltip(token)))
            item.setBackground(QColor(attribution_hex(token.attribution, exp.scale)))
            item.setForeground(HIGHLIGHT_TEXT)
            self.top.addItem(item)
        self.top.blockSignals(False)

    def clear(self, message: str = "") -> None:
        self.explanation = None
        self.headline.setText(message)
        self.top.clear()
        for view in self.views.values():
            view.clear_spans()
            view.clear()

    def _token_clicked(self, item: QListWidgetItem | None) -> None:
        token = item.data(TOKEN_ROLE) if item is not None else None
        if not isinstance(token, TokenScore) or self.explanation is None:
            return
        view = self.view_of(token.source)
        select_range(view, *OffsetMap(view.toPlainText()).span_to_qt(token.start, token.end))
