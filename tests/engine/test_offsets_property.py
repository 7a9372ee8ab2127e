"""Property tests: every returned span indexes the ORIGINAL text, for arbitrary Unicode input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bert_desk.engine import ner, qa, sentiment
from bert_desk.engine.offsets import cluster_span, py_index, utf16_index

from .spans import assert_span_ok

SPECIAL = ["😀", "👍🏽", "中文", "日本語", "é", "e\u0301", "ﬁ", "İ", "ß", "שלום", "مرحبا", "\t", "\r\n", "\n",
           "\u200b", "\u00a0", "  ", "John", "Paris", "google", "##", "[CLS]", ".", "!", "<b>", "Ǆ", "ǅ", "\u2028"]
TEXTS = st.lists(st.one_of(st.sampled_from(SPECIAL),
                           st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8)),
                 max_size=25).map(" ".join)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=TEXTS)
def test_ner_spans(models: dict, text: str) -> None:
    for key in ("ner_bper", "ner"):
        for entity in ner.extract(models[key], text).entities:
            assert_span_ok(text, entity.start, entity.end, entity.text)


@SETTINGS
@given(context=TEXTS)
def test_qa_spans(models: dict, context: str) -> None:
    result = qa.answer(models["qa"], "who is john?", context, top_k=3, max_length=32, doc_stride=8)
    for answer in result.answers:
        assert_span_ok(context, answer.start, answer.end, answer.text)


@SETTINGS
@given(text=TEXTS)
def test_sentence_spans(models: dict, text: str) -> None:
    result = sentiment.analyze(models["sentiment"], text)
    for s in result.sentences:
        assert_span_ok(text, s.start, s.end, text[s.start:s.end])


@settings(max_examples=50, deadline=None)
@given(text=st.text(st.characters(exclude_categories=("Cs",))), data=st.data())
def test_utf16_roundtrip(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text)))
    assert utf16_index(text, i) == len(text[:i].encode("utf-16-le")) // 2
    assert py_index(text, utf16_index(text, i)) == i


CLUSTER_PIECES = ["a", "e", "B", " ", ".", "\u0301", "\u0308", "\u20dd", "😀", "👍", "\U0001f3fd", "\u200d", "\ufe0f",
                  "👩", "中", "ש", "\u05b8"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(CLUSTER_PIECES), min_size=1, max_size=20), data=st.data())
def test_cluster_span_never_splits_what_a_reader_sees_as_one_character(pieces: list[str], data: st.DataObject) -> None:
    import regex

    text = "".join(pieces)
    bounds = {0}
    for match in regex.finditer(r"\X", text):  # Unicode grapheme clusters (UAX #29)
        bounds.add(match.end())
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    wide_start, wide_end = cluster_span(text, start, end)
    assert wide_start <= start and wide_end >= end
    assert wide_start in bounds and wide_end in bounds, (text, start, end, wide_start, wide_end)
