"""Small fakes and meters for the audio tests (independent of the code under test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

from asmr_desktop.audio.engine import Engine
from asmr_desktop.audio.item import PlaylistItem


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
