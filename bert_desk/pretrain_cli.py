"""`bert-desk fill-mask` and `bert-desk next-sentence`: the pre-training heads, headless (JSON lines out).

- `fill-mask FILE…`: one text per line (or JSONL {"text"}) with [MASK] tokens ->
  {"text", "filled", "masks": [{"start", "end", "candidates": [{"token", "text", "score"}…]}…]} per line.
- `next-sentence FILE…`: JSONL {"a", "b"} -> {"is_next": probability that b follows a} per line.

The default model is `bundled:pretrain`. `bert_desk.cli` wires these in with `add_parsers(subparsers)`;
input errors (InputError) and model errors (EngineError) propagate to its one-line error handler.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEVICES = ["auto", "cpu", "cuda", "mps"]


def add_parsers(subparsers: Any) -> None:
    """Add `fill-mask` and `next-sentence` to an argparse subparsers object."""
    fm = subparsers.add_parser("fill-mask", help="top-k tokens for each [MASK]: one text per line or JSONL {\"text\"}",
                               description="Predict the tokens hidden behind [MASK] (masked-LM head).")
    fm.add_argument("--top-k", type=int, default=5, help="candidates per mask (default 5)")
    ns = subparsers.add_parser("next-sentence", help="probability that b follows a: JSONL {\"a\", \"b\"}",
                               description="Next-sentence prediction (NSP head): does b follow a?")
    for parser, handler in ((fm, run_fill_mask), (ns, run_next_sentence)):
        parser.add_argument("files", nargs="*", metavar="FILE", help="input files ('-' or none: stdin)")
        parser.add_argument("--model", default=None, metavar="SPEC",
                            help="BertForPreTraining / BertForMaskedLM folder, HF id or bundled:pretrain (default)")
        parser.add_argument("--device", default="auto", choices=DEVICES)
        parser.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
        parser.set_defaults(handler=handler)


def _model(args: argparse.Namespace, task: str) -> Any:
    from bert_desk.engine.loading import default_spec, load_model
    from bert_desk.engine.types import EngineError

    spec = args.model or default_spec("pretrain")
    if spec is None:
        raise EngineError("no bundled pre-training model; pass --model SPEC")
    return load_model(spec, task, device=args.device, allow_pickle=args.allow_pickle)


def _records(args: argparse.Namespace, jsonl: bool | None) -> Iterator[Any]:
    from bert_desk.inputs import open_inputs, read_records

    for source, stream in open_inputs(args.files, sys.stdin.buffer):
        yield from read_records(stream, source, jsonl=jsonl)


@contextmanager
def _input_errors(record: Any) -> Iterator[None]:
    """An engine complaint about one input (no [MASK], empty sentence, too long) names its file and line."""
    from bert_desk.engine.types import EngineError, ModelLoadError
    from bert_desk.inputs import InputError

    try:
        yield
    except ModelLoadError:
        raise
    except EngineError as exc:
        raise InputError(record.source, record.line, str(exc)) from None


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def run_fill_mask(args: argparse.Namespace) -> int:
    """Handler of `fill-mask`."""
    from bert_desk.engine.pretrain import fill_mask
    from bert_desk.inputs import require_text

    model = _model(args, "fill-mask")
    for record in _records(args, None):
        text = require_text(record, "text")
        with _input_errors(record):
            result = fill_mask(model, text, top_k=args.top_k)
        _emit({"text": text, "filled": result.filled, "masks": [
            {"start": m.start, "end": m.end, "candidates": [
                {"token": c.token, "text": c.text, "score": round(c.score, 6)} for c in m.candidates]}
            for m in result.masks]})
    return 0


def run_next_sentence(args: argparse.Namespace) -> int:
    """Handler of `next-sentence`."""
    from bert_desk.engine.pretrain import next_sentence
    from bert_desk.inputs import require_text

    model = _model(args, "next-sentence")
    for record in _records(args, True):
        a, b = require_text(record, "a"), require_text(record, "b")
        with _input_errors(record):
            result = next_sentence(model, a, b)
        _emit({"is_next": round(result.is_next, 6)})
    return 0
