#!/usr/bin/env bash
# Update the dependencies on purpose, with evidence: re-resolve the lock against today's registry,
# install the candidate into a scratch environment (build/venv-refresh), run the test suite and the
# frozen smoke tests there, and report what changed. The lock is replaced only when all of it passes.
#   bash scripts/refresh_lock.sh            # report, test, and adopt the candidate when green
#   bash scripts/refresh_lock.sh --check    # report what would change, install and test nothing
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
CANDIDATE=build/lock-candidate.txt
mkdir -p build
"$PYTHON" scripts/lock.py --out "$CANDIDATE"
echo "== changes against requirements-lock.txt"
CHANGES=$("$PYTHON" scripts/lock.py --diff requirements-lock.txt "$CANDIDATE")
echo "$CHANGES"
if [ "$CHANGES" = "no change" ] || [ "${1:-}" = "--check" ]; then
    exit 0
fi
export VENV=build/venv-refresh LOCK="$CANDIDATE"
rm -rf "$VENV"
echo "== installing the candidate into $VENV"
bash scripts/setup.sh
echo "== test suite on the candidate"
bash scripts/test.sh -q
echo "== frozen smoke tests on the candidate"
bash packaging/ci.sh
cp "$CANDIDATE" requirements-lock.txt
echo "== requirements-lock.txt updated; the tests and the frozen smoke tests passed with:"
echo "$CHANGES"
echo "Commit it, then run 'bash scripts/setup.sh' to bring .venv to the new versions."
