"""Ramps, fades and the volume scale: smooth, and never rising faster than the bound."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asmr_desktop.audio.gain import (
    SILENT_DB,
    VOLUME_RANGE_DB,
    Fade,
    GainRamp,
    db_to_volume,
    volume_to_db,
)
from asmr_desktop.core import safety
from tests.unit.audio.helpers import db

RATE = 8000
MAX_STEP_DB = safety.MAX_GAIN_RISE_DB_PER_S / RATE


def _rises_db(gains: np.ndarray) -> np.ndarray:
    """dB change per sample wherever the gain was already audible (onsets excluded)."""
    prev, nxt = gains[:-1], gains[1:]
    audible = prev > 0
    return (db(nxt[audible]) - db(prev[audible])).astype(float)


@settings(max_examples=60, deadline=None)
@given(
    targets=st.lists(st.one_of(st.just(SILENT_DB), st.floats(-90.0, 20.0)), min_size=1, max_size=8),
    lengths=st.lists(st.integers(1, 3000), min_size=8, max_size=8),
)
def test_ramp_never_rises_faster_than_the_bound(targets, lengths):
    ramp = GainRamp(RATE)
    gains = []
    for target, n in zip(targets, lengths, strict=False):
        ramp.target_db = target
        gains.append(ramp.render(n))
    g = np.concatenate(gains)
    assert _rises_db(g).max(initial=0.0) <= MAX_STEP_DB + 1e-9


@pytest.mark.parametrize("onset_db", [-40.0, -28.0, -61.0])
def test_a_fade_in_from_silence_starts_at_the_onset_and_is_even_in_db(onset_db):
    ramp = GainRamp(RATE, target_db=-10.0, onset_db=onset_db)
    g = ramp.render(RATE * 10)
    reached = int(np.argmax(g >= 10 ** (-10 / 20) - 1e-12))
    assert db(g[0]) == pytest.approx(onset_db)
    assert reached / RATE == pytest.approx((-10.0 - onset_db) / safety.MAX_GAIN_RISE_DB_PER_S)
    np.testing.assert_allclose(np.diff(db(g[:reached])), MAX_STEP_DB, rtol=1e-6)


def test_an_onset_above_the_target_starts_at_the_target():
    ramp = GainRamp(RATE, target_db=-66.0, onset_db=-60.0)
    np.testing.assert_allclose(ramp.render(10), 10 ** (-66 / 20))


def test_falls_are_smooth_and_reach_silence():
    ramp = GainRamp(RATE, target_db=0.0, onset_db=0.0)
    ramp.render(10)
    ramp.target_db = SILENT_DB
    g = ramp.render(RATE * 10)
    assert g[-1] == 0.0
    falls = -np.diff(db(g[g > 0]))
    assert falls.max() <= 4 * MAX_STEP_DB + 1e-9  # no step, just a steeper slope


def test_scale_folds_a_fade_into_the_ramp_without_a_step():
    ramp = GainRamp(RATE, target_db=0.0, onset_db=0.0)
    ramp.render(1)
    ramp.scale(0.5)
    assert ramp.render(1)[0] == pytest.approx(0.5 * 10 ** (MAX_STEP_DB / 20))


def test_fade_out_has_its_length_ends_at_zero_and_only_falls():
    fade = Fade(1500)
    g = np.concatenate([fade.render(700), fade.render(700), fade.render(700)])
    assert fade.finished
    assert np.all(np.diff(g) <= 0)
    assert g[1498] > 0 and np.all(g[1499:] == 0)
    assert g[0] > 0.99


def test_volume_scale_is_even_in_db():
    assert volume_to_db(0.0) == SILENT_DB
    assert volume_to_db(1.0) == 0.0
    assert volume_to_db(0.5) == pytest.approx(-VOLUME_RANGE_DB / 2)
    positions = np.linspace(0.05, 1.0, 20)
    steps = np.diff([volume_to_db(p) for p in positions])
    np.testing.assert_allclose(steps, steps[0])
    assert volume_to_db(float("nan")) == SILENT_DB
    assert volume_to_db(7.0) == 0.0  # never above 0 dB


@pytest.mark.parametrize("position", [0.0, 0.01, 0.3, 0.77, 1.0])
def test_volume_scale_round_trips(position):
    assert db_to_volume(volume_to_db(position)) == pytest.approx(position)
    assert math.isinf(volume_to_db(0.0))
