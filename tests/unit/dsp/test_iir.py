"""The IIR engine equals scipy's sosfilt, in one block or in any block split."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from asmr_desktop.dsp import design
from asmr_desktop.dsp.iir import IirFilter, StateSpace, impulse_response, parallel, series

RATE = 48000


def _split(filt: IirFilter, x: np.ndarray, cuts: list[int]) -> np.ndarray:
    edges = [0, *sorted(c for c in cuts if 0 < c < x.shape[1]), x.shape[1]]
    return np.concatenate([filt.process(x[:, s:e]) for s, e in itertools.pairwise(edges)], axis=1)


def _random_stable_sos(rng: np.random.Generator, sections: int) -> np.ndarray:
    """Sections with random zeros and random stable poles (radius up to 0.999)."""
    rows = []
    for _ in range(sections):
        radius, angle = rng.uniform(0.0, 0.999), rng.uniform(0.0, np.pi)
        a = [1.0, -2 * radius * np.cos(angle), radius * radius]
        rows.append([*rng.standard_normal(3), *a])
    return np.array(rows)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sections=st.integers(1, 5),
    channels=st.integers(1, 3),
    frames=st.integers(1, 3000),  # scipy's sosfilt refuses 0 frames
    cuts=st.lists(st.integers(0, 3000), max_size=8),
    chunk=st.sampled_from([1, 7, 32, 64]),
)
def test_equals_sosfilt_for_random_filters_signals_and_block_splits(
    seed, sections, channels, frames, cuts, chunk
):
    rng = np.random.default_rng(seed)
    sos = _random_stable_sos(rng, sections)
    x = rng.standard_normal((channels, frames))
    expected = signal.sosfilt(sos, x, axis=1)
    whole = IirFilter(sos, channels, chunk).process(x)
    pieces = _split(IirFilter(sos, channels, chunk), x, cuts)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    assert whole.shape == pieces.shape == x.shape
    assert np.abs(whole - expected).max(initial=0.0) < 1e-9 * scale
    assert np.abs(pieces - expected).max(initial=0.0) < 1e-9 * scale


def test_sections_in_series_and_side_by_side():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 5000))
    lo, hi = design.lowpass(500.0, RATE), design.highpass(2000.0, RATE)
    one = series([StateSpace.from_sos(lo), StateSpace.from_sos(hi)])
    np.testing.assert_allclose(
        IirFilter(one, 1).process(x), signal.sosfilt(np.vstack([lo, hi]), x), atol=1e-12
    )
    both = parallel([StateSpace.from_sos(lo).scaled(0.5), StateSpace.from_sos(hi)])
    expected = 0.5 * signal.sosfilt(lo, x) + signal.sosfilt(hi, x)
    np.testing.assert_allclose(IirFilter(both, 1).process(x), expected, atol=1e-12)


def test_state_carries_across_calls_so_there_is_no_click():
    """A steady low tone through a low-pass, in 100 tiny blocks: no step at any boundary."""
    t = np.arange(RATE) / RATE
    tone = np.sin(2 * np.pi * 50 * t)[None, :]
    f = IirFilter(design.lowpass(200.0, RATE), 1)
    out = np.concatenate([f.process(tone[:, i : i + 480]) for i in range(0, RATE, 480)], axis=1)
    steps = np.abs(np.diff(out[0, RATE // 2 :]))
    assert steps.max() < 2 * np.pi * 50 / RATE * 1.05  # the tone's own slope, nothing more


def test_an_empty_block_changes_nothing():
    x = np.random.default_rng(4).standard_normal((2, 500))
    ref = IirFilter(design.lowpass(300.0, RATE), 2)
    f = IirFilter(design.lowpass(300.0, RATE), 2)
    assert f.process(np.zeros((2, 0))).shape == (2, 0)
    np.testing.assert_array_equal(f.process(x), ref.process(x))


def test_reset_forgets_the_past():
    f = IirFilter(design.lowpass(300.0, RATE), 2)
    x = np.random.default_rng(1).standard_normal((2, 1000))
    first = f.process(x)
    f.reset()
    np.testing.assert_array_equal(f.process(x), first)


def test_fast_mode_stays_within_a_millionth_of_exact_filtering():
    x = np.random.default_rng(8).standard_normal((2, 50000)).astype(np.float32)
    exact = IirFilter(design.k_weighting(44100), channels=2).process(x)
    fast = _split(IirFilter(design.k_weighting(44100), channels=2, fast=True), x, [999, 20999])
    assert fast.dtype == np.float64
    assert np.max(np.abs(fast - exact)) < 1e-5 * np.max(np.abs(exact))
    energy_db = 10 * np.log10(np.sum(fast**2) / np.sum(exact**2))
    assert abs(energy_db) < 1e-4


def test_a_plain_gain_has_no_state():
    f = IirFilter(StateSpace.gain(0.5), 2)
    assert f.order == 0
    np.testing.assert_array_equal(f.process(np.ones((2, 3))), np.full((2, 3), 0.5))


def test_impulse_response_of_a_one_pole():
    sos = design.one_pole_lowpass(100.0, RATE)
    pole = -sos[0, 4]
    h = impulse_response(sos, 50)
    np.testing.assert_allclose(h, (1 - pole) * pole ** np.arange(50), rtol=1e-12)


@pytest.mark.parametrize(
    "bad",
    [np.zeros((100, 2)), np.zeros((3, 100)), np.zeros(100)],
    ids=["frames-first", "3ch", "1d"],
)
def test_wrong_shape_is_refused(bad):
    f = IirFilter(design.lowpass(300.0, RATE), 2)
    with pytest.raises(ValueError, match="expected"):
        f.process(bad)


def test_malformed_sections_are_refused():
    with pytest.raises(ValueError, match="sections"):
        IirFilter(np.zeros((2, 5)), 1)
    with pytest.raises(ValueError, match="a0"):
        IirFilter([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], 1)


def test_a_filter_continues_from_anothers_state_as_if_it_had_run_all_along():
    sos = design.butter_lowpass(6, 4000.0, 48000)
    x = np.random.default_rng(2).standard_normal((2, 3000))
    whole = IirFilter(sos, 2).process(x)
    first = IirFilter(sos, 2)
    head = first.process(x[:, :1234])
    second = IirFilter(sos, 2)
    second.continue_from(first)
    np.testing.assert_allclose(np.concatenate([head, second.process(x[:, 1234:])], axis=1), whole)
    with pytest.raises(ValueError, match="cannot take over"):
        IirFilter(design.butter_lowpass(4, 4000.0, 48000), 2).continue_from(first)
