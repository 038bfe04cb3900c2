"""Local days: rolling means, headache days, midnight and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from asmr_desktop.insights.timeline import (
    Moment,
    headache_days_per_month,
    headache_days_per_week,
    local_day,
    pain_points,
    rolling_mean,
)
from tests.unit.insights.factory import BERLIN, at, make


def test_rolling_mean_by_hand() -> None:
    # after-ratings: 1 Mar: 6; 3 Mar: 4 and 2; 9 Mar: 1. Before-ratings do not count.
    sessions = [
        make(at("2026-03-01 21:00"), 9, 6),
        make(at("2026-03-03 20:00"), 9, 4),
        make(at("2026-03-03 22:00"), None, 2),
        make(at("2026-03-09 21:00"), 3, 1),
    ]
    points = pain_points(sessions, BERLIN)
    means = {m.day.day: m for m in rolling_mean(points, date(2026, 3, 1), date(2026, 3, 10))}
    assert means[1].mean == 6 and means[1].n == 1
    assert means[3].mean == pytest.approx(4)  # (6 + 4 + 2) / 3
    assert means[7].mean == pytest.approx(4)  # 1..7 still holds all three days
    assert means[8].mean == pytest.approx(3)  # 2..8: only 3 Mar
    assert means[9].mean == pytest.approx((4 + 2 + 1) / 3)
    assert means[10].mean == pytest.approx(1)  # 4..10: only 9 Mar


def test_rolling_mean_with_no_data_is_empty_not_zero() -> None:
    means = rolling_mean([], date(2026, 3, 1), date(2026, 3, 3))
    assert [m.mean for m in means] == [None, None, None]


def test_headache_days_per_week_and_month() -> None:
    sessions = [
        make(at("2026-03-02 21:00"), 0, 0),  # Monday, recorded, pain-free
        make(at("2026-03-03 21:00"), 3, 1),  # headache
        make(at("2026-03-03 22:00"), 2, 0),  # same day: still one day
        make(at("2026-03-05 21:00"), None, 2),  # headache (after only)
        make(at("2026-03-10 21:00"), 4, 0),  # headache, next week
        make(at("2026-04-01 21:00"), 1, 0),  # April
    ]
    points = pain_points(sessions, BERLIN)
    weeks = headache_days_per_week(points, date(2026, 3, 1), date(2026, 4, 2))
    assert weeks[0].first == date(2026, 3, 1)  # Sunday: the first week is clipped
    assert (weeks[0].headache_days, weeks[0].recorded_days) == (0, 0)
    assert (weeks[1].first, weeks[1].headache_days, weeks[1].recorded_days) == (
        date(2026, 3, 2),
        2,
        3,
    )
    assert (weeks[2].headache_days, weeks[2].recorded_days) == (1, 1)
    assert weeks[-1].last == date(2026, 4, 2)
    assert sum(w.headache_days for w in weeks) == 4
    months = headache_days_per_month(points, date(2026, 3, 1), date(2026, 4, 2))
    assert [(m.label, m.headache_days, m.recorded_days) for m in months] == [
        ("Mar 2026", 3, 4),
        ("Apr 2026", 1, 1),
    ]


def test_session_across_midnight_counts_both_days() -> None:
    session = make(at("2026-03-03 23:30"), 5, 3, minutes=60)
    points = pain_points([session], BERLIN)
    assert [(p.moment, p.day) for p in points] == [
        (Moment.BEFORE, date(2026, 3, 3)),
        (Moment.AFTER, date(2026, 3, 4)),
    ]
    weeks = headache_days_per_week(points, date(2026, 3, 2), date(2026, 3, 8))
    assert weeks[0].headache_days == 2
    means = rolling_mean(points, date(2026, 3, 3), date(2026, 3, 4))
    assert [m.mean for m in means] == [None, 3]  # the after-rating belongs to the 4th


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        # Spring forward in Berlin on 29 Mar 2026 at 02:00 -> 03:00.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),  # 00:30 CET
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 30)),  # 00:30 CEST
        # Fall back on 25 Oct 2026 at 03:00 -> 02:00.
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # 00:30 CEST
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # 23:30 CET
    ],
)
def test_local_day_follows_dst(utc: datetime, local: date) -> None:
    assert local_day(utc, BERLIN) == local


def test_dst_weeks_are_seven_local_days() -> None:
    # A session at 23:30 local every night through both changes (stored in UTC, as on disk):
    # one point per local day, every day, never two on one day or none on another.
    nights = [at(f"2026-03-{d:02d} 23:30") for d in range(23, 32)] + [
        at(f"2026-10-{d:02d} 23:30") for d in range(19, 32)
    ]
    sessions = [make(n.astimezone(UTC), 2, 1, minutes=10) for n in nights]
    points = pain_points(sessions, BERLIN)
    weeks = headache_days_per_week(points, date(2026, 3, 23), date(2026, 3, 29))
    assert (weeks[0].headache_days, weeks[0].recorded_days) == (7, 7)
    october = headache_days_per_week(points, date(2026, 10, 19), date(2026, 10, 25))
    assert (october[0].headache_days, october[0].recorded_days) == (7, 7)
    per_day = [m.n for m in rolling_mean(points, date(2026, 10, 19), date(2026, 10, 25), 1)]
    assert per_day == [1] * 7


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "UTC"])
def test_quick_prefilter_never_drops_a_local_day(zone: str) -> None:
    from zoneinfo import ZoneInfo

    from asmr_desktop.insights.timeline import maybe_within

    tz = ZoneInfo(zone)
    first, last = date(2026, 3, 29), date(2026, 4, 2)
    for text in ("2026-03-29 00:00", "2026-04-02 23:59"):
        moment = at(text, tz).astimezone(UTC)
        assert local_day(moment, tz) in (first, last)
        assert maybe_within(moment, first, last)
    assert not maybe_within(at("2026-03-27 00:00", ZoneInfo("UTC")), first, last)
    assert not maybe_within(at("2026-04-04 00:00", ZoneInfo("UTC")), first, last)
