"""SQuAD reading: answer re-anchoring, article hold-out, and QA windows with their start/end labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.training import squad_data as S
from bert_desk.training.readers import DataFormatError

SENTENCE = ("the team won the game in new york city and john smith works at google where the film was "
            "very good but the movie was bad and angela merkel visited paris and berlin and london this year")
WORDS = SENTENCE.split(" ")
CONTEXT = " ".join(WORDS)


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):
    from transformers import BertTokenizerFast

    from tests.tiny_models import write_vocab

    return BertTokenizerFast(vocab=str(write_vocab(tmp_path_factory.mktemp("vocab"))))


def test_anchor_answer_keeps_good_offsets_and_moves_bad_ones_to_the_nearest() -> None:
    context = "a b a b"
    assert S.anchor_answer(context, "a b", 4) == 4
    assert S.anchor_answer(context, "a b", 3) == 4  # |4-3| < |0-3|
    assert S.anchor_answer(context, "a b", 1) == 0
    assert S.anchor_answer(context, "a b", 2) == 0  # tie: the earlier occurrence
    assert S.anchor_answer(context, "a b", 99) == 4
    assert S.anchor_answer(context, "c", 0) is None
    assert S.anchor_answer(context, "", 0) is None


def squad_file(path: Path, articles: list[tuple[str, list[tuple[str, list[tuple[str, str, int]]]]]]) -> Path:
    data = [{"title": title, "paragraphs": [
        {"context": context, "qas": [{"id": qid, "question": q, "answers": [{"text": a, "answer_start": s}]}
                                     for qid, (q, a, s) in enumerate(qas)]}
        for context, qas in paras]} for title, paras in articles]
    for a_i, article in enumerate(data):
        for p_i, para in enumerate(article["paragraphs"]):
            for qa in para["qas"]:
                qa["id"] = f"{a_i}-{p_i}-{qa['id']}"
    path.write_text(json.dumps({"data": data, "version": "1.1"}), encoding="utf-8")
    return path


def test_read_squad_counts_what_it_fixed(tmp_path: Path) -> None:
    context = "paris is nice . paris is big ."
    path = squad_file(tmp_path / "s.json", [("A", [(context, [
        ("what is nice?", "nice", 9),  # correct
        ("which city?", "paris", 13),  # wrong offset: occurrences at 0 and 16, 16 is nearer
        ("what is big?", "big", 0),  # wrong, only occurrence 25
        ("what is missing?", "rome", 0),  # not in the context: dropped
    ])])])
    stats = S.AnchorStats()
    articles = S.read_squad(path, stats)
    answers = [q.answers for q in articles[0].paragraphs[0].questions]
    assert answers[0] == (S.GoldAnswer(9, "nice"),)
    assert answers[1] == (S.GoldAnswer(16, "paris"),)
    assert answers[2] == (S.GoldAnswer(25, "big"),)
    assert answers[3] == ()
    assert (stats.answers, stats.ok, stats.moved, stats.dropped, stats.ambiguous) == (4, 1, 2, 1, 1)
    assert len(S.training_examples(articles)) == 3
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [{"paragraphs": [{"qas": []}]}]}', encoding="utf-8")
    with pytest.raises(DataFormatError, match="context"):
        S.read_squad(bad)


def test_split_holds_out_whole_articles_and_round_trips(tmp_path: Path) -> None:
    articles = [(f"T{i}", [(CONTEXT, [("who?", "john smith", CONTEXT.index("john smith"))])]) for i in range(20)]
    loaded = S.read_squad(squad_file(tmp_path / "s.json", articles))
    train, valid = S.split_articles(loaded, 0.1, seed=13)
    assert len(valid) == 2 and {a.title for a in train}.isdisjoint(a.title for a in valid)
    assert S.split_articles(loaded, 0.1, seed=13) == (train, valid)
    again = S.read_squad(S.write_squad(valid, tmp_path / "valid.json"))
    assert again == valid


def _window_context(enc_offsets: list, seq_ids: list) -> tuple[int, int]:
    ctx = [i for i, s in enumerate(seq_ids) if s == 1]
    return enc_offsets[ctx[0]][0], enc_offsets[ctx[-1]][1]


def test_windows_label_answers_inside_and_cls_for_outside_or_straddling(tokenizer) -> None:
    """Every two-word answer position in a long context, with windows of 24 tokens and stride 8."""
    starts = [i for i, ch in enumerate(CONTEXT) if i == 0 or CONTEXT[i - 1] == " "]
    examples = []
    for k in range(len(WORDS) - 1):
        text = f"{WORDS[k]} {WORDS[k + 1]}"
        examples.append(S.QAExample(str(k), "who won?", CONTEXT, starts[k], text))
    features = S.qa_features(tokenizer, examples, max_length=24, doc_stride=8)
    enc = tokenizer(["who won?"], [CONTEXT], truncation="only_second", max_length=24, stride=8,
                    return_overflowing_tokens=True, return_offsets_mapping=True)
    windows = [_window_context(enc["offset_mapping"][i], enc.sequence_ids(i)) for i in range(len(enc["input_ids"]))]
    assert len(windows) >= 3
    straddled = outside = inside = 0
    per_example: dict[int, list[dict]] = {}
    for f in features:
        per_example.setdefault(f["example"], []).append(f)
    for index, feats in per_example.items():
        example = examples[index]
        a_start, a_end = example.answer_start, example.answer_start + len(example.answer_text)
        assert len(feats) == len(windows)
        labelled = 0
        for f, (w_start, w_end), w in zip(feats, windows, range(len(windows)), strict=True):
            offsets = enc["offset_mapping"][w]
            assert f["input_ids"] == enc["input_ids"][w]
            cls = f["input_ids"].index(tokenizer.cls_token_id)
            if w_start <= a_start and a_end <= w_end:
                inside += 1
                labelled += 1
                assert offsets[f["start_positions"]][0] == a_start
                assert offsets[f["end_positions"]][1] == a_end
                assert f["start_positions"] <= f["end_positions"]
            else:
                assert (f["start_positions"], f["end_positions"]) == (cls, cls)
                straddles = a_start < w_end and w_start < a_end
                straddled += straddles
                outside += not straddles
        assert labelled >= 1  # the stride overlap keeps every short answer whole in some window
    assert inside and straddled and outside


def test_features_survive_a_long_question(tokenizer) -> None:
    long_question = " ".join(["who"] * 14)
    example = S.QAExample("q", long_question, CONTEXT, CONTEXT.index("paris"), "paris")
    features = S.qa_features(tokenizer, [example], max_length=24, doc_stride=8)
    assert all(len(f["input_ids"]) <= 24 for f in features)
    assert any(f["start_positions"] != 0 for f in features)
    with pytest.raises(ValueError, match="no room"):
        S.qa_features(tokenizer, [S.QAExample("q", " ".join(["who"] * 30), CONTEXT, 0, "the")], max_length=24,
                      doc_stride=8)
