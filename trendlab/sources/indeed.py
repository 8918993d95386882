"""Indeed Hiring Lab trackers: US job postings index (overall, by sector), AI and remote shares.

Three registry sources, all daily series published by Indeed Hiring Lab on GitHub:

- ``indeed-postings``: ``aggregate_job_postings_US.csv`` (total and new postings) and
  ``job_postings_by_sector_US.csv`` (occupational sectors, Software Development among them);
- ``indeed-ai``: ``AI_posting.csv``, share of postings that mention AI;
- ``indeed-remote``: ``remote_postings.csv``, share of postings that offer remote or hybrid work.

Every loader returns a :class:`~trendlab.sources.Loaded` whose frame is long and tidy:
``date, country, series, measure, value``. A measure is one of ``index_sa``, ``index_nsa``
(job postings index, seasonally adjusted or not, 1 February 2020 = 100), ``ai_share`` or
``remote_share`` (percent of all postings, 0-100, as published). ``rows_in`` counts published
values (file rows times value columns), so that one bad cell quarantines one value and
``rows_in == kept + quarantined`` holds exactly.

The column layout of these files changed over time; each kind of file accepts the layouts
listed in :data:`LAYOUTS` and refuses any other with an error naming the file, the columns found
and the layouts expected.

Examples
--------
>>> from trendlab.sources import indeed
>>> got = indeed.load_postings()  # doctest: +SKIP
>>> monthly = indeed.to_monthly(got.frame)  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from trendlab.fetch import fetch
from trendlab.registry import FileEntry, entry, source
from trendlab.sources import Loaded, quarantine_frame, read_utf8_csv

SOURCE_POSTINGS = "indeed-postings"
SOURCE_AI = "indeed-ai"
SOURCE_REMOTE = "indeed-remote"

TITLE = "Indeed Hiring Lab trackers: US job postings index, AI and remote shares of postings"
LICENSE = "CC BY 4.0 (Indeed Hiring Lab)"
CITATION = (
    "Indeed Hiring Lab. Job Postings Index, AI Tracker and Remote Tracker data. "
    "https://github.com/hiring-lab (CC BY 4.0)."
)
DESCR = """\
Indeed Hiring Lab publishes daily context series about job postings on Indeed.

- Job postings index (US, overall and by occupational sector): a seven-day trailing average of
  the number of postings, seasonally adjusted (and, for the aggregate file, also not adjusted),
  expressed as an index with 1 February 2020 = 100. It is an index, not a count of postings:
  a sector at 120 has 20% more postings than it had on 1 February 2020, and two sectors at the
  same index can differ tenfold in size. Sectors are Indeed's grouping of normalised job titles
  and are seasonally adjusted one by one. The by-sector file held here is the last version small
  enough to mirror and ends on 2024-09-27; the aggregate file runs to 2026.
- AI tracker: share (percent, 0-100) of postings whose text mentions AI keywords
  ("machine learning", "artificial intelligence", ...), seven-day trailing average, by country.
- Remote tracker: share (percent, 0-100) of postings offering remote or hybrid work, by country.

None of these series is specific to product management: they are context for the PM
measurements. Data before the January 2021 methodology change (column ``pct_chng_feb_1``, a
year-over-year adjusted change) is not comparable and is refused.

Licence: CC BY 4.0. Cite "Indeed Hiring Lab" as the source.
"""

MEASURES = ("index_sa", "index_nsa", "ai_share", "remote_share")
KINDS = ("postings", "ai", "remote")
ALL_POSTINGS = "all postings"  # series name for the country-level AI and remote shares
TOTAL_POSTINGS = "total postings"

# Values outside these bounds cannot be an index or a percentage.
_BOUNDS = {
    "index_sa": (0.0, math.inf),
    "index_nsa": (0.0, math.inf),
    "ai_share": (0.0, 100.0),
    "remote_share": (0.0, 100.0),
}

ISO_DATE = "%Y-%m-%d"
DAY_FIRST_SHORT = "%d/%m/%y"  # the first AI tracker file wrote 13 January 2019 as 13/1/19


class IndeedFormatError(ValueError):
    """A file whose columns match none of the layouts accepted for its kind."""


@dataclass(frozen=True)
class Layout:
    """One published column layout of a Hiring Lab file.

    ``measures`` maps a value column to the measure it holds. The series of a row is the value
    of ``series_col`` or, when that is None, the constant ``series``. ``variable_col`` names the
    column telling total from new postings where a series column exists besides it.
    """

    name: str
    kind: str
    columns: tuple[str, ...]
    date_col: str
    measures: dict[str, str]
    series_col: str | None = None
    series: str | None = None
    variable_col: str | None = None
    date_formats: tuple[str, ...] = (ISO_DATE,)
    note: str = ""
    supported: bool = True


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="aggregate, SA and NSA",
        kind="postings",
        columns=("date", "jobcountry", "indeed_job_postings_index_SA",
                 "indeed_job_postings_index_NSA", "variable"),
        date_col="date",
        measures={"indeed_job_postings_index_SA": "index_sa",
                  "indeed_job_postings_index_NSA": "index_nsa"},
        series_col="variable",
    ),
    Layout(
        name="aggregate, seasonally adjusted only",
        kind="postings",
        columns=("date", "jobcountry", "indeed_job_postings_index", "variable"),
        date_col="date",
        measures={"indeed_job_postings_index": "index_sa"},
        series_col="variable",
    ),
    Layout(
        name="by sector",
        kind="postings",
        columns=("date", "jobcountry", "indeed_job_postings_index", "variable", "display_name"),
        date_col="date",
        measures={"indeed_job_postings_index": "index_sa"},
        series_col="display_name",
        variable_col="variable",
    ),
    Layout(
        name="aggregate, pre-2021 methodology",
        kind="postings",
        columns=("date", "jobcountry", "pct_chng_feb_1", "variable"),
        date_col="date",
        measures={},
        supported=False,
        note="a year-over-year adjusted change used before January 2021; not comparable "
        "with the index and not read",
    ),
    Layout(
        name="by sector, pre-2021 methodology",
        kind="postings",
        columns=("date", "jobcountry", "pct_chng_feb_1", "variable", "display_name"),
        date_col="date",
        measures={},
        supported=False,
        note="a year-over-year adjusted change used before January 2021; not comparable "
        "with the index and not read",
    ),
    Layout(
        name="AI share (AI_posting.csv)",
        kind="ai",
        columns=("date", "jobcountry", "AI_share_postings"),
        date_col="date",
        measures={"AI_share_postings": "ai_share"},
        series=ALL_POSTINGS,
    ),
    Layout(
        name="AI share, first layout (ai-postings.csv)",
        kind="ai",
        columns=("modified_date", "jobcountry", "ma_share_perc"),
        date_col="modified_date",
        measures={"ma_share_perc": "ai_share"},
        series=ALL_POSTINGS,
        date_formats=(ISO_DATE, DAY_FIRST_SHORT),
    ),
    Layout(
        name="remote share (remote_postings.csv)",
        kind="remote",
        columns=("date", "jobcountry", "remote_share_postings"),
        date_col="date",
        measures={"remote_share_postings": "remote_share"},
        series=ALL_POSTINGS,
    ),
    Layout(
        name="remote share, first layout (remote_posting.csv)",
        kind="remote",
        columns=("modified_date", "jobcountry", "ma_share_perc"),
        date_col="modified_date",
        measures={"ma_share_perc": "remote_share"},
        series=ALL_POSTINGS,
        date_formats=(ISO_DATE, DAY_FIRST_SHORT),
    ),
)

TIDY = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "country": pa.Column("string", pa.Check.str_matches(r"^[A-Z]{2}$")),
        "series": pa.Column("string", pa.Check.str_length(min_value=1)),
        "measure": pa.Column("string", pa.Check.isin(MEASURES)),
        "value": pa.Column("Float64", pa.Check.ge(0)),
    },
    strict=True,
    ordered=True,
    unique=["date", "country", "series", "measure"],
    name="indeed",
)

MONTHLY = pa.DataFrameSchema(
    {
        "month": pa.Column("string", pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "country": pa.Column("string"),
        "series": pa.Column("string"),
        "measure": pa.Column("string", pa.Check.isin(MEASURES)),
        "value": pa.Column("Float64"),
        "n_days": pa.Column("Int64", pa.Check.ge(1)),
        "complete": pa.Column("boolean"),
    },
    strict=True,
    ordered=True,
    unique=["month", "country", "series", "measure"],
    name="indeed_monthly",
)

_COLUMNS = list(TIDY.columns)


# --------------------------------------------------------------------------- layout detection


def detect_layout(columns: Iterable[str], kind: str, *, file: str = "<frame>") -> Layout:
    """The layout of a file of ``kind`` with these columns (order does not matter).

    Parameters
    ----------
    columns : iterable of str
        The header of the file.
    kind : {"postings", "ai", "remote"}
        What the file is expected to hold.
    file : str
        Name used in error messages.

    Raises
    ------
    IndeedFormatError
        No layout of that kind has exactly these columns, or the layout is a known one that is
        not comparable (the pre-2021 methodology).

    Examples
    --------
    >>> detect_layout(["date", "jobcountry", "AI_share_postings"], "ai").name
    'AI share (AI_posting.csv)'
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    found = [str(c) for c in columns]
    for layout in LAYOUTS:
        if layout.kind == kind and set(layout.columns) == set(found):
            if not layout.supported:
                raise IndeedFormatError(
                    f"{file}: columns {found} are the {layout.name!r} layout: {layout.note}."
                )
            return layout
    expected = "; ".join(
        f"{lay.name}: {list(lay.columns)}" for lay in LAYOUTS if lay.kind == kind and lay.supported
    )
    raise IndeedFormatError(
        f"{file}: columns {found} match no known layout of an Indeed {kind} file. "
        f"Expected one of: {expected}."
    )


# --------------------------------------------------------------------------- parsing


def _parse_dates(raw: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Parse with each format in turn; a value that none accepts becomes NaT."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    todo = raw.str.strip()
    for fmt in formats:
        missing = out.isna()
        if not missing.any():
            break
        parsed = pd.to_datetime(todo[missing], format=fmt, errors="coerce")
        out.loc[missing] = parsed.astype("datetime64[ns]")
    return out


def parse_frame(raw: pd.DataFrame, kind: str, *, file: str = "<frame>", source_name: str = "") -> Loaded:
    """Tidy one Hiring Lab table read with every cell as a string.

    Parameters
    ----------
    raw : DataFrame
        The file as read with ``dtype=str, keep_default_na=False``; not modified.
    kind : {"postings", "ai", "remote"}
        What the file holds (the first AI and remote files share one layout).
    file : str
        Name of the file, for quarantine records and errors.
    source_name : str
        Registry source, recorded in the quarantine.

    Returns
    -------
    Loaded
        The tidy frame (``date, country, series, measure, value``) and one quarantine row per
        value not kept; ``rows_in`` is ``len(raw)`` times the number of value columns.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"date": ["2024-01-01", "2024-01-02"], "jobcountry": ["US", "US"],
    ...                     "remote_share_postings": ["8.5", "n/a"]})
    >>> got = parse_frame(raw, "remote")
    >>> len(got.frame), got.quarantine["reason"].tolist()
    (1, ['non-numeric value'])
    """
    layout = detect_layout(raw.columns, kind, file=file)
    n = len(raw)
    rows = pd.Series(range(1, n + 1), index=raw.index)  # 1-based data row (header not counted)

    dates = _parse_dates(raw[layout.date_col].astype("string").fillna(""), layout.date_formats)
    country = raw["jobcountry"].astype("string").str.strip()
    if layout.series_col is not None:
        series = raw[layout.series_col].astype("string").str.strip()
    else:
        series = pd.Series(layout.series, index=raw.index, dtype="string")
    if layout.variable_col is not None:
        # A sector file may carry new postings besides total postings: keep them apart.
        variable = raw[layout.variable_col].astype("string").str.strip()
        other = variable != TOTAL_POSTINGS
        series = series.where(~other, series + " (" + variable + ")")
        series = series.where(variable != "", pd.NA)

    row_problems: list[tuple[pd.Series, str, str]] = [
        (dates.isna(), "unparsable date", layout.date_col),
        (~country.fillna("").str.fullmatch(r"[A-Z]{2}"), "bad country code", "jobcountry"),
        (series.isna() | (series.fillna("") == ""), "missing series",
         layout.series_col or layout.variable_col or ""),
    ]

    kept_parts, held = [], []
    for col, measure in layout.measures.items():
        text = raw[col].astype("string").fillna("").str.strip()
        value = pd.to_numeric(text, errors="coerce").astype("float64")
        lo, hi = _BOUNDS[measure]
        reason = pd.Series(pd.NA, index=raw.index, dtype="string")
        detail = pd.Series(pd.NA, index=raw.index, dtype="string")
        # Row-level problems first, so each value gets the first reason that applies.
        for mask, why, field_name in row_problems:
            bad = mask & reason.isna()
            reason[bad] = why
            src = raw[field_name] if field_name in raw.columns else pd.Series("", index=raw.index)
            detail[bad] = field_name + "=" + src[bad].astype("string").map(repr)
        checks = [
            (text == "", "missing value"),
            ((text != "") & value.isna(), "non-numeric value"),
            (value.abs() == math.inf, "non-finite value"),
            (value.notna() & ((value < lo) | (value > hi)), "value out of range"),
        ]
        for mask, why in checks:
            bad = mask & reason.isna()
            reason[bad] = why
            detail[bad] = f"{col}=" + text[bad].map(repr) + (
                f" (expected {lo:g} to {hi:g})" if why == "value out of range" else ""
            )
        ok = reason.isna()
        kept_parts.append(
            pd.DataFrame(
                {"date": dates[ok], "country": country[ok], "series": series[ok],
                 "measure": measure, "value": value[ok], "_row": rows[ok]}
            )
        )
        bad = ~ok
        held.extend(
            {"source": source_name, "file": file, "record_id": f"row {r}",
             "reason": why, "detail": f"{measure}: {d}"}
            for r, why, d in zip(rows[bad], reason[bad], detail[bad], strict=True)
        )

    kept = pd.concat(kept_parts, ignore_index=True) if kept_parts else pd.DataFrame(columns=[*_COLUMNS, "_row"])
    kept, dup_held = _drop_duplicate_keys(kept, file=file, source_name=source_name)
    held.extend(dup_held)
    frame = _finish(kept)
    return Loaded(frame, quarantine_frame(held), rows_in=n * len(layout.measures))


def _drop_duplicate_keys(kept: pd.DataFrame, *, file: str, source_name: str) -> tuple[pd.DataFrame, list[dict]]:
    """Keep one value per (date, country, series, measure).

    An exact repeat is set aside and the first copy kept; when the repeats disagree no copy can
    be trusted and all of them are set aside.
    """
    key = ["date", "country", "series", "measure"]
    dup = kept.duplicated(key, keep=False)
    if not dup.any():
        return kept, []
    groups = kept[dup].groupby(key, sort=False, dropna=False)
    held, drop = [], []
    for _, g in groups:
        conflicting = g["value"].nunique(dropna=False) > 1
        victims = g if conflicting else g.iloc[1:]
        first_row = int(g["_row"].iloc[0])
        for idx, r in victims.iterrows():
            drop.append(idx)
            held.append(
                {"source": source_name, "file": file, "record_id": f"row {int(r['_row'])}",
                 "reason": "conflicting duplicate" if conflicting else "duplicate",
                 "detail": f"{r['measure']}: {r['series']} {r['country']} "
                 f"{r['date']:%Y-%m-%d} also on row {first_row}"
                 + (f" with values {sorted(g['value'].tolist())}" if conflicting else "")}
            )
    return kept.drop(index=drop), held


def _finish(kept: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": kept["date"].astype("datetime64[ns]"),
            "country": kept["country"].astype("string"),
            "series": kept["series"].astype("string"),
            "measure": kept["measure"].astype("string"),
            "value": kept["value"].astype("Float64"),
        }
    )
    frame = frame.sort_values(["measure", "series", "country", "date"], kind="stable")
    return TIDY.validate(frame.reset_index(drop=True))


# --------------------------------------------------------------------------- reading files


def read_file(url: str | FileEntry, kind: str) -> Loaded:
    """Read one registered Hiring Lab file (resolved through :func:`trendlab.fetch.fetch`).

    Parameters
    ----------
    url : str or FileEntry
        The file's URL as declared in the registry, or its entry.
    kind : {"postings", "ai", "remote"}
        What the file holds.

    Returns
    -------
    Loaded

    Raises
    ------
    IndeedFormatError
        The header matches no accepted layout (the message lists the columns found and expected).

    Examples
    --------
    >>> from trendlab.registry import source
    >>> f = source("indeed-ai").file("AI_posting.csv")
    >>> got = read_file(f, "ai")  # doctest: +SKIP
    """
    f = url if isinstance(url, FileEntry) else entry(url)
    path = fetch(f)
    name = f.name
    raw = read_utf8_csv(path, IndeedFormatError, label=f"{name} ({path})")
    return parse_frame(raw, kind, file=name, source_name=f.source)


def combine(parts: Iterable[Loaded]) -> Loaded:
    """Stack several loads into one (their keys must not overlap).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"date": ["2024-01-01"], "jobcountry": ["US"], "AI_share_postings": ["2.5"]})
    >>> combine([parse_frame(raw, "ai")]).rows_in
    1
    """
    parts = list(parts)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    frame = frame.sort_values(["measure", "series", "country", "date"], kind="stable")
    quarantine = pd.concat([p.quarantine for p in parts], ignore_index=True)
    return Loaded(
        TIDY.validate(frame.reset_index(drop=True)),
        quarantine_frame(quarantine.to_dict("records")),
        rows_in=sum(p.rows_in for p in parts),
    )


def _csv_files(name: str) -> list[FileEntry]:
    files = [f for f in source(name).files if f.name.endswith(".csv")]
    if not files:
        raise IndeedFormatError(f"registry source {name!r} declares no CSV file")
    return files


def load_postings() -> Loaded:
    """US job postings index: total and new postings, and every occupational sector.

    Series are ``"total postings"`` and ``"new postings"`` (aggregate file, measures
    ``index_sa`` and ``index_nsa``) and the sector names such as ``"Software Development"``
    (measure ``index_sa``; the sector file ends 2024-09-27).

    Examples
    --------
    >>> got = load_postings()  # doctest: +SKIP
    >>> got.frame.query("series == 'Software Development'").tail(1)  # doctest: +SKIP
    """
    return combine(read_file(f, "postings") for f in _csv_files(SOURCE_POSTINGS))


def load_ai_share() -> Loaded:
    """Share of postings mentioning AI (percent, 0-100), daily, by country.

    Examples
    --------
    >>> got = load_ai_share()  # doctest: +SKIP
    """
    return combine(read_file(f, "ai") for f in _csv_files(SOURCE_AI))


def load_remote_share() -> Loaded:
    """Share of postings offering remote or hybrid work (percent, 0-100), daily, by country.

    Examples
    --------
    >>> got = load_remote_share()  # doctest: +SKIP
    """
    return combine(read_file(f, "remote") for f in _csv_files(SOURCE_REMOTE))


def load() -> Loaded:
    """All three Hiring Lab trackers in one tidy frame.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> sorted(got.frame["measure"].unique())  # doctest: +SKIP
    ['ai_share', 'index_nsa', 'index_sa', 'remote_share']
    """
    return combine([load_postings(), load_ai_share(), load_remote_share()])


# --------------------------------------------------------------------------- monthly means


def to_monthly(df: pd.DataFrame) -> pd.DataFrame:
    """Monthly means of a tidy Hiring Lab frame.

    Each (month, country, series, measure) gets the mean of its daily values, the number of days
    observed and whether every day of the month was observed (the last month of a file is often
    partial, e.g. the sector file stops on 27 September 2024). The input is not modified.

    Parameters
    ----------
    df : DataFrame
        Columns ``date, country, series, measure, value`` as returned by the loaders.

    Returns
    -------
    DataFrame
        ``month`` (``YYYY-MM``), ``country, series, measure, value, n_days, complete``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"date": pd.to_datetime(["2024-02-01", "2024-02-02"]),
    ...                    "country": "US", "series": "total postings",
    ...                    "measure": "index_sa", "value": [100.0, 102.0]})
    >>> to_monthly(df)[["month", "value", "n_days", "complete"]].to_dict("records")
    [{'month': '2024-02', 'value': 101.0, 'n_days': 2, 'complete': False}]
    """
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            f"to_monthly needs columns {_COLUMNS}; missing {missing} (found {list(df.columns)})"
        )
    dates = pd.to_datetime(df["date"])
    work = pd.DataFrame(
        {
            "month": dates.dt.strftime("%Y-%m"),
            "day": dates.dt.normalize(),
            "days_in_month": dates.dt.days_in_month,
            "country": df["country"].astype("string"),
            "series": df["series"].astype("string"),
            "measure": df["measure"].astype("string"),
            "value": df["value"].astype("Float64"),
        }
    )
    if work["value"].isna().any():
        raise ValueError("to_monthly: 'value' holds missing values; load through the loaders")
    keys = ["month", "country", "series", "measure"]
    g = work.groupby(keys, sort=True, observed=True)
    out = g.agg(value=("value", "mean"), n_days=("day", "nunique"),
                days_in_month=("days_in_month", "first")).reset_index()
    out["complete"] = (out["n_days"] == out["days_in_month"]).astype("boolean")
    out = out.drop(columns="days_in_month")
    out = out.astype({"month": "string", "country": "string", "series": "string",
                      "measure": "string", "value": "Float64", "n_days": "Int64"})
    return MONTHLY.validate(out[list(MONTHLY.columns)])
