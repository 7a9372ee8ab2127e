"""Readers: good input parses; malformed input names the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.inputs import InputError
from bert_desk.training.readers import (
    DataFormatError,
    read_conll,
    read_csv,
    read_glue_tsv,
    read_jsonl,
    read_text_examples,
    read_token_examples,
    read_wnut,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_glue_tsv_splits_on_tabs_without_quote_handling(tmp_path: Path) -> None:
    path = write(tmp_path, "t.tsv", 'sentence\tlabel\nit \'s " fine \t1\nbad movie \t0\n')
    examples = read_glue_tsv(path)
    assert [(e.text, e.label) for e in examples] == [('it \'s " fine', "1"), ("bad movie", "0")]


def test_glue_tsv_wrong_field_count_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.tsv", "sentence\tlabel\ngood\t1\nno label here\n")
    with pytest.raises(DataFormatError) as info:
        read_glue_tsv(path)
    assert str(info.value).startswith(f"{path}:3:")
    assert "\n" not in str(info.value)
    assert info.value.line == 3


def test_glue_tsv_missing_header(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r":1: header has no text column"):
        read_glue_tsv(write(tmp_path, "t.tsv", "good\t1\n"))


def test_csv_and_jsonl(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "d.csv", 'text,label\n"hello, world",pos\nbye,neg\n')
    assert [(e.text, e.label) for e in read_csv(csv_path)] == [("hello, world", "pos"), ("bye", "neg")]
    jl = write(tmp_path, "d.jsonl", '{"text": "a", "label": 1}\n\n{"text": "b", "label": "x"}\n')
    assert [(e.text, e.label) for e in read_text_examples(jl)] == [("a", "1"), ("b", "x")]


def test_csv_malformed_line(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "text,label\nfine,pos\ntoo,many,fields\n")
    with pytest.raises(DataFormatError, match=r"d\.csv:3: expected 2"):
        read_csv(path)


@pytest.mark.parametrize("line", ["{not json", '{"text": "a"}', "[1, 2]"])
def test_jsonl_malformed_line(tmp_path: Path, line: str) -> None:
    path = write(tmp_path, "d.jsonl", '{"text": "ok", "label": 0}\n' + line + "\n")
    with pytest.raises(InputError, match=r"d\.jsonl:2: "):  # DataFormatError or the shared reader's
        read_jsonl(path)


CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
"""


def test_conll_skips_docstart_and_splits_on_blank_lines(tmp_path: Path) -> None:
    examples = read_conll(write(tmp_path, "c.txt", CONLL))
    assert [e.tokens for e in examples] == [("EU", "rejects", "German"), ("Peter", "Blackburn")]
    assert examples[1].tags == ("B-PER", "I-PER")
    assert read_token_examples(tmp_path / "c.txt") == examples


def test_conll_bad_tag_and_short_line(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"c\.txt:4: tag 'PER' is not IOB2"):
        read_conll(write(tmp_path, "c.txt", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nX NNP B-NP PER\n"))
    with pytest.raises(DataFormatError, match=r"d\.txt:2: expected a token and a tag"):
        read_conll(write(tmp_path, "d.txt", "EU NNP B-NP B-ORG\nlonely\n"))


def test_wnut_tab_separated(tmp_path: Path) -> None:
    path = write(tmp_path, "w.conll", "@paul\tO\nNew\tB-location\nYork\tI-location\n\nhi\tO\n")
    examples = read_wnut(path)
    assert examples[0].tags == ("O", "B-location", "I-location")
    assert read_token_examples(path) == examples
    with pytest.raises(DataFormatError, match=r"x\.conll:2:"):
        read_wnut(write(tmp_path, "x.conll", "a\tO\nb c d\n"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="file not found"):
        read_text_examples(tmp_path / "nope.tsv")
