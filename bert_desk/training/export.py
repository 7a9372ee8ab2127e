"""Finalise a trained model folder and copy it (config, tokenizer, fp16 weights) to a destination."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
               "special_tokens_map.json")
TOKENIZER_EXTRAS = ("vocab.txt", "special_tokens_map.json")


def final_model(path: str | Path) -> Path:
    """A run folder stands for its final `model/`; any other folder for itself."""
    path = Path(path)
    return path / "model" if (path / "model" / "config.json").is_file() else path


def finalize_folder(folder: str | Path, base: str | Path | None = None) -> Path:
    """Make a saved folder load as float32 by default and carry the classic tokenizer files.

    Weights stay fp16 on disk; `dtype` in config.json is set to float32 so that `from_pretrained`
    (and `pipeline`) upcast them. vocab.txt / special_tokens_map.json are copied from `base` if missing.
    """
    folder = Path(folder)
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["dtype"] = "float32"
    config.pop("torch_dtype", None)
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if base is not None and Path(base).is_dir():
        for name in TOKENIZER_EXTRAS:
            source = Path(base) / name
            if source.is_file() and not (folder / name).exists():
                shutil.copy2(source, folder / name)
    return folder


def save_model(model: Any, tokenizer: Any, folder: Path, base: str | None = None) -> Path:
    """Save a standard HF folder with fp16 safetensors weights that load back as float32 by default."""
    import copy

    folder.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to("cpu").half()
    half.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return finalize_folder(folder, base)


def _latest_checkpoint(path: Path) -> Path | None:
    checkpoints = [p for p in path.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()]
    return max(checkpoints, key=lambda p: int(p.name.split("-")[-1])) if checkpoints else None


def convert_checkpoint(checkpoint: Path, folder: Path, base: str | None = None) -> Path:
    """Save a Trainer checkpoint (fp32 weights) as a final fp16 model folder."""
    from transformers import (
        AutoConfig,
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    config = AutoConfig.from_pretrained(checkpoint)
    token_task = any("TokenClassification" in a for a in (config.architectures or []))
    cls = AutoModelForTokenClassification if token_task else AutoModelForSequenceClassification
    model = cls.from_pretrained(checkpoint, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint if (checkpoint / "tokenizer.json").is_file() else base)
    return save_model(model, tokenizer, folder, base=base)


def _model_dir(path: Path, base: str | None) -> Path:
    if (final := final_model(path)) != path:
        return final
    if (path / "config.json").is_file() and not path.name.startswith("checkpoint-"):
        return path
    checkpoint = path if path.name.startswith("checkpoint-") else _latest_checkpoint(path)
    if checkpoint is not None and (checkpoint / "config.json").is_file():
        return convert_checkpoint(checkpoint, checkpoint.parent / "model-from-checkpoint", base)
    raise FileNotFoundError(f"no model (config.json) or checkpoint in {path}")


def export_model(run: str | Path, dest: str | Path, base: str | None = None) -> Path:
    """Copy the model files of a run folder (or model folder) into `dest`, leaving other files there.

    A run without a final `model/` (stopped early) is exported from its latest checkpoint, in fp16.
    `base` (spec of the base checkpoint) supplies vocab.txt etc.; by default it is read from the run.
    """
    run = Path(run)
    for info in (run / "metrics.json", run / "run_config.json", run.parent / "run_config.json"):
        if base is None and info.is_file():
            base = json.loads(info.read_text(encoding="utf-8")).get("base")
    if base is not None:
        from bert_desk.training.data import resolve_base

        base = resolve_base(str(base))
    source = _model_dir(run, base)
    finalize_folder(source, base)
    return _copy_files(source, Path(dest), MODEL_FILES)


def _copy_files(source: Path, dest: Path, names: tuple[str, ...]) -> Path:
    """Copy those of `names` that `source` has into `dest` (made if needed), readable by all (0644)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (source / name).is_file():
            shutil.copyfile(source / name, dest / name)
            (dest / name).chmod(0o644)
    return dest


def copy_version(folder: str | Path, dest: str | Path) -> Path:
    """Copy a project's model version (its model files, model card and `version.json`) into `dest`, a folder
    that `--model` accepts; OSError (FileNotFoundError when `folder` is missing) otherwise."""
    folder, dest = Path(folder), Path(dest)
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder}: no model here (config.json is missing)")
    return _copy_files(folder, dest, (*MODEL_FILES, "README.md", "version.json"))
