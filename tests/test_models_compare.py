"""Window comparisons: Newcombe (1998) published intervals, hand-computed z test, GLM by simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trendlab.models import compare_proportions, compare_windows

Z = 1.959963984540054


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lo", "hi"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
    ],
)
def test_newcombe_interval_matches_published_values(x1, n1, x2, n2, lo, hi) -> None:
    r = compare_proportions(x1, n1, x2, n2)
    assert r.estimate == pytest.approx(100 * (x1 / n1 - x2 / n2))
    assert r.ci_low == pytest.approx(100 * lo, abs=0.006)
    assert r.ci_high == pytest.approx(100 * hi, abs=0.006)


def test_two_proportion_z_test_by_hand() -> None:
    # Pooled p = 104/150; se = sqrt(p(1-p)(1/70 + 1/80)); z = (0.8 - 0.6) / se.
    p = 104 / 150
    se = math.sqrt(p * (1 - p) * (1 / 70 + 1 / 80))
    z = 0.2 / se
    r = compare_proportions(56, 70, 48, 80)
    assert r.z_statistic == pytest.approx(z, rel=1e-10)
    assert r.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-8)
    assert (r.share1, r.share2) == (0.8, 0.6)


def test_no_variation_gives_p_one_not_an_error() -> None:
    r = compare_proportions(0, 20, 0, 30)
    assert r.estimate == 0 and r.p_value == 1.0 and math.isnan(r.z_statistic)
    assert r.ci_low < 0 < r.ci_high
    with pytest.raises(ValueError, match="successes1 <= n1"):
        compare_proportions(5, 4, 1, 10)


MONTHS_A = [f"{y}-{m:02d}" for y in range(2012, 2019) for m in range(1, 13)]  # 84 months
MONTHS_B = [f"2026-{m:02d}" for m in range(1, 7)]
GAP = ["2020-01", "2021-06"]  # in neither window


def frame(ya, na, yb, nb, gap=(0, 0)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": MONTHS_A + GAP + MONTHS_B,
            "successes": np.concatenate([ya, [gap[0], gap[0]], yb]),
            "n": np.concatenate([na, [gap[1], gap[1]], nb]),
        }
    )


def test_windows_pool_counts_and_account_for_every_row() -> None:
    rng = np.random.default_rng(1)
    na, nb = rng.integers(80, 160, 84), rng.integers(80, 160, 6)
    na[3] = 0
    ya, yb = rng.binomial(na, 0.25), rng.binomial(nb, 0.35)
    c = frame(ya, na, yb, nb, gap=(5, 20))
    r = compare_windows(c, window_a=("2012", "2018"), window_b="2026")
    assert (r.successes_a, r.n_a) == (ya.sum(), na.sum())
    assert (r.successes_b, r.n_b) == (yb.sum(), nb.sum())
    assert (r.n_periods_a, r.n_periods_b, r.n_periods_outside, r.n_skipped_empty) == (83, 6, 2, 1)
    assert r.n_periods_a + r.n_periods_b + r.n_periods_outside + r.n_skipped_empty == len(c)
    pooled = compare_proportions(yb.sum(), nb.sum(), ya.sum(), na.sum())
    assert (r.estimate, r.ci_low, r.ci_high, r.p_value) == (pooled.estimate, pooled.ci_low, pooled.ci_high, pooled.p_value)
    assert r.window_a == "2012..2018" and r.window_b == "2026"
    # The window model is saturated on the window: fitted shares are the pooled shares.
    assert r.glm_diff == pytest.approx(r.estimate, rel=1e-8)
    odds = (r.share_b / (1 - r.share_b)) / (r.share_a / (1 - r.share_a))
    assert r.odds_ratio == pytest.approx(odds, rel=1e-8)
    # Month-granular bounds select the same periods as year bounds.
    same = compare_windows(c, window_a=("2012-01", "2018-12"), window_b=("2026-01", "2026-06"))
    assert same.n_a == r.n_a and same.n_b == r.n_b


def test_glm_without_overdispersion_reproduces_woolf() -> None:
    rng = np.random.default_rng(2)
    na, nb = rng.integers(80, 160, 84), rng.integers(80, 160, 6)
    ya, yb = rng.binomial(na, 0.25), rng.binomial(nb, 0.35)
    r = compare_windows(frame(ya, na, yb, nb), window_a=("2012", "2018"), window_b="2026", overdispersion=None)
    a, b, c, d = yb.sum(), nb.sum() - yb.sum(), ya.sum(), na.sum() - ya.sum()
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)  # Woolf (1955)
    assert r.or_ci_low == pytest.approx(r.odds_ratio * math.exp(-Z * se), rel=1e-6)
    assert r.or_ci_high == pytest.approx(r.odds_ratio * math.exp(Z * se), rel=1e-6)


def test_overdispersed_months_need_the_glm_interval() -> None:
    """Beta-binomial months: pooled Newcombe undercovers; the quasi-binomial GLM keeps ~95%."""
    rng = np.random.default_rng(6)
    na, nb = rng.integers(80, 160, 84), rng.integers(80, 160, 6)
    pa, pb, rho = 0.25, 0.32, 0.02
    reps, newcombe, glm = 150, 0, 0
    for _ in range(reps):
        qa = rng.beta(pa * (1 - rho) / rho, (1 - pa) * (1 - rho) / rho, 84)
        qb = rng.beta(pb * (1 - rho) / rho, (1 - pb) * (1 - rho) / rho, 6)
        r = compare_windows(frame(rng.binomial(na, qa), na, rng.binomial(nb, qb), nb), window_a=("2012", "2018"), window_b="2026")
        newcombe += r.ci_low <= 100 * (pb - pa) <= r.ci_high
        glm += r.glm_diff_ci_low <= 100 * (pb - pa) <= r.glm_diff_ci_high
    assert 0.90 <= glm / reps <= 0.99
    assert newcombe / reps < 0.85
    assert r.dispersion > 1.5


def test_window_errors_are_named() -> None:
    rng = np.random.default_rng(3)
    na, nb = rng.integers(80, 160, 84), rng.integers(80, 160, 6)
    c = frame(rng.binomial(na, 0.3), na, rng.binomial(nb, 0.3), nb)
    with pytest.raises(ValueError, match="overlap"):
        compare_windows(c, window_a=("2012", "2018"), window_b=("2018", "2026"))
    with pytest.raises(ValueError, match="no period with n > 0 in window 2030"):
        compare_windows(c, window_a=("2012", "2018"), window_b="2030")
    with pytest.raises(ValueError, match="ends before it starts"):
        compare_windows(c, window_a=("2018", "2012"), window_b="2026")
    q = pd.DataFrame({"q": ["2012Q1", "2012Q2", "2026Q1"], "successes": [1, 2, 3], "n": [10, 10, 10]})
    with pytest.raises(ValueError, match="finer than the series' quarter periods"):
        compare_windows(q, time="q", window_a="2012-01", window_b="2026")


def test_summary_frame_for_report_tables() -> None:
    rng = np.random.default_rng(4)
    na, nb = rng.integers(80, 160, 84), rng.integers(80, 160, 6)
    r = compare_windows(frame(rng.binomial(na, 0.25), na, rng.binomial(nb, 0.35), nb), window_a=("2012", "2018"), window_b="2026")
    s = r.summary_frame()
    assert s["quantity"].tolist() == [
        "difference (pp), Newcombe",
        "difference (pp), binomial GLM",
        "odds ratio B vs A",
    ]
    assert s.loc[2, "estimate"] == pytest.approx(r.odds_ratio)
    d = r.to_dict()
    assert d["n_a"] == na.sum() and "result" not in d
