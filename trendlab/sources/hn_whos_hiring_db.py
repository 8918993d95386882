"""``hackernews-whos-hiring``: roles extracted by a language model from HN "Who is hiring?" posts.

The source is one SQLite file, ``jobs.db``, whose table ``jobs`` holds fields a language model
extracted from top-level comments of the monthly threads (December 2022 to October 2025):
``post_link_id`` (the HN comment id, the table's primary key), ``post_date``, ``company``,
``job_title``, ``employment_type``, ``salary``, ``remote``, ``city``, ``country``,
``languages_frameworks``, ``remote_rules``, ``how_to_apply``, ``post_username``. It holds no
posting text, so it serves role titles (role-family shares) and not requirement text.

What the file holds, checked against the data
----------------------------------------------
*One role per posting.* ``post_link_id`` is the primary key, so each HN comment has exactly
one row: where a post advertised several roles the extractor kept one title. ``role_index`` is
therefore always 0, and the table counts postings more than roles.

*``post_date`` is not one thing.* Grouped by its calendar month, it takes three forms:

- a comment time (26 of the 35 months, 2023-01 .. 2024-06, 2025-01, 2025-04 .. 2025-10): the
  timestamps differ row to row, and each month's first comment falls 0.2 to 2.8 minutes after
  11:00 America/New_York on the month's first weekday (3 hours after it in 2023-12) -- the time
  the ``whoishiring`` account opens the thread (on 2 January when 1 January is a weekday);
- a single stamp shared by every row of the month: 00:00:00 on the 1st (2024-07 .. 2024-12,
  2025-02, 2025-03), a month label; or the thread's opening time (2022-12, 16:00:59 UTC);
- a comment time for most rows plus a run stamp for some (53 rows of 2025-04 share
  15:01:11 UTC although their ids span two weeks of comments).

The thread month is derived accordingly (:func:`thread_months`):

1. a comment time *t* belongs to the thread of its calendar month if *t* is at or after that
   month's opening (:func:`thread_opening`), else to the previous month's thread -- a comment
   posted on the 1st before 11:00 New York time, or on a weekend day before the first weekday,
   answers the previous thread. In this file no comment falls before its month's opening, so
   the rule moves no row; it is there for a file that holds late comments;
2. a stamped month names its thread, unless its comment ids show that it is a later re-crawl
   of the previous thread. HN ids grow with time, and the first comments of consecutive monthly
   threads are one month of HN activity apart (a median of about 350,000 ids here). The rows
   stamped "2024-12-01" have ids from 42,018,134 to 42,146,099: their median lies 26,000 ids
   after the first comment of the 2024-11 rows, and the lowest ones interleave with them. They
   are comments on the November 2024 thread, crawled again in December (the December 2024
   thread is absent). A stamped group whose median id lies less than half a monthly step after
   the first id of the group before it takes that group's month; this moves those 110 rows to
   2024-11 and no other.

*Coverage.* HN ids grow at about 11,000 a day, so the spread of a month's ids tells how many
days of its thread the file covers (:func:`month_coverage`): 1.7 days for 2024-09 (145 rows),
0.6 for 2024-10 (172 rows), 3.6 for 2025-03 (302 rows) -- these hold only the first comments of
their threads -- and 7.6 to 25 days for every other month (11.7 for 2024-11 once its
re-crawl is merged; its own 194 first rows span half a day).

Quarantine reasons (the HN loaders' vocabulary): ``unparsable`` (a ``post_link_id`` that is not
an HN id, a ``post_date`` that is not an ISO date), ``empty`` (a NULL or blank ``job_title``, or
the extractor's placeholder ``unknown``), ``duplicate`` (a ``post_link_id`` seen in an earlier
row: impossible under the real file's primary key, checked all the same).

Examples
--------
>>> from trendlab.sources import hn_whos_hiring_db
>>> loaded = hn_whos_hiring_db.load()  # doctest: +SKIP
>>> loaded.frame.columns.tolist()  # doctest: +SKIP
['source', 'posting_id', 'role_index', 'month', 'role_title', 'company', 'employment_type',
 'remote', 'languages_frameworks', 'machine_extracted']
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pandera.pandas as pa

from trendlab.schemas import MONTH_RE
from trendlab.sources import Loaded, quarantine_frame

SOURCE = "hackernews-whos-hiring"
TITLE = "Roles extracted by a language model from HN 'Who is hiring?' posts (SQLite)"
DESCR = __doc__
LICENSE = "MIT (Amber Williams, github.com/Amber-Williams/hackernews-whos-hiring)"
CITATION = (
    "Williams, A. hackernews-whos-hiring: jobs.db, commit a11ca494dcce0a9ea6b5ed3f49783ed83a16853d. "
    "https://github.com/Amber-Williams/hackernews-whos-hiring"
)

TABLE = "jobs"
COLUMNS = (
    "post_link_id",
    "post_date",
    "company",
    "job_title",
    "employment_type",
    "remote",
    "languages_frameworks",
)
# The extractor writes this word where it found no value.
PLACEHOLDER = "unknown"

# a thread month whose comment ids span fewer days than this holds only its first comments
PARTIAL_SPAN_DAYS = 5.0

# whoishiring opens the thread at 11:00 New York time on the month's first weekday.
THREAD_TZ = ZoneInfo("America/New_York")
THREAD_HOUR = 11

FRAME = pa.DataFrameSchema(
    {
        "source": pa.Column("string"),
        "posting_id": pa.Column("string", pa.Check.str_matches(r"^\d+$")),
        "role_index": pa.Column("Int64", pa.Check.ge(0)),
        "month": pa.Column("string", pa.Check.str_matches(MONTH_RE)),
        "role_title": pa.Column("string"),
        "company": pa.Column("string", nullable=True),
        "employment_type": pa.Column("string", nullable=True),
        "remote": pa.Column("string", nullable=True),
        "languages_frameworks": pa.Column("string", nullable=True),
        "machine_extracted": pa.Column("boolean"),
    },
    strict=True,
    ordered=True,
    unique=["posting_id", "role_index"],
    name="hackernews-whos-hiring roles",
)


class WhosHiringDBError(ValueError):
    """The SQLite file does not have the expected table or columns."""


# --------------------------------------------------------------------------- thread months


def thread_opening(month: str) -> pd.Timestamp:
    """When the ``whoishiring`` account opens a month's thread, in UTC.

    11:00 America/New_York on the month's first weekday, skipping 1 January -- the rule every
    comment-timed month of ``jobs.db`` agrees with to within three minutes.

    Parameters
    ----------
    month : str
        ``YYYY-MM``.

    Examples
    --------
    >>> thread_opening("2023-04")  # 1 April 2023 was a Saturday; EDT is UTC-4
    Timestamp('2023-04-03 15:00:00+0000', tz='UTC')
    >>> thread_opening("2024-01")  # 1 January is skipped; EST is UTC-5
    Timestamp('2024-01-02 16:00:00+0000', tz='UTC')
    """
    year, mon = (int(x) for x in month.split("-"))
    day = dt.date(year, mon, 1)
    while day.weekday() >= 5 or (day.month == 1 and day.day == 1):
        day += dt.timedelta(days=1)
    local = dt.datetime(day.year, day.month, day.day, THREAD_HOUR, tzinfo=THREAD_TZ)
    return pd.Timestamp(local).tz_convert("UTC")


def _previous(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def _date_kinds(post_date: pd.Series) -> dict[str, str]:
    """What ``post_date`` holds in each calendar month: ``comment-time``, ``month-label``
    (every row at 00:00:00 on the 1st) or ``single-stamp`` (every row, two or more, at one
    other time)."""
    by = post_date.groupby(post_date.dt.strftime("%Y-%m"))
    out = {}
    for cal, t in by:
        first = t.min()
        label = first.day == 1 and first.hour == 0 and first.minute == 0 and first.second == 0
        if t.nunique() == 1 and label:
            out[cal] = "month-label"
        elif t.nunique() == 1 and len(t) >= 2:
            out[cal] = "single-stamp"
        else:
            out[cal] = "comment-time"
    return out


def thread_months(post_date: pd.Series, post_id: pd.Series) -> pd.Series:
    """The thread month of each row, from its ``post_date`` and HN comment id.

    See the module docstring for what ``post_date`` holds and why these rules.

    Parameters
    ----------
    post_date : Series of datetime64[UTC]
        Parsed ``post_date`` (no missing values).
    post_id : Series of int
        HN comment ids, aligned with ``post_date``.

    Returns
    -------
    Series of string
        ``YYYY-MM`` per row, on the input's index.

    Examples
    --------
    >>> t = pd.to_datetime(pd.Series(["2023-02-01T09:00:00", "2023-02-01T16:30:00"]), utc=True)
    >>> thread_months(t, pd.Series([2, 3])).tolist()  # before and after the 11:00 ET opening
    ['2023-01', '2023-02']
    """
    if post_date.isna().any():
        raise ValueError("thread_months: post_date has missing values")
    cal = post_date.dt.strftime("%Y-%m")
    frame = pd.DataFrame({"t": post_date, "cal": cal, "id": post_id.astype("int64")})
    month = cal.astype("string").copy()

    kinds = _date_kinds(post_date)
    stamped = {m for m, k in kinds.items() if k != "comment-time"}

    # 1. comment times: before the opening of its calendar month's thread -> previous thread
    timed = ~frame["cal"].isin(stamped)
    if timed.any():
        openings = {m: thread_opening(m) for m in frame.loc[timed, "cal"].unique()}
        early = timed & (frame["t"] < frame["cal"].map(openings))
        month[early] = frame.loc[early, "cal"].map(_previous)

    # 2. stamped groups: a re-crawl of the previous thread takes that thread's month
    groups = (
        frame.assign(month=month)
        .groupby("month")["id"]
        .agg(first="min", median="median")
        .sort_values("first")
    )
    if len(groups) >= 2:
        order = groups.index.tolist()
        pairs = [(a, b) for a, b in zip(order, order[1:], strict=False) if _previous(b) == a]
        # the id scale comes from comment-timed months when there are any: a re-crawl pair
        # would shrink it
        timed_pairs = [(a, b) for a, b in pairs if a not in stamped and b not in stamped]
        steps = [groups.loc[b, "first"] - groups.loc[a, "first"] for a, b in (timed_pairs or pairs)]
        if steps:  # without two consecutive months there is no id scale to judge by
            half_step = float(np.median(steps)) / 2
            target: dict[str, str] = {}
            for prev, m in zip(order, order[1:], strict=False):
                if m in stamped and groups.loc[m, "median"] - groups.loc[prev, "first"] < half_step:
                    target[m] = target.get(prev, prev)
            if target:
                month = month.replace(target)
    return month


# --------------------------------------------------------------------------- loading


def _text(s: pd.Series) -> pd.Series:
    """Strip, and make blanks and the extractor's placeholder missing."""
    out = s.astype("string").str.strip()
    return out.mask((out == "") | (out.str.lower() == PLACEHOLDER))


def read_table(path: str | Path) -> pd.DataFrame:
    """The ``jobs`` table as found (read-only), with its ``rowid`` as ``_row``.

    Raises
    ------
    WhosHiringDBError
        The file is not SQLite, or lacks the ``jobs`` table or one of the columns read.

    Examples
    --------
    >>> read_table("jobs.db").columns[:3].tolist()  # doctest: +SKIP
    ['_row', 'post_link_id', 'post_date']
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            have = [r[1] for r in con.execute(f"PRAGMA table_info({TABLE})")]
        except sqlite3.DatabaseError as exc:
            raise WhosHiringDBError(f"{path}: not a SQLite database ({exc})") from exc
        if not have:
            raise WhosHiringDBError(f"{path}: no table {TABLE!r}; expected one with columns {', '.join(COLUMNS)}")
        missing = [c for c in COLUMNS if c not in have]
        if missing:
            raise WhosHiringDBError(
                f"{path}: table {TABLE!r} lacks column(s) {', '.join(missing)}; it has {', '.join(have)}"
            )
        # rowid keeps the file's order, so "the first of two duplicates" is well defined
        cols = ", ".join(COLUMNS)
        return pd.read_sql_query(f"SELECT rowid AS _row, {cols} FROM {TABLE} ORDER BY rowid", con)
    finally:
        con.close()


def parse_db(path: str | Path, *, file: str | None = None) -> Loaded:
    """Read one ``jobs.db`` (read-only) into the roles shape.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    file : str, optional
        What to call the file in the quarantine frame (default: its name).

    Returns
    -------
    Loaded
        ``frame`` with columns ``source, posting_id, role_index, month, role_title, company,
        employment_type, remote, languages_frameworks, machine_extracted`` (sorted by month,
        then posting id), ``quarantine`` with reasons ``unparsable``, ``empty``, ``duplicate``,
        and ``rows_in`` = rows of the ``jobs`` table.

    Raises
    ------
    WhosHiringDBError
        The file is not SQLite, or lacks the ``jobs`` table or one of its columns.

    Examples
    --------
    >>> loaded = parse_db("jobs.db")  # doctest: +SKIP
    >>> loaded.quarantine["reason"].value_counts()  # doctest: +SKIP
    """
    path = Path(path)
    return _to_roles(read_table(path), file or path.name)


def _screen(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Parsed ids, dates and titles, and each row's quarantine reason and detail (NA: kept)."""
    pid = raw["post_link_id"].astype("string").str.strip()
    date_text = raw["post_date"].astype("string").str.strip()
    posted = pd.to_datetime(date_text, errors="coerce", utc=True, format="ISO8601")
    title = _text(raw["job_title"])

    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    detail = pd.Series(pd.NA, index=raw.index, dtype="string")

    def mark(mask: pd.Series, why: str, what: pd.Series) -> None:
        mask = mask & reason.isna()
        reason[mask] = why
        detail[mask] = what[mask]

    bad_id = ~pid.fillna("").str.fullmatch(r"\d+")
    mark(bad_id, "unparsable", "post_link_id " + pid.fillna("NULL").map(repr) + " is not an HN item id")
    mark(posted.isna(), "unparsable", "post_date " + date_text.fillna("NULL").map(repr) + " is not an ISO date")
    raw_title = raw["job_title"].astype("string")
    mark(title.isna(), "empty", "job_title is " + raw_title.fillna("NULL").map(repr))
    ok = reason.isna()
    first_row = raw.loc[ok].groupby(pid[ok])["_row"].transform("min")
    dup = pd.Series(False, index=raw.index)
    dup[ok] = raw.loc[ok, "_row"] != first_row
    mark(dup, "duplicate", "post_link_id already in rowid " + first_row.reindex(raw.index).astype("Int64").astype("string"))
    return pid, posted, title, reason, detail


def _to_roles(raw: pd.DataFrame, file: str) -> Loaded:
    rows_in = len(raw)
    pid, posted, title, reason, detail = _screen(raw)
    keep = reason.isna()
    month = thread_months(posted[keep], pid[keep].astype("int64")) if keep.any() else pd.Series(dtype="string")
    frame = pd.DataFrame(
        {
            "source": pd.Series(SOURCE, index=raw.index[keep], dtype="string"),
            "posting_id": pid[keep],
            "role_index": pd.Series(0, index=raw.index[keep], dtype="Int64"),
            "month": month.astype("string"),
            "role_title": title[keep],
            "company": _text(raw.loc[keep, "company"]),
            "employment_type": _text(raw.loc[keep, "employment_type"]).str.lower(),
            "remote": _text(raw.loc[keep, "remote"]).str.lower(),
            "languages_frameworks": _text(raw.loc[keep, "languages_frameworks"]),
            "machine_extracted": pd.Series(True, index=raw.index[keep], dtype="boolean"),
        }
    )
    frame = frame.sort_values(["month", "posting_id"], kind="stable").reset_index(drop=True)
    frame = FRAME.validate(frame)

    held = ~keep
    row = raw.loc[held, "_row"].astype("string")
    quarantine = quarantine_frame(
        [
            {"source": SOURCE, "file": file, "record_id": r, "reason": w, "detail": d}
            for r, w, d in zip(
                pid[held].fillna("rowid " + row),
                reason[held],
                "rowid " + row + ": " + detail[held],
                strict=True,
            )
        ]
    )
    return Loaded(frame=frame, quarantine=quarantine, rows_in=rows_in)


def month_coverage(path: str | Path | None = None, *, progress: bool | None = None) -> pd.DataFrame:
    """How much of each thread the file covers, month by month.

    HN ids grow at a steady rate (about 11,000 a day over 2022-2025), so the spread of a
    month's comment ids measures the days of the thread it covers even where ``post_date`` is a
    stamp. The rate is fitted (least squares) on the rows whose ``post_date`` is a comment time.

    Parameters
    ----------
    path : str or Path, optional
        A ``jobs.db``; by default the registry's, fetched.
    progress : bool, optional
        Progress bar while fetching.

    Returns
    -------
    DataFrame
        One row per thread month (kept rows only): ``month, rows, post_date`` (what it held:
        ``comment-time``, ``month-label``, ``single-stamp``; ``+``-joined when merged groups
        differ), ``first_id, last_id, id_span_days`` and ``partial`` (``id_span_days`` below
        :data:`PARTIAL_SPAN_DAYS`; NA when no comment times give a rate).

    Examples
    --------
    >>> cov = month_coverage()  # doctest: +SKIP
    >>> cov.loc[cov["partial"], "month"].tolist()  # doctest: +SKIP
    ['2024-09', '2024-10', '2025-03']
    """
    path = fetch_db(progress) if path is None else Path(path)
    raw = read_table(path)
    pid, posted, _, reason, _ = _screen(raw)
    keep = reason.isna()
    ids, t = pid[keep].astype("int64"), posted[keep]
    cols = ["month", "rows", "post_date", "first_id", "last_id", "id_span_days", "partial"]
    if not keep.any():
        return pd.DataFrame(columns=cols)
    kind = t.dt.strftime("%Y-%m").map(_date_kinds(t))
    timed = kind == "comment-time"
    ids_per_day = np.nan
    if t[timed].nunique() >= 2:
        days = (t[timed] - t[timed].min()).dt.total_seconds() / 86400
        ids_per_day = float(np.polyfit(days.to_numpy(), ids[timed].to_numpy(dtype=float), 1)[0])
    out = (
        pd.DataFrame({"month": thread_months(t, ids), "id": ids, "kind": kind})
        .groupby("month")
        .agg(
            rows=("id", "size"),
            post_date=("kind", lambda k: "+".join(dict.fromkeys(k))),
            first_id=("id", "min"),
            last_id=("id", "max"),
        )
        .reset_index()
    )
    out["id_span_days"] = ((out["last_id"] - out["first_id"]) / ids_per_day).astype("Float64")
    out["partial"] = (out["id_span_days"] < PARTIAL_SPAN_DAYS).astype("boolean")
    out = out.astype({"month": "string", "post_date": "string", "rows": "Int64", "first_id": "Int64", "last_id": "Int64"})
    return out[cols]


def fetch_db(progress: bool | None = None) -> Path:
    from trendlab.fetch import fetch
    from trendlab.registry import source

    return fetch(source(SOURCE).file("/jobs.db"), progress=progress)


def load(*, progress: bool | None = None) -> Loaded:
    """Fetch ``jobs.db`` through the registry and read it (see :func:`parse_db`).

    Parameters
    ----------
    progress : bool, optional
        Progress bar while fetching; by default only on a terminal.

    Examples
    --------
    >>> from trendlab.sources import hn_whos_hiring_db
    >>> roles = hn_whos_hiring_db.load().frame  # doctest: +SKIP
    """
    from trendlab.registry import source

    return parse_db(fetch_db(progress), file=source(SOURCE).file("/jobs.db").url)
