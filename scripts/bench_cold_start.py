"""Cold start: `bert-desk` to a visible window, and to the first result after pressing Run (prints figures).

    python scripts/bench_cold_start.py [--runs 3]     # under a real display (DISPLAY) or offscreen

Each run is a fresh process, timed from its launch (interpreter start and imports included), that builds
the window the way `bert-desk` does (`bert_desk.app.build_main_window`, throw-away settings), shows it and
waits until the window system exposes it; then it clicks Run in the Sentiment tab with the bundled model
and waits for the verdict. Medians over `--runs`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from bert_desk.app import build_main_window, ensure_app
from bert_desk.ui.settings import Settings
from PySide6.QtCore import QTimer
app = ensure_app()
window = build_main_window([], settings=Settings.from_file(sys.argv[2]))
window.show()
marks = {}
def exposed():
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        marks["window"] = time.time()
        QTimer.singleShot(int(float(sys.argv[3]) * 1000), press)
    else:
        QTimer.singleShot(1, exposed)
def press():
    marks["press"] = time.time()
    tab = window.sentiment
    tab.editor.setPlainText("A warm, funny and moving film. The ending drags a little.")
    tab.run()
    job = window.service.current_job("sentiment")
    job.done.connect(lambda *_: (marks.__setitem__("result", time.time()), app.quit()))
    job.failed.connect(lambda e: (print(e.message, file=sys.stderr), app.quit()))
QTimer.singleShot(0, exposed)
QTimer.singleShot(60000, app.quit)
app.exec()
window.shutdown()
print(marks)
"""


def one_run(press_after: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = str(Path(tmp) / "settings.ini")
        started = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), settings, str(press_after)], check=True,
                             capture_output=True, text=True).stdout
    marks = json.loads(out.strip().splitlines()[-1].replace("'", '"'))
    times = {key: value - started for key, value in marks.items()}
    if "result" in marks:
        times["run_to_result"] = marks["result"] - marks["press"]
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--press-after", type=float, default=0.0, help="seconds between the window and Run")
    args = parser.parse_args()
    runs = [one_run(args.press_after) for _ in range(args.runs)]
    for key, what in (("window", "launch to visible window"), ("result", "launch to first sentiment result"),
                      ("run_to_result", f"Run (pressed {args.press_after:g} s after the window) to result")):
        values = [r[key] for r in runs if key in r]
        if values:
            print(f"{what}: {statistics.median(values):.2f} s median ({', '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
