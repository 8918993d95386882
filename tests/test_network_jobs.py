"""network-jobs-data loader, on a small package tree written here with invented companies."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pandas as pd
import pytest

from trendlab.sources import network_jobs as nj


def _job(i, title, company="Acme Widgets", first="2025-07-26T00:03:07.817Z",
         last="2026-01-11T01:53:29.490Z", **kw):
    rec = {"id": i, "title": title, "company": company,
           "companyDomain": company.lower().replace(" ", "") + ".example",
           "department": kw.pop("department", "Product"), "category": kw.pop("category", "product"),
           "location": kw.pop("location", "Remote, US"),
           "url": f"https://jobs.example/{company.lower().replace(' ', '-')}/{i}",
           "firstSeen": first, "lastSeen": last}
    rec.update(kw)
    return rec


def _write(root: Path, advisor: str, categories: dict[str, list[dict]], *, count_off: int = 0):
    """One advisor folder: manifest, a file per category, and per-location sub-files."""
    folder = root / advisor
    folder.mkdir(parents=True)
    (folder / "advisor.json").write_text(json.dumps({"name": "Invented Advisor", "slug": advisor}))
    cats = {}
    for name, recs in categories.items():
        (folder / f"{name}.json").write_text(json.dumps(recs))
        # the package splits each category by location and level; here: even ids senior
        senior = [r for r in recs if isinstance(r.get("id"), int) and r["id"] % 2 == 0]
        mid = [r for r in recs if r not in senior]
        (folder / f"{name}-remote-senior.json").write_text(json.dumps(senior))
        (folder / f"{name}-remote-mid.json").write_text(json.dumps(mid))
        cats[name] = {
            "count": len(recs) + count_off,
            "file": f"{name}.json",
            "byLocation": {"remote": {"senior": {"count": len(senior), "file": f"{name}-remote-senior.json"},
                                      "mid": {"count": len(mid), "file": f"{name}-remote-mid.json"}}},
        }
    manifest = {"advisorSlug": advisor, "lastUpdated": "2026-01-11T01:53:51.201Z",
                "totalJobs": sum(len(r) for r in categories.values()), "categories": cats}
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "network_jobs_data"
    shared = _job(10, "Senior Product Manager, Payments", first="2025-08-12T10:00:00.000Z")
    _write(root, "advisor-one", {
        "product": [
            _job(1, "Product Manager"),  # seen on the company's first day of collection
            shared,
            _job(11, "Technical Product Manager", first="2026-01-10T09:27:02.259Z",
                 postedAt="2026-01-08T17:37:46.087Z", salary={"min": 150000, "max": 190000}),
            _job(12, "   ", first="2025-09-01T00:00:00.000Z"),  # blank title
            _job(13, "Product Owner", first="not a date"),
            _job(14, "Product Lead", first="2025-09-01T00:00:00.000Z", last="2025-08-01T00:00:00.000Z"),
        ],
        "engineering": [
            _job(20, "Software Engineer, Platform", company="Globex Tools", department="Engineering",
                 category="engineering", first="2025-07-27T12:00:00.000Z"),
            _job(21, "Product Engineer", company="Globex Tools", department="Engineering",
                 category="engineering", first="2025-11-03T08:00:00.000Z"),
        ],
    })
    _write(root, "advisor-two", {
        "product": [dict(shared)],  # the same opening through the other network
        "engineering": [_job(21, "Staff Product Engineer", company="Globex Tools",
                             category="engineering", first="2025-11-03T08:00:00.000Z")],
    })
    return root


def test_load_tree(tree: Path):
    got = nj.load(tree)
    f = got.frame.set_index("job_id")
    q = got.quarantine
    assert got.rows_in == 10
    assert len(f) + len(q) == got.rows_in
    assert sorted(f.index) == ["1", "10", "11", "20"]
    reasons = sorted(q["reason"])
    assert reasons == sorted([
        "missing title", "unparsable timestamp", "last seen before first seen",
        "listed by another advisor (merged)",
        "conflicting duplicate id", "conflicting duplicate id",
    ])
    assert f.loc["10", "advisors"] == "advisor-one;advisor-two"
    assert f.loc["1", "advisors"] == "advisor-one"
    bad = q[q["reason"] == "unparsable timestamp"].iloc[0]
    assert bad["file"] == "advisor-one/product.json"
    assert "record 5 (id 13)" in bad["record_id"] and "'not a date'" in bad["detail"]
    # both copies of id 21 disagree on the title: neither is kept
    assert set(q.loc[q["reason"] == "conflicting duplicate id", "file"]) == {
        "advisor-one/engineering.json", "advisor-two/engineering.json"}


def test_dates_buckets_and_censoring(tree: Path):
    f = nj.load(tree).frame.set_index("job_id")
    assert str(f["first_seen"].dtype) == "datetime64[ns, UTC]"
    assert f.loc["11", "first_seen_month"] == "2026-01"
    assert f.loc["11", "posted_at"] == pd.Timestamp("2026-01-08T17:37:46.087Z")
    assert pd.isna(f.loc["1", "posted_at"])
    assert (f.loc["11", "salary_min"], f.loc["11", "salary_max"]) == (150000.0, 190000.0)
    assert f.loc["10", "seniority_bucket"] == "senior" and f.loc["11", "seniority_bucket"] == "mid"
    assert f.loc["1", "location_bucket"] == "remote"
    # Acme's collection began 2025-07-26: id 1 was already open then, ids 10 and 11 appeared later
    acme_start = pd.Timestamp("2025-07-26T00:03:07.817Z")
    assert (f.loc[["1", "10", "11"], "company_first_collected"] == acme_start).all()
    assert f.loc["1", "left_censored"] and not f.loc["10", "left_censored"] and not f.loc["11", "left_censored"]
    assert f.loc["20", "left_censored"]  # Globex's only kept opening is its first


def test_manifest_count_mismatch_is_an_error(tmp_path: Path):
    root = tmp_path / "pkg"
    _write(root, "advisor-one", {"product": [_job(1, "Product Manager")]}, count_off=2)
    with pytest.raises(nj.NetworkJobsError, match=r"advisor-one/product\.json: manifest says 3 records, file holds 1"):
        nj.load(root)


def test_unreadable_json_names_the_file(tmp_path: Path):
    root = tmp_path / "pkg"
    _write(root, "advisor-one", {"product": [_job(1, "Product Manager")]})
    (root / "advisor-one" / "product.json").write_text("[{\"id\": 1, ")
    with pytest.raises(nj.NetworkJobsError, match=r"advisor-one/product\.json: unreadable JSON"):
        nj.load(root)


def test_empty_folder_is_an_error(tmp_path: Path):
    with pytest.raises(nj.NetworkJobsError, match="manifest.json"):
        nj.load(tmp_path)


def test_package_missing_or_other_version(monkeypatch):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with pytest.raises(nj.NetworkJobsError, match=f"pip install network-jobs-data=={nj.PINNED_VERSION}"):
        nj.package_root()
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.1")
    with pytest.raises(nj.NetworkJobsError, match="0.0.1 is installed"):
        nj.package_root()


def _installed() -> bool:
    try:
        return importlib.metadata.version(nj.PACKAGE) == nj.PINNED_VERSION
    except importlib.metadata.PackageNotFoundError:
        return False


@pytest.mark.skipif(not _installed(), reason=f"{nj.PACKAGE}=={nj.PINNED_VERSION} is not installed")
def test_installed_package():
    got = nj.load()
    f = got.frame
    assert got.rows_in == 17327 and len(f) == 17268
    assert set(got.quarantine["reason"]) == {"listed by another advisor (merged)"}
    assert f["first_seen"].min() >= pd.Timestamp("2025-07-25", tz="UTC")
    assert f["first_seen"].max() < pd.Timestamp("2026-01-12", tz="UTC")
    # the DESCR's claim: most openings were first seen on one day, when collection resumed
    share = (f["first_seen"].dt.strftime("%Y-%m-%d") == "2026-01-10").mean()
    assert 0.75 < share < 0.80
