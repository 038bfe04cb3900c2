"""The quiet-passage lift (issue 15: "quiet passages may be lifted gently within the
normalisation boost limit"): its bounds on the rule in safety.py, on the guard with random
signals and blocks, and on the engine's output measured with the tests' own BS.1770 meter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.guard import StartleGuard
from asmr_desktop.core import safety
from tests.unit.audio.helpers import array_item, k_weighted, reference_lufs, render, run_guard

RATE = 48000
TARGET = safety.LOUDNESS_TARGET_DEFAULT_LUFS


def gate_of(reference: float) -> float:
    return max(safety.QUIET_LIFT_GATE_LUFS, reference - safety.QUIET_LIFT_GATE_DB)


@given(
    median=st.floats(-150.0, 10.0),
    reference=st.floats(-80.0, -10.0),
    headroom=st.floats(-5.0, 40.0),
)
def test_the_rule_lifts_within_its_bounds(median, reference, headroom):
    lift = safety.quiet_lift_db(median, reference, headroom)
    assert 0.0 <= lift <= safety.QUIET_LIFT_MAX_DB
    assert lift <= max(headroom, 0.0)
    if lift > 0.0:
        assert median + lift <= reference - safety.QUIET_LIFT_BELOW_DB + 1e-9, "quiet stays quiet"
        assert median > gate_of(reference), "no noise floor or silence lifted"
    if median <= gate_of(reference) or median >= reference - safety.QUIET_LIFT_BELOW_DB:
        assert lift == 0.0


def test_the_rule_on_its_edges():
    assert safety.quiet_lift_db(float("nan"), TARGET, 24.0) == 0.0
    assert safety.quiet_lift_db(-math.inf, TARGET, 24.0) == 0.0
    assert safety.quiet_lift_db(-50.0, TARGET, 24.0) == 10.0  # 10 dB over the -60 gate
    assert safety.quiet_lift_db(-50.0, TARGET, 4.0) == 4.0  # the boost limit's headroom
    assert safety.quiet_lift_db(-45.0, TARGET, 24.0) == 9.0  # up to 6 dB under the target
    assert safety.quiet_lift_db(-75.0, -40.0, 24.0) == 0.0  # under BS.1770's -70 gate
    assert safety.QUIET_LIFT_RISE_DB_PER_S <= safety.MAX_GAIN_RISE_DB_PER_S


def window_levels(x: np.ndarray) -> np.ndarray:
    """100 ms K-weighted levels every 10 ms (the tests' meter, not the app's)."""
    y = k_weighted(x)
    hop = RATE // 100
    steps = (y[: len(y) // hop * hop] ** 2).sum(axis=1).reshape(-1, hop).mean(axis=1)
    windows = np.convolve(steps, np.ones(10) / 10, "valid")
    return -0.691 + 10 * np.log10(np.maximum(windows, 1e-30))


@settings(max_examples=10, deadline=None)
@given(
    levels=st.lists(st.floats(-75.0, -25.0), min_size=2, max_size=5),
    seconds=st.lists(st.floats(0.3, 5.0), min_size=5, max_size=5),
    reference=st.floats(-45.0, -20.0),
    headroom=st.floats(0.5, 30.0),
    blocks=st.lists(st.integers(500, 12000), min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_the_guard_lifts_within_the_bounds(levels, seconds, reference, headroom, blocks, seed):
    """Random passages of white noise (its level is its K-weighted level within 0.5 dB)."""
    rng = np.random.default_rng(seed)
    parts = []
    for lv, s in zip(levels, seconds, strict=False):
        rms = 10 ** ((lv + 0.691 - 3.0) / 20) / 1.2  # white noise: K-weighting adds ~1.6 dB
        parts.append(rng.standard_normal((round(s * RATE), 2)) * rms)
    x = np.concatenate([rng.standard_normal((3 * RATE, 2)) * 1e-3, *parts])
    guard = StartleGuard(RATE, 2, safety.STARTLE_RISE_DB)
    guard.set_lift(reference, headroom)
    y = run_guard(guard, x, blocks)
    audible = np.abs(x[:, 0]) > 1e-7
    gain_db = np.full(len(x), np.nan)
    gain_db[audible] = 20 * np.log10(np.abs(y[audible, 0]) / np.abs(x[audible, 0]))
    assert np.nanmax(gain_db) <= min(headroom, safety.QUIET_LIFT_MAX_DB) + 1e-6, "boost limit"
    both = audible[1:] & audible[:-1]  # rises between neighbouring samples only
    rises = np.where(both, np.diff(gain_db), 0.0)
    assert rises.max(initial=0.0) <= safety.MAX_GAIN_RISE_DB_PER_S / RATE + 1e-6
    lifting = both & (gain_db[1:] > 1e-6) & (gain_db[:-1] > 1e-6)
    assert rises[lifting].max(initial=0.0) <= safety.QUIET_LIFT_RISE_DB_PER_S / RATE + 1e-6
    # No 100 ms window was lifted above the reference less QUIET_LIFT_BELOW_DB.
    before, after = window_levels(x), window_levels(y)
    lifted = after > before + 0.05
    top = reference - safety.QUIET_LIFT_BELOW_DB
    assert np.all(after[lifted] <= top + 0.5)


def test_silence_and_the_noise_floor_are_never_lifted():
    """A long passage at the gate (30 dB under the reference) and under it: untouched."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((30 * RATE, 2))
    x *= 10 ** ((gate_of(TARGET) - 0.5 - reference_lufs(x)) / 20)  # half a dB under the gate
    x[10 * RATE : 12 * RATE] = 0.0
    guard = StartleGuard(RATE, 2, safety.STARTLE_RISE_DB)
    guard.set_lift(TARGET, 24.0)
    y = run_guard(guard, x, [9600])
    assert np.array_equal(y, x)


def passage_track(loud_rms: float, quiet_db: float) -> np.ndarray:
    """8 s of noise, 24 s ``quiet_db`` under it, 4 s at the first level again."""
    rng = np.random.default_rng(9)
    loud = rng.standard_normal((8 * RATE, 2)) * loud_rms
    quiet = rng.standard_normal((24 * RATE, 2)) * loud_rms * 10 ** (quiet_db / 20)
    again = rng.standard_normal((4 * RATE, 2)) * loud_rms
    return np.concatenate([loud, quiet, again]).astype(np.float32)


def play(x: np.ndarray, loudness: float | None, **options: object) -> tuple[Engine, np.ndarray]:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0, crossfade_s=0.0, **options))  # type: ignore[arg-type]
    engine.set_items([array_item(x, RATE, loudness_lufs=loudness)])
    engine.play()
    out = render(engine, len(x) / RATE + 0.5, block_s=0.2)
    return engine, out[engine.latency_frames :]


def seconds(levels: np.ndarray, start: float, stop: float) -> np.ndarray:
    return levels[round(start * 100) : round(stop * 100)]


@pytest.mark.parametrize(
    ("loud_rms", "quiet_db", "expected_lift"),
    [
        # -17.5 LUFS noise, the passage 20 dB under: normalised to -50, 10 dB over the gate.
        (0.1, -20.0, 10.0),
        # A -46.5 LUFS track (normalised +16.5 dB): the boost limit leaves 7.5 dB.
        (0.00237, -20.0, None),
        # A passage 16 dB under the track (-46 LUFS): only up to 6 dB under the target.
        (0.1, -16.0, 10.0),
    ],
)
def test_a_long_quiet_passage_is_lifted_gently_and_down_before_the_loud_part(
    loud_rms, quiet_db, expected_lift
):
    x = passage_track(loud_rms, quiet_db)
    loudness = reference_lufs(x)
    if expected_lift is None:  # what the boost limit leaves, under the other bounds
        expected_lift = safety.MAX_NORMALISATION_BOOST_DB - (TARGET - loudness)
        assert expected_lift < 9.0
    engine, out = play(x, loudness)
    levels = window_levels(out)
    plain = window_levels(play(x, loudness, startle_guard=False)[1])
    # The loud part plays at the target; the end of the passage is lifted by the rule.
    assert np.median(seconds(levels, 6.0, 7.5)) == pytest.approx(TARGET, abs=0.7)
    quiet = np.median(seconds(plain, 26.0, 31.5))
    assert np.median(seconds(levels, 26.0, 31.5)) - quiet == pytest.approx(expected_lift, abs=0.7)
    # Gently: 1 s levels rise at most QUIET_LIFT_RISE_DB_PER_S (+ the noise's wobble).
    ones = seconds(levels, 8.0, 32.0)[::100]
    assert np.diff(ones).max() <= safety.QUIET_LIFT_RISE_DB_PER_S + 0.5
    # And it is down before the loud part comes back: never above the target there (where
    # that return is a startle, 20 dB over the passage, the guard cuts it for a while).
    assert seconds(levels, 31.8, 35.5).max() <= TARGET + 1.0
    assert engine.quiet_lift_db == 0.0


@pytest.mark.parametrize("case", ["migraine", "unmeasured", "volume 0"])
def test_no_lift_in_migraine_mode_for_an_unmeasured_track_or_at_volume_0(case):
    x = passage_track(0.1, -20.0)
    loudness = reference_lufs(x)
    options: dict[str, object] = {"migraine": case == "migraine"}
    if case == "volume 0":
        options["volume"] = 0.0
    engine = Engine(RATE, 2, EngineSettings(crossfade_s=0.0, **{"volume": 1.0, **options}))  # type: ignore[arg-type]
    engine.set_items(
        [array_item(x, RATE, loudness_lufs=None if case == "unmeasured" else loudness)]
    )
    engine.play()
    lifts = []
    for _ in range(round(32 / 0.2)):
        engine.render(round(0.2 * RATE))
        lifts.append(engine.quiet_lift_db)
    assert max(lifts) == 0.0
    # The same passage does get lifted otherwise (the test can fail).
    if case != "volume 0":
        lifted = Engine(RATE, 2, EngineSettings(volume=1.0, crossfade_s=0.0))
        lifted.set_items([array_item(x, RATE, loudness_lufs=loudness)])
        lifted.play()
        render(lifted, 30.0, block_s=0.2)
        assert lifted.quiet_lift_db > 5.0
