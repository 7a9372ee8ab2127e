"""`train pretrain`: options added to the training CLI's `train` parser, and the handler."""

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
    valid = summary["valid"]
    print(f"masked-token top-1 {valid['masked_token_accuracy'] * 100:.2f} % ({int(valid['masked_tokens'])} [MASK] "
          f"tokens), all selected {valid['selected_token_accuracy'] * 100:.2f} %; NSP accuracy "
          f"{valid['nsp_accuracy'] * 100:.2f} % ({int(valid['pairs'])} held-out pairs)")
    export_if_asked(args)
    return 0
