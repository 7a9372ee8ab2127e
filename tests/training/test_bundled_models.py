"""Sanity checks of the bundled fine-tuned models (skipped while resources/models/<task> is empty)."""

from __future__ import annotations

import pytest

from bert_desk.paths import bundled_model_dir


def needs(task: str) -> None:
    if not (bundled_model_dir(task) / "config.json").is_file():
        pytest.skip(f"no bundled {task} model in {bundled_model_dir(task)}")


def test_bundled_sentiment_positive_review() -> None:
    needs("sentiment")
    from bert_desk.engine import loading, sentiment

    model = loading.load_model("bundled:sentiment", "sentiment", device="cpu")
    result = sentiment.analyze(model, "a moving, beautifully acted film")
    assert result.label == "POSITIVE"
    assert result.score > 0.8
    assert sentiment.analyze(model, "a dull, lifeless and boring mess").label == "NEGATIVE"


def test_bundled_ner_person_and_location() -> None:
    needs("ner")
    from bert_desk.engine import loading, ner

    model = loading.load_model("bundled:ner", "ner", device="cpu")
    text = "Angela Merkel visited Paris"
    found = {(e.label, e.start, e.end) for e in ner.extract(model, text).entities}
    assert ("PER", 0, 13) in found
    assert ("LOC", 22, 27) in found
