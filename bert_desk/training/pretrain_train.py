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
from pathlib import Path
from typing import Any

from bert_desk.engine.pretrain import mlm_collator
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.training import pretrain_data as P
from bert_desk.training.data import resolve_base
from bert_desk.training.pretrain_eval import SHORT_SEQ_PROB, build_pairs, evaluate_batches, masked_batches
from bert_desk.training.runner import TrainConfig

DEFAULTS = {"holdout_articles": 0.05, "eval_sequences": 2000, "short_seq_prob": SHORT_SEQ_PROB, "corpus": []}


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


def train_pretrain(cfg: TrainConfig, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                   ) -> dict[str, Any]:
    """Pre-train (or resume); corpus files are `cfg.extra["corpus"]`. Returns metrics.json's body."""
    from transformers import AutoTokenizer

    from bert_desk.training.export import save_model
    from bert_desk.training.runner import fit, summary, write_metrics, write_run_config

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
