"""Run a batch job's pending shards on Ray: Ray Data `map_batches` over one row per shard, an actor pool
with one model per actor (`ShardScorer`). Ray is imported here only, when a job runs (`[cluster]` extra).

Without an address a local cluster is started on 127.0.0.1 (no dashboard) and shut down at the end; with
one, the job joins that cluster and only disconnects. An actor that dies is restarted and its shard
retried (Ray Data's actor pool does it: `max_restarts=-1`, `max_task_retries=-1` by default). The actors
return each shard's lines and this process writes the shard's file atomically as it arrives, so the output
folder need only be on this machine, a shard exists whole or not at all, and a rerun of the command resumes
from the finished shards.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bert_desk.cluster.scoring import Refusal, ShardScorer, encode_items, write_shard
from bert_desk.cluster.shards import Plan
from bert_desk.engine.types import EngineError
from bert_desk.inputs import InputError

LOCAL_HOST = "127.0.0.1"
# Ray turns a node address of 127.0.0.1 into the machine's reachable address; its single-machine mode (what
# it does on macOS and Windows) keeps the GCS, the raylet and the workers on the loopback address.
SINGLE_MACHINE_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
# Ray turns token authentication on for a new local cluster and warns that it did: said once, here.
AUTH_LOGGER = "ray._private.authentication.authentication_token_setup"


@dataclass(frozen=True)
class Report:
    """What a run did: shards scored now and skipped (finished before), workers, seconds to start."""

    scored: int
    skipped: int
    workers: int
    start_s: float
    run_s: float
    pids: frozenset[int]


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise EngineError("`bert-desk batch` needs Ray: pip install 'bert-desk[cluster]'") from None
    return ray


def connect(address: str | None, workers: int | None, *, threads: int = 1) -> bool:
    """Join the cluster at `address`, or start a local one on 127.0.0.1 with `workers` x `threads` CPUs (at
    least this machine's); returns True when this call connected (False: this process was connected already)."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    if address:
        _token_if_available()
        try:
            ray.init(address=address, **quiet)
        except ConnectionError as exc:
            raise EngineError(f"cannot reach the Ray cluster at {address}: {str(exc).splitlines()[0]} (is it "
                              "running, and does this machine have its token: ~/.ray/auth_token or "
                              "RAY_AUTH_TOKEN?)") from None
        return True
    cpus = max((workers or 0) * threads, os.cpu_count() or 1)
    logging.getLogger(AUTH_LOGGER).setLevel(logging.ERROR)
    with _loopback(ray):
        ray.init(num_cpus=cpus, include_dashboard=False, _node_ip_address=LOCAL_HOST, **quiet)
    return True


def _token_if_available() -> None:
    """Send the cluster's token when this machine has one (`ray start` turns token authentication on;
    `ray.init(address=…)` alone sends none unless RAY_AUTH_MODE=token)."""
    try:
        from ray._private.authentication import authentication_token_setup as auth
    except ImportError:  # a Ray without token authentication
        return
    logging.getLogger(AUTH_LOGGER).setLevel(logging.ERROR)
    auth.maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


@contextmanager
def _loopback(ray: Any) -> Iterator[None]:
    """Ray's single-machine mode while a local cluster starts (its processes inherit it), then as before."""
    constants = ray._private.ray_constants
    saved, flag = os.environ.get(SINGLE_MACHINE_ENV), constants.ENABLE_RAY_CLUSTER
    os.environ[SINGLE_MACHINE_ENV] = "0"
    constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        constants.ENABLE_RAY_CLUSTER = flag
        if saved is None:
            os.environ.pop(SINGLE_MACHINE_ENV, None)
        else:
            os.environ[SINGLE_MACHINE_ENV] = saved


def default_workers(gpu: bool) -> int:
    """One worker per GPU of the cluster when the job uses GPUs, else one per CPU."""
    resources = _import_ray().cluster_resources()
    return max(1, int(resources.get("GPU" if gpu else "CPU", 1)))


def wants_gpu(device: str) -> bool:
    """Each actor reserves a GPU when the device is cuda, or auto on a cluster that has GPUs."""
    if device == "cuda":
        return True
    return device == "auto" and _import_ray().cluster_resources().get("GPU", 0) >= 1


def run(plan: Plan, *, address: str | None = None, workers: int | None = None, ship: str | None = None,
        progress: Callable[[float, str], None] = lambda fraction, message: None) -> Report:
    """Score the plan's pending shards on the cluster; returns a Report. `ship`: the model folder sent with
    the job (`Job.ship`: its files go into Ray's object store once, each actor loads a copy). An input the engine refuses is an InputError naming its file and line (the shards finished
    before it stay, for a rerun)."""
    pending = plan.pending()
    total = len(plan.shards)
    skipped = total - len(pending)
    if not pending:
        return Report(0, skipped, 0, 0.0, 0.0, frozenset())
    started_at = time.perf_counter()
    connected = connect(address, workers, threads=plan.job.threads)
    try:
        start_s = time.perf_counter() - started_at
        return _map(plan, pending, workers, ship, progress, skipped, start_s)
    finally:
        if connected:  # a local cluster stops; a remote one is only left
            _import_ray().shutdown()


def model_files(folder: str) -> dict[str, bytes]:
    """The files of a model folder by relative path (what `ShardScorer` unpacks)."""
    root = Path(folder)
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


def _map(plan: Plan, pending: list[int], workers: int | None, ship: str | None,
         progress: Callable[[float, str], None], skipped: int, start_s: float) -> Report:
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    gpu, threads = wants_gpu(plan.job.device), plan.job.threads
    size = max(1, min(workers or default_workers(gpu) // (1 if gpu else threads), len(pending)))
    rows = [{"shard": i, "items": encode_items(plan.shards[i])} for i in pending]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        ShardScorer, fn_constructor_kwargs={"job": plan.job, "model_files": model_files(ship) if ship else None},
        batch_size=1, compute=ray.data.ActorPoolStrategy(size=size, max_tasks_in_flight_per_actor=1),
        num_gpus=1 if gpu else None, num_cpus=None if gpu else threads)
    began = time.perf_counter()
    done, pids = skipped, set()
    total = len(plan.shards)
    for row in dataset.iter_rows():
        pids.add(int(row["pid"]))
        if row["refusal"]:
            refusal = Refusal(**json.loads(row["refusal"]))
            raise InputError(refusal.source, refusal.line, refusal.problem)
        write_shard(plan.folder, int(row["shard"]), row["lines"])
        done += 1
        progress(done / total, f"{done}/{total} shards")
    return Report(len(pending), skipped, size, start_s, time.perf_counter() - began, frozenset(pids))
