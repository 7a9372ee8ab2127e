"""Importers: every format, the common annotation shapes, and malformed files (file and line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.project import Project, ProjectImportError
from bert_desk.project.importers import detect_format, import_file, read_file


def write(path: Path, content: str) -> Path:
    path.write_bytes(content.encode("utf-8"))
    return path


def line_with(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def spans(project: Project, doc: int) -> list[tuple[str, str]]:
    text = project.document(doc).text
    return [(text[s.start:s.end], s.label) for s in project.spans(doc)]


def test_text_and_lines(tmp_path: Path, project: Project) -> None:
    f = write(tmp_path / "a.txt", "first 😀\r\n\n  \nsecond\u2028same doc\n")
    ids = import_file(project, f)  # .txt -> one document per line
    assert [project.document(i).text for i in ids] == ["first 😀", "second\u2028same doc"]
    (whole,) = import_file(project, f, "text")
    assert project.document(whole).text == "first 😀\r\n\n  \nsecond\u2028same doc\n"


def test_csv_and_tsv(tmp_path: Path, project: Project) -> None:
    f = write(tmp_path / "a.csv", 'id,body,label,status\n1,"multi\r\nline, ""quoted""",positive,accepted\n2,,x,\n3,plain,,\n')
    ids = import_file(project, f, column="body")
    assert len(ids) == 2  # the empty text is skipped
    assert project.document(ids[0]).text == 'multi\r\nline, "quoted"'
    assert project.document(ids[0]).meta == {"id": "1"}
    assert project.label(ids[0]).label == "positive"
    assert project.review(ids[0], "sentiment").status == "accepted"
    assert project.label(ids[1]) is None
    t = write(tmp_path / "a.tsv", "text\tsentiment\nhola\tpos\n")
    (doc,) = import_file(project, t, label_column="sentiment")
    assert project.label(doc).label == "pos"
    glue = write(tmp_path / "sst2.tsv", "sentence\tlabel\na moving , beautifully acted film \t1\n")
    (doc,) = import_file(project, glue)  # GLUE's header: the text column is found without --column
    assert project.document(doc).text == "a moving , beautifully acted film " and project.label(doc).label == "1"


@pytest.mark.parametrize(("content", "line", "message"), [
    ("words,label\nx,y\n", 1, "no text column .* choose the text column"),
    ("text,label\nok,y\nbad,y,extra\n", 3, "3 fields"),
    ('text,label\n"a\nb",pos\n"unterminated,pos\n', 4, "malformed"),
    ("text,status\nok,great\n", 2, "unknown review status"),
])
def test_csv_errors_name_file_and_line(tmp_path: Path, project: Project, content: str, line: int,
                                       message: str) -> None:
    f = write(tmp_path / "bad.csv", content)
    with pytest.raises(ProjectImportError, match=message) as info:
        import_file(project, f)
    assert info.value.file == str(f) and info.value.line == line
    assert str(info.value).startswith(f"{f}:{line}: ")
    assert project.count() == 0


def test_jsonl_shapes(tmp_path: Path, project: Project) -> None:
    lines = [
        {"text": "Angela Merkel visited 東京", "spans": [{"start": 0, "end": 13, "label": "PER", "token_start": 0,
                                                       "token_end": 1}], "answer": "accept", "meta": {"k": 1}},
        {"text": "Zu\u0308rich 😀 Paris", "label": [[0, 7, "LOC"], [10, 15, "LOC"]], "id": 9},
        {"text": "doccano new", "entities": [{"start_offset": 0, "end_offset": 7, "label": "ORG"}]},
        {"text": "great film", "label": "positive", "answer": "reject"},
        {"text": "choice", "accept": ["negative"], "answer": "ignore", "_input_hash": 1},
        {"text": "cats", "cats": {"POS": 0.9, "NEG": 0.1}},
        {"text": "plain"},
    ]
    f = write(tmp_path / "a.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n")
    ids = import_file(project, f)
    assert spans(project, ids[0]) == [("Angela Merkel", "PER")]
    assert project.review(ids[0], "ner").status == "accepted"
    assert project.document(ids[0]).meta == {"k": 1}
    assert spans(project, ids[1]) == [("Zu\u0308rich", "LOC"), ("Paris", "LOC")]
    assert project.document(ids[1]).meta == {"id": 9}
    assert spans(project, ids[2]) == [("doccano", "ORG")]
    assert project.label(ids[3]).label == "positive"
    assert project.review(ids[3], "sentiment").status == "rejected"
    assert project.label(ids[4]).label == "negative" and project.review(ids[4], "sentiment").status == "skipped"
    assert project.document(ids[4]).meta == {}  # underscore keys are not meta
    assert project.label(ids[5]).label == "POS"
    assert not project.has_human_layer(ids[6], "ner")


@pytest.mark.parametrize(("content", "line", "message"), [
    ('{"text": "ok"}\n{"text": "x", \n', 2, "invalid JSON"),
    ('{"text": "ok"}\n\n["list"]\n', 3, "expected a JSON object"),
    ('{"text": "ok"}\n{"txt": "x"}\n', 2, "no 'text' string"),
    ('{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "X"}]}\n', 1, "outside the text"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "X"}, {"start": 1, "end": 3, "label": "Y"}]}\n',
     1, "overlaps"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "X", "text": "bc"}]}\n', 1, "'ab' in the text"),
    ('{"text": "abc", "review": {"ner": "done"}}\n', 1, "unknown review status"),
])
def test_jsonl_errors_name_file_and_line(tmp_path: Path, project: Project, content: str, line: int,
                                         message: str) -> None:
    f = write(tmp_path / "bad.jsonl", content)
    with pytest.raises(ProjectImportError, match=message) as info:
        import_file(project, f)
    assert info.value.line == line and str(f) in str(info.value)
    assert project.count() == 0  # all of the file or nothing


def test_invalid_utf8_names_line(tmp_path: Path, project: Project) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"ok\nstill ok\nbad \xff byte\n")
    with pytest.raises(ProjectImportError, match="UTF-8") as info:
        import_file(project, f)
    assert info.value.line == 3


CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER
Ba\u0308r X X I-PER
😀 X X O

-DOCSTART- -X- -X- O

東京\tB-LOC
大阪\tB-LOC
e\u0301 S-MISC
"""


def test_conll(tmp_path: Path, project: Project) -> None:
    ids = import_file(project, write(tmp_path / "a.conll", CONLL))
    docs = [project.document(i) for i in ids]
    assert [d.text for d in docs] == ["EU rejects German call .", "Peter Blackburn Ba\u0308r 😀", "東京 大阪 e\u0301"]
    assert [d.meta["conll_doc"] for d in docs] == [0, 0, 1]
    assert docs[0].meta["conll_columns"][:2] == [["NNP", "B-NP"], ["VBZ", "B-VP"]]  # kept for a line-for-line export
    assert spans(project, ids[0]) == [("EU", "ORG"), ("German", "MISC")]
    assert spans(project, ids[1]) == [("Peter Blackburn Ba\u0308r", "PER")]  # IOB1
    assert spans(project, ids[2]) == [("東京", "LOC"), ("大阪", "LOC"), ("e\u0301", "MISC")]


@pytest.mark.parametrize(("content", "line", "message"), [
    ("EU B-ORG\nrejects\n", 2, "expected 'token ... TAG'"),
    ("EU B-ORG\n\nx NNP Q-PER\n", 3, "bad entity tag"),
])
def test_conll_errors(tmp_path: Path, project: Project, content: str, line: int, message: str) -> None:
    with pytest.raises(ProjectImportError, match=message) as info:
        import_file(project, write(tmp_path / "bad.conll", content))
    assert info.value.line == line


SQUAD = {"version": "v2.0", "data": [{"title": "Tokyo", "paragraphs": [
    {"context": "東京 is the capital 😀 of Japan.\r\nIt is big.", "qas": [
        {"id": "q1", "question": "What is 東京?", "answers": [{"text": "the capital", "answer_start": 6},
                                                           {"text": "capital", "answer_start": 10}]},
        {"id": "q2", "question": "Who won?", "answers": [], "is_impossible": True,
         "plausible_answers": [{"text": "Japan", "answer_start": 23}]},
        {"id": "q3", "question": "Unanswered?", "answers": []}]},
]}]}


def test_squad(tmp_path: Path, project: Project) -> None:
    f = write(tmp_path / "s.json", json.dumps(SQUAD, ensure_ascii=False, indent=2))
    assert detect_format(f) == "squad"
    (doc,) = import_file(project, f)
    assert project.document(doc).meta == {"title": "Tokyo"}
    q1, q2, q3 = project.questions(doc)
    text = project.document(doc).text
    assert [text[a.start:a.end] for a in q1.human] == ["the capital", "capital"] and q1.qid == "q1"
    assert q2.human[0].no_answer and q3.human == ()


def test_squad_errors(tmp_path: Path, project: Project) -> None:
    bad = json.loads(json.dumps(SQUAD))
    bad["data"][0]["paragraphs"][0]["qas"][0]["answers"][0]["answer_start"] = 7
    f = write(tmp_path / "s.json", json.dumps(bad, ensure_ascii=False, indent=2))
    with pytest.raises(ProjectImportError, match="is not at 7") as info:
        import_file(project, f)
    assert info.value.line == line_with(f, '"id": "q1"')
    f2 = write(tmp_path / "t.json", '{"data": [\n  {"paragraphs": [\n  }\n]}')
    with pytest.raises(ProjectImportError, match="invalid JSON") as info:
        import_file(project, f2, "squad")
    assert info.value.line == 3


@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_squad_paragraphs_keep_their_lines(tmp_path: Path, ensure_ascii: bool) -> None:
    """Every paragraph record knows the line of its context (one forward pass, also for repeated texts)."""
    from bert_desk.project.importers import read_file

    contexts = ["東京 is big 😀.", "Paris is a city.", "東京 is big 😀.", "Rome."]
    data = {"data": [{"title": f"A{a}", "paragraphs": [{"qas": [{"id": f"q{a}{p}", "question": "Where?",
                                                                 "answers": [{"text": c[:4], "answer_start": 0}]}],
                                                        "context": c} for p, c in enumerate(contexts)]}
                     for a in range(3)]}
    f = write(tmp_path / "s.json", json.dumps(data, ensure_ascii=ensure_ascii, indent=2))
    lines = f.read_text(encoding="utf-8").splitlines()
    context_lines = [n for n, line in enumerate(lines, 1) if line.lstrip().startswith('"context"')]
    records = read_file(f, "squad")
    assert [r.line for r in records] == context_lines and len(records) == 12
    assert [r.text for r in records] == contexts * 3


LABEL_STUDIO = [
    {"id": 11, "data": {"text": "Angela Merkel 😀 visited Paris", "source": "news"},
     "annotations": [{"was_cancelled": True, "result": []},
                     {"result": [{"type": "labels", "from_name": "label", "to_name": "text",
                                  "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PER"]}},
                                 {"type": "labels", "value": {"start": 24, "end": 29, "text": "Paris",
                                                              "labels": ["LOC"]}},
                                 {"type": "choices", "value": {"choices": ["neutral"]}}]}],
     "predictions": [{"model_version": "v7", "result": [
         {"type": "labels", "score": 0.8, "value": {"start": 24, "end": 29, "labels": ["GPE"]}}]}]},
    {"id": 12, "data": {"text": "😀😀 Berlin"}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 5, "end": 11, "text": "Berlin", "labels": ["LOC"]}}]}]},
    {"id": 13, "data": {"text": "cancelled"}, "annotations": [{"was_cancelled": True, "result": []}]},
]


def test_labelstudio(tmp_path: Path, project: Project) -> None:
    f = write(tmp_path / "ls.json", json.dumps(LABEL_STUDIO, ensure_ascii=False, indent=1))
    assert detect_format(f) == "labelstudio"
    a, b, c = import_file(project, f)
    assert spans(project, a) == [("Angela Merkel", "PER"), ("Paris", "LOC")]
    assert project.label(a).label == "neutral" and project.document(a).meta == {"source": "news"}
    model = project.spans(a, source="model")
    assert [(m.label, m.prov.model_version, m.prov.score) for m in model] == [("GPE", "v7", 0.8)]
    assert spans(project, b) == [("Berlin", "LOC")]  # UTF-16 offsets (old exports) are converted
    assert project.review(c, "ner").status == "skipped"


def test_labelstudio_errors(tmp_path: Path, project: Project) -> None:
    bad = json.loads(json.dumps(LABEL_STUDIO))
    bad[1]["annotations"][0]["result"][0]["value"]["text"] = "Munich"
    f = write(tmp_path / "ls.json", json.dumps(bad, ensure_ascii=False, indent=1))
    with pytest.raises(ProjectImportError, match="task 1 \\(id 12\\)") as info:
        import_file(project, f)
    assert info.value.line == line_with(f, '"id": 12')
    assert project.count() == 0


def test_format_detection_and_unknowns(tmp_path: Path) -> None:
    assert detect_format("x.tsv") == "tsv" and detect_format("x.conll") == "conll"
    with pytest.raises(ProjectImportError, match="cannot tell the format"):
        detect_format(tmp_path / "x.xyz")
    with pytest.raises(ProjectImportError, match="no such file"):
        read_file(tmp_path / "missing.jsonl")


def test_relabel_renames_both_layers_and_keeps_the_rest() -> None:
    from bert_desk.project.importers import relabel
    from bert_desk.project.types import Record, SpanData

    record = Record(text="Angela in Paris", spans=[SpanData(0, 6, "PER"), SpanData(10, 15, "GPE")], label="1",
                    model_spans=[SpanData(10, 15, "GPE", 0.9)], model_label="0")
    (renamed,) = relabel([record], {"GPE": "LOC", "0": "NEGATIVE", "1": "POSITIVE"})
    assert [s.label for s in renamed.spans or []] == ["PER", "LOC"] and renamed.label == "POSITIVE"
    assert renamed.model_spans == [SpanData(10, 15, "LOC", 0.9)] and renamed.model_label == "NEGATIVE"
    assert record.spans == [SpanData(0, 6, "PER"), SpanData(10, 15, "GPE")]  # the parsed record is not changed
    assert relabel([Record(text="x")], {"0": "NEGATIVE"})[0] == Record(text="x")


def test_json_format_told_from_the_top_level_data_value(tmp_path: Path) -> None:
    """A single Label Studio task is an object too: its top-level "data" is an object, SQuAD's a list.
    A "data" key nested deeper (here in a prediction's meta) or inside a string does not count."""
    task = {"id": 1, "predictions": [{"meta": {"data": [1, 2]}, "result": []}], "note": '"data": [',
            "data": {"text": "Berlin"}}
    f = write(tmp_path / "task.json", json.dumps(task))
    assert detect_format(f) == "labelstudio"
    squad = {"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": "C", "qas": []}]}]}
    g = write(tmp_path / "squad.json", json.dumps(squad) + "\n" + " " * 10_000)
    assert detect_format(g) == "squad"
    truncated = write(tmp_path / "cut.json", json.dumps(task)[:-5])  # decided from its start, then
    assert detect_format(truncated) == "labelstudio"  # the reader reports the syntax error with its line
    with pytest.raises(ProjectImportError, match="invalid JSON"):
        read_file(truncated)
