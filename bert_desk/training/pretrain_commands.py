"""`train pretrain` and `evaluate pretrain`: options added to the training CLI's parsers, and their handlers."""

from __future__ import annotations

import argparse
import sys


def add_train_options(parser: argparse.ArgumentParser) -> None:
    """Options of `train pretrain` (`--holdout-articles` comes from the QA options)."""
    group = parser.add_argument_group("pretrain (masked LM + next-sentence prediction)")
    group.add_argument("--corpus", nargs="+", metavar="FILE",
                       help="pretrain: plain-text files (documents separated by blank lines) or SQuAD JSON")
    group.add_argument("--eval-sequences", type=int, default=2000,
                       help="pretrain: held-out sentence pairs scored after training")


def add_evaluate_options(parser: argparse.ArgumentParser) -> None:
    """Options of `evaluate pretrain` (`--limit N`: the first N sentence pairs; `--device` comes from qa)."""
    group = parser.add_argument_group("pretrain (masked LM + NSP on plain text or SQuAD JSON in --data)")
    group.add_argument("--holdout-articles", type=float, default=0.0,
                       help="pretrain: score only the articles/documents that `train pretrain` with this fraction "
                            "and --seed held out (default 0: every document)")
    group.add_argument("--seed", type=int, default=13, help="pretrain: seed of the held-out split, pairs and masks")


def run_train_pretrain(args: argparse.Namespace) -> int:
    """Handler of `train pretrain`."""
    from bert_desk.training.command_helpers import config_from_args, export_if_asked, reporting_errors
    from bert_desk.training.pretrain_train import train_pretrain

    corpus = list(args.corpus or []) or ([args.train] if args.train else [])
    if not corpus:
        print("error: train pretrain needs --corpus FILE…", file=sys.stderr)
        return 2
    cfg = config_from_args(args, max_length=128, eval_each_epoch=False,
                           extra={"corpus": corpus, "holdout_articles": args.holdout_articles,
                                  "eval_sequences": args.eval_sequences})
    summary = reporting_errors(train_pretrain, cfg)
    if summary is None:
        return 2
    print(scores_text(summary["valid"]))
    export_if_asked(args)
    return 0


def run_evaluate_pretrain(args: argparse.Namespace) -> int:
    """Handler of `evaluate pretrain`: masked-token and NSP accuracy of a checkpoint's pre-training heads."""
    import json

    from bert_desk.terminal import progress_line
    from bert_desk.training.command_helpers import reporting_errors
    from bert_desk.training.pretrain_eval import evaluate_pretrain

    with progress_line() as progress:
        result = reporting_errors(evaluate_pretrain, args.model, [args.data],
                                  holdout_articles=args.holdout_articles, seed=args.seed,
                                  max_length=args.max_length or 128, eval_sequences=args.limit,
                                  batch_size=args.batch_size, device=args.device, threads=args.threads,
                                  progress=progress)
    if result is None:
        return 2
    print(json.dumps(result, indent=2) if args.json else scores_text(result))
    return 0


def scores_text(scores: dict[str, float]) -> str:
    """One line: masked-token top-1 ([MASK] positions and all selected), NSP accuracy, pairs scored."""
    nsp = (f"NSP accuracy {scores['nsp_accuracy'] * 100:.2f} %" if "nsp_accuracy" in scores
           else "no NSP head")
    return (f"masked-token top-1 {scores['masked_token_accuracy'] * 100:.2f} % ({int(scores['masked_tokens'])} "
            f"[MASK] tokens), all selected {scores['selected_token_accuracy'] * 100:.2f} %; {nsp} "
            f"({int(scores['pairs'])} held-out pairs)")
