"""The one 4x interpolator: its true peak agrees with scipy's resample_poly within 0.1 dB."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from asmr_desktop.dsp import oversample
from asmr_desktop.dsp.oversample import HALF, TAPS, PeakInterpolator, true_peak, upsample

EDGE = 200  # frames left out at each end: both filters see silence past the ends differently


def _kind(kind: str, freq: float, phase: float, seed: int, n: int) -> np.ndarray:
    """(2, n) test signals, the worst cases for inter-sample peaks among them."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    if kind == "quarter-rate":  # +1 +1 -1 -1: the classic inter-sample peak (+3 dB)
        x = np.tile([1.0, 1.0, -1.0, -1.0], n // 4 + 1)[:n]
    elif kind == "near-nyquist":  # a sine whose peaks fall between samples
        x = np.sin(2 * np.pi * freq * t + phase)
    elif kind == "random-square":  # full-band, full-scale steps
        x = np.sign(rng.standard_normal(n))
    elif kind == "impulses":
        x = np.zeros(n)
        x[rng.integers(EDGE, n - EDGE, size=5)] = rng.choice([-1.0, 1.0], size=5)
    else:
        x = rng.standard_normal(n)
    return np.stack([x, np.roll(x, 3) * 0.7])


def _reference_db(x: np.ndarray) -> float:
    up = signal.resample_poly(x, 4, 1, axis=1)[:, 4 * EDGE : -4 * EDGE]
    return float(20 * np.log10(max(np.abs(up).max(), np.abs(x[:, EDGE:-EDGE]).max())))


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["quarter-rate", "near-nyquist", "random-square", "impulses", "noise"]),
    freq=st.floats(0.3, 0.48),
    phase=st.floats(0.0, 2 * np.pi),
    seed=st.integers(0, 2**16),
    cuts=st.lists(st.integers(1, 2999), max_size=6),
)
def test_streamed_true_peak_agrees_with_resample_poly_within_0_1_db(kind, freq, phase, seed, cuts):
    x = _kind(kind, freq, phase, seed, 3000)
    interp = PeakInterpolator(2)
    edges = [0, *sorted(set(cuts)), x.shape[1]]
    peaks = np.concatenate([interp.peaks(x[:, s:e]) for s, e in itertools.pairwise(edges)])
    assert peaks.shape == (x.shape[1],)  # primed: one position per frame, HALF frames late
    inner = peaks[EDGE + HALF : -EDGE + HALF]
    assert 20 * np.log10(inner.max()) == pytest.approx(_reference_db(x), abs=0.1)


def test_the_quarter_rate_pattern_peaks_3_db_above_its_samples():
    x = _kind("quarter-rate", 0, 0, 0, 4000)[:1] * 0.5
    taper = np.ones(4000)
    taper[:100] = taper[-100:][::-1] = np.sin(np.linspace(0, np.pi / 2, 100)) ** 2
    db = 20 * np.log10(true_peak((x * taper).T))
    assert db == pytest.approx(20 * np.log10(0.5) + 3.01, abs=0.05)


def test_whole_signal_true_peak_covers_the_ends():
    """Silence around: a single full-scale step at the very end still rings above 1."""
    x = np.zeros((50, 1))
    x[-1] = 1.0
    x[-2] = -1.0
    assert true_peak(x) > 1.0
    assert true_peak(np.zeros((0, 2))) == 0.0


def test_upsample_keeps_the_samples_and_fills_in_between():
    x = np.random.default_rng(1).standard_normal((2, 300))
    up = upsample(x)
    np.testing.assert_array_equal(up[:, ::4], x[:, HALF - 1 : HALF - 1 + up.shape[1] // 4])
    ref = signal.resample_poly(x, 4, 1, axis=1)[:, 4 * (HALF - 1) :][:, : up.shape[1]]
    inner = slice(4 * 40, -4 * 40)
    assert np.abs(up[:, inner] - ref[:, inner]).max() < 0.02 * np.abs(x).max()


def test_dc_passes_unchanged():
    assert np.allclose(oversample.phases().sum(axis=0), 1.0)
    peaks = PeakInterpolator(1, primed=False).peaks(np.full((1, 500), 0.25))
    np.testing.assert_allclose(peaks, 0.25, rtol=1e-6)


def test_skipping_below_the_floor_returns_a_bound_never_less_than_the_exact_peak():
    rng = np.random.default_rng(11)
    n = 48000
    envelope = np.repeat(10.0 ** (rng.uniform(-60, 0, size=n // 1000) / 20.0), 1000)
    x = rng.standard_normal((2, n)) * envelope * 0.2
    floor = 0.2
    exact_interp, pruned_interp = PeakInterpolator(2), PeakInterpolator(2)
    exact, pruned = [], []
    for start in range(0, n, 7777):
        exact.append(exact_interp.peaks(x[:, start : start + 7777]))
        pruned.append(pruned_interp.peaks(x[:, start : start + 7777], floor=floor))
    e, p = np.concatenate(exact), np.concatenate(pruned)
    assert np.all(p >= e * (1 - 1e-6))  # a bound: never below the truth
    exact_here = np.isclose(p, e, rtol=1e-6, atol=0.0)
    assert np.all(exact_here[e > floor])  # exact wherever the truth is above the floor
    assert np.all(p[~exact_here] <= floor)  # bounds stand in only below the floor
    assert not exact_here.all()
    assert pruned_interp.positions_interpolated < 0.5 * exact_interp.positions_interpolated


def test_unprimed_positions_start_with_the_first_full_window():
    interp = PeakInterpolator(1, primed=False)
    assert interp.peaks(np.ones((1, TAPS - 1))).size == 0
    assert interp.peaks(np.ones((1, 1))).size == 1
    with pytest.raises(ValueError, match="expected"):
        interp.peaks(np.ones((2, 10)))


@pytest.mark.parametrize("block", [TAPS - 1, 100, 5000])
def test_a_quiet_block_skipped_whole_leaves_the_history_right_for_the_next(block):
    rng = np.random.default_rng(3)
    loud, quiet = rng.standard_normal((2, 5000)), 1e-3 * rng.standard_normal((2, 5000))
    x = np.concatenate([loud, quiet, loud[:, ::-1]], axis=1)
    exact_interp, pruned_interp = PeakInterpolator(2), PeakInterpolator(2)
    exact, pruned = [], []
    for start in range(0, x.shape[1], block):
        exact.append(exact_interp.peaks(x[:, start : start + block]))
        pruned.append(pruned_interp.peaks(x[:, start : start + block], floor=0.5))
    e, p = np.concatenate(exact), np.concatenate(pruned)
    assert np.all(p >= e * (1 - 1e-6))
    assert np.all(p[5000 + 2 * TAPS : 10000 - 2 * TAPS] <= 0.5)  # the quiet middle: bounds
    np.testing.assert_allclose(p[10000:], e[10000:], rtol=1e-6)  # loud (quiet history): exact
