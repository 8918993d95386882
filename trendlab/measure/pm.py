"""How often product-management roles ask for technical and build skills.

The PM-specific measures, built on :mod:`trendlab.measure.shares`:

- :func:`pm_roles` -- one tidy row per advertised PM role of the HN posts: month, whether the
  role states requirements of its own, its skill flags (``<family>_required``,
  ``<family>_any`` = required or preferred), its title signal (``technical_pm``), its ad
  (``ad_id``) and whether it is the ad's first appearance (``first_seen``).
  :func:`pm_title_roles` does the same for the machine-extracted titles (2022-12..2025-10),
  which carry a title and nothing else.
- :func:`pm_shares` -- the ``shares`` table for every measure, period (month, quarter, year),
  corpus, series (all postings or unique ads) and denominator, with Wilson intervals, small
  cells flagged and every gap explicit. :func:`pm_role_counts` -- how many PM roles there are
  and what share of all roles they make.
- :func:`read_rates` and :func:`add_pm_corrected` -- Rogan-Gladen corrected shares from the
  tagger's measured sensitivity and specificity.
- :func:`fit_pm_models` -- the trend, seasonality, break and window comparison on one monthly
  series, with the 2012-2018 window fitted on its own.
- :func:`example_quotes` -- short quotes of matched requirement text, for a reader to check.

Three denominators, always labelled
-----------------------------------
``all``
    Every PM role. A role whose post lists only a title and a link counts as not asking.
``stated``
    PM roles that state requirements of their own (:func:`states_requirements`): "no
    requirement stated" is not "no technical requirement", so this is the share among roles
    where an ask could have been read at all.
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
#: Words a role's own text needs (beyond its title, links and header fields) to state requirements.
MIN_WORDS = 5
#: Skill groups whose families are reported one by one (from ``taxonomy/skill_families.csv``).
REPORTED_GROUPS = ("technical", "low_code")
TECHNICAL_GROUP = "technical"
#: Measures that have measured classifier rates: measure key -> ``measure`` in ``rates.csv``.
RATE_MEASURES = {
    "technical_or_title": "pm_requires_technical",
    "eng_background": "pm_requires_eng_background",
}
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
    labelled development set uses); ``requirements_stated`` over all PM roles; and
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
    specs.append(MeasureSpec("requirements_stated", "requirements_stated", "States requirements of its own", "stated", ("all",)))
    specs.append(MeasureSpec("technical_title", "technical_pm", "Technical PM title", "title", ("title",)))
    return specs


# --------------------------------------------------------------------------- the PM frame


def requirement_words(text: object, title: object = None) -> int:
    """Words of a role's own text that go beyond its title, links and header fields.

    Lines with two or more ``|`` (a ``Company | Role | Place`` header) are left out, then
    URLs and e-mail addresses, then the title itself; what remains is counted in words of two
    or more letters.

    Examples
    --------
    >>> requirement_words("Acme | Product Manager | Oslo\\nYou will own the billing roadmap.", "Product Manager")
    6
    >>> requirement_words("Product Manager (SF) https://jobs.example.com/pm", "Product Manager")
    1
    """
    if not isinstance(text, str):
        return 0
    kept = "\n".join(ln for ln in text.splitlines() if ln.count("|") < 2)
    kept = _URL.sub(" ", kept)
    if isinstance(title, str) and title.strip():
        kept = re.sub(re.escape(title.strip()), " ", kept, flags=re.I)
    return len(_WORD.findall(kept))


def states_requirements(words: pd.Series, names_a_skill: pd.Series, min_words: int = MIN_WORDS) -> pd.Series:
    """Whether a role states requirements of its own.

    True when its own text has at least ``min_words`` words beyond the title, links and header
    fields (:func:`requirement_words`), or names any skill (required, preferred or negated): a
    skill list after a title is a requirement however short ("Product Manager | SQL, Python").
    The words rule follows the development set's definition, "requirement or description text
    beyond a title and a link".

    Examples
    --------
    >>> states_requirements(pd.Series([2, 9, 1]), pd.Series([False, False, True])).tolist()
    [False, True, True]
    """
    return (words.to_numpy() >= min_words) | names_a_skill.to_numpy(dtype=bool)


def _need(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {missing} (has {list(df.columns)})")


def _dedupe_columns(flags: pd.DataFrame) -> pd.DataFrame:
    """Drop repeated column names when the repeats hold the same values (a family that is also a group)."""
    dup = flags.columns.duplicated()
    if not dup.any():
        return flags
    for name in flags.columns[dup].unique():
        block = flags.loc[:, flags.columns == name]
        first = block.iloc[:, 0]
        for k in range(1, block.shape[1]):
            if not block.iloc[:, k].equals(first):
                raise ValueError(f"skill_flags has column {name!r} twice with different values")
    return flags.loc[:, ~dup]


def _flag_columns(families: Sequence[str]) -> list[str]:
    cols = [f"{f}_{s}" for f in families for s in ("required", "preferred")]
    return cols + [f"{TECHNICAL_GROUP}_required", f"{TECHNICAL_GROUP}_preferred"]


def pm_roles(
    roles: pd.DataFrame,
    skill_flags: pd.DataFrame,
    postings: pd.DataFrame,
    reposts: pd.DataFrame,
    *,
    min_words: int = MIN_WORDS,
    families: pd.DataFrame | None = None,
    pm_families: Sequence[str] | None = None,
) -> Loaded:
    """One row per advertised PM role of the HN posts, with everything the measures count.

    Parameters
    ----------
    roles : DataFrame
        The ``roles`` table (``source, posting_id, role_index, month, role_title, role_family,
        technical_pm, product_owner, requirements_text``). Not modified.
    skill_flags : DataFrame
        :func:`trendlab.clean.skills.skill_flags` of (at least) the PM roles, tagged on
        ``requirements_text``.
    postings : DataFrame
        The ``postings`` table (``posting_id, partial_month, url``).
    reposts : DataFrame
        :func:`trendlab.clean.reposts.find_reposts` of the postings (``posting_id, ad_id,
        first_seen``).
    min_words : int
        See :func:`states_requirements`.
    families : DataFrame, optional
        Reported families (default :func:`reported_families`).
    pm_families : sequence of str, optional
        Role families counted as PM (default :func:`pm_role_families`).

    Returns
    -------
    Loaded
        ``frame``: ``corpus, archives, posting_id, role_index, month, quarter, year,
        role_title, technical_pm, product_owner, requirements_text, requirement_words,
        requirements_stated, partial_month, url, ad_id, first_seen``, the flags
        ``<family>_required``, ``<family>_preferred``, ``<family>_any`` for every reported
        family and the technical group, and ``technical_or_title``. ``first_seen`` is True for
        the PM roles of an ad's first month with a PM role (the unique-ad series: an ad that
        first ran for engineers and later added a PM counts its PM at that later month).
        ``quarantine``: PM roles left out, with the reason (no skill flags, no posting, no
        repost row, title signal missing). ``rows_in`` = PM roles in ``roles``.

    Examples
    --------
    >>> roles = pd.DataFrame({"source": ["hn-thread-pages"], "posting_id": ["5"], "role_index": [0],
    ...     "month": ["2015-03"], "role_title": ["Product Manager"], "role_family": ["product_management"],
    ...     "technical_pm": [False], "product_owner": [False],
    ...     "requirements_text": ["You will write SQL against our warehouse every day."]})
    >>> from trendlab.clean.skills import skill_flags, tag_skills
    >>> flags = skill_flags(tag_skills(roles), roles)
    >>> posts = pd.DataFrame({"posting_id": ["5"], "partial_month": [False], "url": [None]})
    >>> reps = pd.DataFrame({"posting_id": ["5"], "ad_id": ["5"], "first_seen": [True]})
    >>> out = pm_roles(roles, flags, posts, reps).frame
    >>> out[["requirements_stated", "data_sql_required", "technical_required"]].values.tolist()
    [[True, True, True]]
    """
    _need(roles, ["source", "posting_id", "role_index", "month", "role_title", "role_family",
                  "technical_pm", "product_owner", "requirements_text"], "roles")
    _need(postings, ["posting_id", "partial_month", "url"], "postings")
    _need(reposts, ["posting_id", "ad_id", "first_seen"], "reposts")
    fams = reported_families() if families is None else families
    fam_list = fams["family"].tolist()
    flags = _dedupe_columns(skill_flags)
    _need(flags, ["posting_id", "role_index", *_flag_columns(fam_list)], "skill_flags")
    pm_fams = list(pm_role_families() if pm_families is None else pm_families)

    key = ["posting_id", "role_index"]
    pm = roles[roles["role_family"].isin(pm_fams)].copy()
    pm["posting_id"] = pm["posting_id"].astype("string")
    pm["role_index"] = pm["role_index"].astype("Int64")
    rows_in = len(pm)
    if pm.duplicated(key).any():
        r = pm[pm.duplicated(key)].iloc[0]
        raise ValueError(f"roles has duplicate (posting_id, role_index) ({r['posting_id']!r}, {int(r['role_index'])})")

    fl = flags[["posting_id", "role_index", *_flag_columns(fam_list)]].astype({"posting_id": "string", "role_index": "Int64"})
    if fl.duplicated(key).any():
        r = fl[fl.duplicated(key)].iloc[0]
        raise ValueError(f"skill_flags has duplicate (posting_id, role_index) ({r['posting_id']!r}, {int(r['role_index'])})")
    hit_cols = [c for c in flags.columns if c.endswith(("_required", "_preferred", "_negated"))]
    named = flags[key].astype({"posting_id": "string", "role_index": "Int64"}).assign(
        names_a_skill=flags[hit_cols].fillna(False).astype(bool).any(axis=1).to_numpy()
    )
    post = postings[["posting_id", "partial_month", "url"]].astype({"posting_id": "string"})
    rep = reposts[["posting_id", "ad_id", "first_seen"]].astype({"posting_id": "string", "ad_id": "string"})
    rep = rep.rename(columns={"first_seen": "posting_first_seen"})

    out = pm.merge(fl, on=key, how="left", indicator="_flags").merge(named, on=key, how="left")
    out = out.merge(post, on="posting_id", how="left", indicator="_post")
    out = out.merge(rep, on="posting_id", how="left", indicator="_rep")
    reasons = pd.Series(pd.NA, index=out.index, dtype="string")
    details = pd.Series(pd.NA, index=out.index, dtype="string")
    checks = [
        (out["_flags"] == "left_only", "no_skill_flags", "the role has no row in skill_flags"),
        (out["_post"] == "left_only", "no_posting", "the role's posting_id is not in postings"),
        (out["_rep"] == "left_only", "no_repost_row", "the role's posting_id is not in reposts"),
        (out["technical_pm"].isna(), "title_signal_missing", "technical_pm is missing"),
        (out["partial_month"].isna(), "partial_flag_missing", "partial_month of the posting is missing"),
    ]
    for mask, reason, detail in checks:
        m = mask.to_numpy(dtype=bool) & reasons.isna().to_numpy()
        reasons[m] = reason
        details[m] = detail
    bad = reasons.notna().to_numpy()
    quarantine = quarantine_frame(
        [
            {"source": s, "file": None, "record_id": f"{p}#{int(i)}", "reason": r, "detail": d}
            for s, p, i, r, d in zip(out.loc[bad, "source"], out.loc[bad, "posting_id"],
                                     out.loc[bad, "role_index"], reasons[bad], details[bad], strict=True)
        ]
    )
    f = out.loc[~bad].drop(columns=["_flags", "_post", "_rep"]).reset_index(drop=True)

    frame = pd.DataFrame(
        {
            "corpus": pd.array([PM_CORPUS] * len(f), dtype="string"),
            "archives": f["source"].astype("string"),
            "posting_id": f["posting_id"],
            "role_index": f["role_index"],
            "month": f["month"].astype("string"),
            "quarter": to_period(f["month"], "quarter").to_numpy(),
            "year": to_period(f["month"], "year").to_numpy(),
            "role_title": f["role_title"].astype("string"),
            "technical_pm": f["technical_pm"].astype(bool),
            "product_owner": f["product_owner"].fillna(False).astype(bool),
            "requirements_text": f["requirements_text"].astype("string"),
        }
    )
    frame["requirement_words"] = np.array(
        [requirement_words(t, ti) for t, ti in zip(f["requirements_text"], f["role_title"], strict=True)], dtype=np.int64
    )
    frame["requirements_stated"] = states_requirements(
        frame["requirement_words"], f["names_a_skill"].fillna(False), min_words
    )
    frame["partial_month"] = f["partial_month"].astype(bool).to_numpy()
    frame["url"] = f["url"].astype("string").to_numpy()
    frame["ad_id"] = f["ad_id"].to_numpy()
    for fam in [TECHNICAL_GROUP, *fam_list]:
        req = f[f"{fam}_required"].fillna(False).astype(bool).to_numpy()
        pref = f[f"{fam}_preferred"].fillna(False).astype(bool).to_numpy()
        frame[f"{fam}_required"] = req
        frame[f"{fam}_preferred"] = pref
        frame[f"{fam}_any"] = req | pref
    frame["technical_or_title"] = frame[f"{TECHNICAL_GROUP}_required"] | frame["technical_pm"]
    # unique ads: the PM roles of the first month in which the ad carried a PM role
    first_pm_month = frame.groupby("ad_id")["month"].transform("min")
    frame["first_seen"] = (frame["month"] == first_pm_month).to_numpy(dtype=bool)
    frame["posting_first_seen"] = f["posting_first_seen"].astype(bool).to_numpy()
    frame = frame.sort_values(["month", "posting_id", "role_index"], kind="stable").reset_index(drop=True)
    return Loaded(frame=frame, quarantine=quarantine, rows_in=rows_in)


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


def read_rates(path: Path | str | None = None) -> pd.DataFrame | None:
    """The tagger's measured rates from ``rates.csv``, or None when the file does not exist.

    The file (written by ``trendlab evaluate``) has one row per measure with at least
    ``measure, tp, fn, tn, fp``. When it holds several rows per measure (the tuning half, the
    held-out half and the whole set) and a column names them, the row for the whole set
    (``all``, ``whole`` or ``full``) is used.

    Returns
    -------
    DataFrame or None
        ``measure, tp, fn, tn, fp, sens_tp, sens_n, spec_tn, spec_n, sensitivity,
        specificity``, one row per measure; ``attrs["path"]`` is the file read.

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
        df = df[df[split_col].str.strip().str.lower().isin(["all", "whole", "full"])]
        if df["measure"].duplicated().any() or df.empty:
            raise ValueError(f"{path}: cannot find exactly one whole-set row per measure in column {split_col!r}")
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
    return res


def add_pm_corrected(
    shares: pd.DataFrame,
    rates: pd.DataFrame | None,
    *,
    method: str = "bootstrap",
    n_boot: int = 4000,
    alpha: float = 0.05,
    rate_measures: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Add Rogan-Gladen corrected shares where the tagger's rates were measured.

    Rows of a measure listed in ``rate_measures`` (default :data:`RATE_MEASURES`), basis
    ``required``, get :func:`trendlab.measure.shares.add_corrected` with that measure's
    sensitivity and specificity (parametric bootstrap interval by default, which carries the
    uncertainty of the two rates). Every other row keeps the corrected columns missing, and
    ``correction`` says why: no rates file yet, or no rates measured for that measure.

    The rates are measured per post on the labelled development set; applying them to
    role-level shares, and to the ``stated`` subpopulation, assumes the tagger errs at the same
    rates there. The ``correction`` text says so.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2015"], "population": ["all PM roles"], "measure": ["m"],
    ...     "measure_key": ["technical_or_title"], "basis": ["required"], "successes": [30], "n": [100],
    ...     "share": [0.3], "ci_low": [0.2], "ci_high": [0.4]})
    >>> print(add_pm_corrected(t, None)["correction"].iloc[0])
    not corrected: the tagger's rates have not been measured yet (rates.csv absent)
    """
    _need(shares, ["measure_key", "basis", "successes", "n"], "shares")
    rate_measures = RATE_MEASURES if rate_measures is None else rate_measures
    out = shares.reset_index(drop=True).copy()
    out["share_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["ci_low_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["ci_high_corrected"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["correction"] = pd.array(["not corrected: no measured rates for this measure"] * len(out), dtype="string")
    if rates is None:
        out["correction"] = "not corrected: the tagger's rates have not been measured yet (rates.csv absent)"
        out["correction"] = out["correction"].astype("string")
        return out
    _need(rates, ["measure", "sens_tp", "sens_n", "spec_tn", "spec_n"], "rates")
    by_measure = rates.set_index("measure")
    src = rates.attrs.get("path", "rates.csv")
    for key, rate_name in rate_measures.items():
        rows = (out["measure_key"] == key) & (out["basis"] == "required")
        if not rows.any():
            continue
        if rate_name not in by_measure.index:
            out.loc[rows, "correction"] = f"not corrected: {src} has no row for {rate_name!r}"
            continue
        r = by_measure.loc[rate_name]
        cr = ClassifierRates(int(r["sens_tp"]), int(r["sens_n"]), int(r["spec_tn"]), int(r["spec_n"]))
        sub = add_corrected(out.loc[rows, ["successes", "n"]], cr, method=method, n_boot=n_boot, alpha=alpha)
        note = (f"; rates of {rate_name!r} measured per post on the development set ({src}), "
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
    cand = pm[pm[col].astype(bool)].drop_duplicates("posting_id")
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
INPUT_TABLES = ("postings", "roles", "roles_extracted_classified", "roles_extracted_coverage", "skill_flags", "reposts")
#: The monthly series the models are fitted to: (denominator, measure key, basis, label).
MODEL_SERIES = (
    ("all", TECHNICAL_GROUP, "required", "technical skill required, all PM roles"),
    ("stated", TECHNICAL_GROUP, "required", "technical skill required, PM roles stating requirements"),
    ("title", "technical_title", "title", "technical PM title, all PM roles"),
)


def load_inputs(load: Callable[[str], pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """The processed tables of :data:`INPUT_TABLES`, read with ``trendlab.load``.

    ``skill_flags`` and ``reposts`` are computed from ``roles`` and ``postings`` with the same
    code (:func:`trendlab.clean.skills.skill_flags` on the PM roles,
    :func:`trendlab.clean.reposts.reposts_table`) when no build stage produces them;
    their ``attrs["computed_here"]`` is True.

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
            if name not in ("skill_flags", "reposts"):
                raise
            computed.append(name)
    if "skill_flags" in computed:
        from trendlab.clean.skills import skill_flags, tag_skills

        pm = out["roles"][out["roles"]["role_family"].isin(pm_role_families())]
        out["skill_flags"] = skill_flags(tag_skills(pm, progress=False), pm)
    if "reposts" in computed:
        from trendlab.clean.reposts import reposts_table

        out["reposts"] = reposts_table(out["postings"])
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
    roles_l = pm_roles(inputs["roles"], inputs["skill_flags"], inputs["postings"], inputs["reposts"])
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


def headline(tables: PmTables, fits: dict[str, PmModels], *, first: str = "2012", last: str = "2026") -> pd.DataFrame:
    """The headline figures: ``quantity, value`` rows for the report's closing note.

    The share of PM roles requiring a technical skill in the first and last years (all PM
    roles; stating requirements; technical title), corrected where rates exist, the
    2012-2018 trend per year, the break tests and the window comparison.

    Examples
    --------
    >>> headline(tables, fits)  # doctest: +SKIP
    """
    y = tables.shares["year"]
    y = y[(y["corpus"] == PM_CORPUS) & (y["series"] == "all")]
    rows = []
    for den, key, basis, label in MODEL_SERIES:
        for period in (first, last):
            c = y[(y["denominator"] == den) & (y["measure_key"] == key) & (y["basis"] == basis) & (y["period"] == period)]
            if len(c) != 1:
                continue
            r = c.iloc[0]
            rows.append({"quantity": f"{label}, {period}", "value": share_label(r["share"], r["ci_low"], r["ci_high"], r["n"], tables.min_n)})
    if tables.rates is not None:
        for period in (first, last):
            c = y[(y["denominator"] == "all") & (y["measure_key"] == "technical_or_title") & (y["period"] == period)]
            if len(c) == 1 and pd.notna(c.iloc[0]["share_corrected"]):
                r = c.iloc[0]
                rows.append({"quantity": f"technical skill or title, all PM roles, {period}, corrected",
                             "value": share_label(r["share_corrected"], r["ci_low_corrected"], r["ci_high_corrected"], r["n"], tables.min_n)})
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
    "INPUT_TABLES",
    "MIN_WORDS",
    "MODEL_LABELS",
    "MODEL_SERIES",
    "MODEL_UNITS",
    "PM_CORPUS",
    "RATE_MEASURES",
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
    "requirement_words",
    "share_grid",
    "share_label",
    "states_requirements",
]


if __name__ == "__main__":  # pragma: no cover
    main()
