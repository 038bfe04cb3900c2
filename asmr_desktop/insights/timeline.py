"""Pain over local days: rating points, the 7-day rolling mean, headache days per week/month.

Dates are local calendar dates in the time zone given (None: this computer's zone), so a
day is a day even when a DST change makes it 23 or 25 hours long. Each rating belongs to
the moment it describes: the before-rating to the session's start, the after-rating to
its end. A session from 23:30 to 00:30 with pain both times makes two headache days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from asmr_desktop.diary.model import Session

ROLLING_DAYS = 7


class Moment(StrEnum):
    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True)
class PainPoint:
    """One rating at the local time it describes."""

    when: datetime  # aware, in the chosen zone
    day: date
    pain: int
    moment: Moment
    session_uid: str


@dataclass(frozen=True)
class DailyMean:
    """The mean of the after-ratings in the ``ROLLING_DAYS`` local days ending on ``day``."""

    day: date
    mean: float | None  # None when there were no ratings in the window
    n: int


@dataclass(frozen=True)
class HeadacheDays:
    """Headache days (any rating above 0) in one week or month, clipped to the period."""

    first: date  # the first day counted (the week's Monday, or the period's start)
    last: date
    label: str
    headache_days: int
    recorded_days: int  # days with any rating: a day without one is unknown, not pain-free


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar date of an aware time in ``tz`` (None: the computer's zone)."""
    return moment.astimezone(tz).date()


def maybe_within(moment: datetime, first: date, last: date) -> bool:
    """A cheap pre-filter before the costly local conversion: False only when ``moment``
    cannot fall on a local date in [first, last] in any zone (offsets stay within a day)."""
    low = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    high = datetime.combine(last + timedelta(days=2), time(), tzinfo=UTC)
    return low <= moment < high


def pain_points(sessions: Iterable[Session], tz: tzinfo | None = None) -> list[PainPoint]:
    """Every rating as a point in time, oldest first."""
    points = []
    for s in sessions:
        if s.pain_before is not None:
            when = s.started.astimezone(tz)
            points.append(PainPoint(when, when.date(), s.pain_before, Moment.BEFORE, s.uid))
        if s.pain_after is not None:
            when = (s.ended or s.started).astimezone(tz)
            points.append(PainPoint(when, when.date(), s.pain_after, Moment.AFTER, s.uid))
    points.sort(key=lambda p: p.when)
    return points


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def rolling_mean(
    points: Sequence[PainPoint], first: date, last: date, window_days: int = ROLLING_DAYS
) -> list[DailyMean]:
    """For each day in [first, last], the mean after-rating of that day and the 6 before.

    Points before ``first`` are used for the early windows, so pass them when you have them.
    """
    sums: dict[date, tuple[int, int]] = {}
    for p in points:
        if p.moment is Moment.AFTER:
            total, count = sums.get(p.day, (0, 0))
            sums[p.day] = (total + p.pain, count + 1)
    # A running sum over the days: one step per day whatever the window.
    result = []
    total = count = 0
    window_start = first - timedelta(days=window_days - 1)
    for day in days(window_start, first - timedelta(days=1)):
        t, c = sums.get(day, (0, 0))
        total, count = total + t, count + c
    for day in days(first, last):
        t, c = sums.get(day, (0, 0))
        total, count = total + t, count + c
        t, c = sums.get(day - timedelta(days=window_days), (0, 0))
        total, count = total - t, count - c
        result.append(DailyMean(day, total / count if count else None, count))
    return result


def _day_flags(points: Iterable[PainPoint], first: date, last: date) -> dict[date, bool]:
    """Each recorded day in range: True when any rating that day was above 0."""
    flags: dict[date, bool] = {}
    for p in points:
        if first <= p.day <= last:
            flags[p.day] = flags.get(p.day, False) or p.pain > 0
    return flags


def _count(flags: dict[date, bool], a: date, b: date, label: str) -> HeadacheDays:
    inside = [flags[d] for d in days(a, b) if d in flags]  # by day: ten years stay quick
    return HeadacheDays(a, b, label, sum(inside), len(inside))


def headache_days_per_week(
    points: Iterable[PainPoint], first: date, last: date
) -> list[HeadacheDays]:
    """Weeks from Monday, the first and last clipped to the period."""
    flags = _day_flags(points, first, last)
    result = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        a, b = max(monday, first), min(monday + timedelta(days=6), last)
        result.append(_count(flags, a, b, f"{monday:%d %b}"))
        monday += timedelta(days=7)
    return result


def headache_days_per_month(
    points: Iterable[PainPoint], first: date, last: date
) -> list[HeadacheDays]:
    """Calendar months, the first and last clipped to the period."""
    flags = _day_flags(points, first, last)
    result = []
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        a, b = max(start, first), min(following - timedelta(days=1), last)
        result.append(_count(flags, a, b, f"{start:%b %Y}"))
        start = following
    return result
