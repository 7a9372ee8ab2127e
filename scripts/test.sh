#!/usr/bin/env bash
# The test command (README and CI): ruff, the import-layer contract, mypy on engine and worker,
# then the test suite offscreen. VENV=<dir> tests another environment (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
"$VENV/bin/ruff" check bert_desk tests scripts packaging
"$VENV/bin/lint-imports"
"$VENV/bin/mypy" --ignore-missing-imports bert_desk/engine bert_desk/worker
"$VENV/bin/python" -m pytest "$@"
