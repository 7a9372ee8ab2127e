"""Held-out scores of pre-training heads: masked-token top-1 accuracy and NSP accuracy.

Training scores its held-out documents with these functions, and `bert-desk evaluate pretrain` scores any
checkpoint the same way: the same sentence pairs (seed + 1) masked once by the seeded collator (seed), so a
run's reported figures can be reproduced from its command line. A checkpoint with a masked-LM head only
(`BertForMaskedLM`) gets the masked-LM scores and no NSP score.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bert_desk.engine.pretrain import mlm_collator
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.training import pretrain_data as P

SHORT_SEQ_PROB = 0.1


def build_pairs(tokenizer: Any, docs: Sequence[P.Document], max_length: int, seed: int,
                short_seq_prob: float = SHORT_SEQ_PROB) -> list[dict[str, Any]]:
    """Encoded NSP pairs ([CLS] A [SEP] B [SEP]) of `docs`."""
    ids = P.tokenize_documents(tokenizer, docs)
    pairs = P.make_nsp_pairs(ids, max_tokens=max_length - 3, seed=seed, groups=[d.group for d in docs],
                             short_seq_prob=short_seq_prob)
    return [P.encode_pair(p, tokenizer.cls_token_id, tokenizer.sep_token_id) for p in pairs]


def masked_batches(tokenizer: Any, features: Sequence[dict[str, Any]], batch_size: int, seed: int) -> list[dict]:
    """Features collated (padded and masked) once with a seeded collator: a fixed evaluation set."""
    collator = mlm_collator(tokenizer, seed=seed)
    return [collator([dict(f) for f in features[i:i + batch_size]]) for i in range(0, len(features), batch_size)]


def _shared_encoder(model: Any, nsp_model: Any) -> bool:
    """True when both models are BERT head models loaded from one checkpoint: one encoder pass serves both."""
    if nsp_model is None or not all(hasattr(m, "bert") and hasattr(m, "cls") for m in (model, nsp_model)):
        return False
    if getattr(nsp_model.bert, "pooler", None) is None:
        return False
    ours, theirs = model.bert.state_dict(), nsp_model.bert.state_dict()
    return all(k in theirs and ours[k].shape == theirs[k].shape and bool((ours[k] == theirs[k]).all())
               for k in ours)


def _head_logits(model: Any, nsp_model: Any, inputs: dict[str, Any], shared: bool) -> tuple[Any, Any]:
    """(masked-LM logits, NSP logits or None) of one batch, with a single encoder pass where possible."""
    if shared:  # the NSP model's encoder has the pooler the masked-LM model lacks; same weights otherwise
        sequence, pooled = nsp_model.bert(**inputs)[:2]
        return model.cls(sequence), nsp_model.cls(pooled)
    out = model(**inputs)
    if hasattr(out, "seq_relationship_logits"):
        return out.prediction_logits, out.seq_relationship_logits
    return out.logits, (nsp_model(**inputs).logits if nsp_model is not None else None)


def evaluate_batches(model: Any, batches: Sequence[dict[str, Any]], mask_id: int,
                     cancel: CancelToken | None = None, nsp_model: Any = None,
                     progress: ProgressFn = no_progress) -> dict[str, float]:
    """Masked-token top-1 accuracy ([MASK] positions, and all selected positions) and NSP accuracy.

    `model` carries the masked-LM head, and the NSP head too when it is a BertForPreTraining; otherwise
    `nsp_model` scores NSP (sharing one encoder pass with `model` when both are BERT models with the same
    encoder weights), and with neither the NSP keys are absent from the result. `loss` is MLM + NSP
    cross-entropy per pair, as BertForPreTraining computes it (the MLM part alone without an NSP head).
    """
    import torch
    from torch.nn.functional import cross_entropy

    device = next(model.parameters()).device
    hits = total = sel_hits = sel_total = nsp_hits = nsp_total = 0
    loss_sum = 0.0
    for m in (model, nsp_model):
        if m is not None:
            m.eval()
    shared = _shared_encoder(model, nsp_model)
    scored, pairs = 0, sum(len(b["input_ids"]) for b in batches)
    with torch.inference_mode():
        for batch in batches:
            if cancel is not None:
                cancel.raise_if_cancelled()
            inputs: dict[str, Any] = {k: batch[k].to(device) for k in ("input_ids", "attention_mask", "token_type_ids")
                                      if k in batch}
            labels, nsp_labels = batch["labels"].to(device), batch["next_sentence_label"].to(device).view(-1)
            mlm_logits, nsp_logits = _head_logits(model, nsp_model, inputs, shared)
            logits = mlm_logits.float()
            scored += len(labels)
            progress(scored / pairs, f"pairs {scored}/{pairs}")
            selected = labels != -100
            if not selected.any():
                continue
            batch_loss = float(cross_entropy(logits[selected], labels[selected]))
            correct = (logits.argmax(-1) == labels) & selected
            at_mask = selected & (inputs["input_ids"] == mask_id)
            hits += int((correct & at_mask).sum())
            total += int(at_mask.sum())
            sel_hits += int(correct.sum())
            sel_total += int(selected.sum())
            if nsp_logits is not None:
                nsp_logits = nsp_logits.float()
                batch_loss += float(cross_entropy(nsp_logits, nsp_labels))
                nsp_hits += int((nsp_logits.argmax(-1) == nsp_labels).sum())
                nsp_total += len(nsp_labels)
            loss_sum += batch_loss * len(labels)
    scores = {"masked_token_accuracy": hits / max(1, total), "masked_tokens": float(total),
              "selected_token_accuracy": sel_hits / max(1, sel_total), "selected_tokens": float(sel_total),
              "pairs": float(pairs), "loss": loss_sum / max(1, pairs)}
    if nsp_total:
        scores["nsp_accuracy"] = nsp_hits / max(1, nsp_total)
    return scores


def evaluate_pretrain(model_spec: str, data_files: Sequence[str | Path], *, holdout_articles: float = 0.0,
                      seed: int = 13, max_length: int = 128, eval_sequences: int = 2000, batch_size: int = 32,
                      device: str = "cpu", threads: int = 2, cancel: CancelToken | None = None,
                      progress: ProgressFn = no_progress) -> dict[str, Any]:
    """Score a checkpoint's pre-training heads on the documents of `data_files` (plain text or SQuAD JSON).

    With `holdout_articles` > 0 only the groups (articles / documents) that `train pretrain` with the same
    seed and fraction held out are scored; 0 scores every document. Raises EngineError for a checkpoint
    without a masked-LM head, ValueError when the documents give no sentence pair.
    """
    import torch

    from bert_desk.engine.loading import load_model
    from bert_desk.engine.types import ModelLoadError

    torch.set_num_threads(max(1, threads))
    docs = P.load_corpus(list(data_files))
    if holdout_articles > 0:
        docs = P.split_documents(docs, holdout_articles, seed)[1]
    mlm = load_model(model_spec, "fill-mask", device=device)
    try:
        nsp = load_model(model_spec, "next-sentence", device=device).model
    except ModelLoadError:
        nsp = None
    tokenizer = mlm.tokenizer
    features = build_pairs(tokenizer, docs, max_length, seed + 1)[:eval_sequences or None]
    if not features:
        raise ValueError("no sentence pair could be built: the documents need at least two sentences")
    batches = masked_batches(tokenizer, features, max(batch_size, 32), seed)
    scores = evaluate_batches(mlm.model, batches, tokenizer.mask_token_id, cancel, nsp_model=nsp,
                              progress=progress)
    return {**scores, "documents": float(len(docs))}
