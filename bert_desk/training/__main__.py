"""`python -m bert_desk.training ...` until the app CLI wires the sub-commands."""

from bert_desk.training.cli import main

raise SystemExit(main())
