"""STL seasonality: known amplitude and strength on constructed series, and the feasibility rule."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from trendlab.models import fit_seasonal

MONTHS = [f"{y}-{m:02d}" for y in range(2012, 2020) for m in range(1, 13)]  # 8 years
N = 10**7  # so large that binomial noise is negligible next to the noise we add


def series(amplitude: float, noise_sd: float, seed: int = 0, months=MONTHS) -> pd.DataFrame:
    """share = 0.3 + 1 pp/year trend + amplitude * sin(2 pi month / 12) + N(0, noise_sd)."""
    rng = np.random.default_rng(seed)
    i = np.arange(len(months))
    share = 0.3 + 0.01 * i / 12 + amplitude * np.sin(2 * np.pi * i / 12) + rng.normal(0, noise_sd, len(months))
    return pd.DataFrame({"month": months, "successes": np.round(share * N).astype(int), "n": N})


def test_known_amplitude_peak_and_strength() -> None:
    # Seasonal component A sin(.) has max - min = 2A = 10 pp, peak in April, trough in October.
    # Var(S) = A^2 / 2, Var(R) ~ sigma^2, so F_S ~ 1 - sigma^2 / (sigma^2 + A^2/2) = 0.980.
    A, sigma = 0.05, 0.005
    r = fit_seasonal(series(A, sigma))
    assert r.fitted and r.reason == ""
    assert r.estimate == pytest.approx(100 * 2 * A, abs=0.5)
    assert (r.peak_month, r.trough_month) == (4, 10)
    assert r.strength == pytest.approx(1 - sigma**2 / (sigma**2 + A**2 / 2), abs=0.015)
    assert r.p_value < 1e-6
    assert np.isnan(r.ci_low) and np.isnan(r.ci_high)


def test_strength_is_the_wang_smith_hyndman_ratio_of_the_components() -> None:
    r = fit_seasonal(series(0.02, 0.01, seed=3))
    c = r.components
    expected = max(0.0, 1 - np.var(c["resid"], ddof=1) / np.var(c["seasonal"] + c["resid"], ddof=1))
    assert r.strength == pytest.approx(expected, rel=1e-12)
    trend = max(0.0, 1 - np.var(c["resid"], ddof=1) / np.var(c["trend"] + c["resid"], ddof=1))
    assert r.trend_strength == pytest.approx(trend, rel=1e-12)
    assert np.allclose(c["trend"] + c["seasonal"] + c["resid"], c["share"])


def test_no_seasonality_gives_low_strength_and_small_amplitude() -> None:
    strong = fit_seasonal(series(0.05, 0.005, seed=1))
    flat = fit_seasonal(series(0.0, 0.005, seed=1))
    assert flat.strength < 0.5 < strong.strength
    assert flat.estimate < 0.2 * strong.estimate


def test_isolated_gaps_are_filled_for_stl_only_and_listed() -> None:
    c = series(0.05, 0.005)
    c.loc[[10, 40], "n"] = 0
    c.loc[[10, 40], "successes"] = 0
    c = c.drop(index=70)  # an absent month is a gap too
    r = fit_seasonal(c)
    assert r.fitted
    assert r.filled == ("2012-11", "2015-05", "2017-11")
    assert r.n_filled == 3 and r.n_months == len(MONTHS)
    assert "3 isolated missing month(s) filled" in r.method
    comp = r.components.set_index("period")
    # Filled by linear interpolation between the neighbouring months.
    assert comp.loc["2012-11", "share"] == pytest.approx((comp.loc["2012-10", "share"] + comp.loc["2012-12", "share"]) / 2)
    assert comp["filled"].sum() == 3


def test_leading_and_trailing_empty_months_are_trimmed() -> None:
    c = series(0.05, 0.005)
    c.loc[:5, ["n", "successes"]] = 0
    r = fit_seasonal(c)
    assert r.fitted and r.n_months == len(MONTHS) - 6 and r.n_filled == 0
    assert r.components["period"].iloc[0] == "2012-07"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda c: c.drop(index=[20, 21]), r"gap of 2 consecutive month\(s\) without n >= 1 \(2013-09..2013-10\)"),
        (lambda c: c.iloc[:35], r"only 35 months; STL needs at least 36 \(3 full years\)"),
    ],
)
def test_feasibility_rule_says_why_not(edit, reason: str) -> None:
    r = fit_seasonal(edit(series(0.05, 0.005)))
    assert not r.fitted
    assert re.search(reason, r.reason), r.reason
    assert np.isnan(r.estimate) and np.isnan(r.strength) and r.result is None
    assert r.method.startswith("STL not fitted")


def test_exactly_three_years_is_enough() -> None:
    assert fit_seasonal(series(0.05, 0.005).iloc[:36]).fitted


def test_min_n_turns_thin_months_into_gaps() -> None:
    c = series(0.05, 0.005)
    c.loc[[30, 31], "n"] = 20
    c.loc[[30, 31], "successes"] = 6
    assert fit_seasonal(c).fitted
    r = fit_seasonal(c, min_n=100)
    assert not r.fitted and "2 consecutive month(s) without n >= 100" in r.reason


def test_quarterly_series_is_declined() -> None:
    c = pd.DataFrame({"q": [f"{y}Q{k}" for y in range(2012, 2020) for k in range(1, 5)], "successes": 3, "n": 10})
    r = fit_seasonal(c, time="q")
    assert not r.fitted and "monthly" in r.reason


def test_summary_frame_rows() -> None:
    r = fit_seasonal(series(0.05, 0.005))
    s = r.summary_frame()
    assert s["quantity"].tolist() == ["seasonal amplitude (pp)", "strength of seasonality", "month-of-year terms (joint test)"]
    assert s.loc[0, "estimate"] == pytest.approx(r.estimate)
    assert s.loc[1, "estimate"] == pytest.approx(r.strength)
    assert r.to_dict()["filled"] == ()
