"""The CoNLL word splitter: running text cut into the words a CoNLL-trained model saw, offsets exact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bert_desk.engine import loading, ner
from bert_desk.engine.types import ModelLoadError
from bert_desk.engine.words import split_words


def words(text: str) -> list[str]:
    return [text[a:b] for a, b in split_words(text, "conll")]


@pytest.mark.parametrize(("text", "expected"), [
    ("U.S. troops left.", ["U.S.", "troops", "left", "."]),
    ("Jean-Luc Brassard won.", ["Jean-Luc", "Brassard", "won", "."]),
    ("B. Young scored", ["B.", "Young", "scored"]),
    ("AL-AIN beat Nihad al-Boushi's team", ["AL-AIN", "beat", "Nihad", "al-Boushi", "'s", "team"]),
    ("SKIING-WORLD CUP", ["SKIING-WORLD", "CUP"]),
    ("Germany's (big) win, said \"no\".", ["Germany", "'s", "(", "big", ")", "win", ",", "said", '"', "no", '"', "."]),
    ("see https://example.com/a?b=1. or mail a.b@example.org!",
     ["see", "https://example.com/a?b=1", ".", "or", "mail", "a.b@example.org", "!"]),
    ("Merkel👍 met Mr. Smith of Acme Inc. in 1996-08-30", ["Merkel", "👍", "met", "Mr.", "Smith", "of", "Acme", "Inc.",
                                                        "in", "1996-08-30"]),
    ("don't stop", ["do", "n't", "stop"]),
    ("Germany 's 3. place ... I'm fine", ["Germany", "'s", "3.", "place", "...", "I", "'m", "fine"]),
    ("", []),
])
def test_conll_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("aB.,'\"()- \t\n😀é\u0301sn't@:/1")), max_size=40))
def test_words_are_exact_ordered_and_cover_every_visible_character(text: str) -> None:
    spans = split_words(text, "conll")
    covered = set()
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text) and not text[start:end].isspace()
        covered.update(range(start, end))
        previous = end
    assert covered == {i for i, ch in enumerate(text) if not ch.isspace()}


def test_unknown_splitter_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown word splitter"):
        split_words("x", "penn")


def _with_splitter(source: Path, dest: Path, splitter: str) -> Path:
    shutil.copytree(source, dest)
    config = json.loads((dest / "config.json").read_text(encoding="utf-8"))
    config["bert_desk_word_splitter"] = splitter
    (dest / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return dest


def test_a_model_that_names_its_splitter_labels_those_words(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = _with_splitter(tiny_models["ner"], tmp_path / "conll-ner", "conll")
    model = loading.load_model(str(folder), "ner", device="cpu")
    assert model.info.word_splitter == "conll"
    text = "John Smith of the U.S. visited Jean-Luc in Paris, 😀 France's capital."
    whole = set(split_words(text, "conll"))
    starts, ends = {a for a, _ in whole}, {b for _, b in whole}
    for entity in ner.extract(model, text).entities:
        assert text[entity.start:entity.end] == entity.text
        assert entity.start in starts and entity.end in ends, entity  # never part of a word
    plain = loading.load_model(str(tiny_models["ner"]), "ner", device="cpu")
    assert plain.info.word_splitter == ""


def test_an_unknown_splitter_in_a_config_is_refused(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = _with_splitter(tiny_models["ner"], tmp_path / "odd", "penn")
    with pytest.raises(ModelLoadError, match="word splitter 'penn'"):
        loading.load_model(str(folder), "ner", device="cpu")
