"""Settings: typed, validated on load, kept in the data store.

A value that is missing, of the wrong type or out of bounds is logged and reset to its
default, so a hand-edited or damaged file can never make the app louder or brighter than
the safety bounds allow.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from asmr_desktop.core import safety
from asmr_desktop.core.defaults import CROSSFADE_DEFAULT_S, CROSSFADE_MAX_S, VOLUME_DEFAULT
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import SCHEMA_KEY, Store

log = logging.getLogger(__name__)

TABLE = "settings"
DOC_ID = 1


class SettingsError(AsmrError):
    """A setting was given a value outside its allowed range."""


def _in_range(low: float, high: float) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and low <= value <= high
        )

    return check


def _one_of(*choices: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return value in choices

    return check


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_time_of_day(value: Any) -> bool:
    """'HH:MM', 24-hour."""
    return (
        isinstance(value, str)
        and len(value) == 5
        and value[2] == ":"
        and value[:2].isdigit()
        and value[3:].isdigit()
        and int(value[:2]) < 24
        and int(value[3:]) < 60
    )


def _is_iso_date_or_empty(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 10:
        return False
    if not value:
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_name_map(value: Any) -> bool:
    """Medication names to kinds: short texts only (diary/medication.py checks the kinds)."""
    return (
        isinstance(value, dict)
        and len(value) <= 500
        and all(
            isinstance(k, str) and isinstance(v, str) and 0 < len(k) <= 80 and len(v) <= 40
            for k, v in value.items()
        )
    )


def _is_geometry(value: Any) -> bool:
    return isinstance(value, str) and len(value) < 4096


@dataclass(frozen=True)
class Settings:
    """Everything a person can set. Defaults are the gentle ones of DESIGN.md."""

    volume: float = VOLUME_DEFAULT
    ceiling_db: float = safety.CEILING_DEFAULT_DB
    loudness_target_lufs: float = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    crossfade_s: float = CROSSFADE_DEFAULT_S
    migraine_mode: bool = False
    ask_before_session: bool = True
    visual_scene: str = "orbs"
    visual_palette: str = "warm"
    visual_speed: float = 1.0
    visual_brightness: float = 0.7
    breaths_per_min: float = 6.0
    window_geometry: str = ""
    last_playlist: str = ""
    ready_playlists_added: bool = False
    keep_playing_in_tray: bool = True
    migraine_skip_ungentle: bool = False
    tray_notice_shown: bool = False
    #: The length of a rest without sound (the Rest page), in minutes.
    rest_minutes: float = 15.0
    #: The daily check-in: asked at this local time, and at the first start of a day when
    #: yesterday has no record.
    checkin_enabled: bool = True
    checkin_time: str = "21:00"
    #: The local date the check-in was last asked (answered or skipped): once a day.
    checkin_asked_on: str = ""
    #: The person's own medication names and kinds, over the built-in list.
    medication_kinds: dict[str, str] = dataclasses.field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``; SettingsError names the first value out of bounds."""
        for key, value in changes.items():
            rule = RULES.get(key)
            if rule is None:
                raise SettingsError(f"There is no setting called {key!r}.")
            if not rule(value):
                raise SettingsError(f"{value!r} is not allowed for {key}.")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Settings from stored values, and the names of values that were reset."""
        values: dict[str, Any] = {}
        reset: list[str] = []
        for field in fields(cls):
            if field.name not in raw:
                continue
            value = raw[field.name]
            if RULES[field.name](value):
                values[field.name] = value
            else:
                reset.append(field.name)
                log.warning(
                    "setting %s had a bad value %r; reset to its default", field.name, value
                )
        return cls(**values), reset


#: The check for each setting. Safety bounds come from safety.py.
RULES: dict[str, Callable[[Any], bool]] = {
    "volume": _in_range(0.0, 1.0),
    "ceiling_db": _in_range(safety.CEILING_MIN_DB, safety.CEILING_MAX_DB),
    "loudness_target_lufs": _in_range(
        safety.LOUDNESS_TARGET_MIN_LUFS, safety.LOUDNESS_TARGET_MAX_LUFS
    ),
    "crossfade_s": _in_range(0.0, CROSSFADE_MAX_S),
    "migraine_mode": _is_bool,
    "ask_before_session": _is_bool,
    "visual_scene": _is_str,
    "visual_palette": _is_str,
    "visual_speed": _in_range(0.25, 1.0),
    "visual_brightness": _in_range(0.1, 1.0),
    "breaths_per_min": _in_range(3.0, 12.0),
    "window_geometry": _is_geometry,
    "last_playlist": _is_str,
    "ready_playlists_added": _is_bool,
    "keep_playing_in_tray": _is_bool,
    "migraine_skip_ungentle": _is_bool,
    "tray_notice_shown": _is_bool,
    "rest_minutes": _in_range(1.0, 120.0),
    "checkin_enabled": _is_bool,
    "checkin_time": _is_time_of_day,
    "checkin_asked_on": _is_iso_date_or_empty,
    "medication_kinds": _is_name_map,
}
assert set(RULES) == {f.name for f in fields(Settings)}, "every setting needs a rule"


class SettingsStore:
    """Loads settings from the store once, repairs bad values, and saves every change."""

    def __init__(self, store: Store) -> None:
        self._store = store
        raw = store.get(TABLE, DOC_ID)
        stored = {k: v for k, v in (raw or {}).items() if k != SCHEMA_KEY}
        self.settings, self.reset_keys = Settings.from_mapping(stored)
        if raw is None or self.reset_keys or set(stored) != set(RULES):
            self._save()

    def update(self, **changes: Any) -> Settings:
        """Validate, apply and save ``changes``; raises SettingsError and changes nothing."""
        self.settings = self.settings.replace(**changes)
        self._save()
        return self.settings

    def _save(self) -> None:
        table = self._store.table(TABLE)
        if table.contains(doc_id=DOC_ID):
            self._store.update(TABLE, DOC_ID, self.settings.to_dict())
        else:
            doc_id = self._store.insert(TABLE, self.settings.to_dict())
            if doc_id != DOC_ID:  # pragma: no cover - the table holds one document only
                raise AsmrError(f"settings stored as record {doc_id}, expected {DOC_ID}")
