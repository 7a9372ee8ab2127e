"""Errors of the project layer: one-line messages fit to show a user."""

from __future__ import annotations

from pathlib import Path


class ProjectError(Exception):
    """A project operation failed (invalid span, corrupt file, read-only project…)."""


class ProjectImportError(ProjectError):
    """A file could not be imported; names the file and (when known) the 1-based line."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.reason = message
        where = f"{self.file}:{line}" if line is not None else self.file
        super().__init__(f"{where}: {message}")


class ProjectExportError(ProjectError):
    """A project could not be exported to the requested format."""
