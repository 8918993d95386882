"""2026 crawl runs (hn-jobs-data): overlapping runs, job stories, partial threads, the real mirror."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trendlab import registry
from trendlab.sources import hn_jobs_data as jobs

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "hn" / "jobs_data" / "runs"
RUNS = [FIX / "2026-04-10" / "raw.json", FIX / "2026-04-20" / "raw.json"]
HOST = "fixtures.invalid"


def _run(tmp_path: Path, jobs_list: list, **envelope) -> Path:
    data = {
        "sources": {"who_is_hiring_thread_id": 47000000,
                    "who_is_hiring_thread_title": "Ask HN: Who is hiring? (April 2026)"},
        "fetched_at": "2026-04-25T00:00:00Z",
        "jobs": jobs_list,
    }
    data.update(envelope)
    p = tmp_path / "runs" / "2026-04-25" / "raw.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data))
    return p


def test_two_runs_give_one_row_per_id_with_the_most_complete_text():
    got, cov = jobs.parse_files(RUNS)
    f = got.frame
    assert got.rows_in == 7 and len(f) == 3 and len(got.quarantine) == 4
    assert f["posting_id"].tolist() == ["47000101", "47000102", "47000103"]
    assert (f["month"] == "2026-04").all() and (f["thread_id"] == "47000000").all()
    assert f["author"].tolist() == ["lumen_hr", "vexa_dev", "orb_careers"]
    # 47000101 was edited between runs: the longer, later text is kept
    assert f["html"].iloc[0] == "Lumenfold | Platform Engineer | Oslo | ONSITE<p>Kubernetes, Go, on-call one week in six."
    assert f["posted_at"].tolist() == [
        pd.Timestamp("2026-04-01 15:05:00", tz="UTC"),
        pd.Timestamp("2026-04-01 16:00:00", tz="UTC"),
        pd.Timestamp("2026-04-05 14:40:00", tz="UTC"),
    ]
    assert str(f["posted_at"].dtype) == "datetime64[ns, UTC]"
    q = got.quarantine
    assert sorted(zip(q["record_id"], q["reason"], q["file"], strict=True)) == [
        ("47000101", "duplicate", "2026-04-10/raw.json"),
        ("47000102", "duplicate", "2026-04-10/raw.json"),  # same text: the later run's copy is kept
        ("47000900", "not-thread-posting", "2026-04-10/raw.json"),
        ("47000901", "not-thread-posting", "2026-04-20/raw.json"),
    ]
    assert q.loc[q["record_id"] == "47000101", "detail"].iloc[0] == (
        "same id in 2026-04-20/raw.json, whose copy was kept (text 88 vs 45 characters)"
    )
    # newest run 18.7 days after the first posting: the thread counts as covered
    assert cov["crawl_window_days"].iloc[0] == pytest.approx((pd.Timestamp("2026-04-20 08:00", tz="UTC") - pd.Timestamp("2026-04-01 15:05", tz="UTC")).total_seconds() / 86400)
    assert not f["partial_month"].any()


def test_one_run_alone():
    got = jobs.parse_file(RUNS[1])
    assert got.rows_in == 4 and got.frame["posting_id"].tolist() == ["47000101", "47000102", "47000103"]
    assert got.quarantine["reason"].tolist() == ["not-thread-posting"]


def test_a_run_fetched_days_after_the_thread_opened_is_partial():
    got, cov = jobs.parse_files(RUNS[:1])
    assert cov["partial_month"].tolist() == [True]
    assert cov["reason"].iloc[0] == (
        "newest run fetched 1.8 days after the thread opened (postings keep arriving for weeks)"
    )
    assert got.frame["partial_month"].all()


def test_records_set_aside_with_their_reason(tmp_path):
    p = _run(tmp_path, [
        {"id": 1, "source": "who_is_hiring", "by": "a", "time": 1775055900, "text": "Acme | SWE"},
        {"id": 2, "source": "who_is_hiring", "by": "b", "time": 1775055900, "deleted": True},
        {"id": 3, "source": "who_is_hiring", "by": "c", "time": 1775055900, "text": "x", "dead": True},
        {"id": 4, "source": "who_is_hiring", "by": "d", "time": 1775055900, "text": "<p> </p>"},
        {"id": "n/a", "source": "who_is_hiring", "by": "e", "time": 1775055900, "text": "Beta | PM"},
        {"id": 6, "source": "who_is_hiring", "by": "f", "time": "yesterday", "text": "Gamma | PM"},
        "not a record",
    ])
    got, _ = jobs.parse_files([p])
    assert got.frame["posting_id"].tolist() == ["1"]
    assert got.quarantine["reason"].tolist() == ["deleted", "dead", "empty", "unparsable", "unparsable", "unparsable"]
    assert got.rows_in == 7


@pytest.mark.parametrize(
    ("envelope", "message"),
    [
        ({"sources": {"who_is_hiring_thread_id": 47000000, "who_is_hiring_thread_title": "Who is hiring?"}},
         r"2026-04-25/raw.json: sources.who_is_hiring_thread_title"),
        ({"sources": {"who_is_hiring_thread_id": None, "who_is_hiring_thread_title": "x (April 2026)"}},
         r"2026-04-25/raw.json: sources.who_is_hiring_thread_id is None"),
        ({"jobs": None}, r"2026-04-25/raw.json: expected an object with a 'jobs' list"),
        ({"fetched_at": "soon"}, r"2026-04-25/raw.json: fetched_at 'soon'"),
    ],
)
def test_bad_run_envelope_is_an_error_naming_file_and_field(tmp_path, envelope, message):
    p = _run(tmp_path, [], **envelope)
    with pytest.raises(ValueError, match=message):
        jobs.read_run(p)


def test_load_reads_every_registered_run(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))
    entries = []
    for p in RUNS:
        data = p.read_bytes()
        e = registry.FileEntry(jobs.SOURCE, f"https://{HOST}/hn-jobs-data/runs/{p.parent.name}/raw.json",
                               hashlib.sha256(data).hexdigest(), len(data))
        (mirror / e.cache_key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, mirror / e.cache_key)
        entries.append(e)
    srcs = dict(registry.sources())
    srcs[jobs.SOURCE] = registry.Source(**{**srcs[jobs.SOURCE].__dict__, "files": tuple(entries)})
    monkeypatch.setattr(registry, "sources", lambda: srcs)
    got = jobs.load(progress=False)
    assert got.rows_in == 7 and got.frame["posting_id"].tolist() == ["47000101", "47000102", "47000103"]
    assert jobs.partial_months(progress=False).empty


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    got = jobs.load(progress=False)
    f = got.frame
    assert f["month"].unique().tolist() == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert f["posting_id"].is_unique and f["posted_at"].notna().all()
    assert set(got.quarantine["reason"]) == {"duplicate", "not-thread-posting"}
    # the posting times fall in (or just after) the thread's month
    assert (f["posted_at"].dt.strftime("%Y-%m") >= f["month"]).all()
    assert jobs.partial_months(progress=False)["month"].tolist() == ["2026-05"]
