"""The live Hacker News route: every "Ask HN: Who is hiring?" thread, from the public APIs.

For users with internet; the analysis itself reads the mirrored archives. Three steps:

1. **Discover threads** (:func:`discover_threads`): the Algolia HN Search API lists the stories
   of the ``whoishiring`` account, newest first,
   ``{ALGOLIA_BASE}/search_by_date?tags=story,author_whoishiring&hitsPerPage=..&page=..``,
   whose answer holds ``hits`` (``objectID``, ``title``, ``author``, ``created_at_i``, ...),
   ``nbHits``, ``page`` and ``nbPages``. Every page is read; when Algolia stops paging before
   ``nbHits`` (it serves at most 1,000 hits per query), the query goes on below the oldest
   story seen (``numericFilters=created_at_i<...``). A title says what a thread is: only
   "Ask HN: Who is hiring? (Month YYYY)" threads are read; "Who wants to be hired?" and
   "Freelancer? Seeking freelancer?" threads are listed with their kind and left alone.
2. **Snapshot a thread** (:func:`fetch_thread`): the official Firebase API gives the thread
   (``{FIREBASE_BASE}/item/<id>.json``) whose ``kids`` are its top-level comments, in ranked
   order, deleted and dead ones included. The Algolia item tree (``{ALGOLIA_BASE}/items/<id>``,
   nested ``children`` with ``author``, ``created_at_i``, ``text``, ``parent_id``) gives the
   text of most of them in one request; a kid the tree lacks (Algolia leaves out deleted
   comments, and its index can lag) or shows without author and text is read from Firebase
   (``/item/<kid>.json``: ``by``, ``time``, ``text``, ``parent``, ``deleted``, ``dead``), so
   every top-level comment is accounted for. Replies are never postings: the tree lists them
   and they are counted as ``reply-not-posting``; without the tree (``use_tree=False``) they
   are not read at all.
3. **Parse** (:func:`parse_snapshot`): one row per top-level comment, or a quarantine row.

Each thread's snapshot is cached as JSON under ``raw_dir() / "news.ycombinator.com-api"``
(``threads.json`` for the thread list, ``threads/<id>.json`` per thread, normalised to the
Firebase item shape), so a second call makes no request; ``refresh=True`` fetches again. A
snapshot taken fewer than :data:`SETTLE_DAYS` days after its thread opened misses the late
comments: its rows carry ``partial_month=True``.

Quarantine reasons: ``deleted`` and ``dead`` (Firebase flags; the API shows a flagged comment
as dead, so ``flagged`` is not told apart here), ``not-thread-posting`` (an item under the thread
that is not a comment), ``reply-not-posting`` (a reply, or a "top-level" item whose parent is
not the thread), ``empty`` (no text), ``unparsable`` (no item behind an id, or no valid time),
``duplicate`` (an id read twice).

Examples
--------
>>> from trendlab.sources import hn_api
>>> loaded = hn_api.load(months=["2014-03"])  # doctest: +SKIP
>>> loaded.frame[["posting_id", "month", "author"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.std import tqdm

from trendlab import config
from trendlab.fetch import DataUnavailableError, Downloader, FetchError, HTTPDownloader
from trendlab.schemas import MONTH_RE
from trendlab.sources import Loaded, quarantine_frame

log = logging.getLogger(__name__)

SOURCE = "hn-api"
TITLE = "Hacker News 'Ask HN: Who is hiring?' threads, live from the Algolia and Firebase APIs"
DESCR = __doc__
LICENSE = (
    "Hacker News content; the APIs are public (github.com/HackerNews/API, hn.algolia.com/api). "
    "Comments remain their authors'."
)
CITATION = "Y Combinator. Hacker News API. https://github.com/HackerNews/API; Algolia. HN Search API. https://hn.algolia.com/api"

ALGOLIA_BASE = "https://hn.algolia.com/api/v1"
FIREBASE_BASE = "https://hacker-news.firebaseio.com/v0"
ACCOUNT = "whoishiring"
CACHE_FOLDER = "news.ycombinator.com-api"
HITS_PER_PAGE = 200
SETTLE_DAYS = 30
WORKERS = 8
SNAPSHOT_FORMAT = 1

COLUMNS = ["source", "posting_id", "thread_id", "month", "posted_at", "author", "html", "url", "partial_month"]

# Thread titles are English whatever the locale; a misspelt month ("Febuary") still matches.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HIRING = re.compile(
    r"^\s*ask\s+hn\s*:\s*who\s+is\s+hiring\s*\?*\s*\(\s*(?P<mon>[a-z]+)\.?,?\s+(?P<year>\d{4})\s*\)",
    re.IGNORECASE,
)
_HIRING_ANY = re.compile(r"^\s*ask\s+hn\s*:\s*who\s+is\s+hiring", re.IGNORECASE)
_HIRED = re.compile(r"who\s+wants\s+to\s+be\s+hired", re.IGNORECASE)
_FREELANCER = re.compile(r"freelancer", re.IGNORECASE)


class HNAPIError(FetchError):
    """An API answer that is not what the API documents (names the URL)."""


# --------------------------------------------------------------------------- titles


def classify_title(title: str | None) -> tuple[str, str | None]:
    """What a ``whoishiring`` story is, and the month its title names.

    Returns
    -------
    (kind, month)
        ``kind`` is ``"hiring"``, ``"hired"`` ("Who wants to be hired?"), ``"freelancer"`` or
        ``"other"``; ``month`` is ``YYYY-MM`` for a hiring thread whose title names a month,
        else None.

    Examples
    --------
    >>> classify_title("Ask HN: Who is hiring? (March 2014)")
    ('hiring', '2014-03')
    >>> classify_title("Ask HN: Who wants to be hired? (March 2014)")
    ('hired', None)
    """
    title = title or ""
    if _HIRED.search(title):
        return "hired", None
    if _FREELANCER.search(title):
        return "freelancer", None
    m = _HIRING.match(title)
    if m:
        mon = m["mon"][:3].lower()
        if mon in _MONTHS:
            return "hiring", f"{m['year']}-{_MONTHS.index(mon) + 1:02d}"
        return "hiring", None
    if _HIRING_ANY.match(title):
        return "hiring", None
    return "other", None


# --------------------------------------------------------------------------- HTTP and cache


def cache_dir() -> Path:
    """Where snapshots live: ``raw_dir() / "news.ycombinator.com-api"``."""
    return config.raw_dir() / CACHE_FOLDER


def get_json(url: str, *, downloader: Downloader | None = None) -> Any:
    """GET a URL and decode its JSON body (retries on 5xx and 429 via the downloader).

    Raises
    ------
    DataUnavailableError
        ``TRENDLAB_OFFLINE`` is set, or the server did not answer (refused, timed out or reset
        on every attempt; the message names the URL).
    DownloadError
        The server refused, or failed on every attempt (the message names the URL).
    HNAPIError
        The body is not JSON.
    """
    if config.offline():
        raise DataUnavailableError(f"GET {url}: TRENDLAB_OFFLINE is set and the answer is not cached")
    buf = io.BytesIO()
    (downloader or HTTPDownloader())(url, buf, lambda got, total: None)
    body = buf.getvalue()
    try:
        return json.loads(body)
    except ValueError as exc:
        raise HNAPIError(f"GET {url}: the answer is not JSON ({exc}); it starts {body[:80]!r}") from exc


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except ValueError as exc:
        raise HNAPIError(f"{path}: cached snapshot is not valid JSON ({exc}); delete it to fetch again") from exc


# --------------------------------------------------------------------------- discovery


def search_url(
    page: int, *, before: int | None = None, base: str = ALGOLIA_BASE, hits_per_page: int = HITS_PER_PAGE
) -> str:
    """The Algolia query for one page of ``whoishiring`` stories, newest first.

    Examples
    --------
    >>> search_url(0, base="http://h")
    'http://h/search_by_date?tags=story,author_whoishiring&hitsPerPage=200&page=0'
    >>> search_url(1, before=1700000000, base="http://h", hits_per_page=2)[-47:]
    'page=1&numericFilters=created_at_i%3C1700000000'
    """
    url = f"{base}/search_by_date?tags=story,author_{ACCOUNT}&hitsPerPage={hits_per_page}&page={page}"
    if before is not None:
        url += f"&numericFilters=created_at_i%3C{before}"
    return url


def _search_page(url: str, downloader: Downloader | None) -> tuple[list[dict], int, int]:
    data = get_json(url, downloader=downloader)
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise HNAPIError(f"GET {url}: expected an object with a 'hits' list, got {type(data).__name__}")
    try:
        return data["hits"], int(data["nbPages"]), int(data.get("nbHits", len(data["hits"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise HNAPIError(f"GET {url}: expected integer 'nbPages' and 'nbHits' ({exc})") from exc


def _search_all(algolia_base: str, downloader: Downloader | None, hits_per_page: int) -> list[dict]:
    found: dict[str, dict] = {}
    before: int | None = None
    while True:
        page, pages, window_hits, total = 0, 1, 0, None
        oldest = None
        while page < pages:
            url = search_url(page, before=before, base=algolia_base, hits_per_page=hits_per_page)
            hits, pages, nb = _search_page(url, downloader)
            total = nb if total is None else total
            for hit in hits:
                try:
                    sid, t = str(int(hit["objectID"])), int(hit["created_at_i"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise HNAPIError(f"GET {url}: hit without an integer objectID/created_at_i: {hit!r:.200}") from exc
                found.setdefault(sid, {k: hit.get(k) for k in ("objectID", "title", "author", "created_at_i")})
                oldest = t if oldest is None else min(oldest, t)
            window_hits += len(hits)
            page += 1
        # Algolia pages through at most 1,000 hits of one query: go on below the oldest seen
        if total is not None and window_hits < total and oldest is not None and oldest != before:
            before = oldest
            continue
        return list(found.values())


def discover_threads(
    *,
    refresh: bool = False,
    algolia_base: str = ALGOLIA_BASE,
    downloader: Downloader | None = None,
    hits_per_page: int = HITS_PER_PAGE,
) -> pd.DataFrame:
    """Every story of the ``whoishiring`` account, with what its title says it is.

    The list is cached in ``cache_dir() / "threads.json"``; ``refresh=True`` asks Algolia again
    (needed to see threads opened since).

    Returns
    -------
    DataFrame
        ``thread_id, title, kind, month, posted_at`` sorted by ``posted_at``; ``kind`` from
        :func:`classify_title`.

    Examples
    --------
    >>> threads = discover_threads()  # doctest: +SKIP
    >>> threads.loc[threads["kind"] == "hiring", "month"].min()  # doctest: +SKIP
    '2011-04'
    """
    path = cache_dir() / "threads.json"
    if path.is_file() and not refresh:
        hits = _read_json(path)["hits"]
    else:
        hits = _search_all(algolia_base, downloader, hits_per_page)
        _write_json(path, {"fetched_at": int(time.time()), "hits": hits})
    rows = []
    for h in hits:
        if h.get("author") not in (None, ACCOUNT):
            continue  # the tag filter already restricts to the account; a stray hit is not ours
        kind, month = classify_title(h.get("title"))
        rows.append(
            {
                "thread_id": str(int(h["objectID"])),
                "title": h.get("title"),
                "kind": kind,
                "month": month,
                "posted_at": pd.Timestamp(int(h["created_at_i"]), unit="s", tz="UTC"),
            }
        )
    out = pd.DataFrame(rows, columns=["thread_id", "title", "kind", "month", "posted_at"])
    out = out.astype({"thread_id": "string", "title": "string", "kind": "string", "month": "string"})
    out["posted_at"] = pd.to_datetime(out["posted_at"], utc=True).astype("datetime64[ns, UTC]")
    return out.sort_values(["posted_at", "thread_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- one thread


def _item_url(base: str, item_id: int | str) -> str:
    return f"{base}/item/{item_id}.json"


def _from_tree(node: dict) -> dict:
    """An Algolia tree node in the Firebase item shape."""
    return {
        "id": node.get("id"),
        "type": node.get("type"),
        "by": node.get("author"),
        "time": node.get("created_at_i"),
        "text": node.get("text"),
        "parent": node.get("parent_id"),
        "via": "algolia",
    }


def _from_firebase(item: Any, item_id: int) -> dict:
    if item is None:  # Firebase answers null for an id with no item
        return {"id": item_id, "missing": True, "via": "firebase"}
    if not isinstance(item, dict):
        return {"id": item_id, "missing": True, "via": "firebase", "note": f"not an object: {item!r:.80}"}
    if item.get("id") != item_id:
        return {"id": item_id, "missing": True, "via": "firebase", "note": f"answered with item {item.get('id')!r}"}
    keep = ("id", "type", "by", "time", "text", "parent", "deleted", "dead")
    return {**{k: item[k] for k in keep if k in item}, "via": "firebase"}


def _replies(node: dict, out: list[list[int]]) -> None:
    for child in node.get("children") or []:
        if isinstance(child, dict) and child.get("id") is not None:
            out.append([child["id"], child.get("parent_id")])
            _replies(child, out)


def thread_cache_path(thread_id: int | str) -> Path:
    return cache_dir() / "threads" / f"{int(thread_id)}.json"


def fetch_thread(
    thread_id: int | str,
    *,
    refresh: bool = False,
    algolia_base: str = ALGOLIA_BASE,
    firebase_base: str = FIREBASE_BASE,
    downloader: Downloader | None = None,
    workers: int = WORKERS,
    use_tree: bool = True,
) -> dict:
    """A snapshot of one thread's top-level comments, from the cache or the APIs.

    Parameters
    ----------
    thread_id : int or str
        The thread's HN item id.
    refresh : bool
        Ignore a cached snapshot.
    use_tree : bool
        Take texts from the Algolia tree (one request) and ask Firebase only for what it lacks;
        when False, ask Firebase for every top-level comment.
    workers : int
        Concurrent Firebase requests.

    Returns
    -------
    dict
        ``{"format", "fetched_at" (unix s), "thread" (the Firebase story), "items" (one per
        top-level id, Firebase item shape plus ``via``), "replies" ([id, parent] pairs)}``.

    Examples
    --------
    >>> snap = fetch_thread(7324236)  # doctest: +SKIP
    >>> len(snap["items"])  # doctest: +SKIP
    """
    tid = int(thread_id)
    path = thread_cache_path(tid)
    if path.is_file() and not refresh:
        snap = _read_json(path)
        if snap.get("format") == SNAPSHOT_FORMAT:
            return snap

    url = _item_url(firebase_base, tid)
    story = get_json(url, downloader=downloader)
    if not isinstance(story, dict) or story.get("id") != tid:
        raise HNAPIError(f"GET {url}: expected the item {tid}, got {story!r:.200}")
    if story.get("type") != "story":
        raise HNAPIError(f"GET {url}: item {tid} is a {story.get('type')!r}, not a story")
    kids = story.get("kids") or []
    if not all(isinstance(k, int) for k in kids):
        raise HNAPIError(f"GET {url}: 'kids' must be a list of integer ids")

    known: dict[int, dict] = {}
    replies: list[list[int]] = []
    if use_tree:
        turl = f"{algolia_base}/items/{tid}"
        tree = get_json(turl, downloader=downloader)
        if not isinstance(tree, dict) or not isinstance(tree.get("children", []), list):
            raise HNAPIError(f"GET {turl}: expected an item with a 'children' list, got {tree!r:.200}")
        for child in tree.get("children") or []:
            if not isinstance(child, dict) or not isinstance(child.get("id"), int):
                raise HNAPIError(f"GET {turl}: a child without an integer 'id': {child!r:.200}")
            known[child["id"]] = _from_tree(child)
            _replies(child, replies)

    # the tree shows a deleted comment (if at all) without author and text: ask Firebase
    order = list(dict.fromkeys([*kids, *sorted(set(known) - set(kids))]))
    ask = [i for i in order if i not in known or (known[i]["by"] is None and not known[i]["text"])]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = pool.map(lambda i: get_json(_item_url(firebase_base, i), downloader=downloader), ask)
        for i, item in zip(ask, answers, strict=True):
            known[i] = _from_firebase(item, i)

    snap = {
        "format": SNAPSHOT_FORMAT,
        "fetched_at": int(time.time()),
        "thread": {k: story.get(k) for k in ("id", "type", "by", "time", "title", "descendants")},
        "items": [known[i] for i in order],
        "replies": replies,
    }
    _write_json(path, snap)
    return snap


# --------------------------------------------------------------------------- parsing


_TAG = re.compile(r"<[^>]*>")


def _visible(html: str | None) -> str:
    """The text a reader would see, roughly: enough to tell an empty comment."""
    return _TAG.sub("", html or "").replace("&nbsp;", " ").strip()


def parse_snapshot(
    snap: dict, *, month: str, seen: set[str] | None = None, file: str | None = None
) -> tuple[list[dict], list[dict]]:
    """Rows and quarantine rows of one thread snapshot (see :func:`fetch_thread`).

    Parameters
    ----------
    snap : dict
        The snapshot.
    month : str
        The thread's month (``YYYY-MM``, from its title).
    seen : set of str, optional
        Ids already read in this load; updated in place (to flag duplicates across threads).
    file : str, optional
        What to call the snapshot in the quarantine frame.

    Examples
    --------
    >>> snap = {"fetched_at": 1700000000, "thread": {"id": 1, "time": 1600000000},
    ...         "items": [{"id": 2, "type": "comment", "by": "ann", "time": 1600000100,
    ...                    "text": "Acme | Engineer", "parent": 1}], "replies": []}
    >>> rows, held = parse_snapshot(snap, month="2020-09")
    >>> rows[0]["posting_id"], rows[0]["partial_month"], held
    ('2', False, [])
    """
    seen = set() if seen is None else seen
    thread = snap["thread"]
    tid = thread["id"]
    partial = (snap["fetched_at"] - int(thread["time"])) < SETTLE_DAYS * 86400
    file = file or f"{CACHE_FOLDER}/threads/{tid}.json"
    rows: list[dict] = []
    held: list[dict] = []

    def hold(rid: object, reason: str, detail: str) -> None:
        held.append({"source": SOURCE, "file": file, "record_id": str(rid), "reason": reason, "detail": detail})

    for item in snap["items"]:
        rid = item.get("id")
        if not isinstance(rid, int):
            hold(rid, "unparsable", f"item without an integer id: {item!r:.120}")
            continue
        sid = str(rid)
        if sid in seen:
            hold(sid, "duplicate", f"id {sid} already read in this load")
            continue
        seen.add(sid)
        if item.get("missing"):
            hold(sid, "unparsable", item.get("note") or "the API has no item with this id (null)")
        elif item.get("deleted"):
            hold(sid, "deleted", "deleted by its author or a moderator")
        elif item.get("dead"):
            hold(sid, "dead", "dead (killed or flagged)")
        elif item.get("type") != "comment":
            hold(sid, "not-thread-posting", f"a {item.get('type')!r}, not a comment")
        elif item.get("parent") != tid:
            hold(sid, "reply-not-posting", f"parent is {item.get('parent')}, not the thread {tid}")
        elif not isinstance(item.get("time"), int):
            hold(sid, "unparsable", f"'time' is {item.get('time')!r}, expected unix seconds")
        elif not _visible(item.get("text")):
            hold(sid, "empty", f"no visible text: {item.get('text')!r:.60}")
        else:
            rows.append(
                {
                    "source": SOURCE,
                    "posting_id": sid,
                    "thread_id": str(tid),
                    "month": month,
                    "posted_at": item["time"],
                    "author": item.get("by"),
                    "html": item["text"],
                    "url": f"https://news.ycombinator.com/item?id={sid}",
                    "partial_month": partial,
                }
            )
    for rid, parent in snap.get("replies", []):
        hold(rid, "reply-not-posting", f"reply to {parent}")
    return rows, held


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    posted = pd.to_datetime(df["posted_at"].astype("Int64"), unit="s", utc=True)
    df = df.astype(
        {c: "string" for c in ("source", "posting_id", "thread_id", "month", "author", "html", "url")}
    )
    df["posted_at"] = posted.astype("datetime64[ns, UTC]")
    df["partial_month"] = df["partial_month"].astype("boolean")
    order = df["posting_id"].astype("int64").rename("_id")
    return (
        df.assign(_id=order)
        .sort_values(["month", "_id"], kind="stable")
        .drop(columns="_id")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------- load


def _check_months(months: Iterable[str]) -> list[str]:
    out = list(months)
    bad = [m for m in out if not isinstance(m, str) or not re.match(MONTH_RE, m)]
    if bad:
        raise ValueError(f"months must be 'YYYY-MM' strings; got {bad!r}")
    return out


def cached_months() -> list[str]:
    """Months of the hiring threads already cached (no request is made).

    Examples
    --------
    >>> from trendlab.sources import hn_api
    >>> hn_api.cached_months()  # doctest: +SKIP
    ['2019-01', '2019-02']
    """
    if not (cache_dir() / "threads.json").is_file():
        return []
    threads = discover_threads()
    hiring = threads[(threads["kind"] == "hiring") & threads["month"].notna()]
    have = hiring[[thread_cache_path(t).is_file() for t in hiring["thread_id"]]]
    return sorted(set(have["month"]))


def cached_files() -> list[Path]:
    """Every cached API file (the thread list and the threads), for cache keys."""
    folder = cache_dir()
    return sorted(p for p in folder.rglob("*.json") if p.is_file()) if folder.is_dir() else []


def load(
    *,
    months: list[str] | None = None,
    refresh: bool = False,
    progress: bool | None = None,
    algolia_base: str = ALGOLIA_BASE,
    firebase_base: str = FIREBASE_BASE,
    downloader: Downloader | None = None,
    workers: int = WORKERS,
    use_tree: bool = True,
    hits_per_page: int = HITS_PER_PAGE,
) -> Loaded:
    """Top-level comments of the "Who is hiring?" threads, in the raw-postings shape.

    Parameters
    ----------
    months : list of str, optional
        ``YYYY-MM`` months to read; all hiring threads when None. A month missing from the
        cached thread list makes the list be fetched again; a month with no thread is an error.
    refresh : bool
        Fetch the thread list and every selected thread again, ignoring the cache.
    progress : bool, optional
        A progress bar over threads; by default only on a terminal.
    algolia_base, firebase_base : str
        API roots (point them at a test server).
    downloader : callable, optional
        ``downloader(url, fileobj, progress_cb)``; defaults to
        :class:`trendlab.fetch.HTTPDownloader` (retries on 5xx).
    workers : int
        Concurrent Firebase requests within a thread.
    use_tree : bool
        See :func:`fetch_thread`.
    hits_per_page : int
        Algolia page size for discovery.

    Returns
    -------
    Loaded
        ``frame``: ``source, posting_id, thread_id, month, posted_at, author, html, url,
        partial_month`` sorted by month and id; ``quarantine`` (reasons in the module
        docstring); ``rows_in``: top-level items plus the replies the tree lists.

    Raises
    ------
    LookupError
        A requested month has no hiring thread.

    Examples
    --------
    >>> from trendlab.sources import hn_api
    >>> loaded = hn_api.load(months=["2014-03", "2014-04"])  # doctest: +SKIP
    """
    wanted = None if months is None else set(_check_months(months))
    kw = {"algolia_base": algolia_base, "downloader": downloader, "hits_per_page": hits_per_page}
    was_cached = (cache_dir() / "threads.json").is_file() and not refresh
    threads = discover_threads(refresh=refresh, **kw)
    if wanted is not None and was_cached and not wanted <= set(threads["month"].dropna()):
        threads = discover_threads(refresh=True, **kw)  # a month opened since the list was cached
    hiring = threads[threads["kind"] == "hiring"]
    undated = hiring[hiring["month"].isna()]
    if len(undated):
        log.warning(
            "%d 'Who is hiring?' thread(s) name no month in their title and are not read: %s",
            len(undated),
            "; ".join(f"{t} ({title!r})" for t, title in zip(undated["thread_id"], undated["title"], strict=True)),
        )
    hiring = hiring[hiring["month"].notna()]
    if wanted is not None:
        absent = sorted(wanted - set(hiring["month"]))
        if absent:
            raise LookupError(f"no 'Ask HN: Who is hiring?' thread by {ACCOUNT} for month(s) {', '.join(absent)}")
        hiring = hiring[hiring["month"].isin(wanted)]

    rows: list[dict] = []
    held: list[dict] = []
    seen: set[str] = set()
    rows_in = 0
    bar = tqdm(
        list(zip(hiring["thread_id"], hiring["month"], strict=True)),
        desc="hn-api threads",
        unit="thread",
        disable=(not progress) if progress is not None else None,
    )
    for tid, month in bar:
        snap = fetch_thread(
            tid,
            refresh=refresh,
            algolia_base=algolia_base,
            firebase_base=firebase_base,
            downloader=downloader,
            workers=workers,
            use_tree=use_tree,
        )
        rows_in += len(snap["items"]) + len(snap.get("replies", []))
        r, h = parse_snapshot(snap, month=month, seen=seen)
        rows += r
        held += h
    return Loaded(frame=_frame(rows), quarantine=quarantine_frame(held), rows_in=rows_in)
