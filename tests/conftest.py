"""Shared fixtures: tiny random checkpoints built once per session in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of tiny random checkpoints: keys `sentiment`, `qa`, `ner`, `sentiment3` (3 labels)."""
    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("tiny_models")
    return {
        "sentiment": build_tiny_model(root / "sentiment", "sentiment"),
        "sentiment3": build_tiny_model(root / "sentiment3", "sentiment", labels=("negative", "neutral", "positive")),
        "qa": build_tiny_model(root / "qa", "qa"),
        "ner": build_tiny_model(root / "ner", "ner"),
    }


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep logs and data of the app under test out of the real home folder."""
    monkeypatch.setenv("BERT_DESK_DATA_DIR", str(tmp_path / "user_data"))


RULER_PATTERNS = (
    {"label": "PERSON", "pattern": "Angela Merkel"},
    {"label": "GPE", "pattern": "Paris"},
    {"label": "ORG", "pattern": "Google"},
)


@pytest.fixture(scope="session")
def spacy_ruler_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`spacy:<path>` of a blank English pipeline whose EntityRuler finds Angela Merkel/Paris/Google."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(list(RULER_PATTERNS))
    folder = tmp_path_factory.mktemp("spacy_ruler") / "pipeline"
    nlp.to_disk(folder)
    return f"spacy:{folder}"
