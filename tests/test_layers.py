"""The layer rules hold at run time: the engine, training and project packages work without Qt,
and importing them (or the CLI) does not drag in torch, transformers or spaCy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import bert_desk

PURE_PACKAGES = ("bert_desk.engine", "bert_desk.training", "bert_desk.project")
HEAVY = ("torch", "transformers", "spacy", "PySide6")


def _pure_modules() -> list[str]:
    names = ["bert_desk.cli", "bert_desk.inputs", "bert_desk.paths"]
    for info in pkgutil.walk_packages(bert_desk.__path__, "bert_desk."):
        if info.name.startswith(PURE_PACKAGES) and not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def test_pure_modules_import_without_qt_and_without_heavy_libraries() -> None:
    modules = _pure_modules()
    assert "bert_desk.engine.types" in modules
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None  # importing Qt now raises ImportError\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        f"loaded = [m for m in {HEAVY!r} if sys.modules.get(m) is not None]\n"
        "print(','.join(loaded))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"imported at module level: {proc.stdout.strip()}"
