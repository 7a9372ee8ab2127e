"""Finalise a trained model folder and copy it (config, tokenizer, fp16 weights) to a destination."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
               "special_tokens_map.json")
TOKENIZER_EXTRAS = ("vocab.txt", "special_tokens_map.json")


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


def _model_dir(path: Path) -> Path:
    if (path / "model" / "config.json").is_file():
        return path / "model"
    if (path / "config.json").is_file():
        return path
    raise FileNotFoundError(f"no model (config.json) in {path} or {path / 'model'}")


def export_model(run: str | Path, dest: str | Path) -> Path:
    """Copy the model files of a run folder (or model folder) into `dest`, leaving other files there."""
    source = _model_dir(Path(run))
    base = None
    metrics = Path(run) / "metrics.json"
    if metrics.is_file():
        base = json.loads(metrics.read_text(encoding="utf-8")).get("base")
    finalize_folder(source, base)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, dest / name)
    return dest
