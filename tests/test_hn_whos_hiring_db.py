"""hackernews-whos-hiring: SQLite roles, built by hand in each test with invented rows."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from trendlab.sources import hn_whos_hiring_db as db
from trendlab.sources.hn_whos_hiring_db import (
    WhosHiringDBError,
    parse_db,
    thread_months,
    thread_opening,
)

MIRROR = os.environ.get("TRENDLAB_MIRROR")

SCHEMA = """CREATE TABLE jobs (
    post_link_id TEXT {pk},
    post_date TEXT, company TEXT, job_title TEXT, employment_type TEXT, salary TEXT,
    remote TEXT, city TEXT, country TEXT, languages_frameworks TEXT, remote_rules TEXT,
    how_to_apply TEXT, post_username TEXT
)"""
FIELDS = ("post_link_id", "post_date", "company", "job_title", "employment_type", "remote", "languages_frameworks")


def make_db(path: Path, rows: list[tuple], *, primary_key: bool = True) -> Path:
    """A jobs.db in the real layout; rows give the FIELDS columns, the rest stay NULL."""
    con = sqlite3.connect(path)
    con.execute(SCHEMA.format(pk="PRIMARY KEY" if primary_key else ""))
    con.execute("CREATE TABLE seen_posts (comment_id INTEGER PRIMARY KEY)")
    con.executemany(f"INSERT INTO jobs ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})", rows)
    con.commit()
    con.close()
    return path


def utc(*stamps: str) -> pd.Series:
    return pd.to_datetime(pd.Series(stamps), utc=True)


# --------------------------------------------------------------------------- thread openings


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2022-12", "2022-12-01 16:00"),  # Thursday, EST (UTC-5)
        ("2023-04", "2023-04-03 15:00"),  # 1 April a Saturday -> Monday 3rd, EDT (UTC-4)
        ("2024-01", "2024-01-02 16:00"),  # 1 January (a Monday) is skipped
        ("2024-03", "2024-03-01 16:00"),  # Friday 1st, still EST (DST began 10 March)
        ("2025-06", "2025-06-02 15:00"),  # 1 June a Sunday
        ("2023-01", "2023-01-02 16:00"),  # 1 January a Sunday anyway
    ],
)
def test_thread_opening_is_11am_new_york_on_the_first_weekday(month: str, expected: str) -> None:
    assert thread_opening(month) == pd.Timestamp(expected, tz="UTC")


# --------------------------------------------------------------------------- thread months


def test_comment_time_before_the_opening_belongs_to_the_previous_thread() -> None:
    t = utc(
        "2023-02-01T15:59:59",  # Feb opens 16:00 UTC (11:00 EST) on Wednesday 1st
        "2023-02-01T16:00:00",
        "2023-04-01T12:00:00",  # Saturday: the April thread opens Monday 3rd
        "2023-04-03T14:59:00",  # one minute before 11:00 EDT
        "2023-04-03T15:00:30",
        "2024-01-01T18:00:00",  # New Year's Day: the thread opens on the 2nd
        "2024-01-02T16:00:05",
    )
    ids = pd.Series([1, 2, 3, 4, 5, 6, 7])
    got = thread_months(t, ids).tolist()
    assert got == ["2023-01", "2023-02", "2023-03", "2023-03", "2023-04", "2023-12", "2024-01"]


def _month_rows(month_stamp: str, first_id: int, n: int, spread: int) -> tuple[list[str], list[int]]:
    return [month_stamp] * n, [first_id + i * spread for i in range(n)]


def test_stamped_months_keep_their_label_unless_their_ids_are_a_recrawl() -> None:
    stamps: list[str] = []
    ids: list[int] = []
    # three comment-timed months, first comments 300,000 ids apart
    for k, (m, first) in enumerate([("2023-01", 1_000_000), ("2023-02", 1_300_000), ("2023-03", 1_600_000)]):
        day = "02" if m == "2023-01" else "01"
        for i in range(3):
            stamps.append(f"{m}-{day}T17:{10 + i + k}:00")
            ids.append(first + i * 1000)
    groups = {
        "2023-04": ("2023-04-01T00:00:00", 1_900_000),  # a month label, 300k ids on: kept
        "2023-05": ("2023-05-01T00:00:00", 1_905_000),  # 5k ids after April's first: re-crawl
        "2023-06": ("2023-06-01T00:00:00", 1_910_000),  # a re-crawl of the re-crawl
        "2023-07": ("2023-07-03T15:00:59", 2_800_000),  # one shared thread-time stamp: kept
    }
    expected = ["2023-01"] * 3 + ["2023-02"] * 3 + ["2023-03"] * 3
    for m, (stamp, first) in groups.items():
        s, i = _month_rows(stamp, first, 4, 500)
        stamps += s
        ids += i
        expected += [{"2023-05": "2023-04", "2023-06": "2023-04"}.get(m, m)] * 4
    got = thread_months(utc(*stamps), pd.Series(ids))
    assert got.tolist() == expected


def test_a_stamped_month_far_from_its_predecessor_is_not_merged() -> None:
    # ids of a month label land just over half a monthly step after the previous thread
    stamps = ["2023-01-02T16:05:00", "2023-02-01T16:05:00", "2023-03-01T00:00:00", "2023-03-01T00:00:00"]
    ids = pd.Series([1_000_000, 1_300_000, 1_460_000, 1_460_100])
    assert thread_months(utc(*stamps), ids).tolist() == ["2023-01", "2023-02", "2023-03", "2023-03"]
    # and just under half a step: merged
    ids_close = pd.Series([1_000_000, 1_300_000, 1_440_000, 1_440_100])
    assert thread_months(utc(*stamps), ids_close).tolist() == ["2023-01", "2023-02", "2023-02", "2023-02"]


def test_thread_months_rejects_missing_dates() -> None:
    with pytest.raises(ValueError, match="missing"):
        thread_months(pd.Series([pd.NaT], dtype="datetime64[ns, UTC]"), pd.Series([1]))


# --------------------------------------------------------------------------- parse_db

ROWS = [
    # id, post_date, company, title, employment_type, remote, languages
    ("30000001", "2023-03-01T16:02:00", "Quillfeather Labs", "Senior Product Manager", "full-time", "yes", "Python, SQL"),
    ("30000002", "2023-03-01T16:05:10", "Unknown", " Platform Engineer ", "Contract", "Hybrid", ""),
    ("30000003", "2023-03-02T09:00:00", "Marrowbyte", "Product Engineer", "full-time", "unknown", None),
    ("30300001", "2023-04-01T00:00:00", "Tessel & Pike", "Technical Product Manager", "part-time", "no", "Go"),
    ("30300002", "2023-04-01T00:00:00", "Glimmerjack", "unknown", "full-time", "yes", ""),  # empty
    ("30300003", "2023-04-01T00:00:00", "Glimmerjack", "   ", "full-time", "yes", ""),  # empty
    ("30300004", "2023-04-01T00:00:00", "Glimmerjack", None, "full-time", "yes", ""),  # empty
    ("30300005", "yesterday", "Ovenbird", "Data Engineer", "full-time", "yes", ""),  # bad date
    ("30300006", None, "Ovenbird", "Data Engineer", "full-time", "yes", ""),  # bad date
    ("item-7", "2023-04-01T00:00:00", "Ovenbird", "Data Engineer", "full-time", "yes", ""),  # bad id
]


def test_parse_db_maps_the_roles_shape(tmp_path: Path) -> None:
    path = make_db(tmp_path / "jobs.db", ROWS)
    loaded = parse_db(path)
    f = loaded.frame
    assert f.columns.tolist() == [
        "source", "posting_id", "role_index", "month", "role_title", "company",
        "employment_type", "remote", "languages_frameworks", "machine_extracted",
    ]  # fmt: skip
    assert f["posting_id"].tolist() == ["30000001", "30000002", "30000003", "30300001"]
    assert f["month"].tolist() == ["2023-03", "2023-03", "2023-03", "2023-04"]
    assert f["role_title"].tolist() == [
        "Senior Product Manager", "Platform Engineer", "Product Engineer", "Technical Product Manager"
    ]  # fmt: skip
    assert f["company"].tolist()[0] == "Quillfeather Labs"
    assert f["company"].isna().tolist() == [False, True, False, False]  # "Unknown" is the placeholder
    assert f["employment_type"].tolist() == ["full-time", "contract", "full-time", "part-time"]
    assert f["remote"].tolist()[:2] == ["yes", "hybrid"]
    assert pd.isna(f["remote"].iloc[2])
    assert f["languages_frameworks"].isna().tolist() == [False, True, True, False]
    assert (f["role_index"] == 0).all()
    assert f["machine_extracted"].all()
    assert (f["source"] == "hackernews-whos-hiring").all()
    assert str(f["role_index"].dtype) == "Int64"
    assert str(f["machine_extracted"].dtype) == "boolean"
    assert all(str(f[c].dtype) == "string" for c in ("posting_id", "month", "role_title", "company"))


def test_parse_db_quarantines_with_reasons_and_accounts_for_every_row(tmp_path: Path) -> None:
    loaded = parse_db(make_db(tmp_path / "jobs.db", ROWS))
    q = loaded.quarantine
    assert loaded.rows_in == len(ROWS) == len(loaded.frame) + len(q)
    assert dict(zip(q["record_id"], q["reason"], strict=True)) == {
        "30300002": "empty",
        "30300003": "empty",
        "30300004": "empty",
        "30300005": "unparsable",
        "30300006": "unparsable",
        "item-7": "unparsable",
    }
    detail = dict(zip(q["record_id"], q["detail"], strict=True))
    assert detail["30300002"] == "rowid 5: job_title is 'unknown'"
    assert detail["30300004"] == "rowid 7: job_title is 'NULL'"
    assert "post_date 'yesterday' is not an ISO date" in detail["30300005"]
    assert "post_link_id 'item-7' is not an HN item id" in detail["item-7"]
    assert (q["file"] == "jobs.db").all()


def test_parse_db_quarantines_duplicate_ids_keeping_the_first(tmp_path: Path) -> None:
    rows = [
        ("30000001", "2023-03-01T16:02:00", "Quillfeather Labs", "Product Manager", "full-time", "yes", ""),
        ("30000001", "2023-03-01T16:02:00", "Quillfeather Labs", "Product Manager II", "full-time", "yes", ""),
        ("30000002", "2023-03-01T16:03:00", "Marrowbyte", "unknown", "full-time", "yes", ""),
        ("30000002", "2023-03-01T16:03:00", "Marrowbyte", "Staff Engineer", "full-time", "yes", ""),
    ]
    loaded = parse_db(make_db(tmp_path / "jobs.db", rows, primary_key=False))
    assert loaded.frame["role_title"].tolist() == ["Product Manager", "Staff Engineer"]
    q = loaded.quarantine.sort_values("reason")
    assert q["reason"].tolist() == ["duplicate", "empty"]
    assert q["detail"].iloc[0] == "rowid 2: post_link_id already in rowid 1"


def test_parse_db_moves_a_recrawl_to_the_thread_it_came_from(tmp_path: Path) -> None:
    rows = []
    for m, first in [("2024-04", 39_900_000), ("2024-05", 40_230_000), ("2024-06", 40_560_000)]:
        rows += [(str(first + k * 900), f"{m}-0{3 if m == '2024-06' else 1}T15:0{k}:00", "Fennick", "SRE", "full-time", "yes", "") for k in range(3)]  # fmt: skip
    rows += [(str(40_850_000 + k * 700), "2024-07-01T00:00:00", "Fennick", "SRE", "full-time", "yes", "") for k in range(3)]  # fmt: skip
    rows += [(str(40_851_000 + k * 9000), "2024-08-01T00:00:00", "Fennick", "SRE", "full-time", "yes", "") for k in range(3)]  # fmt: skip
    f = parse_db(make_db(tmp_path / "jobs.db", rows)).frame
    assert f.groupby("month").size().to_dict() == {"2024-04": 3, "2024-05": 3, "2024-06": 3, "2024-07": 6}


def test_parse_db_reads_a_read_only_file_without_touching_it(tmp_path: Path) -> None:
    path = make_db(tmp_path / "jobs.db", ROWS[:2])
    before = path.read_bytes()
    os.chmod(path, 0o444)
    assert len(parse_db(path).frame) == 2
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.db"]  # no journal left behind


def test_parse_db_names_the_file_and_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE jobs (post_link_id TEXT, post_date TEXT)")
    con.commit()
    con.close()
    with pytest.raises(WhosHiringDBError, match=r"other\.db: table 'jobs' lacks column\(s\) company, job_title"):
        parse_db(path)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    empty.write_bytes(b"")
    with pytest.raises(WhosHiringDBError, match=r"empty\.db: no table 'jobs'"):
        parse_db(empty)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all, just text" * 20)
    with pytest.raises(WhosHiringDBError, match=r"junk\.db: not a SQLite database"):
        parse_db(junk)
    with pytest.raises(FileNotFoundError, match="missing.db"):
        parse_db(tmp_path / "missing.db")


def test_source_metadata_matches_the_registry() -> None:
    from trendlab.registry import source

    src = source(db.SOURCE)
    assert src.file("/jobs.db").url.endswith("/jobs.db")
    assert db.TITLE and db.DESCR and db.LICENSE.startswith(src.license)
    assert "a11ca494" in db.CITATION


# --------------------------------------------------------------------------- the real file


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    loaded = db.load(progress=False)
    f, q = loaded.frame, loaded.quarantine
    assert loaded.rows_in == len(f) + len(q)
    assert loaded.rows_in > 10_000
    assert set(q["reason"]) <= {"empty", "unparsable", "duplicate"}
    assert f["posting_id"].is_unique
    months = sorted(f["month"].unique())
    assert months[0] == "2022-12" and months[-1] == "2025-10"
    # the rows stamped 2024-12-01 are a re-crawl of the November 2024 thread
    assert "2024-12" not in months
    naive = f["posting_id"].astype("int64")
    nov = naive[f["month"] == "2024-11"]
    assert nov.max() < 42_200_000 and len(nov) > 250


# --------------------------------------------------------------------------- coverage


def test_month_coverage_measures_days_by_comment_ids(tmp_path: Path) -> None:
    # ids grow by exactly 10,000 a day from the January 2023 opening
    t0 = pd.Timestamp("2023-01-02T16:00:00", tz="UTC")

    def row(i: int, when: pd.Timestamp, stamp: str | None = None) -> tuple:
        pid = 1_000_000 + round((when - t0).total_seconds() / 86400 * 10_000)
        date = stamp or when.strftime("%Y-%m-%dT%H:%M:%S")
        return (str(pid), date, f"Firm {i}", "Engineer", "full-time", "yes", "")

    rows = [row(i, t0 + pd.Timedelta(days=d)) for i, d in enumerate([0.01, 1, 10])]
    rows += [row(3 + i, pd.Timestamp("2023-02-01T16:00", tz="UTC") + pd.Timedelta(days=d)) for i, d in enumerate([0.01, 6])]  # fmt: skip
    march = pd.Timestamp("2023-03-01T16:00", tz="UTC")
    rows += [row(5 + i, march + pd.Timedelta(days=d), "2023-03-01T00:00:00") for i, d in enumerate([0.1, 1.1, 2.1])]  # fmt: skip
    april = pd.Timestamp("2023-04-03T15:00", tz="UTC")
    rows += [row(8 + i, april + pd.Timedelta(days=d), "2023-04-01T00:00:00") for i, d in enumerate([0.1, 4, 8.1])]  # fmt: skip
    cov = db.month_coverage(make_db(tmp_path / "jobs.db", rows))
    assert cov["month"].tolist() == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert cov["rows"].tolist() == [3, 2, 3, 3]
    assert cov["post_date"].tolist() == ["comment-time"] * 2 + ["month-label"] * 2
    assert cov["id_span_days"].round(6).tolist() == [9.99, 5.99, 2.0, 8.0]
    assert cov["partial"].tolist() == [False, False, True, False]


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_file_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    cov = db.month_coverage(progress=False)
    assert cov["rows"].sum() == len(db.load(progress=False).frame)
    # ids advance about 11,000 a day; the months scraped only on their first days stand out
    assert cov.loc[cov["partial"], "month"].tolist() == ["2024-09", "2024-10", "2025-03"]
    assert (cov.loc[~cov["partial"], "id_span_days"] > 7).all()
