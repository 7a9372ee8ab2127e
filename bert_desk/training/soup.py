"""Weight averaging ("model soup") of fine-tuned checkpoints that share a base and a head.

Averaging the weights of several fine-tunes of the same pre-trained model often scores like an
ensemble of them while costing one model at inference (Wortsman et al., 2022, "Model soups").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bert_desk.training.export import MODEL_FILES, final_model, finalize_folder

SOUP_RECORD = "averaged_from.json"


class SoupError(ValueError):
    """The models cannot be averaged (missing weights, different heads or shapes)."""


def _weights_file(folder: Path) -> Path:
    path = folder / "model.safetensors"
    if not path.is_file():
        raise SoupError(f"{folder}: no model.safetensors (only safetensors folders can be averaged)")
    return path


def _head_signature(folder: Path) -> tuple:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    labels = config.get("id2label") or {}
    return (tuple(config.get("architectures") or ()), tuple(sorted((str(k), v) for k, v in labels.items())))


def average_models(models: list[str | Path], dest: str | Path, weights: list[float] | None = None) -> Path:
    """Write the weighted mean of the models' weights to `dest` as fp16 safetensors.

    A run folder stands for its `model/`. Config and tokenizer files come from the first model. Every model
    must have the same architecture, labels and tensor shapes; `weights` (default equal) are normalised to sum to 1.
    """
    import torch
    from safetensors.torch import load_file, save_file

    folders = [final_model(m) for m in models]
    if len(folders) < 2:
        raise SoupError("give at least two models to average")
    weights = list(weights) if weights else [1.0] * len(folders)
    if len(weights) != len(folders) or min(weights) < 0 or sum(weights) <= 0:
        raise SoupError("give one non-negative weight per model (not all zero)")
    shares = [w / sum(weights) for w in weights]
    signature = _head_signature(folders[0])
    total: dict[str, torch.Tensor] = {}
    for folder, share in zip(folders, shares, strict=True):
        if _head_signature(folder) != signature:
            raise SoupError(f"{folder}: architecture or labels differ from {folders[0]}")
        tensors = load_file(str(_weights_file(folder)))
        if total and tensors.keys() != total.keys():
            raise SoupError(f"{folder}: its weights are not the same tensors as {folders[0]}'s")
        for name, tensor in tensors.items():
            if name in total and total[name].shape != tensor.shape:
                raise SoupError(f"{folder}: tensor {name} has shape {tuple(tensor.shape)}, "
                                f"not {tuple(total[name].shape)}")
            scaled = tensor.to(torch.float32) * share
            total[name] = total[name] + scaled if name in total else scaled
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        if name != "model.safetensors" and (folders[0] / name).is_file():
            shutil.copyfile(folders[0] / name, dest / name)
    save_file({k: v.to(torch.float16).contiguous() for k, v in total.items()}, str(dest / "model.safetensors"),
              metadata={"format": "pt"})
    record = {"models": [str(f) for f in folders], "weights": shares}
    (dest / SOUP_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return finalize_folder(dest)
