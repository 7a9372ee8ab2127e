"""Malformed and hostile project files: every one is refused with a message naming the file (and line
where there is one), the project stays byte-for-byte unchanged, and exports check their target first."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bert_desk.atomic import atomic_write
from bert_desk.project import Project, ProjectError
from bert_desk.project.exporters import export_project
from bert_desk.project.importers import import_file

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_IMPORTS = [
    ("answers.jsonl", '{"text": "x", "questions": [{"question": "q", "answers": [5]}]}\n', "answers.jsonl:1"),
    ("labels.jsonl", '{"text": "x", "spans": [7]}\n', "labels.jsonl:1"),
    ("squad.json", '{"data": [{"paragraphs": [{"context": "abc", "qas": [{"id": "1", "question": "q", '
                   '"answers": 7}]}]}]}', "squad.json"),
    ("surrogate.jsonl", '{"text": "a\\ud800b"}\n', "surrogate.jsonl:1"),
    ("surrogate_label.jsonl", '{"text": "ab", "label": "x\\udfff"}\n', "surrogate_label.jsonl:1"),
    ("deep.jsonl", '{"text": ' + "[" * 5000 + "]" * 5000 + "}\n", "deep.jsonl:1"),
    ("deep.json", '{"data": ' + "[" * 5000 + "]" * 5000 + "}", "deep.json"),
    ("digits.jsonl", '{"text": "x", "n": ' + "9" * 5000 + "}\n", "digits.jsonl:1"),
    ("latin1.json", b'{"data": [{"title": "caf\xe9"}]}', "latin1.json:1"),
    ("tasks.json", '[{"data": {"text": "x"}, "annotations": "oops"}]', "tasks.json"),
]


@pytest.mark.parametrize(("name", "content", "where"), HOSTILE_IMPORTS, ids=[c[0] for c in HOSTILE_IMPORTS])
def test_hostile_imports_are_refused_naming_the_file(tmp_path: Path, project: Project, name: str,
                                                     content: str | bytes, where: str) -> None:
    project.add_documents(["kept"])
    project.close()
    before = (tmp_path / "p.bdesk").read_bytes()
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with Project.open(tmp_path / "p.bdesk") as again:
        with pytest.raises(ProjectError) as info:
            import_file(again, path)
        assert str(info.value).startswith(str(tmp_path / where)), str(info.value)
        assert "\n" not in str(info.value)
        assert again.count() == 1
    assert (tmp_path / "p.bdesk").read_bytes() == before


def test_cli_import_of_hostile_files_is_one_line(tmp_path: Path) -> None:
    project = tmp_path / "p.bdesk"
    Project.create(project).close()
    for name, content, where in HOSTILE_IMPORTS:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        result = subprocess.run([sys.executable, "-m", "bert_desk", "project", "import", str(project), str(path)],
                                capture_output=True, text=True, cwd=ROOT, timeout=120,
                                env={**os.environ, "BERT_DESK_DATA_DIR": str(tmp_path / "data")})
        assert result.returncode == 2, (name, result.stderr)
        assert result.stderr.startswith(f"bert-desk: error: {tmp_path / where}"), (name, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, (name, result.stderr)


def test_export_checks_its_target_before_the_work(tmp_path: Path, project: Project) -> None:
    project.add_documents(["one", "two"])
    with pytest.raises(IsADirectoryError, match="is a folder"):
        export_project(project, "jsonl", tmp_path, statuses=None)
    with pytest.raises(FileNotFoundError, match="folder does not exist"):
        export_project(project, "jsonl", tmp_path / "missing" / "out.jsonl", statuses=None)
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.parent.glob(f".{tmp_path.name}.*.tmp"))


def test_a_killed_writers_temporary_file_is_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    stale = tmp_path / ".out.jsonl.abc123.tmp"
    fresh = tmp_path / ".out.jsonl.def456.tmp"  # maybe another writer, still at work
    stale.write_text("half an export", encoding="utf-8")
    fresh.write_text("being written", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    with atomic_write(target) as stream:
        stream.write(b"complete\n")
    assert target.read_text(encoding="utf-8") == "complete\n"
    assert not stale.exists() and fresh.exists()


def test_export_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "p.bdesk"
    with Project.create(path) as project:
        project.add_documents([f"document {i} " + "words " * 50 for i in range(3000)])
    command = (f"{sys.executable} -m bert_desk project export {path} --format jsonl --status unreviewed | head -1")
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=ROOT,
                            timeout=300, env={**os.environ, "BERT_DESK_DATA_DIR": str(tmp_path / "data")})
    assert result.stdout.startswith('{"text": "document 0')
    assert result.stderr == "" and result.returncode == 0


def test_valid_tables_are_read_as_written(tmp_path: Path, project: Project) -> None:
    long_text = "word " * 40_000  # 200,000 characters: over csv's default field limit
    big = tmp_path / "big.csv"
    big.write_text(f"text,label\n{long_text},positive\n", encoding="utf-8")
    sst = tmp_path / "sst.tsv"  # plain TSV: a sentence may start with a quote, nothing is quoted
    sst.write_text('sentence\tlabel\n" the movie " is good\t1\nplain "quotes" inside\t0\n', encoding="utf-8")
    import_file(project, big)
    import_file(project, sst)
    texts = [project.document(d).text for d in project.document_ids()]
    assert texts == [long_text, '" the movie " is good', 'plain "quotes" inside']
    quoted = tmp_path / "quoted.tsv"  # a TSV written by a CSV library: quoted because of a tab inside
    quoted.write_text('text\tlabel\n"a\tb"\tpos\n', encoding="utf-8")
    import_file(project, quoted)
    assert project.document(project.document_ids()[-1]).text == "a\tb"


def test_a_lossy_export_says_what_it_changed(tmp_path: Path, project: Project) -> None:
    from bert_desk.project.exporters import CARRIES, EXPORT_FORMATS

    project.add_documents(["Angela   Merkel visited Paris.", "one two", "tab\there"])
    report = export_project(project, "conll", tmp_path / "out.conll", statuses=None)
    assert report.documents == 3
    assert any("2 of 3 texts will read back with single spaces" in note for note in report.notes), report.notes
    assert not export_project(project, "jsonl", tmp_path / "out.jsonl", statuses=None).notes
    assert set(CARRIES) == set(EXPORT_FORMATS) and CARRIES["conll"].startswith("lossy")


def test_a_full_disk_at_commit_is_a_message_and_changes_nothing(tmp_path: Path, project: Project) -> None:
    import sqlite3

    project.add_documents(["kept"])
    conn = project.db.conn
    assert conn is not None

    class FullDisk:
        """The connection, except that COMMIT fails as SQLite does when the disk is full."""

        def __getattr__(self, name: str) -> object:
            return getattr(conn, name)

        def execute(self, sql: str, *args: object) -> object:
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return conn.execute(sql, *args)

    project.db.conn = FullDisk()  # type: ignore[assignment]
    try:
        with pytest.raises(ProjectError, match=r"could not be saved .*disk is full"):
            project.add_documents(["lost"])
    finally:
        project.db.conn = conn
    assert [project.document(d).text for d in project.document_ids()] == ["kept"]
    project.add_documents(["later"])  # the project keeps working
    assert project.count() == 2


def test_conll_named_txt_is_recognised_and_round_trips_line_for_line(tmp_path: Path, project: Project) -> None:
    from bert_desk.project.importers import detect_format

    source = tmp_path / "valid.txt"
    source.write_text("-DOCSTART- -X- -X- O\n\nCRICKET NNP B-NP O\n- : O O\nLEICESTERSHIRE NNP B-NP B-ORG\n\n"
                      "LONDON NNP B-NP B-LOC\n1996-08-30 CD I-NP O\n\n-DOCSTART- -X- -X- O\n\n"
                      "Phil NNP B-NP B-PER\nSimmons NNP I-NP I-PER\n\n", encoding="utf-8")
    assert detect_format(source) == "conll"
    plain = tmp_path / "notes.txt"
    plain.write_text("Angela Merkel visited Paris.\nA second line of text.\n", encoding="utf-8")
    assert detect_format(plain) == "lines"
    assert len(import_file(project, source)) == 3
    assert project.document(project.document_ids()[0]).text == "CRICKET - LEICESTERSHIRE"
    out = tmp_path / "back.txt"
    export_project(project, "conll", out, statuses=None)
    assert out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
