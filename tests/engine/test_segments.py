"""Long texts in overlapping segments: cuts at whitespace and between whole characters, and the same
entities and answers, at the same offsets, as when the text is taken in one piece."""

from __future__ import annotations

import sys
from itertools import pairwise

import pytest

from bert_desk.engine import ner, qa, segments
from bert_desk.engine.loading import load_model
from bert_desk.engine.offsets import cluster_span

from .spans import assert_span_ok

SENTENCE = "Angela Merkel met Jean-Luc Brassard in Paris on Monday, and U.S. officials came from Washington. "


def test_a_short_text_is_one_segment() -> None:
    assert segments.segments("a b c", size=10) == [(0, 5)]
    assert segments.segments("", size=10) == [(0, 0)]


@pytest.mark.parametrize("text", [
    "word " * 900,  # plenty of whitespace
    "é" * 10 + "e\u0301" * 700 + "👩\u200d👩\u200d👧" * 300,  # no whitespace: combining marks and ZWJ emoji
    "東京都" * 800,
])
def test_segments_cover_the_text_and_overlap(text: str) -> None:
    pieces = segments.segments(text, size=500, overlap=100)
    assert len(pieces) > 3
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (a0, a1), (b0, b1) in pairwise(pieces):
        assert a0 < b0 < a1 <= b1, "each segment starts inside the previous one and goes past it"
        assert a1 - b0 >= 50, "neighbours share about `overlap` characters"
    for start, end in pieces:
        assert end - start <= 500
        for cut in (start, end):
            if 0 < cut < len(text):
                assert cluster_span(text, cut, cut) == (cut, cut), "never inside a character"
                if " " in text:
                    assert text[cut - 1] == " ", "cut just after whitespace"


def test_groups_keep_input_order_and_stay_small() -> None:
    texts = ["x " * 400, "short", "y " * 2000]
    groups = list(segments.grouped(texts, group_chars=1000))
    flat = [seg for group in groups for seg in group]
    assert [seg.owner for seg in flat] == sorted(seg.owner for seg in flat)
    assert {seg.owner for seg in flat} == {0, 1, 2}
    assert all(sum(s.end - s.start for s in group) <= 1000 for group in groups if len(group) > 1)


@pytest.fixture()
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 1,500 characters (a window of the bundled models is about 2,000): many cuts in a short test."""
    monkeypatch.setattr(segments, "SEGMENT_CHARS", 1500)
    monkeypatch.setattr(segments, "OVERLAP_CHARS", 600)
    monkeypatch.setattr(segments, "GROUP_CHARS", 3000)


def test_ner_finds_the_same_entities_in_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model("bundled:ner", "ner", device="cpu")
    text = SENTENCE * 60  # about 5,900 characters
    whole = ner.extract(model, text)
    monkeypatch.setattr(segments, "SEGMENT_CHARS", 1500)
    monkeypatch.setattr(segments, "OVERLAP_CHARS", 600)
    monkeypatch.setattr(segments, "GROUP_CHARS", 3000)
    assert len(segments.segments(text)) >= 4
    cut = ner.extract(model, text)
    names = [(e.text, e.label) for e in cut.entities]
    assert names.count(("Jean-Luc Brassard", "PER")) == 60 and names.count(("Angela Merkel", "PER")) >= 58
    # near a cut the model sees other neighbours (its window ends there), so a borderline decision on this
    # repetitive text may change, as it does between any two window layouts; nearly all entities agree
    both = {(e.start, e.end, e.label) for e in cut.entities} & {(e.start, e.end, e.label) for e in whole.entities}
    assert len(both) >= 0.97 * len(whole.entities), (len(both), len(whole.entities))
    for entity in cut.entities:
        assert_span_ok(text, entity.start, entity.end, entity.text)


@pytest.mark.usefixtures("small_segments")
def test_qa_answers_from_the_last_segment_at_the_right_offset() -> None:
    model = load_model("bundled:qa", "qa", device="cpu")
    filler = "The weather was mild and the river was calm that week. " * 80  # about 4,400 characters
    fact = "The bridge was designed by Gustave Eiffel in 1884."
    context = filler + fact + " " + filler[:500]
    assert len(segments.segments(context)) >= 3
    result = qa.answer(model, "Who designed the bridge?", context, top_k=3)
    best = result.answers[0]
    assert best.text == "Gustave Eiffel" and context[best.start:best.end] == "Gustave Eiffel"
    assert best.start == len(filler) + fact.index("Gustave")
    many = qa.answer_batch(model, [("Who designed the bridge?", context), ("When was it designed?", fact)])
    assert many[0].answers[0] == best and many[1].answers[0].text == "1884"


def test_ner_groups_change_nothing_but_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same segments run in one group or in many (each group's finished words folded before the next
    group runs) give the same entities: no word lost or doubled at a group's edge."""
    model = load_model("bundled:ner", "ner", device="cpu")
    text = SENTENCE * 40
    monkeypatch.setattr(segments, "SEGMENT_CHARS", 1500)
    monkeypatch.setattr(segments, "OVERLAP_CHARS", 600)
    monkeypatch.setattr(segments, "GROUP_CHARS", 10**9)
    one = ner.extract(model, text)
    monkeypatch.setattr(segments, "GROUP_CHARS", 1500)
    assert len(list(segments.grouped([text]))) == len(segments.segments(text)) > 2
    many = ner.extract(model, text)
    assert [(e.start, e.end, e.label) for e in many.entities] == [(e.start, e.end, e.label) for e in one.entities]
    assert many.confidence == pytest.approx(one.confidence, abs=1e-4)


def test_a_long_text_runs_with_a_small_mmap_threshold_and_leaves_it_high(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 128 KiB and more are mapped (so freed at once) only while a text of several groups runs;
    afterwards the threshold is high again for short-text work, even when the run fails."""
    calls: list[tuple[str, tuple[int, ...]]] = []

    real = segments._libc_function
    if sys.platform.startswith("linux"):
        assert real("mallopt") is not None and real("malloc_trim") is not None  # glibc has both

    def libc(name: str) -> object:  # a stand-in for glibc's functions that records the calls
        return lambda *args: calls.append((name, args)) or 1

    monkeypatch.setattr(segments, "_libc_function", libc)
    monkeypatch.setattr(segments, "GROUP_CHARS", 1000)
    monkeypatch.setattr(segments, "SEGMENT_CHARS", 800)
    monkeypatch.setattr(segments, "OVERLAP_CHARS", 100)
    assert len(list(segments.in_groups(["short text", "tiny"] * 200))) > 1
    assert calls[0][0] == "malloc_trim" and {name for name, _ in calls} == {"malloc_trim"}
    calls.clear()  # many short texts, none cut: the allocator's threshold is left alone (short texts run faster)
    monkeypatch.setattr(segments, "GROUP_CHARS", 5000)
    assert len(list(segments.in_groups(["word " * 190]))) == 1
    monkeypatch.setattr(segments, "GROUP_CHARS", 1000)
    assert [args for name, args in calls] == [(-3, 128 * 1024), (-3, 32 * 1024 * 1024)]  # one group, but cut
    calls.clear()
    groups = segments.in_groups(["word " * 1000])
    first = next(groups)
    assert [args for name, args in calls if name == "mallopt"] == [(-3, 128 * 1024)]
    assert first.span[0] == 0.0
    rest = list(groups)
    assert rest and rest[-1].span[1] == pytest.approx(1.0)
    mallopt = [args for name, args in calls if name == "mallopt"]
    assert mallopt == [(-3, 128 * 1024), (-3, 32 * 1024 * 1024)]
    assert sum(name == "malloc_trim" for name, _ in calls) == len(rest) + 1
    calls.clear()
    broken = segments.in_groups(["word " * 1000])
    next(broken)
    broken.close()  # a cancelled run stops the generator: the threshold is still put back
    assert [args for name, args in calls if name == "mallopt"] == [(-3, 128 * 1024), (-3, 32 * 1024 * 1024)]
