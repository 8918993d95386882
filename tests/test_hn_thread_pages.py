"""Saved HN thread pages: postings vs replies, removed comments, partial pages, the real mirror."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trendlab import registry
from trendlab.sources import hn_thread_pages as pages

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "hn"
HOST = "fixtures.invalid"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make fixture files the registered files of a source, reachable through a local mirror."""
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))

    def serve(source: str, names: list[str]) -> None:
        entries = []
        for n in names:
            data = (FIX / n).read_bytes()
            e = registry.FileEntry(source, f"https://{HOST}/{source}/stories/{n}", hashlib.sha256(data).hexdigest(), len(data))
            dest = mirror / e.cache_key
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FIX / n, dest)
            entries.append(e)
        srcs = dict(registry.sources())
        srcs[source] = registry.Source(**{**srcs[source].__dict__, "files": tuple(entries)})
        monkeypatch.setattr(registry, "sources", lambda: srcs)

    return serve


def _variant(tmp_path: Path, name: str, *replacements: tuple[str, str], as_name: str | None = None) -> Path:
    text = (FIX / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    out = tmp_path / (as_name or name)
    out.write_text(text, encoding="utf-8")
    return out


MORE_LINK = '<a href="https://news.ycombinator.com/item?id=5100000&amp;p=2" class="morelink" rel="nofollow">More</a>'


# --------------------------------------------------------------------------- one page


def test_saved_page_postings_replies_and_removed_comments():
    page = pages.parse_file(FIX / "March2015.html")
    assert (page.month, page.thread_id, page.rows_in, page.comments_announced) == ("2015-03", "5100000", 8, 8)
    f = page.postings
    assert list(f.columns) == pages.RAW_COLUMNS
    assert f["posting_id"].tolist() == ["5100011", "5100031"]
    assert f["author"].tolist() == ["ada_k", "ohm_labs"]
    assert f["url"].tolist() == [
        "https://news.ycombinator.com/item?id=5100011",
        "https://news.ycombinator.com/item?id=5100031",
    ]
    assert (f["thread_id"] == "5100000").all() and (f["month"] == "2015-03").all()
    assert f["posted_at"].isna().all() and str(f["posted_at"].dtype) == "datetime64[ns, UTC]"
    # the page links to a second page of comments: every row of it is partial
    assert f["partial_month"].tolist() == [True, True]
    assert page.partial_reasons == ("only the first page of comments (the page links to more)",)

    q = page.quarantine
    assert len(f) + len(q) == page.rows_in
    assert dict(zip(q["record_id"], q["reason"], strict=True)) == {
        "5100012": "reply-not-posting",
        "5100013": "reply-not-posting",
        "5100021": "dead",
        "5100022": "deleted",
        "5100023": "flagged",
        "5100032": "empty",
    }
    assert (q["file"] == "March2015.html").all() and (q["source"] == "hn-thread-pages").all()


def test_posting_html_is_the_body_without_hn_chrome():
    f = pages.parse_file(FIX / "March2015.html").postings
    first, second = f["html"].tolist()
    assert first.startswith("Quillfeather Robotics | Backend Engineer | Boston, MA | ONSITE<p>We build")
    assert "&amp; the software" in first  # markup is kept as HTML, entities included
    assert 'href="https://jobs.quillfeather.example/openings/backend-engineer-boston"' in first
    assert "reply" not in first and "comhead" not in first and "ada_k" not in first
    # a down-voted (grey, class c5a) comment is still a posting; <pre> survives
    assert second.startswith("Ohm Labs - Berlin") and "<pre><code>  - Python &amp; Rust\n" in second


def test_injected_script_rows_are_not_read():
    page = pages.parse_file(FIX / "March2015.html")
    ids = set(page.postings["posting_id"]) | set(page.quarantine["record_id"])
    assert "999" not in ids  # the fake row inside the extension's script string


def test_page_saved_mid_load_quarantines_the_cut_comment_and_is_partial():
    page = pages.parse_file(FIX / "May2014.html")
    # no "saved from url" comment: the thread id comes from the story row
    assert (page.month, page.thread_id, page.rows_in) == ("2014-05", "4400000", 2)
    assert page.postings["posting_id"].tolist() == ["4400011"]
    assert page.postings["html"].iloc[0].startswith("Toronto, ON - Brackenfield Analytics")
    q = page.quarantine
    assert q["record_id"].tolist() == ["4400012"] and q["reason"].tolist() == ["unparsable"]
    assert "cut off" in q["detail"].iloc[0]
    assert page.partial_reasons == (
        "saved before the page finished loading (no page footer)",
        "holds 2 of the 3 comments the thread announces",
    )


def test_complete_page_is_not_partial(tmp_path):
    p = _variant(tmp_path, "March2015.html", (MORE_LINK, ""))
    page = pages.parse_file(p)
    assert page.partial_reasons == () and not page.partial
    assert page.postings["partial_month"].tolist() == [False, False]


def test_page_saved_soon_after_the_thread_opened_is_partial(tmp_path):
    story_age = '<a href="https://news.ycombinator.com/item?id=5100000">on Mar 2, 2015</a>'
    p = _variant(tmp_path, "March2015.html", (MORE_LINK, ""),
                 (story_age, '<a href="https://news.ycombinator.com/item?id=5100000">3 hours ago</a>'))
    page = pages.parse_file(p)
    assert page.saved_age_days == pytest.approx(3 / 24)
    assert page.partial_reasons == ("saved 3 hours after the thread opened (postings keep arriving for weeks)",)


def test_page_with_fewer_rows_than_announced_is_partial(tmp_path):
    p = _variant(tmp_path, "March2015.html", (MORE_LINK, ""), ("8&nbsp;comments", "80&nbsp;comments"))
    assert pages.parse_file(p).partial_reasons == ("holds 8 of the 80 comments the thread announces",)


def test_thread_id_disagreeing_with_saved_from_url_is_an_error(tmp_path):
    p = _variant(tmp_path, "March2015.html", ("url=(0044)https://news.ycombinator.com/item?id=5100000",
                                              "url=(0044)https://news.ycombinator.com/item?id=5199999"))
    with pytest.raises(ValueError, match=r"March2015.html: .*5199999.*5100000"):
        pages.parse_file(p)


def test_month_falls_back_to_file_name_and_errors_without_one(tmp_path):
    p = _variant(tmp_path, "March2015.html", ("(March 2015) | Hacker News", "| Hacker News"),
                 ("Who is hiring? (March 2015)</a>", "Who is hiring?</a>"))
    assert pages.parse_file(p).month == "2015-03"
    q = _variant(tmp_path, "March2015.html", ("(March 2015) | Hacker News", "| Hacker News"),
                 ("Who is hiring? (March 2015)</a>", "Who is hiring?</a>"), as_name="page.html")
    with pytest.raises(ValueError, match=r"page.html: no month"):
        pages.parse_file(q)


def test_not_a_thread_page_is_an_error(tmp_path):
    p = tmp_path / "x.html"
    p.write_text("<html><body><p>hello</p></body></html>")
    with pytest.raises(ValueError, match=r"x.html: no story row"):
        pages.parse_file(p)


def test_two_pages_of_one_month_are_an_error(tmp_path):
    other = _variant(tmp_path, "March2015.html", ("id=5100000 -->", "id=5100001 -->"),
                     ("<tr class=\"athing\" id=\"5100000\">", "<tr class=\"athing\" id=\"5100001\">"),
                     as_name="March2015b.html")
    with pytest.raises(ValueError, match="both pages of month 2015-03"):
        pages.parse_files([FIX / "March2015.html", other])


@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("Ask HN: Who is Hiring? (January 2012)", "2012-01"),
        ("Ask HN: Who is hiring? (Sept 2015) | Hacker News", "2015-09"),
        ("Ask HN: Who is hiring? (December 2012)  | Hacker News", "2012-12"),
        ("Ask HN: Who is hiring?", None),
        ("Ask HN: Who is hiring? (Smarch 2015)", None),
    ],
)
def test_month_of_title(title, month):
    assert pages.month_of_title(title) == month


def test_age_in_days():
    assert pages.age_in_days("22 days ago") == 22
    assert pages.age_in_days("1 hour ago") == pytest.approx(1 / 24)
    assert pages.age_in_days("9 months ago") == 270
    assert pages.age_in_days("on Jan 1, 2014") is None


# --------------------------------------------------------------------------- through the registry


def test_load_reads_every_registered_page(served):
    served("hn-thread-pages", ["May2014.html", "March2015.html", "LICENSE"])
    got = pages.load(progress=False)
    assert got.rows_in == 10 and len(got.frame) == 3 and len(got.quarantine) == 7
    assert got.frame["posting_id"].tolist() == ["4400011", "5100011", "5100031"]  # by month, then id
    assert got.quarantine["reason"].value_counts().to_dict() == {
        "reply-not-posting": 2, "dead": 1, "deleted": 1, "flagged": 1, "empty": 1, "unparsable": 1,
    }
    part = pages.partial_months(progress=False)
    assert part["month"].tolist() == ["2014-05", "2015-03"]
    assert part["reason"].iloc[0].startswith("saved before the page finished loading")
    cov = pages.coverage(progress=False)
    assert cov[["month", "rows_in", "postings"]].values.tolist() == [["2014-05", 2, 1], ["2015-03", 8, 2]]


# --------------------------------------------------------------------------- real mirror


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    got = pages.load(progress=False)
    f = got.frame
    assert f["month"].nunique() == 78 and f["month"].min() == "2012-01" and f["month"].max() == "2018-06"
    assert f["posting_id"].is_unique
    assert f.groupby("month")["thread_id"].nunique().eq(1).all()
    assert f["thread_id"].nunique() == 78
    assert f["html"].str.len().gt(0).all() and f["posted_at"].isna().all()
    assert 35_000 < len(f) < 45_000
    reasons = set(got.quarantine["reason"])
    assert {"reply-not-posting", "dead", "flagged", "deleted"} <= reasons
    # the saved pages are UTF-8 without a declaration: no Latin-1 mojibake
    assert not f["html"].str.contains("Â£", regex=False).any()
    part = pages.partial_months(progress=False)
    assert part["month"].tolist() == ["2014-02", "2014-05", "2016-10", "2018-06"]
    assert f.loc[f["partial_month"], "month"].unique().tolist() == ["2014-02", "2014-05", "2016-10", "2018-06"]
    # the last comment of each page saved mid-load is cut off
    cut = got.quarantine[got.quarantine["detail"].str.startswith("cut off")]
    assert sorted(cut["file"]) == ["February2014.html", "May2014.html"]
    assert isinstance(f["partial_month"].dtype, pd.BooleanDtype)
