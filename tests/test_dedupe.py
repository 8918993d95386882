"""Merging the HN archives: which copy is kept, joined sources, partial months, agreement figures."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from trendlab.clean.dedupe import format_agreement, merge_postings, normalise_text
from trendlab.clean.text import add_text
from trendlab.schemas import POSTINGS
from trendlab.sources import hn_hiring_mapped, hn_thread_pages, quarantine_frame

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "hn"


def postings(source: str, rows: list[dict]) -> pd.DataFrame:
    """A postings frame (add_text output) from short row dicts; unspecified fields get defaults."""
    full = []
    for r in rows:
        pid = r["posting_id"]
        full.append(
            {
                "source": source,
                "posting_id": pid,
                "thread_id": r.get("thread_id", "900"),
                "month": r.get("month", "2016-10"),
                "posted_at": r.get("posted_at", pd.NaT),
                "author": r.get("author", f"user{pid}"),
                "company": r.get("company"),
                "text": r["text"],
                "url": f"https://news.ycombinator.com/item?id={pid}",
                "partial_month": r.get("partial_month", False),
            }
        )
    f = pd.DataFrame(full, columns=list(POSTINGS.columns))
    f["posted_at"] = pd.to_datetime(f["posted_at"], utc=True).astype("datetime64[ns, UTC]")
    return f.astype({"source": "string", "posting_id": "string", "thread_id": "string", "month": "string",
                     "author": "string", "company": "string",
                     "text": "string", "url": "string", "partial_month": "boolean"})


def test_most_complete_copy_is_kept_and_gaps_filled_from_the_other():
    x = postings("x", [{"posting_id": "1", "text": "Acme | SWE", "partial_month": True, "author": "ann"},
                       {"posting_id": "2", "text": "Beta | PM"}])
    y = postings("y", [{"posting_id": "1", "text": "Acme | SWE | Berlin", "thread_id": None, "author": None},
                       {"posting_id": "3", "text": "Gamma | Data"}])
    m = merge_postings([x, y])
    p = m.postings.set_index("posting_id")
    assert list(m.postings["posting_id"]) == ["1", "2", "3"]
    assert p.loc["1", "text"] == "Acme | SWE | Berlin"  # the longer copy, from y
    assert p.loc["1", "source"] == "x;y" and p.loc["2", "source"] == "x" and p.loc["3", "source"] == "y"
    assert p.loc["1", "author"] == "ann" and p.loc["1", "thread_id"] == "900"  # filled from x's copy
    assert not p.loc["1", "partial_month"]  # y's copy came from a complete file
    q = m.quarantine
    assert q[["source", "record_id", "reason"]].values.tolist() == [["x", "1", "duplicate"]]
    assert q["detail"].iloc[0] == "kept the copy from y (text 19 vs 10 characters)"
    assert len(m.postings) + len(q) == len(x) + len(y)
    assert m.alone == {"x": 1, "y": 1}


def test_equal_texts_keep_the_earlier_frame():
    x = postings("x", [{"posting_id": "5", "text": "Same  text"}])
    y = postings("y", [{"posting_id": "5", "text": "same TEXT"}])
    m = merge_postings([x, y])
    assert m.postings["text"].tolist() == ["Same  text"]
    assert m.quarantine["detail"].tolist() == ["kept the copy from x (same text)"]
    m2 = merge_postings([y, x])
    assert m2.postings["text"].tolist() == ["same TEXT"] and m2.postings["source"].tolist() == ["x;y"]


def test_partial_only_when_every_copy_is_partial():
    x = postings("x", [{"posting_id": "1", "text": "a", "partial_month": True},
                       {"posting_id": "2", "text": "b", "partial_month": True}])
    y = postings("y", [{"posting_id": "1", "text": "a", "partial_month": True},
                       {"posting_id": "2", "text": "b", "partial_month": False}])
    m = merge_postings([x, y])
    assert m.postings["partial_month"].tolist() == [True, False]


def test_partial_page_month_is_filled_from_the_crawled_json():
    # the saved page holds one posting of the month; the crawl holds three, one of them the same
    page = postings("hn-thread-pages", [{"posting_id": "12628587", "text": "Sumo | Scala", "partial_month": True}])
    crawl = postings("hn-hiring-mapped", [
        {"posting_id": "12628587", "text": "Sumo | Scala", "author": None},
        {"posting_id": "12630001", "text": "Delta | Go"},
        {"posting_id": "12640002", "text": "Echo | Rust"},
    ])
    m = merge_postings([page, crawl])
    month = m.postings[m.postings["month"] == "2016-10"]
    assert month["posting_id"].tolist() == ["12628587", "12630001", "12640002"]
    assert month["source"].tolist() == ["hn-hiring-mapped;hn-thread-pages", "hn-hiring-mapped", "hn-hiring-mapped"]
    assert month["partial_month"].tolist() == [False, False, False]
    assert month["author"].iloc[0] == "user12628587"  # from the page's copy
    assert m.alone == {"hn-hiring-mapped": 2, "hn-thread-pages": 0}


def test_postings_are_sorted_by_month_then_numeric_id_and_valid():
    x = postings("x", [{"posting_id": "100", "text": "a"}, {"posting_id": "9", "text": "b"},
                       {"posting_id": "10", "text": "c"}, {"posting_id": "1", "text": "d", "month": "2016-11"}])
    m = merge_postings([x])
    assert m.postings["posting_id"].tolist() == ["9", "10", "100", "1"]
    POSTINGS.validate(m.postings)
    assert m.quarantine.empty and list(m.quarantine.columns) == ["source", "file", "record_id", "reason", "detail"]


def test_agreement_numbers_by_hand():
    x = postings("x", [{"posting_id": "1", "text": "Acme  SWE"}, {"posting_id": "2", "text": "abcd"},
                       {"posting_id": "3", "text": "wxyz"}, {"posting_id": "4", "text": "only x"}])
    y = postings("y", [{"posting_id": "1", "text": "acme swe"}, {"posting_id": "2", "text": "abce"},
                       {"posting_id": "3", "text": "w"}])
    z = postings("z", [{"posting_id": "8", "text": "only z"}])
    ag = merge_postings([x, y, z]).agreement
    rows = {(r.archive_a, r.archive_b): r for r in ag.itertuples(index=False)}
    xy = rows[("x", "y")]
    # 1: identical once normalised (ratio 100); 2: Indel distance 2 over 8 chars -> 75;
    # 3: distance 3 over 5 chars -> 40. Median of 100, 75, 40 = 75.
    assert (xy.n, xy.identical) == (3, 1)
    assert xy.identical_share == pytest.approx(1 / 3)
    assert xy.median_ratio == pytest.approx(75.0)
    assert rows[("x", "z")].n == 0 and pd.isna(rows[("x", "z")].median_ratio)
    assert rows[("y", "z")].n == 0


def test_format_agreement():
    x = postings("x", [{"posting_id": "1", "text": "abcd"}, {"posting_id": "2", "text": "same"}])
    y = postings("y", [{"posting_id": "1", "text": "abce"}, {"posting_id": "2", "text": "same"}])
    m = merge_postings([x, y])
    assert format_agreement(m.agreement, m.alone) == (
        "archives  ids in both  identical text  median similarity\n"
        "x ~ y               2       1 (50.0%)               87.5\n"
        "\n"
        "seen in one archive only: x 0, y 0"
    )


def test_posts_removed_on_hn_are_dropped_from_every_archive():
    page = postings("hn-thread-pages", [{"posting_id": "1", "text": "Acme | SWE"}])
    crawl = postings("hn-hiring-mapped", [{"posting_id": "1", "text": "Acme | SWE"},
                                          {"posting_id": "2", "text": "Spam | earn $$$"}])
    held = quarantine_frame([{"source": "hn-thread-pages", "file": "October2016.html", "record_id": "2",
                              "reason": "dead", "detail": "marked [dead]"},
                             {"source": "hn-thread-pages", "file": "October2016.html", "record_id": "3",
                              "reason": "reply-not-posting", "detail": "reply at depth 1"}])
    m = merge_postings([page, crawl], quarantines=[held])
    assert m.postings["posting_id"].tolist() == ["1"]
    gone = m.quarantine[m.quarantine["reason"] == "dead"]
    assert gone[["source", "record_id"]].values.tolist() == [["hn-hiring-mapped", "2"]]
    assert gone["detail"].iloc[0].startswith("dead in hn-thread-pages (October2016.html)")
    assert len(m.postings) + len(m.quarantine) == 3


def test_inputs_are_not_changed_and_bad_inputs_are_refused():
    x = postings("x", [{"posting_id": "1", "text": "a"}])
    before = x.copy()
    merge_postings([x, x.assign(source="y")])
    pd.testing.assert_frame_equal(x, before)
    with pytest.raises(KeyError, match="lacks postings column"):
        merge_postings([x.drop(columns=["text"])])
    with pytest.raises(ValueError, match="at least one frame"):
        merge_postings([])
    with pytest.raises(ValueError, match=r"posting_id is missing in frame\(s\) \[1\]"):
        merge_postings([x, x.assign(posting_id=pd.array([None], dtype="string"))])


def test_normalise_text():
    assert normalise_text("Ｃafé  |\u00a0SWE\n\nGo") == "café | swe go"
    assert normalise_text(None) == ""


def test_fixture_archives_merge():
    page = add_text(hn_thread_pages.parse_file(FIX / "March2015.html").postings)
    months = hn_hiring_mapped.parse_files(FIX / "hiring_mapped" / "input",
                                          [FIX / "hiring_mapped" / "2015-02.json", FIX / "hiring_mapped" / "2015-03.json"])
    crawl = add_text(hn_hiring_mapped.loaded_from(months).frame)
    m = merge_postings([page, crawl])
    p = m.postings.set_index("posting_id")
    assert p.loc["5100011", "source"] == "hn-hiring-mapped;hn-thread-pages"
    assert p.loc["5100011", "company"] == "Quillfeather Robotics"
    assert p.loc["5100011", "partial_month"]  # both files cover March partly
    ag = m.agreement.iloc[0]
    assert (ag["n"], ag["identical"], ag["median_ratio"]) == (1, 1, 100.0)
    assert m.alone == {"hn-hiring-mapped": 3, "hn-thread-pages": 1}


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    from trendlab.sources import hn_jobs_data

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    loaded = [mod.load(progress=False) for mod in (hn_thread_pages, hn_hiring_mapped, hn_jobs_data)]
    m = merge_postings([add_text(ld.frame) for ld in loaded], quarantines=[ld.quarantine for ld in loaded])
    p = m.postings
    assert len(p) + len(m.quarantine) == sum(len(ld.frame) for ld in loaded)
    assert p["posting_id"].is_unique and p["month"].nunique() == 78 + 5
    # the partial 2016-10 page is filled by the crawl of the same thread
    oct16 = p[p["month"] == "2016-10"]
    assert len(oct16) > 600 and oct16["source"].str.contains("hn-hiring-mapped").mean() > 0.99
    ag = m.agreement.set_index(["archive_a", "archive_b"])
    assert ag.loc[("hn-hiring-mapped", "hn-thread-pages"), "identical_share"] > 0.99
    assert ag.loc[("hn-hiring-mapped", "hn-jobs-data"), "n"] == 0
    assert sum(m.alone.values()) == (~p["source"].str.contains(";")).sum()
    assert p["company"].notna().mean() > 0.7
