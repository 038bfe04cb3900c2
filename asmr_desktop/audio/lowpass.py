"""The migraine low-pass: a Butterworth on dsp's IIR engine whose cutoff glides when migraine
mode is switched, so the sound never notches, clicks or jumps.

Switching used to crossfade the unfiltered and the filtered sound. Near the cutoff the two
are far apart in phase (a 3 kHz tone: about 200 degrees through a sixth-order 4 kHz
Butterworth), so half way through the crossfade they cancelled: a steady in-band tone
dipped and rose again faster than 6 dB/s. Now there is only ever one filter, and its cutoff
moves (log-frequency, coefficients recomputed every few hundred frames, the filter's
state carried over), so a sound below the cutoff passes unchanged while the highs above it
fade in or out.

Measured for 60 s of 48 kHz stereo in the engine's 0.2 s blocks (one busy core): 341 ms with
the cascade of biquads this module used to run (a Python loop carried each biquad's state
between sub-blocks), 52 ms on dsp's engine, which runs the three sections as one system in
one pass. Both equal scipy's ``sosfilt`` to 3e-16. While the cutoff glides a new system is
built every 128 or 256 frames (about 0.3 ms each: 6-12 % of one core, only during a
switch).
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.dsp.design import butter_lowpass
from asmr_desktop.dsp.iir import IirFilter, Sos
from asmr_desktop.dsp.matrix import scale_frames

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]

#: Butterworth order of the migraine low-pass (three biquads: 36 dB per octave).
LOWPASS_ORDER = 6
#: The cutoff never goes above this share of the rate (a 4 kHz cut at 8 kHz would be none).
_MAX_CUTOFF_SHARE = 0.45
#: The steepest a Butterworth's attenuation changes with its cutoff: 6 dB per octave per
#: order, reached deep in the stopband. In warped frequency (tan(pi f / rate), where the
#: bilinear transform puts the analog prototype's frequencies) this holds exactly, at
#: every frequency up to Nyquist.
STOPBAND_DB_PER_OCTAVE = 20.0 * math.log10(2.0) * LOWPASS_ORDER
#: Switching off, the cutoff rises at this many octaves (of warped frequency) a second, so
#: no frequency, and no sound, comes back faster than this share of the gain-rise bound.
HIGHS_RISE_SHARE = 0.9
GLIDE_UP_OCTAVES_PER_S = HIGHS_RISE_SHARE * safety.MAX_GAIN_RISE_DB_PER_S / STOPBAND_DB_PER_OCTAVE
#: Switching on, the cutoff falls from the top to the migraine cutoff in this long (a fall:
#: the highs go quickly, nothing rises).
GLIDE_DOWN_S = 1.5
#: The top of the glide, as a share of the rate: there the filter passes everything up to
#: 20 kHz within 0.01 dB and 25 degrees (at 44.1 kHz), so handing over to the unfiltered
#: sound (and back) over :data:`HANDOFF_S` dips a 20 kHz tone 0.8 dB at most, a 16 kHz
#: tone 0.1 dB. From the migraine cutoff, the glide up takes about 44 s (most of it above
#: 16 kHz: 4 to 16 kHz is back after about 20 s).
TOP_SHARE = 0.49
HANDOFF_S = 0.5
#: While the cutoff glides it moves every this many frames, down (quick) and up (slow).
#: Each move leaves a small transient (the sections' state was built with the old
#: coefficients): with 512 frames on the way down a 500 Hz tone's curvature (a click shows
#: there) rose to 2x its own; with these, under 1.07x both ways.
SUBBLOCK_DOWN = 128
SUBBLOCK_UP = 256


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
    """Low-pass at :data:`safety.MIGRAINE_LOWPASS_HZ` in migraine mode, off otherwise; a
    switch glides the cutoff between it and the top (:data:`TOP_SHARE` of the rate), where
    the unfiltered sound takes over. While off and settled it costs nothing.

    The glide runs in warped log-frequency ``u = log2(tan(pi fc / rate))``: there a
    Butterworth's attenuation at any frequency changes by at most
    :data:`STOPBAND_DB_PER_OCTAVE` per unit of ``u``, which bounds the rise of the highs.
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
        self.channels = channels
        self._u_on = _warped(min(cutoff_hz, _MAX_CUTOFF_SHARE * rate_hz), rate_hz)
        self._u_top = _warped(TOP_SHARE * rate_hz, rate_hz)
        span = max(self._u_top - self._u_on, 1e-9)
        #: Position of the cutoff: 0 at the migraine cutoff, 1 at the top.
        self._at = 0.0 if enabled else 1.0
        #: Weight of the unfiltered sound (only above 0 at the top).
        self._dry = 0.0 if enabled else 1.0
        self._enabled = enabled
        self._up = GLIDE_UP_OCTAVES_PER_S / span / rate_hz  # position per frame
        self._down = 1.0 / max(1.0, GLIDE_DOWN_S * rate_hz)
        self._handoff = 1.0 / max(1.0, HANDOFF_S * rate_hz)
        self._filter = self._tuned(self._at)

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

    def _tuned(self, at: float) -> IirFilter:
        u = self._u_on + at * (self._u_top - self._u_on)
        cutoff = self.rate_hz / math.pi * math.atan(2.0**u)
        return IirFilter(butter_lowpass(LOWPASS_ORDER, cutoff, self.rate_hz), self.channels)

    def process(self, x: Samples, *, hold: bool = False) -> Samples:
        """Filter a block; ``hold`` keeps the highs where they are while something else
        raises the gain (one rise at a time: switching migraine mode off also raises the
        loudness target, and the two rises must not add up)."""
        if (self._dry == 1.0 and not self._enabled) or len(x) == 0:
            return x
        if self._enabled and self._dry == 0.0 and self._at == 0.0:  # settled: the plain filter
            return np.asarray(self._filter.process(x.T).T)
        out = np.empty_like(x)
        size = SUBBLOCK_DOWN if self._enabled else SUBBLOCK_UP
        for start in range(0, len(x), size):
            part = x[start : start + size]
            out[start : start + len(part)] = self._step(part, hold)
        return out

    def _step(self, x: Samples, hold: bool) -> Samples:
        """One sub-block: move the cutoff (or the handover to the unfiltered sound) once."""
        n = len(x)
        if self._dry == 0.0:
            moved = self._at
            if self._enabled:
                moved = max(0.0, self._at - self._down * n)
            elif not hold:
                moved = min(1.0, self._at + self._up * n)
            if moved != self._at:
                retuned = self._tuned(moved)
                retuned.continue_from(self._filter)
                self._filter, self._at = retuned, moved
        wet = self._filter.process(x.T).T
        if self._at < 1.0 or (self._dry == 0.0 and (self._enabled or hold)):
            return np.asarray(wet)
        # At the top: the unfiltered sound takes over (switching off) or gives way (on).
        steps = np.arange(1, n + 1)
        if self._enabled:
            dry = np.maximum(self._dry - self._handoff * steps, 0.0)
        elif hold:
            dry = np.full(n, self._dry)
        else:
            dry = np.minimum(self._dry + self._handoff * steps, 1.0)
        self._dry = float(dry[-1])
        if self._dry == 1.0:
            self._filter.reset()  # bypassed from here: the next switch starts from rest
        return np.asarray(wet + scale_frames(x - wet, dry))


def _warped(cutoff_hz: float, rate_hz: int) -> float:
    """log2 of the bilinear transform's warped frequency of ``cutoff_hz``."""
    return math.log2(math.tan(math.pi * cutoff_hz / rate_hz))
