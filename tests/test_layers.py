"""The layer rules hold at run time: the engine, training and project packages work without Qt,
and importing them (or the CLI) does not drag in torch, transformers or spaCy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import bert_desk

PURE_PACKAGES = ("bert_desk.engine", "bert_desk.training", "bert_desk.project", "bert_desk.cli")
HEAVY = ("torch", "transformers", "spacy", "PySide6")


def _pure_modules() -> list[str]:
    names = ["bert_desk.cli", "bert_desk.inputs", "bert_desk.paths", "bert_desk.options"]
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


def test_an_import_cycle_fails_the_contracts(tmp_path) -> None:
    """`lint-imports` (run by scripts/test.sh) fails as soon as two modules of bert_desk import each other."""
    import shutil
    from pathlib import Path

    root = Path(bert_desk.__file__).resolve().parents[1]
    shutil.copytree(root / "bert_desk", tmp_path / "bert_desk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(lint, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    clean = run()
    assert clean.returncode == 0, clean.stdout[-2000:]
    navigation = tmp_path / "bert_desk" / "ui" / "review" / "navigation.py"
    navigation.write_text(navigation.read_text(encoding="utf-8") + "\nimport bert_desk.ui.review.tab  # noqa\n",
                          encoding="utf-8")
    broken = run()
    assert broken.returncode != 0
    assert "No import cycles inside bert_desk BROKEN" in broken.stdout
    assert ".tab -> .navigation" in broken.stdout or ".navigation -> .tab" in broken.stdout
