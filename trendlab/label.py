"""Label posts: does a post hire a product manager, and what does that PM role ask for.

The measuring instrument behind ``trendlab label-postings`` and ``trendlab evaluate``. It reads
plain-text job posts (Hacker News style: first line ``Company | Role | Location``; other origins
are read too) and gives one row per post:

``is_pm_role``
    1 when the post hires for at least one product-management role. The roles come from
    :func:`trendlab.clean.roles.split_roles` and :mod:`trendlab.clean.titles`; a PM title that
    the splitter leaves in running text ("we're hiring engineers, designers and product
    managers", "openings in sales and product management") or misses because it is written
    with a slip ("Product Manger") is found by :func:`pm_mentions`,
    which keeps a mention only after a hiring phrase and with no word between them that makes
    the PM a colleague, a customer or the poster ("work with our product managers").
``pm_requires_technical``
    1 when a PM role's title is technical (:mod:`trendlab.clean.titles` markers) or its own
    requirements ask for a term of a technical skill family (:mod:`trendlab.clean.skills`)
    as a requirement.
``pm_prefers_technical``, ``pm_requires_eng_background``
    A technical term asked only as preferred; a term of the ``eng_background`` family required.
``pm_requirements_stated``
    The PM role has text of its own that asks something or says what the job does, or the post
    has an ask addressed to every hire.
``pm_titles``, ``technical_terms``
    The PM titles as written, and the technical terms asked of the PM (``;``-joined, in order;
    a preferred term is marked ``(preferred)``).

The PM columns are empty when ``is_pm_role`` is 0.

:func:`pm_role_asks` gives the same reading one row per PM role (the post labels are its
aggregate: a flag holds when it holds for any PM role of the post), with the skill families
asked; :func:`pm_asks_table` is that frame for the ``postings`` table, keyed like the ``roles``
table, which the PM measures (:mod:`trendlab.measure.pm`) count and correct with the rates
``trendlab evaluate`` measures on these very labels.

Which text is the PM's
----------------------
A skill counts for the PM only where the text asks it of the PM. The PM's own text is read
from the layout: a line that opens with the PM title heads the lines below it up to the next
line that opens with another role's title or a heading about another role ("Data Scientists
for Soil Health:"; a list entry followed by the next entry owns its line only); otherwise the
splitter's reading of the role's paragraph or section is kept, with the post's blank lines
restored. A PM the layout gives no text owns the text from a sentence that hires it alone ("I'm
especially looking for a strong product owner.") to the first line about another role; a PM
that the header alone names, in a post where the splitter found no role, owns the post. The
text is cut into units
(a sentence, a list item or a line), each under the heading above it. A unit of the PM's own
text (its paragraph or section, or the whole post when the PM is its only role) counts when it
asks something (second person, "experience with", "required", "a plus", ...) or sits under an
asking heading ("Requirements:", "Nice to have:"), and it does not describe the company's
technology ("Our stack is ...", "we use ...", "built with ..."), address other roles ("our
engineers ..."), or sit under a company heading ("About us:", "Benefits:"). In a post with
several roles, text shared by all of them counts only in a paragraph that addresses every hire
("we need individuals with ...", "all roles ...") and names no other role. The skill header of
the PM's own header line counts ("Data PM | SQL, Python"). A skill named as an interest
("an interest in data science") or as an industry ("the cloud computing industry") is no ask
(T6), nor is a skill of the product's customers ("customers who are not data science savvy") or
of another role ("teams of Java and C++ developers"); experience in a technical domain is
("security or analytics experience"), when every alternative offered is technical (T8, P1). An
understanding of the technology asked in plain words ("a very good understanding of software
and tech in general", "talk with engineers at their own level") is a technical ask (T2); an
understanding of software development methodology or of a market is not. "Ideally" and "...
is ideal" mark a preference; "the ideal candidate has ..." describes the hire sought. Every cue is data, in
``trendlab/taxonomy/pm_label_cues.csv``; the skill terms and their required/preferred status
are the skill taxonomy's.

A slash title with a PM half ("QA Developer/Product Owner", "a tech lead/product manager") is one
role (R6): the other half is no other role, its text is the PM's, and an engineering half makes
the title technical (T1). Text the splitter gives the PM and another role alike is shared (but
the rest of the sentence that lists them). A sentence that names the PM as its topic ("For the
product owner role, ...") addresses it in shared text, one that names another role ("Regarding
the frontend person: ...") or hires another role ("people to be software engineers", "join us
as data scientists") does not; a role the hire has held ("experience working as a developer")
or the product's users named by a role ("our users (developers)") are no other role. A PM named
in running text is read across the lines of a hard-wrapped paragraph. The areas of the PMs hired,
named in the PM's text ("We have PMs in Mobile, Growth/Dev Experience, Server", "a developer
experience PM", "owning core product areas from creation to analytics, API"), are title words: a
technical domain among them makes the title technical (T1, M).
A cue of the next clause or sentence of a unit ("... and preferably experience in geodesy", "B.Sc.
in CS. M.Sc. a plus") does not soften an ask of this one.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"id": ["1", "2", "3"], "text": [
...     "Acme | Product Manager | Oslo\\nYou have 3+ years of experience with SQL.",
...     "Bolt | Backend Engineer | Remote\\nYou will work closely with our product managers.",
...     "Coil | Technical Product Manager, Payments API | NYC",
... ]})
>>> out = label_posts(posts)
>>> out[["is_pm_role", "pm_requires_technical", "technical_terms"]].values.tolist()
[[1, 1, 'SQL'], [0, <NA>, <NA>], [1, 1, <NA>]]
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from trendlab.clean.roles import as_title, split_roles
from trendlab.clean.text import company_of
from trendlab.clean.titles import PM_FAMILY, classify_title, title_slips

CUES_FILE = Path(__file__).resolve().parent / "taxonomy" / "pm_label_cues.csv"
FLAG_COLUMNS = [
    "is_pm_role", "pm_requires_technical", "pm_prefers_technical", "pm_requires_eng_background",
    "pm_requirements_stated",
]
LABEL_COLUMNS = [*FLAG_COLUMNS, "pm_titles", "technical_terms"]
TECHNICAL_GROUP = "technical"
#: Skill groups whose families the labeller reports per role; only the technical group makes an ask technical.
READ_GROUPS = (TECHNICAL_GROUP, "low_code")
ENG_BACKGROUND_FAMILY = "eng_background"
#: Words an asking unit needs (besides the title) to state a requirement.
MIN_ASK_WORDS = 4


class LabelInputError(ValueError):
    """Posts that cannot be labelled: the message names the file, row or column and what was expected."""


# --------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class LabelCues:
    """The compiled cue patterns of :data:`CUES_FILE`, one alternation per kind (for lower-case text)."""

    screen: tuple[re.Pattern[str], ...]
    mention: re.Pattern[str]
    hiring: re.Pattern[str]
    hiring_after: re.Pattern[str]
    blocker: re.Pattern[str]
    not_role_after: re.Pattern[str]
    not_ask: re.Pattern[str]
    ask: re.Pattern[str]
    other_role: re.Pattern[str]
    all_roles: re.Pattern[str]
    ask_heading: re.Pattern[str]
    other_heading: re.Pattern[str]
    mask: re.Pattern[str]
    technical_ask: re.Pattern[str]
    background_ask: re.Pattern[str]
    not_background: re.Pattern[str]
    preferred: re.Pattern[str]
    required: re.Pattern[str]
    negated: re.Pattern[str]
    title_stop: re.Pattern[str]
    interest: re.Pattern[str]
    not_hire: re.Pattern[str]
    market: re.Pattern[str]
    domain: re.Pattern[str]
    domain_head: re.Pattern[str]
    pm_kind: re.Pattern[str]
    nontech_option: re.Pattern[str]
    pm_hires: re.Pattern[str]
    domain_ask: re.Pattern[str] = field(default=re.compile(r"(?!)"))


#: Kinds a cue file holds; ``domain_ask`` is composed from ``domain`` (see :func:`read_cues`).
CUE_KINDS = tuple(f.name for f in __import__("dataclasses").fields(LabelCues) if f.name != "domain_ask")


def read_cues(path: Path | str = CUES_FILE) -> LabelCues:
    """Read and compile a cue file (``kind, pattern, note``; every kind of :class:`LabelCues` needed).

    Raises
    ------
    ValueError
        A row has an unknown kind, an empty pattern or a pattern that does not compile, or a
        kind has no pattern; the message names the file, the line and the field.

    Examples
    --------
    >>> bool(read_cues().not_ask.search("our stack is python and postgres"))
    True
    """
    path = Path(path)
    by_kind: dict[str, list[str]] = {k: [] for k in CUE_KINDS}
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"kind", "pattern"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected columns kind, pattern, note; got {reader.fieldnames}")
        for lineno, row in enumerate(reader, start=2):
            kind, pattern = (row.get("kind") or "").strip(), row.get("pattern") or ""
            if kind not in by_kind:
                raise ValueError(f"{path} line {lineno}: field 'kind' is {kind!r}; expected one of {CUE_KINDS}")
            if not pattern.strip():
                raise ValueError(f"{path} line {lineno}: field 'pattern' is empty")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{path} line {lineno}: field 'pattern' is not a valid regular expression ({exc})") from exc
            by_kind[kind].append(pattern)
    empty = [k for k, v in by_kind.items() if not v]
    if empty:
        raise ValueError(f"{path}: no pattern of kind(s) {empty}")
    compiled = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in by_kind.items()}
    compiled["screen"] = tuple(re.compile(p) for p in by_kind["screen"])
    compiled["domain_ask"] = _domain_ask(*("|".join(f"(?:{p})" for p in by_kind[k]) for k in ("domain", "domain_head")))
    return LabelCues(**compiled)


def _domain_ask(domain: str, head: str = r"(?!)") -> re.Pattern[str]:
    """Experience in a technical domain asked as such (T2, T8): "security or analytics experience",
    "strong data chops", "experience with APIs and integrations", "experience working with public
    cloud providers and containers". An item is a domain with at most one word before it and a
    ``head`` noun after it ("public cloud providers"). Every item of a list of alternatives must
    be a domain ("experience in healthcare or analytics" asks no technical skill, P1), and a
    domain followed by "industry" or "market" is market knowledge (T6)."""
    d = rf"(?:{domain})"
    item = rf"(?:(?!(?:and|or|nor|but|no|not)\s)[a-z][\w-]*\s+)?{d}(?:\s+(?:{head}))?"
    items = rf"{item}(?:\s*(?:,\s*(?:and\s+|or\s+)?|/|&|\s+and\s+|\s+or\s+)\s*{item})*"
    market = r"(?!\s+(?:industry|industries|market|markets|space|sector|landscape))"
    noun = r"(?:experience|background|chops|expertise|knowledge|skills?)"
    # "experience working with ...", "experience in delivering ...": the work the experience was gained in
    verb = r"(?:(?:working|building|developing|deploying|shipping|using)\s+)?"
    return re.compile(
        rf"\b{items}{market}(?:\s+product)?\s+{noun}\b"
        rf"|\b{noun}\s+{verb}(?:in|with|of|on)\s+{verb}(?:an?\s+|the\s+)?{items}\b{market}"
        rf"(?!\s*(?:,\s*|\s+)(?:or|and/or)\s+(?!{d})\w)"
    )


@cache
def cues() -> LabelCues:
    """The installed cue file, compiled once."""
    return read_cues(CUES_FILE)


def may_hold_pm(text: str, c: LabelCues | None = None) -> bool:
    """Whether a text can hold a PM title at all (a cheap screen run before splitting).

    Examples
    --------
    >>> may_hold_pm("Acme | Backend Engineer | we ship weekly"), may_hold_pm("Acme | Sr. PM")
    (False, True)
    """
    c = c or cues()
    low = text.lower()
    return any(rx.search(low) for rx in c.screen) or bool(title_slips(text))


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` (on its lower case) replaced by spaces (offsets kept)."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: leave the text alone
        return text
    out, last = [], 0
    for m in pattern.finditer(low):
        out.append(text[last : m.start()])
        out.append(" " * (m.end() - m.start()))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


# --------------------------------------------------------------------------- units of text

# a sentence ends at ".", "!" or "?" before a space, but not after an initial, "e.g", "i.e", "etc", "vs",
# a degree ("B.Sc.", "M.Eng.") or a title's abbreviation ("Sr.", "Jr.", "Dir.", "Dr.")
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\.Sc)(?<!\.Eng)(?<!\bSr)(?<!\bJr)(?<!\bDir)(?<!\bDr)"
    r"[.!?](?=\s+|$)"
)
_WORDS = re.compile(r"[^\W\d_]{2,}")
_BULLET = re.compile(r"^[ \t]*(?:[-*•·‣▪◦►▸>+–—|]+|\d{1,2}[.)]|\[\d{1,2}\])[ \t]*", re.M)
# "--Where You Fit In--", "## Requirements", "**About us**": a decorated line is a heading
_DECORATED = re.compile(r"^\s*(?:[-=*#_~]{2,}|#)\s*[^\W_].{0,60}?\s*[-=*#_~:]*\s*$")
_DECORATION = re.compile(r"^[\s\-=*#_~]+|[\s\-=*#_~]+$")
_RULE_LINE = re.compile(r"^\s*[-=_*~]{5,}\s*$")


@dataclass(frozen=True)
class Unit:
    """A sentence, list item or line of a text: ``[start, end)``, its section and paragraph.

    ``section`` is the kind of the heading above: ``ask`` (requirements), ``pref`` (nice to
    have), ``other`` (about the company) or ``""`` (no heading, or a neutral one).
    """

    start: int
    end: int
    section: str
    paragraph: int
    heading: bool


def text_units(text: str, c: LabelCues | None = None) -> list[Unit]:
    """Cut a text into units, each with the kind of heading it sits under.

    A heading is a line of at most eight words that ends with ":" or matches an ask or company
    heading; its section runs to the next heading. A line is cut into sentences.

    Examples
    --------
    >>> t = "About us:\\nWe build tools.\\nRequirements:\\n- SQL. Python.\\nNice to have:\\n- Go"
    >>> [(t[u.start:u.end], u.section) for u in text_units(t)]  # doctest: +NORMALIZE_WHITESPACE
    [('About us:', 'other'), ('We build tools.', 'other'), ('Requirements:', 'ask'),
     ('- SQL.', 'ask'), ('Python.', 'ask'), ('Nice to have:', 'pref'), ('- Go', 'pref')]
    """
    c = c or cues()
    units: list[Unit] = []
    section, para, pos = "", 0, 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        body = line.strip()
        if not body:
            para += 1
            continue
        low = _DECORATION.sub("", body).lower()
        if len(body.split()) <= 8 and (
            body.endswith(":") or _DECORATED.match(body) or c.ask_heading.match(low) or c.other_heading.match(low)
        ):
            if c.ask_heading.match(low):
                section = "pref" if c.preferred.search(low) else "ask"
            elif c.other_heading.match(low):
                section = "other"
            else:
                section = ""
            units.append(Unit(start, end, section, para, True))
            continue
        s = start
        for m in _SENTENCE_END.finditer(line):
            e = start + m.end()
            _add_unit(units, text, s, e, section, para)
            s = e
        _add_unit(units, text, s, end, section, para)
    return units


def _add_unit(units: list[Unit], text: str, s: int, e: int, section: str, para: int) -> None:
    piece = text[s:e]
    if piece.strip():
        units.append(Unit(s + len(piece) - len(piece.lstrip()), e, section, para, False))


# --------------------------------------------------------------------------- PM mentions in running text

_SENT_BREAK = re.compile(r"[.!?](?=\s)|\n")


def _sentence_bounds(low: str, a: int, b: int) -> tuple[int, int, int]:
    """Start and end of the sentence holding ``low[a:b]``, and the start of the sentence before it
    on the same line (the sentence's own start when there is none)."""
    starts = [0] + [m.end() for m in _SENT_BREAK.finditer(low, 0, a)]
    s = starts[-1]
    prev = starts[-2] if len(starts) > 1 and low[s - 1 : s] != "\n" else s
    m = _SENT_BREAK.search(low, b)
    return s, (m.start() if m else len(low)), prev


_FIELD_START = re.compile(r"\||:\s|\s[-–—/]\s")
# a short capitalised qualifier after a title ends its line: "Product Manager Machine Learning:"
_QUALIFIER_TAIL = re.compile(r"(?:\s+(?:[A-Z0-9][\w+#&/.-]*|of|for|and|&|the|\([^()]*\)))(?:\s+(?:[A-Z0-9][\w+#&/.-]*|of|for|and|&|the|\([^()]*\))){0,3}\s*:?\s*$")
_PUNCT = re.compile(r"[.!?;]")
# what may follow a title that stands alone: an end, a separator, a link (also a markdown link
# "[Product Owner](https://...)"), "with ...", or a role noun and a separator ("Product Manager role: https://...")
_LIST_TAIL = re.compile(r"^\s*(?:$|[-–—:|(,/→]|->|https?://|with\b|for\b|\d|\[|\]\(|(?:role|position|opening)\s*(?:$|[-–—:|(]|https?://))")


def _list_lead_hires(low: str, line_start: int, c: LabelCues) -> bool:
    """The list holding the line at ``line_start`` is introduced by a hiring line ending in ":"."""
    end = line_start - 1
    while end > 0:
        start = low.rfind("\n", 0, end) + 1
        line = low[start:end].strip()
        if line and _BULLET.match(low, start, end) is None:
            return line.endswith(":") and bool(c.hiring.search(line))
        end = start - 1
    return False


_QUALIFIER_WORDS = re.compile(r"(?:[ \t]+(?:[A-Z][\w+#&/.-]*|of|for|and|&))(?:[ \t]+(?:[A-Z][\w+#&/.-]*|of|for|and|&)){0,2}")


def _qualified_title_line(text: str, b: int, end: int, low: str) -> bool:
    """The title at the start of its line goes on with a few qualifier words, then a field, a
    link or a parenthesis ("Sr. Product Manager Analytics (SF) - (http://...)", "Product Manager
    Platform | NYC"): the line is a title line."""
    m = _QUALIFIER_WORDS.match(text, b, end)
    return m is not None and m.end() < end and bool(_LIST_TAIL.match(low[m.end() : end]))


_MANAGEMENT = re.compile(r"management\s*$")
# one or two words right before a title, on its line ("Data" in "Dir. Data Product Manager")
_AREA_WORD = r"(?!(?:and|or|with|for|of|to|as|plus)\b)[A-Za-z][\w-]*[ \t]+"
_AREA_BEFORE_1 = re.compile(rf"(?<![\w/&+-])(?<![/&+,][ \t])(?:{_AREA_WORD})$", re.I)
_AREA_BEFORE_2 = re.compile(rf"(?<![\w/&+-])(?<![/&+,][ \t])(?:{_AREA_WORD}){{2}}$", re.I)
# a hiring phrase then a colon on the title's line, the words before the colon in group 1
_HIRING_COLON = re.compile(r"^([^:\n]{0,60}):\s")
# a heading of the job's duties
_DUTIES_LEAD = re.compile(
    r"\b(?:responsibilit(?:y|ies)|duties|(?:role|job|position|work)\s+(?:involves|includes|entails)|you(?:'ll|\s+will)\s+(?:be\s+)?(?:do|own|doing|responsible)|what\s+you(?:'ll|\s+will)\s+do|day[\s-]to[\s-]day)\b"
)
# a signature line: a dash, the poster's name and a comma ("-Vineet, Co-founder and Head of Product")
_SIGNATURE = re.compile(r"[ \t]*[-–—~][ \t]*[A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*)?[ \t]*,")


def _list_lead_duties(low: str, line_start: int) -> bool:
    """The list holding the line at ``line_start`` is introduced by a line about the job's duties
    ("Responsibilities:", "The role involves:"): an item naming product management is a duty."""
    end = line_start - 1
    while end > 0:
        start = low.rfind("\n", 0, end) + 1
        line = low[start:end].strip()
        if line and _BULLET.match(low, start, end) is None:
            return line.endswith(":") and bool(_DUTIES_LEAD.search(line))
        end = start - 1
    return False


class Mention(NamedTuple):
    """A PM title advertised in running text; ``rest`` is the rest of its line when it opens one."""

    start: int
    end: int
    title: str
    rest: str


def pm_mentions(text: str, c: LabelCues | None = None) -> list[Mention]:
    """PM titles that a post advertises outside the roles the splitter found.

    A mention of a PM title (:data:`CUES_FILE` ``mention``) counts when

    - a hiring phrase comes before it in its sentence (or ends the sentence before it on the
      same line, or follows the list it is in: "..., product managers and designers, and
      other positions available"), and no word between the two makes the PM a colleague, a
      customer or the poster ("work with our product managers", "tools for product
      managers", "I'm a product manager"); a colon restarts the list; or
    - it opens a list item or a line that goes on with a qualifier, a link or nothing
      ("- Product Managers with analytics experience", "Product Manager(Growth) https://...").

    A title that opens a line and goes on with a few qualifier words and then a field, a link or
    a parenthesis is a title line ("Sr. Product Manager Analytics (SF) - (https://...)"). An item
    "product management" in a list of duties ("Responsibilities:", "The role involves:") is a duty,
    and a signature line ending the post ("-Vineet, Co-founder and Head of Product") the poster.
    A title followed by "team", "experience", ... is a modifier, not a role. A title written
    with a slip of the keyboard ("Product Manger", :func:`trendlab.clean.titles.title_slips`)
    is a mention too.

    Examples
    --------
    >>> t = "We have openings in sales and product management. You will work with our product managers."
    >>> [m.title for m in pm_mentions(t)]
    ['product management']
    >>> pm_mentions("Roles:\\n- Product Manager with a technical background")[0].rest
    'with a technical background'
    """
    c = c or cues()
    low = text.lower().replace("\u2019", "'")
    flow = _unwrap(low, text)  # sentences run across the lines of a hard-wrapped post
    out: list[Mention] = []
    spans = sorted([m.span() for m in c.mention.finditer(low)] + [(a, b) for a, b, _ in title_slips(text)])
    for a, b in spans:
        if c.not_role_after.match(low, b):
            continue
        line_start = low.rfind("\n", 0, a) + 1
        bullet = _BULLET.match(low, line_start, a)
        # the words before the title since the line, list item or field began
        lead = _FIELD_START.split(low[bullet.end() if bullet else line_start : a])[-1]
        at_title = len(lead.split()) <= 5 and not _PUNCT.search(lead) and not c.blocker.search(lead)
        if _SIGN_OFF.match(lead) or _SIGN_OFF_LINE.match(low[low.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]):
            continue  # "Thanks, Shalendra VP of Product": the poster's signature
        line_end = low.find("\n", b)
        tail = low[b : line_end if line_end != -1 else len(low)]
        if bullet is not None and _MANAGEMENT.search(low, a, b) and _list_lead_duties(low, line_start):
            continue  # "The role involves:\n* Technical product management": a duty, not a role
        if _SIGNATURE.match(text, line_start) and not text[line_end if line_end != -1 else len(text) :].strip():
            continue  # "-Vineet, Co-founder and Head of Product & Eng" ending the post: the poster
        rest = ""
        if at_title and (bullet is not None or _LIST_TAIL.match(tail) or _QUALIFIER_TAIL.match(text, b, b + len(tail))
                         or _qualified_title_line(text, b, b + len(tail), low)):
            # a list item, a header field or a title line: "- a Product Manager with ...",
            # "Acme | Sr Director Product Management | ...", "C++, Product Management, QA"
            opens = low[bullet.end() if bullet else line_start : a].strip() in ("", "a", "an")
            rest = text[b : b + len(tail)].strip(" \t-–—:,") if opens else ""
        else:
            s, e, prev = _sentence_bounds(flow, a, b)
            before = flow[s:a]
            found = list(c.hiring.finditer(before))
            cue = found[-1] if found else None
            if cue is not None:
                gap = before[cue.end() :]
            elif c.hiring_after.search(flow, b, e) or (prev < s and c.hiring.search(flow, prev, s)):
                gap = before
            elif bullet is not None and _list_lead_hires(low, line_start, c):
                # an item of a list that a hiring line introduces ("... with roles for:")
                gap = before
            elif _ROLE_NOUN_AFTER.match(flow, b):
                # "this is the product manager, mobile position": the title names a role offered
                gap = re.sub(r"^\s*(?:this|it)\s+is\s+(?:the|an?)\s*$", "", re.split(r"[,:;]|\s[-–—]\s", before)[-1])
            elif _in_title_list(text, line_start, a, b):
                # an item of a line that lists role titles ("Web Developers, Head of Engineering,
                # Associate Product Manager (Mobile), PR Specialist, etc.")
                gap = ""
            elif (opener := _HIRING_COLON.search(low[line_start:a])) and c.hiring.search(opener.group(1)):
                # an item of a line that a hiring phrase and a colon open, the items cut by periods
                # ("ShareThis is HIRING: Site Reliability Engr. DevOps. Dir. Data Product Manager.")
                gap = re.split(r"[.;]\s", low[line_start + opener.end() : a])[-1]
            else:
                continue
            if _gap_blocks(gap.rsplit(":", 1)[-1], c, opened=cue is not None):
                continue
        title = text[a:b]
        if classify_title(title).role_family != PM_FAMILY:
            continue
        for area in (_AREA_BEFORE_1.search(text, line_start, a), _AREA_BEFORE_2.search(text, line_start, a)):
            if area is not None and classify_title(text[area.start() : b]).technical_pm:
                # the area words written before the title ("Dir. Data Product Manager"): T1
                a, title = area.start(), text[area.start() : b]
                break
        out.append(Mention(a, b, title, rest))
    return out


_PAREN = re.compile(r"\([^()]*\)")
# a sign-off before the poster's name and title, on the title's line or the line before it
_SIGN_OFF_WORDS = r"^\W*(?:thanks|thank\s+you|cheers|regards|best|sincerely|kind\s+regards|best\s+regards|warmly)"
_SIGN_OFF = re.compile(_SIGN_OFF_WORDS + r"\b")
_SIGN_OFF_LINE = re.compile(_SIGN_OFF_WORDS + r"\W*$")
# hiring idioms whose words would read as blockers: "hiring everything from product managers, ...",
# "looking for people to help with sales, BD, and product management"
_HIRING_IDIOM = re.compile(
    r"\b(?:everything|anything|all\s+roles|roles|positions|openings)\s+from\b"
    r"|\b(?:people|someone|somebody|folks)\s+to\s+help\s+(?:us\s+)?(?:with|in|on)\b"
)
# a role noun right after a title: "the product manager, mobile position", "a Product Owner role"
_ROLE_NOUN_AFTER = re.compile(r"(?:\s*,?\s*[\w-]+){0,2}?\s+(?:position|role|opening|vacancy)s?\b(?!\s+(?:of|in|on|at|within)\b)")
_ITEM_CUT = re.compile(r",\s*(?:and\s+|or\s+)?")
# a list of hires opened after words of its own ("hiring engineers with interest in Rails as well as
# data engineers, Technical Product Managers", "hiring across our tech org including ..."): the
# words before the opener qualify the hiring or an earlier item, not the PM
_LIST_OPENER = re.compile(r"\b(?:as\s+well\s+as|including|such\s+as)\b")
# a range of hires ("any position - from the JavaScript/Python to UI/UX design to marketing to
# product management"): its "to" joins items
_RANGE = re.compile(r"\b(?:positions?|roles?|openings?|jobs?|everything|anything)\W{1,4}from\b")
_RANGE_TO = re.compile(r"\s+to\s+")
# the pressing ones named ("some of the most pressing are ...", "most important to us is to get a")
_PRESSING = re.compile(
    r"\b(?:most\s+)?(?:pressing|urgent|important|critical|needed)(?:\s+(?:ones|roles|positions))?"
    r"(?:\s+(?:to|for)\s+(?:us|me))?\s+(?:are|is)\b"
)
_ITEM_LEAD = re.compile(r"^\W*(?:(?:from|to|and|or|including|like|such\s+as|an?|the)\s+)+")


def _gap_blocks(gap: str, c: LabelCues, opened: bool = False) -> bool:
    """The words between a hiring phrase and a PM title make the PM a colleague, a customer or the
    poster. A parenthesis is an aside ("engineers (experience working on ... is a bonus), a head of
    data, and a Product Manager"); in a list of hires that names other roles, only the PM's own
    item counts ("positions in R&D, from Software Development Managers, Product Managers to ...").
    When the hiring phrase is in the PM's sentence (``opened``), a list opener ("as well as",
    "including", "such as") restarts the list: "hiring engineers with interest in Rails as well as
    Technical Product Managers". The "to" of a range of hires joins its items ("any position - from
    JavaScript to design to product management"), and "the most pressing are" names the hires."""
    gap = _PRESSING.sub(" ", _HIRING_IDIOM.sub(" ", _PAREN.sub(" ", gap)))
    if opened:
        # the hiring phrase of this very sentence opened the list: a list opener restarts it
        gap = _LIST_OPENER.split(gap)[-1]
    if _RANGE.search(gap):
        gap = _RANGE_TO.sub(", ", gap[_RANGE.search(gap).end() :])
    if not c.blocker.search(gap):
        return False
    items = _ITEM_CUT.split(gap)
    if len(items) < 3 or c.blocker.search(items[0]) or c.blocker.search(items[-1]):
        return True
    # the blocker stands in the items between: each must name a role of its own
    return not all(_names_role(i) for i in items[1:-1] if c.blocker.search(i))


def _names_role(item: str) -> bool:
    """A list item that is a role title ("from Software Development Managers", "customer support specialist")."""
    item = _ITEM_LEAD.sub("", item).strip(" .:-")
    return bool(item) and as_title(item) is not None


def _in_title_list(text: str, line_start: int, a: int, b: int) -> bool:
    """The title at ``[a, b)`` is an item of a comma list of role titles that makes up its line, one
    of the post's first two lines (its header, where a list of titles is what the post hires; lower
    down it may list a team): at least two other items are titles and the title's own item is the
    title (with a parenthesis)."""
    if len([ln for ln in text[:line_start].split("\n") if ln.strip()]) > 1:
        return False
    end = text.find("\n", b)
    line = text[line_start : end if end != -1 else len(text)]
    items = [i.strip(" .;") for i in _PAREN.sub("", line).split(",")]
    items = [i for i in items if i and i.lower() not in ("etc", "and more", "more")]
    own = _PAREN.sub("", text[line_start:a]).count(",")
    if len(items) < 3 or own >= len(items):
        return False
    mine = re.sub(r"^(?:and|or)\s+", "", items[own].strip(), flags=re.I)
    if mine.lower() != text[a:b].lower():
        return False
    if re.match(r"^\W*[\w ]{1,30}:\s", line):
        return False  # "Technologies: Figma, ..., Product Management": a labelled list of skills
    titles = sum(_names_role(re.sub(r"^(?:and|or)\s+", "", i, flags=re.I)) for k, i in enumerate(items) if k != own)
    return titles >= 2 and titles >= (len(items) - 1) * 2 / 3


_SOFT_WRAP = re.compile(r"(?<=[^\s.:!?;])\n(?=[a-z(\"'])")


def _unwrap(low: str, text: str | None = None) -> str:
    """``low`` with the line breaks of a hard-wrapped paragraph made spaces (same length): a break
    after a line of 50 characters or more that ends without a stop, before a lower-case word (of
    ``text``, the original of ``low`` when given)."""
    out = list(low)
    for m in _SOFT_WRAP.finditer(text if text is not None and len(text) == len(low) else low):
        if m.start() - (low.rfind("\n", 0, m.start()) + 1) >= 50:
            out[m.start()] = " "
    return "".join(out)


# --------------------------------------------------------------------------- what the PM is asked


@dataclass
class _PmRole:
    title: str
    technical_title: bool
    own: str  # the role's own text ("" when none)
    shared: str  # text shared with the post's other roles ("" when none)
    found_by: str = "split"  # "split", "bare_pm" (R5) or "mention" (running text, pm_mentions)
    role_index: int | None = None  # the splitter's index of the role in its post
    addressed: bool = False  # its own text is read from a sentence that hires it (:func:`_addressed_own`)
    hybrid_technical: bool = False  # a slash title whose other half is an engineering role (R6, T1)

    @property
    def found_by_split(self) -> bool:
        return self.found_by != "mention"


def _stronger(old: str | None, new: str) -> bool:
    return old is None or _STATUS_RANK[new] > _STATUS_RANK[old]


@dataclass
class _Evidence:
    required: bool = False
    eng_background: bool = False
    stated: bool = False
    title: bool = False  # the title names a technical PM (T1)
    terms: dict[str, str] = field(default_factory=dict)  # term -> strongest status, in order found
    families: dict[str, str] = field(default_factory=dict)  # skill family -> strongest status

    def add(self, term: str, status: str, background: bool, family: str) -> None:
        if _stronger(self.terms.get(term), status):
            self.terms[term] = status
        if _stronger(self.families.get(family), status):
            self.families[family] = status
        if status == "required":
            self.required = True
            self.eng_background |= background

    def add_family(self, family: str, status: str) -> None:
        if _stronger(self.families.get(family), status):
            self.families[family] = status

    def merge(self, other: _Evidence) -> None:
        self.required |= other.required
        self.eng_background |= other.eng_background
        self.stated |= other.stated
        self.title |= other.title
        for mine, theirs in ((self.terms, other.terms), (self.families, other.families)):
            for key, st in theirs.items():
                if _stronger(mine.get(key), st):
                    mine[key] = st

    def flags(self) -> dict[str, object]:
        """The label columns of this evidence (one role, or a post's roles merged)."""
        return {
            "pm_requires_technical": int(self.required),
            "pm_prefers_technical": int(any(st == "preferred" for st in self.terms.values())),
            "pm_requires_eng_background": int(self.eng_background),
            "pm_requirements_stated": int(self.stated),
            "technical_terms": ";".join(t if st == "required" else f"{t} (preferred)" for t, st in self.terms.items())
            or None,
        }


_STATUS_RANK = {"negated": 0, "preferred": 1, "required": 2}
TECHNICAL_ASK_TERM = "Technical understanding"
DOMAIN_ASK_TERM = "Technical domain experience"
BACKGROUND_ASK_TERM = "Engineering background"
#: The family of a technical ask in general words (T2): no skill family of the taxonomy holds it.
TECHNICAL_ASK_FAMILY = "technical_understanding"


def _header_fields(text: str) -> tuple[str, list[str]]:
    """The first non-empty line and its ``|`` fields."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip(), [f.strip() for f in line.split("|")]
    return "", []


def _without_header(part: str, header: str) -> str:
    """``part`` without a first line made of the post's header fields (the splitter puts them there)."""
    if not part or not header:
        return part or ""
    first, _, rest = part.partition("\n")
    fields = [f.strip() for f in first.split("|") if f.strip()]
    if fields and all(f in header for f in fields):
        return rest
    return part


def _address_runs(plain: list[str], low_units: list[str], units: list[Unit], c: LabelCues) -> set[int]:
    """Units of shared text that an address to every hire covers.

    A run starts at a unit that addresses every hire ("we need individuals with ...", "all
    roles", a hiring sentence that lists the PM with other roles and qualifies them all: "we
    hire developers, designers and product people with ...", the product function as the hirer:
    "Product is looking to bring on people with ...") and goes on through the units after it in its paragraph; it ends at a heading, a
    new paragraph, or a unit about another role. A hiring sentence that lists the PM among
    the other roles does not end it.
    """
    covered: set[int] = set()
    run, para = False, None
    for i, (u, p, low) in enumerate(zip(units, plain, low_units, strict=True)):
        if u.paragraph != para:
            run, para = False, u.paragraph
        names_other = _about_other_role(low, c) and _lists_pm(p, c) is None
        if u.heading or names_other:
            run = bool(c.all_roles.search(p)) and not names_other
            continue
        if c.all_roles.search(p) or c.pm_hires.search(p) or _lists_pm(p, c) is not None or _pm_topic(c).search(p):
            run = True
        if run:
            covered.add(i)
    return covered


@cache
def _pm_topic(c: LabelCues) -> re.Pattern[str]:
    """A sentence that opens its asks by naming the PM as their topic: "For the product owner role,
    experience with ...", "In a Technical Product Manager we are looking for ...", "As a product
    manager, you will ..."."""
    return re.compile(
        rf"(?:^|[.!?:]\s+)\W*(?:for|in|as)\s+(?:the\s+|our\s+|an?\s+|this\s+)?(?:{c.mention.pattern})"
        rf"(?:\s+(?:role|position|opening|job)s?)?\s*(?:,|:|\s(?:we|you|they|the\s+ideal|candidates?)\b)"
    )


# the rest of a list of hires after the PM, then the clause that qualifies them all
_LIST_QUALIFIER = re.compile(
    r"(?:\s*(?:,|&|/|\band\b|\bor\b)\s*(?:and\s+|or\s+)?(?:[\w+-]+\s+){0,3}?[\w+-]+){0,6}\s*,?\s*(?<=\s)(?P<q>with|who|that)\b"
)


def _lists_pm(p: str, c: LabelCues) -> int | None:
    """Where the asks begin in a hiring sentence that lists the PM among other roles and goes on
    to qualify them all ("we hire developers, designers and product people with ..."): what the
    qualifier asks, it asks of every role of the list, the PM too. None when the unit is no such
    sentence; the list itself names areas hired, not skills asked ("... back end development,
    product management, data science")."""
    hire = c.hiring.search(p)
    if hire is None:
        return None
    for m in (*c.mention.finditer(p, hire.end()), *c.pm_kind.finditer(p, hire.end())):
        q = _LIST_QUALIFIER.match(p, m.end())
        if q is not None:
            return q.start("q")
    return None


_AS_OBJECT = re.compile(r"\b(?:with|to|alongside|and|by|from|among|between|that|which|whom|help|helps|enable|enables|empower|support|supports|like)\b")


def _about_other_role(low: str, c: LabelCues) -> bool:
    """A unit asks something of another role: it names one that is not merely the object of the
    PM's work ("we need engineers who ...", "our engineers love Rust"; but "write specs that
    engineers want to read", "work with engineers")."""
    topic = _ROLE_TOPIC.search(low)
    if topic and not c.mention.search(topic.group(0)):
        return True  # "Regarding the frontend / data viz person: ..."
    for m in c.other_role.finditer(low):
        before = low[max(0, m.start() - 40) : m.start()].split()[-4:]
        if _HIRE_WAS.search(" ".join(before)):
            continue  # "you have worked as a software developer": the hire's past, no other role
        if _USERS_ARE.search(low[max(0, m.start() - 60) : m.start()]):
            continue  # "understand our users (developers)", "tools for developers": the product's users
        # "people to be software engineers", "join us as data scientists": the role hired, no object
        if not _AS_OBJECT.search(" ".join(before)) or _AS_ROLE.search(" ".join(before)):
            return True
    return False


# a sentence that opens by naming the role it is about
_ROLE_TOPIC = re.compile(
    r"^\W*(?:regarding|re:|as\s+for|about|for)\s+(?:the|our|an?)\s+(?:[\w/+&.-]+\s+){1,4}?(?:person|people|folks|role|position|hire)s?\s*[:,]"
)
# the hire named by a role it has held: "you were a software engineer", "experience working as a developer"
_HIRE_WAS = re.compile(
    r"\b(?:you(?:'ve|'re|\s+were|\s+are|\s+have\s+been)|been|worked|working|experience|years?|background|career|stint)"
    r"(?:\s+as)?(?:\s+an?)?(?:\s+(?:former|ex|professional))?(?:\s+[\w-]+)?$"
)
# the product's users or customers named by a role ("our users (developers)", "tools for developers")
_USERS_ARE = re.compile(
    r"\b(?:users?|customers?|clients?|audiences?|buyers?|consumers?|community)\s*(?:[(,:]|\s[-–—])?\s*"
    r"(?:(?:like|such\s+as|mostly|are|who\s+are|i\.e\.,?|e\.g\.,?|including)\s+)?(?:other\s+)?$"
    r"|\b(?:tools?|products?|platforms?|apps?|software|services?|solutions?|apis?|sdks?)\s+"
    r"(?:(?:built|made|designed)\s+)?(?:for|used\s+by|loved\s+by)\s+(?:[\w-]+\s+)?$"
)
_AS_ROLE = re.compile(r"\b(?:as|be|become)(?:\s+(?:an?|the|our))?(?:\s+[\w-]+)?$")


def _admissible(
    plain: list[str], low_units: list[str], units: list[Unit], c: LabelCues, *, shared: bool, section: bool = False
) -> list[bool]:
    """Which units ask something of the PM (see the module docstring).

    ``plain`` are the units' lower-cased texts; ``low_units`` the same with skill mentions
    blanked, so that a role noun inside a skill ("ex-engineer") is not taken for another role.
    """
    addressed = _address_runs(plain, low_units, units, c) if shared else set()
    return [
        not u.heading
        and u.section != "other"
        and not c.not_ask.search(p)
        and (not _about_other_role(low, c) or (shared and i in addressed and _lists_pm(p, c) is not None))
        and (section or u.section in ("ask", "pref") or bool(c.ask.search(p)))
        and (not shared or i in addressed)
        for i, (u, p, low) in enumerate(zip(units, plain, low_units, strict=True))
    ]


def _read_asks(
    text: str, matcher, c: LabelCues, *, shared: bool, whole: bool = False, section: bool = False
) -> _Evidence:
    """Technical terms, technical asks and background asks in the admissible units of ``text``.

    With ``whole`` every unit is admissible (the skill fields of the PM's header line). With
    ``section`` (the PM's own section of a post with several roles) a unit need not ask: a duty
    written as a bare verb ("Lead technical conversations with ...") is the role's.
    """
    ev = _Evidence()
    if not text.strip():
        return ev
    text = _blank(text, c.mask).replace("\u2019", "'")  # a typographic apostrophe reads as "'"
    found = [h for h in matcher.find(text) if matcher._group.get(h.taxonomy_id) in READ_GROUPS]
    hits = [h for h in found if matcher._group.get(h.taxonomy_id) == TECHNICAL_GROUP]
    other = [h for h in found if matcher._group.get(h.taxonomy_id) != TECHNICAL_GROUP]
    units = text_units(text, c)
    starts = [h.start for h in hits]
    low_units = []
    for u in units:
        chars = list(text[u.start : u.end].lower())
        for h in hits[bisect.bisect_left(starts, u.start - 200) : bisect.bisect_left(starts, u.end)]:
            for k in range(max(h.start, u.start), min(h.end, u.end)):
                chars[k - u.start] = " "
        low_units.append("".join(chars))
    plain = [text[u.start : u.end].lower() for u in units]
    ok = [True] * len(units) if whole else _admissible(plain, low_units, units, c, shared=shared, section=section)
    spans = [(u.start, u.end) for u, good in zip(units, ok, strict=True) if good]
    if shared:
        # a hiring sentence that lists the PM with other roles asks only in its qualifier
        spans = [(a + _qualifier_at(text[a:b].lower(), c), b) for a, b in spans]
    for (a, b), u in zip(spans, [u for u, good in zip(units, ok, strict=True) if good], strict=True):
        # header fields and pay state no requirement (S2)
        if not whole and not _FIELDS_LINE.search(text[a:b]) and len(_WORDS.findall(_PAY.sub(" ", text[a:b]))) >= MIN_ASK_WORDS:
            ev.stated = True
        low = text[a:b].lower()
        for pattern, term, background, family in (
            (c.technical_ask, TECHNICAL_ASK_TERM, False, TECHNICAL_ASK_FAMILY),
            (c.domain_ask, DOMAIN_ASK_TERM, False, TECHNICAL_ASK_FAMILY),
            (c.background_ask, BACKGROUND_ASK_TERM, True, ENG_BACKGROUND_FAMILY),
        ):
            for m in pattern.finditer(low):
                if _not_a_skill_ask(low, m.start(), m.end(), c):
                    continue
                # the cues of the clause that holds the ask ("X is not required, but Y is a must")
                clause, after = _clause(low, m.start())
                if c.negated.search(clause):
                    continue
                # "... would help, but it's not required": the ask is a preference
                soft = bool(c.negated.search(after)) and not c.negated.search(clause)
                status = "preferred" if u.section == "pref" or soft or c.preferred.search(clause) else "required"
                ev.add(term, status, background, family)
    span_starts = [a for a, _ in spans]
    span_units = [u for u, good in zip(units, ok, strict=True) if good]
    for h in hits:
        if h.status == "negated":
            continue
        k = bisect.bisect_right(span_starts, h.start) - 1
        if k < 0 or h.start >= spans[k][1]:
            continue
        a, b = spans[k]
        if _not_a_skill_ask(text[a:b].lower(), h.start - a, h.end - a, c):
            continue
        background = matcher._family[h.taxonomy_id] == ENG_BACKGROUND_FAMILY and not c.not_background.search(
            " ".join(h.surface.lower().split())
        )
        status = h.status
        if status == "required" and not whole:
            # softeners the skill cues do not know ("... wouldn't hurt"), unless the clause
            # also says the skill is required
            clause, _ = _clause(text[a:b].lower(), h.start - a)
            # under a preference heading the skill cues may not see ("Preferred Experience" with no colon)
            if (c.preferred.search(clause) or span_units[k].section == "pref") and not c.required.search(clause):
                status = "preferred"
        ev.add(h.term, status, background, h.family)
        ev.stated |= whole  # a skill in the PM's header is a stated requirement (T3)
    for h in other:
        # low-code building is reported by family but is no technical ask
        k = bisect.bisect_right(span_starts, h.start) - 1
        if h.status != "negated" and k >= 0 and h.start < spans[k][1]:
            ev.add_family(h.family, h.status)
    return ev


def _qualifier_at(p: str, c: LabelCues) -> int:
    """Offset of the qualifier of a hiring sentence that lists the PM with other roles (0 when
    the unit is no such sentence, or names no other role)."""
    at = _lists_pm(p, c) if _about_other_role(p, c) else None
    return at or 0


_FIELDS_LINE = re.compile(r"\|.*\|")
_PAY = re.compile(r"[$€£]\s?[\d.,]+\s*[kK]?(?:\s*[-–]\s*[$€£]?\s?[\d.,]+\s*[kK]?)?(?:\s*(?:usd|eur|gbp|\+\s*equity))?", re.I)
_ASKED = re.compile(r"\b(?:experience|skills?|knowledge|proficien\w*|expert\w*|familiar\w*|background|degree|able|abilit\w+)\b")


def _not_a_skill_ask(low: str, start: int, end: int, c: LabelCues) -> bool:
    """A skill mention of a unit that is interest, market knowledge or someone else's, not a
    skill asked of the hire (T6).

    Interest: an interest cue earlier in the clause with no ask word between it and the
    mention ("an interest in hard science and data science"; but "an interest in games and
    experience with SQL" asks SQL). Someone else's: a clause about the product's customers or
    users before it, again with no ask word between ("empathize with customers who are not data
    science savvy"), or another role's noun right after it, or after the list it ends ("teams of
    Java and C++ developers"). Market: the mention names an industry ("the cloud computing
    industry").
    """
    clause_start = max([0] + [m.end() for m in _CONTRAST.finditer(low, 0, start)])
    for cue in (c.interest, c.not_hire):
        found = list(cue.finditer(low, clause_start, start))
        if found and not _ASKED.search(low, found[-1].end(), start):
            return True
    if _nontech_alternative(low, start, end, c):
        return True
    after = _LIST_ON.match(low, end).end()
    # "front-end, back-end, and SRE roles": areas hired, not skills asked
    return bool(c.market.match(low, end)) or bool(c.other_role.match(low, after)) or bool(_HIRED_AREA.match(low, after))


_HIRED_AREA = re.compile(r"(?:positions?|roles?|openings?|jobs?|hires?|vacancies)\b")


# "a finance or [software] engineering background": the words of the mention's own item may come between
_OR_BEFORE = re.compile(r"([\w\s,/-]{0,40}?)\b(?:or|and/or)\s+(?:an?\s+|other\s+)?(?:[\w-]+\s+){0,2}$")
_OR_AFTER = re.compile(r"\s*(?:,\s*)?(?:or|and/or)\s+(?:an?\s+|other\s+)?([\w-]+(?:\s+[\w-]+)?)")


def _nontech_alternative(low: str, start: int, end: int, c: LabelCues) -> bool:
    """The mention is one option of an either-or whose other option is not technical ("a business
    or computer science background", "a degree in CS or finance"): a non-technical hire meets
    the ask, so it asks no technical skill (P1)."""
    before = _OR_BEFORE.search(low, max(0, start - 60), start)
    if before and c.nontech_option.search(before.group(1).rsplit(" in ", 1)[-1]):
        return True
    after = _OR_AFTER.match(low, end)
    return bool(after and c.nontech_option.match(after.group(1)))


# the rest of a list of skills a mention starts: "Java[ and C++] developers"
_LIST_ON = re.compile(r"(?:\s*(?:,|/|&|\band\b|\bor\b)\s*[\w+#.-]+)*\s*")
_TITLE_POSITION = re.compile(r"(?:^|[|,:;(]|\s[-–—]\s|[-*•·>]\s*|\d[.)]\s*)\s*(?:an?\s+)?$")
_ENUM_COMMA = re.compile(r",\s+(?!(?:and\s+)?\d\))")


# where a clause ends: a contrast, ";", a sentence inside one unit ("B.Sc. in Computer Science. M.Sc. or
# Ph.D. a plus"), or "and" opening a preferred ask ("a BS in a technical field and preferably experience
# in geodesy"): a cue of the next clause does not soften an ask of this one
_CONTRAST = re.compile(
    r",?\s+(?:but|however|although|though|whereas)\s+|;\s*|(?<=[a-z]{3})\.\s+(?=[a-z])"
    r"|,?\s+(?:and|or)\s+(?=(?:preferably|ideally|optionally|(?:it\s+)?would\s+be\s+(?:nice|great))\b)"
)


def _clause(low: str, pos: int) -> tuple[str, str]:
    """The clause of ``low`` that holds ``pos`` (cut at "but", "however", ";") and the next one."""
    cuts = [0] + [m.end() for m in _CONTRAST.finditer(low)] + [len(low)]
    k = min(bisect.bisect_right(cuts, pos) - 1, len(cuts) - 2)
    nxt = low[cuts[k + 1] : cuts[k + 2]] if k + 2 < len(cuts) else ""
    return low[cuts[k] : cuts[k + 1]], nxt


# where a field that can hold a title begins: a line, a bullet, "|", ",", ":", ";", "(", a spaced dash
_FIELD_BEGIN = re.compile(r"(?:^|[|,:;(]|\s[-–—]\s|[-*•·>]\s)\s*")
# a clause that qualifies the hire rather than names the role: its words are asks, not title words
_TITLE_CLAUSE = re.compile(r"\s(?:with|who|that|which|preferably|ideally|having|to)\b")
_LIST_ITEM = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b)\s*")
# where a title's words end for sure: a sentence end, an inline bullet
_SEGMENT_END = re.compile(r"[.!?](?=\s|$)|\s[*•·]\s")
_AND_NEXT = re.compile(r"\s(?:and|&|or)\s+")
_COORDINATED = re.compile(r"(?:^|\s)(?:and|or|&)(?:\s|$)|/")
_TITLE_LABEL = re.compile(r"\s*(?::|\s[-–—])\s+([^:|;\n(]*?)\s*(?=$|https?://|[:|;(]|\s[-–—]\s)")


def _title_segments(text: str, title: str, c: LabelCues) -> list[str]:
    """The words written with a PM title where it stands as a title (at the start of a line,
    a header field or a list item).

    A segment runs from the title to the first stop (a spaced dash, ":", "|", a link, a place,
    pay, a clause that qualifies the hire, or a comma that starts the next item), and takes in
    the words before the title in its field when they read as one title with it ("...  -
    Engineering Product Manager - ..."). A short item after a comma that is no title itself
    qualifies the title ("Product Manager, Data + ML", "Group Product Manager, Platform").
    """
    low, t = text.lower(), title.lower()
    out = []
    at = low.find(t)
    while at != -1 and len(out) < 5:
        ls = low.rfind("\n", 0, at) + 1
        start = at if (_TITLE_POSITION.search(low, ls, at) or _TITLE_POSITION.search(low[ls:at])) else None
        if start is None:
            begins = [m.end() for m in _FIELD_BEGIN.finditer(low, ls, at)]
            pre = low[begins[-1] : at] if begins else ""
            # "... - Engineering Product Manager": not "DevOps and Product Manager", two roles
            if (begins and 1 <= len(pre.split()) <= 3 and not _COORDINATED.search(pre)
                    and as_title(text[begins[-1] : at + len(t)])):
                start = begins[-1]
        if start is not None:
            le = low.find("\n", at)
            seg = low[start : le if le != -1 else len(low)]
            end_t = at - start + len(t)
            cut = [m.start() for m in (c.title_stop.search(seg, end_t), _TITLE_CLAUSE.search(seg, end_t),
                                       _SEGMENT_END.search(seg, end_t)) if m]
            cut += [k for k in (seg.find("|", end_t), seg.find(";", end_t)) if k != -1]
            stop = min(cut) if cut else len(seg)
            for m in _AND_NEXT.finditer(seg, end_t, stop):
                if as_title(re.split(r",|\s(?:and|&|or)\s", seg[m.end() : stop], maxsplit=1)[0]) is not None:
                    stop = m.start()  # "Head of Product and a VP of Engineering": the next role
                    break
            for m in _ENUM_COMMA.finditer(seg, end_t, stop):
                item = re.sub(r"\([^)]*\)?", " ", seg[m.end() : stop])  # "Platform (hybrid, $200k)"
                # one short item that ends the segment and is no title qualifies it; more items
                # make a list ("product management, analytics, credit, operations")
                if ("," in item or len(item.split()) > 4 or _COORDINATED.search(item)
                        or as_title(item.strip(" .:-–—")) is not None):
                    stop = m.start()
                    break
            out.append(seg[:stop])
            # a short label after a colon or a spaced dash: "Product Manager: Growth / Dev
            # Experience https://...", "Product Manager - Integrations: Own the roadmap ..."
            label = _TITLE_LABEL.match(seg, end_t)
            if label and 0 < len(label.group(1).split()) <= 4 and as_title(label.group(1)) is None:
                out.append(f"{seg[:end_t]} {label.group(1)}")
        at = low.find(t, at + len(t))
    return out


# the areas of the PMs hired, named in the PM's own text: "We have PMs in Mobile, Growth/Dev
# Experience, Server", "2 product managers - one focusing on industry verticals and a developer experience PM"
_PM_AREAS = re.compile(r"\b(?:pms|product\s+managers)\s+(?:in|for|on|across|covering)\s+([^.!?\n;:()]{3,80})", re.I)
_AREA_PM = re.compile(r"\b(?:an?|one|another|the)\s+((?:[\w/-]+\s+){1,2}?)pm\b", re.I)
_OWNED_AREAS = re.compile(
    r"\b(?:own|owns|owning|lead|leads|leading|run|runs|running)\s+(?:[\w-]+\s+){0,2}?(?:product\s+)?(?:areas|surfaces)\s+"
    r"(?:from|such\s+as|like|including|in|across)\s+([^.!?\n;:()]{3,80})", re.I)
_AREA_CUT = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b|\bto\b)\s*")


def _technical_areas(own: str) -> bool:
    """An area of the PMs hired, named in the PM's own text, is a technical domain (T1): the
    area read as a title ("Dev Experience Product Manager") is a technical PM title."""
    areas = [i for pat in (_PM_AREAS, _OWNED_AREAS) for m in pat.finditer(own) for i in _AREA_CUT.split(m.group(1))]
    areas += [m.group(1) for m in _AREA_PM.finditer(own)]
    for area in areas:
        area = area.strip(" -")
        if not area or len(area.split()) > 3:
            continue
        cls = classify_title(f"{area} Product Manager")
        if cls.role_family == PM_FAMILY and cls.technical_pm:
            return True
    return False


def _technical_title(role: _PmRole, text: str, others: list[str], c: LabelCues) -> bool:
    """The title, or the words written with it, name a technical PM (T1)."""
    if role.technical_title or _technical_areas(_blank(role.own, c.mask)):
        return True
    other = {o.lower() for o in others if o}
    for seg in _title_segments(text, role.title, c):
        # a segment that lists another role is a list of roles, not one title
        if len(seg.split()) > 15 or any(i.strip(" .:-–—()") in other for i in _LIST_ITEM.split(seg)):
            continue
        cls = classify_title(_blank(seg, c.mask))
        if cls.role_family == PM_FAMILY and cls.technical_pm:
            return True
    return False


def _evidence(role: _PmRole, text: str, others: list[str], matcher, c: LabelCues) -> _Evidence:
    """What a PM role's title, its own text and the asks shared with it say."""
    header, fields = _header_fields(text)
    title = _technical_title(role, text, others, c) or role.hybrid_technical
    ev = _Evidence(required=title, title=title)
    ev.merge(
        _read_asks(_without_header(role.own, header), matcher, c, shared=False,
                   section=bool(others) and role.found_by_split and not role.addressed)
    )
    ev.merge(_read_asks(_without_header(role.shared, header), matcher, c, shared=True))
    # "Data Product Manager | SQL, Python": skill fields right after a header field that is
    # the PM's title alone
    for k, f in enumerate(fields):
        # "Acme: Data PM" is the title field too
        if role.title and _blank(f, c.mask).rsplit(": ", 1)[-1].strip(" -:,.").lower() == role.title.strip().lower():
            ev.merge(_read_asks(" | ".join(fields[k + 1 :]), matcher, c, shared=False, whole=True))
            break
    return ev


_BARE_PM = re.compile(r"\bpms?\b", re.I)


_QUALIFIED_BY = re.compile(r"\s*(?:,\s*)?(?:with|who|that|having)\b[^.!?\n]*", re.IGNORECASE)


def _title_tail(text: str, title: str) -> str:
    """The clause that qualifies a title in its sentence: "Product Managers with a tech background"."""
    at = text.lower().find(title.lower())
    if at < 0:
        return ""
    m = _QUALIFIED_BY.match(text, at + len(title))
    return m.group(0).strip(" ,") if m else ""


def _from_sentence(text: str, title: str, own: str) -> str:
    """A role named in a sentence owns text from that sentence's line on, not the text before it
    ("... we need Python. We are also hiring a Director of Product."), and the clause that
    qualifies it in its sentence ("... Product Managers with a tech background")."""
    if not own:
        return _title_tail(text, title)
    at = own.lower().find(title.lower())
    if at < 0:
        return own
    return own[own.rfind("\n", 0, at) + 1 :]


# what may stand before a title that opens its line: a bullet, decoration, an employment type
_LINE_OPENER = re.compile(
    r"^[\s>*#=_~|•·‣▪◦►▸+\-–—]*(?:\(?\d{1,2}[.)]\s*|\[\d{1,2}\]\s*)?"
    r"(?:(?:full|part)[\s-]?time|contract|remote|on-?site|intern(?:ship)?)?\s*[-–—:|]?\s*(?:an?\s+)?$",
    re.IGNORECASE,
)
# what may follow it: nothing, a separator, a parenthesis, a link, or a short qualifier
_TITLE_LINE_REST = re.compile(r"^\s*(?:$|[-–—:|(\[,/→=*#_~]|->|https?://|www\.|\$)")
_DECORATION_LEAD = re.compile(r"^\s*([-=*#_~]{2,}|#)")


# a verb and its object where a title would be: "Manage a small team of project managers", "Lead our ..."
_SENTENCE_WORD = re.compile(r"^\W*[a-z]+\s+(?:a|an|the|our|your|their|its)\s", re.IGNORECASE)


def _opens_role_line(line: str, titles: list[str], c: LabelCues) -> bool:
    """A line that opens with a role title: one of ``titles``, or words before its first separator
    that read as one ("Backend Engineer - Help us ...", "- Sales Associate (Part-time)|")."""
    body = _DECORATION.sub("", _BULLET.sub("", line, count=1)).strip()
    if not body:
        return False
    low = body.lower()
    if any(t and low.startswith(t.lower()) for t in titles):
        return True
    parts = re.split(r"\s*[|(\[]|" + c.title_stop.pattern, body, maxsplit=1)
    lead = parts[0].strip(" :-–—*#=")
    if len(parts) == 1 and len(body.split()) > 8:
        return False  # a sentence, not a title line
    # a duty line ("Manage a small team of project managers") is no title line
    return bool(lead) and as_title(lead) is not None and not _SENTENCE_WORD.search(lead)


def _role_heading(line: str, c: LabelCues) -> bool:
    """A heading line (short, ends with ":") about another role: "Statisticians & Data Scientists
    to Focus on Energy:" starts that role's section even when it does not read as a title."""
    body = _DECORATION.sub("", _BULLET.sub("", line, count=1)).strip()
    return (body.endswith(":") and len(body.split()) <= 12 and not _PUNCT.search(body)
            and _about_other_role(body.lower(), c))


def _section_own(text: str, title: str, others: list[str], c: LabelCues) -> str | None:
    """The text a PM title heads where it opens a line: the section under it (None: it opens no line).

    A line that opens with the title and goes on with nothing, a separator, a link or a short
    qualifier ("PRODUCT MANAGER - FULL TIME - SF", "Product Manager Machine Learning:", "- Product
    Manager, Dotcom |") heads the lines below it, up to the next line that opens with another
    role's title (one the splitter found, or words that read as a title), a rule line, or a
    heading decorated like its own. A title line next to another role's line, or a list item
    next to an item of the same list, is one entry of a list (first, middle or last): it owns
    the rest of its line only. Every line the
    title heads is collected (a title may head a list item and, later, a section).
    """
    lines = text.split("\n")
    low_t = title.lower()
    parts: list[str] = []
    for i, line in enumerate(lines):
        at = line.lower().find(low_t)
        if at < 0 or not _LINE_OPENER.match(line[:at]):
            continue
        rest = line[at + len(title) :]
        if not (_TITLE_LINE_REST.match(rest) or _QUALIFIER_TAIL.match(rest)):
            continue  # "Product managers are expected to ...": a sentence, not a title line
        parts.append(rest.strip(" \t-–—:|,"))
        deco = _DECORATION_LEAD.match(line)
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        after = next((lines[j] for j in range(i + 1, len(lines)) if lines[j].strip()), "")
        bullet = _BULLET.match(line)
        same = [b is not None and bullet is not None and b.group(0).rstrip() == bullet.group(0).rstrip()
                for b in (_BULLET.match(before), _BULLET.match(after))]
        if any(same) or _opens_role_line(before, others, c) or _opens_role_line(after, others, c):
            continue  # an entry of a list (of roles), first, middle or last: it heads nothing
        for nxt in lines[i + 1 :]:
            if _RULE_LINE.match(nxt):
                break
            if nxt.strip() and (
                _opens_role_line(nxt, others, c)
                or _role_heading(nxt, c)
                or (deco and _DECORATED.match(nxt.strip()) and nxt.lstrip().startswith(deco.group(1)[:2]))
            ):
                break
            parts.append(nxt)
    return "\n".join(parts).strip("\n") if parts else None


def _layout_own(text: str, title: str, others: list[str], c: LabelCues) -> str:
    """Text a PM role owns by the post's layout when the splitter gave it none.

    - a title line that ends with ":" owns the list under it ("... a Dev / PM hybrid:" then
      bullets), up to a blank line after the list;
    - a header title, when the header names no other role, owns the lines below it up to the
      first line that names another role or a rule line ("-----"): posts that paste several
      ads one after the other.
    """
    lines = text.split("\n")
    low_t = title.lower()
    header_i = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    for i, ln in enumerate(lines):
        low = ln.lower()
        if low_t not in low:
            continue
        if ln.rstrip().endswith(":"):
            taken: list[str] = []
            for nxt in lines[i + 1 :]:
                if not nxt.strip():
                    if taken:
                        break
                    continue
                if any(o and o.lower() in nxt.lower() for o in others):
                    break
                taken.append(nxt)
            return "\n".join(taken)
        if i == header_i and not any(o and o.lower() in low for o in others):
            taken = []
            for nxt in lines[i + 1 :]:
                if _RULE_LINE.match(nxt) or any(o and o.lower() in nxt.lower() for o in others):
                    break
                taken.append(nxt)
            return "\n".join(taken)
        return ""
    return ""


_LISTED = re.compile(r"[,/&+]|\b(?:and|or|as\s+well\s+as|plus)\b")


def _addressed_own(text: str, title: str, c: LabelCues) -> str:
    """Text a PM role owns by address when the layout gave it none: from a sentence that hires
    the PM alone ("For my team, I'm especially looking for a strong product owner.") up to the
    first line about another role, a rule line or a company heading.

    The sentence hires the PM when a hiring phrase comes before the title with no word between
    them that makes the PM a colleague (:func:`pm_mentions`' test), and hires it alone: no list
    around the title ("roles for sales, product management and support") and no other role named.
    """
    low, t = text.lower(), title.lower()
    at = low.find(t)
    while at != -1:
        s, e, _prev = _sentence_bounds(low, at, at + len(t))
        found = list(c.hiring.finditer(low, s, at))
        gap = low[found[-1].end() : at] if found else ""
        alone = not _LISTED.search(gap) and not _LISTED.search(low, at + len(t), e) and not c.other_role.search(low, s, e)
        if found and alone and not c.blocker.search(gap):
            taken: list[str] = [text[s : low.find("\n", e) if low.find("\n", e) != -1 else len(text)]]
            line_end = low.find("\n", e)
            for line in (text[line_end + 1 :].split("\n") if line_end != -1 else []):
                body = _DECORATION.sub("", line.strip()).lower()
                if _RULE_LINE.match(line) or (body and c.other_heading.match(body)) or _about_other_role(body, c):
                    break
                taken.append(line)
            return "\n".join(taken).strip("\n")
        at = low.find(t, at + len(t))
    return ""


_SUBJECT_VERB = re.compile(
    r"\s+(?:should|will|must|needs?\s+to|would|is\s+expected|has|have|is\s+responsible|owns?|leads?|takes?)\b", re.IGNORECASE
)
_SUBJECT_LEAD = re.compile(r"(?:^|(?<=[.!?]\s))\s*(?:the|our|this|a|an|your)?\s*$", re.IGNORECASE)


def _subject_own(text: str, title: str) -> str:
    """Text a PM role owns as the subject of a sentence when nothing else gave it any: from a
    sentence that opens with the title as its subject ("The Product Manager should ideally have
    ...") to the end of its line, the paragraph of a post written one paragraph a line."""
    low, t = text.lower(), title.lower()
    at = low.find(t)
    while at != -1:
        line_start = low.rfind("\n", 0, at) + 1
        if _SUBJECT_LEAD.search(low[line_start:at]) and _SUBJECT_VERB.match(low, at + len(t)):
            starts = [line_start] + [line_start + m.end() for m in re.finditer(r"[.!?]\s+", low[line_start:at])]
            sent = starts[-1]
            end = low.find("\n", at)
            return text[sent : end if end != -1 else len(text)]
        at = low.find(t, at + len(t))
    return ""


def _restore_breaks(part: str, text: str) -> str:
    """``part``, lines taken from ``text`` in order, with a blank line wherever ``text`` had one
    between them or skipped lines: the splitter joins the lines it keeps, and a paragraph is a
    unit of address (:func:`_address_runs`)."""
    if not part or "\n" not in part:
        return part
    stripped = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    j, last = 0, None
    for ln in part.split("\n"):
        s_ln = ln.strip()
        k = next((i for i in range(j, len(stripped)) if stripped[i] == s_ln), None) if s_ln else None
        if k is not None:
            if last is not None and k > last + 1 and out and out[-1].strip():
                out.append("")
            last, j = k, k + 1
        out.append(ln)
    return "\n".join(out)


_LIST_BEFORE = re.compile(r"(?:[,/&+]|\band|\bor)\s*$", re.I)
_LIST_AFTER = re.compile(r"^\s*(?:[,/&+]|and\b|or\b)", re.I)


def _alone_in_header(text: str, title: str) -> bool:
    """The post's header line holds ``title`` outside a list ("Node.js, Android and Product
    Management positions" lists it)."""
    header, _ = _header_fields(text)
    at = header.find(title)
    return at >= 0 and not _LIST_BEFORE.search(header[:at]) and not _LIST_AFTER.match(header[at + len(title) :])


def _pm_role_evidence(
    text: str, roles: list[tuple], reason: str | None, matcher, c: LabelCues
) -> list[tuple[_PmRole, _Evidence]]:
    """Every PM role of one post with what it asks, from its split roles (``title, family,
    technical, own, shared, found_in, role_index``)."""
    roles = [(t, fam, tech, _restore_breaks(own, text), _restore_breaks(shared, text), found, idx)
             for t, fam, tech, own, shared, found, idx in roles]
    pm = [
        _PmRole(t, tech, _from_sentence(text, t, own) if found == "sentence" else own, shared, "split", idx)
        for t, fam, tech, own, shared, found, idx in roles
        if fam == PM_FAMILY
    ]
    if pm:
        # R5: a bare "PM" is settled as product by a PM title for the same hires in the post
        pm += [
            _PmRole(t, classify_title(t, context="product").technical_pm, own, shared, "bare_pm", idx)
            for t, fam, tech, own, shared, _found, idx in roles
            if fam != PM_FAMILY and _BARE_PM.search(t) and classify_title(t, context="product").role_family == PM_FAMILY
        ]
    again: dict[str, list[str]] = {}
    if reason != "not_a_job_offer":
        known = {r.title.lower() for r in pm}
        for mention in pm_mentions(text, c):
            # found outside the splitter's roles: its own text is the rest of its line, and the
            # whole post is shared with the others
            if mention.title.lower() not in known and not any(mention.title.lower() in k for k in known):
                known.add(mention.title.lower())
                pm.append(_PmRole(mention.title, classify_title(mention.title).technical_pm, mention.rest, text, "mention"))
            elif mention.rest:
                # the same PM named again ("... product manager ..." in the intro, then "* a product
                # manager with a technical background" in the list): it owns the rest of every line
                # that names it, besides what it owns otherwise
                again.setdefault(mention.title.lower(), []).append(mention.rest)
    if not pm:
        return []
    pm_titles = {r.title for r in pm}
    # a duty line the splitter took for a title ("Manage a small team of project managers")
    # is a sentence: it ends no PM section
    others = [t for t, *_ in roles if t not in pm_titles and not _SENTENCE_WORD.search(t)]
    owns = [own.strip() for t, _f, _te, own, *_ in roles if t not in pm_titles and own.strip()]
    result = []
    for role in pm:
        role_others = others
        half = _hybrid_half(text, role.title)
        if half is not None:
            # "QA Developer/Product Owner", "a tech lead/product manager": one role of two halves
            # (R6); the other half is no other role, and what the splitter gave it is the PM's
            mine = [r for r in roles if r[0] not in pm_titles and r[0].lower() in half.lower()]
            role_others = [t for t in others if t not in {r[0] for r in mine}]
            role.own = "\n".join(x for x in (role.own, *(r[3] for r in mine)) if x.strip())
            role.hybrid_technical = _technical_half(half)
        elif role.found_by_split and role.own.strip() and role.own.strip() in owns:
            # the splitter gave the same text to the PM and another role (a heading that lists
            # them both): it is shared, not the PM's own; the rest of the sentence that lists
            # them ("..., product managers,\nand designers to pull it together.") stays each role's
            own = role.own.strip()
            first = own.split("\n", 1)[0] if own[:1].islower() else ""
            role.shared = "\n".join(x for x in (own[len(first) :], role.shared) if x.strip())
            role.own = first
        result.append(_read_role(role, text, roles, role_others, pm, again, c))
    return [(role, _evidence(role, text, role_others, matcher, c)) for role, role_others in result]


def _read_role(role: _PmRole, text: str, roles: list[tuple], others: list[str], pm: list[_PmRole],
               again: dict[str, list[str]], c: LabelCues) -> tuple[_PmRole, list[str]]:
    """Settle which text a PM role owns (see :func:`_pm_role_evidence`); the role and the other roles' titles."""
    section = _section_own(text, role.title, [t for t in others if t.lower() not in role.title.lower()], c)
    if section is not None:
        # the layout says which lines the title heads; the splitter may have cut them otherwise
        role.own = section
    if role.found_by_split and not others:
        # every role the splitter found is a PM role: the text they share is the PM's own
        role.own, role.shared = "\n".join(x for x in (role.own, role.shared) if x.strip()), ""
    elif not roles and len(pm) == 1 and _alone_in_header(text, role.title):
        # the splitter found no role and the header names this PM alone ("... | Product
        # Manger"): the post is the PM's
        role.own, role.shared = text, ""
    elif not role.own.strip() and others:
        role.own = _layout_own(text, role.title, others, c)
        if not role.own.strip():
            role.own = _addressed_own(text, role.title, c) or _subject_own(text, role.title)
            role.addressed = bool(role.own)
    if again.get(role.title.lower()):
        role.own = "\n".join([role.own, *(r for r in again.get(role.title.lower(), []) if r not in role.own)]).strip("\n")
    return role, others


_HALF_BEFORE = re.compile(r"([A-Za-z][\w.+#-]*(?:[ \t]+[A-Za-z][\w.+#-]*){0,3})[ \t]*/[ \t]*$")
_HALF_AFTER = re.compile(r"[ \t]*/[ \t]*([A-Za-z][\w.+#-]*(?:[ \t]+[A-Za-z][\w.+#-]*){0,3})")
_TECHNICAL_FAMILIES = frozenset({"software_engineering", "engineering_management", "data_science_analytics"})


def _hybrid_half(text: str, title: str) -> str | None:
    """The other half of a slash title that holds the PM title ("QA Developer/Product Owner",
    "Product Manager / Data Analyst"): a title of another family right before or after a "/"
    next to the PM title. None when the PM title stands in no such title."""
    low, t = text.lower(), title.lower()
    at = low.find(t)
    while at != -1:
        before = _HALF_BEFORE.search(text, max(0, at - 60), at)
        after = _HALF_AFTER.match(text, at + len(t))
        cands = []
        if before and not after:
            words = before.group(1).split()
            # "A / B / Product Manager" is a list of roles, not one title of two halves
            if not text[: before.start(1)].rstrip().endswith("/"):
                cands += [" ".join(words[k:]) for k in range(len(words))]
        if after and not before and not text[after.end(1) :].lstrip().startswith("/"):
            words = after.group(1).split()
            cands += [" ".join(words[: k + 1]) for k in range(len(words) - 1, -1, -1)]
        for cand in cands:
            if as_title(cand) is not None and classify_title(cand).role_family not in (PM_FAMILY, "other"):
                return cand
        at = low.find(t, at + len(t))
    return None


def _technical_half(half: str) -> bool:
    """The other half of a slash title names an engineering or data role (T1: it names engineering)."""
    return classify_title(half).role_family in _TECHNICAL_FAMILIES and not re.search(r"\bbusiness\b", half, re.I)


def _label_one(found: list[tuple[_PmRole, _Evidence]]) -> dict:
    """The label columns of one post: a flag is 1 when it holds for any of its PM roles (rule M)."""
    if not found:
        return {"is_pm_role": 0}
    ev = _Evidence()
    for _role, role_ev in found:
        ev.merge(role_ev)
    flags = ev.flags()
    # a term one PM is asked as a preference and another as a requirement is still preferred
    # for the first (rule M): the merged terms keep only the strongest status
    flags["pm_prefers_technical"] = max(int(role_ev.flags()["pm_prefers_technical"]) for _r, role_ev in found)
    return {"is_pm_role": 1, **flags, "pm_titles": ";".join(dict.fromkeys(r.title for r, _ in found))}


# --------------------------------------------------------------------------- many posts


def label_posts(
    posts: pd.DataFrame,
    *,
    id_col: str = "id",
    text_col: str = "text",
    matcher=None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Label every post: is it hiring a PM, and what does the PM role ask for.

    Parameters
    ----------
    posts : DataFrame
        One row per post with an id column and a plain-text column; other columns are passed
        through. Not modified.
    id_col, text_col : str
        Names of the id and text columns.
    matcher : SkillMatcher, optional
        Defaults to :meth:`trendlab.clean.skills.SkillMatcher.from_taxonomy`.
    progress : bool, optional
        Show a progress bar (default: only on a terminal).

    Returns
    -------
    DataFrame
        The input columns, then :data:`LABEL_COLUMNS`: the five flags as nullable integers
        (``Int8``; missing when ``is_pm_role`` is 0), ``pm_titles`` and ``technical_terms`` as
        strings. Same rows, same order. ``attrs`` records ``taxonomy_version``.

    Raises
    ------
    LabelInputError
        A column is missing, an id is missing or repeated, or a text is not a string.

    Examples
    --------
    >>> posts = pd.DataFrame({"id": [7], "text": ["Acme | Senior PM, Platform | NYC\\nProduct team of 4."]})
    >>> label_posts(posts)[["is_pm_role", "pm_requires_technical", "pm_titles"]].values.tolist()
    [[1, 1, 'Senior PM, Platform']]
    """
    found, m = _read_posts(posts, id_col, text_col, matcher, progress)
    labels = [_label_one(f) for f in found]
    out = posts.copy()
    for col in FLAG_COLUMNS:
        out[col] = pd.array([lab.get(col) for lab in labels], dtype="Int8")
    for col in ("pm_titles", "technical_terms"):
        out[col] = pd.array([lab.get(col) for lab in labels], dtype="string")
    out.attrs["taxonomy_version"] = m.version
    return out


def _read_posts(
    posts: pd.DataFrame, id_col: str, text_col: str, matcher, progress: bool | None
) -> tuple[list[list[tuple[_PmRole, _Evidence]]], object]:
    """Check the posts, split them into roles and read every PM role: one list per post, and the matcher."""
    from tqdm.auto import tqdm

    from trendlab.clean.skills import SkillMatcher

    missing = [col for col in (id_col, text_col) if col not in posts.columns]
    if missing:
        raise LabelInputError(
            f"posts lack column(s) {missing}; expected {id_col!r} and {text_col!r}, found {list(posts.columns)}"
        )
    ids = posts[id_col]
    if ids.isna().any():
        raise LabelInputError(f"column {id_col!r}: missing id in row(s) {_rows(ids.isna())}")
    dup = ids.astype(str).duplicated(keep=False)
    if dup.any():
        raise LabelInputError(f"column {id_col!r}: ids repeat in row(s) {_rows(dup)}; one row per post expected")
    raw = posts[text_col]
    bad = raw.notna() & ~raw.map(lambda v: isinstance(v, str))
    if bad.any():
        raise LabelInputError(f"column {text_col!r}: expected text, found another type in row(s) {_rows(bad)}")
    texts = [t if isinstance(t, str) else "" for t in raw.tolist()]

    c = cues()
    m = matcher or SkillMatcher.from_taxonomy()
    cand = [i for i, t in enumerate(texts) if t.strip() and may_hold_pm(t, c)]
    frame = pd.DataFrame(
        {
            "source": "input",
            "posting_id": [str(i) for i in cand],
            "month": "",
            "text": [texts[i] for i in cand],
            "company": [company_of(texts[i]) for i in cand],
        }
    )
    # the splitter without fuzzy title matching: the roles table of the pipeline is split the
    # same way (same titles, same role_index), only its families may add fuzzy matches
    split = split_roles(frame, fuzzy=False)
    by_post: dict[str, list[tuple]] = {}
    r = split.roles
    for pid, t, fam, tech, own, shared, found_in, idx in zip(
        r["posting_id"], r["role_title"], r["role_family"], r["technical_pm"],
        r["requirements_text"], r["shared_text"], r["found_in"], r["role_index"], strict=True,
    ):
        by_post.setdefault(pid, []).append(
            (t, fam, bool(tech) if tech is not pd.NA else False,
             own if isinstance(own, str) else "", shared if isinstance(shared, str) else "", found_in, int(idx))
        )
    reasons = dict(zip(split.unsplit["posting_id"], split.unsplit["reason"], strict=True))

    found: list[list[tuple[_PmRole, _Evidence]]] = [[] for _ in texts]
    for i in tqdm(cand, desc="label posts", unit="post", disable=(not progress) if progress is not None else None):
        pid = str(i)
        found[i] = _pm_role_evidence(texts[i], by_post.get(pid, []), reasons.get(pid), m, c)
    return found, m


#: Columns of :func:`pm_role_asks`, one row per PM role.
ROLE_ASK_COLUMNS = [
    "posting_id", "pm_index", "role_index", "role_title", "found_by", "technical_title", "requires_technical",
    "prefers_technical", "requires_eng_background", "requirements_stated", "technical_terms",
    "required_families", "preferred_families",
]


def pm_role_asks(
    posts: pd.DataFrame,
    *,
    id_col: str = "posting_id",
    text_col: str = "text",
    matcher=None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per PM role of every post, with what that role asks: the labeller's per-role answer.

    :func:`label_posts` is this frame aggregated per post (a flag is 1 when it holds for any of
    the post's PM roles), so rates measured on the post labels by ``trendlab evaluate`` measure
    this very reading.

    Parameters
    ----------
    posts : DataFrame
        One row per post with an id column and a plain-text column. Not modified.
    id_col, text_col : str
        Names of the id and text columns (the ``postings`` table's by default).
    matcher : SkillMatcher, optional
        Defaults to :meth:`trendlab.clean.skills.SkillMatcher.from_taxonomy`.
    progress : bool, optional
        Show a progress bar (default: only on a terminal).

    Returns
    -------
    DataFrame
        :data:`ROLE_ASK_COLUMNS`: ``posting_id`` (as text), ``pm_index`` (the PM role's order
        in its post, 0-based), ``role_index`` (the splitter's index, the key of the ``roles``
        table; missing for a PM named only in running text), ``role_title``, ``found_by``
        (``split``; ``bare_pm``, a bare "PM" the post settles as product, R5; ``mention``,
        found in running text), the booleans ``technical_title`` (T1),
        ``requires_technical`` (a technical skill or background required, or a technical
        title), ``prefers_technical``, ``requires_eng_background``, ``requirements_stated``,
        and ``technical_terms``, ``required_families``, ``preferred_families`` (``;``-joined,
        missing when empty; a family is listed under its strongest status, and a technical ask
        in general words has the family ``technical_understanding``). ``attrs`` records
        ``taxonomy_version``.

    Raises
    ------
    LabelInputError
        A column is missing, an id is missing or repeated, or a text is not a string.

    Examples
    --------
    >>> posts = pd.DataFrame({"posting_id": ["9"], "text": [
    ...     "Acme | Backend Engineer, Product Manager | NYC\\nProduct Manager: you know SQL. Python a plus."]})
    >>> r = pm_role_asks(posts).iloc[0]
    >>> r["role_title"], bool(r["requires_technical"]), r["required_families"], r["preferred_families"]
    ('Product Manager', True, 'data_sql', 'coding')
    """
    found, m = _read_posts(posts, id_col, text_col, matcher, progress)
    rows = []
    for pid, roles in zip(posts[id_col].astype(str), found, strict=True):
        for k, (role, ev) in enumerate(roles):
            f = ev.flags()
            rows.append({
                "posting_id": pid, "pm_index": k, "role_index": role.role_index, "role_title": role.title,
                "found_by": role.found_by, "technical_title": ev.title,
                "requires_technical": bool(f["pm_requires_technical"]),
                "prefers_technical": bool(f["pm_prefers_technical"]),
                "requires_eng_background": bool(f["pm_requires_eng_background"]),
                "requirements_stated": bool(f["pm_requirements_stated"]),
                "technical_terms": f["technical_terms"],
                "required_families": ";".join(k2 for k2, st in ev.families.items() if st == "required") or None,
                "preferred_families": ";".join(k2 for k2, st in ev.families.items() if st == "preferred") or None,
            })
    out = pd.DataFrame(rows, columns=ROLE_ASK_COLUMNS)
    out = out.astype({
        "posting_id": "string", "pm_index": "int64", "role_index": "Int64", "role_title": "string",
        "found_by": "string", "technical_title": bool, "requires_technical": bool, "prefers_technical": bool,
        "requires_eng_background": bool, "requirements_stated": bool, "technical_terms": "string",
        "required_families": "string", "preferred_families": "string",
    })
    out.attrs["taxonomy_version"] = m.version
    return out


def pm_asks_table(postings: pd.DataFrame, roles: pd.DataFrame, *, progress: bool | None = None) -> pd.DataFrame:
    """The ``pm_asks`` table: :func:`pm_role_asks` of the ``postings`` table, keyed like ``roles``.

    The run function of the ``pm_asks`` pipeline stage. The labeller splits the posts itself
    (as :func:`label_posts` does, so the table is the instrument ``trendlab evaluate``
    measures); its ``role_index`` is checked against the ``roles`` table built from the same
    postings, and ``source`` and ``month`` are taken from ``postings``.

    Parameters
    ----------
    postings : DataFrame
        The ``postings`` table (``source, posting_id, month, text``). Not modified.
    roles : DataFrame
        The ``roles`` table (``posting_id, role_index, role_title``). Not modified.

    Returns
    -------
    DataFrame
        ``source, month`` then :data:`ROLE_ASK_COLUMNS`, sorted by month, posting and PM role.

    Raises
    ------
    ValueError
        A needed column is missing, or a PM role's ``role_index`` names another title in
        ``roles`` (the tables were built from different postings); the message names the post.

    Examples
    --------
    >>> posts = pd.DataFrame({"source": ["hn"], "posting_id": ["4"], "month": ["2016-02"],
    ...     "text": ["Acme | Technical Product Manager | NYC"]})
    >>> roles = pd.DataFrame({"posting_id": ["4"], "role_index": [0], "role_title": ["Technical Product Manager"]})
    >>> pm_asks_table(posts, roles)[["month", "role_index", "requires_technical"]].values.tolist()
    [['2016-02', 0, True]]
    """
    for name, df, cols in (("postings", postings, ["source", "posting_id", "month", "text"]),
                           ("roles", roles, ["posting_id", "role_index", "role_title"])):
        missing = [col for col in cols if col not in df.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}; expected at least {cols}")
    asks = pm_role_asks(postings[["posting_id", "text"]].astype({"posting_id": str}), progress=progress)
    key = ["posting_id", "role_index"]
    known = roles[[*key, "role_title"]].astype({"posting_id": "string", "role_index": "Int64", "role_title": "string"})
    joined = asks[key + ["role_title"]].merge(known, on=key, how="left", suffixes=("", "_roles"))
    bad = asks["role_index"].notna().to_numpy() & (
        joined["role_title_roles"].isna() | (joined["role_title_roles"] != joined["role_title"])
    ).fillna(True).to_numpy()
    if bad.any():
        r = joined[bad].iloc[0]
        raise ValueError(
            f"pm_asks: {int(bad.sum())} PM role(s) do not match the roles table, e.g. posting {r['posting_id']!r} "
            f"role_index {int(r['role_index'])}: {r['role_title']!r} here, {r['role_title_roles']!r} in roles; "
            "build both tables from the same postings"
        )
    meta = postings[["posting_id", "source", "month"]].astype({"posting_id": "string"})
    out = meta.merge(asks, on="posting_id", how="inner", validate="1:m")
    out = out.sort_values(["month", "posting_id", "pm_index"], kind="stable").reset_index(drop=True)
    out.attrs["taxonomy_version"] = asks.attrs.get("taxonomy_version", "")
    return out


def _rows(mask: pd.Series) -> str:
    """Row numbers (1 = first data row) where ``mask`` holds, the first few."""
    pos = [int(k) + 1 for k in mask.to_numpy().nonzero()[0][:5]]
    more = int(mask.sum()) - len(pos)
    return ", ".join(map(str, pos)) + (f" and {more} more" if more > 0 else "")


# --------------------------------------------------------------------------- files


def read_posts_csv(path: Path | str, *, id_col: str = "id", text_col: str = "text") -> pd.DataFrame:
    """Read a CSV of posts for :func:`label_posts`: UTF-8 (a byte-order mark is fine), a header line.

    Every column is read as text; an empty cell stays an empty string.

    Raises
    ------
    LabelInputError
        The file is missing, empty, not UTF-8 (the message gives the line and byte offset),
        not CSV, has no post, lacks ``id_col`` or ``text_col``, or has a missing or repeated id
        (the message gives the data rows, 1 = the first row after the header).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
    ...     _ = fh.write("id,text,source\\n1,Acme | PM,hn\\n")
    >>> read_posts_csv(fh.name).columns.tolist()
    ['id', 'text', 'source']
    >>> os.remove(fh.name)
    """
    import io

    path = Path(path)
    if not path.is_file():
        raise LabelInputError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise LabelInputError(f"{path}: the file is empty; expected a CSV file with a header line {id_col},{text_col}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LabelInputError(
            f"{path}: line {line} (byte {exc.start}) is not UTF-8 ({exc.reason}); expected UTF-8 text, "
            "re-save the file as UTF-8"
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LabelInputError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [col for col in (id_col, text_col) if col not in frame.columns]
    if missing:
        raise LabelInputError(
            f"{path}: column(s) {missing} missing; expected a header with {id_col!r} and {text_col!r}, "
            f"found {list(frame.columns)}"
        )
    if frame.empty:
        raise LabelInputError(f"{path}: no posts after the header line")
    blank = frame[id_col].str.strip().eq("")
    if blank.any():
        raise LabelInputError(f"{path}: column {id_col!r} is empty in data row(s) {_rows(blank)}")
    dup = frame[id_col].duplicated(keep=False)
    if dup.any():
        raise LabelInputError(
            f"{path}: column {id_col!r} repeats ids in data row(s) {_rows(dup)}; one row per post expected"
        )
    return frame


def label_file(
    in_path: Path | str,
    out_path: Path | str,
    *,
    id_col: str = "id",
    text_col: str = "text",
    keep_text: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Label the posts of a CSV file and write the labels as CSV (UTF-8), one row per post.

    The output holds the input columns (without ``text_col`` unless ``keep_text``), then
    :data:`LABEL_COLUMNS`; a PM column is empty when ``is_pm_role`` is 0. The file is written
    whole or not at all. Returns the labelled frame.

    Raises
    ------
    LabelInputError
        See :func:`read_posts_csv`.
    """
    posts = read_posts_csv(in_path, id_col=id_col, text_col=text_col)
    out = label_posts(posts, id_col=id_col, text_col=text_col, progress=progress)
    if not keep_text:
        out = out.drop(columns=[text_col])
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    out.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(out_path)
    return out
