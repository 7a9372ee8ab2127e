"""Batch inference beyond one machine: `bert-desk batch TASK INPUT… --out DIR` on a Ray cluster.

- `shards`: the job's plan (fixed-size shards of input records), its manifest, which shards are done,
  merging them in input order (pure Python);
- `scoring`: what one worker does with one shard: the task table's entry points, the CLI's JSON lines,
  the shard written atomically (pure Python, used by each Ray actor);
- `ray_run`: the Ray side (imported lazily: `pip install bert-desk[cluster]`): a local cluster on
  127.0.0.1 or `--cluster ADDRESS`, Ray Data `map_batches` with one model per actor.
"""
