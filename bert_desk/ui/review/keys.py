"""Review key bindings, delivered by an event filter on the review's own widgets.

The filter accepts the `ShortcutOverride` of each bound key, so the key reaches the review even
when the window binds the same sequence (Edit ▸ Undo is Ctrl+Z), and handles the key press
before the widget does (a table would otherwise move its current column on Left/Right, a text
view its caret). Shift+arrows move the selected entity's end (Ctrl+Shift+arrows its start) by a word, and
pass through to select text when no entity is selected; other keys pass through untouched. Text
inputs (search, new question) are not filtered, so typing there never triggers a binding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

Mod = Qt.KeyboardModifier
PLAIN = Mod.NoModifier
CTRL = Mod.ControlModifier
CTRL_SHIFT = Mod.ControlModifier | Mod.ShiftModifier

# key -> action name; `digit:<n>` for 0-9
PLAIN_KEYS: dict[int, str] = {
    Qt.Key.Key_A: "accept", Qt.Key.Key_X: "reject", Qt.Key.Key_Space: "skip",
    Qt.Key.Key_Right: "next", Qt.Key.Key_J: "next", Qt.Key.Key_Left: "prev", Qt.Key.Key_K: "prev",
    Qt.Key.Key_N: "next_unreviewed", Qt.Key.Key_U: "next_uncertain", Qt.Key.Key_Delete: "delete",
    Qt.Key.Key_Backspace: "delete",
    Qt.Key.Key_Escape: "escape",
}
CTRL_KEYS: dict[int, str] = {Qt.Key.Key_Z: "undo", Qt.Key.Key_Y: "redo"}
CTRL_SHIFT_KEYS: dict[int, str] = {Qt.Key.Key_Z: "redo", Qt.Key.Key_Left: "span_start_left",
                                   Qt.Key.Key_Right: "span_start_right"}
SHIFT = Mod.ShiftModifier
SHIFT_KEYS: dict[int, str] = {Qt.Key.Key_Left: "span_end_left", Qt.Key.Key_Right: "span_end_right"}

#: (keys, what they do) as shown to the user: the hint line under the text and Help ▸ Keyboard shortcuts.
BINDINGS: tuple[tuple[str, str], ...] = (
    ("1–9", "label"), ("A", "accept"), ("X", "reject"), ("Space", "skip"), ("→/J", "next"), ("←/K", "previous"),
    ("N", "next unreviewed"), ("U", "next least sure"), ("Shift+←/→", "move the entity's end"),
    ("Ctrl+Shift+←/→", "its start"), ("Del", "delete"), ("Ctrl+Z", "undo"), ("Ctrl+Shift+Z", "redo"),
    ("Esc", "clear the selection, else cancel the running job"),
)
HELP = " · ".join(f"{keys} {what}" for keys, what in BINDINGS[:-1])


def action_for(event: QKeyEvent) -> str | None:
    """The review action a key event stands for, or None."""
    mods = event.modifiers() & ~Mod.KeypadModifier
    key = event.key()
    if mods == PLAIN:
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            return f"digit:{key - Qt.Key.Key_0}"
        return PLAIN_KEYS.get(Qt.Key(key))
    if mods == CTRL:
        return CTRL_KEYS.get(Qt.Key(key))
    if mods == CTRL_SHIFT:
        return CTRL_SHIFT_KEYS.get(Qt.Key(key))
    if mods == SHIFT:
        return SHIFT_KEYS.get(Qt.Key(key))
    return None


def dispatcher(actions: Mapping[str, Callable[[], object]], *, digit: Callable[[int], object],
               escape: Callable[[], bool], active: Callable[[], bool]) -> Callable[[str], bool]:
    """A `ReviewKeys` handler: digits label, `escape()` says whether it used the key, every other
    bound action runs from `actions` (one that returns False leaves the key to the widget); nothing
    happens while `active()` is False."""

    def handle(action: str) -> bool:
        if not active():
            return False
        if action.startswith("digit:"):
            digit(int(action.split(":")[1]))
            return True
        if action == "escape":
            return escape()
        handler = actions.get(action)
        if handler is None:
            return False
        return handler() is not False

    return handle


class ReviewKeys(QObject):
    """Calls `handler(action)` for bound keys pressed in the watched widgets; the handler
    returns False to let the widget have the key after all."""

    def __init__(self, handler: Callable[[str], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler

    def watch(self, *widgets: QObject) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent):
            action = action_for(event)
            if action is None:
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # deliver it as a key press, not as the window's shortcut
                return True
            if self._handler(action):
                event.accept()
                return True
        return False
