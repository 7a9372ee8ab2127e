"""Cluster tests: a bound on each test's time, one local Ray cluster per module, and the helpers they share."""

from __future__ import annotations

import io
import json
import random
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

LIMIT_S = 240  # no cluster test may hang the suite: each fails after this many seconds


@pytest.fixture(autouse=True)
def _time_bound() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"cluster test still running after {LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


SENTENCE = ("the film is a moving , beautifully acted story of grief and joy dull plot lazy script "
            "brilliant cast Zoë café naïve 東京 the 😀 ending felt ﺔﺒﻴﻃ forced but the music soars")


def write_corpus(folder: Path, lines: int, *, jsonl: int = 0, seed: int = 0) -> list[Path]:
    """A text file of `lines` sentences (and a JSONL file of `jsonl` {"text"} records, when asked)."""
    rng = random.Random(seed)
    words = SENTENCE.split()

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(3, 40)))

    folder.mkdir(parents=True, exist_ok=True)
    text = folder / "corpus.txt"
    text.write_text("".join(sentence() + "\n" for _ in range(lines)), encoding="utf-8")
    files = [text]
    if jsonl:
        records = folder / "more.jsonl"
        records.write_text("".join(json.dumps({"text": sentence(), "id": i}, ensure_ascii=False) + "\n"
                                   for i in range(jsonl)), encoding="utf-8")
        files.append(records)
    return files


def single_process(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> bytes:
    """What `bert-desk ARGV… > FILE` writes, run in this process with one torch thread (as each worker)."""
    import torch

    from bert_desk.cli import main

    out = io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    threads = torch.get_num_threads()
    with monkeypatch.context() as patch:
        patch.setenv("BERT_DESK_THREADS", "1")
        patch.setattr(sys, "stdout", stdout)
        torch.set_num_threads(1)
        try:
            assert main(argv) == 0
            stdout.flush()
            return out.getvalue()
        finally:
            torch.set_num_threads(threads)
            stdout.detach()
