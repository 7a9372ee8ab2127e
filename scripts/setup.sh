#!/usr/bin/env bash
# Create .venv and install bert_desk with everything the app, the tests and training need, at the
# exact versions of requirements-lock.txt (CPU torch among them). The package itself keeps open
# ranges (torch>=2.1, ...) so `pip install bert-desk` lets GPU users keep their CUDA torch.
# VENV=<dir> and LOCK=<file> pick another environment and lock (scripts/refresh_lock.sh uses them).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
LOCK=${LOCK:-requirements-lock.txt}
# Every pip call below, build isolation included (hatchling), takes its versions from the lock.
PIP_CONSTRAINT="$(realpath "$LOCK")"
export PIP_CONSTRAINT
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test,train,cluster]"
echo "bert_desk is set up in $VENV (versions from $LOCK)"
# The window (Qt's X11 platform) needs a few system libraries: say which are missing, and how to get them.
"$VENV/bin/python" -m bert_desk.display_check || true
