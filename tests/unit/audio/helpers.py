"""Small fakes and meters for the audio tests (independent of the code under test)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

from asmr_desktop.audio.engine import Engine
from asmr_desktop.audio.guard import StartleGuard
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.source import Source


def true_peak_db(x: np.ndarray) -> float:
    """4x-oversampled peak (dBTP) with scipy's polyphase filter: not the engine's own meter."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if len(x) == 0 or not np.any(x):
        return -np.inf
    up = signal.resample_poly(x, 4, 1, axis=0)
    peak = max(np.abs(up).max(), np.abs(x).max())
    return float(20 * np.log10(peak))


def db(x: float | np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return 20 * np.log10(np.abs(x))


class ArraySource:
    """A Source over an array (frames, channels) at any rate; ``loop`` makes it endless."""

    def __init__(self, data: np.ndarray, rate_hz: int, *, loop: bool = False) -> None:
        data = np.asarray(data, dtype=np.float32)
        self.data = data[:, None] if data.ndim == 1 else data
        self._rate = rate_hz
        self.loop = loop
        self.pos = 0
        self.closed = False

    @property
    def rate_hz(self) -> int:
        return self._rate

    @property
    def channels(self) -> int:
        return self.data.shape[1]

    @property
    def duration_s(self) -> float | None:
        return None if self.loop else len(self.data) / self._rate

    def read(self, frames: int) -> np.ndarray:
        if self.loop:
            idx = (self.pos + np.arange(frames)) % len(self.data)
            self.pos += frames
            return self.data[idx]
        out = self.data[self.pos : self.pos + frames]
        self.pos += len(out)
        return out

    def seek(self, seconds: float) -> None:
        self.pos = max(0, min(len(self.data), round(seconds * self._rate)))

    def close(self) -> None:
        self.closed = True


def array_item(
    data: np.ndarray,
    rate_hz: int,
    *,
    title: str = "array",
    loop: bool = False,
    loudness_lufs: float | None = -30.0,
) -> PlaylistItem:
    """A playlist item playing ``data``; by default its loudness equals the target (0 dB gain)."""
    return PlaylistItem(
        title=title,
        factory=lambda: ArraySource(data, rate_hz, loop=loop),
        loudness_lufs=loudness_lufs,
    )


def constant(seconds: float, rate_hz: int, value: float = 0.1, channels: int = 2) -> np.ndarray:
    """DC: through the chain (limiter idle) the output divided by it is the gain envelope."""
    return np.full((round(seconds * rate_hz), channels), value, dtype=np.float32)


def sine(
    freq: float, seconds: float, rate_hz: int, amp: float = 0.5, channels: int = 2
) -> np.ndarray:
    t = np.arange(round(seconds * rate_hz)) / rate_hz
    return np.repeat((amp * np.sin(2 * np.pi * freq * t))[:, None], channels, axis=1).astype(
        np.float32
    )


def render(engine: Engine, seconds: float, block_s: float = 0.1) -> np.ndarray:
    """Render ``seconds`` in blocks, as the worker does."""
    block = max(1, round(block_s * engine.rate_hz))
    total = round(seconds * engine.rate_hz)
    out = []
    done = 0
    while done < total:
        n = min(block, total - done)
        out.append(engine.render(n))
        done += n
    return np.concatenate(out) if out else np.zeros((0, engine.channels), np.float32)


def render_until_idle(engine: Engine, max_s: float = 600.0, block_s: float = 0.1) -> np.ndarray:
    block = max(1, round(block_s * engine.rate_hz))
    out = []
    done = 0
    while engine.is_active() and done < max_s * engine.rate_hz:
        out.append(engine.render(block))
        done += block
    # The limiter holds its last few milliseconds; flush them.
    out.append(engine.render(block))
    return np.concatenate(out)


def write(path: Path, data: np.ndarray, rate_hz: int, **kwargs: object) -> Path:
    sf.write(str(path), data, rate_hz, **kwargs)
    return path


# --- an independent loudness meter (BS.1770-4's published 48 kHz coefficients, scipy) ----
#: ITU-R BS.1770-4 table 1 and 2: the K-weighting's two stages at 48 kHz, as published.
_K_SHELF = (
    [1.53512485958697, -2.69169618940638, 1.19839281085285],
    [1.0, -1.69065929318241, 0.73248077421585],
)
_K_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])


def k_weighted(x: np.ndarray, rate_hz: int = 48000) -> np.ndarray:
    """K-weighted samples, with scipy's lfilter and the standard's own 48 kHz numbers."""
    assert rate_hz == 48000, "the published coefficients are for 48 kHz"
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    y = signal.lfilter(*_K_SHELF, x, axis=0)
    return np.asarray(signal.lfilter(*_K_HIGHPASS, y, axis=0))


def reference_lufs(
    x: np.ndarray, rate_hz: int = 48000, weights: list[float] | None = None
) -> float:
    """BS.1770-4 gated integrated loudness, written apart from the app's meter."""
    y = k_weighted(x, rate_hz)
    w = np.ones(y.shape[1]) if weights is None else np.asarray(weights)
    block, hop = round(0.4 * rate_hz), round(0.1 * rate_hz)
    starts = range(0, len(y) - block + 1, hop)
    power = np.array([(np.mean(y[s : s + block] ** 2, axis=0) * w).sum() for s in starts])
    lufs = -0.691 + 10 * np.log10(np.maximum(power, 1e-30))
    above = power[lufs > -70]
    if not above.size:
        return -np.inf
    relative = -0.691 + 10 * np.log10(above.mean()) - 10
    kept = above[(-0.691 + 10 * np.log10(above)) > relative]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def short_term_db(x: np.ndarray, window_s: float = 0.1, rate_hz: int = 48000) -> np.ndarray:
    """K-weighted level (LUFS) of consecutive ``window_s`` windows, channels summed."""
    y = k_weighted(x, rate_hz)
    n = round(window_s * rate_hz)
    count = len(y) // n
    power = (y[: count * n] ** 2).reshape(count, n, -1).mean(axis=1).sum(axis=1)
    return np.asarray(-0.691 + 10 * np.log10(np.maximum(power, 1e-30)))


def speech_like(seconds: float, rate_hz: int = 48000, seed: int = 7) -> np.ndarray:
    """A synthetic talker (stereo): a glottal pulse train with a wandering pitch through
    three formant resonators, in syllables of about 4 per second with pauses between
    phrases. Its crest factor and level swings are speech's (peaks ~20 dB over the
    loudness), which is what a limiter meets."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    f0 = 120 + 25 * np.sin(2 * np.pi * 0.3 * t) + 10 * np.sin(2 * np.pi * 1.7 * t)
    phase = np.cumsum(f0 / rate_hz)
    pulses = np.diff(np.floor(phase), prepend=0.0) * 1.0
    source = signal.lfilter([1.0], [1.0, -0.97], pulses) + 0.02 * rng.standard_normal(n)
    voiced = np.zeros(n)
    for freq, bw, gain in ((700, 130, 1.0), (1200, 150, 0.6), (2600, 250, 0.3)):
        r = np.exp(-np.pi * bw / rate_hz)
        a = [1.0, -2 * r * np.cos(2 * np.pi * freq / rate_hz), r * r]
        voiced += gain * signal.lfilter([1.0 - r], a, source)
    # Syllables: raised-cosine bumps of random size, 4 a second; phrases of ~2.5 s.
    env = np.zeros(n)
    syllable = round(0.25 * rate_hz)
    bump = np.sin(np.pi * np.arange(syllable) / syllable) ** 2
    for start in range(0, n - syllable, syllable):
        if (start / rate_hz) % 3.0 < 2.5:
            env[start : start + syllable] += bump * rng.uniform(0.3, 1.0)
    x = voiced * env
    x /= np.abs(x).max()
    return np.stack([x, x], axis=1).astype(np.float32)


def lively_talk(seconds: float, rate_hz: int = 48000, seed: int = 7) -> np.ndarray:
    """:func:`speech_like` with each 0.25 s syllable at its own level, anywhere in 20 dB
    (an animated talker: stressed and swallowed syllables). The startle guard trims many
    of its syllables, so a guard that lowers the next context with each cut ratchets on it."""
    x = speech_like(seconds, rate_hz, seed).astype(np.float64)
    rng = np.random.default_rng(seed + 100)
    syllable = rate_hz // 4
    levels = 10 ** (rng.uniform(-20.0, 0.0, len(x) // syllable + 1) / 20)
    x *= np.repeat(levels, syllable)[: len(x), None]
    return x.astype(np.float32)


def levels_from_first_sound(
    x: np.ndarray, rate_hz: int = 48000, window_s: float = 0.1, channel: int | None = None
) -> np.ndarray:
    """K-weighted levels (LUFS) of consecutive ``window_s`` windows from the first sample
    that is not silence on (``channel`` alone, or all). Another rate is resampled to 48 kHz
    with scipy's polyphase filter first, for the meter's published coefficients."""
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    if channel is not None:
        x = x[:, channel : channel + 1]
    sounding = np.flatnonzero(np.abs(x).max(axis=1) > 0)
    if not len(sounding):
        return np.zeros(0)
    x = x[sounding[0] :]
    if rate_hz != 48000:
        common = math.gcd(48000, rate_hz)
        x = signal.resample_poly(x, 48000 // common, rate_hz // common, axis=0)
    return short_term_db(x, window_s)


def read_all(source: Source, block: int = 1000) -> np.ndarray:
    """Everything ``source`` gives, read ``block`` frames at a time (never more a read)."""
    parts = []
    while len(part := source.read(block)):
        assert len(part) <= block
        parts.append(part)
    return np.concatenate(parts)


def run_guard(guard: StartleGuard, x: np.ndarray, blocks: list[int]) -> np.ndarray:
    """``x`` through ``guard`` in blocks of the given sizes (cycled), aligned for its latency."""
    out, i, k = [], 0, 0
    while i < len(x) + guard.latency:
        n = blocks[k % len(blocks)]
        k += 1
        chunk = x[i : i + n]
        if len(chunk) < n:
            chunk = np.concatenate([chunk, np.zeros((n - len(chunk), 2))])
        out.append(guard.process(chunk))
        i += n
    return np.concatenate(out)[guard.latency : guard.latency + len(x)]
