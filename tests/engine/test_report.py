"""The shareable HTML report: hostile text stays text, colours and labels are there, one file, no script."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from bert_desk.engine import report
from bert_desk.engine.colors import ANSWER_HEX, attribution_hex, label_color, polarity_hex
from bert_desk.engine.explain import Explanation, TokenScore
from bert_desk.engine.types import Answer, Entity, NERResult, QAResult, SentenceScore, SentimentResult

HOSTILE = 'Tom <script>alert("x")</script> & \'Ann\' "Q" <img src=x onerror=alert(1)> 😀 東京'


class _Collect(HTMLParser):
    """Tags, attributes and text of a document, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(document: str) -> _Collect:
    parser = _Collect()
    parser.feed(document)
    return parser


def ner_result(text: str) -> NERResult:
    start = text.index("Tom")
    ann = text.index("'Ann'")
    return NERResult(text, (Entity(start, start + 3, "PER", 0.9, "Tom"), Entity(ann, ann + 5, 'ORG"><b>', 0.8,
                                                                              "'Ann'")))


def test_hostile_text_stays_text() -> None:
    text = HOSTILE
    document = report.page('Report <script>"', [report.ner_section(ner_result(text))])
    parsed = parse(document)
    assert not {"script", "img", "b"} & set(parsed.tags)
    assert not any(name.startswith("on") for name, _ in parsed.attrs)
    assert "<script>" not in document.replace("&lt;script&gt;", "")
    # what a reader sees is the text, unchanged, in one piece around the marks
    shown = "".join(parsed.text)
    assert 'alert("x")' in shown and "<img src=x onerror=alert(1)>" in shown and "😀 東京" in shown
    assert 'ORG"><b>' in shown  # a hostile label is shown, not obeyed
    assert "default-src 'none'" in document


def test_entities_have_their_colours_and_labels() -> None:
    document = report.page("t", [report.ner_section(ner_result(HOSTILE))])
    assert f"background:{label_color('PER')}" in document
    assert re.search(r"<mark [^>]*>Tom<span [^>]*>PER</span></mark>", document)
    assert "Entities: 2 found" in document


def test_sentiment_qa_and_attributions() -> None:
    text = "Good film. Bad ending."
    sentiment = SentimentResult(text, "POSITIVE", 0.7, {"POSITIVE": 0.7, "NEGATIVE": 0.3}, sentences=(
        SentenceScore(0, 10, "POSITIVE", 0.9, {"POSITIVE": 0.9, "NEGATIVE": 0.1}),
        SentenceScore(11, 22, "NEGATIVE", 0.8, {"POSITIVE": 0.2, "NEGATIVE": 0.8})))
    section = report.sentiment_section(sentiment)
    assert f"background:{polarity_hex(0.8)}" in section and f"background:{polarity_hex(-0.6)}" in section
    context = "Angela visited Paris <b>."
    qa = QAResult("Where?", (Answer(15, 20, "Paris", 0.8), Answer(0, 20, "Angela visited Paris", 0.1),
                             Answer(0, 6, "Angela", 0.05)))
    section = report.qa_section(qa, context)
    assert re.search(rf'<mark style="[^"]*background:{ANSWER_HEX}" [^>]*>Paris</mark>', section)
    assert re.search(r"<mark [^>]*>Angela</mark>", section)  # the best answer wins over a longer, overlapping one
    assert "&lt;b&gt;" in section
    exp = Explanation("sentiment", "ig", "POSITIVE", (TokenScore(0, 4, "Good", 0.5), TokenScore(5, 9, "film", -0.25)),
                      1.0, 0.25, 20, texts={"text": "Good film"})
    section = report.explanation_section(exp)
    assert f"background:{attribution_hex(0.5, 0.5)}" in section and f"background:{attribution_hex(-0.25, 0.5)}" in section
    assert 'title="+0.5"' in section and "integrated gradients, 20 steps" in section
    assert section.index("Good") < section.index("film")


def test_write_page(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    report.write_page(out, "x", [report.ner_section(ner_result(HOSTILE))])
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
