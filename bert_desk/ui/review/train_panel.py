"""Train a new model version from the accepted documents, in a separate process.

The dialog writes the run (`project_train.prepare_run`: the accepted documents, the held-back slice, the
settings) and starts `python -m bert_desk project train PROJECT --task T --prepared` in a `QProcess`, so
training never blocks the window or the inference thread (and gets the CPU threads it asks for). It reads
the process's JSON lines (progress with ETA and loss, phases, the finished version), Cancel ends the process
(the run folder is deleted), and a run left by a crash or a closed app can be resumed. The finished version
is recorded in the project, its held-back scores are shown beside the previous model's, and "Use for
pre-annotation" makes it the task's model and re-runs pre-annotation over the unreviewed documents (the
worker's job: reviewed annotations are never touched).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QProcess, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Project, ProjectError
from bert_desk.project.versions import ModelVersion
from bert_desk.training import missing_training_libraries
from bert_desk.training.project_train import TrainSettings, prepare_run, record_run, run_folder
from bert_desk.ui.widgets import name, plain_label


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    minutes, secs = divmod(round(seconds), 60)
    return f"about {minutes}:{secs:02d} left"


def compare_rows(old: dict[str, Any] | None, new: dict[str, Any], *,
                 old_labels: bool = True) -> list[tuple[str, str, str, str]]:
    """(label, old P/R/F1, new P/R/F1, support) rows of two models' held-back scores (`score_model`'s),
    micro last; a label only one of them has shows "—" for the other (`old_labels` False: `new`'s only)."""
    old = old or {}

    def cell(scores: dict[str, Any], label: str) -> str:
        s = scores.get("micro") if label == "all (micro)" else scores.get("labels", {}).get(label)
        return f"{s['precision']:.2f} / {s['recall']:.2f} / {s['f1']:.2f}" if s else "—"

    extra = [n for n in old.get("labels", {}) if n not in new["labels"]] if old_labels else []
    labels = [*new["labels"], *extra, "all (micro)"]
    support = {**{k: v["support"] for k, v in {**old.get("labels", {}), **new["labels"]}.items()},
               "all (micro)": new["micro"]["support"]}
    return [(label, cell(old, label), cell(new, label), str(support[label])) for label in labels]


def score_rows(version: ModelVersion) -> list[tuple[str, str, str, str]]:
    """(label, previous P/R/F1, new P/R/F1, support) rows of a version's held-back scores, micro last."""
    return compare_rows(version.scores.get("previous"), version.scores["new"], old_labels=False)


class TrainDialog(QDialog):
    """Settings, Train / Resume / Cancel, progress and the old-vs-new table. `use_version(folder)` when the
    user picks the new version for pre-annotation."""

    use_version = Signal(str)

    def __init__(self, project: Project, task: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.train_dialog")
        self.setWindowTitle("Train a model version")
        self.project, self.task = project, task
        self.process: QProcess | None = None
        self.version: ModelVersion | None = None
        self._buffer = b""
        self._stderr: list[str] = []
        accepted = project.count(task=task, status="accepted")
        self.base = name(QLineEdit(), "review.train_base", "Start from this model (folder, bundled:TASK, minilm); "
                                                         "empty: the model that pre-annotated the project")
        self.base.setPlaceholderText("the model that pre-annotated the project")
        self.epochs = name(QSpinBox(), "review.train_epochs",
                           "Passes over the training documents (a small project takes more, to train at least 150 steps)")
        self.epochs.setRange(1, 50)
        self.epochs.setValue(6)
        self.holdout = name(QDoubleSpinBox(), "review.train_holdout", "Share of documents held back for the scores")
        self.holdout.setRange(0.05, 0.5)
        self.holdout.setSingleStep(0.05)
        self.holdout.setValue(0.2)
        self.train_button = name(QPushButton("Train"), "review.train_start", "Start training")
        self.resume_button = name(QPushButton("Resume"), "review.train_resume",
                                  "Continue the interrupted run from its last checkpoint")
        self.cancel_button = name(QPushButton("Cancel"), "review.train_cancel", "Stop training; nothing is kept")
        self.use_button = name(QPushButton("Use for pre-annotation"), "review.train_use",
                               "Make this version the task's model and pre-annotate the unreviewed documents again")
        self.progress = name(QProgressBar(), "review.train_progress")
        self.progress.setRange(0, 100)
        self.state = name(plain_label(f"{accepted:,} accepted documents for {task}."), "review.train_state")
        self.state.setWordWrap(True)
        self.table = name(QTableWidget(0, 4), "review.train_scores")
        self.table.setHorizontalHeaderLabels(["Label", "Previous P / R / F1", "New P / R / F1", "Support"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the label column takes the spare width
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumWidth(520)
        self.train_button.clicked.connect(lambda: self.start(resume=False))
        self.resume_button.clicked.connect(lambda: self.start(resume=True))
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(self._use)

        form = QFormLayout()
        form.addRow("Start from:", self.base)
        form.addRow("Epochs:", self.epochs)
        form.addRow("Hold back:", self.holdout)
        buttons = QHBoxLayout()
        for button in (self.train_button, self.resume_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)
        self.missing = missing_training_libraries()  # e.g. an installer built without the training libraries
        if self.missing:
            self.state.setText(self.missing)
        elif project.read_only:
            self.state.setText("The project is open read-only: training records a model version in it.")
        self._set_running(False)

    # -- process ----------------------------------------------------------------------------
    def running(self) -> bool:
        return self.process is not None

    def _set_running(self, running: bool) -> None:
        interrupted = (run_folder(self.project.path, self.task) / "plan.json").is_file()
        can_train = not self.project.read_only and self.missing is None
        self.train_button.setEnabled(not running and can_train)
        self.resume_button.setEnabled(not running and interrupted and can_train)
        self.cancel_button.setEnabled(running)
        self.use_button.setEnabled(not running and self.version is not None)
        for widget in (self.base, self.epochs, self.holdout):
            widget.setEnabled(not running)

    def start(self, *, resume: bool) -> bool:
        """Write the run (unless resuming) and start the training process."""
        if self.running():
            return False
        if not resume:
            settings = TrainSettings(self.task, base=self.base.text().strip() or None, epochs=self.epochs.value(),
                                     holdout=round(self.holdout.value(), 2))
            try:
                prepare_run(self.project, settings)
            except (ProjectError, OSError) as exc:
                self.state.setText(str(exc))
                return False
        self.version, self._buffer, self._stderr = None, b"", []
        self.table.setRowCount(0)
        self.process = process = QProcess(self)
        process.setProgram(sys.executable)
        module = [] if getattr(sys, "frozen", False) else ["-m", "bert_desk"]  # the frozen app is the CLI itself
        args = [*module, "project", "train", str(self.project.path), "--task", self.task, "--prepared"]
        process.setArguments([*args, "--resume"] if resume else args)
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._process_error)
        self.progress.setRange(0, 0)
        self.state.setText("Resuming…" if resume else "Starting…")
        process.start()
        self._set_running(True)
        return True

    def cancel(self) -> None:
        if self.process is not None:
            self.state.setText("Cancelling…")
            self.process.terminate()  # SIGTERM: the trainer stops at the next step and deletes its run

    def _read_stdout(self) -> None:
        if self.process is None:
            return
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.startswith(b'{"event"'):
                try:
                    self.handle_event(json.loads(line))
                except ValueError:
                    continue

    def _read_stderr(self) -> None:
        if self.process is not None:
            text = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
            self._stderr = (self._stderr + [x for x in text.splitlines() if x.strip()])[-20:]

    def handle_event(self, event: dict[str, Any]) -> None:
        """One JSON line of the training process."""
        kind = event.get("event")
        if kind == "progress":
            total = max(int(event.get("total") or 1), 1)
            self.progress.setRange(0, total)
            self.progress.setValue(int(event.get("step") or 0))
            loss = event.get("loss")
            self.state.setText(f"Step {event.get('step')}/{total} · {_eta(event.get('eta_s'))}"
                               + (f" · loss {loss:.3f}" if isinstance(loss, (int, float)) else ""))
        elif kind == "phase":
            self.state.setText(str(event.get("message", "")))
        elif kind == "done":
            self.version = ModelVersion.from_dict(event["version"])

    def _finished(self, code: int, _status: object) -> None:
        self._read_stdout()
        self.process = None
        self.progress.setRange(0, 100)
        if self.version is not None:
            try:
                record_run(self.project, self.version)
            except ProjectError as exc:
                self.state.setText(f"Trained {self.version.name}, but it could not be recorded: {exc}")
            else:
                self.show_version(self.version)
        elif code == 130:
            self.progress.setValue(0)
            self.state.setText("Training cancelled; nothing was kept.")
        else:
            errors = [x for x in self._stderr if x.startswith("bert-desk:") or "Error" in x]
            last = (errors or self._stderr or [f"the training process ended with status {code}"])[-1]
            self.state.setText(f"Training failed: {last.removeprefix('bert-desk: ')} (Resume continues it)")
        self._set_running(False)

    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.process = None
            self.state.setText(f"Could not start the training process ({sys.executable}).")
            self._set_running(False)

    # -- result -----------------------------------------------------------------------------
    def show_version(self, version: ModelVersion) -> None:
        rows = score_rows(version)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))  # plain text items
        self.progress.setValue(100)
        start = "a new head on " if version.new_head else ""
        self.state.setText(f"{version.name}: trained on {version.documents:,} documents from {start}"
                           f"{version.base} in {version.train_seconds:.0f} s; scored on {version.held_back:,} "
                           f"held-back documents (previous: {version.previous or 'none'}).")
        self._set_running(False)

    def _use(self) -> None:
        if self.version is not None:
            self.use_version.emit(str(self.project.versions.folder(self.version.name)))

    def shutdown(self) -> None:
        """The app is closing: stop the process hard, so its checkpoints stay for Resume."""
        if self.process is not None:
            self.process.kill()
            self.process.waitForFinished(3000)
            self.process = None
