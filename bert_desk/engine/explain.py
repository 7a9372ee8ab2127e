"""Why did the model say that? Token attributions for sentiment, QA and NER over texts of any length.

Two methods, over the input (word-piece) embeddings:
- `grad-input`: gradient × input, one forward and one backward pass per window (the interactive default);
- `ig`: integrated gradients from a baseline where every text token is [PAD] (special tokens kept), a
  midpoint Riemann sum over `steps` points; the attributions add up to f(x) − f(baseline) (completeness),
  up to the sum's error, which shrinks as `steps` grows.

The explained output f is a log-odds (a logit), not a probability: a confident prediction's probability is
flat (its gradient vanishes, and gradient × input with it), its log-odds much less so. Gradient × input stays
a local view: where the network itself saturates (a confident model's pooler) it can miss a token or flip its
sign; integrated gradients, which walk the whole way from the baseline, do not.
- sentiment: the label's log-odds (log p / (1 − p); for a multi-label model the label's own logit), averaged
  over the windows weighted by their token counts, as prediction averages their probabilities;
- QA: start logit of the answer's first token + end logit of its last (the span score `qa` ranks by), averaged
  over the windows that hold the whole answer;
- NER: the log-odds of the entity's type (all its B-/I-/E-/S- tags together) at each word's first sub-token,
  in the window `ner` reads that word from, averaged over the entity's words.

An int8 model (no gradients through its quantized layers) is explained through its fp32 copy.

The windows are those of prediction (`sentiment`, `qa.encode_windows`, `ner.encode_windows`): nothing is
truncated; only windows that hold the target are run, and a token seen by several windows sums its parts.
Every token carries (start, end) in the original text (the question's or the context's for QA), widened to
whole characters as a reader sees them, so `text[start:end]` is what is shaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bert_desk.engine.offsets import cluster_span
from bert_desk.engine.runtime import (
    CPU_TOKENS_PER_BATCH,
    check,
    check_length,
    model_inputs,
    pad_id,
    require_transformers,
    window_stride,
)
from bert_desk.engine.types import CancelToken, EngineError, LoadedModel, ProgressFn, no_progress

GRAD_INPUT = "grad-input"
IG = "ig"
METHODS = (GRAD_INPUT, IG)
DEFAULT_STEPS = 20
MAX_STEPS = 1000
PREDICT_SHARE = 0.1  # of the progress bar, for the prediction that picks the default target
Key = tuple[str, int, int]  # source ("text", "question", "context"), start, end


@dataclass(frozen=True)
class TokenScore:
    """One token's attribution; `source[start:end]` (the text, or the question/context for QA) is `text`."""

    start: int
    end: int
    text: str
    attribution: float
    source: str = "text"


@dataclass(frozen=True)
class Explanation:
    """Attributions of every token of the windows that hold the target, in text order (question first)."""

    task: str
    method: str
    target: str  # what was explained: a label, "PER", or the answer's text
    tokens: tuple[TokenScore, ...]
    output: float  # f(x)
    baseline: float | None = None  # f(baseline), integrated gradients only
    steps: int = 0  # integrated gradients' steps (0: gradient × input)
    span: tuple[int, int] | None = None  # the explained answer (in the context) or entity (in the text)
    windows: int = 1  # windows run
    texts: dict[str, str] = field(default_factory=dict)  # source name -> its text ("text"; "question", "context")

    def top(self, n: int = 10) -> list[TokenScore]:
        """The `n` tokens with the largest |attribution|, largest first."""
        return sorted(self.tokens, key=lambda t: (-abs(t.attribution), t.source, t.start))[:n]

    @property
    def scale(self) -> float:
        """The largest |attribution| (1.0 when every one is 0), for shading and the legend."""
        return max((abs(t.attribution) for t in self.tokens), default=0.0) or 1.0


@dataclass
class _Window:
    """One model window: its inputs, the text key of each position (None: special or empty), the target."""

    inputs: dict[str, list[int]]
    keys: list[Key | None]
    target: Callable[[Any], Any]  # model output of a batch of this window -> tensor [batch]


def _differentiable(lm: LoadedModel) -> LoadedModel:
    """`lm`, or an fp32 copy of an int8 model (quantized linear layers have no gradients)."""
    if lm.info.precision != "int8":
        return lm
    from bert_desk.engine.loading import load_model

    return load_model(lm.info.spec, lm.info.task, device=lm.info.device.kind, precision="fp32")


def _check_method(method: str, steps: int) -> None:
    if method not in METHODS:
        raise EngineError(f"Unknown explanation method '{method}' (known: {', '.join(METHODS)})")
    if method == IG and not 1 <= steps <= MAX_STEPS:
        raise EngineError(f"Integrated gradients need 1 to {MAX_STEPS} steps (got {steps})")


def _key(source: str, text: str, offsets: Sequence[int], shift: int = 0) -> Key | None:
    start, end = offsets
    if end <= start:
        return None
    start, end = cluster_span(text, start + shift, end + shift)
    return source, start, end


def _attribute(lm: LoadedModel, windows: Sequence[_Window], method: str, steps: int, progress: ProgressFn,
               cancel: CancelToken | None) -> tuple[dict[Key, float], float, float | None]:
    """Sum each key's attribution over `windows`; returns (attributions, f(x), f(baseline) or None)."""
    import torch

    model = lm.model
    device = next(model.parameters()).device
    embed = model.get_input_embeddings()
    per_chunk = [max(1, CPU_TOKENS_PER_BATCH // max(1, len(w.keys))) for w in windows]
    units = [1 if method == GRAD_INPUT else 1 + math.ceil(steps / n) for n in per_chunk]
    total, done = sum(units), 0
    scores: dict[Key, float] = {}
    output, baseline = 0.0, 0.0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        progress(PREDICT_SHARE + (1 - PREDICT_SHARE) * done / total, message)
        check(cancel)

    with torch.inference_mode(False), torch.enable_grad():
        for index, (window, chunk) in enumerate(zip(windows, per_chunk, strict=True)):
            check(cancel)
            ids = torch.tensor([window.inputs["input_ids"]], device=device)
            extra = {k: torch.tensor([v], device=device) for k, v in window.inputs.items() if k != "input_ids"}
            content = torch.tensor([k is not None for k in window.keys], device=device)
            with torch.no_grad():
                x = embed(ids)
                x0 = embed(torch.where(content, torch.full_like(ids, pad_id(lm)), ids))
            message = f"Window {index + 1}/{len(windows)}"
            if method == GRAD_INPUT:
                x.requires_grad_(True)
                f = window.target(model(inputs_embeds=x, **extra))
                (grad,) = torch.autograd.grad(f.sum(), x)
                attr = (grad * x.detach()).sum(-1)[0]
                output += float(f.detach().sum())
                step(message)
            else:
                grads = torch.zeros_like(x)
                for lo in range(0, steps, chunk):
                    alphas = ((torch.arange(lo, min(steps, lo + chunk), device=device) + 0.5) / steps).to(x.dtype)
                    xs = (x0 + alphas[:, None, None] * (x - x0)).requires_grad_(True)
                    f = window.target(model(inputs_embeds=xs, **{k: v.expand(len(alphas), -1)
                                                                   for k, v in extra.items()}))
                    (grad,) = torch.autograd.grad(f.sum(), xs)
                    grads += grad.sum(0, keepdim=True)
                    step(f"{message}, step {min(steps, lo + chunk)}/{steps}")
                attr = (grads.float() / steps * (x - x0).float()).sum(-1)[0]
                with torch.no_grad():
                    ends = window.target(model(inputs_embeds=torch.cat([x, x0]),
                                               **{k: v.expand(2, -1) for k, v in extra.items()}))
                output += float(ends[0])
                baseline += float(ends[1])
                step(message)
            for key, value in zip(window.keys, attr.float().tolist(), strict=True):
                if key is not None:
                    scores[key] = scores.get(key, 0.0) + value
    return scores, output, (baseline if method == IG else None)


def _explanation(task: str, method: str, target: str, sources: dict[str, str], windows: Sequence[_Window],
                 lm: LoadedModel, steps: int, progress: ProgressFn, cancel: CancelToken | None,
                 span: tuple[int, int] | None = None) -> Explanation:
    scores, output, baseline = _attribute(lm, windows, method, steps, progress, cancel)
    order = {name: i for i, name in enumerate(sources)}
    tokens = tuple(TokenScore(start, end, sources[source][start:end], value, source)
                   for (source, start, end), value in sorted(scores.items(), key=lambda kv: (order[kv[0][0]],
                                                                                            kv[0][1], kv[0][2])))
    return Explanation(task, method, target, tokens, output, baseline, steps if method == IG else 0, span,
                       len(windows), dict(sources))


def _predict_progress(progress: ProgressFn) -> ProgressFn:
    return lambda fraction, message: progress(PREDICT_SHARE * fraction, message)


def _log_odds(lm: LoadedModel, logits: Any, columns: Sequence[int]) -> Any:
    """log P(any of `columns`) − log P(none of them) along the last axis (sigmoid models: the logit)."""
    import torch

    logits = logits.float()
    if getattr(lm.model.config, "problem_type", None) == "multi_label_classification":
        return logits[..., list(columns)].sum(-1)
    others = [i for i in range(logits.shape[-1]) if i not in columns]
    inside = torch.logsumexp(logits[..., list(columns)], dim=-1)
    return inside - torch.logsumexp(logits[..., others], dim=-1) if others else inside


def _label_target(lm: LoadedModel, columns: Sequence[int], weight: float, out: Any) -> Any:
    return weight * _log_odds(lm, out.logits, columns)


def _span_target(first: int, last: int, weight: float, out: Any) -> Any:
    return weight * (out.start_logits[:, first] + out.end_logits[:, last]).float()


def _words_target(lm: LoadedModel, columns: Sequence[int], positions: Sequence[int], weight: float, out: Any) -> Any:
    return weight * _log_odds(lm, out.logits[:, list(positions)], columns).sum(1)


def explain_sentiment(model: LoadedModel, text: str, *, label: str | None = None, method: str = GRAD_INPUT,
                      steps: int = DEFAULT_STEPS, progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> Explanation:
    """Each token's attribution to `label`'s log-odds (default: the predicted label) for `text` (any length)."""
    from bert_desk.engine.sentiment import analyze

    require_transformers(model, "sentiment")
    _check_method(method, steps)
    model = _differentiable(model)
    check_length(text)
    if not text.strip():
        raise EngineError("Nothing to explain: the text is empty")
    if label is None:
        label = analyze(model, text, with_sentences=False, progress=_predict_progress(progress), cancel=cancel).label
    labels = list(model.info.labels)
    if label not in labels:
        raise EngineError(f"Unknown label '{label}' (the model's labels: {', '.join(labels)})")
    column = labels.index(label)
    max_len = model.info.max_length
    enc = model.tokenizer(text, truncation=True, max_length=max_len, stride=window_stride(max_len),
                          return_overflowing_tokens=True, return_offsets_mapping=True)
    names = model_inputs(model)
    counts = [max(1, sum(1 for s in enc.sequence_ids(i) if s is not None)) for i in range(len(enc["input_ids"]))]
    windows = []
    for i, count in enumerate(counts):
        offsets, seq = enc["offset_mapping"][i], enc.sequence_ids(i)
        keys = [_key("text", text, offsets[p]) if seq[p] is not None else None for p in range(len(seq))]
        weight = count / sum(counts)
        windows.append(_Window({k: list(enc[k][i]) for k in names if k in enc}, keys,
                               partial(_label_target, model, [column], weight)))
    return _explanation("sentiment", method, label, {"text": text}, windows, model, steps, progress, cancel)


def explain_qa(model: LoadedModel, question: str, context: str, *, answer: tuple[int, int] | None = None,
               method: str = GRAD_INPUT, steps: int = DEFAULT_STEPS, max_length: int = 384,
               doc_stride: int = 128, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None) -> Explanation:
    """Each question and context token's attribution to the answer's span score (start + end logits);
    `answer` is its (start, end) in `context` (default: the best answer)."""
    from bert_desk.engine import qa

    require_transformers(model, "qa")
    _check_method(method, steps)
    model = _differentiable(model)
    check_length(context, what="context")
    check_length(question, what="question")
    if answer is None:
        found = qa.answer(model, question, context, top_k=1, max_length=max_length, doc_stride=doc_stride,
                          progress=_predict_progress(progress), cancel=cancel)
        if not found.answers:
            raise EngineError("The model found no answer to explain")
        answer = (found.answers[0].start, found.answers[0].end)
    a_start, a_end = answer
    if not 0 <= a_start < a_end <= len(context):
        raise EngineError(f"The answer span {a_start}-{a_end} is not inside the context")
    tok = model.tokenizer
    stripped = question.strip()
    if not stripped:
        raise EngineError("Empty question")
    shift = len(question) - len(question.lstrip())
    question_first = getattr(tok, "padding_side", "right") == "right"
    max_len = max(8, min(max_length, model.info.max_length))
    enc = qa.encode_windows(tok, stripped, context, question_first, max_len, doc_stride)
    ctx_seq = 1 if question_first else 0
    names = model_inputs(model)
    held = []
    for i in range(len(enc["input_ids"])):
        offsets, seq = enc["offset_mapping"][i], enc.sequence_ids(i)
        ctx = [p for p, s in enumerate(seq) if s == ctx_seq and offsets[p][1] > offsets[p][0]]
        if not ctx or offsets[ctx[0]][0] > a_start or offsets[ctx[-1]][1] < a_end:
            continue
        first = next(p for p in ctx if offsets[p][1] > a_start)
        last = [p for p in ctx if offsets[p][0] < a_end][-1]
        keys = [None if s is None else _key("context", context, offsets[p]) if s == ctx_seq
                else _key("question", question, offsets[p], shift) for p, s in enumerate(seq)]
        held.append((i, keys, first, last))
    if not held:
        raise EngineError(f"No window holds the whole answer {a_start}-{a_end}: it is longer than a window")
    windows = [_Window({k: list(enc[k][i]) for k in names if k in enc}, keys,
                       partial(_span_target, first, last, 1 / len(held))) for i, keys, first, last in held]
    return _explanation("qa", method, context[a_start:a_end], {"question": question, "context": context}, windows,
                        model, steps, progress, cancel, span=answer)


def explain_ner(model: LoadedModel, text: str, *, entity: tuple[int, int] | None = None, label: str | None = None,
                method: str = GRAD_INPUT, steps: int = DEFAULT_STEPS, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None) -> Explanation:
    """Each token's attribution to the entity type `label` (default: the entity's) over the words of
    `entity`, a (start, end) in `text` (default: the first entity found)."""
    from bert_desk.engine import ner
    from bert_desk.engine.colors import base_label

    require_transformers(model, "ner")
    _check_method(method, steps)
    model = _differentiable(model)
    check_length(text)
    if entity is None or label is None:
        found = ner.extract(model, text, progress=_predict_progress(progress), cancel=cancel).entities
        if entity is None:
            if not found:
                raise EngineError("The model found no entity to explain")
            entity = (found[0].start, found[0].end)
        if label is None:
            match = [e for e in found if (e.start, e.end) == entity]
            if not match:
                raise EngineError(f"No entity at {entity[0]}-{entity[1]}: name a label to explain that span")
            label = match[0].label
    tags = [i for i, tag in enumerate(model.info.labels) if ner.split_tag(tag)[1] == base_label(label)]
    if not tags:
        raise EngineError(f"The model has no tag for '{label}'")
    enc, words = ner.encode_windows(model, [text])
    seen: dict[tuple[int, int], tuple[int, int, int]] = {}  # (word, start) -> (distance, window, position)
    keys_of = []
    for i in range(len(enc["input_ids"])):
        word_ids, offsets = enc.word_ids(i), enc["offset_mapping"][i]
        content = [p for p, w in enumerate(word_ids) if w is not None]
        keys: list[Key | None] = [None] * len(word_ids)
        for p in content:
            base = words[0][word_ids[p]][0] if words is not None else 0
            keys[p] = _key("text", text, offsets[p], base)
            start = offsets[p][0] + base
            distance = min(p - content[0], content[-1] - p)
            if offsets[p][1] > offsets[p][0] and ((word_ids[p], start) not in seen
                                                  or distance > seen[word_ids[p], start][0]):
                seen[word_ids[p], start] = (distance, i, p)
        keys_of.append(keys)
    firsts: dict[int, tuple[int, int, int]] = {}  # word -> (start, window, position) of its first piece
    for (word, start), (_, i, p) in seen.items():
        if word not in firsts or start < firsts[word][0]:
            firsts[word] = (start, i, p)
    picked = [(i, p) for start, i, p in firsts.values() if entity[0] <= start < entity[1]]
    if not picked:
        raise EngineError(f"No word starts inside {entity[0]}-{entity[1]}")
    names = model_inputs(model)
    windows = []
    for i in sorted({i for i, _ in picked}):
        positions = [p for j, p in picked if j == i]
        windows.append(_Window(
            {k: list(enc[k][i]) for k in names if k in enc}, keys_of[i],
            partial(_words_target, model, tags, positions, 1 / len(picked))))
    return _explanation("ner", method, base_label(label), {"text": text}, windows, model, steps, progress, cancel,
                        span=entity)


def to_json(explanation: Explanation) -> dict[str, Any]:
    """The CLI's JSON object: what was explained, f(x) (and f(baseline)), and every token's span and score."""
    out: dict[str, Any] = {"task": explanation.task, "method": explanation.method, "target": explanation.target,
                           "output": round(explanation.output, 6)}
    if explanation.span is not None:
        out["start"], out["end"] = explanation.span
    if explanation.baseline is not None:
        out["baseline"] = round(explanation.baseline, 6)
        out["steps"] = explanation.steps
    out["tokens"] = [{**({"source": t.source} if explanation.task == "qa" else {}), "start": t.start,
                      "end": t.end, "text": t.text, "attribution": round(t.attribution, 6)}
                     for t in explanation.tokens]
    return out
