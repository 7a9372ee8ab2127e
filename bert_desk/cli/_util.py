"""What the commands share: the `--device` option, reading records, JSON lines out, one-line errors."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from bert_desk.engine.device import DEVICES, PRECISIONS
from bert_desk.inputs import InputError, Record, open_inputs, read_records

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def add_device_option(parser: argparse.ArgumentParser) -> None:
    """`--device {auto,cpu,cuda,mps}` (default auto) and `--precision`: the engine's device choices."""
    parser.add_argument("--device", default="auto", choices=DEVICES)
    add_precision_option(parser)


def add_precision_option(parser: argparse.ArgumentParser) -> None:
    """`--precision {auto,fp32,int8}` (default auto: int8 on CPU where the model's card allows it)."""
    parser.add_argument("--precision", default="auto", choices=PRECISIONS,
                        help="CPU precision: int8 (dynamic quantization) or fp32; auto: int8 where the "
                             "model's card allows it, fp32 otherwise (CUDA always runs fp16)")


def add_threads_option(parser: argparse.ArgumentParser) -> None:
    """`--threads N` (default 0: $BERT_DESK_THREADS, else the physical cores; see `engine.device`)."""
    parser.add_argument("--threads", type=int, default=0, metavar="N",
                        help="torch CPU threads (default: $BERT_DESK_THREADS, else the physical cores)")


def devices_text() -> str:
    """The device choices as words: "auto, cpu, cuda or mps"."""
    return f"{', '.join(DEVICES[:-1])} or {DEVICES[-1]}"


def add_files_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files ('-' or none: stdin)")


def records(files: Iterable[str], *, jsonl: bool | None, jsonl_files: bool = False) -> Iterator[Record]:
    """The records of `files` (none or '-': stdin). `jsonl`: True, every line is a JSON object; None, a line
    starting with `{` is one. `jsonl_files`: a `.jsonl`/`.ndjson` file is read as JSON lines only."""
    for name, stream in open_inputs(files, sys.stdin.buffer):
        as_json = True if jsonl_files and name.endswith(JSONL_SUFFIXES) else jsonl
        yield from read_records(stream, name, jsonl=as_json)


def chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """`items` in lists of `size` (the last one shorter)."""
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def input_errors(record: Record) -> Iterator[None]:
    """An engine complaint about one input (no [MASK], empty sentence, too long) names its file and line;
    a model that failed to load stays a model error."""
    from bert_desk.engine.types import EngineError, ModelLoadError

    try:
        yield
    except ModelLoadError:
        raise
    except EngineError as exc:
        raise InputError(record.source, record.line, str(exc)) from None


def emit(obj: dict[str, Any]) -> None:
    """Print one JSON line (UTF-8 as is)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def utf8_streams() -> None:
    """JSON lines are UTF-8 whatever the locale says (PYTHONIOENCODING=cp1252, LANG=C); messages on
    stderr too, with anything unencodable escaped."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors=errors)


def closed_pipe() -> int:
    """The reader went away (`bert-desk … | head -1`): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit
    except (OSError, ValueError):
        pass
    return 0


def crash(exc: BaseException) -> int:
    """An error nobody foresaw: one line naming it (and the log), the traceback in the log file."""
    import logging
    import traceback

    from bert_desk.paths import log_file

    where = ""
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"bert-desk CLI: {' '.join(sys.argv)}\n{''.join(traceback.format_exception(exc))}\n")
        where = f" (details in {path})"
    except OSError:
        logging.getLogger("bert_desk.cli").debug("could not write the log", exc_info=True)
    text = str(exc).splitlines()[0] if str(exc) else ""
    return fail(f"unexpected error: {type(exc).__name__}{': ' + text if text else ''}{where}")


def fail(message: str) -> int:
    """Print `bert-desk: error: MESSAGE` on stderr; returns the exit status 2."""
    print(f"bert-desk: error: {message}", file=sys.stderr)
    return 2


def open_project(path: str) -> Any:
    """Open a project for a command, warning on stderr when the file failed its integrity check."""
    from bert_desk.project.store import Project

    project = Project.open(path)
    if project.integrity_error is not None:
        print(f"bert-desk: warning: {project.integrity_error}", file=sys.stderr)
    return project
