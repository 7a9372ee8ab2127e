"""`project_scores.compare_versions` (the versions dialog's and `project compare-versions`' scoring): two models on
the same held-back documents, for sentiment and QA, with progress that ends at 1 and a cancel token honoured."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.engine.types import Cancelled, CancelToken
from bert_desk.project import Project, ProjectError
from bert_desk.training.project_scores import compare_versions
from tests.tiny_models import build_tiny_model


def test_sentiment_two_models_and_progress(tmp_path: Path) -> None:
    a, b = (build_tiny_model(tmp_path / name, "sentiment", seed=seed) for name, seed in (("a", 1), ("b", 2)))
    seen: list[float] = []
    with Project.create(tmp_path / "s.bdesk") as p:
        for i, doc in enumerate(p.add_documents([f"a {'good' if i % 2 else 'bad'} film {i}" for i in range(12)])):
            p.set_label(doc, "POSITIVE" if i % 2 else "NEGATIVE")
            p.set_status(doc, "sentiment", "accepted")
        result = compare_versions(p, "sentiment", str(a), str(b), device="cpu",
                                  progress=lambda f, _m: seen.append(f))
        assert result["held_back"] == 2
        for key in ("first", "second"):
            assert set(result[key]["labels"]) >= {"NEGATIVE", "POSITIVE"} and result[key]["micro"]["support"] == 2
        assert seen == sorted(seen) and seen[-1] == 1.0 and any(0 < f < 1 for f in seen)
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(Cancelled):
            compare_versions(p, "sentiment", str(a), str(b), device="cpu", cancel=cancel)
        with pytest.raises(ProjectError, match="needs at least 10"):
            compare_versions(p, "qa", str(a), str(b))  # no accepted QA documents: said, not crashed


def test_qa_answers_are_scored(tmp_path: Path) -> None:
    model = build_tiny_model(tmp_path / "qa", "qa")
    with Project.create(tmp_path / "q.bdesk") as p:
        for doc in p.add_documents([f"Anna lives in Paris, story {i}." for i in range(10)]):
            question = p.add_question(doc, "Where does Anna live?")
            p.set_answer(question, 14, 19)
            p.set_status(doc, "qa", "accepted")
        result = compare_versions(p, "qa", str(model), str(model), device="cpu")
    assert result["held_back"] == 2 and result["first"] == result["second"]  # the same model: the same scores
    assert result["first"]["labels"]["answer"]["support"] == 2
