"""Hacker News "Who is hiring?" threads as crawled JSON (gaganpreet/hn-hiring-mapped, 2013-08 .. 2018-04).

``src/input`` lists one thread per line, ``<thread id> <YYYY-M>``; ``src/web/data/YYYY-MM.json``
is the list of the month's top-level comments, each with ``full_html``, ``url`` (which holds
the HN comment id), ``user``, a geocoded location and ``remote``/``intern``/``h1b`` flags.
There are no timestamps, so ``posted_at`` is always NaT.

A month listed twice in ``src/input`` (2018-1) was crawled twice; the crawler rewrote the
month's file each time, so the later line names the thread the file holds.

How much of a thread a file covers: the crawler fetched each thread once, shortly after it
opened. HN item ids grow with time, so the newest comment id in a file, against the ids of
consecutive threads, dates the crawl (:func:`crawl_window_days`). A file whose newest comment
came less than :data:`~trendlab.sources.hn_thread_pages.SNAPSHOT_MIN_DAYS` days after its
thread opened is marked ``partial_month`` (threads keep receiving postings for weeks).

Examples
--------
>>> from trendlab.sources import hn_hiring_mapped
>>> got = hn_hiring_mapped.load()  # doctest: +SKIP
>>> hn_hiring_mapped.partial_months()[["month", "reason"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from tqdm.std import tqdm

from trendlab.fetch import fetch
from trendlab.registry import source
from trendlab.sources import Loaded, decode_problem, empty_quarantine, quarantine_frame
from trendlab.sources.hn_thread_pages import (
    SNAPSHOT_MIN_DAYS,
    empty_raw,
    format_days,
    html_is_blank,
    raw_frame,
    sort_raw,
)

SOURCE = "hn-hiring-mapped"
TITLE = 'Hacker News "Who is hiring?" threads as crawled JSON (hn-hiring-mapped)'
LICENSE = "Code: Unlicense (gaganpreet/hn-hiring-mapped); posts are HN users' text (HN terms of use)"
CITATION = (
    "Gaganpreet. hn-hiring-mapped: Hacker News 'Who is hiring?' postings on a map, "
    "2013-08..2018-04. https://github.com/gaganpreet/hn-hiring-mapped"
)
DESCR = """\
The top-level comments of the monthly "Ask HN: Who is hiring?" threads from August 2013 to
April 2018, crawled from the HN item pages by the hn-hiring-mapped project (2016-07, 2017-08
and 2017-09 are absent). About 28,000 postings with their HTML text, the author and the
project's own guesses of location and remote/intern/H1B status.

Caveats: each thread was crawled once, usually one to four days after it opened, so a file
holds most but not all of its thread's postings: per month, a median of 90% (73-100%) as many
as the saved thread page of the same month keeps, and 41% for 2018-04, crawled hours after
the thread opened. It also holds some posts that HN later killed (dead or flagged on the saved
pages). No timestamps. The comment id in ``url`` joins it to the saved thread pages.
"""

_INPUT_LINE = re.compile(r"^(\d+)\s+(\d{4})-(\d{1,2})$")
_FILE_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ITEM = re.compile(r"^https?://news\.ycombinator\.com/item\?id=(\d+)$")


def read_input(path: str | Path, *, label: str | None = None) -> dict[str, str]:
    """Map month (``YYYY-MM``) to thread id from ``src/input``; a later line wins.

    Raises
    ------
    ValueError
        A line that is not ``<thread id> <YYYY-M>`` (naming the file and line number).

    Examples
    --------
    >>> read_input("tests/fixtures/hn/hiring_mapped/input")  # doctest: +SKIP
    {'2015-02': '8980047', '2015-03': '9127232'}
    """
    path = Path(path)
    label = label or path.name
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{label}: not UTF-8 text at {decode_problem(path)}") from exc
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _INPUT_LINE.match(line)
        if not m or not 1 <= int(m.group(3)) <= 12:
            raise ValueError(f"{label} line {n}: {line!r} is not '<thread id> <YYYY-M>'")
        out[f"{m.group(2)}-{int(m.group(3)):02d}"] = m.group(1)  # re-crawl: later line wins
    return out


def _first_of(month: str) -> date:
    y, m = map(int, month.split("-"))
    return date(y, m, 1)


def ids_per_day(month: str, threads: Mapping[str, str]) -> float | None:
    """HN item ids issued per day around ``month``, from the ids of consecutive threads.

    Uses the thread of ``month`` and the next listed thread (or the previous one for the last
    month): ids grow with time, at a rate that changes slowly from month to month.

    Examples
    --------
    >>> ids_per_day("2015-02", {"2015-02": "1000", "2015-03": "29000"})
    1000.0
    """
    months = sorted(threads)
    if month not in threads or len(months) < 2:
        return None
    i = months.index(month)
    a, b = (months[i], months[i + 1]) if i + 1 < len(months) else (months[i - 1], months[i])
    days = (_first_of(b) - _first_of(a)).days
    span = int(threads[b]) - int(threads[a])
    return span / days if days > 0 and span > 0 else None


def crawl_window_days(month: str, newest_id: int, threads: Mapping[str, str]) -> float | None:
    """Days between a thread's opening and the newest comment a crawl of it holds.

    Examples
    --------
    >>> crawl_window_days("2015-02", 3000, {"2015-02": "1000", "2015-03": "29000"})
    2.0
    """
    rate = ids_per_day(month, threads)
    if rate is None:
        return None
    return (newest_id - int(threads[month])) / rate


@dataclass(frozen=True)
class MonthFile:
    """One parsed month file: its postings, the records set aside, and how much it covers."""

    file: str
    month: str
    thread_id: str | None
    postings: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int
    window_days: float | None
    partial_reason: str | None

    @property
    def partial(self) -> bool:
        return self.partial_reason is not None


def parse_file(
    path: str | Path,
    *,
    threads: Mapping[str, str] | None = None,
    label: str | None = None,
    seen: set[str] | None = None,
) -> MonthFile:
    """Parse one month file (``YYYY-MM.json``).

    Parameters
    ----------
    path : str or Path
        The month's JSON file; its name gives the month.
    threads : mapping, optional
        Month to thread id, from :func:`read_input`; without it ``thread_id`` is NA and
        the coverage is unknown.
    label : str, optional
        How the file is named in the quarantine and errors; defaults to its file name.
    seen : set of str, optional
        Comment ids already read from other months; a repeat is quarantined as ``duplicate``.
        Updated in place with the ids kept here.

    Raises
    ------
    ValueError
        A file name that is not a month, or content that is not a JSON list of objects.

    Examples
    --------
    >>> got = parse_file("tests/fixtures/hn/hiring_mapped/2015-03.json")  # doctest: +SKIP
    >>> got.month, len(got.postings)  # doctest: +SKIP
    ('2015-03', 2)
    """
    path = Path(path)
    label = label or path.name
    m = _FILE_MONTH.match(path.stem)
    if not m:
        raise ValueError(f"{label}: file name is not a month (expected YYYY-MM.json)")
    month = path.stem
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{label}: not UTF-8 JSON at {decode_problem(path)}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{label}: not valid JSON ({exc})") from exc
    if not isinstance(records, list):
        raise ValueError(f"{label}: expected a JSON list of comments, got {type(records).__name__}")
    threads = threads or {}
    thread_id = threads.get(month)
    seen = set() if seen is None else seen

    kept: list[dict] = []
    held: list[dict] = []

    def hold(rid: str | None, reason: str, detail: str) -> None:
        held.append({"source": SOURCE, "file": label, "record_id": rid, "reason": reason, "detail": detail})

    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            hold(None, "unparsable", f"record #{n} is a {type(rec).__name__}, expected an object")
            continue
        url = rec.get("url")
        hit = _ITEM.match(url) if isinstance(url, str) else None
        if hit is None:
            hold(None, "unparsable", f"record #{n}: url {url!r} is not an HN item URL")
            continue
        cid = hit.group(1)
        html = rec.get("full_html")
        if not isinstance(html, str) or html_is_blank(html):
            hold(cid, "empty", f"record #{n}: full_html has no text")
            continue
        if cid in seen:
            hold(cid, "duplicate", f"record #{n}: comment id already read")
            continue
        seen.add(cid)
        user = rec.get("user")
        kept.append({"posting_id": cid, "author": user if isinstance(user, str) and user else None, "html": html})

    window = reason = None
    if kept and thread_id is not None:
        window = crawl_window_days(month, max(int(r["posting_id"]) for r in kept), threads)
        if window is not None and window < SNAPSHOT_MIN_DAYS:
            reason = (
                f"crawled about {format_days(max(window, 0.0))} after the thread opened "
                "(newest comment id; postings keep arriving for weeks)"
            )
    return MonthFile(
        file=label,
        month=month,
        thread_id=thread_id,
        postings=raw_frame(
            [{**r, "thread_id": thread_id, "month": month, "partial_month": reason is not None} for r in kept],
            source_name=SOURCE,
        ),
        quarantine=quarantine_frame(held),
        rows_in=len(records),
        window_days=window,
        partial_reason=reason,
    )


def parse_files(
    input_path: str | Path | None, month_paths: Iterable[str | Path], *, progress: bool | None = None
) -> list[MonthFile]:
    """Parse ``src/input`` and every month file; a comment id seen twice is kept once."""
    threads = read_input(input_path) if input_path is not None else {}
    seen: set[str] = set()
    paths = sorted(month_paths, key=lambda p: Path(p).name)
    bar = tqdm(paths, desc=f"{SOURCE} parse", unit="file", disable=(not progress) if progress is not None else None)
    return [parse_file(p, threads=threads, seen=seen) for p in bar]


def loaded_from(months: list[MonthFile]) -> Loaded:
    """Combine parsed month files into one :class:`Loaded`, sorted by month then posting id."""
    frames = [m.postings for m in months if len(m.postings)]
    frame = sort_raw(pd.concat(frames, ignore_index=True)) if frames else empty_raw(SOURCE)
    held = [m.quarantine for m in months if len(m.quarantine)]
    quarantine = pd.concat(held, ignore_index=True) if held else empty_quarantine()
    return Loaded(frame=frame, quarantine=quarantine, rows_in=sum(m.rows_in for m in months))


def coverage_of(months: list[MonthFile]) -> pd.DataFrame:
    """One row per month file: thread, records read, postings kept, crawl window, partial and why."""
    out = pd.DataFrame(
        [
            {
                "source": SOURCE,
                "month": m.month,
                "thread_id": m.thread_id,
                "file": m.file,
                "rows_in": m.rows_in,
                "postings": len(m.postings),
                "crawl_window_days": m.window_days,
                "partial_month": m.partial,
                "reason": m.partial_reason,
            }
            for m in months
        ],
        columns=["source", "month", "thread_id", "file", "rows_in", "postings",
                 "crawl_window_days", "partial_month", "reason"],
    )
    out = out.astype({"source": "string", "month": "string", "thread_id": "string", "file": "string",
                      "rows_in": "Int64", "postings": "Int64", "crawl_window_days": "Float64",
                      "partial_month": "boolean", "reason": "string"})
    return out.sort_values("month").reset_index(drop=True)


def _paths(progress: bool | None) -> tuple[Path, list[Path]]:
    files = source(SOURCE).files
    inputs = [f for f in files if f.url.endswith("/src/input")]
    months = [f for f in files if f.name.endswith(".json")]
    if len(inputs) != 1:
        raise ValueError(f"registry source {SOURCE!r} must declare exactly one src/input file")
    bar = tqdm(inputs + months, desc=SOURCE, unit="file", disable=(not progress) if progress is not None else None)
    paths = [fetch(f, progress=progress) for f in bar]
    return paths[0], paths[1:]


def load_with_coverage(*, progress: bool | None = None) -> tuple[Loaded, pd.DataFrame]:
    """Parse every registered month file once: the raw postings and the per-month coverage."""
    input_path, months = _paths(progress)
    parsed = parse_files(input_path, months, progress=progress)
    return loaded_from(parsed), coverage_of(parsed)


def load(*, progress: bool | None = None) -> Loaded:
    """Read every registered month file into raw postings.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> got.frame["month"].min(), got.frame["month"].max()  # doctest: +SKIP
    ('2013-08', '2018-04')
    """
    input_path, months = _paths(progress)
    return loaded_from(parse_files(input_path, months, progress=progress))


def coverage(*, progress: bool | None = None) -> pd.DataFrame:
    """Per month: the file read, postings kept, the crawl window in days, partial and why."""
    input_path, months = _paths(progress)
    return coverage_of(parse_files(input_path, months, progress=progress))


def partial_months(*, progress: bool | None = None) -> pd.DataFrame:
    """The months whose file covers only part of the thread, with the reason."""
    cov = coverage(progress=progress)
    return cov[cov["partial_month"]].reset_index(drop=True)

