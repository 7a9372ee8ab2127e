"""Linux packages of the frozen one-folder app: the .deb (app in /opt/bert-desk) and the .tar.gz.

build.py loads this file by path (like bundle_tools.py), so it never shadows PyPI's `packaging`.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

PACKAGING = Path(__file__).resolve().parent
DEB_NAME = "bert-desk"
APP_ID = "io.github.bert_desk.BertDesk"
DEB_LEVELS = {"xz": 6, "gzip": 6, "zstd": 19}  # default -z level per dpkg-deb compressor


class PackageError(Exception):
    """A packaging tool failed; the message names it."""


def debian_name(soname: str) -> str:
    """Debian's library package naming: libfoo.so.1 -> libfoo1, libfoo2.so.0 -> libfoo2-0."""
    match = re.match(r"(lib.+?)\.so\.(\d+)", soname)
    if not match:
        return soname
    stem, major = match.group(1).lower(), match.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def ldconfig() -> str | None:
    """The ldconfig binary (often outside a user's PATH), or None."""
    return shutil.which("ldconfig") or next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig")
                                            if Path(p).exists()), None)


def _system_libraries() -> dict[str, str]:
    """soname -> path of the native-architecture libraries the dynamic loader knows (`ldconfig -p`)."""
    tag = {"x86_64": "x86-64", "aarch64": "AArch64"}.get(platform.machine(), "")
    out = subprocess.run([ldconfig() or "ldconfig", "-p"], capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)", line)
        if match and tag in match.group(2):
            found.setdefault(match.group(1), match.group(3))
    return found


def deb_depends(bundle: Path, tools: ModuleType) -> tuple[str, list[str]]:
    """The Depends line for the bundle: packages of the system libraries its ELF files link but
    it does not carry (PyInstaller leaves libc, GL/EGL, libxcb and Wayland client libraries to the
    system), plus libc6 at the newest GLIBC symbol version any of them asks for. Also returns the
    sonames no installed package owns, with the package name guessed for them."""
    inside = {p.name for p in bundle.rglob("*")}
    wanted: set[str] = set()
    glibc = {(2, 17)}
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and tools.is_elf(path):
            wanted |= tools.elf_needed(path) or set()
            glibc |= tools.elf_glibc_versions(path)
    known = _system_libraries()
    packages: set[str] = set()
    guessed = []
    for soname in sorted(wanted - inside):
        package = None
        where = known.get(soname)
        if where and shutil.which("dpkg"):
            for candidate in dict.fromkeys((where, os.path.realpath(where))):
                out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if out.returncode == 0 and out.stdout:
                    package = out.stdout.split(":", 1)[0].strip()
                    break
        if package is None:
            package = debian_name(soname)
            guessed.append(f"{soname} -> {package}")
        packages.add(package.split(",")[0].strip())
    # The loader and libc's own parts (libm, libpthread, ...) come with libc6.
    packages -= {"libc6", "libc-bin", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
    major, minor = max(glibc)
    return ", ".join([f"libc6 (>= {major}.{minor})", *sorted(packages)]), guessed


WRAPPER = """#!/bin/sh
# bert-desk launcher: runs the app installed in /opt/bert-desk. It finds the app relative to its
# own real location, so an unpacked package (dpkg-deb -x pkg.deb ROOT) runs as ROOT/usr/bin/bert-desk.
self=$(readlink -f -- "$0" 2>/dev/null || printf '%s' "$0")
app="${self%/*}/../../opt/bert-desk/bert-desk"
[ -x "$app" ] || app=/opt/bert-desk/bert-desk
exec "$app" "$@"
"""

COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bert_desk
Source: {homepage}

Files: *
Copyright: bert_desk contributors
License: Apache-2.0
 On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.
Comment: /opt/bert-desk bundles a Python runtime and third-party libraries, each under its own
 license (Python: PSF; PyTorch: BSD-3-Clause; Qt 6 / PySide6: LGPL-3.0; transformers, tokenizers,
 safetensors: Apache-2.0; spaCy, thinc: MIT; NumPy: BSD-3-Clause). Their license files are kept
 next to each library under /opt/bert-desk/_internal (*.dist-info). The bundled models in
 /opt/bert-desk/_internal/resources/models carry their own model cards.
"""


def homepage() -> str:
    """The homepage URL of the AppStream metadata (the one place it is written)."""
    text = (PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    match = re.search(r'<url type="homepage">([^<]+)</url>', text)
    return match.group(1) if match else ""


def _copy_bundle(src: Path, dst: Path) -> None:
    """Hard-link the bundle into a staging tree (fast, no extra disk); copy when links fail."""
    def link_or_copy(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dst, symlinks=True, copy_function=link_or_copy)


def _stage_deb(bundle: Path, icons: Path, stage: Path, version: str) -> None:
    """The package tree: /opt/bert-desk, the /usr/bin wrapper, menu entry, metainfo, icons, copyright."""
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "DEBIAN").mkdir(parents=True)
    _copy_bundle(bundle, stage / "opt" / "bert-desk")
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "bert-desk").write_text(WRAPPER, encoding="utf-8")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(PACKAGING / "linux" / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    (share / "metainfo").mkdir(parents=True)
    metainfo = (PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", version).replace("@DATE@", time.strftime("%Y-%m-%d"))
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(metainfo, encoding="utf-8")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    doc = share / "doc" / DEB_NAME
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT.format(homepage=homepage()), encoding="utf-8")
    (bin_dir / "bert-desk").chmod(0o755)
    for path in stage.rglob("*"):  # normalise modes: dpkg-deb keeps them as found
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def _control(version: str, arch: str, variant: str, depends: str, installed_kb: int) -> str:
    """DEBIAN/control; the CUDA build is its own package that replaces the CPU one."""
    description = ("BERT-family models on your desk: sentiment, question answering and named entities,\n"
                   " offline, in a desktop app and a command line (bert-desk --help).\n"
                   f" This build runs models on the {'GPU (CUDA) or ' if variant == 'cuda' else ''}CPU.")
    return (f"Package: {DEB_NAME}{'-cuda' if variant == 'cuda' else ''}\n"
            f"Version: {version}\nArchitecture: {arch}\n"
            "Maintainer: bert_desk maintainers <maintainers@users.noreply.github.com>\n"
            f"Installed-Size: {installed_kb}\nDepends: {depends}\n"
            + (f"Conflicts: {DEB_NAME}\nProvides: {DEB_NAME}\n" if variant == "cuda" else
               f"Conflicts: {DEB_NAME}-cuda\n")
            + f"Section: science\nPriority: optional\nHomepage: {homepage()}\n"
            f"Description: {description}\n")


def build_deb(bundle: Path, icons: Path, *, version: str, variant: str, compression: str, level: int | None,
              work: Path, out_dir: Path, tools: ModuleType, log: Callable[[str], None]) -> Path:
    """Stage the bundle under `work` and build `out_dir/bert-desk[-cuda]_<version>_<arch>.deb`."""
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    arch = arch or "amd64"
    stage = work / f"{DEB_NAME}_{version}_{arch}"
    _stage_deb(bundle, icons, stage, version)
    depends, guessed = deb_depends(stage / "opt" / "bert-desk", tools)
    for line in guessed:
        log(f"deb: no installed package owns {line.split(' ->')[0]}; guessing Depends {line.split('-> ')[1]}")
    installed_kb = (tools.tree_size(stage) + 1023) // 1024
    (stage / "DEBIAN" / "control").write_text(_control(version, arch, variant, depends, installed_kb),
                                              encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-cuda" if variant == "cuda" else ""
    out = out_dir / f"{DEB_NAME}{suffix}_{version}_{arch}.deb"
    flags = [f"-Z{compression}"] + ([f"-z{level if level is not None else DEB_LEVELS[compression]}"]
                                    if compression in DEB_LEVELS else [])
    cmd = ["dpkg-deb", "--root-owner-group", *flags, "--build", str(stage), str(out)]
    log("deb: " + " ".join(cmd))
    if subprocess.run(cmd).returncode != 0:
        raise PackageError("dpkg-deb failed (see its output above)")
    shutil.rmtree(stage)  # the staged tree is hard links into dist/: cheap to make again
    return out


def build_tarball(bundle: Path, *, version: str, variant: str, out_dir: Path,
                  log: Callable[[str], None]) -> Path:
    """`out_dir/bert-desk-<version>-linux-<machine>[-cuda].tar.gz`, files owned by root."""
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-cuda" if variant == "cuda" else ""
    out = out_dir / f"bert-desk-{version}-linux-{platform.machine()}{suffix}.tar.gz"

    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    log(f"tar: {out.name}")
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"bert-desk-{version}", filter=owner)
    return out
