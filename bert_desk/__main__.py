"""Entry point: `bert-desk` opens the window; sub-commands and `--selftest` run headless."""

from __future__ import annotations

import sys

from bert_desk.cli import HEADLESS_COMMANDS


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the headless CLI or the desktop app."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(arg in HEADLESS_COMMANDS for arg in args[:1]) or any(
        arg in ("--selftest", "--version", "-h", "--help") for arg in args
    ):
        from bert_desk.cli import main as cli_main

        return cli_main(args)
    from bert_desk.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
