"""A first launch without the X11 libraries Qt needs says so on stderr, in one line with the install
command, instead of aborting silently (exit 134) with the reason only in the log."""

from __future__ import annotations

import ctypes

import pytest

from bert_desk import display_check


def test_missing_libraries_are_named_with_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctypes.CDLL

    def cdll(name: str, *args: object, **kwargs: object) -> object:
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kwargs) if name not in display_check.XCB_LIBRARIES else object()

    monkeypatch.setattr(display_check.ctypes, "CDLL", cdll)
    assert display_check.missing_libraries() == ["libxcb-cursor.so.0"]
    hint = display_check.install_hint(["libxcb-cursor.so.0"])
    assert "sudo apt install libxcb-cursor0" in hint and "sudo dnf install xcb-util-cursor" in hint


@pytest.mark.parametrize(("env", "xcb"), [
    ({"DISPLAY": ":0"}, True), ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "offscreen"}, False), ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, False),
])
def test_only_the_x11_platform_is_checked(env: dict[str, str], xcb: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display_check.sys, "platform", "linux")
    assert display_check.uses_xcb(env) is xcb


def test_the_app_refuses_to_start_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                tmp_path) -> None:
    from bert_desk import app

    monkeypatch.setenv("BERT_DESK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(display_check, "uses_xcb", lambda environ=None: True)
    monkeypatch.setattr(display_check, "missing_libraries", lambda: ["libxcb-cursor.so.0"])
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bert-desk: error: the window needs system libraries") and err.count("\n") == 1
    assert "sudo apt install libxcb-cursor0" in err
