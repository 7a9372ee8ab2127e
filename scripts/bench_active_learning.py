"""Active learning on WNUT-17: does asking the reviewer about the least sure documents first beat random order?

A simulated reviewer accepts the gold entities of `wnut17train.conll` documents, in batches; after each batch
a model version is trained from the accepted documents (`bert_desk.training.project_train`, the code behind
`bert-desk project train`, from the MiniLM encoder with a new head for WNUT's six types, which the bundled
CoNLL model does not have), the pool is pre-annotated with it (storing each document's confidence), and the
next batch is either the least sure unreviewed documents (`order="confidence"`) or a seeded random sample.
Entity F1 (exact character spans) is measured on `emerging.dev.conll`. Same seeds and settings for both orders.

`--task sentiment` runs the same loop on SST-2 (`sst2/train.tsv`): the pool is whole sentences (8 words or
more) and the score is accuracy on 1,000 held-back sentences (`training.data.holdout_split`: no training
phrase overlaps them); the model starts from MiniLM with a new two-label head.

    .venv/bin/python scripts/bench_active_learning.py --pool 600 --batch 50 --rounds 3 --dev 300
    .venv/bin/python scripts/bench_active_learning.py --task sentiment --pool 5000 --batch 100 --rounds 4

Prints one JSON line per round and a Markdown table; `--plot FILE.png` draws the curves (matplotlib).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from bert_desk.project import Project
from bert_desk.project.importers import read_file
from bert_desk.project.preannotate import preannotate
from bert_desk.training.project_data import Gold
from bert_desk.training.project_scores import score_model
from bert_desk.training.project_train import TrainSettings, prepare_run, record_run, train_run

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DATA = SHARED / "wnut17"


def run_order(order: str, args: argparse.Namespace, records: list[Any], dev: list[Gold], labels: list[str],
              workdir: Path) -> list[dict[str, Any]]:
    folder = workdir / order
    folder.mkdir()
    project = Project.create(folder / "p.bdesk")
    ids = project.import_records(records)  # gold entities as human layers, all unreviewed
    rng = random.Random(args.seed)
    rows: list[dict[str, Any]] = []
    batch = rng.sample(ids, args.batch)  # the first batch: no model yet, the same random documents for both
    for round_ in range(1, args.rounds + 1):
        with project.transaction():
            for doc_id in batch:
                project.set_status(doc_id, args.task, "accepted")
        settings = TrainSettings(args.task, base="minilm", epochs=args.epochs, min_steps=args.min_steps, lr=args.lr,
                                 holdout=0.1,
                                 seed=args.seed, threads=args.threads, device="cpu")
        cpu = time.process_time()
        version = train_run(prepare_run(project, settings), emit=lambda e: None)
        cpu = time.process_time() - cpu
        record_run(project, version)
        model = str(project.versions.folder(version.name))
        scores = score_model(model, args.task, dev, labels, device="cpu")
        row = {"order": order, "round": round_, "documents": project.count(task=args.task, status="accepted"),
               "dev_f1": scores["micro"]["f1"], "dev_precision": scores["micro"]["precision"],
               "dev_recall": scores["micro"]["recall"], "train_wall_s": version.train_seconds,
               "train_cpu_s": round(cpu, 1)}
        print(json.dumps(row), flush=True)
        rows.append(row)
        if round_ == args.rounds:
            break
        unreviewed = project.document_ids(task=args.task, status="unreviewed")
        if order == "uncertainty":
            preannotate(project, args.task, model, doc_ids=unreviewed, device="cpu")
            batch = project.document_ids(task=args.task, status="unreviewed", order="confidence")[: args.batch]
        else:
            batch = rng.sample(unreviewed, args.batch)
    project.close()
    return rows


def plot(rows: list[dict[str, Any]], orders: list[str], path: str, title: str) -> None:
    """F1 per reviewed documents, one line per order, drawn with Qt (no plotting library needed)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (fonts need an application)
    width, height, left, bottom, top, right = 640, 400, 60, 50, 30, 20
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    xs = [r["documents"] for r in rows]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y1 = max(0.05, max(r["dev_f1"] for r in rows) * 1.15)

    def at(x: float, y: float) -> QPointF:
        return QPointF(left + (x - x0) / (x1 - x0) * (width - left - right),
                       height - bottom - y / y1 * (height - top - bottom))

    painter.setPen(QPen(QColor("#444"), 1))
    painter.drawLine(at(x0, 0), at(x1, 0))
    painter.drawLine(at(x0, 0), at(x0, y1))
    for x in sorted(set(xs)):
        painter.drawText(QRectF(at(x, 0).x() - 30, height - bottom + 4, 60, 16), Qt.AlignmentFlag.AlignCenter, str(x))
    for i in range(5):
        y = y1 * i / 4
        painter.drawText(QRectF(4, at(x0, y).y() - 8, left - 10, 16), Qt.AlignmentFlag.AlignRight, f"{y:.2f}")
    painter.drawText(QRectF(0, height - 22, width, 18), Qt.AlignmentFlag.AlignCenter, "reviewed documents")
    painter.drawText(QRectF(0, 4, width, 18), Qt.AlignmentFlag.AlignCenter, title)
    colours = ["#1a73e8", "#e8710a", "#188038", "#c5221f"]
    for n, order in enumerate(orders):
        pen = QPen(QColor(colours[n % len(colours)]), 2)
        painter.setPen(pen)
        points = [at(r["documents"], r["dev_f1"]) for r in rows if r["order"] == order]
        for a, b in pairwise(points):
            painter.drawLine(a, b)
        for p in points:
            painter.drawEllipse(p, 3, 3)
        painter.drawText(QRectF(left + 10, top + 4 + 18 * n, 200, 16), Qt.AlignmentFlag.AlignLeft, order)
    painter.end()
    image.save(path)


def ner_data(args: argparse.Namespace) -> tuple[list[Any], list[Gold], list[str]]:
    """WNUT-17: the pool (training tweets with their gold entities), the dev documents and the entity types."""
    records = read_file(DATA / "wnut17train.conll", "conll")[: args.pool]
    dev_records = read_file(DATA / "emerging.dev.conll", "conll")[: args.dev]
    dev = [Gold(i, r.text, spans=tuple((s.start, s.end, s.label) for s in r.spans or ()))
           for i, r in enumerate(dev_records)]
    return records, dev, sorted({s.label for r in records for s in r.spans or ()})


def sentiment_data(args: argparse.Namespace) -> tuple[list[Any], list[Gold], list[str]]:
    """SST-2: the pool (whole training sentences with their labels), 1,000 held-back sentences, the labels."""
    from bert_desk.project.types import Record
    from bert_desk.training.data import holdout_split
    from bert_desk.training.readers import read_glue_tsv

    train, held, _ = holdout_split(read_glue_tsv(SHARED / "sst2" / "train.tsv"), size=1000, seed=args.seed)
    sentences = [e for e in train if len(e.text.split()) >= 8]
    random.Random(args.seed).shuffle(sentences)
    records = [Record(text=e.text, label=e.label) for e in sentences[: args.pool]]
    dev = [Gold(i, e.text, label=e.label) for i, e in enumerate(held[: args.dev])]
    return records, dev, sorted({e.label for e in held})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="ner", choices=("ner", "sentiment"))
    parser.add_argument("--pool", type=int, default=600, help="first N training sentences are the pool")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dev", type=int, default=300, help="first N sentences of emerging.dev.conll")
    parser.add_argument("--epochs", type=float, default=6.0)
    parser.add_argument("--min-steps", type=int, default=150, help="as `project train --min-steps`")
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--orders", default="uncertainty,random")
    parser.add_argument("--plot", help="write the F1 curves to this PNG")
    args = parser.parse_args()
    records, dev, labels = sentiment_data(args) if args.task == "sentiment" else ner_data(args)
    workdir = Path(tempfile.mkdtemp(prefix="bench_al_"))
    rows: list[dict[str, Any]] = []
    try:
        for order in args.orders.split(","):
            rows += run_order(order, args, records, dev, labels, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    score = "held-back accuracy" if args.task == "sentiment" else "dev entity F1"
    print(f"\n| order | reviewed documents | {score} | P | R | retrain wall s | retrain CPU s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['order']} | {r['documents']} | {r['dev_f1']:.3f} | {r['dev_precision']:.3f} | "
              f"{r['dev_recall']:.3f} | {r['train_wall_s']:.0f} | {r['train_cpu_s']:.0f} |")
    if args.plot:
        title = ("SST-2 accuracy on 1,000 held-back sentences" if args.task == "sentiment" else
                 "WNUT-17 entity F1 on emerging.dev") + " (MiniLM, retrained after each batch)"
        plot(rows, args.orders.split(","), args.plot, title)


if __name__ == "__main__":
    main()
