"""Are engineering and product management converging? Hybrid titles, shared skills, one index.

Four measures, each a pure verb on the project's tables:

- :func:`hybrid_title_shares`: per period, the share of product-management roles whose title
  marks a technical PM (the ``technical_pm`` flag of :mod:`trendlab.clean.titles`: "Technical
  Product Manager", or a PM title qualified by platform, API, data, ML/AI, infrastructure, cloud,
  security, SDK or developer tools -- ``taxonomy/technical_pm_markers.csv``), and the share of
  engineering roles titled product engineer. Works on any table with ``month, role_family,
  technical_pm`` (HN roles, the 2022-2025 extracted titles, other title lists).
- :func:`product_skill_shares`: per period, of the engineering roles whose own requirement text
  is known, the share that requires (or prefers) a skill of the ``product`` group of the skill
  taxonomy (discovery and user research, roadmapping, experimentation, metrics, specs), overall
  and family by family.
- :func:`convergence_index`: per period, the Jensen-Shannon divergence between the skill-family
  profiles of PM roles and engineering roles, with a cluster bootstrap interval and a
  permutation noise floor; :func:`convergence_trend` its slope over time and
  :func:`index_change` the change between two periods.
- :func:`low_code_shares`: per period, the share of (PM) roles asking for each low-code/no-code
  tool of the taxonomy.

Periods are calendar years by default, or named windows (:data:`HN_WINDOWS` pools the HN years
2012-2014, 2015-2018 and 2026 where yearly cells are small); see :func:`assign_periods`. Every
role left out of a denominator is counted with its reason (``excluded`` columns and
``attrs["excluded_reasons"]``). Intervals for shares are Wilson score intervals from
:func:`trendlab.measure.shares.wilson_interval`.

The convergence index
---------------------
For a period, let :math:`G \\in \\{PM, ENG\\}` be the product-management roles and the
engineering roles (:data:`ENGINEERING`) whose own requirement text is known. For each skill family
:math:`f` of the taxonomy let :math:`c_{G,f}` be the number of roles of :math:`G` that require
:math:`f` (with ``include_preferred=True``: require or prefer). The profile of :math:`G` is
:math:`P_{G,f} = c_{G,f} / \\sum_g c_{G,g}` -- the share of roles requiring each family,
normalised to a distribution over families (the role count cancels out). The index is

.. math:: JSD(P, Q) = \\tfrac12 KL(P \\| M) + \\tfrac12 KL(Q \\| M), \\quad M = (P + Q)/2,

with logarithms in base 2, so that it lies in [0, 1]: 0 when PMs and engineers are asked for
the same mix of skills, 1 when no family is asked of both. Convergence is a falling index.

Uncertainty: roles of one post share an author and a text, so the resampling unit is the post.
The bootstrap draws, within each group and period, as many posts as the group has, with
replacement, and takes all their roles of that group (the group's rows of a post that advertises
both a PM and an engineering role are drawn independently in the two groups); the interval is
the percentile interval of the replicate indices. The plug-in JSD is biased upwards in small
samples -- two samples of one population give a positive divergence -- and the percentile
interval inherits that bias. The **noise floor** is the mean JSD when the posts of the two groups
are pooled and relabelled at random (same numbers of posts per group); the **excess** (JSD
minus the noise floor) is the part of the divergence that sampling alone does not produce, and is
what should be compared across periods of very different sizes. The permutation p-value tests
"the two profiles are the same".

Examples
--------
>>> import pandas as pd
>>> from trendlab.measure.convergence import jensen_shannon
>>> round(jensen_shannon([0.5, 0.5], [1.0, 0.0]), 6)
0.311278
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trendlab.measure.shares import (
    DEFAULT_SEED,
    finish_shares,
    month_to_year,
    period_ordinal,
    wilson_interval,
)
from trendlab.models.results import NAN, ModelResult

#: Role families counted as engineering roles (individual contributors; engineering managers
#: are left out). Names are those of ``taxonomy/role_families.csv``.
ENGINEERING: tuple[str, ...] = ("software_engineering", "product_engineer")
#: The engineering/product hybrid family.
PRODUCT_ENGINEER = "product_engineer"
#: The skill-taxonomy group whose families are product skills.
PRODUCT_GROUP = "product"
#: The skill-taxonomy group of low-code and no-code tools.
LOW_CODE_GROUP = "low_code"
#: HN text periods pooled where yearly cells are small: (first, last) year, inclusive.
HN_WINDOWS: dict[str, tuple[str, str]] = {
    "2012-2014": ("2012", "2014"),
    "2015-2018": ("2015", "2018"),
    "2026": ("2026", "2026"),
}
PM_GROUP = "product management"
ENG_GROUP = "engineering"
KEY = ["posting_id", "role_index"]


# --------------------------------------------------------------------------- helpers


def pm_families() -> frozenset[str]:
    """Role families that count as product management (``counts_as_pm`` in ``role_families.csv``).

    Examples
    --------
    >>> sorted(pm_families())
    ['product_management']
    """
    from trendlab.clean.titles import taxonomy

    return taxonomy().pm_families


def _require(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {missing} (has {list(df.columns)})")


def _month_bound(label: str, end: bool, window: str) -> int:
    """Month ordinal of a window bound: ``YYYY`` (January, or December when ``end``) or ``YYYY-MM``."""
    lab = str(label)
    if len(lab) == 4 and lab.isdigit():
        lab = f"{lab}-12" if end else f"{lab}-01"
    try:
        return int(period_ordinal([lab], "month")[0])
    except ValueError:
        raise ValueError(
            f"window {window!r}: bound {label!r} is neither a year YYYY nor a month YYYY-MM"
        ) from None


def assign_periods(
    months: pd.Series | Iterable[str], windows: Mapping[str, tuple[str, str]] | None = None
) -> pd.Series:
    """Label each ``YYYY-MM`` month with its period: its year, or the window that holds it.

    Parameters
    ----------
    months : Series or iterable of str
        ``YYYY-MM`` months; anything else is an error naming the first bad value.
    windows : mapping, optional
        ``{label: (first, last)}`` with inclusive bounds given as years (``"2012"``) or months
        (``"2025-07"``). Windows may not overlap. Months in no window get ``<NA>``. ``None``
        (the default) labels each month with its calendar year.

    Returns
    -------
    Series
        ``string`` labels, same index as ``months`` (when a Series).

    Examples
    --------
    >>> assign_periods(["2013-05", "2016-01", "2020-03"], HN_WINDOWS).tolist()
    ['2012-2014', '2015-2018', <NA>]
    >>> assign_periods(["2013-05"]).tolist()
    ['2013']
    """
    years = month_to_year(months)  # validates YYYY-MM
    if windows is None:
        return years
    index = years.index
    m = pd.Series(months, index=index).astype(str) if not isinstance(months, pd.Series) else months
    ords = period_ordinal(m.astype(str).tolist(), "month") if len(m) else np.array([], dtype=np.int64)
    out = pd.Series(pd.NA, index=index, dtype="string")
    spans: list[tuple[int, int, str]] = []
    for label, bounds in windows.items():
        if not isinstance(bounds, tuple | list) or len(bounds) != 2:
            raise ValueError(f"window {label!r}: expected (first, last), got {bounds!r}")
        a, b = _month_bound(bounds[0], False, label), _month_bound(bounds[1], True, label)
        if b < a:
            raise ValueError(f"window {label!r} ends ({bounds[1]}) before it starts ({bounds[0]})")
        for a2, b2, other in spans:
            if a <= b2 and a2 <= b:
                raise ValueError(f"windows {other!r} and {label!r} overlap")
        spans.append((a, b, label))
        hit = (ords >= a) & (ords <= b)
        out[hit] = label
    return out


def _wilson_table(
    counts: pd.DataFrame, by: Sequence[str], extra: Sequence[str], alpha: float, min_n: int
) -> pd.DataFrame:
    """A ``shares`` table from counts whose periods may be named windows."""
    return finish_shares(counts, by, alpha, min_n, extra)


def hybrid_title_shares(
    roles: pd.DataFrame,
    *,
    source: str,
    windows: Mapping[str, tuple[str, str]] | None = None,
    engineering: Sequence[str] = ENGINEERING,
    product_engineer: str = PRODUCT_ENGINEER,
    alpha: float = 0.05,
    min_n: int = 30,
) -> pd.DataFrame:
    """Per period: technical-PM share of PM roles and product-engineer share of engineering roles.

    Parameters
    ----------
    roles : DataFrame
        One row per role with ``month`` (``YYYY-MM``), ``role_family`` and ``technical_pm``
        (e.g. ``roles``, ``roles_extracted_classified``, or classified titles of another list).
        Not modified.
    source : str
        Written into a ``source`` column (each source is shown separately, never pooled).
    windows : mapping, optional
        Periods (see :func:`assign_periods`); calendar years by default. Roles outside every
        window are counted in ``attrs["outside_windows"]``.
    engineering : sequence of str
        Role families that form the engineering denominator; must include ``product_engineer``.
    alpha, min_n : float, int
        Wilson interval level; cells with ``n < min_n`` are flagged ``small_cell``.

    Returns
    -------
    DataFrame
        A ``shares`` table with a ``source`` column: population ``product-management roles``,
        measure ``technical PM title``; population ``engineering roles``, measure ``titled
        product engineer``. Every period with any role appears for both measures (``n`` may be
        0). Intervals treat roles as independent; roles of one post are not, so they are a
        little narrow where posts list several roles of one family.

    Raises
    ------
    KeyError
        A column is missing.
    ValueError
        ``role_family`` is missing, or ``technical_pm`` is missing for a PM role.

    Examples
    --------
    >>> r = pd.DataFrame({"month": ["2015-01"] * 5,
    ...     "role_family": ["product_management", "product_management", "software_engineering",
    ...                     "product_engineer", "design"],
    ...     "technical_pm": [True, False, False, False, False]})
    >>> t = hybrid_title_shares(r, source="toy")
    >>> t[["measure", "successes", "n"]].values.tolist()
    [['titled product engineer', 1, 2], ['technical PM title', 1, 2]]
    """
    _require(roles, ["month", "role_family", "technical_pm"], "roles")
    if product_engineer not in engineering:
        raise ValueError(f"engineering families {list(engineering)} must include {product_engineer!r}")
    fam = roles["role_family"]
    if fam.isna().any():
        i = fam.isna().to_numpy().nonzero()[0][0]
        raise ValueError(
            f"roles: role_family is missing in {int(fam.isna().sum())} row(s), "
            f"first at index {roles.index.tolist()[i]!r}"
        )
    pmset = pm_families()
    is_pm = fam.isin(pmset).to_numpy()
    tech = roles["technical_pm"]
    bad = is_pm & tech.isna().to_numpy()
    if bad.any():
        raise ValueError(
            f"roles: technical_pm is missing for {int(bad.sum())} product-management role(s), "
            f"first at index {roles.index.tolist()[bad.nonzero()[0][0]]!r}; expected True/False"
        )
    period = assign_periods(roles["month"], windows)
    inside = period.notna().to_numpy()
    work = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "pm": is_pm,
            "tech": is_pm & tech.fillna(False).astype(bool).to_numpy(),
            "eng": fam.isin(list(engineering)).to_numpy(),
            "pe": (fam == product_engineer).to_numpy(),
        }
    )[inside]
    g = work.groupby("period", sort=True)
    agg = g[["pm", "tech", "eng", "pe"]].sum()
    rows = []
    for p, r in agg.iterrows():
        rows.append({"period": p, "population": "product-management roles", "measure": "technical PM title",
                     "successes": int(r["tech"]), "n": int(r["pm"])})
        rows.append({"period": p, "population": "engineering roles", "measure": "titled product engineer",
                     "successes": int(r["pe"]), "n": int(r["eng"])})
    counts = pd.DataFrame(rows, columns=["period", "population", "measure", "successes", "n"])
    counts["source"] = source
    out = _wilson_table(counts, ["source"], [], alpha, min_n)
    out.attrs.update(rows_in=len(roles), outside_windows=int((~inside).sum()))
    return out


# --------------------------------------------------------------------------- skills per role


def _flag_frame(
    roles: pd.DataFrame,
    flags: pd.DataFrame,
    families: Sequence[str],
    role_families: Iterable[str],
    windows: Mapping[str, tuple[str, str]] | None,
    include_preferred: bool,
) -> tuple[pd.DataFrame, dict[str, int], pd.DataFrame]:
    """Roles of ``role_families`` joined to their flags; (usable roles, totals, exclusions per period).

    The usable frame has ``posting_id, role_index, period, month, role_family`` and one boolean
    column per family (asked = required, or required or preferred).
    """
    _require(roles, [*KEY, "month", "role_family"], "roles")
    cols = [f"{f}_required" for f in families]
    if include_preferred:
        cols += [f"{f}_preferred" for f in families]
    _require(flags, [*KEY, *cols], "flags")
    # a family and a group of the same name give two identical columns; keep one
    flags = flags.loc[:, ~flags.columns.duplicated()]
    if flags.duplicated(KEY).any():
        first = flags.loc[flags.duplicated(KEY), KEY].iloc[0].tolist()
        raise ValueError(f"flags has more than one row for a role, first {first}")
    sel = roles["role_family"].isin(list(role_families))
    base = roles.loc[sel, [*KEY, "month", "role_family"]].astype({"posting_id": "string", "role_index": "Int64"})
    base = base.assign(period=assign_periods(base["month"], windows).to_numpy())
    keep = [*KEY, *cols] + (["has_text"] if "has_text" in flags.columns else [])
    f = flags[keep].astype({"posting_id": "string", "role_index": "Int64"})
    m = base.merge(f, on=KEY, how="left", indicator=True)
    outside = m["period"].isna()
    no_row = ~outside & m["_merge"].eq("left_only")
    no_text = ~outside & ~no_row
    no_text &= m["has_text"].eq(False).fillna(False) if "has_text" in m else False
    use = ~outside & ~no_row & ~no_text
    totals = {"outside_windows": int(outside.sum()), "no_flags_row": int(no_row.sum()),
              "no_requirement_text": int(no_text.sum())}
    excl = (
        pd.DataFrame({"period": m["period"], "excluded": (no_row | no_text)})[~outside]
        .groupby("period", sort=True)["excluded"].sum().astype(int)
    )
    u = m[use].reset_index(drop=True)
    asked = pd.DataFrame({f: u[f"{f}_required"].astype(bool) for f in families})
    if include_preferred:
        for f in families:
            asked[f] |= u[f"{f}_preferred"].astype(bool)
    out = pd.concat([u[[*KEY, "period", "month", "role_family"]], asked], axis=1)
    return out, totals, excl.rename_axis("period").reset_index()


def _taxonomy(taxonomy):
    from trendlab.taxonomy import skill_taxonomy

    return taxonomy or skill_taxonomy()


def product_skill_shares(
    roles: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    role_families: Iterable[str] = ENGINEERING,
    group: str = PRODUCT_GROUP,
    windows: Mapping[str, tuple[str, str]] | None = None,
    by_family: bool = True,
    population: str = "engineering roles with own requirement text",
    alpha: float = 0.05,
    min_n: int = 30,
    taxonomy=None,
) -> pd.DataFrame:
    """Per period: of the roles with text, the share asking for a skill of one taxonomy group.

    By default the mirror image of "technical PMs": engineering roles asking for product skills.

    Parameters
    ----------
    roles : DataFrame
        ``posting_id, role_index, month, role_family`` (the ``roles`` table). Not modified.
    flags : DataFrame
        One row per role (:func:`trendlab.clean.skills.skill_flags`): ``posting_id, role_index``,
        ``<family>_required``, ``<family>_preferred`` and, when known, ``has_text``.
    role_families : iterable of str
        Role families in the population (default :data:`ENGINEERING`).
    group : str
        Skill-taxonomy group (``product``, ``technical`` or ``low_code``).
    windows : mapping, optional
        Periods (see :func:`assign_periods`); calendar years by default.
    by_family : bool
        Also one measure per family of the group (required).
    population : str
        Label of the ``population`` column.
    taxonomy : SkillTaxonomy, optional
        Defaults to the installed skill taxonomy.

    Returns
    -------
    DataFrame
        A ``shares`` table with ``skill_family`` (``<NA>`` for the group measures) and
        ``excluded`` (roles of the population in the period without requirement text or without a
        flags row). Measures: ``requires a <group> skill``, ``requires or prefers a <group>
        skill`` and, with ``by_family``, ``requires: <family label>``. ``attrs["excluded_reasons"]``
        totals the exclusions by reason (and roles outside every window).

    Examples
    --------
    >>> roles = pd.DataFrame({"posting_id": ["1", "2", "3"], "role_index": [0, 0, 0],
    ...     "month": ["2015-01"] * 3, "role_family": ["software_engineering"] * 3})
    >>> flags = pd.DataFrame({"posting_id": ["1", "2", "3"], "role_index": [0, 0, 0],
    ...     "has_text": [True, True, False]})
    >>> from trendlab.taxonomy import skill_taxonomy
    >>> for f in skill_taxonomy().families["family"]:
    ...     flags[f + "_required"] = [f == "metrics", False, False]
    ...     flags[f + "_preferred"] = [False, f == "roadmapping_prioritisation", False]
    >>> t = product_skill_shares(roles, flags, by_family=False)
    >>> t[["measure", "successes", "n", "excluded"]].values.tolist()
    [['requires a product skill', 1, 2, 1], ['requires or prefers a product skill', 2, 2, 1]]
    """
    tax = _taxonomy(taxonomy)
    fams = tax.families_in(group)
    labels = dict(zip(tax.families["family"], tax.families["label"], strict=True))
    req, totals, excl = _flag_frame(roles, flags, fams, role_families, windows, include_preferred=False)
    ask, _, _ = _flag_frame(roles, flags, fams, role_families, windows, include_preferred=True)
    periods = sorted(set(excl["period"]))
    excluded = dict(zip(excl["period"], excl["excluded"], strict=True))
    rows = []
    for p in periods:
        r, a = req[req["period"] == p], ask[ask["period"] == p]
        n = len(r)
        base = {"period": p, "population": population, "n": n, "excluded": excluded.get(p, 0)}
        rows.append({**base, "measure": f"requires a {group} skill", "skill_family": pd.NA,
                     "successes": int(r[fams].any(axis=1).sum())})
        rows.append({**base, "measure": f"requires or prefers a {group} skill", "skill_family": pd.NA,
                     "successes": int(a[fams].any(axis=1).sum())})
        if by_family:
            for f in fams:
                rows.append({**base, "measure": f"requires: {labels[f]}", "skill_family": f,
                             "successes": int(r[f].sum())})
    cols = ["period", "population", "measure", "skill_family", "successes", "n", "excluded"]
    counts = pd.DataFrame(rows, columns=cols).astype({"skill_family": "string", "excluded": "Int64"})
    out = _wilson_table(counts, ["skill_family"], ["excluded"], alpha, min_n)
    out.attrs["excluded_reasons"] = totals
    return out


# --------------------------------------------------------------------------- Jensen-Shannon


def _kl_terms(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1) / np.where(m > 0, m, 1)), 0.0)
    return t.sum(axis=-1)


def jensen_shannon(p: Sequence[float] | np.ndarray, q: Sequence[float] | np.ndarray) -> float | np.ndarray:
    """Jensen-Shannon divergence in bits (base 2), in [0, 1], between two distributions.

    Inputs are non-negative weights along the last axis (counts or shares) and are normalised
    to sum to 1; rows of a 2-D input are separate pairs. A zero total is undefined (NaN).

    .. math:: JSD(P, Q) = \\tfrac12 \\sum_f P_f \\log_2 \\frac{P_f}{M_f} +
              \\tfrac12 \\sum_f Q_f \\log_2 \\frac{Q_f}{M_f}, \\quad M = (P + Q) / 2

    References: Lin, J. (1991). Divergence measures based on the Shannon entropy. IEEE
    Transactions on Information Theory 37, 145-151.

    Examples
    --------
    >>> jensen_shannon([1, 1], [2, 2]), jensen_shannon([1, 0], [0, 1])
    (0.0, 1.0)
    >>> round(jensen_shannon([0.5, 0.5], [1, 0]), 6)  # 1.5 - 0.75 * log2(3)
    0.311278
    """
    a = np.asarray(p, dtype=float)
    b = np.asarray(q, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"jensen_shannon: shapes differ, {a.shape} and {b.shape}")
    if (a < 0).any() or (b < 0).any() or not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("jensen_shannon: weights must be finite and non-negative")
    sa = a.sum(axis=-1, keepdims=True)
    sb = b.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa, pb = a / sa, b / sb
    mix = (pa + pb) / 2
    js = 0.5 * _kl_terms(pa, mix) + 0.5 * _kl_terms(pb, mix)
    js = np.where((sa[..., 0] > 0) & (sb[..., 0] > 0), np.clip(js, 0.0, 1.0), np.nan)
    return float(js) if js.ndim == 0 else js


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class ConvergenceIndex:
    """The convergence index per period, with what it was computed from.

    Attributes
    ----------
    table : DataFrame
        One row per period: ``period, jsd, ci_low, ci_high`` (percentile bootstrap),
        ``noise_floor`` (mean JSD under random relabelling of posts), ``excess`` (``jsd -
        noise_floor``) with ``excess_ci_low, excess_ci_high``, ``p_value`` (permutation test of
        equal profiles), ``years`` (mean decimal date of the period's roles), and the sizes
        ``pm_roles, pm_posts, pm_asks, eng_roles, eng_posts, eng_asks`` (asks = role-family
        pairs counted in the profile), ``excluded`` (roles of either group without text or
        flags). JSD is NaN where a group has no ask.
    profiles : DataFrame
        Long: ``period, group, skill_family, roles_asking, n_roles, share_of_roles, ci_low,
        ci_high`` (Wilson), ``profile_share`` (the normalised profile the index compares).
    replicates : ndarray
        Bootstrap JSDs, shape ``(n_boot, n_periods)``, columns in the order of ``table``.
    method : str
        Plain-text description, for the report.
    """

    table: pd.DataFrame
    profiles: pd.DataFrame
    replicates: np.ndarray = field(repr=False)
    method: str
    n_boot: int
    n_perm: int
    seed: int
    excluded_reasons: dict[str, int]

    def summary_frame(self) -> pd.DataFrame:
        """The per-period table."""
        return self.table.copy()


def _units(frame: pd.DataFrame, families: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per post: (number of roles, asks per family, mean decimal year) of one group in one period."""
    g = frame.groupby("posting_id", sort=True)
    counts = g[list(families)].sum().to_numpy(dtype=float)
    n = g.size().to_numpy(dtype=float)
    months = frame["month"].astype(str)
    years = months.str.slice(0, 4).astype(int) + (months.str.slice(5, 7).astype(int) - 1) / 12
    yr = years.groupby(frame["posting_id"].to_numpy()).sum().sort_index().to_numpy(dtype=float)
    return n, counts, yr


def _boot_sums(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Sums over posts drawn with replacement (as many as there are), ``n_boot`` times."""
    k = len(counts)
    out = np.empty((n_boot, counts.shape[1]))
    for b in range(n_boot):
        w = np.bincount(rng.integers(0, k, size=k), minlength=k)
        out[b] = w @ counts
    return out


def convergence_index(
    roles: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    windows: Mapping[str, tuple[str, str]] | None = HN_WINDOWS,
    engineering: Iterable[str] = ENGINEERING,
    include_preferred: bool = False,
    n_boot: int = 2000,
    n_perm: int = 2000,
    seed: int = DEFAULT_SEED,
    alpha: float = 0.05,
    taxonomy=None,
) -> ConvergenceIndex:
    """Jensen-Shannon divergence between PM and engineering skill-family profiles, per period.

    The definition, the bootstrap and the noise floor are in the module docstring
    (:mod:`trendlab.measure.convergence`). Only a role's own requirement text counts: a role
    that shares its post's text with other roles (``has_text`` False in the flags of
    ``requirements_text``) is left out, since shared text would give the PM and the engineer
    of one post the same asks and fake convergence.

    Parameters
    ----------
    roles : DataFrame
        ``posting_id, role_index, month, role_family``. Not modified.
    flags : DataFrame
        One row per role: ``posting_id, role_index, has_text``, ``<family>_required`` (and
        ``<family>_preferred``) for every family of the skill taxonomy.
    windows : mapping or None
        Periods (see :func:`assign_periods`); :data:`HN_WINDOWS` by default, ``None`` for years.
    engineering : iterable of str
        Role families of the engineering group. PM families come from ``role_families.csv``.
    include_preferred : bool
        Count a family asked as preferred as well as required.
    n_boot, n_perm : int
        Bootstrap replicates and random relabellings per period.
    seed : int
        Seeds one generator; periods are processed in label order, so the same inputs and seed
        give the same intervals.
    alpha : float
        1 - confidence level of the percentile interval.

    Returns
    -------
    ConvergenceIndex

    Examples
    --------
    >>> roles = pd.DataFrame({"posting_id": ["1", "2", "3", "4"], "role_index": [0, 0, 0, 0],
    ...     "month": ["2015-01"] * 4, "role_family": ["product_management", "product_management",
    ...     "software_engineering", "software_engineering"]})
    >>> flags = roles[["posting_id", "role_index"]].assign(has_text=True)
    >>> from trendlab.taxonomy import skill_taxonomy
    >>> for f in skill_taxonomy().families["family"]:
    ...     flags[f + "_required"] = [f == "roadmapping_prioritisation", f == "coding",
    ...                               f == "coding", f == "coding"]
    ...     flags[f + "_preferred"] = False
    >>> ix = convergence_index(roles, flags, windows=None, n_boot=50, n_perm=50)
    >>> round(float(ix.table.loc[0, "jsd"]), 6)
    0.311278
    """
    if n_boot < 1 or n_perm < 1:
        raise ValueError(f"n_boot and n_perm must be >= 1, got {n_boot}, {n_perm}")
    tax = _taxonomy(taxonomy)
    families = tax.families["family"].tolist()
    pmset = pm_families()
    eng = list(engineering)
    clash = set(eng) & pmset
    if clash:
        raise ValueError(f"engineering families {sorted(clash)} are also product-management families")
    used, totals, excl = _flag_frame(roles, flags, families, [*pmset, *eng], windows, include_preferred)
    excluded = dict(zip(excl["period"], excl["excluded"], strict=True))
    used = used.assign(group=np.where(used["role_family"].isin(pmset), PM_GROUP, ENG_GROUP))
    rng = np.random.default_rng(seed)
    rows, prof_rows, reps = [], [], []
    for p in sorted(set(excl["period"])):
        here = used[used["period"] == p]
        grp = {g: here[here["group"] == g] for g in (PM_GROUP, ENG_GROUP)}
        units = {g: _units(grp[g], families) for g in grp}
        sums = {g: units[g][1].sum(axis=0) for g in grp}
        jsd = jensen_shannon(sums[PM_GROUP], sums[ENG_GROUP])
        defined = not math.isnan(jsd)
        if defined:
            boot = jensen_shannon(_boot_sums(units[PM_GROUP][1], n_boot, rng),
                                  _boot_sums(units[ENG_GROUP][1], n_boot, rng))
            pool = np.vstack([units[PM_GROUP][1], units[ENG_GROUP][1]])
            k_pm = len(units[PM_GROUP][1])
            total = pool.sum(axis=0)
            pm_sums = np.empty((n_perm, len(families)))
            for i in range(n_perm):
                pm_sums[i] = pool[rng.choice(len(pool), size=k_pm, replace=False)].sum(axis=0)
            null = jensen_shannon(pm_sums, total - pm_sums)
            null = null[~np.isnan(null)]  # a relabelling can leave a group without asks
            floor = float(null.mean()) if len(null) else NAN
            p_value = float((1 + (null >= jsd - 1e-12).sum()) / (1 + len(null)))
            lo, hi = (float(v) for v in np.nanquantile(boot, [alpha / 2, 1 - alpha / 2]))
        else:
            boot = np.full(n_boot, np.nan)
            floor = p_value = lo = hi = NAN
        reps.append(boot)
        n_roles = {g: int(units[g][0].sum()) for g in grp}
        yrs = np.concatenate([units[g][2] for g in grp]).sum() / max(1, sum(n_roles.values()))
        rows.append({
            "period": p, "jsd": jsd, "ci_low": lo, "ci_high": hi, "noise_floor": floor,
            "excess": jsd - floor, "excess_ci_low": lo - floor, "excess_ci_high": hi - floor,
            "p_value": p_value, "years": float(yrs) if n_roles and sum(n_roles.values()) else NAN,
            "pm_roles": n_roles[PM_GROUP], "pm_posts": len(units[PM_GROUP][0]),
            "pm_asks": int(sums[PM_GROUP].sum()),
            "eng_roles": n_roles[ENG_GROUP], "eng_posts": len(units[ENG_GROUP][0]),
            "eng_asks": int(sums[ENG_GROUP].sum()), "excluded": int(excluded.get(p, 0)),
        })
        for g in grp:
            total = sums[g].sum()
            for f, c in zip(families, sums[g], strict=True):
                prof_rows.append({"period": p, "group": g, "skill_family": f, "roles_asking": int(c),
                                  "n_roles": n_roles[g],
                                  "profile_share": c / total if total > 0 else NAN})
    table = pd.DataFrame(rows, columns=[
        "period", "jsd", "ci_low", "ci_high", "noise_floor", "excess", "excess_ci_low",
        "excess_ci_high", "p_value", "years", "pm_roles", "pm_posts", "pm_asks", "eng_roles",
        "eng_posts", "eng_asks", "excluded"])
    table = table.astype({"period": "string"})
    profiles = pd.DataFrame(prof_rows, columns=["period", "group", "skill_family", "roles_asking",
                                                "n_roles", "profile_share"])
    lo, hi = wilson_interval(profiles["roles_asking"], profiles["n_roles"], alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = profiles["roles_asking"] / profiles["n_roles"].where(profiles["n_roles"] > 0)
    profiles = profiles.assign(share_of_roles=share, ci_low=lo, ci_high=hi)[
        ["period", "group", "skill_family", "roles_asking", "n_roles", "share_of_roles", "ci_low",
         "ci_high", "profile_share"]]
    status = "required or preferred" if include_preferred else "required"
    method = (
        "Jensen-Shannon divergence (base 2, 0 = same profile, 1 = no family in common) between the "
        f"distributions over the {len(families)} skill families of the asks ({status}) in the own "
        "requirement text of product-management roles and of engineering roles "
        f"({', '.join(eng)}); {100 * (1 - alpha):g}% percentile interval from {n_boot} bootstrap "
        "replicates resampling posts within each group; noise floor = mean JSD over "
        f"{n_perm} random relabellings of the posts of the two groups; seed {seed}"
    )
    replicates = np.column_stack(reps) if reps else np.empty((n_boot, 0))
    return ConvergenceIndex(table, profiles, replicates, method, n_boot, n_perm, seed, totals)


# --------------------------------------------------------------------------- its trend


@dataclass(frozen=True, kw_only=True)
class ConvergenceTrend(ModelResult):
    """Slope of the convergence index over time, per year (negative = converging).

    Attributes
    ----------
    quantity : str
        ``"excess"`` (JSD above its noise floor) or ``"jsd"``.
    change, change_ci_low, change_ci_high : float
        Last period minus first, with its percentile bootstrap interval.
    first, last : str
        The periods compared by ``change``.
    n_periods : int
        Periods with a defined index, used in the fit.
    """

    quantity: str
    change: float
    change_ci_low: float
    change_ci_high: float
    first: str
    last: str
    n_periods: int
    _rows: tuple = field(
        default=(("slope per year", "estimate", "ci_low", "ci_high", "p_value"),
                 ("last minus first period", "change", "change_ci_low", "change_ci_high", None)),
        init=False, repr=False, compare=False,
    )


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS slope of each row of ``y`` on ``x``."""
    xc = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


def convergence_trend(
    index: ConvergenceIndex, *, quantity: str = "excess", alpha: float = 0.05
) -> ConvergenceTrend:
    """Least-squares slope of the index on time, with a bootstrap interval.

    The index of each period is placed at the mean date of its roles (``years``); every period
    weighs the same. Periods are resampled independently, so each bootstrap replicate gives one
    slope; the interval is the percentile interval of those slopes and the p-value the
    two-sided bootstrap p-value of a zero slope (twice the smaller tail share). With
    ``quantity="excess"`` each period's noise floor is subtracted first (a constant per period),
    so that a change in sample sizes alone does not look like a trend.

    Parameters
    ----------
    index : ConvergenceIndex
    quantity : {"excess", "jsd"}
    alpha : float

    Returns
    -------
    ConvergenceTrend

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["a", "b"], "jsd": [0.4, 0.2], "noise_floor": [0.0, 0.0],
    ...                   "years": [2014.0, 2016.0]})
    >>> ix = ConvergenceIndex(t, pd.DataFrame(), np.array([[0.4, 0.2], [0.5, 0.2]]), "", 2, 0, 0, {})
    >>> round(convergence_trend(ix).estimate, 3)
    -0.1
    """
    if quantity not in ("excess", "jsd"):
        raise ValueError(f"quantity must be 'excess' or 'jsd', got {quantity!r}")
    t = index.table
    ok = t["jsd"].notna().to_numpy() & t["years"].notna().to_numpy()
    if quantity == "excess":
        ok &= t["noise_floor"].notna().to_numpy()
    if ok.sum() < 2:
        raise ValueError(f"convergence_trend: {int(ok.sum())} period(s) with a defined index; need at least 2")
    x = t.loc[ok, "years"].to_numpy(dtype=float)
    shift = t.loc[ok, "noise_floor"].to_numpy(dtype=float) if quantity == "excess" else np.zeros(ok.sum())
    y = t.loc[ok, "jsd"].to_numpy(dtype=float) - shift
    reps = index.replicates[:, ok] - shift
    reps = reps[~np.isnan(reps).any(axis=1)]
    est = float(_slopes(x, y))
    slopes = _slopes(x, reps)
    q = [alpha / 2, 1 - alpha / 2]
    lo, hi = (float(v) for v in np.quantile(slopes, q))
    p = float(min(1.0, 2 * min((slopes <= 0).mean(), (slopes >= 0).mean())))
    diffs = reps[:, -1] - reps[:, 0]
    clo, chi = (float(v) for v in np.quantile(diffs, q))
    periods = t.loc[ok, "period"].astype(str).tolist()
    what = "JSD minus its noise floor" if quantity == "excess" else "JSD"
    method = (
        f"OLS slope of the {what} on the mean date of each period's roles ({len(x)} periods, "
        f"equal weights); {100 * (1 - alpha):g}% percentile interval and two-sided p-value from "
        f"{len(reps)} bootstrap replicates of every period"
    )
    return ConvergenceTrend(
        estimate=est, ci_low=lo, ci_high=hi, p_value=p, method=method, quantity=quantity,
        change=float(y[-1] - y[0]), change_ci_low=clo, change_ci_high=chi,
        first=periods[0], last=periods[-1], n_periods=int(ok.sum()),
    )


def index_change(
    index: ConvergenceIndex, first: str, last: str, *, quantity: str = "excess", alpha: float = 0.05
) -> ModelResult:
    """The index in period ``last`` minus the index in period ``first``, with a bootstrap interval.

    The two periods' replicates are independent, so each replicate gives one difference; the
    interval is the percentile interval of those differences and the p-value the two-sided
    bootstrap p-value of no change. ``quantity="excess"`` subtracts each period's noise floor.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["a", "b"], "jsd": [0.4, 0.2], "noise_floor": [0.1, 0.0],
    ...                   "years": [2014.0, 2016.0]})
    >>> ix = ConvergenceIndex(t, pd.DataFrame(), np.array([[0.4, 0.2], [0.5, 0.25]]), "", 2, 0, 0, {})
    >>> r = index_change(ix, "a", "b")
    >>> round(r.estimate, 3), round(r.ci_low, 5)  # replicate changes -0.1 and -0.15
    (-0.1, -0.14875)
    """
    if quantity not in ("excess", "jsd"):
        raise ValueError(f"quantity must be 'excess' or 'jsd', got {quantity!r}")
    labels = index.table["period"].astype(str).tolist()
    for p in (first, last):
        if p not in labels:
            raise KeyError(f"period {p!r} not in the index (periods: {labels})")
    i, j = labels.index(first), labels.index(last)
    row = index.table.iloc[[i, j]]
    floor = row["noise_floor"].to_numpy(dtype=float) if quantity == "excess" else np.zeros(2)
    vals = row["jsd"].to_numpy(dtype=float) - floor
    if np.isnan(vals).any():
        raise ValueError(f"index_change: the index is undefined in {first!r} or {last!r}")
    d = index.replicates[:, j] - floor[1] - (index.replicates[:, i] - floor[0])
    d = d[~np.isnan(d)]
    lo, hi = (float(v) for v in np.quantile(d, [alpha / 2, 1 - alpha / 2]))
    p = float(min(1.0, 2 * min((d <= 0).mean(), (d >= 0).mean())))
    what = "JSD minus its noise floor" if quantity == "excess" else "JSD"
    method = (
        f"{what} in {last} minus {first}; {100 * (1 - alpha):g}% percentile interval and two-sided "
        f"p-value from {len(d)} independent bootstrap replicates of the two periods"
    )
    return ModelResult(estimate=float(vals[1] - vals[0]), ci_low=lo, ci_high=hi, p_value=p, method=method)


# --------------------------------------------------------------------------- low-code tools


def low_code_shares(
    roles: pd.DataFrame,
    skill_hits: pd.DataFrame,
    *,
    role_families: Iterable[str] | None = None,
    population: str = "product-management roles with own requirement text",
    windows: Mapping[str, tuple[str, str]] | None = None,
    text_col: str = "requirements_text",
    include_preferred: bool = True,
    alpha: float = 0.05,
    min_n: int = 30,
    taxonomy=None,
) -> pd.DataFrame:
    """Per period and tool: the share of roles whose own text asks for a low-code/no-code tool.

    Parameters
    ----------
    roles : DataFrame
        ``posting_id, role_index, month, role_family`` and ``text_col``. Not modified.
    skill_hits : DataFrame
        The long ``skill_hits`` table (:func:`trendlab.clean.skills.tag_skills` on ``text_col``):
        ``posting_id, role_index, skill_family, taxonomy_id, status``.
    role_families : iterable of str, optional
        The population; product-management families by default.
    include_preferred : bool
        Count a tool mentioned as preferred ("Zapier a plus") as asked; a negated mention ("no
        Zapier needed") never counts.

    Returns
    -------
    DataFrame
        A ``shares`` table with ``tool`` (the term of ``skills.csv``; ``"any low-code tool"`` for
        the union) and ``excluded`` (roles of the population without text). Every tool of the
        taxonomy appears in every period, zeros included, so that an absence reads as 0 with
        its upper bound.

    Examples
    --------
    >>> roles = pd.DataFrame({"posting_id": ["1", "2"], "role_index": [0, 0],
    ...     "month": ["2026-01", "2026-02"], "role_family": ["product_management"] * 2,
    ...     "requirements_text": ["Zapier and Airtable a plus", None]})
    >>> hits = pd.DataFrame({"posting_id": ["1", "1"], "role_index": [0, 0],
    ...     "skill_family": ["low_code", "low_code"],
    ...     "taxonomy_id": ["low_code.zapier", "low_code.airtable"],
    ...     "status": ["preferred", "preferred"]})
    >>> t = low_code_shares(roles, hits)
    >>> t.loc[t["tool"].isin(["Zapier", "any low-code tool"]), ["tool", "successes", "n", "excluded"]].values.tolist()
    [['Zapier', 1, 1, 1], ['any low-code tool', 1, 1, 1]]
    """
    tax = _taxonomy(taxonomy)
    _require(roles, [*KEY, "month", "role_family", text_col], "roles")
    _require(skill_hits, [*KEY, "skill_family", "taxonomy_id", "status"], "skill_hits")
    fams = set(tax.families_in(LOW_CODE_GROUP))
    tools = tax.skills.loc[tax.skills["family"].isin(fams), ["taxonomy_id", "term"]]
    term_of = dict(zip(tools["taxonomy_id"], tools["term"], strict=True))
    pop = set(role_families) if role_families is not None else set(pm_families())
    base = roles.loc[roles["role_family"].isin(list(pop)), [*KEY, "month", text_col]]
    base = base.astype({"posting_id": "string", "role_index": "Int64"})
    period = assign_periods(base["month"], windows)
    txt = base[text_col]
    has_text = txt.notna().to_numpy() & txt.fillna("").astype(str).str.strip().ne("").to_numpy()
    inside = period.notna().to_numpy()
    base = base.assign(period=period.to_numpy(), has_text=has_text)[inside]
    ok = {"required", "preferred"} if include_preferred else {"required"}
    h = skill_hits.loc[skill_hits["skill_family"].isin(fams) & skill_hits["status"].isin(ok),
                       [*KEY, "taxonomy_id"]].astype({"posting_id": "string", "role_index": "Int64"})
    unknown = sorted(set(h["taxonomy_id"]) - set(term_of))
    if unknown:
        raise ValueError(f"skill_hits names low-code terms not in the taxonomy {tax.version}: {unknown}")
    used = base[base["has_text"]]
    h = h.merge(used[[*KEY, "period"]], on=KEY, how="inner").drop_duplicates([*KEY, "taxonomy_id"])
    rows = []
    for p in sorted(set(base["period"])):
        n = int((used["period"] == p).sum())
        excluded = int(((base["period"] == p) & ~base["has_text"]).sum())
        hp = h[h["period"] == p]
        for tid, term in term_of.items():
            rows.append({"period": p, "tool": term, "successes": int((hp["taxonomy_id"] == tid).sum()),
                         "n": n, "excluded": excluded})
        rows.append({"period": p, "tool": "any low-code tool",
                     "successes": int(hp.drop_duplicates(KEY).shape[0]), "n": n, "excluded": excluded})
    counts = pd.DataFrame(rows, columns=["period", "tool", "successes", "n", "excluded"])
    counts = counts.assign(population=population, measure="asks for the tool").astype(
        {"tool": "string", "excluded": "Int64"})
    out = _wilson_table(counts, ["tool"], ["excluded"], alpha, min_n)
    out.attrs["outside_windows"] = int((~inside).sum())
    return out


def format_p(p: float, *, floor: float = 0.001) -> str:
    """A p-value for report text: three decimals, ``< 0.001`` below the floor, ``n/a`` when missing.

    Examples
    --------
    >>> format_p(0.0312), format_p(1.2e-179), format_p(float("nan"))
    ('0.031', '< 0.001', 'n/a')
    """
    if p is None or pd.isna(p):
        return "n/a"
    return f"< {floor:g}" if p < floor else f"{p:.3f}"


def share_phrase(row: Mapping | pd.Series, *, digits: int = 1) -> str:
    """One row of a ``shares`` table as report text: share, Wilson interval, successes / n.

    Examples
    --------
    >>> share_phrase({"successes": 11, "n": 92, "share": 11 / 92, "ci_low": 0.0681, "ci_high": 0.2015})
    '12.0% (95% CI 6.8%–20.2%), 11/92'
    >>> share_phrase({"successes": 116, "n": 2264, "share": 0.0512, "ci_low": 0.0429, "ci_high": 0.0611})
    '5.1% (95% CI 4.3%–6.1%), 116/2,264'
    >>> share_phrase({"successes": 0, "n": 0, "share": pd.NA, "ci_low": pd.NA, "ci_high": pd.NA})
    'n/a, 0/0'
    """
    from trendlab.measure.transitions import format_estimate

    x, n = int(row["successes"]), int(row["n"])
    if n == 0:
        return "n/a, 0/0"
    return f"{format_estimate(row['share'], row['ci_low'], row['ci_high'], digits=digits)}, {x:,}/{n:,}"


# --------------------------------------------------------------------------- context


def relative_index(
    monthly: pd.DataFrame, *, series: str, reference: str, measure: str = "index_sa", country: str = "US"
) -> pd.DataFrame:
    """One postings index relative to another, month by month: ``100 * series / reference``.

    Both Hiring Lab indices are 100 on 1 February 2020, so the ratio is 100 then, and above 100
    when ``series`` has grown more (or fallen less) than ``reference`` since. Only months where
    both are observed are kept; months that are not fully observed in either are flagged.

    Parameters
    ----------
    monthly : DataFrame
        :func:`trendlab.sources.indeed.to_monthly` output (``month, country, series, measure,
        value, n_days, complete``). Not modified.
    series, reference : str
        Series names, e.g. ``"Software Development"`` and ``"total postings"``.

    Returns
    -------
    DataFrame
        ``month, series_value, reference_value, relative, complete``.

    Examples
    --------
    >>> m = pd.DataFrame({"month": ["2022-01", "2022-01"], "country": "US",
    ...     "series": ["Software Development", "total postings"], "measure": "index_sa",
    ...     "value": [150.0, 120.0], "n_days": 31, "complete": True})
    >>> relative_index(m, series="Software Development", reference="total postings")["relative"].tolist()
    [125.0]
    """
    _require(monthly, ["month", "country", "series", "measure", "value", "complete"], "monthly")
    sel = monthly[(monthly["country"] == country) & (monthly["measure"] == measure)]
    parts = {}
    for name in (series, reference):
        s = sel[sel["series"] == name]
        if s.empty:
            raise ValueError(f"relative_index: no {measure!r} values for series {name!r} in {country}")
        if s["month"].duplicated().any():
            raise ValueError(f"relative_index: series {name!r} has more than one row for a month")
        parts[name] = s.set_index("month")[["value", "complete"]]
    a, b = parts[series], parts[reference]
    j = a.merge(b, left_index=True, right_index=True, how="inner", suffixes=("_s", "_r"))
    out = pd.DataFrame({
        "month": j.index.astype("string"),
        "series_value": j["value_s"].astype(float).to_numpy(),
        "reference_value": j["value_r"].astype(float).to_numpy(),
    })
    out["relative"] = 100 * out["series_value"] / out["reference_value"]
    out["complete"] = (j["complete_s"].astype(bool) & j["complete_r"].astype(bool)).to_numpy()
    return out.sort_values("month").reset_index(drop=True)


__all__ = [
    "ENGINEERING",
    "ENG_GROUP",
    "HN_WINDOWS",
    "LOW_CODE_GROUP",
    "PM_GROUP",
    "PRODUCT_ENGINEER",
    "PRODUCT_GROUP",
    "ConvergenceIndex",
    "ConvergenceTrend",
    "assign_periods",
    "convergence_index",
    "convergence_trend",
    "format_p",
    "hybrid_title_shares",
    "index_change",
    "jensen_shannon",
    "low_code_shares",
    "pm_families",
    "product_skill_shares",
    "relative_index",
    "share_phrase",
]
