"""Settings are validated on load: nothing stored can loosen a safety bound."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asmr_desktop.core import safety
from asmr_desktop.core.settings import RULES, Settings, SettingsError, SettingsStore
from asmr_desktop.core.store import Store


def test_defaults_are_the_gentle_ones() -> None:
    s = Settings()
    assert s.ceiling_db == safety.CEILING_DEFAULT_DB == -12.0
    assert s.loudness_target_lufs == safety.LOUDNESS_TARGET_DEFAULT_LUFS == -30.0
    assert all(RULES[k](v) for k, v in s.to_dict().items())


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("ceiling_db", -2.9),  # louder than the -3 dBTP bound
        ("ceiling_db", 0.0),
        ("ceiling_db", math.nan),
        ("ceiling_db", math.inf),
        ("ceiling_db", "-12"),
        ("ceiling_db", True),
        ("loudness_target_lufs", -19.0),
        ("loudness_target_lufs", -41.0),
        ("volume", 1.5),
        ("volume", None),
        ("migraine_mode", 1),
        ("visual_speed", 2.0),
    ],
)
def test_bad_stored_value_is_reset_and_repaired(tmp_path: Path, key: str, bad: Any) -> None:
    store = Store(tmp_path / "d.json")
    defaults = Settings().to_dict()
    store.insert("settings", {**defaults, key: bad})
    loaded = SettingsStore(store)
    assert loaded.reset_keys == [key]
    assert getattr(loaded.settings, key) == defaults[key]
    # The repair is saved, so the next start is clean.
    assert SettingsStore(store).reset_keys == []


def test_update_validates_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    settings = SettingsStore(Store(path))
    settings.update(ceiling_db=-20.0, volume=0.25)
    with pytest.raises(SettingsError, match="ceiling_db"):
        settings.update(ceiling_db=-1.0)
    with pytest.raises(SettingsError, match="no setting"):
        settings.update(loudness=3)
    again = SettingsStore(Store(path))
    assert again.settings.ceiling_db == -20.0
    assert again.settings.volume == 0.25


@given(
    st.dictionaries(
        st.sampled_from(sorted(RULES)),
        st.one_of(st.floats(allow_nan=True), st.integers(), st.booleans(), st.text(), st.none()),
    )
)
def test_any_stored_mapping_loads_within_bounds(raw: dict[str, Any]) -> None:
    settings, _reset = Settings.from_mapping(raw)
    assert safety.CEILING_MIN_DB <= settings.ceiling_db <= safety.CEILING_MAX_DB
    lo, hi = safety.LOUDNESS_TARGET_MIN_LUFS, safety.LOUDNESS_TARGET_MAX_LUFS
    assert lo <= settings.loudness_target_lufs <= hi
    assert 0.0 <= settings.volume <= 1.0
    assert all(RULES[k](v) for k, v in settings.to_dict().items())


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_clamp_ceiling_never_above_bound(requested: float) -> None:
    c = safety.clamp_ceiling_db(requested)
    assert safety.CEILING_MIN_DB <= c <= safety.CEILING_MAX_DB
