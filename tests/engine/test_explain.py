"""Token attributions: the known answer on a model trained to key on one word, IG completeness, the
prediction's windows, exact character spans on emoji/CJK/combining text, progress and cancel."""

from __future__ import annotations

import math
import random

import pytest

from bert_desk.engine import explain, ner, qa, sentiment
from bert_desk.engine.offsets import cluster_span
from bert_desk.engine.types import Cancelled, CancelToken, EngineError, LoadedModel

FILLER = ["the", "a", "film", "movie", "was", "it", "this", "team", "game", "day", "year", "very"]


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> LoadedModel:
    """A tiny classifier trained until its label is POSITIVE exactly when the word "good" is present (and
    stopped there: trained on, its pooler's tanh saturates and every gradient vanishes)."""
    import torch
    from transformers import BertForSequenceClassification, BertTokenizerFast

    from bert_desk.engine.loading import load_model
    from tests.tiny_models import build_tiny_model

    folder = build_tiny_model(tmp_path_factory.mktemp("keyed") / "m", "sentiment", seed=1)
    tok = BertTokenizerFast.from_pretrained(folder)
    model = BertForSequenceClassification.from_pretrained(folder)
    rng = random.Random(0)
    torch.manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(300):
        texts, labels = [], []
        for _ in range(32):
            words = rng.choices(FILLER, k=rng.randint(3, 9))
            label = rng.random() < 0.5
            if label:
                words.insert(rng.randint(0, len(words)), "good")
            texts.append(" ".join(words))
            labels.append(int(label))
        batch = tok(texts, padding=True, return_tensors="pt")
        loss = model(**batch, labels=torch.tensor(labels)).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if loss.item() < 0.3:
            break
    model.save_pretrained(folder)
    return load_model(str(folder), "sentiment", device="cpu")


@pytest.mark.parametrize("method", [explain.GRAD_INPUT, explain.IG])
def test_the_deciding_word_gets_the_largest_attribution(keyed: LoadedModel, method: str) -> None:
    text = "the film was very good this year"
    assert sentiment.analyze(keyed, text, with_sentences=False).label == "POSITIVE"
    assert sentiment.analyze(keyed, "the film was very this year", with_sentences=False).label == "NEGATIVE"
    result = explain.explain_sentiment(keyed, text, method=method)
    assert result.target == "POSITIVE"
    top = result.top(1)[0]
    assert (top.text, top.start, top.end) == ("good", 18, 22)
    assert top.attribution > 0
    # the other label: the same word, pushing the other way
    other = explain.explain_sentiment(keyed, text, label="NEGATIVE", method=method).top(1)[0]
    assert other.text == "good" and other.attribution < 0


@pytest.mark.parametrize("steps", [20, 50])
def test_integrated_gradients_are_complete(models: dict, steps: int) -> None:
    text = "this film was good and the team won . " * 20  # several windows
    result = explain.explain_sentiment(models["sentiment3"], text, method=explain.IG, steps=steps)
    assert result.windows > 1 and result.steps == steps and result.baseline is not None
    total = sum(t.attribution for t in result.tokens)
    assert total == pytest.approx(result.output - result.baseline, abs=1e-3 * max(1.0, abs(total)))

def test_the_output_is_the_labels_log_odds(models: dict) -> None:
    text = "this film was good"
    result = explain.explain_sentiment(models["sentiment3"], text, label="neutral")
    p = sentiment.analyze(models["sentiment3"], text, with_sentences=False).scores["neutral"]
    assert result.output == pytest.approx(math.log(p / (1 - p)), abs=1e-4)


def test_long_text_is_explained_to_its_end(models: dict) -> None:
    text = "the film was good . " * 60 + "awful movie"
    result = explain.explain_sentiment(models["sentiment"], text)
    assert result.windows > 1
    assert [t.text for t in result.tokens[-2:]] == ["awful", "movie"]
    assert result.tokens[-1].end == len(text)
    assert len({(t.start, t.end) for t in result.tokens}) == len(result.tokens)  # overlaps summed, not repeated


HARD = "Tôkyô e\u0301te\u0301 東京 visited 👩🏽‍💻 by Zoë — مرحبا ok"


def test_offsets_are_exact_on_emoji_cjk_and_combining_marks(models: dict) -> None:
    for result, text in [(explain.explain_sentiment(models["sentiment"], HARD), HARD),
                         (explain.explain_ner(models["ner_bper"], HARD), HARD)]:
        covered = set()
        for t in result.tokens:
            assert t.text == text[t.start:t.end] and t.text.strip() == t.text
            assert cluster_span(text, t.start, t.end) == (t.start, t.end)
            covered.update(range(t.start, t.end))
        assert covered == {i for i, ch in enumerate(text) if not ch.isspace()}


def test_qa_explains_the_answer_with_question_and_context_tokens(models: dict) -> None:
    question, context = "  Where did Angela play?", "Angela Merkel visited Paris in May. " * 8
    best = qa.answer(models["qa"], question, context, top_k=1).answers[0]
    result = explain.explain_qa(models["qa"], question, context, method=explain.IG, steps=30)
    assert result.span == (best.start, best.end) and result.target == best.text
    sources = {t.source for t in result.tokens}
    assert sources == {"question", "context"}
    for t in result.tokens:
        assert t.text == (question if t.source == "question" else context)[t.start:t.end]
    assert [t.text for t in result.tokens if t.source == "question"] == ["Where", "did", "Angela", "play", "?"]
    total = sum(t.attribution for t in result.tokens)
    assert total == pytest.approx(result.output - result.baseline, abs=0.02 * max(1.0, abs(total)))
    chosen = explain.explain_qa(models["qa"], question, context, answer=(22, 27))
    assert chosen.target == "Paris" and chosen.span == (22, 27)
    with pytest.raises(EngineError, match="not inside"):
        explain.explain_qa(models["qa"], question, context, answer=(5, 10_000))


def test_ner_explains_an_entity_label(models: dict) -> None:
    text = "Angela Merkel visited Paris . " * 6
    entities = ner.extract(models["ner"], text).entities
    last = entities[-1]
    result = explain.explain_ner(models["ner"], text, entity=(last.start, last.end), method=explain.IG, steps=30)
    assert result.target == last.label and result.span == (last.start, last.end)
    total = sum(t.attribution for t in result.tokens)
    assert total == pytest.approx(result.output - result.baseline, abs=0.02 * max(1.0, abs(total)))
    other = explain.explain_ner(models["ner"], text, entity=(last.start, last.end), label="ORG")
    assert other.target == "ORG"
    assert explain.explain_ner(models["ner_bper"], text).output > 5  # every word is B-PER, by a wide margin
    with pytest.raises(EngineError, match="transformers"):
        explain.explain_ner(models["spacy"], text)


def test_progress_cancel_and_bad_options(models: dict) -> None:
    seen: list[float] = []
    explain.explain_sentiment(models["sentiment"], "good film " * 80, method=explain.IG, steps=10,
                              progress=lambda f, _m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    token = CancelToken()

    def cancel_midway(fraction: float, _message: str) -> None:
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        explain.explain_sentiment(models["sentiment"], "good film " * 80, method=explain.IG, steps=10,
                                  progress=cancel_midway, cancel=token)
    with pytest.raises(EngineError, match="method"):
        explain.explain_sentiment(models["sentiment"], "x", method="lime")
    with pytest.raises(EngineError, match="steps"):
        explain.explain_sentiment(models["sentiment"], "x", method=explain.IG, steps=0)
    with pytest.raises(EngineError, match="label"):
        explain.explain_sentiment(models["sentiment"], "x", label="MAYBE")


def test_to_json(models: dict) -> None:
    result = explain.explain_sentiment(models["sentiment"], "good 😀", method=explain.IG, steps=4)
    data = explain.to_json(result)
    assert data["method"] == "ig" and data["steps"] == 4 and "baseline" in data
    assert [(t["start"], t["end"], t["text"]) for t in data["tokens"]] == [(0, 4, "good"), (5, 6, "😀")]


def test_an_int8_model_is_explained_through_its_fp32_copy(tiny_models: dict) -> None:
    from bert_desk.engine.loading import load_model

    int8 = load_model(str(tiny_models["sentiment"]), "sentiment", device="cpu", precision="int8")
    assert int8.info.precision == "int8"
    result = explain.explain_sentiment(int8, "a good film", method=explain.IG, steps=8)
    assert [t.text for t in result.tokens] == ["a", "good", "film"]
    assert any(t.attribution != 0 for t in result.tokens)
