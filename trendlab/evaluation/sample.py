"""Draw the development sample of Hacker News posts that is labelled by hand.

The sample is the yardstick for the role and skill classifiers, so it is drawn by a fixed,
seeded procedure from the merged ``postings`` table and never from classifier output.
Strata, each allocated equally across the calendar years of the corpus
(2012..2018 and 2026), so that every year is measured:

``random``
    posts drawn uniformly from all posts of the year (the prevalence stratum);
``pm-candidate``
    posts whose text matches :data:`PM_PATTERN` (any mention of product management), so that
    positives are well represented;
``hard-negative``
    posts that match :data:`HARD_PATTERN` (project/program managers, product designers,
    product marketing, product engineers, "our product", "product team") but not
    :data:`PM_PATTERN`: near misses that a loose classifier would count;
``pm-requirements``
    posts that match :data:`PM_PATTERN` and :data:`REQUIREMENTS_PATTERN` (words that state
    requirements: "requirements", "experience with", "you have", "degree", ...): PM posts that
    can ask for skills, so that the technical-requirement measures have enough positives;
``pm-header``
    posts whose first line matches :data:`PM_PATTERN` and whose text matches
    :data:`REQUIREMENTS_PATTERN`: mostly posts that advertise a PM role in their header and
    state what it asks, the posts on which a technical ask is decided;
``pm-title-line``
    posts with a line after the first that opens with a PM title (:data:`PM_LINE_PATTERN`)
    and whose text matches :data:`REQUIREMENTS_PATTERN`: PM roles with a section of their own
    in a post that lists several roles;
``pm-fresh``, ``pm-fresh-requirements``, ``pm-fresh-header``, ``pm-fresh-title-line``
    a fresh draw of the ``pm-candidate``, ``pm-requirements``, ``pm-header`` and
    ``pm-title-line`` kinds, added after the
    labeller had been tuned on the others and labelled before the labeller was run on it: the
    measurement of how the labeller does on posts it was never fitted to (:data:`FRESH_STRATA`);
``pm-blind``, ``pm-blind-requirements``, ``pm-blind-header``, ``pm-blind-title-line``, ``pm-blind-header-extra``
    another draw of the same four kinds, added once the fresh strata's errors had been read
    (and so spent), and a second draw of the ``pm-header`` kind (the posts richest in technical
    asks, since the first four held few); labelled by reading before any rule was changed after
    they were drawn (:data:`BLIND_STRATA`), then read to revise the labeller;
``pm-blind2-requirements``, ``pm-blind2``, ``pm-blind2-extra``
    a third blind draw, of the ``pm-requirements`` and ``pm-candidate`` kinds and then more of
    the first, added once the blind strata's errors had been read; labelled by reading before
    the labeller was revised on those errors, measured once after that revision and then read to
    revise it again (:data:`BLIND2_STRATA`);
``pm-blind3-requirements``, ``pm-blind3``
    a fourth blind draw, of the ``pm-requirements`` kind (what is left of it) and of the
    ``pm-candidate`` kind, added once the blind2 strata's errors had been read; labelled by
    reading (twice) before the labeller was revised on those errors, measured once after that
    revision and then read to revise it again (:data:`BLIND3_STRATA`);
``pm-blind4-requirements``, ``pm-blind4``, ``pm-blind4-extra``
    a fifth blind draw of the same two kinds, added once the blind3 strata's errors had been
    read, and then more of the ``pm-candidate`` kind, drawn after the first two were measured to
    narrow the measurement (the labeller was not changed in between); labelled by reading
    (twice) before the labeller was run on them: the newest blind measurement (:data:`BLIND4_STRATA`).

Strata are drawn in that order, and a post already drawn is never drawn again. Within a
year and stratum the posts are sorted by ``posting_id`` and shuffled by a generator seeded
from ``(seed, year, stratum)``; the first ``n`` of that order are taken. Raising ``n``
therefore only appends posts, and the order of rows in the input never matters.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({
...     "posting_id": ["a1", "a2", "a3", "b1"],
...     "month": ["2012-01", "2012-02", "2012-03", "2026-01"],
...     "text": ["Acme | Product Manager", "Bolt | Project Manager", "Coil | Engineer",
...              "Dune | Senior PM"],
... })
>>> s = draw_sample(posts, n_random=0, n_candidates=1, n_hard=1)
>>> s.sort_values("posting_id")[["posting_id", "stratum"]].to_numpy().tolist()
[['a1', 'pm-candidate'], ['a2', 'hard-negative'], ['b1', 'pm-candidate']]
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pandas as pd

SEED = 20240611
"""The seed the committed development set was drawn with."""

YEARS: tuple[int, ...] = (2012, 2013, 2014, 2015, 2016, 2017, 2018, 2026)
"""Calendar years of the corpus; each gets the same number of posts per stratum."""

# Words are matched case-blind; the abbreviations PM/PMs/CPO only in capitals, since
# "pm" is also a clock time and "cpo" is rare in lower case.
PM_PATTERN = re.compile(
    r"(?i:product\s+manag|product\s+owner|head\s+of\s+product|vp.{0,5}product"
    r"|director\s+of\s+product|chief\s+product)"
    r"|\bPMs?\b|\bCPO\b"
)
"""Any mention of product management: the candidate stratum."""

HARD_PATTERN = re.compile(
    r"(?i:project\s+manager|program\s+manager|programme\s+manager|product\s+designer"
    r"|product\s+marketing|product\s+engineer|our\s+product|product\s+team)"
)
"""Near-miss wording: the hard-negative stratum (posts that do not match PM_PATTERN)."""

REQUIREMENTS_PATTERN = re.compile(
    r"(?i)\b(?:requirements?|qualifications?|you\s+(?:have|bring|possess)|you(?:'ll|\s+will)\s+need"
    r"|must\s+have|experience\s+(?:with|in)|years\s+of|background\s+in|degree|ideal\s+candidate"
    r"|skills|proficien\w*|familiar\w*)\b"
)
"""Words that state requirements: with :data:`PM_PATTERN`, the ``pm-requirements`` stratum."""

PM_LINE_PATTERN = re.compile(
    r"(?im)^[\W\d]*(?:(?:senior|sr\.?|lead|principal|staff|group|associate|technical|junior)\s+)*"
    r"(?:product\s+(?:manager|owner|lead)|head\s+of\s+product|director\s+of\s+product|vp,?\s+(?:of\s+)?product)"
)
"""A line that opens with a PM title: with :data:`REQUIREMENTS_PATTERN`, the ``pm-title-line`` stratum."""

STRATA: tuple[str, ...] = (
    "random", "pm-candidate", "hard-negative", "pm-requirements", "pm-header", "pm-title-line",
    "pm-fresh", "pm-fresh-requirements", "pm-fresh-header", "pm-fresh-title-line",
    "pm-blind", "pm-blind-requirements", "pm-blind-header", "pm-blind-title-line", "pm-blind-header-extra",
    "pm-blind2-requirements", "pm-blind2", "pm-blind2-extra",
    "pm-blind3-requirements", "pm-blind3",
    "pm-blind4-requirements", "pm-blind4", "pm-blind4-extra",
)
"""Stratum names, in the order they are drawn."""

FRESH_STRATA: tuple[str, ...] = ("pm-fresh", "pm-fresh-requirements", "pm-fresh-header", "pm-fresh-title-line")
"""Strata drawn after the labeller was first tuned: scored on their own as ``fresh``.

Their errors were read to revise the labeller afterwards, so they are no longer blind."""

BLIND_STRATA: tuple[str, ...] = (
    "pm-blind", "pm-blind-requirements", "pm-blind-header", "pm-blind-title-line", "pm-blind-header-extra",
)
"""Strata drawn and labelled before the labeller was revised on the fresh errors: scored as ``blind``.

Their errors were read to revise the labeller afterwards, so they are no longer blind either."""

BLIND2_STRATA: tuple[str, ...] = ("pm-blind2-requirements", "pm-blind2", "pm-blind2-extra")
"""Strata drawn and labelled before the labeller was revised on the blind errors: scored as ``blind2``.

Their errors were read to revise the labeller afterwards, so they are no longer blind either."""

BLIND3_STRATA: tuple[str, ...] = ("pm-blind3-requirements", "pm-blind3")
"""Strata drawn and labelled before the labeller was revised on the blind2 errors: scored as ``blind3``.

Their errors were read to revise the labeller afterwards, so they are no longer blind either."""

BLIND4_STRATA: tuple[str, ...] = ("pm-blind4-requirements", "pm-blind4", "pm-blind4-extra")
"""Strata drawn and labelled before the labeller was revised on the blind3 errors: scored as ``blind4``."""

N_RANDOM = 8
N_CANDIDATES = 22
N_HARD = 8
"""Posts per year in the first three strata (8 years: 64 + 176 + 64 = 304)."""
N_REQUIREMENTS = 8
"""Posts per year in the ``pm-requirements`` stratum, added later (8 years: 64)."""
N_HEADER = 8
"""Posts per year in the ``pm-header`` stratum, added with it (8 years: 64)."""
N_TITLE_LINE = 8
"""Posts per year in the ``pm-title-line`` stratum, added with it (8 years: 64)."""
N_FRESH = 6
"""Posts per year in the ``pm-fresh`` stratum (any PM mention), added last (8 years: 48)."""
N_FRESH_REQUIREMENTS = 6
"""Posts per year in the ``pm-fresh-requirements`` stratum (PM mention and requirement words), added with it."""
N_FRESH_HEADER = 6
"""Posts per year in the ``pm-fresh-header`` stratum (PM in the first line, requirement words)."""
N_FRESH_TITLE_LINE = 6
"""Posts per year in the ``pm-fresh-title-line`` stratum (a later line opens with a PM title)."""
N_BLIND = 6
"""Posts per year in the first four blind strata (:data:`BLIND_STRATA`; fewer where a year has fewer left)."""
N_BLIND_HEADER_EXTRA = 12
"""Posts per year in ``pm-blind-header-extra``, drawn after the other blind strata were labelled."""
N_BLIND2_REQUIREMENTS = 24
"""Posts per year in ``pm-blind2-requirements`` (a PM title and requirement words: the posts that
can hold a technical ask)."""
N_BLIND2 = 4
"""Posts per year in ``pm-blind2`` (any PM title; the only kind left in years without requirement posts)."""
N_BLIND2_EXTRA = 40
"""Posts per year in ``pm-blind2-extra``, more of the ``pm-blind2-requirements`` kind, drawn after the
first two blind2 strata were labelled (they held few technical asks)."""
N_BLIND3_REQUIREMENTS = 40
"""Posts per year in ``pm-blind3-requirements``: every post of the ``pm-requirements`` kind still
undrawn, up to 40 (2014 and 2015 have fewer left; 2012, 2013, 2018 and 2026 none)."""
N_BLIND3 = 40
"""Posts per year in ``pm-blind3`` (any PM title, drawn after ``pm-blind3-requirements``)."""
N_BLIND4_REQUIREMENTS = 40
"""Posts per year in ``pm-blind4-requirements``: the last undrawn posts of the ``pm-requirements``
kind (2016 and 2017 only)."""
N_BLIND4 = 60
"""Posts per year in ``pm-blind4`` (any PM title; 2012, 2013 and 2026 have fewer left)."""
N_BLIND4_EXTRA = 60
"""Posts per year in ``pm-blind4-extra``, more of the ``pm-blind4`` kind, drawn after the first two
blind4 strata were measured (the labeller unchanged) so the newest measurement rests on more posts."""

SAMPLE_COLUMNS = ["posting_id", "month", "stratum"]


def _rng(seed: int, year: int, stratum: str) -> np.random.Generator:
    # crc32 rather than hash(): str hashing is salted per process
    return np.random.default_rng([seed, year, zlib.crc32(stratum.encode())])


def _take(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    pool = pool.sort_values("posting_id", kind="stable")
    order = rng.permutation(len(pool))
    return pool.iloc[order[:n]]


def draw_sample(
    postings: pd.DataFrame,
    *,
    seed: int = SEED,
    n_random: int = N_RANDOM,
    n_candidates: int = N_CANDIDATES,
    n_hard: int = N_HARD,
    n_requirements: int = N_REQUIREMENTS,
    n_header: int = N_HEADER,
    n_title_line: int = N_TITLE_LINE,
    n_fresh: int = N_FRESH,
    n_fresh_requirements: int = N_FRESH_REQUIREMENTS,
    n_fresh_header: int = N_FRESH_HEADER,
    n_fresh_title_line: int = N_FRESH_TITLE_LINE,
    n_blind: int = N_BLIND,
    n_blind_header_extra: int = N_BLIND_HEADER_EXTRA,
    n_blind2_requirements: int = N_BLIND2_REQUIREMENTS,
    n_blind2: int = N_BLIND2,
    n_blind2_extra: int = N_BLIND2_EXTRA,
    n_blind3_requirements: int = N_BLIND3_REQUIREMENTS,
    n_blind3: int = N_BLIND3,
    n_blind4_requirements: int = N_BLIND4_REQUIREMENTS,
    n_blind4: int = N_BLIND4,
    n_blind4_extra: int = N_BLIND4_EXTRA,
    years: tuple[int, ...] | None = None,
) -> pd.DataFrame:
    """Draw the stratified development sample from a postings table.

    Parameters
    ----------
    postings : DataFrame
        The merged postings table; needs ``posting_id``, ``month`` (``YYYY-MM``) and ``text``.
        ``posting_id`` must be unique.
    seed : int
        Seed of the draw; the committed set uses :data:`SEED`.
    n_random, n_candidates, n_hard, n_requirements, n_header, n_title_line : int
        Posts per year in the first six strata of :data:`STRATA`, in that order.
    n_fresh, n_fresh_requirements, n_fresh_header, n_fresh_title_line : int
        Posts per year in the fresh strata (:data:`FRESH_STRATA`), drawn after the others.
        A year with fewer eligible posts gives all it has. Strata are drawn in that order, so a
        later stratum never changes what an earlier one holds.
    n_blind, n_blind_header_extra : int
        Posts per year in the first four blind strata and in ``pm-blind-header-extra``
        (:data:`BLIND_STRATA`).
    n_blind2_requirements, n_blind2, n_blind2_extra : int
        Posts per year in ``pm-blind2-requirements``, ``pm-blind2`` and ``pm-blind2-extra``
        (:data:`BLIND2_STRATA`).
    n_blind3_requirements, n_blind3 : int
        Posts per year in ``pm-blind3-requirements`` and ``pm-blind3`` (:data:`BLIND3_STRATA`).
    n_blind4_requirements, n_blind4, n_blind4_extra : int
        Posts per year in ``pm-blind4-requirements``, ``pm-blind4`` and ``pm-blind4-extra``
        (:data:`BLIND4_STRATA`), drawn last.
    years : tuple of int, optional
        Years to draw from; defaults to every year present in ``postings``.

    Returns
    -------
    DataFrame
        ``posting_id, month, stratum``, one row per drawn post, sorted by month then id.

    Raises
    ------
    ValueError
        If a needed column is missing, ``posting_id`` repeats, or a month is not ``YYYY-MM``.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"posting_id": ["x", "y"], "month": ["2013-05", "2013-06"],
    ...                       "text": ["Zeta | VP of Product", "Zeta | Backend engineer"]})
    >>> draw_sample(posts, n_random=0, n_candidates=5, n_hard=5)["posting_id"].tolist()
    ['x']
    >>> posts.loc[1, "text"] = "Zeta | Product Manager | 3 years of experience with SQL"
    >>> only = dict(n_random=0, n_candidates=0, n_hard=0, n_requirements=0, n_header=0, n_title_line=0,
    ...             n_fresh=0, n_fresh_requirements=0, n_fresh_header=0, n_fresh_title_line=0,
    ...             n_blind=0, n_blind_header_extra=0, n_blind2_requirements=0, n_blind2=0,
    ...             n_blind2_extra=0, n_blind3_requirements=0, n_blind3=0, n_blind4_requirements=0,
    ...             n_blind4=0, n_blind4_extra=0)
    >>> draw_sample(posts, **(only | {"n_requirements": 1}))[["posting_id", "stratum"]].values.tolist()
    [['y', 'pm-requirements']]
    >>> draw_sample(posts, **(only | {"n_header": 1}))[["posting_id", "stratum"]].values.tolist()
    [['y', 'pm-header']]
    """
    missing = {"posting_id", "month", "text"} - set(postings.columns)
    if missing:
        raise ValueError(
            f"postings: missing column(s) {sorted(missing)}; expected posting_id, month, text"
        )
    dup = postings["posting_id"][postings["posting_id"].duplicated()]
    if len(dup):
        raise ValueError(f"postings: posting_id must be unique; repeated e.g. {dup.iloc[0]!r}")
    bad = ~postings["month"].astype("string").str.fullmatch(r"\d{4}-\d{2}").fillna(False)
    if bad.any():
        row = postings.loc[bad].iloc[0]
        raise ValueError(
            f"postings: month must be YYYY-MM; got {row['month']!r} for posting_id {row['posting_id']!r}"
        )

    frame = postings[["posting_id", "month", "text"]].copy()
    frame["posting_id"] = frame["posting_id"].astype(str)
    frame["month"] = frame["month"].astype(str)
    text = frame["text"].fillna("").astype(str)
    frame["year"] = frame["month"].str[:4].astype(int)
    frame["is_candidate"] = text.map(lambda t: PM_PATTERN.search(t) is not None)
    frame["is_hard"] = ~frame["is_candidate"] & text.map(
        lambda t: HARD_PATTERN.search(t) is not None
    )
    states = text.map(lambda t: REQUIREMENTS_PATTERN.search(t) is not None)
    frame["is_requirements"] = frame["is_candidate"] & states
    head_rest = text.str.strip().str.partition("\n")
    first_line = head_rest[0]
    frame["is_header"] = states & first_line.map(lambda t: PM_PATTERN.search(t) is not None)
    later_lines = head_rest[2]
    frame["is_title_line"] = states & later_lines.map(lambda t: PM_LINE_PATTERN.search(t) is not None)

    eligible = {
        "random": pd.Series(True, index=frame.index),
        "pm-candidate": frame["is_candidate"],
        "hard-negative": frame["is_hard"],
        "pm-requirements": frame["is_requirements"],
        "pm-header": frame["is_header"],
        "pm-title-line": frame["is_title_line"],
        "pm-fresh": frame["is_candidate"],
        "pm-fresh-requirements": frame["is_requirements"],
        "pm-fresh-header": frame["is_header"],
        "pm-fresh-title-line": frame["is_title_line"],
        "pm-blind": frame["is_candidate"],
        "pm-blind-requirements": frame["is_requirements"],
        "pm-blind-header": frame["is_header"],
        "pm-blind-title-line": frame["is_title_line"],
        "pm-blind-header-extra": frame["is_header"],
        "pm-blind2-requirements": frame["is_requirements"],
        "pm-blind2": frame["is_candidate"],
        "pm-blind2-extra": frame["is_requirements"],
        "pm-blind3-requirements": frame["is_requirements"],
        "pm-blind3": frame["is_candidate"],
        "pm-blind4-requirements": frame["is_requirements"],
        "pm-blind4": frame["is_candidate"],
        "pm-blind4-extra": frame["is_candidate"],
    }
    size = {
        "random": n_random,
        "pm-candidate": n_candidates,
        "hard-negative": n_hard,
        "pm-requirements": n_requirements,
        "pm-header": n_header,
        "pm-title-line": n_title_line,
        "pm-fresh": n_fresh,
        "pm-fresh-requirements": n_fresh_requirements,
        "pm-fresh-header": n_fresh_header,
        "pm-fresh-title-line": n_fresh_title_line,
        **dict.fromkeys(BLIND_STRATA[:4], n_blind),
        "pm-blind-header-extra": n_blind_header_extra,
        "pm-blind2-requirements": n_blind2_requirements,
        "pm-blind2": n_blind2,
        "pm-blind2-extra": n_blind2_extra,
        "pm-blind3-requirements": n_blind3_requirements,
        "pm-blind3": n_blind3,
        "pm-blind4-requirements": n_blind4_requirements,
        "pm-blind4": n_blind4,
        "pm-blind4-extra": n_blind4_extra,
    }
    drawn: list[pd.DataFrame] = []
    taken: set[str] = set()
    for year in years if years is not None else sorted(frame["year"].unique()):
        in_year = frame["year"] == year
        for stratum in STRATA:
            pool = frame[in_year & eligible[stratum] & ~frame["posting_id"].isin(taken)]
            got = _take(pool, size[stratum], _rng(seed, int(year), stratum))
            taken.update(got["posting_id"])
            drawn.append(got.assign(stratum=stratum)[SAMPLE_COLUMNS])
    if not drawn:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in SAMPLE_COLUMNS})
    out = pd.concat(drawn, ignore_index=True)
    return out.sort_values(["month", "posting_id"], kind="stable").reset_index(drop=True)


def main() -> None:
    """Print the committed sample as CSV, drawn from the built postings table."""
    import sys

    import trendlab

    draw_sample(trendlab.load("postings")).to_csv(sys.stdout, index=False)


if __name__ == "__main__":
    main()
