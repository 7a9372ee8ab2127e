"""`train qa` and `evaluate qa`: options added to the training CLI's parsers, and their handlers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_train_options(parser: argparse.ArgumentParser) -> None:
    """Options of `train qa` (and `--holdout-articles`, shared with `train pretrain` on SQuAD)."""
    group = parser.add_argument_group(
        "qa (SQuAD JSON in --train)", "With qa and pretrain, --limit-train N takes a seeded random sample of N questions/pairs.")
    group.add_argument("--doc-stride", type=int, default=128,
                       help="qa: tokens shared by neighbouring windows of a long context (default 128)")
    group.add_argument("--holdout-articles", type=float, default=0.05,
                       help="qa / pretrain on SQuAD: share of whole articles held out for validation")
    group.add_argument("--eval-questions", type=int, default=2000,
                       help="qa: held-out questions scored after training (0: all)")


def add_evaluate_options(parser: argparse.ArgumentParser) -> None:
    """Options of `evaluate qa`."""
    parser.add_argument("--doc-stride", type=int, default=128, help="qa: overlap of context windows")
    parser.add_argument("--device", default="cpu", help="qa / pretrain: auto, cpu, cuda or mps (default cpu)")
    parser.add_argument("--predictions", metavar="FILE", help="qa: write {id: predicted answer} JSON here")


def run_train_qa(args: argparse.Namespace) -> int:
    """Handler of `train qa`."""
    from bert_desk.training.command_helpers import config_from_args, export_if_asked, reporting_errors
    from bert_desk.training.qa_train import train_qa

    if not args.train:
        print("error: train qa needs --train FILE (SQuAD v1.1 JSON)", file=sys.stderr)
        return 2
    cfg = config_from_args(args, max_length=256, eval_each_epoch=False,
                           extra={"doc_stride": args.doc_stride, "holdout_articles": args.holdout_articles,
                                  "eval_questions": args.eval_questions})
    summary = reporting_errors(train_qa, cfg)
    if summary is None:
        return 2
    print(qa_summary_text(summary["valid"]))
    anchoring = summary["anchoring"]
    print(f"answers re-anchored: {anchoring['moved']} moved, {anchoring['dropped']} dropped, "
          f"{anchoring['ambiguous']} ambiguous (text occurs more than once) of {anchoring['answers']}")
    export_if_asked(args)
    return 0


def run_evaluate_qa(args: argparse.Namespace) -> int:
    """Handler of `evaluate qa`: official SQuAD EM/F1 of the engine's answers."""
    from bert_desk.terminal import progress_line
    from bert_desk.training.command_helpers import reporting_errors
    from bert_desk.training.qa_train import evaluate_qa

    with progress_line() as progress:
        result = reporting_errors(evaluate_qa, args.model, args.data, limit=args.limit,
                                  max_length=args.max_length or 384, doc_stride=args.doc_stride, device=args.device,
                                  threads=args.threads, predictions_out=args.predictions, progress=progress)
    if result is None:
        return 2
    print(json.dumps(result, indent=2) if args.json else qa_summary_text(result))
    return 0


def qa_summary_text(metrics: dict[str, Any]) -> str:
    return (f"exact match {metrics['exact_match']:.2f}, F1 {metrics['f1']:.2f} "
            f"on {metrics['examples']} questions (official SQuAD v1.1 normalisation)")
