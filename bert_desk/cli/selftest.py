"""`bert-desk --selftest [--no-gui]`: run each task of the table that has a sample once, on the model
`--model KEY=SPEC` names or the bundled one, then (unless --no-gui) build the main window offscreen.
Exit status 0 only if every run worked and at least one ran: the frozen build is smoke-tested this way."""

from __future__ import annotations

import json

from bert_desk.engine import registry


def selftest(overrides: dict[str, str], device: str, gui: bool) -> int:
    """Run each self-tested task (`sample` in the table; the pre-training model: fill-mask) once on its
    sample and print one line per task; 0 only if every one ran."""
    from bert_desk.engine.loading import default_spec, load_model

    ran, failed = 0, 0
    for task in registry.TASKS.values():
        if task.sample is None:
            continue
        key = task.model_key
        spec = overrides.get(key) or default_spec(key)
        if spec is None:
            print(f"{key}: skipped (no model)")
            continue
        try:
            model = load_model(spec, task.name, device=device)
            result = task.single(model, **task.sample)
            summary = task.summary(result) if task.summary else json.dumps(task.to_json(result), ensure_ascii=False)
            print(f"{key}: ok [{spec} on {model.info.device.description}, {model.info.precision}] {summary}")
            ran += 1
        except Exception as exc:  # selftest reports every failure, then exits non-zero
            print(f"{key}: FAILED [{spec}] {exc}")
            failed += 1
    if gui:
        failed += _selftest_gui(overrides, device)
    print("selftest:", "ok" if failed == 0 and ran else "FAILED")
    return 0 if failed == 0 and ran else 1


def _selftest_gui(overrides: dict[str, str], device: str) -> int:
    """Build the main window offscreen and close it; 0 when that works (the one place the CLI starts the GUI
    besides opening it)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from bert_desk.app import build_main_window

        argv = ["--device", device] + [x for t, s in overrides.items() for x in ("--model", f"{t}={s}")]
        window = build_main_window(argv)
        window.close()
        print("gui: ok")
        return 0
    except Exception as exc:
        print(f"gui: FAILED {exc}")
        return 1
