"""Load the packaging scripts (they live outside the package, in packaging/) as modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.bert_desk.BertDesk"


def load_script(name: str) -> ModuleType:
    """packaging/<name>.py as a module, through build.py's own loader (`load_sibling`)."""
    build = sys.modules.get("_bert_desk_packaging_build")
    if build is None:
        spec = importlib.util.spec_from_file_location("_bert_desk_packaging_build", PACKAGING / "build.py")
        assert spec is not None and spec.loader is not None
        build = sys.modules["_bert_desk_packaging_build"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(build)
    return build.load_sibling(name)
