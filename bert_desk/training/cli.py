"""argparse front end: `train sentiment|ner|qa|pretrain`, `evaluate sentiment|ner|qa|pretrain`, `export-model`,
`average-models`.

The app's CLI calls `add_parsers(subparsers)`; each sub-command sets `handler(args) -> int`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bert_desk.training import pretrain_commands, qa_commands

TASK_CHOICES = ("sentiment", "ner")
TRAIN_CHOICES = (*TASK_CHOICES, "qa", "pretrain")
EVALUATE_CHOICES = (*TASK_CHOICES, "qa", "pretrain")
DEFAULT_MAX_LENGTH = {"sentiment": 64, "ner": 128}


def add_parsers(subparsers: Any) -> None:
    """Add the `train` and `evaluate` sub-commands to an argparse subparsers object."""
    tr = subparsers.add_parser("train", help="fine-tune a BERT-family model (sentiment, NER, QA) or pre-train one",
                               description="Fine-tune a BERT-family checkpoint with one small head.")
    tr.add_argument("task", choices=TRAIN_CHOICES)
    tr.add_argument("--base", required=True, help="base checkpoint: folder, HF id, bundled:<task> or 'minilm'")
    tr.add_argument("--train", help="training file (.tsv/.csv/.jsonl, CoNLL/WNUT, or SQuAD JSON for qa)")
    tr.add_argument("--valid", help="validation file (default: split off the training file)")
    tr.add_argument("--out", required=True, help="run folder (checkpoints, logs, metrics.json, model/)")
    tr.add_argument("--epochs", type=float, default=3.0)
    tr.add_argument("--max-steps", type=int, default=-1, help="stop after N optimiser steps (overrides epochs)")
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=5e-5)
    tr.add_argument("--warmup", type=float, default=0.06, help="warmup: ratio (<1) or steps")
    tr.add_argument("--weight-decay", type=float, default=0.01)
    tr.add_argument("--max-length", type=int, help="max tokens (default: 64 sentiment, 128 NER)")
    tr.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    tr.add_argument("--valid-fraction", type=float, default=0.1,
                    help="random validation share when neither --valid nor a sentiment hold-out is used")
    tr.add_argument("--holdout", type=int, default=2000,
                    help="sentiment without --valid: hold out N long examples (0: random --valid-fraction)")
    tr.add_argument("--holdout-min-words", type=int, default=8)
    tr.add_argument("--seed", type=int, default=13)
    tr.add_argument("--save-steps", type=int, default=500)
    tr.add_argument("--logging-steps", type=int, default=50)
    tr.add_argument("--no-eval", action="store_true", help="skip evaluation after each epoch")
    tr.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    tr.add_argument("--limit-train", type=int, default=0, help="use only the first N training examples")
    tr.add_argument("--export-to", help="after training, copy the final model to this folder")
    tr.add_argument("--bf16", action="store_true",
                    help="on CPU: bfloat16 autocast (about 2x faster where the CPU has AVX512-BF16 or AMX; "
                         "weights stay float32; CUDA always uses fp16)")
    tr.add_argument("--label-smoothing", type=float, default=0.0,
                    help="sentiment / ner: label smoothing factor of the cross-entropy loss (e.g. 0.1)")
    qa_commands.add_train_options(tr)
    pretrain_commands.add_train_options(tr)
    tr.set_defaults(handler=run_train)

    ev = subparsers.add_parser("evaluate", help="score a model on labelled data",
                               description="Accuracy and per-class P/R/F1, entity-level P/R/F1, SQuAD EM/F1, or "
                                           "masked-token and NSP accuracy.")
    ev.add_argument("task", choices=EVALUATE_CHOICES)
    ev.add_argument("--model", required=True, help="model spec: folder, bundled:<task> or HF id")
    ev.add_argument("--data", required=True, help="labelled file (pretrain: plain text or SQuAD JSON)")
    ev.add_argument("--json", action="store_true", help="print metrics as JSON")
    ev.add_argument("--limit", type=int, default=0,
                    help="evaluate only the first N examples (pretrain: sentence pairs)")
    ev.add_argument("--batch-size", type=int, default=32)
    ev.add_argument("--max-length", type=int)
    ev.add_argument("--threads", type=int, default=2)
    qa_commands.add_evaluate_options(ev)
    pretrain_commands.add_evaluate_options(ev)
    ev.set_defaults(handler=run_evaluate)

    ex = subparsers.add_parser("export-model", help="copy a trained model folder (fp16) into a destination",
                               description="Copy config, tokenizer and weights of a run's model/ folder.")
    ex.add_argument("run", help="run folder (with model/) or model folder")
    ex.add_argument("dest", help="destination, e.g. resources/models/sentiment")
    ex.add_argument("--base", help="base checkpoint spec for vocab.txt etc. (default: read from the run)")
    ex.set_defaults(handler=run_export)

    av = subparsers.add_parser("average-models", help="average the weights of fine-tunes of one base (model soup)",
                               description="Write the (weighted) mean of the weights of models that share base, "
                                           "architecture and labels, as one fp16 model folder.")
    av.add_argument("models", nargs="+", help="model folders or run folders (with model/)")
    av.add_argument("--out", required=True, help="destination folder")
    av.add_argument("--weights", type=float, nargs="+", help="one weight per model (default: equal)")
    av.set_defaults(handler=run_average)


def run_train(args: argparse.Namespace) -> int:
    """Handler of `train`."""
    if args.task in ("qa", "pretrain"):
        if args.label_smoothing:  # their losses come from the model (span / MLM+NSP), not the Trainer's smoother
            print(f"error: --label-smoothing applies to sentiment and ner, not {args.task}", file=sys.stderr)
            return 2
        return (qa_commands.run_train_qa if args.task == "qa" else pretrain_commands.run_train_pretrain)(args)
    if not args.train:
        print(f"error: train {args.task} needs --train FILE", file=sys.stderr)
        return 2
    from bert_desk.training.classifier_train import train
    from bert_desk.training.command_helpers import config_from_args, export_if_asked, reporting_errors

    cfg = config_from_args(args, max_length=DEFAULT_MAX_LENGTH[args.task], eval_each_epoch=not args.no_eval)
    summary = reporting_errors(train, cfg)
    if summary is None:
        return 2
    print(_summary_text(args.task, summary["valid"]))
    export_if_asked(args)
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """Handler of `evaluate`."""
    if args.task in ("qa", "pretrain"):
        return (qa_commands.run_evaluate_qa if args.task == "qa" else pretrain_commands.run_evaluate_pretrain)(args)
    from bert_desk.terminal import progress_line
    from bert_desk.training.command_helpers import reporting_errors
    from bert_desk.training.evaluate import evaluate

    with progress_line() as progress:
        result = reporting_errors(evaluate, args.task, args.model, args.data, limit=args.limit,
                                  batch_size=args.batch_size, threads=args.threads,
                                  max_length=args.max_length or DEFAULT_MAX_LENGTH[args.task], progress=progress)
    if result is None:
        return 2
    print(json.dumps(result, indent=2) if args.json else _summary_text(args.task, result))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Handler of `export-model`."""
    from bert_desk.training.command_helpers import reporting_errors
    from bert_desk.training.export import export_model

    dest = reporting_errors(export_model, args.run, args.dest, base=args.base)
    if dest is None:
        return 2
    print(f"exported to {dest}")
    return 0


def run_average(args: argparse.Namespace) -> int:
    """Handler of `average-models`."""
    from bert_desk.training.command_helpers import reporting_errors
    from bert_desk.training.soup import average_models

    dest = reporting_errors(average_models, args.models, args.out, args.weights)
    if dest is None:
        return 2
    print(f"averaged {len(args.models)} models into {dest}")
    return 0


def _summary_text(task: str, metrics: dict[str, Any]) -> str:
    from bert_desk.training.metrics import format_table

    if task == "sentiment":
        head = f"accuracy {metrics['accuracy']:.4f}"
        return head + "\n" + format_table(metrics["per_class"])
    head = (f"entity F1 {metrics['f1']:.4f} (P {metrics['precision']:.4f}, R {metrics['recall']:.4f}); "
            f"token accuracy {metrics['token_accuracy']:.4f}")
    return head + "\n" + format_table(metrics["entities"])
