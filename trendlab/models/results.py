"""Small frozen result objects returned by the model wrappers.

Every result carries ``estimate, ci_low, ci_high, p_value``, a plain-text ``method`` naming
the method and its options, and ``result`` -- the fitted statsmodels object, for anyone who
needs more. ``to_dict()`` gives the scalar fields (for a report table) and
``summary_frame()`` one row per reported quantity.

Examples
--------
>>> r = ModelResult(estimate=1.0, ci_low=0.5, ci_high=1.5, p_value=0.01, method="demo")
>>> r.summary_frame()[["quantity", "estimate"]].values.tolist()
[['estimate', 1.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

NAN = float("nan")
_SKIP = {"result", "components"}


@dataclass(frozen=True, kw_only=True)
class ModelResult:
    """Fields shared by every model result.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        The headline quantity and its confidence interval (NaN when not defined).
    p_value : float
        p-value of the headline test (NaN when there is none).
    method : str
        Plain text: the method, its options and anything the reader must know.
    result : object
        The fitted statsmodels object (``None`` when no model was fitted).
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str
    result: Any = field(default=None, repr=False, compare=False)

    #: (label, estimate field, ci_low field, ci_high field, p-value field) per reported row.
    _rows: tuple[tuple[str, str, str | None, str | None, str | None], ...] = field(
        default=(("estimate", "estimate", "ci_low", "ci_high", "p_value"),),
        init=False,
        repr=False,
        compare=False,
    )

    def to_dict(self) -> dict[str, Any]:
        """Scalar fields as a flat dict (the fitted object and frames left out)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in _SKIP and not f.name.startswith("_")
        }

    def summary_frame(self) -> pd.DataFrame:
        """One row per reported quantity: ``quantity, estimate, ci_low, ci_high, p_value, method``."""

        def get(name: str | None) -> float:
            return NAN if name is None else float(getattr(self, name))

        rows = [
            {
                "quantity": label,
                "estimate": get(e),
                "ci_low": get(lo),
                "ci_high": get(hi),
                "p_value": get(p),
                "method": self.method,
            }
            for label, e, lo, hi, p in self._rows
        ]
        return pd.DataFrame(rows)


def _rows(*rows: tuple[str, str, str | None, str | None, str | None]):
    return field(default=tuple(rows), init=False, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class TrendResult(ModelResult):
    """Binomial GLM trend: ``estimate`` is the change per year in percentage points.

    Attributes
    ----------
    odds_ratio, or_ci_low, or_ci_high : float
        Odds ratio per year and its interval.
    slope_logit, slope_se : float
        Time coefficient on the logit scale and its standard error.
    share_at_mean : float
        Fitted share at the (n-weighted) mean of the design, where the marginal effect is taken.
    pooled_share : float
        Total successes / total n over the periods used.
    dispersion : float
        Pearson chi-square / residual df (about 1 without overdispersion).
    seasonal_p_value : float
        Joint test of the month-of-year terms (NaN when ``seasonal=False``).
    n_periods, n_skipped_empty : int
        Periods used, and periods with ``n == 0`` left out.
    start, end : str
        First and last period used; time is measured in years since ``start``.
    """

    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    slope_logit: float
    slope_se: float
    share_at_mean: float
    pooled_share: float
    dispersion: float
    seasonal_p_value: float = NAN
    n_periods: int
    n_skipped_empty: int
    start: str
    end: str
    _rows: tuple = _rows(
        ("change per year (pp)", "estimate", "ci_low", "ci_high", "p_value"),
        ("odds ratio per year", "odds_ratio", "or_ci_low", "or_ci_high", "p_value"),
        ("month-of-year terms (joint test)", "seasonal_p_value", None, None, "seasonal_p_value"),
    )

    def summary_frame(self) -> pd.DataFrame:
        out = super().summary_frame()
        if math.isnan(self.seasonal_p_value):
            out = out[out["quantity"] != "month-of-year terms (joint test)"]
        else:  # the joint test has a p-value, not an estimate
            out.loc[out["quantity"] == "month-of-year terms (joint test)", "estimate"] = NAN
        return out.reset_index(drop=True)


@dataclass(frozen=True, kw_only=True)
class HacTrendResult(ModelResult):
    """OLS of the share on time with Newey-West (HAC) errors; ``estimate`` in pp per year."""

    maxlags: int
    n_periods: int
    n_skipped_empty: int
    start: str
    end: str


@dataclass(frozen=True, kw_only=True)
class SeasonalResult(ModelResult):
    """STL decomposition of the monthly share; ``estimate`` is the seasonal amplitude in pp.

    Attributes
    ----------
    fitted : bool
        False when the series is too short or irregular; ``reason`` says why.
    strength : float
        Strength of seasonality, ``max(0, 1 - Var(R) / Var(S + R))`` (Wang, Smith & Hyndman 2006).
    trend_strength : float
        ``max(0, 1 - Var(R) / Var(T + R))``.
    peak_month, trough_month : int
        Month of year (1-12) where the average seasonal component is highest / lowest.
    n_months, n_filled : int
        Months in the series, and months filled by interpolation for STL only.
    filled : tuple of str
        The filled months.
    components : DataFrame or None
        ``period, share, trend, seasonal, resid, filled``.
    """

    fitted: bool
    reason: str
    strength: float = NAN
    trend_strength: float = NAN
    peak_month: int = 0
    trough_month: int = 0
    n_months: int = 0
    n_filled: int = 0
    filled: tuple[str, ...] = ()
    components: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    _rows: tuple = _rows(
        ("seasonal amplitude (pp)", "estimate", None, None, None),
        ("strength of seasonality", "strength", None, None, None),
        ("month-of-year terms (joint test)", "p_value", None, None, "p_value"),
    )


@dataclass(frozen=True, kw_only=True)
class CusumResult(ModelResult):
    """OLS-CUSUM test on trend-model residuals; ``estimate`` is the sup statistic."""

    statistic: float
    p_value_asymptotic: float
    peak_period: str
    n_periods: int
    n_skipped_empty: int
    n_sim: int
    _rows: tuple = _rows(("CUSUM sup statistic", "statistic", None, None, "p_value"))


@dataclass(frozen=True, kw_only=True)
class ChowResult(ModelResult):
    """Break test at a given period; ``estimate`` is the level shift at the break in pp.

    Attributes
    ----------
    break_period : str
        First period of the post-break regime.
    statistic, df_num, df_denom : float
        Test statistic and its degrees of freedom (``df_denom`` NaN for chi-square tests).
    test : str
        ``"F"`` (quasi-likelihood), ``"LR chi2"`` or ``"Wald chi2"``.
    level_shift_logit, level_ci_low, level_ci_high : float
        Level shift on the logit scale.
    slope_shift_logit, slope_ci_low, slope_ci_high : float
        Change of slope per year on the logit scale.
    """

    break_period: str
    statistic: float
    df_num: float
    df_denom: float
    test: str
    level_shift_logit: float
    level_ci_low: float
    level_ci_high: float
    slope_shift_logit: float
    slope_ci_low: float
    slope_ci_high: float
    n_pre: int
    n_post: int
    n_skipped_empty: int
    _rows: tuple = _rows(
        ("level shift at break (pp)", "estimate", "ci_low", "ci_high", "p_value"),
        ("level shift (logit)", "level_shift_logit", "level_ci_low", "level_ci_high", None),
        ("slope shift per year (logit)", "slope_shift_logit", "slope_ci_low", "slope_ci_high", None),
    )


@dataclass(frozen=True, kw_only=True)
class TwoProportionResult(ModelResult):
    """Difference ``share1 - share2`` (pp) with a Newcombe interval and a two-proportion z test."""

    successes1: int
    n1: int
    share1: float
    successes2: int
    n2: int
    share2: float
    z_statistic: float
    _rows: tuple = _rows(("difference (pp)", "estimate", "ci_low", "ci_high", "p_value"))


@dataclass(frozen=True, kw_only=True)
class WindowComparison(ModelResult):
    """Window B minus window A: pooled Newcombe difference and the binomial GLM with a period term.

    ``estimate, ci_low, ci_high, p_value`` are the pooled difference in pp (Newcombe interval,
    z test); ``glm_*`` and ``odds_ratio`` come from the GLM, whose interval also reflects
    month-to-month overdispersion.
    """

    window_a: str
    window_b: str
    successes_a: int
    n_a: int
    share_a: float
    successes_b: int
    n_b: int
    share_b: float
    z_statistic: float
    glm_diff: float
    glm_diff_ci_low: float
    glm_diff_ci_high: float
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    glm_p_value: float
    dispersion: float
    n_periods_a: int
    n_periods_b: int
    n_periods_outside: int
    n_skipped_empty: int
    _rows: tuple = _rows(
        ("difference (pp), Newcombe", "estimate", "ci_low", "ci_high", "p_value"),
        ("difference (pp), binomial GLM", "glm_diff", "glm_diff_ci_low", "glm_diff_ci_high", "glm_p_value"),
        ("odds ratio B vs A", "odds_ratio", "or_ci_low", "or_ci_high", "glm_p_value"),
    )
