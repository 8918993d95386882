"""Two windows compared: is the share in window B different from window A?

:func:`compare_proportions` is the textbook comparison of two independent proportions: the
difference with the Newcombe (1998, method 10) hybrid score interval built from the two
Wilson intervals (``statsmodels.stats.proportion.confint_proportions_2indep(...,
method="newcomb")``), and the pooled two-proportion z test
(``statsmodels.stats.proportion.proportions_ztest``).

:func:`compare_windows` pools the periods of each window and reports that comparison, and
also the binomial GLM with a window term on the per-period counts: the odds ratio B vs A and
the difference in percentage points (delta-method interval). With ``overdispersion="X2"``
the GLM interval widens when the share varies from period to period more than binomial
sampling explains -- which pooled counts cannot see -- so the GLM is the honest headline
when the dispersion is well above 1.

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between independent
proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from trendlab.measure.shares import period_freq, period_ordinal
from trendlab.models.results import NAN, TwoProportionResult, WindowComparison
from trendlab.models.trend import (
    crit,
    fit_glm,
    overdispersion_text,
    pearson_dispersion,
    prepare_counts,
)

_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
_RANK = {"month": 0, "quarter": 1, "year": 2}


def compare_proportions(
    successes1: int, n1: int, successes2: int, n2: int, *, alpha: float = 0.05
) -> TwoProportionResult:
    """Difference of two independent proportions (``share1 - share2``) in percentage points.

    Newcombe (1998) hybrid score interval and the pooled two-proportion z test.

    Examples
    --------
    >>> r = compare_proportions(56, 70, 48, 80)      # Newcombe (1998), Table II, example (a)
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (20.0, 5.24, 33.39)
    """
    for name, x, m in (("1", successes1, n1), ("2", successes2, n2)):
        if int(x) != x or int(m) != m or not 0 <= x <= m or m < 1:
            raise ValueError(f"compare_proportions: need whole numbers 0 <= successes{name} <= n{name}, n{name} >= 1; got {x}, {m}")
    p1, p2 = successes1 / n1, successes2 / n2
    lo, hi = confint_proportions_2indep(successes1, n1, successes2, n2, method="newcomb", compare="diff", alpha=alpha)
    pooled = (successes1 + successes2) / (n1 + n2)
    if pooled in (0.0, 1.0):  # no variation at all: the z statistic is undefined
        z, p = NAN, 1.0
    else:
        z, p = proportions_ztest([successes1, successes2], [n1, n2])
    method = (
        f"difference of proportions; Newcombe (1998) hybrid score {100 * (1 - alpha):g}% interval; "
        "pooled two-proportion z test"
    )
    return TwoProportionResult(
        estimate=100 * (p1 - p2),
        ci_low=100 * float(lo),
        ci_high=100 * float(hi),
        p_value=float(p),
        method=method,
        successes1=int(successes1),
        n1=int(n1),
        share1=p1,
        successes2=int(successes2),
        n2=int(n2),
        share2=p2,
        z_statistic=float(z),
    )


def _window(spec: str | tuple[str, str], freq: str) -> tuple[int, int, str]:
    """Inclusive ordinal range, at the series frequency, of a window ``(start, end)`` or ``label``."""
    start, end = (spec, spec) if isinstance(spec, str) else spec
    out = []
    for lab, at_end in ((start, False), (end, True)):
        f = period_freq([lab])
        if _RANK[f] < _RANK[freq]:
            raise ValueError(f"window bound {lab!r} is finer than the series' {freq} periods")
        o = int(period_ordinal([lab], f)[0])
        per = _PER_YEAR[freq] // _PER_YEAR[f]  # series periods per bound period
        out.append(o * per + (per - 1 if at_end else 0))
    if out[1] < out[0]:
        raise ValueError(f"window {spec!r} ends before it starts")
    return out[0], out[1], f"{start}..{end}" if start != end else start


def compare_windows(
    counts: pd.DataFrame,
    *,
    window_a: str | tuple[str, str],
    window_b: str | tuple[str, str],
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    overdispersion: str | None = "X2",
    alpha: float = 0.05,
) -> WindowComparison:
    """Compare the share in window B with window A (B minus A).

    Parameters
    ----------
    counts : DataFrame
        One row per period: ``time``, ``successes``, ``n``. Periods in neither window are left
        out and counted; periods with ``n == 0`` are skipped and counted.
    window_a, window_b : str or (str, str)
        Inclusive ``(start, end)`` bounds, or one label; bounds may be coarser than the series
        (``("2012", "2018")`` on monthly data means 2012-01..2018-12). Windows must not overlap.
    overdispersion : {"X2", "HC0", None}
        Variance handling of the GLM (see :func:`trendlab.models.trend.fit_trend`).
    alpha : float
        1 - confidence level.

    Returns
    -------
    WindowComparison

    Examples
    --------
    >>> c = pd.DataFrame({"month": ["2014-01", "2014-02", "2020-01", "2020-02"],
    ...                   "successes": [20, 22, 40, 38], "n": [100, 100, 100, 100]})
    >>> r = compare_windows(c, window_a="2014", window_b="2020")
    >>> round(r.estimate, 1), round(r.glm_diff, 1), round(r.odds_ratio, 2)
    (18.0, 18.0, 2.41)
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="compare_windows")
    f = prep.frame
    a0, a1, a_txt = _window(window_a, prep.freq)
    b0, b1, b_txt = _window(window_b, prep.freq)
    if a0 <= b1 and b0 <= a1:
        raise ValueError(f"compare_windows: windows {a_txt} and {b_txt} overlap")
    o = period_ordinal(f["period"].tolist(), prep.freq)
    in_a, in_b = (o >= a0) & (o <= a1), (o >= b0) & (o <= b1)
    for txt, mask in ((a_txt, in_a), (b_txt, in_b)):
        if not mask.any():
            raise ValueError(f"compare_windows: no period with n > 0 in window {txt}")
    # Account for every input row: outside both windows, or empty inside one.
    all_o = period_ordinal(counts[time].astype(str).tolist(), prep.freq)
    inside = ((all_o >= a0) & (all_o <= a1)) | ((all_o >= b0) & (all_o <= b1))
    n_outside = int((~inside).sum())
    n_empty_inside = int(((pd.to_numeric(counts[n]) == 0).to_numpy() & inside).sum())
    g = f[in_a | in_b].reset_index(drop=True)
    is_b = in_b[in_a | in_b].astype(float)
    xa, na = int(f.loc[in_a, "y"].sum()), int(f.loc[in_a, "n"].sum())
    xb, nb = int(f.loc[in_b, "y"].sum()), int(f.loc[in_b, "n"].sum())
    pooled = compare_proportions(xb, nb, xa, na, alpha=alpha)
    X = pd.DataFrame({"const": 1.0, "window_b": is_b})
    if overdispersion == "X2" and len(g) <= 2:
        raise ValueError(
            f"compare_windows: {len(g)} non-empty period(s) leave no residual df to estimate the "
            "overdispersion scale; use overdispersion=None or 'HC0'"
        )
    res = fit_glm(g, X, overdispersion)
    c = crit(res, alpha)
    beta, V = res.params.to_numpy(), res.cov_params().to_numpy()
    pa_, pb_ = 1 / (1 + math.exp(-beta[0])), 1 / (1 + math.exp(-beta.sum()))
    grad = np.array([pb_ * (1 - pb_) - pa_ * (1 - pa_), pb_ * (1 - pb_)])
    d, d_se = pb_ - pa_, float(np.sqrt(grad @ V @ grad))
    b, se = float(res.params["window_b"]), float(res.bse["window_b"])
    method = (
        f"window B ({b_txt}) minus window A ({a_txt}). Pooled: {pooled.method}. GLM: binomial "
        f"(logit) on per-period counts with a window term, {overdispersion_text(overdispersion)}, "
        f"difference in pp by the delta method; {n_outside} period(s) outside both windows left "
        f"out; {n_empty_inside} period(s) with n = 0 inside the windows skipped"
    )
    return WindowComparison(
        estimate=pooled.estimate,
        ci_low=pooled.ci_low,
        ci_high=pooled.ci_high,
        p_value=pooled.p_value,
        method=method,
        result=res,
        window_a=a_txt,
        window_b=b_txt,
        successes_a=xa,
        n_a=na,
        share_a=xa / na,
        successes_b=xb,
        n_b=nb,
        share_b=xb / nb,
        z_statistic=pooled.z_statistic,
        glm_diff=100 * d,
        glm_diff_ci_low=100 * (d - c * d_se),
        glm_diff_ci_high=100 * (d + c * d_se),
        odds_ratio=math.exp(b),
        or_ci_low=math.exp(b - c * se),
        or_ci_high=math.exp(b + c * se),
        glm_p_value=float(res.pvalues["window_b"]),
        dispersion=pearson_dispersion(res),
        n_periods_a=int(in_a.sum()),
        n_periods_b=int(in_b.sum()),
        n_periods_outside=n_outside,
        n_skipped_empty=n_empty_inside,
    )
