"""Measuring renders with the project's analysis definitions, at test speed.

The gating (BS.1770), the sudden-sound detector and the filter designs are the app's own
(analysis and dsp); only the filtering runs through scipy's C loops, so that twelve 120 s renders
fit the test budget. ``test_measure_matches_analysis`` checks both against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from asmr_desktop.analysis.meter import gated_loudness
from asmr_desktop.analysis.sudden import SuddenDetector, SuddenSound
from asmr_desktop.core import safety
from asmr_desktop.dsp.design import butter_highpass, k_weighting

RATE_HZ = 48000
SUB = RATE_HZ // 100  # 10 ms sub-blocks
_KW_SOS = k_weighting(RATE_HZ)
_BRIGHT_SOS = butter_highpass(8, safety.BRIGHT_CUTOFF_HZ, RATE_HZ)


@dataclass(frozen=True)
class Levels:
    integrated_lufs: float
    bright_share: float
    sudden: tuple[SuddenSound, ...]
    max_rise_db: float  # the largest rise of any 100 ms level over its 3 s context median
    peak_db: float  # sample peak, dBFS


def measure(samples: np.ndarray) -> Levels:
    """Loudness, brightness, sudden sounds and the largest rise of (frames, 2) samples."""
    x = np.asarray(samples, dtype=np.float64).T
    kw = signal.sosfilt(_KW_SOS, x, axis=1)
    squares = (kw * kw).sum(axis=0)
    subs = squares[: squares.size // SUB * SUB].reshape(-1, SUB).mean(axis=1)
    hops = subs[: subs.size // 10 * 10].reshape(-1, 10).mean(axis=1)
    blocks = np.convolve(hops, np.ones(4) / 4, "valid")
    loudness = gated_loudness(blocks)
    assert loudness is not None
    detector = SuddenDetector(0.01)
    detector.feed(subs)
    high = signal.sosfilt(_BRIGHT_SOS, x, axis=1)
    bright = float((high * high).sum() / (x * x).sum())
    peak = float(np.abs(x).max())
    return Levels(loudness, bright, detector.finish(), max_rise_db(subs), 20 * np.log10(peak))


def max_rise_db(subs: np.ndarray) -> float:
    """Largest (100 ms level - median of the thirty 100 ms levels tiling the 3 s before it)."""
    windows = np.convolve(subs, np.ones(10) / 10, "valid")
    levels = 10 * np.log10(np.maximum(windows, 1e-20))
    context = np.lib.stride_tricks.sliding_window_view(levels, 301)[:, :300:10]
    medians = np.median(context, axis=1)
    return float((levels[300:] - medians).max())
