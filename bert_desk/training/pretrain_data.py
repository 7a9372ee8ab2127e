"""BERT pre-training data: corpus -> sentences -> next-sentence pairs -> masked-LM batches.

- Corpus: plain text (documents separated by blank lines) or SQuAD JSON (its contexts, each paragraph a
  document, deduplicated, grouped by article). Sentences come from spaCy's rule-based `sentencizer`.
- NSP pairs (as in BERT's `create_pretraining_data.py`, without its bias towards random pairs): sentences
  are packed into chunks of up to `max_tokens`; a fair coin makes B either the rest of the chunk (true
  next segment) or a run of sentences from a document of another group (another article or document).
- Masked LM: transformers' `DataCollatorForLanguageModeling(mlm_probability=0.15)`, built by
  `bert_desk.engine.pretrain.mlm_collator` (the app's "Corrupt" button uses the same one) — 15 % of the
  non-special tokens selected, of those 80 % [MASK], 10 % a random token, 10 % unchanged.
  `mlm_rates` measures what a collator actually does (tests and every training run check it).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bert_desk.training.readers import DataFormatError


@dataclass(frozen=True)
class Document:
    """A run of consecutive sentences; pairs never mix two documents of the same `group`."""

    sentences: tuple[str, ...]
    group: str


@dataclass(frozen=True)
class NSPPair:
    a: tuple[int, ...]
    b: tuple[int, ...]
    is_random: bool  # True: B comes from another document (label 1); False: B follows A (label 0)
    doc: int
    b_doc: int


# --------------------------------------------------------------------------- corpus


def is_squad_file(path: str | Path) -> bool:
    """A .json file whose top level has a `data` list (SQuAD layout)."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        return False
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and isinstance(raw.get("data"), list)


def text_documents(path: str | Path) -> list[str]:
    """Plain-text documents: blocks separated by one or more blank lines (inner newlines become spaces)."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, 0, "file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFormatError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    docs, lines = [], []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            lines.append(line.strip())
        elif lines:
            docs.append(" ".join(lines))
            lines = []
    return docs


def squad_contexts(path: str | Path) -> list[tuple[str, str]]:
    """(article title, context) for each distinct paragraph of a SQuAD file, in file order."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    seen: set[str] = set()
    out = []
    for index, article in enumerate(raw["data"]):
        title = str(article.get("title", f"article-{index}"))
        for para in article.get("paragraphs", []):
            context = para.get("context", "")
            if isinstance(context, str) and context.strip() and context not in seen:
                seen.add(context)
                out.append((title, context))
    return out


def sentencizer() -> Callable[[Sequence[str]], list[list[str]]]:
    """spaCy's rule-based sentence splitter as a function: texts -> sentences per text."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def split(texts: Sequence[str]) -> list[list[str]]:
        return [[s.text.strip() for s in doc.sents if s.text.strip()] for doc in nlp.pipe(texts, batch_size=256)]

    return split


def load_corpus(paths: Sequence[str | Path]) -> list[Document]:
    """Documents of every corpus file (SQuAD JSON or plain text), split into sentences."""
    split = sentencizer()
    docs: list[Document] = []
    for path in paths:
        if is_squad_file(path):
            items = squad_contexts(path)
            groups = [f"{Path(path).name}:{title}" for title, _ in items]
            texts = [context for _, context in items]
        else:
            texts = text_documents(path)
            groups = [f"{Path(path).name}:{i}" for i in range(len(texts))]
        if not texts:
            raise DataFormatError(path, 1, "no text found")
        docs.extend(Document(tuple(s), g) for s, g in zip(split(texts), groups, strict=True) if s)
    return docs


def split_documents(docs: Sequence[Document], fraction: float, seed: int) -> tuple[list[Document], list[Document]]:
    """Hold out whole groups (articles / documents): (train, valid) with about `fraction` of the groups."""
    groups = sorted({d.group for d in docs})
    random.Random(seed).shuffle(groups)
    n_valid = min(len(groups) - 1, max(1, round(len(groups) * fraction))) if len(groups) > 1 else 0
    held = set(groups[:n_valid])
    return [d for d in docs if d.group not in held], [d for d in docs if d.group in held]


# --------------------------------------------------------------------------- NSP pairs


def _truncate_pair(a: list[int], b: list[int], max_tokens: int, rng: random.Random) -> None:
    """Trim the longer side, from the front or the back at random, until len(a) + len(b) <= max_tokens."""
    while len(a) + len(b) > max_tokens:
        longer = a if len(a) > len(b) else b
        if rng.random() < 0.5:
            del longer[0]
        else:
            longer.pop()


def _random_segment(docs: Sequence[Sequence[Sequence[int]]], groups: Sequence[str], doc: int, length: int,
                    rng: random.Random) -> tuple[list[int], int] | None:
    """Up to `length` tokens of consecutive sentences from a random document of another group."""
    for _ in range(20):
        other = rng.randrange(len(docs))
        if other != doc and groups[other] != groups[doc] and docs[other]:
            break
    else:
        return None
    out: list[int] = []
    for sentence in docs[other][rng.randrange(len(docs[other])):]:
        out.extend(sentence)
        if len(out) >= length:
            break
    return out, other


def make_nsp_pairs(docs: Sequence[Sequence[Sequence[int]]], *, max_tokens: int, seed: int,
                   groups: Sequence[str] | None = None, short_seq_prob: float = 0.1) -> list[NSPPair]:
    """Sentence-pair examples (token ids without special tokens) for next-sentence prediction.

    `docs` are documents of tokenised sentences; `groups` (default: each document its own) name which
    documents count as "the same" — a random B never comes from A's group.
    """
    rng = random.Random(seed)
    groups = list(groups) if groups is not None else [str(i) for i in range(len(docs))]
    pairs: list[NSPPair] = []
    for d, doc in enumerate(docs):
        i = 0
        chunk: list[Sequence[int]] = []
        length = 0
        target = max_tokens if rng.random() >= short_seq_prob else rng.randint(2, max_tokens)
        while i < len(doc):
            chunk.append(doc[i])
            length += len(doc[i])
            if i == len(doc) - 1 or length >= target:
                random_next = rng.random() < 0.5
                if len(chunk) >= 2:
                    cut = rng.randint(1, len(chunk) - 1)
                    a = [t for s in chunk[:cut] for t in s]
                    rest = [t for s in chunk[cut:] for t in s]
                else:  # one long sentence: A and B are its two halves
                    tokens = list(chunk[0])
                    cut = rng.randint(1, len(tokens) - 1) if len(tokens) >= 2 else 0
                    a, rest = tokens[:cut], tokens[cut:]
                    cut = len(chunk)
                if a and random_next:
                    picked = _random_segment(docs, groups, d, max(1, target - len(a)), rng)
                    if picked is not None:
                        b, b_doc = picked
                        i -= len(chunk) - cut  # sentences not used for A go into the next chunk
                        _truncate_pair(a, b, max_tokens, rng)
                        pairs.append(NSPPair(tuple(a), tuple(b), True, d, b_doc))
                elif a and rest:
                    _truncate_pair(a, rest, max_tokens, rng)
                    pairs.append(NSPPair(tuple(a), tuple(rest), False, d, d))
                chunk, length = [], 0
                target = max_tokens if rng.random() >= short_seq_prob else rng.randint(2, max_tokens)
            i += 1
    return pairs


# --------------------------------------------------------------------------- features and masking


def encode_pair(pair: NSPPair, cls_id: int, sep_id: int) -> dict[str, Any]:
    """[CLS] A [SEP] B [SEP] with token types, a special-tokens mask and `next_sentence_label`."""
    a, b = list(pair.a), list(pair.b)
    ids = [cls_id, *a, sep_id, *b, sep_id]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    special = [1] + [0] * len(a) + [1] + [0] * len(b) + [1]
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": [1] * len(ids),
            "special_tokens_mask": special, "next_sentence_label": int(pair.is_random)}


def tokenize_documents(tokenizer: Any, docs: Sequence[Document]) -> list[list[list[int]]]:
    """Token ids (no special tokens) of every sentence of every document."""
    flat = [s for d in docs for s in d.sentences]
    ids = tokenizer(flat, add_special_tokens=False)["input_ids"] if flat else []
    out, at = [], 0
    for d in docs:
        out.append([list(x) for x in ids[at:at + len(d.sentences)] if x])
        at += len(d.sentences)
    return out


def mlm_rates(collator: Any, features: Sequence[dict[str, Any]], mask_id: int) -> dict[str, float]:
    """Collate `features` once and measure: share of maskable tokens selected, and among the selected
    the shares replaced by [MASK], by another token ("random") and left unchanged; plus how many
    special/padding positions were selected (must be 0)."""
    import torch

    originals = [list(f["input_ids"]) for f in features]
    batch = collator([dict(f) for f in features])
    width = batch["input_ids"].shape[1]
    padded = torch.tensor([ids + [-1] * (width - len(ids)) for ids in originals])
    special = torch.tensor([list(f["special_tokens_mask"]) + [1] * (width - len(f["input_ids"])) for f in features],
                           dtype=torch.bool)
    selected = batch["labels"] != -100
    new = batch["input_ids"]
    n_sel = int(selected.sum())
    masked = int((selected & (new == mask_id)).sum())
    unchanged = int((selected & (new == padded) & (new != mask_id)).sum())
    return {"maskable": float((~special).sum()), "selected": n_sel / max(1, int((~special).sum())),
            "mask": masked / max(1, n_sel), "unchanged": unchanged / max(1, n_sel),
            "random": (n_sel - masked - unchanged) / max(1, n_sel),
            "special_selected": float((selected & special).sum())}
