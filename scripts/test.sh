#!/usr/bin/env bash
# The test command (README and CI): lint, the import-layer contract, then the test suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check bert_desk tests scripts packaging
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
