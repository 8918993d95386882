"""Seasonality of a monthly share: STL decomposition, amplitude and strength.

:func:`fit_seasonal` decomposes the monthly share with STL (Cleveland et al. 1990) when the
series is long and regular enough, and otherwise returns a result that says why not.

The rule (documented, checked, never bent silently):

- periods must be monthly (``YYYY-MM``);
- the series, from the first to the last month with ``n >= min_n``, must span at least
  ``min_years`` full years (36 months by default);
- no run of consecutive missing months (``n < min_n``, or absent) may be longer than
  ``max_gap`` (1 by default). Isolated missing months are filled by linear interpolation of
  the share **for this model only**; the result lists them.

It reports the seasonal amplitude (max - min of the average seasonal component by month of
year, in percentage points) and the strength of seasonality of Wang, Smith & Hyndman
(2006), ``F_S = max(0, 1 - Var(R) / Var(S + R))`` -- near 0 for no seasonality, near 1 when
the seasonal component dominates the remainder. The ``p_value`` is the joint test of
month-of-year terms in the quasi-binomial trend GLM on the observed (unfilled) months.

References
----------
Cleveland, R. B., Cleveland, W. S., McRae, J. E. & Terpenning, I. (1990). STL: a seasonal-trend
decomposition procedure based on loess. Journal of Official Statistics 6, 3-73.
Wang, X., Smith, K. A. & Hyndman, R. J. (2006). Characteristic-based clustering for time
series data. Data Mining and Knowledge Discovery 13, 335-364.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from trendlab.measure.shares import period_label, period_ordinal
from trendlab.models.results import NAN, SeasonalResult
from trendlab.models.trend import fit_trend, prepare_counts


def _strength(resid: np.ndarray, other: np.ndarray) -> float:
    denom = np.var(other + resid, ddof=1)
    if denom <= 0:
        return NAN
    return float(max(0.0, 1.0 - np.var(resid, ddof=1) / denom))


def _not_fitted(reason: str, n_months: int) -> SeasonalResult:
    return SeasonalResult(
        estimate=NAN,
        ci_low=NAN,
        ci_high=NAN,
        p_value=NAN,
        method=f"STL not fitted: {reason}",
        fitted=False,
        reason=reason,
        n_months=n_months,
    )


def fit_seasonal(
    counts: pd.DataFrame,
    *,
    time: str = "month",
    successes: str = "successes",
    n: str = "n",
    min_years: int = 3,
    max_gap: int = 1,
    min_n: int = 1,
    robust: bool = True,
    seasonal_window: int = 7,
) -> SeasonalResult:
    """STL decomposition of a monthly share, where the series allows it.

    Parameters
    ----------
    counts : DataFrame
        One row per month: ``time`` (``YYYY-MM``), ``successes``, ``n``.
    min_years : int
        Minimum span in full years (the series must cover ``12 * min_years`` months).
    max_gap : int
        Longest run of consecutive missing months that may be filled by interpolation.
    min_n : int
        Months with fewer units count as missing (their share is too noisy to decompose).
    robust : bool
        Robust STL (downweights outlying months), ``statsmodels.tsa.seasonal.STL(robust=...)``.
    seasonal_window : int
        STL seasonal smoother length (odd, >= 7).

    Returns
    -------
    SeasonalResult
        ``fitted=False`` with ``reason`` when the rule above is not met. ``estimate`` is the
        seasonal amplitude in pp; ``ci_low``/``ci_high`` are NaN (STL gives no interval).

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in range(2014, 2018) for m in range(1, 13)]
    >>> p = 0.3 + 0.05 * np.sin(2 * np.pi * np.arange(48) / 12)   # amplitude 10 pp
    >>> rng = np.random.default_rng(0)
    >>> c = pd.DataFrame({"month": months, "n": 10_000, "successes": rng.binomial(10_000, p)})
    >>> r = fit_seasonal(c)
    >>> r.fitted, abs(r.estimate - 10) < 1, r.peak_month, r.trough_month
    (True, True, 4, 10)
    """
    prep = prepare_counts(counts, time=time, successes=successes, n=n, caller="fit_seasonal")
    if prep.freq != "month":
        return _not_fitted(f"STL needs monthly periods, got {prep.freq}ly", 0)
    f = prep.frame[prep.frame["n"] >= min_n]
    if f.empty:
        return _not_fitted(f"no month has n >= {min_n}", 0)
    ords = period_ordinal(f["period"].tolist(), "month")
    grid = np.arange(ords[0], ords[-1] + 1)
    n_months = len(grid)
    # Runs of missing months between observed ones (the ends are trimmed by construction).
    steps = np.diff(ords) - 1
    if steps.size and steps.max() > max_gap:
        i = int(steps.argmax())
        a, b = period_label([ords[i] + 1, ords[i + 1] - 1], "month")
        return _not_fitted(
            f"a gap of {int(steps[i])} consecutive month(s) without n >= {min_n} ({a}..{b}) "
            f"exceeds the {max_gap} that may be filled",
            n_months,
        )
    if n_months < 12 * min_years:
        return _not_fitted(f"only {n_months} months; STL needs at least {12 * min_years} ({min_years} full years)", n_months)
    share = pd.Series(np.nan, index=grid)
    share.loc[ords] = (f["y"] / f["n"]).to_numpy(float)
    filled_mask = share.isna().to_numpy()
    values = share.interpolate(method="linear").to_numpy(float)
    labels = period_label(grid, "month")
    stl = STL(values, period=12, robust=robust, seasonal=seasonal_window).fit()
    S, T, R = np.asarray(stl.seasonal), np.asarray(stl.trend), np.asarray(stl.resid)
    moy = grid % 12 + 1
    profile = pd.Series(S).groupby(moy).mean()
    amplitude = float(profile.max() - profile.min())
    used = pd.DataFrame({"month": f["period"].to_numpy(), "successes": f["y"].to_numpy(), "n": f["n"].to_numpy()})
    try:
        p = fit_trend(used, seasonal=True, overdispersion="X2").seasonal_p_value
        test_txt = "p-value: joint F test of month-of-year dummies in the quasi-binomial trend GLM"
    except ValueError as e:  # too few months for 13 parameters
        p, test_txt = NAN, f"no month-of-year test ({e})"
    filled = tuple(lab for lab, fl in zip(labels, filled_mask, strict=True) if fl)
    method = (
        f"STL (period 12, seasonal window {seasonal_window}, robust={robust}) on the monthly share "
        f"{labels[0]}..{labels[-1]}; {len(filled)} isolated missing month(s) filled by linear "
        f"interpolation for STL only; amplitude = max - min of the mean seasonal component by "
        f"month of year; strength = max(0, 1 - Var(R)/Var(S+R)) (Wang, Smith & Hyndman 2006); "
        f"no interval; {test_txt}"
    )
    comps = pd.DataFrame(
        {"period": labels, "share": values, "trend": T, "seasonal": S, "resid": R, "filled": filled_mask}
    )
    return SeasonalResult(
        estimate=100 * amplitude,
        ci_low=NAN,
        ci_high=NAN,
        p_value=p,
        method=method,
        result=stl,
        fitted=True,
        reason="",
        strength=_strength(R, S),
        trend_strength=_strength(R, T),
        peak_month=int(profile.idxmax()),
        trough_month=int(profile.idxmin()),
        n_months=n_months,
        n_filled=len(filled),
        filled=filled,
        components=comps,
    )
