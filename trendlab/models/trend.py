"""Is the share changing? A binomial GLM on grouped counts, and an OLS/HAC cross-check.

:func:`fit_trend` fits ``logit(share_t) = b0 + b1 * years_t (+ month-of-year terms)`` to
``[successes, failures]`` per period (McCullagh & Nelder 1989, ch. 4), with
overdispersion handled either by a quasi-likelihood scale (Pearson chi-square / df, the
``"X2"`` option) or by a sandwich covariance (``"HC0"``). It reports the odds ratio per
year and the change per year in percentage points at the series mean (a marginal effect
with a delta-method interval).

:func:`fit_trend_ols_hac` regresses the share itself on time with Newey-West (1987)
heteroskedasticity- and autocorrelation-consistent errors, a model-light cross-check.

Both take a counts frame (one row per period: a period label, ``successes``, ``n``) and skip
periods with ``n == 0``, saying how many. Time is in years since the first period used.

References
----------
McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall.
Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and
autocorrelation consistent covariance matrix. Econometrica 55, 703-708.
Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix estimation.
Review of Economic Studies 61, 631-653.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from trendlab.measure.shares import period_freq, period_ordinal
from trendlab.models.results import NAN, HacTrendResult, TrendResult

OVERDISPERSION = ("X2", "HC0", None)
_STEPS = {"month": 12, "quarter": 4, "year": 1}


@dataclass(frozen=True)
class Prepared:
    """A validated counts series: the periods used (sorted) and what was skipped."""

    frame: pd.DataFrame  # period, y, n, years, moy (month of year, 0 unless monthly)
    freq: str
    n_skipped_empty: int


def prepare_counts(
    counts: pd.DataFrame,
    *,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    caller: str = "prepare_counts",
) -> Prepared:
    """Validate a counts series and drop (but count) the periods with ``n == 0``.

    One row per period is required (filter to a single population and measure first);
    counts must be whole numbers with ``0 <= successes <= n``. ``years`` is the time since
    the first period used.

    Examples
    --------
    >>> c = pd.DataFrame({"month": ["2014-01", "2014-02", "2014-04"], "successes": [1, 0, 3], "n": [5, 0, 9]})
    >>> p = prepare_counts(c)
    >>> p.frame["years"].round(4).tolist(), p.n_skipped_empty
    ([0.0, 0.25], 1)
    """
    missing = [c for c in (time, successes, n) if c not in counts.columns]
    if missing:
        raise KeyError(f"{caller}: column(s) {missing} not in counts (has {list(counts.columns)})")
    if counts.empty:
        raise ValueError(f"{caller}: counts frame is empty")
    raw = counts[time]
    if raw.isna().any():
        raise ValueError(f"{caller}: column {time!r} has missing period labels")
    labels = np.asarray(raw.astype(str), dtype=object)
    freq = period_freq(labels)
    ordn = period_ordinal(labels, freq)
    uniq, cnt = np.unique(ordn, return_counts=True)
    if (cnt > 1).any():
        raise ValueError(
            f"{caller}: period {labels[ordn == uniq[cnt > 1][0]][0]!r} appears more than once; one row "
            "per period is expected (filter to one population and measure first)"
        )
    arrays = {}
    for name in (successes, n):
        v = pd.to_numeric(counts[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = np.isnan(v) | (v < 0) | (v != np.floor(v))
        if bad.any():
            k = int(bad.nonzero()[0][0])
            raise ValueError(
                f"{caller}: column {name!r} must hold whole numbers >= 0 "
                f"(first bad value {counts[name].iloc[k]!r} at period {labels[k]!r})"
            )
        arrays[name] = v.astype(np.int64)
    x, m = arrays[successes], arrays[n]
    if (x > m).any():
        raise ValueError(f"{caller}: successes > n at period {labels[(x > m).nonzero()[0][0]]!r}")
    order = np.argsort(ordn, kind="stable")
    keep = m[order] > 0
    idx = order[keep]
    if idx.size == 0:
        raise ValueError(f"{caller}: every period has n == 0; nothing to model")
    o = ordn[idx]
    frame = pd.DataFrame(
        {
            "period": labels[idx].astype(str),
            "y": x[idx],
            "n": m[idx],
            "years": (o - o[0]) / _STEPS[freq],
            "moy": (o % 12 + 1) if freq == "month" else np.zeros(idx.size, dtype=np.int64),
        }
    )
    return Prepared(frame=frame, freq=freq, n_skipped_empty=int((~keep).sum()))


def design(frame: pd.DataFrame, *, seasonal: bool = False, freq: str = "month") -> pd.DataFrame:
    """Design matrix: ``const``, ``years`` and, if ``seasonal``, month-of-year dummies.

    Dummies use the first month of year present as reference; months never observed get no
    column.

    Examples
    --------
    >>> f = pd.DataFrame({"years": [0.0, 1 / 12], "moy": [1, 2]})
    >>> list(design(f, seasonal=True).columns)
    ['const', 'years', 'moy_2']
    """
    X = pd.DataFrame({"const": 1.0, "years": frame["years"].to_numpy(float)}, index=frame.index)
    if seasonal:
        if freq != "month":
            raise ValueError(f"month-of-year terms need monthly periods, got freq={freq!r}")
        months = sorted(frame["moy"].unique())
        for mo in months[1:]:
            X[f"moy_{mo}"] = (frame["moy"] == mo).astype(float)
    return X


def fit_glm(frame: pd.DataFrame, X: pd.DataFrame, overdispersion: str | None):
    """Binomial GLM of ``[y, n - y]`` on ``X`` with the chosen overdispersion handling."""
    if overdispersion not in OVERDISPERSION:
        raise ValueError(f"overdispersion must be one of {OVERDISPERSION}, got {overdispersion!r}")
    n = frame["n"].to_numpy(float)
    # Share as endog with n as variance weights: the same likelihood as [successes, failures],
    # but statsmodels 0.15 computes scale="X2" on the proportion scale for two-column endog
    # (about 1/mean(n) of the true Pearson dispersion), which would shrink every interval.
    model = sm.GLM(frame["y"].to_numpy(float) / n, X, family=sm.families.Binomial(), var_weights=n)
    if overdispersion == "X2":
        # t reference: the scale is estimated from the same residual df.
        return model.fit(scale="X2", use_t=True)
    if overdispersion == "HC0":
        return model.fit(cov_type="HC0")
    return model.fit()


def overdispersion_text(overdispersion: str | None) -> str:
    return {
        "X2": "quasi-binomial scale = Pearson chi2/df, t reference",
        "HC0": "sandwich (HC0) covariance, normal reference",
        None: "binomial variance (scale fixed at 1), normal reference",
    }[overdispersion]


def crit(res, alpha: float) -> float:
    """Two-sided critical value matching the fitted result's reference distribution."""
    if getattr(res, "use_t", False):
        return float(stats.t.ppf(1 - alpha / 2, res.df_resid))
    return float(stats.norm.ppf(1 - alpha / 2))


def wald_joint(res, names: list[str]) -> float:
    """p-value of the joint Wald test that the coefficients ``names`` are all zero.

    F test (``W / q`` on ``q`` and residual df) when the result uses a t reference, else chi-square.
    """
    if not names:
        return NAN
    b = res.params[names].to_numpy()
    V = res.cov_params().loc[names, names].to_numpy()
    w = float(b @ np.linalg.solve(V, b))
    q = len(names)
    if getattr(res, "use_t", False):
        return float(stats.f.sf(w / q, q, res.df_resid))
    return float(stats.chi2.sf(w, q))


def pearson_dispersion(res) -> float:
    return float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else NAN


def _expit(v: float) -> float:
    # scipy's expit saturates at 0 and 1 instead of overflowing under separation
    return float(special.expit(v))


def fit_trend(
    counts: pd.DataFrame,
    *,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    seasonal: bool = False,
    overdispersion: str | None = "X2",
    alpha: float = 0.05,
) -> TrendResult:
    """Binomial GLM trend on grouped counts: odds ratio and pp change per year.

    Model: ``logit(p_t) = b0 + b1 * years_t (+ month-of-year dummies)``, fitted by IRLS to
    ``[successes, n - successes]`` per period (``statsmodels.api.GLM``, Binomial family).

    The headline ``estimate`` is the marginal effect of time in percentage points per year,
    evaluated at the n-weighted mean of the design (so at the series' typical share, with
    month-of-year terms at their average)::

        ME = 100 * b1 * p_bar * (1 - p_bar),   p_bar = expit(x_bar' b)

    and its interval comes from the delta method with the fitted covariance. The odds ratio
    per year is ``exp(b1)`` with the interval ``exp(b1 +- c * se)``.

    Parameters
    ----------
    counts : DataFrame
        One row per period: ``time`` label (``YYYY-MM``, ``YYYYQn`` or ``YYYY``), ``successes``,
        ``n``. Periods with ``n == 0`` are skipped and counted.
    seasonal : bool
        Add month-of-year dummies (monthly periods only).
    overdispersion : {"X2", "HC0", None}
        ``"X2"``: quasi-binomial -- the covariance is scaled by Pearson chi2 / df and tests use
        a t reference (McCullagh & Nelder 1989, sec. 4.5). ``"HC0"``: sandwich covariance.
        ``None``: plain binomial variance (only when there is no extra-binomial variation).
    alpha : float
        1 - confidence level.

    Returns
    -------
    TrendResult

    Examples
    --------
    >>> c = pd.DataFrame({"month": ["2014-01", "2014-07", "2015-01", "2015-07"],
    ...                   "successes": [20, 25, 30, 35], "n": [100, 100, 100, 100]})
    >>> r = fit_trend(c)
    >>> round(r.estimate, 1), r.n_periods
    (10.0, 4)
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="fit_trend")
    f = prep.frame
    X = design(f, seasonal=seasonal, freq=prep.freq)
    # The quasi-binomial scale needs at least one residual degree of freedom.
    need = X.shape[1] + (1 if overdispersion == "X2" else 0)
    if len(f) < need:
        raise ValueError(f"fit_trend: {len(f)} non-empty periods for {X.shape[1]} parameters; need at least {need}")
    res = fit_glm(f, X, overdispersion)
    c = crit(res, alpha)
    b1 = float(res.params["years"])
    se1 = float(res.bse["years"])
    V = res.cov_params().to_numpy()
    xbar = np.average(X.to_numpy(), axis=0, weights=f["n"].to_numpy(float))
    pbar = _expit(float(xbar @ res.params.to_numpy()))
    g = pbar * (1 - pbar)
    me = b1 * g
    # d ME / d beta = b1 * g * (1 - 2 pbar) * xbar, plus g on the slope itself.
    grad = b1 * g * (1 - 2 * pbar) * xbar
    grad[X.columns.get_loc("years")] += g
    me_se = float(np.sqrt(grad @ V @ grad))
    moy_cols = [col for col in X.columns if col.startswith("moy_")]
    method = (
        f"binomial GLM (logit) of [successes, failures] on years since {f['period'].iloc[0]}"
        + (" + month-of-year dummies" if seasonal else "")
        + f"; {overdispersion_text(overdispersion)}; change per year = marginal effect at the "
        f"n-weighted mean of the design, delta-method {100 * (1 - alpha):g}% interval; "
        f"{prep.n_skipped_empty} period(s) with n = 0 skipped"
    )
    return TrendResult(
        estimate=100 * me,
        ci_low=100 * (me - c * me_se),
        ci_high=100 * (me + c * me_se),
        p_value=float(res.pvalues["years"]),
        method=method,
        result=res,
        odds_ratio=math.exp(b1),
        or_ci_low=math.exp(b1 - c * se1),
        or_ci_high=math.exp(b1 + c * se1),
        slope_logit=b1,
        slope_se=se1,
        share_at_mean=pbar,
        pooled_share=float(f["y"].sum() / f["n"].sum()),
        dispersion=pearson_dispersion(res),
        seasonal_p_value=wald_joint(res, moy_cols) if seasonal else NAN,
        n_periods=len(f),
        n_skipped_empty=prep.n_skipped_empty,
        start=str(f["period"].iloc[0]),
        end=str(f["period"].iloc[-1]),
    )


def newey_west_maxlags(nobs: int) -> int:
    """Newey-West (1994) rule of thumb: ``floor(4 * (T / 100) ** (2 / 9))``.

    Examples
    --------
    >>> newey_west_maxlags(120)
    4
    """
    return int(math.floor(4 * (nobs / 100) ** (2 / 9)))


def fit_trend_ols_hac(
    counts: pd.DataFrame,
    *,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    maxlags: int | None = None,
    alpha: float = 0.05,
) -> HacTrendResult:
    """OLS of the period share on years with Newey-West (HAC) standard errors.

    A cross-check on :func:`fit_trend` that assumes no model for the variance: each period
    counts equally (unweighted), errors may be heteroskedastic and autocorrelated up to
    ``maxlags`` periods (Bartlett kernel, small-sample correction). Lags are positions in the
    series of non-empty periods, so skipped periods shorten the lag window in calendar time.

    Parameters
    ----------
    maxlags : int, optional
        Defaults to the Newey-West (1994) rule :func:`newey_west_maxlags`.

    Examples
    --------
    >>> c = pd.DataFrame({"month": [f"2014-{m:02d}" for m in range(1, 13)],
    ...                   "successes": [10 + m for m in range(12)], "n": [100] * 12})
    >>> r = fit_trend_ols_hac(c)
    >>> round(r.estimate, 2), r.maxlags
    (12.0, 2)
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="fit_trend_ols_hac")
    f = prep.frame
    if len(f) < 3:
        raise ValueError(f"fit_trend_ols_hac: {len(f)} non-empty periods; need at least 3")
    rule = maxlags is None
    L = newey_west_maxlags(len(f)) if rule else int(maxlags)
    share = f["y"] / f["n"]
    X = design(f)
    res = sm.OLS(share.to_numpy(float), X).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})
    lo, hi = res.conf_int(alpha=alpha).loc["years"]
    lag_txt = f"maxlags = {L}" + (" (Newey-West 1994 rule floor(4(T/100)^(2/9)))" if rule else " (given)")
    method = (
        f"OLS of the share on years since {f['period'].iloc[0]} (unweighted), Newey-West HAC "
        f"errors, Bartlett kernel, {lag_txt}, normal reference; "
        f"{prep.n_skipped_empty} period(s) with n = 0 skipped"
    )
    return HacTrendResult(
        estimate=100 * float(res.params["years"]),
        ci_low=100 * float(lo),
        ci_high=100 * float(hi),
        p_value=float(res.pvalues["years"]),
        method=method,
        result=res,
        maxlags=L,
        n_periods=len(f),
        n_skipped_empty=prep.n_skipped_empty,
        start=str(f["period"].iloc[0]),
        end=str(f["period"].iloc[-1]),
    )
