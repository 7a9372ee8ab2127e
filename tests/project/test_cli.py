"""CLI (`bert-desk project …`) through its handler, and pre-annotation with a fake and a real engine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from bert_desk.cli.project import add_parser, main
from bert_desk.engine.types import Answer, Entity, NERResult, QAResult, SentimentResult
from bert_desk.project import Project, preannotate


def fake_engine() -> preannotate.Engine:
    def ner_batch(model: Any, texts: list[str], **kw: Any) -> list[NERResult]:
        out = []
        for text in texts:
            ents = []
            if "Paris" in text:
                s = text.index("Paris")
                ents += [Entity(s, s + 5, "LOC", 0.9, "Paris"), Entity(s, s + 4, "ORG", 0.4, "Pari")]
            out.append(NERResult(text, tuple(ents)))
        return out

    def sentiment_batch(model: Any, texts: list[str], **kw: Any) -> list[SentimentResult]:
        return [SentimentResult(t, "positive" if "good" in t else "negative", 0.75, {}) for t in texts]

    def qa_many(model: Any, questions: list[str], context: str, **kw: Any) -> list[QAResult]:
        if "Paris" not in context:
            return [QAResult(q, (), True, 0.8) for q in questions]
        s = context.index("Paris")
        return [QAResult(q, (Answer(s, s + 5, "Paris", 0.6),)) for q in questions]

    return preannotate.Engine(lambda spec, task, **kw: object(), ner_batch, sentiment_batch, None, qa_many)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preannotate, "load_engine", fake_engine)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_import_stats_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p.bdesk")
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "Angela 😀 in Paris", "spans": [{"start": 9, "end": 14, "label": "LOC"}], '
                    '"answer": "accept"}\n{"text": "good", "label": "positive"}\n', encoding="utf-8")
    assert run(["create", proj], capsys)[0] == 0
    code, out, _ = run(["import", proj, str(data)], capsys)
    assert code == 0 and "imported 2 documents" in out
    code, out, _ = run(["stats", proj], capsys)
    assert code == 0 and "accepted" in out and "LOC" in out
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("label (sentiment)"))
    assert lines[head + 1].split() == ["positive", "1", "0"]
    assert len(lines[head + 1]) == len(lines[head])  # the counts sit under "human" and "model"
    code, out, _ = run(["stats", proj, "--json"], capsys)
    stats = json.loads(out)
    assert stats["status"]["ner"]["accepted"] == 1 and stats["labels"]["sentiment"]["positive"]["human"] == 1
    code, out, _ = run(["export", proj, "--format", "jsonl", "--status", "accepted", "--task", "ner"], capsys)
    assert code == 0 and [json.loads(x)["text"] for x in out.splitlines()] == ["Angela 😀 in Paris"]
    target = tmp_path / "out.csv"
    code, _, err = run(["export", proj, "--format", "csv", "--out", str(target)], capsys)
    assert code == 0 and "exported 2 documents" in err and target.read_text(encoding="utf-8").startswith("text,")


def test_errors_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p.bdesk")
    main(["create", proj])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "x", "spans": [{"start": 0, "end": 9, "label": "L"}]}\n')
    code, _, err = run(["import", proj, str(bad)], capsys)
    assert code == 2 and err.count("\n") == 1 and f"{bad}:2:" in err and "Traceback" not in err
    code, _, err = run(["stats", str(tmp_path / "missing.bdesk")], capsys)
    assert code == 2 and "no such project" in err
    code, _, err = run(["import", proj, str(tmp_path / "x.unknown")], capsys)
    assert code == 2 and "cannot tell the format" in err
    with pytest.raises(SystemExit) as info:
        main(["export", proj, "--format", "jsonl", "--status", "done"])
    assert info.value.code == 2


def test_import_renames_labels_with_label_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GLUE's SST-2 writes 0/1: `--label-map` stores them under the names the sentiment model predicts, and
    renames entity labels too; labels it does not name stay; a malformed map is a usage error."""
    proj = str(tmp_path / "p.bdesk")
    main(["create", proj])
    glue = tmp_path / "sst2.tsv"
    glue.write_text("sentence\tlabel\na moving film \t1\na dull film \t0\nodd \t2\n", encoding="utf-8")
    spans = tmp_path / "ner.jsonl"
    spans.write_text('{"text": "Angela in Paris", "spans": [{"start": 0, "end": 6, "label": "PER"}, '
                     '{"start": 10, "end": 15, "label": "GPE"}]}\n', encoding="utf-8")
    code, out, _ = run(["import", proj, str(glue), str(spans), "--label-map", "0=NEGATIVE, 1=POSITIVE,GPE=LOC"],
                       capsys)
    assert code == 0 and "imported 3 documents" in out
    with Project.open(proj) as project:
        assert [project.label(d).label for d in (1, 2, 3)] == ["POSITIVE", "NEGATIVE", "2"]
        assert [(s.start, s.end, s.label) for s in project.spans(4)] == [(0, 6, "PER"), (10, 15, "LOC")]
    for bad in ("0", "0=NEGATIVE,0=POSITIVE", "=POSITIVE"):
        with pytest.raises(SystemExit) as info:
            main(["import", proj, str(glue), "--label-map", bad])
        assert info.value.code == 2
        assert "label map" in capsys.readouterr().err


def test_add_parser_wires_into_an_app_parser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="bert-desk")
    add_parser(parser.add_subparsers(dest="command"))
    proj = str(tmp_path / "p.bdesk")
    args = parser.parse_args(["project", "create", proj])
    assert args.handler(args) == 0 and Path(proj).is_file()


def test_preannotate_with_fake_engine(tmp_path: Path, fake: None, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "p.bdesk"
    with Project.create(proj) as p:
        a, b = p.add_documents(["We met in Paris.", "A good day."])
        p.add_question(a, "Where?")
        p.add_question(b, "Where?")
    for task in ("ner", "sentiment", "qa"):
        code, out, _ = run(["pre-annotate", str(proj), "--task", task, "--model", "fake-spec", "--batch-size", "1"],
                           capsys)
        assert code == 0 and "2 documents" in out
    with Project.open(proj) as p:
        spans = p.spans(a)
        assert [(s.label, s.prov.source, s.prov.model, s.prov.score) for s in spans] == [("LOC", "model", "fake-spec",
                                                                                         0.9)]
        assert p.spans(b) == [] and p.proposed_by(b, "ner") == ("fake-spec", None)
        assert p.label(b).label == "positive" and p.label(b).prov.source == "model"
        assert p.questions(a)[0].model[0].start == 10 and p.questions(b)[0].model[0].no_answer
        assert not p.has_human_layer(a, "ner")  # proposals never touch the human layer
    code, _, err = run(["pre-annotate", str(proj), "--task", "ner", "--model", "x", "--batch-size", "0"], capsys)
    assert code == 2 and "batch size" in err


def test_preannotate_with_the_real_engine(tmp_path: Path) -> None:
    pytest.importorskip("bert_desk.engine.ner")
    from tests.tiny_models import build_tiny_model

    folder = build_tiny_model(tmp_path / "ner", "ner")
    with Project.create(tmp_path / "p.bdesk") as p:
        ids = p.add_documents(["Angela Merkel visited Paris.", "東京 😀 e\u0301"])
        assert preannotate.preannotate(p, "ner", str(folder), batch_size=2, device="cpu") == 2
        for doc in ids:
            text = p.document(doc).text
            assert p.proposed_by(doc, "ner")[0] == str(folder)
            for s in p.spans(doc, source="model"):
                assert 0 <= s.start < s.end <= len(text)
