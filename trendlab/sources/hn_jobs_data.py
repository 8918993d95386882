"""Hacker News "Who is hiring?" 2026 crawl runs (gantryops/hn-jobs-data, 2026-01 .. 2026-05).

Each run is ``runs/<date>/raw.json``: an object with ``sources.who_is_hiring_thread_id`` and
``sources.who_is_hiring_thread_title`` (the thread the run crawled), ``fetched_at`` and
``jobs``, a list of records ``id, source, by, time, text``. ``source`` is ``who_is_hiring``
for a comment of the thread and ``direct`` for a YC job story (not a thread posting).

Runs overlap (April and May were each crawled twice): one row is kept per comment id, the
copy with the most complete text (the longest; on a tie the later run), and the other copies
are quarantined as ``duplicate``. ``time`` is a real unix timestamp, so ``posted_at`` is
filled here. The month is the thread's, from its title.

A thread counts as partly covered (``partial_month``) when its newest run was fetched less
than :data:`~trendlab.sources.hn_thread_pages.SNAPSHOT_MIN_DAYS` days after the thread opened
(taken as its earliest posting).

Examples
--------
>>> from trendlab.sources import hn_jobs_data
>>> got = hn_jobs_data.load()  # doctest: +SKIP
>>> got.quarantine["reason"].value_counts()  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.std import tqdm

from trendlab.fetch import fetch
from trendlab.registry import source
from trendlab.sources import Loaded, decode_problem, quarantine_frame
from trendlab.sources.hn_thread_pages import (
    SNAPSHOT_MIN_DAYS,
    empty_raw,
    format_days,
    html_is_blank,
    month_of_title,
    raw_frame,
    sort_raw,
)

SOURCE = "hn-jobs-data"
TITLE = 'Hacker News "Who is hiring?" 2026 crawl runs (gantryops/hn-jobs-data)'
LICENSE = "MIT (gantryops/hn-jobs-data README); posts are HN users' text (HN terms of use)"
CITATION = (
    "gantryops. hn-jobs-data: daily crawls of Hacker News 'Who is hiring?' threads, "
    "2026. https://github.com/gantryops/hn-jobs-data"
)
DESCR = """\
Crawl runs of the 2026 "Ask HN: Who is hiring?" threads (January to May 2026) from the HN
API: each top-level comment with its id, author, unix time and HTML text. Runs also carry
YC job stories ("direct"), which are not thread postings and are set aside.

Caveats: runs overlap (two each for April and May) and are deduplicated by comment id; the
May thread was last crawled four days after it opened, so May is only partly covered.
"""

THREAD_SOURCE = "who_is_hiring"


@dataclass(frozen=True)
class Run:
    """One crawl run as read: the thread it crawled and its records, unchanged."""

    file: str
    thread_id: str
    month: str
    fetched_at: pd.Timestamp | None
    jobs: list


def read_run(path: str | Path, *, label: str | None = None) -> Run:
    """Read one ``raw.json`` run and check its envelope.

    Raises
    ------
    ValueError
        Not JSON, no ``jobs`` list, no thread id, or a thread title without ``(Month YYYY)``;
        the message names the file and the field.

    Examples
    --------
    >>> run = read_run("tests/fixtures/hn/jobs_data/runs/2026-04-10/raw.json")  # doctest: +SKIP
    >>> run.month, run.thread_id  # doctest: +SKIP
    ('2026-04', '47601859')
    """
    path = Path(path)
    label = label or "/".join(path.parts[-2:])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{label}: not UTF-8 JSON at {decode_problem(path)}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{label}: not valid JSON ({exc}; the file has {path.stat().st_size} bytes)") from exc
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ValueError(f"{label}: expected an object with a 'jobs' list")
    src = data.get("sources")
    if not isinstance(src, dict):
        raise ValueError(f"{label}: field 'sources' missing; expected the thread id and title")
    tid = src.get("who_is_hiring_thread_id")
    if not (isinstance(tid, int) or (isinstance(tid, str) and tid.isdigit())):
        raise ValueError(f"{label}: sources.who_is_hiring_thread_id is {tid!r}, expected an HN item id")
    title = src.get("who_is_hiring_thread_title")
    month = month_of_title(title) if isinstance(title, str) else None
    if month is None:
        raise ValueError(
            f"{label}: sources.who_is_hiring_thread_title is {title!r}, expected '... (Month YYYY)'"
        )
    fetched = data.get("fetched_at") or data.get("date")  # older runs may carry only the date
    fetched_at = None
    if fetched:
        try:
            fetched_at = pd.Timestamp(fetched)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{label}: fetched_at {fetched!r} is not a date-time") from exc
        fetched_at = fetched_at.tz_localize("UTC") if fetched_at.tzinfo is None else fetched_at.tz_convert("UTC")
    return Run(file=label, thread_id=str(tid), month=month, fetched_at=fetched_at, jobs=data["jobs"])


def _text_length(text: object) -> int:
    return len(text) if isinstance(text, str) else -1


def parse_runs(runs: Iterable[Run]) -> tuple[Loaded, pd.DataFrame]:
    """Turn runs into raw postings (one per comment id) and a per-thread coverage table.

    Every record read is either kept or quarantined: ``not-thread-posting`` (a job story),
    ``unparsable`` (no numeric id), ``deleted``/``dead`` (flags the HN API sets), ``empty``
    (no text), ``duplicate`` (the same id in another run; the longest text is kept, on a tie
    the later run's copy).

    Examples
    --------
    >>> got, cov = parse_runs([read_run(p) for p in paths])  # doctest: +SKIP
    """
    runs = sorted(runs, key=lambda r: (r.fetched_at or pd.Timestamp(0, tz="UTC"), r.file))
    held: list[dict] = []
    candidates: dict[str, list[tuple[int, Run, dict]]] = {}
    rows_in = 0

    def hold(run: Run, rid: object, reason: str, detail: str) -> None:
        held.append({"source": SOURCE, "file": run.file, "record_id": None if rid is None else str(rid),
                     "reason": reason, "detail": detail})

    for order, run in enumerate(runs):
        for n, rec in enumerate(run.jobs, start=1):
            rows_in += 1
            if not isinstance(rec, dict):
                hold(run, None, "unparsable", f"record #{n} is a {type(rec).__name__}, expected an object")
                continue
            rid = rec.get("id")
            if rec.get("source") != THREAD_SOURCE:
                hold(run, rid, "not-thread-posting", f"source is {rec.get('source')!r}, not {THREAD_SOURCE!r}")
                continue
            if not (isinstance(rid, int) or (isinstance(rid, str) and rid.isdigit())):
                hold(run, rid, "unparsable", f"record #{n}: id {rid!r} is not an HN item id")
                continue
            if rec.get("deleted"):
                hold(run, rid, "deleted", "deleted on HN")
                continue
            if rec.get("dead"):
                hold(run, rid, "dead", "dead on HN")
                continue
            if not isinstance(rec.get("text"), str) or html_is_blank(rec["text"]):
                hold(run, rid, "empty", f"record #{n}: text is empty")
                continue
            t = rec.get("time")
            if t is not None and not isinstance(t, int | float):
                hold(run, rid, "unparsable", f"record #{n}: time {t!r} is not unix seconds")
                continue
            candidates.setdefault(str(rid), []).append((order, run, rec))

    kept_rows: list[dict] = []
    for cid, copies in candidates.items():
        # most complete text first; among equals the latest run (it saw any later edit)
        best = max(copies, key=lambda c: (_text_length(c[2]["text"]), c[0]))
        for c in copies:
            if c is not best:
                hold(c[1], cid, "duplicate",
                     f"same id in {best[1].file}, whose copy was kept (text "
                     f"{_text_length(best[2]['text'])} vs {_text_length(c[2]['text'])} characters)")
        _, run, rec = best
        by = rec.get("by")
        kept_rows.append(
            {
                "posting_id": cid,
                "thread_id": run.thread_id,
                "month": run.month,
                "posted_at": rec.get("time"),
                "author": by if isinstance(by, str) and by else None,
                "html": rec["text"],
                "partial_month": False,
            }
        )

    coverage = _coverage(runs, kept_rows)
    partial = dict(zip(coverage["thread_id"], coverage["partial_month"], strict=True))
    for row in kept_rows:
        row["partial_month"] = bool(partial.get(row["thread_id"], False))
    frame = sort_raw(raw_frame(kept_rows, source_name=SOURCE)) if kept_rows else empty_raw(SOURCE)
    return Loaded(frame=frame, quarantine=quarantine_frame(held), rows_in=rows_in), coverage


def _coverage(runs: list[Run], kept_rows: list[dict]) -> pd.DataFrame:
    rows = []
    for tid in dict.fromkeys(r.thread_id for r in runs):
        mine = [r for r in runs if r.thread_id == tid]
        times = [r["posted_at"] for r in kept_rows if r["thread_id"] == tid and r["posted_at"] is not None]
        opened = pd.Timestamp(min(times), unit="s", tz="UTC") if times else None
        fetched = [r.fetched_at for r in mine if r.fetched_at is not None]
        last = max(fetched) if fetched else None
        window = (last - opened).total_seconds() / 86400 if last is not None and opened is not None else None
        reason = None
        if window is not None and window < SNAPSHOT_MIN_DAYS:
            reason = (
                f"newest run fetched {format_days(max(window, 0.0))} after the thread opened "
                "(postings keep arriving for weeks)"
            )
        rows.append(
            {
                "source": SOURCE,
                "month": mine[0].month,
                "thread_id": tid,
                "file": "; ".join(r.file for r in mine),
                "rows_in": sum(len(r.jobs) for r in mine),
                "postings": sum(1 for r in kept_rows if r["thread_id"] == tid),
                "crawl_window_days": window,
                "partial_month": reason is not None,
                "reason": reason,
            }
        )
    out = pd.DataFrame(rows, columns=["source", "month", "thread_id", "file", "rows_in", "postings",
                                      "crawl_window_days", "partial_month", "reason"])
    out = out.astype({"source": "string", "month": "string", "thread_id": "string", "file": "string",
                      "rows_in": "Int64", "postings": "Int64", "crawl_window_days": "Float64",
                      "partial_month": "boolean", "reason": "string"})
    months = out.groupby("month")["thread_id"].nunique()
    if (months > 1).any():
        raise ValueError(f"runs name more than one thread for month(s) {', '.join(months[months > 1].index)}")
    return out.sort_values("month").reset_index(drop=True)


def parse_files(paths: Iterable[str | Path]) -> tuple[Loaded, pd.DataFrame]:
    """Read run files (``.../runs/<date>/raw.json``) and parse them together.

    Runs must be parsed together for the overlap between them to be resolved.
    """
    return parse_runs([read_run(p) for p in paths])


def parse_file(path: str | Path) -> Loaded:
    """Raw postings of one run on its own (ids repeated within the run are still deduplicated).

    Examples
    --------
    >>> got = parse_file("tests/fixtures/hn/jobs_data/runs/2026-04-20/raw.json")  # doctest: +SKIP
    >>> got.rows_in, len(got.frame)  # doctest: +SKIP
    (4, 3)
    """
    return parse_files([path])[0]


def _paths(progress: bool | None) -> list[Path]:
    files = [f for f in source(SOURCE).files if f.name == "raw.json"]
    bar = tqdm(files, desc=SOURCE, unit="file", disable=(not progress) if progress is not None else None)
    return [fetch(f, progress=progress) for f in bar]


def load_with_coverage(*, progress: bool | None = None) -> tuple[Loaded, pd.DataFrame]:
    """Parse every registered run once: the raw postings and the per-thread coverage."""
    return parse_files(_paths(progress))


def load(*, progress: bool | None = None) -> Loaded:
    """Read every registered run into raw postings, one row per comment id.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> got.frame["posted_at"].notna().all()  # doctest: +SKIP
    True
    """
    return parse_files(_paths(progress))[0]


def coverage(*, progress: bool | None = None) -> pd.DataFrame:
    """Per thread: runs read, postings kept, days from opening to the newest run, partial and why."""
    return parse_files(_paths(progress))[1]


def partial_months(*, progress: bool | None = None) -> pd.DataFrame:
    """The months whose runs cover only part of the thread, with the reason."""
    cov = coverage(progress=progress)
    return cov[cov["partial_month"]].reset_index(drop=True)
