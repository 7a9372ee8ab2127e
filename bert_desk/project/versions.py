"""`ModelVersions`: models trained from a project's reviewed documents, recorded in the project.

Each version's files live in a folder beside the `.bdesk` file (`p.bdesk` -> `p.models/<name>/`, a folder
that `--model` accepts, with a model card); the project keeps one record per version (`ModelVersion`):
name, task, date, base, documents and labels used, the held-back scores of the previous and the new
model, and the training settings.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bert_desk.project.core import Core
from bert_desk.project.errors import ProjectError
from bert_desk.project.queries import check_task


def versions_folder(project_path: str | Path) -> Path:
    """Where a project's model versions are kept: `p.bdesk` -> `p.models/` beside it."""
    path = Path(project_path)
    return path.with_name(path.stem + ".models")


@dataclass(frozen=True)
class ModelVersion:
    """One trained version (stored as JSON in `model_versions.record`)."""

    name: str
    task: str
    created_at: str
    base: str  # what training started from: the previous model, or a base encoder with a new head
    new_head: bool
    documents: int  # accepted documents trained on
    held_back: int  # accepted documents held back for the scores
    labels: tuple[str, ...]
    scores: dict[str, Any] = field(default_factory=dict)  # {"previous": {...} | None, "new": {...}}
    settings: dict[str, Any] = field(default_factory=dict)
    previous: str | None = None  # the model spec it was compared with
    train_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelVersion:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["labels"] = tuple(known.get("labels", ()))
        return cls(**known)


class ModelVersions:
    """The model-version records of a project; their folders sit in `versions_folder(project path)`."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def folder(self, name: str) -> Path:
        """The model folder of version `name`."""
        return versions_folder(self.core.db.path) / name

    def add_model_version(self, version: ModelVersion) -> None:
        """Record a version whose folder is complete (one transaction)."""
        check_task(version.task)
        with self.core.transaction():
            if self.core.rows("SELECT 1 FROM model_versions WHERE name = ?", (version.name,)):
                raise ProjectError(f"a model version named {version.name!r} exists already")
            self.core.execute("INSERT INTO model_versions (name, task, created_at, record) VALUES (?, ?, ?, ?)",
                              (version.name, version.task, version.created_at,
                               json.dumps(version.as_dict(), ensure_ascii=False)))

    def model_versions(self, task: str | None = None) -> list[ModelVersion]:
        """Recorded versions (of `task`), oldest first."""
        where, params = ("WHERE task = ?", (task,)) if task else ("", ())
        rows = self.core.rows(f"SELECT record FROM model_versions {where} ORDER BY created_at, name", params)
        return [ModelVersion.from_dict(json.loads(r[0])) for r in rows]

    def model_version(self, name: str) -> ModelVersion:
        rows = self.core.rows("SELECT record FROM model_versions WHERE name = ?", (name,))
        if not rows:
            known = ", ".join(v.name for v in self.model_versions()) or "none yet"
            raise ProjectError(f"no model version {name!r} in this project (versions: {known})")
        return ModelVersion.from_dict(json.loads(rows[0][0]))

    def delete_model_version(self, name: str) -> ModelVersion:
        """Forget a version and delete its folder; returns its record."""
        with self.core.transaction():
            version = self.model_version(name)
            self.core.execute("DELETE FROM model_versions WHERE name = ?", (name,))
        shutil.rmtree(self.folder(name), ignore_errors=True)
        return version

    def next_name(self, task: str) -> str:
        """`<task>-v<N>`, one more than the highest recorded or present in the folder."""
        taken = {v.name for v in self.model_versions()}
        root = versions_folder(self.core.db.path)
        if root.is_dir():
            taken |= {p.name for p in root.iterdir()}
        n = 1
        while f"{task}-v{n}" in taken:
            n += 1
        return f"{task}-v{n}"
