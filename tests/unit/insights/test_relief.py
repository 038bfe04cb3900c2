"""Relief by source and mode; fewer than 5 rated sessions is "too few to tell"."""

from __future__ import annotations

import pytest
from scipy import stats

from asmr_desktop.diary.model import Mode
from asmr_desktop.insights.relief import MIN_RATED, relief_by_mode, relief_by_source, sources
from tests.unit.insights.factory import at, make


def test_sources_are_titles_else_playlist() -> None:
    t = at("2026-03-01 21:00")
    assert sources(make(t, items=("rain", " rain ", "fire"), playlist="Night")) == ["rain", "fire"]
    assert sources(make(t, items=(), playlist="Night")) == ["Night"]
    assert sources(make(t, items=(), playlist="")) == []


def test_relief_by_source_with_threshold() -> None:
    rain = [
        make(at(f"2026-03-{d:02d} 21:00"), 6, 6 - r)
        for d, r in zip(range(1, 6), [1, 2, 3, 2, 2], strict=True)
    ]
    fire = [make(at(f"2026-03-{d:02d} 22:00"), 5, 3, items=("fire",)) for d in range(1, 5)]
    unrated = [make(at("2026-03-09 21:00"), None, 2), make(at("2026-03-09 22:00"), 4, None)]
    rest = [make(at("2026-03-08 21:00"), 5, 1, mode=Mode.REST)]
    groups = {g.name: g for g in relief_by_source(rain + fire + unrated + rest)}
    assert set(groups) == {"rain", "fire"}  # rest sessions have no source
    assert groups["rain"].n == MIN_RATED and groups["rain"].enough
    assert groups["rain"].stats.mean == pytest.approx(2)
    low, high = stats.t.interval(0.95, 4, 2, stats.sem([1, 2, 3, 2, 2]))
    assert (groups["rain"].stats.low, groups["rain"].stats.high) == pytest.approx((low, high))
    assert groups["fire"].n == MIN_RATED - 1 and not groups["fire"].enough


def test_relief_by_mode() -> None:
    sessions = [
        make(at("2026-03-01 21:00"), 6, 3),
        make(at("2026-03-02 21:00"), 6, 5),
        make(at("2026-03-03 21:00"), 4, 4, mode=Mode.REST),
        make(at("2026-03-04 21:00"), 4, None, mode=Mode.VISUAL),  # no relief: no visual group
    ]
    groups = relief_by_mode(sessions)
    assert [(g.name, g.n, g.stats.mean) for g in groups] == [
        ("sound", 2, 2.0),
        ("rest, no sound", 1, 0.0),
    ]
    assert relief_by_mode([]) == []
