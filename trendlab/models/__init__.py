"""Thin, documented wrappers over statsmodels: trend, seasonality, breaks, window comparisons.

Every function takes a counts series (one row per period: a period label, ``successes``,
``n``) and returns a small frozen result (:mod:`trendlab.models.results`) with ``estimate,
ci_low, ci_high, p_value, method`` and the fitted statsmodels object as ``result``.
"""

from trendlab.models.breaks import chow_test, cusum_test
from trendlab.models.compare import compare_proportions, compare_windows
from trendlab.models.results import (
    ChowResult,
    CusumResult,
    HacTrendResult,
    ModelResult,
    SeasonalResult,
    TrendResult,
    TwoProportionResult,
    WindowComparison,
)
from trendlab.models.seasonal import fit_seasonal
from trendlab.models.trend import fit_trend, fit_trend_ols_hac, newey_west_maxlags, prepare_counts

__all__ = [
    "ChowResult",
    "CusumResult",
    "HacTrendResult",
    "ModelResult",
    "SeasonalResult",
    "TrendResult",
    "TwoProportionResult",
    "WindowComparison",
    "chow_test",
    "compare_proportions",
    "compare_windows",
    "cusum_test",
    "fit_seasonal",
    "fit_trend",
    "fit_trend_ols_hac",
    "newey_west_maxlags",
    "prepare_counts",
]
