"""Did the share's path break? A CUSUM test without a date, a Chow-type test at a date.

:func:`cusum_test` applies the OLS-CUSUM test (Ploberger & Kraemer 1992;
``statsmodels.stats.diagnostic.breaks_cusumolsresid``) to the Pearson residuals of the
binomial trend GLM of :func:`trendlab.models.trend.fit_trend`. Its asymptotic p-value
(Kolmogorov / Brownian-bridge limit) assumes regressors without a trend; with a time trend
in the model the limit is a different, stochastically smaller process and that p-value is
conservative. The reported ``p_value`` is therefore a Monte Carlo p-value under the null for
this very design: Gaussian errors projected off the weighted design
``W^(1/2) X`` (``W = n p (1 - p)`` at the fit) give the null distribution of the same
statistic. The asymptotic value is kept alongside.

:func:`chow_test` adds a break at a known period to the trend GLM -- a level shift and a
slope shift, ``post`` and ``post * (years - years_break)`` -- and tests both jointly:
a quasi-likelihood F test of the deviance drop with the Pearson scale of the larger model
(``overdispersion="X2"``), a likelihood-ratio chi-square (``None``), or a robust Wald
chi-square (``"HC0"``) (Chow 1960; McCullagh & Nelder 1989, sec. 4.5).

References
----------
Chow, G. C. (1960). Tests of equality between sets of coefficients in two linear
regressions. Econometrica 28, 591-605.
Ploberger, W. & Kraemer, W. (1992). The CUSUM test with OLS residuals. Econometrica 60,
271-285.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.diagnostic import breaks_cusumolsresid

from trendlab.measure.shares import period_freq, period_to_years
from trendlab.models.results import NAN, ChowResult, CusumResult
from trendlab.models.trend import (
    crit,
    design,
    fit_glm,
    overdispersion_text,
    pearson_dispersion,
    prepare_counts,
)

DEFAULT_SEED = 19_920_301


def _cusum_stat(resid: np.ndarray, ddof: int) -> np.ndarray:
    """The statistic of ``breaks_cusumolsresid`` for each column of ``resid`` (T x R)."""
    T = resid.shape[0]
    sigma2 = (resid**2).sum(axis=0) / (T - ddof) * T
    return np.abs(np.cumsum(resid, axis=0)).max(axis=0) / np.sqrt(sigma2)


def cusum_test(
    counts: pd.DataFrame,
    *,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    seasonal: bool = False,
    n_sim: int = 2000,
    seed: int = DEFAULT_SEED,
) -> CusumResult:
    """OLS-CUSUM structural-change test on the residuals of the binomial trend GLM.

    Parameters
    ----------
    counts : DataFrame
        One row per period: ``time``, ``successes``, ``n``; periods with ``n == 0`` skipped.
    seasonal : bool
        Include month-of-year terms in the trend model.
    n_sim : int
        Monte Carlo replications for the p-value.
    seed : int
        Seed of the Monte Carlo draws (results are reproducible).

    Returns
    -------
    CusumResult
        ``estimate`` and ``statistic``: ``sup_t |sum_{s<=t} r_s| / (sigma_hat sqrt(T))``;
        ``p_value``: Monte Carlo; ``p_value_asymptotic``: Brownian-bridge (conservative here);
        ``peak_period``: where the cumulative sum peaks -- a pointer for plots, not an
        estimate of a break date (use :func:`chow_test` for a dated test).

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in range(2014, 2020) for m in range(1, 13)]
    >>> rng = np.random.default_rng(1)
    >>> p = np.where(np.arange(72) < 36, 0.20, 0.35)
    >>> c = pd.DataFrame({"month": months, "n": 300, "successes": rng.binomial(300, p)})
    >>> cusum_test(c).p_value < 0.05
    True
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="cusum_test")
    f = prep.frame
    X = design(f, seasonal=seasonal, freq=prep.freq)
    k = X.shape[1]
    if len(f) < k + 3:
        raise ValueError(f"cusum_test: {len(f)} non-empty periods for {k} parameters; need at least {k + 3}")
    # The residuals do not depend on how overdispersion is handled; the statistic is scale-free.
    res = fit_glm(f, X, None)
    r = np.asarray(res.resid_pearson, dtype=float)
    stat, p_asym, _ = breaks_cusumolsresid(r, ddof=k)
    mu = np.asarray(res.fittedvalues, dtype=float)
    w = f["n"].to_numpy(float) * mu * (1 - mu)
    Q, _ = np.linalg.qr(np.sqrt(w)[:, None] * X.to_numpy())
    rng = np.random.default_rng(seed)
    E = rng.standard_normal((len(f), n_sim))
    sims = _cusum_stat(E - Q @ (Q.T @ E), k)
    p_mc = float((1 + np.sum(sims >= stat)) / (1 + n_sim))
    peak = str(f["period"].iloc[int(np.abs(np.cumsum(r)).argmax())])
    method = (
        "OLS-CUSUM test (Ploberger & Kraemer 1992) on Pearson residuals of the binomial trend GLM"
        + (" with month-of-year dummies" if seasonal else "")
        + f"; Monte Carlo p-value under the null for this design ({n_sim} draws, seed {seed}); "
        f"asymptotic Brownian-bridge p-value {float(p_asym):.3g} is conservative with a trend "
        f"regressor; {prep.n_skipped_empty} period(s) with n = 0 skipped"
    )
    return CusumResult(
        estimate=float(stat),
        ci_low=NAN,
        ci_high=NAN,
        p_value=p_mc,
        method=method,
        result=res,
        statistic=float(stat),
        p_value_asymptotic=float(p_asym),
        peak_period=peak,
        n_periods=len(f),
        n_skipped_empty=prep.n_skipped_empty,
        n_sim=n_sim,
    )


def _expit(v: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-v))


def chow_test(
    counts: pd.DataFrame,
    *,
    break_at: str,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    seasonal: bool = False,
    overdispersion: str | None = "X2",
    alpha: float = 0.05,
) -> ChowResult:
    """Chow-type test for a break (level and slope shift) at a known period in the trend GLM.

    Model under the alternative::

        logit(p_t) = b0 + b1 years_t + d0 post_t + d1 post_t (years_t - years_b) (+ month terms)

    with ``post_t = 1`` from ``break_at`` on. ``H0: d0 = d1 = 0``.

    Parameters
    ----------
    break_at : str
        First period of the new regime, same frequency as the series. At least two non-empty
        periods are needed on each side.
    overdispersion : {"X2", "HC0", None}
        ``"X2"``: F = (deviance drop / 2) / (Pearson chi2 / df of the break model) on
        (2, df). ``None``: likelihood-ratio chi2(2). ``"HC0"``: Wald chi2(2), sandwich covariance.

    Returns
    -------
    ChowResult
        ``estimate``: level shift at the break in pp (fitted share just after minus just
        before, with month terms at their average), delta-method interval.

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in range(2014, 2020) for m in range(1, 13)]
    >>> rng = np.random.default_rng(2)
    >>> p = np.where(np.arange(72) < 36, 0.20, 0.35)
    >>> c = pd.DataFrame({"month": months, "n": 300, "successes": rng.binomial(300, p)})
    >>> r = chow_test(c, break_at="2017-01")
    >>> r.p_value < 0.001, 10 < r.estimate < 20
    (True, True)
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="chow_test")
    f = prep.frame
    try:
        ok = period_freq([break_at]) == prep.freq
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"chow_test: break_at {break_at!r} is not a {prep.freq} label like the series")
    yb = float(period_to_years([break_at])[0] - period_to_years([f["period"].iloc[0]])[0])
    post = (f["years"].to_numpy() >= yb - 1e-9).astype(float)
    n_post, n_pre = int(post.sum()), int(len(f) - post.sum())
    if n_pre < 2 or n_post < 2:
        raise ValueError(
            f"chow_test: break_at {break_at!r} leaves {n_pre} non-empty period(s) before and {n_post} "
            "from it on; need at least 2 on each side"
        )
    X0 = design(f, seasonal=seasonal, freq=prep.freq)
    X1 = X0.assign(post=post, post_slope=post * (f["years"].to_numpy() - yb))
    if len(f) <= X1.shape[1]:
        raise ValueError(f"chow_test: {len(f)} non-empty periods for {X1.shape[1]} parameters")
    res1 = fit_glm(f, X1, overdispersion)
    names = ["post", "post_slope"]
    q = 2
    if overdispersion == "X2":
        res0 = fit_glm(f, X0, overdispersion)
        phi = pearson_dispersion(res1)
        stat = (res0.deviance - res1.deviance) / q / phi
        p = float(stats.f.sf(stat, q, res1.df_resid))
        test, df_den = "F", float(res1.df_resid)
    elif overdispersion is None:
        res0 = fit_glm(f, X0, overdispersion)
        stat = res0.deviance - res1.deviance
        p = float(stats.chi2.sf(stat, q))
        test, df_den = "LR chi2", NAN
    else:
        b = res1.params[names].to_numpy()
        V = res1.cov_params().loc[names, names].to_numpy()
        stat = float(b @ np.linalg.solve(V, b))
        p = float(stats.chi2.sf(stat, q))
        test, df_den = "Wald chi2", NAN
    c = crit(res1, alpha)
    beta = res1.params.to_numpy()
    V = res1.cov_params().to_numpy()
    # Evaluate at the break: years = yb, month terms at their n-weighted mean, post = 0 vs 1.
    xb = np.average(X1.to_numpy(), axis=0, weights=f["n"].to_numpy(float))
    cols = list(X1.columns)
    xb[cols.index("years")] = yb
    xb[cols.index("post")] = 0.0
    xb[cols.index("post_slope")] = 0.0
    e_post = np.zeros_like(xb)
    e_post[cols.index("post")] = 1.0
    p_pre, p_post = _expit(xb @ beta), _expit((xb + e_post) @ beta)
    grad = p_post * (1 - p_post) * (xb + e_post) - p_pre * (1 - p_pre) * xb
    se_shift = float(np.sqrt(grad @ V @ grad))
    shift = float(p_post - p_pre)
    d0, d1 = float(res1.params["post"]), float(res1.params["post_slope"])
    s0, s1 = float(res1.bse["post"]), float(res1.bse["post_slope"])
    method = (
        f"Chow-type test at {break_at}: binomial GLM trend"
        + (" with month-of-year dummies" if seasonal else "")
        + f" plus level and slope shift; {test} test of both shift terms; "
        f"{overdispersion_text(overdispersion)}; level shift in pp at the break with a "
        f"delta-method {100 * (1 - alpha):g}% interval; {prep.n_skipped_empty} period(s) with n = 0 skipped"
    )
    return ChowResult(
        estimate=100 * shift,
        ci_low=100 * (shift - c * se_shift),
        ci_high=100 * (shift + c * se_shift),
        p_value=p,
        method=method,
        result=res1,
        break_period=break_at,
        statistic=float(stat),
        df_num=float(q),
        df_denom=df_den,
        test=test,
        level_shift_logit=d0,
        level_ci_low=d0 - c * s0,
        level_ci_high=d0 + c * s0,
        slope_shift_logit=d1,
        slope_ci_low=d1 - c * s1,
        slope_ci_high=d1 + c * s1,
        n_pre=n_pre,
        n_post=n_post,
        n_skipped_empty=prep.n_skipped_empty,
    )
