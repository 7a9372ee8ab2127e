"""Loading: spec kinds, validation errors (one line, naming the problem), cache, spaCy, device."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bert_desk.engine import loading, registry
from bert_desk.engine.device import resolve_device
from bert_desk.engine.types import Cancelled, EngineError, ModelLoadError


def _one_line_error(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("key", "task"), [("sentiment", "sentiment"), ("sentiment3", "sentiment"),
                                          ("qa", "qa"), ("ner", "ner")])
def test_each_task_loads(tiny_models: dict[str, Path], key: str, task: str) -> None:
    model = loading.load_model(str(tiny_models[key]), task, device="cpu")
    assert model.info.task == task and model.info.backend == "transformers"
    assert model.info.device.kind == "cpu" and model.info.max_length == 64
    assert model.info.name == key
    assert not model.model.training
    if task == "sentiment":
        assert len(model.info.labels) == (3 if key == "sentiment3" else 2)


def test_cache_and_clear(tiny_models: dict[str, Path]) -> None:
    spec = str(tiny_models["sentiment"])
    first = loading.load_model(spec, "sentiment", device="cpu")
    assert loading.load_model(spec, "sentiment", device="cpu") is first
    loading.clear_cache()
    assert loading.load_model(spec, "sentiment", device="cpu") is not first


@pytest.mark.parametrize(("key", "task", "arch"), [("qa", "sentiment", "BertForQuestionAnswering"),
                                                  ("sentiment", "ner", "BertForSequenceClassification"),
                                                  ("ner", "qa", "BertForTokenClassification")])
def test_wrong_head_is_refused(tiny_models: dict[str, Path], key: str, task: str, arch: str) -> None:
    with pytest.raises(ModelLoadError) as excinfo:
        loading.load_model(str(tiny_models[key]), task, device="cpu")
    message = _one_line_error(excinfo)
    assert arch in message and "head" in message


def test_checkpoint_without_architectures_but_no_head(tmp_path: Path) -> None:
    import json

    from tests.tiny_models import build_tiny_model

    folder = build_tiny_model(tmp_path / "pretrain", "pretrain")
    config = json.loads((folder / "config.json").read_text())
    config.pop("architectures")
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="no trained"):
        loading.load_model(str(folder), "qa", device="cpu")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        loading.load_model(str(tmp_path / "nope"), "sentiment")


def test_folder_without_config(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"no config\.json"):
        loading.load_model(str(tmp_path), "sentiment")


def test_corrupt_safetensors(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = shutil.copytree(tiny_models["sentiment"], tmp_path / "corrupt")
    (folder / "model.safetensors").write_bytes(b"not really safetensors" * 4)
    with pytest.raises(ModelLoadError) as excinfo:
        loading.load_model(str(folder), "sentiment", device="cpu")
    assert "corrupt weights" in _one_line_error(excinfo)


def test_pickle_only_folder_needs_opt_in(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    folder = shutil.copytree(tiny_models["sentiment"], tmp_path / "bin_only")
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError) as excinfo:
        loading.load_model(str(folder), "sentiment", device="cpu")
    message = _one_line_error(excinfo)
    assert "pytorch_model.bin" in message and "allow_pickle" in message
    model = loading.load_model(str(folder), "sentiment", device="cpu", allow_pickle=True)
    assert model.info.labels == ("NEGATIVE", "POSITIVE")


def test_hub_id_offline_and_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ModelLoadError) as excinfo:
        loading.load_model("someone/not-a-cached-model", "sentiment")
    assert "'someone/not-a-cached-model' is offline and not cached" in _one_line_error(excinfo)


def test_bundled_spec_without_model() -> None:
    with pytest.raises(ModelLoadError, match="No bundled"):
        loading.load_model("bundled:no_such_task_folder", "sentiment")


def test_spec_kinds(tmp_path: Path) -> None:
    assert loading.resolve_spec("spacy:en_core_web_sm")[0] == "spacy"
    assert loading.resolve_spec("bundled:ner")[0] == "bundled"
    assert loading.resolve_spec(str(tmp_path)) == ("folder", str(tmp_path))
    assert loading.resolve_spec("dslim/bert-base-NER")[0] == "hub"
    assert loading.resolve_spec("./missing/model")[0] == "folder"


def test_spacy_ruler_pipeline(extra_models: dict[str, Path]) -> None:
    from bert_desk.engine import ner

    model = loading.load_model(f"spacy:{extra_models['spacy_ruler']}", "ner")
    assert model.info.backend == "spacy" and set(model.info.labels) == {"ORG", "GPE", "PERSON"}
    text = "Angela Merkel flew to Paris 🇫🇷,\r\n then Google."
    result = ner.extract(model, text)
    assert [(text[e.start:e.end], e.label, e.score) for e in result.entities] == [
        ("Angela Merkel", "PERSON", 1.0), ("Paris", "GPE", 1.0), ("Google", "ORG", 1.0)]
    assert all(e.text == text[e.start:e.end] for e in result.entities)


def test_spacy_errors(extra_models: dict[str, Path]) -> None:
    with pytest.raises(ModelLoadError, match="only be used for NER"):
        loading.load_model(f"spacy:{extra_models['spacy_ruler']}", "sentiment")
    with pytest.raises(ModelLoadError, match="not found"):
        loading.load_model("spacy:no_such_spacy_package_xyz", "ner")


def test_unknown_task_and_empty_spec(tiny_models: dict[str, Path]) -> None:
    with pytest.raises(ModelLoadError, match="Unknown task"):
        loading.load_model(str(tiny_models["sentiment"]), "summarise")
    with pytest.raises(ModelLoadError, match="No model"):
        loading.load_model("  ", "sentiment")


def test_device_resolution() -> None:
    import torch

    cpu = resolve_device("cpu")
    threads = torch.get_num_threads()
    assert cpu.kind == "cpu" and cpu.description == f"CPU · {threads} thread{'s' if threads != 1 else ''}"
    assert not cpu.fp16
    assert resolve_device("auto").kind in ("cpu", "cuda", "mps")
    with pytest.raises(EngineError, match="Unknown device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(EngineError, match="'cuda' was requested but is not available"):
            resolve_device("cuda")


def test_forced_unavailable_device_is_a_load_error(tiny_models: dict[str, Path]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ModelLoadError, match="cuda"):
        loading.load_model(str(tiny_models["sentiment"]), "sentiment", device="cuda")


def test_registry(models: dict) -> None:
    from bert_desk.engine.types import NERResult, QAResult, SentimentResult

    assert set(registry.TASKS) == {"sentiment", "qa", "ner", "fill-mask", "next-sentence"}
    assert isinstance(registry.get("sentiment").single(models["sentiment"], "good"), SentimentResult)
    assert isinstance(registry.get("ner").batch(models["ner"], ["john", "paris"])[1], NERResult)
    result = registry.get("qa").single(models["qa"], "who?", "john smith", top_k=1)
    assert isinstance(result, QAResult) and len(result.answers) <= 1
    with pytest.raises(EngineError, match="Unknown task"):
        registry.get("translate")


def test_hub_download_reports_progress(tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Not cached + online: the snapshot is downloaded with progress, then loaded like a folder."""
    import huggingface_hub
    from huggingface_hub.utils import LocalEntryNotFoundError

    calls: list[bool] = []

    def fake_snapshot(repo_id: str, *, local_files_only: bool = False, allow_patterns: list[str] | None = None,
                      tqdm_class: type | None = None) -> str:
        calls.append(local_files_only)
        assert allow_patterns is not None and "*.bin" not in allow_patterns
        if local_files_only:
            raise LocalEntryNotFoundError("not cached")
        bar = tqdm_class(total=4, disable=True)
        for _ in range(4):
            bar.update(1)
        bar.close()
        return str(tiny_models["qa"])

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot)
    seen: list[tuple[float, str]] = []
    model = loading.load_model("acme/tiny-qa", "qa", device="cpu", progress=lambda f, m: seen.append((f, m)))
    assert calls == [True, False]
    assert model.info.name == "acme/tiny-qa" and model.info.spec == "acme/tiny-qa"
    assert any("Downloading acme/tiny-qa" in m for _, m in seen) and seen[-1][0] == 1.0

    def cancel(fraction: float, message: str) -> None:
        if "Downloading" in message:
            raise Cancelled()

    with pytest.raises(Cancelled):
        loading.load_model("acme/tiny-qa-2", "qa", device="cpu", progress=cancel)

    def no_network(repo_id: str, **kwargs: object) -> str:
        if kwargs.get("local_files_only"):
            raise LocalEntryNotFoundError("not cached")
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", no_network)
    with pytest.raises(ModelLoadError, match="'acme/other' is offline and not cached"):
        loading.load_model("acme/other", "qa", device="cpu")


def test_default_spec(tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "bundled_model_dir", lambda task: tiny_models.get(task, tmp_path / task))
    assert loading.default_spec("sentiment") == "bundled:sentiment"
    assert loading.default_spec("pretrain") is None
    model = loading.load_model("bundled:sentiment", "sentiment", device="cpu")
    assert model.info.name == "Bundled"


def test_installed_spacy_pipelines_without_importing_spacy() -> None:
    import subprocess
    import sys

    code = ("import sys; from bert_desk.engine.loading import installed_spacy_pipelines as f; "
            "print(f(), 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    spacy_util = pytest.importorskip("spacy.util")
    assert out == f"{sorted(spacy_util.get_installed_models())} False"
