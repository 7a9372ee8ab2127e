"""Long texts in overlapping pieces, processed a group at a time, so memory follows the piece, not the text.

A text longer than `SEGMENT_CHARS` is cut into segments that share about `OVERLAP_CHARS` characters with
their neighbours (more than one model window), cut at whitespace where there is any nearby and never inside a
user-perceived character. The engine tokenizes and runs one group of segments (about `GROUP_CHARS`
characters, across texts) at a time and keeps only each window's small result, so a 1,000,000-character
document never holds all its windows' encodings at once. Texts up to `SEGMENT_CHARS` are one segment: for
them nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from bert_desk.engine.offsets import cluster_span

SEGMENT_CHARS = 50_000
OVERLAP_CHARS = 4_000
GROUP_CHARS = 200_000
_LOOK_BACK = 1_000  # how far back a cut looks for whitespace


@dataclass(frozen=True)
class Segment:
    """`texts[owner][start:end]`."""

    owner: int
    start: int
    end: int


def _cut(text: str, at: int, low: int) -> int:
    """A cut position in (low, at]: just after the last whitespace there (within `_LOOK_BACK`), else `at`
    moved back to a character boundary."""
    floor = max(low + 1, at - _LOOK_BACK)
    for p in range(at, floor - 1, -1):
        if text[p - 1].isspace():
            return p
    p = cluster_span(text, at, at)[0]
    return p if p > low else at


def segments(text: str, size: int | None = None, overlap: int | None = None) -> list[tuple[int, int]]:
    """(start, end) pieces covering `text` in order; neighbours overlap by about `overlap` characters
    (defaults: the module's `SEGMENT_CHARS` and `OVERLAP_CHARS`, read at each call)."""
    size = max(2, SEGMENT_CHARS if size is None else size)
    overlap = OVERLAP_CHARS if overlap is None else overlap
    if len(text) <= size:
        return [(0, len(text))]
    overlap = max(0, min(overlap, size // 2))
    pieces: list[tuple[int, int]] = []
    start = 0
    while start + size < len(text):
        end = _cut(text, start + size, start + size // 2)
        pieces.append((start, end))
        start = _cut(text, end - overlap, start) if overlap else end
    pieces.append((start, len(text)))
    return pieces


def grouped(texts: Sequence[str], group_chars: int | None = None) -> Iterator[list[Segment]]:
    """The segments of all `texts`, in input order, in groups of about `group_chars` characters (default
    `GROUP_CHARS`)."""
    group_chars = GROUP_CHARS if group_chars is None else group_chars
    group: list[Segment] = []
    size = 0
    for owner, text in enumerate(texts):
        for start, end in segments(text):
            if group and size + end - start > group_chars:
                yield group
                group, size = [], 0
            group.append(Segment(owner, start, end))
            size += end - start
    if group:
        yield group


@dataclass(frozen=True)
class Group:
    """Segments run together. `span`: the share of the whole job's progress they cover; `later`: for a text
    that goes on in later groups, where its next segment starts (no later window sees text before that)."""

    segments: list[Segment]
    span: tuple[float, float]
    later: dict[int, int]


def in_groups(texts: Sequence[str]) -> Iterator[Group]:
    """The groups of the segments of `texts` (`grouped`), each with its progress span and where its texts go on;
    when there are several groups, the freed heap goes back to the system after each (`release_memory`), and
    while a text cut in segments runs, large blocks are mapped (`small_mmap_threshold`)."""
    groups = list(grouped(texts))
    later: list[dict[int, int]] = [{} for _ in groups]
    first: dict[int, int] = {}  # text -> its first segment's start in the groups after the one at hand
    for index in range(len(groups) - 1, -1, -1):
        later[index] = {seg.owner: first[seg.owner] for seg in groups[index] if seg.owner in first}
        for seg in reversed(groups[index]):
            first[seg.owner] = seg.start
    total = sum(seg.end - seg.start for group in groups for seg in group)
    done = 0
    segmented = sum(map(len, groups)) > len({seg.owner for group in groups for seg in group})  # a text was cut
    with small_mmap_threshold(segmented):
        for group, goes_on in zip(groups, later, strict=True):
            size = sum(seg.end - seg.start for seg in group)
            yield Group(group, (done / total, (done + size) / total) if total else (0.0, 1.0), goes_on)
            done += size
            if len(groups) > 1:
                release_memory()


@cache
def _libc_function(name: str) -> Callable[..., int] | None:
    """A glibc function (`malloc_trim`, `mallopt`), or None where the C library has none (looked up once:
    `find_library` runs `ldconfig`)."""
    import ctypes
    import ctypes.util

    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name, None) if library else None
    except OSError:
        return None


_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
SMALL_MMAP_THRESHOLD = 128 * 1024
LARGE_MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's ceiling for its own sliding threshold on 64-bit


@contextmanager
def small_mmap_threshold(active: bool = True) -> Iterator[None]:
    """While a long text runs: blocks of 128 KiB and more come from `mmap` and go straight back to the
    system when freed, so the heap does not fragment over hundreds of windows of different sizes (a
    400,000-character QA run peaked at +228 MiB over the model without it, +40 with it). Afterwards the
    threshold is set high, as glibc's sliding one grows to during short-text work (which the small one
    slows by about 30 %)."""
    mallopt = _libc_function("mallopt") if active else None
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, SMALL_MMAP_THRESHOLD)
    try:
        yield
    finally:
        if mallopt is not None:
            mallopt(_M_MMAP_THRESHOLD, LARGE_MMAP_THRESHOLD)


def release_memory() -> None:
    """Give freed heap memory back to the system between groups of a long text (glibc's `malloc_trim`;
    elsewhere nothing): without it, a 400,000-character QA run kept 370 MiB it no longer used, with it 250."""
    import gc

    gc.collect()
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)
