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
    """Import packaging/<name>.py under a private module name (never shadowing PyPI `packaging`)."""
    module_name = f"_bert_desk_packaging_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
