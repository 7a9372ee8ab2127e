"""Painted charts (QPainter; QtCharts is not part of PySide6-Essentials).

- `ScoreBars`: the winning label in large type and one confidence bar per label.
- `DistributionChart`: label counts and a histogram of winning scores for a batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QGridLayout, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from bert_desk.ui.theme import label_polarity, polarity_color
from bert_desk.ui.widgets import name, plain_label


def label_colors(labels: Sequence[str]) -> dict[str, QColor]:
    """A colour per sentiment label on the negative → positive scale."""
    return {lab: polarity_color(label_polarity(lab, sorted(labels))) for lab in labels}


class ScoreBars(QWidget):
    """Winning label plus a bar for every label's probability."""

    def __init__(self, prefix: str = "sentiment", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefix = prefix
        self.headline = name(plain_label("Run the model to see its verdict."), f"{prefix}.verdict")
        self.headline.setProperty("role", "headline")
        self.note = name(plain_label(), f"{prefix}.note")
        self.note.setWordWrap(True)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(1, 1)
        hint = plain_label("Sentences are shaded from red (negative) to green (positive); hover one for its scores.")
        hint.setWordWrap(True)  # normal text: a disabled-looking grey was 1.6:1 (light) and 3.6:1 (dark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.note)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        layout.addWidget(hint)
        self.bars: dict[str, QProgressBar] = {}

    def clear(self, message: str = "Run the model to see its verdict.") -> None:
        self.headline.setText(message)
        self.note.clear()
        for i in reversed(range(self._grid.count())):
            item = self._grid.takeAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bars.clear()

    def set_scores(self, label: str, score: float, scores: Mapping[str, float], note: str = "") -> None:
        self.clear(f"{label}  ·  {score:.1%}")
        self.note.setText(note)
        colors = label_colors(list(scores))
        for row, (lab, value) in enumerate(sorted(scores.items(), key=lambda kv: -kv[1])):
            caption = plain_label(lab)
            bar = name(QProgressBar(), f"{self._prefix}.score.{lab}", f"{lab}: {value:.4f}")
            bar.setRange(0, 1000)
            bar.setValue(round(value * 1000))
            bar.setTextVisible(False)
            bar.setStyleSheet(
                "QProgressBar { border: 1px solid palette(mid); border-radius: 3px; background: palette(base); }"
                f" QProgressBar::chunk {{ background: {colors[lab].name()}; }}"
            )
            percent = plain_label(f"{value:.1%}")
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100.0%") + 4)
            self._grid.addWidget(caption, row, 0)
            self._grid.addWidget(bar, row, 1)
            self._grid.addWidget(percent, row, 2)
            self.bars[lab] = bar


class DistributionChart(QWidget):
    """Left: how many texts got each label. Right: histogram of the winning scores (10 bins)."""

    BINS = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: Counter[str] = Counter()
        self._bins = [0] * self.BINS
        self._colors: dict[str, QColor] = {}
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(420, 170)

    def set_results(self, rows: Sequence[tuple[str, float]]) -> None:
        """`rows` are `(label, score)` of each text."""
        self._counts = Counter(label for label, _ in rows)
        self._bins = [0] * self.BINS
        for _, score in rows:
            self._bins[min(self.BINS - 1, max(0, int(score * self.BINS)))] += 1
        self._colors = label_colors(list(self._counts))
        self.update()

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_pen = QPen(pal.color(QPalette.ColorRole.WindowText))
        rect = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not self._counts:
            painter.setPen(text_pen)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Open a batch file to see the distribution.")
            return
        half = rect.width() / 2
        left = QRectF(rect.left(), rect.top(), half - 12, rect.height())
        right = QRectF(rect.left() + half + 12, rect.top(), half - 12, rect.height())
        labels = sorted(self._counts, key=lambda lab: label_polarity(lab, sorted(self._counts)))
        self._bars(painter, left, "Labels", [(lab, self._counts[lab], self._colors[lab]) for lab in labels], text_pen)
        accent = pal.color(QPalette.ColorRole.Highlight)
        bins = [(f"{i / self.BINS:.1f}" if i % 2 == 0 else "", n, accent) for i, n in enumerate(self._bins)]
        self._bars(painter, right, "Winning score", bins, text_pen)
        painter.end()

    @staticmethod
    def _bars(painter: QPainter, area: QRectF, title: str, bars: list[tuple[str, int, QColor]], pen: QPen) -> None:
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(pen)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line), Qt.AlignmentFlag.AlignLeft, title)
        plot = QRectF(area.left(), area.top() + line + 14, area.width(), area.height() - 2 * line - 18)
        top = max((n for _, n, _ in bars), default=0) or 1
        slot = plot.width() / max(1, len(bars))
        for i, (caption, n, color) in enumerate(bars):
            h = plot.height() * n / top
            width = min(slot * 0.76, 90.0)
            bar = QRectF(plot.left() + i * slot + (slot - width) / 2, plot.bottom() - h, width, h)
            painter.fillRect(bar, color)
            painter.setPen(pen)
            if n:
                painter.drawText(QRectF(bar.left() - 10, bar.top() - line, bar.width() + 20, line),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(n))
            painter.drawText(QRectF(plot.left() + i * slot - 10, plot.bottom() + 2, slot + 20, line),
                             Qt.AlignmentFlag.AlignHCenter, metrics.elidedText(caption, Qt.TextElideMode.ElideRight,
                                                                               int(slot + 16)))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
