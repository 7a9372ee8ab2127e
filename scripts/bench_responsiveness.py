"""Measure how responsive the GUI thread stays while the worker runs the bundled models.

A 10 ms timer on the GUI thread stands in for the event loop (repaints, clicks, key presses): for each
phase the script prints how late its ticks came (median, 95th percentile, worst). The phases run through
the app's own `InferenceService`, as the tabs do: idle, a sentiment batch of SST-2 sentences, an entity
batch of CoNLL sentences, a long QA context. Not a test: it prints figures.

Usage: QT_QPA_PLATFORM=offscreen python scripts/bench_responsiveness.py [--n 2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
TICK_MS = 10


class TickRecorder:
    """Lateness of a `TICK_MS` timer on the GUI thread, collected between `start` and `stop`."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.late: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.late.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now

    def start(self) -> None:
        self.late, self._last = [], 0.0
        self._timer.start()

    def stop(self) -> dict[str, float]:
        self._timer.stop()
        late = sorted(self.late) or [0.0]
        return {"ticks": len(self.late), "late_median_ms": round(statistics.median(late), 1),
                "late_p95_ms": round(late[int(0.95 * (len(late) - 1))], 1), "late_max_ms": round(late[-1], 1)}


def run_phase(service: Any, recorder: TickRecorder, kind: str, payload: Any, spec: str) -> dict[str, Any]:
    """Submit one job, spin the event loop until it ends, and return the timings."""
    from PySide6.QtCore import QEventLoop

    from bert_desk.worker import JobDone, JobFailed, JobProgress

    ended: list[Any] = []
    progress = 0
    loop = QEventLoop()

    def on_event(event: Any) -> None:
        nonlocal progress
        if isinstance(event, JobProgress):
            progress += 1
        elif isinstance(event, (JobDone, JobFailed)):
            ended.append(event)
            loop.quit()

    recorder.start()
    start = time.perf_counter()
    job = service.submit("bench", kind, payload, spec=spec, device="cpu")
    for signal in (job.progressed, job.done, job.failed, job.cancelled):
        signal.connect(on_event)
    loop.exec()  # the GUI thread's event loop, as in the app
    seconds = time.perf_counter() - start
    figures = recorder.stop()
    if isinstance(ended[0], JobFailed):
        raise SystemExit(f"{kind} failed: {ended[0].message}")
    return {"job": kind, "seconds": round(seconds, 2), "progress_events": progress, **figures}


def inputs(n: int) -> dict[str, Any]:
    from bert_desk.training.readers import read_conll, read_glue_tsv
    from bert_desk.training.squad_data import read_squad

    rng = random.Random(0)
    sst = [e.text for e in read_glue_tsv(DATA / "sst2" / "train.tsv") if len(e.text.split()) >= 8]
    conll = [" ".join(e.tokens) for e in read_conll(DATA / "conll2003" / "valid.txt")]
    rng.shuffle(sst), rng.shuffle(conll)
    article = read_squad(DATA / "squad" / "train-v1.1.reconstructed.json")[0]
    context = "\n\n".join(p.context for p in article.paragraphs)  # a whole article: many windows
    return {"sentiment:batch": sst[:n], "ner:batch": conll[:n],
            "qa": {"question": "When was the university founded?", "context": context}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="sentences per batch phase")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch
    from PySide6.QtWidgets import QApplication

    from bert_desk.worker import InferenceService

    torch.set_num_threads(args.threads)
    app = QApplication([])
    app.setApplicationName("bert-desk-bench")
    service = InferenceService()
    recorder = TickRecorder()
    data = inputs(args.n)
    try:
        for task in ("sentiment", "ner", "qa"):  # load first: loading is measured by the app's own log
            run_phase(service, recorder, "load", task, f"bundled:{task}")
        from PySide6.QtCore import QEventLoop, QTimer

        recorder.start()
        idle = QEventLoop()
        QTimer.singleShot(3000, idle.quit)
        idle.exec()
        print({"job": "idle", "seconds": 3.0, **recorder.stop()})
        for kind, spec in (("sentiment:batch", "bundled:sentiment"), ("ner:batch", "bundled:ner"), ("qa", "bundled:qa")):
            print(run_phase(service, recorder, kind, data[kind], spec))
    finally:
        service.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
