"""The few statistics the insights need: a mean with its 95 % interval, Welch's difference
of two means, and a straight-line trend with the interval of its slope.

All intervals are two-sided 95 % t intervals; :mod:`tdist` supplies the quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from asmr_desktop.insights.tdist import t_ppf

CONFIDENCE = 0.95
_Q = 0.5 + CONFIDENCE / 2  # 0.975


@dataclass(frozen=True)
class MeanCI:
    """A sample mean and its 95 % confidence interval (None where it is undefined)."""

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Difference:
    """Mean of ``a`` minus mean of ``b`` with Welch's 95 % interval."""

    a: MeanCI
    b: MeanCI
    diff: float | None
    low: float | None
    high: float | None
    df: float | None


@dataclass(frozen=True)
class Trend:
    """Least-squares slope of y on x with its 95 % interval (y units per x unit)."""

    n: int
    slope: float | None
    intercept: float | None
    low: float | None
    high: float | None
    stderr: float | None


def _mean_var(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, var


def mean_ci(values: Sequence[float]) -> MeanCI:
    """Mean ± t(0.975, n-1)·sd/√n. One value has no interval; equal values a zero-width one."""
    n = len(values)
    if n == 0:
        return MeanCI(0, None, None, None, None)
    mean, var = _mean_var(values)
    if n == 1:
        return MeanCI(1, mean, None, None, None)
    sd = math.sqrt(var)
    half = t_ppf(_Q, n - 1) * sd / math.sqrt(n)
    return MeanCI(n, mean, sd, mean - half, mean + half)


def weighted_mean_ci(values: Sequence[float], weights: Sequence[float]) -> MeanCI:
    """A weighted mean with a 95 % interval on Kish's effective sample size.

    ``n`` stays the number of sessions (what "too few to tell" counts); the interval uses
    n_eff = (Σw)² / Σw², so a session that credits an item with a small share adds little
    certainty. Equal weights give exactly :func:`mean_ci`.
    """
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w > 0]
    n = len(pairs)
    if n == 0:
        return MeanCI(0, None, None, None, None)
    total = math.fsum(w for _, w in pairs)
    mean = math.fsum(v * w for v, w in pairs) / total
    if n == 1:
        return MeanCI(1, mean, None, None, None)
    n_eff = total**2 / math.fsum(w * w for _, w in pairs)
    # Unbiased weighted variance for frequency-like weights scaled to n_eff.
    var = math.fsum(w * (v - mean) ** 2 for v, w in pairs) / total * n_eff / (n_eff - 1)
    sd = math.sqrt(var)
    half = t_ppf(_Q, max(1.0, n_eff - 1)) * sd / math.sqrt(n_eff)
    return MeanCI(n, mean, sd, mean - half, mean + half)


def welch(a: Sequence[float], b: Sequence[float]) -> Difference:
    """Difference of means (a - b) with Welch's unequal-variance 95 % interval."""
    ca, cb = mean_ci(a), mean_ci(b)
    if ca.mean is None or cb.mean is None:
        return Difference(ca, cb, None, None, None, None)
    diff = ca.mean - cb.mean
    if ca.n < 2 or cb.n < 2:
        return Difference(ca, cb, diff, None, None, None)
    va = (ca.sd or 0.0) ** 2 / ca.n
    vb = (cb.sd or 0.0) ** 2 / cb.n
    se = math.sqrt(va + vb)
    if se == 0.0:  # both groups constant: the data leave no doubt about the difference
        return Difference(ca, cb, diff, diff, diff, float(ca.n + cb.n - 2))
    df = (va + vb) ** 2 / (va**2 / (ca.n - 1) + vb**2 / (cb.n - 1))
    half = t_ppf(_Q, df) * se
    return Difference(ca, cb, diff, diff - half, diff + half, df)


def trend(x: Sequence[float], y: Sequence[float]) -> Trend:
    """Ordinary least squares y = a + b·x; the slope's interval uses t(0.975, n-2)."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y must have the same length")
    if n < 3:
        return Trend(n, None, None, None, None, None)
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    sxx = math.fsum((xi - mx) ** 2 for xi in x)
    if sxx == 0.0:
        return Trend(n, None, None, None, None, None)
    sxy = math.fsum((xi - mx) * (yi - my) for xi, yi in zip(x, y, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    sse = math.fsum((yi - intercept - slope * xi) ** 2 for xi, yi in zip(x, y, strict=True))
    stderr = math.sqrt(max(sse, 0.0) / (n - 2) / sxx)
    half = t_ppf(_Q, n - 2) * stderr
    return Trend(n, slope, intercept, slope - half, slope + half, stderr)
