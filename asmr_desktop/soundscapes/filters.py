"""Linear IIR filters in plain numpy that keep their state from one block to the next.

A per-sample Python loop is far too slow for audio, and scipy is not a runtime dependency,
so a filter is run in its state-space form a sub-block at a time: within a sub-block of M
samples the output is one matrix product (the zero-state response) plus the response to
the state carried in; only the state hand-over between sub-blocks is a Python loop (one
step per M samples). The result equals a sample-by-sample recursion up to rounding, and
the state carried between calls is exactly the recursion's state, so splitting a signal
into blocks of any size leaves no mark at the block boundaries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Signal = NDArray[np.float64]

#: Samples per sub-block: large enough that the matrix products dominate, small enough that
#: the (M x M) matrix stays cheap.
SUB_BLOCK = 64
#: Sub-blocks whose state hand-over is solved in one matrix product.
MAX_SUB_BLOCKS = 32


class LinearFilter:
    """An IIR filter ``b/a`` over ``channels`` channels, stateful across :meth:`process` calls."""

    def __init__(
        self, b: ArrayLike, a: ArrayLike, channels: int, sub_block: int = SUB_BLOCK
    ) -> None:
        b_arr = np.atleast_1d(np.asarray(b, dtype=np.float64))
        a_arr = np.atleast_1d(np.asarray(a, dtype=np.float64))
        if a_arr[0] == 0.0:
            raise ValueError("a[0] must not be zero")
        b_arr, a_arr = b_arr / a_arr[0], a_arr / a_arr[0]
        order = max(len(a_arr), len(b_arr)) - 1
        b_arr = np.pad(b_arr, (0, order + 1 - len(b_arr)))
        a_arr = np.pad(a_arr, (0, order + 1 - len(a_arr)))
        self._order = order
        self._m = sub_block
        self._d = float(b_arr[0])
        self._state = np.zeros((channels, order))
        self._hand_over_cache: dict[tuple[int, int], tuple[Signal, Signal]] = {}
        if order == 0:
            return
        # Direct form II transposed as a state-space system: s' = A s + B x, y = C s + D x,
        # with C picking the first state.
        a_mat = np.zeros((order, order))
        a_mat[:, 0] = -a_arr[1:]
        a_mat[:-1, 1:] = np.eye(order - 1)
        b_vec = b_arr[1:] - a_arr[1:] * b_arr[0]
        m = sub_block
        powers = [np.eye(order)]
        for _ in range(m):
            powers.append(powers[-1] @ a_mat)
        self._powers = np.stack(powers)  # A^0 .. A^M
        # Impulse response h[0] = D, h[k] = C A^(k-1) B, as a lower-triangular Toeplitz matrix.
        impulse = np.empty(m)
        impulse[0] = self._d
        for k in range(1, m):
            impulse[k] = (powers[k - 1] @ b_vec)[0]
        idx = np.arange(m)
        lag = idx[:, None] - idx[None, :]
        self._toeplitz = np.where(lag >= 0, impulse[np.clip(lag, 0, m - 1)], 0.0)
        # Output caused by the state at the start of a sub-block: row i is C A^i.
        self._observe = np.stack([p[0, :] for p in powers[:m]])  # (M, order)
        # State at the end of a sub-block caused by its input: column j is A^(M-1-j) B.
        self._control = np.stack([powers[m - 1 - j] @ b_vec for j in range(m)], axis=1)
        self._toeplitz_t = np.ascontiguousarray(self._toeplitz.T)
        self._control_t = np.ascontiguousarray(self._control.T)
        self._observe_t = np.ascontiguousarray(self._observe.T)

    @property
    def channels(self) -> int:
        return int(self._state.shape[0])

    def reset(self) -> None:
        """Forget the past (silence before the next block)."""
        self._state[:] = 0.0

    def process(self, x: Signal) -> Signal:
        """Filter ``x`` of shape (channels, frames); the state carries on into the next call."""
        channels = self._state.shape[0]
        if x.ndim != 2 or x.shape[0] != channels:
            raise ValueError(f"expected ({channels}, frames), got {x.shape}")
        x = np.ascontiguousarray(x, dtype=np.float64)
        if self._order == 0:
            return x * self._d
        frames = x.shape[1]
        m = self._m
        full = frames - frames % m
        y = np.empty_like(x)
        # The hand-over matrices grow with the square of the sub-block count: cap it.
        step = m * MAX_SUB_BLOCKS
        for start in range(0, full, step):
            stop = min(full, start + step)
            y[:, start:stop] = self._run(x[:, start:stop], m)
        if full < frames:
            y[:, full:] = self._run(x[:, full:], frames - full)
        return y

    def _run(self, x: Signal, m: int) -> Signal:
        """Filter (channels, K*m) samples as K sub-blocks of length m <= M, in order."""
        channels, frames = x.shape
        count = frames // m
        order = self._order
        # Rows are (channel, sub-block) pairs: every product below is one matrix product.
        rows = x.reshape(channels * count, m)
        if m == self._m:
            toeplitz_t, control_t, observe_t = self._toeplitz_t, self._control_t, self._observe_t
        else:
            toeplitz_t = self._toeplitz[:m, :m].T
            control_t = self._control[:, self._m - m :].T
            observe_t = self._observe[:m].T
        out: Signal = rows @ toeplitz_t  # zero-state response
        pushed = (rows @ control_t).reshape(channels, count * order)
        carry_t, spread_t = self._hand_over(m, count)
        # starts[k] = A_m^k s0 + sum_{j<k} A_m^(k-1-j) pushed[j], for all k at once.
        starts = self._state @ carry_t + pushed @ spread_t  # (channels, count*order)
        self._state = starts[:, -order:] @ self._powers[m].T + pushed[:, -order:]
        out += starts.reshape(channels * count, order) @ observe_t
        return out.reshape(channels, frames)

    def _hand_over(self, m: int, count: int) -> tuple[Signal, Signal]:
        """Matrices giving the state at the start of each of ``count`` sub-blocks of length m."""
        key = (m, count)
        cached = self._hand_over_cache.get(key)
        if cached is not None:
            return cached
        order = self._order
        a_m = self._powers[m]
        steps = [np.eye(order)]
        for _ in range(count):
            steps.append(steps[-1] @ a_m)
        carry = np.concatenate(steps[:count], axis=0)  # (count*order, order)
        spread = np.zeros((count * order, count * order))
        for k in range(count):
            for j in range(k):
                spread[k * order : (k + 1) * order, j * order : (j + 1) * order] = steps[k - 1 - j]
        result = (np.ascontiguousarray(carry.T), np.ascontiguousarray(spread.T))
        self._hand_over_cache[key] = result
        return result


class FilterChain:
    """Filters applied one after the other (each keeps its own state)."""

    def __init__(self, filters: Sequence[LinearFilter]) -> None:
        self._filters = tuple(filters)

    def process(self, x: Signal) -> Signal:
        for f in self._filters:
            x = f.process(x)
        return x


# --- designs (RBJ audio-EQ cookbook); each returns (b, a) ----------------------------------
Coefficients = tuple[NDArray[np.float64], NDArray[np.float64]]


def _check(freq_hz: float, rate_hz: int) -> float:
    if not 0.0 < freq_hz < rate_hz / 2:
        raise ValueError(f"frequency {freq_hz} Hz outside (0, {rate_hz / 2}) Hz")
    return 2.0 * math.pi * freq_hz / rate_hz


def lowpass(freq_hz: float, rate_hz: int, q: float = math.sqrt(0.5)) -> Coefficients:
    """Second-order low-pass (Butterworth at the default Q)."""
    w0 = _check(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    b = np.array([(1 - cos_w) / 2, 1 - cos_w, (1 - cos_w) / 2])
    a = np.array([1 + alpha, -2 * cos_w, 1 - alpha])
    return b, a


def highpass(freq_hz: float, rate_hz: int, q: float = math.sqrt(0.5)) -> Coefficients:
    """Second-order high-pass (Butterworth at the default Q)."""
    w0 = _check(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    b = np.array([(1 + cos_w) / 2, -(1 + cos_w), (1 + cos_w) / 2])
    a = np.array([1 + alpha, -2 * cos_w, 1 - alpha])
    return b, a


def bandpass(freq_hz: float, rate_hz: int, q: float) -> Coefficients:
    """Second-order band-pass with 0 dB gain at the centre."""
    w0 = _check(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    b = np.array([alpha, 0.0, -alpha])
    a = np.array([1 + alpha, -2 * cos_w, 1 - alpha])
    return b, a


def one_pole_lowpass(freq_hz: float, rate_hz: int) -> Coefficients:
    """First-order low-pass, unity gain at DC: a gentle 6 dB/octave slope."""
    pole = math.exp(-_check(freq_hz, rate_hz))
    return np.array([1.0 - pole]), np.array([1.0, -pole])


def pink(rate_hz: int) -> Coefficients:
    """Pink (-3 dB/octave) shaping of white noise, within about 0.5 dB from 10 Hz up.

    A three-pole, three-zero approximation (poles and zeros interleaved on the real axis),
    placed for 44.1 kHz; at 48 kHz the slope is the same, shifted by 9 % in frequency.
    """
    del rate_hz  # the slope, which is all that matters here, does not depend on the rate
    b = np.array([0.049922035, -0.095993537, 0.050612699, -0.004408786])
    a = np.array([1.0, -2.494956002, 2.017265875, -0.522189400])
    return b, a


def make(design: Coefficients, channels: int) -> LinearFilter:
    """A stateful filter from a design."""
    return LinearFilter(design[0], design[1], channels)


def noise_power(
    designs: Sequence[Coefficients], seconds: float = 2.0, rate_hz: int = 48000
) -> float:
    """Mean square of unit white noise after ``designs`` in series (sum of the squared
    impulse response), so a generator can set one sound's level relative to another's."""
    impulse = np.zeros((1, round(seconds * rate_hz)))
    impulse[0, 0] = 1.0
    response = FilterChain([make(d, 1) for d in designs]).process(impulse)
    return float(np.sum(response * response))


def parallel(designs: Sequence[Coefficients]) -> Coefficients:
    """One filter equal to the sum of ``designs`` run side by side (fewer passes)."""
    b_sum: NDArray[np.float64] = np.zeros(1)
    a_all: NDArray[np.float64] = np.ones(1)
    for b, a in designs:
        b_sum = np.asarray(np.polyadd(np.polymul(b_sum, a), np.polymul(b, a_all)), np.float64)
        a_all = np.asarray(np.polymul(a_all, a), np.float64)
    return b_sum, a_all


def k_weighting_48k() -> list[Coefficients]:
    """BS.1770's K-weighting at 48 kHz (shelf, then high-pass): the ear's loudness curve,
    so a generator can keep its loudness, not just its power, when a setting changes it."""
    shelf = (
        np.array([1.53512485958697, -2.69169618940638, 1.19839281085285]),
        np.array([1.0, -1.69065929318241, 0.73248077421585]),
    )
    highpass = (np.array([1.0, -2.0, 1.0]), np.array([1.0, -1.99004745483398, 0.99007225036621]))
    return [shelf, highpass]
