"""One Hugging Face `Trainer` run for the QA and pre-training pipelines, on `trainer.py`'s machinery.

It reuses `trainer.py`'s progress/cancel/log callback, `TrainConfig`, `save_model` and hardware note,
and adds what both new pipelines share: the `TrainingArguments`, `run_config.json`, resume from the last
checkpoint in the run folder, and cancel -> `Cancelled` (after a checkpoint is written).
(`trainer.train` builds the same arguments inline for sentiment/NER; merging the two is a small follow-up.)
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bert_desk.engine.types import Cancelled, CancelToken, ProgressFn, no_progress
from bert_desk.training.trainer import TrainConfig, _hardware, _progress_callback


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
    `cfg.extra["bf16"]`; no evaluation by default)."""
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
    )
    kwargs.update(overrides)
    return TrainingArguments(**kwargs)


def fit(cfg: TrainConfig, *, model: Any, tokenizer: Any, train_dataset: Any, collator: Any,
        progress: ProgressFn = no_progress, cancel: CancelToken | None = None, trainer_class: Any = None,
        **argument_overrides: Any) -> FitResult:
    """Train `model` (resuming from the run's last checkpoint when `cfg.resume`); raise Cancelled on cancel."""
    import torch
    from transformers import Trainer, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    torch.set_num_threads(max(1, cfg.threads))
    set_seed(cfg.seed)
    out = Path(cfg.out)
    cls = trainer_class or Trainer
    trainer = cls(model=model, args=training_arguments(cfg, **argument_overrides), data_collator=collator,
                  train_dataset=train_dataset, processing_class=tokenizer,
                  callbacks=[_progress_callback(progress, cancel, out / "train_log.jsonl")])
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
    """The metrics.json body shared by both pipelines (plus task-specific `fields`)."""
    return {"task": cfg.task, "base": base, "config": asdict(cfg), "global_step": fitted.global_step,
            "train_runtime_s": round(fitted.elapsed_s, 1), "resumed_from": fitted.resumed_from,
            "train_loss": fitted.train_loss, "hardware": _hardware(), **fields}


def write_metrics(cfg: TrainConfig, body: dict[str, Any]) -> Path:
    path = Path(cfg.out) / "metrics.json"
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path
