"""`bert-desk project import --status accepted|proposed|unreviewed`: how a file's annotations are stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.cli.project import main
from bert_desk.project import Project

CONLL = "Angela B-PER\nMerkel I-PER\nvisited O\nParis B-LOC\n\nthe O\nfilm O\n\n"


def _project(tmp_path: Path, status: str | None) -> Path:
    proj, data = tmp_path / "p.bdesk", tmp_path / "d.conll"
    data.write_text(CONLL, encoding="utf-8")
    assert main(["create", str(proj)]) == 0
    extra = ["--status", status] if status else []
    assert main(["import", str(proj), str(data), "--format", "conll", *extra]) == 0
    return proj


def test_accepted_import_is_reviewed_and_accepted(tmp_path: Path) -> None:
    with Project.open(_project(tmp_path, "accepted")) as p:
        first, second = p.document_ids()
        assert p.review(first, "ner").status == "accepted"
        assert p.review(second, "ner").status == "accepted"  # no entities is a decision too
        assert p.review(first, "sentiment").status == "unreviewed"  # the file says nothing about sentiment
        text = p.document(first).text
        assert [(text[s.start:s.end], s.label) for s in p.spans(first, "ner", "human")] == [
            ("Angela Merkel", "PER"), ("Paris", "LOC")]
        assert p.document_ids(task="ner", status="accepted") == [first, second]


@pytest.mark.parametrize("status", [None, "unreviewed"])
def test_default_import_leaves_human_layer_unreviewed(tmp_path: Path, status: str | None) -> None:
    with Project.open(_project(tmp_path, status)) as p:
        first, _ = p.document_ids()
        assert p.review(first, "ner").status == "unreviewed" and p.has_human_layer(first, "ner")
        assert len(p.spans(first, "ner", "human")) == 2


def test_proposed_import_stores_model_proposals(tmp_path: Path) -> None:
    with Project.open(_project(tmp_path, "proposed")) as p:
        first, _ = p.document_ids()
        assert not p.has_human_layer(first, "ner")
        assert [s.label for s in p.spans(first, "ner", "model")] == ["PER", "LOC"]
