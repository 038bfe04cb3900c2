"""The migraine low-pass: a Butterworth on dsp's IIR engine, faded in and out so switching
never clicks.

Measured for 60 s of 48 kHz stereo in the engine's 0.2 s blocks (one busy core): 341 ms with
the cascade of biquads this module used to run (a Python loop carried each biquad's state
between sub-blocks), 52 ms on dsp's engine, which runs the three sections as one system in
one pass. Both equal scipy's ``sosfilt`` to 3e-16.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.dsp.design import butter_lowpass
from asmr_desktop.dsp.iir import IirFilter, Sos

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]

#: Butterworth order of the migraine low-pass (three biquads: 36 dB per octave).
LOWPASS_ORDER = 6
#: Switching the filter on crossfades from dry to filtered sound over this long.
SWITCH_S = 0.5
#: Switching off, the unfiltered sound comes back from this level (inaudible under the rest).
_DRY_FLOOR_DB = -60.0
#: Switching off, the dry weight rises this much slower than the gain-rise bound: what comes
#: back is wet + dry x (dry - wet), and near the cutoff that sum rises a little faster than
#: the dry weight itself (a 4 kHz tone: 6.3 dB/s at the end of a 6 dB/s rise, measured).
HIGHS_RISE_SHARE = 0.8
#: The cutoff never goes above this share of the rate (a 4 kHz cut at 8 kHz would be none).
_MAX_CUTOFF_SHARE = 0.45


def lowpass_design(cutoff_hz: float, rate_hz: int, order: int = LOWPASS_ORDER) -> Sos:
    """The migraine low-pass as second-order sections (cutoff capped below Nyquist)."""
    return butter_lowpass(order, min(cutoff_hz, _MAX_CUTOFF_SHARE * rate_hz), rate_hz)


def lowpass_sections(
    cutoff_hz: float, rate_hz: int, order: int = LOWPASS_ORDER
) -> list[tuple[tuple[float, float, float], tuple[float, float]]]:
    """The same low-pass as (b, (a1, a2)) pairs, one per section, for :class:`Biquad`."""
    return [
        ((b0, b1, b2), (a1, a2))
        for b0, b1, b2, _, a1, a2 in lowpass_design(cutoff_hz, rate_hz, order).tolist()
    ]


class Biquad:
    """One second-order section on dsp's engine, for (frames, channels) blocks."""

    def __init__(
        self, b: tuple[float, float, float], a: tuple[float, float], channels: int
    ) -> None:
        self._filter = IirFilter([*b, 1.0, *a], channels)

    def reset(self) -> None:
        self._filter.reset()

    def process(self, x: Samples) -> Samples:
        return np.ascontiguousarray(self._filter.process(x.T).T)


class MigraineFilter:
    """Low-pass at :data:`safety.MIGRAINE_LOWPASS_HZ`, switched on and off without a click.

    Output = filtered + dry_weight x (dry - filtered). Switching on, the dry weight falls to
    0 over :data:`SWITCH_S`; switching off, it rises in dB no faster than the gain-rise
    bound (from -60 dB: about 12 s), because for the high frequencies coming back that *is*
    a gain rise. While off and settled the filter costs nothing; it starts from rest under
    the crossfade, so its start-up never reaches the ear.
    """

    def __init__(
        self,
        rate_hz: int,
        channels: int,
        cutoff_hz: float = safety.MIGRAINE_LOWPASS_HZ,
        *,
        enabled: bool = False,
    ) -> None:
        self.rate_hz = rate_hz
        self._filter = IirFilter(lowpass_design(cutoff_hz, rate_hz), channels)
        self._dry = 0.0 if enabled else 1.0  # weight of the unfiltered sound
        self._enabled = enabled
        self._fall = 1.0 / max(1, round(SWITCH_S * rate_hz))
        self._rise_db = HIGHS_RISE_SHARE * safety.MAX_GAIN_RISE_DB_PER_S / rate_hz

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = value

    @property
    def rising(self) -> bool:
        """True while switching off: the high frequencies are coming back up."""
        return not self._enabled and self._dry < 1.0

    def process(self, x: Samples, *, hold: bool = False) -> Samples:
        """Filter a block; ``hold`` keeps the highs where they are while something else
        raises the gain (one rise at a time: switching migraine mode off also raises the
        loudness target, and the two rises must not add up)."""
        if (self._dry == 1.0 and not self._enabled) or len(x) == 0:
            return x
        wet = self._filter.process(x.T).T  # the engine is planar: (channels, frames)
        if self._enabled and self._dry == 0.0:
            return wet
        steps = np.arange(1, len(x) + 1)
        if self._enabled:
            dry = np.maximum(self._dry - self._fall * steps, 0.0)
        elif hold:
            dry = np.full(len(x), self._dry)
        else:
            start_db = (
                max(20.0 * math.log10(self._dry), _DRY_FLOOR_DB) if self._dry > 0 else _DRY_FLOOR_DB
            )
            dry = np.minimum(10.0 ** ((start_db + self._rise_db * steps) / 20.0), 1.0)
        self._dry = float(dry[-1])
        if self._dry == 1.0:
            self._filter.reset()
        return np.asarray(wet + dry[:, None] * (x - wet))
