"""NER: word-level spans, B-/I-/IO merging, long texts via stride windows, spaCy batch."""

from __future__ import annotations

import re

from bert_desk.engine import ner

from .spans import assert_span_ok

TEXT = "Angela Merkel visited Paris, then Berlin; John Smith works at Google in New York City."


def _words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


def test_word_level_spans_without_fragments(models: dict) -> None:
    text = "Merkelization of Googleplex happened"  # words split into many ## pieces
    result = ner.extract(models["ner_bper"], text)
    assert [e.text for e in result.entities] == ["Merkelization", "of", "Googleplex", "happened"]
    assert all(e.label == "PER" and 0.99 < e.score <= 1.0 for e in result.entities)
    for entity in result.entities:
        assert "##" not in entity.text
        assert_span_ok(text, entity.start, entity.end, entity.text)


def test_long_text_windows_have_no_duplicates_or_gaps(models: dict) -> None:
    text = (TEXT + "\n") * 12
    result = ner.extract(models["ner_bper"], text)
    assert result.windows > 3
    assert [e.text for e in result.entities] == _words(text)
    starts = [e.start for e in result.entities]
    assert starts == sorted(set(starts))


def test_random_model_structure(models: dict) -> None:
    text = (TEXT + " ") * 6
    result = ner.extract(models["ner"], text)
    assert result.windows > 1
    labels = {lab.split("-", 1)[-1] for lab in models["ner"].info.labels if lab != "O"}
    previous_end = 0
    for entity in result.entities:
        assert_span_ok(text, entity.start, entity.end, entity.text)
        assert entity.label in labels and 0.0 < entity.score <= 1.0
        assert entity.start >= previous_end
        previous_end = entity.end


def test_merge_words_tag_schemes() -> None:
    text = "aa bb cc dd ee"
    w = [(0, 2), (3, 5), (6, 8), (9, 11), (12, 14)]

    def merged(tags: list[str]) -> list[tuple[str, str]]:
        words = [(s, e, t, 0.5) for (s, e), t in zip(w, tags, strict=True)]
        return [(x.text, x.label) for x in ner.merge_words(text, words)]

    assert merged(["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]) == [("aa bb", "PER"), ("dd", "LOC"), ("ee", "LOC")]
    assert merged(["PER", "PER", "LOC", "O", "PER"]) == [("aa bb", "PER"), ("cc", "LOC"), ("ee", "PER")]
    assert merged(["I-ORG", "I-ORG", "B-ORG", "E-ORG", "S-ORG"]) == [("aa bb", "ORG"), ("cc dd", "ORG"), ("ee", "ORG")]
    assert merged(["B-PER", "I-LOC", "U-MISC", "O", "O"]) == [("aa", "PER"), ("bb", "LOC"), ("cc", "MISC")]


def test_an_emoji_beside_a_name_is_not_part_of_it() -> None:
    text = "Merkel 👍🏽 Obama & Co ❤️"
    pieces = ["Merkel", "👍🏽", "Obama", "&", "Co", "❤️"]
    tags = ["B-PER", "I-PER", "B-PER", "I-PER", "I-PER", "I-PER"]
    starts = [text.index(piece) for piece in pieces]
    words = [(a, a + len(piece), tag, 0.5) for a, piece, tag in zip(starts, pieces, tags, strict=True)]
    assert [(x.text, x.label) for x in ner.merge_words(text, words)] == [("Merkel", "PER"), ("Obama & Co", "PER")]


def test_extract_batch(models: dict) -> None:
    texts = ["John Smith", "", TEXT * 3, "paris"]
    batch = ner.extract_batch(models["ner_bper"], texts, batch_size=2)
    assert [r.text for r in batch] == texts
    assert [len(r.entities) for r in batch] == [len(_words(t)) for t in texts]
    spacy_batch = ner.extract_batch(models["spacy"], texts)
    assert [[e.label for e in r.entities] for r in spacy_batch][2][:3] == ["PERSON", "GPE", "ORG"]
