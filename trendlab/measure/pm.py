"""How often product-management roles ask for technical and build skills.

The PM-specific measures, built on :mod:`trendlab.measure.shares`:

- :func:`pm_roles` -- one tidy row per advertised PM role of the HN posts, as the post labeller
  (:func:`trendlab.label.pm_role_asks`, the ``pm_asks`` table) reads it: month, whether the
  role states requirements, whether it requires a technical skill or has a technical title,
  an engineering background, its skill families (``<family>_required``, ``<family>_any`` =
  required or preferred), its title signal (``technical_pm``), its ad (``ad_id``) and whether
  it is the ad's first appearance (``first_seen``). The labeller is the instrument whose rates
  ``trendlab evaluate`` measures, so the corrected shares correct the very classifier that
  produced them.
  :func:`pm_title_roles` does the same for the machine-extracted titles (2022-12..2025-10),
  which carry a title and nothing else.
- :func:`pm_shares` -- the ``shares`` table for every measure, period (month, quarter, year),
  corpus, series (all postings or unique ads) and denominator, with Wilson intervals, small
  cells flagged and every gap explicit. :func:`pm_role_counts` -- how many PM roles there are
  and what share of all roles they make.
- :func:`read_rates` and :func:`add_pm_corrected` -- Rogan-Gladen corrected shares from the
  labeller's sensitivity and specificity, measured per post on the newest blind development posts and
  applied per role (most PM posts hold one PM role). The per-family shares have no measured
  rates and stay uncorrected.
- :func:`fit_pm_models` -- the trend, seasonality, break and window comparison on one monthly
  series, with the 2012-2018 window fitted on its own.
- :func:`example_quotes` -- short quotes of matched requirement text, for a reader to check.

Three denominators, always labelled
-----------------------------------
``all``
    Every PM role. A role whose post lists only a title and a link counts as not asking.
``stated``
    PM roles that state requirements (the labeller's ``requirements_stated``: duties, asks or
    qualities of their own, or asks addressed to every hire): "no requirement stated" is not
    "no technical requirement", so this is the share among roles where an ask could have been
    read at all.
``title``
    Every PM role, measured by its title alone: the share with a technical PM title
    ("Technical Product Manager", "Data Product Manager", ...). The only measure the
    extracted-title source supports.

Examples
--------
>>> from trendlab.measure import pm
>>> pm.DENOMINATORS["stated"]
'PM roles stating requirements'
"""

from __future__ import annotations

import csv
import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trendlab import config
from trendlab.measure.shares import (
    ClassifierRates,
    add_corrected,
    complete_periods,
    period_ordinal,
    share_table,
    to_period,
)
from trendlab.sources import Loaded, quarantine_frame

#: Corpus labels: the HN posts with text, and the machine-extracted titles without text.
PM_CORPUS = "hn-posts"
TITLE_CORPUS = "hn-extracted-titles"
CORPUS_LABELS = {
    PM_CORPUS: "HN posts (text)",
    TITLE_CORPUS: "HN extracted titles (no text)",
}
DENOMINATORS = {
    "all": "all PM roles",
    "stated": "PM roles stating requirements",
    "title": "all PM roles (title signal)",
}
SERIES = {"all": "all postings", "unique": "unique ads"}
BASES = {"required": "required", "any": "required or preferred"}
#: Cells with fewer roles are flagged ``small_cell`` (and drawn hollow).
DEFAULT_MIN_N = 30
#: Skill groups whose families are reported one by one (from ``taxonomy/skill_families.csv``).
REPORTED_GROUPS = ("technical", "low_code")
TECHNICAL_GROUP = "technical"
#: Measures that have measured classifier rates: measure key -> ``measure`` in ``rates.csv``.
RATE_MEASURES = {
    "technical_or_title": "pm_requires_technical",
    "eng_background": "pm_requires_eng_background",
    "requirements_stated": "pm_requirements_stated",
}
#: Fewest labelled positive posts whose sensitivity a correction will use.
MIN_RATE_POSITIVES = 5
#: The split of ``rates.csv`` whose rates correct the shares: posts no labeller rule was designed on.
RATE_SPLIT = "blind4"
#: The labeller's family of a technical ask in general words ("technical enough to ..."), part of the group.
TECHNICAL_ASK_FAMILY = "technical_understanding"
RATE_FILE_COLUMNS = ("measure", "tp", "fn", "tn", "fp")
#: The two windows with posting text, and the month the second opens.
WINDOW_TEXT = ("2012-01", "2018-06")
WINDOW_LATE = ("2026-01", "2026-05")

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|\b[\w.-]+\.(?:com|io|co|org|net|ai|jobs)\b\S*", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")


# --------------------------------------------------------------------------- vocabularies


def rates_path() -> Path:
    """Where ``trendlab evaluate`` writes the tagger's measured rates."""
    return config.PACKAGE_DIR / "evaluation" / "rates.csv"


def pm_role_families(path: Path | None = None) -> list[str]:
    """Role families that count as product management (``counts_as_pm`` in ``role_families.csv``).

    Examples
    --------
    >>> pm_role_families()
    ['product_management']
    """
    path = path or config.PACKAGE_DIR / "taxonomy" / "role_families.csv"
    fams = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("role_family", "counts_as_pm"):
        if col not in fams.columns:
            raise KeyError(f"{path}: column {col!r} missing (has {list(fams.columns)})")
    bad = ~fams["counts_as_pm"].isin(["true", "false"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path}: row {i + 2} counts_as_pm is {fams['counts_as_pm'].iloc[i]!r}; expected true or false")
    return fams.loc[fams["counts_as_pm"] == "true", "role_family"].tolist()


def reported_families() -> pd.DataFrame:
    """The skill families reported one by one: ``family, group, label``, in taxonomy order.

    The families of :data:`REPORTED_GROUPS` (technical and build skills, low-code/no-code).

    Examples
    --------
    >>> reported_families()["family"].tolist()[:3]
    ['coding', 'data_sql', 'apis']
    """
    from trendlab.taxonomy import load_skill_families

    fams = load_skill_families()
    out = fams.loc[fams["group"].isin(REPORTED_GROUPS), ["family", "group", "label"]]
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class MeasureSpec:
    """One measure: its key, the boolean column it counts, its label, basis and denominators."""

    key: str
    column: str
    label: str
    basis: str
    denominators: tuple[str, ...]


def measure_specs(families: pd.DataFrame | None = None) -> list[MeasureSpec]:
    """Every measure :func:`pm_shares` computes, in report order.

    Per reported family and for the technical group as a whole: ``required`` and ``any``
    (required or preferred), over the ``all`` and ``stated`` denominators;
    ``technical_or_title`` (a technical skill required, or a technical title: the definition the
    labelled development set uses, with measured rates) and its ``any`` basis (a technical skill
    asked as preferred too); ``requirements_stated`` over all PM roles; and
    ``technical_title`` over the ``title`` denominator.

    Examples
    --------
    >>> [s.key for s in measure_specs()][-3:]
    ['technical_or_title', 'requirements_stated', 'technical_title']
    """
    fams = reported_families() if families is None else families
    specs: list[MeasureSpec] = []
    both = ("all", "stated")
    entries = [(TECHNICAL_GROUP, "Any technical or build skill")]
    entries += list(zip(fams["family"], fams["label"], strict=True))
    for key, label in entries:
        for basis in BASES:
            specs.append(MeasureSpec(key, f"{key}_{basis}", f"{label} ({BASES[basis]})", basis, both))
    specs.append(
        MeasureSpec("technical_or_title", "technical_or_title", "Technical skill required or technical title", "required", both)
    )
    specs.append(
        MeasureSpec("technical_or_title", "technical_or_title_any",
                    "Technical skill required or preferred, or technical title", "any", both)
    )
    specs.append(MeasureSpec("requirements_stated", "requirements_stated", "States requirements", "stated", ("all",)))
    specs.append(MeasureSpec("technical_title", "technical_pm", "Technical PM title", "title", ("title",)))
    return specs


# --------------------------------------------------------------------------- the PM frame


def _need(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {missing} (has {list(df.columns)})")


#: Columns of the ``pm_asks`` table :func:`pm_roles` reads (see :func:`trendlab.label.pm_asks_table`).
ASK_COLUMNS = (
    "source", "posting_id", "month", "pm_index", "role_index", "role_title", "found_by", "requires_technical",
    "prefers_technical", "requires_eng_background", "requirements_stated", "required_families", "preferred_families",
)


def _families(col: pd.Series) -> list[set[str]]:
    return [set(v.split(";")) if isinstance(v, str) and v else set() for v in col.tolist()]


def pm_roles(
    roles: pd.DataFrame,
    pm_asks: pd.DataFrame,
    postings: pd.DataFrame,
    reposts: pd.DataFrame,
    *,
    families: pd.DataFrame | None = None,
    pm_families: Sequence[str] | None = None,
) -> Loaded:
    """One row per advertised PM role of the HN posts, with everything the measures count.

    The PM roles and what they ask are the post labeller's (the ``pm_asks`` table, one row per
    PM role: :func:`trendlab.label.pm_asks_table`); the ``roles`` table adds each role's own
    text (for quotes) and title signal.

    Parameters
    ----------
    roles : DataFrame
        The ``roles`` table (``posting_id, role_index, role_family, technical_pm,
        product_owner, requirements_text``). Not modified.
    pm_asks : DataFrame
        The ``pm_asks`` table (:data:`ASK_COLUMNS`). Not modified.
    postings : DataFrame
        The ``postings`` table (``posting_id, partial_month, url``).
    reposts : DataFrame
        :func:`trendlab.clean.reposts.find_reposts` of the postings (``posting_id, ad_id,
        first_seen``).
    families : DataFrame, optional
        Reported families (default :func:`reported_families`).
    pm_families : sequence of str, optional
        Role families counted as PM by the title classifier (default :func:`pm_role_families`):
        a role of ``roles`` in one of them that the labeller does not read as a PM role is set
        aside, with its reason.

    Returns
    -------
    Loaded
        ``frame``: ``corpus, archives, posting_id, pm_index, role_index, found_by, month,
        quarter, year, role_title, technical_pm, product_owner, requirements_text,
        requirements_stated, partial_month, url, ad_id, first_seen``, the flags
        ``<family>_required``, ``<family>_preferred``, ``<family>_any`` for every reported
        family and the technical group (``technical_required``: a technical skill or a
        technical ask in general words), ``technical_or_title`` (the labeller's
        ``requires_technical``: a technical skill required, or a technical title, the
        definition of the development set) and ``technical_or_title_any`` (or a technical skill
        asked as preferred); ``eng_background_required`` is the labeller's
        ``requires_eng_background``. ``technical_pm`` is the title classifier's signal (the one
        the extracted titles carry). ``first_seen`` is True for the PM roles of an ad's first
        month with a PM role (the unique-ad series: an ad that first ran for engineers and later
        added a PM counts its PM at that later month). ``quarantine``: PM roles left out, with
        the reason (no posting, no repost row, a PM title the labeller does not read as a PM
        role). ``rows_in`` = the labeller's PM roles + those set aside.

    Examples
    --------
    >>> from trendlab.label import pm_asks_table
    >>> posts = pd.DataFrame({"source": ["hn"], "posting_id": ["5"], "month": ["2015-03"],
    ...     "text": ["Acme | Product Manager | Oslo\\nYou will write SQL against our warehouse."],
    ...     "partial_month": [False], "url": [None]})
    >>> roles = pd.DataFrame({"posting_id": ["5"], "role_index": [0], "role_title": ["Product Manager"],
    ...     "role_family": ["product_management"], "technical_pm": [False], "product_owner": [False],
    ...     "requirements_text": ["You will write SQL against our warehouse."]})
    >>> reps = pd.DataFrame({"posting_id": ["5"], "ad_id": ["5"], "first_seen": [True]})
    >>> out = pm_roles(roles, pm_asks_table(posts, roles), posts, reps).frame
    >>> out[["requirements_stated", "data_sql_required", "technical_or_title"]].values.tolist()
    [[True, True, True]]
    """
    from trendlab.clean.titles import classify_title

    _need(roles, ["posting_id", "role_index", "role_family", "technical_pm", "product_owner", "requirements_text"], "roles")
    _need(pm_asks, ASK_COLUMNS, "pm_asks")
    _need(postings, ["posting_id", "partial_month", "url"], "postings")
    _need(reposts, ["posting_id", "ad_id", "first_seen"], "reposts")
    fams = reported_families() if families is None else families
    fam_list = fams["family"].tolist()
    tech_fams = set(fams.loc[fams["group"] == TECHNICAL_GROUP, "family"]) | {TECHNICAL_ASK_FAMILY}
    pm_fams = list(pm_role_families() if pm_families is None else pm_families)

    key = ["posting_id", "pm_index"]
    asks = pm_asks.astype({"posting_id": "string", "role_index": "Int64"}).reset_index(drop=True)
    if asks.duplicated(key).any():
        r = asks[asks.duplicated(key)].iloc[0]
        raise ValueError(f"pm_asks has duplicate (posting_id, pm_index) ({r['posting_id']!r}, {int(r['pm_index'])})")
    rk = ["posting_id", "role_index"]
    rl = roles[[*rk, "role_family", "technical_pm", "product_owner", "requirements_text"]].astype(
        {"posting_id": "string", "role_index": "Int64"})
    if rl.duplicated(rk).any():
        r = rl[rl.duplicated(rk)].iloc[0]
        raise ValueError(f"roles has duplicate (posting_id, role_index) ({r['posting_id']!r}, {int(r['role_index'])})")
    # PM titles of the roles table the labeller does not read as PM roles: set aside, counted
    read = asks.dropna(subset=["role_index"])[rk]
    pm_titled = rl[rl["role_family"].isin(pm_fams)].merge(read, on=rk, how="left", indicator=True)
    unread = pm_titled[pm_titled["_merge"] == "left_only"]

    post = postings[["posting_id", "partial_month", "url"]].astype({"posting_id": "string"})
    rep = reposts[["posting_id", "ad_id", "first_seen"]].astype({"posting_id": "string", "ad_id": "string"})
    rep = rep.rename(columns={"first_seen": "posting_first_seen"})
    out = asks.merge(rl, on=rk, how="left").merge(post, on="posting_id", how="left", indicator="_post")
    out = out.merge(rep, on="posting_id", how="left", indicator="_rep")
    reasons = pd.Series(pd.NA, index=out.index, dtype="string")
    details = pd.Series(pd.NA, index=out.index, dtype="string")
    checks = [
        (out["_post"] == "left_only", "no_posting", "the role's posting_id is not in postings"),
        (out["_rep"] == "left_only", "no_repost_row", "the role's posting_id is not in reposts"),
        (out["partial_month"].isna(), "partial_flag_missing", "partial_month of the posting is missing"),
    ]
    for mask, reason, detail in checks:
        m = mask.to_numpy(dtype=bool) & reasons.isna().to_numpy()
        reasons[m] = reason
        details[m] = detail
    bad = reasons.notna().to_numpy()
    quarantine = quarantine_frame(
        [
            {"source": s_, "file": None, "record_id": f"{p}#pm{int(i)}", "reason": r, "detail": d}
            for s_, p, i, r, d in zip(out.loc[bad, "source"], out.loc[bad, "posting_id"],
                                      out.loc[bad, "pm_index"], reasons[bad], details[bad], strict=True)
        ]
        + [
            {"source": None, "file": None, "record_id": f"{p}#{int(i)}", "reason": "not_read_as_pm",
             "detail": "a PM title in roles that the labeller does not read as a PM role (a colleague, an aside)"}
            for p, i in zip(unread["posting_id"], unread["role_index"], strict=True)
        ]
    )
    f = out.loc[~bad].drop(columns=["_post", "_rep"]).reset_index(drop=True)

    # the title signal of a role named only in running text comes from its title
    no_row = f["technical_pm"].isna().to_numpy()
    cls = {t: classify_title(t) for t in set(f.loc[no_row, "role_title"].astype(str))}
    technical_pm = f["technical_pm"].astype("boolean").to_numpy(dtype=object)
    product_owner = f["product_owner"].astype("boolean").to_numpy(dtype=object)
    for i in np.flatnonzero(no_row):
        c = cls[str(f["role_title"].iloc[i])]
        technical_pm[i], product_owner[i] = bool(c.technical_pm), bool(c.product_owner)

    frame = pd.DataFrame(
        {
            "corpus": pd.array([PM_CORPUS] * len(f), dtype="string"),
            "archives": f["source"].astype("string"),
            "posting_id": f["posting_id"],
            "pm_index": f["pm_index"].astype("int64"),
            "role_index": f["role_index"],
            "found_by": f["found_by"].astype("string"),
            "month": f["month"].astype("string"),
            "quarter": to_period(f["month"], "quarter").to_numpy(),
            "year": to_period(f["month"], "year").to_numpy(),
            "role_title": f["role_title"].astype("string"),
            "technical_pm": technical_pm.astype(bool),
            "product_owner": pd.Series(product_owner).fillna(False).astype(bool).to_numpy(),
            "requirements_text": f["requirements_text"].astype("string"),
            "requirements_stated": f["requirements_stated"].astype(bool).to_numpy(),
        }
    )
    frame["partial_month"] = f["partial_month"].astype(bool).to_numpy()
    frame["url"] = f["url"].astype("string").to_numpy()
    frame["ad_id"] = f["ad_id"].to_numpy()
    req, pref = _families(f["required_families"]), _families(f["preferred_families"])
    for fam in fam_list:
        r = np.array([fam in x for x in req], dtype=bool)
        frame[f"{fam}_required"] = r
        frame[f"{fam}_preferred"] = np.array([fam in x for x in pref], dtype=bool)
    frame["eng_background_required"] = f["requires_eng_background"].astype(bool).to_numpy()
    frame[f"{TECHNICAL_GROUP}_required"] = np.array([bool(x & tech_fams) for x in req], dtype=bool)
    frame[f"{TECHNICAL_GROUP}_preferred"] = f["prefers_technical"].astype(bool).to_numpy()
    for fam in [TECHNICAL_GROUP, *fam_list]:
        frame[f"{fam}_any"] = frame[f"{fam}_required"] | frame[f"{fam}_preferred"]
    frame["technical_or_title"] = f["requires_technical"].astype(bool).to_numpy()
    frame["technical_or_title_any"] = frame["technical_or_title"] | frame[f"{TECHNICAL_GROUP}_preferred"]
    # unique ads: the PM roles of the first month in which the ad carried a PM role
    first_pm_month = frame.groupby("ad_id")["month"].transform("min")
    frame["first_seen"] = (frame["month"] == first_pm_month).to_numpy(dtype=bool)
    frame["posting_first_seen"] = f["posting_first_seen"].astype(bool).to_numpy()
    frame = frame.sort_values(["month", "posting_id", "pm_index"], kind="stable").reset_index(drop=True)
    return Loaded(frame=frame, quarantine=quarantine, rows_in=len(asks) + len(unread))


def pm_title_roles(
    extracted: pd.DataFrame,
    *,
    pm_families: Sequence[str] | None = None,
) -> Loaded:
    """One row per PM role of the machine-extracted titles (title signal only).

    Parameters
    ----------
    extracted : DataFrame
        ``roles_extracted_classified`` (``posting_id, role_index, month, role_title,
        role_family, technical_pm``). Not modified.

    Returns
    -------
    Loaded
        ``frame``: ``corpus, posting_id, role_index, month, quarter, year, role_title,
        technical_pm``; ``quarantine``: PM roles whose title signal is missing.

    Examples
    --------
    >>> ex = pd.DataFrame({"posting_id": ["1", "2"], "role_index": [0, 0], "month": ["2023-01"] * 2,
    ...     "role_title": ["Technical PM", "Designer"], "role_family": ["product_management", "design"],
    ...     "technical_pm": [True, False]})
    >>> pm_title_roles(ex).frame[["role_title", "technical_pm"]].values.tolist()
    [['Technical PM', True]]
    """
    _need(extracted, ["posting_id", "role_index", "month", "role_title", "role_family", "technical_pm"], "extracted roles")
    pm_fams = list(pm_role_families() if pm_families is None else pm_families)
    pm = extracted[extracted["role_family"].isin(pm_fams)].reset_index(drop=True)
    miss = pm["technical_pm"].isna().to_numpy()
    quarantine = quarantine_frame(
        [
            {"source": TITLE_CORPUS, "file": None, "record_id": f"{p}#{int(i)}",
             "reason": "title_signal_missing", "detail": "technical_pm is missing"}
            for p, i in zip(pm.loc[miss, "posting_id"], pm.loc[miss, "role_index"], strict=True)
        ]
    )
    k = pm.loc[~miss].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "corpus": pd.array([TITLE_CORPUS] * len(k), dtype="string"),
            "posting_id": k["posting_id"].astype("string"),
            "role_index": k["role_index"].astype("Int64"),
            "month": k["month"].astype("string"),
            "quarter": to_period(k["month"], "quarter").to_numpy(),
            "year": to_period(k["month"], "year").to_numpy(),
            "role_title": k["role_title"].astype("string"),
            "technical_pm": k["technical_pm"].astype(bool).to_numpy(),
        }
    )
    return Loaded(frame=frame, quarantine=quarantine, rows_in=len(pm))


def partial_months(postings: pd.DataFrame) -> list[str]:
    """Months whose thread is only partly covered (every posting of the month flagged partial).

    Examples
    --------
    >>> p = pd.DataFrame({"month": ["2014-02", "2014-02", "2014-03"], "partial_month": [True, True, False]})
    >>> partial_months(p)
    ['2014-02']
    """
    _need(postings, ["month", "partial_month"], "postings")
    flag = postings["partial_month"].astype("boolean")
    if flag.isna().any():
        i = int(np.flatnonzero(flag.isna().to_numpy())[0])
        raise ValueError(f"postings: partial_month is missing at row {i} (month {postings['month'].iloc[i]!r})")
    g = flag.astype(bool).groupby(postings["month"].astype(str)).all()
    return sorted(g[g].index.tolist())


# --------------------------------------------------------------------------- shares


def _bracket(table: pd.DataFrame) -> pd.DataFrame:
    """Keep ``ci_low <= share <= ci_high``: at 0/n and n/n the Wilson bounds can miss by one ulp."""
    share = table["share"]
    has = share.notna()
    table["ci_low"] = table["ci_low"].where(~has | (table["ci_low"] <= share), share)
    table["ci_high"] = table["ci_high"].where(~has | (table["ci_high"] >= share), share)
    return table


def _range(frames: Iterable[pd.DataFrame], freq: str) -> tuple[str, str]:
    labels = pd.concat([f[freq].astype(str) for f in frames if len(f)], ignore_index=True)
    if labels.empty:
        raise ValueError("pm_shares: no roles to measure")
    o = period_ordinal(labels.unique(), freq)
    lab = labels.unique()
    return str(lab[o.argmin()]), str(lab[o.argmax()])


def pm_shares(
    pm: pd.DataFrame,
    titles: pd.DataFrame | None = None,
    *,
    freq: str = "month",
    min_n: int = DEFAULT_MIN_N,
    start: str | None = None,
    end: str | None = None,
    partial: dict[str, Sequence[str]] | None = None,
    specs: Sequence[MeasureSpec] | None = None,
    series: Sequence[str] = ("all", "unique"),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The ``shares`` table of every PM measure, with Wilson intervals and every gap explicit.

    Parameters
    ----------
    pm : DataFrame
        :func:`pm_roles` ``.frame``.
    titles : DataFrame, optional
        :func:`pm_title_roles` ``.frame``: adds the title-signal series of the extracted titles
        (that measure only).
    freq : {"month", "quarter", "year"}
    min_n : int
        Cells with fewer roles are flagged ``small_cell``.
    start, end : str, optional
        First and last period at ``freq``; default: the span of the data. Every period in
        between appears for every cell, ``n = 0`` and status ``no data`` where there is none.
    partial : dict, optional
        Corpus -> months only partly covered; a period holding one has status ``partial``
        (its share is usable, its count is not).
    specs : sequence of MeasureSpec, optional
        Default :func:`measure_specs`.
    series : sequence of {"all", "unique"}
        ``all``: every posting; ``unique``: an ad counted once, at its first appearance.

    Returns
    -------
    DataFrame
        ``period, population, measure, corpus, series, denominator, measure_key, basis,
        successes, n, share, ci_low, ci_high, small_cell, status``. ``population`` is the
        denominator's label (:data:`DENOMINATORS`), ``measure`` the measure's label.

    Examples
    --------
    >>> f = pd.DataFrame({"corpus": PM_CORPUS, "month": ["2015-01", "2015-03"], "year": "2015",
    ...     "quarter": "2015Q1", "requirements_stated": [True, True], "technical_required": [True, False],
    ...     "first_seen": [True, True]})
    >>> s = [MeasureSpec("technical", "technical_required", "tech", "required", ("stated",))]
    >>> t = pm_shares(f, specs=s, series=("all",), min_n=1)
    >>> t[["period", "successes", "n", "status"]].values.tolist()
    [['2015-01', 1, 1, 'observed'], ['2015-02', 0, 0, 'no data'], ['2015-03', 0, 1, 'observed']]
    """
    if freq not in ("month", "quarter", "year"):
        raise ValueError(f"pm_shares: freq must be month, quarter or year, got {freq!r}")
    bad = set(series) - set(SERIES)
    if bad:
        raise ValueError(f"pm_shares: unknown series {sorted(bad)}; expected {list(SERIES)}")
    specs = list(measure_specs() if specs is None else specs)
    _need(pm, ["corpus", freq, "requirements_stated", *(["first_seen"] if "unique" in series else [])], "pm")
    frames = [pm] + ([titles] if titles is not None else [])
    lo, hi = _range(frames, freq)
    start, end = start or lo, end or hi
    parts: list[pd.DataFrame] = []
    keys = ["corpus", "series", "denominator", "measure_key", "basis"]
    labels = {(s.key, s.basis): s.label for s in specs}
    for spec in specs:
        if any(d != "title" for d in spec.denominators):
            _need(pm, [spec.column], "pm")

    for ser in series:
        base = pm if ser == "all" else pm[pm["first_seen"].astype(bool)]
        for den in DENOMINATORS:
            here = [s for s in specs if den in s.denominators]
            if not here:
                continue
            units = [base if den != "stated" else base[base["requirements_stated"].astype(bool)]]
            if den == "title" and titles is not None and ser == "all":
                units.append(titles)
            # one long frame (unit x measure), counted in one pass
            long = pd.concat(
                [
                    pd.DataFrame({"corpus": u["corpus"].to_numpy(), freq: u[freq].astype(str).to_numpy(),
                                  "measure_key": s.key, "basis": s.basis, "_y": u[s.column].astype(bool).to_numpy()})
                    for u in units if len(u) for s in here
                ] or [pd.DataFrame(columns=["corpus", freq, "measure_key", "basis", "_y"])],
                ignore_index=True,
            )
            if long.empty:  # no role at all in this selection: nothing to complete
                continue
            t = share_table(long.astype({"_y": bool}), success="_y", by=["corpus", "measure_key", "basis"],
                            population=DENOMINATORS[den], measure="", period_col=freq, alpha=alpha, min_n=min_n)
            t["measure"] = [labels[(k, b)] for k, b in zip(t["measure_key"], t["basis"], strict=True)]
            parts.append(t.assign(series=ser, denominator=den))
    table = pd.concat(parts, ignore_index=True)
    table = table[["period", "population", "measure", *keys, "successes", "n", "share", "ci_low", "ci_high", "small_cell"]]
    out = []
    for corpus, t in table.groupby("corpus", sort=True):
        done = complete_periods(t, start, end, freq, partial=(partial or {}).get(str(corpus)))
        out.append(done)
    res = pd.concat(out, ignore_index=True)
    for c in keys:
        res[c] = res[c].astype("string")
    res["small_cell"] = res["small_cell"].astype("boolean") | (res["n"] < min_n)
    order = {s.key: i for i, s in enumerate(specs)}
    res = res.assign(_o=res["measure_key"].map(order)).sort_values(
        ["corpus", "series", "denominator", "_o", "basis", "period"], kind="stable"
    )
    res = _bracket(res.drop(columns="_o").reset_index(drop=True))
    res.attrs.update(freq=freq, min_n=min_n, start=start, end=end)
    return res


def pm_role_counts(
    roles: pd.DataFrame,
    extracted: pd.DataFrame | None = None,
    *,
    freq: str = "month",
    min_n: int = DEFAULT_MIN_N,
    start: str | None = None,
    end: str | None = None,
    partial: dict[str, Sequence[str]] | None = None,
    pm_families: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How many roles are PM roles, per period and corpus: ``successes`` = PM roles, ``n`` = all roles.

    Parameters
    ----------
    roles : DataFrame
        The ``roles`` table (``month, role_family``).
    extracted : DataFrame, optional
        ``roles_extracted_classified``: adds the extracted-title corpus.

    Returns
    -------
    DataFrame
        A ``shares`` table (population ``all roles``, measure ``PM role``) with ``corpus`` and
        ``status``; in a ``partial`` period the share is usable, the counts are not.

    Examples
    --------
    >>> r = pd.DataFrame({"month": ["2015-01"] * 4, "role_family": ["product_management"] + ["design"] * 3})
    >>> pm_role_counts(r, min_n=1)[["period", "successes", "n", "share"]].values.tolist()
    [['2015-01', 1, 4, 0.25]]
    """
    pm_fams = list(pm_role_families() if pm_families is None else pm_families)
    frames = []
    for corpus, df in ((PM_CORPUS, roles), (TITLE_CORPUS, extracted)):
        if df is None:
            continue
        _need(df, ["month", "role_family"], f"{corpus} roles")
        frames.append(pd.DataFrame({
            "corpus": corpus,
            freq: to_period(df["month"], freq).to_numpy(),
            "is_pm": df["role_family"].isin(pm_fams).to_numpy(dtype=bool),
        }))
    allr = pd.concat(frames, ignore_index=True)
    lo, hi = _range([allr], freq)
    start, end = start or lo, end or hi
    t = share_table(allr, success="is_pm", by=["corpus"], population="all roles", measure="PM role",
                    period_col=freq, min_n=min_n)
    out = [complete_periods(g, start, end, freq, partial=(partial or {}).get(str(c))) for c, g in t.groupby("corpus", sort=True)]
    res = pd.concat(out, ignore_index=True)
    res["corpus"] = res["corpus"].astype("string")
    return _bracket(res)


def pooled_windows(
    shares: pd.DataFrame,
    windows: dict[str, tuple[str, str]] | None = None,
    *,
    min_n: int = DEFAULT_MIN_N,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Pool a monthly :func:`pm_shares` table over windows: one row per cell and window.

    Parameters
    ----------
    shares : DataFrame
        A monthly table from :func:`pm_shares`.
    windows : dict, optional
        Label -> inclusive ``(first month, last month)``; default 2012-2018 and 2026 (the two
        windows with posting text).

    Returns
    -------
    DataFrame
        The key columns of ``shares``, ``window, months, successes, n, share, ci_low,
        ci_high, small_cell`` (Wilson interval on the pooled counts).

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2015-01", "2015-02", "2026-01"], "population": "p", "measure": "m",
    ...     "successes": [1, 2, 3], "n": [10, 10, 5]})
    >>> w = pooled_windows(t, {"a": ("2015-01", "2015-12"), "b": ("2026-01", "2026-05")}, min_n=1)
    >>> w[["window", "successes", "n", "share"]].values.tolist()
    [['a', 3, 20, 0.15], ['b', 3, 5, 0.6]]
    """
    from trendlab.measure.shares import VALUE_COLUMNS, wilson_interval

    windows = windows or {"2012-2018": WINDOW_TEXT, "2026": WINDOW_LATE}
    _need(shares, ["period", "successes", "n"], "shares")
    keys = [c for c in shares.columns if c not in VALUE_COLUMNS]
    per = shares["period"].astype(str)
    parts = []
    for label, (a, b) in windows.items():
        sel = shares[(per >= a) & (per <= b)]
        g = sel.groupby(keys, sort=False, observed=True, dropna=False)
        agg = g.agg(successes=("successes", "sum"), n=("n", "sum")).reset_index()
        agg["months"] = g["n"].apply(lambda s: int((s > 0).sum())).to_numpy()
        agg.insert(len(keys), "window", label)
        parts.append(agg)
    out = pd.concat(parts, ignore_index=True)
    x = out["successes"].to_numpy(dtype=float)
    m = out["n"].to_numpy(dtype=float)
    lo, hi = wilson_interval(x, m, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(m > 0, x / np.where(m > 0, m, 1), np.nan)
    out["successes"] = out["successes"].astype("Int64")
    out["n"] = out["n"].astype("Int64")
    out["share"] = pd.array(share, dtype="Float64")
    out["ci_low"] = pd.array(lo, dtype="Float64")
    out["ci_high"] = pd.array(hi, dtype="Float64")
    for c in ("share", "ci_low", "ci_high"):
        out[c] = out[c].mask(out["n"] == 0)
    out["small_cell"] = pd.array(m < min_n, dtype="boolean")
    return _bracket(out)


# --------------------------------------------------------------------------- correction


def read_rates(path: Path | str | None = None, *, split: str | None = None) -> pd.DataFrame | None:
    """The tagger's measured rates from ``rates.csv``, or None when the file does not exist.

    The file (written by ``trendlab evaluate``) has one row per measure with at least
    ``measure, tp, fn, tn, fp``. When it holds several rows per measure and a column names
    them, the row of ``split`` is used: by default :data:`RATE_SPLIT` (the newest blind posts no rule
    was designed on, whose rates do not flatter the labeller) when the file has it, else the
    whole set (``all``, ``whole`` or ``full``).

    Returns
    -------
    DataFrame or None
        ``measure, tp, fn, tn, fp, sens_tp, sens_n, spec_tn, spec_n, sensitivity,
        specificity``, one row per measure; ``attrs["path"]`` is the file read and
        ``attrs["split"]`` the split whose rows were taken (None: one row per measure).

    Raises
    ------
    ValueError
        A required column is missing, a count is not a whole number >= 0, a measure has no
        labelled positives or negatives, or a measure has several rows that cannot be told apart.

    Examples
    --------
    >>> read_rates("/nonexistent/rates.csv") is None
    True
    """
    path = Path(path) if path is not None else rates_path()
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"{path}: no rows (expected one per measure with columns {list(RATE_FILE_COLUMNS)})")
    missing = [c for c in RATE_FILE_COLUMNS if c not in rows[0]]
    if missing:
        raise ValueError(f"{path}: column(s) {missing} missing; expected at least {list(RATE_FILE_COLUMNS)}")
    df = pd.DataFrame(rows)
    split_col = next((c for c in ("split", "half", "subset", "set", "sample") if c in df.columns), None)
    if df["measure"].duplicated().any():
        if split_col is None:
            m = df.loc[df["measure"].duplicated(), "measure"].iloc[0]
            raise ValueError(f"{path}: measure {m!r} has several rows and no split column to choose the whole set")
        names = df[split_col].str.strip().str.lower()
        want = [split.lower()] if split else ([RATE_SPLIT] if names.eq(RATE_SPLIT).any() else ["all", "whole", "full"])
        df = df[names.isin(want)]
        if df["measure"].duplicated().any() or df.empty:
            raise ValueError(f"{path}: cannot find exactly one row per measure for split {want} in column {split_col!r}")
        chosen = want[0] if len(want) == 1 else "all"
    else:
        chosen = None
    out = {"measure": df["measure"].str.strip().tolist()}
    for c in ("tp", "fn", "tn", "fp"):
        vals = []
        for i, (m, v) in enumerate(zip(df["measure"], df[c], strict=True)):
            try:
                x = float(v)
            except (TypeError, ValueError):
                x = float("nan")
            if not math.isfinite(x) or x < 0 or x != int(x):
                raise ValueError(f"{path}: row {i + 2} (measure {m!r}) field {c!r} is {v!r}; expected a whole number >= 0")
            vals.append(int(x))
        out[c] = vals
    res = pd.DataFrame(out)
    res["sens_tp"], res["sens_n"] = res["tp"], res["tp"] + res["fn"]
    res["spec_tn"], res["spec_n"] = res["tn"], res["tn"] + res["fp"]
    for _, r in res.iterrows():
        if r["sens_n"] < 1 or r["spec_n"] < 1:
            raise ValueError(f"{path}: measure {r['measure']!r} has tp+fn = {r['sens_n']} and tn+fp = {r['spec_n']}; both must be >= 1")
    res["sensitivity"] = res["sens_tp"] / res["sens_n"]
    res["specificity"] = res["spec_tn"] / res["spec_n"]
    res.attrs["path"] = str(path)
    res.attrs["split"] = chosen
    return res


def _shown_path(path: object) -> str:
    """A path as a reader should see it: relative to the project when inside it."""
    p = Path(str(path))
    try:
        return str(p.resolve().relative_to(config.PACKAGE_DIR.parent))
    except ValueError:
        return str(path)


def add_pm_corrected(
    shares: pd.DataFrame,
    rates: pd.DataFrame | None,
    *,
    method: str = "bootstrap",
    n_boot: int = 4000,
    alpha: float = 0.05,
    rate_measures: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Add Rogan-Gladen corrected shares where the labeller's rates were measured.

    Rows of a measure listed in ``rate_measures`` (default :data:`RATE_MEASURES`), basis
    ``required`` or ``stated`` (not ``any``: no rates exist for "required or preferred"), get
    :func:`trendlab.measure.shares.add_corrected` with that measure's sensitivity and
    specificity (parametric bootstrap interval by default, which carries the uncertainty of the
    two rates). Every other row keeps the corrected columns missing, and ``correction`` says
    why: no rates file yet, no rates measured for that measure (the per-family shares), rates
    resting on fewer than :data:`MIN_RATE_POSITIVES` labelled positives, or rates no better
    than chance (sensitivity + specificity <= 1).

    The rates are measured per post on the labelled development set (the split
    ``rates.attrs["split"]``, by default the newest blind posts); applying them to role-level shares,
    and to the ``stated`` subpopulation, assumes the labeller errs at the same rates there
    (most PM posts hold one PM role). The ``correction`` text says so.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2015"], "population": ["all PM roles"], "measure": ["m"],
    ...     "measure_key": ["technical_or_title"], "basis": ["required"], "successes": [30], "n": [100],
    ...     "share": [0.3], "ci_low": [0.2], "ci_high": [0.4]})
    >>> print(add_pm_corrected(t, None)["correction"].iloc[0])
    not corrected: the labeller's rates have not been measured yet (rates.csv absent)
    """
    _need(shares, ["measure_key", "basis", "successes", "n"], "shares")
    rate_measures = RATE_MEASURES if rate_measures is None else rate_measures
    out = shares.reset_index(drop=True).copy()
    out["share_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["ci_low_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["ci_high_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["correction"] = pd.array(["not corrected: no measured rates for this measure"] * len(out), dtype="string")
    if rates is None:
        out["correction"] = "not corrected: the labeller's rates have not been measured yet (rates.csv absent)"
        out["correction"] = out["correction"].astype("string")
        return out
    _need(rates, ["measure", "sens_tp", "sens_n", "spec_tn", "spec_n"], "rates")
    by_measure = rates.set_index("measure")
    src = _shown_path(rates.attrs.get("path", "rates.csv"))
    split = rates.attrs.get("split")
    where = f"the {split} posts of the development set" if split else "the development set"
    for key, rate_name in rate_measures.items():
        rows = (out["measure_key"] == key) & out["basis"].isin(["required", "stated"])
        if not rows.any():
            continue
        if rate_name not in by_measure.index:
            out.loc[rows, "correction"] = f"not corrected: {src} has no row for {rate_name!r}"
            continue
        r = by_measure.loc[rate_name]
        cr = ClassifierRates(int(r["sens_tp"]), int(r["sens_n"]), int(r["spec_tn"]), int(r["spec_n"]))
        measured = (f"sensitivity {cr.sens_tp}/{cr.sens_n}, specificity {cr.spec_tn}/{cr.spec_n} "
                    f"on {where}")
        if cr.sens_n < MIN_RATE_POSITIVES:
            out.loc[rows, "correction"] = (
                f"not corrected: the rates of {rate_name!r} rest on {cr.sens_n} labelled positive post(s) "
                f"(fewer than {MIN_RATE_POSITIVES}; {measured}), too few to measure the sensitivity"
            )
            continue
        if cr.sensitivity + cr.specificity <= 1:
            out.loc[rows, "correction"] = (
                f"not corrected: the measured rates of {rate_name!r} ({measured}) are no better than "
                "chance, so no share can be recovered from them"
            )
            continue
        sub = add_corrected(out.loc[rows, ["successes", "n"]], cr, method=method, n_boot=n_boot, alpha=alpha)
        note = (f"; rates of {rate_name!r} measured per post on {where} ({src}), "
                "assumed to hold for PM roles and for the subpopulation")
        for c in ("share_corrected", "ci_low_corrected", "ci_high_corrected"):
            out.loc[rows, c] = sub[c].to_numpy()
        out.loc[rows, "correction"] = (sub["correction"].astype(str) + np.where(sub["n"].to_numpy() > 0, note, "")).to_numpy()
    return out


# --------------------------------------------------------------------------- models


def model_counts(
    shares: pd.DataFrame,
    *,
    measure_key: str,
    denominator: str,
    basis: str = "required",
    series: str = "all",
    corpus: str = PM_CORPUS,
) -> pd.DataFrame:
    """One monthly series ``month, successes, n`` from a :func:`pm_shares` table, for the models.

    Raises ``ValueError`` when the selection is empty or holds more than one row per period.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2015-01"], "corpus": [PM_CORPUS], "series": ["all"],
    ...     "denominator": ["all"], "measure_key": ["technical"], "basis": ["required"],
    ...     "successes": [2], "n": [9]})
    >>> model_counts(t, measure_key="technical", denominator="all").values.tolist()
    [['2015-01', 2, 9]]
    """
    _need(shares, ["period", "corpus", "series", "denominator", "measure_key", "basis", "successes", "n"], "shares")
    sel = shares[
        (shares["measure_key"] == measure_key) & (shares["denominator"] == denominator)
        & (shares["basis"] == basis) & (shares["series"] == series) & (shares["corpus"] == corpus)
    ]
    what = f"measure {measure_key!r}, denominator {denominator!r}, basis {basis!r}, series {series!r}, corpus {corpus!r}"
    if sel.empty:
        raise ValueError(f"model_counts: no rows for {what}")
    if sel["period"].duplicated().any():
        raise ValueError(f"model_counts: more than one row per period for {what}")
    out = pd.DataFrame({"month": sel["period"].astype(str).to_numpy(),
                        "successes": sel["successes"].astype(int).to_numpy(),
                        "n": sel["n"].astype(int).to_numpy()})
    return out


def _in(counts: pd.DataFrame, window: tuple[str, str]) -> pd.DataFrame:
    m = counts["month"].astype(str)
    return counts[(m >= window[0]) & (m <= window[1])].reset_index(drop=True)


@dataclass(frozen=True)
class PmModels:
    """The models of one monthly series; a model that could not be fitted is None, with the reason.

    Attributes
    ----------
    trend, trend_hac, seasonal, cusum :
        Fitted on the text window 2012-01..2018-06 only (a continuous monthly series):
        binomial GLM trend (quasi-binomial), OLS/HAC cross-check, STL seasonality, OLS-CUSUM.
    trend_all :
        Binomial GLM trend over every month with data (2012-2018 and 2026), across the 7-year gap
        without text: it assumes one logit-linear trend through the gap.
    chow :
        Chow-type test at 2026-01 on every month: does 2026 sit on the 2012-2018 trend carried
        forward (same caveat).
    windows :
        2026 vs 2012-2018: pooled difference (Newcombe) and binomial GLM with a window term.
    errors :
        Model name -> why it was not fitted (an error, or perfect separation).
    warned :
        Model name -> warnings raised while fitting a model that was kept (shown with its reading).
    """

    trend: Any = None
    trend_hac: Any = None
    seasonal: Any = None
    cusum: Any = None
    trend_all: Any = None
    chow: Any = None
    windows: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    warned: dict[str, list[str]] = field(default_factory=dict)

    def fitted(self) -> dict[str, Any]:
        """Name -> result, for the models that were fitted."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("errors", "warned") and getattr(self, f.name) is not None}


MODEL_UNITS = {
    "trend": "pp per year",
    "trend_hac": "pp per year",
    "seasonal": "pp, seasonal swing",
    "cusum": "test statistic",
    "trend_all": "pp per year",
    "chow": "pp, level shift",
    "windows": "pp, difference",
}
MODEL_LABELS = {
    "trend": "Trend 2012-2018 (binomial GLM)",
    "trend_hac": "Trend 2012-2018 (OLS, Newey-West)",
    "seasonal": "Seasonality 2012-2018 (STL)",
    "cusum": "Break, undated, 2012-2018 (CUSUM)",
    "trend_all": "Trend across the gap, all months (binomial GLM)",
    "chow": "Break at 2026-01 vs 2012-2018 trend (Chow)",
    "windows": "2026 vs 2012-2018 (window comparison)",
}


def fit_pm_models(
    counts: pd.DataFrame,
    *,
    within: tuple[str, str] = WINDOW_TEXT,
    late: tuple[str, str] = WINDOW_LATE,
    n_sim: int = 2000,
) -> PmModels:
    """Fit the trend, seasonality, break and window models to one monthly ``month, successes, n`` series.

    The within-window models (trend, HAC cross-check, STL, CUSUM) see ``within`` only. The
    all-months trend and the Chow test at ``late[0]`` span the gap between the windows; the
    window comparison pools each window. A model that cannot be fitted (too few months, a
    series without variation) is None and :attr:`PmModels.errors` says why.

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in range(2012, 2019) for m in range(1, 13)][:78] + ["2026-01", "2026-02"]
    >>> rng = np.random.default_rng(0)
    >>> c = pd.DataFrame({"month": months, "n": 200, "successes": rng.binomial(200, 0.3, len(months))})
    >>> r = fit_pm_models(c, n_sim=200)
    >>> sorted(r.fitted())[:3], abs(r.windows.estimate) < 10
    (['chow', 'cusum', 'seasonal'], True)
    """
    from trendlab import models

    _need(counts, ["month", "successes", "n"], "counts")
    inside = _in(counts, within)
    both = pd.concat([inside, _in(counts, late)], ignore_index=True)
    errors: dict[str, str] = {}
    warned: dict[str, list[str]] = {}

    def attempt(name: str, fn: Callable[[], Any]) -> Any:
        from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = fn()
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as e:
                errors[name] = str(e) or type(e).__name__
                return None
        if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
            # every month at 0% or 100% (or separable by time): the slope is not identified
            errors[name] = "perfect separation: the fitted shares reach 0 or 1, so the estimates are not identified"
            return None
        notes = sorted({str(w.message).splitlines()[0] for w in caught})
        if notes:
            warned[name] = notes
        return res

    res = PmModels(
        trend=attempt("trend", lambda: models.fit_trend(inside, seasonal=False)),
        trend_hac=attempt("trend_hac", lambda: models.fit_trend_ols_hac(inside)),
        seasonal=attempt("seasonal", lambda: models.fit_seasonal(inside)),
        cusum=attempt("cusum", lambda: models.cusum_test(inside, n_sim=n_sim)),
        trend_all=attempt("trend_all", lambda: models.fit_trend(both)),
        chow=attempt("chow", lambda: models.chow_test(both, break_at=late[0])),
        windows=attempt("windows", lambda: models.compare_windows(both, window_a=within, window_b=late)),
        errors=errors,
        warned=warned,
    )
    if res.seasonal is not None and not res.seasonal.fitted:
        errors["seasonal"] = res.seasonal.reason
    return res


def _fmt(v: float, digits: int = 1) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def reading(name: str, r: Any, alpha: float = 0.05) -> str:
    """A plain-language sentence for one fitted model of :class:`PmModels`.

    Examples
    --------
    >>> from trendlab.models import ModelResult
    >>> reading("windows", None)
    'not fitted'
    """
    if r is None:
        return "not fitted"
    sig = math.isfinite(r.p_value) and r.p_value < alpha
    if name in ("trend", "trend_hac", "trend_all"):
        d = "rose" if r.estimate > 0 else "fell"
        ci = f"{_fmt(r.ci_low)} to {_fmt(r.ci_high)} pp"
        if not sig:
            return f"No clear trend: {_fmt(r.estimate)} pp per year (95% CI {ci}; {_p(r.p_value)})."
        return f"The share {d} by about {_fmt(abs(r.estimate))} pp per year (95% CI {ci}; {_p(r.p_value)})."
    if name == "seasonal":
        if not r.fitted:
            return f"Not fitted: {r.reason}."
        s = "a clear" if math.isfinite(r.p_value) and r.p_value < alpha else "no clear"
        return (f"STL seasonal swing of {_fmt(r.estimate)} pp (strength {_fmt(r.strength, 2)} on 0-1); "
                f"month-of-year terms: {_p(r.p_value)}, {s} seasonal pattern.")
    if name == "cusum":
        s = "the path breaks somewhere" if sig else "no sign of a break"
        return f"CUSUM statistic {_fmt(r.statistic, 2)} ({_p(r.p_value)}): {s} within 2012-2018."
    if name == "chow":
        s = "2026 departs from" if sig else "2026 is consistent with"
        return (f"{s} the 2012-2018 trend carried forward (joint test of a level and a slope change: "
                f"{r.test} = {_fmt(r.statistic, 2)}, {_p(r.p_value)}); the level change at 2026-01 alone is "
                f"{_fmt(r.estimate)} pp (95% CI {_fmt(r.ci_low)} to {_fmt(r.ci_high)}), imprecise with "
                f"{r.n_post} month(s) after the break.")
    if name == "windows":
        d = "higher" if r.estimate > 0 else "lower"
        s = "" if sig else " -- not distinguishable from no change"
        return (f"2026: {_fmt(100 * r.share_b)}% ({r.successes_b}/{r.n_b}) vs 2012-2018: "
                f"{_fmt(100 * r.share_a)}% ({r.successes_a}/{r.n_a}), {_fmt(abs(r.estimate))} pp {d} "
                f"(95% CI {_fmt(r.ci_low)} to {_fmt(r.ci_high)}; GLM {_fmt(r.glm_diff_ci_low)} to "
                f"{_fmt(r.glm_diff_ci_high)}; {_p(r.p_value)}){s}.")
    return r.method


def models_table(results: PmModels) -> pd.DataFrame:
    """One row per model: ``model, estimate, unit, ci_low, ci_high, p_value, reading, method``.

    ``estimate`` is each model's headline (pp per year, seasonal amplitude in pp, CUSUM
    statistic, level shift in pp, or difference in pp); models not fitted say why.

    Examples
    --------
    >>> models_table(PmModels(errors={"trend": "too few months"}))["reading"].iloc[0]
    'not fitted: too few months'
    """
    rows = []
    for name, label in MODEL_LABELS.items():
        r = getattr(results, name)
        if r is None:
            rows.append({"model": label, "estimate": np.nan, "unit": MODEL_UNITS[name], "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                         "reading": f"not fitted: {results.errors.get(name, 'no data')}", "method": ""})
            continue
        note = f" (warning while fitting: {'; '.join(results.warned[name])})" if name in results.warned else ""
        rows.append({"model": label, "estimate": r.estimate, "unit": MODEL_UNITS[name], "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "p_value": r.p_value, "reading": reading(name, r) + note, "method": r.method})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- display


def share_label(share: object, ci_low: object, ci_high: object, n: object, min_n: int = DEFAULT_MIN_N) -> str:
    """A share for a report table: ``"29% (8–64) n=7, small"``; ``small`` when ``n < min_n``.

    Percentages are whole numbers from 10% up and carry one decimal below (so that 2.1% and
    2.6% stay apart); a cell without data reads ``"no data"``.

    Examples
    --------
    >>> share_label(0.2857, 0.082, 0.641, 7)
    '29% (8–64) n=7, small'
    >>> share_label(0.021, 0.016, 0.027, 3018)
    '2.1% (1.6–2.7) n=3018'
    >>> share_label(None, None, None, 0)
    'no data'
    """
    if n is None or pd.isna(n) or int(n) == 0 or share is None or pd.isna(share):
        return "no data"
    d = 0 if 100 * float(share) >= 9.95 else 1
    txt = f"{100 * float(share):.{d}f}% ({100 * float(ci_low):.{d}f}–{100 * float(ci_high):.{d}f}) n={int(n)}"
    return txt + (", small" if int(n) < min_n else "")


def share_grid(
    table: pd.DataFrame,
    index: str | list[str],
    columns: str = "period",
    *,
    min_n: int = DEFAULT_MIN_N,
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A shares table as a grid of :func:`share_label` strings (``index`` x ``columns``).

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2015", "2016"], "measure": "m", "share": [0.5, None],
    ...     "ci_low": [0.3, None], "ci_high": [0.7, None], "n": [40, 0]})
    >>> share_grid(t, "measure").values.tolist()
    [['50% (30–70) n=40', 'no data']]
    """
    _need(table, ["share", "ci_low", "ci_high", "n", columns, *([index] if isinstance(index, str) else index)], "table")
    lab = [share_label(s, lo, hi, n, min_n) for s, lo, hi, n in
           zip(table["share"], table["ci_low"], table["ci_high"], table["n"], strict=True)]
    grid = table.assign(_label=lab).pivot(index=index, columns=columns, values="_label")
    grid.columns.name = None
    return grid.rename(columns=rename or {})


# --------------------------------------------------------------------------- examples


def example_quotes(
    pm: pd.DataFrame,
    *,
    family: str,
    k: int = 3,
    width: int = 90,
    seed: int = 20_140_101,
    status: str = "required",
    matcher: Any = None,
) -> pd.DataFrame:
    """Short quotes of requirement text where a family was matched, for a reader to check.

    Draws up to ``k`` PM roles (one per posting, seeded) whose flag ``<family>_<status>`` is
    set, finds the family's first mention of that status in the role's own text with the skill
    matcher, and cuts ``width`` characters either side (at word boundaries, newlines as " / ").
    The matched words are wrapped in ``**``.

    Parameters
    ----------
    pm : DataFrame
        :func:`pm_roles` ``.frame``.
    family : str
        A reported family or the technical group (any technical family).
    matcher : SkillMatcher, optional
        Default :meth:`trendlab.clean.skills.SkillMatcher.from_taxonomy`.

    Returns
    -------
    DataFrame
        ``posting_id, month, role_title, term, status, quote, url``.

    Examples
    --------
    >>> f = pd.DataFrame({"posting_id": ["8"], "month": ["2016-05"], "role_title": ["PM"],
    ...     "requirements_text": ["You know SQL well."], "data_sql_required": [True], "url": [None]})
    >>> example_quotes(f, family="data_sql")["quote"].iloc[0]
    'You know **SQL** well.'
    """
    col = f"{family}_{status}"
    _need(pm, ["posting_id", "month", "role_title", "requirements_text", "url", col], "pm")
    if matcher is None:
        from trendlab.clean.skills import SkillMatcher

        matcher = SkillMatcher.from_taxonomy()
    if family == TECHNICAL_GROUP:
        rep = reported_families()
        fams = set(rep.loc[rep["group"] == TECHNICAL_GROUP, "family"])
    else:
        fams = {family}
    # a role named only in running text has no text of its own to quote
    cand = pm[pm[col].astype(bool) & pm["requirements_text"].notna()].drop_duplicates("posting_id")
    cand = cand.sample(frac=1.0, random_state=seed) if len(cand) else cand
    rows = []
    for r in cand.itertuples(index=False):
        text = r.requirements_text
        hit = next((h for h in matcher.find(text) if h.family in fams and h.status == status), None)
        if hit is None:
            continue
        a = max(0, hit.start - width)
        b = min(len(text), hit.end + width)
        if a > 0:  # start after a space, so that no word is cut
            sp = text.find(" ", a, hit.start)
            a = sp + 1 if sp != -1 else hit.start
        if b < len(text):
            sp = text.rfind(" ", hit.end, b)
            b = sp if sp != -1 else hit.end
        quote = text[a:hit.start] + "**" + text[hit.start:hit.end] + "**" + text[hit.end:b]
        quote = " / ".join(x.strip() for x in quote.splitlines() if x.strip())
        quote = ("… " if a > 0 else "") + quote + (" …" if b < len(text) else "")
        rows.append({"posting_id": r.posting_id, "month": r.month, "role_title": r.role_title,
                     "term": hit.term, "status": hit.status, "quote": quote, "url": r.url})
        if len(rows) >= k:
            break
    return pd.DataFrame(rows, columns=["posting_id", "month", "role_title", "term", "status", "quote", "url"])


# --------------------------------------------------------------------------- one call

#: Processed tables the PM measures read.
INPUT_TABLES = ("postings", "roles", "roles_extracted_classified", "roles_extracted_coverage", "reposts", "pm_asks")
#: The monthly series the models are fitted to: (denominator, measure key, basis, label).
MODEL_SERIES = (
    ("all", "technical_or_title", "required", "technical skill or title required, all PM roles"),
    ("stated", "technical_or_title", "required", "technical skill or title required, PM roles stating requirements"),
    ("title", "technical_title", "title", "technical PM title, all PM roles"),
)


def load_inputs(load: Callable[[str], pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """The processed tables of :data:`INPUT_TABLES`, read with ``trendlab.load``.

    ``reposts`` and ``pm_asks`` are computed from ``postings`` and ``roles`` with the same
    code (:func:`trendlab.clean.reposts.reposts_table`, :func:`trendlab.label.pm_asks_table`)
    when no build stage produces them; their ``attrs["computed_here"]`` is True.

    Examples
    --------
    >>> inputs = load_inputs()  # doctest: +SKIP
    """
    if load is None:
        import trendlab

        load = trendlab.load
    out: dict[str, pd.DataFrame] = {}
    computed: list[str] = []
    for name in INPUT_TABLES:
        try:
            out[name] = load(name)
        except KeyError:  # no build stage produces the table
            if name not in ("reposts", "pm_asks"):
                raise
            computed.append(name)
    if "reposts" in computed:
        from trendlab.clean.reposts import reposts_table

        out["reposts"] = reposts_table(out["postings"])
    if "pm_asks" in computed:
        from trendlab.label import pm_asks_table

        out["pm_asks"] = pm_asks_table(out["postings"], out["roles"], progress=False)
    for name in computed:
        out[name].attrs["computed_here"] = True
    return out


@dataclass(frozen=True)
class PmTables:
    """Everything the PM report measures, from one call of :func:`pm_tables`.

    Attributes
    ----------
    roles, titles : Loaded
        :func:`pm_roles` and :func:`pm_title_roles`.
    partial : dict
        Corpus -> partial months.
    shares : dict
        ``month``, ``quarter``, ``year`` -> :func:`pm_shares` with corrected columns.
    counts : dict
        ``month``, ``quarter``, ``year`` -> :func:`pm_role_counts`.
    rates : DataFrame or None
        :func:`read_rates` (None: not measured yet).
    min_n : int
        Small-cell threshold.
    """

    roles: Loaded
    titles: Loaded
    partial: dict[str, list[str]]
    shares: dict[str, pd.DataFrame]
    counts: dict[str, pd.DataFrame]
    rates: pd.DataFrame | None
    min_n: int


def pm_tables(
    inputs: dict[str, pd.DataFrame],
    *,
    min_n: int = DEFAULT_MIN_N,
    rates: pd.DataFrame | None | str = "file",
    n_boot: int = 4000,
) -> PmTables:
    """Build every PM table from the processed tables (see :func:`load_inputs`).

    Parameters
    ----------
    inputs : dict
        The tables of :data:`INPUT_TABLES`.
    rates : DataFrame, None or "file"
        ``"file"`` reads :func:`read_rates`; None leaves every share uncorrected.

    Examples
    --------
    >>> tables = pm_tables(load_inputs())  # doctest: +SKIP
    >>> tables.shares["year"].query("measure_key == 'technical'")  # doctest: +SKIP
    """
    missing = [t for t in INPUT_TABLES if t not in inputs]
    if missing:
        raise KeyError(f"pm_tables: input table(s) {missing} missing; expected {list(INPUT_TABLES)}")
    r = read_rates() if isinstance(rates, str) and rates == "file" else rates
    roles_l = pm_roles(inputs["roles"], inputs["pm_asks"], inputs["postings"], inputs["reposts"])
    titles_l = pm_title_roles(inputs["roles_extracted_classified"])
    cov = inputs["roles_extracted_coverage"]
    _need(cov, ["month", "partial"], "roles_extracted_coverage")
    partial = {
        PM_CORPUS: partial_months(inputs["postings"]),
        TITLE_CORPUS: sorted(cov.loc[cov["partial"].fillna(False).astype(bool), "month"].astype(str)),
    }
    freqs = ("month", "quarter", "year")
    shares = {
        f: add_pm_corrected(pm_shares(roles_l.frame, titles_l.frame, freq=f, partial=partial, min_n=min_n), r, n_boot=n_boot)
        for f in freqs
    }
    counts = {
        f: pm_role_counts(inputs["roles"], inputs["roles_extracted_classified"], freq=f, partial=partial, min_n=min_n)
        for f in freqs
    }
    return PmTables(roles=roles_l, titles=titles_l, partial=partial, shares=shares, counts=counts, rates=r, min_n=min_n)


def fit_series_models(tables: PmTables, *, n_sim: int = 2000) -> dict[str, PmModels]:
    """:func:`fit_pm_models` for every series of :data:`MODEL_SERIES` (HN posts, all postings).

    Examples
    --------
    >>> fits = fit_series_models(pm_tables(load_inputs()))  # doctest: +SKIP
    """
    return {
        label: fit_pm_models(model_counts(tables.shares["month"], measure_key=key, denominator=den, basis=basis),
                             n_sim=n_sim)
        for den, key, basis, label in MODEL_SERIES
    }


#: Rows of :func:`headline` beyond the model series: (denominator, measure key, basis, label).
HEADLINE_EXTRA = (
    ("all", "eng_background", "required", "engineering background required, all PM roles"),
    ("all", "requirements_stated", "stated", "states requirements, all PM roles"),
)


def one_role_share(pm: pd.DataFrame) -> tuple[int, int]:
    """``(posts holding exactly one PM role, posts holding a PM role)`` of a :func:`pm_roles` frame.

    The rates are measured per post and applied per role; this says how far apart the two are.

    Examples
    --------
    >>> one_role_share(pd.DataFrame({"posting_id": ["1", "2", "2", "3"]}))
    (2, 3)
    """
    per = pm.groupby("posting_id").size()
    return int((per == 1).sum()), int(len(per))


def headline(tables: PmTables, fits: dict[str, PmModels], *, first: str = "2012", last: str = "2026") -> pd.DataFrame:
    """The headline figures: ``quantity, value`` rows for the report's closing note.

    For the first and last years: the share of PM roles requiring a technical skill or having a
    technical title (all PM roles; those stating requirements), with a technical title, requiring
    an engineering background, and stating requirements, each raw and, where the labeller's
    rates exist, corrected; the share of PM posts that hold one PM role; then the 2012-2018
    trend per year, the break tests and the window comparison of each model series.

    Examples
    --------
    >>> headline(tables, fits)  # doctest: +SKIP
    """
    y = tables.shares["year"]
    y = y[(y["corpus"] == PM_CORPUS) & (y["series"] == "all")]
    rows = []
    for den, key, basis, label in (*MODEL_SERIES, *HEADLINE_EXTRA):
        for period in (first, last):
            c = y[(y["denominator"] == den) & (y["measure_key"] == key) & (y["basis"] == basis) & (y["period"] == period)]
            if len(c) != 1:
                continue
            r = c.iloc[0]
            rows.append({"quantity": f"{label}, {period}",
                         "value": share_label(r["share"], r["ci_low"], r["ci_high"], r["n"], tables.min_n)})
            if key in RATE_MEASURES and "share_corrected" in c.columns and pd.notna(r["share_corrected"]):
                rows.append({"quantity": f"{label}, {period}, corrected",
                             "value": share_label(r["share_corrected"], r["ci_low_corrected"], r["ci_high_corrected"],
                                                  r["n"], tables.min_n)})
    one, posts = one_role_share(tables.roles.frame)
    if posts:
        rows.append({"quantity": "PM posts holding one PM role (rates are measured per post, applied per role)",
                     "value": f"{100 * one / posts:.1f}% ({one:,} of {posts:,} posts)"})
    for label, f in fits.items():
        for name in ("trend", "cusum", "chow", "windows"):
            rows.append({"quantity": f"{MODEL_LABELS[name]}: {label}", "value": reading(name, getattr(f, name))
                         if getattr(f, name) is not None else f"not fitted: {f.errors.get(name, '')}"})
    return pd.DataFrame(rows, columns=["quantity", "value"])


def main() -> None:  # pragma: no cover - exercised by the report
    """Print the headline figures: ``python -m trendlab.measure.pm``."""
    tables = pm_tables(load_inputs())
    fits = fit_series_models(tables)
    for r in headline(tables, fits).itertuples(index=False):
        print(f"{r.quantity}:\n    {r.value}")


__all__ = [
    "BASES",
    "CORPUS_LABELS",
    "DEFAULT_MIN_N",
    "DENOMINATORS",
    "ASK_COLUMNS",
    "INPUT_TABLES",
    "MODEL_LABELS",
    "MODEL_SERIES",
    "MODEL_UNITS",
    "PM_CORPUS",
    "RATE_MEASURES",
    "RATE_SPLIT",
    "SERIES",
    "TITLE_CORPUS",
    "MeasureSpec",
    "PmModels",
    "PmTables",
    "add_pm_corrected",
    "example_quotes",
    "fit_pm_models",
    "fit_series_models",
    "headline",
    "one_role_share",
    "load_inputs",
    "measure_specs",
    "model_counts",
    "models_table",
    "partial_months",
    "pm_role_counts",
    "pm_role_families",
    "pm_roles",
    "pm_shares",
    "pm_tables",
    "pm_title_roles",
    "pooled_windows",
    "read_rates",
    "reading",
    "reported_families",
    "share_grid",
    "share_label",
]


if __name__ == "__main__":  # pragma: no cover
    main()
