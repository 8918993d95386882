"""Shares, periods and misclassification correction against published and hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trendlab.measure.shares import (
    ClassifierRates,
    add_corrected,
    complete_periods,
    corrected_share,
    month_to_quarter,
    month_to_year,
    period_range,
    period_to_years,
    rogan_gladen,
    rogan_gladen_variance,
    share_table,
    shares_from_counts,
    to_period,
    wilson_interval,
)
from trendlab.schemas import SHARES

Z = 1.959963984540054  # standard normal 97.5% quantile


# ----------------------------------------------------------------------------- Wilson
@pytest.mark.parametrize(
    ("x", "n", "lo", "hi"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(x: int, n: int, lo: float, hi: float) -> None:
    got_lo, got_hi = wilson_interval([x], [n])
    assert got_lo[0] == pytest.approx(lo, abs=6e-5)
    assert got_hi[0] == pytest.approx(hi, abs=6e-5)


def test_wilson_hand_formula_and_empty_cell() -> None:
    # Wilson (1927): centre (x + z^2/2)/(n + z^2), half-width z sqrt(x(n-x)/n + z^2/4)/(n + z^2).
    x, n = 7, 40
    centre = (x + Z**2 / 2) / (n + Z**2)
    half = Z * math.sqrt(x * (n - x) / n + Z**2 / 4) / (n + Z**2)
    lo, hi = wilson_interval([x, 0], [n, 0])
    assert lo[0] == pytest.approx(centre - half, rel=1e-10)
    assert hi[0] == pytest.approx(centre + half, rel=1e-10)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


# ----------------------------------------------------------------------------- share_table
@pytest.fixture
def roles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": ["2015-01", "2015-01", "2015-01", "2015-02", "2015-02", "2015-04"],
            "region": ["eu", "us", "us", "us", "us", "eu"],
            "tech": [True, False, True, True, True, False],
        }
    )


def test_share_table_counts_shares_and_intervals(roles: pd.DataFrame) -> None:
    before = roles.copy()
    t = share_table(roles, success="tech", by=[], population="pm", measure="tech", min_n=3)
    pd.testing.assert_frame_equal(roles, before)  # input untouched
    SHARES.validate(t)
    assert t["period"].tolist() == ["2015-01", "2015-02", "2015-04"]
    assert t["successes"].tolist() == [2, 2, 0]
    assert t["n"].tolist() == [3, 2, 1]
    assert t["share"].tolist() == pytest.approx([2 / 3, 1.0, 0.0])
    assert t["small_cell"].tolist() == [False, True, True]
    lo, hi = wilson_interval([2, 2, 0], [3, 2, 1])
    assert t["ci_low"].to_numpy(float) == pytest.approx(lo)
    assert t["ci_high"].to_numpy(float) == pytest.approx(hi)
    assert (t["population"] == "pm").all() and (t["measure"] == "tech").all()
    assert str(t["n"].dtype) == "Int64" and str(t["share"].dtype) == "Float64"


def test_share_table_by_groups(roles: pd.DataFrame) -> None:
    t = share_table(roles, success="tech", by=["region"], population="pm", measure="tech")
    got = {(r.period, r.region): (r.successes, r.n) for r in t.itertuples()}
    assert got == {
        ("2015-01", "eu"): (1, 1),
        ("2015-04", "eu"): (0, 1),
        ("2015-01", "us"): (1, 2),
        ("2015-02", "us"): (2, 2),
    }
    assert list(t.columns[:4]) == ["period", "population", "measure", "region"]


def test_share_table_rejects_bad_input(roles: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"'tech' is missing in 1 row\(s\), first at index 2"):
        share_table(roles.assign(tech=[True, False, None, True, True, False]), success="tech", by=[], population="p", measure="m")
    with pytest.raises(ValueError, match="boolean or 0/1"):
        share_table(roles.assign(tech=[1, 2, 0, 1, 1, 0]), success="tech", by=[], population="p", measure="m")
    with pytest.raises(KeyError, match="nope"):
        share_table(roles, success="nope", by=[], population="p", measure="m")
    with pytest.raises(ValueError, match="'2015-13' at position"):
        share_table(roles.assign(month="2015-13"), success="tech", by=[], population="p", measure="m")


def test_share_table_of_no_rows_is_an_empty_valid_table() -> None:
    empty = pd.DataFrame({"month": pd.Series([], dtype="string"), "tech": pd.Series([], dtype=bool)})
    t = share_table(empty, success="tech", by=[], population="pm", measure="tech")
    assert len(t) == 0 and list(t.columns[:3]) == ["period", "population", "measure"]
    SHARES.validate(t)


def test_shares_from_counts_keeps_empty_cells_as_missing() -> None:
    c = pd.DataFrame({"period": ["2015Q1", "2015Q2"], "successes": [3, 0], "n": [12, 0]})
    t = shares_from_counts(c, population="pm", measure="tech")
    assert t["share"].iloc[0] == pytest.approx(0.25)
    assert t["share"].isna().iloc[1] and t["ci_low"].isna().iloc[1] and t["ci_high"].isna().iloc[1]
    with pytest.raises(ValueError, match="successes > n"):
        shares_from_counts(c.assign(successes=[13, 0]), population="pm", measure="tech")
    with pytest.raises(ValueError, match="whole numbers"):
        shares_from_counts(c.assign(n=[12.5, 0]), population="pm", measure="tech")


# ----------------------------------------------------------------------------- periods
def test_period_helpers() -> None:
    months = pd.Series(["2014-01", "2014-03", "2014-04", "2014-12"], index=[10, 11, 12, 13])
    q = month_to_quarter(months)
    assert q.tolist() == ["2014Q1", "2014Q1", "2014Q2", "2014Q4"]
    assert q.index.tolist() == [10, 11, 12, 13]
    assert month_to_year(months).tolist() == ["2014"] * 4
    assert to_period(months, "month").tolist() == months.tolist()
    assert period_range("2014-11", "2015-02") == ["2014-11", "2014-12", "2015-01", "2015-02"]
    assert period_range("2014", "2016", "year") == ["2014", "2015", "2016"]
    assert period_to_years(["2014-01", "2014-04"]).tolist() == [2014.0, 2014.25]
    assert period_to_years(["2014Q3"]).tolist() == [2014.5]
    with pytest.raises(ValueError, match="'2014-1' at row 1"):
        month_to_quarter(["2014-01", "2014-1"])


def test_complete_periods_makes_gaps_explicit() -> None:
    c = pd.DataFrame(
        {
            "period": ["2015-01", "2015-03", "2015-02"],
            "region": ["eu", "eu", "us"],
            "successes": [2, 1, 5],
            "n": [40, 10, 50],
        }
    )
    t = shares_from_counts(c, by=["region"], population="pm", measure="tech")
    out = complete_periods(t, "2015-01", "2015-04", "month", partial=["2015-03"])
    assert len(out) == 8  # 2 regions x 4 months
    eu = out[out["region"] == "eu"]
    assert eu["period"].tolist() == ["2015-01", "2015-02", "2015-03", "2015-04"]
    assert eu["n"].tolist() == [40, 0, 10, 0]
    assert eu["status"].tolist() == ["observed", "no data", "partial", "no data"]
    assert eu["share"].isna().tolist() == [False, True, False, True]
    assert eu["small_cell"].tolist() == [False, True, True, True]
    assert out["successes"].sum() == c["successes"].sum()  # nothing invented
    with pytest.raises(ValueError, match="outside 2015-02..2015-04"):
        complete_periods(t, "2015-02", "2015-04")


def test_complete_periods_quarterly_partial_month() -> None:
    c = pd.DataFrame({"period": ["2015Q1", "2015Q3"], "successes": [1, 2], "n": [10, 20]})
    t = shares_from_counts(c, population="pm", measure="tech")
    out = complete_periods(t, "2015Q1", "2015Q4", "quarter", partial=["2015-08"])
    assert out["status"].tolist() == ["observed", "no data", "partial", "no data"]


# ----------------------------------------------------------------------------- Rogan-Gladen
@pytest.mark.parametrize(
    ("x", "n", "se", "sp", "expected", "clipped"),
    [
        # epiR::epi.prev documentation examples (Stevenson et al.), true prevalence per 100:
        (23, 150, 0.96, 0.89, 0.051, False),  # brucellosis: 5.1
        (12, 189, 0.65, 0.95, 0.0225, False),  # herd 2: 2.25
        (7, 124, 0.70, 0.99, 0.0673, False),  # herd 3: 6.73
        (8, 210, 0.60, 0.90, 0.0, True),  # herd 1: 0.00 (raw estimate negative)
        (6, 151, 0.964, 0.927, 0.0, True),  # Moujaber et al. (2008) H. pylori, ages 1-4: 0
    ],
)
def test_rogan_gladen_published_examples(x, n, se, sp, expected, clipped) -> None:
    r = rogan_gladen(x / n, se, sp)
    assert r.estimate == pytest.approx(expected, abs=6e-4)
    assert r.clipped is clipped
    assert (r.unclipped < 0) is clipped
    assert ("clipped to 0" in r.note) is clipped


def test_rogan_gladen_clips_above_one_and_rejects_useless_classifier() -> None:
    r = rogan_gladen(0.95, 0.90, 0.99)
    assert r.estimate == 1.0 and r.unclipped > 1 and "clipped to 1" in r.note
    with pytest.raises(ValueError, match="no better than chance"):
        rogan_gladen(0.3, 0.5, 0.5)
    with pytest.raises(ValueError, match="p_obs must be in"):
        rogan_gladen(1.2, 0.9, 0.9)


def test_delta_variance_against_hand_computation() -> None:
    # p = 120/400 = 0.3, Se = 45/50 = 0.9, Sp = 95/100 = 0.95, J = 0.85
    # pi = (0.3 + 0.95 - 1) / 0.85 = 0.25 / 0.85 = 0.294117647
    # Var = [0.3*0.7/400 + pi^2 * 0.9*0.1/50 + (1-pi)^2 * 0.95*0.05/100] / 0.85^2
    #     = [0.000525 + 0.0865052 * 0.0018 + 0.4982699 * 0.000475] / 0.7225
    #     = [0.000525 + 0.00015571 + 0.00023668] / 0.7225 = 0.00091739 / 0.7225 = 0.00126974
    v = rogan_gladen_variance(0.3, 400, 0.9, 50, 0.95, 100)
    assert v == pytest.approx(0.00126974, rel=1e-5)
    r = corrected_share(120, 400, 45, 50, 95, 100, method="delta")
    assert r.estimate == pytest.approx(0.25 / 0.85)
    assert r.se == pytest.approx(math.sqrt(0.00126974), rel=1e-5)
    assert r.ci_low == pytest.approx(0.25 / 0.85 - Z * math.sqrt(0.00126974), rel=1e-5)
    assert r.ci_high == pytest.approx(0.25 / 0.85 + Z * math.sqrt(0.00126974), rel=1e-5)
    assert "delta-method" in r.correction and "45/50" in r.correction


def test_delta_variance_with_known_rates_reduces_to_scaled_binomial() -> None:
    # Huge validation samples: only the sampling term p(1-p)/n / J^2 remains.
    v = rogan_gladen_variance(0.3, 400, 0.9, 10**12, 0.95, 10**12)
    assert v == pytest.approx(0.3 * 0.7 / 400 / 0.85**2, rel=1e-6)


def test_bootstrap_is_reproducible_and_close_to_delta_in_large_samples() -> None:
    a = corrected_share(300, 1000, 450, 500, 950, 1000, method="bootstrap", n_boot=4000)
    b = corrected_share(300, 1000, 450, 500, 950, 1000, method="bootstrap", n_boot=4000)
    c = corrected_share(300, 1000, 450, 500, 950, 1000, method="bootstrap", n_boot=4000, seed=7)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    d = corrected_share(300, 1000, 450, 500, 950, 1000, method="delta")
    assert a.se == pytest.approx(d.se, rel=0.1)
    assert a.ci_low < a.estimate < a.ci_high
    assert "parametric bootstrap" in a.correction and "4000 draws" in a.correction


def test_classifier_uncertainty_widens_the_interval() -> None:
    small = corrected_share(300, 1000, 45, 50, 95, 100, method="bootstrap")
    large = corrected_share(300, 1000, 4500, 5000, 9500, 10000, method="bootstrap")
    assert (small.ci_high - small.ci_low) > 1.3 * (large.ci_high - large.ci_low)


def test_boundary_rates_and_empty_cells_are_reported() -> None:
    r = corrected_share(30, 100, 50, 50, 90, 100)
    assert "sensitivity estimated as 50/50" in r.correction
    assert "observed 0/80: its sampling uncertainty is not represented" in corrected_share(0, 80, 45, 50, 95, 100).correction
    e = corrected_share(0, 0, 45, 50, 95, 100)
    assert math.isnan(e.estimate) and e.correction == "no data"
    low = corrected_share(2, 100, 45, 50, 90, 100)  # observed 2% < false-positive rate 10%
    assert low.estimate == 0.0 and low.clipped and "clipped to 0" in low.correction
    with pytest.raises(ValueError, match="sens_tp <= sens_n"):
        corrected_share(1, 10, 60, 50, 90, 100)


@pytest.mark.parametrize("method", ["bootstrap", "delta"])
def test_corrected_interval_coverage_simulation(method: str) -> None:
    """Sample AND validation counts are redrawn each replication; coverage near 95%."""
    rng = np.random.default_rng(12345)
    pi, se, sp = 0.30, 0.85, 0.92
    n, n_se, n_sp = 800, 150, 250
    p_obs = pi * se + (1 - pi) * (1 - sp)
    reps, hits = 200, 0
    for _ in range(reps):
        x = int(rng.binomial(n, p_obs))
        tp = int(rng.binomial(n_se, se))
        tn = int(rng.binomial(n_sp, sp))
        r = corrected_share(x, n, tp, n_se, tn, n_sp, method=method, n_boot=1000, seed=int(rng.integers(1 << 30)))
        hits += r.ci_low <= pi <= r.ci_high
    assert 0.90 <= hits / reps <= 0.99


def test_ignoring_classifier_uncertainty_undercovers() -> None:
    """The same simulation with an interval that treats Se/Sp as known covers clearly less."""
    rng = np.random.default_rng(99)
    pi, se, sp = 0.30, 0.80, 0.90
    n, n_se, n_sp = 2000, 60, 80
    p_obs = pi * se + (1 - pi) * (1 - sp)
    reps, full, naive = 200, 0, 0
    for _ in range(reps):
        x, tp, tn = int(rng.binomial(n, p_obs)), int(rng.binomial(n_se, se)), int(rng.binomial(n_sp, sp))
        r = corrected_share(x, n, tp, n_se, tn, n_sp, method="delta")
        full += r.ci_low <= pi <= r.ci_high
        known = corrected_share(x, n, tp * 10**6, n_se * 10**6, tn * 10**6, n_sp * 10**6, method="delta")
        naive += known.ci_low <= pi <= known.ci_high
    assert full / reps >= 0.90
    assert naive / reps < full / reps - 0.15


# ----------------------------------------------------------------------------- add_corrected
def test_add_corrected_single_rates_and_empty_row() -> None:
    c = pd.DataFrame({"period": ["2015-01", "2015-02"], "successes": [120, 0], "n": [400, 0]})
    t = shares_from_counts(c, population="pm", measure="tech")
    before = t.copy()
    out = add_corrected(t, ClassifierRates(45, 50, 95, 100), method="delta")
    pd.testing.assert_frame_equal(t, before)
    assert out["share_corrected"].iloc[0] == pytest.approx(0.25 / 0.85)
    assert out["ci_low_corrected"].iloc[0] == pytest.approx(0.25 / 0.85 - Z * math.sqrt(0.00126974), rel=1e-5)
    assert out["share_corrected"].isna().iloc[1] and out["correction"].iloc[1] == "no data"
    assert str(out["share_corrected"].dtype) == "Float64"
    SHARES.validate(out)


def test_add_corrected_rates_per_measure() -> None:
    c = pd.DataFrame(
        {"period": ["2015-01"] * 2, "measure": ["tech", "data"], "successes": [120, 120], "n": [400, 400]}
    )
    t = shares_from_counts(c, population="pm")
    rates = pd.DataFrame(
        {"measure": ["tech", "data"], "sens_tp": [45, 40], "sens_n": [50, 50], "spec_tn": [95, 90], "spec_n": [100, 100]}
    )
    out = add_corrected(t, rates, method="delta").set_index("measure")
    assert out.loc["tech", "share_corrected"] == pytest.approx(rogan_gladen(0.3, 0.9, 0.95).estimate)
    assert out.loc["data", "share_corrected"] == pytest.approx(rogan_gladen(0.3, 0.8, 0.9).estimate)
    with pytest.raises(ValueError, match="no rates for 1 row"):
        add_corrected(t, rates.iloc[:1], method="delta")


def test_complete_periods_after_correction_marks_no_data() -> None:
    c = pd.DataFrame({"period": ["2015-01", "2015-03"], "successes": [120, 100], "n": [400, 400]})
    t = add_corrected(shares_from_counts(c, population="pm", measure="tech"), ClassifierRates(45, 50, 95, 100), method="delta")
    out = complete_periods(t, "2015-01", "2015-03")
    assert out["correction"].iloc[1] == "no data"
    assert out["share_corrected"].isna().tolist() == [False, True, False]


def test_wilson_bounds_are_exact_at_zero_and_n():
    from trendlab.measure.shares import wilson_interval

    lo, hi = wilson_interval([0, 3, 10], [10, 10, 10])
    assert lo[0] == 0.0 and hi[2] == 1.0
    assert (lo <= np.array([0, 0.3, 1.0])).all() and (hi >= np.array([0, 0.3, 1.0])).all()
