"""The one IIR engine: second-order sections run as one state-space system, a chunk at a time.

Every filter of the app (the migraine low-pass, K-weighting, the brightness high-pass, the
soundscapes' shaping filters) runs here. A cascade of sections (or sections side by side)
is joined into one linear system s' = A s + B x, y = C s + D x, each section in transposed
direct form II (well conditioned: no polynomial products). That system is run on chunks of
``chunk`` samples: within a chunk the output is the zero-state response (one matrix product
with the impulse response's Toeplitz matrix) plus the response to the state at the chunk's
start; those start states follow from a log-depth prefix scan over the chunks. No
per-sample Python loop, no scipy at run time.

State is float64 and carried from one call to the next, per channel, so a stream can be
filtered in blocks of any size: the samples equal those of one call over the whole signal
(and scipy's ``sosfilt``) to float64 rounding, about 1e-12 of the signal's size
(``tests/unit/dsp/test_iir.py`` checks random block splits against ``sosfilt``).

Why this engine and not the two others the app had (issue 12, 60 s of 48 kHz stereo, one
busy core): this one took 32 ms for K-weighting, the migraine low-pass's biquad cascade with
a Python state hand-over 358 ms. The soundscapes' per-filter hand-over matrices were as fast
for one biquad but ran a chain filter by filter; a chain here is one system, one pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from asmr_desktop.dsp.matrix import matmul

log = logging.getLogger(__name__)

#: Up to this many states times chunks, a block's chunk start states come from one product
#: with a precomputed (chunks*states)^2 matrix instead of the prefix scan: a single biquad
#: on a 2048-frame block took 37 us that way against 75 us with the scan's six rounds.
_DIRECT_SIZE = 128

Array = NDArray[np.float64]
#: Second-order sections, one per row: b0 b1 b2 a0 a1 a2 (scipy's ``sos`` layout).
Sos = NDArray[np.float64]


def as_sos(sos: ArrayLike) -> Sos:
    """``sos`` as a float64 (sections, 6) array with a0 = 1; raises ValueError if malformed."""
    arr = np.atleast_2d(np.asarray(sos, dtype=np.float64))
    if arr.ndim != 2 or arr.shape[1] != 6 or arr.shape[0] == 0:
        raise ValueError(f"expected (sections, 6) coefficients, got shape {arr.shape}")
    if np.any(arr[:, 3] == 0.0):
        raise ValueError("a0 of a section must not be zero")
    return arr / arr[:, 3:4]


class StateSpace:
    """The matrices (A, B, C, D) of a single-input, single-output linear filter."""

    def __init__(self, a: ArrayLike, b: ArrayLike, c: ArrayLike, d: float) -> None:
        self.a = np.atleast_2d(np.asarray(a, dtype=np.float64))
        self.b = np.atleast_1d(np.asarray(b, dtype=np.float64))
        self.c = np.atleast_1d(np.asarray(c, dtype=np.float64))
        self.d = float(d)

    @property
    def order(self) -> int:
        return int(self.b.shape[0])

    @classmethod
    def section(cls, row: ArrayLike) -> StateSpace:
        """One second-order section ``b0 b1 b2 a0 a1 a2`` in transposed direct form II."""
        b0, b1, b2, a0, a1, a2 = (float(v) for v in np.asarray(row, dtype=np.float64))
        b0, b1, b2, a1, a2 = b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0
        return cls(
            a=np.array([[-a1, 1.0], [-a2, 0.0]]),
            b=np.array([b1 - a1 * b0, b2 - a2 * b0]),
            c=np.array([1.0, 0.0]),
            d=b0,
        )

    @classmethod
    def from_sos(cls, sos: ArrayLike) -> StateSpace:
        """The sections of ``sos`` in series."""
        rows = as_sos(sos)
        system = cls.section(rows[0])
        for row in rows[1:]:
            system = system.then(cls.section(row))
        return system

    @classmethod
    def gain(cls, value: float) -> StateSpace:
        """A plain multiplier (no state)."""
        return cls(np.zeros((0, 0)), np.zeros(0), np.zeros(0), value)

    def then(self, nxt: StateSpace) -> StateSpace:
        """This filter, then ``nxt``, as one system."""
        n1, n2 = self.order, nxt.order
        a = np.zeros((n1 + n2, n1 + n2))
        a[:n1, :n1] = self.a
        a[n1:, :n1] = np.outer(nxt.b, self.c)
        a[n1:, n1:] = nxt.a
        b = np.concatenate([self.b, nxt.b * self.d])
        c = np.concatenate([nxt.d * self.c, nxt.c])
        return StateSpace(a, b, c, nxt.d * self.d)

    def plus(self, other: StateSpace) -> StateSpace:
        """This filter and ``other`` side by side on the same input, outputs summed."""
        n1, n2 = self.order, other.order
        a = np.zeros((n1 + n2, n1 + n2))
        a[:n1, :n1] = self.a
        a[n1:, n1:] = other.a
        return StateSpace(
            a,
            np.concatenate([self.b, other.b]),
            np.concatenate([self.c, other.c]),
            self.d + other.d,
        )

    def scaled(self, factor: float) -> StateSpace:
        """This filter with its output multiplied by ``factor``."""
        return StateSpace(self.a, self.b, self.c * factor, self.d * factor)


def series(systems: Sequence[StateSpace]) -> StateSpace:
    """``systems`` one after the other, as one system."""
    if not systems:
        return StateSpace.gain(1.0)
    out = systems[0]
    for nxt in systems[1:]:
        out = out.then(nxt)
    return out


def parallel(systems: Sequence[StateSpace]) -> StateSpace:
    """``systems`` side by side on one input, outputs summed, as one system."""
    if not systems:
        return StateSpace.gain(0.0)
    out = systems[0]
    for other in systems[1:]:
        out = out.plus(other)
    return out


class IirFilter:
    """Runs a linear filter over (channels, frames) blocks, float64 state kept per channel."""

    def __init__(
        self,
        system: StateSpace | ArrayLike,
        channels: int,
        chunk: int = 32,
        *,
        fast: bool = False,
    ) -> None:
        """``system``: a :class:`StateSpace` or second-order sections (see :func:`as_sos`).

        ``fast``: multiply the input in float32 (the state and the scan stay float64). About
        twice as fast; the output then differs from exact filtering by about 1e-6 of its
        size, which moves a loudness by well under 0.001 dB. For meters, not for playback.
        """
        if chunk < 1:
            raise ValueError("chunk must be positive")
        if channels < 1:
            raise ValueError("channels must be positive")
        if not isinstance(system, StateSpace):
            system = StateSpace.from_sos(system)
        m = system.order
        self._m = m
        self._d = system.d
        self._chunk = chunk
        self._channels = channels
        self._dtype: type[np.floating] = np.float32 if fast else np.float64
        self._state = np.zeros((channels, m))
        if m == 0:
            return
        a, b, c = system.a, system.b, system.c
        powers = [np.eye(m)]
        for _ in range(chunk):
            powers.append(powers[-1] @ a)
        # Response of output n to the starting state: C A^n.
        obs = np.stack([c @ powers[n] for n in range(chunk)])  # (chunk, m)
        # Impulse response h[0] = D, h[n] = C A^(n-1) B.
        h = np.concatenate([[system.d], [c @ powers[n - 1] @ b for n in range(1, chunk)]])
        idx = np.arange(chunk)
        lag = idx[:, None] - idx[None, :]
        toeplitz = np.where(lag >= 0, h[np.clip(lag, 0, None)], 0.0)
        # Contribution of input k of a chunk to the state after the chunk: A^(chunk-1-k) B.
        reach = np.stack([powers[chunk - 1 - k] @ b for k in range(chunk)], axis=1)  # (m, chunk)
        self._powers_t = [np.ascontiguousarray(p.T) for p in powers]
        self._toeplitz_t: NDArray[np.floating] = np.ascontiguousarray(toeplitz.T, dtype=self._dtype)
        self._obs_t = np.ascontiguousarray(obs.T)
        self._reach_t: NDArray[np.floating] = np.ascontiguousarray(reach.T, dtype=self._dtype)
        # (A^chunk)^(2^j), transposed, for the prefix scan; grown on demand.
        self._jump_t = [self._powers_t[chunk]]
        self._direct_chunks = _DIRECT_SIZE // m
        self._spread_t: Array | None = None  # built on first use

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def order(self) -> int:
        return self._m

    def reset(self) -> None:
        """Forget the past (silence before the next block)."""
        self._state[:] = 0.0

    def continue_from(self, other: IirFilter) -> None:
        """Take over ``other``'s state: the same structure (sections in the same order) with
        new coefficients, so a filter whose cutoff moves runs on without restarting."""
        if other._state.shape != self._state.shape:
            raise ValueError(
                f"cannot take over the state of a {other.order}-state filter on "
                f"{other.channels} channels into a {self.order}-state one on {self.channels}"
            )
        self._state[:] = other._state

    def process(self, x: NDArray[np.floating]) -> Array:
        """Filter ``x`` of shape (channels, frames); returns float64 of the same shape."""
        if x.ndim != 2 or x.shape[0] != self._channels:
            raise ValueError(f"expected ({self._channels}, frames) samples, got {x.shape}")
        x = np.asarray(x, dtype=self._dtype)
        if self._m == 0:
            return np.asarray(x * self._d, dtype=np.float64)
        ch, n = x.shape
        size, m = self._chunk, self._m
        chunks = n // size
        full = chunks * size
        y = np.empty((ch, n))
        if chunks:
            rows = np.ascontiguousarray(x[:, :full]).reshape(ch * chunks, size)
            zero_state = matmul(rows, self._toeplitz_t)  # (ch*chunks, size)
            pushed = matmul(rows, self._reach_t)  # (ch*chunks, m): each chunk's own input
            if chunks <= self._direct_chunks:
                starts = self._direct_starts(pushed.reshape(ch, chunks * m), chunks)
            else:
                # Scan over chunks: starts[k + 1] = A^size starts[k] + pushed[k].
                scan = np.empty((chunks + 1, ch, m))
                scan[0] = self._state
                scan[1:] = pushed.reshape(ch, chunks, m).transpose(1, 0, 2)
                self._prefix_scan(scan)
                starts = scan[:chunks].transpose(1, 0, 2).reshape(ch * chunks, m)
                self._state = scan[chunks].copy()
            out = matmul(starts, self._obs_t)
            out += zero_state  # (float64 += float32 in fast mode: the sum stays float64)
            y[:, :full] = out.reshape(ch, full)
        rest = n - full
        if rest:
            tail = x[:, full:]
            y[:, full:] = (
                tail @ self._toeplitz_t[:rest, :rest] + self._state @ self._obs_t[:, :rest]
            )
            self._state = self._state @ self._powers_t[rest] + tail @ self._reach_t[size - rest :]
        return y

    def _direct_starts(self, pushed: Array, chunks: int) -> Array:
        """States at the start of each chunk (ch*chunks, m) in one product; updates the state.

        starts[k] = J^k s0 + sum over j < k of J^(k-1-j) pushed[j], J = A^chunk: the top-left
        corner of one block-Toeplitz matrix serves every chunk count.
        """
        m, ch = self._m, self._channels
        if self._spread_t is None:
            count = self._direct_chunks
            jumps = [np.eye(m)]
            for _ in range(count):
                jumps.append(jumps[-1] @ self._powers_t[self._chunk].T)
            # Row block k: [J^k | J^(k-1) ... J^0 | 0 ...] acting on [s0, pushed...].
            spread = np.zeros(((count + 1) * m, (count + 1) * m))
            for k in range(count + 1):
                spread[k * m : (k + 1) * m, :m] = jumps[k]
                for j in range(k):
                    spread[k * m : (k + 1) * m, (j + 1) * m : (j + 2) * m] = jumps[k - 1 - j]
            self._spread_t = np.ascontiguousarray(spread.T)
        size = (chunks + 1) * m
        stacked = np.concatenate([self._state, pushed], axis=1)  # (ch, (chunks + 1) * m)
        states = matmul(stacked, self._spread_t[:size, :size])  # state before chunk 0..chunks
        self._state = states[:, chunks * m :].copy()
        return np.asarray(states[:, : chunks * m].reshape(ch * chunks, m), dtype=np.float64)

    def _prefix_scan(self, scan: Array) -> None:
        """In place: scan[k] = sum over j <= k of J^(k-j) scan[j], J = A^chunk (Hillis-Steele)."""
        count, ch, m = scan.shape
        level, step = 0, 1
        while step < count:
            if level == len(self._jump_t):
                last = self._jump_t[-1]
                self._jump_t.append(np.ascontiguousarray(last @ last))
            moved = matmul(scan[: count - step].reshape(-1, m), self._jump_t[level])
            scan[step:] += moved.reshape(count - step, ch, m)
            level += 1
            step *= 2


def impulse_response(system: StateSpace | ArrayLike, frames: int) -> Array:
    """The first ``frames`` samples of the filter's response to a unit impulse."""
    impulse = np.zeros((1, frames))
    impulse[0, 0] = 1.0
    return np.asarray(IirFilter(system, 1).process(impulse)[0], dtype=np.float64)
