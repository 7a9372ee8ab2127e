"""Entry script of the frozen app (PyInstaller analyses this file, not `bert_desk/__main__.py`,
so the package is imported as a package and `multiprocessing` works in the frozen executable)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen executable re-runs itself for multiprocessing children; let those exit here.
    multiprocessing.freeze_support()
    from bert_desk.__main__ import main

    sys.exit(main())
