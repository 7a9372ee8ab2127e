"""Helpers the spec uses to trim the Linux bundle: read ELF headers (no binutils needed to read),
drop system libraries only cut plugins needed, strip symbol tables.

Pure standard library; imported by packaging/bert_desk.spec by file path.
"""

from __future__ import annotations

import mmap
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

SHT_SYMTAB, SHT_DYNAMIC, DT_NEEDED = 2, 6, 1


def _sections(mapped: mmap.mmap) -> list[tuple[int, int, int, int]] | None:
    """(type, offset, size, link) of each section of a little-endian ELF64 file, else None."""
    if mapped[:4] != b"\x7fELF" or mapped[4] != 2 or mapped[5] != 1:
        return None
    shoff = struct.unpack_from("<Q", mapped, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", mapped, 0x3A)
    sections = []
    for index in range(shnum):
        base = shoff + index * shentsize
        sh_type = struct.unpack_from("<I", mapped, base + 4)[0]
        offset, size = struct.unpack_from("<QQ", mapped, base + 0x18)
        link = struct.unpack_from("<I", mapped, base + 0x28)[0]
        sections.append((sh_type, offset, size, link))
    return sections


def _open(path: Path):
    handle = path.open("rb")
    try:
        return handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:  # empty file
        handle.close()
        raise


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_needed(path: Path) -> set[str] | None:
    """DT_NEEDED names of an ELF64 LE file; None when it cannot be read as one."""
    try:
        handle, mapped = _open(path)
    except (OSError, ValueError):
        return None
    try:
        sections = _sections(mapped)
        if sections is None:
            return None
        needed: set[str] = set()
        for sh_type, offset, size, link in sections:
            if sh_type != SHT_DYNAMIC:
                continue
            strtab = sections[link][1]
            for pos in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", mapped, pos)
                if tag == 0:
                    break
                if tag == DT_NEEDED:
                    start = strtab + value
                    needed.add(mapped[start:mapped.find(b"\0", start)].decode())
        return needed
    except (struct.error, IndexError, UnicodeDecodeError):
        return None
    finally:
        mapped.close()
        handle.close()


def elf_glibc_versions(path: Path) -> set[tuple[int, int]]:
    """The GLIBC_x.y symbol versions an ELF64 LE file asks for (read from its dynamic string table)."""
    import re

    try:
        handle, mapped = _open(path)
    except (OSError, ValueError):
        return set()
    try:
        sections = _sections(mapped) or []
        found: set[tuple[int, int]] = set()
        for sh_type, _, _, link in sections:
            if sh_type == SHT_DYNAMIC:
                _, offset, size, _ = sections[link]
                for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", mapped[offset:offset + size]):
                    found.add((int(major), int(minor)))
        return found
    except (struct.error, IndexError):
        return set()
    finally:
        mapped.close()
        handle.close()


def has_symtab(path: Path) -> bool:
    """True when an ELF64 LE file still carries a static symbol table (strippable)."""
    try:
        handle, mapped = _open(path)
    except (OSError, ValueError):
        return False
    try:
        sections = _sections(mapped)
        return bool(sections) and any(s[0] == SHT_SYMTAB for s in sections)
    except (struct.error, IndexError):
        return False
    finally:
        mapped.close()
        handle.close()


def prune_orphans(kept: list[tuple], dropped: Iterable[tuple]) -> tuple[list[tuple], list[str]]:
    """Remove from `kept` (PyInstaller binaries TOC: dest, src, typecode) the top-level shared
    libraries that only `dropped` binaries needed (directly or through other orphans). Libraries
    nothing references at all (loaded with ctypes/dlopen) are left alone. When any kept binary
    cannot be read, nothing is pruned."""
    needs: dict[str, set[str]] = {}
    for dest, src, _ in kept:
        if is_elf(Path(src)):
            found = elf_needed(Path(src))
            if found is None:
                return kept, []
            needs[dest] = found
    freed: set[str] = set()
    for _, src, _ in dropped:
        freed |= elf_needed(Path(src)) or set()
    removed: list[str] = []
    while True:
        wanted = set().union(*(needs.get(dest, set()) for dest, _, _ in kept))
        orphans = [entry for entry in kept
                   if "/" not in entry[0] and "\\" not in entry[0]
                   and entry[0] in freed and entry[0] not in wanted]
        if not orphans:
            return kept, removed
        for entry in orphans:
            kept = [e for e in kept if e is not entry]
            freed |= needs.get(entry[0], set())
            removed.append(entry[0])


def remove_dangling_links(root: Path) -> list[str]:
    """Delete symbolic links under `root` whose target is not there (a library the spec cut, e.g. a
    system CUDA runtime found through a ctypes name, leaves its `libfoo.so` link behind); returns them."""
    removed = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and not path.exists():
            path.unlink()
            removed.append(str(path.relative_to(root)))
    return removed


def strip_tree(root: Path, skip_dirs: tuple[str, ...] = (".libs",)) -> tuple[int, int]:
    """`strip --strip-unneeded` every ELF file under `root` that still has a symbol table, except in
    folders ending with `skip_dirs` (libraries grafted and patched by auditwheel). Returns
    (files stripped, bytes saved); (0, 0) when binutils' strip is not installed."""
    strip = shutil.which("strip")
    if strip is None:
        return 0, 0
    count = saved = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or any(p.endswith(skip_dirs) for p in path.parent.parts):
            continue
        if not is_elf(path) or not has_symtab(path):
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
        count += 1
    return count, saved


def pycache_datas(datas: Iterable[tuple], workdir: Path,
                  wanted: Callable[[str], bool] = lambda dest: True) -> list[tuple[str, str, str]]:
    """For every .py file among PyInstaller `datas` (dest, src, typecode) — the sources kept for
    torch and transformers — compile an unchecked-hash .pyc (valid wherever the bundle is moved,
    never re-checked against the source) into `workdir` and return the TOC entries placing it in
    the bundle's `__pycache__`, as in a site-packages install: no start compiles anything. Added
    before COLLECT, so the macOS .app gets them too. Compiled files are reused while newer than
    their source. Sources for which `wanted(dest)` is false stay uncompiled (compiled in memory
    if ever imported)."""
    import importlib.util
    import py_compile

    entries = []
    for dest, src, _ in datas:
        if not dest.endswith(".py") or not wanted(dest):
            continue
        cached = importlib.util.cache_from_source(dest)  # pkg/__pycache__/mod.cpython-311.pyc
        target = workdir / cached
        source = Path(src)
        if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                py_compile.compile(str(source), cfile=str(target), dfile=dest, doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            except py_compile.PyCompileError:
                continue  # not Python 3 code (a template): Python would not import it either
        entries.append((cached, str(target), "DATA"))
    return entries


def tree_size(path: Path) -> int:
    """Bytes of the regular files under `path` (links not followed or counted)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
