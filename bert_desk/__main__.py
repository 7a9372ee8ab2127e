"""Entry point: `bert-desk` opens the window; sub-commands and `--selftest` run headless."""

from __future__ import annotations

import sys

HEADLESS_FLAGS = ("--selftest", "--version", "-h", "--help")


def is_gui_start(args: list[str]) -> bool:
    """Whether `bert-desk ARGS` opens the window: a leading word is a sub-command (the window
    takes only options), and a few flags are answered headless too."""
    return not (args and not args[0].startswith("-")) and not any(arg in HEADLESS_FLAGS for arg in args)


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the headless CLI or the desktop app."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not is_gui_start(args):
        from bert_desk.cli import main as cli_main

        return cli_main(args)
    from bert_desk.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
