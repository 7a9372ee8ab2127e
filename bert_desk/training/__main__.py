"""`python -m bert_desk.training ...` until the app CLI wires the sub-commands."""

import os

# Sleep instead of spin while waiting for OpenMP threads: on a shared, busy CPU spinning slows torch a lot.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bert_desk.training.cli import main

raise SystemExit(main())
