"""Headless command line: the same engine as the app, reading text/JSONL and printing JSONL."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

from bert_desk import __version__
from bert_desk.engine.types import TASKS, EngineError
from bert_desk.inputs import InputError, Record, open_inputs, read_records, require_text
from bert_desk.terminal import progress_line

CHUNK = 256  # records per engine call, so output streams while a long input is read

log = logging.getLogger(__name__)


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(args: argparse.Namespace) -> Iterator[Record]:
    for name, stream in open_inputs(args.files, sys.stdin.buffer):
        jsonl = True if name.endswith((".jsonl", ".ndjson")) or args.command == "qa" else None
        yield from read_records(stream, name, jsonl=jsonl)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _span_dict(span: Any) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "label": span.label, "score": round(span.score, 6),
            "text": span.text}


def run_task(args: argparse.Namespace) -> int:
    """`bert-desk sentiment|ner|qa`: read records, run the engine in chunks, print JSONL."""
    with progress_line() as progress:
        return _run_task(args, progress)


def _run_task(args: argparse.Namespace, progress: Callable[[float, str], None]) -> int:
    from bert_desk.engine import ner, qa, sentiment
    from bert_desk.engine.loading import default_spec, load_model

    spec = args.model or default_spec(args.command)
    if spec is None:
        raise EngineError(f"no bundled {args.command} model; pass --model SPEC")
    model = load_model(spec, args.command, device=args.device, allow_pickle=args.allow_pickle,
                       progress=progress)
    for chunk in _chunks(_records(args), CHUNK):
        if args.command == "qa":
            for record in chunk:
                question, context = require_text(record, "question"), require_text(record, "context")
                result = qa.answer(model, question, context, top_k=args.top_k)
                _emit({"question": question, "no_answer": result.no_answer, "answers": [
                    {"start": a.start, "end": a.end, "text": a.text, "score": round(a.score, 6)}
                    for a in result.answers]})
            continue
        texts = [require_text(record, "text") for record in chunk]
        if args.command == "sentiment":
            for res in sentiment.analyze_batch(model, texts, batch_size=args.batch_size, progress=progress):
                _emit({"text": res.text, "label": res.label, "score": round(res.score, 6),
                       "scores": {k: round(v, 6) for k, v in res.scores.items()}})
        else:
            for res in ner.extract_batch(model, texts, batch_size=args.batch_size, progress=progress):
                _emit({"text": res.text, "spans": [_span_dict(e) for e in res.entities]})
        sys.stdout.flush()
    return 0


SELFTEST_INPUTS = {
    "sentiment": {"text": "A moving, beautifully acted film."},
    "ner": {"text": "Angela Merkel visited Paris."},
    "qa": {"question": "Where did Angela Merkel go?", "context": "Angela Merkel visited Paris in May."},
    "pretrain": {"text": "The river flows into the [MASK] ocean."},
}


def selftest(overrides: dict[str, str], device: str, gui: bool) -> int:
    """Run each task that has a model once on a tiny input (the pre-training model: fill-mask); 0 only if
    every one ran."""
    from bert_desk.engine import ner, pretrain, qa, sentiment
    from bert_desk.engine.loading import default_spec, load_model

    ran, failed = 0, 0
    for task in (*TASKS, "pretrain"):
        spec = overrides.get(task) or default_spec(task)
        if spec is None:
            print(f"{task}: skipped (no model)")
            continue
        try:
            model = load_model(spec, "fill-mask" if task == "pretrain" else task, device=device)
            sample = SELFTEST_INPUTS[task]
            if task == "sentiment":
                res = sentiment.analyze(model, sample["text"])
                summary = f"{res.label} {res.score:.2f}"
            elif task == "ner":
                found = ner.extract(model, sample["text"]).entities
                summary = ", ".join(f"{e.text}/{e.label}" for e in found) or "no entities"
            elif task == "pretrain":
                summary = repr(pretrain.fill_mask(model, sample["text"], top_k=1).filled)
            else:
                answers = qa.answer(model, sample["question"], sample["context"]).answers
                summary = repr(answers[0].text) if answers else "no answer"
            print(f"{task}: ok [{spec} on {model.info.device.description}] {summary}")
            ran += 1
        except Exception as exc:  # selftest reports every failure, then exits non-zero
            print(f"{task}: FAILED [{spec}] {exc}")
            failed += 1
    if gui:
        failed += _selftest_gui(overrides, device)
    print("selftest:", "ok" if failed == 0 and ran else "FAILED")
    return 0 if failed == 0 and ran else 1


def _selftest_gui(overrides: dict[str, str], device: str) -> int:
    """Build the main window offscreen and close it; 0 when that works."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from bert_desk.app import build_main_window

        argv = ["--device", device] + [x for t, s in overrides.items() for x in ("--model", f"{t}={s}")]
        window = build_main_window(argv)
        window.close()
        print("gui: ok")
        return 0
    except Exception as exc:
        print(f"gui: FAILED {exc}")
        return 1


def model_option(value: str) -> tuple[str, str]:
    """argparse type for `--model TASK=SPEC` (shared by the CLI and the app)."""
    task, sep, spec = value.partition("=")
    task, spec = task.strip().lower(), spec.strip()
    tasks = (*TASKS, "pretrain")  # pretrain: the Pre-training tab's masked-LM/NSP checkpoint
    if not sep or task not in tasks or not spec:
        raise argparse.ArgumentTypeError(f"expected TASK=SPEC with TASK in {', '.join(tasks)}, got {value!r}")
    return task, spec


def build_parser() -> argparse.ArgumentParser:
    """The `bert-desk` argument parser (sub-commands for headless use)."""
    parser = argparse.ArgumentParser(
        prog="bert-desk",
        description="BERT-family models on your desk. With no command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"bert-desk {__version__}")
    parser.add_argument("--selftest", action="store_true", help="run each task once and exit 0 if all ran")
    parser.add_argument("--no-gui", action="store_true", help="with --selftest: skip building the window")
    parser.add_argument("--model", dest="models", action="append", type=model_option, default=[],
                        metavar="TASK=SPEC", help="preselect a model (app and --selftest)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for task, help_text in (("sentiment", "score texts: one per line or JSONL {\"text\"}"),
                            ("ner", "find entities: one text per line or JSONL {\"text\"}"),
                            ("qa", "answer JSONL {\"question\", \"context\"}")):
        p = sub.add_parser(task, help=help_text)
        p.add_argument("files", nargs="*", metavar="FILE", help="input files ('-' or none: stdin)")
        p.add_argument("--model", default=None, metavar="SPEC",
                       help="folder, Hugging Face id, bundled:TASK or spacy:PIPELINE (default: bundled)")
        p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
        p.add_argument("--batch-size", type=int, default=32)
        p.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
        if task == "qa":
            p.add_argument("--top-k", type=int, default=3)
        p.set_defaults(handler=run_task)
    _add_optional_commands(sub)
    return parser


def _add_optional_commands(sub: argparse._SubParsersAction) -> None:
    """Sub-commands contributed by the pre-training, training and project modules (light imports)."""
    from bert_desk.pretrain_cli import add_parsers as add_pretrain
    from bert_desk.project.cli import add_parser as add_project
    from bert_desk.training.cli import add_parsers as add_training

    add_pretrain(sub)
    add_training(sub)
    add_project(sub)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and exit status 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.selftest:
            return selftest(dict(args.models), args.device, gui=not args.no_gui)
        handler = getattr(args, "handler", None)
        if handler is None:
            from bert_desk.app import main as app_main

            return app_main(argv or [])
        return int(handler(args) or 0)
    except (InputError, EngineError) as exc:
        print(f"bert-desk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
