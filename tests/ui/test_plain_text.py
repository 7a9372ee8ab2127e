"""User text never reaches Qt as markup: labels are made by `widgets.plain_label` (or `markup_label`
for the app's own escaped markup), and every tooltip that is not a fixed string goes through
`widgets.tip`. This checks the source, so a new `QLabel(...)` or tooltip anywhere in the UI fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import bert_desk.ui

UI = Path(bert_desk.ui.__file__).resolve().parent
HELPERS = UI / "widgets.py"
RICH_TEXT_CLASSES = {"WordStrip"}  # its words are escaped one by one (mask_widgets.WordStrip.set_text)


def _safe(node: ast.AST) -> bool:
    """A fixed string, a call of `tip(...)`, or a choice between such."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tip":
        return True
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    return False


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    rich_ok: set[int] = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        if any(isinstance(b, ast.Name) and b.id == "QLabel" for b in cls.bases):
            calls = [c for c in ast.walk(cls) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                     and c.func.attr == "setTextFormat"]
            if not calls:
                found.append(f"{path.name}:{cls.lineno}: QLabel subclass {cls.name} sets no text format")
            if cls.name in RICH_TEXT_CLASSES:
                rich_ok.update(c.lineno for c in calls)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "ToolTipRole" in ast.unparse(node.test):
            for ret in (n for n in ast.walk(ast.Module(body=node.body, type_ignores=[])) if isinstance(n, ast.Return)):
                if ret.value is not None and not _safe(ret.value):
                    found.append(f"{path.name}:{ret.lineno}: a ToolTipRole value not made by tip()")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{path.name}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id == "QLabel":
            found.append(f"{where}: QLabel(...) (use plain_label or markup_label)")
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr == "setToolTip" and node.args and not _safe(node.args[0]):
            found.append(f"{where}: setToolTip without tip()")
        if func.attr == "showText" and len(node.args) > 1 and not _safe(node.args[1]):
            found.append(f"{where}: QToolTip.showText without tip()")
        if func.attr == "setItemData" and len(node.args) > 2 and "ToolTipRole" in ast.unparse(node.args[2]) \
                and not _safe(node.args[1]):
            found.append(f"{where}: a ToolTipRole item without tip()")
        if func.attr == "setTextFormat" and node.args and "PlainText" not in ast.unparse(node.args[0]) \
                and node.lineno not in rich_ok:
            found.append(f"{where}: a text format other than plain text")
    return found


def test_user_text_reaches_labels_and_tooltips_only_through_the_helpers() -> None:
    files = [p for p in UI.rglob("*.py") if p != HELPERS]
    assert len(files) > 30
    problems = [v for path in files for v in _violations(path)]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_each_kind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from PySide6.QtWidgets import QLabel\n"
        "a = QLabel(user_text)\n"
        "b.setToolTip(user_text)\n"
        "QToolTip.showText(pos, user_text)\n"
        "c.setTextFormat(Qt.TextFormat.RichText)\n"
        "combo.setItemData(0, spec, Qt.ItemDataRole.ToolTipRole)\n"
        "def data(index, role):\n"
        "    if role == Qt.ItemDataRole.ToolTipRole:\n"
        "        return row.text\n"
        "d.setToolTip(tip(user_text))\n"
        "e.setToolTip('fixed')\n", encoding="utf-8")
    kinds = [v.split(": ", 1)[1] for v in _violations(bad)]
    assert kinds == ["QLabel(...) (use plain_label or markup_label)", "setToolTip without tip()",
                     "QToolTip.showText without tip()", "a text format other than plain text",
                     "a ToolTipRole item without tip()", "a ToolTipRole value not made by tip()"]
