"""The last stage that changes level: a look-ahead true-peak limiter and a hard safety clip."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.dsp.matrix import matmul

Samples = NDArray[np.float64]

#: Oversampling of the true-peak estimate (BS.1770 uses 4x).
OVERSAMPLE = 4
#: Half length of the interpolation filter per phase, in samples.
INTERP_HALF = 12
#: The gain is fully down this long before a peak arrives.
LOOKAHEAD_S = 0.005
#: The limiter aims this far below the ceiling, so another true-peak meter (other
#: interpolation filter) and the smoothing of the gain cannot find an overshoot.
MARGIN_DB = 1.0
#: A lowered ceiling glides down this fast (12 dB in half a second), so switching to
#: migraine mode during loud sound is a quick fade, not a jolt. Raising it is bounded by
#: the release (the gain-rise bound).
CEILING_GLIDE_DB_PER_S = 24.0
#: Smallest gain the limiter applies (dB); anything needing less is silenced by the clip.
MIN_GAIN_DB = -120.0


def _interpolation_filters() -> Samples:
    """Kaiser-windowed sinc filters for the 3 in-between phases, shape (2*HALF, 3)."""
    taps = np.arange(2 * INTERP_HALF)
    beta = 8.0
    phases = []
    for phase in range(1, OVERSAMPLE):
        t = INTERP_HALF - taps - phase / OVERSAMPLE  # distance of each tap from the point
        window = np.i0(beta * np.sqrt(np.clip(1.0 - (t / (INTERP_HALF + 1)) ** 2, 0.0, None)))
        h = np.sinc(t) * window / np.i0(beta)
        phases.append(h / h.sum())
    # Reversed so a correlation over the window gives the convolution.
    return np.stack(phases, axis=1)[::-1].copy()


_FILTERS = _interpolation_filters()
#: No interpolated point can exceed the largest neighbouring sample by more than this factor.
_INTERP_BOUND = float(np.abs(_FILTERS).sum(axis=0).max())


def sliding_min(values: Samples, window: int) -> Samples:
    """``out[i] = min(values[i : i + window])`` for every full window (van Herk / Gil-Werman)."""
    n = len(values)
    if window <= 1:
        return values.copy()
    blocks = -(-n // window)
    padded = np.full(blocks * window, np.inf)
    padded[:n] = values
    grid = padded.reshape(blocks, window)
    prefix = np.minimum.accumulate(grid, axis=1).ravel()
    suffix = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    count = n - window + 1
    return np.minimum(suffix[:count], prefix[window - 1 : window - 1 + count])


def true_peak(x: Samples) -> float:
    """Linear 4x-oversampled peak of a whole signal (frames, channels), for meters and tests."""
    if len(x) == 0:
        return 0.0
    pad = np.zeros((INTERP_HALF, x.shape[1]))
    xp = np.concatenate([pad, x, pad])
    return float(max(np.abs(x).max(), _interpolated_peaks(xp).max()))


def _interpolated_peaks(xp: Samples) -> Samples:
    """Largest |value| at the three in-between points of each window of 2*HALF samples."""
    peak: Samples | None = None
    for c in range(xp.shape[1]):
        windows = np.lib.stride_tricks.sliding_window_view(xp[:, c], 2 * INTERP_HALF)
        values = np.abs(matmul(windows, _FILTERS)).max(axis=1)
        peak = values if peak is None else np.maximum(peak, values)
    assert peak is not None
    return peak


class TruePeakLimiter:
    """Keeps the 4x-oversampled peak of its output under the ceiling, whatever comes in.

    For each sample it estimates the peak of the reconstructed waveform between samples,
    takes the gain each would need, looks ahead so the gain is already down when a peak
    arrives (a moving average of a moving minimum: smooth, and never above what any sample
    in reach needs), and recovers no faster than the safety bound on gain rise. A final
    hard clip at the ceiling catches anything left, even a bug upstream. Output is delayed
    by :attr:`latency` frames.
    """

    def __init__(
        self,
        rate_hz: int,
        channels: int,
        ceiling_db: float = safety.CEILING_DEFAULT_DB,
        *,
        release_db_per_s: float = safety.MAX_GAIN_RISE_DB_PER_S,
    ) -> None:
        self.rate_hz = rate_hz
        self.channels = channels
        self._look = max(2, round(LOOKAHEAD_S * rate_hz))
        self._window = 2 * INTERP_HALF + self._look
        self.latency = 2 * INTERP_HALF + self._look - 1
        rise_db = min(release_db_per_s, safety.MAX_GAIN_RISE_DB_PER_S) / rate_hz
        self._rise_ln = rise_db * math.log(10.0) / 20.0
        #: Set False while anything before the limiter is raising its gain, so the two
        #: rises never add up beyond the bound; the limiter then holds its gain.
        self.release_allowed = True
        self._glide = 10.0 ** (-CEILING_GLIDE_DB_PER_S / 20.0 / rate_hz)
        self.ceiling_db = ceiling_db
        self._target = self._requested  # the first ceiling holds from the first sample
        self._held_ln = 0.0  # last rise-limited log gain
        self._avg_hist = np.ones(self._look - 1)
        self.reset()

    def reset(self) -> None:
        """Forget buffered audio (after playback broke off); the gain recovers at its own pace."""
        channels = self.channels
        self._x_interp_hist = np.zeros((2 * INTERP_HALF - 1, channels))
        self._peak_hist = np.zeros(self._window - 1)
        self._delay = np.zeros((self.latency, channels))
        self._clip_hist = np.full(self.latency, self._target)

    @property
    def ceiling_db(self) -> float:
        """The ceiling in dBTP, always clamped to the safety bounds."""
        return self._ceiling_db

    @ceiling_db.setter
    def ceiling_db(self, value: float) -> None:
        self._ceiling_db = safety.clamp_ceiling_db(value)
        self._requested = 10.0 ** ((self._ceiling_db - MARGIN_DB) / 20.0)

    def process(self, x: Samples) -> Samples:
        """Limit a block (frames, channels); returns the same number of frames, delayed."""
        n = len(x)
        if n == 0:
            return np.zeros((0, self.channels))
        x = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        # 1. Peak of each sample and the three points after it (position t - INTERP_HALF).
        xp = np.concatenate([self._x_interp_hist, x])
        self._x_interp_hist = xp[-(2 * INTERP_HALF - 1) :]
        # The level aimed at, sample by sample (gliding down after a lower ceiling was set).
        if self._requested < self._target:
            steps = self._glide ** np.arange(1, n + 1)
            target = np.maximum(self._requested, self._target * steps)
        else:
            target = np.full(n, self._requested)
        self._target = float(target[-1])
        if np.abs(xp).max() * _INTERP_BOUND < target.min():
            inter = np.zeros(n)  # nothing near the ceiling: the exact peaks cannot matter
        else:
            inter = _interpolated_peaks(xp)
        here = np.abs(xp[INTERP_HALF - 1 : INTERP_HALF - 1 + n]).max(axis=1)
        peak = np.maximum(inter, here)
        # 2. The gain the worst peak within reach needs (neighbours too: the interpolation
        #    of a gained signal mixes the gains of nearby samples).
        pk = np.concatenate([self._peak_hist, peak])
        self._peak_hist = pk[-(self._window - 1) :]
        worst = -sliding_min(-pk, self._window)
        need_ln = np.log(np.clip(target / np.maximum(worst, 1e-30), 10 ** (MIN_GAIN_DB / 20), 1.0))
        # 3. Recover no faster than the rise bound: out[i] = min(need[i], out[i-1] + rise).
        rise = self._rise_ln if self.release_allowed else 0.0
        ramp = rise * np.arange(n)
        held = np.minimum.accumulate(np.minimum(need_ln - ramp, self._held_ln + rise)) + ramp
        self._held_ln = float(held[-1])
        # 4. Moving average over the look-ahead: smooth, and below every need it covers.
        g_lin = np.exp(held)
        avg_in = np.concatenate([self._avg_hist, g_lin])
        self._avg_hist = avg_in[-(self._look - 1) :]
        csum = np.concatenate([[0.0], np.cumsum(avg_in)])
        gain = (csum[self._look :] - csum[: -self._look]) / self._look
        # 5. Delay the signal to meet its gain, then the hard clip at the ceiling.
        xd = np.concatenate([self._delay, x])
        self._delay = xd[-self.latency :]
        clip_levels = np.concatenate([self._clip_hist, target])
        self._clip_hist = clip_levels[-self.latency :]
        clip = clip_levels[:n, None]  # the level each sample's gain was computed for
        return np.asarray(np.clip(xd[:n] * gain[:, None], -clip, clip))

    def gain_reduction_db(self) -> float:
        """The limiter's gain now, in dB (0 when idle), for a meter."""
        return 20.0 * self._held_ln / math.log(10.0)
