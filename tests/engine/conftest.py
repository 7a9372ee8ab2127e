"""Engine fixtures: tiny models loaded through the real loading code, plus purpose-built variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.engine.types import LoadedModel


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    """Tiny models gain nothing from intra-op threads, and on a busy shared machine they cost ~30x."""
    from bert_desk.engine.device import configure_threads

    configure_threads(1)


def _build_fixed_ner(folder: Path, label: str) -> Path:
    """A tiny token classifier whose bias makes `label` win for every token (deterministic NER)."""
    import torch
    from transformers import BertForTokenClassification

    from tests.tiny_models import build_tiny_model

    build_tiny_model(folder, "ner")
    model = BertForTokenClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[model.config.label2id[label]] = 10.0
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def extra_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`ner_bper` (every word B-PER), `multilabel` (sigmoid sentiment), `spacy_ruler` (EntityRuler pipeline)."""
    import spacy

    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("engine_models")
    multi = build_tiny_model(root / "multilabel", "sentiment", labels=("joy", "anger", "fear", "surprise"))
    config = json.loads((multi / "config.json").read_text())
    config["problem_type"] = "multi_label_classification"
    (multi / "config.json").write_text(json.dumps(config))
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "ORG", "pattern": "Google"},
        {"label": "GPE", "pattern": "Paris"},
        {"label": "PERSON", "pattern": [{"LOWER": "angela"}, {"LOWER": "merkel"}]},
    ])
    nlp.to_disk(root / "spacy_ruler")
    return {"ner_bper": _build_fixed_ner(root / "ner_bper", "B-PER"), "multilabel": multi,
            "spacy_ruler": root / "spacy_ruler"}


@pytest.fixture(scope="session")
def models(tiny_models: dict[str, Path], extra_models: dict[str, Path]) -> dict[str, LoadedModel]:
    """Loaded models keyed like the folders (sentiment, sentiment3, qa, ner, ner_bper, multilabel, spacy)."""
    from bert_desk.engine.loading import load_model

    return {
        "sentiment": load_model(str(tiny_models["sentiment"]), "sentiment", device="cpu"),
        "sentiment3": load_model(str(tiny_models["sentiment3"]), "sentiment", device="cpu"),
        "multilabel": load_model(str(extra_models["multilabel"]), "sentiment", device="cpu"),
        "qa": load_model(str(tiny_models["qa"]), "qa", device="cpu"),
        "ner": load_model(str(tiny_models["ner"]), "ner", device="cpu"),
        "ner_bper": load_model(str(extra_models["ner_bper"]), "ner", device="cpu"),
        "spacy": load_model(f"spacy:{extra_models['spacy_ruler']}", "ner"),
    }

