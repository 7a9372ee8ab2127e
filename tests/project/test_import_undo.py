"""Issue 21: imports recognise the file by its content, and an import can be undone (documents deleted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.project import Project
from bert_desk.project.import_log import import_ids, last_import, undo_last_import
from bert_desk.project.importers import detect_format, import_file

SQUAD = {"version": "v2.0", "data": [{"title": "T", "paragraphs": [
    {"context": "Tokyo is the capital.", "qas": [{"id": "q", "question": "What?", "answers": [
        {"text": "the capital", "answer_start": 9}]}]}]}]}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "p.bdesk")
    yield p
    p.close()


def test_content_tells_the_format_when_the_name_does_not(tmp_path: Path) -> None:
    files = {
        "records.txt": '{"text": "Paris is big", "spans": [[0, 5, "LOC"]]}\n{"text": "b"}\n',
        "table.txt": "id,sentence,label\n1,good film,1\n",
        "table.dat": "sentence\tlabel\ngood film\t1\n",
        "squad.txt": json.dumps(SQUAD, indent=2),
        "tasks": json.dumps([{"data": {"text": "x"}}]),
        "conll.txt": "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n",
        "plain.txt": "Just a sentence, with a comma.\nAnother one.\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    found = {name: detect_format(tmp_path / name) for name in files}
    assert found == {"records.txt": "jsonl", "table.txt": "csv", "table.dat": "tsv", "squad.txt": "squad",
                     "tasks": "labelstudio", "conll.txt": "conll", "plain.txt": "lines"}


def test_a_docbin_without_its_extension_is_recognised(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Angela Merkel visited Paris")
    doc.ents = [doc.char_span(22, 27, label="GPE")]
    path = tmp_path / "corpus.bin"
    path.write_bytes(DocBin(docs=[doc]).to_bytes())
    assert detect_format(path) == "spacy"


def test_delete_documents_cascades_and_renumbers(project: Project) -> None:
    ids = project.add_documents(["a", "b", "c", "d"])
    project.add_span(ids[1], 0, 1, "X")
    assert project.delete_documents([ids[1], ids[2], 999]) == 2
    assert project.document_ids() == [ids[0], ids[3]]
    assert [project.document(i).position for i in project.document_ids()] == [0, 1]
    assert project.count() == 2
    (new,) = project.add_documents(["e"])
    assert project.document(new).position == 2


def test_the_last_import_can_be_undone(tmp_path: Path, project: Project) -> None:
    project.add_documents(["kept"])
    first = tmp_path / "one.txt"
    first.write_text("x\ny\n", encoding="utf-8")
    second = tmp_path / "two.jsonl"
    second.write_text('{"text": "z", "spans": [[0, 1, "X"]]}\n', encoding="utf-8")
    import_file(project, first)
    ids = import_file(project, second)
    record = last_import(project)
    assert record is not None and import_ids(project, record) == ids and record.file == "two.jsonl"
    assert record.count == 1 and record.describe() == "1 document imported from two.jsonl"
    undone = undo_last_import(project)
    assert undone is not None and undone.count == 1
    assert [project.document(i).text for i in project.document_ids()] == ["kept", "x", "y"]
    assert last_import(project) is None and undo_last_import(project) is None  # only the last one


def test_cli_undo_import_and_delete_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bert_desk.cli.project import main

    proj = str(tmp_path / "c.bdesk")
    conll = tmp_path / "valid.txt"  # CoNLL-2003 names its files .txt: recognised by the content
    conll.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n"
                     "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n", encoding="utf-8")
    lines = tmp_path / "more.txt"
    lines.write_text("one\ntwo\nthree\n", encoding="utf-8")
    assert main(["create", proj]) == 0
    assert main(["import", proj, str(conll)]) == 0
    assert main(["import", proj, str(lines)]) == 0
    capsys.readouterr()
    assert main(["undo-import", proj]) == 0
    assert capsys.readouterr().out == "deleted 3 documents imported from more.txt (2 documents left)\n"
    assert main(["undo-import", proj]) == 2  # only the last import
    assert "no import to undo" in capsys.readouterr().err
    assert main(["delete-docs", proj, "--positions", "1"]) == 0
    assert capsys.readouterr().out == "deleted 1 document (1 left)\n"
    with Project.open(proj) as p:
        assert [p.document(i).text for i in p.document_ids()] == ["Peter Blackburn"]
        (left,) = p.document_ids()
    assert main(["delete-docs", proj, "--positions", "5"]) == 2
    assert "no document number 5" in capsys.readouterr().err
    assert main(["delete-docs", proj, "--ids", f"{left}"]) == 0
    with Project.open(proj) as p:
        assert p.count() == 0


def test_preview_reads_a_big_files_head_whole_records_only(tmp_path: Path) -> None:
    from bert_desk.project.importers.preview import describe, preview_file

    long = tmp_path / "long.jsonl"  # records longer than the first read
    long.write_text("".join(json.dumps({"text": f"{i} " + "word " * 20_000, "label": "POS"}) + "\n"
                            for i in range(8)), encoding="utf-8")
    preview = preview_file(long)
    assert preview.fmt == "jsonl" and not preview.complete and not preview.problem
    assert [r.text.split()[0] for r in preview.records] == ["0", "1", "2", "3", "4"]
    assert describe(preview.records[0]) == "POS"
    bad = tmp_path / "bad.txt"
    bad.write_text("".join(f'{{"text": "t{i}"}}\n' for i in range(5000)) + '{"text": 1}\n', encoding="utf-8")
    assert preview_file(bad).records and not preview_file(bad).problem  # the bad line is past the head
    early = tmp_path / "early.jsonl"
    early.write_text('{"text": "a"}\n{"text": 2}\n' + "".join(f'{{"text": "t{i}"}}\n' for i in range(5000)),
                     encoding="utf-8")
    assert preview_file(early).problem.startswith(f"{early}:2:")  # named by the real file, not the head's copy
