"""Export a QA or pre-training run (final model, or its latest checkpoint) with a model card.

`python -m bert_desk.training.qa_pretrain_export RUN DEST [--command "..."]` writes DEST/{config.json,
model.safetensors (fp16), tokenizer files, README.md}. `export-model` in the training CLI only knows
sequence/token-classification checkpoints; this one knows QA and pre-training heads.
"""

from __future__ import annotations

import argparse
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

from bert_desk.training.export import _latest_checkpoint, export_model, final_model
from bert_desk.training.model_card import BASE_NOTE, GROUPED_SAMPLER, _hyper

SQUAD_NOTE = ("SQuAD v1.1 training set (Rajpurkar et al. 2016), as rebuilt in `shared/data/squad/"
              "train-v1.1.reconstructed.json` from the official explorer pages (see shared/data/PROVENANCE.md: "
              "synthetic ids, answer offsets inferred; about 2–3 % of answers point at another occurrence of the "
              "same text). Whole articles were held out for validation (fixed seed); the official dev set was "
              "not used.")
LICENCE = ("SQuAD is CC BY-SA 4.0, so these weights, trained on it, are shared under CC BY-SA 4.0 as well; the "
           "base model is Apache-2.0.")


def model_folder(run: Path, task: str) -> Path:
    """`run/model`, or the latest checkpoint converted to fp16 in `run/model-from-checkpoint`."""
    if (final := final_model(run)) != run:
        return final
    checkpoint = _latest_checkpoint(run)
    if checkpoint is None:
        raise FileNotFoundError(f"no model/ and no checkpoint in {run}")
    from transformers import AutoModelForPreTraining, AutoModelForQuestionAnswering, AutoTokenizer

    from bert_desk.training.data import resolve_base
    from bert_desk.training.export import save_model

    base = resolve_base(json.loads((run / "run_config.json").read_text(encoding="utf-8"))["base"])
    cls = AutoModelForQuestionAnswering if task == "qa" else AutoModelForPreTraining
    model = cls.from_pretrained(checkpoint, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint if (checkpoint / "tokenizer.json").is_file() else base)
    return save_model(model, tokenizer, run / "model-from-checkpoint", base=base)


def _training_minutes(run: Path) -> float:
    """Wall time of all sittings: sum of the gaps between consecutive log records under 10 minutes."""
    path = run / "train_log.jsonl"
    if not path.is_file():
        return 0.0
    times = sorted(json.loads(line)["time"] for line in path.read_text(encoding="utf-8").splitlines() if line)
    return sum(b - a for a, b in pairwise(times) if b - a < 600) / 60


def render_card(summary: dict[str, Any], run: Path, command: str, note: str = "") -> str:
    """Markdown model card of a QA or pre-training run (`summary` is its metrics.json)."""
    task, valid = summary["task"], summary["valid"]
    if task == "qa":
        title = "bert_desk extractive QA (MiniLM-L6, SQuAD v1.1)"
        head = ("Start/end vectors on top of the encoder (`BertForQuestionAnswering`), loaded as `bundled:qa`.")
        score = (f"Official SQuAD v1.1 metrics (normalised exact match and token F1, max over gold answers) on "
                 f"{valid['examples']} questions of {summary['valid_articles']} held-out articles, predicted by the "
                 f"app's own engine (`engine.qa.answer`, windows of {valid['max_length']} tokens, stride "
                 f"{valid['doc_stride']}):\n\n**EM {valid['exact_match']:.2f} · F1 {valid['f1']:.2f}**")
        anchoring = summary["anchoring"]
        data = (f"{SQUAD_NOTE}\n\nTraining: {summary['train_examples']} questions from {summary['train_articles']} "
                f"articles, {summary['train_windows']} windows ({summary['cls_windows']} without the answer, "
                f"labelled [CLS]). Answer offsets re-anchored: {anchoring['moved']} moved, {anchoring['dropped']} "
                f"dropped, {anchoring['ambiguous']} ambiguous (text occurs more than once; offset kept) of "
                f"{anchoring['answers']}.")
        limits = ["SQuAD v1.1 only: every question is assumed answerable, so the model always gives its best span "
                  "(`task_specific_params.question-answering.handle_impossible_answer` is false in `config.json`) "
                  "and cannot say that a context holds no answer.",
                  "Trained on CPU within a small time budget, far from what a GPU run would reach; see the metrics.",
                  "English, uncased; Wikipedia-style text."]
    else:
        title = "bert_desk pre-training heads (MiniLM-L6, continued pre-training on SQuAD contexts)"
        head = ("`BertForPreTraining`: masked-LM head (decoder tied to the word embeddings) and next-sentence "
                "head, both newly initialised on the base (which has neither), then continued pre-training. Loaded "
                "by the Pre-training tab as `bundled:pretrain`.")
        score = (f"On {int(valid['pairs'])} sentence pairs from {summary['valid_documents']} paragraphs of held-out "
                 f"articles, masked once with a fixed seed:\n\n**masked-token top-1 "
                 f"{valid['masked_token_accuracy'] * 100:.2f} %** ({int(valid['masked_tokens'])} [MASK] tokens; "
                 f"{valid['selected_token_accuracy'] * 100:.2f} % over all selected tokens incl. random/unchanged) · "
                 f"**NSP accuracy {valid['nsp_accuracy'] * 100:.2f} %** · loss {valid['loss']:.3f}")
        cfg, extra = summary["config"], summary["config"].get("extra", {})
        batch = f" --batch-size {cfg['batch_size']}" if cfg["batch_size"] > 32 else ""  # masks depend on it
        score += ("\n\nThe same pairs and masks are scored again by `bert-desk evaluate pretrain --model "
                  "bundled:pretrain --data ../shared/data/squad/train-v1.1.reconstructed.json --holdout-articles "
                  f"{extra.get('holdout_articles', 0.05)} --seed {cfg['seed']} --limit {extra.get('eval_sequences', 2000)} "
                  f"--max-length {cfg['max_length']}{batch}` (the figures above come from the float32 weights at the end "
                  "of training; the fp16 copy shipped here can differ in the last digit).")
        check = summary["collator_check"]
        data = (f"The contexts (not the questions) of the {SQUAD_NOTE}\n\nParagraphs deduplicated and split into "
                "sentences with spaCy's rule-based sentencizer; each paragraph a document. Pairs: "
                f"{summary['train_examples']} for training, B the true next segment or (50 %, measured "
                f"{summary['nsp_random_share'] * 100:.1f} %) a segment of another article. Masking by transformers' "
                "`DataCollatorForLanguageModeling(mlm_probability=0.15)`, checked on 512 training pairs: "
                f"{check['selected'] * 100:.1f} % selected, of those {check['mask'] * 100:.1f} % [MASK], "
                f"{check['random'] * 100:.1f} % random, {check['unchanged'] * 100:.1f} % unchanged.")
        limits = ["Masked-token accuracy is modest: the base was trained as a sentence embedder and has no "
                  "masked-LM head, so the head starts from scratch and a short CPU run only partly recovers it.",
                  "Continued pre-training on about 19 k Wikipedia paragraphs only: the vocabulary of other domains "
                  "is predicted less well.",
                  "NSP negatives come from other articles, so topic change alone often gives them away.",
                  "English, uncased."]
    lines = [
        f"# {title}", "", head, "", "## Base model", "", BASE_NOTE + ".", "", "## Data and licence", "", data, "",
        LICENCE, "", "## Training", "", "```", command, "```", "",
        _hyper(summary["config"], GROUPED_SAMPLER if task == "qa" else "random"), "",
        f"Optimiser steps: {summary['global_step']}; training loss {summary['train_loss']:.4f} (mean over the last "
        "sitting); about "
        f"{_training_minutes(run):.0f} min of training on {summary['hardware']} (shared 2-core machine, "
        "several sittings resumed from checkpoints). Weights are stored as fp16 safetensors; `config.json` asks "
        "loaders for float32.", *(["", note] if note else []), "", "## Validation metrics", "", score, "", "## Known limits", "",
        *[f"- {x}" for x in limits], ""]
    return "\n".join(lines)


def export_run(run: str | Path, dest: str | Path, command: str = "", note: str = "") -> Path:
    """Copy the run's model (fp16) into `dest` and write `dest/README.md`."""
    run = Path(run)
    summary = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    source = model_folder(run, summary["task"])
    dest = export_model(source, dest, base=summary.get("base"))
    (dest / "README.md").write_text(render_card(summary, run, command, note), encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bert_desk.training.qa_pretrain_export")
    parser.add_argument("run", help="run folder with metrics.json (and model/ or checkpoints)")
    parser.add_argument("dest", help="destination, e.g. resources/models/qa")
    parser.add_argument("--command", default="", help="the training command, for the model card")
    parser.add_argument("--note", default="", help="a paragraph for the card's Training section (e.g. sittings)")
    args = parser.parse_args(argv)
    print(f"exported to {export_run(args.run, args.dest, args.command, args.note)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
