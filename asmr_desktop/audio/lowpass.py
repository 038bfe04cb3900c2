"""The migraine low-pass: stateful biquads, faded in and out so switching never clicks."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.dsp.matrix import matmul

Samples = NDArray[np.float64]

#: Butterworth order of the migraine low-pass (three biquads: 36 dB per octave).
LOWPASS_ORDER = 6
#: Switching the filter on crossfades from dry to filtered sound over this long.
SWITCH_S = 0.5
#: Switching off, the unfiltered sound comes back from this level (inaudible under the rest).
_DRY_FLOOR_DB = -60.0
#: Sub-block length of the vectorised recursion (see :class:`Biquad`).
_SUB = 32


class Biquad:
    """One second-order IIR section, direct form I, keeping its state between blocks.

    The feedback recursion is computed in sub-blocks of 32 samples as a matrix product
    (the zero-state response of each sub-block at once, then only the two-sample state is
    carried from one sub-block to the next), so it runs at numpy speed and is exact.
    """

    def __init__(
        self, b: tuple[float, float, float], a: tuple[float, float], channels: int
    ) -> None:
        self.b = b
        self.a = a
        self.channels = channels
        a1, a2 = a
        # Impulse response of 1 / (1 + a1 z^-1 + a2 z^-2) over one sub-block.
        h = np.zeros(_SUB)
        y1 = y2 = 0.0
        for n in range(_SUB):
            y = (1.0 if n == 0 else 0.0) - a1 * y1 - a2 * y2
            h[n] = y
            y1, y2 = y, y1
        idx = np.arange(_SUB)
        lag = idx[:, None] - idx[None, :]
        self._toeplitz = np.where(lag >= 0, h[np.clip(lag, 0, None)], 0.0)
        # Response to the initial state (y[-1], y[-2]) with no input.
        init = np.zeros((_SUB, 2))
        for k, (p1, p2) in enumerate(((1.0, 0.0), (0.0, 1.0))):
            y1, y2 = p1, p2
            for n in range(_SUB):
                y = -a1 * y1 - a2 * y2
                init[n, k] = y
                y1, y2 = y, y1
        self._init = init
        self.reset()

    def reset(self) -> None:
        self._x_hist = np.zeros((2, self.channels))  # x[-2], x[-1]
        self._y_state = np.zeros((2, self.channels))  # y[-1], y[-2]

    def process(self, x: Samples) -> Samples:
        n = len(x)
        if n == 0:
            return x.copy()
        b0, b1, b2 = self.b
        xp = np.concatenate([self._x_hist, x])
        w = b0 * xp[2:] + b1 * xp[1:-1] + b2 * xp[:-2]
        self._x_hist = xp[-2:].copy()
        nsub = -(-n // _SUB)
        wp = np.zeros((nsub * _SUB, self.channels))
        wp[:n] = w
        ch = self.channels
        # One product for all sub-blocks: (nsub * channels, SUB) @ (SUB, SUB).
        grid = wp.reshape(nsub, _SUB, ch).transpose(0, 2, 1).reshape(nsub * ch, _SUB)
        zero_state = matmul(grid, self._toeplitz.T).reshape(nsub, ch, _SUB).transpose(0, 2, 1)
        # Carry (y[-1], y[-2]) across sub-blocks: a short scalar loop, plain floats are fastest.
        (m00, m01), (m10, m11) = self._init[[-1, -2]].tolist()
        last = zero_state[:, -1, :].T.tolist()
        before = zero_state[:, -2, :].T.tolist()
        states = np.empty((2, nsub, ch))
        for c in range(ch):
            y1, y2 = float(self._y_state[0, c]), float(self._y_state[1, c])
            col1, col2 = [0.0] * nsub, [0.0] * nsub
            for k, (z1, z2) in enumerate(zip(last[c], before[c], strict=True)):
                col1[k], col2[k] = y1, y2
                y1, y2 = z1 + m00 * y1 + m01 * y2, z2 + m10 * y1 + m11 * y2
            states[0, :, c], states[1, :, c] = col1, col2
        free = matmul(states.reshape(2, nsub * ch).T, self._init.T)  # (nsub * ch, SUB)
        free = free.reshape(nsub, ch, _SUB).transpose(0, 2, 1)
        y = (zero_state + free).reshape(-1, ch)
        y = np.asarray(y[:n])
        self._y_state = np.stack([y[-1], y[-2] if n >= 2 else self._y_state[0]])
        return y


def lowpass_sections(
    cutoff_hz: float, rate_hz: int, order: int = LOWPASS_ORDER
) -> list[tuple[tuple[float, float, float], tuple[float, float]]]:
    """Butterworth low-pass as biquad coefficients (RBJ cookbook, one Q per pole pair)."""
    cutoff_hz = min(cutoff_hz, 0.45 * rate_hz)
    w0 = 2.0 * math.pi * cutoff_hz / rate_hz
    sections = []
    for k in range(order // 2):
        q = 1.0 / (2.0 * math.cos(math.pi * (2 * k + 1) / (2 * order)))
        alpha = math.sin(w0) / (2.0 * q)
        cos_w0 = math.cos(w0)
        a0 = 1.0 + alpha
        b0 = (1.0 - cos_w0) / 2.0 / a0
        sections.append(((b0, 2.0 * b0, b0), (-2.0 * cos_w0 / a0, (1.0 - alpha) / a0)))
    return sections


class MigraineFilter:
    """Low-pass at :data:`safety.MIGRAINE_LOWPASS_HZ`, switched on and off without a click.

    Output = filtered + dry_weight x (dry - filtered). Switching on, the dry weight falls to
    0 over :data:`SWITCH_S`; switching off, it rises in dB no faster than the gain-rise
    bound (from -60 dB: about 10 s), because for the high frequencies coming back that *is*
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
        self._sections = [Biquad(b, a, channels) for b, a in lowpass_sections(cutoff_hz, rate_hz)]
        self._dry = 0.0 if enabled else 1.0  # weight of the unfiltered sound
        self._enabled = enabled
        self._fall = 1.0 / max(1, round(SWITCH_S * rate_hz))
        self._rise_db = safety.MAX_GAIN_RISE_DB_PER_S / rate_hz

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

    def process(self, x: Samples) -> Samples:
        if self._dry == 1.0 and not self._enabled:
            return x
        wet = x
        for section in self._sections:
            wet = section.process(wet)
        steps = np.arange(1, len(x) + 1)
        if self._enabled:
            if self._dry == 0.0:
                return wet
            dry = np.maximum(self._dry - self._fall * steps, 0.0)
        else:
            start_db = (
                max(20.0 * math.log10(self._dry), _DRY_FLOOR_DB) if self._dry > 0 else _DRY_FLOOR_DB
            )
            dry = np.minimum(10.0 ** ((start_db + self._rise_db * steps) / 20.0), 1.0)
        self._dry = float(dry[-1])
        if self._dry == 1.0:
            for section in self._sections:
                section.reset()
        return np.asarray(wet + dry[:, None] * (x - wet))
