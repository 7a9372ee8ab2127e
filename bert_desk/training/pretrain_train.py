"""BERT pre-training (masked LM + next-sentence prediction) or continued pre-training of a base model.

The loss is BertForPreTraining's: masked-LM cross-entropy (mean over the selected tokens) + NSP
cross-entropy, as `BertForPreTraining(labels=…, next_sentence_label=…)` computes it. Training evaluates the
30 k-way decoder only at the selected 15 % of positions (`sparse_pretraining_loss`, the same number — a test
checks it — for about half the compute on CPU). A base without the heads (e.g. MiniLM, a bare `BertModel`)
gets freshly initialised heads, the MLM decoder tied to the word embeddings. Held-out groups (articles or
documents) are masked once with a fixed seed and scored for masked-token top-1 accuracy and NSP accuracy.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bert_desk.engine.pretrain import mlm_collator
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.training import pretrain_data as P
from bert_desk.training.data import resolve_base
from bert_desk.training.runner import TrainConfig

DEFAULTS = {"holdout_articles": 0.05, "eval_sequences": 2000, "short_seq_prob": 0.1, "corpus": []}


def _option(cfg: TrainConfig, key: str) -> Any:
    return cfg.extra.get(key, DEFAULTS[key])


def load_pretraining_model(base: str) -> Any:
    """`AutoModelForPreTraining` from `base`; missing heads are initialised and the decoder is tied."""
    from transformers import AutoModelForPreTraining

    model = AutoModelForPreTraining.from_pretrained(base, tie_word_embeddings=True)
    if not (hasattr(model, "bert") and hasattr(getattr(model, "cls", None), "seq_relationship")):
        raise ValueError(f"{base}: pre-training needs a BERT base (got {type(model).__name__}, no NSP head)")
    model.tie_weights()
    decoder = model.get_output_embeddings()
    if decoder is None or decoder.weight.data_ptr() != model.get_input_embeddings().weight.data_ptr():
        raise ValueError(f"{base}: the masked-LM decoder could not be tied to the word embeddings")
    return model


def sparse_pretraining_loss(model: Any, inputs: dict[str, Any]) -> Any:
    """MLM + NSP loss of a BertForPreTraining, with decoder logits computed only where `labels` != -100."""
    from torch.nn.functional import cross_entropy

    labels, nsp_labels = inputs["labels"], inputs["next_sentence_label"]
    encoded = model.bert(input_ids=inputs["input_ids"], attention_mask=inputs.get("attention_mask"),
                         token_type_ids=inputs.get("token_type_ids"))
    selected = labels != -100
    mlm_logits = model.cls.predictions(encoded.last_hidden_state[selected])
    nsp_logits = model.cls.seq_relationship(encoded.pooler_output)
    return cross_entropy(mlm_logits, labels[selected]) + cross_entropy(nsp_logits, nsp_labels.view(-1))


def sparse_trainer_class() -> Any:
    """A `Trainer` whose training loss is `sparse_pretraining_loss` (evaluation is done separately)."""
    from transformers import Trainer

    class PretrainingTrainer(Trainer):
        loss_is_scaled_for_ga = False  # a per-batch mean: the Trainer divides by accumulation steps

        def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False,
                         num_items_in_batch: Any = None) -> Any:
            loss = sparse_pretraining_loss(model, inputs)
            return (loss, {"loss": loss}) if return_outputs else loss

    return PretrainingTrainer


def masked_batches(tokenizer: Any, features: Sequence[dict[str, Any]], batch_size: int, seed: int) -> list[dict]:
    """Features collated (padded and masked) once with a seeded collator: a fixed evaluation set."""
    collator = mlm_collator(tokenizer, seed=seed)
    return [collator([dict(f) for f in features[i:i + batch_size]]) for i in range(0, len(features), batch_size)]


def evaluate_batches(model: Any, batches: Sequence[dict[str, Any]], mask_id: int,
                     cancel: CancelToken | None = None) -> dict[str, float]:
    """Masked-token top-1 accuracy ([MASK] positions, and all selected positions) and NSP accuracy."""
    import torch

    model.eval()
    device = next(model.parameters()).device
    hits = total = sel_hits = sel_total = nsp_hits = nsp_total = 0
    loss_sum = 0.0
    with torch.inference_mode():
        for batch in batches:
            if cancel is not None:
                cancel.raise_if_cancelled()
            inputs = {k: v.to(device) for k, v in batch.items() if k != "special_tokens_mask"}
            out = model(**inputs)
            loss_sum += float(out.loss) * len(batch["input_ids"])
            labels = inputs["labels"]
            selected = labels != -100
            pred = out.prediction_logits.argmax(-1)
            correct = (pred == labels) & selected
            at_mask = selected & (inputs["input_ids"] == mask_id)
            hits += int((correct & at_mask).sum())
            total += int(at_mask.sum())
            sel_hits += int(correct.sum())
            sel_total += int(selected.sum())
            nsp_pred = out.seq_relationship_logits.argmax(-1)
            nsp_hits += int((nsp_pred == inputs["next_sentence_label"]).sum())
            nsp_total += len(nsp_pred)
    model.train()
    return {"masked_token_accuracy": hits / max(1, total), "masked_tokens": float(total),
            "selected_token_accuracy": sel_hits / max(1, sel_total), "selected_tokens": float(sel_total),
            "nsp_accuracy": nsp_hits / max(1, nsp_total), "pairs": float(nsp_total),
            "loss": loss_sum / max(1, nsp_total)}


def build_pairs(tokenizer: Any, docs: Sequence[P.Document], max_length: int, seed: int,
                short_seq_prob: float) -> list[dict[str, Any]]:
    """Encoded NSP pairs ([CLS] A [SEP] B [SEP]) of `docs`."""
    ids = P.tokenize_documents(tokenizer, docs)
    pairs = P.make_nsp_pairs(ids, max_tokens=max_length - 3, seed=seed, groups=[d.group for d in docs],
                             short_seq_prob=short_seq_prob)
    return [P.encode_pair(p, tokenizer.cls_token_id, tokenizer.sep_token_id) for p in pairs]


def train_pretrain(cfg: TrainConfig, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                   ) -> dict[str, Any]:
    """Pre-train (or resume); corpus files are `cfg.extra["corpus"]`. Returns metrics.json's body."""
    from transformers import AutoTokenizer

    from bert_desk.training.runner import fit, save_model, summary, write_metrics, write_run_config

    corpus = list(_option(cfg, "corpus")) or ([cfg.train] if cfg.train else [])
    if not corpus:
        raise ValueError("no corpus: pass --corpus FILE (plain text or SQuAD JSON)")
    out = Path(cfg.out)
    base = resolve_base(cfg.base)
    write_run_config(cfg, base)
    progress(0.0, "splitting sentences")
    docs = P.load_corpus(corpus)
    if cfg.valid:
        train_docs, valid_docs = docs, P.load_corpus([cfg.valid])
    else:
        train_docs, valid_docs = P.split_documents(docs, _option(cfg, "holdout_articles"), cfg.seed)
    (out / "valid_groups.json").write_text(json.dumps(sorted({d.group for d in valid_docs}), indent=1) + "\n",
                                           encoding="utf-8")
    tokenizer = AutoTokenizer.from_pretrained(base)
    short = _option(cfg, "short_seq_prob")
    train_features = build_pairs(tokenizer, train_docs, cfg.max_length, cfg.seed, short)
    valid_features = build_pairs(tokenizer, valid_docs, cfg.max_length, cfg.seed + 1, short)
    valid_features = valid_features[: _option(cfg, "eval_sequences")]
    if cfg.limit_train and cfg.limit_train < len(train_features):
        train_features = random.Random(cfg.seed).sample(train_features, cfg.limit_train)
    if not train_features or not valid_features:
        raise ValueError("the corpus is too small to build training and held-out sentence pairs")
    check = P.mlm_rates(mlm_collator(tokenizer, seed=cfg.seed), train_features[:512], tokenizer.mask_token_id)
    model = load_pretraining_model(base)
    fitted = fit(cfg, model=model, tokenizer=tokenizer, train_dataset=train_features,
                 collator=mlm_collator(tokenizer), progress=progress, cancel=cancel,
                 trainer_class=sparse_trainer_class(), remove_unused_columns=False)  # the collator needs special_tokens_mask
    progress(1.0, "evaluating on held-out documents")
    batches = masked_batches(tokenizer, valid_features, max(cfg.batch_size, 32), seed=cfg.seed)
    valid = evaluate_batches(fitted.trainer.model, batches, tokenizer.mask_token_id, cancel)
    save_model(fitted.trainer.model, tokenizer, out / "model", base=base)
    body = summary(cfg, base, fitted, corpus=[str(c) for c in corpus], train_documents=len(train_docs),
                   valid_documents=len(valid_docs), train_examples=len(train_features),
                   valid_examples=len(valid_features),
                   nsp_random_share=sum(f["next_sentence_label"] for f in train_features) / len(train_features),
                   collator_check=check, valid=valid)
    write_metrics(cfg, body)
    return body
