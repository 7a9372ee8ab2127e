"""Benchmark a 20,000-document annotation project: build, open, list, move between documents.

Usage: python scripts/bench_project.py [--docs 20000] [--chars 800] [--keep PATH] [--export] [--import-file FILE]
Prints timings; not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bert_desk.project import Project, Record, SpanData

WORDS = ["Angela", "Merkel", "visited", "Paris", "and", "東京", "with", "Google", "engineers", "😀", "while", "the", "market", "in", "Berlin", "rose", "sharply", "on", "Monday", "école", "مرحبا", "שלום"]


def texts(n: int, chars: int, rng: random.Random) -> Iterator[Record]:
    for i in range(n):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(WORDS))
        text = f"Document {i}: " + " ".join(words)
        spans, offset = [], len(f"Document {i}: ")
        for w in words:
            if w in ("Paris", "Berlin", "東京") and rng.random() < 0.5:
                spans.append(SpanData(offset, offset + len(w), "LOC", 0.9))
            offset += len(w) + 1
        yield Record(text=text, meta={"n": i}, model_spans=spans, model="bench", model_version="1")


def timed(label: str, fn: Callable[[], Any], repeat: int = 1) -> Any:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    shown = f"{statistics.median(times) * 1000:9.2f} ms" + (f" (median of {repeat})" if repeat > 1 else "")
    print(f"{label:<44}{shown}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--chars", type=int, default=800, help="approximate characters per document")
    parser.add_argument("--keep", type=Path, help="write the project here instead of a temporary folder")
    parser.add_argument("--export", action="store_true", help="also time a JSONL export (spaCy tokenisation)")
    parser.add_argument("--import-file", type=Path, metavar="FILE",
                        help="also time importing FILE into a fresh project (e.g. SQuAD train: parse + store)")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "bench.bdesk"
    print(f"{args.docs} documents of ~{args.chars} characters -> {path}")

    records = list(texts(args.docs, args.chars, rng))
    project = Project.create(path, overwrite=True)
    ids = timed("import with ~5 proposals each (1 transaction)", lambda: project.import_records(records))
    with project.transaction():
        for doc in ids[: len(ids) // 4]:
            project.set_status(doc, "ner", rng.choice(["accepted", "rejected", "skipped"]))
    project.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    print(f"{'file size':<44}{size / 1e6:9.2f} MB")

    project = timed("open (incl. quick_check)", lambda: Project.open(path))
    project.close()
    project = timed("open (check=False)", lambda: Project.open(path, check=False))
    timed("count()", project.count, 5)
    timed("list_documents(limit=100) first page", lambda: project.list_documents(limit=100), 5)
    timed("list_documents(offset=19000, limit=100)", lambda: project.list_documents(offset=len(ids) - 1000), 5)
    timed("list unreviewed ner, first page", lambda: project.list_documents(task="ner", status="unreviewed"), 5)
    timed("count(task=ner, status=accepted)", lambda: project.count(task="ner", status="accepted"), 5)
    timed("list label=LOC (effective layer)", lambda: project.list_documents(label="LOC"), 5)
    timed("search 'document 1999' (full scan)", lambda: project.count(search="document 1999:"), 3)

    def open_doc() -> None:
        doc = rng.choice(ids)
        project.document(doc)
        project.spans(doc)
        project.label(doc)
        project.questions(doc)
        project.review(doc, "ner")

    timed("move to a random document (text+spans+...)", open_doc, 200)
    here = ids[len(ids) // 2]
    timed("neighbor(next unreviewed ner)", lambda: project.neighbor(here, task="ner", status="unreviewed"), 200)
    timed("index_of(doc) in filtered list", lambda: project.index_of(here, task="ner", status="unreviewed"), 20)
    fresh_docs = iter(rng.sample(ids, min(20, len(ids))))  # one span per document: spans may not overlap
    timed("add_span (one committed edit, fsync)", lambda: project.add_span(next(fresh_docs), 0, 8, "MISC"),
          min(20, len(ids)))
    timed("stats()", project.stats, 3)
    if args.export:
        from bert_desk.project.exporters import export_project

        out = path.with_suffix(".jsonl")
        timed("export jsonl (all documents)", lambda: export_project(project, "jsonl", out))
    project.close()
    if args.import_file:
        from bert_desk.project.importers import import_file, read_file

        records = timed(f"parse {args.import_file.name}", lambda: read_file(args.import_file))
        print(f"{'  documents / questions':<44}{len(records):9,} / {sum(len(r.questions) for r in records):,}")
        fresh = Project.create(path.with_name("imported.bdesk"), overwrite=True)
        timed(f"import {args.import_file.name} (parse + store)", lambda: import_file(fresh, args.import_file))
        fresh.close()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
