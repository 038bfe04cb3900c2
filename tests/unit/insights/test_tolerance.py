"""Tolerance: a falling relief over near-nightly use is flagged; flat, noisy or rare is not."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from asmr_desktop.diary.model import Mode
from asmr_desktop.insights.tolerance import (
    NEAR_NIGHTLY_DAYS,
    WINDOW_DAYS,
    _day_position,
    check_tolerance,
)
from tests.unit.insights.factory import BERLIN, at, make

TODAY = date(2026, 3, 31)


def nightly(reliefs: list[int], skip: set[int] = frozenset()) -> list:  # type: ignore[assignment]
    first = TODAY - timedelta(days=WINDOW_DAYS - 1)
    out = []
    for i, relief in enumerate(reliefs):
        if i in skip:
            continue
        day = first + timedelta(days=i)
        out.append(make(at(f"{day} 21:00").astimezone(UTC), 8, 8 - relief))
    return out


def test_falling_relief_is_flagged() -> None:
    reliefs = [4 - (i // 7) + (i % 2) for i in range(WINDOW_DAYS)]  # 4-5 down to 1-2
    result = check_tolerance(nightly(reliefs), TODAY, BERLIN)
    assert result.near_nightly and result.asmr_days == WINDOW_DAYS
    assert result.flagged
    assert result.slope_per_week is not None and result.slope_per_week < -0.5
    assert result.trend.high is not None and result.trend.high < 0
    assert "break" in result.message


@pytest.mark.parametrize(
    "reliefs",
    [
        [3] * WINDOW_DAYS,  # all equal: slope exactly 0
        [2, 4] * (WINDOW_DAYS // 2),  # noisy, flat
        [1 + i // 7 for i in range(WINDOW_DAYS)],  # rising
    ],
)
def test_flat_or_rising_is_not_flagged(reliefs: list[int]) -> None:
    result = check_tolerance(nightly(reliefs), TODAY, BERLIN)
    assert result.near_nightly
    assert not result.flagged
    assert result.message == ""


def test_not_near_nightly_is_not_assessed() -> None:
    reliefs = [4 - (i // 7) for i in range(WINDOW_DAYS)]
    skip = set(range(WINDOW_DAYS - NEAR_NIGHTLY_DAYS + 1))  # used on 19 of 28 days
    result = check_tolerance(nightly(reliefs, skip), TODAY, BERLIN)
    assert result.asmr_days == NEAR_NIGHTLY_DAYS - 1
    assert not result.near_nightly and not result.flagged
    assert result.trend.slope is None
    just_enough = check_tolerance(nightly(reliefs, skip - {0}), TODAY, BERLIN)
    assert just_enough.near_nightly and just_enough.flagged


def test_rest_sessions_do_not_count_as_use() -> None:
    rest = [make(at(f"2026-03-{d:02d} 21:00"), 5, 3, mode=Mode.REST) for d in range(4, 32)]
    result = check_tolerance(rest, TODAY, BERLIN)
    assert result.asmr_days == 0 and not result.flagged


def test_no_data() -> None:
    result = check_tolerance([], TODAY, BERLIN)
    assert (result.asmr_days, result.flagged, result.slope_per_week) == (0, False, None)


def test_time_positions_ignore_dst() -> None:
    # 21:00 local every evening across the spring change: exactly one day apart.
    first = date(2026, 3, 27)
    positions = [
        _day_position(at(f"2026-03-{d} 21:00").astimezone(UTC), first, BERLIN)
        for d in range(27, 32)
    ]
    assert positions == pytest.approx([0.875, 1.875, 2.875, 3.875, 4.875])
