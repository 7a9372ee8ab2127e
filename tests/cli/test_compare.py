"""`bert-desk compare`: per-input differences of model A and B, the agreement rate and confusion table."""

from __future__ import annotations

import json

from .test_cli import run_cli


def test_same_model_agrees_everywhere(tiny_models, tmp_path, capsys, monkeypatch) -> None:
    spec = str(tiny_models["sentiment3"])
    summary = tmp_path / "s.json"
    code, rows, err = run_cli(["compare", "sentiment", "--model-a", spec, "--model-b", spec, "--summary",
                               str(summary)], "good film\nbad 😀\n", capsys, monkeypatch)
    assert code == 0 and [r["agree"] for r in rows] == [True, True] and [r["text"] for r in rows] == ["good film", "bad 😀"]
    assert "agreement: 2/2 inputs (100.0%)" in err
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["rate"] == 1.0 and data["differ"] == [] and sum(sum(r.values()) for r in data["confusion"].values()) == 2


def test_two_ner_models_differ(tiny_models, tmp_path, capsys, monkeypatch) -> None:
    from tests.engine.conftest import _build_fixed_ner

    per = _build_fixed_ner(tmp_path / "per", "B-PER")
    loc = _build_fixed_ner(tmp_path / "loc", "B-LOC")
    code, rows, err = run_cli(["compare", "ner", "--model-a", str(per), "--model-b", str(loc), "--differ-only"],
                              "angela visited paris\n", capsys, monkeypatch)
    assert code == 0 and len(rows) == 1 and not rows[0]["agree"]
    assert [(r["text"], r["a"], r["b"]) for r in rows[0]["relabelled"]] == [
        ("angela", "PER", "LOC"), ("visited", "PER", "LOC"), ("paris", "PER", "LOC")]
    assert "agreement: 0/1 inputs (0.0%)" in err and "PER" in err.splitlines()[-1]
