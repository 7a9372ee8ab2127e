"""A model folder is checked before it is trusted: its tokenizer is there and belongs to the model, and
its head's labels fit the task. Each failure is one line naming what is wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bert_desk.engine import loading
from bert_desk.engine.types import ModelLoadError
from tests.tiny_models import build_tiny_model


def _copy(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


def test_a_folder_without_tokenizer_files_is_refused(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(tiny_models["sentiment"], tmp_path / "no-tokenizer")
    for name in (*loading.TOKENIZER_FILES, "tokenizer_config.json", "special_tokens_map.json"):
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(ModelLoadError, match="has no tokenizer") as info:
        loading.load_model(str(folder), "sentiment", device="cpu")
    assert "\n" not in str(info.value)


def test_a_ner_checkpoint_without_architectures_is_not_a_sentiment_model(tiny_models: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    folder = _copy(tiny_models["ner"], tmp_path / "ner-no-arch")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.pop("architectures", None)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"entity tags .*not a sentiment model"):
        loading.load_model(str(folder), "sentiment", device="cpu")
    assert loading.load_model(str(folder), "ner", device="cpu").info.labels[0] == "O"  # still a fine NER model


def test_a_tokenizer_of_another_model_is_refused(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(tiny_models["sentiment"], tmp_path / "mismatch")
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    (folder / "vocab.txt").write_text("\n".join(vocab + [f"extra{i}" for i in range(400)]) + "\n", encoding="utf-8")
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelLoadError, match=r"tokenizer of .* tokens for a model of"):
        loading.load_model(str(folder), "sentiment", device="cpu")


def test_plain_sentiment_labels_and_unnamed_labels_load(tmp_path: Path) -> None:
    for labels in (("negative", "neutral", "positive"), ("LABEL_0", "LABEL_1"), ("O", "other")):
        folder = build_tiny_model(tmp_path / "-".join(labels), "sentiment", labels)
        assert loading.load_model(str(folder), "sentiment", device="cpu").info.labels == labels
