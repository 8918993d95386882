"""Break tests: size under no break, power and interval coverage with a known break."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.diagnostic import breaks_cusumolsresid

from trendlab.models import chow_test, cusum_test

MONTHS = [f"{y}-{m:02d}" for y in range(2012, 2019) for m in range(1, 13)]  # 84 months
YEARS = np.arange(len(MONTHS)) / 12
NN = np.random.default_rng(4).integers(80, 160, len(MONTHS))
B0, B1 = math.log(0.25 / 0.75), 0.05
BREAK = 42  # 2015-07
D0 = 0.45  # level shift on the logit scale


def expit(v):
    return 1 / (1 + np.exp(-v))


P_NULL = expit(B0 + B1 * YEARS)
P_BREAK = expit(B0 + B1 * YEARS + D0 * (YEARS >= YEARS[BREAK]))
TB = YEARS[BREAK]
TRUE_SHIFT_PP = 100 * (expit(B0 + B1 * TB + D0) - expit(B0 + B1 * TB))


def counts(y) -> pd.DataFrame:
    return pd.DataFrame({"month": MONTHS, "successes": y, "n": NN})


def test_no_break_rejected_at_about_the_nominal_rate() -> None:
    rng = np.random.default_rng(21)
    reps, cusum_mc, cusum_asym, chow = 200, 0, 0, 0
    for _ in range(reps):
        c = counts(rng.binomial(NN, P_NULL))
        r = cusum_test(c, n_sim=1000, seed=int(rng.integers(1 << 30)))
        cusum_mc += r.p_value < 0.05
        cusum_asym += r.p_value_asymptotic < 0.05
        chow += chow_test(c, break_at=MONTHS[BREAK]).p_value < 0.05
    assert 0.01 <= cusum_mc / reps <= 0.09
    assert 0.01 <= chow / reps <= 0.09
    # The Brownian-bridge p-value ignores the fitted trend and is conservative.
    assert cusum_asym <= cusum_mc


def test_known_break_detected_and_its_size_covered() -> None:
    rng = np.random.default_rng(22)
    reps, cusum_hits, chow_hits, covered = 100, 0, 0, 0
    for _ in range(reps):
        c = counts(rng.binomial(NN, P_BREAK))
        cusum_hits += cusum_test(c, n_sim=1000, seed=int(rng.integers(1 << 30))).p_value < 0.05
        r = chow_test(c, break_at=MONTHS[BREAK])
        chow_hits += r.p_value < 0.05
        covered += r.ci_low <= TRUE_SHIFT_PP <= r.ci_high
    assert cusum_hits / reps >= 0.80
    assert chow_hits / reps >= 0.95
    assert 0.90 <= covered / reps <= 0.99


def test_cusum_statistic_is_statsmodels_on_pearson_residuals() -> None:
    y = np.random.default_rng(1).binomial(NN, P_BREAK)
    r = cusum_test(counts(y), n_sim=500, seed=3)
    X = sm.add_constant(YEARS)
    glm = sm.GLM(y / NN, X, family=sm.families.Binomial(), var_weights=NN).fit()
    stat, p_asym, _ = breaks_cusumolsresid(np.asarray(glm.resid_pearson), ddof=2)
    assert r.statistic == pytest.approx(stat, rel=1e-8) and r.estimate == r.statistic
    assert r.p_value_asymptotic == pytest.approx(p_asym, rel=1e-8)
    assert r.peak_period in MONTHS
    again = cusum_test(counts(y), n_sim=500, seed=3)
    assert again.p_value == r.p_value  # reproducible Monte Carlo
    assert r.p_value >= 1 / 501  # (1 + count) / (1 + n_sim) is never 0


def test_chow_statistics_against_independent_fits() -> None:
    y = np.random.default_rng(2).binomial(NN, P_BREAK)
    post = (YEARS >= TB).astype(float)
    X0 = sm.add_constant(YEARS)
    X1 = np.column_stack([X0, post, post * (YEARS - TB)])
    endog = np.column_stack([y, NN - y])  # the classic grouped form, fitted independently
    f0 = sm.GLM(endog, X0, family=sm.families.Binomial()).fit()
    f1 = sm.GLM(endog, X1, family=sm.families.Binomial()).fit()
    lr = chow_test(counts(y), break_at=MONTHS[BREAK], overdispersion=None)
    assert lr.test == "LR chi2"
    assert lr.statistic == pytest.approx(f0.deviance - f1.deviance, rel=1e-8)
    assert lr.p_value == pytest.approx(stats.chi2.sf(f0.deviance - f1.deviance, 2), rel=1e-6)
    phi = f1.pearson_chi2 / f1.df_resid
    ft = chow_test(counts(y), break_at=MONTHS[BREAK], overdispersion="X2")
    assert ft.test == "F" and ft.df_denom == len(MONTHS) - 4
    assert ft.statistic == pytest.approx((f0.deviance - f1.deviance) / 2 / phi, rel=1e-8)
    assert ft.level_shift_logit == pytest.approx(f1.params[2], rel=1e-8)
    assert ft.slope_shift_logit == pytest.approx(f1.params[3], rel=1e-6)
    wald = chow_test(counts(y), break_at=MONTHS[BREAK], overdispersion="HC0")
    assert wald.test == "Wald chi2" and wald.statistic > 0
    assert ft.break_period == "2015-07" and ft.n_pre == 42 and ft.n_post == 42


def test_level_shift_recovered_with_large_samples() -> None:
    n = np.full(len(MONTHS), 20_000)
    y = np.random.default_rng(5).binomial(n, P_BREAK)
    r = chow_test(pd.DataFrame({"month": MONTHS, "successes": y, "n": n}), break_at="2015-07")
    assert r.level_shift_logit == pytest.approx(D0, abs=0.05)
    assert r.level_ci_low <= D0 <= r.level_ci_high
    assert r.estimate == pytest.approx(TRUE_SHIFT_PP, abs=1.0)
    assert r.slope_ci_low <= 0.0 <= r.slope_ci_high
    assert r.summary_frame()["quantity"].tolist() == [
        "level shift at break (pp)",
        "level shift (logit)",
        "slope shift per year (logit)",
    ]


def test_chow_refuses_breaks_at_the_edges_and_foreign_labels() -> None:
    c = counts(np.random.default_rng(6).binomial(NN, P_NULL))
    with pytest.raises(ValueError, match="leaves 1 non-empty period"):
        chow_test(c, break_at="2012-02")
    with pytest.raises(ValueError, match="not a month label"):
        chow_test(c, break_at="2015Q3")


def test_seasonal_break_model_has_month_terms() -> None:
    c = counts(np.random.default_rng(7).binomial(NN, P_BREAK))
    r = chow_test(c, break_at="2015-07", seasonal=True)
    assert len(r.result.params) == 2 + 11 + 2
    assert "month-of-year" in r.method
    s = cusum_test(c, seasonal=True, n_sim=200)
    assert "month-of-year" in s.method and 0 < s.p_value <= 1
