"""NER results carry the text's lowest word margin (how sure the model was of its least sure word), which
pre-annotation stores for the review queue."""

from __future__ import annotations

import torch

from bert_desk.engine import ner


def test_confidence_is_the_lowest_word_margin(models: dict) -> None:
    lm = models["ner"]
    texts = ["angela merkel visited paris", "", "john"]
    results = ner.extract_batch(lm, texts)
    assert results[1].confidence is None  # no words, nothing to be unsure of
    enc = lm.tokenizer(["john"], return_tensors="pt")
    with torch.inference_mode():
        probs = torch.softmax(lm.model(**enc).logits[0, 1], dim=-1)  # "john": one token, after [CLS]
    top = probs.topk(2).values
    assert abs(results[2].confidence - float(top[0] - top[1])) < 1e-5
    assert results[0].confidence is not None and 0.0 <= results[0].confidence <= 1.0
