"""The Student-t quantiles we compute ourselves agree with scipy (a dev-only dependency)."""

from __future__ import annotations

import pytest
from scipy import stats

from asmr_desktop.insights.tdist import betainc, t_cdf, t_ppf

DFS = [0.7, 1, 1.5, 2, 3, 4, 4.7, 9, 10, 29.3, 100, 1000, 7300, 1e5, 1e6]
PS = [0.0005, 0.025, 0.1, 0.4, 0.5, 0.6, 0.9, 0.975, 0.995, 0.9995]


@pytest.mark.parametrize("df", DFS)
def test_quantiles_match_scipy(df: float) -> None:
    for p in PS:
        assert t_ppf(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("df", [1, 2.5, 8, 60, 5000])
def test_cdf_matches_scipy(df: float) -> None:
    for t in (-40.0, -3.1, -1.0, -0.01, 0.0, 0.3, 2.0, 12.0):
        assert t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), rel=1e-9, abs=1e-14)


def test_textbook_values() -> None:
    # The t tables every statistics book prints (two-sided 95 %).
    assert t_ppf(0.975, 1) == pytest.approx(12.706, abs=5e-4)
    assert t_ppf(0.975, 4) == pytest.approx(2.776, abs=5e-4)
    assert t_ppf(0.975, 30) == pytest.approx(2.042, abs=5e-4)
    assert t_ppf(0.975, 1e9) == pytest.approx(1.960, abs=5e-4)


def test_incomplete_beta_matches_scipy() -> None:
    from scipy import special

    for a, b, x in [(0.5, 0.5, 0.3), (2, 3, 0.9), (50, 0.5, 0.99), (3, 40, 0.01)]:
        assert betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-10)
    assert betainc(2, 3, 0.0) == 0.0
    assert betainc(2, 3, 1.0) == 1.0


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (0.5, 0), (0.9, -1)])
def test_bad_arguments(p: float, df: float) -> None:
    with pytest.raises(ValueError):
        t_ppf(p, df)
