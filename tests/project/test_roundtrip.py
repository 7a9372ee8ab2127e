"""Round trips: import -> export -> import gives identical documents and annotations, per format,
with Unicode-heavy texts; plus a hypothesis property over random texts and spans."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bert_desk.project import AnswerData, Project, Record, SpanData
from bert_desk.project.exporters import export_project, write_records
from bert_desk.project.importers import import_file, read_file
from tests.project.conftest import UNICODE_TEXTS, find, snapshot

ENTITIES = {0: [("Angela Merkel", "PER"), ("😀", "EMO"), ("東京", "LOC")], 1: [("e\u0301cole", "ORG"),
            ("Zu\u0308rich", "LOC")], 2: [("مرحبا", "MISC"), ("שלום", "MISC"), ("Haifa", "LOC")],
            3: [("Paris", "LOC")], 4: [("Berlin", "LOC")]}
LABELS = ["positive", "negative", None, "neutral", "positive"]
STATUS = ["accepted", "rejected", "skipped", "unreviewed", "accepted"]


@pytest.fixture
def rich(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "rich.bdesk")
    ids = p.add_documents((text, {"source": "unit", "title": "T" if i < 3 else "U"})
                          for i, text in enumerate(UNICODE_TEXTS))
    for i, doc in enumerate(ids):
        text = UNICODE_TEXTS[i]
        p.set_spans(doc, [SpanData(*find(text, w), label) for w, label in ENTITIES[i]])
        if LABELS[i]:
            p.set_label(doc, LABELS[i])
        p.set_status(doc, "ner", STATUS[i])
        p.set_status(doc, "sentiment", STATUS[-1 - i])
        q = p.add_question(doc, f"Question {i} 東京?", qid=f"q{i}")
        first = find(text, ENTITIES[i][0][0])
        if i == 2:
            p.set_answer(q, None, None)
        elif i != 3:
            p.set_answers(q, [AnswerData(*first)] + ([AnswerData(*find(text, "東京"))] if i == 0 else []))
        p.set_spans(doc, [SpanData(0, 3, "MODEL", 0.5)], source="model", model="m")
    yield p
    p.close()


CARRIES = {
    "jsonl": {},
    "labelstudio": {"qa": False},
    "spacy": {"qa": False},
    "squad": {"ner": False, "sentiment": False, "status": False},
    "csv": {"ner": False, "qa": False, "status": ("sentiment",)},
    "tsv": {"ner": False, "qa": False, "status": ("sentiment",)},
    "conll": {"meta": False, "sentiment": False, "qa": False, "status": False},
}
SUFFIX = {"jsonl": ".jsonl", "labelstudio": ".json", "spacy": ".spacy", "squad": ".json", "csv": ".csv",
          "tsv": ".tsv", "conll": ".conll"}


@pytest.mark.parametrize("fmt", list(CARRIES))
def test_import_export_import_is_lossless(fmt: str, rich: Project, tmp_path: Path) -> None:
    carries = CARRIES[fmt]
    first_file = tmp_path / f"first{SUFFIX[fmt]}"
    export_project(rich, fmt, first_file)
    p1, p2 = Project.create(tmp_path / "p1.bdesk"), Project.create(tmp_path / "p2.bdesk")
    import_file(p1, first_file, fmt)
    second_file = tmp_path / f"second{SUFFIX[fmt]}"
    export_project(p1, fmt, second_file)
    import_file(p2, second_file, fmt)
    assert snapshot(p1, **carries) == snapshot(p2, **carries)
    third_file = tmp_path / f"third{SUFFIX[fmt]}"
    export_project(p2, fmt, third_file)
    assert third_file.read_bytes() == second_file.read_bytes()  # exports are stable
    if fmt != "conll":  # CoNLL re-joins tokens with single spaces, other formats keep texts exactly
        keep = {**carries, "meta": carries.get("meta", True) and fmt not in ("csv", "tsv", "squad")}
        assert snapshot(p1, **keep) == snapshot(rich, **keep)
    assert snapshot(p1, meta=False, ner=False, sentiment=False, qa=False, status=False)[0]["text"] \
        == (UNICODE_TEXTS[0] if fmt != "conll" else " ".join(UNICODE_TEXTS[0].split()))
    p1.close()
    p2.close()


def test_conll_roundtrip_of_conll_data(tmp_path: Path) -> None:
    src = tmp_path / "a.conll"
    src.write_text("-DOCSTART- -X- -X- O\n\n東京 B-LOC\nis O\n😀 B-EMO\ne\u0301 I-EMO\nמרחב B-LOC\n\n"
                   "-DOCSTART- -X- -X- O\n\nمرحبا B-MISC\nx O\n", encoding="utf-8")
    p1, p2 = Project.create(tmp_path / "1.bdesk"), Project.create(tmp_path / "2.bdesk")
    import_file(p1, src)
    out = tmp_path / "b.conll"
    export_project(p1, "conll", out)
    import_file(p2, out)
    assert snapshot(p1) == snapshot(p2)
    assert snapshot(p1)[0]["spans"] == [(0, 2, "LOC"), (6, 10, "EMO"), (11, 15, "LOC")]
    assert out.read_text(encoding="utf-8").count("-DOCSTART-") == 2


ALPHABET = st.sampled_from([*"ab Z \t\r\n.,😀東京e\u0301\u0308שלוםمرحبا-'\u200d\u00a0", "\r\n", "  "])


@st.composite
def records(draw: st.DrawFn) -> Record:
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=30)))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < b and draw(st.booleans()):
            spans.append(SpanData(a, b, draw(st.sampled_from(["PER", "LOC", "東"]))))
    label = draw(st.none() | st.sampled_from(["pos", "neg"]))
    status = draw(st.sampled_from(["unreviewed", "accepted", "rejected", "skipped"]))
    return Record(text=text, meta={"k": draw(st.text(max_size=5))}, spans=spans, label=label,
                  status={"ner": status})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=4))
def test_property_jsonl_spacy_labelstudio_roundtrip(recs: list[Record]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, suffix in (("jsonl", ".jsonl"), ("spacy", ".spacy"), ("labelstudio", ".json")):
            path = Path(tmp) / f"out{suffix}"
            buffer: io.BytesIO | io.StringIO = io.BytesIO() if fmt == "spacy" else io.StringIO()
            for i, r in enumerate(recs):
                r.doc_id = i + 1
            write_records(recs, fmt, buffer)
            data = buffer.getvalue()
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            back = read_file(path, fmt)
            assert [(r.text, r.meta, r.spans, r.label, r.status) for r in back] == \
                   [(r.text, r.meta, r.spans, r.label, r.status) for r in recs], fmt
