"""The fast meter against a plain reference: same numbers on random and adversarial signals.

The meter streams blocks, filters in float32 products with a float64 state, skips true-peak
work that cannot change the result and counts gating energies per 100 ms hop. The reference
here does none of that: scipy's ``sosfilt`` in float64 over the whole signal, every 400 ms
block and 3 s window summed afresh, every 4x point interpolated. They must agree within
0.01 LU / 0.01 dB, and the sudden sounds found must not depend on how the blocks are cut.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.signal import sosfilt

from asmr_desktop.analysis.meter import Measurement, Meter, channel_weights
from asmr_desktop.core import safety
from asmr_desktop.dsp.design import butter_highpass, k_weighting
from asmr_desktop.dsp.oversample import upsample

Signal = NDArray[np.float64]


def _lufs(power: float) -> float:
    return -0.691 + 10.0 * math.log10(power)


def reference(x: Signal, rate: int) -> dict[str, float | None]:
    """BS.1770-4 / Tech 3342 / true peak / brightness, written out the long way."""
    frames, channels = x.shape
    y = sosfilt(k_weighting(rate), x, axis=0)
    weighted = (y * y) @ channel_weights(channels)
    hop = 10 * round(rate * 0.01)

    def powers(length: int) -> Signal:
        starts = range(0, frames - length * hop + 1, hop)
        return np.array([weighted[s : s + length * hop].mean() for s in starts])

    def gated(p: Signal, relative_lu: float) -> Signal | None:
        above = p[p > 10.0 ** ((-70.0 + 0.691) / 10.0)]
        if above.size == 0:
            return None
        return above[above >= 10.0 ** ((_lufs(float(above.mean())) + relative_lu + 0.691) / 10)]

    integrated = lra = None
    if frames >= 4 * hop:
        kept = gated(powers(4), -10.0)
        integrated = None if kept is None else _lufs(float(kept.mean()))
    if frames >= 30 * hop:
        kept = gated(powers(30), -20.0)
        if kept is not None:
            levels = np.sort(-0.691 + 10.0 * np.log10(kept))
            last = levels.size - 1
            lra = float(
                levels[math.floor(last * 0.95 + 0.5)] - levels[math.floor(last * 0.10 + 0.5)]
            )
    peak = float(np.abs(x).max())
    if frames >= 24:
        peak = max(peak, float(np.abs(upsample(x.T)).max()))
    high = sosfilt(butter_highpass(8, safety.BRIGHT_CUTOFF_HZ, rate), x, axis=0)
    energy = float((x * x).sum())
    return {
        "integrated": integrated,
        "lra": lra,
        "peak_db": 20.0 * math.log10(peak) if peak > 0 else None,
        "bright_db": 10.0 * math.log10(float((high * high).sum()) / energy) if energy else None,
    }


def measure(x: Signal, rate: int, cuts: list[int]) -> Measurement:
    """The meter fed in blocks of the sizes in ``cuts`` (cycled), as a file would be."""
    meter = Meter(rate, x.shape[1])
    start, k = 0, 0
    while start < x.shape[0]:
        step = cuts[k % len(cuts)]
        meter.feed(x[start : start + step].astype(np.float32))
        start, k = start + step, k + 1
    return meter.result()


def _close(fast: float | None, ref: float | None, tol: float) -> None:
    assert (fast is None) == (ref is None)
    if fast is not None and ref is not None:
        assert fast == pytest.approx(ref, abs=tol)


def check(x: Signal, rate: int, cuts: list[int]) -> None:
    x = x.astype(np.float32).astype(np.float64)  # what the meter sees: float32 samples
    m = measure(x, rate, cuts)
    ref = reference(x, rate)
    _close(m.integrated_lufs, ref["integrated"], 0.01)
    _close(m.loudness_range_lu, ref["lra"], 0.01)
    _close(m.true_peak_dbtp, ref["peak_db"], 0.01)
    bright = None if not m.bright_share else 10.0 * math.log10(m.bright_share)
    _close(bright, ref["bright_db"] if m.bright_share != 0.0 else None, 0.01)
    # Sudden sounds: the same events whatever the cut (one block against many).
    assert m.sudden_sounds == measure(x, rate, [x.shape[0]]).sudden_sounds


def adversarial(kind: str, rate: int, seconds: float, level_db: float, seed: int) -> Signal:
    """Signals that stress one shortcut each."""
    rng = np.random.default_rng(seed)
    n = round(rate * seconds)
    t = np.arange(n)
    amp = 10.0 ** (level_db / 20.0)
    if kind == "quarter-rate":  # samples at 45 degrees: true peak 3 dB above every sample
        mono = np.sin(np.pi / 2 * t + np.pi / 4)
        x = np.stack([mono, -mono], axis=1)
    elif kind == "near-nyquist":
        x = np.stack([np.sin(2 * np.pi * 0.49 * t + k) for k in (0.3, 1.1)], axis=1)
    elif kind == "squares":  # full-band steps, Gibbs overshoot everywhere
        x = np.sign(np.sin(2 * np.pi * 997.0 / rate * t + rng.uniform(0, 6)))[:, None] * [1, 1]
    elif kind == "bursts":  # loud spikes in near silence: the peak skip and the gates
        x = 1e-4 * rng.standard_normal((n, 2))
        for at in rng.integers(0, n - 200, size=6):
            x[at : at + 200] += rng.uniform(-1, 1, size=(200, 2))
    elif kind == "late-peak":  # the loudest sample comes last, after a long quiet stretch
        x = 0.01 * rng.standard_normal((n, 2))
        x[n - 40 : n - 30] = [[0.9, -0.9]] * 10
    elif kind == "silence-then-sound":
        x = np.zeros((n, 2))
        x[n // 2 :] = rng.standard_normal((n - n // 2, 2)) * 0.1
    elif kind == "dc":
        x = np.full((n, 2), 0.5) + 0.01 * rng.standard_normal((n, 2))
    else:  # "swell": noise whose level moves slowly over 30 dB (loudness range)
        swell = 10.0 ** (-30.0 * (0.5 + 0.5 * np.sin(2 * np.pi * t / n)) / 20.0)
        x = rng.standard_normal((n, 2)) * swell[:, None] * 0.3
    return np.clip(x * amp, -1.0, 1.0)


KINDS = [
    "quarter-rate",
    "near-nyquist",
    "squares",
    "bursts",
    "late-peak",
    "silence-then-sound",
    "dc",
    "swell",
]


@pytest.mark.parametrize("kind", KINDS)
def test_adversarial_signals_match_the_reference(kind: str) -> None:
    check(adversarial(kind, 44100, 4.0, -6.0, seed=KINDS.index(kind)), 44100, [65536, 1234, 7])


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    rate=st.sampled_from([32000, 44100, 48000]),
    seconds=st.floats(0.3, 4.0),
    level_db=st.floats(-60.0, 0.0),
    seed=st.integers(0, 2**31),
    cuts=st.lists(st.integers(1, 70000), min_size=1, max_size=4),
)
def test_random_signals_and_cuts_match_the_reference(
    kind: str, rate: int, seconds: float, level_db: float, seed: int, cuts: list[int]
) -> None:
    check(adversarial(kind, rate, seconds, level_db, seed), rate, cuts)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    channels=st.sampled_from([1, 2, 6]),
    seconds=st.floats(0.5, 3.5),
)
def test_random_noise_in_any_channel_count_matches_the_reference(
    seed: int, channels: int, seconds: float
) -> None:
    rng = np.random.default_rng(seed)
    n = round(48000 * seconds)
    gains = 10.0 ** (rng.uniform(-40, 0, size=channels) / 20.0)
    x = np.clip(rng.standard_normal((n, channels)) * gains * 0.3, -1.0, 1.0)
    check(x, 48000, [4096, 333])
