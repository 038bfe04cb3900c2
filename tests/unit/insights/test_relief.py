"""Relief by source and mode; fewer than 5 rated sessions is "too few to tell"."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scipy import stats

from asmr_desktop.diary.model import Mode, Session
from asmr_desktop.insights.relief import MIN_RATED, credits, relief_by_mode, relief_by_source
from tests.unit.insights.factory import at, make


def heard(session: Session, *pairs: tuple[str, float]) -> Session:
    return replace(session, heard=list(pairs))


def test_only_what_was_heard_is_credited_by_its_share() -> None:
    t = at("2026-03-01 21:00")
    stopped_early = heard(make(t, 6, 6, minutes=0.1, items=("rain", "fire")), ("rain", 6.0))
    assert credits(stopped_early) == {}, "six seconds of rain is not credited"
    through_three = heard(
        make(t, 6, 3, minutes=25, items=("a", "b", "c")),
        ("a", 600.0),
        ("b", 600.0),
        ("c", 300.0),
    )
    assert credits(through_three) == pytest.approx({"a": 0.4, "b": 0.4, "c": 0.2})
    brief = heard(make(t, 6, 3, minutes=30, items=("a", "b")), ("a", 1710.0), ("b", 90.0))
    assert credits(brief) == pytest.approx({"a": 0.95}), "under a tenth is not credited"


def test_unknown_stays_unknown() -> None:
    t = at("2026-03-01 21:00")
    old = make(t, 6, 3, items=("rain", "fire", "brown"), playlist="Night")
    assert credits(old) == {"Night (playlist)": 1.0}, "never 'all items heard'"
    assert credits(make(t, 6, 3, items=("rain", "fire"))) == {}
    assert credits(make(t, 6, 3, items=("rain",))) == {"rain": 1.0}
    assert credits(make(t, 6, 3, minutes=0.5, items=("rain",))) == {}


def test_relief_by_source_weights_each_session_by_the_share_heard() -> None:
    t = at("2026-03-01 21:00")
    mostly = heard(
        make(t, 6, 2, minutes=50, items=("rain", "fire")), ("rain", 600.0), ("fire", 2400.0)
    )
    only = heard(make(t, 6, 6, minutes=10, items=("rain",)), ("rain", 600.0))
    groups = {g.name: g for g in relief_by_source([mostly, only])}
    assert groups["rain"].stats.mean == pytest.approx((4 * 0.2 + 0 * 1.0) / 1.2)
    assert groups["fire"].stats.mean == pytest.approx(4.0)
    assert groups["rain"].n == 2


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
