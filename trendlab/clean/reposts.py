"""Find reposts: the same job ad posted again in a later monthly thread.

Companies often post the same ad month after month. Counting every copy inflates the monthly
series toward the companies that repost most, so the measures report both an all-postings
series and a unique-ad series. :func:`find_reposts` gives every posting an ``ad_id`` (the
posting that first carried the ad) and a ``first_seen`` flag.

The rule
--------
Two postings are copies of one ad when all of these hold:

1. **Different months.** Two comments in the same monthly thread are two ads (a company that
   posts one comment per role), never a repost.
2. **Same company.** Both name a company and the names agree: equal after normalisation
   (:func:`normalise_company`: Unicode NFKC, case-folded, punctuation dropped), or one name's
   words are the first words of the other's ("Acme" and "Acme Inc"). When either posting names
   no company, the same HN author stands in for it. Two postings by one author that name two
   different companies (a recruiter's template) are never matched.
3. **Near-identical text.** ``rapidfuzz.fuzz.ratio`` of the normalised texts (NFKC, case-folded,
   whitespace collapsed) is at least ``threshold`` (default :data:`DEFAULT_THRESHOLD` = 90, on
   0-100). ``ratio`` is the normalised Indel similarity ``100 * (1 - d / (len_a + len_b))`` with
   ``d`` the number of inserted and deleted characters, so 90 allows edits to about a tenth of the
   text: a changed header flag, a reworded sentence, a link. On the HN corpus, pairs of one
   company's postings that score 80-90 mostly keep the company blurb but change the list of
   roles -- a new ad -- which is why the bar sits at 90.

An ad is a connected group of matched postings (an ad that drifts a little each month stays one
ad). Its ``ad_id`` is the ``posting_id`` of its earliest posting (by month, then by numeric id).
The postings of the ad's first month are its ``first_seen`` postings: usually one, but two
comments of one thread are two ads by rule 1 even when a later copy links them.

Only postings that share a blocking key (the first word of the normalised company name, or the
author) are compared, in one
:func:`rapidfuzz.process.cpdist` call over all candidate pairs, so the whole corpus
(about 41,000 postings) takes seconds.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({
...     "posting_id": ["1", "2", "3"], "month": ["2015-01", "2015-02", "2015-02"],
...     "company": ["Acme", "Acme Inc", "Zenith"], "author": ["ann", "ann", "bob"],
...     "text": ["Acme | PM | NYC. We build tools for bakers.",
...              "Acme | PM | NYC. We build tools for bakers!",
...              "Zenith | Engineer | Oslo"]})
>>> find_reposts(posts)[["posting_id", "ad_id", "first_seen"]].values.tolist()
[['1', '1', True], ['2', '1', False], ['3', '3', True]]
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trendlab.clean.dedupe import normalise_text

#: Minimum ``rapidfuzz.fuzz.ratio`` (0-100) of two normalised texts for one ad.
DEFAULT_THRESHOLD = 90.0
REQUIRED_COLUMNS = ("posting_id", "month", "company", "author", "text")
REPOST_COLUMNS = [
    "posting_id",
    "month",
    "ad_id",
    "first_seen",
    "repost_of",
    "similarity",
    "matched_on",
    "ad_postings",
    "ad_months",
]
_NON_WORD = re.compile(r"[\W_]+")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def normalise_company(name: object) -> str:
    """A company name as compared across postings: NFKC, case-folded, words only.

    Returns ``""`` for a missing or empty name.

    Examples
    --------
    >>> normalise_company("Apple, Inc.")
    'apple inc'
    >>> normalise_company(None)
    ''
    """
    if not isinstance(name, str):
        return ""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def companies_agree(a: str, b: str) -> bool:
    """Whether two normalised company names name the same company.

    Equal, or the words of the shorter are the first words of the longer ("acme" and
    "acme labs"). Empty names never agree.

    Examples
    --------
    >>> companies_agree("acme", "acme inc"), companies_agree("acme", "acmetech")
    (True, False)
    """
    if not a or not b:
        return False
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return long_[: len(short)] == short


def _check(postings: pd.DataFrame, threshold: float) -> None:
    if not isinstance(postings, pd.DataFrame):
        raise TypeError(f"find_reposts: postings must be a DataFrame, got {type(postings).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in postings.columns]
    if missing:
        raise KeyError(
            f"find_reposts: postings lacks column(s) {missing}; expected {list(REQUIRED_COLUMNS)}"
        )
    if not 0 < threshold <= 100:
        raise ValueError(f"find_reposts: threshold must be in (0, 100], got {threshold!r}")
    ids = postings["posting_id"]
    if ids.isna().any():
        i = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise ValueError(f"find_reposts: posting_id is missing at row {i}")
    dup = ids.duplicated()
    if dup.any():
        raise ValueError(
            f"find_reposts: posting_id {ids[dup].iloc[0]!r} appears more than once; "
            "one row per posting expected"
        )
    month = postings["month"].astype("string")
    bad = ~month.str.match(_MONTH.pattern).fillna(False).astype(bool)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"find_reposts: month {postings['month'].iloc[i]!r} of posting "
            f"{ids.iloc[i]!r} is not YYYY-MM"
        )


def _order_key(posting_ids: pd.Series) -> np.ndarray:
    """Numeric id where the id is a number (HN comment ids), else a rank after every number."""
    num = pd.to_numeric(posting_ids, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    rank = posting_ids.astype(str).rank(method="dense").to_numpy(dtype=float)
    top = np.nanmax(num) if np.isfinite(num).any() else 0.0
    return np.where(np.isnan(num), top + rank, num)


def find_reposts(
    postings: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    workers: int = -1,
) -> pd.DataFrame:
    """One row per posting: which ad it carries, and whether it is that ad's first posting.

    Parameters
    ----------
    postings : DataFrame
        With ``posting_id, month, company, author, text`` (the ``postings`` table). Not modified.
    threshold : float
        Minimum ``rapidfuzz.fuzz.ratio`` (0-100] of the normalised texts (see the module).
    workers : int
        Threads for ``rapidfuzz.process.cpdist`` (-1: all cores).

    Returns
    -------
    DataFrame
        Same rows and order as ``postings``, columns :data:`REPOST_COLUMNS`:
        ``ad_id`` (posting_id of the ad's first posting), ``first_seen`` (posted in the ad's
        first month), ``repost_of`` (the
        most similar matched posting of an earlier month, missing for a first posting),
        ``similarity`` (its ratio), ``matched_on`` (``company`` or ``author``: what made the
        pair comparable), ``ad_postings`` and ``ad_months`` (size of the ad).
        ``attrs`` records the threshold, the pairs compared (candidates whose lengths allow the
        threshold) and the pairs matched.

    Raises
    ------
    KeyError
        A required column is missing.
    ValueError
        A duplicate or missing ``posting_id``, a month that is not ``YYYY-MM``, or a threshold
        outside (0, 100].

    Examples
    --------
    >>> posts = pd.DataFrame({
    ...     "posting_id": ["7", "9"], "month": ["2016-03", "2016-04"], "company": [None, None],
    ...     "author": ["kim", "kim"], "text": ["Hiring a PM in Lyon.", "Hiring a PM in Lyon!"]})
    >>> find_reposts(posts)[["ad_id", "matched_on"]].values.tolist()
    [['7', <NA>], ['7', 'author']]
    """
    _check(postings, threshold)
    n = len(postings)
    ids = postings["posting_id"].astype(str).to_numpy()
    months = postings["month"].astype(str).to_numpy()
    comp = np.array([normalise_company(c) for c in postings["company"].tolist()], dtype=object)
    author = postings["author"].astype("string").fillna("").to_numpy(dtype=object)
    texts = [normalise_text(t) for t in postings["text"].tolist()]

    # Candidate pairs within blocks (first word of the company name; the author), of
    # different months; a pair met in both blocks is kept once, as a company match.
    first_word = np.array([c.split()[0] if c else "" for c in comp], dtype=object)
    pair_i: list[np.ndarray] = []
    pair_j: list[np.ndarray] = []
    pair_kind: list[np.ndarray] = []
    for kind, key in (("company", first_word), ("author", author)):
        keyed = pd.Series(key)[key != ""]
        for idx in keyed.groupby(keyed, sort=True).indices.values():
            if len(idx) < 2:
                continue
            members = keyed.index.to_numpy()[idx]
            a, b = np.triu_indices(len(members), 1)
            i, j = members[a], members[b]
            ok = months[i] != months[j]
            if kind == "company":
                ok &= np.fromiter(
                    (companies_agree(comp[x], comp[y]) for x, y in zip(i, j, strict=True)), bool, len(i)
                )
            else:  # the author stands in for the company only when a posting names none
                ok &= (comp[i] == "") | (comp[j] == "")
            pair_i.append(np.minimum(i[ok], j[ok]))
            pair_j.append(np.maximum(i[ok], j[ok]))
            pair_kind.append(np.full(int(ok.sum()), kind, dtype=object))
    if pair_i:
        pi, pj, pk = np.concatenate(pair_i), np.concatenate(pair_j), np.concatenate(pair_kind)
        _, keep = np.unique(pi.astype(np.int64) * n + pj, return_index=True)
        pi, pj, pk = pi[keep], pj[keep], pk[keep]
    else:
        pi = pj = np.empty(0, dtype=np.int64)
        pk = np.empty(0, dtype=object)
    # ratio <= 100 * 2 * min(len) / (len_a + len_b): pairs whose lengths alone rule out the
    # threshold are not compared (exact bound, so nothing above the threshold is lost)
    lengths = np.fromiter((len(t) for t in texts), np.int64, n)
    la, lb = lengths[pi], lengths[pj]
    reach = 200.0 * np.minimum(la, lb) >= threshold * np.maximum(la + lb, 1)
    pi, pj, pk = pi[reach], pj[reach], pk[reach]
    compared = len(pi)
    scores = (
        cpdist(
            [texts[k] for k in pi],
            [texts[k] for k in pj],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            workers=workers,
            dtype=np.float32,
        ).astype(float)
        if compared
        else np.empty(0)
    )
    hit = scores >= threshold
    ri, ci, sv, kv = pi[hit], pj[hit], scores[hit], pk[hit]
    graph = coo_matrix((np.ones(len(ri)), (ri, ci)), shape=(n, n))
    _, label = connected_components(graph, directed=False)

    order = np.lexsort((_order_key(postings["posting_id"]), months))  # month, then id
    first_of: dict[int, int] = {}
    for k in order:
        first_of.setdefault(int(label[k]), int(k))
    head = np.array([first_of[int(lab)] for lab in label], dtype=np.int64)
    first_month = months[head]

    # repost_of: the most similar matched posting of an earlier month
    repost_of = np.full(n, None, dtype=object)
    similarity = np.full(n, np.nan)
    matched_on = np.full(n, None, dtype=object)
    for x, y, s, kd in zip(ri, ci, sv, kv, strict=True):
        for later, earlier in ((x, y), (y, x)):
            if months[earlier] < months[later] and not s <= similarity[later]:
                repost_of[later], similarity[later], matched_on[later] = ids[earlier], s, kd
    size = pd.Series(label).map(pd.Series(label).value_counts()).to_numpy()
    ad_months = pd.Series(months).groupby(label).transform("nunique").to_numpy()
    out = pd.DataFrame(
        {
            "posting_id": pd.array(ids, dtype="string"),
            "month": pd.array(months, dtype="string"),
            "ad_id": pd.array(ids[head], dtype="string"),
            "first_seen": pd.array(months == first_month, dtype="boolean"),
            "repost_of": pd.array(repost_of, dtype="string"),
            "similarity": pd.array(similarity, dtype="Float64"),
            "matched_on": pd.array(matched_on, dtype="string"),
            "ad_postings": pd.array(size, dtype="Int64"),
            "ad_months": pd.array(ad_months, dtype="Int64"),
        }
    )
    out["similarity"] = out["similarity"].mask(out["similarity"].isna())
    out.attrs.update(threshold=float(threshold), pairs_compared=int(compared), pairs_matched=int(len(ri)))
    return out


def reposts_table(postings: pd.DataFrame) -> pd.DataFrame:
    """The ``reposts`` processed table: :func:`find_reposts` at the default threshold.

    Sorted by month then posting id, one row per posting of ``postings``.

    Examples
    --------
    >>> posts = pd.DataFrame({"posting_id": ["2", "1"], "month": ["2015-02", "2015-01"],
    ...                       "company": ["Acme", "Acme"], "author": ["a", "a"],
    ...                       "text": ["Acme | PM", "Acme | PM"]})
    >>> reposts_table(posts)["posting_id"].tolist()
    ['1', '2']
    """
    out = find_reposts(postings)
    key = _order_key(out["posting_id"])
    order = np.lexsort((key, out["month"].astype(str).to_numpy()))
    res = out.iloc[order].reset_index(drop=True)
    res.attrs = out.attrs
    return res


def repost_summary(reposts: pd.DataFrame) -> pd.DataFrame:
    """Per month: postings, first postings of an ad, reposts, and the repost share.

    Examples
    --------
    >>> r = pd.DataFrame({"month": ["2015-01", "2015-02", "2015-02"],
    ...                   "first_seen": [True, False, True]})
    >>> repost_summary(r)[["month", "postings", "reposts"]].values.tolist()
    [['2015-01', 1, 0], ['2015-02', 2, 1]]
    """
    missing = [c for c in ("month", "first_seen") if c not in reposts.columns]
    if missing:
        raise KeyError(f"repost_summary: column(s) {missing} not in frame (has {list(reposts.columns)})")
    g = reposts.assign(_first=reposts["first_seen"].astype(bool)).groupby("month", sort=True)["_first"]
    out = g.agg(postings="size", first_postings="sum").reset_index()
    out["reposts"] = out["postings"] - out["first_postings"]
    out["repost_share"] = out["reposts"] / out["postings"]
    return out.astype({"month": "string", "postings": "Int64", "first_postings": "Int64", "reposts": "Int64"})


__all__ = [
    "DEFAULT_THRESHOLD",
    "REPOST_COLUMNS",
    "companies_agree",
    "find_reposts",
    "normalise_company",
    "repost_summary",
    "reposts_table",
]
