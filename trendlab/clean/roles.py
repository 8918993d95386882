"""Split Hacker News "Who is hiring?" posts into the roles they advertise.

A post often advertises several roles; a skill asked of the backend engineer must not be
counted as asked of the product manager. :func:`split_roles` finds the roles of each post and
gives each the text that belongs to it.

Where roles are found (the cue words are data: ``trendlab/taxonomy/role_cues.csv``):

- the header line, ``Acme | Senior PM, Backend Engineer | NYC | Onsite``: fields split on
  ``|`` (or on `` - `` when there is no pipe); a field holds roles when its items read as role
  titles, so location, remote, salary and URL fields fall away;
- bullet lists of roles (``- Backend Engineer``, ``1. Product Manager: ...``);
- a paragraph that starts with a role title (``Data Engineer: you will ...``) or a line that is
  only a role title, followed by that role's own text;
- hiring sentences: "We're hiring: X, Y and Z", "looking for a X and a Y".

A role title ends in a head noun (engineer, manager, designer, ... or "head of X") and holds
no pronoun, verb or preposition, so "you'll work with our product manager", "our product
team" or "tools for product managers" never advertise a role.

Text is assigned per line: the header; a role's own text (its paragraph, the text after
``Title:``, or the lines under a title heading up to the next role or a shared heading such
as "Benefits" or "About us"); everything else is shared by all roles. A post with one role
gives that role all of its text.

Examples
--------
>>> import pandas as pd
>>> from trendlab.clean.roles import split_roles
>>> posts = pd.DataFrame({
...     "source": ["hn"], "posting_id": ["1"], "month": ["2024-03"],
...     "text": ["Acme | Senior PM, Backend Engineer | NYC | Onsite\\n"
...              "Backend Engineer: Go and Postgres.\\nWe are a small team."]})
>>> out = split_roles(posts, fuzzy=False)
>>> out.roles[["role_title", "role_family", "requirements_source"]].values.tolist()
[['Senior PM', 'other', 'shared_only'], ['Backend Engineer', 'software_engineering', 'own']]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from trendlab.clean.titles import (
    TAXONOMY_DIR,
    TitleIndex,
    _classify_known,
    classify_titles,
    normalize_title,
)

REQUIRED_COLUMNS = ("source", "posting_id", "month", "text")
ROLE_COLUMNS = [
    "source",
    "posting_id",
    "role_index",
    "month",
    "role_title",
    "role_family",
    "seniority",
    "technical_pm",
    "product_owner",
    "match_method",
    "matched_reference",
    "found_in",
    "requirements_text",
    "shared_text",
    "requirements_source",
]
UNSPLIT_COLUMNS = ["source", "posting_id", "month", "reason", "detail"]
UNSPLIT_REASONS = ("empty_text", "not_a_job_offer", "generic_roles_only", "no_role_title")
REQUIREMENTS_SOURCES = ("own", "shared_only", "none")
FOUND_IN = ("header", "list", "heading", "paragraph", "sentence")


@dataclass(frozen=True)
class RoleSplit:
    """Roles found in postings, and the postings in which none was found.

    Attributes
    ----------
    roles : DataFrame
        One row per advertised role (columns ``ROLE_COLUMNS``): ``source, posting_id,
        role_index`` (0.. within a posting, in reading order), ``month``, ``role_title`` (as
        written), the title's classification (``role_family, seniority, technical_pm,
        product_owner, match_method, matched_reference``, see
        :func:`trendlab.clean.titles.classify_title`), ``found_in`` (``header``, ``list``,
        ``heading``, ``paragraph`` or ``sentence``), ``requirements_text`` (the role's own
        text, or missing), ``shared_text`` (text shared by all roles of a multi-role post)
        and ``requirements_source``: ``own``, ``shared_only`` (only shared text applies) or
        ``none``.
    unsplit : DataFrame
        One row per posting with no role: ``source, posting_id, month, reason, detail``
        (``reason`` in ``UNSPLIT_REASONS``).
    postings_in : int
        Postings given; each appears in exactly one of ``roles`` or ``unsplit``.
    """

    roles: pd.DataFrame
    unsplit: pd.DataFrame
    postings_in: int

    def __post_init__(self) -> None:
        with_roles = self.roles["posting_id"].nunique()
        if with_roles + len(self.unsplit) != self.postings_in:
            raise AssertionError(
                f"posting accounting broken: {self.postings_in} in != {with_roles} with roles "
                f"+ {len(self.unsplit)} unsplit"
            )


# --------------------------------------------------------------------------- cue words


@dataclass(frozen=True)
class _Cues:
    heads: frozenset[str]
    areas: frozenset[str]
    area_roles: frozenset[str]
    dept_roles: frozenset[str]
    bare_only: frozenset[str]
    fluff: frozenset[str]
    stop: frozenset[str]
    trigger: re.Pattern[str]
    trigger_lower: re.Pattern[str]
    trigger_words: re.Pattern[str]
    clause_end: re.Pattern[str]
    section: re.Pattern[str]
    closing: re.Pattern[str]
    generic: re.Pattern[str]
    not_offer: re.Pattern[str]


KINDS = ("head", "area", "area_role", "dept_role", "bare_only", "fluff", "stop", "trigger", "trigger_word", "clause_end", "section", "closing", "generic", "not_offer")


@cache
def cues() -> _Cues:
    """Load ``role_cues.csv`` (cached): head nouns, modifiers, stop words and phrase patterns."""
    path = TAXONOMY_DIR / "role_cues.csv"
    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"kind", "term"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected columns kind, term")
        for lineno, row in enumerate(reader, start=2):
            if row["kind"] not in by_kind:
                raise ValueError(f"{path} line {lineno}: field 'kind' is {row['kind']!r}; expected one of {KINDS}")
            by_kind[row["kind"]].append(row["term"])

    def alternation(kind: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        terms = by_kind[kind]
        for t in terms:
            try:
                re.compile(t)
            except re.error as exc:
                raise ValueError(f"{path}: {kind} pattern {t!r} is not a valid regular expression ({exc})") from exc
        return re.compile("|".join(f"(?:{t})" for t in terms) if terms else r"(?!x)x", flags)

    return _Cues(
        heads=frozenset(t.lower() for t in by_kind["head"]),
        areas=frozenset(t.lower() for t in by_kind["area"] + by_kind["area_role"]),
        area_roles=frozenset(t.lower() for t in by_kind["area_role"]),
        dept_roles=frozenset(t.lower() for t in by_kind["dept_role"]),
        bare_only=frozenset(w for t in by_kind["bare_only"] for w in t.lower().split()),
        fluff=frozenset(t.lower() for t in by_kind["fluff"]),
        stop=frozenset(t.lower() for t in by_kind["stop"]),
        trigger=alternation("trigger"),
        trigger_lower=alternation("trigger", 0),
        trigger_words=re.compile("|".join(re.escape(t.lower()) for t in by_kind["trigger_word"])),
        clause_end=alternation("clause_end"),
        section=alternation("section"),
        closing=alternation("closing"),
        generic=alternation("generic"),
        not_offer=alternation("not_offer"),
    )


# --------------------------------------------------------------------------- role titles

_BULLET = re.compile(
    r"^\s*(?:[-*•·‣▪◦►▸▹➢➤→○●■□✓✔★☆>+–—]\s*|\d{1,2}(?:\.\)|[.):])\s+|\(\d{1,2}\)\s+|[a-z][.)]\s+)"
)
_INLINE_BULLETS = re.compile(r"\s+(?=[*•·]\s+\S)")
_PAREN_LEAD = re.compile(r"^\(([^()]{2,60})\)\s*")
_MARKUP = re.compile(r"^[\s*_#`\"'“”]+|[\s*_#`\"'“”]+$")
_TRAILING_PARENS = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$")
_WORD_EDGE = ".,;:!?()[]{}\"'“”‘’*_`"
_RAILS = re.compile(r"\bruby on rails\b", re.IGNORECASE)
_FIRST = re.compile(r"^(?:our|my|his|her|their)\s+(?:first|founding|next)\s+", re.IGNORECASE)
_COUNT = re.compile(r"^(?:\d+\s*x?|\(\d+\)|x\d+|\d{1,2}[.)])\s+", re.IGNORECASE)
_HEAD_OF = re.compile(
    r"^(?:heads?|directors?|vps?|svp|evp|vice presidents?|chief|managers?)\s+(?:of|for)\s+\S"
    r"|^(?:vps?|svp|evp)\s+\S|^(?:heads?|directors?)\s*,\s*\S",
    re.IGNORECASE,
)
_QUALIFIED_HEAD = {"owner": "product", "master": "scrum"}  # heads that need their partner word
_SENIORITY_ONLY = re.compile(
    r"^(?:senior|sr\.?|junior|jr\.?|staff|principal|lead|mid[- ]?level|mid|entry[- ]level|intern)$",
    re.IGNORECASE,
)
_PARENS_ANY = re.compile(r"\([^()]*\)")
_URL = re.compile(r"\(?\s*(?:https?://|www\.)\S+\)?", re.IGNORECASE)
_LIST_SPLIT = re.compile(
    r"\s*(?:,|;|\s\+\s|\s&\s|\band/or\b|\bas well as\b|\band\b|\s\d{1,2}[.)]\s)\s*", re.IGNORECASE
)
_LEAD_SEP = re.compile(r":(?=\s|$)|\s[-–—]{1,2}\s|\s[|@.]\s|\s?(?:→|⟶|->|=>|»)|\(?https?://", re.IGNORECASE)
_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_WORDY = re.compile(r"[^\W\d_]{2}")  # a line with a word in it (not "----")
_HEADER_PIPE = re.compile(r"\s*\|\s*")
_HEADER_DASH = re.compile(r"\s+(?:-{1,2}|–|—|·|•)\s+|\s*;\s+")
_ALSO_HIRING = re.compile(
    r"^\W*(?:(?:we(?:'re|’re| are)|we\s+are|now)\s+)?also\s+(?:hiring|seeking|looking\s+for|recruiting)\b", re.IGNORECASE
)
_HIRING_PREFIX = re.compile(
    r"^\W*(?:(?:we(?:'re|’re| are)|now|currently|also|is|are)\s+)*(?:hiring|seeking|looking for|recruiting)(?:\s+for)?\s*:?\s*",
    re.IGNORECASE,
)


def _clean_word(w: str) -> str:
    return w.strip(_WORD_EDGE).lower()


def _is_head(word: str, previous: str) -> bool:
    heads = cues().heads
    w = word
    if w not in heads:
        if w.endswith("ies") and w[:-3] + "y" in heads:
            w = w[:-3] + "y"
        elif w.endswith("s") and w[:-1] in heads:
            w = w[:-1]
        elif w.endswith("es") and w[:-2] in heads:
            w = w[:-2]
        else:
            return False
    partner = _QUALIFIED_HEAD.get(w)
    return partner is None or previous == partner


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split on ``pattern`` outside parentheses and brackets."""
    if "(" not in text and "[" not in text:
        return pattern.split(text)
    out, start = [], 0
    for m in pattern.finditer(text):
        a = m.start()
        if m.end() == a:
            continue
        depth = text.count("(", 0, a) - text.count(")", 0, a) + text.count("[", 0, a) - text.count("]", 0, a)
        if depth > 0:
            continue
        out.append(text[start:a])
        start = m.end()
    out.append(text[start:])
    return out


def _lead(content: str) -> tuple[str, str]:
    """The text before the first separator outside parentheses, and the text after it."""
    head = content[:120]
    for m in _LEAD_SEP.finditer(head):
        a = m.start()
        if head.count("(", 0, a) - head.count(")", 0, a) > 0:
            continue
        return content[:a], content[m.end() :].lstrip(" :-–—|@")
    return content, ""


@lru_cache(maxsize=500_000)
def as_title(candidate: str, allow_area: bool = False) -> str | None:
    """The candidate as a role title (fluff stripped), or None when it does not read as one.

    A title has at most seven words, ends in a head noun ("engineer", "managers", "CTO") or
    reads "Head/Director/VP of X", and holds no stop word (pronouns, verbs, prepositions).
    With ``allow_area`` a bare engineering area ("Backend", "iOS") also counts.

    Examples
    --------
    >>> as_title("two talented Backend Engineers")
    'Backend Engineers'
    >>> as_title("our product manager") is None
    True
    >>> as_title("Head of Product")
    'Head of Product'
    """
    c = _MARKUP.sub("", candidate).strip(" \t.,:;!?-–—([")
    c = _FIRST.sub("", _COUNT.sub("", c))
    if not c or len(c) > 90:
        return None
    words = c.split()
    c_cues = cues()
    while words and _clean_word(words[0]) in c_cues.fluff:
        words = words[1:]
    if not words:
        return None
    c = " ".join(words)
    base = c
    while True:  # "Engineer (Backend) (Remote)" is checked as "Engineer"
        stripped = _TRAILING_PARENS.sub("", base)
        if stripped == base or not stripped:
            break
        base = stripped
    bwords = [_clean_word(w) for w in _RAILS.sub("rails", base).split()]
    bwords = [w for w in bwords if w]
    if not bwords or len(bwords) > 7:
        return None
    if any(w in c_cues.stop for w in bwords):
        return None
    last = bwords[-1]
    prev = bwords[-2] if len(bwords) > 1 else ""
    if _is_head(last, prev):
        if _SENIORITY_ONLY.match(base) or last in ("lead", "leads") and len(bwords) == 1:
            return None
        if all(w in c_cues.bare_only or w in c_cues.fluff for w in re.split(r"[\s/]+", " ".join(bwords)) if w):
            return None  # "Interns", "Summer internships": no kind of work named
        return c
    if _HEAD_OF.match(base):
        return c
    if bwords[-3:] == ["member", "of", "technical", "staff"][-3:] and "technical" in bwords:
        return c
    if allow_area and (_is_area(bwords, c_cues.area_roles) or last in c_cues.dept_roles):
        return c
    return None


def _is_area(words: list[str], areas: frozenset[str] | None = None) -> bool:
    areas = cues().areas if areas is None else areas
    joined = " ".join(words)
    return joined in areas or all(w in areas for w in words)


_SCREEN_SPLIT = re.compile(r"[\s(]+")


def _is_bare(text: str) -> bool:
    """A lead made only of words that name no kind of work ("Full time", "Paid internship")."""
    words = [w for w in (_clean_word(x) for x in text.split()) if w]
    c = cues()
    return bool(words) and all(w in c.bare_only or w in c.fluff for w in words)


def _has_head_word(text: str) -> bool:
    """A fast screen: some word could end a title (a head noun, or "of" as in "Head of X")."""
    # "Product Manager(Growth)": a parenthesis glued to a word does not hide the head noun
    for w in _SCREEN_SPLIT.split(text.lower()):
        w = w.strip(_WORD_EDGE)
        if w in ("of", "staff") or w in _QUALIFIED_HEAD or w[:-1] in _QUALIFIED_HEAD or _is_head(w, ""):
            return True
    return False


def _is_modifier(item: str) -> bool:
    """An item that can take the head of the item after it: "Python", "iOS", "Frontend"."""
    words = [w for w in (_clean_word(x) for x in _PARENS_ANY.sub(" ", item).split()) if w]
    if not words or len(words) > 3:
        return False
    fluff = cues().fluff
    while words and words[0] in fluff:
        words = words[1:]
    return bool(words) and _is_area(words)


def title_items(segment: str, *, strict: bool, allow_area: bool = False) -> list[str] | None:
    """The role titles listed in a segment ("Frontend, Backend and DevOps Engineers").

    A modifier item takes the head of the title after it ("Frontend" -> "Frontend Engineers").
    With ``strict`` every item must be a title or such a modifier (else None: the segment is
    a sentence, not a list of roles); otherwise items that are not titles are skipped.

    Examples
    --------
    >>> title_items("Frontend, Backend and DevOps Engineers", strict=True)
    ['Frontend Engineers', 'Backend Engineers', 'DevOps Engineers']
    >>> title_items("Junior Developer, London, UK", strict=False)
    ['Junior Developer']
    """
    seg = _HIRING_PREFIX.sub("", segment).strip()
    if not seg:
        return None if strict else []
    items = [i.strip() for i in _split_top(seg, _LIST_SPLIT)]
    items = [i for i in items if i and i.strip(" .,:;-")]
    titles: list[str | None] = [as_title(i, allow_area) for i in items]
    if not strict:
        new_items: list[str] = []
        new_titles: list[str | None] = []
        for item, t in zip(items, titles, strict=True):
            if t is None and allow_area and " / " in item:
                # "Developer / Cloud Engineer / Technical Program Managers" in a header field
                parts = [p for p in (as_title(x, allow_area) for x in item.split(" / ")) if p]
                if parts:
                    new_items.extend(parts)
                    new_titles.extend(parts)
                    continue
            new_items.append(item)
            # "hackers of all kinds to help us" -> "hackers"
            new_titles.append(t if t is not None else _title_prefix(item, allow_area))
        items, titles = new_items, new_titles
    # right to left: a modifier takes the head noun of the nearest title to its right
    head: str | None = None
    for k in range(len(items) - 1, -1, -1):
        t = titles[k]
        if t is not None and head and allow_area and as_title(items[k]) is None and _is_modifier(items[k]):
            # "Frontend, Backend and DevOps Engineers": a bare area takes the head after it
            titles[k] = as_title(f"{_MARKUP.sub('', items[k])} {head}")
            continue
        if t is not None:
            words = _MARKUP.sub("", _TRAILING_PARENS.sub("", t)).split() or [""]
            last = words[-1].strip(_WORD_EDGE)
            prev = _clean_word(words[-2]) if len(words) > 1 else ""
            head = last if _is_head(last.lower(), prev) else None
            continue
        if head and _is_modifier(items[k]):
            titles[k] = as_title(f"{_MARKUP.sub('', items[k])} {head}")
        elif head and _SENIORITY_ONLY.match(_MARKUP.sub("", items[k]).strip()):
            titles[k] = ""  # "Senior and Staff Engineers": one role, not a role per level
    # "Senior Software Engineer, Payments Platform": a short trailing item qualifies a title;
    # a qualifier joined to one by "&" or "and" qualifies it too ("Senior PM, SDK & Primitives")
    absorbed: set[int] = set()
    for k in range(1, len(items)):
        j = k - 1
        if j in absorbed and not re.search(rf"{re.escape(items[j])}\s+(?:&|and)\s+{re.escape(items[k])}", seg):
            continue
        while j in absorbed:
            j -= 1
        if titles[k] is None and titles[j] and _is_qualifier(items[k], titles[j], strict):
            titles[j] = f"{titles[j]}, {items[k].strip(' -–—:;,.')}"
            titles[k] = ""
            absorbed.add(k)
    out = [t for t in titles if t]
    if strict and (any(t is None for t in titles) or not out):
        return None
    return out


_TECH_QUALIFIER = re.compile(
    r"\b(technical|platforms?|apis?|infrastructure|infra|data|ml|machine learning|ai|developer tools?|devtools|sdks?)\b",
    re.IGNORECASE,
)
_PM_LIKE = re.compile(r"\b(product|pms?)\b", re.IGNORECASE)


def _is_qualifier(item: str, title: str, strict: bool) -> bool:
    words = [_clean_word(w) for w in item.split()]
    if not words or len(words) > 3 or any(w in cues().stop for w in words):
        return False
    if strict:
        return item.strip()[:1].isupper()
    # in a header field only a technical PM qualifier is kept ("Senior PM, Platform")
    return bool(_PM_LIKE.search(title) and _TECH_QUALIFIER.search(item))


def _dash_list(content: str) -> list[str] | None:
    """The titles of a line that lists three or more roles between spaced dashes, or None.

    Most pieces must read as titles; a piece that does not (a place, a cut-off item) is skipped.
    """
    pieces = [p for p in _split_top(content, _HEADER_DASH) if p.strip()]
    if len(pieces) < 3:
        return None
    found = [title_items(p, strict=True) for p in pieces]
    n = sum(1 for f in found if f)
    if n < 3 or 2 * n < len(pieces):
        return None
    return [t for f in found if f for t in f]


def _dash_qualifier(title: str, rest: str) -> str | None:
    """A technical-PM qualifier written after a dash: "Product Manager - Platform"."""
    if not rest or not _PM_LIKE.search(title):
        return None
    first, _ = _lead(rest)
    first = _TRAILING_PARENS.sub("", first).strip()
    return first if first and _is_qualifier(first, title, strict=False) else None


def _title_prefix(item: str, allow_area: bool) -> str | None:
    """The longest leading run of words that reads as a title, ending at a head noun or ")"."""
    words = item.split()
    if len(words) < 2 or len(words) > 40:
        return None
    for n in range(min(len(words), 12) - 1, 0, -1):
        w = words[n - 1]
        cw = _clean_word(w)
        if w.endswith(")") or _is_head(cw, _clean_word(words[n - 2]) if n > 1 else ""):
            t = as_title(" ".join(words[:n]), allow_area)
            if t:
                return t
    return None


# --------------------------------------------------------------------------- one post


@dataclass
class _Role:
    title: str
    found_in: str
    own: list[str]
    line: int  # first line where the role appears (-1: header)


def _header(lines: list[str]) -> tuple[int, int, list[str] | None]:
    """(first, last) line index of the header and its fields; fields None when not a header."""
    first = next((i for i, ln in enumerate(lines) if _WORDY.search(ln)), -1)
    if first < 0:
        return -1, -1, None
    last = first
    line = lines[first]
    # a header broken over two lines: "Acme |" then "Engineer | NYC"
    nxt = next((i for i in range(first + 1, len(lines)) if lines[i]), None)
    if nxt is not None and (line.endswith("|") or lines[nxt].startswith("|")) and len(lines[nxt]) < 300:
        line, last = f"{line} {lines[nxt]}", nxt
    if "|" in line:
        fields = [f.strip() for f in _split_top(line, _HEADER_PIPE)]
    elif len(line) <= 250 and _HEADER_DASH.search(line):
        fields = [f.strip() for f in _split_top(line, _HEADER_DASH)]
    else:
        return first, first, None
    return first, last, [f for f in fields if f]


def _own_text(rest: str) -> str:
    """Text after ``Title:`` counts as the role's own when it says more than a link or a place."""
    words = _URL.sub(" ", rest).split()
    return rest.strip() if len(words) >= 4 else ""


def _split_post(text: str, company: str | None) -> tuple[list[_Role], str | None, str, str | None]:
    """Roles of one post, its shared text, its header line, and the unsplit reason if none."""
    c = cues()
    lines = []
    for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        ln = ln.strip()
        # "* UI Developer * Data Developer" written on one line
        if len(_INLINE_BULLETS.findall(ln)) >= 2:
            lines.extend(p.strip() for p in _INLINE_BULLETS.split(ln))
        else:
            lines.append(ln)
    first, last, fields = _header(lines)
    if first < 0:
        return [], None, "", "empty_text"
    header_line = " ".join(lines[first : last + 1])
    if c.not_offer.search(lines[first]):
        return [], None, header_line, "not_a_job_offer"

    roles: list[_Role] = []
    header_rest: list[str] = []
    if fields is not None:
        for fi, field in enumerate(fields):
            if fi == 0 and company and field.lower().startswith(company.lower()):
                # "Acme: Data Product Manager | ...": a title may follow the company's name
                after = field[len(company) :]
                found = title_items(after.lstrip(" :-–—@"), strict=False, allow_area=True) if after[:1] in (":", " ") else None
                header_rest.append(field)
                roles.extend(_Role(t, "header", [], -1) for t in found or [])
                continue
            found = title_items(field, strict=False, allow_area=True) or []
            if not found:
                header_rest.append(field)
            roles.extend(_Role(t, "header", [], -1) for t in found)
        body_start = last + 1
    else:
        body_start = first
        if len(lines[first]) <= 150:  # "Monroe MI, ONSITE, Linux System Administrator"
            found = title_items(lines[first], strict=False) or []
            roles.extend(_Role(t, "header", [], -1) for t in found)

    # classify each body line: role line (titles + inline text), or plain text
    role_at: dict[int, tuple[list[str], str, bool]] = {}
    dash_listed: set[int] = set()
    mentions: list[tuple[int, str]] = []
    if fields is not None:  # "Visual.ly - San Francisco is looking for a Growth Hacker"
        for tm in c.trigger.finditer(header_line):
            after = header_line[tm.end() :].lstrip(" :")
            end = c.clause_end.search(after)
            for t in title_items(after[: end.start()] if end else after, strict=False) or []:
                mentions.append((-1, t))
    for i in range(body_start, len(lines)):
        line = lines[i]
        if not line:
            continue
        m = _BULLET.match(line)
        content = line[m.end() :] if m else line
        content = _MARKUP.sub("", content) if len(content) < 120 else content
        pm_ = _PAREN_LEAD.match(content)
        if pm_:  # "(Software Engineers) Innovation at any layer ..."
            lead, rest = pm_.group(1), content[pm_.end() :]
        else:
            lead, rest = _lead(content)
            if rest and _is_bare(lead):  # "FULL TIME - Product Manager"
                lead, rest = _lead(rest)
        titles = None
        if len(lead) <= 90 and (m or lead[:1].isupper() or lead[:1].isdigit()) and _has_head_word(lead):
            titles = title_items(lead, strict=True)
            if not titles and _AT.search(lead):  # "Full Stack Developer at Acme"
                titles = title_items(_AT.split(lead, maxsplit=1)[0], strict=True)
            if titles and _ALSO_HIRING.match(lead):
                # "(Also hiring for PMs, Designers)": an aside that names roles, owning no text
                mentions.extend((i, t) for t in titles)
                continue
        if not titles and line.count("|") >= 2 and len(line) < 300:
            # a second header line: "Seattle | Acme | Sr. Engineering Manager | Onsite"
            found = [t for f in _split_top(line, _HEADER_PIPE) for t in title_items(f, strict=False, allow_area=True) or []]
            if found:
                role_at[i] = (found, "", False)
                continue
        if titles and rest:
            listed = _dash_list(content)
            if listed:  # "Technical Writer - Product Manager - Robotics Engineer - ...": a list, no own text
                role_at[i] = (listed, "", bool(m))
                dash_listed.add(i)
                continue
        if titles:
            qual = _dash_qualifier(titles[-1], rest)
            if qual:  # "Product Manager - Platform (SF) - http://..."
                titles[-1] = f"{titles[-1]} - {qual}"
                rest = rest[len(qual) :].lstrip(" :-–—|@")
            role_at[i] = (titles, _own_text(rest), bool(m))
            continue
        for tm in _triggers(line, c):
            after = line[tm.end() :].lstrip(" :")
            end = c.clause_end.search(after)
            clause = after[: end.start()] if end else after
            for t in title_items(clause, strict=False) or []:
                mentions.append((i, t))
    # own text: inline text, then following lines (bullets only after an inline paragraph)
    role_lines = sorted(role_at)
    owned: dict[int, list[int]] = {}
    for n, i in enumerate(role_lines):
        titles, inline, bullet = role_at[i]
        prev_i = role_lines[n - 1] if n else None
        next_i = role_lines[n + 1] if n + 1 < len(role_lines) else None
        in_list = not inline and (
            (prev_i is not None and not role_at[prev_i][1] and _adjacent(lines, prev_i, i))
            or (next_i is not None and not role_at[next_i][1] and _adjacent(lines, i, next_i))
        )
        if in_list or i in dash_listed:
            continue
        taken = []
        stop_at = next_i if next_i is not None else len(lines)
        for j in range(i + 1, stop_at):
            ln = lines[j]
            if not ln:
                continue
            if c.section.search(ln) or c.closing.search(ln):
                break
            if inline and not _BULLET.match(ln):
                break
            taken.append(j)
        owned[i] = taken

    found_kind = {}
    for i in role_lines:
        titles, inline, bullet = role_at[i]
        in_list = i not in owned
        kind = "list" if in_list else ("paragraph" if inline else "heading")
        found_kind[i] = kind
        own = ([inline] if inline else []) + [lines[j] for j in owned.get(i, [])]
        for t in titles:
            # several titles on one line share that line's text
            roles.append(_Role(t, kind, list(own), i))
    for i, t in mentions:
        roles.append(_Role(t, "sentence", [], i))
    roles.sort(key=lambda r: r.line)  # stable: header first, then in reading order
    roles = _merge(roles)

    used = set(role_at) | {j for js in owned.values() for j in js}
    shared_lines = ([" | ".join(header_rest)] if header_rest else []) + [
        lines[j] for j in range(body_start, len(lines)) if lines[j] and j not in used
    ]
    shared = "\n".join(shared_lines).strip() or None
    if not roles:
        whole = "\n".join(ln for ln in lines if ln)
        g = c.generic.search(whole)
        return [], None, header_line, ("generic_roles_only" if g else "no_role_title")
    if len(roles) == 1:
        # a single role owns everything the post says
        body = ([" | ".join(header_rest)] if header_rest else []) + [
            lines[j] for j in range(body_start, len(lines)) if lines[j] and (j not in role_at or role_at[j][1])
        ]
        roles[0].own = [ln for ln in body if ln]
        return roles, None, header_line, None
    return roles, shared, header_line, None


def _triggers(line: str, c: _Cues) -> list[re.Match[str]]:
    """Hiring phrases in a line, searched only near the words every phrase holds (fast)."""
    spans: list[list[int]] = []
    low = line.lower()
    # the patterns are lower case: matching the lowered line without IGNORECASE is faster
    text, pattern = (low, c.trigger_lower) if len(low) == len(line) else (line, c.trigger)
    for m in c.trigger_words.finditer(low if text is low else line.lower()):
        a, b = max(0, m.start() - 45), min(len(line), m.end() + 25)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    found: dict[tuple[int, int], re.Match[str]] = {}
    for a, b in spans:
        for tm in pattern.finditer(text, a, b):
            found.setdefault((tm.start(), tm.end()), tm)
    return [found[k] for k in sorted(found)]


def _adjacent(lines: list[str], a: int, b: int) -> bool:
    return all(not lines[k] for k in range(a + 1, b))


_LEVEL_WORDS = frozenset({"senior", "junior", "staff", "principal", "lead", "mid", "level", "entry", "experienced"})


@lru_cache(maxsize=200_000)
def _key(title: str) -> frozenset[str]:
    """Title words without level words, singular: "Senior Engineers" -> {"engineer"}."""
    base = _TRAILING_PARENS.sub("", title)
    words = re.findall(r"[a-z0-9+#]+", normalize_title(base))
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in _LEVEL_WORDS
    )


_BODY_KINDS = frozenset({"list", "heading", "paragraph"})


def _merge(roles: list[_Role]) -> list[_Role]:
    """Merge mentions of one role ("Engineers" in the header, "Backend Engineer:" below)."""
    if len(roles) < 2:
        return roles
    out: list[_Role] = []
    keys: list[frozenset[str]] = []
    fams: list[str] = []
    for r in roles:
        k = _key(r.title)
        fam = _classify_known(r.title, None).role_family
        for n, (o, ok) in enumerate(zip(out, keys, strict=True)):
            if o.found_in in _BODY_KINDS and r.found_in in _BODY_KINDS and o.line != r.line:
                continue  # two role lines are two roles, even with the same title
            if (k <= ok or ok <= k) and fam == fams[n]:
                if not o.own and r.own:
                    o.own, o.found_in = r.own, r.found_in
                    if k > ok:
                        o.title, keys[n] = r.title, k
                elif k > ok and not r.own:
                    o.title, keys[n] = r.title, k  # keep the more specific title
                break
        else:
            out.append(_Role(r.title, r.found_in, list(r.own), r.line))
            keys.append(k)
            fams.append(fam)
    return out


# --------------------------------------------------------------------------- many posts


def split_roles(postings: pd.DataFrame, *, fuzzy: bool | TitleIndex = True) -> RoleSplit:
    """Split postings into the roles they advertise.

    Parameters
    ----------
    postings : DataFrame
        At least ``source, posting_id, month, text`` (the ``postings`` table); ``company`` is
        used when present. ``text`` is plain text, one paragraph or list item per line.
    fuzzy : bool or TitleIndex
        Passed to :func:`trendlab.clean.titles.classify_titles` for titles that no exact or
        rule match settles.

    Returns
    -------
    RoleSplit
        ``roles`` (one row per role) and ``unsplit`` (postings with no role, with a reason).

    Raises
    ------
    ValueError
        When a required column is missing or a ``posting_id`` repeats.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"source": ["hn"], "posting_id": ["7"], "month": ["2015-06"],
    ...     "text": ["Acme - Boston\\nWe're hiring a data scientist and a designer."]})
    >>> split_roles(posts, fuzzy=False).roles["role_family"].tolist()
    ['data_science_analytics', 'design']
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in postings.columns]
    if missing:
        raise ValueError(
            f"postings lack column(s) {', '.join(missing)}; expected at least {', '.join(REQUIRED_COLUMNS)}"
        )
    dup = postings["posting_id"][postings["posting_id"].duplicated()]
    if len(dup):
        raise ValueError(f"postings: posting_id must be unique; repeated: {sorted(map(str, dup.unique()))[:10]}")

    companies = postings["company"] if "company" in postings.columns else pd.Series(None, index=postings.index)
    rows: list[tuple] = []
    contexts: list[str] = []
    unsplit: list[tuple] = []
    for src, pid, month, text, company in zip(
        postings["source"], postings["posting_id"], postings["month"], postings["text"], companies, strict=True
    ):
        if not isinstance(text, str) or not text.strip():
            unsplit.append((src, pid, month, "empty_text", None))
            continue
        roles, shared, header, reason = _split_post(text, company if isinstance(company, str) else None)
        if reason is not None:
            unsplit.append((src, pid, month, reason, None))
            continue
        for n, r in enumerate(roles):
            own = "\n".join(r.own).strip() or None
            source_kind = "own" if own else ("shared_only" if shared else "none")
            rows.append((src, pid, n, month, r.title, r.found_in, own, shared, source_kind))
            contexts.append(f"{header}\n{own or ''}")

    base = pd.DataFrame(
        rows,
        columns=["source", "posting_id", "role_index", "month", "role_title", "found_in",
                 "requirements_text", "shared_text", "requirements_source"],
    )
    cls = classify_titles(
        base["role_title"], pd.Series(contexts, index=base.index, dtype=object), fuzzy=fuzzy
    )
    roles = base.assign(
        role_family=cls["role_family"],
        seniority=cls["seniority"],
        technical_pm=cls["technical_pm"],
        product_owner=cls["product_owner"],
        match_method=cls["match_method"],
        matched_reference=cls["matched_reference"],
    )[ROLE_COLUMNS]
    roles = roles.astype(
        {c: "string" for c in ROLE_COLUMNS if c not in ("role_index", "technical_pm", "product_owner")}
        | {"role_index": "Int64", "technical_pm": "boolean", "product_owner": "boolean"}
    )
    unsplit_df = pd.DataFrame(unsplit, columns=UNSPLIT_COLUMNS).astype("string")
    return RoleSplit(roles=roles, unsplit=unsplit_df, postings_in=len(postings))
