"""Experiments: stored and validated, compared by Welch, and each verdict boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from scipy import stats

from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import Mode
from asmr_desktop.insights.experiment import (
    CAVEATS,
    MIN_PER_ARM,
    TABLE,
    Experiment,
    ExperimentError,
    Experiments,
    Verdict,
    evaluate,
    judge,
)
from asmr_desktop.insights.stats import Difference, MeanCI
from tests.helpers.clock import FakeClock
from tests.unit.insights.factory import BERLIN, at, make


@pytest.fixture
def experiments(tmp_path: Path) -> Experiments:
    return Experiments(Store(tmp_path / "data.json"), FakeClock())


def test_start_is_saved_and_reread(experiments: Experiments, tmp_path: Path) -> None:
    started = experiments.start(date(2026, 3, 1), days=14)
    assert (started.start, started.end, started.days) == (date(2026, 3, 1), date(2026, 3, 14), 14)
    again = Experiments(Store(tmp_path / "data.json"), FakeClock())
    assert again.latest() == started
    assert again.running(date(2026, 3, 14)) == started
    assert again.running(date(2026, 3, 15)) is None


@pytest.mark.parametrize("days", [13, 29, 0, True, 21.0])
def test_length_is_two_to_four_weeks(experiments: Experiments, days: int) -> None:
    with pytest.raises(ExperimentError, match="14 to 28 days"):
        experiments.start(date(2026, 3, 1), days=days)
    assert experiments.all() == []


def test_one_at_a_time_and_stop_early(experiments: Experiments) -> None:
    first = experiments.start(date(2026, 3, 1), days=28)
    with pytest.raises(ExperimentError, match="already running"):
        experiments.start(date(2026, 3, 5))
    stopped = experiments.stop(first, date(2026, 3, 10))
    assert (stopped.end, stopped.planned_end, stopped.stopped_early) == (
        date(2026, 3, 10),
        date(2026, 3, 28),
        True,
    )
    assert experiments.latest() == stopped
    assert experiments.running(date(2026, 3, 10)) is None  # ended by hand: over, today counts
    assert experiments.stop(stopped, date(2026, 3, 10)) == stopped
    assert experiments.start(date(2026, 3, 11)).start == date(2026, 3, 11)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": "2026-02-01"}, "before it starts"),
        ({"start": "2026-01-01"}, "at most 28 days"),
        ({"colour": "blue"}, "Unknown field"),
        ({"start": "yesterday"}, "bad value"),
        ({"uid": None, "created": None}, "bad value"),
    ],
)
def test_bad_records_are_refused(
    experiments: Experiments, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    store = Store(tmp_path / "other.json")
    good = experiments.start(date(2026, 3, 1)).to_record()
    store.insert(TABLE, {**good, **change})
    with pytest.raises(ExperimentError, match=message):
        Experiments(store, FakeClock()).all()


def _diff(n_a: int, n_b: int, diff: float, low: float, high: float) -> Difference:
    ci = MeanCI(n_a, 0.0, 1.0, 0.0, 0.0)
    return Difference(ci, MeanCI(n_b, 0.0, 1.0, 0.0, 0.0), diff, low, high, 10.0)


@pytest.mark.parametrize(
    ("n_a", "n_b", "diff", "low", "high", "verdict", "words"),
    [
        (4, 9, 3.0, 2.0, 4.0, Verdict.TOO_LITTLE_DATA, "4 with ASMR and 9"),
        (9, 4, 3.0, 2.0, 4.0, Verdict.TOO_LITTLE_DATA, "at least 5"),
        (5, 5, 1.52, 0.01, 3.0, Verdict.HELPED, "Helped you by about 1.5 points"),
        (5, 5, 1.04, 0.2, 1.9, Verdict.HELPED, "about 1 point"),
        (5, 5, 1.5, 0.0, 3.0, Verdict.NO_CLEAR_DIFFERENCE, "No clear difference"),
        (5, 5, 0.1, -0.5, 0.7, Verdict.NO_CLEAR_DIFFERENCE, "No clear difference"),
        (5, 5, -1.0, -2.0, 0.0, Verdict.NO_CLEAR_DIFFERENCE, "No clear difference"),
        (5, 5, -0.84, -1.7, -0.01, Verdict.WORSE, "worse: about 0.8 points less"),
    ],
)
def test_verdict_boundaries(
    n_a: int, n_b: int, diff: float, low: float, high: float, verdict: Verdict, words: str
) -> None:
    got, headline = judge(_diff(n_a, n_b, diff, low, high))
    assert got is verdict
    assert words in headline
    assert MIN_PER_ARM == 5


def _experiment() -> Experiment:
    return Experiment(
        date(2026, 3, 1),
        date(2026, 3, 14),
        date(2026, 3, 14),
        datetime(2026, 3, 1, tzinfo=UTC),
        "x",
    )


def test_evaluate_uses_local_dates_and_welch() -> None:
    asmr_relief = [3, 2, 4, 3, 2, 3]
    rest_relief = [1, 0, 2, 1, 1]
    sessions = [
        make(at(f"2026-03-{d:02d} 21:00"), 6, 6 - r)
        for d, r in zip(range(1, 7), asmr_relief, strict=True)
    ] + [
        make(at(f"2026-03-{d:02d} 21:00"), 5, 5 - r, mode=Mode.REST)
        for d, r in zip(range(8, 13), rest_relief, strict=True)
    ]
    # Just inside (23:30 local on the last day; 22:30 UTC) and just outside (00:30 next day).
    sessions.append(make(at("2026-03-14 23:30").astimezone(UTC), 6, 3, mode=Mode.VISUAL))
    sessions.append(make(at("2026-03-15 00:30"), 9, 0))
    sessions.append(make(at("2026-02-28 23:59"), 9, 0))
    result = evaluate(_experiment(), sessions, date(2026, 3, 15), BERLIN)
    asmr = [*asmr_relief, 3]
    ref = stats.ttest_ind(asmr, rest_relief, equal_var=False).confidence_interval(0.95)
    assert result.comparison.a.n == 7 and result.comparison.b.n == 5
    assert (result.comparison.low, result.comparison.high) == pytest.approx((ref.low, ref.high))
    assert result.finished
    assert result.verdict is Verdict.HELPED
    assert "about 1.9 points" in result.headline
    assert "7 rated sessions" in result.detail
    assert result.caveats == CAVEATS
    assert any("not a controlled trial" in c for c in result.caveats)
    assert any("expectation" in c for c in result.caveats)


def test_evaluate_without_data() -> None:
    result = evaluate(_experiment(), [], date(2026, 3, 5), BERLIN)
    assert result.verdict is Verdict.TOO_LITTLE_DATA
    assert not result.finished
    assert result.comparison.diff is None


def test_all_ratings_equal_in_both_arms() -> None:
    sessions = [make(at(f"2026-03-{d:02d} 21:00"), 5, 5) for d in range(1, 6)] + [
        make(at(f"2026-03-{d:02d} 21:00"), 5, 5, mode=Mode.REST) for d in range(6, 11)
    ]
    result = evaluate(_experiment(), sessions, date(2026, 3, 15), BERLIN)
    assert (result.comparison.diff, result.comparison.low, result.comparison.high) == (0, 0, 0)
    assert result.verdict is Verdict.NO_CLEAR_DIFFERENCE
