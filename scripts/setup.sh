#!/usr/bin/env bash
# Create .venv and install bert_desk with everything the app, the tests and training need.
# CPU torch is pinned here (dev/CI); the package itself accepts any torch>=2.1 so GPU users keep CUDA builds.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[test,train]"
echo "bert_desk is set up in .venv"
