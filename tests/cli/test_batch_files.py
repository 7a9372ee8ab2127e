"""Batch file formats (plain Python): texts out, and errors that name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.inputs import (
    InputError,
    default_column,
    read_texts,
    table_columns,
    write_csv,
    write_jsonl,
)


def test_txt_one_text_per_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("first 😀\n\n  second  \r\nthird\n", encoding="utf-8")
    assert read_texts(path) == ["first 😀", "second", "third"]


def test_csv_and_tsv_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text('id,Text\n1,"hello, world"\n2,"multi\nline"\n', encoding="utf-8")
    header, rows = table_columns(csv_path)
    assert header == ["id", "Text"] and rows[0] == ["1", "hello, world"]
    assert default_column(header) == "Text"
    assert read_texts(csv_path) == ["hello, world", "multi\nline"]
    assert read_texts(csv_path, "id") == ["1", "2"]
    tsv_path = tmp_path / "a.tsv"
    tsv_path.write_text("title\tstars\ngood\t5\nbad\t1\n", encoding="utf-8")
    assert default_column(table_columns(tsv_path)[0]) is None  # no text-like name: the app asks
    assert read_texts(tsv_path, "title") == ["good", "bad"]
    with pytest.raises(InputError, match=r"a\.tsv:1: no column 'text'"):
        read_texts(tsv_path)
    assert default_column(["label", "Sentence"]) == "Sentence"  # GLUE's SST-2 header
    assert default_column(["review", "TEXT"]) == "TEXT"  # "text" is preferred over other names


def test_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"text": "ok"}\n\n{"text": "fine"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b\.jsonl:4: invalid JSON"):
        read_texts(path)
    short = tmp_path / "c.csv"
    short.write_text("id,text\n1,fine\n2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c\.csv:3: row has no 'text' value"):
        read_texts(short)
    binary = tmp_path / "d.txt"
    binary.write_bytes(b"fine\nbad \xff byte\n")
    with pytest.raises(InputError, match=r"d\.txt:2: not valid UTF-8"):
        read_texts(binary)


def test_writers(tmp_path: Path) -> None:
    rows = [{"text": 'a "quoted", text', "label": "POSITIVE", "score": 0.5, "scores": {"POSITIVE": 0.5}}]
    write_csv(tmp_path / "o.csv", rows)
    write_jsonl(tmp_path / "o.jsonl", rows)
    assert read_texts(tmp_path / "o.csv") == ['a "quoted", text']
    assert read_texts(tmp_path / "o.jsonl") == ['a "quoted", text']


def test_text_full_of_control_characters_is_refused_with_its_line(tmp_path: Path) -> None:
    """Issue 21: the CLI and batch files refuse noise (over 10 % control characters) rather than score it;
    a stray control character passes."""
    import subprocess
    import sys

    path = tmp_path / "noise.txt"
    path.write_text("fine text\n" + "\x01\x02\x03\x04x" * 20 + "\nbell \x07 once\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bert_desk", "sentiment", str(path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0
    assert f"{path}:2: not text: 80 control characters" in result.stderr
