"""The engine imports fast and Qt-free: no torch/transformers/spaCy at import time, PySide6 never."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
sys.modules["PySide6"] = None  # importing Qt would now fail
from bert_desk.engine import colors, device, loading, ner, offsets, qa, registry, runtime, sentiment, types
heavy = sorted(m for m in ("torch", "transformers", "spacy", "tokenizers", "safetensors") if m in sys.modules)
print(",".join(heavy))
"""


def test_engine_imports_are_light_and_qt_free() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
