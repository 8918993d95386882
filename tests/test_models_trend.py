"""Trend models: known values (Woolf, hand-computed marginal effect) and coverage by simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from trendlab.models import fit_trend, fit_trend_ols_hac, newey_west_maxlags, prepare_counts

Z = 1.959963984540054
MONTHS = [f"{y}-{m:02d}" for y in range(2012, 2019) for m in range(1, 13)]  # 84 months
YEARS = np.arange(len(MONTHS)) / 12


def expit(v):
    return 1 / (1 + np.exp(-v))


def counts(y, n, months=MONTHS) -> pd.DataFrame:
    return pd.DataFrame({"month": months, "successes": y, "n": n})


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:Perfect separation")
def test_two_periods_reproduce_woolf_odds_ratio_interval() -> None:
    # Saturated two-period model: b1 = log odds ratio, Var = 1/a + 1/b + 1/c + 1/d (Woolf 1955).
    c = pd.DataFrame({"period": ["2014", "2015"], "successes": [30, 45], "n": [100, 100]})
    r = fit_trend(c, time="period", overdispersion=None)
    or_hand = (45 / 55) / (30 / 70)
    se_hand = math.sqrt(1 / 30 + 1 / 70 + 1 / 45 + 1 / 55)
    assert r.odds_ratio == pytest.approx(or_hand, rel=1e-8)
    assert r.slope_se == pytest.approx(se_hand, rel=1e-6)
    assert r.or_ci_low == pytest.approx(or_hand * math.exp(-Z * se_hand), rel=1e-6)
    assert r.or_ci_high == pytest.approx(or_hand * math.exp(Z * se_hand), rel=1e-6)
    # Marginal effect at the mean design point (years = 0.5): b1 * p(1 - p) with p = expit(b0 + b1/2).
    b0 = math.log(30 / 70)
    b1 = math.log(or_hand)
    p_bar = expit(b0 + b1 / 2)
    assert r.share_at_mean == pytest.approx(p_bar, rel=1e-8)
    assert r.estimate == pytest.approx(100 * b1 * p_bar * (1 - p_bar), rel=1e-8)
    assert r.pooled_share == pytest.approx(75 / 200)


def test_marginal_effect_delta_interval_matches_numerical_gradient() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(40, 120, len(MONTHS))
    y = rng.binomial(n, expit(-1.1 + 0.12 * YEARS))
    r = fit_trend(counts(y, n))
    beta, V = r.result.params.to_numpy(), r.result.cov_params().to_numpy()
    xbar = np.array([1.0, np.average(YEARS, weights=n)])

    def me(b):
        p = expit(xbar @ b)
        return 100 * b[1] * p * (1 - p)

    h = 1e-6
    grad = np.array([(me(beta + h * e) - me(beta - h * e)) / (2 * h) for e in np.eye(2)])
    se = math.sqrt(grad @ V @ grad)
    from scipy import stats

    c = stats.t.ppf(0.975, r.result.df_resid)  # X2 uses a t reference
    assert r.estimate == pytest.approx(me(beta), rel=1e-10)
    assert r.ci_high - r.estimate == pytest.approx(c * se, rel=1e-5)
    assert r.estimate - r.ci_low == pytest.approx(c * se, rel=1e-5)


def test_x2_scale_is_the_pearson_dispersion() -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(40, 120, len(MONTHS))
    y = rng.binomial(n, rng.beta(5, 15, len(MONTHS)))  # overdispersed around 0.25
    plain = fit_trend(counts(y, n), overdispersion=None)
    quasi = fit_trend(counts(y, n), overdispersion="X2")
    # Independent check of Pearson chi2 / df from the plain binomial fit.
    mu = plain.result.fittedvalues.to_numpy()
    x2 = np.sum((y - n * mu) ** 2 / (n * mu * (1 - mu))) / (len(MONTHS) - 2)
    assert quasi.dispersion == pytest.approx(x2, rel=1e-6)
    assert x2 > 2  # the simulation is genuinely overdispersed
    assert quasi.slope_se == pytest.approx(plain.slope_se * math.sqrt(x2), rel=1e-6)
    assert quasi.slope_logit == pytest.approx(plain.slope_logit, rel=1e-10)


def _coverage(rho: float, overdispersion, reps: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    n = np.random.default_rng(7).integers(40, 120, len(MONTHS))
    b0, b1 = math.log(0.25 / 0.75), 0.12
    p = expit(b0 + b1 * YEARS)
    xbar = np.array([1.0, np.average(YEARS, weights=n)])
    p_bar = expit(xbar @ [b0, b1])
    me_true = 100 * b1 * p_bar * (1 - p_bar)
    hit_or = hit_me = 0
    for _ in range(reps):
        pp = rng.beta(p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho) if rho else p
        r = fit_trend(counts(rng.binomial(n, pp), n), overdispersion=overdispersion)
        hit_or += r.or_ci_low <= math.exp(b1) <= r.or_ci_high
        hit_me += r.ci_low <= me_true <= r.ci_high
    return hit_or / reps, hit_me / reps


def test_known_slope_recovered_at_nominal_rate() -> None:
    """200 binomial series with a known logit slope: the 95% intervals cover it ~95% of the time."""
    cov_or, cov_me = _coverage(0.0, "X2", reps=200, seed=11)
    assert 0.90 <= cov_or <= 0.99
    assert 0.90 <= cov_me <= 0.99


def test_overdispersion_needs_the_scale() -> None:
    """Beta-binomial months (intra-month correlation 0.03): X2 keeps coverage, fixed scale loses it."""
    cov_x2, _ = _coverage(0.03, "X2", reps=120, seed=12)
    cov_none, _ = _coverage(0.03, None, reps=120, seed=12)
    assert 0.90 <= cov_x2 <= 0.99
    assert cov_none < 0.85


def test_hc0_is_the_sandwich_by_hand() -> None:
    rng = np.random.default_rng(2)
    n = rng.integers(40, 120, len(MONTHS))
    y = rng.binomial(n, rng.beta(5, 15, len(MONTHS)))
    r = fit_trend(counts(y, n), overdispersion="HC0")
    X = np.column_stack([np.ones(len(MONTHS)), YEARS])
    mu = r.result.fittedvalues.to_numpy()
    bread = np.linalg.inv(X.T @ (X * (n * mu * (1 - mu))[:, None]))
    scores = X * (y - n * mu)[:, None]  # score of each month's binomial log-likelihood
    cov = bread @ (scores.T @ scores) @ bread
    assert r.slope_se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-6)
    assert "sandwich (HC0)" in r.method


def test_seasonal_terms_and_joint_test() -> None:
    rng = np.random.default_rng(3)
    n = np.full(len(MONTHS), 400)
    moy = np.arange(len(MONTHS)) % 12
    season = np.where(np.isin(moy, [5, 6, 7]), 0.5, 0.0)  # a summer bump
    y = rng.binomial(n, expit(-1.0 + 0.08 * YEARS + season))
    r = fit_trend(counts(y, n), seasonal=True)
    assert r.seasonal_p_value < 1e-6
    assert r.or_ci_low <= math.exp(0.08) <= r.or_ci_high
    assert len(r.result.params) == 13  # const, years, 11 month dummies
    rows = r.summary_frame()["quantity"].tolist()
    assert rows == ["change per year (pp)", "odds ratio per year", "month-of-year terms (joint test)"]
    plain = fit_trend(counts(y, n))
    assert math.isnan(plain.seasonal_p_value)
    assert len(plain.summary_frame()) == 2


def test_empty_months_are_skipped_and_counted() -> None:
    rng = np.random.default_rng(4)
    n = rng.integers(40, 120, len(MONTHS))
    n[[5, 6, 30]] = 0
    y = rng.binomial(n, 0.3)
    r = fit_trend(counts(y, n))
    assert r.n_periods == len(MONTHS) - 3 and r.n_skipped_empty == 3
    assert "3 period(s) with n = 0 skipped" in r.method
    d = r.to_dict()
    assert d["n_skipped_empty"] == 3 and "result" not in d and d["start"] == "2012-01"


def test_years_count_calendar_time_across_gaps() -> None:
    c = counts([1, 2, 3], [10, 10, 10], months=["2014-01", "2014-07", "2016-01"])
    p = prepare_counts(c)
    assert p.frame["years"].tolist() == [0.0, 0.5, 2.0]
    assert prepare_counts(c.iloc[::-1]).frame["period"].tolist() == ["2014-01", "2014-07", "2016-01"]


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"month": ["2014-01", "2014-01"], "successes": [1, 1], "n": [2, 2]}), "appears more than once"),
        (pd.DataFrame({"month": ["2014-01", "2014-02"], "successes": [3, 1], "n": [2, 2]}), "successes > n at period '2014-01'"),
        (pd.DataFrame({"month": ["2014-01", "2014-02"], "successes": [-1, 1], "n": [2, 2]}), "whole numbers >= 0"),
        (pd.DataFrame({"month": ["2014-01", "2014-02"], "successes": [0, 0], "n": [0, 0]}), "every period has n == 0"),
        (pd.DataFrame({"month": ["2014-01", "14-02"], "successes": [0, 0], "n": [1, 1]}), "'14-02' at position 1"),
        (pd.DataFrame({"month": ["2014-01", "2014-02"], "successes": [0, 1], "n": [1, 1]}), "need at least 3"),
    ],
)
def test_bad_counts_are_named(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        fit_trend(frame)


def test_seasonal_needs_months() -> None:
    c = pd.DataFrame({"period": ["2014Q1", "2014Q2", "2014Q3", "2014Q4"], "successes": [1, 2, 3, 4], "n": [9] * 4})
    with pytest.raises(ValueError, match="monthly periods"):
        fit_trend(c, time="period", seasonal=True)


# ----------------------------------------------------------------------------- OLS + HAC
def test_hac_exact_line_and_lag_rule() -> None:
    # Share rises by exactly 0.1 pp per month = 1.2 pp per year.
    n = 100_000
    y = (0.2 + 0.001 * np.arange(len(MONTHS))) * n
    r = fit_trend_ols_hac(counts(np.round(y).astype(int), n))
    assert r.estimate == pytest.approx(1.2, abs=1e-9)
    assert r.maxlags == newey_west_maxlags(84) == math.floor(4 * 0.84 ** (2 / 9)) == 3
    assert "Newey-West 1994 rule" in r.method and "maxlags = 3" in r.method
    assert fit_trend_ols_hac(counts(np.round(y).astype(int), n), maxlags=6).maxlags == 6


def test_hac_matches_statsmodels_and_beats_naive_ols_under_autocorrelation() -> None:
    rng = np.random.default_rng(5)
    slope, reps, hac_hits, ols_hits = 0.02, 200, 0, 0
    X = sm.add_constant(YEARS)
    for _ in range(reps):
        u = rng.normal(0, 0.015, len(MONTHS))
        e = np.zeros(len(MONTHS))
        for i in range(len(MONTHS)):  # AR(1), phi = 0.5
            e[i] = (0.5 * e[i - 1] if i else 0.0) + u[i]
        share = 0.3 + slope * YEARS + e
        y = np.round(share * 100_000).astype(int)
        r = fit_trend_ols_hac(counts(y, 100_000))
        hac_hits += r.ci_low <= 100 * slope <= r.ci_high
        lo, hi = sm.OLS(y / 100_000, X).fit().conf_int()[1]
        ols_hits += lo <= slope <= hi
    ref = sm.OLS(y / 100_000, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True})
    assert r.ci_low == pytest.approx(100 * ref.conf_int()[1][0], rel=1e-10)
    # Newey-West undercovers somewhat in 84 months with phi = 0.5, but far less than naive OLS.
    assert hac_hits / reps >= 0.80
    assert hac_hits / reps > ols_hits / reps + 0.05


def test_hac_iid_coverage() -> None:
    rng = np.random.default_rng(6)
    n = np.full(len(MONTHS), 300)
    p = 0.25 + 0.015 * YEARS
    hits = sum(
        (r := fit_trend_ols_hac(counts(rng.binomial(n, p), n))).ci_low <= 1.5 <= r.ci_high for _ in range(200)
    )
    assert 0.90 <= hits / 200 <= 0.99


def test_expit_does_not_overflow_under_separation():
    from trendlab.models.trend import _expit

    assert _expit(-1000.0) == 0.0 and _expit(1000.0) == 1.0 and _expit(0.0) == 0.5
