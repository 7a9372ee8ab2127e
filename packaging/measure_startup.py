"""Compare start-up times of the frozen app (build/dist/bert-desk) and the source checkout.

    python packaging/measure_startup.py [--runs 5] [-- EXTRA_SELFTEST_ARGS...]

Times `--version` and `--selftest --no-gui` (both load every bundled model), alternating frozen
and source runs so machine load hits both alike, and prints the medians. Extra arguments after
`--` go to the self-test (e.g. `--model qa=/path/to/model` for a model that is not bundled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "build" / "dist" / "bert-desk" / ("bert-desk-cli.exe" if sys.platform == "win32" else "bert-desk")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("extra", nargs="*", help="extra --selftest arguments (after --)")
    args = parser.parse_args(argv)
    if not FROZEN.is_file():
        print(f"no frozen app at {FROZEN}: run packaging/build.py first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "BERT_DESK_"))}
        env.update(QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", BERT_DESK_DATA_DIR=home)
        source_env = dict(env, PYTHONPATH=str(ROOT))
        commands = {"--version": ["--version"], "--selftest --no-gui": ["--selftest", "--no-gui", *args.extra]}
        for label, cli in commands.items():
            frozen, source = [], []
            for _ in range(args.runs):
                for cmd, environ, times in (([str(FROZEN), *cli], env, frozen),
                                            ([sys.executable, "-m", "bert_desk", *cli], source_env, source)):
                    started = time.perf_counter()
                    result = subprocess.run(cmd, env=environ, capture_output=True, text=True, cwd=home)
                    times.append(time.perf_counter() - started)
                    if result.returncode != 0:
                        print(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}", file=sys.stderr)
                        return 1
            print(f"{label:<22} frozen {statistics.median(frozen):7.3f} s   source {statistics.median(source):7.3f} s"
                  f"   (medians of {args.runs}; min {min(frozen):.3f} / {min(source):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
