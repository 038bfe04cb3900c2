"""The sleep timer as a person sets it: off, after some minutes, or at the end of this track.

Plain data with no numpy, so the window can offer the choices before the engine has loaded;
:mod:`asmr_desktop.audio.sleep` counts it down while sound plays.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from asmr_desktop.core.errors import AudioError


class SleepMode(enum.Enum):
    OFF = "off"
    AFTER = "after"  # after a number of seconds of playback
    TRACK_END = "track_end"  # at the end of the item playing


@dataclass(frozen=True)
class SleepTimer:
    """A sleep-timer choice; build it with :meth:`off`, :meth:`after` or :meth:`at_track_end`."""

    mode: SleepMode
    seconds: float | None = None  # only for SleepMode.AFTER

    def __post_init__(self) -> None:
        if self.mode is SleepMode.AFTER:
            if self.seconds is None or not math.isfinite(self.seconds) or self.seconds < 0:
                raise AudioError(
                    f"The sleep timer needs a number of seconds of 0 or more, not {self.seconds}."
                )
        elif self.seconds is not None:
            raise AudioError(f"A sleep timer that is {self.mode.value} takes no seconds.")

    @classmethod
    def off(cls) -> SleepTimer:
        return cls(SleepMode.OFF)

    @classmethod
    def after(cls, seconds: float) -> SleepTimer:
        return cls(SleepMode.AFTER, float(seconds))

    @classmethod
    def at_track_end(cls) -> SleepTimer:
        return cls(SleepMode.TRACK_END)


#: The sleep timer's presets, as the window's menu and the tray offer them, in order.
PRESET_MINUTES = (15, 30, 45, 60, 90)


def presets() -> tuple[tuple[str, SleepTimer], ...]:
    """(label, timer) for every preset: off, the minutes, and the end of this track."""
    timed = tuple((f"{m} minutes", SleepTimer.after(m * 60.0)) for m in PRESET_MINUTES)
    return (("Off", SleepTimer.off()), *timed, ("End of this track", SleepTimer.at_track_end()))
