"""`python -m bert_desk.training ...` is `bert-desk ...` (kept for the run scripts in runs/)."""

import os
import sys

# Sleep instead of spin while waiting for OpenMP threads: on a shared, busy CPU spinning slows torch a lot.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bert_desk.cli import main

raise SystemExit(main(sys.argv[1:]))
