"""True peak (ITU-R BS.1770-4 Annex 2) of a whole track: a meter over dsp's 4x interpolator."""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.dsp.oversample import PeakInterpolator

log = logging.getLogger(__name__)


class TruePeakMeter:
    """Streams (channels, frames) blocks; ``peak`` is the largest 4x-oversampled |value|.

    Only the maximum matters, so stretches that cannot beat the peak so far are skipped by
    the interpolator (``prune``); the result is the same. Nothing is assumed outside the
    file: interpolation starts once a full window of real samples exists.
    """

    def __init__(self, channels: int, *, prune: bool = True) -> None:
        self._interp = PeakInterpolator(channels, primed=False)
        self._prune = prune
        self._peak = 0.0

    @property
    def peak(self) -> float:
        """Largest absolute oversampled value so far (linear, 1.0 = full scale)."""
        return self._peak

    @property
    def positions_interpolated(self) -> int:
        """Sample positions whose in-between points were computed (work done)."""
        return self._interp.positions_interpolated

    def process(self, block: NDArray[np.floating]) -> None:
        """Add a (channels, frames) block."""
        if block.shape[1] == 0:
            return
        # The samples themselves count even before a full window exists (very short files).
        self._peak = max(self._peak, float(np.abs(block).max()))
        peaks = self._interp.peaks(block, floor=self._peak if self._prune else -1.0)
        if peaks.size:
            self._peak = max(self._peak, float(peaks.max()))

    def finish(self) -> float:
        """The peak of everything fed so far."""
        return self._peak
