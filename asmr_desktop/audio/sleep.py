"""The sleep timer's countdown that fades playback out.

:class:`~asmr_desktop.audio.timer.SleepTimer` is the choice (off, after a number of seconds,
at the end of this track); :class:`SleepCountdown` runs it in frames of playback and gives
the fade-out over its last :data:`~asmr_desktop.core.safety.SLEEP_FADE_S` seconds. The
countdown only moves on while playback plays, so a pause stops the clock too.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.gain import fade_shape
from asmr_desktop.audio.timer import PRESET_MINUTES, SleepMode, SleepTimer, presets
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AudioError

log = logging.getLogger(__name__)

__all__ = ["PRESET_MINUTES", "SleepCountdown", "SleepMode", "SleepTimer", "presets"]

Gains = NDArray[np.float64]


class SleepCountdown:
    """A running sleep timer, counted in frames of playback, with its fade-out gains.

    ``track_left_frames`` is what is left of the item playing when the timer is set (None:
    unknown or nothing plays); a timer for the end of the track fades over at most that.
    """

    def __init__(self, timer: SleepTimer, rate_hz: int, track_left_frames: int | None) -> None:
        if timer.mode is SleepMode.OFF:
            raise AudioError("A sleep timer that is off has nothing to count down.")
        full = round(safety.SLEEP_FADE_S * rate_hz)
        self.rate_hz = rate_hz
        #: Frames of playback to go; None: until the end of the current track.
        self.left_frames: int | None = None
        reach: int | None = track_left_frames
        if timer.mode is SleepMode.AFTER:
            assert timer.seconds is not None  # checked by SleepTimer
            self.left_frames = max(0, round(timer.seconds * rate_hz))
            reach = self.left_frames
        self.fade_frames = full if reach is None else max(1, min(full, reach))
        #: The fade's gain at the end of the last block (1.0 before it starts).
        self.multiplier = 1.0

    @property
    def at_track_end(self) -> bool:
        return self.left_frames is None

    def remaining_frames(self, track_left_frames: int | None) -> float:
        """Frames of playback left (inf when it waits for a track with no known end)."""
        if self.left_frames is not None:
            return self.left_frames
        return math.inf if track_left_frames is None else track_left_frames

    def gains(self, frames: int, left: float, *, counting: bool) -> Gains:
        """The fade over the next block, ``left`` frames before the end at its start.

        Only while ``counting`` (playing) does the clock move on; otherwise the fade holds.
        """
        if not counting:
            return np.full(frames, self.multiplier)
        if self.left_frames is not None:
            self.left_frames = max(0, self.left_frames - frames)
        # Frames still to go at each sample of this block, as a fraction of the fade.
        to_go = (left - np.arange(1, frames + 1)) / self.fade_frames
        gains = fade_shape(to_go)
        self.multiplier = float(gains[-1])
        return gains

    def take_multiplier(self) -> float:
        """Hand the fade's level over (to fold into the voices) and start again from 1.0."""
        multiplier, self.multiplier = self.multiplier, 1.0
        return multiplier
