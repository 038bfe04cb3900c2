"""Gains that change smoothly: per-sample ramps with a bounded rise, fades, the volume scale."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core import safety

Gains = NDArray[np.float64]

#: The volume slider spans this many dB above silence; position 1.0 is 0 dB.
VOLUME_RANGE_DB = 60.0
#: Falls (slider down, a track found louder than assumed) are quicker than rises, still smooth.
FALL_DB_PER_S = 4 * safety.MAX_GAIN_RISE_DB_PER_S
#: Below this a falling ramp is silence: the last step is inaudible (dB, absolute gain).
FLOOR_DB = -120.0
SILENT_DB = -math.inf


def db_to_gain(db: float) -> float:
    return 0.0 if db == SILENT_DB else float(10.0 ** (db / 20.0))


def gain_to_db(gain: float) -> float:
    return SILENT_DB if gain <= 0.0 else 20.0 * math.log10(gain)


def volume_to_db(position: float) -> float:
    """Slider position 0..1 to dB, even in dB: 0 is silence, 1 is 0 dB, 0.5 is -30 dB."""
    if not position > 0.0:  # also NaN
        return SILENT_DB
    return VOLUME_RANGE_DB * (min(position, 1.0) - 1.0)


def db_to_volume(db: float) -> float:
    """The slider position showing ``db`` (inverse of :func:`volume_to_db`)."""
    if db <= -VOLUME_RANGE_DB:
        return 0.0
    return min(1.0, 1.0 + db / VOLUME_RANGE_DB)


class GainRamp:
    """A gain in dB that moves toward its target one sample at a time.

    It rises at most ``rise_db_per_s`` (never more than the safety bound) and falls at most
    ``fall_db_per_s``, in straight lines in dB. A rise from silence begins at ``onset_db``
    (its owner sets it so the sound starts at :data:`safety.FADE_IN_FLOOR_LUFS`), or at the
    target itself when that is lower: a fade in from silence is a straight line in dB from
    an inaudible level, never a step into sound.
    """

    def __init__(
        self,
        rate_hz: int,
        target_db: float = SILENT_DB,
        *,
        rise_db_per_s: float = safety.MAX_GAIN_RISE_DB_PER_S,
        fall_db_per_s: float = FALL_DB_PER_S,
        onset_db: float = FLOOR_DB,
    ) -> None:
        self.rate_hz = rate_hz
        self._up = min(rise_db_per_s, safety.MAX_GAIN_RISE_DB_PER_S) / rate_hz
        self._down = fall_db_per_s / rate_hz
        self.target_db = target_db
        self.current_db = SILENT_DB
        #: Where a rise from silence begins (dB gain).
        self.onset_db = onset_db

    @property
    def settled(self) -> bool:
        return self.current_db == self.target_db

    @property
    def rising(self) -> bool:
        """True while the gain is going up (or about to start from silence)."""
        return self.target_db > self.current_db

    def render(self, frames: int) -> Gains:
        """The next ``frames`` linear gains."""
        cur, tgt = self.current_db, self.target_db
        if frames <= 0:
            return np.zeros(0)
        if cur == tgt:
            return np.full(frames, db_to_gain(cur))
        steps = np.arange(1, frames + 1, dtype=np.float64)
        if cur == SILENT_DB:
            cur = max(min(self.onset_db, tgt), FLOOR_DB)
            # The first sample after an onset sits at the onset level itself.
            steps -= 1.0
        if tgt > cur:
            db = np.minimum(cur + steps * self._up, tgt)
        else:
            db = np.maximum(cur - steps * self._down, max(tgt, FLOOR_DB))
            if tgt == SILENT_DB:
                db[db <= FLOOR_DB] = SILENT_DB
        self.current_db = float(db[-1])
        return np.asarray(np.power(10.0, db / 20.0))

    def scale(self, factor: float) -> None:
        """Fold a multiplier into the current level (a cancelled fade), without a step."""
        self.current_db = self.current_db + gain_to_db(factor)
        if self.current_db < FLOOR_DB:
            self.current_db = SILENT_DB


class Fade:
    """A fade out from 1 to 0 over ``frames`` samples, cubic in amplitude.

    (1 - t)^3 falls about evenly in loudness (-18 dB at half way) and ends at exactly 0
    with zero slope, so neither end clicks.
    """

    def __init__(self, frames: int) -> None:
        self.frames = max(1, frames)
        self.done_frames = 0

    @property
    def finished(self) -> bool:
        return self.done_frames >= self.frames

    @property
    def value(self) -> float:
        t = min(1.0, self.done_frames / self.frames)
        return (1.0 - t) ** 3

    def render(self, frames: int) -> Gains:
        t = (self.done_frames + np.arange(1, frames + 1, dtype=np.float64)) / self.frames
        self.done_frames += frames
        return np.asarray((1.0 - np.minimum(t, 1.0)) ** 3)


def fade_shape(remaining_fraction: NDArray[np.float64]) -> Gains:
    """The fade-out curve at given fractions of the fade still to go (1 = start, 0 = end)."""
    return np.asarray(np.clip(remaining_fraction, 0.0, 1.0) ** 3)
