"""Fine-tune a BERT-family checkpoint with one small head: [CLS] classifier or token classifier.

A run folder holds `checkpoint-N/` (resumable), `train_log.jsonl`, `metrics.json` and the final
fp16 model in `model/`. torch/transformers are imported inside functions only.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bert_desk.engine.types import Cancelled, CancelToken, ProgressFn, no_progress
from bert_desk.training import data as D
from bert_desk.training import metrics as M
from bert_desk.training.readers import DataFormatError, read_text_examples, read_token_examples

TRAIN_TASKS = ("sentiment", "ner")


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


def _load_data(cfg: TrainConfig) -> tuple[list[Any], list[Any], list[str], dict[str, Any]]:
    info: dict[str, Any] = {}
    if cfg.task == "sentiment":
        examples = D.map_text_labels(read_text_examples(cfg.train))
        if cfg.valid:
            train, valid = examples, D.map_text_labels(read_text_examples(cfg.valid))
        elif cfg.holdout > 0:
            train, valid, dropped = D.holdout_split(examples, size=cfg.holdout,
                                                    min_words=cfg.holdout_min_words, seed=cfg.seed)
            info["dropped_overlapping_train_phrases"] = dropped
            if not valid or len(train) < len(valid):  # a small file: too few long examples to hold out
                train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
                info["dropped_overlapping_train_phrases"] = 0
        else:
            train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
        labels = sorted({e.label for e in train} | {e.label for e in valid})
    else:
        examples = read_token_examples(cfg.train)
        if cfg.valid:
            train, valid = examples, read_token_examples(cfg.valid)
        else:
            train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
        labels = D.ner_labels([*train, *valid])
    if cfg.limit_train:
        train = train[: cfg.limit_train]
    if not train or not valid:
        raise DataFormatError(cfg.train, 1, f"too few examples to train and validate ({len(examples)} read)")
    info.update(train_examples=len(train), valid_examples=len(valid))
    return train, valid, labels, info


def _decode_metrics(task: str, logits: Any, label_ids: Any, id2label: dict[int, str]) -> dict[str, Any]:
    import numpy as np

    preds = np.argmax(logits, axis=-1)
    if task == "sentiment":
        gold = [id2label[int(i)] for i in label_ids]
        pred = [id2label[int(i)] for i in preds]
        return {"accuracy": M.accuracy(gold, pred),
                "per_class": M.per_class_prf(gold, pred, [id2label[i] for i in sorted(id2label)])}
    golds, predictions = [], []
    for g_row, p_row in zip(label_ids, preds, strict=True):
        g, p = D.word_tags(g_row, p_row, id2label)
        golds.append(g)
        predictions.append(p)
    entities = M.entity_prf(golds, predictions)
    flat_g = [t for s in golds for t in s]
    flat_p = [t for s in predictions for t in s]
    return {"f1": entities["micro avg"]["f1"], "precision": entities["micro avg"]["precision"],
            "recall": entities["micro avg"]["recall"], "token_accuracy": M.accuracy(flat_g, flat_p),
            "entities": entities}


def train(cfg: TrainConfig, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
          ) -> dict[str, Any]:
    """Run (or resume) a fine-tuning run; return the final validation metrics (also in metrics.json)."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )
    from transformers.trainer_utils import get_last_checkpoint

    if cfg.task not in TRAIN_TASKS:
        raise ValueError(f"unknown task {cfg.task!r}: expected one of {', '.join(TRAIN_TASKS)}")
    torch.set_num_threads(max(1, cfg.threads))
    set_seed(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    base = D.resolve_base(cfg.base)
    (out / "run_config.json").write_text(json.dumps({"base": base, "config": asdict(cfg)}, indent=2) + "\n",
                                         encoding="utf-8")
    train_ex, valid_ex, labels, info = _load_data(cfg)
    label2id = {lab: i for i, lab in enumerate(labels)}
    id2label = dict(enumerate(labels))
    tokenizer = AutoTokenizer.from_pretrained(base)
    if cfg.task == "sentiment":
        model_cls, collator = AutoModelForSequenceClassification, DataCollatorWithPadding(tokenizer)
        train_ds = D.encode_texts(tokenizer, train_ex, label2id, cfg.max_length)
        valid_ds = D.encode_texts(tokenizer, valid_ex, label2id, cfg.max_length)
    else:
        model_cls, collator = AutoModelForTokenClassification, DataCollatorForTokenClassification(tokenizer)
        train_ds = D.encode_tokens(tokenizer, train_ex, label2id, cfg.max_length)
        valid_ds = D.encode_tokens(tokenizer, valid_ex, label2id, cfg.max_length)
    model = model_cls.from_pretrained(base, num_labels=len(labels), id2label=id2label, label2id=label2id,
                                      ignore_mismatched_sizes=True)

    def compute_metrics(pred: Any) -> dict[str, float]:
        result = _decode_metrics(cfg.task, pred.predictions, pred.label_ids, id2label)
        return {k: v for k, v in result.items() if isinstance(v, float)}

    cuda = torch.cuda.is_available()
    args = TrainingArguments(
        output_dir=str(out),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=max(cfg.batch_size, 64),
        learning_rate=cfg.lr,
        warmup_steps=cfg.warmup,
        weight_decay=cfg.weight_decay,
        lr_scheduler_type="linear",
        train_sampling_strategy="group_by_length",
        save_strategy="steps",
        save_steps=cfg.save_steps,
        save_total_limit=2,
        eval_strategy="epoch" if cfg.eval_each_epoch else "no",
        logging_strategy="steps",
        logging_steps=cfg.logging_steps,
        logging_first_step=True,
        seed=cfg.seed,
        data_seed=cfg.seed,
        fp16=cuda,
        use_cpu=not cuda,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        optim="adamw_torch",
    )
    log_path = out / "train_log.jsonl"
    trainer = Trainer(model=model, args=args, data_collator=collator, train_dataset=train_ds,
                      eval_dataset=valid_ds, processing_class=tokenizer, compute_metrics=compute_metrics,
                      callbacks=[_progress_callback(progress, cancel, log_path)])
    checkpoint = get_last_checkpoint(str(out)) if cfg.resume and out.is_dir() else None
    if cfg.resume and checkpoint is None:
        print(f"no checkpoint in {out}: starting from scratch", flush=True)
    started = time.time()
    result = trainer.train(resume_from_checkpoint=checkpoint)
    elapsed = time.time() - started
    if cancel is not None and cancel.cancelled:
        raise Cancelled(f"Training cancelled at step {trainer.state.global_step}; resume with --resume")
    progress(1.0, "evaluating")
    prediction = trainer.predict(valid_ds)
    metrics = _decode_metrics(cfg.task, prediction.predictions, prediction.label_ids, id2label)
    save_model(trainer.model, tokenizer, out / "model", base=base)
    summary = {
        "task": cfg.task, "base": base, "labels": labels, "config": asdict(cfg), **info,
        "global_step": trainer.state.global_step, "train_runtime_s": round(elapsed, 1),
        "resumed_from": checkpoint, "train_loss": result.training_loss,
        "hardware": _hardware(), "valid": metrics,
    }
    (out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _hardware() -> str:
    import torch

    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}"


def save_model(model: Any, tokenizer: Any, folder: Path, base: str | None = None) -> Path:
    """Save a standard HF folder with fp16 safetensors weights that load back as float32 by default."""
    import copy

    from bert_desk.training.export import finalize_folder

    folder.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to("cpu").half()
    half.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return finalize_folder(folder, base)
