"""The sentences around the one under review, from the same CoNLL article (`project.article`), shown
above and below it in a quiet line; hidden for documents that come from no article."""

from __future__ import annotations

from bert_desk.project import Document, Project
from bert_desk.project.article import article_context
from bert_desk.ui.widgets import name, plain_label

AROUND = 2  # sentences on each side


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ArticleContext:
    """Two labels, `review.article_before` and `review.article_after`, to put above and below the text."""

    def __init__(self) -> None:
        self.before = name(plain_label(), "review.article_before", "The sentences before this one in its article")
        self.after = name(plain_label(), "review.article_after", "The sentences after this one in its article")
        for label in (self.before, self.after):
            label.setWordWrap(True)
            label.setProperty("role", "notice")
            label.hide()

    def show_document(self, project: Project | None, doc: Document | None) -> None:
        article = article_context(project, doc.id, AROUND) if project is not None and doc is not None else None
        before = " ".join(_clip(t) for t in article.before) if article else ""
        after = " ".join(_clip(t) for t in article.after) if article else ""
        number = article.number + 1 if article else 0
        self.before.setText(f"Article {number}, before: … {before}" if before else "")
        self.after.setText(f"After: {after} …" if after else "")
        self.before.setVisible(bool(before))
        self.after.setVisible(bool(after))
