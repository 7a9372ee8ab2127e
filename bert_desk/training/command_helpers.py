"""What every `bert-desk train` / `evaluate` handler shares: the run's `TrainConfig` from the command line,
errors reported as one line (exit status 2, no traceback), and `--export-to`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from bert_desk.training.runner import TrainConfig, extra_options

T = TypeVar("T")


def config_from_args(args: Any, *, max_length: int, eval_each_epoch: bool = True,
                     extra: dict[str, Any] | None = None) -> TrainConfig:
    """The one `TrainConfig` of a `bert-desk train` command line: its common options, the task's default
    `max_length` (used when `--max-length` is not given) and the task's own `extra` keys."""
    return TrainConfig(
        task=args.task, base=args.base, train=args.train or "", out=args.out, valid=args.valid,
        valid_fraction=args.valid_fraction, holdout=args.holdout, holdout_min_words=args.holdout_min_words,
        epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size, lr=args.lr,
        warmup=args.warmup if args.warmup < 1 else int(args.warmup), weight_decay=args.weight_decay,
        max_length=args.max_length or max_length, seed=args.seed, resume=args.resume,
        save_steps=args.save_steps, logging_steps=args.logging_steps, eval_each_epoch=eval_each_epoch,
        threads=args.threads, limit_train=args.limit_train,
        extra={**extra_options(args.bf16, args.label_smoothing), **(extra or {})})


def reporting_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """`fn(*args, **kwargs)`; a missing or bad data file, model or option (`ValueError`s included) becomes one
    `error:` line on stderr and None."""
    from bert_desk.engine.types import EngineError
    from bert_desk.training.readers import DataFormatError

    try:
        return fn(*args, **kwargs)
    except (DataFormatError, EngineError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def export_if_asked(args: Any) -> None:
    """After `bert-desk train … --export-to DIR`: copy the run's final model to DIR and say so."""
    if args.export_to:
        from bert_desk.training.export import export_model

        export_model(args.out, args.export_to)
        print(f"exported to {args.export_to}")
