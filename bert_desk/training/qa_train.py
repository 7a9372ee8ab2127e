"""Extractive QA: fine-tune start/end vectors on SQuAD JSON, and score a model with the official EM/F1.

Training holds out whole articles (fixed seed) and writes them to `<run>/valid.json`, so
`evaluate qa --data <run>/valid.json` scores exactly the held-out questions later. Predictions for
evaluation come from the engine (`engine.qa.answer_many`), i.e. what the app itself would answer.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.training import squad_data as S
from bert_desk.training.data import resolve_base
from bert_desk.training.runner import TrainConfig
from bert_desk.training.squad_metrics import squad_scores

DEFAULTS = {"doc_stride": 128, "holdout_articles": 0.05, "eval_questions": 2000}
#: Written into the config of every model this pipeline trains: it learns from answered questions only,
#: so its [CLS] score is not a "no answer" score (the engine then always answers; see engine.qa).
ANSWERABLE_ONLY = {"question-answering": {"handle_impossible_answer": False}}


def _option(cfg: TrainConfig, key: str) -> Any:
    return cfg.extra.get(key, DEFAULTS[key])


def evaluate_qa(model_spec: str, data_file: str | Path, *, limit: int = 0, max_length: int = 384,
                doc_stride: int = 128, device: str = "cpu", threads: int = 2, predictions_out: str | None = None,
                progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> dict[str, Any]:
    """Official SQuAD v1.1 EM/F1 (percent) of the engine's best answer for each question of `data_file`.

    `limit` keeps the first N questions (file order). `predictions_out` writes {id: answer} JSON.
    """
    import json

    import torch

    from bert_desk.engine import qa
    from bert_desk.engine.loading import load_model

    torch.set_num_threads(max(1, threads))
    stats = S.AnchorStats()
    articles = S.read_squad(data_file, stats)
    model = load_model(model_spec, "qa", device=device)
    jobs: list[tuple[str, list[S.SquadQuestion]]] = []
    budget = limit or None
    for article in articles:
        for para in article.paragraphs:
            questions = [q for q in para.questions if q.answers]
            if budget is not None:
                questions = questions[:budget]
                budget -= len(questions)
            if questions:
                jobs.append((para.context, questions))
            if budget == 0:
                break
        if budget == 0:
            break
    total = sum(len(qs) for _, qs in jobs)
    predictions: dict[str, str] = {}
    golds: dict[str, list[str]] = {}
    for context, questions in jobs:
        results = qa.answer_many(model, [q.question for q in questions], context, top_k=1,
                                 max_length=max_length, doc_stride=doc_stride, cancel=cancel)
        for q, result in zip(questions, results, strict=True):
            predictions[q.qid] = result.answers[0].text if result.answers else ""
            golds[q.qid] = [g.text for g in q.answers]
        progress(len(golds) / max(total, 1), f"questions {len(golds)}/{total}")
    if predictions_out:
        Path(predictions_out).write_text(json.dumps(predictions, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    scores = squad_scores(predictions, golds)
    return {"examples": len(golds), "exact_match": scores["exact_match"], "f1": scores["f1"],
            "model": model_spec, "max_length": max_length, "doc_stride": doc_stride}


def train_qa(cfg: TrainConfig, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
             ) -> dict[str, Any]:
    """Fine-tune (or resume) a QA model; return the summary also written to `<out>/metrics.json`."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, DataCollatorWithPadding

    from bert_desk.training.export import save_model
    from bert_desk.training.runner import fit, summary, write_metrics, write_run_config

    out = Path(cfg.out)
    base = resolve_base(cfg.base)
    write_run_config(cfg, base)
    stats = S.AnchorStats()
    articles = S.read_squad(cfg.train, stats)
    if cfg.valid:
        train_articles, valid_articles = articles, S.read_squad(cfg.valid)
    else:
        train_articles, valid_articles = S.split_articles(articles, _option(cfg, "holdout_articles"), cfg.seed)
    valid_path = S.write_squad(valid_articles, out / "valid.json")
    examples = S.training_examples(train_articles)
    if cfg.limit_train and cfg.limit_train < len(examples):
        examples = random.Random(cfg.seed).sample(examples, cfg.limit_train)
    tokenizer = AutoTokenizer.from_pretrained(base)
    progress(0.0, f"tokenising {len(examples)} questions")
    features = S.qa_features(tokenizer, examples, max_length=cfg.max_length, doc_stride=_option(cfg, "doc_stride"))
    cls_windows = sum(f["start_positions"] == f["end_positions"] == f["input_ids"].index(tokenizer.cls_token_id)
                      for f in features)
    train_ds = [{k: v for k, v in f.items() if k != "example"} for f in features]
    model = AutoModelForQuestionAnswering.from_pretrained(base)
    model.config.task_specific_params = ANSWERABLE_ONLY  # in every checkpoint and the final model
    fitted = fit(cfg, model=model, tokenizer=tokenizer, train_dataset=train_ds,
                 collator=DataCollatorWithPadding(tokenizer), progress=progress, cancel=cancel,
                 train_sampling_strategy="group_by_length")
    save_model(fitted.trainer.model, tokenizer, out / "model", base=base)
    progress(1.0, "evaluating on held-out articles")
    valid = evaluate_qa(str(out / "model"), valid_path, limit=_option(cfg, "eval_questions"),
                        max_length=max(cfg.max_length, 384), doc_stride=_option(cfg, "doc_stride"),
                        threads=cfg.threads, cancel=cancel)
    n_valid_q = sum(1 for a in valid_articles for p in a.paragraphs for q in p.questions if q.answers)
    body = summary(cfg, base, fitted, anchoring=stats.as_dict(), train_articles=len(train_articles),
                   valid_articles=len(valid_articles), valid_titles=[a.title for a in valid_articles],
                   train_examples=len(examples), train_windows=len(features), cls_windows=int(cls_windows),
                   valid_examples=n_valid_q, valid=valid)
    write_metrics(cfg, body)
    return body

