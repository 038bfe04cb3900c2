"""A rest of a chosen length, without sound or visuals, ending with a slow dim (no sound).

The comparison that shows whether sound helps (DESIGN.md): rest alone, then rate. Its
rules live here, Qt-free: how long is left, when it is over, and how dim the window is at
each moment of the end cue. ui/main_window.py's Rest page only shows them.
"""

from __future__ import annotations

from collections.abc import Callable

#: The lengths offered, in minutes (one key or click each).
REST_LENGTHS_MIN = (5, 10, 15, 20, 30)
#: The end cue: over the last this many seconds the window dims slowly...
END_DIM_S = 15.0
#: ...to this share of black over it (a person lying with eyes half closed notices it)...
END_DIM_LEVEL = 0.6
#: ...and once the rest is over, the dim lifts over this long while the rating is asked.
END_LIFT_S = 4.0


def clock_text(seconds: float) -> str:
    """'14:05': minutes and seconds, rounded up, so '0:00' shows only at the very end."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class RestTimer:
    """A countdown on a monotonic clock (injected: tests move it by hand)."""

    def __init__(self, length_s: float, monotonic: Callable[[], float]) -> None:
        if not length_s > 0:
            raise ValueError("a rest lasts more than 0 seconds")
        self.length_s = float(length_s)
        self._monotonic = monotonic
        self._started = monotonic()

    def elapsed_s(self) -> float:
        return max(0.0, self._monotonic() - self._started)

    def remaining_s(self) -> float:
        return max(0.0, self.length_s - self.elapsed_s())

    @property
    def over(self) -> bool:
        return self.remaining_s() <= 0.0

    def text(self) -> str:
        """What the page shows: the time left, or that the rest is over."""
        if self.over:
            return "Rest is over. How does your head feel?"
        return f"{clock_text(self.remaining_s())} left"

    def dim(self) -> float:
        """How dim the window is now, 0 (not at all) to :data:`END_DIM_LEVEL`.

        A linear ramp over the last :data:`END_DIM_S` (shorter rests dim over their whole
        length at most), then a linear lift over :data:`END_LIFT_S` after the end.
        """
        ramp = min(END_DIM_S, self.length_s)
        since_end = self.elapsed_s() - self.length_s
        if since_end >= 0.0:
            return END_DIM_LEVEL * max(0.0, 1.0 - since_end / END_LIFT_S)
        into_ramp = since_end + ramp
        return END_DIM_LEVEL * max(0.0, into_ramp / ramp)

    def cue_done(self) -> bool:
        """The rest is over and its dim has lifted: nothing more to show."""
        return self.elapsed_s() >= self.length_s + END_LIFT_S
