"""Option types shared by the command line and the desktop app (pure Python: no Qt, no CLI).

The app parses its own few options (it leaves the rest to Qt); the CLI builds the one `bert-desk` parser.
Both read the task names from the engine's table and the devices from `engine.device.DEVICES`.
"""

from __future__ import annotations

import argparse

from bert_desk.engine import registry


def model_option(value: str) -> tuple[str, str]:
    """argparse type for `--model TASK=SPEC`; TASK is one of the table's models (`pretrain`: the
    Pre-training tab's masked-LM/NSP checkpoint)."""
    task, sep, spec = value.partition("=")
    task, spec = task.strip().lower(), spec.strip()
    tasks = registry.model_keys()
    if not sep or task not in tasks or not spec:
        raise argparse.ArgumentTypeError(f"expected TASK=SPEC with TASK in {', '.join(tasks)}, got {value!r}")
    return task, spec
