"""Sentiment (sequence classification) over texts of any length, plus per-sentence scores.

Long texts are split into overlapping token windows (`return_overflowing_tokens` + `stride`) and the
window probabilities are averaged, weighted by each window's token count: nothing is truncated.
Probabilities use softmax, or sigmoid when `config.problem_type == "multi_label_classification"`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from bert_desk.engine.runtime import (
    Runner,
    check,
    check_length,
    encoding_features,
    model_inputs,
    pad_id,
    require_transformers,
    run_batches,
    trim,
    window_stride,
)
from bert_desk.engine.types import (
    CancelToken,
    LoadedModel,
    ProgressFn,
    SentenceScore,
    SentimentResult,
    no_progress,
)


@cache
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def prepare() -> None:
    """Build the sentence splitter (importing spaCy) ahead of the first `analyze`."""
    _sentencizer()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets from spaCy's rule-based sentencizer, whitespace trimmed."""
    if not text.strip():
        return []
    nlp = _sentencizer()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    spans = []
    for sent in nlp(text).sents:
        start, end = trim(text, sent.start_char, sent.end_char)
        if start < end:
            spans.append((start, end))
    return spans


def _score_texts(lm: LoadedModel, runner: Runner, texts: Sequence[str], *, batch_size: int,
                 progress: ProgressFn, cancel: CancelToken | None) -> list[tuple[dict[str, float], int]]:
    """(label -> probability, window count) per text."""
    import torch

    if not texts:
        return []
    max_len = lm.info.max_length
    enc = lm.tokenizer(list(texts), truncation=True, max_length=max_len, stride=window_stride(max_len),
                       return_overflowing_tokens=True)
    owners = list(enc["overflow_to_sample_mapping"])
    outputs = run_batches(runner, encoding_features(enc, model_inputs(lm)), keys=("logits",),
                          pad_id=pad_id(lm), batch_size=batch_size, progress=progress, cancel=cancel,
                          message="Windows")
    multi = getattr(lm.model.config, "problem_type", None) == "multi_label_classification"
    labels = lm.info.labels or tuple(f"LABEL_{i}" for i in range(outputs[0]["logits"].shape[-1]))
    sums = [torch.zeros(len(labels)) for _ in texts]
    weights = [0.0] * len(texts)
    counts = [0] * len(texts)
    for i, out in enumerate(outputs):
        logits = out["logits"]
        probs = torch.sigmoid(logits) if multi else torch.softmax(logits, dim=-1)
        tokens = max(1, sum(1 for s in enc.sequence_ids(i) if s is not None))
        owner = owners[i]
        sums[owner] += probs * tokens
        weights[owner] += tokens
        counts[owner] += 1
    return [({lab: float(p) for lab, p in zip(labels, (s / w).tolist(), strict=True)}, n)
            for s, w, n in zip(sums, weights, counts, strict=True)]


def _best(scores: dict[str, float]) -> tuple[str, float]:
    label = max(scores, key=scores.__getitem__)
    return label, scores[label]


def analyze(model: LoadedModel, text: str, *, with_sentences: bool = True, batch_size: int = 32,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> SentimentResult:
    """Classify `text` (any length); with_sentences adds a score per sentence."""
    require_transformers(model, "sentiment")
    check(cancel)
    check_length(text)
    sentences = split_sentences(text) if with_sentences else []
    texts = [text] + [text[s:e] for s, e in sentences]
    with Runner(model) as runner:
        scored = _score_texts(model, runner, texts, batch_size=batch_size, progress=progress, cancel=cancel)
    scores, windows = scored[0]
    label, score = _best(scores)
    sentence_scores = tuple(
        SentenceScore(s, e, *_best(sc), scores=sc) for (s, e), (sc, _) in zip(sentences, scored[1:], strict=True))
    return SentimentResult(text=text, label=label, score=score, scores=scores, sentences=sentence_scores,
                           windows=windows, note=runner.note)


def analyze_batch(model: LoadedModel, texts: Sequence[str], *, batch_size: int = 32,
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[SentimentResult]:
    """Classify many texts (length-sorted dynamic batches, results in input order, no sentences)."""
    require_transformers(model, "sentiment")
    check(cancel)
    check_length(*texts)
    with Runner(model) as runner:
        scored = _score_texts(model, runner, list(texts), batch_size=batch_size, progress=progress,
                              cancel=cancel)
    return [SentimentResult(text=t, label=_best(sc)[0], score=_best(sc)[1], scores=sc, windows=n,
                            note=runner.note) for t, (sc, n) in zip(texts, scored, strict=True)]


def to_json(result: SentimentResult) -> dict[str, Any]:
    """The CLI's JSON object for one result: text, best label and score, every label's score."""
    return {"text": result.text, "label": result.label, "score": round(result.score, 6),
            "scores": {k: round(v, 6) for k, v in result.scores.items()}}


def summary(result: SentimentResult) -> str:
    """One line for `--selftest`: the best label and its score."""
    return f"{result.label} {result.score:.2f}"
