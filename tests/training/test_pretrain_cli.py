"""`fill-mask` and `next-sentence` sub-commands (wired into `bert-desk` by `bert_desk.cli`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bert_desk.cli import main
from bert_desk.cli.infer import add_parsers


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny_models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("cli") / "pt", "pretrain")


def test_fill_mask_prints_candidates_per_mask(checkpoint: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "in.txt"
    data.write_text("the [MASK] won the game\n\n{\"text\": \"a [MASK] film and a [MASK] movie\"}\n", encoding="utf-8")
    assert main(["fill-mask", str(data), "--model", str(checkpoint), "--top-k", "3", "--device", "cpu"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [len(r["masks"]) for r in rows] == [1, 2]
    assert rows[0]["text"] == "the [MASK] won the game" and rows[0]["masks"][0]["start"] == 4
    assert all(len(m["candidates"]) == 3 for r in rows for m in r["masks"])
    assert set(rows[1]["masks"][0]["candidates"][0]) == {"token", "text", "score"}


def test_next_sentence_prints_probabilities(checkpoint: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "pairs.jsonl"
    data.write_text('{"a": "the team won", "b": "it was great"}\n{"a": "paris", "b": "berlin"}\n', encoding="utf-8")
    assert main(["next-sentence", str(data), "--model", str(checkpoint), "--device", "cpu"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and all(set(r) == {"is_next"} and 0.0 <= r["is_next"] <= 1.0 for r in rows)


def test_errors_name_the_line_or_the_missing_head(checkpoint: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "in.txt"
    data.write_text("the [MASK] won\nno mask here\n", encoding="utf-8")
    assert main(["fill-mask", str(data), "--model", str(checkpoint), "--device", "cpu"]) == 2
    assert f"{data}:2: No [MASK]" in capsys.readouterr().err
    from tests.tiny_models import build_tiny_model

    qa = build_tiny_model(tmp_path / "qa", "qa")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "x", "b": "y"}\n', encoding="utf-8")
    assert main(["next-sentence", str(pairs), "--model", str(qa), "--device", "cpu"]) == 2
    assert "has no trained next-sentence prediction (NSP) head" in capsys.readouterr().err


def test_add_parsers_sets_handlers() -> None:
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["next-sentence", "f.jsonl", "--model", "bundled:pretrain"])
    assert callable(args.handler) and args.model == "bundled:pretrain" and args.files == ["f.jsonl"]
