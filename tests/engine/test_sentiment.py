"""Sentiment: probabilities over all labels, windows for long texts, sentences, batches."""

from __future__ import annotations

import pytest

from bert_desk.engine import sentiment
from bert_desk.engine.types import EngineError

from .spans import assert_span_ok

LONG = "this film was good and the team won the game . " * 40


@pytest.mark.parametrize("key", ["sentiment", "sentiment3"])
def test_probabilities_cover_all_labels(models: dict, key: str) -> None:
    model = models[key]
    result = sentiment.analyze(model, "this film was very good !")
    assert tuple(result.scores) == model.info.labels
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert result.label == max(result.scores, key=result.scores.__getitem__)
    assert result.score == result.scores[result.label]
    assert result.windows == 1 and result.note == ""


def test_multi_label_uses_sigmoid(models: dict) -> None:
    result = sentiment.analyze(models["multilabel"], "what a day", with_sentences=False)
    assert set(result.scores) == {"joy", "anger", "fear", "surprise"}
    assert all(0.0 < p < 1.0 for p in result.scores.values())
    assert sum(result.scores.values()) != pytest.approx(1.0, abs=1e-3)


def test_long_text_is_windowed_not_truncated(models: dict) -> None:
    model = models["sentiment3"]
    result = sentiment.analyze(model, LONG, with_sentences=False)
    assert result.windows > 1
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-5)
    # the tail, far past the 64-token window, still changes the result
    changed = sentiment.analyze(model, LONG + " awful boring bad movie " * 3, with_sentences=False)
    assert changed.scores != result.scores


def test_sentences(models: dict) -> None:
    text = "  The film was good.\r\nIt was boring!\t\n  Very moving?  "
    result = sentiment.analyze(models["sentiment"], text)
    assert [text[s.start:s.end] for s in result.sentences] == [
        "The film was good.", "It was boring!", "Very moving?"]
    for s in result.sentences:
        assert_span_ok(text, s.start, s.end, text[s.start:s.end])
        assert sum(s.scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert sentiment.analyze(models["sentiment"], text, with_sentences=False).sentences == ()


def test_batch_matches_single_and_keeps_order(models: dict) -> None:
    model = models["sentiment"]
    texts = ["good", LONG, "", "the movie was bad , not good", "a"]
    batch = sentiment.analyze_batch(model, texts, batch_size=2)
    assert [r.text for r in batch] == texts
    for text, result in zip(texts, batch, strict=True):
        single = sentiment.analyze(model, text, with_sentences=False)
        assert result.sentences == ()
        assert result.windows == single.windows
        for label, p in single.scores.items():
            assert result.scores[label] == pytest.approx(p, abs=1e-5)
    assert sentiment.analyze_batch(model, []) == []


def test_wrong_task_model_is_refused(models: dict) -> None:
    with pytest.raises(EngineError, match="loaded for ner"):
        sentiment.analyze(models["ner"], "good")
