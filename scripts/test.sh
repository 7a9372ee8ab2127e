#!/usr/bin/env bash
# The test command (README and CI): ruff, the import-layer contract, mypy on engine and worker,
# then the test suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check bert_desk tests scripts packaging
.venv/bin/lint-imports
.venv/bin/mypy --ignore-missing-imports bert_desk/engine bert_desk/worker
.venv/bin/python -m pytest "$@"
