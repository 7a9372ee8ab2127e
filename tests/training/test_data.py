"""Splits, label maps and sub-word label alignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.training import data as D
from bert_desk.training.readers import TextExample, TokenExample


def test_readable_labels_and_ner_label_order() -> None:
    assert D.readable_labels(["1", "0", "1"]) == ["NEGATIVE", "POSITIVE"]
    assert D.map_text_labels([TextExample("x", "1")])[0].label == "POSITIVE"
    tags = [TokenExample(("a", "b"), ("B-PER", "I-LOC"))]
    assert D.ner_labels(tags) == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


def test_holdout_takes_long_examples_and_drops_overlapping_phrases() -> None:
    long_a = "one two three four five six seven eight"
    long_b = "alpha beta gamma delta epsilon zeta eta theta iota"
    examples = [
        TextExample(long_a, "1"),
        TextExample("three four five", "1"),  # phrase inside long_a
        TextExample("one two", "1"),  # short phrase: kept
        TextExample(long_b, "0"),
        TextExample("short one", "0"),
        TextExample(long_a + " nine", "1"),  # contains long_a
    ]
    train, valid, dropped = D.holdout_split(examples, size=1, min_words=9, seed=0)
    assert [e.text for e in valid] in ([long_b], [long_a + " nine"])
    train, valid, dropped = D.holdout_split(examples, size=1, min_words=8, seed=3)
    held = valid[0].text
    texts = {e.text for e in train}
    assert held not in texts and len(held.split()) >= 8
    if held == long_a:
        assert dropped == 2 and "one two" in texts and "three four five" not in texts
    assert len(train) + len(valid) + dropped == len(examples)


def test_fraction_split_is_deterministic() -> None:
    items = list(range(100))
    a = D.fraction_split(items, 0.1, seed=5)
    assert a == D.fraction_split(items, 0.1, seed=5)
    assert len(a[1]) == 10 and sorted(a[0] + a[1]) == items


def test_encode_tokens_labels_first_subword_only(tiny_models: dict[str, Path]) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_models["ner"])
    label2id = {"O": 0, "B-PER": 1, "I-PER": 2}
    [feat] = D.encode_tokens(tok, [TokenExample(("zq", "merkel"), ("B-PER", "I-PER"))], label2id, 32)
    pieces = tok.convert_ids_to_tokens(feat["input_ids"])
    assert pieces == ["[CLS]", "z", "##q", "merkel", "[SEP]"]
    assert feat["labels"] == [-100, 1, -100, 2, -100]
    assert D.word_tags(feat["labels"], [0, 1, 2, 2, 0], {0: "O", 1: "B-PER", 2: "I-PER"}) == (
        ["B-PER", "I-PER"], ["B-PER", "I-PER"])


def test_resolve_base_passes_through() -> None:
    assert D.resolve_base("some/hub-id") == "some/hub-id"
    assert D.resolve_base("bundled:sentiment").endswith("sentiment")


def test_small_sentiment_file_falls_back_to_a_random_split(tmp_path) -> None:
    """Too few long sentences for the 2,000-example hold-out: a random split, never an empty set."""
    from bert_desk.training.classifier_train import _load_data
    from bert_desk.training.readers import DataFormatError
    from bert_desk.training.runner import TrainConfig

    data = tmp_path / "small.tsv"
    data.write_text("sentence\tlabel\n" + "".join(f"text {i}\t{i % 2}\n" for i in range(10)), encoding="utf-8")
    train, valid, labels, _ = _load_data(TrainConfig("sentiment", "base", str(data), str(tmp_path / "out")))
    assert len(train) == 9 and len(valid) == 1 and labels == ["NEGATIVE", "POSITIVE"]
    one = tmp_path / "one.tsv"
    one.write_text("sentence\tlabel\ngood\t1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"one\.tsv:1: too few examples"):
        _load_data(TrainConfig("sentiment", "base", str(one), str(tmp_path / "out")))
