"""`--html FILE` on the inference and explain commands: one self-contained report beside the JSON lines."""

from __future__ import annotations

import json
import re

from bert_desk.engine.colors import ANSWER_HEX, label_color

from .test_cli import run_cli


def test_ner_html(spacy_ruler_spec, tmp_path, capsys, monkeypatch) -> None:
    out = tmp_path / "ner.html"
    text = 'Angela Merkel visited Paris <script>alert("x")</script>\nGoogle 😀\n'
    code, rows, _ = run_cli(["ner", "--model", spacy_ruler_spec, "--html", str(out)], text, capsys, monkeypatch)
    assert code == 0 and len(rows) == 2
    document = out.read_text(encoding="utf-8")
    assert "<script>" not in document and "&lt;script&gt;alert(&quot;x&quot;)" in document
    for label in ("PERSON", "GPE", "ORG"):
        assert f"background:{label_color(label)}" in document
    assert re.search(r"<mark [^>]*>Angela Merkel<span [^>]*>PERSON</span></mark>", document)
    assert document.count("<h2>Entities") == 2


def test_sentiment_and_qa_html(tiny_models, tmp_path, capsys, monkeypatch) -> None:
    out = tmp_path / "s.html"
    code, rows, _ = run_cli(["sentiment", "--model", str(tiny_models["sentiment"]), "--html", str(out)],
                            "Good film. Bad end.\n", capsys, monkeypatch)
    assert code == 0 and rows[0]["label"] in out.read_text(encoding="utf-8")
    assert re.findall(r"<mark [^>]*>([^<]*)</mark>", out.read_text(encoding="utf-8")) == ["Good film.", "Bad end."]
    out = tmp_path / "qa.html"
    record = {"question": "Where?", "context": "Angela visited Paris."}
    code, rows, _ = run_cli(["qa", "--model", str(tiny_models["qa"]), "--html", str(out)], json.dumps(record) + "\n",
                            capsys, monkeypatch)
    assert code == 0
    best = rows[0]["answers"][0]["text"]
    assert re.search(rf'<mark style="[^"]*background:{ANSWER_HEX}" [^>]*>{re.escape(best)}</mark>',
                     out.read_text(encoding="utf-8"))


def test_explain_html(tiny_models, tmp_path, capsys, monkeypatch) -> None:
    out = tmp_path / "why.html"
    code, rows, _ = run_cli(["explain", "sentiment", "--model", str(tiny_models["sentiment"]), "--html", str(out)],
                            "a good film\nbad\n", capsys, monkeypatch)
    assert code == 0 and len(rows) == 2
    document = out.read_text(encoding="utf-8")
    assert document.count("<h2>Why ") == 2 and "Top tokens" in document
