"""The headless CLI: JSONL out, exact offsets, clear one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bert_desk.cli import main


def run_cli(argv: list[str], stdin: str, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[dict], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_sentiment_lines_and_jsonl(tiny_models, capsys, monkeypatch) -> None:
    text = "a good film 😀\n{\"text\": \"bad\"}\n"
    code, rows, _ = run_cli(["sentiment", "--model", str(tiny_models["sentiment3"])], text, capsys, monkeypatch)
    assert code == 0
    assert [r["text"] for r in rows] == ["a good film 😀", "bad"]
    for row in rows:
        assert set(row["scores"]) == {"negative", "neutral", "positive"}
        assert row["label"] == max(row["scores"], key=row["scores"].get)
        assert sum(row["scores"].values()) == pytest.approx(1.0, abs=1e-4)


def test_precision_option_runs_int8_with_the_same_verdicts(tiny_models, capsys, monkeypatch) -> None:
    from bert_desk.engine.device import precision_preference, set_precision

    text = "a good film 😀\nbad , dull\n"
    spec = str(tiny_models["sentiment3"])
    try:
        _, fp32, _ = run_cli(["sentiment", "--model", spec, "--precision", "fp32", "--threads", "1"], text,
                             capsys, monkeypatch)
        code, int8, _ = run_cli(["sentiment", "--model", spec, "--precision", "int8"], text, capsys, monkeypatch)
        assert code == 0 and precision_preference() == "int8"
    finally:
        set_precision("auto")
    assert [r["label"] for r in int8] == [r["label"] for r in fp32]
    assert all(abs(a["scores"][k] - b["scores"][k]) < 0.05 for a, b in zip(fp32, int8, strict=True) for k in a["scores"])
    with pytest.raises(SystemExit) as exit_info:
        main(["sentiment", "--precision", "int4"])
    assert exit_info.value.code == 2 and "invalid choice: 'int4'" in capsys.readouterr().err


def test_ner_spans_are_exact_offsets(spacy_ruler_spec, capsys, monkeypatch) -> None:
    text = "😀 東京: Angela Merkel visited Paris."
    code, rows, _ = run_cli(["ner", "--model", spacy_ruler_spec], text + "\n", capsys, monkeypatch)
    assert code == 0
    spans = rows[0]["spans"]
    assert [(s["text"], s["label"]) for s in spans] == [("Angela Merkel", "PERSON"), ("Paris", "GPE")]
    for span in spans:
        assert text[span["start"]:span["end"]] == span["text"]


def test_qa_answers_point_into_context(tiny_models, capsys, monkeypatch) -> None:
    context = "Angela Merkel visited Paris in May. The film was good."
    line = json.dumps({"question": "who visited paris?", "context": context})
    code, rows, _ = run_cli(["qa", "--model", str(tiny_models["qa"]), "--top-k", "2"], line, capsys, monkeypatch)
    assert code == 0
    answers = rows[0]["answers"]
    assert 1 <= len(answers) <= 2
    for answer in answers:
        assert context[answer["start"]:answer["end"]] == answer["text"]


@pytest.mark.parametrize(("stdin", "message"), [
    ('{"question": "q", "context": "c"}\n{"question": \n', "<stdin>:2: invalid JSON"),
    ('{"question": "q"}\n', "<stdin>:1: missing field 'context'"),
])
def test_bad_qa_input_is_one_line_error(tiny_models, capsys, monkeypatch, stdin, message) -> None:
    code, _, err = run_cli(["qa", "--model", str(tiny_models["qa"])], stdin, capsys, monkeypatch)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_undecodable_file_and_missing_model_exit_cleanly(tmp_path: Path, tiny_models) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\n\xff\xfe broken\n")
    cmd = [sys.executable, "-m", "bert_desk", "sentiment", "--model", str(tiny_models["sentiment"]), str(bad)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert f"{bad}:2: not valid UTF-8" in proc.stderr
    assert "Traceback" not in proc.stderr
    missing = subprocess.run([sys.executable, "-m", "bert_desk", "ner", "--model", str(tmp_path / "nope")],
                             capture_output=True, text=True, timeout=120, input="x\n")
    assert missing.returncode == 2
    assert "nope" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_selftest_runs_every_task_with_a_model(tiny_models, spacy_ruler_spec, capsys) -> None:
    code = main(["--selftest", "--no-gui", "--model", f"sentiment={tiny_models['sentiment']}",
                 "--model", f"qa={tiny_models['qa']}", "--model", f"ner={spacy_ruler_spec}"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ner: ok" in out and "Angela Merkel/PERSON" in out
    assert "pretrain: ok [bundled:pretrain" in out and "'The river flows into the " in out  # the bundled one
    assert out.count(": ok [") == 4


def test_selftest_fails_when_a_model_is_broken(tmp_path: Path, capsys) -> None:
    code = main(["--selftest", "--no-gui", "--model", f"sentiment={tmp_path / 'missing'}"])
    assert code == 1
    assert "sentiment: FAILED" in capsys.readouterr().out
