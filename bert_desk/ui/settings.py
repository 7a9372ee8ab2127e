"""The one typed adapter over `QSettings`: every preference is read and written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from bert_desk.engine.device import DEVICES, PRECISIONS

ORGANIZATION = "bert_desk"
APPLICATION = "bert_desk"
THEMES = ("light", "dark")
MAX_RECENT = 12  # every recent list: models per tab, questions, projects
MAX_INPUT_CHARS = 100_000


def default_qsettings() -> QSettings:
    """The user's settings file (INI format everywhere, so it is easy to inspect and reset)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class Settings:
    """Typed access to preferences (last model per tab, device, theme, inputs, recents) and window state."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else default_qsettings()

    @classmethod
    def from_file(cls, path: str) -> Settings:
        return cls(QSettings(path, QSettings.Format.IniFormat))

    # -- low level --------------------------------------------------------------------------
    def _str(self, key: str, default: str = "") -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    def _list(self, key: str) -> list[str]:
        raw = self._str(key)
        try:
            value: Any = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _set_list(self, key: str, values: list[str]) -> None:
        self.store.setValue(key, json.dumps(values[:MAX_RECENT], ensure_ascii=False))

    def _push(self, key: str, value: str) -> list[str]:
        value = value.strip()
        values = self._list(key)
        if value:
            values = [value, *(v for v in values if v != value)][:MAX_RECENT]
            self._set_list(key, values)
        return values

    def sync(self) -> None:
        self.store.sync()

    # -- models -----------------------------------------------------------------------------
    def last_model(self, tab: str) -> str:
        return self._str(f"models/{tab}/last")

    def set_last_model(self, tab: str, spec: str) -> None:
        """The spec the tab shows next time (whether or not it loaded)."""
        self.store.setValue(f"models/{tab}/last", spec)

    def remember_model(self, tab: str, spec: str) -> None:
        """A spec that loaded: first in the tab's recent list (a spec that failed never gets there)."""
        self._push(f"models/{tab}/recent", spec)

    def recent_models(self, tab: str) -> list[str]:
        return self._list(f"models/{tab}/recent")

    # -- device and theme -------------------------------------------------------------------
    @property
    def device(self) -> str:
        value = self._str("general/device", "auto")
        return value if value in DEVICES else "auto"

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("general/device", value if value in DEVICES else "auto")

    @property
    def precision(self) -> str:
        value = self._str("general/precision", "auto")
        return value if value in PRECISIONS else "auto"

    @precision.setter
    def precision(self, value: str) -> None:
        self.store.setValue("general/precision", value if value in PRECISIONS else "auto")

    @property
    def theme(self) -> str:
        value = self._str("general/theme", "light")
        return value if value in THEMES else "light"

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("general/theme", value if value in THEMES else "light")

    # -- inputs -----------------------------------------------------------------------------
    def last_input(self, key: str) -> str:
        """Last text of an input (`sentiment.input`, `qa.context`, `qa.question`, `ner.input`)."""
        return self._str(f"inputs/{key}")

    def set_last_input(self, key: str, text: str) -> None:
        """Remember an input; texts over `MAX_INPUT_CHARS` are not kept (the settings file stays small)."""
        self.store.setValue(f"inputs/{key}", text if len(text) <= MAX_INPUT_CHARS else "")

    def recent_questions(self) -> list[str]:
        return self._list("qa/recent_questions")

    def add_recent_question(self, question: str) -> list[str]:
        return self._push("qa/recent_questions", question)

    def last_dir(self) -> str:
        return self._str("general/last_dir")

    def set_last_dir(self, path: str) -> None:
        self.store.setValue("general/last_dir", path)

    # -- window state -----------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    def review_state(self) -> tuple[str, bool, bool]:
        """The Review tab's task, "snap to words" and "advance after review" toggles."""
        flag = {"true": True, "false": False}
        return (self._str("review/task", "ner"), flag.get(self._str("review/snap", "true").lower(), True),
                flag.get(self._str("review/auto_advance", "true").lower(), True))  # on until turned off

    def set_review_state(self, task: str, snap: bool, auto_advance: bool) -> None:
        self.store.setValue("review/task", task)
        self.store.setValue("review/snap", "true" if snap else "false")
        self.store.setValue("review/auto_advance", "true" if auto_advance else "false")

    def current_tab(self) -> int:
        try:
            return int(str(self.store.value("window/tab", 0)))
        except (TypeError, ValueError):
            return 0

    def set_current_tab(self, index: int) -> None:
        self.store.setValue("window/tab", int(index))


class RecentProjects:
    """Recent project files, most recent first, in the settings (key `review/recent_projects`, a JSON
    list) or in memory when `store` is None."""

    KEY = "review/recent_projects"

    def __init__(self, store: Settings | QSettings | None = None) -> None:
        self._settings = store if isinstance(store, Settings) else Settings(store) if store is not None else None
        self._memory: list[str] = []

    def paths(self) -> list[str]:
        return self._settings._list(self.KEY) if self._settings is not None else list(self._memory)

    def _save(self, paths: list[str]) -> None:
        if self._settings is None:
            self._memory = paths[:MAX_RECENT]
        else:
            self._settings._set_list(self.KEY, paths)

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self._save([path, *(p for p in self.paths() if p != path)])

    def remove(self, path: str | Path) -> None:
        self._save([p for p in self.paths() if p != str(path)])

    def clear(self) -> None:
        self._save([])

    def last_dir(self) -> str:
        paths = self.paths()
        return str(Path(paths[0]).parent) if paths else ""
