"""PyInstaller runtime hook template: run some of PyInstaller's own runtime hooks lazily.

PyInstaller runs `pyi_rth_pyside6` (imports PySide6.QtCore to register qt.conf: ~80 ms),
`pyi_rth_inspect` (imports inspect and reads base_library.zip), `pyi_rth_pkgutil` and
`pyi_rth_multiprocessing` before the app's first line, even for `bert-desk --version` or a
headless command that never touches Qt or multiprocessing. The spec removes those hooks from
the start-up list and writes a copy of this file with DEFERRED filled in:
{module: [(hook name, hook source), ...]}. Each hook then runs right after its module is first
imported (before the importer sees the module), exactly as it would have at start-up: a hook
only patches or configures the module it is keyed on, and Qt reads QT_PLUGIN_PATH and qt.conf
when the QApplication starts, not when PySide6 is imported.
"""

DEFERRED: dict = {}  # filled in by bert_desk.spec
# Hooks that only wrap one function run when that function is first called, not at import:
# pyi_rth_inspect (imports zipfile) only changes inspect.getsourcefile, and inspect is imported at
# every start (dataclasses needs it).
ON_FIRST_CALL = {"inspect": "getsourcefile"}


def _install(deferred: dict) -> None:
    import sys

    def exec_hooks(hooks: list) -> None:
        for hook_name, source in hooks:
            exec(compile(source, hook_name, "exec"), {"__name__": hook_name, "__builtins__": __builtins__})

    def run_hooks(name: str) -> None:
        hooks = deferred.pop(name, ())
        attr = ON_FIRST_CALL.get(name)
        if not hooks or attr is None:
            exec_hooks(hooks)
            return
        module = sys.modules[name]
        original = getattr(module, attr)

        def first_call(*args, **kwargs):
            setattr(module, attr, original)  # the hook wraps the original, never this stub
            exec_hooks(hooks)
            return getattr(module, attr)(*args, **kwargs)

        setattr(module, attr, first_call)

    class _RunHooksAfter:
        """Loader wrapper: the real loader executes the module, then the deferred hooks run."""

        def __init__(self, inner, name: str) -> None:
            self._inner, self._name = inner, name

        def create_module(self, spec):
            return self._inner.create_module(spec)

        def exec_module(self, module) -> None:
            self._inner.exec_module(module)
            run_hooks(self._name)

        def __getattr__(self, attr: str):  # get_source, get_resource_reader, is_package, ...
            return getattr(self._inner, attr)

    class _DeferredHookFinder:
        def find_spec(self, name, path=None, target=None):
            if name not in deferred:
                return None
            import importlib.util

            hooks = deferred.pop(name)  # popped first: the nested find_spec below skips this finder
            try:
                spec = importlib.util.find_spec(name)
            finally:
                deferred[name] = hooks
            if spec is None or spec.loader is None:
                return spec
            spec.loader = _RunHooksAfter(spec.loader, name)
            return spec

    for name in [n for n in deferred if n in sys.modules]:  # already imported: run now
        run_hooks(name)
    if deferred:
        sys.meta_path.insert(0, _DeferredHookFinder())


_install(DEFERRED)
del _install
