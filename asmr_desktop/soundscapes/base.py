"""What every generated soundscape shares: the Source interface, seeding, fixed chunks, level.

A generator renders fixed chunks of CHUNK_FRAMES and hands them out in whatever block sizes
are asked for, so the output does not depend on the block sizes at all (same seed, same
samples). Every random part draws from its own seeded stream, so the sound never loops.
"""

from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core.errors import AudioError
from asmr_desktop.soundscapes.filters import Signal

log = logging.getLogger(__name__)

RATE_HZ = 48000
CHANNELS = 2
#: Frames rendered at a time inside a generator (independent of what the caller reads).
CHUNK_FRAMES = 2048
#: Every generator is calibrated to this integrated loudness at its default settings, so
#: the engine's normalisation gain is known before the first sample (BS.1770, LUFS).
NOMINAL_LUFS = -30.0
#: A short raised-cosine fade at the very start and (for a set duration) the very end, so
#: a source never starts or stops on a step even outside the engine's fades.
EDGE_FADE_S = 0.5


class SoundscapeError(AudioError):
    """A soundscape name or setting is not known."""


@dataclass(frozen=True)
class SettingSpec:
    """One adjustable setting of a soundscape: what it is called, its default and bounds."""

    name: str
    label: str
    default: float
    minimum: float
    maximum: float
    unit: str

    def clamp(self, value: float) -> float:
        """``value`` kept within the bounds; not a number gives the default."""
        if not math.isfinite(value):
            if math.isnan(value):
                return self.default
            return self.maximum if value > 0 else self.minimum
        return min(self.maximum, max(self.minimum, value))


def resolve_settings(
    specs: tuple[SettingSpec, ...], given: Mapping[str, float] | None, name: str
) -> dict[str, float]:
    """Complete settings: defaults for what is missing, out-of-range values clamped.

    Raises SoundscapeError for a setting the soundscape does not have.
    """
    known = {spec.name: spec for spec in specs}
    values = {spec.name: spec.default for spec in specs}
    for key, raw in (given or {}).items():
        spec = known.get(key)
        if spec is None:
            choices = ", ".join(known) or "none"
            raise SoundscapeError(f"{name} has no setting {key!r} (its settings: {choices})")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise SoundscapeError(f"{name}: {key} must be a number, not {raw!r}") from None
        clamped = spec.clamp(value)
        if clamped != value:
            log.warning(
                "%s: %s=%g is outside %g..%g %s; using %g",
                name,
                key,
                value,
                spec.minimum,
                spec.maximum,
                spec.unit,
                clamped,
            )
        values[key] = clamped
    return values


class Generator(ABC):
    """A soundscape as a Source: 48 kHz stereo float32 blocks, endless unless given a duration."""

    #: Level (dB) that brings the raw synthesis to NOMINAL_LUFS at default settings; found
    #: by measuring 120 s renders (tests keep it honest).
    LEVEL_DB: float = 0.0

    def __init__(self, settings: Mapping[str, float], seed: int, duration_s: float | None) -> None:
        if duration_s is not None and not (math.isfinite(duration_s) and duration_s > 0):
            raise SoundscapeError(f"a soundscape's duration must be positive, not {duration_s}")
        self.settings = dict(settings)
        self.seed = int(seed)
        self._duration_s = duration_s
        self._total = None if duration_s is None else round(duration_s * RATE_HZ)
        self._streams = np.random.SeedSequence(self.seed % 2**64).spawn(16)
        self._next_stream = 0
        self._gain = 10.0 ** (self.LEVEL_DB / 20.0)
        self._pending = np.zeros((0, CHANNELS), dtype=np.float32)
        self._rendered = 0  # frames rendered so far (chunks)
        self._out = 0  # frames handed out so far
        self._fade = round(EDGE_FADE_S * RATE_HZ)
        self._closed = False

    # --- Source --------------------------------------------------------------------------
    @property
    def rate_hz(self) -> int:
        return RATE_HZ

    @property
    def channels(self) -> int:
        return CHANNELS

    @property
    def duration_s(self) -> float | None:
        return self._duration_s

    @property
    def loudness_lufs(self) -> float:
        """Integrated loudness of this generator's output (what normalisation needs)."""
        return NOMINAL_LUFS

    def read(self, frames: int) -> NDArray[np.float32]:
        if self._closed or frames <= 0:
            return np.zeros((0, CHANNELS), dtype=np.float32)
        if self._total is not None:
            frames = min(frames, self._total - self._out)
        if len(self._pending) < frames:
            parts = [self._pending]
            have = len(self._pending)
            while have < frames:
                parts.append(self._chunk())
                have += CHUNK_FRAMES
            self._pending = np.concatenate(parts)
        out, self._pending = self._pending[:frames], self._pending[frames:]
        self._out += len(out)
        return out

    def close(self) -> None:
        self._closed = True

    # --- for subclasses ------------------------------------------------------------------
    def rng(self) -> np.random.Generator:
        """The next independent random stream of this generator (call in __init__ only)."""
        stream = self._streams[self._next_stream]
        self._next_stream += 1
        return np.random.default_rng(stream)

    @abstractmethod
    def render(self, frames: int) -> Signal:
        """The next ``frames`` (always CHUNK_FRAMES) of raw synthesis, shape (2, frames)."""

    # --- internals -----------------------------------------------------------------------
    def _chunk(self) -> NDArray[np.float32]:
        start = self._rendered
        block = self.render(CHUNK_FRAMES) * self._gain
        self._rendered += CHUNK_FRAMES
        positions = np.arange(start, start + CHUNK_FRAMES)
        if start < self._fade:
            block *= _raised_cosine(positions / self._fade)
        if self._total is not None and start + CHUNK_FRAMES > self._total - self._fade:
            block *= _raised_cosine((self._total - positions) / self._fade)
        return np.ascontiguousarray(block.T, dtype=np.float32)


def _raised_cosine(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """0 at t <= 0, 1 at t >= 1, a smooth half cosine between."""
    clipped = np.clip(t, 0.0, 1.0)
    result: NDArray[np.float64] = 0.5 - 0.5 * np.cos(np.pi * clipped)
    return result


class SmoothPath:
    """A level that glides from target to target along half-cosine segments, endlessly.

    ``next_segment()`` gives (length in frames, next target). Slopes are zero at every
    target, so the path has no corners: no clicks when it scales a sound.
    """

    def __init__(self, start: float, next_segment: Callable[[], tuple[int, float]]) -> None:
        self._next_segment = next_segment
        self._from = start
        self._length, self._to = self._segment()
        self._pos = 0

    def _segment(self) -> tuple[int, float]:
        length, target = self._next_segment()
        return max(1, int(length)), float(target)

    def render(self, frames: int) -> Signal:
        out = np.empty(frames)
        i = 0
        while i < frames:
            n = min(frames - i, self._length - self._pos)
            t = np.arange(self._pos, self._pos + n) / self._length
            out[i : i + n] = self._from + (self._to - self._from) * _raised_cosine(t)
            i += n
            self._pos += n
            if self._pos >= self._length:
                self._from = self._to
                self._length, self._to = self._segment()
                self._pos = 0
        return out


class GrainBus:
    """Sums short sounds (grains) that start at any frame; a grain may run into later chunks."""

    def __init__(self, max_grain_frames: int, channels: int = CHANNELS) -> None:
        self._acc = np.zeros((channels, CHUNK_FRAMES + max_grain_frames))
        self._max = max_grain_frames

    def add(self, offset: int, grain: Signal) -> None:
        """Add ``grain`` (channels, frames) starting ``offset`` frames into the current chunk."""
        n = min(grain.shape[1], self._max)
        self._acc[:, offset : offset + n] += grain[:, :n]

    def take(self, frames: int) -> Signal:
        """The current chunk's sum; later parts of grains move to the front."""
        out = self._acc[:, :frames].copy()
        self._acc[:, :-frames] = self._acc[:, frames:]
        self._acc[:, -frames:] = 0.0
        return out


class EventClock:
    """Irregular event times: each gap drawn by ``next_gap()`` (frames), first at ``first``."""

    def __init__(self, first: int, next_gap: Callable[[], float]) -> None:
        self._next = first
        self._next_gap = next_gap
        self._now = 0

    def offsets(self, frames: int) -> list[int]:
        """Frame offsets of the events within the next ``frames`` frames."""
        end = self._now + frames
        found = []
        while self._next < end:
            found.append(self._next - self._now)
            self._next += max(1, round(self._next_gap()))
        self._now = end
        return found


def scatter_clicks(
    rng: np.random.Generator,
    frames: int,
    rate_per_s: float,
    density: Signal | None = None,
    spread: float = 0.5,
    cap: float = 2.5,
) -> Signal:
    """Sparse single-sample clicks, (CHANNELS, frames), independent in each channel.

    Clicks come at ``rate_per_s`` (a Poisson process), thinned where ``density`` (0..1 per
    frame) is below 1; sizes are log-normal with ``spread``, capped at ``cap`` (so no click
    is ever far louder than the rest) and of random sign. Cheap: it draws a few numbers per
    click, not per sample.
    """
    out = np.zeros((CHANNELS, frames))
    count = int(rng.poisson(rate_per_s * frames / RATE_HZ * CHANNELS))
    channel = rng.integers(0, CHANNELS, count)
    where = rng.integers(0, frames, count)
    size = np.minimum(rng.lognormal(0.0, spread, count), cap)
    sign = np.where(rng.random(count) < 0.5, -1.0, 1.0)
    if density is not None:
        keep = rng.random(count) < density[where]
        channel, where, size, sign = channel[keep], where[keep], size[keep], sign[keep]
    np.add.at(out, (channel, where), size * sign)
    return out
