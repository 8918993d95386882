"""Career sequences from the ICT benchmark cut of JobHop and Karrierewege (``career-paths-ict``).

The mirrored files are a frozen benchmark prepared for next-occupation recommendation, not the
full datasets: only ICT occupations were kept, then people with fewer than 3 spells and
occupations held by fewer than 25 people were removed (iteratively). The JobHop part carries
quarter dates (``Q2 1998``); the Karrierewege part is ordered but undated.

This module also holds what every career-path reader shares: the tidy ``spells`` table, the
quarter parser and the record-to-spell builder used by :mod:`trendlab.sources.jobhop` too.

The ``spells`` table
--------------------
``source, person_id, seq, occupation_label, esco_code, family, start, end, open_ended, dated,
education`` — one row per job spell:

- ``seq``: the spell's place in the person's sequence (the benchmark's ``sequence_pos``, the
  file order for the full JobHop, ``experience_order`` for Karrierewege); gaps where a spell was
  quarantined;
- ``occupation_label``/``esco_code``: the ESCO occupation (label lower-cased), either may be NA
  but not both;
- ``family``: the source's own occupation family (the benchmark's), NA for the full datasets;
- ``start``/``end``: quarters (``period[Q-DEC]``), NA when not given;
- ``open_ended``: the spell has a start but no end (a current job, "Present", or an end the
  resume did not give) — kept explicit so an analysis decides how to close it;
- ``dated``: the spell has a start quarter.

Examples
--------
>>> from trendlab.sources.career_paths import parse_quarter
>>> parse_quarter("Q2 1998")
Period('1998Q2', 'Q-DEC')
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from trendlab.sources import Loaded, quarantine_frame, read_utf8_csv

SOURCE = "career-paths-ict"
TITLE = "ICT career sequences from JobHop (Belgium) and Karrierewege (Germany), benchmark cut"
DESCR = """\
Ordered career sequences of job seekers, each job mapped to an ESCO occupation, as frozen in the
hybrid-talent-rec-benchmarks repository (commit 775d797).

- jobhop_ict_benchmark_v1: about 2,800 Flemish (VDAB) job seekers, 10,800 spells, 47 ICT
  occupations, quarter dates (dense 1995..2016). Built from the JobHop CSVs by keeping 76
  hand-picked ICT occupations, dropping exact duplicates (person, label, start, end), sorting each
  person's spells by start quarter (undated spells first), and iterating: people with < 3 spells
  and occupations held by < 25 people removed.
- karrierewege_ict_benchmark_v1: about 2,600 German (Bundesagentur fuer Arbeit) job seekers,
  10,500 spells, 35 ICT occupations, ordered by experience_order, no dates. Same filter.

Limits: moves into or out of non-ICT jobs are invisible (the filter removed those spells, so a
person's neighbours in the sequence may have been apart in reality); the < 25-people filter
removed rare occupations; the Karrierewege cut has no product-manager occupation at all; the
families in ``family`` are the benchmark author's keyword rules. Open-ended spells (no end) are
current jobs or ends the resume left out: the data do not say which. A few JobHop starts lie in
2024, after the resumes were collected: treat them as suspect.
"""
LICENSE = "MIT (benchmark repository); JobHop and Karrierewege data CC BY 4.0"
CITATION = (
    "Canay, O. hybrid-talent-rec-benchmarks (2026), https://github.com/canay/"
    "hybrid-talent-rec-benchmarks; Johary et al., JobHop: A Large-Scale Dataset of Career "
    "Trajectories, arXiv:2505.07653; Senger et al., Karrierewege: A Large Scale Career Path "
    "Prediction Dataset, arXiv:2412.14612."
)

DATASETS = ("jobhop", "karrierewege")
_DIRS = {"jobhop": "jobhop_ict_benchmark_v1", "karrierewege": "karrierewege_ict_benchmark_v1"}
_REQUIRED = {
    "jobhop": ["user_id", "sequence_pos", "item_id", "label", "family", "start_date", "end_date"],
    "karrierewege": ["user_id", "sequence_pos", "item_id", "label", "family"],
}

QUARTER = pd.PeriodDtype("Q-DEC")
SPELL_COLUMNS = [
    "source",
    "person_id",
    "seq",
    "occupation_label",
    "esco_code",
    "family",
    "start",
    "end",
    "open_ended",
    "dated",
    "education",
]

# Tokens that mean "no value" or "still in this job" in the published files.
_MISSING = {"", "null", "none", "nan", "na", "<na>"}
_OPEN = {"present", "current", "now", "today"}
_UNKNOWN_OCCUPATION = {"unknown", "unk", "none", "null", "nan", ""}
_QUARTER_RE = r"^Q([1-4])\s+(\d{4})$"
_YEARS = (1900, 2100)


def _s(nullable: bool = True) -> pa.Column:
    return pa.Column("string", nullable=nullable)


SPELLS = pa.DataFrameSchema(
    {
        "source": _s(False),
        "person_id": _s(False),
        "seq": pa.Column("Int64", pa.Check.ge(0)),
        "occupation_label": _s(),
        "esco_code": _s(),
        "family": _s(),
        "start": pa.Column(QUARTER, nullable=True),
        "end": pa.Column(QUARTER, nullable=True),
        "open_ended": pa.Column("boolean"),
        "dated": pa.Column("boolean"),
        "education": _s(),
    },
    checks=[
        pa.Check(
            lambda d: (d["occupation_label"].notna() | d["esco_code"].notna()).all(),
            error="every spell names an occupation (label or code)",
        ),
        pa.Check(
            lambda d: ~d.duplicated(["source", "person_id", "seq"]).any(),
            error="(source, person_id, seq) is unique",
        ),
    ],
    strict=True,
    ordered=True,
    name="spells",
)


class CareerFormatError(ValueError):
    """A career-path file does not have the published layout."""


def parse_quarter(value: object) -> pd.Period | None:
    """Parse one ``Q<n> <year>`` quarter; None for a missing value or "Present".

    Raises
    ------
    ValueError
        For anything else (the message quotes the value).

    Examples
    --------
    >>> parse_quarter("Q4 2007"), parse_quarter("Present"), parse_quarter(None)
    (Period('2007Q4', 'Q-DEC'), None, None)
    """
    per, bad, _ = parse_quarters(pd.Series([value], dtype="object"))
    if bad.iloc[0]:
        raise ValueError(f"not a quarter like 'Q2 1998': {value!r}")
    return None if pd.isna(per.iloc[0]) else per.iloc[0]


def parse_quarters(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Vectorised quarter parser.

    Returns
    -------
    periods : Series of ``period[Q-DEC]`` (NaT where missing, open or malformed)
    malformed : boolean Series, True where a value is present but not a quarter
    open_token : boolean Series, True where the value says "Present" (or similar)

    Examples
    --------
    >>> p, bad, op = parse_quarters(pd.Series(["Q1 2000", "Present", "2000", None]))
    >>> [str(x) for x in p], bad.tolist(), op.tolist()
    (['2000Q1', 'NaT', 'NaT', 'NaT'], [False, False, True, False], [False, True, False, False])
    """
    text = values.astype("string").str.strip()
    low = text.str.lower()
    missing = text.isna() | low.isin(_MISSING)
    open_token = low.isin(_OPEN).fillna(False).astype(bool)
    parts = text.str.extract(_QUARTER_RE, flags=re.IGNORECASE)
    year = pd.to_numeric(parts[1], errors="coerce")
    ok = parts[0].notna() & year.between(*_YEARS)
    malformed = (~missing.fillna(True) & ~open_token & ~ok.fillna(False)).astype(bool)
    out = pd.Series(pd.NaT, index=values.index, dtype=QUARTER)
    if ok.any():
        idx = ok[ok].index
        out.loc[idx] = pd.PeriodIndex.from_fields(
            year=year.loc[idx].astype(int).to_numpy(),
            quarter=parts.loc[idx, 0].astype(int).to_numpy(),
            freq="Q-DEC",
        )
    return out, malformed, open_token


def quarter_ordinal(periods: pd.Series) -> pd.Series:
    """Quarters as integers (``year * 4 + quarter - 1``), NA for NaT; safe for arithmetic.

    ``Series.dt.year`` returns -1 for NaT, so period arithmetic goes through this instead.

    Examples
    --------
    >>> quarter_ordinal(pd.Series(pd.PeriodIndex(["2000Q1", "2001Q2"], freq="Q"))).tolist()
    [8000, 8005]
    """
    na = periods.isna()
    year = periods.dt.qyear.where(~na)
    quarter = periods.dt.quarter.where(~na)
    return (year * 4 + quarter - 1).astype("Int64")


def build_spells(
    raw: pd.DataFrame,
    *,
    source: str,
    file: str,
    known_labels: set[str] | None = None,
) -> Loaded:
    """Turn normalised records into the ``spells`` table, quarantining what cannot be kept.

    ``raw`` has one row per record with string columns ``record_id, person_id, seq,
    occupation_label, esco_code, family, start_raw, end_raw, education`` (any may be NA).
    Reasons, in the order they are checked (a record gets the first that applies):
    ``missing_person_id``; ``malformed_seq``; ``unknown_occupation`` (no label and no code, the
    code ``unknown``, or a label outside ``known_labels``); ``malformed_date``;
    ``end_before_start``; ``duplicate_seq`` (a second record at the same place of the same
    person); ``duplicate_spell`` (same person, occupation, start and end, both dated).

    Examples
    --------
    >>> raw = pd.DataFrame({"record_id": ["1", "2"], "person_id": ["p", "p"], "seq": ["0", "1"],
    ...     "occupation_label": ["software developer", None], "esco_code": [None, "unknown"],
    ...     "family": [None, None], "start_raw": ["Q1 2001", "Q1 2004"],
    ...     "end_raw": ["Q4 2003", None], "education": [None, None]})
    >>> out = build_spells(raw, source="demo", file="demo.csv")
    >>> len(out.frame), out.quarantine["reason"].tolist()
    (1, ['unknown_occupation'])
    """
    df = raw.copy()
    for c in ("record_id", "person_id", "seq", "occupation_label", "esco_code", "family",
              "start_raw", "end_raw", "education"):
        if c not in df:
            df[c] = pd.NA
        df[c] = df[c].astype("string").str.strip()
    df["occupation_label"] = df["occupation_label"].str.lower()
    for c in ("person_id", "occupation_label", "esco_code", "family", "education"):
        df[c] = df[c].mask(df[c].str.lower().isin(_MISSING), pd.NA)

    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    detail = pd.Series(pd.NA, index=df.index, dtype="string")

    def flag(mask: pd.Series, why: str, what: pd.Series | str | None = None) -> None:
        hit = mask.fillna(False).astype(bool) & reason.isna()
        reason[hit] = why
        if what is not None:
            detail[hit] = what[hit] if isinstance(what, pd.Series) else what

    flag(df["person_id"].isna(), "missing_person_id")
    seq = pd.to_numeric(df["seq"], errors="coerce")
    bad_seq = seq.isna() | (seq < 0) | (seq != np.floor(seq))
    flag(bad_seq, "malformed_seq", "seq=" + df["seq"].fillna("<missing>"))

    code_unknown = df["esco_code"].str.lower().isin(_UNKNOWN_OCCUPATION).fillna(False)
    code = df["esco_code"].mask(code_unknown, pd.NA)
    no_occ = df["occupation_label"].isna() & code.isna()
    flag(no_occ, "unknown_occupation",
         pd.Series("label and code missing", index=df.index, dtype="string")
         .mask(code_unknown, "code 'unknown' and no label"))
    if known_labels is not None:
        outside = df["occupation_label"].notna() & ~df["occupation_label"].isin(known_labels)
        flag(outside, "unknown_occupation", "label not in the item list: " + df["occupation_label"])
    df["esco_code"] = code

    start, bad_start, _ = parse_quarters(df["start_raw"])
    end, bad_end, _ = parse_quarters(df["end_raw"])  # "Present" and a missing end: both open
    flag(bad_start, "malformed_date", "start_date=" + df["start_raw"].fillna(""))
    flag(bad_end, "malformed_date", "end_date=" + df["end_raw"].fillna(""))
    both = start.notna() & end.notna()
    s_ord, e_ord = quarter_ordinal(start), quarter_ordinal(end)
    flag(both & (e_ord < s_ord), "end_before_start",
         df["start_raw"].fillna("") + " > " + df["end_raw"].fillna(""))

    df["seq_int"] = seq.where(~bad_seq).astype("Int64")
    alive = reason.isna()
    # duplicates are judged among records still kept, so a bad record never shadows a good one
    kept_idx = df.index[alive]
    dup_seq = pd.Series(False, index=df.index)
    dup_seq.loc[kept_idx] = df.loc[kept_idx].duplicated(["person_id", "seq_int"], keep="first")
    flag(dup_seq, "duplicate_seq", "seq=" + df["seq"].fillna(""))
    alive = reason.isna()
    key = pd.DataFrame({
        "p": df["person_id"], "o": df["occupation_label"].fillna("") + "|" + code.fillna(""),
        "s": s_ord, "e": e_ord,
    })
    kept_idx = df.index[alive & start.notna() & end.notna()]
    dup_spell = pd.Series(False, index=df.index)
    dup_spell.loc[kept_idx] = key.loc[kept_idx].duplicated(keep="first")
    flag(dup_spell, "duplicate_spell",
         df["occupation_label"].fillna(code.fillna("")) + " " + df["start_raw"].fillna("")
         + ".." + df["end_raw"].fillna(""))

    keep = reason.isna()
    k = df[keep]
    frame = pd.DataFrame({
        "source": pd.Series(source, index=k.index, dtype="string"),
        "person_id": k["person_id"],
        "seq": k["seq_int"],
        "occupation_label": k["occupation_label"],
        "esco_code": k["esco_code"],
        "family": k["family"],
        "start": start[keep],
        "end": end[keep],
        "open_ended": (start[keep].notna() & end[keep].isna()).astype("boolean"),
        "dated": start[keep].notna().astype("boolean"),
        "education": k["education"],
    })
    frame = frame.sort_values(["person_id", "seq"], kind="stable").reset_index(drop=True)
    q = df[~keep]
    quarantine = quarantine_frame([
        {"source": source, "file": file, "record_id": r, "reason": why, "detail": d}
        for r, why, d in zip(q["record_id"], reason[~keep], detail[~keep], strict=True)
    ])
    return Loaded(SPELLS.validate(frame), quarantine, len(df))


def concat_loaded(parts: list[Loaded]) -> Loaded:
    """Stack several :class:`Loaded` results (frames and quarantines) into one."""
    if not parts:
        raise ValueError("nothing to concatenate")
    frames = [p.frame for p in parts]
    quarantines = [p.quarantine for p in parts if len(p.quarantine)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    quarantine = (
        pd.concat(quarantines, ignore_index=True) if quarantines else parts[0].quarantine.iloc[:0]
    )
    return Loaded(frame, quarantine, sum(p.rows_in for p in parts))


def read_csv_strict(path: Path, required: list[str], *, what: str) -> pd.DataFrame:
    """Read a CSV as strings; a clear error names the file and the missing columns."""
    df = read_utf8_csv(path, CareerFormatError, label=f"{path}: cannot read {what}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise CareerFormatError(
            f"{path}: {what} lacks column(s) {missing}; expected {required}, "
            f"found {list(df.columns)}"
        )
    return df


def parse_benchmark(
    interactions: Path, items: Path | None = None, *, dataset: str
) -> Loaded:
    """Read one benchmark's ``interactions.csv`` (and its ``items.csv``) into spells.

    Parameters
    ----------
    interactions : Path
        ``interactions.csv`` with ``user_id, sequence_pos, item_id, label, family`` (and, for
        JobHop, ``start_date, end_date, university_studies``).
    items : Path, optional
        ``items.csv``: the occupations of the benchmark. When given, a label outside it is an
        ``unknown_occupation``, and its ``matched_code`` (JobHop) fills ``esco_code``.
    dataset : {"jobhop", "karrierewege"}

    Examples
    --------
    >>> out = parse_benchmark(Path("interactions.csv"), dataset="jobhop")  # doctest: +SKIP
    """
    if dataset not in _REQUIRED:
        raise ValueError(f"dataset must be one of {sorted(_REQUIRED)}, got {dataset!r}")
    df = read_csv_strict(interactions, _REQUIRED[dataset], what=f"{dataset} interactions")
    known, codes = None, {}
    if items is not None:
        it = read_csv_strict(items, ["label"], what=f"{dataset} items")
        labels = it["label"].str.strip().str.lower()
        known = set(labels)
        if "matched_code" in it:
            codes = dict(zip(labels, it["matched_code"].str.strip(), strict=True))
    label = df["label"].str.strip().str.lower()
    raw = pd.DataFrame({
        "record_id": (df.index + 2).astype(str),  # the CSV line number (header is line 1)
        "person_id": df["user_id"],
        "seq": df["sequence_pos"],
        "occupation_label": label,
        "esco_code": label.map(codes) if codes else pd.NA,
        "family": df["family"],
        "start_raw": df.get("start_date", pd.Series(pd.NA, index=df.index)),
        "end_raw": df.get("end_date", pd.Series(pd.NA, index=df.index)),
        "education": (
            "university_studies=" + df["university_studies"]
            if "university_studies" in df
            else pd.NA
        ),
    })
    return build_spells(raw, source=f"{SOURCE}/{dataset}", file=str(interactions), known_labels=known)


def _file(dataset: str, name: str, registry_source: str) -> Path:
    from trendlab.fetch import fetch
    from trendlab.registry import source

    return fetch(source(registry_source).file(f"{_DIRS[dataset]}/{name}"))


def load(
    datasets: tuple[str, ...] = DATASETS,
    *,
    registry_source: str = SOURCE,
) -> Loaded:
    """Load the benchmark spells of both datasets (through the registry and :func:`fetch`).

    Parameters
    ----------
    datasets : tuple of {"jobhop", "karrierewege"}
    registry_source : str
        The registry source that declares the files (tests point this elsewhere).

    Returns
    -------
    Loaded
        ``frame`` is the ``spells`` table (``source`` is ``career-paths-ict/<dataset>``),
        ``quarantine`` every record not kept, with its reason.

    Examples
    --------
    >>> out = load()  # doctest: +SKIP
    >>> out.frame.groupby("source").person_id.nunique()  # doctest: +SKIP
    """
    parts = [
        parse_benchmark(
            _file(d, "interactions.csv", registry_source),
            _file(d, "items.csv", registry_source),
            dataset=d,
        )
        for d in datasets
    ]
    return concat_loaded(parts)


def load_metadata(dataset: str, *, registry_source: str = SOURCE) -> dict:
    """The benchmark's ``metadata.json``: its filter settings and the counts it reports."""
    return json.loads(_file(dataset, "metadata.json", registry_source).read_text())


__all__ = [
    "CITATION",
    "DESCR",
    "LICENSE",
    "SOURCE",
    "SPELLS",
    "SPELL_COLUMNS",
    "TITLE",
    "CareerFormatError",
    "build_spells",
    "load",
    "load_metadata",
    "parse_benchmark",
    "parse_quarter",
    "parse_quarters",
    "quarter_ordinal",
]
