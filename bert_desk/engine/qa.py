"""Extractive question answering over a context of any length.

The context is split into overlapping `doc_stride` windows (`only_second` truncation). Every valid
(start, end) token pair inside a window's context (end >= start, at most `max_answer_len` tokens) is a
candidate; its score is a softmax over the summed start+end logits of all candidates of all windows plus
the "no answer" candidate (CLS start+end, the lowest over windows, as in the HF pipeline). Identical
character spans from overlapping windows are merged keeping the max score. Spans never cross windows
and map back to the original context through `offset_mapping` + `sequence_ids`.
"""

from __future__ import annotations

from collections.abc import Sequence
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
)
from bert_desk.engine.segments import Segment, in_groups
from bert_desk.engine.types import (
    Answer,
    CancelToken,
    EngineError,
    LoadedModel,
    ProgressFn,
    QAResult,
    no_progress,
)


def _window_candidates(start: Any, end: Any, ctx: list[int], max_answer_len: int,
                       keep: int) -> tuple[Any, list[tuple[int, int, float]]]:
    """(logsumexp over valid pairs, top `keep` (start_pos, end_pos, logit)) for one window."""
    import torch

    pos = torch.tensor(ctx)
    pair = start[pos][:, None] + end[pos][None, :]
    n = len(ctx)
    rows = torch.arange(n)[:, None]
    cols = torch.arange(n)[None, :]
    valid = (cols >= rows) & (cols - rows < max_answer_len)
    pair = pair.masked_fill(~valid, float("-inf"))
    flat = pair.flatten()
    top = torch.topk(flat, min(keep, int(valid.sum()))) if n else None
    picks = []
    if top is not None:
        for value, index in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            picks.append((ctx[index // n], ctx[index % n], value))
    return torch.logsumexp(flat, dim=0), picks


def _collect(slot: dict[str, Any], out: dict[str, Any], enc: Any, i: int, base: int, *, ctx_seq: int,
             cls_id: int | None, max_answer_len: int, keep: int) -> None:
    """Add window `i` of `enc` (a segment starting at `base` in the context) to its question's slot: the
    window's null score, the logsumexp of its valid spans and its best spans (offsets into the context)."""
    import torch

    slot["windows"] += 1
    ids = enc["input_ids"][i]
    offsets = enc["offset_mapping"][i]
    ctx = [p for p, s in enumerate(enc.sequence_ids(i)) if s == ctx_seq and offsets[p][1] > offsets[p][0]]
    cls = ids.index(cls_id) if cls_id in ids else 0
    null = out["start_logits"][cls] + out["end_logits"][cls]
    slot["null"] = null if slot["null"] is None else torch.minimum(slot["null"], null)
    if ctx:
        lse, picks = _window_candidates(out["start_logits"], out["end_logits"], ctx, max_answer_len, keep)
        slot["lse"].append(lse)
        slot["cands"].extend((offsets[a][0] + base, offsets[b][1] + base, v) for a, b, v in picks)


def encode_windows(tok: Any, question: str, context: str, question_first: bool, max_len: int,
            doc_stride: int) -> Any:
    """Overflowing windows of (question, context); the stride shrinks to fit a long question."""
    q_len = len(tok(question, add_special_tokens=False)["input_ids"])
    room = max_len - q_len - tok.num_special_tokens_to_add(pair=True)
    if room < 4:
        raise EngineError(f"Question too long ({q_len} tokens) for a {max_len}-token model window")
    stride = max(0, min(doc_stride, room // 2))
    first, second = (question, context) if question_first else (context, question)
    return tok(first, second, truncation="only_second" if question_first else "only_first",
               max_length=max_len, stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True)


def handles_no_answer(model: LoadedModel) -> bool:
    """False when the checkpoint says it was trained without unanswerable questions (SQuAD v1.1 style:
    config `task_specific_params["question-answering"]["handle_impossible_answer"] = false`): then it
    always answers, and scores are shared among spans only. True otherwise (SQuAD 2.0 null score)."""
    params = getattr(getattr(model.model, "config", None), "task_specific_params", None) or {}
    return bool((params.get("question-answering") or {}).get("handle_impossible_answer", True))


def answer_many(model: LoadedModel, questions: Sequence[str], context: str, *, top_k: int = 5,
                max_answer_len: int = 30, max_length: int = 384, doc_stride: int = 128, batch_size: int = 16,
                progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[QAResult]:
    """Answer several questions over one context; one QAResult per question, in order."""
    return answer_batch(model, [(question, context) for question in questions], top_k=top_k,
                        max_answer_len=max_answer_len, max_length=max_length, doc_stride=doc_stride,
                        batch_size=batch_size, progress=progress, cancel=cancel)


def answer_batch(model: LoadedModel, pairs: Sequence[tuple[str, str]], *, top_k: int = 5,
                 max_answer_len: int = 30, max_length: int = 384, doc_stride: int = 128, batch_size: int = 16,
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[QAResult]:
    """Answer many (question, context) pairs: the windows of all pairs share length-sorted batches;
    one QAResult per pair, in order, the same answers as one pair at a time."""
    import torch

    require_transformers(model, "qa")
    check(cancel)
    check_length(*(context for _, context in pairs), what="context")
    check_length(*(question for question, _ in pairs), what="question")
    if not pairs:
        return []
    tok = model.tokenizer
    qs = [question.strip() for question, _ in pairs]
    contexts = [context for _, context in pairs]
    if not all(qs):
        raise EngineError("Empty question")
    question_first = getattr(tok, "padding_side", "right") == "right"
    max_len = max(8, min(max_length, model.info.max_length))
    ctx_seq = 1 if question_first else 0
    keep = max(1, top_k) * 2 + 4
    per_q: list[dict[str, Any]] = [{"lse": [], "null": None, "cands": [], "windows": 0} for _ in qs]
    inputs = model_inputs(model)
    with Runner(model) as runner:
        for group in in_groups(contexts):  # long contexts in overlapping segments, a group at a time
            windows: list[tuple[Segment, Any, int]] = []  # (segment, its encoding, window index in it)
            features: list[dict[str, Any]] = []
            for seg in group.segments:
                enc = encode_windows(tok, qs[seg.owner], contexts[seg.owner][seg.start:seg.end], question_first,
                                     max_len, doc_stride)
                found = encoding_features(enc, inputs)
                windows.extend((seg, enc, i) for i in range(len(found)))
                features.extend(found)
            outputs = run_batches(runner, features, keys=("start_logits", "end_logits"), pad_id=pad_id(model),
                                  batch_size=batch_size, progress=progress, cancel=cancel, message="Windows",
                                  token_level=True, span=group.span)
            for (seg, enc, i), out in zip(windows, outputs, strict=True):
                _collect(per_q[seg.owner], out, enc, i, seg.start, ctx_seq=ctx_seq, cls_id=tok.cls_token_id,
                         max_answer_len=max_answer_len, keep=keep)
            del windows, features, outputs
    note = runner.note
    results = []
    allow_null = handles_no_answer(model)
    for (question, context), slot in zip(pairs, per_q, strict=True):
        if slot["null"] is None:  # no window at all (cannot happen: every question gets one)
            results.append(QAResult(question=question, answers=(), no_answer=True, note=note))
            continue
        terms = [*slot["lse"], slot["null"]] if allow_null or not slot["lse"] else slot["lse"]
        z = torch.logsumexp(torch.stack(terms), dim=0)
        best: dict[tuple[int, int], float] = {}
        for s, e, v in slot["cands"]:
            s, e = trim(context, s, e)
            if s < e:
                score = float(torch.exp(torch.tensor(v) - z))
                best[(s, e)] = max(score, best.get((s, e), 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, top_k)]
        answers = tuple(Answer(s, e, context[s:e], sc) for (s, e), sc in ranked)
        null_score = float(torch.exp(slot["null"] - z)) if allow_null else 0.0
        no_answer = not answers or (allow_null and null_score > answers[0].score)
        results.append(QAResult(question=question, answers=answers, no_answer=no_answer,
                                no_answer_score=null_score, note=note, windows=slot["windows"]))
    return results


def answer(model: LoadedModel, question: str, context: str, *, top_k: int = 5, max_answer_len: int = 30,
           max_length: int = 384, doc_stride: int = 128, batch_size: int = 16,
           progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> QAResult:
    """Top-k answers to one question over `context` (see module docstring for scoring)."""
    return answer_many(model, [question], context, top_k=top_k, max_answer_len=max_answer_len,
                       max_length=max_length, doc_stride=doc_stride, batch_size=batch_size,
                       progress=progress, cancel=cancel)[0]


def to_json(result: QAResult) -> dict[str, Any]:
    """The CLI's JSON object for one result: the question, whether it has no answer, the ranked answers."""
    return {"question": result.question, "no_answer": result.no_answer, "answers": [
        {"start": a.start, "end": a.end, "text": a.text, "score": round(a.score, 6)} for a in result.answers]}


def summary(result: QAResult) -> str:
    """One line for `--selftest`: the best answer's text."""
    return repr(result.answers[0].text) if result.answers else "no answer"
