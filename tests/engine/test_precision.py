"""CPU precision (fp32 / dynamic int8, `auto` from the model's config) and torch's CPU threads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bert_desk.engine import loading, sentiment
from bert_desk.engine.device import (
    CPU_PRECISION_KEY,
    configure_threads,
    physical_cores,
    precision_preference,
    resolve_device,
    resolve_precision,
    set_precision,
)
from bert_desk.engine.types import EngineError, ModelLoadError


def _quantized_linears(model: object) -> int:
    import torch

    return sum(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in model.modules())  # type: ignore[attr-defined]


@pytest.fixture()
def int8_card_model(tiny_models: dict[str, Path], tmp_path: Path) -> Path:
    """The tiny sentiment model with a config that allows int8 on CPU (as a bundled card can)."""
    folder = tmp_path / "int8-ok"
    shutil.copytree(tiny_models["sentiment"], folder)
    config = json.loads((folder / "config.json").read_text())
    config[CPU_PRECISION_KEY] = "int8"
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_int8_quantizes_the_linear_layers_and_keeps_the_answers(tiny_models: dict[str, Path]) -> None:
    spec = str(tiny_models["sentiment"])
    fp32 = loading.load_model(spec, "sentiment", device="cpu", precision="fp32")
    int8 = loading.load_model(spec, "sentiment", device="cpu", precision="int8")
    assert (fp32.info.precision, int8.info.precision) == ("fp32", "int8")
    assert fp32 is not int8 and _quantized_linears(fp32.model) == 0 and _quantized_linears(int8.model) > 0
    texts = ["a good film . it was great", "bad , dull and slow", "ok"]
    for a, b in zip(sentiment.analyze_batch(fp32, texts), sentiment.analyze_batch(int8, texts), strict=True):
        assert a.label == b.label and a.scores.keys() == b.scores.keys()
        assert max(abs(a.scores[k] - b.scores[k]) for k in a.scores) < 0.05
        assert [(s.start, s.end) for s in a.sentences] == [(s.start, s.end) for s in b.sentences]


def test_auto_follows_the_models_card(tiny_models: dict[str, Path], int8_card_model: Path) -> None:
    plain = loading.load_model(str(tiny_models["sentiment"]), "sentiment", device="cpu", precision="auto")
    allowed = loading.load_model(str(int8_card_model), "sentiment", device="cpu", precision="auto")
    forced = loading.load_model(str(int8_card_model), "sentiment", device="cpu", precision="fp32")
    assert (plain.info.precision, allowed.info.precision, forced.info.precision) == ("fp32", "int8", "fp32")


def test_the_process_wide_preference_is_used_when_none_is_given(int8_card_model: Path) -> None:
    assert precision_preference() == "auto"
    try:
        set_precision("fp32")
        assert loading.load_model(str(int8_card_model), "sentiment", device="cpu").info.precision == "fp32"
    finally:
        set_precision("auto")
    assert loading.load_model(str(int8_card_model), "sentiment", device="cpu").info.precision == "int8"


def test_bad_precision_is_a_one_line_error(tiny_models: dict[str, Path]) -> None:
    with pytest.raises(ModelLoadError, match="Unknown precision 'int4'"):
        loading.load_model(str(tiny_models["sentiment"]), "sentiment", device="cpu", precision="int4")
    with pytest.raises(EngineError):
        set_precision("bf8")
    assert precision_preference() == "auto"


def test_int8_is_a_cpu_precision() -> None:
    from bert_desk.engine.types import DeviceInfo

    cuda = DeviceInfo("cuda", "CUDA", fp16=True)
    assert resolve_precision(cuda, None, "int8") == "fp16"
    assert resolve_precision(DeviceInfo("mps", "MPS"), None, "int8") == "fp32"
    assert resolve_precision(resolve_device("cpu"), None, "int8") == "int8"


def test_threads_come_from_the_machine_and_show_in_the_description() -> None:
    import torch

    assert 1 <= physical_cores() <= (__import__("os").cpu_count() or 1)
    try:
        assert configure_threads(2) == 2 == torch.get_num_threads()
        assert resolve_device("cpu").description == "CPU · 2 threads"
        configure_threads(1)
        assert resolve_device("cpu").description == "CPU · 1 thread"
    finally:
        configure_threads(1)
