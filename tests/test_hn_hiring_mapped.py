"""Crawled JSON months (hn-hiring-mapped): thread map, records set aside, crawl window, the real mirror."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from trendlab import registry
from trendlab.sources import hn_hiring_mapped as mapped

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "hn" / "hiring_mapped"
HOST = "fixtures.invalid"
INPUT = FIX / "input"
MONTHS = [FIX / "2015-02.json", FIX / "2015-03.json"]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make the fixture files the registered files of hn-hiring-mapped, through a local mirror."""
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))
    entries = []
    for rel in ["input", "web/data/2015-03.json", "web/data/2015-02.json"]:
        local = FIX / Path(rel).name
        data = local.read_bytes()
        e = registry.FileEntry(mapped.SOURCE, f"https://{HOST}/hn-hiring-mapped/src/{rel}",
                               hashlib.sha256(data).hexdigest(), len(data))
        dest = mirror / e.cache_key
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local, dest)
        entries.append(e)
    srcs = dict(registry.sources())
    srcs[mapped.SOURCE] = registry.Source(**{**srcs[mapped.SOURCE].__dict__, "files": tuple(entries)})
    monkeypatch.setattr(registry, "sources", lambda: srcs)


def test_input_maps_months_to_threads_and_a_later_line_wins():
    assert mapped.read_input(INPUT) == {"2015-02": "4820000", "2015-03": "5100000", "2015-04": "5410000"}


def test_bad_input_line_names_the_line(tmp_path):
    p = tmp_path / "input"
    p.write_text("# Post ID, Month\n4820000 2015-2\n4820001 2015-13\n")
    with pytest.raises(ValueError, match=r"input line 3: '4820001 2015-13'"):
        mapped.read_input(p)


def test_month_files_exact_rows_and_quarantine():
    months = mapped.parse_files(INPUT, MONTHS)
    got = mapped.loaded_from(months)
    f = got.frame
    assert got.rows_in == 7 and len(f) == 4 and len(got.quarantine) == 3
    assert f["posting_id"].tolist() == ["4820150", "4970000", "5100011", "5110000"]
    assert f["month"].tolist() == ["2015-02", "2015-02", "2015-03", "2015-03"]
    assert f["thread_id"].tolist() == ["4820000", "4820000", "5100000", "5100000"]
    assert f["author"].tolist()[:3] == ["mara_t", "kc_jobs", "ada_k"] and f["author"].isna().tolist()[3]
    assert f["posted_at"].isna().all()
    assert f["html"].iloc[1] == "Kettle &amp; Crane | REMOTE | Rails developer<p>Family-run tea importer."
    q = got.quarantine
    assert q["reason"].tolist() == ["empty", "unparsable", "duplicate"]
    assert q["record_id"].tolist()[0] == "5100500" and q["record_id"].isna().tolist()[1]
    assert q["record_id"].tolist()[2] == "4970000"  # the February posting repeated in March
    assert "user?id=someone" in q["detail"].iloc[1] and (q["file"] == "2015-03.json").all()


def test_crawl_window_from_comment_ids_marks_partial_months():
    cov = mapped.coverage_of(mapped.parse_files(INPUT, MONTHS))
    # February: 280,000 ids over 28 days = 10,000 a day; newest comment 150,000 ids in = 15 days
    # March: 310,000 ids over 31 days = 10,000 a day; newest comment 10,000 ids in = 1 day
    assert cov["crawl_window_days"].tolist() == pytest.approx([15.0, 1.0])
    assert cov["partial_month"].tolist() == [False, True]
    assert cov["reason"].iloc[1].startswith("crawled about 1.0 days after the thread opened")
    f = mapped.loaded_from(mapped.parse_files(INPUT, MONTHS)).frame
    assert f.groupby("month")["partial_month"].all().to_dict() == {"2015-02": False, "2015-03": True}


def test_ids_per_day_uses_the_next_thread_or_the_previous_for_the_last():
    threads = {"2015-02": "4820000", "2015-03": "5100000", "2015-04": "5410000"}
    assert mapped.ids_per_day("2015-02", threads) == 10_000.0
    assert mapped.ids_per_day("2015-04", threads) == 10_000.0  # March to April
    # a missing month in between: spread over both months (59 days here)
    assert mapped.ids_per_day("2015-02", {"2015-02": "0", "2015-04": "590000"}) == 10_000.0
    assert mapped.ids_per_day("2015-02", {"2015-02": "1"}) is None
    assert mapped.crawl_window_days("2015-04", 5_435_000, threads) == 2.5


def test_without_the_thread_map_thread_and_window_are_unknown():
    month = mapped.parse_file(MONTHS[0])
    assert month.thread_id is None and month.window_days is None and not month.partial
    assert month.postings["thread_id"].isna().all()


def test_bad_files_are_errors_naming_the_file(tmp_path):
    bad_name = tmp_path / "march.json"
    bad_name.write_text("[]")
    with pytest.raises(ValueError, match=r"march.json: file name is not a month"):
        mapped.parse_file(bad_name)
    not_list = tmp_path / "2015-05.json"
    not_list.write_text(json.dumps({"full_html": "x"}))
    with pytest.raises(ValueError, match=r"2015-05.json: expected a JSON list"):
        mapped.parse_file(not_list)
    broken = tmp_path / "2015-06.json"
    broken.write_text("[{")
    with pytest.raises(ValueError, match=r"2015-06.json: not valid JSON"):
        mapped.parse_file(broken)


def test_load_reads_every_registered_file(served):
    got = mapped.load(progress=False)
    assert got.rows_in == 7 and len(got.frame) == 4
    assert mapped.partial_months(progress=False)["month"].tolist() == ["2015-03"]


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    got = mapped.load(progress=False)
    f = got.frame
    assert f["month"].nunique() == 54 and f["month"].min() == "2013-08" and f["month"].max() == "2018-04"
    assert not {"2016-07", "2017-08", "2017-09"} & set(f["month"])
    assert f["posting_id"].is_unique and f["thread_id"].notna().all()
    # 2018-1 is listed twice in src/input: the later thread is the one in the file
    assert set(f.loc[f["month"] == "2018-01", "thread_id"]) == {"16052538"}
    assert 27_000 < len(f) < 29_000
    cov = mapped.coverage(progress=False)
    # the newest month was crawled within hours of the thread opening
    assert cov.set_index("month").loc["2018-04", "crawl_window_days"] < 1
    assert not cov.set_index("month").loc["2015-08", "partial_month"]
