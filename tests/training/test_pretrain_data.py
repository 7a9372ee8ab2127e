"""Pre-training data: the masked-LM collator's 15 % / 80-10-10 statistics, NSP pairs, corpus reading."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bert_desk.engine.pretrain import mlm_collator
from bert_desk.training import pretrain_data as P


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):
    from transformers import BertTokenizerFast

    from tests.tiny_models import write_vocab

    folder = tmp_path_factory.mktemp("vocab")
    return BertTokenizerFast(vocab=str(write_vocab(folder)))


def synthetic_features(tokenizer, n: int = 512, seed: int = 0) -> list[dict]:
    """Pairs of random ordinary tokens of varying length (so batches carry padding)."""
    rng = random.Random(seed)
    ordinary = [i for i in range(len(tokenizer)) if i not in set(tokenizer.all_special_ids)]
    features = []
    for _ in range(n):
        a = [rng.choice(ordinary) for _ in range(rng.randint(10, 60))]
        b = [rng.choice(ordinary) for _ in range(rng.randint(10, 60))]
        features.append(P.encode_pair(P.NSPPair(tuple(a), tuple(b), False, 0, 0), tokenizer.cls_token_id,
                                      tokenizer.sep_token_id))
    return features


def test_mlm_collator_selects_15_percent_and_splits_80_10_10(tokenizer) -> None:
    features = synthetic_features(tokenizer)
    rates = P.mlm_rates(mlm_collator(tokenizer, seed=1), features, tokenizer.mask_token_id)
    n = rates["maskable"]
    assert n > 30_000
    # selection: binomial(n, 0.15); allow 4.5 standard deviations
    assert abs(rates["selected"] - 0.15) < 4.5 * (0.15 * 0.85 / n) ** 0.5
    # among the selected: chi-square goodness of fit to 80/10/10 (2 dof; 13.8 is p = 0.001)
    selected = rates["selected"] * n
    observed = [rates["mask"] * selected, rates["random"] * selected, rates["unchanged"] * selected]
    expected = [0.8 * selected, 0.1 * selected, 0.1 * selected]
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    assert chi2 < 13.8, (rates, chi2)
    assert rates["special_selected"] == 0.0  # [CLS], [SEP] and padding are never selected


def test_special_tokens_never_selected_even_at_probability_one(tokenizer) -> None:
    features = synthetic_features(tokenizer, n=32, seed=5)
    collator = mlm_collator(tokenizer, seed=2)
    collator.mlm_probability = 1.0
    batch = collator([dict(f) for f in features])
    specials = set(tokenizer.all_special_ids)
    for row, f in zip(batch["labels"].tolist(), features, strict=True):
        for i, label in enumerate(row):
            original = f["input_ids"][i] if i < len(f["input_ids"]) else tokenizer.pad_token_id
            assert (label == -100) == (original in specials)


def test_encode_pair_layout(tokenizer) -> None:
    f = P.encode_pair(P.NSPPair((7, 8), (9,), True, 0, 1), tokenizer.cls_token_id, tokenizer.sep_token_id)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    assert f["input_ids"] == [cls, 7, 8, sep, 9, sep]
    assert f["token_type_ids"] == [0, 0, 0, 0, 1, 1]
    assert f["special_tokens_mask"] == [1, 0, 0, 1, 0, 1]
    assert f["next_sentence_label"] == 1


def synthetic_docs(n_docs: int = 1000, seed: int = 0) -> tuple[list[list[list[int]]], list[str]]:
    """Documents of sentences whose token ids are unique across the corpus (so pairs can be traced)."""
    rng = random.Random(seed)
    counter, docs = 0, []
    for _ in range(n_docs):
        doc = []
        for _ in range(rng.randint(1, 8)):
            length = rng.randint(3, 25)
            doc.append(list(range(counter, counter + length)))
            counter += length
        docs.append(doc)
    return docs, [f"article-{i // 3}" for i in range(n_docs)]


def test_nsp_pairs_half_true_half_from_other_documents() -> None:
    docs, groups = synthetic_docs()
    owner = {t: d for d, doc in enumerate(docs) for s in doc for t in s}
    max_tokens = 61
    pairs = P.make_nsp_pairs(docs, max_tokens=max_tokens, seed=7, groups=groups)
    assert len(pairs) > 1500
    share = sum(p.is_random for p in pairs) / len(pairs)
    assert abs(share - 0.5) < 4.5 * (0.25 / len(pairs)) ** 0.5, share
    for p in pairs:
        assert p.a and p.b and len(p.a) + len(p.b) <= max_tokens
        assert {owner[t] for t in p.a} == {p.doc}
        assert {owner[t] for t in p.b} == {p.b_doc}
        for side in (p.a, p.b):
            assert list(side) == list(range(side[0], side[0] + len(side)))  # contiguous text
        if p.is_random:
            assert p.b_doc != p.doc and groups[p.b_doc] != groups[p.doc]
        else:
            assert p.b_doc == p.doc and p.b[0] > p.a[-1]
            # B starts right after A, unless truncation (which stops at exactly max_tokens) trimmed between
            assert p.b[0] == p.a[-1] + 1 or len(p.a) + len(p.b) == max_tokens
    assert P.make_nsp_pairs(docs, max_tokens=max_tokens, seed=7, groups=groups) == pairs


def test_text_corpus_documents_and_sentences(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("The team won. They were happy!\nIt rained.\n\n\nA second document. It has two.\n",
                    encoding="utf-8")
    assert P.text_documents(path) == ["The team won. They were happy! It rained.", "A second document. It has two."]
    docs = P.load_corpus([path])
    assert [d.sentences for d in docs] == [("The team won.", "They were happy!", "It rained."),
                                           ("A second document.", "It has two.")]
    assert docs[0].group != docs[1].group


def test_squad_corpus_dedupes_paragraphs_and_holds_out_articles(tmp_path: Path) -> None:
    def article(title: str, contexts: list[str]) -> dict:
        return {"title": title, "paragraphs": [{"context": c, "qas": []} for c in contexts]}

    data = {"data": [article("A", ["One. Two.", "Three. Four."]), article("B", ["One. Two.", "Five."]),
                     article("C", ["Six. Seven."])], "version": "1.1"}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert P.is_squad_file(path)
    docs = P.load_corpus([path])
    assert [d.sentences for d in docs] == [("One.", "Two."), ("Three.", "Four."), ("Five.",), ("Six.", "Seven.")]
    assert [d.group.split(":")[1] for d in docs] == ["A", "A", "B", "C"]
    train, valid = P.split_documents(docs, 0.34, seed=1)
    held = {d.group for d in valid}
    assert len(held) == 1 and not held & {d.group for d in train}
    assert len(train) + len(valid) == len(docs)
