"""Merge the HN archives into one row per posting, and measure how far their copies agree.

The three archives (saved thread pages, crawled JSON, 2026 crawl runs) overlap: the same HN
comment, with the same id, appears in several of them. :func:`merge_postings` keeps one row
per comment id and says which archives held it; the copies merged away go to a quarantine
frame, and :attr:`Merged.agreement` compares the copies of every pair of archives.

Examples
--------
>>> from trendlab.clean.dedupe import merge_postings, format_agreement
>>> merged = merge_postings([pages, mapped, jobs])  # doctest: +SKIP
>>> print(format_agreement(merged.agreement))  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from trendlab.schemas import POSTINGS

#: Reader quarantine reasons that mean HN itself removed the post.
REMOVED_REASONS = ("deleted", "dead", "flagged")
AGREEMENT_COLUMNS = ["archive_a", "archive_b", "n", "identical", "identical_share", "median_ratio"]


def normalise_text(text: str | None) -> str:
    """Text as compared across archives: Unicode NFKC, case-folded, whitespace collapsed.

    Examples
    --------
    >>> normalise_text("Acme  |\\u00a0SWE\\n\\nWe use GO")
    'acme | swe we use go'
    """
    if not isinstance(text, str):
        return ""
    if text.isascii():  # NFKC and casefold reduce to lower() on ASCII, which is faster
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Merged:
    """The merged postings, the copies merged away, and how the archives compare.

    Attributes
    ----------
    postings : DataFrame
        One row per posting id, columns of :data:`trendlab.schemas.POSTINGS` (validated),
        sorted by month then (numerically) posting id.
    quarantine : DataFrame
        One row per copy merged away: reason ``duplicate``, detail naming the kept copy.
    alone : dict
        Archive name -> how many posting ids were seen in that archive only.
    agreement : DataFrame
        Per pair of archives: ``n`` ids seen in both, ``identical`` and ``identical_share``
        (normalised texts equal), ``median_ratio`` (median rapidfuzz ``ratio``, 0-100).
    """

    postings: pd.DataFrame
    quarantine: pd.DataFrame
    alone: dict[str, int]
    agreement: pd.DataFrame


def _archives(source: pd.Series) -> list[list[str]]:
    return [sorted({p.strip() for p in str(s).split(";") if p.strip()}) for s in source.tolist()]


def merge_postings(
    frames: Sequence[pd.DataFrame], *, quarantines: Sequence[pd.DataFrame] = ()
) -> Merged:
    """Keep one row per ``posting_id`` across archives.

    Parameters
    ----------
    frames : sequence of DataFrame
        Postings of each archive, as returned by :func:`trendlab.clean.text.add_text` (the
        columns of :data:`trendlab.schemas.POSTINGS`). Not changed.
    quarantines : sequence of DataFrame, optional
        The readers' quarantine frames. An id that one archive shows as ``deleted``, ``dead``
        or ``flagged`` (:data:`REMOVED_REASONS`) is dropped from every archive, with that
        reason: the crawled JSON was taken days after a thread opened, before HN
        moderation, and would otherwise bring back posts the saved pages show removed.

    Returns
    -------
    Merged
        ``rows in == len(postings) + len(quarantine)`` (checked).

    Notes
    -----
    Which copy is kept: the most complete text, meaning the longest text once normalised
    (:func:`normalise_text`). Copies of one comment differ when a snapshot cut the text off
    (a page saved mid-load, a crawl stopped mid-comment: the cut copy is a prefix of the full
    one) or when the author edited it between snapshots (the longer version keeps more of
    what was offered). Among equally long copies the one from the earlier frame in
    ``frames`` is kept. ``thread_id``, ``posted_at`` and ``author`` missing in the kept copy
    are filled from the other copies (in the same order of preference).

    ``source`` lists every archive the id was seen in, sorted and ``;``-joined.
    ``partial_month`` is True only if every copy came from a file that covers its thread
    partly: one complete copy is enough to count the posting as covered. A month whose page
    is partial (2016-10) is thus filled by the crawled JSON of the same thread.

    Examples
    --------
    >>> a = pd.DataFrame({"source": ["x", "x"], "posting_id": ["1", "2"], "thread_id": ["9", "9"],
    ...     "month": ["2015-03"] * 2, "posted_at": pd.Series([pd.NaT] * 2, dtype="datetime64[ns, UTC]"),
    ...     "author": ["ann", "bob"], "company": ["Acme", None], "text": ["Acme | SWE", "hi"],
    ...     "url": ["u1", "u2"], "partial_month": [True, True]})
    >>> b = a.iloc[[0]].assign(source="y", text="Acme | SWE | Berlin", partial_month=False)
    >>> m = merge_postings([a, b])
    >>> m.postings[["posting_id", "source", "text", "partial_month"]].values.tolist()
    [['1', 'x;y', 'Acme | SWE | Berlin', False], ['2', 'x', 'hi', True]]
    >>> m.alone
    {'x': 1, 'y': 0}
    """
    columns = list(POSTINGS.columns)
    if not frames:
        raise ValueError("merge_postings needs at least one frame")
    for i, f in enumerate(frames):
        missing = [c for c in columns if c not in f.columns]
        if missing:
            raise KeyError(f"frame #{i} lacks postings column(s) {missing}; pass add_text() output")
    allrows = pd.concat([f[columns] for f in frames], ignore_index=True)
    if allrows["posting_id"].isna().any():
        sizes = np.cumsum([len(f) for f in frames])
        bad = sorted({int(np.searchsorted(sizes, i, side="right")) for i in np.flatnonzero(allrows["posting_id"].isna())})
        raise ValueError(f"posting_id is missing in frame(s) {bad}")

    removed: dict[str, str] = {}
    for q in quarantines:
        hit = q[q["reason"].isin(REMOVED_REASONS) & q["record_id"].notna()]
        for rid, reason, src, file in zip(hit["record_id"], hit["reason"], hit["source"], hit["file"], strict=True):
            removed.setdefault(str(rid), f"{reason} in {src}" + ("" if pd.isna(file) else f" ({file})"))
    held: list[dict] = []
    if removed:
        gone = allrows["posting_id"].isin(list(removed)).to_numpy()
        for pid, src in zip(allrows.loc[gone, "posting_id"], allrows.loc[gone, "source"], strict=True):
            why = removed[pid]
            held.append({"source": src, "file": None, "record_id": pid, "reason": why.split(" ", 1)[0],
                         "detail": f"{why}; a removed post is dropped from every archive"})
        allrows = allrows[~gone].reset_index(drop=True)

    # plain lists: per-copy work on ~70,000 rows is cheaper than grouped pandas calls
    pids = allrows["posting_id"].tolist()
    norms = [normalise_text(t) for t in allrows["text"].tolist()]
    lens = [len(t) for t in norms]
    archs = [tuple(sorted({p.strip() for p in str(s).split(";") if p.strip()})) for s in allrows["source"].tolist()]
    partial = allrows["partial_month"].fillna(False).astype(bool).tolist()
    months = allrows["month"].tolist()

    copies: dict[str, list[int]] = {}
    for i, pid in enumerate(pids):
        copies.setdefault(pid, []).append(i)
    # preference: longest normalised text, then earlier frame and row (= lower index)
    order = {pid: sorted(idx, key=lambda i: (-lens[i], i)) for pid, idx in copies.items()}
    kept_idx = [idx[0] for idx in order.values()]

    out = allrows.take(kept_idx).reset_index(drop=True)
    out["source"] = [";".join(sorted({a for i in idx for a in archs[i]})) for idx in order.values()]
    out["partial_month"] = [all(partial[i] for i in idx) for idx in order.values()]
    for col in ("thread_id", "posted_at", "author"):
        values = allrows[col]
        missing = values.isna().to_numpy()
        fill = {}
        for k, idx in enumerate(order.values()):
            if missing[idx[0]] and len(idx) > 1:
                donor = next((i for i in idx[1:] if not missing[i]), None)
                if donor is not None:
                    fill[k] = values.iloc[donor]
        if fill:
            out.loc[list(fill), col] = list(fill.values())
    out = out.astype(
        {
            "source": "string", "posting_id": "string", "thread_id": "string", "month": "string",
            "posted_at": "datetime64[ns, UTC]", "author": "string", "company": "string",
            "text": "string", "url": "string", "partial_month": "boolean",
        }
    )
    sort_key = np.lexsort((np.array([p.zfill(20) for p in out["posting_id"].tolist()]),
                           np.array(out["month"].tolist())))
    postings = POSTINGS.validate(out.take(sort_key).reset_index(drop=True))

    for idx in order.values():
        k = idx[0]
        for i in idx[1:]:
            why = "same text" if lens[i] == lens[k] else f"text {lens[k]} vs {lens[i]} characters"
            note = "" if months[i] == months[k] else f"; month {months[i]} here, {months[k]} kept"
            held.append(
                {
                    "source": ";".join(archs[i]),
                    "file": None,
                    "record_id": pids[i],
                    "reason": "duplicate",
                    "detail": f"kept the copy from {';'.join(archs[k])} ({why}){note}",
                }
            )
    quarantine = pd.DataFrame(held, columns=["source", "file", "record_id", "reason", "detail"]).astype("string")
    if len(postings) + len(quarantine) != sum(len(f) for f in frames):
        raise AssertionError(
            f"merge accounting broken: {sum(len(f) for f in frames)} rows in != "
            f"{len(postings)} kept + {len(quarantine)} quarantined"
        )

    archives = sorted({a for t in archs for a in t})
    alone = dict.fromkeys(archives, 0)
    for src in out["source"].tolist():
        if ";" not in src:
            alone[src] += 1
    return Merged(
        postings=postings,
        quarantine=quarantine,
        alone=alone,
        agreement=agreement_of(pids, archs, norms, archives),
    )


def agreement_of(
    pids: Sequence[str], archs: Sequence[Sequence[str]], norms: Sequence[str], archives: Sequence[str]
) -> pd.DataFrame:
    """Compare, for every pair of archives, the texts of the ids both hold.

    Parameters
    ----------
    pids, archs, norms : sequences, one item per copy
        The copy's posting id, the archive(s) it came from and its normalised text
        (:func:`normalise_text`). An archive's first copy of an id is the one compared.
    archives : sequence of str
        The archives to pair up.

    Returns
    -------
    DataFrame
        ``archive_a, archive_b, n, identical, identical_share, median_ratio``; a pair with no
        common id has ``n == 0`` and missing share and median.

    Examples
    --------
    >>> ag = agreement_of(["1", "1", "2"], [("x",), ("y",), ("x",)], ["ab", "ab", "c"], ["x", "y"])
    >>> ag[["n", "identical", "identical_share", "median_ratio"]].iloc[0].astype(float).tolist()
    [1.0, 1.0, 1.0, 100.0]
    """
    text_of: dict[str, dict[str, str]] = {a: {} for a in archives}
    for pid, arch, norm in zip(pids, archs, norms, strict=True):
        for a in arch:
            if a in text_of:
                text_of[a].setdefault(pid, norm)
    out = []
    for a, b in itertools.combinations(archives, 2):
        common = sorted(text_of[a].keys() & text_of[b].keys())
        ta = [text_of[a][p] for p in common]
        tb = [text_of[b][p] for p in common]
        n = len(common)
        if n:
            same = sum(x == y for x, y in zip(ta, tb, strict=True))
            median = float(np.median(cpdist(ta, tb, scorer=fuzz.ratio, workers=-1)))
        else:
            same, median = 0, None
        out.append(
            {
                "archive_a": a,
                "archive_b": b,
                "n": n,
                "identical": same,
                "identical_share": same / n if n else None,
                "median_ratio": median,
            }
        )
    frame = pd.DataFrame(out, columns=AGREEMENT_COLUMNS)
    return frame.astype(
        {"archive_a": "string", "archive_b": "string", "n": "Int64", "identical": "Int64",
         "identical_share": "Float64", "median_ratio": "Float64"}
    )


def format_agreement(agreement: pd.DataFrame, alone: dict[str, int] | None = None) -> str:
    """A plain-text table of :attr:`Merged.agreement` (and, if given, ids seen in one archive only).

    Examples
    --------
    >>> ag = pd.DataFrame({"archive_a": ["x"], "archive_b": ["y"], "n": [4], "identical": [3],
    ...                    "identical_share": [0.75], "median_ratio": [98.5]})
    >>> print(format_agreement(ag, {"x": 2, "y": 0}))
    archives  ids in both  identical text  median similarity
    x ~ y               4       3 (75.0%)               98.5
    <BLANKLINE>
    seen in one archive only: x 2, y 0
    """
    lines = [f"{'archives':<{_width(agreement)}}  ids in both  identical text  median similarity"]
    for r in agreement.itertuples(index=False):
        pair = f"{r.archive_a} ~ {r.archive_b}"
        share = "" if pd.isna(r.identical_share) else f" ({100 * r.identical_share:.1f}%)"
        median = "-" if pd.isna(r.median_ratio) else f"{r.median_ratio:.1f}"
        lines.append(
            f"{pair:<{_width(agreement)}}  {r.n:>11}  {f'{r.identical}{share}':>14}  {median:>17}"
        )
    if alone is not None:
        lines += ["", "seen in one archive only: " + ", ".join(f"{k} {v}" for k, v in alone.items())]
    return "\n".join(lines)


def _width(agreement: pd.DataFrame) -> int:
    pairs = [len(f"{a} ~ {b}") for a, b in zip(agreement["archive_a"], agreement["archive_b"], strict=True)]
    return max([len("archives"), *pairs])


def print_agreement(merged: Merged) -> None:
    """Print how the archives agree, and how many ids each contributed alone."""
    print(format_agreement(merged.agreement, merged.alone))
