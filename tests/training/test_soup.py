"""`average-models`: the weighted mean of fine-tunes, written as a loadable fp16 model folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tiny_models import build_tiny_model


def _tensors(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def test_average_is_the_weighted_mean_and_loads_as_a_classifier(tmp_path: Path) -> None:
    import torch
    from transformers import pipeline

    from bert_desk.training.soup import average_models

    a = build_tiny_model(tmp_path / "a", "sentiment", seed=1)
    b = build_tiny_model(tmp_path / "b", "sentiment", seed=2)
    dest = average_models([a, b], tmp_path / "soup", weights=[3, 1])
    ta, tb, soup = _tensors(a), _tensors(b), _tensors(dest)
    name = "classifier.weight"
    assert not torch.equal(ta[name], tb[name])
    expected = 0.75 * ta[name].float() + 0.25 * tb[name].float()
    assert torch.allclose(soup[name].float(), expected, atol=1e-3)
    assert {t.dtype for t in soup.values()} == {torch.float16}
    assert json.loads((dest / "averaged_from.json").read_text())["weights"] == [0.75, 0.25]
    classifier = pipeline("text-classification", model=str(dest), tokenizer=str(dest))
    assert classifier("a good film")[0]["label"] in {"NEGATIVE", "POSITIVE"}


def test_models_with_other_labels_or_shapes_are_refused(tmp_path: Path) -> None:
    from bert_desk.training.soup import SoupError, average_models

    a = build_tiny_model(tmp_path / "a", "sentiment")
    three = build_tiny_model(tmp_path / "three", "sentiment", labels=("neg", "neu", "pos"))
    with pytest.raises(SoupError, match="labels differ"):
        average_models([a, three], tmp_path / "x")
    with pytest.raises(SoupError, match="at least two"):
        average_models([a], tmp_path / "x")
    longer = build_tiny_model(tmp_path / "longer", "sentiment", max_positions=128)
    with pytest.raises(SoupError, match="shape"):
        average_models([a, longer], tmp_path / "x")


def test_cli_reports_errors_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bert_desk.cli import main

    a = build_tiny_model(tmp_path / "a", "sentiment")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "config.json").write_text((a / "config.json").read_text(), encoding="utf-8")
    assert main(["average-models", str(a), str(tmp_path / "empty"), "--out", str(tmp_path / "x")]) == 2
    assert "no model.safetensors" in capsys.readouterr().err
    assert main(["average-models", str(a), str(a), "--out", str(tmp_path / "same")]) == 0
    assert (tmp_path / "same" / "model.safetensors").is_file()
