"""Fixtures and helpers for project tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bert_desk.project import Project

# Texts that stress offsets: astral emoji, ZWJ sequences, CJK, combining marks, RTL, tabs, CRLF.
UNICODE_TEXTS = (
    "Angela Merkel 😀 visited 東京 in May.",
    "e\u0301cole at Zu\u0308rich 👩\u200d👩\u200d👧 family",
    "مرحبا Cairo שלום Haifa",
    "tab\tseparated\tParis",
    "first line\r\nsecond line in Berlin",
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.create(tmp_path / "p.bdesk", user="tester")
    yield p
    p.close()


def find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def snapshot(project: Project, *, meta: bool = True, status: bool | tuple[str, ...] = True, ner: bool = True,
             sentiment: bool = True, qa: bool = True) -> list[dict[str, Any]]:
    """A comparable picture of a project's human layer (what a format can carry)."""
    out = []
    for rec in project.iter_records():
        item: dict[str, Any] = {"text": rec.text}
        if meta:
            item["meta"] = rec.meta
        if ner:
            item["spans"] = sorted((s.start, s.end, s.label) for s in rec.spans or [])
        if sentiment:
            item["label"] = rec.label
        if qa:
            item["questions"] = [(q.question, q.qid, sorted(q.answers, key=lambda a: (a.start is None, a.start or 0)))
                                 for q in rec.questions or []]
        if status:
            item["status"] = {t: s for t, s in rec.status.items()
                              if s != "unreviewed" and (status is True or t in status)}
        out.append(item)
    return out
