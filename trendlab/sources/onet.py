"""O*NET (about release 29) as CSV: technology skills, occupations, related occupations, titles.

Four registered files of the ``onet`` source, each read into a tidy frame:

- :func:`load_technology_skills`: software and technology examples per occupation, with their
  UNSPSC commodity and the O*NET "Hot Technology" and "In Demand" flags;
- :func:`load_occupations`: the O*NET-SOC occupations with title and description;
- :func:`load_related_occupations`: for each occupation, its related occupations ranked and
  tiered by O*NET (a static adjacency reference, not observed moves);
- :func:`load_alternate_titles`: alternate job titles, one row per (occupation, title); the
  mirrored file aggregates them into one Python-list literal per occupation.

Each loader returns a :class:`~trendlab.sources.Loaded`; a row that cannot be read (a missing
field, a malformed SOC code, a flag that is not Y/N, a duplicate) goes to the quarantine frame
with its reason, never silently away.

Examples
--------
>>> from trendlab.sources import onet
>>> loaded = onet.load_technology_skills()  # doctest: +SKIP
>>> loaded.frame.loc[loaded.frame.example == "Python", "hot_technology"].all()  # doctest: +SKIP
True
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

from trendlab.sources import Loaded, quarantine_frame, read_utf8_csv

SOURCE = "onet"
TITLE = "O*NET database (about release 29) as CSV"
DESCR = (
    "The O*NET occupational database of the US Department of Labor: occupations (O*NET-SOC), "
    "the software and technology used in each (Technology Skills, with UNSPSC commodity codes "
    "and Hot Technology / In Demand flags), related occupations and alternate titles."
)
LICENSE = "CC BY 4.0 (O*NET Resource Center)"
CITATION = (
    "National Center for O*NET Development. O*NET 29 Database. O*NET Resource Center. "
    "https://www.onetcenter.org/database.html. Used under the CC BY 4.0 license."
)

SOC_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
RELATEDNESS_TIERS = ("Primary-Short", "Primary-Long", "Supplemental")


class OnetFormatError(ValueError):
    """A file does not have the O*NET column layout the loader reads."""


def _path(name: str, path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    from trendlab.fetch import fetch
    from trendlab.registry import source

    return fetch(source(SOURCE).file(name))


def _read(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """Read every field as text, check the header, rename to tidy names."""
    raw = read_utf8_csv(path, OnetFormatError)  # the O*NET export starts with a byte-order mark
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise OnetFormatError(
            f"{path}: missing column(s) {missing}; expected the O*NET layout {list(columns)}, "
            f"found {list(raw.columns)}"
        )
    out = raw[list(columns)].rename(columns=columns)
    return out.apply(lambda s: s.str.strip()).astype("string")


def _screen(
    df: pd.DataFrame,
    path: Path,
    *,
    id_col: str,
    required: list[str],
    soc_cols: list[str],
    unique: list[str],
) -> tuple[pd.DataFrame, list[dict]]:
    """Split rows into kept and quarantined (first failing reason wins)."""
    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    detail = pd.Series(pd.NA, index=df.index, dtype="string")

    def flag(mask: pd.Series, why: str, what: pd.Series | str) -> None:
        new = mask & reason.isna()
        reason[new] = why
        detail[new] = what[new] if isinstance(what, pd.Series) else what

    for col in required:
        flag(df[col].fillna("").eq(""), "missing_value", f"empty {col}")
    for col in soc_cols:
        bad = ~df[col].fillna("").str.match(SOC_RE.pattern)
        flag(bad, "bad_soc_code", col + "=" + df[col].fillna(""))
    dup = df.duplicated(unique, keep="first")
    flag(dup, "duplicate", "duplicate of an earlier row on " + ", ".join(unique))
    held = reason.notna()
    rows = [
        {
            "source": SOURCE,
            "file": path.name,
            "record_id": rid,
            "reason": why,
            "detail": what,
        }
        for rid, why, what in zip(df.loc[held, id_col], reason[held], detail[held], strict=True)
    ]
    return df[~held], rows


def _flags(df: pd.DataFrame, cols: list[str], path: Path, id_col: str) -> tuple[pd.DataFrame, list[dict]]:
    """Y/N columns to booleans; anything else is quarantined."""
    bad = pd.Series(False, index=df.index)
    for c in cols:
        bad |= ~df[c].isin(["Y", "N"])
    rows = [
        {
            "source": SOURCE,
            "file": path.name,
            "record_id": r[id_col],
            "reason": "bad_flag",
            "detail": ", ".join(f"{c}={r[c]!r} (expected Y or N)" for c in cols if r[c] not in ("Y", "N")),
        }
        for _, r in df[bad].iterrows()
    ]
    kept = df[~bad].copy()
    for c in cols:
        kept[c] = kept[c].eq("Y").astype("boolean")
    return kept, rows


def load_technology_skills(*, path: str | Path | None = None) -> Loaded:
    """Software and technology examples per occupation (O*NET Technology Skills).

    Parameters
    ----------
    path : str or Path, optional
        Read this file instead of the registered ``technology_skills.csv``.

    Returns
    -------
    Loaded
        ``frame`` columns: ``soc_code, occupation, example, commodity_code, commodity_title,
        hot_technology, in_demand`` (the flags as booleans). Quarantine reasons:
        ``missing_value``, ``bad_soc_code``, ``bad_flag``, ``duplicate``.

    Examples
    --------
    >>> ts = load_technology_skills().frame  # doctest: +SKIP
    >>> ts.query("example == 'C++'").commodity_title.iloc[0]  # doctest: +SKIP
    'Object or component oriented development software'
    """
    p = _path("technology_skills.csv", path)
    cols = {
        "PK": "pk",
        "O*NET-SOC Code": "soc_code",
        "Title": "occupation",
        "Example": "example",
        "Commodity Code": "commodity_code",
        "Commodity Title": "commodity_title",
        "Hot Technology": "hot_technology",
        "In Demand": "in_demand",
    }
    df = _read(p, cols)
    rows_in = len(df)
    kept, held = _screen(
        df,
        p,
        id_col="pk",
        required=["soc_code", "example", "commodity_code", "commodity_title"],
        soc_cols=["soc_code"],
        unique=["soc_code", "example", "commodity_code"],
    )
    bad_code = ~kept["commodity_code"].str.fullmatch(r"\d{8}")
    held += [
        {"source": SOURCE, "file": p.name, "record_id": r.pk, "reason": "bad_commodity_code",
         "detail": f"commodity_code={r.commodity_code!r} (expected 8 digits)"}
        for r in kept[bad_code].itertuples()
    ]
    kept = kept[~bad_code]
    kept, more = _flags(kept, ["hot_technology", "in_demand"], p, "pk")
    frame = kept.drop(columns="pk").reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held + more), rows_in)


def load_occupations(*, path: str | Path | None = None) -> Loaded:
    """O*NET-SOC occupations: ``soc_code, title, description``.

    Examples
    --------
    >>> occ = load_occupations().frame  # doctest: +SKIP
    >>> occ.set_index("soc_code").title["15-1252.00"]  # doctest: +SKIP
    'Software Developers'
    """
    p = _path("occupation_data.csv", path)
    df = _read(p, {"PK": "pk", "O*NET-SOC Code": "soc_code", "Title": "title", "Description": "description"})
    kept, held = _screen(
        df, p, id_col="pk", required=["soc_code", "title"], soc_cols=["soc_code"], unique=["soc_code"]
    )
    frame = kept.drop(columns="pk").reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), len(df))


def load_related_occupations(*, path: str | Path | None = None) -> Loaded:
    """O*NET related occupations: a ranked, tiered adjacency list (static, not observed moves).

    Returns
    -------
    Loaded
        ``frame`` columns: ``soc_code, title, related_soc_code, related_title,
        relatedness_tier, rank`` (``rank`` is O*NET's ``Index``, 1 = most related). Quarantine
        reasons add ``unknown_tier`` (a tier outside Primary-Short, Primary-Long,
        Supplemental), ``bad_rank`` and ``self_loop``.

    Examples
    --------
    >>> rel = load_related_occupations().frame  # doctest: +SKIP
    >>> rel.query("soc_code == '15-1252.00' and rank == 1").related_title.iloc[0]  # doctest: +SKIP
    'Computer Systems Engineers/Architects'
    """
    p = _path("related_occupations.csv", path)
    cols = {
        "PK": "pk",
        "O*NET-SOC Code": "soc_code",
        "Title": "title",
        "Related O*NET-SOC Code": "related_soc_code",
        "Related Title": "related_title",
        "Relatedness Tier": "relatedness_tier",
        "Index": "rank",
    }
    df = _read(p, cols)
    kept, held = _screen(
        df,
        p,
        id_col="pk",
        required=["soc_code", "related_soc_code", "relatedness_tier", "rank"],
        soc_cols=["soc_code", "related_soc_code"],
        unique=["soc_code", "related_soc_code"],
    )
    checks = [
        (~kept.relatedness_tier.isin(RELATEDNESS_TIERS), "unknown_tier",
         lambda r: f"relatedness_tier={r.relatedness_tier!r} (expected one of {', '.join(RELATEDNESS_TIERS)})"),
        (~kept["rank"].str.fullmatch(r"[1-9]\d*"), "bad_rank",
         lambda r: f"rank={r.rank!r} (expected a positive integer)"),
        (kept.soc_code.eq(kept.related_soc_code), "self_loop",
         lambda r: f"{r.soc_code} is listed as related to itself"),
    ]
    gone = pd.Series(False, index=kept.index)
    for mask, why, describe in checks:
        new = mask & ~gone
        held += [
            {"source": SOURCE, "file": p.name, "record_id": r.pk, "reason": why, "detail": describe(r)}
            for r in kept[new].itertuples()
        ]
        gone |= new
    kept = kept[~gone].copy()
    kept["rank"] = kept["rank"].astype("Int64")
    frame = kept.drop(columns="pk").reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), len(df))


def load_alternate_titles(*, path: str | Path | None = None) -> Loaded:
    """O*NET alternate titles, one row per (occupation, alternate title).

    The mirrored file holds one row per occupation whose ``Alternate Title`` field is a
    Python list literal. A record is one title; a file row that cannot be parsed counts as one
    quarantined record (``unparsable_list``), so ``rows_in`` = titles read + rows unparsed.

    Returns
    -------
    Loaded
        ``frame`` columns: ``soc_code, title, alternate_title``. Quarantine reasons add
        ``unparsable_list``, ``empty_title`` and ``duplicate``.

    Examples
    --------
    >>> alt = load_alternate_titles().frame  # doctest: +SKIP
    >>> "Chief Technology Officer" in set(alt.alternate_title)  # doctest: +SKIP
    True
    """
    p = _path("alternate_titles.csv", path)
    df = _read(p, {"O*NET-SOC Code": "soc_code", "Title": "title", "Alternate Title": "alternate_title"})
    records: list[tuple[str, str, str, str]] = []  # (record_id, soc, title, alternate)
    held: list[dict] = []  # file rows that yield no titles count as one record each
    for i, r in enumerate(df.itertuples(index=False), start=2):  # line 1 is the header
        rid = f"line {i}"
        if not SOC_RE.match(r.soc_code or ""):
            held.append({"source": SOURCE, "file": p.name, "record_id": rid, "reason": "bad_soc_code",
                         "detail": f"soc_code={r.soc_code!r}"})
            continue
        try:
            titles = ast.literal_eval(r.alternate_title or "")
            if not isinstance(titles, list | tuple):
                raise ValueError(f"a {type(titles).__name__}, not a list")
        except (ValueError, SyntaxError) as exc:
            held.append({"source": SOURCE, "file": p.name, "record_id": rid, "reason": "unparsable_list",
                         "detail": f"Alternate Title is not a list literal ({exc})"})
            continue
        for t in titles:
            records.append((rid, r.soc_code, r.title, str(t).strip() if t is not None else ""))
    out = pd.DataFrame(records, columns=["record_id", "soc_code", "title", "alternate_title"], dtype="string")
    empty = out.alternate_title.fillna("").eq("")
    dup = out.duplicated(["soc_code", "alternate_title"]) & ~empty
    unread_rows = len(held)
    for mask, why in ((empty, "empty_title"), (dup, "duplicate")):
        held += [
            {"source": SOURCE, "file": p.name, "record_id": r.record_id, "reason": why,
             "detail": f"{r.soc_code}: {r.alternate_title!r}"}
            for r in out[mask].itertuples()
        ]
    frame = out[~(empty | dup)].drop(columns="record_id").reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), len(out) + unread_rows)
