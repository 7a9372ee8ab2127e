"""PyInstaller runtime hook: a lazy stand-in for PyInstaller's own `pyi_rth_pyside6` (the spec
removes that one).

The stock hook imports PySide6.QtCore at every start to register an embedded qt.conf: ~80 ms
spent before `bert-desk --version` or any headless command, which never touch Qt. This hook sets
the same environment at once (cheap) and registers qt.conf right after PySide6.QtCore is first
imported, which is all Qt needs: the file is read when QCoreApplication starts.
"""


def _install() -> None:
    import os
    import sys

    meipass = sys._MEIPASS  # type: ignore[attr-defined]
    qt_dir = os.path.join(meipass, "PySide6") if sys.platform == "win32" else os.path.join(meipass, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_dir, "qml")
    if sys.platform == "win32":  # DLLs collected at the top level must be found by Qt's plugin loader
        os.environ["PATH"] = meipass + os.pathsep + os.environ.get("PATH", "")

    class _AfterImport:
        """Loader wrapper: run the real loader, then register qt.conf."""

        def __init__(self, inner: object) -> None:
            self._inner = inner

        def create_module(self, spec):
            return self._inner.create_module(spec)

        def exec_module(self, module) -> None:
            self._inner.exec_module(module)
            try:
                from _pyi_rth_utils import qt as qt_rth_utils

                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_dir)
            except Exception:  # Qt still works from QT_PLUGIN_PATH; never fail the import
                pass

    class _QtCoreFinder:
        """Meta-path finder that only wraps the loader of PySide6.QtCore, once."""

        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is not None and spec.loader is not None:
                spec.loader = _AfterImport(spec.loader)
            return spec

    sys.meta_path.insert(0, _QtCoreFinder())


_install()
del _install
