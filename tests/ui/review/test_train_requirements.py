"""An installation without the training libraries (the desktop bundle built without them) says so: the Train
dialog's Train button is off with the reason, and `project train` fails with the same sentence, no traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bert_desk import training
from bert_desk.cli.project import main
from bert_desk.project import Project
from bert_desk.ui.review.train_panel import TrainDialog


def _without_accelerate(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "accelerate" else real(name, *a))


def test_the_reason_names_the_missing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    assert training.missing_training_libraries() is None  # this environment has the train extra
    _without_accelerate(monkeypatch)
    reason = training.missing_training_libraries()
    assert reason is not None and "accelerate" in reason and "bert-desk[train]" in reason


def test_the_train_dialog_says_why_it_cannot_train(qtbot: QtBot, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.create(tmp_path / "p.bdesk")
    _without_accelerate(monkeypatch)
    dialog = TrainDialog(project, "ner")
    qtbot.addWidget(dialog)
    assert not dialog.train_button.isEnabled() and not dialog.resume_button.isEnabled()
    assert "accelerate" in dialog.state.text()
    project.close()


def test_project_train_refuses_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    Project.create(tmp_path / "p.bdesk").close()
    _without_accelerate(monkeypatch)
    assert main(["train", str(tmp_path / "p.bdesk"), "--task", "ner", "--base", "minilm"]) == 2
    err = capsys.readouterr().err
    assert "accelerate" in err and "Traceback" not in err
