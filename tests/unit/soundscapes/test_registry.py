"""Names, settings and bounds, the ready playlists, the resolver and the two commands."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.cli.soundscapes import as_dict
from asmr_desktop.soundscapes import (
    NOMINAL_LUFS,
    SOUNDSCAPES,
    SoundscapeError,
    create,
    parse_spec,
    resolve_soundscape,
)
from asmr_desktop.soundscapes.base import SettingSpec


@pytest.mark.parametrize("name", list(SOUNDSCAPES))
def test_each_has_a_description_and_one_or_two_bounded_settings(name):
    info = SOUNDSCAPES[name]
    assert info.title and 10 < len(info.description) < 120
    assert 1 <= len(info.settings) <= 2
    for spec in info.settings:
        assert spec.minimum < spec.maximum
        assert spec.minimum <= spec.default <= spec.maximum
        assert spec.unit and spec.label


def test_out_of_range_settings_are_clamped_and_logged(caplog):
    with caplog.at_level(logging.WARNING):
        rain = create("rain", {"density": 1e9, "tone_hz": -5})
    spec = {s.name: s for s in SOUNDSCAPES["rain"].settings}
    expected = {"density": spec["density"].maximum, "tone_hz": spec["tone_hz"].minimum}
    assert rain.settings == expected
    assert "outside" in caplog.text


def test_not_a_number_takes_the_default_and_infinity_the_nearest_bound():
    spec = SettingSpec("pace", "Pace", 6.0, 3.0, 12.0, "breaths/min")
    assert spec.clamp(math.nan) == 6.0
    assert spec.clamp(math.inf) == 12.0
    assert spec.clamp(-math.inf) == 3.0


def test_unknown_names_settings_and_values_are_refused():
    with pytest.raises(SoundscapeError, match="no built-in soundscape called 'thunder'"):
        create("thunder")
    with pytest.raises(SoundscapeError, match="rain has no setting 'volume'"):
        create("rain", {"volume": 1.0})
    with pytest.raises(SoundscapeError, match="must be a number"):
        create("rain", {"density": "lots"})
    with pytest.raises(SoundscapeError, match="positive"):
        create("rain", duration_s=0)


def test_specs_parse_settings_and_seed():
    assert parse_spec("Rain?density=80&seed=7") == ("rain", {"density": 80.0}, 7)
    assert parse_spec("song.flac") is None
    assert parse_spec("rain") == ("rain", {}, 0)
    with pytest.raises(SoundscapeError):
        parse_spec("rain?density=lots")
    source = resolve_soundscape("ocean?pace=3", duration_s=2.0)
    assert source is not None and source.duration_s == 2.0
    assert resolve_soundscape("/music/ocean.wav") is None


def test_soundscapes_command_lists_names_descriptions_and_settings(capsys):
    assert run_command(parse(["soundscapes"])) == 0
    out = capsys.readouterr().out
    for info in SOUNDSCAPES.values():
        assert info.name in out and info.description in out
        for spec in info.settings:
            assert f"{spec.name}={spec.default:g}" in out
    assert "before-sleep" in out


def test_soundscapes_command_json(capsys):
    assert run_command(parse(["soundscapes", "--json"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["soundscapes"]] == list(SOUNDSCAPES)
    assert data["soundscapes"][0] == as_dict(SOUNDSCAPES["rain"])
    assert {p["id"] for p in data["playlists"]} == {"before-sleep", "during-migraine"}


def test_any_integer_is_a_seed_and_one_big_read_equals_many_small():
    a = create("pink", seed=-3).read(3 * 48000)
    b = create("pink", seed=-3).read(3 * 48000)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, create("pink", seed=3).read(3 * 48000))
    small = create("rain", seed=4)
    pieces = np.concatenate([small.read(100) for _ in range(1440)])
    np.testing.assert_array_equal(pieces, create("rain", seed=4).read(144000))


def test_generators_declare_their_loudness():
    assert create("ocean").loudness_lufs == NOMINAL_LUFS
