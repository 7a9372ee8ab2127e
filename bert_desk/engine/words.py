"""Word splitters: cut running text into the words a token classifier was trained on.

A BERT tokenizer's own "words" split at every punctuation mark, so a model trained on CoNLL-2003's
tokens (`U.S.`, `Jean-Luc`, `AL-AIN` whole) sees pieces it never saw alone and labels them apart
(`U.S` + `.`). A model says which splitter its training data used in its config
(`"bert_desk_word_splitter": "conll"`); the NER engine then runs the tokenizer on those words
(`is_split_into_words`) and maps every word back to its characters in the original text.

`conll`: whitespace-separated chunks, with leading and trailing punctuation split off as words of their
own, except the periods of abbreviations (`U.S.`, `B.`, `Inc.`, `Mr.`) and of ranks (`3.`); clitics are words
of their own (`Germany 's`, `do n't`, `I 'm`); hyphenated names, URLs, e-mail addresses, numbers and
ellipses stay whole.
"""

from __future__ import annotations

import re
import unicodedata

SPLITTERS = ("conll",)  # known styles; "" means the tokenizer's own words

_CHUNK = re.compile(r"\S+")
_LEADING = "\"'`([{<«“‘„"
_TRAILING = "\"'`)]}>»”’.,;:!?…"
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")  # U.S., B., A.B.C.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "ft", "jr", "sr", "inc", "corp", "co", "ltd", "plc", "bros",
    "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "maj", "adm", "rev", "hon", "pres", "vs", "etc",
    "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ave", "blvd",
}
_CLITIC = re.compile(r"(?i)(['’](?:s|m|d|ll|re|ve)|n['’]t)$")
_KEEP = re.compile(r"(?i)^(?:['’](?:s|m|d|ll|re|ve)|n['’]t|\d+\.|\.{2,}|…)$")  # 's, n't, ranks (3.), ellipses
_WHOLE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[^@\s]+@[^@\s]+\.[^@\s]+)$", re.IGNORECASE)


def split_words(text: str, style: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the words of `text` in the given style, in order."""
    if style != "conll":
        raise ValueError(f"unknown word splitter {style!r} (known: {', '.join(SPLITTERS)})")
    words: list[tuple[int, int]] = []
    for match in _CHUNK.finditer(text):
        words.extend(_conll_chunk(text, match.start(), match.end()))
    return words


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Sm", "Sc") and ch not in "+$%&#"


def _conll_chunk(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if _KEEP.match(text[start:end]):
        return [(start, end)]
    head: list[tuple[int, int]] = []
    tail: list[tuple[int, int]] = []
    while start < end and (text[start] in _LEADING or _is_symbol(text[start])):
        head.append((start, start + 1))
        start += 1
    while end > start:
        last = text[end - 1]
        if last == "." and (_INITIALS.match(text[start:end]) or text[start:end - 1].lower() in _ABBREVIATIONS):
            break  # the period belongs to the abbreviation
        if last not in _TRAILING and not _is_symbol(last):
            break
        tail.append((end - 1, end))
        end -= 1
    middle: list[tuple[int, int]] = []
    if start < end:
        clitic = _CLITIC.search(text[start:end]) if not _WHOLE.match(text[start:end]) else None
        if clitic and clitic.start() > 0:
            cut = start + clitic.start()
            middle = [(start, cut), (cut, end)]
        else:
            middle = [(start, end)]
    return head + middle + tail[::-1]
