"""`python -m bert_desk.project …` (the app wires the same commands as `bert-desk project …`)."""

from bert_desk.project.cli import main

raise SystemExit(main())
