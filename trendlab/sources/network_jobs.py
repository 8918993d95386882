"""network-jobs-data: job titles at the companies of two advisor networks, with first-seen dates.

A PyPI package (``network-jobs-data``, MIT licence, version pinned in :data:`PINNED_VERSION`)
that ships JSON files of job openings collected from the applicant-tracking pages of about 170
companies in the networks of two career advisors. Each advisor folder holds ``manifest.json``
(categories, record counts, file names) and one file per category listing openings with their
``title``, ``company``, ``firstSeen`` and ``lastSeen`` timestamps.

:func:`load` reads the installed package (never the network) and returns a
:class:`~trendlab.sources.Loaded` with one row per opening. The package is not read through the
registry because it is installed, not downloaded: the pinned version is the checksum.

Examples
--------
>>> from trendlab.sources import network_jobs
>>> got = network_jobs.load()  # doctest: +SKIP
>>> got.frame[["title", "first_seen", "left_censored"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from trendlab.sources import Loaded, quarantine_frame

SOURCE = "network-jobs-data"
PACKAGE = "network-jobs-data"
MODULE = "network_jobs_data"
PINNED_VERSION = "0.0.20260111024211"
TITLE = "Job titles first seen at advisor-network companies, 2025-07 to 2026-01 (network-jobs-data)"
LICENSE = "MIT (package metadata); the openings are public job advertisements of the companies"
CITATION = f"hirefrank, network-jobs-data {PINNED_VERSION}, PyPI package (MIT)."
DESCR = f"""\
Job openings collected from the careers pages (Greenhouse, Ashby, ...) of about 170 companies,
mostly US technology start-ups, in the networks of two career advisors, as shipped in the PyPI
package network-jobs-data {PINNED_VERSION}: 17,327 records, 17,268 distinct openings (59 are
listed by both networks), first seen from 2025-07-25 to 2026-01-11. Titles, company, department,
location, the package's own category (engineering, product, sales, ...), firstSeen and lastSeen
timestamps, and for a few openings the ATS posting time (postedAt, 7%) and a salary range.

Limits, measured on this version:

- ``first_seen`` is when the collector first saw an opening, not when it was posted. It is only
  an upper bound of the posting date, and it is dominated by the collector's coverage: 77% of
  openings were first seen on 2026-01-10, at 146 of the 171 companies, when collection resumed
  after a gap: from September to December 2025 new openings came from only seven companies. Monthly counts
  of first-seen titles therefore measure collection, not hiring. ``left_censored`` marks
  openings first seen on the first day their company was collected (already open then).
- The companies are a hand-picked network, not a sample of employers; the package's categories
  are its own and noisy (some sales titles are filed under product).
- No posting text: usable for job titles (role families, hybrid titles) only.
"""

FIELDS = ("id", "title", "company", "firstSeen", "lastSeen")

TIDY = pa.DataFrameSchema(
    {
        "job_id": pa.Column("string", unique=True),
        "title": pa.Column("string", pa.Check.str_length(min_value=1)),
        "company": pa.Column("string"),
        "company_domain": pa.Column("string", nullable=True),
        "department": pa.Column("string", nullable=True),
        "category": pa.Column("string"),
        "location": pa.Column("string", nullable=True),
        "location_bucket": pa.Column("string", nullable=True),
        "seniority_bucket": pa.Column("string", nullable=True),
        "url": pa.Column("string", nullable=True),
        "first_seen": pa.Column("datetime64[ns, UTC]"),
        "last_seen": pa.Column("datetime64[ns, UTC]"),
        "posted_at": pa.Column("datetime64[ns, UTC]", nullable=True),
        "first_seen_month": pa.Column("string", pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "company_first_collected": pa.Column("datetime64[ns, UTC]"),
        "left_censored": pa.Column("boolean"),
        "salary_min": pa.Column("Float64", nullable=True),
        "salary_max": pa.Column("Float64", nullable=True),
        "advisors": pa.Column("string"),
    },
    strict=True,
    ordered=True,
    name="network_jobs",
)


class NetworkJobsError(RuntimeError):
    """The package is missing, of another version, or inconsistent with its own manifest."""


def package_root() -> Path:
    """The data folder of the installed, pinned package.

    Raises
    ------
    NetworkJobsError
        The package is not installed or its version is not :data:`PINNED_VERSION`.

    Examples
    --------
    >>> package_root().name  # doctest: +SKIP
    'network_jobs_data'
    """
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise NetworkJobsError(
            f"{PACKAGE} is not installed; install it with `pip install {PACKAGE}=={PINNED_VERSION}`"
        ) from None
    if version != PINNED_VERSION:
        raise NetworkJobsError(
            f"{PACKAGE} {version} is installed but trendlab reads version {PINNED_VERSION} "
            f"(each version is a new crawl with other dates); `pip install {PACKAGE}=={PINNED_VERSION}`"
        )
    return Path(str(importlib.resources.files(MODULE)))


def _read_json(path: Path, root: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NetworkJobsError(f"{path.relative_to(root)}: unreadable JSON ({exc})") from exc


def _timestamps(values: list) -> list[pd.Timestamp | None]:
    """ISO 8601 timestamps as UTC, parsed at once; None when absent, NaT when unparsable."""
    text = pd.Series([None if v is None else str(v).strip() for v in values], dtype="object")
    absent = text.isna() | (text == "")
    parsed = pd.to_datetime(text.where(~absent), utc=True, format="ISO8601", errors="coerce")
    return [None if a else t for a, t in zip(absent, parsed, strict=True)]


def _text(value) -> str | None:
    if value is None:
        return None
    v = str(value).strip()
    return v or None


def _buckets(cat: dict, folder: Path, root: Path) -> dict[str, tuple[str, str]]:
    """Opening id -> (location bucket, seniority bucket) from the per-location sub-files."""
    out: dict[str, tuple[str, str]] = {}
    for loc, by_level in (cat.get("byLocation") or {}).items():
        for level, spec in by_level.items():
            for rec in _read_json(folder / spec["file"], root):
                out[str(rec.get("id"))] = (loc, level)
    return out


def load(root: Path | None = None) -> Loaded:
    """Openings of the pinned package, one row each, with first-seen dates.

    Parameters
    ----------
    root : Path, optional
        A folder laid out like the package (``<advisor>/manifest.json`` and the files it names).
        Defaults to the installed package, whose version must be :data:`PINNED_VERSION`.

    Returns
    -------
    Loaded
        The frame of :data:`TIDY`. ``rows_in`` counts records in the category files; records
        are quarantined when the title is empty, the id is missing, a timestamp does not parse,
        ``lastSeen`` precedes ``firstSeen``, or the id repeats (a copy of an opening listed by
        two advisors is merged into the first: its advisor is added to ``advisors`` and the copy
        counted in the quarantine as ``"listed by another advisor (merged)"``; copies that
        disagree are all set aside).

    Raises
    ------
    NetworkJobsError
        The package is missing or of another version, a file is unreadable, or a category file
        holds another number of records than its manifest says.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> got.rows_in, len(got.frame)  # doctest: +SKIP
    (17327, 17268)
    """
    root = Path(root) if root is not None else package_root()
    manifests = sorted(root.glob("*/manifest.json"))
    if not manifests:
        raise NetworkJobsError(f"{root}: no <advisor>/manifest.json found")

    records: list[dict] = []
    held: list[dict] = []
    for manifest_path in manifests:
        folder = manifest_path.parent
        manifest = _read_json(manifest_path, root)
        advisor = str(manifest.get("advisorSlug") or folder.name)
        for cat_name, cat in (manifest.get("categories") or {}).items():
            file = folder / cat["file"]
            rel = str(file.relative_to(root))
            recs = _read_json(file, root)
            if not isinstance(recs, list) or len(recs) != int(cat.get("count", -1)):
                got = len(recs) if isinstance(recs, list) else type(recs).__name__
                raise NetworkJobsError(
                    f"{rel}: manifest says {cat.get('count')} records, file holds {got}"
                )
            buckets = _buckets(cat, folder, root)
            for i, rec in enumerate(recs, start=1):
                records.append({"_file": rel, "_pos": i, "_advisor": advisor,
                                "_category": cat_name, "_buckets": buckets, **rec})

    kept: dict[str, dict] = {}
    origin: dict[str, tuple[str, int]] = {}
    conflicted: set[str] = set()
    stamps = {k: _timestamps([r.get(k) for r in records]) for k in ("firstSeen", "lastSeen", "postedAt")}
    for n, rec in enumerate(records):
        rid = f"{rec['_file']} record {rec['_pos']}"

        def hold(reason: str, detail: str, rid: str = rid) -> None:
            held.append({"source": SOURCE, "file": rid.split(" record ")[0],
                         "record_id": rid, "reason": reason, "detail": detail})

        job_id = _text(rec.get("id"))
        if job_id is None:
            hold("missing id", "id is empty")
            continue
        rid = f"{rid} (id {job_id})"
        title = _text(rec.get("title"))
        if title is None:
            hold("missing title", "title is empty", rid)
            continue
        first, last = stamps["firstSeen"][n], stamps["lastSeen"][n]
        posted = stamps["postedAt"][n]
        bad_time = [(k, rec.get(k)) for k, v in
                    (("firstSeen", first), ("lastSeen", last), ("postedAt", posted))
                    if (v is None and k != "postedAt") or (v is not None and pd.isna(v))]
        if bad_time:
            hold("unparsable timestamp",
                 ", ".join(f"{k}={v!r}" for k, v in bad_time) + " (expected ISO 8601)", rid)
            continue
        if last < first:
            hold("last seen before first seen", f"firstSeen={rec['firstSeen']}, lastSeen={rec['lastSeen']}", rid)
            continue
        salary = rec.get("salary") if isinstance(rec.get("salary"), dict) else {}
        loc_bucket, level = rec["_buckets"].get(job_id, (None, None))
        row = {
            "job_id": job_id,
            "title": title,
            "company": _text(rec.get("company")) or "",
            "company_domain": _text(rec.get("companyDomain")),
            "department": _text(rec.get("department")),
            "category": _text(rec.get("category")) or rec["_category"],
            "location": _text(rec.get("location")),
            "location_bucket": loc_bucket,
            "seniority_bucket": level,
            "url": _text(rec.get("url")),
            "first_seen": first,
            "last_seen": last,
            "posted_at": posted,
            "salary_min": _number(salary.get("min")),
            "salary_max": _number(salary.get("max")),
            "advisors": rec["_advisor"],
        }
        if job_id in kept or job_id in conflicted:
            prev = kept.get(job_id)
            same = prev is not None and all(
                _same(prev[k], row[k]) for k in row if k not in ("advisors",)
            )
            if same:
                prev["advisors"] = ";".join(sorted(set(prev["advisors"].split(";")) | {row["advisors"]}))
                hold("listed by another advisor (merged)",
                     f"same opening as {origin[job_id][0]} record {origin[job_id][1]}", rid)
            else:
                if prev is not None:  # set the first copy aside too: no copy can be trusted
                    del kept[job_id]
                    conflicted.add(job_id)
                    f0, p0 = origin[job_id]
                    held.append({"source": SOURCE, "file": f0, "record_id": f"{f0} record {p0} (id {job_id})",
                                 "reason": "conflicting duplicate id", "detail": f"differs from {rid}"})
                hold("conflicting duplicate id", f"id {job_id} also at {origin[job_id][0]} record "
                     f"{origin[job_id][1]} with other fields", rid)
            continue
        kept[job_id] = row
        origin[job_id] = (rec["_file"], rec["_pos"])

    frame = _finish(list(kept.values()))
    return Loaded(frame, quarantine_frame(held), rows_in=len(records))


def _number(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def _finish(rows: list[dict]) -> pd.DataFrame:
    cols = list(TIDY.columns)
    df = pd.DataFrame(rows, columns=[c for c in cols if c not in
                                     ("first_seen_month", "company_first_collected", "left_censored")])
    for c in ("first_seen", "last_seen", "posted_at"):
        df[c] = pd.to_datetime(df[c], utc=True).astype("datetime64[ns, UTC]")
    df["first_seen_month"] = df["first_seen"].dt.strftime("%Y-%m")
    # When a company's collection began, approximated by its earliest first-seen opening; an
    # opening first seen that same day was already open, so its first_seen says nothing of when
    # it was posted.
    key = df["company_domain"].fillna(df["company"])
    df["company_first_collected"] = df.groupby(key)["first_seen"].transform("min")
    df["left_censored"] = (
        df["first_seen"].dt.floor("D") == df["company_first_collected"].dt.floor("D")
    ).astype("boolean")
    types = {c: "string" for c in cols}
    for c in ("first_seen", "last_seen", "posted_at", "company_first_collected"):
        types.pop(c)
    types.update(salary_min="Float64", salary_max="Float64", left_censored="boolean")
    df = df[cols].astype(types)
    df = df.sort_values(["first_seen", "job_id"], kind="stable").reset_index(drop=True)
    return TIDY.validate(df)
