"""The live HN route, against hand-written API answers served by a local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trendlab.fetch import DataUnavailableError, DownloadError, HTTPDownloader
from trendlab.sources import hn_api
from trendlab.sources.hn_api import (
    HNAPIError,
    classify_title,
    discover_threads,
    fetch_thread,
    load,
    parse_snapshot,
    search_url,
)

FIX = Path(__file__).parent / "fixtures" / "hn_api"
ALGOLIA = "/algolia/api/v1"
FIREBASE = "/firebase/v0"
FAST = HTTPDownloader(retries=2, backoff=0.01, timeout=5)


def serve(server, *, flaky: bool = True) -> dict:
    """Serve the fixtures at the real API paths; returns the keyword arguments for the loader."""
    for page in range(3):
        server.add(
            search_url(page, base=ALGOLIA, hits_per_page=2),
            (FIX / f"search_page{page}.json").read_bytes(),
        )
    for f in FIX.glob("item_*.json"):
        item_id = f.stem.split("_")[1]
        then = [(503, b"")] if (flaky and item_id == "9100014") else None
        server.add(f"{FIREBASE}/item/{item_id}.json", f.read_bytes(), then=then)
    for f in FIX.glob("tree_*.json"):
        server.add(f"{ALGOLIA}/items/{f.stem.split('_')[1]}", f.read_bytes())
    return {
        "algolia_base": server.url(ALGOLIA),
        "firebase_base": server.url(FIREBASE),
        "downloader": FAST,
        "hits_per_page": 2,
        "progress": False,
    }


def requests_to(server, path: str) -> int:
    return sum(1 for p in server.log if p == path)


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ask HN: Who is hiring? (March 2014)", ("hiring", "2014-03")),
        ("Ask HN: Who is Hiring? (Sept. 2015)", ("hiring", "2015-09")),
        ("Ask HN: Who is hiring? (Febuary 2012)", ("hiring", "2012-02")),
        ("Ask HN: Who is hiring? (December, 2019)", ("hiring", "2019-12")),
        ("Ask HN: Who is hiring?", ("hiring", None)),
        ("Ask HN: Who is hiring? (Midsummer 2014)", ("hiring", None)),
        ("Ask HN: Who wants to be hired? (March 2014)", ("hired", None)),
        ("Ask HN: Freelancer? Seeking freelancer? (March 2014)", ("freelancer", None)),
        ("Ask HN: What are you working on? (March 2014)", ("other", None)),
        (None, ("other", None)),
    ],
)
def test_classify_title(title: str | None, expected: tuple[str, str | None]) -> None:
    assert classify_title(title) == expected


# --------------------------------------------------------------------------- discovery


def test_discovery_pages_through_algolia_and_caches_the_list(http_server) -> None:
    kw = serve(http_server)
    threads = discover_threads(
        algolia_base=kw["algolia_base"], downloader=FAST, hits_per_page=2
    )
    assert [p for p in http_server.log if "search_by_date" in p] == [
        search_url(p, base=ALGOLIA, hits_per_page=2) for p in range(3)
    ]
    assert threads["thread_id"].tolist() == ["9100001", "9100002", "9100003", "9200001", "9200002"]
    assert threads["kind"].tolist() == ["hiring", "hired", "freelancer", "hiring", "hired"]
    assert threads["month"].tolist()[::3] == ["2014-03", "2014-04"]
    assert threads["month"].isna().tolist() == [False, True, True, False, True]
    assert threads["posted_at"].iloc[0] == pd.Timestamp("2014-03-03 15:00", tz="UTC")
    assert (hn_api.cache_dir() / "threads.json").is_file()

    n = len(http_server.log)
    again = discover_threads(algolia_base=kw["algolia_base"], downloader=FAST, hits_per_page=2)
    assert len(http_server.log) == n
    pd.testing.assert_frame_equal(again, threads)


def _hit(story_id: int, t: int, title: str) -> dict:
    return {
        "_tags": ["story", "author_whoishiring", f"story_{story_id}"],
        "author": "whoishiring",
        "created_at_i": t,
        "objectID": str(story_id),
        "title": title,
    }


def test_discovery_continues_below_the_oldest_hit_when_algolia_stops_paging(http_server) -> None:
    # Algolia pages through at most 1,000 hits: here it says 3 hits but serves one page of 2
    first = {"hits": [_hit(3, 300, "Ask HN: Who is hiring? (March 2020)"),
                      _hit(2, 200, "Ask HN: Who is hiring? (February 2020)")],
             "nbHits": 3, "nbPages": 1, "page": 0, "hitsPerPage": 2}  # fmt: skip
    rest = {"hits": [_hit(1, 100, "Ask HN: Who is hiring? (January 2020)")],
            "nbHits": 1, "nbPages": 1, "page": 0, "hitsPerPage": 2}  # fmt: skip
    http_server.add(search_url(0, base=ALGOLIA, hits_per_page=2), json.dumps(first))
    http_server.add(search_url(0, before=200, base=ALGOLIA, hits_per_page=2), json.dumps(rest))
    threads = discover_threads(algolia_base=http_server.url(ALGOLIA), downloader=FAST, hits_per_page=2)
    assert threads["month"].tolist() == ["2020-01", "2020-02", "2020-03"]
    assert len(http_server.log) == 2


# --------------------------------------------------------------------------- load

MARCH_KEPT = ["9100010", "9100011", "9100014"]
APRIL_KEPT = ["9200010", "9200011"]


def test_load_reads_the_top_level_comments_of_hiring_threads(http_server) -> None:
    kw = serve(http_server)
    loaded = load(months=["2014-03", "2014-04"], **kw)
    f, q = loaded.frame, loaded.quarantine

    assert f.columns.tolist() == hn_api.COLUMNS
    assert f["posting_id"].tolist() == MARCH_KEPT + APRIL_KEPT
    assert f["month"].tolist() == ["2014-03"] * 3 + ["2014-04"] * 2
    assert f["thread_id"].tolist() == ["9100001"] * 3 + ["9200001"] * 2
    assert f["author"].tolist() == ["brindle_ops", "kettlepond", "late_indexer", "brindle_ops", "fernhollow"]
    assert f["posted_at"].tolist()[0] == pd.Timestamp("2014-03-03 15:02:10", tz="UTC")
    assert f["posted_at"].tolist()[2] == pd.Timestamp(1393862000, unit="s", tz="UTC")
    tree = json.loads((FIX / "tree_9100001.json").read_text())
    assert f["html"].iloc[0] == tree["children"][0]["text"]  # the HTML as the API gives it
    assert f["html"].iloc[2].startswith("Orchard &amp; Vane |")
    assert f["url"].iloc[1] == "https://news.ycombinator.com/item?id=9100011"
    assert not f["partial_month"].any()
    assert {c: str(t) for c, t in f.dtypes.items()} == {
        "source": "string", "posting_id": "string", "thread_id": "string", "month": "string",
        "posted_at": "datetime64[ns, UTC]", "author": "string", "html": "string", "url": "string",
        "partial_month": "boolean",
    }  # fmt: skip
    assert (f["source"] == "hn-api").all()

    assert dict(zip(q["record_id"], q["reason"], strict=True)) == {
        "9100012": "deleted",
        "9100013": "dead",
        "9100015": "empty",
        "9100020": "reply-not-posting",
        "9100021": "reply-not-posting",
    }
    assert loaded.rows_in == 10 == len(f) + len(q)

    # the thread's kids the tree lacked were asked of Firebase; the tree's own were not
    for kid in ("9100012", "9100013", "9100014"):
        assert requests_to(http_server, f"{FIREBASE}/item/{kid}.json") >= 1
    assert requests_to(http_server, f"{FIREBASE}/item/9100014.json") == 2  # 503, then the item
    for kid in ("9100010", "9100011", "9100015", "9200010", "9200011"):
        assert requests_to(http_server, f"{FIREBASE}/item/{kid}.json") == 0
    # replies are never fetched, and the other threads of the account are never read
    assert not any("9100020" in p or "9100021" in p for p in http_server.log)
    assert not any(t in p for p in http_server.log for t in ("9100002", "9100003", "9200002") if "search" not in p)


def test_second_call_is_served_from_the_cache(http_server) -> None:
    kw = serve(http_server)
    first = load(months=["2014-03"], **kw)
    n = len(http_server.log)
    assert (hn_api.cache_dir() / "threads" / "9100001.json").is_file()
    second = load(months=["2014-03"], **kw)
    assert len(http_server.log) == n  # no request at all
    pd.testing.assert_frame_equal(first.frame, second.frame)
    pd.testing.assert_frame_equal(first.quarantine, second.quarantine)
    # refresh asks again
    load(months=["2014-03"], refresh=True, **kw)
    assert len(http_server.log) > n


def test_all_months_by_default(http_server) -> None:
    loaded = load(**serve(http_server))
    assert loaded.frame["posting_id"].tolist() == MARCH_KEPT + APRIL_KEPT


def test_firebase_only_route_gives_the_same_postings(http_server) -> None:
    kw = serve(http_server, flaky=False)
    via_tree = load(months=["2014-03", "2014-04"], **kw)
    firebase = load(months=["2014-03", "2014-04"], use_tree=False, refresh=True, **kw)
    pd.testing.assert_frame_equal(via_tree.frame, firebase.frame)
    assert not any("/items/" in p for p in http_server.log[-12:])
    # without the tree the replies are not read, so they are not counted
    assert sorted(firebase.quarantine["reason"]) == ["dead", "deleted", "empty"]
    assert firebase.rows_in == 8


def test_a_server_failing_every_time_is_an_error_naming_the_url(http_server) -> None:
    kw = serve(http_server)
    http_server.add(f"{FIREBASE}/item/9100013.json", b"", status=502)
    with pytest.raises(DownloadError, match=r"item/9100013\.json failed: HTTP 502.*after 3 attempts"):
        load(months=["2014-03"], **kw)
    assert not (hn_api.cache_dir() / "threads" / "9100001.json").exists()  # nothing half-cached


def test_an_answer_that_is_not_json_names_the_url(http_server) -> None:
    kw = serve(http_server)
    http_server.add(f"{ALGOLIA}/items/9100001", "<html>rate limited</html>")
    with pytest.raises(HNAPIError, match=r"items/9100001: the answer is not JSON.*<html>"):
        load(months=["2014-03"], **kw)


def test_a_thread_item_that_is_not_a_story_is_refused(http_server) -> None:
    kw = serve(http_server)
    http_server.add(f"{FIREBASE}/item/9100001.json", json.dumps({"id": 9100001, "type": "comment"}))
    with pytest.raises(HNAPIError, match=r"item/9100001\.json: item 9100001 is a 'comment', not a story"):
        fetch_thread(9100001, algolia_base=kw["algolia_base"], firebase_base=kw["firebase_base"], downloader=FAST)


def test_a_month_without_a_thread_is_an_error_after_one_fresh_look(http_server) -> None:
    kw = serve(http_server)
    page0 = search_url(0, base=ALGOLIA, hits_per_page=2)
    with pytest.raises(LookupError, match=r"thread by whoishiring for month\(s\) 2014-05"):
        load(months=["2014-03", "2014-05"], **kw)
    assert requests_to(http_server, page0) == 1  # no cache yet: the list is fresh
    with pytest.raises(LookupError, match="2014-05"):
        load(months=["2014-05"], **kw)
    assert requests_to(http_server, page0) == 2  # the cached list is checked once more
    assert len(load(months=["2014-04"], **kw).frame) == 2
    assert requests_to(http_server, page0) == 2  # a cached month needs no fresh list


def test_months_must_be_year_month(http_server) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        load(months=["March 2014"], **serve(http_server))


def test_offline_without_a_cache_is_an_error(http_server, monkeypatch: pytest.MonkeyPatch) -> None:
    kw = serve(http_server)
    monkeypatch.setenv("TRENDLAB_OFFLINE", "1")
    with pytest.raises(DataUnavailableError, match="TRENDLAB_OFFLINE"):
        load(months=["2014-03"], **kw)
    assert http_server.log == []


# --------------------------------------------------------------------------- parse_snapshot


def _snap(items: list[dict], *, fetched_at: int = 1_500_000_000) -> dict:
    return {"fetched_at": fetched_at, "thread": {"id": 10, "time": 1_400_000_000}, "items": items, "replies": []}


def _comment(i: int, **kw) -> dict:
    return {"id": i, "type": "comment", "by": "someone", "time": 1_400_000_100, "text": "Acme | PM", "parent": 10, **kw}


def test_parse_snapshot_reasons() -> None:
    items = [
        _comment(11),
        _comment(11),  # the same id again
        _comment(12, type="pollopt"),
        _comment(13, parent=11),  # filed at the top level but a reply
        _comment(14, time="yesterday"),
        {"id": 15, "missing": True, "via": "firebase"},  # Firebase answered null
        _comment(16, text="  "),
        {"id": "x17"},
    ]
    seen = {"99"}
    rows, held = parse_snapshot(_snap(items), month="2014-05", seen=seen)
    assert [r["posting_id"] for r in rows] == ["11"]
    assert [(h["record_id"], h["reason"]) for h in held] == [
        ("11", "duplicate"),
        ("12", "not-thread-posting"),
        ("13", "reply-not-posting"),
        ("14", "unparsable"),
        ("15", "unparsable"),
        ("16", "empty"),
        ("x17", "unparsable"),
    ]
    assert seen >= {"11", "12", "99"}
    # an id read in an earlier thread of the same load is a duplicate
    _, held2 = parse_snapshot(_snap([_comment(12)]), month="2014-05", seen=seen)
    assert held2[0]["reason"] == "duplicate"


def test_an_item_answered_with_another_id_is_unparsable(http_server) -> None:
    kw = serve(http_server)
    http_server.add(f"{FIREBASE}/item/9100013.json", json.dumps({"id": 1, "type": "comment", "text": "x"}))
    q = load(months=["2014-03"], **kw).quarantine
    assert q.loc[q["record_id"] == "9100013", ["reason", "detail"]].values.tolist() == [
        ["unparsable", "answered with item 1"]
    ]


def test_a_thread_with_no_postings_gives_an_empty_typed_frame(http_server) -> None:
    kw = serve(http_server)
    story = {"by": "whoishiring", "id": 9100001, "kids": [], "time": 1393858800, "type": "story",
             "title": "Ask HN: Who is hiring? (March 2014)"}  # fmt: skip
    http_server.add(f"{FIREBASE}/item/9100001.json", json.dumps(story))
    http_server.add(f"{ALGOLIA}/items/9100001", json.dumps({"id": 9100001, "children": []}))
    loaded = load(months=["2014-03"], **kw)
    assert loaded.rows_in == 0 and loaded.frame.empty
    assert str(loaded.frame["posted_at"].dtype) == "datetime64[ns, UTC]"
    assert loaded.frame.columns.tolist() == hn_api.COLUMNS


def test_partial_month_when_the_snapshot_is_younger_than_the_settling_time() -> None:
    opened = 1_400_000_000
    young = _snap([_comment(11)], fetched_at=opened + (hn_api.SETTLE_DAYS - 1) * 86400)
    old = _snap([_comment(11)], fetched_at=opened + hn_api.SETTLE_DAYS * 86400)
    assert parse_snapshot(young, month="2014-05")[0][0]["partial_month"] is True
    assert parse_snapshot(old, month="2014-05")[0][0]["partial_month"] is False


def test_cached_months_lists_only_threads_in_the_cache_and_makes_no_request(http_server) -> None:
    assert hn_api.cached_months() == [] and hn_api.cached_files() == []
    kw = serve(http_server)
    load(months=["2014-03"], **kw)
    n = len(http_server.log)
    assert hn_api.cached_months() == ["2014-03"]
    assert [p.name for p in hn_api.cached_files()] == ["9100001.json", "threads.json"]
    # reading the cached months back needs no request: this is what the build does
    again = load(months=hn_api.cached_months(), **kw)
    assert len(http_server.log) == n
    assert again.frame["posting_id"].tolist() == MARCH_KEPT
