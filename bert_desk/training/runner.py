"""One Hugging Face `Trainer` run, shared by every training pipeline (sentiment, NER, QA, pre-training).

`TrainConfig` decides a run; `fit` builds the `TrainingArguments`, reports progress and honours cancel
through a callback (a checkpoint is written before it stops), resumes from the run folder's last
checkpoint (`export.save_model` writes the final fp16 safetensors folder). A run folder holds
`checkpoint-N/`, `train_log.jsonl`, `run_config.json`, `metrics.json` and `model/`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bert_desk.engine.device import CPU_PRECISION_KEY
from bert_desk.engine.types import Cancelled, CancelToken, ProgressFn, no_progress


@dataclass
class TrainConfig:
    """Everything that decides a run (saved into metrics.json)."""

    task: str
    base: str
    train: str
    out: str
    valid: str | None = None
    valid_fraction: float = 0.1
    holdout: int = 2000  # sentiment without --valid: long examples held out
    holdout_min_words: int = 8
    epochs: float = 3.0
    max_steps: int = -1
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 13
    resume: bool = False
    save_steps: int = 500
    logging_steps: int = 50
    eval_each_epoch: bool = True
    threads: int = 2
    limit_train: int = 0  # use only the first N training examples (smoke runs)
    extra: dict[str, Any] = field(default_factory=dict)


def extra_options(bf16: bool, label_smoothing: float, keep_overlap: bool = False,
                  holdout_seed: int | None = None) -> dict[str, Any]:
    """The `TrainConfig.extra` keys that `training_arguments` reads, only those that are set (so runs
    without them keep an empty `extra`)."""
    extra: dict[str, Any] = {}
    if bf16:
        extra["bf16"] = True
    if label_smoothing:
        extra["label_smoothing"] = label_smoothing
    if keep_overlap:
        extra["keep_overlap"] = True
    if holdout_seed is not None:
        extra["holdout_seed"] = holdout_seed
    return extra


def _progress_callback(progress: ProgressFn, cancel: CancelToken | None, log_path: Path) -> Any:
    from transformers import TrainerCallback

    class ProgressCallback(TrainerCallback):
        """Report progress, append logs to a JSONL file and stop (with a checkpoint) on cancel."""

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            total = max(state.max_steps, 1)
            progress(min(state.global_step / total, 1.0), f"step {state.global_step}/{total}")
            if cancel is not None and cancel.cancelled:
                control.should_training_stop = True
                control.should_save = True
            return control

        def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None, **kwargs: Any) -> Any:
            record = {"step": state.global_step, "epoch": state.epoch, "time": time.time(), **(logs or {})}
            with log_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
            print(json.dumps(record), flush=True)
            return control

    return ProgressCallback()


@dataclass
class FitResult:
    """What a finished run left behind."""

    trainer: Any
    train_loss: float
    global_step: int
    elapsed_s: float
    resumed_from: str | None


def write_run_config(cfg: TrainConfig, base: str) -> Path:
    """Seed everything and set the CPU threads (before any head is initialised), and write
    `run_config.json` (the base is read back by `export-model`)."""
    import torch
    from transformers import set_seed

    torch.set_num_threads(max(1, cfg.threads))
    set_seed(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "run_config.json"
    path.write_text(json.dumps({"base": base, "config": asdict(cfg)}, indent=2) + "\n", encoding="utf-8")
    return path


def training_arguments(cfg: TrainConfig, **overrides: Any) -> Any:
    """`TrainingArguments` from a TrainConfig (CPU unless CUDA; fp16 on CUDA, bf16 autocast on CPU when
    `cfg.extra["bf16"]`; label smoothing from `cfg.extra["label_smoothing"]`; no evaluation by default)."""
    import torch
    from transformers import TrainingArguments

    cuda = torch.cuda.is_available()
    bf16 = bool(cfg.extra.get("bf16")) and not cuda  # CPU autocast; ~2x on CPUs with AVX512-BF16 / AMX
    kwargs: dict[str, Any] = dict(
        output_dir=cfg.out, num_train_epochs=cfg.epochs, max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size, per_device_eval_batch_size=max(cfg.batch_size, 32),
        learning_rate=cfg.lr, warmup_steps=cfg.warmup, weight_decay=cfg.weight_decay, lr_scheduler_type="linear",
        save_strategy="steps", save_steps=cfg.save_steps, save_total_limit=2, eval_strategy="no",
        logging_strategy="steps", logging_steps=cfg.logging_steps, logging_first_step=True, seed=cfg.seed,
        data_seed=cfg.seed, fp16=cuda, bf16=bf16, use_cpu=not cuda, report_to="none", disable_tqdm=True,
        dataloader_num_workers=0, optim="adamw_torch",
        label_smoothing_factor=float(cfg.extra.get("label_smoothing", 0.0)),
    )
    kwargs.update(overrides)
    return TrainingArguments(**kwargs)


def fit(cfg: TrainConfig, *, model: Any, tokenizer: Any, train_dataset: Any, collator: Any,
        progress: ProgressFn = no_progress, cancel: CancelToken | None = None, trainer_class: Any = None,
        eval_dataset: Any = None, compute_metrics: Any = None, **argument_overrides: Any) -> FitResult:
    """Train `model` (resuming from the run's last checkpoint when `cfg.resume`); raise Cancelled on cancel.

    `eval_dataset`/`compute_metrics` go to the `Trainer` (for per-epoch evaluation, via
    `eval_strategy="epoch"` in `argument_overrides`, which override the `training_arguments` defaults).
    """
    import torch
    from transformers import Trainer, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    torch.set_num_threads(max(1, cfg.threads))
    set_seed(cfg.seed)
    # The base's card may allow int8 on CPU; the new weights' int8 accuracy is unmeasured: they run fp32.
    if hasattr(model.config, CPU_PRECISION_KEY):
        delattr(model.config, CPU_PRECISION_KEY)
    out = Path(cfg.out)
    cls = trainer_class or Trainer
    trainer = cls(model=model, args=training_arguments(cfg, **argument_overrides), data_collator=collator,
                  train_dataset=train_dataset, eval_dataset=eval_dataset, compute_metrics=compute_metrics,
                  processing_class=tokenizer, callbacks=[_progress_callback(progress, cancel, out / "train_log.jsonl")])
    checkpoint = get_last_checkpoint(str(out)) if cfg.resume and out.is_dir() else None
    if cfg.resume and checkpoint is None:
        print(f"no checkpoint in {out}: starting from scratch", flush=True)
    started = time.time()
    result = trainer.train(resume_from_checkpoint=checkpoint)
    elapsed = time.time() - started
    if cancel is not None and cancel.cancelled:
        raise Cancelled(f"Training cancelled at step {trainer.state.global_step}; resume with --resume")
    return FitResult(trainer, float(result.training_loss), int(trainer.state.global_step), elapsed, checkpoint)


def summary(cfg: TrainConfig, base: str, fitted: FitResult, **fields: Any) -> dict[str, Any]:
    """The metrics.json body shared by every pipeline (plus task-specific `fields`)."""
    return {"task": cfg.task, "base": base, "config": asdict(cfg), "global_step": fitted.global_step,
            "train_runtime_s": round(fitted.elapsed_s, 1), "resumed_from": fitted.resumed_from,
            "train_loss": fitted.train_loss, "hardware": _hardware(), **fields}


def write_metrics(cfg: TrainConfig, body: dict[str, Any]) -> Path:
    """Write `<out>/metrics.json`."""
    path = Path(cfg.out) / "metrics.json"
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path


def _hardware() -> str:
    import torch

    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}"
