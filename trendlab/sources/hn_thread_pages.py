"""Hacker News "Ask HN: Who is hiring?" thread pages, saved from a browser (2012-01 .. 2018-06).

One HTML file per month (``server/stories/<MonthName><YYYY>.html``): the HN item page of the
month's thread as a browser saved it. Comments are ``tr.athing.comtr`` rows; nesting is the
width of the indent cell (``td.ind``), so a posting is a comment with indent 0 and every
deeper comment is a reply.

What the reader handles, and how:

- browser-injected scripts before the page: ignored (only comment rows are read);
- the thread id: the ``saved from url=`` comment a browser writes at the top, else the
  story row's id (two pages were saved without that comment); the two must agree;
- the month: the thread title ``(Month YYYY)``; never a comment's date;
- ``[deleted]``, ``[dead]`` and ``[flagged]`` comments: quarantined with that reason;
- a page that covers only part of its thread, judged from the page itself (see
  :func:`page_partial_reasons`): a "More" link (only the first page of comments was saved),
  no page footer (saved before it finished loading), fewer comment rows than the thread
  announces, or a thread younger than :data:`SNAPSHOT_MIN_DAYS` days when saved;
- the last comment of a page saved mid-load (no body, or no reply block): quarantined as
  ``unparsable`` because its text is cut off.

Comment dates are not timestamps (``on Jan 1, 2014``, ``22 days ago``), so ``posted_at`` is
always NaT here.

Examples
--------
>>> from trendlab.sources import hn_thread_pages
>>> got = hn_thread_pages.load()  # doctest: +SKIP
>>> got.frame.columns.tolist()  # doctest: +SKIP
['source', 'posting_id', 'thread_id', 'month', 'posted_at', 'author', 'html', 'url', 'partial_month']
>>> hn_thread_pages.partial_months()[["month", "reason"]]  # doctest: +SKIP
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree
from tqdm.std import tqdm

from trendlab.fetch import fetch
from trendlab.registry import source
from trendlab.sources import Loaded, empty_quarantine, quarantine_frame

SOURCE = "hn-thread-pages"
TITLE = 'Hacker News "Ask HN: Who is hiring?" thread pages, saved from a browser'
LICENSE = "Code MIT (demircancelebi/whoishiring); posts are HN users' text (HN terms of use)"
CITATION = (
    "Celebi, D. whoishiring: Hacker News 'Who is hiring?' threads, saved pages "
    "2012-01..2018-06. https://github.com/demircancelebi/whoishiring"
)
DESCR = """\
Hacker News item pages of the monthly "Ask HN: Who is hiring?" threads, January 2012 to
June 2018 (78 months), as saved from a web browser. Each top-level comment is one job posting
(a company's openings, usually led by a line "Company | Role | Location | REMOTE ...");
replies are questions and answers, not postings. About 43,000 top-level comments.

Caveats: some pages carry browser-extension scripts before the HTML; 2016-10 was saved an
hour after the thread opened and 2018-06 holds only the first page of comments; 2014-02 and
2014-05 were saved before they finished loading (their last comment is cut off). Comment
dates are day-precision ("on Jan 1, 2014") or relative ("22 days ago"): there is no
timestamp. The month is the thread's month.
"""

RAW_COLUMNS = [
    "source",
    "posting_id",
    "thread_id",
    "month",
    "posted_at",
    "author",
    "html",
    "url",
    "partial_month",
]
ITEM_URL = "https://news.ycombinator.com/item?id={}"

#: A snapshot taken less than this many days after its thread opened misses postings:
#: on complete pages of this archive about 4% of postings arrive after day 7 and 10-15%
#: after day 3.
SNAPSHOT_MIN_DAYS = 7.0
#: A page holding fewer comment rows than the thread announces, by more than this share,
#: misses comments (a few rows of slack: deleted comments are counted differently).
COMMENT_SHORTFALL = 0.02

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_SAVED_FROM = re.compile(rb"saved from url=\(\d+\)\s*https?://news\.ycombinator\.com/item\?id=(\d+)")
_TITLE_MONTH = re.compile(r"\(\s*([A-Za-z]+)\.?\s+(\d{4})\s*\)")
_FILE_MONTH = re.compile(r"([A-Za-z]+)(\d{4})$")
_AGE = re.compile(r"(\d+)\s+(minute|hour|day|month|year)s?\s+ago")
_AGE_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "month": 30.0, "year": 365.0}
_TAG = re.compile(r"<[^>]*>")
_TEXT_SPAN = re.compile(r"^(c[0-9a-f]{2}|commtext)\b")
_PLACEHOLDERS = {"[deleted]": "deleted", "[flagged]": "flagged", "[dead]": "dead"}
# the saved pages are UTF-8 without a charset declaration (libxml2 would assume Latin-1)
_MORE_LINK = etree.XPath("boolean(//a[contains(concat(' ', @class, ' '), ' morelink ')])")
_FOOTER = etree.XPath("boolean(//span[contains(concat(' ', @class, ' '), ' yclinks ')])")
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True)


def _text(el: etree._Element) -> str:
    return "".join(el.itertext())


def html_is_blank(html: str | None) -> bool:
    """True when an HTML fragment shows no text at all (only tags, entities for spaces).

    Examples
    --------
    >>> html_is_blank('<font color="#5a5a5a"></font>&nbsp;'), html_is_blank("<p>hi")
    (True, False)
    """
    if html is None:
        return True
    return not htmllib.unescape(_TAG.sub("", html)).strip()


def month_of_title(title: str) -> str | None:
    """``YYYY-MM`` from a thread title such as ``Ask HN: Who is hiring? (March 2015)``.

    Examples
    --------
    >>> month_of_title("Ask HN: Who is Hiring? (Sept 2015) | Hacker News")
    '2015-09'
    """
    m = _TITLE_MONTH.search(title or "")
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    return f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).lower()]:02d}"


def age_in_days(text: str) -> float | None:
    """Days in an HN relative age (``4 days ago``); None for an absolute date (``on Jan 1, 2014``).

    Examples
    --------
    >>> age_in_days("1 hour ago"), age_in_days("on Jan 1, 2014")
    (0.041666666666666664, None)
    """
    m = _AGE.search(text or "")
    if not m:
        return None
    return int(m.group(1)) * _AGE_DAYS[m.group(2)]


@dataclass(frozen=True)
class ThreadPage:
    """One parsed page: its postings, the comment rows set aside, and how much it covers."""

    file: str
    thread_id: str
    month: str
    postings: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int
    comments_announced: int | None
    saved_age_days: float | None
    partial_reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def partial(self) -> bool:
        return bool(self.partial_reasons)


def page_partial_reasons(
    *,
    comment_rows: int,
    comments_announced: int | None,
    has_more_link: bool,
    has_footer: bool,
    saved_age_days: float | None,
) -> tuple[str, ...]:
    """Why a saved page covers only part of its thread (empty when it looks complete).

    Examples
    --------
    >>> page_partial_reasons(comment_rows=149, comments_announced=149, has_more_link=False,
    ...                      has_footer=True, saved_age_days=1 / 24)
    ('saved 1 hour after the thread opened (postings keep arriving for weeks)',)
    """
    reasons = []
    if has_more_link:
        reasons.append("only the first page of comments (the page links to more)")
    if not has_footer:
        reasons.append("saved before the page finished loading (no page footer)")
    if comments_announced and comment_rows < comments_announced * (1 - COMMENT_SHORTFALL):
        reasons.append(f"holds {comment_rows} of the {comments_announced} comments the thread announces")
    if saved_age_days is not None and saved_age_days < SNAPSHOT_MIN_DAYS:
        reasons.append(
            f"saved {format_days(saved_age_days)} after the thread opened "
            "(postings keep arriving for weeks)"
        )
    return tuple(reasons)


def format_days(days: float) -> str:
    """A duration for people: ``1 hour``, ``4.2 days``.

    Examples
    --------
    >>> format_days(1 / 24), format_days(4.25)
    ('1 hour', '4.2 days')
    """
    if days < 1:
        hours = round(days * 24)
        return f"{hours} hour" + ("" if hours == 1 else "s")
    return f"{days:.1f} days"


def _has_class(el: etree._Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _inner_html(span: etree._Element) -> str:
    """The comment's own HTML: the text span's content without HN's reply block."""
    parts = [htmllib.escape(span.text or "", quote=False)]
    for child in span:
        if child.tag == "div" and _has_class(child, "reply"):
            parts.append(htmllib.escape(child.tail or "", quote=False))
            continue
        # browsers leave an empty <span> before the reply block: markup, not content
        if child.tag == "span" and not child.attrib and len(child) == 0 and not (child.text or "").strip():
            parts.append(htmllib.escape(child.tail or "", quote=False))
            continue
        parts.append(etree.tostring(child, method="html", encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def _indent(row: etree._Element) -> int | None:
    for td in row.iter("td"):
        if _has_class(td, "ind"):
            if td.get("indent") is not None:  # later HN markup states the depth directly
                return int(td.get("indent"))
            img = td.find("img")
            width = img.get("width") if img is not None else None
            return int(width) // 40 if width and width.isdigit() else None
    return None


def _comment_parts(row: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    head = body = None
    for el in row.iter("span", "div"):
        if head is None and el.tag == "span" and _has_class(el, "comhead"):
            head = el
        elif body is None and el.tag == "div" and _has_class(el, "comment"):
            body = el
    return head, body


def _month_of_file(name: str) -> str | None:
    m = _FILE_MONTH.search(Path(name).stem)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    return f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).lower()]:02d}"


def parse_file(path: str | Path, *, label: str | None = None) -> ThreadPage:
    """Parse one saved thread page.

    Parameters
    ----------
    path : str or Path
        The saved HTML file.
    label : str, optional
        How the file is named in the quarantine and in errors; defaults to its file name.

    Returns
    -------
    ThreadPage
        ``postings`` (the raw-postings columns), ``quarantine`` (one row per comment row not
        kept, with its reason), ``rows_in`` (comment rows read) and the page's coverage.

    Raises
    ------
    ValueError
        The file is not an HN thread page: no story row, no month in its title, or a thread
        id that disagrees with the ``saved from url`` comment.

    Examples
    --------
    >>> page = parse_file("tests/fixtures/hn/March2015.html")  # doctest: +SKIP
    >>> page.month, page.thread_id, len(page.postings)  # doctest: +SKIP
    ('2015-03', '9127232', 1)
    """
    path = Path(path)
    label = label or path.name
    raw = path.read_bytes()
    saved_from = _SAVED_FROM.search(raw[:4096])
    # plain etree elements: lxml.html's element classes cost a lookup per node
    doc = etree.fromstring(raw, _PARSER)
    if doc is None:
        raise ValueError(f"{label}: empty file; expected an HN thread page")

    story = None
    comment_rows = []
    for tr in doc.iter("tr"):
        classes = (tr.get("class") or "").split()
        if "athing" not in classes:
            continue
        if "comtr" in classes:
            comment_rows.append(tr)
        elif story is None:
            story = tr
    if story is None or not story.get("id"):
        raise ValueError(f"{label}: no story row (tr.athing with an id); not an HN item page")
    thread_id = story.get("id")
    if saved_from and saved_from.group(1).decode() != thread_id:
        raise ValueError(
            f"{label}: the 'saved from url' comment names item {saved_from.group(1).decode()} "
            f"but the page's story row is item {thread_id}"
        )

    title_el = doc.find(".//title")
    title = _text(title_el) if title_el is not None else ""
    month = month_of_title(title) or _month_of_file(label)
    if month is None:
        raise ValueError(
            f"{label}: no month in the page title {title.strip()!r} nor in the file name "
            "(expected '(Month YYYY)' or '<MonthName><YYYY>.html')"
        )

    announced = saved_age = None
    for td in doc.iter("td"):
        if _has_class(td, "subtext"):
            for a in td.iter("a"):
                m = re.match(r"(\d+)\s*comments?", _text(a).replace("\xa0", " "))
                if m:
                    announced = int(m.group(1))
            for sp in td.iter("span"):
                if _has_class(sp, "age"):
                    saved_age = age_in_days(_text(sp))
            break
    has_more = bool(_MORE_LINK(doc))
    has_footer = bool(_FOOTER(doc))
    reasons = page_partial_reasons(
        comment_rows=len(comment_rows),
        comments_announced=announced,
        has_more_link=has_more,
        has_footer=has_footer,
        saved_age_days=saved_age,
    )

    kept: list[dict] = []
    held: list[dict] = []
    seen: set[str] = set()

    def hold(cid: str | None, reason: str, detail: str) -> None:
        held.append({"source": SOURCE, "file": label, "record_id": cid, "reason": reason, "detail": detail})

    for i, row in enumerate(comment_rows):
        cid = row.get("id")
        head, body = _comment_parts(row)
        last_of_unfinished = not has_footer and i == len(comment_rows) - 1
        cut_off = last_of_unfinished and (body is None or not any(
            _has_class(d, "reply") for d in body.iter("div")
        ))
        depth = _indent(row)
        if not cid or not cid.isdigit():
            hold(cid, "unparsable", f"comment row #{i + 1} has no numeric id")
            continue
        if depth is not None and depth > 0:
            hold(cid, "reply-not-posting", f"reply at depth {depth}")
            continue
        if cut_off:
            hold(cid, "unparsable", "cut off: the page was saved before it finished loading")
            continue
        if depth is None:
            hold(cid, "unparsable", "no indent cell (td.ind) to tell a posting from a reply")
            continue
        if body is None:
            hold(cid, "unparsable", "comment row has no comment body (div.comment)")
            continue
        head_text = _text(head) if head is not None else ""
        span = next(
            (c for c in body if c.tag == "span" and _TEXT_SPAN.match(c.get("class") or "")), None
        )
        placeholder = _text(body).strip() if span is None else ""
        if placeholder in _PLACEHOLDERS:
            hold(cid, _PLACEHOLDERS[placeholder], f"shown as {placeholder}")
            continue
        if "[flagged]" in head_text:
            hold(cid, "flagged", "marked [flagged]" + (" [dead]" if "[dead]" in head_text else ""))
            continue
        if "[dead]" in head_text:
            hold(cid, "dead", "marked [dead]")
            continue
        html = _inner_html(span) if span is not None else ""
        if html_is_blank(html):
            hold(cid, "empty", "comment has no text")
            continue
        if cid in seen:
            hold(cid, "duplicate", "comment id appears twice on the page")
            continue
        seen.add(cid)
        user = next((a for a in head.iter("a") if _has_class(a, "hnuser")), None) if head is not None else None
        kept.append(
            {
                "posting_id": cid,
                "author": _text(user).strip() if user is not None else None,
                "html": html,
            }
        )

    for row in kept:
        row.update(thread_id=thread_id, month=month, partial_month=bool(reasons))
    frame = raw_frame(kept, source_name=SOURCE)
    return ThreadPage(
        file=label,
        thread_id=thread_id,
        month=month,
        postings=frame,
        quarantine=quarantine_frame(held),
        rows_in=len(comment_rows),
        comments_announced=announced,
        saved_age_days=saved_age,
        partial_reasons=reasons,
    )


def raw_frame(rows: list[dict], *, source_name: str) -> pd.DataFrame:
    """Build a raw-postings frame from dicts with ``posting_id, thread_id, month, author,
    html, partial_month`` and, optionally, ``posted_at`` (unix seconds).

    Examples
    --------
    >>> raw_frame([{"posting_id": "7", "thread_id": "1", "month": "2015-03", "author": "ann",
    ...             "html": "Acme | SWE", "partial_month": False}], source_name="x")["url"][0]
    'https://news.ycombinator.com/item?id=7'
    """
    ids = [r["posting_id"] for r in rows]
    stamps = pd.to_datetime(
        pd.Series([r.get("posted_at") for r in rows], dtype="float64"), unit="s", utc=True
    ).astype("datetime64[ns, UTC]")
    return pd.DataFrame(
        {
            "source": pd.array([source_name] * len(rows), dtype="string"),
            "posting_id": pd.array(ids, dtype="string"),
            "thread_id": pd.array([r["thread_id"] for r in rows], dtype="string"),
            "month": pd.array([r["month"] for r in rows], dtype="string"),
            "posted_at": stamps,
            "author": pd.array([r["author"] for r in rows], dtype="string"),
            "html": pd.array([r["html"] for r in rows], dtype="string"),
            "url": pd.array([ITEM_URL.format(i) for i in ids], dtype="string"),
            "partial_month": pd.array([bool(r["partial_month"]) for r in rows], dtype="boolean"),
        },
        columns=RAW_COLUMNS,
    )


def sort_raw(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort raw postings by month, then numerically by posting id (ids are digit strings)."""
    return frame.sort_values(
        ["month", "posting_id"], key=lambda s: s.str.zfill(20) if s.name == "posting_id" else s
    ).reset_index(drop=True)


def empty_raw(source_name: str = SOURCE) -> pd.DataFrame:
    """An empty raw-postings frame with the right columns and dtypes."""
    return raw_frame([], source_name=source_name)


def _paths(progress: bool | None) -> list[Path]:
    # the source also registers the repository's LICENSE; pages are the .html files
    files = [f for f in source(SOURCE).files if f.name.endswith(".html")]
    bar = tqdm(files, desc=SOURCE, unit="file", disable=(not progress) if progress is not None else None)
    return [fetch(f, progress=progress) for f in bar]


def parse_files(paths: Iterable[str | Path], *, progress: bool | None = None) -> list[ThreadPage]:
    """Parse several pages; two pages of the same month or thread are an error."""
    pages = []
    paths = list(paths)
    bar = tqdm(paths, desc=f"{SOURCE} parse", unit="file", disable=(not progress) if progress is not None else None)
    for p in bar:
        pages.append(parse_file(p))
    for key in ("month", "thread_id"):
        seen: dict[str, str] = {}
        for pg in pages:
            value = getattr(pg, key)
            if value in seen:
                raise ValueError(f"{pg.file} and {seen[value]} are both pages of {key} {value}")
            seen[value] = pg.file
    return pages


def loaded_from(pages: list[ThreadPage]) -> Loaded:
    """Combine parsed pages into one :class:`Loaded`, sorted by month then posting id."""
    frames = [p.postings for p in pages if len(p.postings)]
    frame = pd.concat(frames, ignore_index=True) if frames else empty_raw()
    frame = sort_raw(frame)
    held = [p.quarantine for p in pages if len(p.quarantine)]
    quarantine = pd.concat(held, ignore_index=True) if held else empty_quarantine()
    return Loaded(frame=frame, quarantine=quarantine, rows_in=sum(p.rows_in for p in pages))


def coverage_of(pages: list[ThreadPage]) -> pd.DataFrame:
    """One row per page: month, thread, rows read, postings kept, and why it is partial."""
    rows = [
        {
            "source": SOURCE,
            "month": p.month,
            "thread_id": p.thread_id,
            "file": p.file,
            "rows_in": p.rows_in,
            "postings": len(p.postings),
            "comments_announced": p.comments_announced,
            "partial_month": p.partial,
            "reason": "; ".join(p.partial_reasons) or None,
        }
        for p in pages
    ]
    out = pd.DataFrame(rows, columns=["source", "month", "thread_id", "file", "rows_in", "postings",
                                      "comments_announced", "partial_month", "reason"])
    out = out.astype({"source": "string", "month": "string", "thread_id": "string", "file": "string",
                      "rows_in": "Int64", "postings": "Int64", "comments_announced": "Int64",
                      "partial_month": "boolean", "reason": "string"})
    return out.sort_values("month").reset_index(drop=True)


def load_with_coverage(*, progress: bool | None = None) -> tuple[Loaded, pd.DataFrame]:
    """Parse every registered page once: the raw postings and the per-month coverage."""
    pages = parse_files(_paths(progress), progress=progress)
    return loaded_from(pages), coverage_of(pages)


def load(*, progress: bool | None = None) -> Loaded:
    """Read every registered thread page into raw postings.

    Examples
    --------
    >>> got = load()  # doctest: +SKIP
    >>> got.rows_in == len(got.frame) + len(got.quarantine)  # doctest: +SKIP
    True
    """
    return loaded_from(parse_files(_paths(progress), progress=progress))


def coverage(*, progress: bool | None = None) -> pd.DataFrame:
    """Per month: the page read, postings kept, and whether (and why) the page is partial."""
    return coverage_of(parse_files(_paths(progress), progress=progress))


def partial_months(*, progress: bool | None = None) -> pd.DataFrame:
    """The months whose page covers only part of the thread, with the reason found on the page.

    Examples
    --------
    >>> partial_months()["month"].tolist()  # doctest: +SKIP
    ['2014-02', '2014-05', '2016-10', '2018-06']
    """
    cov = coverage(progress=progress)
    return cov[cov["partial_month"]].reset_index(drop=True)
