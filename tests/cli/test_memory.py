"""Memory stays bounded whatever the input: every command, on a 1 MB and a 20 MB input, under a cap on
its address space, either answers or refuses with one line (a 1 MB next-sentence pair once took 22 GB)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bert_desk.paths import bundled_model_dir

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
CAP = 6 * 1024**3  # bytes of address space (torch alone maps about 1.5 GB)
WORDS = "word "


def _input(command: str, size: int) -> str:
    text = (WORDS * (size // len(WORDS) + 1))[:size]
    record = {"sentiment": {"text": text}, "ner": {"text": text}, "fill-mask": {"text": text + " [MASK]"},
              "qa": {"question": "which word?", "context": text}, "next-sentence": {"a": text, "b": text}}[command]
    return json.dumps(record) + "\n"


def _run(argv: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    return subprocess.run([sys.executable, "-m", "bert_desk", *argv], input=stdin.encode("utf-8"), capture_output=True,
                          preexec_fn=cap, timeout=600, env={**os.environ, "BERT_DESK_DATA_DIR": str(tmp_path)})


@pytest.mark.parametrize("command", ["sentiment", "ner", "qa", "fill-mask", "next-sentence"])
def test_one_and_twenty_megabytes_finish_or_refuse_under_a_memory_cap(command: str, tiny_models: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    if command in ("fill-mask", "next-sentence"):
        if not (bundled_model_dir("pretrain") / "config.json").is_file():
            pytest.skip("no bundled pre-training model")
        model = "bundled:pretrain"
    else:
        model = str(tiny_models[command])
    for size in (1_000_000, 20_000_000):
        result = _run([command, "--model", model], _input(command, size), tmp_path)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode in (0, 2), f"{command} {size}: exit {result.returncode}: {err[-500:]}"
        assert "Traceback" not in err and "MemoryError" not in err and "unexpected" not in err, err[-500:]
        if size > 2_000_000:  # over the engine's limit (or the reader's, per line): refused before tokenizing
            assert result.returncode == 2, err
            assert "at most 2,000,000 are taken at once" in err or "line longer than 32 MiB" in err, err
        elif command in ("sentiment", "ner", "qa", "next-sentence"):  # windows (or a cut pair): it finishes
            assert result.returncode == 0, err
            assert json.loads(result.stdout.decode("utf-8").splitlines()[0])
