"""What a pre-trained BERT learnt: fill-mask, next-sentence prediction, and the 80/10/10 masking rule.

Registry tasks (see `registry.py`): `fill-mask` loads `AutoModelForMaskedLM`, `next-sentence` loads
`AutoModelForNextSentencePrediction`. A `BertForPreTraining` checkpoint has both heads, a
`BertForMaskedLM` only the masked-LM one; loading a checkpoint for a head it lacks fails with the loader's
one-line `ModelLoadError` ("… has no trained next-sentence prediction (NSP) head (missing …)").

- `fill_mask`: for each [MASK] (also typed `[mask]` or `<mask>`), the top-k tokens with probabilities.
- `next_sentence`: the probability that B follows A (BERT's NSP class 0, "is next").
- `corrupt`: what the masked-LM training rule does to a text — transformers'
  `DataCollatorForLanguageModeling` with 15 % selection and 80 % [MASK] / 10 % random / 10 % unchanged,
  seeded, so the same seed always gives the same corruption. Kinds are read off the outcome: a random
  draw that happens to give back the original token shows as "unchanged" (it is, to the model).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bert_desk.engine.runtime import Runner, check, check_length, model_inputs, require_transformers
from bert_desk.engine.types import CancelToken, EngineError, LoadedModel, ProgressFn, no_progress

MLM_PROBABILITY = 0.15
MASK_REPLACE_PROB = 0.8
RANDOM_REPLACE_PROB = 0.1
KINDS = ("masked", "random", "unchanged")
MASK_TEXT = re.compile(r"\[mask\]|<mask>", re.IGNORECASE)  # how a mask may be typed


@dataclass(frozen=True)
class MaskCandidate:
    token: str  # the vocabulary entry, e.g. "##ing"
    text: str  # how it reads when decoded, e.g. "ing" (a "##" piece joins the word before it)
    token_id: int
    score: float


@dataclass(frozen=True)
class MaskPrediction:
    start: int  # character span of the [MASK] in the input text
    end: int
    candidates: tuple[MaskCandidate, ...]


@dataclass(frozen=True)
class FillMaskResult:
    text: str
    masks: tuple[MaskPrediction, ...]
    filled: str  # the text with every mask replaced by its best candidate
    note: str = ""


@dataclass(frozen=True)
class NSPResult:
    a: str
    b: str
    is_next: float  # probability that B follows A
    truncated: bool = False
    note: str = ""


@dataclass(frozen=True)
class CorruptedToken:
    original: str  # vocabulary entry before corruption
    shown: str  # what the model gets to see
    kind: str  # "" (not selected), "masked", "random" or "unchanged"
    start: int  # character span in the input text
    end: int


@dataclass(frozen=True)
class CorruptionResult:
    text: str
    seed: int
    tokens: tuple[CorruptedToken, ...]

    def count(self, kind: str) -> int:
        return sum(t.kind == kind for t in self.tokens)

    @property
    def selected(self) -> int:
        return sum(bool(t.kind) for t in self.tokens)


def mlm_collator(tokenizer: Any, seed: int | None = None) -> Any:
    """transformers' masked-LM collator with BERT's rule (used for training and for `corrupt`)."""
    from transformers import DataCollatorForLanguageModeling

    return DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=MLM_PROBABILITY,
                                           mask_replace_prob=MASK_REPLACE_PROB,
                                           random_replace_prob=RANDOM_REPLACE_PROB, seed=seed)


def _tensors(model: LoadedModel, enc: Any) -> dict[str, Any]:
    import torch

    return {k: torch.tensor([list(enc[k])], dtype=torch.long) for k in model_inputs(model) if k in enc}


def _too_long(model: LoadedModel, n: int) -> None:
    if n > model.info.max_length:
        raise EngineError(f"Text too long: {n} tokens, this model takes at most {model.info.max_length}")


def _head(tok: Any, text: str, tokens: int) -> tuple[str, bool]:
    """`text` cut after its first `tokens` tokens, and whether anything was cut. A pair truncated
    'longest first' never keeps more than that of either side, so the cut changes no prediction; it keeps
    the tokenizer's pair truncation (quadratic in the input) on short inputs. At most 32 characters a
    token are tokenized."""
    window = text[: tokens * 32]
    offsets = tok(window, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    if len(offsets) > tokens:
        return window[: offsets[tokens - 1][1]], True
    return window, len(window) < len(text)


def _candidate(tok: Any, token_id: int, score: float) -> MaskCandidate:
    token = tok.convert_ids_to_tokens(token_id)
    text = token[2:] if token.startswith("##") else tok.decode([token_id]).strip()
    return MaskCandidate(token, text, token_id, score)


def fill_mask(model: LoadedModel, text: str, *, top_k: int = 5, progress: ProgressFn = no_progress,
              cancel: CancelToken | None = None) -> FillMaskResult:
    """Top-k candidates (with probabilities) for every [MASK] in `text`, predicted in one pass."""
    import torch

    require_transformers(model, "fill-mask")
    check(cancel)
    check_length(text)
    tok = model.tokenizer
    if tok.mask_token is None:
        raise EngineError(f"'{model.info.name}' has no mask token: it cannot fill in masks")
    spans = [m.span() for m in MASK_TEXT.finditer(text)]
    if not spans:
        raise EngineError("No [MASK] in the text: write [MASK] where a word should go, or click a word to mask it")
    normalised = MASK_TEXT.sub(tok.mask_token, text)
    enc = tok(normalised)
    _too_long(model, len(enc["input_ids"]))
    positions = [i for i, t in enumerate(enc["input_ids"]) if t == tok.mask_token_id]
    if len(positions) != len(spans):
        raise EngineError(f"The tokenizer of '{model.info.name}' did not keep every [MASK] as one token")
    progress(0.0, "Predicting masked tokens…")
    with Runner(model) as runner:
        logits = runner.forward(_tensors(model, enc)).logits[0].float().cpu()
    check(cancel)
    probs = torch.softmax(logits[positions], dim=-1)
    top = torch.topk(probs, k=max(1, min(top_k, probs.shape[-1])), dim=-1)
    masks = []
    for (start, end), values, ids in zip(spans, top.values.tolist(), top.indices.tolist(), strict=True):
        candidates = tuple(_candidate(tok, i, v) for v, i in zip(values, ids, strict=True))
        masks.append(MaskPrediction(start, end, candidates))
    progress(1.0, "Done")
    return FillMaskResult(text, tuple(masks), filled_text(text, masks), runner.note)


def match_case(word: str, text: str, start: int, original: str | None = None) -> str:
    """`word` (an uncased model's lower-case guess) cased for where it goes in at `start` of `text`: like
    the word it replaces (`original`: "Paris" -> "London", "NASA" -> "ESA"), and capitalised at the start
    of a sentence. A guess with capitals of its own (a cased model) is left alone."""
    if not word or word != word.lower():
        return word
    if original and original.isupper() and len(original) > 1:
        return word.upper()
    before = text[:start].rstrip()
    capital = (original or "")[:1].isupper() or not before or before[-1] in ".!?…"
    return word[:1].upper() + word[1:] if capital else word


def filled_text(text: str, masks: Sequence[MaskPrediction], originals: Mapping[int, str] | None = None) -> str:
    """`text` with each [MASK] replaced by its best candidate, cased by `match_case` (`originals`: the start
    of a [MASK] -> the word it replaced, when known); a word piece ("##ing") joins the word before it."""
    filled, at = [], 0
    for m in masks:
        best = m.candidates[0]
        before = text[at:m.start]
        piece = best.token.startswith("##")
        word = best.text if piece else match_case(best.text, text, m.start, (originals or {}).get(m.start))
        filled += [before.rstrip() if piece else before, word]
        at = m.end
    return "".join([*filled, text[at:]])


def next_sentence(model: LoadedModel, a: str, b: str, *, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> NSPResult:
    """Probability that `b` is the sentence that follows `a` (the pair is cut to the model's length)."""
    import torch

    require_transformers(model, "next-sentence")
    check(cancel)
    if not a.strip() or not b.strip():
        raise EngineError("Next-sentence prediction needs two sentences: fill in A and B")
    a_in, b_in = a, b
    check_length(a, b, what="sentence")
    tok = model.tokenizer
    limit = model.info.max_length
    (a, cut_a), (b, cut_b) = _head(tok, a, limit), _head(tok, b, limit)
    full = len(tok(a, b)["input_ids"])
    enc = tok(a, b, truncation="longest_first", max_length=limit)
    progress(0.0, "Predicting the next sentence…")
    with Runner(model) as runner:
        logits = runner.forward(_tensors(model, enc)).logits[0].float().cpu()
    check(cancel)
    progress(1.0, "Done")
    truncated = cut_a or cut_b or full > len(enc["input_ids"])
    return NSPResult(a_in, b_in, float(torch.softmax(logits, dim=-1)[0]), truncated, runner.note)


def corrupt(model: LoadedModel, text: str, *, seed: int = 0, progress: ProgressFn = no_progress,
            cancel: CancelToken | None = None) -> CorruptionResult:
    """Apply the masked-LM training rule to `text` once, reproducibly for `seed` (tokenizer only)."""
    check_length(text)
    if model.tokenizer is None:
        raise EngineError("Corrupting a text needs a transformers tokenizer")
    check(cancel)
    tok = model.tokenizer
    if tok.mask_token is None:
        raise EngineError(f"'{model.info.name}' has no mask token: there is no masked-LM rule to show")
    if not text.strip():
        raise EngineError("Type a sentence to corrupt first")
    enc = tok(MASK_TEXT.sub(tok.mask_token, text) if len(tok.mask_token) == 6 else text,
              return_offsets_mapping=True, return_special_tokens_mask=True)
    _too_long(model, len(enc["input_ids"]))
    specials = set(tok.all_special_ids)  # a [MASK] typed in the text is never selected either
    never = [int(m or t in specials) for m, t in zip(enc["special_tokens_mask"], enc["input_ids"], strict=True)]
    batch = mlm_collator(tok, seed=seed)([{"input_ids": list(enc["input_ids"]), "special_tokens_mask": never}])
    shown, labels = batch["input_ids"][0].tolist(), batch["labels"][0].tolist()
    tokens = []
    for i, original in enumerate(enc["input_ids"]):
        if enc["special_tokens_mask"][i]:  # [CLS], [SEP]
            continue
        new = shown[i]
        kind = "" if labels[i] == -100 else (
            "masked" if new == tok.mask_token_id else "unchanged" if new == original else "random")
        start, end = enc["offset_mapping"][i]
        tokens.append(CorruptedToken(tok.convert_ids_to_tokens(original), tok.convert_ids_to_tokens(new), kind,
                                     start, end))
    progress(1.0, "Done")
    return CorruptionResult(text, seed, tuple(tokens))


def fill_mask_json(result: FillMaskResult) -> dict[str, Any]:
    """The CLI's JSON object for one fill-mask result: the text, the text filled in, candidates per mask."""
    return {"text": result.text, "filled": result.filled, "masks": [
        {"start": m.start, "end": m.end, "candidates": [
            {"token": c.token, "text": c.text, "score": round(c.score, 6)} for c in m.candidates]}
        for m in result.masks]}


def fill_mask_summary(result: FillMaskResult) -> str:
    """One line for `--selftest`: the text with every mask filled in."""
    return repr(result.filled)


def next_sentence_json(result: NSPResult) -> dict[str, Any]:
    """The CLI's JSON object for one next-sentence result."""
    return {"is_next": round(result.is_next, 6)}


def next_sentence_summary(result: NSPResult) -> str:
    """One line: the probability that B follows A."""
    return f"is next {result.is_next:.2f}"
