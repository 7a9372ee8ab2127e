"""Named entities as word-level spans, for transformers token classifiers and spaCy pipelines.

Transformers: the text is split into overlapping stride windows; a token seen in several windows takes
the prediction of the window where it sits farthest from the window edge. Sub-tokens are grouped into
words with `word_ids`: the words of the model's own word splitter when its config names one
(`engine.words`: CoNLL-style words for a model trained on CoNLL), else the tokenizer's. A word takes the label and score of its FIRST sub-token (the "first" strategy:
fine-tuning scripts label only the first sub-token, so later ones carry no trained signal). Words are then
merged into entities from BIO / BIOES / BILOU tags, or plain IO labels (consecutive words with the same
type). `Entity.score` is the mean of its words' scores. spaCy: `doc.ents` with score 1.0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from bert_desk.engine.runtime import (
    Runner,
    check,
    check_length,
    encoding_features,
    model_inputs,
    pad_id,
    run_batches,
    trim,
    window_stride,
)
from bert_desk.engine.segments import Segment, in_groups
from bert_desk.engine.types import (
    CancelToken,
    EngineError,
    Entity,
    LoadedModel,
    NERResult,
    ProgressFn,
    no_progress,
)
from bert_desk.engine.words import split_words

_TAG = re.compile(r"^([BIESLU])[-_](.+)$")
Word = tuple[int, int, str, float]  # start, end, label, score


def split_tag(label: str) -> tuple[str, str]:
    """('B'|'I'|'E'|'S'|'O', type) for a tag; a bare label like 'PER' is ('I', 'PER')."""
    if label in ("O", "") or label.upper() == "O":
        return "O", ""
    match = _TAG.match(label)
    if match:
        prefix = match.group(1)
        return {"L": "E", "U": "S"}.get(prefix, prefix), match.group(2)
    return "I", label


def _pictographs_only(piece: str) -> bool:
    """True for a word of emoji or other pictographic symbols (with their modifiers), with no letter, digit or
    punctuation: never part of a name, though a model trained on news may tag it as the name's next word."""
    kinds = {unicodedata.category(ch) for ch in piece}
    return "So" in kinds and kinds <= {"So", "Sk", "Mn", "Me", "Cf"}


def merge_words(text: str, words: Sequence[Word]) -> tuple[Entity, ...]:
    """Merge labelled words (sorted by start) into entities using their B-/I-/E-/S- prefixes; a word of
    pictographs only (an emoji) ends an entity instead of joining it."""
    entities: list[Entity] = []
    current: list[Word] = []
    current_type = ""

    def close() -> None:
        nonlocal current, current_type
        if current:
            start, end = trim(text, current[0][0], current[-1][1])
            if start < end:
                score = sum(w[3] for w in current) / len(current)
                entities.append(Entity(start, end, current_type, score, text[start:end]))
        current, current_type = [], ""

    for word in words:
        prefix, kind = split_tag(word[2])
        if prefix == "O" or _pictographs_only(text[word[0]:word[1]]):
            close()
            continue
        if prefix in ("B", "S") or kind != current_type:
            close()
        current.append(word)
        current_type = kind
        if prefix in ("E", "S"):
            close()
    close()
    return tuple(entities)


def encode_windows(lm: LoadedModel, texts: Sequence[str]) -> tuple[Any, list[list[tuple[int, int]]] | None]:
    """The stride windows of `texts` (offsets mapped) and, when the model has its own word splitter (see
    `engine.words`), each text's words as character spans (token offsets then count from their word's
    start); None: the tokenizer's words, offsets into the text."""
    max_len = lm.info.max_length
    style = lm.info.word_splitter
    spans = [split_words(text, style) for text in texts] if style else None
    inputs: Any = [[text[a:b] for a, b in words] for text, words in zip(texts, spans, strict=True)] if spans \
        else list(texts)
    enc = lm.tokenizer(inputs, is_split_into_words=spans is not None, truncation=True, max_length=max_len,
                       stride=window_stride(max_len), return_overflowing_tokens=True, return_offsets_mapping=True)
    return enc, spans


def _words_per_text(lm: LoadedModel, runner: Runner, texts: Sequence[str], *, batch_size: int,
                    progress: ProgressFn, cancel: CancelToken | None
                    ) -> tuple[list[list[Word]], list[int], list[float | None]]:
    """Labelled words per text (sorted), the window count per text, and each text's lowest word margin (the
    best label's probability minus the second best's, at the word's first sub-token; None without words).
    Long texts go in overlapping segments, a group at a time (`engine.segments`)."""
    windows = [0] * len(texts)
    # per text: (token start, end, word start) -> (distance from window edge, best label, its probability, margin)
    tokens: list[dict[tuple[int, int, int], tuple[int, int, float, float]]] = [{} for _ in texts]
    words: list[list[Word]] = [[] for _ in texts]
    margins: list[list[float]] = [[] for _ in texts]
    for group in in_groups(texts):
        _label_group(lm, runner, texts, group.segments, tokens, windows, batch_size=batch_size, progress=progress,
                     cancel=cancel, span=group.span)
        for owner in {seg.owner for seg in group.segments}:  # words no later window sees are final: keep words
            _fold(texts[owner], tokens[owner], group.later.get(owner), lm.info.labels, words[owner], margins[owner])
    for found in words:
        found.sort(key=lambda w: (w[0], w[1]))
    return words, windows, [min(m) if m else None for m in margins]


def _fold(text: str, seen: dict[tuple[int, int, int], tuple[int, int, float, float]], boundary: int | None,
          labels: Sequence[str], words: list[Word], margins: list[float]) -> None:
    """Move the tokens of every word starting before `boundary` (None: all) out of `seen` into `words`: a word
    takes its first sub-token's label and score, and spans to its last sub-token's end."""
    by_word: dict[int, list[tuple[int, int, int, float, float]]] = {}
    for key in [k for k in seen if boundary is None or k[2] < boundary]:
        start, end, word = key
        _, label_id, score, margin = seen.pop(key)
        by_word.setdefault(word, []).append((start, end, label_id, score, margin))
    for pieces in by_word.values():
        pieces.sort(key=lambda piece: piece[0])
        _, _, label_id, score, margin = pieces[0]
        margins.append(margin)
        label = labels[label_id] if label_id < len(labels) else f"LABEL_{label_id}"
        start, end = trim(text, pieces[0][0], max(piece[1] for piece in pieces))
        if start < end:
            words.append((start, end, label, score))


def _label_group(lm: LoadedModel, runner: Runner, texts: Sequence[str], group: Sequence[Segment],
                 tokens: list[dict[tuple[int, int, int], tuple[int, int, float, float]]], windows: list[int], *,
                 batch_size: int, progress: ProgressFn, cancel: CancelToken | None,
                 span: tuple[float, float]) -> None:
    """Run one group of segments and record every token's best-placed prediction in `tokens` (offsets into
    the whole text; a word is keyed by its first character, the same in every segment that holds it)."""
    import torch

    enc, spans = encode_windows(lm, [texts[seg.owner][seg.start:seg.end] for seg in group])
    outputs = run_batches(runner, encoding_features(enc, model_inputs(lm)), keys=("logits",),
                          pad_id=pad_id(lm), batch_size=batch_size, progress=progress, cancel=cancel,
                          message="Windows", token_level=True, span=span)
    owners = enc["overflow_to_sample_mapping"]
    for i, out in enumerate(outputs):
        piece = owners[i]
        seg = group[piece]
        windows[seg.owner] += 1
        word_ids = enc.word_ids(i)
        offsets = enc["offset_mapping"][i]
        content = [p for p, w in enumerate(word_ids) if w is not None]
        if not content:
            continue
        probs = torch.softmax(out["logits"], dim=-1)
        top = probs.topk(min(2, probs.shape[-1]), dim=-1)  # one call per window, not per token
        best_scores, best_labels = top.values[..., 0].tolist(), top.indices[..., 0].tolist()
        margins = (top.values[..., 0] - top.values[..., -1]).tolist() if probs.shape[-1] > 1 else best_scores
        first, last = content[0], content[-1]
        seen = tokens[seg.owner]
        starts: dict[int, int] = {}  # word id -> its first character in the segment
        for p in content:
            start, end = offsets[p]
            if end <= start:
                continue
            word = word_ids[p]
            if spans is not None:  # offsets count from the start of the token's word
                base = spans[piece][word][0]
                start, end, at = start + base, end + base, base
            else:
                at = starts.get(word, -1)
                if at < 0:
                    at = starts[word] = enc.word_to_chars(i, word).start
            key = (start + seg.start, end + seg.start, at + seg.start)
            distance = min(p - first, last - p)
            if key not in seen or distance > seen[key][0]:
                seen[key] = (distance, best_labels[p], best_scores[p], margins[p])


def _spacy_entities(doc: Any, text: str) -> tuple[Entity, ...]:
    entities = []
    for ent in doc.ents:
        start, end = trim(text, ent.start_char, ent.end_char)
        if start < end:
            entities.append(Entity(start, end, ent.label_, 1.0, text[start:end]))
    return tuple(entities)


def extract_batch(model: LoadedModel, texts: Sequence[str], *, batch_size: int = 32,
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[NERResult]:
    """Entities for many texts, in input order (windows of all texts share length-sorted batches)."""
    if model.info.task != "ner":
        raise EngineError(f"Model '{model.info.name}' was loaded for {model.info.task}, not ner")
    check(cancel)
    texts = list(texts)
    check_length(*texts)
    if not texts:
        return []
    if model.nlp is not None:
        nlp = model.nlp
        nlp.max_length = max(nlp.max_length, *(len(t) + 1 for t in texts))
        results = []
        for n, (text, doc) in enumerate(zip(texts, nlp.pipe(texts, batch_size=batch_size), strict=True)):
            results.append(NERResult(text, _spacy_entities(doc, text)))
            progress((n + 1) / len(texts), f"Texts {n + 1}/{len(texts)}")
            check(cancel)
        return results
    if model.model is None or model.tokenizer is None:
        raise EngineError(f"Model '{model.info.name}' has no NER backend")
    with Runner(model) as runner:
        words, windows, margins = _words_per_text(model, runner, texts, batch_size=batch_size, progress=progress,
                                                  cancel=cancel)
    return [NERResult(text, merge_words(text, w), note=runner.note, windows=n, confidence=m)
            for text, w, n, m in zip(texts, words, windows, margins, strict=True)]


def extract(model: LoadedModel, text: str, *, batch_size: int = 32, progress: ProgressFn = no_progress,
            cancel: CancelToken | None = None) -> NERResult:
    """Entities in `text` (any length)."""
    return extract_batch(model, [text], batch_size=batch_size, progress=progress, cancel=cancel)[0]


def to_json(result: NERResult) -> dict[str, Any]:
    """The CLI's JSON object for one result: the text and its entity spans."""
    return {"text": result.text, "spans": [
        {"start": e.start, "end": e.end, "label": e.label, "score": round(e.score, 6), "text": e.text}
        for e in result.entities]}


def summary(result: NERResult) -> str:
    """One line for `--selftest`: each entity as text/label."""
    return ", ".join(f"{e.text}/{e.label}" for e in result.entities) or "no entities"
