"""Input readers name the file and line of every problem."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bert_desk.inputs import InputError, read_records, read_texts, require_text


def test_plain_lines_and_jsonl_mix_skip_blank_lines() -> None:
    data = io.BytesIO('first text\n\n{"text": "second 😀"}\r\nthird\n'.encode())
    records = list(read_records(data, "in.txt"))
    assert [r.fields["text"] for r in records] == ["first text", "second 😀", "third"]
    assert [r.line for r in records] == [1, 3, 4]


def test_invalid_json_names_file_and_line() -> None:
    data = io.BytesIO(b'{"text": "ok"}\n{"text": \n')
    with pytest.raises(InputError, match=r"^in\.jsonl:2: invalid JSON"):
        list(read_records(data, "in.jsonl", jsonl=True))


def test_undecodable_bytes_name_file_and_line() -> None:
    data = io.BytesIO(b"fine\nbad \xff byte\n")
    with pytest.raises(InputError, match=r"^x\.txt:2: not valid UTF-8"):
        list(read_records(data, "x.txt"))


def test_missing_field_names_line() -> None:
    record = next(read_records(io.BytesIO(b'{"question": "q"}\n'), "q.jsonl", jsonl=True))
    with pytest.raises(InputError, match=r"q\.jsonl:1: missing field 'context'"):
        require_text(record, "context")


def test_batch_files_txt_csv_tsv_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\ntwo\n\nthree\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text('id,review\n1,"good, really"\n2,"multi\nline"\n', encoding="utf-8")
    (tmp_path / "a.tsv").write_text("review\tid\n東京 is big\t1\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    assert read_texts(tmp_path / "a.txt") == ["one", "two", "three"]
    assert read_texts(tmp_path / "a.csv", "review") == ["good, really", "multi\nline"]
    assert read_texts(tmp_path / "a.tsv", "review") == ["東京 is big"]
    assert read_texts(tmp_path / "a.jsonl") == ["a", "b"]


def test_csv_unknown_column_lists_columns(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,review\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no column 'text' \(columns: id, review\)"):
        read_texts(tmp_path / "a.csv", "text")


def test_jsonl_batch_without_text_field(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "a"}\n{"body": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.jsonl:2: missing field 'text'"):
        read_texts(tmp_path / "a.jsonl")
