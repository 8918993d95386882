"""Hacker News comment HTML to plain text, and the company named in a posting's lead line.

HN comment HTML is small and regular: text with ``<p>`` paragraph breaks, ``<a>`` links,
``<i>``, ``<pre><code>`` blocks and character references (``&#x2F;``, ``&amp;``). Saved pages
add HN's ``reply`` block and browsers add scripts. :func:`html_to_text` turns that into text a
person would read on the page, with paragraph and line breaks kept, in one pass of regular
expressions (the whole corpus of about 70,000 posts in a few seconds; no parser per post).

Examples
--------
>>> html_to_text("Acme | SWE | Berlin<p>We use Go &amp; Rust.")
'Acme | SWE | Berlin\\n\\nWe use Go & Rust.'
>>> company_of("Acme Corp | Senior Engineer | REMOTE")
'Acme Corp'
"""

from __future__ import annotations

import csv
import html as htmllib
import re
import unicodedata
from functools import cache

import pandas as pd

from trendlab.config import PACKAGE_DIR

TERMS_FILE = PACKAGE_DIR / "taxonomy" / "company_line_terms.csv"

#: The longest lead-line segment taken for a company name, in characters and in words.
MAX_COMPANY_CHARS = 60
MAX_COMPANY_WORDS = 8

# Removed with their content: scripts, styles, comments and HN's "reply" link block.
_DROP = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>"
    r"|<div\b[^>]*\bclass\s*=\s*[\"']?reply\b[^>]*>.*?</div\s*>"
    r"|<!--.*?-->",
    re.S | re.I,
)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.S | re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# a line break right after </pre> is the block's end, not an extra blank line
_PRE = re.compile(r"<pre\b[^>]*>(.*?)(?:</pre\s*>[ \t]*\n?|$)", re.S | re.I)
_PARA = re.compile(r"</?p\b[^>]*>", re.I)
_LINE = re.compile(r"<(?:br|/?(?:div|li|tr|ul|ol|table|blockquote|h[1-6]))\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # stray control bytes in a few posts
# Inside <pre> spacing is content, and "<" or "&" there is decoded text: park them on
# control characters that the tag, entity and spacing rules leave alone.
_PROTECT = (("\n", "\x01"), (" ", "\x02"), ("\t", "\x03"), ("<", "\x04"), ("&", "\x05"))


def _link_text(m: re.Match) -> str:
    """A link's visible text; its full href when HN shortened the URL shown with ``...``."""
    inner = m.group(2)
    href_m = _HREF.search(m.group(1))
    if href_m:
        href = htmllib.unescape(next(g for g in href_m.groups() if g is not None))
        shown = htmllib.unescape(_ANY_TAG.sub("", inner)).strip()
        # browsers lower-case the host of a saved href, so compare without case
        if shown.endswith("...") and len(shown) > 3 and href.lower().startswith(shown[:-3].lower()):
            return htmllib.escape(href, quote=False)
    return inner


def _pre_block(m: re.Match) -> str:
    inner = htmllib.unescape(_ANY_TAG.sub("", m.group(1))).replace("\xa0", " ").strip("\n")
    for plain, parked in _PROTECT:
        inner = inner.replace(plain, parked)
    return "\n" + inner + "\n"


def html_to_text(html: str | None) -> str:
    """Plain text of an HN comment's HTML, keeping paragraph and line breaks.

    - ``<p>`` starts a new paragraph (a blank line); ``<br>`` and block tags start a line;
      line breaks already in the text are kept (HN posters end their lead line with one), and
      ``\\r\\n`` or a lone ``\\r`` is one line break, as an HTML parser reads them;
    - character references are decoded (``&#x2F;`` → ``/``, ``&amp;`` → ``&``), no-break
      spaces become spaces, runs of spaces become one, lines are trimmed, and runs of blank
      lines become one;
    - links keep their visible text, except that a URL HN shortened with ``...`` is replaced
      by the full ``href``;
    - ``<pre>`` content keeps its spacing and line breaks;
    - scripts, styles, comments and HN's ``reply`` block are dropped, other tags removed,
      and so are control characters other than tab and line breaks.

    Deterministic: the same HTML always gives the same text. ``None`` gives ``""``.

    Examples
    --------
    >>> html_to_text('See <a href="https://a.io/jobs/12345">https://a.io/jobs/1...</a>')
    'See https://a.io/jobs/12345'
    >>> html_to_text("<pre><code>  x = 1\\n  y = 2\\n</code></pre>after")
    '  x = 1\\n  y = 2\\nafter'
    """
    if not html:
        return ""
    # HTML input preprocessing: CR LF and a lone CR are LF (a lone CR would otherwise be a space)
    html = _CONTROL.sub("", html.replace("\r\n", "\n").replace("\r", "\n"))
    if "<" in html:
        html = _DROP.sub("", html)
        if "<a" in html or "<A" in html:
            html = _LINK.sub(_link_text, html)
        pre = "<pre" in html or "<PRE" in html
        if pre:
            html = _PRE.sub(_pre_block, html)
        html = _ANY_TAG.sub("", _LINE.sub("\n", _PARA.sub("\n\n", html)))
    else:
        pre = False
    lines: list[str] = []
    gap = False
    for line in htmllib.unescape(html).split("\n"):
        line = " ".join(line.split())  # collapses spaces, tabs and no-break spaces; trims
        if not line:
            gap = bool(lines)
            continue
        if gap:
            lines.append("")
            gap = False
        lines.append(line)
    text = "\n".join(lines)
    if pre:
        for plain, parked in _PROTECT:
            text = text.replace(parked, plain)
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    return text


@cache
def company_terms() -> dict[str, frozenset[str]]:
    """The lead-line vocabulary from :data:`TERMS_FILE`, by kind (casefolded terms).

    ``not_company`` (keywords such as REMOTE, field labels), ``company_label`` (``Company:``),
    ``sentence_start`` (first words of a sentence), ``location`` (places that lead a line),
    ``role_word`` (last words of a job title).
    """
    out: dict[str, set[str]] = {
        k: set() for k in ("not_company", "company_label", "sentence_start", "location", "role_word")
    }
    with open(TERMS_FILE, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            kind, term = (row.get("kind") or "").strip(), (row.get("term") or "").strip().casefold()
            if kind not in out or not term:
                raise ValueError(
                    f"{TERMS_FILE.name} line {n}: kind {kind!r} term {term!r}; expected a kind in "
                    f"{sorted(out)} and a term"
                )
            out[kind].add(term)
    return {k: frozenset(v) for k, v in out.items()}


# The lead line's fields are split by "|", a spaced dash, or a colon.
_SEP = re.compile(r"\s*(?:\||\s(?:--?|//|[–—*])\s|:(?!\d))\s*")
_SCHEME = re.compile(r"\bhttps?://", re.I)
_EDGE = " \t*-–—:|,.;\"'“”‘’[]"
_ASIDE = re.compile(r"\s*[(\[].*$")  # "Acme (YC S12)", "Acme [remote ok]": the name is before
_CITY_CODE = re.compile(r"^[^,]+,\s*[A-Z]{2}$")  # "Boston, MA", "London, UK"


def _is_place(name: str) -> bool:
    return bool(_CITY_CODE.match(name)) or name.casefold().split(",")[0].strip() in company_terms()["location"]


def _looks_like_company(name: str) -> bool:
    terms = company_terms()
    folded = name.casefold()
    words = folded.split()
    if not (0 < len(name) <= MAX_COMPANY_CHARS and 0 < len(words) <= MAX_COMPANY_WORDS):
        return False
    return (
        any(ch.isalpha() for ch in name)
        and folded not in terms["not_company"]
        and folded not in terms["company_label"]  # "Company | Company | x": a label, not a name
        and words[0] not in terms["sentence_start"]
        and words[-1] not in terms["role_word"]
        and not _is_place(name)
        and not name.endswith("?")
    )


def _trim(name: str) -> str:
    """``name`` without edge punctuation, white space of any kind, or invisible format
    characters (a byte-order mark or zero-width space pasted before a name is not part of it)."""
    while True:
        t = name.strip(_EDGE).strip()
        a, b = 0, len(t)
        while a < b and unicodedata.category(t[a]) == "Cf":
            a += 1
        while b > a and unicodedata.category(t[b - 1]) == "Cf":
            b -= 1
        if t[a:b] == name:
            return name
        name = t[a:b]


def _segment(part: str) -> str:
    name, prev = _ASIDE.sub("", _trim(part)), None
    while name != prev:  # "acme.io/" and "Acme /": a trailing slash goes, then the edge again
        prev, name = name, _trim(name).rstrip("/")
    return name


def company_of(text: str | None) -> str | None:
    """The company named before the first separator of a posting's first line, if it looks like one.

    The first line of an HN posting is usually ``Company | Role | Location | REMOTE``. The
    text before the first ``|``, spaced dash, `` * ``, `` // `` or ``:`` is taken, without a trailing
    aside in brackets (``Acme (YC S12)`` → ``Acme``), when it looks like a name: at most
    :data:`MAX_COMPANY_CHARS` characters and :data:`MAX_COMPANY_WORDS` words, not a keyword
    such as REMOTE or a label, not the start of a sentence ("We are ..."), not a job title (last word
    "Engineer"), not a place ("Boston, MA", "London"), not a question. Early threads asked
    posters to lead with the location, so after a place (or a label such as ``Company:``)
    the next segment is tried. A URL loses its scheme (``https://acme.io`` → ``acme.io``).
    The name never starts or ends with white space or an invisible format character (a
    byte-order mark or zero-width space pasted before it), so written back as the lead of a
    line (``name | ...``) it reads as itself. Otherwise None. The vocabularies are in
    :data:`TERMS_FILE`.

    Examples
    --------
    >>> company_of("Company: Acme Robotics | Boston")
    'Acme Robotics'
    >>> company_of("Boston, MA - Acme Robotics - ONSITE")
    'Acme Robotics'
    >>> company_of("We are hiring engineers in Boston - apply now") is None
    True
    """
    if not text:
        return None
    line = _SCHEME.sub("", text.strip().split("\n", 1)[0])
    parts = _SEP.split(line, maxsplit=2)
    if len(parts) < 2:
        return None
    first = _segment(parts[0])
    if first.casefold() in company_terms()["company_label"] or _is_place(first):
        first = _segment(parts[1])
    return first if _looks_like_company(first) else None


def add_text(raw: pd.DataFrame) -> pd.DataFrame:
    """Replace ``html`` by ``company`` and ``text``: raw postings to the ``postings`` columns.

    Returns a new frame (the input is not changed) with the columns of
    :data:`trendlab.schemas.POSTINGS`, in that order: ``html`` becomes ``text``
    (:func:`html_to_text`) and ``company`` (:func:`company_of` of the text) comes before it.

    Examples
    --------
    >>> raw = pd.DataFrame({"source": ["s"], "posting_id": ["1"], "thread_id": ["9"],
    ...     "month": ["2015-03"], "posted_at": [pd.NaT], "author": ["ann"],
    ...     "html": ["Acme | SWE<p>Go"], "url": ["u"], "partial_month": [False]})
    >>> add_text(raw)[["company", "text"]].iloc[0].tolist()
    ['Acme', 'Acme | SWE\\n\\nGo']
    """
    if "html" not in raw.columns:
        raise KeyError(f"add_text needs an 'html' column; got {list(raw.columns)}")
    texts = [html_to_text(h) if isinstance(h, str) else "" for h in raw["html"].tolist()]
    out = raw.drop(columns=["html"])
    at = list(raw.columns).index("html")
    out.insert(at, "text", pd.array(texts, dtype="string"))
    out.insert(at, "company", pd.array([company_of(t) for t in texts], dtype="string"))
    return out
