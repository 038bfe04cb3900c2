"""Tolerance: is the relief per session falling over recent weeks of near-nightly use?

Near-nightly: ASMR (sound or visual) on at least ``NEAR_NIGHTLY_DAYS`` of the last
``WINDOW_DAYS`` local days, i.e. five nights a week on average over four weeks. Then the
relief of each rated ASMR session in that window is regressed on its time (in days);
the trend is flagged when the slope is negative and its 95 % interval excludes zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from asmr_desktop.diary.model import Mode, Session
from asmr_desktop.insights.stats import Trend, trend
from asmr_desktop.insights.timeline import maybe_within

WINDOW_DAYS = 28
NEAR_NIGHTLY_DAYS = 20
#: Fewer rated sessions than this in the window and a slope says nothing.
MIN_RATED = 10

SUGGESTION = (
    "Over the last four weeks of near-nightly use, the relief you get from a session has "
    "been getting smaller (about {weekly} per week). Calming sounds can work less well when "
    "used every night. A break of a few nights, or changing what you listen to or watch, "
    "may help them stay calming."
)


@dataclass(frozen=True)
class Tolerance:
    """The outcome of the check; ``message`` is empty unless flagged."""

    first: date
    last: date
    asmr_days: int
    near_nightly: bool
    trend: Trend  # relief points per day
    flagged: bool
    message: str

    @property
    def slope_per_week(self) -> float | None:
        return None if self.trend.slope is None else self.trend.slope * 7


def _day_position(moment: datetime, first: date, tz: tzinfo | None) -> float:
    """Days since local midnight of ``first``, counted in local calendar days (DST-proof)."""
    local = moment.astimezone(tz)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return (local.date() - first).days + seconds / 86400


def check_tolerance(
    sessions: Iterable[Session], today: date, tz: tzinfo | None = None
) -> Tolerance:
    """Look at the ``WINDOW_DAYS`` local days ending ``today``."""
    first = today - timedelta(days=WINDOW_DAYS - 1)
    used_days: set[date] = set()
    x: list[float] = []
    y: list[float] = []
    for s in sessions:
        if s.mode is Mode.REST or not maybe_within(s.started, first, today):
            continue
        day = s.started.astimezone(tz).date()
        if not first <= day <= today:
            continue
        used_days.add(day)
        if s.relief is not None:
            x.append(_day_position(s.started, first, tz))
            y.append(float(s.relief))
    near_nightly = len(used_days) >= NEAR_NIGHTLY_DAYS
    fit = trend(x, y) if near_nightly and len(x) >= MIN_RATED else trend([], [])
    flagged = fit.slope is not None and fit.high is not None and fit.slope < 0 and fit.high < 0
    message = ""
    if flagged and fit.slope is not None:
        message = SUGGESTION.format(weekly=f"{abs(fit.slope * 7):.1f} points")
    return Tolerance(first, today, len(used_days), near_nightly, fit, flagged, message)
