"""The Play page's rules, Qt-free: the sleep-timer key's cycle, the words for a timer, and
the ceiling as typed (refused with a reason, never silently changed) and as in force.

The window (ui/sleepbar.py, ui/player.py) only shows what these return.
"""

from __future__ import annotations

import math

from asmr_desktop.audio.timer import PRESET_MINUTES, SleepMode, SleepTimer
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AsmrError


class CeilingError(AsmrError):
    """A typed ceiling outside what is allowed; the message says why and what is."""


def sleep_cycle() -> tuple[SleepTimer, ...]:
    """What the T key steps through: off, then each preset, then off again."""
    return (SleepTimer.off(), *(SleepTimer.after(m * 60.0) for m in PRESET_MINUTES))


def next_sleep_timer(current: SleepTimer) -> SleepTimer:
    """The timer after ``current`` for the T key: off -> 15 -> 30 -> 45 -> 60 -> 90 -> off.

    A custom time goes on to the next longer preset (25 min -> 30), one past the longest to
    off; "end of this track" starts at the first preset, as off does."""
    if current.mode is not SleepMode.AFTER or current.seconds is None:
        return SleepTimer.after(PRESET_MINUTES[0] * 60.0)
    for minutes in PRESET_MINUTES:
        if minutes * 60.0 > current.seconds + 1e-6:
            return SleepTimer.after(minutes * 60.0)
    return SleepTimer.off()


def preset_minutes(timer: SleepTimer) -> int | None:
    """The preset ``timer`` is (15, 30, ...), or None: off, end of track, or custom."""
    if timer.mode is SleepMode.AFTER and timer.seconds is not None:
        for minutes in PRESET_MINUTES:
            if abs(timer.seconds - minutes * 60.0) < 1e-6:
                return minutes
    return None


def sleep_words(timer: SleepTimer) -> str:
    """The timer as chosen: 'Off', '30 min', 'Custom: 25 min', 'End of this track'."""
    if timer.mode is SleepMode.OFF:
        return "Off"
    if timer.mode is SleepMode.TRACK_END:
        return "End of this track"
    seconds = timer.seconds or 0.0
    minutes = preset_minutes(timer)
    if minutes is not None:
        return f"{minutes} min"
    return f"Custom: {max(1, round(seconds / 60.0))} min"


def check_ceiling_db(ceiling_db: float) -> float:
    """A ceiling as typed, accepted as it is or refused (CeilingError) with the reason:
    never silently raised, lowered or rounded into the allowed range."""
    if not math.isfinite(ceiling_db):
        raise CeilingError("The ceiling needs a number of dBTP, such as -12.")
    if ceiling_db > safety.CEILING_MAX_DB:
        raise CeilingError(
            f"A ceiling of {ceiling_db:g} dBTP is refused: for your hearing it never goes "
            f"above {safety.CEILING_MAX_DB:g} dBTP. The ceiling stays as it was."
        )
    if ceiling_db < safety.CEILING_MIN_DB:
        raise CeilingError(
            f"A ceiling of {ceiling_db:g} dBTP is refused: below {safety.CEILING_MIN_DB:g} "
            "dBTP nothing would be heard. The ceiling stays as it was."
        )
    return ceiling_db


def ceiling_words(ceiling_db: float, migraine: bool) -> str:
    """The ceiling the limiter really holds, named: in migraine mode the lower one."""
    in_force = safety.effective_ceiling_db(ceiling_db, migraine)
    if migraine:
        return f"Ceiling in force: {in_force:.0f} dBTP (migraine mode)"
    return f"Ceiling in force: {in_force:.0f} dBTP"
