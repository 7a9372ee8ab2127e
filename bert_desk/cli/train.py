"""`bert-desk train sentiment|ner|qa|pretrain`, `evaluate sentiment|ner|qa|pretrain`, `export-model` and
`average-models`: the command line of the training library (`bert_desk.training`).

`bert_desk.cli` calls `add_parsers(subparsers)`; each sub-command sets `handler(args) -> int`. A missing or
bad data file, model or option is one `error:` line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from bert_desk.cli._util import add_precision_option, devices_text

T = TypeVar("T")

TASK_CHOICES = ("sentiment", "ner")
TRAIN_CHOICES = (*TASK_CHOICES, "qa", "pretrain")
EVALUATE_CHOICES = (*TASK_CHOICES, "qa", "pretrain")
DEFAULT_MAX_LENGTH = {"sentiment": 64, "ner": 128}


def add_parsers(subparsers: Any) -> None:
    """Add `train`, `evaluate`, `export-model` and `average-models` to an argparse subparsers object."""
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
    tr.add_argument("--keep-overlap", action="store_true",
                    help="sentiment hold-out: keep training phrases that occur inside held-out sentences")
    tr.add_argument("--seed", type=int, default=13)
    tr.add_argument("--holdout-seed", type=int,
                    help="sentiment hold-out: seed of the held-out choice (default --seed), so runs of several "
                         "seeds can share one hold-out")
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
    tr.add_argument("--teacher", action="append", default=[], metavar="MODEL",
                    help="sentiment: distil from this fine-tuned model (repeat for an ensemble; their "
                         "probabilities are averaged)")
    tr.add_argument("--distill-alpha", type=float, default=0.5,
                    help="with --teacher: weight of the gold-label loss (the rest is the teachers' soft labels)")
    tr.add_argument("--temperature", type=float, default=2.0, help="with --teacher: softmax temperature")
    tr.add_argument("--unlabelled", metavar="FILE",
                    help="with --teacher: more texts, one a line, that train on the teachers' soft labels only")
    group = tr.add_argument_group(
        "qa (SQuAD JSON in --train)", "With qa and pretrain, --limit-train N takes a seeded random sample of N questions/pairs.")
    group.add_argument("--doc-stride", type=int, default=128,
                       help="qa: tokens shared by neighbouring windows of a long context (default 128)")
    group.add_argument("--holdout-articles", type=float, default=0.05,
                       help="qa / pretrain on SQuAD: share of whole articles held out for validation")
    group.add_argument("--eval-questions", type=int, default=2000,
                       help="qa: held-out questions scored after training (0: all)")
    group = tr.add_argument_group("pretrain (masked LM + next-sentence prediction)")
    group.add_argument("--corpus", nargs="+", metavar="FILE",
                       help="pretrain: plain-text files (documents separated by blank lines) or SQuAD JSON")
    group.add_argument("--eval-sequences", type=int, default=2000,
                       help="pretrain: held-out sentence pairs scored after training")
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
    ev.add_argument("--doc-stride", type=int, default=128, help="qa: overlap of context windows")
    ev.add_argument("--device", default="cpu", help=f"qa / pretrain: {devices_text()} (default cpu)")
    ev.add_argument("--predictions", metavar="FILE", help="qa: write {id: predicted answer} JSON here")
    add_precision_option(ev)
    group = ev.add_argument_group("pretrain (masked LM + NSP on plain text or SQuAD JSON in --data)")
    group.add_argument("--holdout-articles", type=float, default=0.0,
                       help="pretrain: score only the articles/documents that `train pretrain` with this fraction "
                            "and --seed held out (default 0: every document)")
    group.add_argument("--seed", type=int, default=13, help="pretrain: seed of the held-out split, pairs and masks")
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


# --------------------------------------------------------------------------- shared by the handlers


def config_from_args(args: Any, *, max_length: int, eval_each_epoch: bool = True,
                     extra: dict[str, Any] | None = None) -> Any:
    """The one `TrainConfig` of a `bert-desk train` command line: its common options, the task's default
    `max_length` (used when `--max-length` is not given) and the task's own `extra` keys."""
    from bert_desk.training.runner import TrainConfig, extra_options

    return TrainConfig(
        task=args.task, base=args.base, train=args.train or "", out=args.out, valid=args.valid,
        valid_fraction=args.valid_fraction, holdout=args.holdout, holdout_min_words=args.holdout_min_words,
        epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size, lr=args.lr,
        warmup=args.warmup if args.warmup < 1 else int(args.warmup), weight_decay=args.weight_decay,
        max_length=args.max_length or max_length, seed=args.seed, resume=args.resume,
        save_steps=args.save_steps, logging_steps=args.logging_steps, eval_each_epoch=eval_each_epoch,
        threads=args.threads, limit_train=args.limit_train,
        extra={**extra_options(args.bf16, args.label_smoothing, getattr(args, "keep_overlap", False),
                               getattr(args, "holdout_seed", None)),
               **(extra or {})})


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


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _train_and_report(args: argparse.Namespace, train: Callable[[Any], dict[str, Any] | None], cfg: Any,
                      report: Callable[[dict[str, Any]], str]) -> int:
    """Train, print `report(summary)`, then copy the final model where `--export-to` says."""
    summary = reporting_errors(train, cfg)
    if summary is None:
        return 2
    print(report(summary))
    if args.export_to:
        from bert_desk.training.export import export_model

        export_model(args.out, args.export_to)
        print(f"exported to {args.export_to}")
    return 0


def _evaluate_and_report(args: argparse.Namespace, evaluate: Callable[..., dict[str, Any] | None],
                         text: Callable[[dict[str, Any]], str], *call_args: Any, **kwargs: Any) -> int:
    from bert_desk.terminal import progress_line

    with progress_line() as progress:
        result = reporting_errors(evaluate, *call_args, progress=progress, **kwargs)
    if result is None:
        return 2
    print(json.dumps(result, indent=2) if args.json else text(result))
    return 0


# --------------------------------------------------------------------------- handlers


def run_train(args: argparse.Namespace) -> int:
    """Handler of `train`."""
    if args.task in ("qa", "pretrain") and args.label_smoothing:
        # their losses come from the model (span / MLM+NSP), not the Trainer's smoother
        return _usage_error(f"--label-smoothing applies to sentiment and ner, not {args.task}")
    if args.task == "qa":
        from bert_desk.training.qa_train import train_qa

        if not args.train:
            return _usage_error("train qa needs --train FILE (SQuAD v1.1 JSON)")
        cfg = config_from_args(args, max_length=256, eval_each_epoch=False,
                               extra={"doc_stride": args.doc_stride, "holdout_articles": args.holdout_articles,
                                      "eval_questions": args.eval_questions})
        return _train_and_report(args, train_qa, cfg, _qa_train_report)
    if args.task == "pretrain":
        from bert_desk.training.pretrain_train import train_pretrain

        corpus = list(args.corpus or []) or ([args.train] if args.train else [])
        if not corpus:
            return _usage_error("train pretrain needs --corpus FILE…")
        cfg = config_from_args(args, max_length=128, eval_each_epoch=False,
                               extra={"corpus": corpus, "holdout_articles": args.holdout_articles,
                                      "eval_sequences": args.eval_sequences})
        return _train_and_report(args, train_pretrain, cfg, lambda summary: scores_text(summary["valid"]))
    if not args.train:
        return _usage_error(f"train {args.task} needs --train FILE")
    from bert_desk.training.classifier_train import train

    if args.teacher and args.task != "sentiment":
        return _usage_error(f"--teacher applies to sentiment, not {args.task}")
    if args.unlabelled and not args.teacher:
        return _usage_error("--unlabelled needs --teacher (unlabelled texts learn from the teachers)")
    distill = ({"teachers": args.teacher, "distill_alpha": args.distill_alpha, "temperature": args.temperature,
                **({"unlabelled": args.unlabelled} if args.unlabelled else {})} if args.teacher else {})
    cfg = config_from_args(args, max_length=DEFAULT_MAX_LENGTH[args.task], eval_each_epoch=not args.no_eval,
                           extra=distill)
    return _train_and_report(args, train, cfg, lambda summary: summary_text(args.task, summary["valid"]))


def run_evaluate(args: argparse.Namespace) -> int:
    """Handler of `evaluate`."""
    if args.task == "qa":  # official SQuAD EM/F1 of the engine's answers
        from bert_desk.training.qa_train import evaluate_qa

        return _evaluate_and_report(args, evaluate_qa, qa_summary_text, args.model, args.data, limit=args.limit,
                                    max_length=args.max_length or 384, doc_stride=args.doc_stride,
                                    device=args.device, threads=args.threads, predictions_out=args.predictions)
    if args.task == "pretrain":  # masked-token and NSP accuracy of a checkpoint's pre-training heads
        from bert_desk.training.pretrain_eval import evaluate_pretrain

        return _evaluate_and_report(args, evaluate_pretrain, scores_text, args.model, [args.data],
                                    holdout_articles=args.holdout_articles, seed=args.seed,
                                    max_length=args.max_length or 128, eval_sequences=args.limit,
                                    batch_size=args.batch_size, device=args.device, threads=args.threads)
    from bert_desk.training.evaluate import evaluate

    return _evaluate_and_report(args, evaluate, lambda metrics: summary_text(args.task, metrics), args.task,
                                args.model, args.data, limit=args.limit, batch_size=args.batch_size,
                                threads=args.threads, max_length=args.max_length or DEFAULT_MAX_LENGTH[args.task],
                                precision="int8" if args.precision == "int8" else "fp32")


def run_export(args: argparse.Namespace) -> int:
    """Handler of `export-model`."""
    from bert_desk.training.export import export_model

    dest = reporting_errors(export_model, args.run, args.dest, base=args.base)
    if dest is None:
        return 2
    print(f"exported to {dest}")
    return 0


def run_average(args: argparse.Namespace) -> int:
    """Handler of `average-models`."""
    from bert_desk.training.soup import average_models

    dest = reporting_errors(average_models, args.models, args.out, args.weights)
    if dest is None:
        return 2
    print(f"averaged {len(args.models)} models into {dest}")
    return 0


# --------------------------------------------------------------------------- summaries


def summary_text(task: str, metrics: dict[str, Any]) -> str:
    """Sentiment: accuracy and a per-class table; NER: entity P/R/F1, token accuracy and a per-type table."""
    from bert_desk.training.metrics import format_table

    if task == "sentiment":
        head = f"accuracy {metrics['accuracy']:.4f}"
        return head + "\n" + format_table(metrics["per_class"])
    head = (f"entity F1 {metrics['f1']:.4f} (P {metrics['precision']:.4f}, R {metrics['recall']:.4f}); "
            f"token accuracy {metrics['token_accuracy']:.4f}")
    return head + "\n" + format_table(metrics["entities"])


def _qa_train_report(summary: dict[str, Any]) -> str:
    anchoring = summary["anchoring"]
    return (qa_summary_text(summary["valid"]) + "\n"
            f"answers re-anchored: {anchoring['moved']} moved, {anchoring['dropped']} dropped, "
            f"{anchoring['ambiguous']} ambiguous (text occurs more than once) of {anchoring['answers']}")


def qa_summary_text(metrics: dict[str, Any]) -> str:
    """One line: SQuAD exact match and F1."""
    return (f"exact match {metrics['exact_match']:.2f}, F1 {metrics['f1']:.2f} "
            f"on {metrics['examples']} questions (official SQuAD v1.1 normalisation)")


def scores_text(scores: dict[str, float]) -> str:
    """One line: masked-token top-1 ([MASK] positions and all selected), NSP accuracy, pairs scored."""
    nsp = (f"NSP accuracy {scores['nsp_accuracy'] * 100:.2f} %" if "nsp_accuracy" in scores
           else "no NSP head")
    return (f"masked-token top-1 {scores['masked_token_accuracy'] * 100:.2f} % ({int(scores['masked_tokens'])} "
            f"[MASK] tokens), all selected {scores['selected_token_accuracy'] * 100:.2f} %; {nsp} "
            f"({int(scores['pairs'])} held-out pairs)")
