"""The task's model versions (`project.versions`): pick one for pre-annotation, compare two, export, delete.

Comparing scores both versions on the held-back accepted documents (`training.project_scores.compare_versions`,
the code of `bert-desk project compare-versions`) and exporting copies a version's folder
(`training.export.copy_version`, as `project export-version` does); both run in the worker (job kinds
`compare_versions` / `export_version`) with progress and Cancel, so loading two models never blocks the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Project, ProjectError
from bert_desk.project.versions import ModelVersion, versions_folder
from bert_desk.ui.job_follower import JobFollower
from bert_desk.ui.review.train_panel import compare_rows
from bert_desk.ui.widgets import ask_yes_no, name, never_widen, plain_label, tip
from bert_desk.worker import InferenceService, JobFailed

SLOT = "review.versions"  # the service stream of the dialog's jobs (one at a time: compare or export)
COLUMNS = ("Version", "Trained", "Started from", "Documents", "Labels", "Held-back F1", "Pre-annotation")
READ_ONLY = "The project is open read-only: using or deleting a version would change it."


def _f1(version: ModelVersion) -> str:
    new, old = version.scores.get("new", {}).get("micro"), (version.scores.get("previous") or {}).get("micro")
    if not new:
        return "—"
    return f"{new['f1']:.2f}" + (f" (was {old['f1']:.2f})" if old else "")


def version_row(version: ModelVersion, in_use: bool) -> tuple[str, ...]:
    """The table's cells for one version."""
    base = ("new head on " if version.new_head else "") + Path(version.base).name if version.base else "—"
    return (version.name, version.created_at[:16].replace("T", " "), base,
            f"{version.documents:,} (+{version.held_back:,} held back)", ", ".join(version.labels) or "—",
            _f1(version), "✔ in use" if in_use else "")


def _better(first: dict[str, Any], second: dict[str, Any], label: str) -> int | None:
    """The column (1 or 2) of the higher F1 for `label` in `compare_rows`' table; None when equal or missing."""
    def f1(scores: dict[str, Any]) -> float | None:
        s = scores.get("micro") if label == "all (micro)" else scores.get("labels", {}).get(label)
        return s["f1"] if s else None

    a, b = f1(first), f1(second)
    if a is None or b is None or a == b:
        return None
    return 1 if a > b else 2


class VersionsDialog(QDialog):
    """The versions of one task of a project. `use(folder)` makes the Review tab pre-annotate with a version
    (`ModelLoop.use_version`: False when it could not start)."""

    def __init__(self, project: Project, task: str, service: InferenceService, device: Callable[[], str],
                 use: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.versions_dialog")
        self.setWindowTitle(f"Model versions ({task})")
        self.project, self.task, self.service, self._device, self._use = project, task, service, device, use
        self.versions: list[ModelVersion] = []
        self.comparison: dict[str, Any] | None = None  # the last comparison
        self._pending = ""  # "compare" or "export" while a job runs
        self._compared = ("", "")  # the names being compared
        self.where = name(never_widen(plain_label()), "review.versions_where")
        self.table = name(QTableWidget(0, len(COLUMNS)), "review.versions_table",
                          "Select one version to use, export or delete it; two to compare them")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index("Labels"), QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.update_buttons)
        self.use_button = name(QPushButton("Use for pre-annotation"), "review.versions_use",
                               "Pre-annotate this task's unreviewed documents with the version (reviewed ones "
                               "are never touched)")
        self.compare_button = name(QPushButton("Compare"), "review.versions_compare",
                                   "Score the two selected versions on the same held-back accepted documents")
        self.export_button = name(QPushButton("Export…"), "review.versions_export",
                                  "Copy the version into a folder that --model accepts")
        self.delete_button = name(QPushButton("Delete…"), "review.versions_delete",
                                  "Delete the version's record and its folder")
        self.cancel_button = name(QPushButton("Cancel"), "review.versions_cancel", "Stop the comparison or export")
        self.progress = name(QProgressBar(), "review.versions_progress")
        self.state = name(never_widen(plain_label("Select a version to use, export or delete it; two to compare "
                                                  "them.")), "review.versions_state")
        self.caption = name(never_widen(plain_label()), "review.versions_caption")
        self.scores = name(QTableWidget(0, 4), "review.versions_scores")
        self.scores.verticalHeader().hide()
        self.scores.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.use_button.clicked.connect(self.use)
        self.compare_button.clicked.connect(self.compare)
        self.export_button.clicked.connect(self.ask_export)
        self.delete_button.clicked.connect(self.ask_delete)
        self.follower = JobFollower(self.progress, self.state, self.cancel_button, what="Comparison",
                                    on_done=self._job_done, on_failed=self._job_failed)

        buttons = QHBoxLayout()
        for button in (self.use_button, self.compare_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        layout.addWidget(self.caption)
        layout.addWidget(self.scores, 1)
        self.caption.hide()
        self.scores.hide()
        self.resize(980, 560)
        self.refresh()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:  # a version trained meanwhile shows up
            self.refresh()
        return super().event(event)

    # -- the list ---------------------------------------------------------------------------
    def in_use(self) -> str:
        """The model spec the project pre-annotates `task` with (set by Use for pre-annotation)."""
        return self.project.get_setting(f"model.{self.task}") or ""

    def folder(self, version: ModelVersion) -> Path:
        return self.project.versions.folder(version.name)

    def refresh(self) -> None:
        """Read the versions again, keeping the selection by name."""
        chosen = {v.name for v in self.selected()}
        self.versions = list(reversed(self.project.versions.model_versions(self.task)))  # newest first
        used = self.in_use()
        self.table.setRowCount(len(self.versions))
        for r, version in enumerate(self.versions):
            for c, value in enumerate(version_row(version, str(self.folder(version)) == used)):
                item = QTableWidgetItem(value)  # plain text
                item.setToolTip(tip({0: str(self.folder(version)), 2: version.base}.get(c, value)))
                self.table.setItem(r, c, item)
            if version.name in chosen:
                self.table.selectRow(r)
        folder = versions_folder(self.project.path)
        self.where.setText(f"{len(self.versions)} {self.task} version{'s' if len(self.versions) != 1 else ''} "
                           f"in {folder}" if self.versions else
                           "No model versions yet: Train… makes one from the accepted documents.")
        if self.project.read_only:
            self.where.setText(f"{self.where.text()}\n{READ_ONLY}")
        self.update_buttons()

    def selected(self) -> list[ModelVersion]:
        """The selected versions, oldest first."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        return [self.versions[r] for r in rows if r < len(self.versions)]

    def select(self, *names: str) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for r, version in enumerate(self.versions):
            if version.name in names:
                self.table.selectRow(r)
        self.table.setSelectionMode(mode)

    def update_buttons(self) -> None:
        chosen, busy, read_only = self.selected(), self.follower.running(), self.project.read_only
        self.use_button.setEnabled(len(chosen) == 1 and not read_only)
        self.delete_button.setEnabled(len(chosen) == 1 and not read_only and not busy)
        self.export_button.setEnabled(len(chosen) == 1 and not busy)
        self.compare_button.setEnabled(len(chosen) == 2 and not busy)
        if read_only:
            for button in (self.use_button, self.delete_button):
                button.setToolTip(tip(READ_ONLY))

    # -- actions ----------------------------------------------------------------------------
    def _one(self) -> ModelVersion | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def use(self) -> bool:
        """Make the selected version the task's pre-annotation model (the Review tab re-pre-annotates)."""
        version = self._one()
        if version is None or self.project.read_only:
            return False
        started = self._use(str(self.folder(version)))
        self.refresh()
        self.state.setText(f"{version.name} now pre-annotates the unreviewed {self.task} documents "
                           "(running in the background; reviewed documents keep their decisions)." if started else
                           f"{version.name} is the task's model now, but pre-annotation is busy: run it again "
                           "when it has finished.")
        return started

    def ask_delete(self) -> bool:
        version = self._one()
        if version is None:
            return False
        if not ask_yes_no(self, "Delete model version", f"Delete {version.name} and its folder "
                                                        f"{self.folder(version)}? This cannot be undone.", "Delete"):
            return False
        return self.delete(version.name)

    def delete(self, version_name: str) -> bool:
        """Delete a version (record and folder); refused for the version pre-annotation uses."""
        if self.project.read_only:
            self.state.setText(READ_ONLY)
            return False
        if str(self.project.versions.folder(version_name)) == self.in_use():
            self.state.setText(f"{version_name} is the model that pre-annotates this project's {self.task} "
                               "documents: use another version first, then delete this one.")
            return False
        try:
            self.project.versions.delete_model_version(version_name)
        except ProjectError as exc:
            self.state.setText(str(exc))
            return False
        self.refresh()
        self.state.setText(f"Deleted {version_name}.")
        return True

    def ask_export(self) -> bool:
        version = self._one()
        if version is None:
            return False
        dest = QFileDialog.getExistingDirectory(self, f"Export {version.name} to a folder",
                                                str(Path(self.project.path).parent))
        if not dest:
            return False
        if Path(dest).is_dir() and any(Path(dest).iterdir()) and not ask_yes_no(
                self, "Export model version", f"{dest} is not empty: copy {version.name}'s model files into it "
                                              "(files of the same name are replaced)?", "Export"):
            return False
        return self.export(version.name, dest)

    def export(self, version_name: str, dest: str | Path) -> bool:
        """Copy a version into `dest` in the worker (a folder `--model` accepts)."""
        return self._submit("export", "export_version",
                            {"folder": self.project.versions.folder(version_name), "dest": Path(dest)},
                            f"Exporting {version_name} to {dest}…")

    def compare(self) -> bool:
        """Score the two selected versions (older first) on the same held-back documents, in the worker."""
        chosen = self.selected()
        if len(chosen) != 2:
            return False
        first, second = chosen
        settings = second.settings or first.settings
        payload = {"project": self.project.ref(), "task": self.task, "first": first.name, "second": second.name,
                   "holdout": float(settings.get("holdout", 0.2)), "seed": int(settings.get("seed", 13)),
                   "device": self._device()}
        self._compared = (first.name, second.name)
        return self._submit("compare", "compare_versions", payload,
                            f"Loading {first.name} and {second.name} to score them…")

    def _submit(self, pending: str, kind: str, payload: dict[str, Any], message: str) -> bool:
        if self.follower.running():
            return False
        try:
            job = self.service.submit(SLOT, kind, payload)
        except RuntimeError as exc:  # the service is shut down (window closing)
            self.state.setText(str(exc))
            return False
        self._pending = pending
        self.follower.what = "Comparison" if pending == "compare" else "Export"
        self.follower.follow(job, message)
        job.ended.connect(lambda _event: self._job_ended())
        self.update_buttons()
        return True

    def _job_ended(self) -> None:
        self._pending = ""
        self.update_buttons()

    def _job_failed(self, event: JobFailed) -> None:
        self.state.setText(f"{self.follower.what} failed: {event.message}")

    def _job_done(self, result: Any) -> None:
        if self._pending == "export":
            self.state.setText(f"Exported to {result}: a folder --model accepts "
                               f"(bert-desk {self.task} --model {result}).")
        elif isinstance(result, dict):
            self.show_comparison(*self._compared, result)

    def show_comparison(self, first: str, second: str, result: dict[str, Any]) -> None:
        """Both versions' per-label P/R/F1 side by side (`compare_versions`' result; the older first)."""
        self.comparison = result
        rows = compare_rows(result["first"], result["second"])
        self.scores.setColumnCount(4)
        self.scores.setHorizontalHeaderLabels(["Label", f"{first} P / R / F1", f"{second} P / R / F1", "Support"])
        self.scores.setRowCount(len(rows))
        for r, row in enumerate(rows):
            better = _better(result["first"], result["second"], row[0])
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)  # plain text
                if c == better:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(tip("The higher F1 of the two"))
                self.scores.setItem(r, c, item)
        self.caption.setText(f"{first} and {second} on the same {result['held_back']:,} held-back accepted "
                             f"documents (precision / recall / F1):")
        self.caption.show()
        self.scores.show()
        self.state.setText("")

    def shutdown(self) -> None:
        """The dialog or the project closes: stop its job."""
        self.follower.cancel()
