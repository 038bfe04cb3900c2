"""The whole summary for a period, including no data, one session and equal ratings."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.experiment import Experiments, Verdict
from asmr_desktop.insights.summary import load, period, summarize
from tests.helpers.clock import FakeClock
from tests.unit.insights.factory import BERLIN, at, make

TODAY = date(2026, 3, 31)


def test_no_data() -> None:
    insights = summarize([], date(2026, 3, 18), TODAY, TODAY, BERLIN)
    assert insights.empty
    assert insights.points == [] and insights.by_source == [] and insights.by_mode == []
    assert len(insights.rolling) == 14 and all(m.mean is None for m in insights.rolling)
    assert [w.headache_days for w in insights.weekly] == [0, 0, 0]
    assert not insights.tolerance.flagged
    assert insights.experiment is None
    assert period(None, TODAY, [], BERLIN) == (TODAY, TODAY)


def test_one_session() -> None:
    one = make(at("2026-03-30 21:00"), 5, 2)
    insights = summarize([one], date(2026, 3, 18), TODAY, TODAY, BERLIN)
    assert (insights.sessions, insights.rated) == (1, 1)
    assert [p.pain for p in insights.points] == [5, 2]
    assert insights.by_source == [] and [g.name for g in insights.too_few] == ["rain"]
    assert insights.by_mode[0].stats.mean == 3 and insights.by_mode[0].stats.low is None
    assert insights.rolling[-1].mean == 2
    assert sum(m.headache_days for m in insights.monthly) == 1  # both ratings on the 30th
    assert period(None, TODAY, [one], BERLIN) == (date(2026, 3, 30), TODAY)


def test_all_ratings_equal() -> None:
    sessions = [make(at(f"2026-03-{d:02d} 21:00"), 4, 4) for d in range(1, 32)]
    insights = summarize(sessions, date(2026, 3, 1), TODAY, TODAY, BERLIN)
    (rain,) = insights.by_source
    assert (rain.stats.mean, rain.stats.low, rain.stats.high) == (0, 0, 0)
    assert all(m.mean == 4 for m in insights.rolling)
    assert not insights.tolerance.flagged
    assert insights.tolerance.trend.slope == 0


def test_rolling_mean_reaches_before_the_period() -> None:
    sessions = [make(at("2026-03-15 21:00"), 6, 6), make(at("2026-03-20 21:00"), 2, 2)]
    insights = summarize(sessions, date(2026, 3, 18), TODAY, TODAY, BERLIN)
    assert insights.sessions == 1  # only the 20th is inside the period
    assert insights.rolling[0].mean == 6  # the 18th's window holds the 15th
    assert insights.rolling[2].mean == pytest.approx(4)


def test_load_from_the_diary_with_an_experiment(tmp_path: Path) -> None:
    clock = FakeClock(at("2026-03-31 12:00"))
    store = Store(tmp_path / "data.json")
    diary = Diary(store, clock)
    experiments = Experiments(store, clock)
    experiments.start(date(2026, 3, 10), days=14)
    for i in range(12):
        clock.now = at("2026-03-10 21:00") + timedelta(days=i)
        mode = Mode.REST if i % 2 else Mode.AUDIO
        session = diary.start(mode, items=["rain"] if mode is Mode.AUDIO else [], pain_before=5)
        assert session.id is not None
        diary.rate(session.id, 2 if mode is Mode.AUDIO else 4 + i % 3 - 1)
    clock.now = at("2026-03-31 12:00")
    insights = load(diary, experiments, 14, BERLIN)
    assert (insights.first, insights.last) == (date(2026, 3, 18), TODAY)
    assert insights.sessions == 4  # 18th to 21st
    assert insights.experiment is not None
    assert insights.experiment.verdict is Verdict.HELPED
    everything = load(diary, experiments, None, BERLIN)
    assert everything.first == date(2026, 3, 10) and everything.sessions == 12
