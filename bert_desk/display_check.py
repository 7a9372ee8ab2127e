"""Before Qt opens a window on Linux/X11: are the system libraries its xcb platform plugin loads there?

Without one of them Qt aborts (exit status 134) and says why only in its own log. The app checks first
and says on stderr, in one line, what is missing and the command that installs it. `scripts/setup.sh`
runs `python -m bert_desk.display_check` after installing, and the .deb declares them as dependencies.
No Qt import here.
"""

from __future__ import annotations

import ctypes
import os
import sys

# soname -> (Debian/Ubuntu package, Fedora package)
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libEGL.so.1": ("libegl1", "mesa-libEGL"),
    "libGL.so.1": ("libgl1", "mesa-libGL"),
}


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    """True when Qt will use its X11 (xcb) platform: Linux, no other platform asked for."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    return platform.split(":")[0] in ("", "xcb") and bool(env.get("DISPLAY") or not platform)


def missing_libraries() -> list[str]:
    """The xcb plugin's system libraries that cannot be loaded here."""
    missing = []
    for soname in XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def install_hint(missing: list[str]) -> str:
    """One line naming what is missing and how to install it (Debian/Ubuntu, Fedora)."""
    debian = " ".join(XCB_LIBRARIES[name][0] for name in missing)
    fedora = " ".join(XCB_LIBRARIES[name][1] for name in missing)
    return (f"the window needs system libraries that are missing ({', '.join(missing)}): "
            f"sudo apt install {debian}  (Debian/Ubuntu)  or  sudo dnf install {fedora}  (Fedora)")


def main() -> int:
    """`python -m bert_desk.display_check`: 0 when the window can open, 1 (with the install line) if not."""
    missing = missing_libraries() if sys.platform.startswith("linux") else []
    if missing:
        print(f"bert-desk: {install_hint(missing)}", file=sys.stderr)
        return 1
    print("bert-desk: the libraries the window needs are installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
