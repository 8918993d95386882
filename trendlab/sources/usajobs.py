"""USAJOBS: US federal job announcements whose title names a product manager.

One registry source, ``usajobs``: ``product_manager_jobs.csv`` from the *usajobs_historical*
project, one row per announcement (control number) with its title, agency, occupational series,
grade, dates, salary and the original API record as JSON (``raw_data``).

:func:`load` returns a :class:`~trendlab.sources.Loaded`: one row per announcement with the
occupational series normalised, the year of the open date, and every row that could not be kept
in the quarantine with its reason. :func:`pm_postings_by_series` counts, per year, the postings
filed under series 2210 (Information Technology Management) against all others, with Wilson
intervals.

Examples
--------
>>> from trendlab.sources import usajobs
>>> got = usajobs.load()  # doctest: +SKIP
>>> usajobs.pm_postings_by_series(got.frame)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from typing import Literal

import pandas as pd
import pandera.pandas as pa
from statsmodels.stats.proportion import proportion_confint

from trendlab.fetch import fetch
from trendlab.registry import FileEntry, entry, source
from trendlab.schemas import SHARES
from trendlab.sources import Loaded, quarantine_frame, read_utf8_csv

SOURCE = "usajobs"
FILE = "product_manager_jobs.csv"
TITLE = "USAJOBS federal announcements whose title names a product manager"
LICENSE = "US federal government data (USAJOBS); public domain in the United States"
CITATION = (
    "USAJOBS announcements collected by the usajobs_historical project "
    "(https://github.com/abigailhaddad/usajobs_historical), file data/exports/product_manager_jobs.csv."
)
DESCR = """\
US federal job announcements from USAJOBS whose title names a product role ("Product Manager",
"Deputy Product Manager (Acquisition)", "Product Lead", "Product Owner", ...): 537 announcements
opened 2017-03 to 2025-04, collected in June 2025. Metadata only, with no duties text.

Each announcement has an OPM occupational series (``job_series``). Series 2210, Information
Technology Management, is where software product managers sit; most announcements here are
not in it: over half are Army acquisition "product managers" and "product leads" (series 0340
Program Management, 0301 Miscellaneous Administration and Program) who manage the acquisition of
a weapons or equipment program. Grades are pay-plan specific (GS 13 is not NH 4), and a few
announcements are paid per hour or without compensation (salary 0): read salaries with
``salary_type``. The last year is partial.

Some announcements list several series (``"0854, 0855"``): ``job_series`` keeps all of them,
``;``-joined in the published order, ``primary_series`` is the first, and
:func:`pm_postings_by_series` says how they are counted.
"""

REQUIRED = (
    "control_number", "announcement_number", "hiring_agency_name", "hiring_department_name",
    "position_title", "minimum_grade", "maximum_grade", "pay_scale", "salary_type",
    "minimum_salary", "maximum_salary", "position_open_date", "position_close_date",
    "position_opening_status", "job_series", "locations", "raw_data",
)

IT_SERIES = "2210"
ISO_DATE = "%Y-%m-%d"
_SERIES_SPLIT = re.compile(r"[,;|/]")
_SERIES_CODE = re.compile(r"\d{1,4}")

TIDY = pa.DataFrameSchema(
    {
        "control_number": pa.Column("string", unique=True),
        "announcement_number": pa.Column("string"),
        "title": pa.Column("string", pa.Check.str_length(min_value=1)),
        "agency": pa.Column("string"),
        "department": pa.Column("string"),
        "job_series": pa.Column("string", pa.Check.str_matches(r"^\d{4}(;\d{4})*$")),
        "primary_series": pa.Column("string", pa.Check.str_matches(r"^\d{4}$")),
        "n_series": pa.Column("Int64", pa.Check.ge(1)),
        "includes_2210": pa.Column("boolean"),
        "pay_plan": pa.Column("string"),
        "grade_min": pa.Column("string", nullable=True),
        "grade_max": pa.Column("string", nullable=True),
        "open_date": pa.Column("datetime64[ns]"),
        "close_date": pa.Column("datetime64[ns]", nullable=True),
        "year": pa.Column("Int64"),
        "salary_min": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "salary_max": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "salary_type": pa.Column("string", nullable=True),
        "status": pa.Column("string", nullable=True),
        "locations": pa.Column("string", nullable=True),
    },
    strict=True,
    ordered=True,
    name="usajobs",
)


class USAJobsFormatError(ValueError):
    """A file that lacks the columns of the published export."""


def normalise_series(value: str) -> list[str]:
    """The OPM series codes of one announcement, four digits each, in published order.

    Codes are separated by commas (``"0854, 0855"``; ``;``, ``|`` and ``/`` are accepted too).
    A code of fewer than four digits is left-padded with zeros: series codes are four-digit
    strings, and a spreadsheet round-trip turns ``0340`` into ``340``. Repeats are dropped.

    Raises
    ------
    ValueError
        A part is not a code of one to four digits, or there is no code at all.

    Examples
    --------
    >>> normalise_series("0854, 0855")
    ['0854', '0855']
    >>> normalise_series("340")
    ['0340']
    """
    parts = [p.strip() for p in _SERIES_SPLIT.split(value or "")]
    parts = [p for p in parts if p]
    if not parts:
        raise ValueError("no series code")
    bad = [p for p in parts if not _SERIES_CODE.fullmatch(p)]
    if bad:
        raise ValueError(f"not a series code: {', '.join(map(repr, bad))} (expected 4 digits)")
    return list(dict.fromkeys(p.zfill(4) for p in parts))


def _grade(value: str) -> str | None:
    """Pay grades as published but without leading zeros (``"04"`` and ``"4"`` are one grade)."""
    v = (value or "").strip()
    if not v:
        return None
    return str(int(v)) if v.isdigit() else v


def _date(value: str) -> pd.Timestamp | None:
    v = (value or "").strip()
    if not v:
        return None
    return pd.to_datetime(v, format=ISO_DATE, errors="coerce")  # NaT when unparsable


def _money(value: str) -> float | None:
    v = (value or "").strip().replace(",", "").lstrip("$")
    if not v:
        return None
    return float(v)  # ValueError when not a number


def _opt(value: str) -> str | None:
    v = (value or "").strip()
    return v or None


def parse_frame(raw: pd.DataFrame, *, file: str = FILE, source_name: str = SOURCE) -> Loaded:
    """Tidy the export read with every cell as a string.

    Parameters
    ----------
    raw : DataFrame
        ``product_manager_jobs.csv`` read with ``dtype=str, keep_default_na=False``; not modified.
    file, source_name : str
        Recorded in the quarantine and in errors.

    Returns
    -------
    Loaded
        One row per kept announcement (columns of :data:`TIDY`); the quarantine holds each row
        set aside with its reason: missing or repeated control number, missing title,
        unparsable or missing open date, unparsable close date or one before the open date,
        bad series code, non-numeric salary or minimum above maximum, ``raw_data`` that is not
        JSON or names another announcement.

    Raises
    ------
    USAJobsFormatError
        Required columns are missing (the message names them and the columns found).

    Examples
    --------
    >>> import pandas as pd
    >>> row = {c: "" for c in REQUIRED}
    >>> row.update(control_number="1", position_title="Product Manager", job_series="2210",
    ...            position_open_date="2024-05-01", raw_data='{"controlNumber": 1}')
    >>> got = parse_frame(pd.DataFrame([row]))
    >>> got.frame[["year", "job_series", "includes_2210"]].to_dict("records")
    [{'year': 2024, 'job_series': '2210', 'includes_2210': True}]
    """
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise USAJobsFormatError(
            f"{file}: missing column(s) {missing}; found {list(raw.columns)}"
        )
    kept: list[dict] = []
    held: list[dict] = []
    seen: dict[str, int] = {}

    for i, rec in enumerate(raw[list(REQUIRED)].to_dict("records"), start=1):
        rid = f"row {i}"

        def hold(reason: str, detail: str, rid: str = rid) -> None:
            held.append({"source": source_name, "file": file, "record_id": rid,
                         "reason": reason, "detail": detail})

        cn = (rec["control_number"] or "").strip()
        if cn:
            rid = f"row {i} (control_number {cn})"
        if not cn:
            hold("missing control number", "control_number=''")
            continue
        if cn in seen:
            hold("duplicate control number", f"control_number={cn!r} also on row {seen[cn]}", rid)
            continue
        title = (rec["position_title"] or "").strip()
        if not title:
            hold("missing title", "position_title=''", rid)
            continue
        opened = _date(rec["position_open_date"])
        if opened is None or pd.isna(opened):
            hold("unparsable open date",
                 f"position_open_date={rec['position_open_date']!r} (expected YYYY-MM-DD)", rid)
            continue
        closed = _date(rec["position_close_date"])
        if closed is not None and pd.isna(closed):
            hold("unparsable close date",
                 f"position_close_date={rec['position_close_date']!r} (expected YYYY-MM-DD)", rid)
            continue
        if closed is not None and closed < opened:
            hold("close date before open date",
                 f"position_open_date={opened:%Y-%m-%d}, position_close_date={closed:%Y-%m-%d}", rid)
            continue
        try:
            codes = normalise_series(rec["job_series"])
        except ValueError as exc:
            hold("bad job series", f"job_series={rec['job_series']!r}: {exc}", rid)
            continue
        try:
            lo, hi = _money(rec["minimum_salary"]), _money(rec["maximum_salary"])
        except ValueError:
            hold("non-numeric salary", f"minimum_salary={rec['minimum_salary']!r}, "
                 f"maximum_salary={rec['maximum_salary']!r}", rid)
            continue
        if (lo is not None and lo < 0) or (hi is not None and hi < 0) or (
            lo is not None and hi is not None and lo > hi
        ):
            hold("salary range invalid", f"minimum_salary={lo}, maximum_salary={hi} "
                 "(expected 0 <= minimum <= maximum)", rid)
            continue
        problem = _check_raw(rec["raw_data"], cn)
        if problem:
            hold(*problem, rid)
            continue
        seen[cn] = i
        kept.append(
            {
                "control_number": cn,
                "announcement_number": (rec["announcement_number"] or "").strip(),
                "title": title,
                "agency": (rec["hiring_agency_name"] or "").strip(),
                "department": (rec["hiring_department_name"] or "").strip(),
                "job_series": ";".join(codes),
                "primary_series": codes[0],
                "n_series": len(codes),
                "includes_2210": IT_SERIES in codes,
                "pay_plan": (rec["pay_scale"] or "").strip(),
                "grade_min": _grade(rec["minimum_grade"]),
                "grade_max": _grade(rec["maximum_grade"]),
                "open_date": opened,
                "close_date": closed,
                "year": opened.year,
                "salary_min": lo,
                "salary_max": hi,
                "salary_type": _opt(rec["salary_type"]),
                "status": _opt(rec["position_opening_status"]),
                "locations": _opt(rec["locations"]),
            }
        )
    return Loaded(_finish(kept), quarantine_frame(held), rows_in=len(raw))


def _check_raw(text: str, control_number: str) -> tuple[str, str] | None:
    """``raw_data`` must be the JSON record of this very announcement.

    A record that does not parse, or names another control number, means the CSV row was cut or
    shifted, and its other fields cannot be trusted either.
    """
    try:
        obj = json.loads(text)
    except (TypeError, ValueError) as exc:
        return "raw_data is not valid JSON", f"{exc}"
    if not isinstance(obj, dict):
        return "raw_data is not valid JSON", f"expected a JSON object, got {type(obj).__name__}"
    inner = obj.get("controlNumber")
    if inner is None or str(inner).strip() != control_number:
        return ("raw_data names another announcement",
                f"raw_data controlNumber={inner!r}, control_number={control_number!r}")
    return None


def _finish(rows: list[dict]) -> pd.DataFrame:
    cols = list(TIDY.columns)
    df = pd.DataFrame(rows, columns=cols)
    types = {c: "string" for c in cols}
    types.update(n_series="Int64", includes_2210="boolean", year="Int64",
                 salary_min="Float64", salary_max="Float64",
                 open_date="datetime64[ns]", close_date="datetime64[ns]")
    df = df.astype(types)
    df = df.sort_values(["open_date", "control_number"], kind="stable").reset_index(drop=True)
    return TIDY.validate(df)


def read_file(url: str | FileEntry) -> Loaded:
    """Read one registered export (resolved through :func:`trendlab.fetch.fetch`).

    Examples
    --------
    >>> from trendlab.registry import source
    >>> got = read_file(source("usajobs").file("product_manager_jobs.csv"))  # doctest: +SKIP
    """
    f = url if isinstance(url, FileEntry) else entry(url)
    path = fetch(f)
    raw = read_utf8_csv(path, USAJobsFormatError, label=f"{f.name} ({path})")
    return parse_frame(raw, file=f.name, source_name=f.source)


def load() -> Loaded:
    """The registered USAJOBS product-manager export, tidy.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> got.frame["year"].min(), got.frame["year"].max()  # doctest: +SKIP
    (2017, 2025)
    """
    return read_file(source(SOURCE).file(FILE))


def pm_postings_by_series(
    df: pd.DataFrame,
    *,
    series: str = IT_SERIES,
    multi: Literal["any", "primary"] = "any",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per year, product-manager postings filed under one series (2210) against all others.

    Parameters
    ----------
    df : DataFrame
        The frame of :func:`load` (needs ``year``, ``job_series``, ``primary_series``,
        ``n_series``); not modified.
    series : str
        The series counted as a success, four digits (default 2210, IT Management).
    multi : {"any", "primary"}
        How an announcement that lists several series counts: ``"any"`` when ``series`` is
        among them, ``"primary"`` only when it is listed first.
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    DataFrame
        In the shape of the ``shares`` table (``period`` is the year, ``population`` is
        ``"usajobs product-manager postings"``, ``measure`` is ``"series 2210"``): ``successes``
        postings in the series, ``n`` postings, ``share``, and the Wilson score interval
        ``ci_low``, ``ci_high`` (``statsmodels.stats.proportion.proportion_confint``, method
        ``"wilson"``), plus ``others = n - successes`` and ``multi_series``, the number of
        announcements that listed several series that year.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2024, 2024, 2024, 2025], "n_series": [1, 1, 2, 1],
    ...                    "job_series": ["2210", "0340", "0301;2210", "0343"],
    ...                    "primary_series": ["2210", "0340", "0301", "0343"]})
    >>> pm_postings_by_series(df)[["period", "successes", "n", "others"]].to_dict("records")
    [{'period': '2024', 'successes': 2, 'n': 3, 'others': 1}, {'period': '2025', 'successes': 0, 'n': 1, 'others': 1}]
    """
    need = ["year", "job_series", "primary_series", "n_series"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValueError(f"pm_postings_by_series needs columns {need}; missing {missing}")
    if multi not in ("any", "primary"):
        raise ValueError(f"multi must be 'any' or 'primary', got {multi!r}")
    code = normalise_series(series)
    if len(code) != 1:
        raise ValueError(f"series must be one code, got {series!r}")
    code = code[0]
    if multi == "any":
        hit = df["job_series"].astype("string").str.split(";").map(lambda codes: code in codes)
    else:
        hit = df["primary_series"].astype("string") == code
    work = pd.DataFrame({"year": df["year"].astype("Int64"), "hit": hit.astype(bool),
                         "multi": df["n_series"].astype("Int64") > 1})
    g = work.groupby("year", sort=True)
    out = pd.DataFrame({"successes": g["hit"].sum(), "n": g["hit"].size(),
                        "multi_series": g["multi"].sum()}).reset_index()
    low, high = proportion_confint(out["successes"].to_numpy(), out["n"].to_numpy(),
                                   alpha=alpha, method="wilson")
    out = pd.DataFrame(
        {
            "period": out["year"].astype(str),
            "population": "usajobs product-manager postings",
            "measure": f"series {code}",
            "successes": out["successes"].astype("Int64"),
            "n": out["n"].astype("Int64"),
            "share": (out["successes"] / out["n"]).astype("Float64"),
            "ci_low": pd.array(low, dtype="Float64"),
            "ci_high": pd.array(high, dtype="Float64"),
            "others": (out["n"] - out["successes"]).astype("Int64"),
            "multi_series": out["multi_series"].astype("Int64"),
        }
    ).astype({"period": "string", "population": "string", "measure": "string"})
    return SHARES.validate(out)
