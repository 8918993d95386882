"""Property tests of the per-posting functions over arbitrary Unicode, HTML-ish and job-post-like text.

Each test's docstring states the contract it checks, read from the function's own docstring.
The functions under test: :func:`~trendlab.clean.text.html_to_text`,
:func:`~trendlab.clean.text.company_of`, :func:`~trendlab.clean.text.add_text`,
:func:`~trendlab.clean.roles.split_roles`, :func:`~trendlab.clean.titles.classify_title` and
:func:`~trendlab.clean.titles.classify_titles`, :meth:`~trendlab.clean.skills.SkillMatcher.find`
and :func:`~trendlab.clean.skills.tag_skills`.

Examples are derandomized and no example database is kept, so every run draws the same inputs.
``TRENDLAB_PROPERTY_EXAMPLES`` (a factor, default 1) runs more of them for a deeper search.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trendlab.clean import roles as roles_mod
from trendlab.clean import skills as skills_mod
from trendlab.clean import titles as titles_mod
from trendlab.clean.roles import (
    FOUND_IN,
    REQUIREMENTS_SOURCES,
    ROLE_COLUMNS,
    UNSPLIT_COLUMNS,
    UNSPLIT_REASONS,
    as_title,
    split_roles,
    title_items,
)
from trendlab.clean.skills import SKILL_HITS_COLUMNS, SkillMatcher, tag_skills
from trendlab.clean.text import (
    MAX_COMPANY_CHARS,
    MAX_COMPANY_WORDS,
    add_text,
    company_of,
    company_terms,
    html_to_text,
)
from trendlab.clean.titles import (
    FUZZY_CUTOFF,
    MATCH_METHODS,
    OUTPUT_COLUMNS,
    TAXONOMY_DIR,
    TitleIndex,
    classify_title,
    classify_titles,
    normalize_title,
    taxonomy,
)
from trendlab.schemas import POSTINGS
from trendlab.taxonomy import STATUSES, expand_forms, skill_taxonomy

_SCALE = float(os.environ.get("TRENDLAB_PROPERTY_EXAMPLES", "1"))


def _props(n: int) -> settings:
    """Settings of one property: ``n`` examples (times the scale), no deadline, the same
    examples on every run."""
    return settings(
        max_examples=max(1, round(n * _SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------------- vocabularies (data files)


def _column(name: str, column: str, **where: str) -> list[str]:
    with open(TAXONOMY_DIR / name, newline="", encoding="utf-8") as fh:
        return [r[column] for r in csv.DictReader(fh) if all(r[k] == v for k, v in where.items()) and r[column]]


_TITLES = _column("title_exact.csv", "title")
_HEADS = _column("role_cues.csv", "term", kind="head")
_AREAS = _column("role_cues.csv", "term", kind="area")
_FAMILIES = set(_column("role_families.csv", "role_family"))
_SENIORITY = set(_column("seniority.csv", "seniority"))
# levels as written in titles: the level names and their abbreviations ("Sr.")
_LEVELS = sorted(s.title() for s in _SENIORITY) + [
    f"{a.title()}." for e in sorted(_SENIORITY) for a in _column("title_abbreviations.csv", "abbreviation", expansion=e)
]
_SKILL_TERMS = [t for spec in _column("skills.csv", "forms") for t in expand_forms(spec)][:400] + _column(
    "skills.csv", "cs_forms"
)

# --------------------------------------------------------------------------- strategies

# Characters that break naive text handling: control bytes, every kind of line break, bidi
# marks, combining marks, zero-width and no-break spaces, characters whose case mapping
# changes length or folds to ASCII, full-width and ligature forms that NFKC rewrites, emoji.
_AWKWARD = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\x85", "\x9f",
    "\r", "\r\n", "\n", "\n\n", "\t", "\u2028", "\u2029",
    "\u200e", "\u200f", "\u202e", "\u2066", "\u061c",
    "\u0301", "\u0308", "\u20dd", "e\u0301",
    "\u200b", "\u200d", "\ufeff", "\xa0", "\u3000",
    "\u0130", "\u0131", "\u017f", "\u212a", "\xdf", "\u1e9e", "\ufb01", "\u0149",
    "\uff30\uff4d", "\u2167", "\u2460", "\u0663", "\ufffd",
    "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\U0001f1e9\U0001f1ea",
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u4eba\u5de5",
    "&", "<", ">", "\"", "'", "|", ":", " - ", " \u2013 ", "\u2014", "\u2022 ", "* ", "(", ")", "[", "]",
    "...", "?", "/", "#", "+", "@", "http://", "https://",
]
_UNICODE = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(_AWKWARD)), max_size=16).map("".join)

_HTML_PIECES = [
    "<p>", "</p>", "<P>", "<br>", "<br/>", "<i>", "</i>", "<b>", "</b>", "<li>", "<ul>", "</ul>",
    "<h2>", "</h2>", '<font color="#000000">', "</font>",
    '<a href="https://acme.example/jobs/12345" rel="nofollow">', "<a href=https://b.example/x>", "<a href=''>",
    "</a>", '<a href="https://acme.example/jobs/12345">https://acme.example/jobs/1...</a>',
    "<pre><code>", "</code></pre>", "<pre>", "</pre>",
    "<script>", "</script>", "<style>", "</style>", '<div class="reply">', "</div>", "<!--", "-->",
    "&amp;", "&#x27;", "&#x2F;", "&quot;", "&lt;", "&gt;", "&nbsp;", "&eacute;", "&#38;", "&#10;", "&#13;",
    "&#0;", "&#1;", "&#x85;", "&#xD800;", "&#x110000;", "&#99999999;", "&amp", "&#x2F", "&#", "&lt",
    "<", ">", "&", "<a", "<a href=", "<p", "</", "<>", "< p>", "<a href=\"unclosed", "<!", "<?xml?>",
]
_HTML = st.lists(st.one_of(st.sampled_from(_HTML_PIECES), _UNICODE), max_size=14).map("".join)

# Well-formed markup around text that holds no markup character: every tag must go.
_TAGS = ["<p>", "</p>", "<br>", "<i>", "</i>", "<b>", "</b>", "<li>", '<a href="https://acme.example/j">', "</a>",
         "&amp;", "&#x27;", "&#x2F;", "&quot;", "&nbsp;"]
_NO_MARKUP = st.text(alphabet=st.characters(exclude_characters="<>&", exclude_categories=("Cs",)), max_size=12)
_CLEAN_HTML = st.lists(st.one_of(st.sampled_from(_TAGS), _NO_MARKUP), max_size=12).map("".join)

_FIELD = st.text(alphabet=st.characters(exclude_characters="\n\r|", exclude_categories=("Cs",)), max_size=10)
_TITLE = st.one_of(
    st.sampled_from(_TITLES),
    st.builds(lambda lv, a, h: f"{lv} {a} {h}", st.sampled_from(_LEVELS), st.sampled_from(_AREAS), st.sampled_from(_HEADS)),
    st.builds(lambda a, h: f"{a.title()} {h.title()}s", st.sampled_from(_AREAS), st.sampled_from(_HEADS)),
    _FIELD,
)
_SKILLS = st.lists(st.sampled_from(_SKILL_TERMS), min_size=1, max_size=4).map(", ".join)


@st.composite
def _post(draw: st.DrawFn) -> str:
    """A "Who is hiring?" post: a header line of fields, then lines of role titles and text."""
    company = draw(st.one_of(st.sampled_from(["Acme", "Quillfeather Robotics", "Ohm Labs (YC S12)"]), _FIELD))
    fields = [company] + draw(st.lists(st.one_of(_TITLE, st.sampled_from(["Berlin", "NYC", "REMOTE", "London, UK",
                                                                             "$150k", "https://acme.example"]), _FIELD),
                                       min_size=1, max_size=4))
    header = draw(st.sampled_from([" | ", " - ", "|", " \u2013 ", ", "])).join(fields)
    line = st.one_of(
        st.builds(lambda b, t: f"{b}{t}", st.sampled_from(["- ", "* ", "\u2022 ", "1. ", "(2) ", ""]), _TITLE),
        st.builds(lambda t, s, x: f"{t}: {s} {x}", _TITLE, _SKILLS, _FIELD),
        st.builds(lambda t, u: f"We're hiring a {t} and a {u}.", _TITLE, _TITLE),
        st.builds(lambda t: f"Looking for {t}s to help us", _TITLE),
        st.builds(lambda s: f"Nice to have: {s}", _SKILLS),
        st.builds(lambda s: f"You know {s}; no coding required for the PM, but SQL is a plus.", _SKILLS),
        st.sampled_from(["Benefits:", "About us", "", "Apply at jobs@acme.example", "Also hiring PMs, Designers"]),
        st.lists(_TITLE, min_size=2, max_size=4).map(lambda ts: "\n".join(f"- {t}" for t in ts)),  # a list of roles
        _UNICODE,
    )
    body = draw(st.lists(line, max_size=7))
    seps = draw(st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\u2028", " "]), min_size=len(body),
                         max_size=len(body)))
    return header + "".join(s + b for s, b in zip(seps, body, strict=True))


_ANY_TEXT = st.one_of(_UNICODE, _HTML, _post())

# --------------------------------------------------------------------------- text.py: html_to_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@_props(200)
@given(st.one_of(_UNICODE, _HTML, _CLEAN_HTML, _post()))
@example("a\rb")
@example("<pre>a\rb\r\nc</pre>")
def test_html_to_text_is_total_and_its_text_is_tidy(html):
    """Any str gives a str, the same each time; control characters other than line breaks
    (and tabs inside ``<pre>``) are gone, no ``\\r`` is left, and no blank line leads or ends.
    Outside ``<pre>``: lines are trimmed, tabs are spaces, spaces never run, and blank lines
    never run (at most one blank line between paragraphs)."""
    out = html_to_text(html)
    assert isinstance(out, str)
    assert html_to_text(html) == out
    assert not _CONTROL.search(out.replace("\t", " ")), repr(out)
    assert "\r" not in out
    assert out == out.strip("\n")
    if "<pre" not in html.lower():
        lines = out.split("\n")
        assert all(ln == ln.strip() for ln in lines), repr(out)
        assert "\t" not in out and "  " not in out
        assert "\n\n\n" not in out


@_props(150)
@given(st.one_of(_UNICODE, _post()).filter(lambda s: "<" not in s and "&" not in s))
@example("x\x10y \r z\u2028w")
def test_html_to_text_of_plain_text_keeps_every_visible_character(plain):
    """Text without markup characters (``<``, ``&``) keeps every character that is neither
    white space nor a control character, in order; a line break (``\\n``, ``\\r\\n`` or a lone
    ``\\r``) is a line break, so the non-blank lines are the input's, tidied."""
    out = html_to_text(plain)
    assert "".join(out.split()) == "".join(_CONTROL.sub("", plain).split())
    visible = [" ".join(ln.split()) for ln in re.split(r"\r\n|\r|\n", _CONTROL.sub("", plain))]
    assert [ln for ln in out.split("\n") if ln] == [ln for ln in visible if ln]


@_props(200)
@given(st.one_of(_UNICODE, _HTML, _CLEAN_HTML, _post()))
@example("&amp;lt;b&amp;gt;")
@example("a\rb")
def test_html_to_text_is_idempotent_on_its_own_text(html):
    """Cleaning cleaned text changes nothing, when that text holds nothing that reads as markup
    (no ``<`` or ``&`` left after decoding) and no ``<pre>`` block, whose spacing is content.
    (``&amp;lt;b&amp;gt;`` is the text ``&lt;b&gt;``: cleaning it again decodes it again, by design.)"""
    out = html_to_text(html)
    if "<" in out or "&" in out or "<pre" in html.lower():
        return
    assert html_to_text(out) == out


@_props(150)
@given(_CLEAN_HTML)
def test_html_to_text_leaves_no_tag_of_well_formed_markup(html):
    """Well-formed tags around text without markup characters leave no ``<`` or ``>``, and
    every visible character of the text between the tags is kept in order."""
    out = html_to_text(html)
    assert "<" not in out and ">" not in out
    between = re.sub(r"<[^>]*>", " ", html)
    for ent, ch in (("&amp;", "&"), ("&#x27;", "'"), ("&#x2F;", "/"), ("&quot;", '"'), ("&nbsp;", " ")):
        between = between.replace(ent, ch)
    assert "".join(out.split()) == "".join(_CONTROL.sub("", between).split())


# --------------------------------------------------------------------------- text.py: company_of, add_text


@_props(200)
@given(st.one_of(_UNICODE, _post(), st.none()))
@example("https://acme.example http://b.example | SWE")
@example('"\x1fA|')
@example("\u200bLendwell | x")
@example("Acme / | Berlin")
@example("Company: Company | Berlin")
def test_company_of_is_a_short_name_from_the_lead_line_or_none(text):
    """None or a name that looks like one: non-empty, at most MAX_COMPANY_CHARS characters and
    MAX_COMPANY_WORDS words, with a letter, not a question, not a keyword or label of
    ``company_line_terms.csv``, no white space or invisible format character at its edges;
    taken from the first line (URL schemes removed); written back as a lead line
    (``name | Berlin``) it reads as itself. Deterministic."""
    name = company_of(text)
    assert company_of(text) == name
    if name is None:
        return
    assert isinstance(name, str)
    assert 0 < len(name) <= MAX_COMPANY_CHARS and 0 < len(name.split()) <= MAX_COMPANY_WORDS
    assert any(ch.isalpha() for ch in name) and not name.endswith("?")
    terms = company_terms()
    assert name.casefold() not in terms["not_company"] | terms["company_label"]
    assert name == name.strip() and "Cf" not in (unicodedata.category(name[0]), unicodedata.category(name[-1]))
    first = re.sub(r"(?i)\bhttps?://", "", text.strip().split("\n", 1)[0])
    assert name in first, (name, first)
    assert company_of(f"{name} | Berlin") == name


@_props(25)
@given(st.lists(st.one_of(_HTML, _post(), st.none()), min_size=1, max_size=5))
def test_add_text_is_the_row_wise_text_and_company(htmls):
    """The POSTINGS columns in order; ``text`` is :func:`html_to_text` of each row's ``html``
    (a missing one gives ""), ``company`` is :func:`company_of` of that text; the input is unchanged."""
    n = len(htmls)
    raw = pd.DataFrame({
        "source": ["s"] * n, "posting_id": [str(i) for i in range(n)], "thread_id": ["9"] * n,
        "month": ["2015-03"] * n, "posted_at": pd.Series([pd.NaT] * n, dtype="datetime64[ns, UTC]"),
        "author": ["ann"] * n, "html": pd.Series(htmls, dtype=object), "url": ["u"] * n,
        "partial_month": pd.array([False] * n, dtype="boolean"),
    }).astype({c: "string" for c in ("source", "posting_id", "thread_id", "month", "author", "url")})
    before = raw.copy()
    out = add_text(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert list(out.columns) == list(POSTINGS.columns)
    POSTINGS.validate(out)
    texts = [html_to_text(h) if isinstance(h, str) else "" for h in htmls]
    assert out["text"].tolist() == texts
    assert [None if pd.isna(c) else c for c in out["company"]] == [company_of(t) for t in texts]


# --------------------------------------------------------------------------- roles.py: split_roles


def _frame(texts: list[str | None]) -> pd.DataFrame:
    """Postings of these texts; every other one has the ``company`` read from its lead line."""
    return pd.DataFrame({
        "source": "hn-test",
        "posting_id": [f"p{i}" for i in range(len(texts))],
        "month": "2024-05",
        "company": pd.Series([company_of(t) if i % 2 else None for i, t in enumerate(texts)], dtype=object),
        "text": pd.Series(texts, dtype=object),
    })


# a word of a title: letters and digits ("__Backend Engineer__" is the words Backend, Engineer)
_WORD = re.compile(r"[^\W_]+")


def _from_post(piece: str, text: str) -> bool:
    """A piece of role text is the post's: a stripped line or inline text, or header fields
    re-joined with " | " (each field a piece of the post)."""
    return all(p.strip() in text for p in piece.split(" | "))


_POSTS = st.lists(st.one_of(_post(), _UNICODE, _HTML.map(html_to_text), st.none()), min_size=1, max_size=4)


@_props(80)
@given(_POSTS)
@example(["Acme | Senior PM, Backend Engineer | NYC\rBackend Engineer: Go and Postgres.\r\rWe are small."])
def test_split_roles_accounts_for_every_post_and_takes_text_from_it(texts):
    """Every posting is in ``roles`` or in ``unsplit`` (with a reason of UNSPLIT_REASONS), never
    both; ``role_index`` is 0..n-1 per posting; the columns are ROLE_COLUMNS; each role has a
    non-empty title whose words are words of the post, ``found_in`` in FOUND_IN, a family of
    ``role_families.csv``, and a ``requirements_source`` that says which text it has (``own``:
    its requirements text; ``shared_only``: only shared text; ``none``: neither); every line of
    the role texts comes from the post; the roles of a posting share one shared text, and a
    single role has none (it owns all the text). The input frame is not changed."""
    posts = _frame(texts)
    before = posts.copy()
    out = split_roles(posts, fuzzy=False)
    pd.testing.assert_frame_equal(posts, before)
    r, u = out.roles, out.unsplit
    assert list(r.columns) == ROLE_COLUMNS and list(u.columns) == UNSPLIT_COLUMNS
    with_roles, without = set(r["posting_id"]), set(u["posting_id"])
    assert with_roles.isdisjoint(without) and with_roles | without == set(posts["posting_id"])
    assert len(u) == len(without) and set(u["reason"]) <= set(UNSPLIT_REASONS)
    text_of = dict(zip(posts["posting_id"], posts["text"], strict=True))
    for pid, g in r.groupby("posting_id", sort=False):
        assert g["role_index"].tolist() == list(range(len(g)))
        # one shared text per posting; a posting with one role gives it all its text
        assert g["shared_text"].nunique(dropna=False) == 1
        assert len(g) > 1 or g["shared_text"].isna().all()
        text = text_of[pid]
        words = set(re.findall(_WORD, text))
        for row in g.itertuples():
            assert row.role_title.strip(), (pid, row)
            assert set(re.findall(_WORD, row.role_title)) <= words, (row.role_title, text)
            assert row.found_in in FOUND_IN and row.role_family in _FAMILIES
            assert row.requirements_source in REQUIREMENTS_SOURCES
            own, shared = row.requirements_text, row.shared_text
            expected = "own" if pd.notna(own) else ("shared_only" if pd.notna(shared) else "none")
            assert row.requirements_source == expected
            for piece in [*(own.split("\n") if pd.notna(own) else []), *(shared.split("\n") if pd.notna(shared) else [])]:
                assert _from_post(piece, text), (piece, text)
    for pid in without:
        t = text_of[pid]
        if not isinstance(t, str) or not t.strip():
            assert u.loc[u["posting_id"] == pid, "reason"].item() == "empty_text"


@_props(200)
@given(st.one_of(_TITLE, _UNICODE, _FIELD), st.booleans())
@example("two talented Backend Engineers", False)
def test_as_title_reads_a_title_as_itself(candidate, allow_area):
    """A title (or None) whose words are the candidate's, and reading that title again gives it back."""
    t = as_title(candidate, allow_area)
    if t is None:
        return
    assert t.strip() and set(re.findall(_WORD, t)) <= set(re.findall(_WORD, candidate)), (t, candidate)
    assert as_title(t, allow_area) == t


@_props(200)
@given(st.one_of(_TITLE, _UNICODE, st.lists(_TITLE, min_size=1, max_size=4).map(", ".join)), st.booleans(),
       st.booleans())
@example("Frontend, Backend and DevOps Engineers", True, True)
def test_title_items_are_titles_made_of_the_segments_words(segment, strict, allow_area):
    """A list of non-empty titles (or None, only when ``strict``), each made of the segment's words."""
    out = title_items(segment, strict=strict, allow_area=allow_area)
    if out is None:
        assert strict
        return
    words = set(re.findall(_WORD, segment))
    for t in out:
        assert isinstance(t, str) and t.strip() and set(re.findall(_WORD, t)) <= words, (t, segment)


def _clear_title_caches() -> None:
    roles_mod.as_title.cache_clear()
    roles_mod._key.cache_clear()
    titles_mod._classify_known.cache_clear()


@_props(30)
@given(_POSTS, st.randoms(use_true_random=False))
def test_split_roles_is_deterministic_and_reads_each_post_alone(texts, rnd):
    """The same postings give the same roles: run again with cold caches, in shuffled order, or
    one posting at a time (a posting's roles never depend on the other postings)."""
    posts = _frame(texts)
    first = split_roles(posts, fuzzy=False)
    _clear_title_caches()
    again = split_roles(posts, fuzzy=False)
    pd.testing.assert_frame_equal(first.roles, again.roles)
    pd.testing.assert_frame_equal(first.unsplit, again.unsplit)

    order = list(range(len(posts)))
    rnd.shuffle(order)
    shuffled = split_roles(posts.iloc[order].reset_index(drop=True), fuzzy=False)
    key = ["posting_id", "role_index"]
    pd.testing.assert_frame_equal(
        shuffled.roles.sort_values(key).reset_index(drop=True), first.roles.sort_values(key).reset_index(drop=True)
    )
    alone = [split_roles(posts.iloc[[i]], fuzzy=False).roles for i in range(len(posts))]
    pd.testing.assert_frame_equal(
        pd.concat(alone, ignore_index=True).sort_values(key).reset_index(drop=True),
        first.roles.sort_values(key).reset_index(drop=True),
    )


# --------------------------------------------------------------------------- titles.py


_CONTEXT = st.one_of(st.none(), _UNICODE, st.sampled_from(["Acme | Product team | Senior PM", "Project office"]))


def _check_class(c, title: str) -> None:
    tx = taxonomy()
    assert c.title == title
    assert isinstance(c.normalized, str)
    assert c.role_family in tx.families and c.role_family in _FAMILIES
    assert c.seniority is None or c.seniority in _SENIORITY
    assert type(c.technical_pm) is bool and type(c.product_owner) is bool
    # the two flags are product-management flags
    assert c.role_family in tx.pm_families or not (c.technical_pm or c.product_owner)
    assert c.match_method in MATCH_METHODS
    assert (c.matched_reference is None) == (c.match_method == "none")
    if c.match_method in ("exact", "rule"):
        assert c.match_score == 100.0
    elif c.match_method == "none":
        assert c.match_score is None and c.role_family == "other"


@_props(250)
@given(st.one_of(_TITLE, _UNICODE), _CONTEXT)
@example("\u0130", None)
@example("Sr. \u212aotlin Engineer", None)
def test_classify_title_is_total_and_answers_in_the_taxonomy(title, context):
    """Any str title (and context) gives a TitleClass: a family of ``role_families.csv``, a
    seniority of ``seniority.csv`` or None, boolean flags set only for product-management
    families, a method of MATCH_METHODS with its reference (none only for ``none``) and score
    (100 for exact and rule matches). Deterministic, also with cold caches."""
    c = classify_title(title, context)
    _check_class(c, title)
    assert classify_title(title, context) == c
    titles_mod._classify_known.cache_clear()
    assert classify_title(title, context) == c


@_props(200)
@given(st.one_of(_TITLE, _UNICODE))
@example("  Sr. Full-Stack Eng ")
@example("\u0130\ufb01 \u212a")
def test_normalize_title_of_a_normalized_title_is_itself(title):
    """The normalised form is a fixed point: normalising it again changes nothing."""
    n = normalize_title(title)
    assert normalize_title(n) == n


@_props(60)
@given(st.lists(st.one_of(_TITLE, _UNICODE, st.none()), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_classify_titles_is_classify_title_per_row(titles, rnd):
    """The frame function answers, row by row, what :func:`classify_title` answers (a missing
    title: ``other`` by ``none``), keeps the index, has OUTPUT_COLUMNS, and does not depend on
    the order of the rows."""
    index = pd.Index([f"r{i}" for i in range(len(titles))])
    ser = pd.Series(titles, index=index, dtype=object)
    ctx = pd.Series(["Acme | Product | x" if i % 2 else None for i in range(len(titles))], index=index, dtype=object)
    out = classify_titles(ser, ctx, fuzzy=False)
    assert list(out.columns) == OUTPUT_COLUMNS and out.index.equals(index)
    for i, t in zip(index, titles, strict=True):
        row = out.loc[i]
        if t is None:
            assert row["role_family"] == "other" and row["match_method"] == "none"
            continue
        c = classify_title(t, ctx[i])
        got = (row["role_family"], row["seniority"], bool(row["technical_pm"]), bool(row["product_owner"]),
               row["match_method"], row["matched_reference"])
        want = (c.role_family, c.seniority, c.technical_pm, c.product_owner, c.match_method, c.matched_reference)
        assert tuple(None if pd.isna(x) else x for x in got) == want, t
    order = list(range(len(titles)))
    rnd.shuffle(order)
    shuffled = classify_titles(ser.iloc[order], ctx.iloc[order], fuzzy=False)
    pd.testing.assert_frame_equal(shuffled.loc[index], out)


@pytest.fixture(scope="module")
def small_index() -> TitleIndex:
    """An invented reference index for the fuzzy fallback (no mirror needed)."""
    return TitleIndex.from_labels(pd.DataFrame({
        "label": ["Pastry Chef", "Harbour Pilot", "Loom Mechanic", "Data Wrangler"],
        "reference": ["onet:35-1011.00:Pastry Chef", "esco:3152:Harbour Pilot", "onet:49-9099.00:Loom Mechanic",
                      "esco:2511:Data Wrangler"],
        "role_family": ["other", "other", "other", "data_science_analytics"],
    }))


@_props(100)
@given(st.one_of(_TITLE, _UNICODE, st.sampled_from(["Chef Pastry", "Pastry Chefs", "Data Wranglers"])), _CONTEXT)
def test_classify_title_with_fuzzy_fallback_is_total(small_index, title, context):
    """With a fuzzy index, a title no exact or rule match settles is either left ``none`` or
    matched ``fuzzy`` to a reference of the index with a score at or above FUZZY_CUTOFF."""
    c = classify_title(title, context, fuzzy=small_index)
    _check_class(c, title)
    if c.match_method == "fuzzy":
        assert c.matched_reference in set(small_index.frame["reference"])
        assert FUZZY_CUTOFF <= c.match_score <= 100.0
    assert classify_title(title, context, fuzzy=small_index) == c


# --------------------------------------------------------------------------- skills.py


@pytest.fixture(scope="module")
def matcher() -> SkillMatcher:
    return SkillMatcher.from_taxonomy()


@pytest.fixture(scope="module")
def fresh_matcher(matcher) -> SkillMatcher:
    """A second matcher over the same taxonomy, whose caches the other tests never warm."""
    return SkillMatcher(matcher.taxonomy)


def _form_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Per term, its forms as the matcher reads them: any case (but the case-sensitive forms),
    any white space for a space."""
    out: dict[str, list[re.Pattern[str]]] = {}
    for r in skill_taxonomy().skills.itertuples():
        pats = out.setdefault(r.taxonomy_id, [])
        for spec, flags in ((r.forms, re.IGNORECASE), (r.cs_forms, 0)):
            for f in expand_forms(spec or ""):
                pats.append(re.compile(r"\s".join(map(re.escape, f.split(" "))), flags))
    return out


_FORMS = _form_patterns()


@st.composite
def _term_with_markup(draw: st.DrawFn) -> str:
    """A skill term with a tag or a character reference inside or beside it ("Pyth<b>on")."""
    term = draw(st.sampled_from(_SKILL_TERMS))
    at = draw(st.integers(0, len(term)))
    piece = draw(st.sampled_from(["<b>", "</i>", "<br>", "<p>", "&amp;", "&#46;", "&#x2F;", "&nbsp;", "<a href=x>"]))
    return term[:at] + piece + term[at:]


_SKILL_TEXT = st.one_of(
    _ANY_TEXT,
    st.lists(st.one_of(_SKILLS, _term_with_markup(), _UNICODE, st.sampled_from(_HTML_PIECES)), max_size=8).map(" ".join),
)


@_props(200)
@given(_SKILL_TEXT, st.one_of(st.none(), _FIELD))
@example("C&#x2F;C++ and Node&#46;js; Pyth<b>on", None)
@example("\u212aotlin, \u017fql and Go", None)
def test_find_hits_are_spans_of_the_text_with_a_status(matcher, fresh_matcher, text, company):
    """Every hit: ``0 <= start < end <= len(text)``, in text order; ``surface`` is the span's
    text after HTML decoding and is a form of its term (ignoring case as ``re.IGNORECASE``
    does, but for case-sensitive forms; any white space for a space); term and family are the
    taxonomy's; status in STATUSES. The same hits on a second call and from a fresh matcher."""
    hits = matcher.find(text, company)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    tax = matcher.taxonomy.skills.set_index("taxonomy_id")
    for h in hits:
        assert 0 <= h.start < h.end <= len(text), h
        assert h.status in STATUSES
        assert (h.term, h.family) == (tax.at[h.taxonomy_id, "term"], tax.at[h.taxonomy_id, "family"])
        assert matcher.normalize(text[h.start : h.end]) == h.surface, (h, text[h.start : h.end])
        assert any(p.fullmatch(h.surface) for p in _FORMS[h.taxonomy_id]), h
    assert matcher.find(text, company) == hits
    assert fresh_matcher.find(text, company) == hits


@_props(40)
@given(st.lists(st.tuples(st.one_of(_SKILL_TEXT, st.none()), st.one_of(st.none(), st.sampled_from(["Airtable", "Acme"]),
                                                                       _FIELD)),
                min_size=1, max_size=7),
       st.booleans(), st.randoms(use_true_random=False))
def test_tag_skills_is_find_per_role_whatever_the_order_and_chunking(matcher, rows, with_company, rnd):
    """One row per (role, term) mentioned, with the strongest status of the term's hits
    (:meth:`SkillMatcher.find`, with the role's company when ``company_col`` is given): the
    same whether the roles are read in one chunk or in chunks of two, in any order, twice;
    SKILL_HITS_COLUMNS; roles without text counted; input unchanged."""
    texts = [t for t, _ in rows]
    roles = pd.DataFrame({
        "posting_id": [f"p{i // 2}" for i in range(len(texts))],
        "role_index": [i % 2 for i in range(len(texts))],
        "requirements_text": pd.Series(texts, dtype=object),
        "company": pd.Series([c for _, c in rows], dtype=object),
    })
    company_col = "company" if with_company else None
    before = roles.copy()
    out = tag_skills(roles, matcher=matcher, company_col=company_col, progress=False)
    pd.testing.assert_frame_equal(roles, before)
    assert list(out.columns) == SKILL_HITS_COLUMNS
    assert out.attrs["roles_in"] == len(roles)
    assert out.attrs["roles_without_text"] == sum(t is None for t in texts)
    rank = {"negated": 0, "preferred": 1, "required": 2}
    want = set()
    for pid, ri, t, company in roles.itertuples(index=False):
        best: dict[str, str] = {}
        for h in matcher.find(t, company if with_company else None):
            if h.taxonomy_id not in best or rank[h.status] > rank[best[h.taxonomy_id]]:
                best[h.taxonomy_id] = h.status
        want |= {(pid, ri, tid, st_) for tid, st_ in best.items()}
    got = set(zip(out["posting_id"], out["role_index"], out["taxonomy_id"], out["status"], strict=True))
    assert got == want and len(out) == len(want)

    order = list(range(len(roles)))
    rnd.shuffle(order)
    with mock.patch.object(skills_mod, "_CHUNK_ROLES", 2):
        chunked = tag_skills(roles.iloc[order], matcher=matcher, company_col=company_col, progress=False)
    key = ["posting_id", "role_index", "taxonomy_id"]
    pd.testing.assert_frame_equal(
        chunked.sort_values(key).reset_index(drop=True), out.sort_values(key).reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(tag_skills(roles, matcher=matcher, company_col=company_col, progress=False), out)
