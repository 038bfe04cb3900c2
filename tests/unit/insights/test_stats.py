"""Means, Welch differences and trends with their 95 % intervals, against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from asmr_desktop.insights.stats import mean_ci, trend, welch


def test_mean_ci_textbook() -> None:
    # 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764: half width 1.9632.
    ci = mean_ci([1, 2, 3, 4, 5])
    assert ci.n == 5
    assert ci.mean == 3
    assert ci.sd == pytest.approx(math.sqrt(2.5))
    assert ci.low == pytest.approx(3 - 1.96324, abs=1e-5)
    assert ci.high == pytest.approx(3 + 1.96324, abs=1e-5)


@pytest.mark.parametrize("seed", range(5))
def test_mean_ci_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = list(rng.integers(-3, 8, size=int(rng.integers(2, 40))).astype(float))
    ci = mean_ci(values)
    low, high = stats.t.interval(0.95, len(values) - 1, np.mean(values), stats.sem(values))
    assert (ci.low, ci.high) == pytest.approx((low, high), rel=1e-9)


def test_mean_ci_edges() -> None:
    assert mean_ci([]).mean is None
    one = mean_ci([4])
    assert (one.n, one.mean, one.low, one.high) == (1, 4, None, None)
    same = mean_ci([2, 2, 2])
    assert (same.mean, same.low, same.high, same.sd) == (2, 2, 2, 0)


@pytest.mark.parametrize("seed", range(6))
def test_welch_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    a = rng.normal(2, 1 + seed % 3, size=int(rng.integers(3, 30)))
    b = rng.normal(1, 0.5 + seed % 2, size=int(rng.integers(3, 30)))
    diff = welch(list(a), list(b))
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert diff.diff == pytest.approx(a.mean() - b.mean())
    assert (diff.low, diff.high) == pytest.approx((expected.low, expected.high), rel=1e-9)
    assert diff.df == pytest.approx(stats.ttest_ind(a, b, equal_var=False).df, rel=1e-12)


def test_welch_edges() -> None:
    assert welch([], [1, 2]).diff is None
    single = welch([3], [1, 2])
    assert single.diff == pytest.approx(1.5)
    assert single.low is None
    constant = welch([3, 3, 3], [1, 1])
    assert (constant.diff, constant.low, constant.high) == (2, 2, 2)
    # One constant group: Welch's df falls to the other group's n - 1.
    half = welch([3, 3, 3], [1, 2, 3])
    assert half.df == pytest.approx(2)
    assert half.high == pytest.approx(1 + stats.t.ppf(0.975, 2) * 1 / math.sqrt(3))


@pytest.mark.parametrize("seed", range(4))
def test_trend_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    x = np.sort(rng.uniform(0, 28, size=25))
    y = 3 - 0.05 * x + rng.normal(0, 1, size=25)
    fit = trend(list(x), list(y))
    ref = stats.linregress(x, y)
    half = stats.t.ppf(0.975, 23) * ref.stderr
    assert fit.slope == pytest.approx(ref.slope)
    assert fit.intercept == pytest.approx(ref.intercept)
    assert (fit.low, fit.high) == pytest.approx((ref.slope - half, ref.slope + half), rel=1e-9)


def test_trend_edges() -> None:
    assert trend([1, 2], [3, 4]).slope is None  # needs 3 points for an interval
    assert trend([5, 5, 5], [1, 2, 3]).slope is None  # no spread in time
    flat = trend([0, 1, 2, 3], [2, 2, 2, 2])
    assert (flat.slope, flat.low, flat.high) == (0, 0, 0)
    with pytest.raises(ValueError):
        trend([1, 2, 3], [1, 2])
