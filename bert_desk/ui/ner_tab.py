"""Entities tab: entities highlighted by label, a legend with toggles, a score slider and a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QSlider,
    QTableView,
    QWidget,
)

from bert_desk.engine import report
from bert_desk.engine.registry import TASKS
from bert_desk.engine.types import Entity, NERResult
from bert_desk.ui.entity_table import ENTITY_ROLE, EntityTableModel, sorting_proxy
from bert_desk.ui.entity_view import EntityView, visible_entities
from bert_desk.ui.explain_panel import ExplainPanel
from bert_desk.ui.legend import Legend
from bert_desk.ui.task_tab import AppContext, TaskTab
from bert_desk.ui.widgets import name, plain_label, split


def entity_count(shown: int, total: int) -> str:
    """The state line: "30 entities found." or, with some filtered out, "12 of 30 entities shown."."""
    if shown == total:
        return f"{total} entit{'y' if total == 1 else 'ies'} found."
    return f"{shown} of {total} entities shown (score slider, label toggles)."


class NERTab(TaskTab):
    tab_id = "ner"
    task = "ner"
    title = TASKS["ner"].label

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.editor, self.open_button = self.text_input()
        self.editor.setMaximumHeight(170)
        self.editor.textChanged.connect(self._text_changed)
        self.view = name(EntityView(), "ner.view")
        self.view.setPlaceholderText("Entities appear here after Run.")
        self.view.entity_clicked.connect(self.select_in_table)
        self.legend = name(Legend("ner"), "ner.legend")
        self.legend.hidden_changed.connect(lambda _hidden: self.refresh())
        self.min_score = name(QSlider(Qt.Orientation.Horizontal), "ner.min_score", "Hide entities scoring below this")
        self.min_score.setRange(0, 100)
        self.min_score.setMaximumWidth(180)
        self.min_score.valueChanged.connect(self._threshold_changed)
        self.min_score_label = name(plain_label("≥ 0.00"), "ner.min_score_value")
        self.model = EntityTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = name(QTableView(), "ner.table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # label, score, position fit
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the entity's text takes the rest
        self.table.clicked.connect(self._row_activated)
        self.table.activated.connect(self._row_activated)
        self._result: NERResult | None = None
        self.explain = ExplainPanel(self, self.explain_payload, self.report_sections,
                                    hint=" to the selected entity's label (default: the first entity)")

        filters = QHBoxLayout()
        filters.addWidget(self.legend, 1)
        filters.addWidget(plain_label("Min. score:"))
        filters.addWidget(self.min_score)
        filters.addWidget(self.min_score_label)
        splitter = split(self.view, self.table, (3, 2))
        self.layout_.addWidget(self.editor)
        self.layout_.addLayout(self.action_row(self.open_button))
        self.layout_.addLayout(filters)
        self.layout_.addWidget(split(splitter, self.explain, (3, 2), vertical=True), 1)

    # -- input ------------------------------------------------------------------------------
    def set_input_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def request(self) -> tuple[str, Any] | None:
        text = self.editor.toPlainText()
        if not text.strip():
            self.error_bar.show_error("Type or open a text first.")
            return None
        return "ner", text

    def explain_payload(self) -> dict[str, Any] | None:
        """What Explain explains: the text, and the entity selected in the table (or clicked in the text)."""
        req = self.request()
        if req is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        entity = self.proxy.data(rows[0], ENTITY_ROLE) if rows else None
        if isinstance(entity, Entity) and self._result is not None:
            return {"text": req[1], "entity": (entity.start, entity.end), "label": entity.label}
        return {"text": req[1]}

    def report_sections(self) -> list[str]:
        return [report.ner_section(self._result)] if self._result is not None else []

    def save_state(self) -> None:
        self.ctx.settings.set_last_input("ner.input", self.editor.toPlainText())

    # -- results ----------------------------------------------------------------------------
    def threshold(self) -> float:
        return self.min_score.value() / 100

    def _threshold_changed(self, value: int) -> None:
        self.min_score_label.setText(f"≥ {value / 100:.2f}")
        self.refresh()

    def show_result(self, result: NERResult) -> None:
        self._result = result
        self.refresh()

    def refresh(self) -> None:
        """Redraw view, legend and table for the current label toggles and score threshold; the state
        line counts what is shown ("12 of 30 entities shown") when the filters hide some."""
        if self._result is None:
            return
        above = [e for e in self._result.entities if e.score >= self.threshold()]
        self.legend.set_entities(above)
        shown = visible_entities(above, self.legend.hidden())
        self.view.show_entities(self._result.text, shown)
        self.model.set_entities(shown)
        if not self.busy():
            self.state.setText(entity_count(len(shown), len(self._result.entities)))

    def _text_changed(self) -> None:
        if self._result is not None and self.editor.toPlainText() != self._result.text:
            self.clear_result("The text changed since these entities were found: press Run (Ctrl+Enter).")

    def result_outdated(self, why: str) -> None:
        if self._result is not None:
            self.clear_result(f"No entities shown: {why}.")

    def clear_result(self, why: str) -> None:
        """Take away entities that no longer match the input or the model, saying why in the view."""
        self._result = None
        self.view.show_entities("", [])
        self.view.setPlaceholderText(why)
        self.legend.set_entities([])
        self.model.set_entities([])
        if not self.busy():
            self.state.setText("")

    def _row_activated(self, index: QModelIndex) -> None:
        entity = self.proxy.data(index, ENTITY_ROLE)
        if isinstance(entity, Entity):
            self.view.select_entity(entity)

    def select_in_table(self, entity: Entity) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, ENTITY_ROLE) == entity:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return
