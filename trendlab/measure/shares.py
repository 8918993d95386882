"""Shares with intervals: how often a property holds, period by period.

Three layers, each a pure verb on frames:

- :func:`share_table` counts successes over a unit-level frame (one row per posting or
  role) and adds Wilson score intervals; :func:`shares_from_counts` does the same from
  counts that are already aggregated. Both return the ``shares`` table of
  :data:`trendlab.schemas.SHARES`.
- Period helpers map ``YYYY-MM`` months to quarters (``2014Q1``) and years (``2014``), and
  :func:`complete_periods` makes every gap explicit (``n = 0``, share missing, a
  ``status`` column) -- nothing is interpolated.
- Misclassification correction: :func:`rogan_gladen` (Rogan & Gladen 1978) turns an
  observed share into an estimate of the true share given the classifier's sensitivity and
  specificity; :func:`corrected_share` adds an interval that carries both the sampling
  uncertainty of the share and that of the measured sensitivity and specificity;
  :func:`add_corrected` applies it to every row of a ``shares`` table.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. JASA 22, 209-212.
Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
comparison of seven methods. Statistics in Medicine 17, 857-872.
Rogan, W. J. & Gladen, B. (1978). Estimating prevalence from the results of a screening
test. American Journal of Epidemiology 107, 71-76.
Greiner, M. & Gardner, I. A. (2000). Application of diagnostic tests in veterinary
epidemiologic studies. Preventive Veterinary Medicine 45, 43-59.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from trendlab.schemas import SHARES

FREQS = ("month", "quarter", "year")
DEFAULT_SEED = 20_140_101
#: Columns of a shares table that hold values rather than identify a cell.
VALUE_COLUMNS = (
    "period",
    "successes",
    "n",
    "share",
    "ci_low",
    "ci_high",
    "small_cell",
    "status",
    "share_corrected",
    "ci_low_corrected",
    "ci_high_corrected",
    "correction",
)
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_STEPS = {"month": 12, "quarter": 4, "year": 1}


# --------------------------------------------------------------------------- periods
def _check_freq(freq: str) -> None:
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {FREQS}, got {freq!r}")


def period_freq(labels: Iterable[str]) -> str:
    """The frequency of period labels: ``"month"``, ``"quarter"`` or ``"year"``.

    Raises ``ValueError`` naming the first label that does not parse, or when the labels
    mix frequencies.

    Examples
    --------
    >>> period_freq(["2014-01", "2014-02"])
    'month'
    >>> period_freq(["2014Q1"])
    'quarter'
    """
    found: set[str] = set()
    for i, lab in enumerate(labels):
        f = next((k for k, rx in _PATTERNS.items() if isinstance(lab, str) and rx.match(lab)), None)
        if f is None:
            raise ValueError(
                f"period label {lab!r} at position {i} is not YYYY-MM, YYYYQn or YYYY"
            )
        found.add(f)
    if len(found) != 1:
        raise ValueError(f"period labels must share one frequency, found {sorted(found) or 'none'}")
    return found.pop()


def period_ordinal(labels: Iterable[str], freq: str | None = None) -> np.ndarray:
    """Integer position of each period on its own scale (months, quarters or years since year 0).

    Consecutive periods differ by exactly 1, so gaps and spans are simple differences.

    Examples
    --------
    >>> period_ordinal(["2014-12", "2015-01"]).tolist()
    [24179, 24180]
    """
    labels = list(labels)
    freq = freq or period_freq(labels)
    _check_freq(freq)
    rx, step = _PATTERNS[freq], _STEPS[freq]
    out = np.empty(len(labels), dtype=np.int64)
    for i, lab in enumerate(labels):
        m = rx.match(lab) if isinstance(lab, str) else None
        if m is None:
            raise ValueError(f"period label {lab!r} at position {i} does not match freq={freq!r}")
        sub = int(m.group(2)) - 1 if freq != "year" else 0
        out[i] = int(m.group(1)) * step + sub
    return out


def period_label(ordinals: Iterable[int], freq: str) -> list[str]:
    """Inverse of :func:`period_ordinal`.

    Examples
    --------
    >>> period_label([24179, 24180], "month")
    ['2014-12', '2015-01']
    """
    _check_freq(freq)
    step = _STEPS[freq]
    labs = []
    for o in ordinals:
        y, sub = divmod(int(o), step)
        labs.append({"month": f"{y:04d}-{sub + 1:02d}", "quarter": f"{y:04d}Q{sub + 1}", "year": f"{y:04d}"}[freq])
    return labs


def period_to_years(labels: Iterable[str]) -> np.ndarray:
    """Decimal year at the start of each period: ``2014-04`` -> 2014.25, ``2014Q2`` -> 2014.25.

    Examples
    --------
    >>> period_to_years(["2014-01", "2014-07"]).tolist()
    [2014.0, 2014.5]
    """
    labels = list(labels)
    freq = period_freq(labels) if labels else "month"
    return period_ordinal(labels, freq) / _STEPS[freq]


def period_range(start: str, end: str, freq: str = "month") -> list[str]:
    """Every period label from ``start`` to ``end`` inclusive.

    Examples
    --------
    >>> period_range("2014Q3", "2015Q1", "quarter")
    ['2014Q3', '2014Q4', '2015Q1']
    """
    a, b = period_ordinal([start, end], freq)
    if b < a:
        raise ValueError(f"period_range: end {end!r} is before start {start!r}")
    return period_label(range(a, b + 1), freq)


def _months(months: pd.Series | Iterable[str], caller: str) -> pd.Series:
    s = pd.Series(months, dtype="string") if not isinstance(months, pd.Series) else months.astype("string")
    bad = ~s.str.match(_PATTERNS["month"].pattern).fillna(False)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise ValueError(
            f"{caller}: {int(bad.sum())} value(s) are not YYYY-MM months "
            f"(first: {s.iloc[i]!r} at row {s.index[i]!r})"
        )
    return s


def month_to_quarter(months: pd.Series | Iterable[str]) -> pd.Series:
    """Map ``YYYY-MM`` months to ``YYYYQn`` quarters (a ``string`` Series, same index).

    Examples
    --------
    >>> month_to_quarter(["2014-01", "2014-12"]).tolist()
    ['2014Q1', '2014Q4']
    """
    s = _months(months, "month_to_quarter")
    q = (s.str.slice(5, 7).astype(int) - 1) // 3 + 1
    return (s.str.slice(0, 4) + "Q" + q.astype("string")).astype("string")


def month_to_year(months: pd.Series | Iterable[str]) -> pd.Series:
    """Map ``YYYY-MM`` months to ``YYYY`` years (a ``string`` Series, same index).

    Examples
    --------
    >>> month_to_year(["2014-01"]).tolist()
    ['2014']
    """
    return _months(months, "month_to_year").str.slice(0, 4).astype("string")


def to_period(months: pd.Series | Iterable[str], freq: str) -> pd.Series:
    """Map ``YYYY-MM`` months to periods of ``freq`` (``month`` returns them unchanged).

    Examples
    --------
    >>> to_period(["2014-05"], "quarter").tolist()
    ['2014Q2']
    """
    _check_freq(freq)
    if freq == "quarter":
        return month_to_quarter(months)
    if freq == "year":
        return month_to_year(months)
    return _months(months, "to_period")


# --------------------------------------------------------------------------- Wilson
def wilson_interval(
    successes: Iterable[int] | int, n: Iterable[int] | int, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes / n``; NaN where ``n == 0``.

    A thin vectorised call of ``statsmodels.stats.proportion.proportion_confint(...,
    method="wilson")`` (Wilson 1927; method 3 of Newcombe 1998) that does not divide by zero.

    Examples
    --------
    >>> lo, hi = wilson_interval([81, 0], [263, 0])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4), bool(np.isnan(lo[1]))
    (0.2553, 0.3662, True)
    >>> lo, hi = wilson_interval([0, 7], [7, 7])
    >>> float(lo[0]), float(hi[1])
    (0.0, 1.0)
    """
    x = np.atleast_1d(np.asarray(successes, dtype=float))
    m = np.atleast_1d(np.asarray(n, dtype=float))
    lo = np.full(x.shape, np.nan)
    hi = np.full(x.shape, np.nan)
    ok = m > 0
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(x[ok], m[ok], alpha=alpha, method="wilson")
    # Floating error can put a bound a hair outside [0, 1], or a hair on the wrong side of the
    # estimate, at x = 0 or x = n: the Wilson interval there is exactly [0, .] or [., 1].
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(m > 0, x / np.where(m > 0, m, 1), np.nan)
    lo = np.where(ok & (x == 0), 0.0, np.minimum(lo, p))
    hi = np.where(ok & (x == m), 1.0, np.maximum(hi, p))
    return np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)


def _require(df: pd.DataFrame, cols: Iterable[str], caller: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{caller}: column(s) {missing} not in frame (has {list(df.columns)})")


def _first_bad(mask: pd.Series) -> str:
    i = mask.to_numpy().nonzero()[0][0]
    return f"{int(mask.sum())} row(s), first at index {mask.index[i]!r}"


def finish_shares(
    out: pd.DataFrame,
    by: Sequence[str] = (),
    alpha: float = 0.05,
    min_n: int = 30,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Counts (``period, population, measure, *by, successes, n, *extra``) to a ``shares`` table.

    Adds ``share``, Wilson ``ci_low``/``ci_high`` (missing where ``n == 0``) and ``small_cell``
    (``n < min_n``), validates against :data:`trendlab.schemas.SHARES` and sorts by population,
    measure, ``by`` and period.
    """
    x = out["successes"].to_numpy(dtype=float)
    m = out["n"].to_numpy(dtype=float)
    lo, hi = wilson_interval(x, m, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(m > 0, x / np.where(m > 0, m, 1), np.nan)
    out = out.assign(
        period=out["period"].astype("string"),
        population=out["population"].astype("string"),
        measure=out["measure"].astype("string"),
        successes=out["successes"].astype("Int64"),
        n=out["n"].astype("Int64"),
        share=pd.array(share, dtype="Float64"),
        ci_low=pd.array(lo, dtype="Float64"),
        ci_high=pd.array(hi, dtype="Float64"),
        small_cell=pd.array(m < min_n, dtype="boolean"),
    )
    # NaN -> <NA> so the nullable columns say "missing", not "not a number".
    for c in ("share", "ci_low", "ci_high"):
        out[c] = out[c].mask(out["n"] == 0)
    cols = ["period", "population", "measure", *by, "successes", "n", "share", "ci_low", "ci_high",
            "small_cell", *extra]
    out = out[cols].sort_values(["population", "measure", *by, "period"], kind="stable")
    return SHARES.validate(out.reset_index(drop=True))


def share_table(
    df: pd.DataFrame,
    *,
    success: str,
    by: list[str],
    population: str,
    measure: str,
    period_col: str = "month",
    alpha: float = 0.05,
    min_n: int = 30,
) -> pd.DataFrame:
    """Count how often ``success`` holds per period (and per ``by`` group), with Wilson intervals.

    Parameters
    ----------
    df : DataFrame
        Unit-level rows (one posting or one role each). Not modified.
    success : str
        Boolean (or 0/1) column: does this unit have the property? A missing value is an
        error -- rows where the measure is undefined must be filtered out (and counted) first.
    by : list of str
        Extra grouping columns kept in the output (``[]`` for none).
    population, measure : str
        Labels written into the ``population`` and ``measure`` columns (what was counted, and
        among whom), e.g. ``"product managers"`` and ``"asks for a technical skill"``.
    period_col : str
        Column holding the period label (``YYYY-MM``, ``YYYYQn`` or ``YYYY``).
    alpha : float
        1 - confidence level of the Wilson interval.
    min_n : int
        Cells with fewer units are flagged ``small_cell``.

    Returns
    -------
    DataFrame
        The ``shares`` table: ``period, population, measure, *by, successes, n, share,
        ci_low, ci_high, small_cell``, validated against :data:`trendlab.schemas.SHARES`.
        Only periods present in ``df`` appear; use :func:`complete_periods` for the gaps.

    Examples
    --------
    >>> roles = pd.DataFrame({"month": ["2014-01"] * 3, "tech": [True, False, True]})
    >>> t = share_table(roles, success="tech", by=[], population="pm", measure="tech", min_n=2)
    >>> t[["period", "successes", "n"]].values.tolist()
    [['2014-01', 2, 3]]
    """
    caller = "share_table"
    _require(df, [success, period_col, *by], caller)
    clash = {"population", "measure", "period"} & set(by)
    if clash:
        raise ValueError(f"{caller}: `by` may not contain reserved column(s) {sorted(clash)}")
    s = df[success]
    if s.isna().any():
        raise ValueError(
            f"{caller}: column {success!r} is missing in {_first_bad(s.isna())}; expected "
            "True/False for every row (filter and count rows where the measure is undefined)"
        )
    if not (pd.api.types.is_bool_dtype(s) or s.isin([0, 1]).all()):
        bad = ~s.isin([0, 1])
        raise ValueError(f"{caller}: column {success!r} must be boolean or 0/1; {_first_bad(bad)} are not")
    for c in [period_col, *by]:
        if df[c].isna().any():
            raise ValueError(f"{caller}: column {c!r} is missing in {_first_bad(df[c].isna())}")
    if len(df):
        period_freq(df[period_col].astype(str).unique())  # every label parses, one frequency
    work = pd.DataFrame({"period": df[period_col].astype(str), "_y": s.astype(int)})
    for c in by:
        work[c] = df[c]
    out = (
        work.groupby(["period", *by], observed=True, sort=True)["_y"]
        .agg(successes="sum", n="size")
        .reset_index()
    )
    out = out.assign(population=population, measure=measure)
    return finish_shares(out, by, alpha, min_n)


def shares_from_counts(
    counts: pd.DataFrame,
    *,
    successes: str = "successes",
    n: str = "n",
    period_col: str = "period",
    by: list[str] | None = None,
    population: str | None = None,
    measure: str | None = None,
    alpha: float = 0.05,
    min_n: int = 30,
) -> pd.DataFrame:
    """Turn aggregated counts into a ``shares`` table with Wilson intervals.

    ``population`` / ``measure`` label every row when given; otherwise the frame must have
    those columns. Counts must be whole numbers with ``0 <= successes <= n``; ``n == 0`` rows
    are kept with the share and interval missing.

    Examples
    --------
    >>> c = pd.DataFrame({"period": ["2014-01", "2014-02"], "successes": [3, 0], "n": [10, 0]})
    >>> shares_from_counts(c, population="pm", measure="tech")["share"].tolist()
    [0.3, <NA>]
    """
    caller = "shares_from_counts"
    by = list(by or [])
    need = [successes, n, period_col, *by]
    need += [c for c, v in (("population", population), ("measure", measure)) if v is None]
    _require(counts, need, caller)
    x = pd.to_numeric(counts[successes], errors="coerce")
    m = pd.to_numeric(counts[n], errors="coerce")
    for name, v in ((successes, x), (n, m)):
        bad = v.isna() | (v < 0) | (v != np.floor(v))
        if bad.any():
            raise ValueError(f"{caller}: column {name!r} must hold whole numbers >= 0; {_first_bad(bad)} do not")
    if (x > m).any():
        raise ValueError(f"{caller}: successes > n in {_first_bad(x > m)}")
    if len(counts):
        period_freq(counts[period_col].astype(str).unique())
    out = pd.DataFrame(
        {
            "period": counts[period_col].astype(str),
            "population": population if population is not None else counts["population"],
            "measure": measure if measure is not None else counts["measure"],
            "successes": x,
            "n": m,
        }
    )
    for c in by:
        out[c] = counts[c]
    key = ["period", "population", "measure", *by]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        raise ValueError(f"{caller}: more than one row per cell {key}: {_first_bad(dup)}")
    return finish_shares(out, by, alpha, min_n)


def complete_periods(
    table: pd.DataFrame,
    start: str,
    end: str,
    freq: str = "month",
    *,
    partial: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Make every period from ``start`` to ``end`` explicit in a ``shares`` table.

    Each cell (``population, measure`` and any extra key columns) gets one row per period.
    Added rows have ``successes = n = 0``, every share and interval missing and
    ``small_cell = True``. A ``status`` column says ``"observed"``, ``"partial"`` (the period
    contains a month listed in ``partial``) or ``"no data"`` (``n == 0``). Nothing is
    interpolated.

    Parameters
    ----------
    table : DataFrame
        A ``shares`` table (not modified). Periods outside ``[start, end]`` are an error.
    start, end : str
        First and last period, at ``freq``.
    freq : {"month", "quarter", "year"}
    partial : iterable of str, optional
        Months (``YYYY-MM``) or periods at ``freq`` that are only partly covered by the data.

    Examples
    --------
    >>> c = pd.DataFrame({"period": ["2014-01", "2014-03"], "successes": [1, 2], "n": [4, 5]})
    >>> t = shares_from_counts(c, population="pm", measure="tech")
    >>> complete_periods(t, "2014-01", "2014-03")[["period", "n", "status"]].values.tolist()
    [['2014-01', 4, 'observed'], ['2014-02', 0, 'no data'], ['2014-03', 5, 'observed']]
    """
    caller = "complete_periods"
    _require(table, ["period", "population", "measure", "successes", "n"], caller)
    grid = period_range(start, end, freq)
    labels = table["period"].astype(str)
    period_ordinal(labels.unique(), freq)  # every label parses at freq
    outside = ~labels.isin(grid)
    if outside.any():
        raise ValueError(
            f"{caller}: {int(outside.sum())} row(s) fall outside {start}..{end} "
            f"(first: period {labels[outside].iloc[0]!r})"
        )
    keys = [c for c in table.columns if c not in VALUE_COLUMNS]
    if table.duplicated([*keys, "period"]).any():
        raise ValueError(f"{caller}: more than one row per cell {keys} and period")
    cells = table[keys].drop_duplicates()
    full = cells.merge(pd.DataFrame({"period": pd.array(grid, dtype="string")}), how="cross")
    out = full.merge(table.assign(period=labels.astype("string")), on=[*keys, "period"], how="left")
    added = out["n"].isna()
    out["successes"] = out["successes"].fillna(0).astype("Int64")
    out["n"] = out["n"].fillna(0).astype("Int64")
    out["small_cell"] = out["small_cell"].astype("boolean").mask(added, True) if "small_cell" in out else added
    if "correction" in out:
        out["correction"] = out["correction"].astype("string").mask(out["n"] == 0, "no data")
    part: set[str] = set()
    for p in partial or []:
        lab = to_period([p], freq).iloc[0] if _PATTERNS["month"].match(str(p)) else str(p)
        period_ordinal([lab], freq)  # a label that does not parse at freq is an error
        part.add(lab)
    status = np.where(out["period"].isin(part), "partial", "observed")
    status = np.where(out["n"].to_numpy() == 0, "no data", status)
    out["status"] = pd.array(status, dtype="string")
    out = out.sort_values([*keys, "period"], kind="stable").reset_index(drop=True)
    front = ["period", "population", "measure"]
    return SHARES.validate(out[front + [c for c in out.columns if c not in front]])


# --------------------------------------------------------------------------- Rogan-Gladen
@dataclass(frozen=True)
class RoganGladen:
    """A Rogan-Gladen estimate: the clipped value, the raw one, and whether it was clipped."""

    estimate: float
    unclipped: float
    clipped: bool
    note: str


def _rg(p: np.ndarray, se: np.ndarray, sp: np.ndarray) -> np.ndarray:
    return (p + sp - 1.0) / (se + sp - 1.0)


def _clip_note(raw: float) -> str:
    if raw < 0:
        return f"Rogan-Gladen estimate {raw:.4f} < 0 clipped to 0"
    if raw > 1:
        return f"Rogan-Gladen estimate {raw:.4f} > 1 clipped to 1"
    return ""


def rogan_gladen(p_obs: float, sensitivity: float, specificity: float) -> RoganGladen:
    """Rogan-Gladen (1978) misclassification-corrected share, clipped to [0, 1].

    ``(p_obs + specificity - 1) / (sensitivity + specificity - 1)``. The raw value falls
    outside [0, 1] when the observed share is below the false-positive rate
    ``1 - specificity`` (or above the sensitivity); it is then clipped, and the result says so.

    Raises ``ValueError`` when ``sensitivity + specificity <= 1`` (a classifier no better than
    chance carries no information to correct with) or an input is outside [0, 1].

    Examples
    --------
    >>> r = rogan_gladen(23 / 150, 0.96, 0.89)   # epiR::epi.prev example: 5.1 per 100
    >>> round(r.estimate, 4), r.clipped
    (0.051, False)
    >>> rogan_gladen(8 / 210, 0.60, 0.90).estimate
    0.0
    """
    for name, v in (("p_obs", p_obs), ("sensitivity", sensitivity), ("specificity", specificity)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"rogan_gladen: {name} must be in [0, 1], got {v!r}")
    if sensitivity + specificity <= 1.0:
        raise ValueError(
            f"rogan_gladen: sensitivity + specificity = {sensitivity + specificity:.4f} <= 1; "
            "the classifier is no better than chance and the share cannot be corrected"
        )
    raw = float(_rg(np.float64(p_obs), np.float64(sensitivity), np.float64(specificity)))
    est = min(max(raw, 0.0), 1.0)
    return RoganGladen(estimate=est, unclipped=raw, clipped=est != raw, note=_clip_note(raw))


@dataclass(frozen=True)
class ClassifierRates:
    """Sensitivity and specificity as measured on a labelled evaluation set.

    ``sens_tp`` true positives out of ``sens_n`` labelled positives, ``spec_tn`` true
    negatives out of ``spec_n`` labelled negatives.

    Examples
    --------
    >>> ClassifierRates(45, 50, 95, 100).sensitivity
    0.9
    """

    sens_tp: int
    sens_n: int
    spec_tn: int
    spec_n: int

    def __post_init__(self) -> None:
        for k, tot in (("sens_tp", "sens_n"), ("spec_tn", "spec_n")):
            a, b = getattr(self, k), getattr(self, tot)
            if int(a) != a or int(b) != b or not 0 <= a <= b or b < 1:
                raise ValueError(f"ClassifierRates: need whole numbers 0 <= {k} <= {tot} and {tot} >= 1, got {a}, {b}")

    @property
    def sensitivity(self) -> float:
        return self.sens_tp / self.sens_n

    @property
    def specificity(self) -> float:
        return self.spec_tn / self.spec_n


@dataclass(frozen=True)
class CorrectedShare:
    """A misclassification-corrected share with its interval and a plain-text account."""

    estimate: float
    ci_low: float
    ci_high: float
    observed: float
    unclipped: float
    clipped: bool
    se: float
    sensitivity: float
    specificity: float
    method: str
    correction: str
    n_boot: int = 0
    n_boot_invalid: int = 0


def rogan_gladen_variance(
    p_obs: float, n: int, sensitivity: float, sens_n: int, specificity: float, spec_n: int
) -> float:
    """Delta-method variance of the Rogan-Gladen estimate with estimated sensitivity/specificity.

    With ``J = Se + Sp - 1`` and ``pi`` the unclipped estimate (Rogan & Gladen 1978;
    Greiner & Gardner 2000, eq. for independent validation samples)::

        Var(pi) = [p(1-p)/n + pi^2 Se(1-Se)/n_se + (1-pi)^2 Sp(1-Sp)/n_sp] / J^2

    Examples
    --------
    >>> round(rogan_gladen_variance(0.3, 400, 0.9, 50, 0.95, 100), 8)
    0.00126974
    """
    j = sensitivity + specificity - 1.0
    pi = (p_obs + specificity - 1.0) / j
    v = (
        p_obs * (1 - p_obs) / n
        + pi**2 * sensitivity * (1 - sensitivity) / sens_n
        + (1 - pi) ** 2 * specificity * (1 - specificity) / spec_n
    )
    return float(v / j**2)


def corrected_share(
    successes: int,
    n: int,
    sens_tp: int,
    sens_n: int,
    spec_tn: int,
    spec_n: int,
    method: str = "bootstrap",
    *,
    alpha: float = 0.05,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
) -> CorrectedShare:
    """Rogan-Gladen corrected share with an interval for sample AND classifier uncertainty.

    Parameters
    ----------
    successes, n : int
        Units classified positive, out of ``n``.
    sens_tp, sens_n : int
        True positives out of labelled positives (sensitivity = sens_tp / sens_n).
    spec_tn, spec_n : int
        True negatives out of labelled negatives (specificity = spec_tn / spec_n).
    method : {"bootstrap", "delta"}
        ``"bootstrap"``: parametric bootstrap -- draw the observed count, the true positives
        and the true negatives from their three independent binomials at the estimated
        rates, recompute the clipped Rogan-Gladen estimate, and take the percentile interval.
        Draws where ``Se* + Sp* <= 1`` are undefined; they are dropped and counted.
        ``"delta"``: Wald interval with the delta-method variance of
        :func:`rogan_gladen_variance`, clipped to [0, 1].
    alpha : float
        1 - confidence level.
    n_boot : int
        Bootstrap draws.
    seed : int
        Base seed; the stream is derived from the seed and the counts, so the same cell gives
        the same interval whatever else is computed alongside.

    Returns
    -------
    CorrectedShare
        ``correction`` states the correction, the interval method and any clipping. When a
        rate is estimated as exactly 0 or 1 its binomial sampling variance is zero and the
        interval cannot reflect it; the text says so.

    Examples
    --------
    >>> r = corrected_share(120, 400, 45, 50, 95, 100, method="delta")
    >>> round(r.estimate, 4), round(r.se, 4)
    (0.2941, 0.0356)
    """
    rates = ClassifierRates(sens_tp, sens_n, spec_tn, spec_n)
    if method not in ("bootstrap", "delta"):
        raise ValueError(f"corrected_share: method must be 'bootstrap' or 'delta', got {method!r}")
    if int(n) != n or int(successes) != successes or not 0 <= successes <= n:
        raise ValueError(f"corrected_share: need whole numbers 0 <= successes <= n, got {successes}, {n}")
    se_, sp_ = rates.sensitivity, rates.specificity
    rates_txt = f"sensitivity {se_:.3f} ({sens_tp}/{sens_n}), specificity {sp_:.3f} ({spec_tn}/{spec_n})"
    level = f"{100 * (1 - alpha):g}%"
    nan = float("nan")
    if n == 0:
        return CorrectedShare(nan, nan, nan, nan, nan, False, nan, se_, sp_, method, "no data")
    p = successes / n
    rg = rogan_gladen(p, se_, sp_)
    notes = [rg.note] if rg.clipped else []
    # At a boundary the binomial variance at the estimate is zero, so neither interval can
    # carry that component; say so rather than report a falsely narrow interval silently.
    for name, k, tot in (("sensitivity", sens_tp, sens_n), ("specificity", spec_tn, spec_n)):
        if k in (0, tot):
            notes.append(f"{name} estimated as {k}/{tot}: its sampling uncertainty is not represented")
    if successes in (0, n):
        notes.append(f"observed {successes}/{n}: its sampling uncertainty is not represented")
    n_inv = 0
    if method == "delta":
        se = rogan_gladen_variance(p, n, se_, sens_n, sp_, spec_n) ** 0.5
        z = stats.norm.ppf(1 - alpha / 2)
        lo, hi = max(rg.unclipped - z * se, 0.0), min(rg.unclipped + z * se, 1.0)
        how = f"{level} delta-method (Rogan-Gladen variance) Wald interval, clipped to [0, 1]"
        n_b = 0
    else:
        ss = np.random.SeedSequence([seed, successes, n, sens_tp, sens_n, spec_tn, spec_n])
        rng = np.random.default_rng(ss)
        p_b = rng.binomial(n, p, n_boot) / n
        se_b = rng.binomial(sens_n, se_, n_boot) / sens_n
        sp_b = rng.binomial(spec_n, sp_, n_boot) / spec_n
        ok = se_b + sp_b > 1.0
        n_inv = int((~ok).sum())
        est_b = np.clip(_rg(p_b[ok], se_b[ok], sp_b[ok]), 0.0, 1.0)
        if est_b.size == 0:
            raise ValueError("corrected_share: every bootstrap draw had sensitivity + specificity <= 1")
        lo, hi = (float(v) for v in np.quantile(est_b, [alpha / 2, 1 - alpha / 2]))
        se = float(est_b.std(ddof=1)) if est_b.size > 1 else nan
        how = f"{level} parametric bootstrap percentile interval ({n_boot} draws, seed {seed})"
        if n_inv:
            notes.append(f"{n_inv} draw(s) with sensitivity + specificity <= 1 dropped")
        n_b = n_boot
    text = f"Rogan-Gladen correction ({rates_txt}); {how}"
    if notes:
        text += "; " + "; ".join(notes)
    return CorrectedShare(
        estimate=rg.estimate,
        ci_low=float(lo),
        ci_high=float(hi),
        observed=p,
        unclipped=rg.unclipped,
        clipped=rg.clipped,
        se=float(se),
        sensitivity=se_,
        specificity=sp_,
        method=method,
        correction=text,
        n_boot=n_b,
        n_boot_invalid=n_inv,
    )


RATE_COLUMNS = ("sens_tp", "sens_n", "spec_tn", "spec_n")


def add_corrected(
    shares_table: pd.DataFrame,
    rates: ClassifierRates | Mapping[str, int] | pd.DataFrame,
    *,
    method: str = "bootstrap",
    alpha: float = 0.05,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Add ``share_corrected, ci_low_corrected, ci_high_corrected, correction`` to a shares table.

    Parameters
    ----------
    shares_table : DataFrame
        A ``shares`` table (not modified).
    rates : ClassifierRates, mapping or DataFrame
        One set of evaluation counts (``sens_tp, sens_n, spec_tn, spec_n``) for every row, or
        a frame with those columns plus key columns shared with the table (e.g. ``measure``)
        to give each cell its own. A row of the table with no matching rates is an error.
    method, alpha, n_boot, seed
        As in :func:`corrected_share`.

    Examples
    --------
    >>> c = pd.DataFrame({"period": ["2014-01"], "successes": [120], "n": [400]})
    >>> t = shares_from_counts(c, population="pm", measure="tech")
    >>> out = add_corrected(t, ClassifierRates(45, 50, 95, 100), method="delta")
    >>> round(float(out["share_corrected"].iloc[0]), 4)
    0.2941
    """
    caller = "add_corrected"
    _require(shares_table, ["successes", "n"], caller)
    table = shares_table.reset_index(drop=True)
    if isinstance(rates, pd.DataFrame):
        _require(rates, RATE_COLUMNS, caller)
        keys = [c for c in rates.columns if c not in RATE_COLUMNS and c in table.columns]
        if not keys:
            raise ValueError(f"{caller}: rates frame shares no key column with the table (has {list(rates.columns)})")
        if rates.duplicated(keys).any():
            raise ValueError(f"{caller}: rates has more than one row for some {keys}")
        joined = table[keys].merge(rates[[*keys, *RATE_COLUMNS]], on=keys, how="left", validate="many_to_one")
        miss = joined["sens_n"].isna()
        if miss.any():
            first = table.loc[miss.to_numpy(), keys].iloc[0].to_dict()
            raise ValueError(f"{caller}: no rates for {int(miss.sum())} row(s), first {first}")
        per_row = joined[list(RATE_COLUMNS)].astype(int).to_numpy()
    else:
        r = rates if isinstance(rates, ClassifierRates) else ClassifierRates(**{k: rates[k] for k in RATE_COLUMNS})
        per_row = np.tile([r.sens_tp, r.sens_n, r.spec_tn, r.spec_n], (len(table), 1))
    est, lo, hi, txt = [], [], [], []
    for (x, m), rr in zip(table[["successes", "n"]].itertuples(index=False), per_row, strict=True):
        c = corrected_share(int(x), int(m), *map(int, rr), method, alpha=alpha, n_boot=n_boot, seed=seed)
        est.append(c.estimate)
        lo.append(c.ci_low)
        hi.append(c.ci_high)
        txt.append(c.correction)
    out = table.assign(
        share_corrected=pd.array(est, dtype="Float64"),
        ci_low_corrected=pd.array(lo, dtype="Float64"),
        ci_high_corrected=pd.array(hi, dtype="Float64"),
        correction=pd.array(txt, dtype="string"),
    )
    for c in ("share_corrected", "ci_low_corrected", "ci_high_corrected"):
        out[c] = out[c].mask(out[c].isna())  # NaN -> <NA>
    out.index = shares_table.index
    return out
