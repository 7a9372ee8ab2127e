"""QA: windows over long contexts, valid offsets, top-k order, answer_many, max_answer_len."""

from __future__ import annotations

import pytest

from bert_desk.engine import qa
from bert_desk.engine.types import EngineError

from .spans import assert_span_ok

CONTEXT = ("John Smith works at Google in New York City. Angela Merkel visited Paris and Berlin.\r\n"
           "The team won the game 3 - 2 , a great day ! ") * 8


def test_long_context_answers(models: dict) -> None:
    result = qa.answer(models["qa"], "Who works at Google?", CONTEXT, top_k=5)
    assert result.windows > 3
    assert 1 <= len(result.answers) <= 5
    for answer in result.answers:
        assert_span_ok(CONTEXT, answer.start, answer.end, answer.text)
    scores = [a.score for a in result.answers]
    assert scores == sorted(scores, reverse=True)
    assert len({(a.start, a.end) for a in result.answers}) == len(result.answers)
    assert 0.0 <= result.no_answer_score <= 1.0
    assert sum(scores) + result.no_answer_score <= 1.0 + 1e-5
    assert result.no_answer == (result.no_answer_score > scores[0])


def test_top_k_and_max_answer_len(models: dict) -> None:
    model = models["qa"]
    one = qa.answer(model, "where?", CONTEXT, top_k=1)
    many = qa.answer(model, "where?", CONTEXT, top_k=8)
    assert len(one.answers) == 1 and len(many.answers) == 8
    assert one.answers[0] == many.answers[0]
    short = qa.answer(model, "where?", CONTEXT, top_k=8, max_answer_len=1)
    for answer in short.answers:
        assert len(model.tokenizer(answer.text, add_special_tokens=False)["input_ids"]) == 1


def test_small_windows_and_stride(models: dict) -> None:
    result = qa.answer(models["qa"], "what did the team win?", CONTEXT, max_length=32, doc_stride=8)
    assert result.windows > 10
    for answer in result.answers:
        assert_span_ok(CONTEXT, answer.start, answer.end, answer.text)


def test_answer_many(models: dict) -> None:
    questions = ["Who visited Paris?", "Where is Google?", "What did the team win?"]
    results = qa.answer_many(models["qa"], questions, CONTEXT, top_k=3)
    assert [r.question for r in results] == questions
    for result in results:
        assert len(result.answers) == 3
        single = qa.answer(models["qa"], result.question, CONTEXT, top_k=3)
        assert [(a.start, a.end) for a in single.answers] == [(a.start, a.end) for a in result.answers]
        assert [a.score for a in single.answers] == pytest.approx([a.score for a in result.answers], abs=1e-5)


def test_empty_context_and_question(models: dict) -> None:
    result = qa.answer(models["qa"], "who?", "")
    assert result.answers == () and result.no_answer
    with pytest.raises(EngineError, match="Empty question"):
        qa.answer(models["qa"], "  ", CONTEXT)
    with pytest.raises(EngineError, match="too long"):
        qa.answer(models["qa"], "who " * 80, CONTEXT)


def test_a_squad_v1_checkpoint_always_answers(models: dict) -> None:
    """`handle_impossible_answer: false` in the config: no null answer, span scores share all the mass."""
    model = models["qa"]
    config = model.model.config
    saved = getattr(config, "task_specific_params", None)
    try:
        config.task_specific_params = {"question-answering": {"handle_impossible_answer": False}}
        assert not qa.handles_no_answer(model)
        result = qa.answer(model, "Who works at Google?", CONTEXT, top_k=200, max_answer_len=30)
        assert not result.no_answer and result.no_answer_score == 0.0 and result.answers
        with_null = qa.handles_no_answer(model)
    finally:
        config.task_specific_params = saved
    assert not with_null and qa.handles_no_answer(model)
    default = qa.answer(model, "Who works at Google?", CONTEXT, top_k=200, max_answer_len=30)
    assert [(a.start, a.end) for a in result.answers[:5]] == [(a.start, a.end) for a in default.answers[:5]]
    assert result.answers[0].score > default.answers[0].score  # the null's share is given to the spans
    assert qa.answer(model, "who?", "").no_answer  # nothing to answer from is still no answer
