"""A batch job's plan on disk: fixed-size shards of input records, a manifest, merging in input order.

An output folder holds `manifest.json` (what the job is: task, model, options, a digest of the input
records) and one `shard-NNNNNN.jsonl` per shard, each written atomically by the worker that scored it,
so a shard file that exists with as many lines as the shard has records is finished. A rerun with the
same manifest skips finished shards; a rerun whose inputs or model differ is refused, never mixed in.
Shards are whole multiples of the CLI's chunk, so every text is batched with the same neighbours as in
`bert-desk TASK INPUT…` and the merged output is byte-identical to it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bert_desk.atomic import atomic_write
from bert_desk.inputs import InputError

MANIFEST = "manifest.json"
FORMAT = 1  # the manifest's layout
SAME_OUTPUT = {"ship"}  # manifest entries a rerun may change: how the job runs, not what it writes


@dataclass(frozen=True)
class Job:
    """What every worker needs to score a shard (plain data: it travels to the cluster)."""

    task: str
    spec: str  # the model as each worker loads it (a folder: absolute, on storage every node sees)
    model_version: str | None = None  # a fingerprint of the model's files (the manifest's guard)
    device: str = "auto"
    allow_pickle: bool = False
    batch_size: int = 32
    options: dict[str, Any] = field(default_factory=dict)  # the task's options (e.g. top_k)
    chunk: int = 256  # records per engine call, as the single-process CLI's chunks
    shard_size: int = 1024  # records per shard (a multiple of `chunk`)
    precision: str | None = None  # the CPU precision preference, where the engine has one
    threads: int = 1  # torch CPU threads per worker (CPU results may differ in the last digits between counts)
    ship: bool = False  # the model folder's files travel with the job: each worker loads its own copy


@dataclass(frozen=True)
class Item:
    """One input record: where it came from and its task fields, in the entry point's order."""

    source: str
    line: int
    fields: tuple[str, ...]


def shard_name(index: int) -> str:
    return f"shard-{index:06d}.jsonl"


def input_digest(items: Sequence[Item]) -> str:
    """A SHA-256 of the records (their sources, lines and fields), so changed input is noticed."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(json.dumps([item.source, item.line, item.fields], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class Plan:
    """A job's shards in an output folder."""

    folder: Path
    job: Job
    shards: tuple[tuple[Item, ...], ...]

    def path(self, index: int) -> Path:
        return self.folder / shard_name(index)

    def finished(self, index: int) -> bool:
        """True when the shard's file holds one line per record (files appear whole: atomic writes)."""
        try:
            with self.path(index).open("rb") as stream:
                return sum(1 for _ in stream) == len(self.shards[index])
        except OSError:
            return False

    def pending(self) -> list[int]:
        """The shards still to score, in input order."""
        return [i for i in range(len(self.shards)) if not self.finished(i)]

    def records(self) -> int:
        return sum(len(shard) for shard in self.shards)


def manifest_of(job: Job, items: Sequence[Item], shards: int) -> dict[str, Any]:
    job_fields = asdict(job)
    return {"format": FORMAT, **job_fields, "records": len(items), "shards": shards,
            "inputs": list(dict.fromkeys(item.source for item in items)), "input_sha256": input_digest(items)}


def plan(job: Job, items: Sequence[Item], folder: Path) -> Plan:
    """Cut the records into shards and claim `folder` for the job: write its manifest, or check that the
    one there describes the same job (a different one is an InputError naming the folder)."""
    if job.shard_size < job.chunk or job.shard_size % job.chunk:
        raise InputError(str(folder), None, f"the shard size must be a multiple of {job.chunk} records (the "
                         "CLI's chunk), so each text is batched as in the single-process run")
    folder.mkdir(parents=True, exist_ok=True)
    shards = tuple(tuple(items[i:i + job.shard_size]) for i in range(0, len(items), job.shard_size))
    manifest = manifest_of(job, items, len(shards))
    path = folder / MANIFEST
    if path.exists():
        old = read_manifest(folder)
        changed = [key for key in manifest if key not in SAME_OUTPUT and old.get(key) != manifest[key]]
        if changed:
            raise InputError(str(path), None, f"this folder holds another job's shards ({', '.join(changed)} "
                             "differ): give another --out, or delete the folder to start again")
    else:
        with atomic_write(path) as stream:
            stream.write((json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return Plan(folder, job, shards)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a batch output folder (an InputError if there is none or it is unreadable)."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), None, f"not a batch output folder ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(str(path), None, f"unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(str(path), None, f"not a bert_desk batch manifest (format {FORMAT})")
    return data


def shard_lines(folder: Path) -> Iterator[tuple[str, int, bytes]]:
    """(shard file, line number, raw line) of every shard of a folder, in input order; a missing or
    unfinished shard is an InputError (the job is not finished: rerun it)."""
    manifest = read_manifest(folder)
    records, size = int(manifest["records"]), int(manifest["shard_size"])
    for index in range(int(manifest["shards"])):
        path = Path(folder) / shard_name(index)
        try:
            lines = path.read_bytes().splitlines(keepends=True)
        except OSError:
            lines = []
        if len(lines) != min(size, records - index * size):
            raise InputError(str(path), None, "shard missing or unfinished: the job is not finished (rerun "
                             "the same `bert-desk batch` command to resume it)")
        for number, raw in enumerate(lines, 1):
            yield str(path), number, raw


def merge(plan: Plan, target: Path) -> None:
    """Concatenate the finished shards in input order into `target`, atomically."""
    with atomic_write(target) as out:
        for _, _, raw in shard_lines(plan.folder):
            out.write(raw)
