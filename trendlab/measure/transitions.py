"""How often do engineers move into product management? Transition tables, rates and survival.

Inputs are the ``spells`` table (:mod:`trendlab.sources.career_paths`, :mod:`trendlab.sources.jobhop`),
the Stack Overflow respondent table (:mod:`trendlab.sources.so_survey`) and the title-graph edges
(:mod:`trendlab.sources.title_graph`). Role families come from data files in ``taxonomy/``
(``esco_role_families.csv``: ESCO occupation -> our role family, e.g. "ict product manager" ->
``product_management``), never from literals here.

Three views, from weakest to strongest assumptions:

1. **Transition tables** (:func:`consecutive_moves`, :func:`transition_table`,
   :func:`transition_shares`): consecutive spells person by person, counted by (from family, to
   family), with row shares and Wilson intervals. Needs only the order of spells.
2. **Dated rates** (:func:`prepare_dated_spells`, :func:`engineer_pm_rates`,
   :func:`fit_rate_trend`): engineer -> PM moves per person-year spent in an engineering role, by
   calendar year, with exact Poisson intervals, and the trend as a Poisson GLM with a log-exposure
   offset.
3. **Time to first PM job** (:func:`time_to_pm`, :func:`kaplan_meier`, :func:`fit_cox`,
   :func:`cox_by_entry_cohort`): from the start of the first engineering job, censored at the last
   observed quarter; Kaplan-Meier and a Cox model with entry-year cohorts.

Every person or spell left out of a dated analysis is listed with its reason
(:attr:`DatedSpells.dropped_spells`, :attr:`DatedSpells.dropped_persons`).

Examples
--------
>>> from trendlab.measure.transitions import consecutive_moves, transition_table
>>> moves = consecutive_moves(spells)  # doctest: +SKIP
>>> transition_table(moves)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from trendlab.config import PACKAGE_DIR
from trendlab.schemas import SHARES, TRANSITIONS

FAMILY_MAP_FILE = PACKAGE_DIR / "taxonomy" / "esco_role_families.csv"
REFERENCE_FAMILIES_FILE = PACKAGE_DIR / "taxonomy" / "reference_families.csv"
ENGINEERING = ("software_engineering",)
PRODUCT = "product_management"


# --------------------------------------------------------------------------- intervals


def wilson_interval(successes, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (:func:`trendlab.measure.shares.wilson_interval`); scalars in, scalars out.

    Examples
    --------
    >>> lo, hi = wilson_interval(81, 263)  # Newcombe (1998), example (a)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2553, 0.3662)
    """
    from trendlab.measure.shares import wilson_interval as _wilson

    lo, hi = _wilson(successes, n, alpha)
    if np.ndim(successes) == 0 and np.ndim(n) == 0:
        return lo[0], hi[0]
    return lo, hi


def poisson_rate_interval(events, exposure, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson rate ``events / exposure``.

    Lower ``chi2(alpha/2, 2k) / 2E``, upper ``chi2(1-alpha/2, 2k+2) / 2E``; NaN for zero
    exposure.

    Examples
    --------
    >>> lo, hi = poisson_rate_interval(0, 10.0)
    >>> float(lo), round(float(hi), 4)  # 3.689 / 10: the "rule of 3.7" for k = 0
    (0.0, 0.3689)
    """
    k = np.atleast_1d(np.asarray(events, dtype=float))
    e = np.atleast_1d(np.asarray(exposure, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0) / e
        hi = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2 / e
    lo = np.where(e > 0, lo, np.nan)
    hi = np.where(e > 0, hi, np.nan)
    if np.ndim(events) == 0 and np.ndim(exposure) == 0:
        return lo[0], hi[0]
    return lo, hi


def format_estimate(
    estimate: float,
    ci_low: float,
    ci_high: float,
    *,
    scale: float = 100.0,
    unit: str = "%",
    digits: int = 1,
    level: int = 95,
) -> str:
    """An estimate and its interval as a short phrase for report text.

    ``scale`` multiplies all three numbers (100 for percentages, 1000 for a rate per 1,000
    person-years). A one-character ``unit`` (``%``) is written after the estimate and both
    bounds; a longer one only after the estimate. Missing values read ``n/a``.

    Examples
    --------
    >>> format_estimate(37 / 2178, 0.01235, 0.02333)
    '1.7% (95% CI 1.2%–2.3%)'
    >>> format_estimate(0.00486, 0.00334, 0.00682, scale=1000, unit=" per 1,000 engineer-years")
    '4.9 per 1,000 engineer-years (95% CI 3.3–6.8)'
    """

    def num(x: float) -> str:
        return "n/a" if x is None or pd.isna(x) else f"{float(x) * scale:,.{digits}f}"

    short = unit if len(unit) <= 1 else ""
    return (f"{num(estimate)}{unit} ({level}% CI {num(ci_low)}{short}–"
            f"{num(ci_high)}{short})")


# --------------------------------------------------------------------------- role families


@cache
def load_family_map(path: Path = FAMILY_MAP_FILE) -> pd.DataFrame:
    """The ESCO occupation -> role family map (``taxonomy/esco_role_families.csv``).

    Rows with a label (and, where known, an ESCO code) map one occupation; rows with only an
    ``isco_group`` give the default for codes of that 4-digit ISCO group.

    Examples
    --------
    >>> m = load_family_map()
    >>> m.loc[m.esco_label == "ict product manager", "role_family"].item()
    'product_management'
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"esco_label", "esco_code", "isco_group", "role_family", "subfamily"}
    if need - set(df.columns):
        raise ValueError(f"{path}: lacks columns {sorted(need - set(df.columns))}")
    for c in ("esco_label", "esco_code"):
        vals = df.loc[df[c] != "", c]
        if vals.duplicated().any():
            raise ValueError(f"{path}: duplicate {c} {sorted(set(vals[vals.duplicated()]))}")
    return df


def assign_role_families(spells: pd.DataFrame, family_map: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``role_family``, ``role_subfamily`` and ``family_source`` to spells.

    Matching order: exact ESCO code, exact occupation label, then the ISCO-group default of the
    code's first four digits; anything else is ``other`` with ``family_source == "unmapped"``
    (counted, not dropped: the full datasets hold thousands of non-ICT occupations).

    Examples
    --------
    >>> s = pd.DataFrame({"occupation_label": ["ict product manager", None, "baker"],
    ...                   "esco_code": [None, "2512.9", None]})
    >>> assign_role_families(s)[["role_family", "family_source"]].values.tolist()
    [['product_management', 'label'], ['software_engineering', 'isco_group'], ['other', 'unmapped']]
    """
    fm = load_family_map() if family_map is None else family_map
    out = spells.copy()
    label = out["occupation_label"].astype("string").str.strip().str.lower()
    code = out["esco_code"].astype("string").str.strip()
    by_code = fm[fm["esco_code"] != ""].set_index("esco_code")
    by_label = fm[fm["esco_label"] != ""].set_index("esco_label")
    groups = fm[(fm["esco_label"] == "") & (fm["esco_code"] == "")].set_index("isco_group")
    isco = code.str.extract(r"^(\d{4})", expand=False)
    fam = pd.Series(pd.NA, index=out.index, dtype="string")
    sub = pd.Series(pd.NA, index=out.index, dtype="string")
    src = pd.Series("unmapped", index=out.index, dtype="string")
    for key, table, name in ((code, by_code, "code"), (label, by_label, "label"),
                             (isco, groups, "isco_group")):
        hit = fam.isna() & key.isin(table.index).fillna(False)
        fam[hit] = key[hit].map(table["role_family"])
        sub[hit] = key[hit].map(table["subfamily"])
        src[hit] = name
    out["role_family"] = fam.fillna("other").astype("string")
    out["role_subfamily"] = sub.fillna("unmapped").astype("string")
    out["family_source"] = src
    return out


def _with_families(spells: pd.DataFrame) -> pd.DataFrame:
    return spells if "role_family" in spells else assign_role_families(spells)


# --------------------------------------------------------------------------- transition tables


def consecutive_moves(spells: pd.DataFrame) -> pd.DataFrame:
    """Pairs of consecutive spells, person by person, in ``seq`` order.

    Every pair counts, including stays within a family (software developer -> web developer is
    ``software_engineering -> software_engineering``). ``year`` is the calendar year the second
    spell started, when it is dated.

    Returns
    -------
    DataFrame
        ``source, person_id, from_seq, to_seq, from_label, to_label, from_family, to_family,
        year``.

    Examples
    --------
    >>> s = pd.DataFrame({"source": ["x"] * 3, "person_id": ["p"] * 3, "seq": [0, 1, 2],
    ...     "occupation_label": ["software developer", "ict product manager", "web developer"],
    ...     "esco_code": [None] * 3, "start": pd.PeriodIndex(["2001Q1", "2004Q2", None], freq="Q")})
    >>> consecutive_moves(s)[["from_family", "to_family", "year"]].values.tolist()
    [['software_engineering', 'product_management', 2004], ['product_management', 'software_engineering', <NA>]]
    """
    s = _with_families(spells).sort_values(["source", "person_id", "seq"], kind="stable")
    g = s.groupby(["source", "person_id"], sort=False)
    nxt = g.shift(-1)
    has = nxt["seq"].notna()
    start = nxt["start"] if "start" in s else pd.Series(pd.NaT, index=s.index)
    year = start.dt.qyear.where(start.notna()).astype("Int64") if len(s) else start
    moves = pd.DataFrame({
        "source": s["source"],
        "person_id": s["person_id"],
        "from_seq": s["seq"],
        "to_seq": nxt["seq"],
        "from_label": s["occupation_label"],
        "to_label": nxt["occupation_label"],
        "from_family": s["role_family"],
        "to_family": nxt["role_family"],
        "year": year,
    })[has]
    return moves.astype({"from_seq": "Int64", "to_seq": "Int64"}).reset_index(drop=True)


def transition_table(moves: pd.DataFrame, *, by_year: bool = False) -> pd.DataFrame:
    """Count moves by (source, from family, to family[, year]) as a ``transitions`` table.

    ``period`` is the year as text when ``by_year`` (moves without a date are left out and
    their number is in ``attrs["undated_moves"]``), NA otherwise.

    Examples
    --------
    >>> m = pd.DataFrame({"source": ["x", "x"], "from_family": ["a", "a"],
    ...                   "to_family": ["b", "b"], "year": [2001, 2001]})
    >>> transition_table(m)[["from_family", "to_family", "count"]].values.tolist()
    [['a', 'b', 2]]
    """
    keys = ["source", "from_family", "to_family"]
    m = moves
    undated = 0
    if by_year:
        undated = int(m["year"].isna().sum())
        m = m[m["year"].notna()].assign(period=lambda d: d["year"].astype("Int64").astype(str))
        keys = keys + ["period"]
    counts = m.groupby(keys, dropna=False).size().rename("count").reset_index()
    if not by_year:
        counts["period"] = pd.NA
    out = pd.DataFrame({
        "from_family": counts["from_family"].astype("string"),
        "to_family": counts["to_family"].astype("string"),
        "period": counts["period"].astype("string"),
        "count": counts["count"].astype("Int64"),
        "source": counts["source"].astype("string"),
    })
    out = TRANSITIONS.validate(out.sort_values(["source", "period", "from_family", "to_family"])
                               .reset_index(drop=True))
    out.attrs["undated_moves"] = undated
    return out


def transition_shares(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Row shares of a ``transitions`` table: of the moves out of a family, the share to each.

    Adds ``n`` (moves out of ``from_family`` in that source and period), ``share`` and a
    Wilson interval (``ci_low``, ``ci_high``).

    Examples
    --------
    >>> t = pd.DataFrame({"from_family": ["a", "a"], "to_family": ["a", "b"],
    ...                   "period": [pd.NA, pd.NA], "count": [3, 1], "source": ["x", "x"]})
    >>> transition_shares(t)[["to_family", "n", "share"]].values.tolist()
    [['a', 4, 0.75], ['b', 4, 0.25]]
    """
    t = table.copy()
    keys = ["source", "period", "from_family"]
    t["n"] = t.groupby(keys, dropna=False)["count"].transform("sum").astype("Int64")
    k = t["count"].astype(float).to_numpy()
    n = t["n"].astype(float).to_numpy()
    lo, hi = wilson_interval(k, n, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["share"] = pd.array(np.where(n > 0, k / n, np.nan), dtype="Float64")
    t["ci_low"] = pd.array(lo, dtype="Float64")
    t["ci_high"] = pd.array(hi, dtype="Float64")
    return t


def headline_cells(
    shares: pd.DataFrame,
    *,
    engineering: Sequence[str] = ENGINEERING,
    product: str = PRODUCT,
) -> pd.DataFrame:
    """The engineering -> PM cell and its reverse, from :func:`transition_shares` output.

    Cells with no moves are shown with ``count`` 0 (not left out), so a source with no PM
    occupation at all says so.

    Examples
    --------
    >>> headline_cells(transition_shares(transition_table(consecutive_moves(spells))))  # doctest: +SKIP
    """
    rows = []
    for (src, period), g in shares.groupby(["source", "period"], dropna=False, sort=True):
        for a, b in [(e, product) for e in engineering] + [(product, e) for e in engineering]:
            out_of = g[g["from_family"] == a]
            n = int(out_of["count"].sum())
            k = int(out_of.loc[out_of["to_family"] == b, "count"].sum())
            lo, hi = wilson_interval(k, n)
            rows.append({"source": src, "period": period, "from_family": a, "to_family": b,
                         "count": k, "n": n, "share": k / n if n else np.nan,
                         "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows).astype({"count": "Int64", "n": "Int64", "share": "Float64",
                                      "ci_low": "Float64", "ci_high": "Float64"})


# --------------------------------------------------------------------------- dated spells


@dataclass(frozen=True)
class DatedSpells:
    """Spells ready for person-time analysis, and everything left out with its reason.

    ``spells`` has integer quarter ordinals ``start_q``/``end_q`` (``year * 4 + quarter - 1``,
    end inclusive) and ``end_rule`` saying how the end was set: ``given``, ``next_start``
    (open-ended spell closed the quarter before the person's next spell) or
    ``observation_end``.
    """

    spells: pd.DataFrame
    dropped_spells: pd.DataFrame
    dropped_persons: pd.DataFrame
    persons_in: int
    observation_end: pd.Period | None

    def summary(self) -> pd.DataFrame:
        """Counts of dropped spells and persons by reason."""
        s = self.dropped_spells.groupby("reason").size().rename("spells")
        p = self.dropped_persons.groupby("reason").size().rename("persons")
        return pd.concat([s, p], axis=1).fillna(0).astype(int).reset_index()


def _q(period: pd.Period) -> int:
    return int(period.qyear) * 4 + int(period.quarter) - 1


def prepare_dated_spells(
    spells: pd.DataFrame,
    *,
    observation_end: pd.Period | str | None = None,
    undated: str = "drop_person",
    contained: str = "drop",
) -> DatedSpells:
    """Select and close the dated spells that person-time analyses can use.

    Rules, each counted in ``dropped_spells``/``dropped_persons`` with its reason:

    - ``missing_dates``: a spell without a start quarter. With ``undated="drop_person"`` (the
      default) the person's other spells go too (``person_has_undated_spell``), since an undated
      spell could sit anywhere in the sequence — between an engineering and a PM job, say.
    - ``after_observation_end``: a spell starting after ``observation_end``.
    - open-ended spells (no end quarter) are closed the quarter before the person's next spell
      starts; the last one at ``observation_end`` when given, else dropped
      (``open_ended_final``) — its true end (the resume date) is unknown.
    - ``overlapping_spell``: a spell lying inside an earlier spell of the same person and ending
      in an earlier calendar year than it — a concurrent job — when ``contained="drop"``. A
      spell ending in the same year as the one around it is kept: with year-precision dates
      (start Q1, end Q4) a short job after a job change looks contained without being
      concurrent. Partial overlaps (a new job starting before the old one ended) are kept too.

    Parameters
    ----------
    spells : DataFrame
        The ``spells`` table (role families are added when missing).
    observation_end : Period or str, optional
        Last quarter of observation (e.g. the resume collection date), used to close final
        open-ended spells and to drop later starts.
    undated : {"drop_person", "drop_spell"}
    contained : {"drop", "keep"}

    Examples
    --------
    >>> d = prepare_dated_spells(spells, observation_end="2020Q4")  # doctest: +SKIP
    >>> d.summary()  # doctest: +SKIP
    """
    if undated not in ("drop_person", "drop_spell"):
        raise ValueError(f"undated must be 'drop_person' or 'drop_spell', got {undated!r}")
    if contained not in ("drop", "keep"):
        raise ValueError(f"contained must be 'drop' or 'keep', got {contained!r}")
    obs = pd.Period(observation_end, freq="Q") if observation_end is not None else None
    s = _with_families(spells).reset_index(drop=True)
    s["start_q"] = _ordinal(s["start"])
    s["end_q"] = _ordinal(s["end"])
    persons_in = int(s[["source", "person_id"]].drop_duplicates().shape[0])
    drops: list[pd.DataFrame] = []

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal s
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            drops.append(s.loc[mask, ["source", "person_id", "seq"]].assign(reason=reason))
            s = s[~mask].reset_index(drop=True)

    no_start = s["start_q"].isna()
    if undated == "drop_person":
        bad = set(zip(s.loc[no_start, "source"], s.loc[no_start, "person_id"], strict=True))
        drop(no_start, "missing_dates")
        tainted = [k in bad for k in zip(s["source"], s["person_id"], strict=True)]
        drop(pd.Series(tainted, index=s.index, dtype=bool), "person_has_undated_spell")
    else:
        drop(no_start, "missing_dates")
    if obs is not None:
        drop(s["start_q"] > _q(obs), "after_observation_end")

    # close open-ended spells: before the next spell's start, or at observation_end
    s = s.sort_values(["source", "person_id", "start_q", "seq"], kind="stable").reset_index(drop=True)
    nxt_start = s.groupby(["source", "person_id"])["start_q"].shift(-1)
    s["end_rule"] = pd.Series("given", index=s.index, dtype="string")
    open_ = s["end_q"].isna()
    mid = open_ & nxt_start.notna()
    s.loc[mid, "end_q"] = np.maximum(nxt_start[mid] - 1, s.loc[mid, "start_q"])
    s.loc[mid, "end_rule"] = "next_start"
    last = open_ & nxt_start.isna()
    if obs is not None:
        s.loc[last, "end_q"] = _q(obs)
        s.loc[last, "end_rule"] = "observation_end"
    else:
        drop(last, "open_ended_final")
    if obs is not None:
        s["end_q"] = s["end_q"].clip(upper=_q(obs))
    s["end_q"] = s["end_q"].astype("Int64")

    if contained == "drop":
        s = s.sort_values(["source", "person_id", "start_q", "end_q", "seq"],
                          ascending=[True, True, True, False, True], kind="stable")
        s = s.reset_index(drop=True)
        prev_max_end = _prev_cummax(s, "end_q")
        # inside an earlier spell and ending in an earlier calendar year than it: concurrent.
        # Ending in the same year is left alone: with year-precision dates (Q1..Q4) a short
        # job after a job change looks "contained" without being concurrent.
        inside = (s["end_q"] <= prev_max_end) & (s["end_q"] // 4 < prev_max_end // 4)
        drop(inside, "overlapping_spell")

    s = s.sort_values(["source", "person_id", "start_q", "seq"], kind="stable").reset_index(drop=True)
    dropped = (pd.concat(drops, ignore_index=True) if drops
               else pd.DataFrame(columns=["source", "person_id", "seq", "reason"]))
    kept_persons = s[["source", "person_id"]].drop_duplicates()
    all_persons = pd.concat([kept_persons, dropped[["source", "person_id"]]]).drop_duplicates()
    gone = all_persons.merge(kept_persons, how="left", indicator=True)
    gone = gone[gone["_merge"] == "left_only"].drop(columns="_merge")
    first_reason = dropped.groupby(["source", "person_id"])["reason"].first().reset_index()
    dropped_persons = gone.merge(first_reason, on=["source", "person_id"], how="left")
    return DatedSpells(s, dropped, dropped_persons.reset_index(drop=True), persons_in, obs)


def _prev_cummax(df: pd.DataFrame, col: str) -> pd.Series:
    """Running maximum of ``col`` over the earlier rows of the same person (NA for the first)."""
    key = [df["source"], df["person_id"]]
    return df.groupby(key)[col].cummax().groupby(key).shift(1)


def _ordinal(periods: pd.Series) -> pd.Series:
    from trendlab.sources.career_paths import quarter_ordinal

    return quarter_ordinal(periods)


def observation_end_before_gap(starts: pd.Series, *, min_gap_quarters: int = 8) -> pd.Period | None:
    """The last start quarter before the first long run of quarters with no start at all.

    Resume collections end on a date the data seldom state; starts thin out towards it and
    a few stray later starts (typing errors, dates added after collection) sit after a gap.
    This takes the quarter before the first gap of at least ``min_gap_quarters`` empty
    quarters (the latest start when there is no such gap) as the end of observation. NA
    starts are ignored; None when no start is dated.

    Examples
    --------
    >>> q = pd.Series(pd.PeriodIndex(["2019Q4", "2020Q3", "2024Q1", None], freq="Q"))
    >>> observation_end_before_gap(q)
    Period('2020Q3', 'Q-DEC')
    """
    from trendlab.sources.career_paths import quarter_ordinal

    if min_gap_quarters < 1:
        raise ValueError(f"min_gap_quarters must be >= 1, got {min_gap_quarters}")
    q = np.unique(quarter_ordinal(starts).dropna().astype(int).to_numpy())
    if len(q) == 0:
        return None
    # quarters strictly between two consecutive starts carry no start
    long_gap = np.flatnonzero(np.diff(q) - 1 >= min_gap_quarters)
    last = int(q[long_gap[0]]) if len(long_gap) else int(q[-1])
    return pd.Period(year=last // 4, quarter=last % 4 + 1, freq="Q")


# --------------------------------------------------------------------------- rates


def engineering_exposure(
    dated: DatedSpells, *, engineering: Sequence[str] = ENGINEERING
) -> pd.DataFrame:
    """Person-years in an engineering role by source and calendar year (quarter resolution).

    A person's engineering spells are merged first (the union of their quarters), so
    overlapping or concurrent engineering jobs are not counted twice.

    Returns
    -------
    DataFrame
        ``source, year, person_quarters, person_years, persons``.

    Examples
    --------
    >>> engineering_exposure(prepare_dated_spells(spells, observation_end="2020Q1"))  # doctest: +SKIP
    """
    s = dated.spells
    e = s[s["role_family"].isin(engineering)][["source", "person_id", "start_q", "end_q"]]
    if e.empty:
        return pd.DataFrame(columns=["source", "year", "person_quarters", "person_years", "persons"])
    e = e.sort_values(["source", "person_id", "start_q"]).astype({"start_q": int, "end_q": int})
    # merge overlapping/adjacent intervals within a person
    prev_end = _prev_cummax(e, "end_q")
    new_block = prev_end.isna() | (e["start_q"] > prev_end + 1)
    e["block"] = new_block.cumsum()
    merged = e.groupby(["source", "person_id", "block"]).agg(
        start_q=("start_q", "min"), end_q=("end_q", "max")).reset_index()
    # split each interval by calendar year
    merged["y0"] = merged["start_q"] // 4
    merged["y1"] = merged["end_q"] // 4
    merged["year"] = [list(range(a, b + 1)) for a, b in zip(merged["y0"], merged["y1"], strict=True)]
    ex = merged.explode("year")
    ex["year"] = ex["year"].astype(int)
    lo = np.maximum(ex["start_q"], ex["year"] * 4)
    hi = np.minimum(ex["end_q"], ex["year"] * 4 + 3)
    ex["q"] = hi - lo + 1
    out = ex.groupby(["source", "year"]).agg(
        person_quarters=("q", "sum"), persons=("person_id", "nunique")).reset_index()
    out["person_years"] = out["person_quarters"] / 4.0
    return out[["source", "year", "person_quarters", "person_years", "persons"]]


def engineer_pm_moves(
    dated: DatedSpells,
    *,
    engineering: Sequence[str] = ENGINEERING,
    product: str = PRODUCT,
) -> pd.DataFrame:
    """Engineer -> PM moves among dated spells: a PM spell whose predecessor (start order) is an
    engineering spell; dated at the PM spell's start.

    Returns
    -------
    DataFrame
        ``source, person_id, from_seq, to_seq, quarter (int ordinal), year``.

    Examples
    --------
    >>> engineer_pm_moves(prepare_dated_spells(spells))  # doctest: +SKIP
    """
    s = dated.spells
    g = s.groupby(["source", "person_id"], sort=False)
    prev_fam = g["role_family"].shift(1)
    prev_seq = g["seq"].shift(1)
    hit = (s["role_family"] == product) & prev_fam.isin(engineering)
    out = pd.DataFrame({
        "source": s["source"], "person_id": s["person_id"], "from_seq": prev_seq,
        "to_seq": s["seq"], "quarter": s["start_q"],
    })[hit.fillna(False)].reset_index(drop=True)
    out["year"] = (out["quarter"] // 4).astype("Int64")
    return out


def engineer_pm_rates(
    dated: DatedSpells,
    *,
    engineering: Sequence[str] = ENGINEERING,
    product: str = PRODUCT,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Yearly engineer -> PM move rate per engineering person-year, with exact Poisson intervals.

    Returns
    -------
    DataFrame
        ``source, year, moves, person_years, persons, rate, ci_low, ci_high`` (rate per
        person-year; years with exposure or moves, zeros explicit).

    Examples
    --------
    >>> r = engineer_pm_rates(prepare_dated_spells(spells))  # doctest: +SKIP
    """
    ex = engineering_exposure(dated, engineering=engineering)
    mv = engineer_pm_moves(dated, engineering=engineering, product=product)
    ev = mv.groupby(["source", "year"]).size().rename("moves").reset_index()
    ev["year"] = ev["year"].astype(int)
    t = ex.merge(ev, on=["source", "year"], how="outer")
    t["moves"] = t["moves"].fillna(0).astype(int)
    for c in ("person_quarters", "persons"):
        t[c] = t[c].fillna(0).astype(int)
    t["person_years"] = t["person_quarters"] / 4.0
    lo, hi = poisson_rate_interval(t["moves"].to_numpy(), t["person_years"].to_numpy(), alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["rate"] = np.where(t["person_years"] > 0, t["moves"] / t["person_years"], np.nan)
    t["ci_low"], t["ci_high"] = lo, hi
    return t.sort_values(["source", "year"]).reset_index(drop=True)[
        ["source", "year", "moves", "person_years", "persons", "rate", "ci_low", "ci_high"]]


@dataclass(frozen=True)
class RateTrend:
    """Poisson GLM trend of a yearly rate: ``log E[moves] = a + b (year - year0) + log(exposure)``.

    ``estimate`` is the rate ratio per year ``exp(b)``, with its interval and p-value.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    base_rate: float
    year0: int
    years_used: int
    years_skipped: int
    method: str
    result: object = field(repr=False)
    dispersion: float = float("nan")  # Pearson chi2 / residual df of the Poisson fit

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("estimate", "ci_low", "ci_high", "p_value",
                                              "base_rate", "year0", "years_used",
                                              "years_skipped", "dispersion", "method")}


def fit_rate_trend(
    rates: pd.DataFrame,
    *,
    events: str = "moves",
    exposure: str = "person_years",
    time: str = "year",
    years: tuple[int, int] | None = None,
    overdispersion: str | None = "X2",
    alpha: float = 0.05,
) -> RateTrend:
    """Fit a Poisson GLM with a log-exposure offset to yearly counts (statsmodels).

    Years with zero exposure are skipped (counted in ``years_skipped``). With
    ``overdispersion="X2"`` the covariance is scaled by the Pearson chi-square / df
    (quasi-Poisson); ``"X2_floor"`` scales only when that ratio exceeds 1 (with few events
    a ratio below 1 is mostly noise and would narrow the interval below the Poisson one);
    ``None`` keeps the pure Poisson variance. The ratio is reported as ``dispersion``.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2000, 2001], "moves": [10, 20], "person_years": [100.0, 100.0]})
    >>> round(fit_rate_trend(t, overdispersion=None).estimate, 6)
    2.0
    """
    import statsmodels.api as sm

    d = rates.copy()
    if years is not None:
        d = d[(d[time] >= years[0]) & (d[time] <= years[1])]
    use = d[d[exposure] > 0]
    skipped = len(d) - len(use)
    if len(use) < 2:
        raise ValueError(f"need at least two years with exposure to fit a trend, got {len(use)}")
    year0 = int(use[time].min())
    x = sm.add_constant((use[time] - year0).astype(float).to_numpy())
    model = sm.GLM(use[events].astype(float).to_numpy(), x, family=sm.families.Poisson(),
                   offset=np.log(use[exposure].astype(float).to_numpy()))
    if overdispersion not in (None, "X2", "X2_floor"):
        raise ValueError(f"overdispersion must be None, 'X2' or 'X2_floor', got {overdispersion!r}")
    poisson = model.fit()
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else np.nan
    scaled = overdispersion == "X2" or (overdispersion == "X2_floor" and dispersion > 1)
    res = model.fit(scale="X2") if scaled else poisson
    lo, hi = res.conf_int(alpha=alpha)[1]
    variance = (f"covariance scaled by Pearson chi2/df = {dispersion:.2f} (quasi-Poisson)" if scaled
                else "Poisson variance" + (f" (Pearson chi2/df = {dispersion:.2f} <= 1, not scaled)"
                                           if overdispersion == "X2_floor" else ""))
    method = (
        "Poisson GLM, log link, offset log(person-years), linear term in years since "
        f"{year0}; {variance}; Wald {100 * (1 - alpha):.0f}% interval"
    )
    return RateTrend(
        estimate=float(np.exp(res.params[1])), ci_low=float(np.exp(lo)), ci_high=float(np.exp(hi)),
        p_value=float(res.pvalues[1]), base_rate=float(np.exp(res.params[0])), year0=year0,
        years_used=len(use), years_skipped=skipped, method=method, result=res,
        dispersion=dispersion,
    )


# --------------------------------------------------------------------------- survival


def time_to_pm(
    dated: DatedSpells,
    *,
    engineering: Sequence[str] = ENGINEERING,
    product: str = PRODUCT,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Person-level time from the first engineering job to the first PM job after it.

    The clock starts at the start quarter of a person's first engineering spell. The event is
    the start of the first PM spell at or after that quarter; otherwise the person is censored
    at their last observed quarter (the latest spell end). Durations are in years (quarters / 4).

    Returns
    -------
    persons : DataFrame
        ``source, person_id, entry_quarter (int ordinal), entry_year, duration, event``.
    dropped : DataFrame
        ``source, person_id, reason``: ``no_engineering_spell`` (never at risk) and
        ``pm_before_engineering`` (a PM job before the first engineering job: not PM-naive).

    Examples
    --------
    >>> persons, dropped = time_to_pm(prepare_dated_spells(spells))  # doctest: +SKIP
    >>> kaplan_meier(persons["duration"], persons["event"]).survival_at(10)  # doctest: +SKIP
    """
    s = dated.spells
    key = ["source", "person_id"]
    eng = s[s["role_family"].isin(engineering)].groupby(key)["start_q"].min().rename("entry")
    pm_first = s[s["role_family"] == product].groupby(key)["start_q"].min().rename("pm_first")
    last = s.groupby(key)["end_q"].max().rename("last")
    p = pd.concat([eng, pm_first, last], axis=1).reset_index()
    dropped = []
    no_eng = p["entry"].isna()
    dropped.append(p.loc[no_eng, key].assign(reason="no_engineering_spell"))
    p = p[~no_eng]
    before = p["pm_first"].notna() & (p["pm_first"] < p["entry"])
    dropped.append(p.loc[before, key].assign(reason="pm_before_engineering"))
    p = p[~before]
    pm_after = s[s["role_family"] == product].merge(p[key + ["entry"]], on=key)
    pm_after = pm_after[pm_after["start_q"] >= pm_after["entry"]].groupby(key)["start_q"].min()
    p = p.set_index(key)
    p["event_q"] = pm_after
    p = p.reset_index()
    event = p["event_q"].notna()
    stop = p["event_q"].where(event, p["last"])
    persons = pd.DataFrame({
        "source": p["source"], "person_id": p["person_id"],
        "entry_quarter": p["entry"].astype(int), "entry_year": (p["entry"] // 4).astype(int),
        "duration": (stop - p["entry"]).astype(float) / 4.0, "event": event.astype(bool),
    }).reset_index(drop=True)
    return persons, pd.concat(dropped, ignore_index=True)


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier estimate with Greenwood standard errors and log(-log) pointwise intervals."""

    table: pd.DataFrame
    median: float
    n: int
    events: int
    method: str
    result: object = field(repr=False)

    def survival_at(self, t: float) -> float:
        """S(t): the estimate at the last event time <= t (1 before the first event)."""
        tab = self.table[self.table["time"] <= t]
        return 1.0 if tab.empty else float(tab["survival"].iloc[-1])


def kaplan_meier(durations, events, *, alpha: float = 0.05) -> KaplanMeier:
    """Kaplan-Meier survival via ``statsmodels.duration.survfunc.SurvfuncRight``.

    Pointwise intervals use the log(-log) transform of S with Greenwood's variance (Kalbfleisch &
    Prentice 2002, sec. 1.4); they are NA where S is 0 or 1.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 3], [1, 0, 1])
    >>> km.table["survival"].round(4).tolist()
    [0.6667, 0.0]
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    sf = SurvfuncRight(t, e)
    surv = np.asarray(sf.surv_prob, dtype=float)
    se = np.asarray(sf.surv_prob_se, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.log(-np.log(surv))
        se_theta = se / (surv * np.abs(np.log(surv)))
        lo = np.exp(-np.exp(theta + z * se_theta))
        hi = np.exp(-np.exp(theta - z * se_theta))
    inside = (surv > 0) & (surv < 1)
    table = pd.DataFrame({
        "time": np.asarray(sf.surv_times, dtype=float),
        "n_risk": np.asarray(sf.n_risk, dtype=int),
        "n_events": np.asarray(sf.n_events, dtype=int),
        "survival": surv,
        "se": se,
        "ci_low": np.where(inside, lo, np.nan),
        "ci_high": np.where(inside, hi, np.nan),
    })
    below = table[table["survival"] <= 0.5]
    median = float(below["time"].iloc[0]) if len(below) else float("nan")
    return KaplanMeier(table, median, int(len(t)), int(e.sum()),
                       "Kaplan-Meier (statsmodels SurvfuncRight), Greenwood SE, log(-log) "
                       f"{100 * (1 - alpha):.0f}% pointwise intervals", sf)


@dataclass(frozen=True)
class CoxFit:
    """Cox proportional-hazards fit: hazard ratios with Wald intervals."""

    table: pd.DataFrame
    n: int
    events: int
    method: str
    result: object = field(repr=False)


def fit_cox(
    durations, events, covariates: pd.DataFrame, *, ties: str = "breslow", alpha: float = 0.05
) -> CoxFit:
    """Cox model via ``statsmodels.duration.hazard_regression.PHReg``.

    Examples
    --------
    >>> fit = fit_cox(durations, events, pd.DataFrame({"x": x}))  # doctest: +SKIP
    >>> fit.table.loc["x", "hazard_ratio"]  # doctest: +SKIP
    """
    from statsmodels.duration.hazard_regression import PHReg

    X = covariates.astype(float)
    res = PHReg(np.asarray(durations, dtype=float), X.to_numpy(),
                status=np.asarray(events, dtype=int), ties=ties).fit()
    ci = np.asarray(res.conf_int(alpha=alpha))
    table = pd.DataFrame({
        "coef": res.params, "se": res.bse, "hazard_ratio": np.exp(res.params),
        "ci_low": np.exp(ci[:, 0]), "ci_high": np.exp(ci[:, 1]), "p_value": res.pvalues,
    }, index=list(X.columns))
    return CoxFit(table, int(len(X)), int(np.sum(events)),
                  f"Cox proportional hazards (statsmodels PHReg, {ties} ties), Wald intervals", res)


def cox_by_entry_cohort(
    persons: pd.DataFrame, *, edges: Sequence[int], reference: str | None = None
) -> CoxFit:
    """Cox model of time to first PM job with entry-year cohorts as covariates.

    ``edges`` cut ``entry_year`` into cohorts ``[e0, e1), [e1, e2), ...``; people outside are
    left out (their count is in ``result`` via ``n``). The first cohort is the reference unless
    ``reference`` names another.

    Examples
    --------
    >>> fit = cox_by_entry_cohort(persons, edges=[1990, 2000, 2010, 2021])  # doctest: +SKIP
    """
    labels = [f"{a}-{b - 1}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    cohort = pd.cut(persons["entry_year"], bins=list(edges), right=False, labels=labels)
    d = persons.assign(cohort=cohort)[cohort.notna()]
    ref = reference or labels[0]
    dummies = pd.get_dummies(d["cohort"].astype(str), dtype=float)
    present = [c for c in labels if c in dummies.columns and c != ref]
    if not present:
        raise ValueError("need people in at least two cohorts")
    return fit_cox(d["duration"], d["event"].astype(int), dummies[present])


# --------------------------------------------------------------------------- one call


@dataclass(frozen=True)
class EngineerPMSummary:
    """The career-path answer in one object (see :func:`engineer_to_pm_summary`)."""

    headline: pd.DataFrame  # engineering -> PM and PM -> engineering cells, all moves
    shares: pd.DataFrame  # full transition table with row shares
    rates: pd.DataFrame  # yearly dated rates (sources with dates)
    overall_rate: pd.DataFrame  # pooled over the trend years
    trend: RateTrend | None
    km: KaplanMeier | None
    dropped: pd.DataFrame  # dated-analysis exclusions by reason


def engineer_to_pm_summary(
    spells: pd.DataFrame,
    *,
    observation_end: pd.Period | str | None = None,
    trend_years: tuple[int, int] | None = None,
    engineering: Sequence[str] = ENGINEERING,
    contained: str = "drop",
) -> EngineerPMSummary:
    """Transition table, yearly rates, trend and time-to-PM for a spells table in one call.

    Dated parts use only sources whose spells have start quarters. ``trend_years`` restricts
    the pooled rate and the trend to years with enough exposure (e.g. ``(1995, 2016)``).

    Examples
    --------
    >>> from trendlab.sources import career_paths
    >>> s = engineer_to_pm_summary(career_paths.load().frame, observation_end="2020Q1",
    ...                            trend_years=(1995, 2016))  # doctest: +SKIP
    >>> s.headline  # doctest: +SKIP
    """
    fam = _with_families(spells)
    shares = transition_shares(transition_table(consecutive_moves(fam)))
    head = headline_cells(shares, engineering=engineering)
    dated_sources = fam.loc[fam["dated"].fillna(False).astype(bool), "source"].unique()
    dated = prepare_dated_spells(fam[fam["source"].isin(dated_sources)],
                                 observation_end=observation_end, contained=contained)
    rates = engineer_pm_rates(dated, engineering=engineering)
    window = rates if trend_years is None else rates[rates["year"].between(*trend_years)]
    pooled = window.groupby("source")[["moves", "person_years"]].sum().reset_index()
    lo, hi = poisson_rate_interval(pooled["moves"].to_numpy(), pooled["person_years"].to_numpy())
    pooled["rate"] = pooled["moves"] / pooled["person_years"]
    pooled["ci_low"], pooled["ci_high"] = lo, hi
    # few events: a Pearson ratio below 1 is noise and must not narrow the interval
    trend = fit_rate_trend(window, overdispersion="X2_floor") if window["person_years"].gt(0).sum() >= 2 else None
    persons, drop_p = time_to_pm(dated, engineering=engineering)
    km = kaplan_meier(persons["duration"], persons["event"]) if len(persons) else None
    dropped = pd.concat([dated.summary(),
                         drop_p.groupby("reason").size().rename("persons").reset_index()
                         .assign(spells=0)], ignore_index=True)
    return EngineerPMSummary(head, shares, rates, pooled, trend, km, dropped)


# --------------------------------------------------------------------------- survey route


def _shares_frame(rows: list[dict], alpha: float) -> pd.DataFrame:
    t = pd.DataFrame(rows)
    lo, hi = wilson_interval(t["successes"].to_numpy(), t["n"].to_numpy(), alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(t["n"] > 0, t["successes"] / t["n"], np.nan)
    out = pd.DataFrame({
        "period": t["period"].astype("string"),
        "population": t["population"].astype("string"),
        "measure": t["measure"].astype("string"),
        "successes": t["successes"].astype("Int64"),
        "n": t["n"].astype("Int64"),
        "share": pd.array(share, dtype="Float64"),
        "ci_low": pd.array(lo, dtype="Float64"),
        "ci_high": pd.array(hi, dtype="Float64"),
        "excluded": t["excluded"].astype("Int64"),
    })
    return SHARES.validate(out)


def _has(families: pd.Series, name: str) -> pd.Series:
    return families.astype("string").str.split(";").map(
        lambda xs: name in xs if isinstance(xs, list) else False).astype(bool)


def survey_pm_coding_shares(
    survey: pd.DataFrame, *, min_years: float = 1.0, alpha: float = 0.05
) -> pd.DataFrame:
    """Per year: of respondents with a product-manager job type, the share who code(d)
    professionally — ``years_code_pro_low >= min_years``.

    ``n`` counts PM respondents who answered the professional-coding question; ``excluded``
    counts PM respondents who did not (or years without the question: 2025), so nothing
    disappears unseen.
    """
    rows = []
    for year, g in survey.groupby("year", sort=True):
        pm = g[_has(g["job_types"], "product_manager")]
        answered = pm["years_code_pro_low"].notna()
        rows.append({"period": str(year), "population": "so-survey: product-manager job type",
                     "measure": f"coded professionally >= {min_years:g} year",
                     "successes": int((pm.loc[answered, "years_code_pro_low"] >= min_years).sum()),
                     "n": int(answered.sum()), "excluded": int((~answered).sum())})
    return _shares_frame(rows, alpha)


def survey_dual_role_shares(
    survey: pd.DataFrame,
    *,
    engineering: Sequence[str] = ENGINEERING,
    product: str = PRODUCT,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per year: of respondents who gave a job type, the share giving both an engineering and a
    product-management job type (possible only in multi-select years, 2017..2022).

    ``excluded`` counts respondents with no job type answer.
    """
    rows = []
    for year, g in survey.groupby("year", sort=True):
        answered = g["role_families"].notna()
        fams = g.loc[answered, "role_families"]
        eng = pd.Series(False, index=fams.index)
        for e in engineering:
            eng |= _has(fams, e)
        both = eng & _has(fams, product)
        rows.append({"period": str(year), "population": "so-survey: respondents with a job type",
                     "measure": "engineering and product-management job types",
                     "successes": int(both.sum()), "n": int(answered.sum()),
                     "excluded": int((~answered).sum())})
    return _shares_frame(rows, alpha)


# --------------------------------------------------------------------------- title graph, O*NET


def _default_classifier() -> Callable[[pd.Series], object]:
    try:
        from trendlab.clean.titles import classify_titles
    except ImportError as exc:
        raise ImportError(
            "trendlab.clean.titles.classify_titles is not available; pass a classifier: "
            "title_family_transitions(edges, classify=fn) where fn(Series of titles) returns "
            "role families (a Series, or a DataFrame with a 'role_family' column)"
        ) from exc
    return classify_titles


def title_family_transitions(
    edges: pd.DataFrame,
    classify: Callable[[pd.Series], object] | None = None,
    *,
    include_self_loops: bool = False,
) -> pd.DataFrame:
    """Aggregate title -> title edge counts into role-family transitions.

    Parameters
    ----------
    edges : DataFrame
        ``from_title, to_title, count, source`` (:func:`trendlab.sources.title_graph.load`).
    classify : callable, optional
        Maps a Series of titles to role families (a Series aligned with it, or a DataFrame with
        ``role_family``). Defaults to :func:`trendlab.clean.titles.classify_titles`.
    include_self_loops : bool
        Title -> same title edges record a repeated title, not a move; left out by default
        (their total is in ``attrs["self_loop_count"]``).

    Examples
    --------
    >>> e = pd.DataFrame({"from_title": ["dev", "dev"], "to_title": ["pm", "dev"],
    ...                   "count": [4, 9], "source": ["title-graph"] * 2})
    >>> fam = lambda s: s.map({"dev": "software_engineering", "pm": "product_management"})
    >>> title_family_transitions(e, fam)[["from_family", "to_family", "count"]].values.tolist()
    [['software_engineering', 'product_management', 4]]
    """
    classify = classify or _default_classifier()
    loops = edges["from_title"] == edges["to_title"]
    e = edges if include_self_loops else edges[~loops]
    titles = pd.Series(pd.unique(pd.concat([e["from_title"], e["to_title"]])), dtype="string")
    got = classify(titles)
    fam = got["role_family"] if isinstance(got, pd.DataFrame) else pd.Series(got)
    if len(fam) != len(titles):
        raise ValueError(f"classifier returned {len(fam)} families for {len(titles)} titles")
    lookup = dict(zip(titles, fam.astype("string").fillna("other"), strict=True))
    m = pd.DataFrame({
        "source": e["source"], "from_family": e["from_title"].map(lookup),
        "to_family": e["to_title"].map(lookup), "n": e["count"].astype(int),
    })
    agg = m.groupby(["source", "from_family", "to_family"]).agg(count=("n", "sum")).reset_index()
    out = pd.DataFrame({
        "from_family": agg["from_family"].astype("string"),
        "to_family": agg["to_family"].astype("string"),
        "period": pd.Series(pd.NA, index=agg.index, dtype="string"),
        "count": agg["count"].astype("Int64"),
        "source": agg["source"].astype("string"),
    })
    out = TRANSITIONS.validate(out)
    out.attrs["self_loop_count"] = int(edges.loc[loops, "count"].sum())
    return out


def onet_code_families(path: Path = REFERENCE_FAMILIES_FILE) -> pd.Series:
    """O*NET-SOC code (or SOC prefix) -> role family, from ``taxonomy/reference_families.csv``.

    The input for :func:`onet_related_transitions`. O*NET has no product-manager
    occupation (it files product managers under 11-2021 Marketing Managers), so no code maps
    to ``product_management``.

    Examples
    --------
    >>> onet_code_families()["15-1252"]
    'software_engineering'
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"system", "code", "role_family"}
    if need - set(df.columns):
        raise ValueError(f"{path}: lacks columns {sorted(need - set(df.columns))}")
    rows = df[(df["system"] == "onet") & (df["code"] != "")]
    dup = rows["code"][rows["code"].duplicated()]
    if len(dup):
        raise ValueError(f"{path}: O*NET code(s) listed twice: {sorted(set(dup))}")
    return pd.Series(rows["role_family"].to_numpy(), index=rows["code"].to_numpy(),
                     name="role_family", dtype="string")


_ONET_FROM = ("O*NET-SOC Code", "onet_soc_code", "soc_code", "code")
_ONET_TO = ("Related O*NET-SOC Code", "related_onet_soc_code", "related_soc_code", "related_code")


def onet_related_transitions(
    related: pd.DataFrame,
    code_families: Mapping[str, str] | pd.Series,
    *,
    tiers: Sequence[str] | None = None,
) -> pd.DataFrame:
    """O*NET related-occupation links aggregated to role families (a static adjacency).

    ``count`` is the number of occupation-to-related-occupation links between two families —
    O*NET's judgement of similarity, not people moving. A code is looked up as given, then by
    its SOC prefix (``15-1252.00`` -> ``15-1252``); codes in neither are ``other``. ``tiers`` keeps only some ``Relatedness Tier`` values (e.g. ``Primary-Short``).

    Examples
    --------
    >>> r = pd.DataFrame({"O*NET-SOC Code": ["15-1252.00"], "Related O*NET-SOC Code": ["11-2021.00"]})
    >>> fams = {"15-1252.00": "software_engineering", "11-2021.00": "product_management"}
    >>> onet_related_transitions(r, fams)[["from_family", "to_family", "count"]].values.tolist()
    [['software_engineering', 'product_management', 1]]
    """
    a = next((c for c in _ONET_FROM if c in related.columns), None)
    b = next((c for c in _ONET_TO if c in related.columns), None)
    if a is None or b is None:
        raise ValueError(
            f"related occupations frame needs a code and a related-code column "
            f"(one of {_ONET_FROM} and {_ONET_TO}); found {list(related.columns)}"
        )
    r = related
    if tiers is not None:
        tier = next((c for c in ("Relatedness Tier", "relatedness_tier", "tier") if c in r), None)
        if tier is None:
            raise ValueError("tiers given but the frame has no relatedness-tier column")
        r = r[r[tier].isin(tiers)]
    fam = pd.Series(code_families) if not isinstance(code_families, pd.Series) else code_families

    def family(codes: pd.Series) -> pd.Series:
        # exact O*NET-SOC code first (15-1252.00), then its SOC prefix (15-1252)
        exact = codes.map(fam)
        return exact.fillna(codes.astype("string").str.split(".").str[0].map(fam)).fillna("other")

    m = pd.DataFrame({"from_family": family(r[a]), "to_family": family(r[b])})
    agg = m.groupby(["from_family", "to_family"]).size().rename("count").reset_index()
    return TRANSITIONS.validate(pd.DataFrame({
        "from_family": agg["from_family"].astype("string"),
        "to_family": agg["to_family"].astype("string"),
        "period": pd.Series(pd.NA, index=agg.index, dtype="string"),
        "count": agg["count"].astype("Int64"),
        "source": pd.Series("onet-related", index=agg.index, dtype="string"),
    }))


# --------------------------------------------------------------------------- demand side


def pm_engineering_background_shares(
    roles: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    product: str = PRODUCT,
    skill_family: str = "eng_background",
    freq: str = "year",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per period: of product-management roles with requirement text, the share asking for an
    engineering background (required; and required or preferred).

    Parameters
    ----------
    roles : DataFrame
        The ``roles`` table (``posting_id, role_index, month, role_family``). Not modified.
    flags : DataFrame
        One row per role (:func:`trendlab.clean.skills.skill_flags`): ``posting_id,
        role_index``, ``<skill_family>_required``, ``<skill_family>_preferred`` and, when
        known, ``has_text``.
    skill_family : str
        The skill family that stands for an engineering background (a family of
        ``taxonomy/skill_families.csv``).
    freq : {"year", "quarter", "month"}

    Returns
    -------
    DataFrame
        A ``shares`` table, two measures per period, plus ``excluded``: PM roles of the
        period left out of ``n`` because they have no requirement text (``has_text`` False)
        or no row in ``flags``; ``attrs["excluded_reasons"]`` gives the totals by reason.

    Examples
    --------
    >>> roles = pd.DataFrame({"posting_id": ["1", "2", "3"], "role_index": [0, 0, 0],
    ...     "month": ["2015-01"] * 3, "role_family": ["product_management"] * 3})
    >>> flags = pd.DataFrame({"posting_id": ["1", "2", "3"], "role_index": [0, 0, 0],
    ...     "has_text": [True, True, False], "eng_background_required": [True, False, False],
    ...     "eng_background_preferred": [False, True, False]})
    >>> t = pm_engineering_background_shares(roles, flags)
    >>> t[["measure", "successes", "n", "excluded"]].values.tolist()
    [['requires an engineering background', 1, 2, 1], ['requires or prefers an engineering background', 2, 2, 1]]
    """
    from trendlab.measure.shares import to_period

    key = ["posting_id", "role_index"]
    req, pref = f"{skill_family}_required", f"{skill_family}_preferred"
    for name, frame, cols in (("roles", roles, [*key, "month", "role_family"]),
                              ("flags", flags, [*key, req, pref])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise KeyError(f"{name} lacks column(s) {missing}; expected {cols}")
    if flags.duplicated(key).any():
        first = flags.loc[flags.duplicated(key), key].iloc[0].tolist()
        raise ValueError(f"flags has more than one row for a role, first {first}")
    keep = [*key, req, pref] + (["has_text"] if "has_text" in flags.columns else [])
    pm = roles.loc[roles["role_family"] == product, [*key, "month"]]
    pm = pm.astype({"posting_id": "string", "role_index": "Int64"})
    f = flags[keep].astype({"posting_id": "string", "role_index": "Int64"})
    m = pm.merge(f, on=key, how="left", indicator=True)
    no_row = m["_merge"].eq("left_only")
    no_text = ~no_row & (m["has_text"].eq(False).fillna(False) if "has_text" in m else False)
    use = ~no_row & ~no_text
    m["period"] = to_period(m["month"], freq) if len(m) else pd.Series(dtype="string")
    rows = []
    for period, g in m.groupby("period", sort=True):
        u = use[g.index]
        r = g.loc[u, req].astype(bool)
        rp = r | g.loc[u, pref].astype(bool)
        excluded = int((~u).sum())
        for measure, hit in (("requires an engineering background", r),
                             ("requires or prefers an engineering background", rp)):
            rows.append({"period": str(period), "population": "product-management roles with text",
                         "measure": measure, "successes": int(hit.sum()), "n": int(u.sum()),
                         "excluded": excluded})
    if not rows:
        out = SHARES.validate(pd.DataFrame({
            "period": pd.Series(dtype="string"), "population": pd.Series(dtype="string"),
            "measure": pd.Series(dtype="string"), "successes": pd.Series(dtype="Int64"),
            "n": pd.Series(dtype="Int64"), "share": pd.Series(dtype="Float64"),
            "ci_low": pd.Series(dtype="Float64"), "ci_high": pd.Series(dtype="Float64"),
            "excluded": pd.Series(dtype="Int64")}))
    else:
        out = _shares_frame(rows, alpha)
    out.attrs["excluded_reasons"] = {"no_requirement_text": int(no_text.sum()),
                                     "no_flags_row": int(no_row.sum())}
    return out


__all__ = [
    "DatedSpells",
    "CoxFit",
    "EngineerPMSummary",
    "KaplanMeier",
    "RateTrend",
    "assign_role_families",
    "consecutive_moves",
    "cox_by_entry_cohort",
    "engineer_pm_moves",
    "engineer_pm_rates",
    "engineer_to_pm_summary",
    "engineering_exposure",
    "fit_cox",
    "fit_rate_trend",
    "format_estimate",
    "headline_cells",
    "kaplan_meier",
    "load_family_map",
    "observation_end_before_gap",
    "onet_code_families",
    "onet_related_transitions",
    "pm_engineering_background_shares",
    "poisson_rate_interval",
    "prepare_dated_spells",
    "survey_dual_role_shares",
    "survey_pm_coding_shares",
    "time_to_pm",
    "title_family_transitions",
    "transition_shares",
    "transition_table",
    "wilson_interval",
]
