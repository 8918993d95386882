"""Tag skills in role requirement text with the versioned skill taxonomy.

The measuring instrument for "technical asks": :class:`SkillMatcher` finds every taxonomy term
in a text and says whether the text requires it, prefers it or says it is not needed;
:func:`tag_skills` turns a ``roles`` table into the long ``skill_hits`` table and
:func:`skill_flags` into one row of booleans per role.

How a text is read
------------------
1. HTML leftovers are decoded (``&amp;`` → ``&``, tags dropped, ``<p>``/``<br>``/``<li>`` become
   line breaks); hit offsets still point into the text as given.
2. One Aho-Corasick pass over a lower-case view of the text finds every surface form of
   every term (plus the anchors of status cues), overlapping ones included. A term matches at
   token boundaries: no word character before it, no letter, ``_``, ``+`` or ``#`` after it
   (so ``C`` is not found in ``C++``, ``Java`` not in ``JavaScript``, but ``Python3`` and
   ``C++17`` are). Forms are matched ignoring case exactly as ``re.IGNORECASE`` would, except
   the case-sensitive ones (``Go``, ``REST``), which must match as written.
3. The longest mention wins: a mention inside a longer one is dropped ("no-code" is low-code,
   not the coding term "code"), and so is anything inside an excluded phrase ("go-to-market",
   "R&D", "Series C", "zip code").
   Mentions inside a link or an e-mail address, or inside the employer's name, are names,
   not asks; so are mentions of product and low-code terms in a sentence that describes the
   company; guarded forms count only in their context ("spec" not in "job spec").
4. Ambiguous case-sensitive forms (``Go``, ``R``, ``C``, ``Julia``, ``Bubble``...) count only in a
   list with another technical or low-code mention ("Python, Go"; "C/C++") or next to a
   context word ("in Go", "R packages").
5. Status, per clause: the text is cut into sentences, lines, ``;`` clauses and contrastive
   clauses ("..., but ..."). A clause with a negation cue ("no coding required", "you don't
   need to code", "not a technical role") makes its mentions ``negated``; an optional cue
   ("nice to have", "a plus", "bonus:", "ideally", "preferred") makes them ``preferred``;
   otherwise they are ``required``. A cue in parentheses applies to the item before it
   ("Go (a plus)"); a clause that mixes kinds is read comma piece by comma piece ("Python
   required, Go a plus"); a short header line ("Nice to have:") sets the status of the list
   items under it. A negation stops before a condition ("not required if you know Rust"),
   "not a technical role" negates only what it names, and "not required" beside an optional
   cue ("a huge plus (not required)") is a preference. Every cue is data, in
   ``taxonomy/skill_cues.toml``.

Examples
--------
>>> from trendlab.clean.skills import SkillMatcher
>>> m = SkillMatcher.from_taxonomy()
>>> [(h.term, h.status) for h in m.find("Strong SQL and Python. Golang is a plus; no coding required for the PM.")]
[('SQL', 'required'), ('Python', 'required'), ('Go', 'preferred'), ('Writing code', 'negated')]
"""

from __future__ import annotations

import bisect
import functools
import gc
import html
import itertools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from trendlab.clean.text import company_of
from trendlab.taxonomy import (
    CUE_KINDS,
    GROUPS,
    STATUSES,
    SkillTaxonomy,
    TaxonomyError,
    expand_forms,
    match_key,
    skill_taxonomy,
)

SKILL_HITS_COLUMNS = ["posting_id", "role_index", "skill_family", "term", "taxonomy_id", "status"]
_STATUS_RANK = {"negated": 0, "preferred": 1, "required": 2}
# Negation cues with a property of their own: "soften" (preferred beside an optional cue) and
# scope "span" (negates only what the cue's own text holds).
_SOFT_NEGATION = "negation_soft"
_SPAN_NEGATION = "negation_span"
_KIND_ORDER = ("soft_optional", "negation", _SOFT_NEGATION, _SPAN_NEGATION, "optional", "required")
_KIND_RANK = {k: i for i, k in enumerate(_KIND_ORDER)}
_KIND_STATUS = {
    "soft_optional": "preferred", "negation": "negated", _SOFT_NEGATION: "negated", "optional": "preferred",
    "required": "required",
}
_OPTIONAL_KINDS = frozenset({"optional", "soft_optional"})
# Why a mention found by the automaton is not a hit (the keys of tag_skills' attrs["mentions_dropped"])
DROP_REASONS = (
    "inside a longer term or an excluded phrase", "ambiguous form without context", "in a link or e-mail address",
    "employer name", "guarded form out of context", "company description",
)
_EXCLUDED = "!excluded"

# The right boundary of a term as a regular expression (the matcher checks the same rule in
# code): a letter, "_", "+" or "#" would continue the token; a digit is a version ("Python3").
RIGHT_BOUNDARY = r"(?![^\W\d]|[+#])"
_MARKUP = re.compile(
    r"<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9]*)\b[^<>]{0,1000}>"
    r"|<!--.*?-->"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)",
    re.S,
)
_BLOCK_TAGS = {
    "p": "\n\n", "br": "\n", "li": "\n", "div": "\n", "ul": "\n", "ol": "\n", "tr": "\n", "pre": "\n",
    "blockquote": "\n", "table": "\n", "h1": "\n", "h2": "\n", "h3": "\n", "h4": "\n", "h5": "\n", "h6": "\n",
}
_PAREN = re.compile(r"\([^()]*\)")
_LINKISH = frozenset("/.@:-_=?&#%~")  # a character next to a mention that may be part of a link
_TOKEN_REST = re.compile(r"\S*")
_EDGE_PUNCT = "()[]<>{}\"'.,;:!?*\u201c\u201d\u2018\u2019"
_WS = re.compile(r"\s")


def _byte_table(chars: str) -> np.ndarray:
    table = np.zeros(256, bool)
    table[[ord(c) for c in chars]] = True
    return table


# byte classes of the ASCII view of a text, for reading the characters around many mentions at once
_LINKISH_BYTES = _byte_table("".join(_LINKISH))
_TOKEN_START_BYTES = _byte_table(" \n\t")  # the characters _in_link starts a token after
_SPACE_BYTES = _byte_table(" \t\n\r\x0b\x0c")  # ASCII characters that end a token
_WS_BYTES = _byte_table(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # the ASCII characters \s matches
_LOWER_BYTES = np.arange(256, dtype=np.uint8)
_LOWER_BYTES[65:91] += 32
_EDGE_BYTES = _byte_table("".join(c for c in _EDGE_PUNCT if c.isascii()))
_TOKEN_END_BYTES = _LINKISH_BYTES & _EDGE_BYTES  # link characters stripped off a token's end


class Hit(NamedTuple):
    """One mention of a taxonomy term in a text.

    ``start``/``end`` index the text passed to :meth:`SkillMatcher.find`; ``surface`` is
    the matched text after HTML decoding; ``status`` is ``required``, ``preferred`` or
    ``negated``.
    """

    term: str
    family: str
    taxonomy_id: str
    start: int
    end: int
    status: str
    surface: str


class Occurrence(NamedTuple):
    """A raw boundary match of one term, before exclusions, nesting, context and status."""

    taxonomy_id: str
    start: int
    end: int


@dataclass(frozen=True)
class _Entry:
    tid: str
    exact: frozenset[str] | None  # case-sensitive surfaces; None when any case matches
    ambiguous: bool


class _Mention(NamedTuple):
    """A term found in the decoded text (internal; :class:`Hit` is the public form)."""

    start: int
    end: int
    tid: str
    ambiguous: bool
    near: bool  # it may sit in a link (a link character next to it): _names looks; without it, it is in none


_START = operator.attrgetter("start")
_CHUNK_ROLES = 2000  # roles whose texts are scanned together (bounds the joined string)
_new_mention = functools.partial(tuple.__new__, _Mention)  # a _Mention from a tuple, without Python code


# --------------------------------------------------------------------------- HTML leftovers


def _decode_markup(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Decode entities and drop tags; returns the text and its replaced spans.

    Each span is ``(norm_start, norm_len, orig_start, orig_end)``.
    """
    if not _has_markup(text):
        return text, []
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    last = 0
    n = 0
    for m in _MARKUP.finditer(text):
        if m.group("entity"):
            repl = html.unescape(m.group("entity"))
        elif m.group("tag"):
            # an opening block tag breaks the line; closing and inline tags just go
            repl = "" if m.group("close") else _BLOCK_TAGS.get(m.group("tag").lower(), "")
        else:
            repl = ""
        parts.append(text[last : m.start()])
        n += m.start() - last
        spans.append((n, len(repl), m.start(), m.end()))
        parts.append(repl)
        n += len(repl)
        last = m.end()
    if not spans:
        return text, []
    parts.append(text[last:])
    return "".join(parts), spans


_TAG_START = re.compile(r"<(?:/?[A-Za-z]|!--)")
_ENTITY_START = re.compile(r"&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};)")


def _has_markup(text: str) -> bool:
    """Whether the text holds a tag or an entity (most "&" and "<" are neither)."""
    for ch, rx in (("<", _TAG_START), ("&", _ENTITY_START)):
        pos = text.find(ch)
        while pos != -1:
            if rx.match(text, pos):
                return True
            pos = text.find(ch, pos + 1)
    return False


class _OffsetMap:
    """Map offsets in the decoded text back to the text as given."""

    def __init__(self, spans: list[tuple[int, int, int, int]]):
        self.spans = spans
        self.starts = [s[0] for s in spans]

    def start(self, x: int) -> int:
        i = bisect.bisect_right(self.starts, x) - 1
        if i < 0:
            return x
        ns, nl, os_, oe = self.spans[i]
        if x < ns + nl:
            return os_
        return oe + (x - ns - nl)

    def end(self, y: int) -> int:
        i = bisect.bisect_left(self.starts, y) - 1
        if i < 0:
            return y
        ns, nl, os_, oe = self.spans[i]
        if y <= ns + nl:
            return oe if y > ns else os_
        return oe + (y - ns - nl)


# --------------------------------------------------------------------------- compiling

# A length-preserving ASCII view of a text for the automaton: letters lower-cased, every digit
# a "0", "_", "+" and "#" kept, every other character (space, punctuation, any non-ASCII
# character) a space. A key is added between a character that may precede a word (a space, "+"
# or "#") and one that may follow a token (a space, or "0" for a digit): the automaton then
# reports only matches at token boundaries, and in an ASCII text nothing is left to check but
# the case of case-sensitive forms. Digits are one symbol so that "a key, then a digit" is one
# entry of the automaton, not ten.
_VIEW = bytes(
    c + 32 if 65 <= c <= 90 else 48 if 48 <= c <= 57 else c if (97 <= c <= 122 or c in (35, 43, 95)) else 32
    for c in range(256)
)
_BEFORE_KEY = " +#"  # view characters a key may follow: no word character before it
_AFTER_KEY = " 0"  # view characters a key may precede: no letter, "_", "+" or "#" after it
# What a term mention sets in the flags _scan returns: the later passes that have work to do.
_AMB, _GUARDED, _DESCRIBED = 1, 2, 4
_NEAR = 8  # set by _scan_many: a kept mention may sit in a link
# Non-ASCII characters that Python's IGNORECASE matches to ASCII letters: folded before the
# view is taken, so that matching ignores case exactly as ``re.IGNORECASE`` does.
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_FOLD_CHARS = "\u0130\u0131\u017f\u212a"


def _has_fold(t: str) -> bool:
    # four substring searches (instant in a Latin-1 string) beat a regex character class
    return "\u017f" in t or "\u0130" in t or "\u0131" in t or "\u212a" in t

_PURE = re.compile("[a-z_+#]+")  # a key that is its own view
_TRUSTED, _COMPARE, _LOOKUP = 0, 1, 2  # how a match of a key's view is checked against the text
_P_TERM, _P_ANCHOR, _P_CONTRAST, _P_OTHER = 0, 1, 2, 3  # what a match is, for _scan_many


def _view(text: str) -> str:
    if not text.isascii() and _has_fold(text):
        text = text.translate(_FOLD)
    return text.encode("ascii", "replace").translate(_VIEW).decode("ascii")


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"  # what \w matches in a str pattern


def _blocks_right(c: str) -> bool:
    """A character that continues a token: a letter, "_", "+" or "#" (a digit is a version)."""
    return (c.isalnum() or c == "_") and not c.isdecimal() or c in "+#"


def _searcher(keys: list[str]) -> tuple[Callable[[bytes], list[tuple[int, int, int]]], str]:
    """A function from a view (bytes) to its overlapping matches ``(key index, start, end)``,
    ends ascending, and the name of the engine.

    ``ahocorasick_rs`` (a compiled DFA, from PyPI wheels) when it is installed, else
    ``pyahocorasick``: both find the same matches.
    """
    try:
        import ahocorasick_rs
    except ImportError:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for i, k in enumerate(keys):
            auto.add_word(k, (i, len(k)))
        auto.make_automaton()
        return (lambda view: [(i, j + 1 - n, j + 1) for j, (i, n) in auto.iter(view.decode("ascii"))]), "pyahocorasick"
    dfa = ahocorasick_rs.BytesAhoCorasick(
        [k.encode("ascii") for k in keys], matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )
    return functools.partial(dfa.find_matches_as_indexes, overlapping=True), "ahocorasick_rs"


@dataclass(frozen=True)
class _Cue:
    kind: str  # a kind of skill_cues.toml, or _SOFT_NEGATION / _SPAN_NEGATION
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    not_before: re.Pattern[str] | None


@dataclass(frozen=True)
class _Guard:
    drop_before: re.Pattern[str] | None
    drop_after: re.Pattern[str] | None
    keep_before: re.Pattern[str] | None
    keep_after: re.Pattern[str] | None


class SkillMatcher:
    """Find taxonomy terms in text, with their status (required, preferred, negated).

    Build it once (:meth:`from_taxonomy`) and reuse it. Matching is one Aho-Corasick pass
    (``ahocorasick_rs``, or ``pyahocorasick`` when it is missing; :attr:`engine` says which)
    over a length-preserving lower-case ASCII view of the text in which every key can only
    match at token boundaries; a candidate is then checked against the text itself where the
    view cannot tell (the case of case-sensitive forms, keys with digits or spaces, a
    non-ASCII letter next to the key). The same pass finds the anchors of status cues and the
    contrastive words that cut clauses.

    Parameters
    ----------
    taxonomy : SkillTaxonomy
        Families, terms, exclusions and cues (see :mod:`trendlab.taxonomy`).

    Raises
    ------
    TaxonomyError
        Two terms share a surface form, a form is not ASCII, or a case-sensitive form
        contains a space.

    Examples
    --------
    >>> m = SkillMatcher.from_taxonomy()
    >>> [h.taxonomy_id for h in m.find("C/C++ and C# on .NET; some Node.js")]
    ['coding.c', 'coding.cpp', 'coding.csharp', 'coding.dotnet', 'coding.nodejs']
    """

    def __init__(self, taxonomy: SkillTaxonomy):
        self.taxonomy = taxonomy
        group_of = taxonomy.family_group()
        self._family = dict(zip(taxonomy.skills["taxonomy_id"], taxonomy.skills["family"], strict=True))
        self._term = dict(zip(taxonomy.skills["taxonomy_id"], taxonomy.skills["term"], strict=True))
        self._group = {tid: group_of[f] for tid, f in self._family.items()}
        # terms whose mention confirms an ambiguous neighbour in a list ("Python, Go")
        self._listable = frozenset(tid for tid, g in self._group.items() if g in ("technical", "low_code"))
        owner, exact, ci_keys = self._keys(taxonomy)
        ambiguous = set(taxonomy.skills.loc[taxonomy.skills["ambiguous"] == "1", "taxonomy_id"])
        self._entries: dict[str, _Entry] = {}
        for key, tid in owner.items():
            cs_only = key not in ci_keys
            self._entries[key] = _Entry(tid, frozenset(exact[key]) if cs_only else None, cs_only and tid in ambiguous)

        cues = taxonomy.cues
        self._cues: list[_Cue] = []
        self._anchors: dict[str, list[int]] = {}
        for kind in CUE_KINDS:
            for cue in cues["status"][kind]:
                before = re.compile(f"(?:{cue['before']})$", re.I) if cue.get("before") else None
                after = re.compile(cue["after"], re.I) if cue.get("after") else None
                not_before = re.compile(f"(?:{cue['not_before']})$", re.I) if cue.get("not_before") else None
                if cue.get("scope") == "span":
                    kind = _SPAN_NEGATION
                elif cue.get("soften"):
                    kind = _SOFT_NEGATION
                self._cues.append(_Cue(kind, before, after, not_before))
                for s in expand_forms(cue["anchor"]):
                    self._anchors.setdefault(match_key(s), []).append(len(self._cues) - 1)
        seg = cues["segmentation"]
        self._contrast = {w.lower() for w in seg["contrast"]}
        self._cond_rx = re.compile(
            r"\b(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in seg["conditions"]) + r")\b", re.I
        )
        names = cues["names"]
        self._link_rx = re.compile(names["link"])
        self._link_marks_rx = re.compile("[" + re.escape(str(names["link_marks"])) + "]")
        self._suffix_rx = re.compile(names["company_suffix"], re.I)
        self._not_company_rx = re.compile(names["not_company"], re.I)
        self._company_words = int(names["company_max_words"])
        unknown = sorted(set(names["employer_families"]) - set(group_of))
        if unknown:
            raise TaxonomyError(f"skill_cues.toml [names] employer_families: {unknown} are not in skill_families.csv")
        self._employer_families = frozenset(names["employer_families"])
        self._company_cache: dict[str, tuple[str, frozenset[str], re.Pattern[str] | None]] = {}
        self._line_cache: dict[str, str | None] = {}
        desc = cues["description"]
        self._desc_tids = frozenset(t for t, g in self._group.items() if g in desc["groups"])
        self._subject_rx = re.compile(desc["subject"], re.I)
        self._ask_rx = re.compile(desc["ask"], re.I)
        self._guards: dict[str, _Guard] = {}
        for i, g in enumerate(cues.get("guard", [])):
            guard = _Guard(*(
                re.compile(f"(?:{g[k]})$" if k.endswith("before") else g[k], re.I) if g.get(k) else None
                for k in ("drop_before", "drop_after", "keep_before", "keep_after")
            ))
            for f in expand_forms(g["forms"]):
                key = match_key(f)
                if owner.get(key, _EXCLUDED) == _EXCLUDED:
                    raise TaxonomyError(f"skill_cues.toml [[guard]] {i + 1}: {f!r} is not a form of a term")
                self._guards[key] = guard
        self._guard_tids = frozenset(owner[k] for k in self._guards)

        # what a lower-cased key is: (taxonomy id or None, exact case-sensitive surfaces or
        # None, ambiguous, a cue anchor, a contrast word)
        self._lookup: dict[str, tuple] = {}
        for k in {*owner, *self._anchors, *self._contrast}:
            ent = self._entries.get(k)
            flags = 0
            if ent:
                flags = (_AMB if ent.ambiguous else 0) | (_GUARDED if ent.tid in self._guard_tids else 0) | (
                    _DESCRIBED if ent.tid in self._desc_tids else 0)
            self._lookup[k] = (
                ent.tid if ent else None, ent.exact if ent else None, bool(ent and ent.ambiguous),
                k in self._anchors, k in self._contrast, flags,
            )
        # Every key is added once for each character that may come before it and each that may
        # follow it (see _VIEW): the automaton reports only matches at token boundaries.
        by_view: dict[str, dict[int, list[str]]] = {}
        for key in self._lookup:
            view = _view(key)
            for pre in _BEFORE_KEY:
                for nxt in _AFTER_KEY:
                    by_view.setdefault(pre + view + nxt, {}).setdefault(len(key), []).append(key)
        self._akeys: list[str] = []
        # per automaton key: its readings (key length, how to check it, what the key is, the key)
        self._readings: list[tuple] = []
        # ...and the shortcuts for a key with one reading that is its own view: a term (key
        # length, taxonomy id, ambiguous, flags, case-sensitive surfaces), or a cue anchor or
        # contrast word that is no term (key length, key, is a cue anchor)
        self._plain: list[tuple | None] = []
        self._plain_cue: list[tuple | None] = []
        for akey, groups in sorted(by_view.items()):
            readings = []
            for klen, keys in sorted(groups.items()):
                if len(keys) > 1:  # several keys share this view ("ci/cd", "ci-cd"): look the text up
                    readings.append((klen, _LOOKUP, None, None))
                else:
                    # a key of lower-case letters, "_", "+" and "#" only is its own view: a match
                    # of its view is a match of the key; any other key is compared to the text
                    k = keys[0]
                    check = _TRUSTED if _PURE.fullmatch(k) else _COMPARE
                    readings.append((klen, check, self._lookup[k], k))
            self._akeys.append(akey)
            self._readings.append(tuple(readings))
            klen, check, info, key = readings[0]
            one = len(readings) == 1 and check == _TRUSTED
            term = one and info[0] is not None and not info[3] and not info[4]
            self._plain.append((klen, info[0], info[2], info[5], info[1]) if term else None)
            word = one and info[0] is None and info[3] != info[4]  # a cue anchor or a contrast word
            self._plain_cue.append((klen, key, info[3]) if word else None)
        self._search, self.engine = _searcher(self._akeys)
        # _scan_many reads a chunk with the keys that follow a space only, and the rest from a
        # window after each "+" and "#" ("#python"); a key after a space may start with one
        # (".NET": " net"), so a window opens there too when the next letter may begin one
        self._after_space = np.array([i for i, k in enumerate(self._akeys) if k[0] == " "], dtype=np.int64)
        self._search_after_space = _searcher([self._akeys[i] for i in self._after_space.tolist()])[0]
        self._key_width = max(map(len, self._akeys), default=1)
        self._space_core = _byte_table("".join({k[2] for k in self._akeys if k[0] != " " and k[1] == " "}))
        # the same shortcuts as arrays over automaton keys, for reading many texts at once
        # (_scan_many): what a key is (_P_TERM, _P_ANCHOR, _P_CONTRAST or _P_OTHER: read in
        # Python), its length, its term's code in _tids, ambiguous, flags, case-sensitive
        self._tids = sorted({info[0] for info in self._lookup.values() if info[0] is not None})
        code = {t: i for i, t in enumerate(self._tids)}
        # A key with one reading compared to the text (digits, spaces, punctuation: "node.js",
        # "machine learning") is read from the bytes too: _cmp_key holds its bytes, _cmp_space
        # where it has a space (any whitespace of the text matches there).
        kinds, klens, tcodes, ambs, fls, css, cmps = [], [], [], [], [], [], []
        self._a_exact: list[frozenset[str] | None] = []
        self._a_key: list[str | None] = []
        cmp_len = max((len(r[0][3]) for r in self._readings if len(r) == 1 and r[0][1] == _COMPARE), default=1)
        self._cmp_key = np.zeros((len(self._akeys), cmp_len), np.uint8)
        self._cmp_space = np.zeros((len(self._akeys), cmp_len), bool)
        for i, (pt, pw, rd) in enumerate(zip(self._plain, self._plain_cue, self._readings, strict=True)):
            klen, check, info, key = rd[0]
            cmp = pt is None and pw is None and len(rd) == 1 and check == _COMPARE
            term = cmp and info[0] is not None and not info[3] and not info[4]
            word = cmp and info[0] is None and info[3] != info[4]
            if cmp and (term or word):
                pt = (klen, info[0], info[2], info[5], info[1]) if term else None
                pw = (klen, key, info[3]) if word else None
                self._cmp_key[i, : len(key)] = np.frombuffer(key.encode("ascii"), np.uint8)
                self._cmp_space[i, : len(key)] = np.frombuffer(key.encode("ascii"), np.uint8) == 32
            cmps.append(cmp and (term or word))
            if pt is not None:
                kinds.append(_P_TERM)
                klens.append(pt[0])
                tcodes.append(code[pt[1]])
                ambs.append(pt[2])
                fls.append(pt[3])
                css.append(pt[4] is not None)
                self._a_exact.append(pt[4])
                self._a_key.append(None)
                continue
            kinds.append(_P_OTHER if pw is None else _P_ANCHOR if pw[2] else _P_CONTRAST)
            klens.append(0 if pw is None else pw[0])
            tcodes.append(-1)
            ambs.append(False)
            fls.append(0)
            css.append(False)
            self._a_exact.append(None)
            self._a_key.append(None if pw is None else pw[1])
        self._a_cmp = np.array(cmps, dtype=bool)
        self._tcode = code
        self._ex_code = code.get(_EXCLUDED, -2)
        self._a_kind = np.array(kinds, dtype=np.int8)
        self._a_klen = np.array(klens, dtype=np.int64)
        self._a_tcode = np.array(tcodes, dtype=np.int64)
        self._a_amb = np.array(ambs, dtype=bool)
        self._a_flags = np.array(fls, dtype=np.int64)
        self._a_cs = np.array(css, dtype=bool)
        self._a_tids = np.array(self._tids, dtype=object)

        bullets = seg["bullets"]
        self._hard = ";" + bullets  # clause ends besides line breaks and sentence ends
        self._sent_rx = re.compile(r"[.!?](?=\s|$)")
        self._abbrev = {a.lower().rstrip(".") for a in seg["abbreviations"]}
        self._final_abbrev = {a.lower().rstrip(".") for a in seg["final_abbreviations"]}
        self._bullet_start = re.compile(rf"\s*(?:[{re.escape(bullets)}*\-\u2013\u2014>]|\d{{1,2}}[.)])\s")
        self._header_words = int(seg["header_max_words"])
        self._item_words = int(seg["item_max_words"])
        self._para_item_words = int(seg["paragraph_item_max_words"])
        ctx = cues["context"]
        self._gap_rx = re.compile(ctx["list_gap"], re.I)
        self._gap_max = int(ctx["list_gap_max_chars"])
        self._before_words = {" ".join(w.lower().split()) for w in ctx["before"]}
        self._before_len = max(len(w.split()) for w in ctx["before"])
        self._after_rx = re.compile(r"[\s-]*(?:" + "|".join(ctx["after"]) + r")\b", re.I)

    @staticmethod
    def _keys(taxonomy: SkillTaxonomy) -> tuple[dict[str, str], dict[str, set[str]], set[str]]:
        """``{key: taxonomy_id}`` over every expanded form and exclusion, checked for clashes."""
        owner: dict[str, str] = {}
        exact: dict[str, set[str]] = {}
        ci_keys: set[str] = set()

        def add(key: str, tid: str, where: str) -> None:
            if not key.isascii():
                raise TaxonomyError(f"{where}: form {key!r} is not ASCII")
            if owner.setdefault(key, tid) != tid:
                raise TaxonomyError(f"{where}: form {key!r} is also a form of {owner[key]}")

        for r in taxonomy.skills.itertuples():
            where = f"skills.csv {r.taxonomy_id}"
            for s in expand_forms(r.forms or "", where=where):
                add(match_key(s), r.taxonomy_id, where)
                ci_keys.add(match_key(s))
            for s in expand_forms(r.cs_forms or "", where=where):
                if _WS.search(s):
                    raise TaxonomyError(f"{where}: case-sensitive form {s!r} may not contain a space")
                add(match_key(s), r.taxonomy_id, where)
                exact.setdefault(match_key(s), set()).add(s)
        for r in taxonomy.exclusions.itertuples():
            for s in expand_forms(r.phrase, where=f"skill_exclusions.csv {r.phrase!r}"):
                key = match_key(s)
                if key in owner and owner[key] != _EXCLUDED:
                    raise TaxonomyError(f"skill_exclusions.csv: {s!r} is a form of {owner[key]}")
                owner[key] = _EXCLUDED
                ci_keys.add(key)
        return owner, exact, ci_keys

    @classmethod
    def from_taxonomy(cls, version: str | None = None) -> SkillMatcher:
        """The matcher for the installed taxonomy (optionally insisting on its version).

        Examples
        --------
        >>> SkillMatcher.from_taxonomy().version == skill_taxonomy().version
        True
        """
        return cls(skill_taxonomy(version))

    @property
    def version(self) -> str:
        """The taxonomy version this matcher was built from."""
        return self.taxonomy.version

    @property
    def fingerprint(self) -> str:
        """The taxonomy files' fingerprint (see :func:`trendlab.taxonomy.fingerprint`)."""
        return self.taxonomy.fingerprint

    # ------------------------------------------------------------------ matching

    def normalize(self, text: str) -> str:
        """The text the matcher reads: HTML entities decoded, tags dropped or made line breaks.

        Examples
        --------
        >>> SkillMatcher.from_taxonomy().normalize("R&amp;D<p>C&#x2F;C++")
        'R&D\\n\\nC/C++'
        """
        return _decode_markup(text)[0]

    def _scan(self, t: str) -> tuple[list[_Mention], list[tuple[int, int, str]], list[int], int]:
        """One pass: term mentions (by start, longest first), cue anchors ``(start, end, key)``,
        contrast-word starts, and the flags of the terms found (``_AMB | _GUARDED | _DESCRIBED``)."""
        n = len(t)
        ascii_ = t.isascii()
        folded = t if ascii_ or not _has_fold(t) else t.translate(_FOLD)
        # view[i + 1] is t[i]: a match ending before view[k] is a key ending before t[k - 2]
        # plus the character after it (the closing space stands after a key that ends the text)
        found = self._search(b" " + folded.encode("ascii", "replace").translate(_VIEW) + b" ")
        mentions: list[_Mention] = []
        anchors: list[tuple[int, int, str]] = []
        contrasts: list[int] = []
        lookup, plain, readings_of = self._lookup, self._plain, self._readings
        new = tuple.__new__  # builds the named tuple without its Python-level constructor
        add_mention, add_anchor, add_contrast = mentions.append, anchors.append, contrasts.append
        flags = 0
        # without the four special letters, a match of a key that is its own view is that key
        trusted = folded is t
        plain_cue = self._plain_cue
        for idx, _, end in found:
            e = end - 2
            if not ascii_ and e < n:
                c = t[e]
                if c >= "\x80" and _blocks_right(c):
                    continue  # a non-ASCII letter after the key looks like a space in the view
            if trusted:
                # a key with one reading that is its own view: only the left neighbour of a
                # non-ASCII text and the case of case-sensitive forms are left to check
                pt = plain[idx]
                if pt is not None:
                    s = e - pt[0]
                    if (ascii_ or not (s and t[s - 1] >= "\x80" and _is_word(t[s - 1]))) and (
                        pt[4] is None or t[s:e] in pt[4]
                    ):
                        add_mention(new(_Mention, (s, e, pt[1], pt[2], bool(
                            (s and t[s - 1] in _LINKISH) or (e < n and t[e] in _LINKISH)))))
                        flags |= pt[3]
                    continue
                pw = plain_cue[idx]
                if pw is not None:
                    s = e - pw[0]
                    if ascii_ or not (s and t[s - 1] >= "\x80" and _is_word(t[s - 1])):
                        if pw[2]:
                            add_anchor((s, e, pw[1]))
                        else:
                            add_contrast(s)
                    continue
            for klen, check, info, key in readings_of[idx]:
                s = e - klen
                if not ascii_ and s and t[s - 1] >= "\x80" and _is_word(t[s - 1]):
                    continue  # a non-ASCII letter before the key looks like a space in the view
                if check or not trusted:
                    got = folded[s:e].lower()
                    if check == _COMPARE and trusted:
                        if got != key and (" " not in key or _WS.sub(" ", got) != key):
                            continue
                    else:
                        info = lookup.get(got)
                        if info is None:
                            got = _WS.sub(" ", got)
                            info = lookup.get(got)
                            if info is None:
                                continue
                        key = got
                tid, exact, amb, is_cue, is_contrast, fl = info
                if tid is not None and (exact is None or t[s:e] in exact):
                    add_mention(new(_Mention, (s, e, tid, amb, bool(
                        (s and t[s - 1] in _LINKISH) or (e < n and t[e] in _LINKISH)))))
                    flags |= fl
                if is_cue:
                    add_anchor((s, e, key))
                if is_contrast:
                    add_contrast(s)
        # matches come by end; reversed, a stable sort by start puts the longest first
        mentions.reverse()
        mentions.sort(key=_START)
        return mentions, anchors, contrasts, flags

    def _scan_many(self, texts: list[str]) -> list[tuple[list[_Mention], list[tuple[int, int, str]], list[int], int]]:
        """:meth:`_scan` of each text then :meth:`_longest`, with one automaton pass over all of them.

        Per text: the mentions left by the longest match, the cue anchors, the contrast-word
        starts, the flags of every term found and how many mentions were inside a longer one.

        The texts are joined with two spaces between them, so that the view of each is the
        one :meth:`_scan` reads, and a match that runs from one text into the next is dropped.
        The checks :meth:`_scan` makes on each match are made on arrays, and in Python only
        where the view cannot tell (a non-ASCII neighbour, the case of a case-sensitive form, a
        key that is not its own view). A text with a character that folds to an ASCII letter
        ("\u017f") is read by :meth:`_scan` itself.
        """
        out: list = [None] * len(texts)
        batch = []
        for i, t in enumerate(texts):
            if not t.isascii() and _has_fold(t):
                ms, anchors, contrasts, flags = self._scan(t)
                ms, nested = self._longest(ms)
                out[i] = (ms, anchors, contrasts, flags | (_NEAR if any(x[4] for x in ms) else 0), nested)
            else:
                batch.append(i)
        if not batch:
            return out
        bt = [texts[i] for i in batch]
        nb = len(bt)
        lens = np.fromiter(map(len, bt), np.int64, nb)
        offs = np.ones(nb, np.int64)  # where each text starts in the joined view
        np.cumsum(lens[:-1] + 2, out=offs[1:])
        offs[1:] += 1
        # one byte per character: "?" for a non-ASCII one (the text itself is read there)
        # (two spaces at the end: the byte after a mention's right neighbour is read below)
        raw = b" " + b"  ".join([t.encode("ascii", "replace") for t in bt]) + b"  "
        view = raw.translate(_VIEW)
        found = self._search_after_space(view)
        arr = np.fromiter(itertools.chain.from_iterable(found), np.int64, 3 * len(found)).reshape(-1, 3)
        arr[:, 0] = self._after_space[arr[:, 0]]
        va = np.frombuffer(view, np.uint8)
        at_list: list[int] = []  # every "+" and "#" (rare: found by bytes.find, not a pass over the array)
        for ch in b"+#":
            i = view.find(ch)
            while i != -1:
                at_list.append(i)
                i = view.find(ch, i + 1)
        at = np.array(at_list, dtype=np.int64)
        at = at[at < len(va) - 2]
        at = at[(va[at + 1] != 32) | self._space_core[va[at + 2]]]
        if len(at):  # the keys after "+" or "#": one window from each, the whole automaton over them
            w = self._key_width
            win = np.full((len(at), w + 2), 32, np.uint8)  # two spaces close each window
            win[:, :w] = va[np.minimum(at[:, None] + np.arange(w), len(va) - 1)]
            got = self._search(win.tobytes())
            wa = np.fromiter(itertools.chain.from_iterable(got), np.int64, 3 * len(got)).reshape(-1, 3)
            wa = wa[wa[:, 1] % (w + 2) == 0]  # what starts at the "+" or "#" itself
            first = at[wa[:, 1] // (w + 2)]
            wa[:, 2] = first + wa[:, 2] - wa[:, 1]
            wa[:, 1] = first
            arr = np.concatenate([arr, wa])
        idx, vs, ve = arr[:, 0], arr[:, 1], arr[:, 2]
        ti = np.searchsorted(offs - 1, vs, side="right") - 1  # the text whose view holds the start
        ok = ve <= offs[ti] + lens[ti] + 1  # ...and the end
        e = ve - 1  # the key ends before raw[e]
        rel = e - offs[ti]
        rawa = np.frombuffer(raw, np.uint8)
        for j in np.flatnonzero(ok & (rawa[e] == 63)).tolist():
            c = bt[ti[j]][rel[j]]
            if c >= "\x80" and _blocks_right(c):
                ok[j] = False  # a non-ASCII letter after the key looks like a space in the view
        kind = self._a_kind[idx]
        # keys with one reading that is their own view
        pi = np.flatnonzero(ok & (kind != _P_OTHER))
        pidx, pe, pti = idx[pi], rel[pi], ti[pi]
        ps = pe - self._a_klen[pidx]
        keep = np.ones(len(pi), bool)
        for j in np.flatnonzero(rawa[ps + offs[pti] - 1] == 63).tolist():
            c = bt[pti[j]][ps[j] - 1]
            if c >= "\x80" and _is_word(c):
                keep[j] = False  # a non-ASCII letter before the key looks like a space in the view
        cj = np.flatnonzero(self._a_cmp[pidx])
        if len(cj):  # keys compared to the text: each byte as written, lower-cased; a space any whitespace
            ckey, csp = self._cmp_key[pidx[cj]], self._cmp_space[pidx[cj]]
            pos = np.minimum((ps[cj] + offs[pti[cj]])[:, None] + np.arange(ckey.shape[1]), len(rawa) - 1)
            got = rawa[pos]
            used = ckey != 0
            same = (_LOWER_BYTES[got] == ckey) & ~csp | csp & _WS_BYTES[got] | ~used
            keep[cj] &= same.all(axis=1)
            for j in cj[((got == 63) & used).any(axis=1)].tolist():  # a non-ASCII character: read the text
                t, key = bt[pti[j]], self._readings[pidx[j]][0][3]
                got_s = t[ps[j] : pe[j]].lower()
                ok_j = got_s == key or (" " in key and _WS.sub(" ", got_s) == key)
                keep[j] = ok_j and not (ps[j] and t[ps[j] - 1] >= "\x80" and _is_word(t[ps[j] - 1]))
        exact = self._a_exact
        for j in np.flatnonzero(self._a_cs[pidx]).tolist():
            if keep[j] and bt[pti[j]][ps[j] : pe[j]] not in exact[pidx[j]]:
                keep[j] = False  # a case-sensitive form not as written
        pkind = kind[pi]
        sel = keep & (pkind == _P_TERM)
        m_ti, m_s, m_e, m_idx = pti[sel], ps[sel], pe[sel], pidx[sel]
        m_code, m_amb, m_fl = self._a_tcode[m_idx], self._a_amb[m_idx], self._a_flags[m_idx]
        sel = keep & (pkind == _P_ANCHOR)
        a_ti, a_s, a_e = pti[sel], ps[sel], pe[sel]
        akey = self._a_key
        a_key = [akey[k] for k in pidx[sel].tolist()]
        sel = keep & (pkind == _P_CONTRAST)
        c_ti, c_s, c_e = pti[sel], ps[sel], pe[sel]
        # every other key: its readings, as _scan reads them
        oi = np.flatnonzero(ok & (kind == _P_OTHER))
        if len(oi):
            lookup, readings_of, code = self._lookup, self._readings, self._tcode
            xm: list[tuple] = []
            xa: list[tuple] = []
            xc: list[tuple] = []
            for k, end, txt in zip(idx[oi].tolist(), rel[oi].tolist(), ti[oi].tolist(), strict=True):
                t = bt[txt]
                for klen, check, info, key in readings_of[k]:
                    s = end - klen
                    if s and t[s - 1] >= "\x80" and _is_word(t[s - 1]):
                        continue
                    if check:
                        got = t[s:end].lower()
                        if check == _COMPARE:
                            if got != key and (" " not in key or _WS.sub(" ", got) != key):
                                continue
                        else:
                            info = lookup.get(got)
                            if info is None:
                                got = _WS.sub(" ", got)
                                info = lookup.get(got)
                                if info is None:
                                    continue
                            key = got
                    tid, exact, amb, is_cue, is_contrast, fl = info
                    if tid is not None and (exact is None or t[s:end] in exact):
                        xm.append((txt, s, end, code[tid], amb, fl))
                    if is_cue:
                        xa.append((txt, s, end, key))
                    if is_contrast:
                        xc.append((txt, s, end))
            if xm:
                cols = list(zip(*xm, strict=True))
                m_ti, m_s, m_e, m_code = (np.concatenate([a, np.array(b, np.int64)])
                                          for a, b in zip((m_ti, m_s, m_e, m_code), cols[:4], strict=True))
                m_amb = np.concatenate([m_amb, np.array(cols[4], bool)])
                m_fl = np.concatenate([m_fl, np.array(cols[5], np.int64)])
            if xa:
                cols = list(zip(*xa, strict=True))
                a_ti, a_s, a_e = (np.concatenate([a, np.array(b, np.int64)])
                                  for a, b in zip((a_ti, a_s, a_e), cols[:3], strict=True))
                a_key += cols[3]
            if xc:
                cols = list(zip(*xc, strict=True))
                c_ti, c_s, c_e = (np.concatenate([a, np.array(b, np.int64)])
                                  for a, b in zip((c_ti, c_s, c_e), cols, strict=True))
        flags = np.zeros(nb, np.int64)
        np.bitwise_or.at(flags, m_ti, m_fl)
        # (_NEAR is added below, once the mentions that may sit in a link are known)
        # mentions by start, longest first (as _scan orders them); anchors and contrast words by end
        o = np.lexsort((-m_e, m_s, m_ti))
        m_ti, m_s, m_e, m_code, m_amb = m_ti[o], m_s[o], m_e[o], m_code[o], m_amb[o]
        # the longest mention wins (as _longest reads them): a mention that does not reach
        # beyond every earlier one of its text goes
        reach = m_ti * (1 << 33) + m_e
        lk = np.ones(len(reach), bool)
        lk[1:] = reach[1:] > np.maximum.accumulate(reach)[:-1]
        ex = m_code == self._ex_code
        n_raw = np.bincount(m_ti, minlength=nb)
        n_ex = np.bincount(m_ti[ex], minlength=nb)
        ex_texts = np.unique(m_ti[ex & lk]).tolist()  # excluded phrases kept: _longest drops what they overlap
        m_ti, m_s, m_e, m_code, m_amb = m_ti[lk], m_s[lk], m_e[lk], m_code[lk], m_amb[lk]
        # a character that may belong to a link next to the mention (a "?" is looked up in the
        # text); "Python." before a space, where the token is the mention and a full stop, is no link
        at = m_s + offs[m_ti]
        lb, rb = rawa[at - 1], rawa[at + (m_e - m_s)]
        near = (_LINKISH_BYTES[lb] | _LINKISH_BYTES[rb]) & ~(
            _TOKEN_START_BYTES[lb] & _TOKEN_END_BYTES[rb] & _SPACE_BYTES[rawa[at + (m_e - m_s) + 1]]
            & ~_EDGE_BYTES[rawa[at]] & ~_EDGE_BYTES[rawa[at + (m_e - m_s) - 1]]
        )
        for j in np.flatnonzero((lb == 63) | (rb == 63)).tolist():
            t, s0, e0 = bt[m_ti[j]], m_s[j], m_e[j]
            near[j] = bool((s0 and t[s0 - 1] in _LINKISH) or (e0 < len(t) and t[e0] in _LINKISH))
        flags[np.unique(m_ti[near])] |= _NEAR
        ms_all = list(map(_new_mention, zip(m_s.tolist(), m_e.tolist(), self._a_tids[m_code].tolist(),
                                            m_amb.tolist(), near.tolist(), strict=True)))
        mb = np.searchsorted(m_ti, np.arange(nb + 1)).tolist()
        fixed = {}
        for k in ex_texts:
            keep = ms_all[mb[k] : mb[k + 1]]
            exs = [x for x in keep if x.tid == _EXCLUDED]
            fixed[k] = [x for x in keep if x.tid != _EXCLUDED and not any(y.start < x.end and x.start < y.end for y in exs)]
        o = np.lexsort((a_s, a_e, a_ti))
        a_ti = a_ti[o]
        an_all = list(zip(a_s[o].tolist(), a_e[o].tolist(), [a_key[k] for k in o.tolist()], strict=True))
        ab = np.searchsorted(a_ti, np.arange(nb + 1)).tolist()
        o = np.lexsort((c_s, c_e, c_ti))
        c_ti = c_ti[o]
        co_all = c_s[o].tolist()
        cb = np.searchsorted(c_ti, np.arange(nb + 1)).tolist()
        nested = (n_raw - n_ex).tolist()
        for k, (i, f) in enumerate(zip(batch, flags.tolist(), strict=True)):
            ms = fixed[k] if k in fixed else ms_all[mb[k] : mb[k + 1]]
            out[i] = (ms, an_all[ab[k] : ab[k + 1]], co_all[cb[k] : cb[k + 1]], f, nested[k] - len(ms))
        return out

    def occurrences(self, text: str) -> list[Occurrence]:
        """Raw boundary matches of every term in ``text`` as given (no HTML decoding).

        What one boundary regex per term would find: no exclusions, no longest-match,
        no context rule for ambiguous forms, no status. Used to check the automaton against a
        per-term baseline.

        Examples
        --------
        >>> m = SkillMatcher.from_taxonomy()
        >>> sorted({o.taxonomy_id for o in m.occurrences("no-code tools")})
        ['coding.code', 'low_code.no_code']
        """
        return [Occurrence(x.tid, x.start, x.end) for x in self._scan(text)[0] if x.tid != _EXCLUDED]

    def find(self, text: str | None, company: str | None = None) -> list[Hit]:
        """Every mention of a taxonomy term in ``text``, with its status, in text order.

        Parameters
        ----------
        text : str or None
            Plain text (HTML leftovers are tolerated); None or NA gives no hits.
        company : str, optional
            The employer's name. Mentions inside its occurrences are the employer, not asks
            ("Airtable's mission is ..."). Without it, the company field of the text's first
            line is used (:func:`trendlab.clean.text.company_of`).

        Returns
        -------
        list of Hit

        Examples
        --------
        >>> m = SkillMatcher.from_taxonomy()
        >>> [(h.term, h.status) for h in m.find("Nice to have: Airtable or Zapier. This is not a technical role.")]
        [('Airtable', 'preferred'), ('Zapier', 'preferred'), ('Technical skills', 'negated')]
        >>> [h.term for h in m.find("Zapier | Backend Engineer | Remote\\nZapier connects apps. You know Python.")]
        ['Python']
        """
        if text is None or text is pd.NA or (isinstance(text, float) and text != text):
            return []
        if not isinstance(text, str):
            raise TypeError(f"find() needs a str, got {type(text).__name__}")
        t, spans = _decode_markup(text)
        ms, statuses = self._analyse(t, company if isinstance(company, str) and company.strip() else None)
        if not ms:
            return []
        omap = _OffsetMap(spans) if spans else None
        hits = []
        for x, st in zip(ms, statuses or ["required"] * len(ms), strict=True):
            s, e = (omap.start(x.start), omap.end(x.end)) if omap else (x.start, x.end)
            hits.append(Hit(self._term[x.tid], self._family[x.tid], x.tid, s, e, st, t[x.start : x.end]))
        return hits

    def _analyse(
        self, t: str, company: str | None = None, counts: dict[str, int] | None = None, scanned: tuple | None = None
    ) -> tuple[list[_Mention], list[str] | None]:
        """Mentions in decoded text ``t`` after exclusions, longest match and context, with statuses.

        The statuses are None when every mention is required (no cue can change one).
        ``counts`` (optional) adds up the mentions dropped, by reason (:data:`DROP_REASONS`).
        ``scanned`` is the reading of ``t`` by :meth:`_scan_many`, when it was read already.
        """
        if scanned is None:
            ms, anchors, contrasts, flags = self._scan(t)
            if not ms:
                return ms, []
            ms, nested = self._longest(ms)
        else:  # from _scan_many: longest match already applied
            ms, anchors, contrasts, flags, nested = scanned
        if nested and counts is not None:
            counts[DROP_REASONS[0]] = counts.get(DROP_REASONS[0], 0) + nested
        if not ms:
            return ms, []
        ms = self._names(t, ms, company, counts, scanned is None or bool(flags & _NEAR))
        if flags & _AMB:
            n = len(ms)
            ms = self._in_context(t, ms)
            if counts is not None and n != len(ms):
                counts[DROP_REASONS[1]] = counts.get(DROP_REASONS[1], 0) + n - len(ms)
        # flags come from every term found, kept or not: a pass may find nothing to do
        if flags & _GUARDED:
            ms = self._guard(t, ms, counts)
        if flags & _DESCRIBED:
            ms = self._describe(t, ms, company, counts)
        if not ms:
            return ms, []
        if anchors:
            anchors = self._relevant(t, anchors, ms)
        cues = self._cue_spans(t, anchors) if anchors else []
        return ms, (self._statuses(t, ms, cues, contrasts) if cues else None)

    @staticmethod
    def _relevant(t: str, anchors: list[tuple[int, int, str]], ms: list[_Mention]) -> list[tuple[int, int, str]]:
        """The anchors that can change a status: on a line with a mention, or on a header line.

        Clauses never cross a line break, and a line that ends with ":" may head a list.
        """
        starts = [x[0] for x in ms]
        keep = []
        ls = le = -1  # the line of the anchor before and whether its anchors are kept
        line_kept = False
        for a in anchors:
            if not ls <= a[0] <= le:  # another line (anchors come nearly in text order)
                ls = t.rfind("\n", 0, a[0]) + 1
                le = t.find("\n", a[0])
                le = len(t) if le == -1 else le
                i = bisect.bisect_left(starts, ls)
                line_kept = i < len(starts) and starts[i] < le
                if not line_kept:
                    k = le - 1
                    while k > ls and t[k] in " \t\r\xa0":
                        k -= 1
                    line_kept = t[k] == ":"
            if line_kept:
                keep.append(a)
        return keep

    def statuses_by_term(
        self, text: str | None, company: str | None = None, counts: dict[str, int] | None = None
    ) -> dict[str, str]:
        """``{taxonomy_id: status}`` for a text, keeping the strongest status of each term.

        The reduction :func:`tag_skills` applies per role (required > preferred > negated),
        without building :class:`Hit` objects. ``company`` is as in :meth:`find`; ``counts``
        (a dict), when given, adds up the mentions that were found but are not hits, by reason
        (:data:`DROP_REASONS`).

        Examples
        --------
        >>> SkillMatcher.from_taxonomy().statuses_by_term("SQL. SQL is a plus. Python (bonus)")
        {'data_sql.sql': 'required', 'coding.python': 'preferred'}
        """
        if text is None or text is pd.NA or (isinstance(text, float) and text != text):
            return {}
        if not isinstance(text, str):
            raise TypeError(f"statuses_by_term() needs a str, got {type(text).__name__}")
        return self._by_term(_decode_markup(text)[0], company, counts)

    def _by_term(
        self, t: str, company: str | None, counts: dict[str, int] | None, scanned: tuple | None = None
    ) -> dict[str, str]:
        """:meth:`statuses_by_term` of decoded text ``t`` (``scanned`` as in :meth:`_analyse`)."""
        ms, statuses = self._analyse(
            t, company if isinstance(company, str) and company.strip() else None, counts, scanned
        )
        if statuses is None:
            return dict.fromkeys([x[2] for x in ms], "required")
        best: dict[str, str] = {}
        for x, st in zip(ms, statuses, strict=True):
            old = best.get(x.tid)
            if old is None or _STATUS_RANK[st] > _STATUS_RANK[old]:
                best[x.tid] = st
        return best

    # ------------------------------------------------------------------ rules

    @staticmethod
    def _longest(ms: list[_Mention]) -> tuple[list[_Mention], int]:
        """Drop mentions inside a longer one, then the excluded phrases and what overlaps them.

        An excluded phrase says its words are read together ("drug discovery"), so a term that
        shares words with it ("discovery process" in "drug discovery process") goes too.
        Returns the kept mentions and how many term mentions were dropped.
        """
        keep: list[_Mention] = []
        append = keep.append
        reach = -1  # furthest end among earlier (or equal-start, longer) mentions
        excluded = 0
        for x in ms:  # sorted by start, then longest first
            if x[2] == _EXCLUDED:
                excluded += 1
            if x[1] > reach:  # not inside an earlier mention: it reaches further
                append(x)
                reach = x[1]
        if excluded:
            ex = [x for x in keep if x.tid == _EXCLUDED]
            if ex:
                keep = [x for x in keep if x.tid != _EXCLUDED
                        and not any(y.start < x.end and x.start < y.end for y in ex)]
        return keep, len(ms) - excluded - len(keep)

    def _in_context(self, t: str, ms: list[_Mention]) -> list[_Mention]:
        """Keep an ambiguous mention only in a list with a confirmed one or next to a context word."""
        after_rx = self._after_rx
        # only the ambiguous mentions are read; the others are confirmed
        pending = [i for i, x in enumerate(ms) if x[3]
                   and not (after_rx.match(t, x[1]) or self._context_before(t, x[0]))]
        if not pending:
            return ms
        confirmed = [True] * len(ms)
        for i in pending:
            confirmed[i] = False
        listable, n = self._listable, len(ms)
        changed = True
        while changed:  # a list "R, Go, Python" confirms left to right and back
            changed = False
            for i in pending:
                if confirmed[i]:
                    continue
                x = ms[i]
                for j in (i - 1, i + 1):
                    if 0 <= j < n and confirmed[j] and ms[j][2] in listable:
                        a, b = (ms[j], x) if j < i else (x, ms[j])
                        gap = t[a.end : b.start]
                        if len(gap) <= self._gap_max and self._gap_rx.match(gap):
                            confirmed[i] = changed = True
                            break
        return [x for x, ok in zip(ms, confirmed, strict=True) if ok]

    def _names(
        self, t: str, ms: list[_Mention], company: str | None, counts: dict[str, int] | None, near: bool = True
    ) -> list[_Mention]:
        """Drop the mentions that are part of a name: inside a link or an e-mail address, or the employer.

        ``near`` False says that no mention has a link character next to it.
        """
        if near:
            in_link = self._in_link
            kept = [x for x in ms if not (x[4] and in_link(t, x[0], x[1]))]
            if len(kept) != len(ms):
                if counts is not None:
                    counts[DROP_REASONS[2]] = counts.get(DROP_REASONS[2], 0) + len(ms) - len(kept)
                ms = kept
        if not ms:
            return ms
        spans = self._employer_spans(t, ms, company)
        if spans:
            k = len(ms)
            ms = [x for x in ms if not any(a <= x.start and x.end <= b for a, b in spans)]
            if counts is not None:
                counts[DROP_REASONS[3]] = counts.get(DROP_REASONS[3], 0) + k - len(ms)
        return ms

    def _in_link(self, t: str, s: int, e: int) -> bool:
        """``t[s:e]`` sits inside a link, an e-mail address or a domain name longer than itself."""
        lo = max(0, s - 200)  # tokens are short: look for the space before one nearby first
        ts = max(t.rfind(" ", lo, s), t.rfind("\n", lo, s), t.rfind("\t", lo, s))
        if ts == -1 and lo:
            ts = max(t.rfind(" ", 0, lo), t.rfind("\n", 0, lo), t.rfind("\t", 0, lo))
        ts += 1
        te = _TOKEN_REST.match(t, e).end()
        token = t[ts:te]
        if self._link_marks_rx.search(token) is None:
            return False  # a token without them is no link ("React-Redux")
        token = token.strip(_EDGE_PUNCT)
        return token != t[s:e] and self._link_rx.search(token) is not None

    def _employer(self, t: str, company: str | None, first_line_mention: bool) -> str | None:
        """The employer's name: ``company`` when given, else the company field of the first line."""
        if company is None:
            if not first_line_mention:
                return None
            nl = t.find("\n")
            company = self._company_of(t if nl == -1 else t[:nl])
            if company is None:
                return None
        return self._company_name(company)[0]

    def _company_of(self, line: str) -> str | None:
        """:func:`trendlab.clean.text.company_of` of a first line, remembered (reposts repeat their header)."""
        cache = self._line_cache
        if line not in cache:
            if len(cache) > 50_000:
                cache.clear()
            cache[line] = company_of(line)
        return cache[line]

    def _company_name(self, company: str) -> tuple[str, frozenset[str], re.Pattern[str] | None]:
        """The company's name without legal or domain endings, the terms found in it, and a
        pattern for its occurrences when it names an employer that hides a term (cached).

        No pattern when the name holds no term or several (a skill list), is long or reads as
        a role, a list or a practice, or is exactly a term outside the employer families (a
        language: "JavaScript - Front End Engineer").
        """
        got = self._company_cache.get(company)
        if got is None:
            name = self._suffix_rx.sub("", company.strip()).strip()
            found = self._longest(self._scan(name)[0])[0]
            if not found and name != company.strip():  # the ending is part of the term ("tray.io")
                name = company.strip()
                found = self._longest(self._scan(name)[0])[0]
            tids = frozenset(x.tid for x in found)
            rx = None
            if len(tids) == 1 and len(name.split()) <= self._company_words and not self._not_company_rx.search(name):
                (tid,) = tids
                exact = len(found) == 1 and found[0].start == 0 and found[0].end == len(name)
                if not exact or self._family[tid] in self._employer_families:
                    rx = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.I)
            got = self._company_cache[company] = (name, tids, rx)
        return got

    def _employer_spans(self, t: str, ms: list[_Mention], company: str | None) -> list[tuple[int, int]]:
        """Where the employer's name occurs in ``t`` (ignoring case), when the name holds one term.

        A name holding no term hides nothing; one holding several is a list of skills ("Python,
        Django | Remote"), not a company.
        """
        if company is None:
            nl = t.find("\n")
            end = len(t) if nl == -1 else nl
            # company_of reads the company from the first two fields of the first line, and
            # each field separator comes at or before a "|": a mention must start before the second
            bar = t.find("|", 0, end)
            if bar != -1:
                bar = t.find("|", bar + 1, end)
            if bar != -1:
                end = bar
            if ms[0].start >= end:
                return []
            company = self._company_of(t if nl == -1 else t[:nl])
            if company is None:
                return []
            low = company.lower()
            # (mentions come by start: those of the first fields lead)
            if not any(t[x[0] : x[1]].lower() in low for x in itertools.takewhile(lambda x: x[0] < end, ms)):
                return []
        rx = self._company_name(company)[2]
        return [(m.start(), m.end()) for m in rx.finditer(t)] if rx is not None else []

    def _guard(self, t: str, ms: list[_Mention], counts: dict[str, int] | None) -> list[_Mention]:
        """Drop mentions of guarded forms out of their context (``[[guard]]`` in the cue file)."""
        keep = []
        guard_tids, guards = self._guard_tids, self._guards
        for x in ms:
            if x[2] in guard_tids:
                surface = t[x.start : x.end].lower()
                g = guards.get(surface) or guards.get(match_key(surface))
                if g is not None and not _guard_passes(g, t, x.start, x.end):
                    continue
            keep.append(x)
        if counts is not None and len(keep) != len(ms):
            counts[DROP_REASONS[4]] = counts.get(DROP_REASONS[4], 0) + len(ms) - len(keep)
        return keep

    def _describe(
        self, t: str, ms: list[_Mention], company: str | None, counts: dict[str, int] | None
    ) -> list[_Mention]:
        """Drop product and low-code mentions in sentences that describe the company, not the hire."""
        keep = []
        name: str | None = ""  # the employer, looked up once when first needed
        a = b = -1  # the last sentence read and whether it describes the company
        described = False
        desc_tids = self._desc_tids
        for x in ms:
            if x[2] in desc_tids:
                if not a <= x[0] < b:  # (any position in a sentence has the same bounds)
                    a, b = self._sentence_bounds(t, x[0])
                    sent = t[a:b]
                    described = False
                    if not self._ask_rx.search(sent):
                        if self._subject_rx.match(sent):
                            described = True
                        else:
                            if name == "":
                                name = self._employer(t, company, True)
                            described = bool(name) and sent.lstrip(" \t*-\u2022").lower().startswith(
                                name.lower() + " ")
                if described:
                    continue
            keep.append(x)
        if counts is not None and len(keep) != len(ms):
            counts[DROP_REASONS[5]] = counts.get(DROP_REASONS[5], 0) + len(ms) - len(keep)
        return keep

    def _sentence_bounds(self, t: str, p: int) -> tuple[int, int]:
        """``[start, end)`` of the sentence (within its line) holding position ``p``."""
        left = t.rfind("\n", 0, p) + 1
        right = t.find("\n", p)
        right = len(t) if right == -1 else right
        k = p
        while True:
            k = max(t.rfind(ch, left, k) for ch in ".!?")
            if k < left:
                break
            if self._sentence_end(t, k):
                left = k + 1
                break
        m = self._sent_rx.search(t, p, right)
        while m:
            if self._sentence_end(t, m.start()):
                right = m.start()
                break
            m = self._sent_rx.search(t, m.start() + 1, right)
        return left, right

    def _context_before(self, t: str, s: int) -> bool:
        """The words right before ``s`` (spaces or a colon between) are a context phrase ("in")."""
        words = [w.lstrip("([{\"'") for w in t[max(0, s - 40) : s].rstrip(" \t\n:").lower().split()]
        if not words or t[s - 1 : s] not in ("", " ", "\t", "\n", ":", "\xa0"):
            return False
        return any(" ".join(words[-k:]) in self._before_words for k in range(1, min(len(words), self._before_len) + 1))

    def _cue_spans(self, t: str, anchors: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Cues as ``(start, end, kind)`` in text order; a cue inside a longer one is dropped."""
        found = []
        anchor_cues, cues = self._anchors, self._cues
        for s, e, key in anchors:
            for ci in anchor_cues[key]:
                cue = cues[ci]
                a, b = s, e
                if cue.before is not None:
                    m = cue.before.search(t, max(0, s - 60), s)
                    if not m:
                        continue
                    a = m.start()
                if cue.after is not None:
                    m = cue.after.match(t, e)
                    if not m:
                        continue
                    b = m.end()
                if cue.not_before is not None and cue.not_before.search(t, max(0, a - 60), a):
                    continue
                found.append((a, b, cue.kind))
        if not found:
            return found
        found.sort(key=lambda c: (c[0], -c[1], _KIND_RANK[c[2]]))
        keep, reach = [], -1
        for c in found:
            if c[1] <= reach:
                continue
            keep.append(c)
            reach = max(reach, c[1])
        return keep

    def _abbreviation(self, t: str, k: int) -> bool:
        """The "." at ``k`` ends an abbreviation ("e.g.") or an initial ("J.") inside a sentence.

        An abbreviation that can end a sentence ("etc.") ends it before a capital letter.
        """
        lo = max(0, k - 12)
        word = t[max(t.rfind(" ", lo, k), t.rfind("\n", lo, k), t.rfind("(", lo, k)) + 1 : k]
        if not word or not word[0].isascii() or not word[0].isalpha():
            return False
        word = word.lower().rstrip(".")
        if word in self._final_abbrev:
            nxt = t[k + 1 : k + 40].lstrip()
            return not (nxt[:1].isupper())
        return len(word) == 1 or word in self._abbrev

    def _sentence_end(self, t: str, k: int) -> bool:
        """``t[k]`` (".", "!" or "?") ends a sentence: a space follows and it ends no abbreviation."""
        return (k + 1 >= len(t) or t[k + 1].isspace()) and not (t[k] == "." and self._abbreviation(t, k))

    def _clause_of(
        self, t: str, p: int, contrasts: list[int], soft: list[tuple[int, int]], hard: str, ends: str
    ) -> tuple[int, int]:
        """``[start, end)`` of the clause holding position ``p``.

        A clause ends at a line break, a sentence end, ``;``, a bullet, or before a contrast
        word ("..., but") unless that word is part of a "not required, but a plus" cue.
        ``hard`` (``;`` and bullets) and ``ends`` (``.!?``) are the marks present in the text.
        """
        left = t.rfind("\n", 0, p) + 1
        right = t.find("\n", p)
        right = len(t) if right == -1 else right
        for ch in hard:
            k = t.rfind(ch, left, p)
            if k != -1:
                left = k + 1
            k = t.find(ch, p, right)
            if k != -1:
                right = k
        k = p
        while ends:  # the last sentence end before p
            k = max(t.rfind(ch, left, k) for ch in ends)
            if k < left:
                break
            if self._sentence_end(t, k):
                left = k + 1
                break
        m = self._sent_rx.search(t, p, right)
        while m:  # the first sentence end after p
            if self._sentence_end(t, m.start()):
                right = m.start()
                break
            m = self._sent_rx.search(t, m.start() + 1, right)
        if contrasts:
            i = bisect.bisect_right(contrasts, p) - 1
            while i >= 0 and contrasts[i] >= left:
                if not any(a <= contrasts[i] < b for a, b in soft):
                    left = contrasts[i]  # the clause starts at the contrast word
                    break
                i -= 1
            i = bisect.bisect_right(contrasts, p)
            while i < len(contrasts) and contrasts[i] < right:
                if not any(a <= contrasts[i] < b for a, b in soft):
                    right = contrasts[i] - 1
                    break
                i += 1
        return left, right

    def _header_scopes(self, t: str, cues: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """``(start, end, status)`` of the list items under each header line that holds a cue.

        A header is a line ending with ":" of at most ``header_max_words`` words ("Nice to
        have:"); its list runs over the following lines while they look like items (a bullet,
        or few words) and stops at the next header.
        """
        n = len(t)
        scopes: list[tuple[int, int, str]] = []
        done: set[int] = set()
        for cs, _, _ in cues:
            ls = t.rfind("\n", 0, cs) + 1
            if ls in done:
                continue
            done.add(ls)
            le = t.find("\n", cs)
            le = n if le == -1 else le
            k = le - 1
            while k > ls and t[k].isspace():
                k -= 1
            if t[k] != ":" or len(t[ls:le].split()) > self._header_words:
                continue
            kinds = [kd for _, _, kd in _soften([c for c in cues if ls <= c[0] < le])]
            status = _KIND_STATUS[_strongest(kinds)]
            pos, para = le + 1, False
            while pos < n:
                e2 = t.find("\n", pos)
                e2 = n if e2 == -1 else e2
                line = t[pos:e2]
                body = line.strip()
                if not body:
                    para, pos = True, e2 + 1
                    continue
                words = len(body.split())
                if body.endswith(":") and words <= self._header_words:
                    break  # the next header
                limit = self._para_item_words if para else self._item_words
                if not (self._bullet_start.match(line) or words <= limit):
                    break
                scopes.append((pos, e2, status))
                para, pos = False, e2 + 1
        return sorted(scopes)

    def _statuses(
        self, t: str, ms: list[_Mention], cues: list[tuple[int, int, str]], contrasts: list[int]
    ) -> list[str]:
        """Status of each mention from the cues of its clause and the header above it.

        Only clauses that hold a cue and lists under a header with a cue are read; every
        other mention is required. A negation of scope "span" negates only the mentions
        inside its own text.
        """
        span_cues = [c for c in cues if c[2] == _SPAN_NEGATION]
        if span_cues:
            cues = [c for c in cues if c[2] != _SPAN_NEGATION]
        soft = [(a, b) for a, b, k in cues if k == "soft_optional"]
        scopes = self._header_scopes(t, cues)
        scope_starts = [sc[0] for sc in scopes]
        out = ["required"] * len(ms)
        if scopes:
            for k, x in enumerate(ms):
                i = bisect.bisect_right(scope_starts, x.start) - 1
                if i >= 0 and x.start < scopes[i][1]:
                    out[k] = scopes[i][2]
        starts = [x[0] for x in ms]
        hard = "".join([ch for ch in self._hard if ch in t])
        ends = "".join([ch for ch in ".!?" if ch in t])
        clauses: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        for c in cues:
            # clauses never cross a line: a cue on a line without mentions changes nothing
            i = bisect.bisect_left(starts, t.rfind("\n", 0, c[0]) + 1)
            if i == len(starts) or t.find("\n", c[0], starts[i]) != -1:
                continue
            a, b = self._clause_of(t, c[0], contrasts, soft, hard, ends)
            if c[2] in (_SOFT_NEGATION, "negation"):
                # a negation stops before a condition: "not required if you know Rust"
                m = self._cond_rx.search(t, c[1], b)
                if m:
                    b = m.start()
            clauses.setdefault((a, b), []).append(c)
        for (a, b), cl_cues in clauses.items():
            lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
            if lo == hi:
                continue
            # a header's own cue sets its list, not the header line itself
            out[lo:hi] = self._clause(t, a, b, ms[lo:hi], _soften(cl_cues), out[lo])
        for a, b, _ in span_cues:  # "not a technical role": only what the cue itself names
            for i in range(bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)):
                if ms[i].end <= b:
                    out[i] = "negated"
        return out

    @staticmethod
    def _clause(
        t: str, s: int, e: int, hits: list[_Mention], cues: list[tuple[int, int, str]], default: str
    ) -> list[str]:
        """Statuses of the mentions in one clause ``t[s:e]``."""
        if not cues:
            return [default] * len(hits)
        kinds_here = {k for _, _, k in cues}
        if len(kinds_here) == 1 and t.find("(", s, e) == -1:  # one kind of cue, no parentheses
            return [_KIND_STATUS[kinds_here.pop()]] * len(hits)
        status: list[str | None] = [None] * len(hits)
        parens = [(m.start(), m.end()) for m in _PAREN.finditer(t, s, e)] if "(" in t[s:e] else []
        prev = s
        for ps, pe in parens:  # "Go (a plus)": the cue in parentheses governs the item before it
            pc = [k for a, _, k in cues if ps <= a < pe]
            if pc:
                st = _KIND_STATUS[_strongest(pc)]
                inside = [i for i, h in enumerate(hits) if ps <= h.start < pe]
                if inside:
                    for i in inside:
                        status[i] = st
                else:
                    item = max(prev, max(t.rfind(c, prev, ps) for c in ",;:") + 1)
                    for i, h in enumerate(hits):
                        if item <= h.start < ps and status[i] is None:
                            status[i] = st
            prev = pe
        if all(x is not None for x in status):
            return status  # type: ignore[return-value]
        # comma pieces outside parentheses
        bounds = [s]
        c = t.find(",", s, e)
        while c != -1:
            if not any(a <= c < b for a, b in parens):
                bounds.append(c + 1)
            c = t.find(",", c + 1, e)
        bounds.append(e)
        kinds: list[str | None] = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            ks = [k for c0, _, k in cues if a <= c0 < b and not any(p0 <= c0 < p1 for p0, p1 in parens)]
            kinds.append(_strongest(ks) if ks else None)
        distinct = {k for k in kinds if k}
        if not distinct:
            fill = [default] * len(kinds)
        elif len(distinct) == 1:
            fill = [_KIND_STATUS[distinct.pop()]] * len(kinds)
        else:  # mixed: each piece its own cue; a piece without one takes its neighbour's
            cur = next(k for k in kinds if k)
            fill = []
            for k in kinds:
                cur = k or cur
                fill.append(_KIND_STATUS[cur])
        for i, h in enumerate(hits):
            if status[i] is None:
                status[i] = fill[min(bisect.bisect_right(bounds, h.start) - 1, len(fill) - 1)]
        return status  # type: ignore[return-value]


def _strongest(kinds: Iterable[str]) -> str:
    ks = set(kinds)
    return next(k for k in _KIND_ORDER if k in ks)


def _guard_passes(g: _Guard, t: str, s: int, e: int) -> bool:
    """Whether a guarded mention ``t[s:e]`` keeps its place: no drop pattern, and a keep pattern if any."""
    lo = max(0, s - 60)
    if g.drop_before is not None and g.drop_before.search(t, lo, s):
        return False
    if g.drop_after is not None and g.drop_after.match(t, e):
        return False
    if g.keep_before is None and g.keep_after is None:
        return True
    return bool(
        (g.keep_before is not None and g.keep_before.search(t, lo, s))
        or (g.keep_after is not None and g.keep_after.match(t, e))
    )


def _soften(cues: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Beside an optional cue, a softening negation ("not required") means preferred."""
    kinds = {k for _, _, k in cues}
    if _SOFT_NEGATION in kinds and kinds & _OPTIONAL_KINDS:
        return [(a, b, "soft_optional" if k == _SOFT_NEGATION else k) for a, b, k in cues]
    return cues


# --------------------------------------------------------------------------- tables


def _check_roles(roles: pd.DataFrame, cols: list[str]) -> None:
    if not isinstance(roles, pd.DataFrame):
        raise TypeError(f"roles must be a DataFrame, got {type(roles).__name__}")
    missing = [c for c in cols if c not in roles.columns]
    if missing:
        raise KeyError(f"roles lacks column(s) {missing}; expected {cols}, found {list(roles.columns)}")
    dup = roles.duplicated(["posting_id", "role_index"])
    if dup.any():
        r = roles[dup].iloc[0]
        raise ValueError(
            f"roles has {int(dup.sum())} duplicate (posting_id, role_index) row(s), "
            f"first ({r['posting_id']!r}, {r['role_index']!r}); one row per role expected"
        )


def tag_skills(
    roles: pd.DataFrame,
    text_col: str = "requirements_text",
    *,
    matcher: SkillMatcher | None = None,
    company_col: str | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The ``skill_hits`` table: one row per (role, term) mentioned in the role's text.

    A term mentioned several times in a role keeps its strongest status
    (required > preferred > negated). Each distinct text is read once, and the texts of a chunk
    of roles in one automaton pass (the hits are those of :meth:`SkillMatcher.statuses_by_term`
    text by text). Roles without text yield no rows and are counted in
    ``attrs["roles_without_text"]``; mentions found but not kept (inside a longer term or an
    excluded phrase, in a link, the employer's name, ...) are counted by reason in
    ``attrs["mentions_dropped"]``.

    Parameters
    ----------
    roles : DataFrame
        With ``posting_id``, ``role_index`` and ``text_col``; one row per role. Not modified.
    text_col : str
        The column holding the text to tag.
    matcher : SkillMatcher, optional
        Defaults to :meth:`SkillMatcher.from_taxonomy`.
    company_col : str, optional
        A column with the employer's name (the ``company`` of ``postings``): mentions inside
        it are the employer, not asks. Without it, each text's first line is read for the
        company (see :meth:`SkillMatcher.find`).
    progress : bool, optional
        Show a progress bar (default: only on a terminal).

    Returns
    -------
    DataFrame
        Columns ``posting_id, role_index, skill_family, term, taxonomy_id, status``;
        ``attrs`` records ``taxonomy_version``, ``taxonomy_fingerprint``, ``roles_in``,
        ``roles_without_text`` and ``mentions_dropped`` (``{reason: count}`` over
        :data:`DROP_REASONS`).

    Raises
    ------
    KeyError
        A required column is missing.
    ValueError
        Duplicate (posting_id, role_index).

    Examples
    --------
    >>> import pandas as pd
    >>> roles = pd.DataFrame({"posting_id": ["1"], "role_index": [0],
    ...                       "requirements_text": ["SQL required; Python a plus"]})
    >>> tag_skills(roles)[["taxonomy_id", "status"]].values.tolist()
    [['data_sql.sql', 'required'], ['coding.python', 'preferred']]
    """
    from tqdm.auto import tqdm

    _check_roles(roles, ["posting_id", "role_index", text_col, *([company_col] if company_col else [])])
    import pyarrow as pa

    m = matcher or SkillMatcher.from_taxonomy()
    pids: list = []
    ridxs: list = []
    tids: list[str] = []
    sts: list[str] = []
    no_text = 0
    counts = dict.fromkeys(DROP_REASONS, 0)
    # the same text (a repost, a role text shared by several roles) is read once
    memo: dict[object, tuple[dict[str, str], dict[str, int]]] = {}
    companies = roles[company_col].tolist() if company_col else [None] * len(roles)
    it = zip(roles["posting_id"].tolist(), roles["role_index"].tolist(), roles[text_col].tolist(), companies,
             strict=True)
    gc_was_on = gc.isenabled()
    gc.disable()  # the loop makes many small tuples and no cycles: collections would be pure cost
    bar = tqdm(total=len(roles), desc="tag skills", unit="role",
               disable=(not progress) if progress is not None else None)
    try:
        while True:
            # a chunk of roles: the texts not read before are scanned in one automaton pass
            chunk = list(itertools.islice(it, _CHUNK_ROLES))
            if not chunk:
                break
            todo: dict[object, str] = {}
            keys: list[object] = []  # each role's memo key (None: no text)
            for _, _, text, company in chunk:
                if text is None or text is pd.NA or (isinstance(text, float) and text != text):
                    keys.append(None)
                    continue
                if not isinstance(text, str):
                    raise TypeError(f"{text_col} must hold str, got {type(text).__name__}: {text!r}")
                key = text if company is None else (text, company)
                keys.append(key)
                if key not in memo and key not in todo:
                    # (most texts hold neither "<" nor "&": no markup to look for)
                    todo[key] = _decode_markup(text)[0] if "<" in text or "&" in text else text
            if todo:
                decoded = list(todo.values())
                for (key, t), sc in zip(todo.items(), m._scan_many(decoded), strict=True):
                    dropped: dict[str, int] = {}
                    company = key[1] if isinstance(key, tuple) else None
                    memo[key] = (m._by_term(t, company, dropped, sc), dropped)
            for (pid, ridx, _, _), key in zip(chunk, keys, strict=True):
                if key is None:
                    no_text += 1
                    continue
                best, dropped = memo[key]
                for k, v in dropped.items():
                    counts[k] += v
                if best:
                    tids.extend(best)
                    sts.extend(best.values())
                    pids.extend([pid] * len(best))
                    ridxs.extend([ridx] * len(best))
            bar.update(len(chunk))
    finally:
        bar.close()
        if gc_was_on:
            gc.enable()
    # the taxonomy's columns are taken from its vocabularies by term code (no string per row in Python)
    codes = pa.array([m._tcode[t] for t in tids], type=pa.int32())
    vocab = {
        "skill_family": [m._family.get(t, "") for t in m._tids], "term": [m._term.get(t, "") for t in m._tids],
        "taxonomy_id": m._tids,
    }

    def column(v: list) -> pd.api.extensions.ExtensionArray:
        return pd.array(pa.array(v, type=pa.large_string(), from_pandas=True), dtype="string")

    out = pd.DataFrame({
        "posting_id": column(pids), "role_index": pd.array(ridxs, dtype="Int64"),
        **{c: pd.array(pa.array(v, type=pa.large_string()).take(codes), dtype="string") for c, v in vocab.items()},
        "status": column(sts),
    })
    out.attrs.update(
        taxonomy_version=m.version,
        taxonomy_fingerprint=m.fingerprint,
        roles_in=len(roles),
        roles_without_text=no_text,
        mentions_dropped=counts,
    )
    return out


def skill_flags(
    skill_hits: pd.DataFrame,
    roles: pd.DataFrame,
    *,
    text_col: str = "requirements_text",
    taxonomy: SkillTaxonomy | None = None,
) -> pd.DataFrame:
    """One row per role with boolean flags per skill family and per group.

    ``<family>_required`` is True when the role requires a term of the family;
    ``<family>_preferred`` when it mentions one as preferred and requires none (the two are
    exclusive). For each group (``technical``, ``low_code``, ``product``):
    ``<group>_required`` (any family of the group required), ``<group>_preferred`` (preferred,
    none required) and ``<group>_negated`` (a negated mention, none required or preferred:
    the text says the skill is not needed). The ``low_code`` group is its one family, so it
    shares the family's columns and adds ``low_code_negated``. ``has_text`` is False for roles without text
    (when ``text_col`` is in ``roles``), so that denominators can leave them out.

    Parameters
    ----------
    skill_hits : DataFrame
        The output of :func:`tag_skills`.
    roles : DataFrame
        The roles that were tagged (``posting_id``, ``role_index``). Not modified.

    Raises
    ------
    ValueError
        A hit belongs to no role in ``roles``, or names an unknown family or status.

    Examples
    --------
    >>> import pandas as pd
    >>> roles = pd.DataFrame({"posting_id": ["1", "2"], "role_index": [0, 0],
    ...                       "requirements_text": ["SQL required", "No coding required"]})
    >>> f = skill_flags(tag_skills(roles), roles)
    >>> f[["technical_required", "technical_negated"]].values.tolist()
    [[True, False], [False, True]]
    """
    tax = taxonomy or skill_taxonomy()
    _check_roles(roles, ["posting_id", "role_index"])
    missing = [c for c in ("posting_id", "role_index", "skill_family", "status") if c not in skill_hits.columns]
    if missing:
        raise KeyError(f"skill_hits lacks column(s) {missing}")
    families = tax.families["family"].tolist()
    group_of = tax.family_group()
    bad_fam = sorted(set(skill_hits["skill_family"]) - set(families))
    if bad_fam:
        raise ValueError(f"skill_hits names families not in the taxonomy {tax.version}: {bad_fam}")
    bad_status = sorted(set(skill_hits["status"]) - set(STATUSES))
    if bad_status:
        raise ValueError(f"skill_hits has unknown status(es) {bad_status}; expected {STATUSES}")
    key = ["posting_id", "role_index"]
    base = roles[key].astype({"posting_id": "string", "role_index": "Int64"}).reset_index(drop=True)
    hits = skill_hits[[*key, "skill_family", "status"]].astype({"posting_id": "string", "role_index": "Int64"})
    known = hits.merge(base, on=key, how="left", indicator=True)
    orphans = known["_merge"].eq("left_only")
    if orphans.any():
        r = known[orphans].iloc[0]
        raise ValueError(
            f"{int(orphans.sum())} skill hit(s) belong to no role in roles, first "
            f"({r['posting_id']!r}, {r['role_index']!r})"
        )
    rank = hits["status"].map(_STATUS_RANK)
    best = hits.assign(rank=rank).groupby([*key, "skill_family"], observed=True)["rank"].max().unstack()
    best = best.reindex(columns=families)
    out = base.merge(best.reset_index(), on=key, how="left") if len(best) else base.copy()
    for f in families:
        r = out[f] if f in out.columns else pd.Series(float("nan"), index=out.index)
        out[f"{f}_required"] = r.eq(2).fillna(False).astype(bool)
        out[f"{f}_preferred"] = r.eq(1).fillna(False).astype(bool)
        out[f"_{f}_negated"] = r.eq(0).fillna(False).astype(bool)
    group_cols = []
    for g in GROUPS:
        fams = [f for f in families if group_of[f] == g]
        req = out[[f"{f}_required" for f in fams]].any(axis=1)
        pref = out[[f"{f}_preferred" for f in fams]].any(axis=1) & ~req
        neg = out[[f"_{f}_negated" for f in fams]].any(axis=1) & ~req & ~pref
        for name, col in ((f"{g}_required", req), (f"{g}_preferred", pref), (f"{g}_negated", neg)):
            if name not in out.columns:  # a group named like its only family ("low_code") shares its columns
                out[name] = col
                group_cols.append(name)
    cols = [*key]
    if text_col in roles.columns:
        txt = roles[text_col].reset_index(drop=True)
        out["has_text"] = txt.notna().to_numpy() & txt.fillna("").astype(str).str.strip().ne("").to_numpy()
        cols.append("has_text")
    cols += [f"{f}_{s}" for f in families for s in ("required", "preferred")]
    cols += group_cols
    res = out[cols].copy()
    res.attrs.update(taxonomy_version=tax.version, taxonomy_fingerprint=tax.fingerprint)
    return res


__all__ = ["DROP_REASONS", "RIGHT_BOUNDARY", "SKILL_HITS_COLUMNS", "Hit", "Occurrence", "SkillMatcher", "skill_flags", "tag_skills"]
