"""Fast checks of the packaging recipes that need no build (run with the default suite)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from configparser import ConfigParser

import pytest

from bert_desk import __version__
from tests.packaging.helpers import APP_ID, PACKAGING, ROOT, load_script


def test_icons_render_every_size_from_the_svg(tmp_path):
    from PySide6.QtGui import QImage

    icons = load_script("icons")
    paths = icons.render_all(tmp_path, APP_ID)
    for size in icons.HICOLOR_SIZES:
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank
        assert image.pixelColor(0, 0).alpha() == 0  # rounded corner stays transparent
    assert (tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == icons.SVG_SOURCE.read_bytes()

    ico = paths["ico"].read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for index in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * index)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(ico)
        assert (width or 256) in icons.ICO_SIZES

    icns = paths["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)


def test_desktop_entry_points_at_the_wrapper_and_icon():
    entry = ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    group = entry["Desktop Entry"]
    assert group["Type"] == "Application"
    assert group["Exec"].split()[0] == "bert-desk"
    assert group["Icon"] == APP_ID
    assert group["Terminal"] == "false"


def test_metainfo_is_consistent():
    tree = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml")
    root = tree.getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.find("releases/release").get("version") == "@VERSION@"  # filled in by build.py
    shots = [image.text for image in root.iter("image")]
    assert shots and all(s.startswith("https://") and "/docs/screenshots/" in s and s.endswith(".png") for s in shots)
    for url in shots:  # the URLs point into this repository: the files must exist here
        assert (ROOT / "docs" / "screenshots" / url.rsplit("/", 1)[1]).is_file(), url
    assert root.find("provides/binary").text == "bert-desk"


def test_windows_installer_script_matches_the_spec():
    iss = (PACKAGING / "windows" / "bert-desk.iss").read_text(encoding="utf-8")
    spec = (PACKAGING / "bert_desk.spec").read_text(encoding="utf-8")
    assert '#define AppExe "bert-desk.exe"' in iss
    assert 'name="bert-desk-cli"' in spec and 'name="bert-desk"' in spec
    for section in ("[Setup]", "[Files]", "[Icons]", "[Run]", "[Code]"):
        assert section in iss
    assert "{uninstallexe}" in iss  # Start-menu uninstaller entry
    assert "{group}" in iss


def test_build_script_names_missing_pieces(monkeypatch, tmp_path):
    build = load_script("build")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    (tmp_path / "resources" / "models" / "ner").mkdir(parents=True)
    assert "missing: resources/models/sentiment/" in build.check_model_folder("sentiment")
    problem = build.check_model_folder("ner")
    assert "config.json" in problem and "safetensors" in problem
    args = build.parse_args([])
    monkeypatch.setattr(build.importlib.util, "find_spec", lambda name: None)
    problems = "\n".join(build.preflight(args))
    assert "PyInstaller is not installed" in problems
    assert "resources/models/sentiment/" in problems
    assert build.app_version.__name__ and build.parse_args(["--skip-deb"]).skip_deb


def test_build_refuses_an_environment_that_left_the_lock(tmp_path):
    build = load_script("build")
    lock = tmp_path / "lock.txt"
    lock.write_text("# pins\npytest==0.0.1\nno-such-dist==1.0\n", encoding="utf-8")
    problems = "\n".join(build.preflight(build.parse_args(["--lock", str(lock)])))
    assert "pytest" in problems and "the lock pins 0.0.1" in problems and "--no-lock-check" in problems
    assert "no-such-dist" not in problems  # only installed distributions are compared
    quiet = "\n".join(build.preflight(build.parse_args(["--lock", str(lock), "--no-lock-check"])))
    assert "the lock pins" not in quiet


def test_bundle_rules_keep_package_data_and_drop_sources():
    rules = load_script("bundle_rules")
    assert not rules.dropped_data("kernels/_internals/python_depends.json")
    assert not rules.dropped_data("spacy/lang/en/lex_attrs.json")
    assert not rules.dropped_data("thinc/backends/_custom_kernels.cu")  # thinc reads it at import
    for dest in ("torch/include/ATen/ATen.h", "numpy/_core/tests/data/x.csv", "torch/share/cmake/Torch.cmake",
                 "PySide6/Qt/qml/QtQuick/Controls/Button.qml", "tokenizers/__init__.pyi"):
        assert rules.dropped_data(dest), dest
    assert rules.CODE.search("torch/lib/libtorch_cpu.so") and rules.CODE.search("numpy.libs/libgfortran.so.5.0.0")
    assert not rules.CODE.search("kernels/_internals/python_depends.json")


def test_lock_diff_reports_what_changed(tmp_path):
    lock = load_script("build").load_lock_tools()
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("torch==2.13.0\nkernels==0.19.1\nfoo==1\n", encoding="utf-8")
    new.write_text("# header\ntorch==2.13.0\nkernels==0.20.0\nBar_Baz==2\n", encoding="utf-8")
    assert lock.diff(lock.read_lock(old), lock.read_lock(new)) == [
        "+ bar-baz 2 (new)", "- foo 1 (no longer needed)", "~ kernels 0.19.1 -> 0.20.0"]


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
])
def test_debian_package_names_follow_policy(soname, package):
    assert load_script("linux_packages").debian_name(soname) == package


def test_version_read_without_importing_the_app():
    assert load_script("build").app_version() == __version__
    assert (ROOT / "packaging" / "ci.sh").stat().st_mode & 0o111


def test_launcher_logs_a_startup_crash_and_never_blocks_offscreen(tmp_path, monkeypatch, capsys):
    launcher = load_script("launcher")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # a dialog would block: it must be skipped
    shown = []
    monkeypatch.setattr(launcher, "show_crash_dialog", lambda *a: shown.append(a) or False)
    try:
        raise ModuleNotFoundError("No module named 'frozen_away'")
    except ModuleNotFoundError as exc:
        launcher.report_crash(exc, [])
    log = (tmp_path / "user_data" / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "ModuleNotFoundError: No module named 'frozen_away'" in log and f"bert-desk {__version__}" in log
    assert "frozen_away" in capsys.readouterr().err
    assert shown and shown[0][0].startswith("ModuleNotFoundError")  # a desktop start gets the dialog
    assert launcher.show_crash_dialog("x", "y", None) is False  # offscreen: never shown


@pytest.mark.parametrize(("args", "gui"), [
    ([], True), (["--model", "ner=x"], True), (["--selftest"], False), (["ner", "a.txt"], False),
    (["--version"], False),
])
def test_launcher_knows_desktop_starts_from_cli_runs(args, gui):
    assert load_script("launcher").is_gui_start(args) is gui


def test_launcher_exits_1_after_reporting(monkeypatch):
    launcher = load_script("launcher")
    reported = []
    monkeypatch.setattr(launcher, "report_crash", lambda exc, args: reported.append(exc))
    import bert_desk.__main__ as entry

    monkeypatch.setattr(entry, "main", lambda args: 1 / 0)
    monkeypatch.setattr(launcher.sys, "argv", ["bert-desk"])
    assert launcher.run() == 1 and isinstance(reported[0], ZeroDivisionError)


def test_deferred_runtime_hooks_run_after_their_module_imports(monkeypatch):
    import inspect
    import sys

    template = (PACKAGING / "rthook_deferred.py").read_text(encoding="utf-8")
    hook = "import colorsys\ncolorsys.PATCHED_BY = __name__\n"
    source = template.replace("DEFERRED: dict = {}", f"DEFERRED: dict = {{'colorsys': [('pyi_rth_demo', {hook!r})]}}", 1)
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    before = list(sys.meta_path)
    try:
        exec(compile(source, "rthook_deferred", "exec"), {"__name__": "rthook_deferred"})
        assert "colorsys" not in sys.modules  # nothing imported at start-up
        import colorsys

        assert colorsys.PATCHED_BY == "pyi_rth_demo"
        assert "def rgb_to_hsv" in inspect.getsource(colorsys)  # loader wrapper keeps get_source etc.
    finally:
        sys.meta_path[:] = before
        sys.modules.pop("colorsys", None)


def test_inspect_hook_waits_for_the_first_getsourcefile_call(monkeypatch):
    import inspect
    import sys

    template = (PACKAGING / "rthook_deferred.py").read_text(encoding="utf-8")
    hook = ("import inspect\n_orig = inspect.getsourcefile\n"
            "def patched(obj):\n    patched.calls += 1\n    return _orig(obj)\n"
            "patched.calls = 0\ninspect.getsourcefile = patched\n")
    source = template.replace("DEFERRED: dict = {}", f"DEFERRED: dict = {{'inspect': [('pyi_rth_inspect', {hook!r})]}}", 1)
    original = inspect.getsourcefile
    before = list(sys.meta_path)
    try:
        exec(compile(source, "rthook_deferred", "exec"), {"__name__": "rthook_deferred"})  # inspect already imported
        assert inspect.getsourcefile is not original and not hasattr(inspect.getsourcefile, "calls")
        assert inspect.getsourcefile(inspect).endswith("inspect.py")  # first call runs the hook
        assert inspect.getsourcefile.calls == 1  # and the hook's function is in place, wrapping the original
        inspect.getsourcefile(inspect)
        assert inspect.getsourcefile.calls == 2
    finally:
        sys.meta_path[:] = before
        monkeypatch.setattr(inspect, "getsourcefile", original)
