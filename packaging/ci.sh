#!/usr/bin/env bash
# CI: the packaging smoke tests. Run after scripts/setup.sh (needs .venv with bert_desk installed
# and the bundled models in resources/models/). Installs the validators and PyInstaller, then
# builds once (packaging/build.py via the tests' fixture) and smoke-tests the bundle, the .deb
# and the .tar.gz. Extra arguments go to pytest. VENV=<dir> and LOCK=<file> as in scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
LOCK=${LOCK:-requirements-lock.txt}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Package lists may be empty on a fresh image: update only when the install needs it.
if ! $SUDO apt-get install -y -qq desktop-file-utils appstream >/dev/null; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq desktop-file-utils appstream
fi

PIP_CONSTRAINT="$(realpath "$LOCK")" "$VENV/bin/python" -m pip install --quiet "pyinstaller>=6.6"

export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# gzip: the .deb in ~2 minutes instead of ~10 with xz on two busy cores (about 290 MB instead of
# 195 MB); release builds run packaging/build.py with its xz default.
export BERT_DESK_BUILD_ARGS="${BERT_DESK_BUILD_ARGS:---compression gzip} --lock $(realpath "$LOCK")"
"$VENV/bin/python" -m pytest -m packaging tests/packaging -q "$@"
