"""UI test fixtures: isolated settings, a deterministic spaCy NER pipeline, a window factory,
and a check that fails a test leaving an inference QThread running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from bert_desk.app import build_main_window
from bert_desk.ui.main_window import MainWindow
from bert_desk.ui.settings import Settings
from bert_desk.worker import InferenceService, running_threads

WAIT = 30_000  # ms: first model loads on a busy shared machine can take a while


@pytest.fixture(autouse=True)
def no_running_inference_threads(qapp: object) -> Iterator[None]:
    """After each test every inference thread must have been shut down (joined)."""
    yield
    leaked = running_threads()
    for thread in leaked:
        thread.quit()
        thread.wait(10_000)
    if leaked:
        pytest.fail(f"{len(leaked)} inference QThread(s) still running after the test: close the window")


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    """Default (user-scope INI) settings land in the test's temp folder, never the real profile."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture(scope="session")
def spacy_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank English spaCy pipeline with an EntityRuler (PERSON "Angela Merkel", GPE "Paris")."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Angela Merkel"}, {"label": "GPE", "pattern": "Paris"},
                        {"label": "GPE", "pattern": "東京"}])
    folder = tmp_path_factory.mktemp("spacy_ner") / "pipeline"
    nlp.to_disk(folder)
    return folder


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, settings_file: Path) -> WindowFactory:
    """Build (and show) the real main window; it is closed, and its thread joined, after the test."""

    def make(*argv: str, service: InferenceService | None = None, show: bool = True) -> MainWindow:
        window = build_main_window(list(argv), settings=Settings.from_file(str(settings_file)), service=service)
        qtbot.addWidget(window)
        if show:
            with qtbot.waitExposed(window):
                window.show()
        return window

    return make
