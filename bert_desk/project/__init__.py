"""Annotation projects: one SQLite `.bdesk` file per project (pure Python, no Qt)."""

from bert_desk.project.errors import ProjectError, ProjectExportError, ProjectImportError
from bert_desk.project.store import Project
from bert_desk.project.types import (
    PROJECT_TASKS,
    STATUSES,
    Answer,
    AnswerData,
    DocLabel,
    Document,
    DocumentRow,
    ProjectRef,
    Provenance,
    Question,
    QuestionData,
    Record,
    Review,
    Span,
    SpanData,
)

__all__ = [
    "PROJECT_TASKS", "STATUSES", "Answer", "AnswerData", "DocLabel", "Document", "DocumentRow", "Project",
    "ProjectError", "ProjectExportError", "ProjectImportError", "ProjectRef", "Provenance", "Question", "QuestionData",
    "Record", "Review", "Span", "SpanData",
]
