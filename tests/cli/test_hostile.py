"""Every inference command on a corpus of hostile inputs (tests/data/hostile/): it either answers with
JSON lines or refuses with one line naming the file and line (exit status 2), never a traceback."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bert_desk.cli import main
from bert_desk.paths import bundled_model_dir

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CORPUS = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".jsonl", ".txt"))
COMMANDS = ("sentiment", "ner", "qa", "fill-mask", "next-sentence")


def _model(command: str, tiny_models: dict[str, Path]) -> str:
    if command in ("fill-mask", "next-sentence"):
        if not (bundled_model_dir("pretrain") / "config.json").is_file():
            pytest.skip("no bundled pre-training model")
        return "bundled:pretrain"
    return str(tiny_models[command])


@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_inputs_never_raise(command: str, tiny_models: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(CORPUS) >= 10
    model = _model(command, tiny_models)
    for path in CORPUS:
        for argv in ([command, "--model", model, str(path)], [command, "--model", model]):
            stdin = path.read_bytes() if len(argv) == 3 else b""
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
            code = main(argv)
            out, err = capsys.readouterr()
            where = f"{command} {path.name}"
            assert "Traceback" not in err and "unexpected error" not in err, f"{where}: {err}"
            assert code in (0, 2), f"{where}: exit {code}"
            if code == 2:
                assert err.startswith("bert-desk: error: ") and err.count("\n") == 1, f"{where}: {err!r}"
                if len(argv) == 4:
                    assert path.name in err, f"{where}: the message names no file: {err!r}"
            for line in out.splitlines():
                row = json.loads(line)
                for span in row.get("spans", []):
                    assert row["text"][span["start"]:span["end"]] == span["text"], where


def test_output_is_utf8_whatever_the_locale(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    import subprocess

    env = {"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "cp1252", "HF_HUB_OFFLINE": "1",
           "BERT_DESK_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bert_desk", "ner", "--model", str(tiny_models["ner"])],
                            input="Merkel 👍 Paris\n".encode(), capture_output=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert json.loads(result.stdout.decode("utf-8"))["text"] == "Merkel 👍 Paris"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_jsonl_file_holds_json_objects_only(command: str, tiny_models: dict[str, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON array in a .jsonl file is refused, not scored as the text '["a", "b"]'."""
    code = main([command, "--model", _model(command, tiny_models), str(HOSTILE / "array_line.jsonl")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"bert-desk: error: {HOSTILE / 'array_line.jsonl'}:1: expected a JSON object\n"
