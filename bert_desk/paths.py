"""Locate runtime files (resources, bundled models, user data) from a source checkout,
an installed wheel and a frozen (PyInstaller) bundle alike."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    """Return the `resources/` folder: wheel (`bert_desk/resources`), frozen bundle or checkout."""
    candidates = [_PACKAGE_DIR / "resources"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "resources")
    candidates.append(_PACKAGE_DIR.parent / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource(*parts: str) -> Path:
    """Path of a file under `resources/` (it may not exist)."""
    return resources_dir().joinpath(*parts)


def bundled_model_dir(task: str) -> Path:
    """Folder of the bundled model for a task (`sentiment`, `ner`, `qa`, `pretrain`)."""
    return resource("models", task)


def user_data_dir() -> Path:
    """Per-user writable folder for logs and data (created on demand)."""
    override = os.environ.get("BERT_DESK_DATA_DIR")
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "bert_desk"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "bert_desk"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "bert_desk"
    base.mkdir(parents=True, exist_ok=True)
    return base


def log_file() -> Path:
    """The app's log file (rotated; its folder is created on demand)."""
    return user_data_dir() / "logs" / "bert_desk.log"
