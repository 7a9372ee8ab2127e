"""The headless command line, `bert-desk COMMAND …`: the same engine as the app, text/JSONL in, JSON out.

One argparse parser, built from one module per command family:
- `infer`: `sentiment`, `qa`, `ner`, `fill-mask`, `next-sentence` (the engine's task table);
- `train`: `train`, `evaluate`, `export-model`, `average-models`;
- `project`: `project create|import|pre-annotate|export|stats|agreement`;
- `batch`: `batch TASK INPUT… --out DIR` on a Ray cluster (`bert_desk.cluster`);
- `explain`: `explain sentiment|qa|ner` (token attributions); `compare`: model A against model B;
- `selftest`: `--selftest`.
With no command, `main` opens the desktop app (the CLI imports the GUI only to start it).
"""

from __future__ import annotations

import argparse
import logging

from bert_desk import __version__
from bert_desk.cli import batch, compare, explain, infer, project, train
from bert_desk.cli._util import add_device_option, closed_pipe, crash, fail, utf8_streams
from bert_desk.engine.types import EngineError
from bert_desk.inputs import InputError
from bert_desk.options import model_option


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
    add_device_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    infer.add_parsers(sub)
    explain.add_parser(sub)
    compare.add_parser(sub)
    train.add_parsers(sub)
    project.add_parser(sub)
    batch.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and exit status 2 (an unexpected one also leaves its
    traceback in the log file), output is UTF-8 whatever the locale, a closed pipe ends it quietly."""
    utf8_streams()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "precision", None):
            from bert_desk.engine.device import set_precision

            set_precision(args.precision)
        if args.selftest:
            from bert_desk.cli.selftest import selftest

            return selftest(dict(args.models), args.device, gui=not args.no_gui)
        handler = getattr(args, "handler", None)
        if handler is None:
            from bert_desk.app import main as app_main

            return app_main(argv or [])
        return int(handler(args) or 0)
    except (InputError, EngineError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return closed_pipe()
    except Exception as exc:  # the one boundary: no traceback ever reaches the user
        return crash(exc)
