"""True peak (ITU-R BS.1770-4 Annex 2): the largest sample after 4x oversampling."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.analysis.filters import matmul

#: Oversampling factor; BS.1770-4 asks for at least 4x at 48 kHz.
OVERSAMPLE = 4
#: Input taps per interpolation phase (the standard's example filter has 12).
TAPS_PER_PHASE = 20
#: With 20 taps the passband is flat within +0.016/-0.006 dB up to 0.4 x the sample rate.
_KAISER_BETA = 6.0
#: Output frames computed per matrix row; a block's length only has to fill whole rows.
_ROW = 8
#: Rows are skipped in segments of this many when they cannot beat the peak found so far.
_SEGMENT_ROWS = 64


def interpolation_phases() -> NDArray[np.float64]:
    """Kaiser-windowed sinc interpolator, shape (TAPS_PER_PHASE, OVERSAMPLE - 1).

    Column p gives the value at p+1 quarter-samples after the centre tap; phase 0 (the
    samples themselves) needs no filter. Each column sums to 1, so DC passes unchanged.
    """
    half = TAPS_PER_PHASE // 2
    offsets = np.arange(TAPS_PER_PHASE) - (half - 1)  # tap j sits at centre + offsets[j]
    phases = []
    for p in range(1, OVERSAMPLE):
        t = p / OVERSAMPLE - offsets  # distance from the wanted point to each tap
        window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1.0 - (t / half) ** 2, 0.0, None)))
        taps = np.sinc(t) * window / np.i0(_KAISER_BETA)
        phases.append(taps / taps.sum())
    return np.stack(phases, axis=1)


class TruePeakMeter:
    """Streams blocks; ``peak`` is the largest absolute value of the 4x oversampled signal.

    Only the maximum matters, so input is buffered freely: blocks are cut into whole matrix
    rows and the remainder waits for the next block (or for :meth:`finish`). For the same
    reason a stretch is skipped when even its loudest sample, times the interpolator's
    largest possible gain (the sum of a phase's absolute taps), cannot beat the peak so far:
    quiet passages between louder ones cost almost nothing, and the result is the same.
    """

    def __init__(self, channels: int, *, prune: bool = True) -> None:
        phases = interpolation_phases()
        taps = phases.shape[0]
        width = _ROW + taps - 1
        # One matrix product turns a row of _ROW + taps - 1 inputs into _ROW x 3 outputs.
        band = np.zeros((width, _ROW * phases.shape[1]), dtype=np.float32)
        for i in range(_ROW):
            band[i : i + taps, i * phases.shape[1] : (i + 1) * phases.shape[1]] = phases
        self._band = band
        self._prune = prune
        # Bound on |interpolated| / max|input| over a window; a hair more for float32 rounding.
        self._gain_bound = float(np.abs(phases).sum(axis=0).max()) * 1.0001
        self.rows_interpolated = 0  # work actually done, for tests and benchmarks
        self._taps = taps
        self._width = width
        # Nothing is assumed outside the file: interpolation starts once a full window of real
        # samples exists (zeros before the start would add a step and Gibbs overshoot).
        self._pending = np.zeros((channels, 0), dtype=np.float32)
        self._peak = 0.0

    @property
    def peak(self) -> float:
        """Largest absolute oversampled value so far (linear, 1.0 = full scale)."""
        return self._peak

    def process(self, block: NDArray[np.floating]) -> None:
        """Add a (channels, frames) block."""
        if block.shape[1] == 0:
            return
        block32 = np.asarray(block, dtype=np.float32)
        self._peak = max(self._peak, float(np.abs(block32).max()))  # phase 0: the samples
        data = np.concatenate([self._pending, block32], axis=1)
        rows = max(0, (data.shape[1] - (self._taps - 1)) // _ROW)
        if rows:
            windows = np.lib.stride_tricks.sliding_window_view(data, self._width, axis=1)
            windows = windows[:, : rows * _ROW : _ROW]  # (channels, rows, width)
            needed = self._rows_that_may_beat_the_peak(data, rows) if self._prune else None
            if needed is not None:
                windows = windows[:, needed]
            if windows.shape[1]:
                out = matmul(windows.reshape(-1, self._width), self._band)
                self.rows_interpolated += windows.shape[1]
                self._peak = max(self._peak, float(np.abs(out).max()))
        self._pending = data[:, rows * _ROW :].copy()

    def _rows_that_may_beat_the_peak(
        self, data: NDArray[np.float32], rows: int
    ) -> NDArray[np.bool_] | None:
        """Rows (by segment) whose inputs could interpolate above the peak; None for all."""
        span = _SEGMENT_ROWS * _ROW
        segments = -(-rows // _SEGMENT_ROWS)
        loudest = np.abs(data).max(axis=0)
        padded = np.zeros((segments + 1) * span, dtype=np.float32)
        usable = min(loudest.shape[0], padded.shape[0])
        padded[:usable] = loudest[:usable]
        chunk_max = padded.reshape(segments + 1, span).max(axis=1)
        # Segment s reads inputs from its own chunk and the first taps-1 of the next one.
        reach = np.maximum(chunk_max[:-1], chunk_max[1:])
        may = reach * self._gain_bound > self._peak
        if may.all():
            return None
        return np.repeat(may, _SEGMENT_ROWS)[:rows]

    def finish(self) -> float:
        """Interpolate the last, incomplete row of windows; returns the peak."""
        data = self._pending
        if data.shape[1] >= self._taps:
            windows = np.lib.stride_tricks.sliding_window_view(data, self._taps, axis=1)
            phases = self._band[: self._taps, : OVERSAMPLE - 1]
            out = windows.reshape(-1, self._taps) @ phases
            self._peak = max(self._peak, float(np.abs(out).max()))
        self._pending = data[:, data.shape[1] :]
        return self._peak
