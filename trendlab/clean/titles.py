"""Classify role titles into role families, with seniority and product-management flags.

Every vocabulary lives in ``trendlab/taxonomy/`` as a CSV file:

- ``role_families.csv``: the families and which of them counts as product management;
- ``title_exact.csv``: canonical titles looked up after normalisation (``match_method="exact"``);
- ``title_rules.csv``: ordered regular expressions, first match wins (``"rule"``);
- ``seniority.csv``, ``technical_pm_markers.csv``, ``title_abbreviations.csv``;
- ``title_spelling.csv``: the words of a PM title ("product", "manager", ...) whose slips of
  the keyboard (a letter dropped, a letter added, two letters swapped: "Product Manger",
  "Prodcut Owner") are read as the word when exact and rule matches find nothing;
- ``reference_families.csv``: maps O*NET SOC and ESCO ISCO codes to families for the fuzzy
  fallback (``"fuzzy"``), which matches a title against O*NET alternate titles and ESCO
  occupation labels read from the registry.

A title that none of these settles is ``other`` with ``match_method="none"``.

The order is exact, then rules, then exact and rules on the title with its slips respelled
(:func:`respell_title`), then fuzzy. Rules run on the whole title, product-management
rules first, so a slash title ("Product Owner/Project Manager") counts as PM when one half is a
PM title. A bare "PM" is product management only when the title or its context says
"product" (and project management when it says "project"); otherwise it is ``other``.

Examples
--------
>>> from trendlab.clean.titles import classify_title
>>> c = classify_title("Sr. Technical Product Manager, Payments API")
>>> c.role_family, c.seniority, c.technical_pm, c.match_method
('product_management', 'senior', True, 'rule')
>>> classify_title("Product Designer").role_family
'design'
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from trendlab.config import PACKAGE_DIR

TAXONOMY_DIR = PACKAGE_DIR / "taxonomy"
MATCH_METHODS = ("exact", "rule", "fuzzy", "none")
FUZZY_CUTOFF = 90.0
PM_FAMILY = "product_management"
OTHER_FAMILY = "other"

OUTPUT_COLUMNS = [
    "title",
    "normalized",
    "role_family",
    "seniority",
    "technical_pm",
    "product_owner",
    "match_method",
    "matched_reference",
    "match_score",
]


class TaxonomyError(ValueError):
    """A taxonomy data file that does not have the expected shape."""


@dataclass(frozen=True)
class TitleClass:
    """The classification of one role title.

    Attributes
    ----------
    title : str
        The title as given.
    normalized : str
        Lower-cased, abbreviations expanded ("sr" -> "senior"), whitespace collapsed.
    role_family : str
        One of the families in ``taxonomy/role_families.csv``.
    seniority : str or None
        Highest level named in the title (``taxonomy/seniority.csv``); None when unstated.
    technical_pm : bool
        A product-management title marked technical (technical, platform, API, data, ML, ...).
    product_owner : bool
        A product-management title that is a (Scrum) product owner.
    match_method : str
        ``exact``, ``rule``, ``fuzzy`` or ``none``.
    matched_reference : str or None
        What matched: ``exact:<title>``, ``rule:<rule_id>``, ``onet:<SOC>:<label>`` or
        ``esco:<ISCO>:<label>``.
    match_score : float or None
        100 for exact and rule matches, the rapidfuzz score for fuzzy ones, None otherwise.
    """

    title: str
    normalized: str
    role_family: str
    seniority: str | None
    technical_pm: bool
    product_owner: bool
    match_method: str
    matched_reference: str | None
    match_score: float | None


# --------------------------------------------------------------------------- taxonomy files


def _read_csv(name: str, required: Iterable[str]) -> list[dict[str, str]]:
    path = TAXONOMY_DIR / name
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise TaxonomyError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise TaxonomyError(f"{path} line {lineno}: expected {len(reader.fieldnames)} fields")
            row["_where"] = f"{path.name} line {lineno}"
            rows.append(row)
    return rows


def _compile(pattern: str, where: str, field: str = "pattern") -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TaxonomyError(f"{where}: field {field!r} is not a valid regular expression ({exc})") from exc


def _bool(value: str, where: str, field: str) -> bool:
    v = value.strip().lower()
    if v not in ("true", "false", ""):
        raise TaxonomyError(f"{where}: field {field!r} must be true or false, got {value!r}")
    return v == "true"


@dataclass(frozen=True)
class _Rule:
    rule_id: str
    pattern: re.Pattern[str]
    role_family: str
    product_owner: bool
    requires_context: str  # "", "product" or "project"


@dataclass(frozen=True)
class _Taxonomy:
    families: tuple[str, ...]
    pm_families: frozenset[str]
    exact: dict[str, tuple[str, bool]]
    rules: tuple[_Rule, ...]
    seniority: tuple[tuple[str, int, re.Pattern[str]], ...]
    technical: tuple[re.Pattern[str], ...]
    abbreviations: re.Pattern[str]
    expansions: dict[str, str]
    slips: dict[str, str]  # a slip of a PM title word -> the word
    slip_part: dict[str, str]  # a PM title word -> "modifier" or "head"
    slip_anchor: re.Pattern[str]  # any PM title word, as a whole word


@cache
def taxonomy() -> _Taxonomy:
    """Load and check the title vocabularies (cached)."""
    fam_rows = _read_csv("role_families.csv", ["role_family", "counts_as_pm"])
    families = tuple(r["role_family"] for r in fam_rows)
    pm = frozenset(
        r["role_family"] for r in fam_rows if _bool(r["counts_as_pm"], r["_where"], "counts_as_pm")
    )

    def family(row: dict[str, str]) -> str:
        f = row["role_family"]
        if f not in families:
            raise TaxonomyError(
                f"{row['_where']}: role_family {f!r} is not in role_families.csv ({', '.join(families)})"
            )
        return f

    abbr_rows = _read_csv("title_abbreviations.csv", ["abbreviation", "expansion"])
    expansions = {r["abbreviation"].lower(): r["expansion"].lower() for r in abbr_rows}
    # longest first so that "dev ops" wins over "dev"; a trailing period is part of the token
    alternation = "|".join(re.escape(a) for a in sorted(expansions, key=len, reverse=True))
    abbreviations = re.compile(rf"(?<![a-z0-9])({alternation})\.?(?![a-z0-9])")

    exact: dict[str, tuple[str, bool]] = {}
    for r in _read_csv("title_exact.csv", ["title", "role_family", "product_owner"]):
        exact[_normalize(r["title"], abbreviations, expansions)] = (
            family(r),
            _bool(r["product_owner"], r["_where"], "product_owner"),
        )

    rules = []
    for r in _read_csv(
        "title_rules.csv", ["rule_id", "pattern", "role_family", "product_owner", "requires_context"]
    ):
        ctx = r["requires_context"].strip()
        if ctx not in ("", "product", "project"):
            raise TaxonomyError(f"{r['_where']}: requires_context must be empty, product or project")
        rules.append(
            _Rule(
                r["rule_id"],
                _compile(r["pattern"], r["_where"]),
                family(r),
                _bool(r["product_owner"], r["_where"], "product_owner"),
                ctx,
            )
        )

    seniority = []
    for r in _read_csv("seniority.csv", ["seniority", "rank", "pattern"]):
        try:
            rank = int(r["rank"])
        except ValueError:
            raise TaxonomyError(f"{r['_where']}: rank must be an integer, got {r['rank']!r}") from None
        seniority.append((r["seniority"], rank, _compile(r["pattern"], r["_where"])))

    technical = tuple(
        _compile(r["pattern"], r["_where"]) for r in _read_csv("technical_pm_markers.csv", ["pattern"])
    )
    part: dict[str, str] = {}
    for r in _read_csv("title_spelling.csv", ["word", "part"]):
        word = r["word"].strip().lower()
        if not re.fullmatch(r"[a-z]{5,}", word) or r["part"] not in ("modifier", "head"):
            raise TaxonomyError(
                f"{r['_where']}: expected a word of at least five letters a-z and part 'modifier' or 'head', "
                f"got word {r['word']!r}, part {r['part']!r}"
            )
        part[word] = r["part"]
    return _Taxonomy(
        families, pm, exact, tuple(rules), tuple(seniority), technical, abbreviations, expansions,
        _slips(part), part, re.compile(r"\b(?:" + "|".join(sorted(part, key=len, reverse=True)) + r")\b"),
    )


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _slips(words: Iterable[str]) -> dict[str, str]:
    """Every slip of each word (one letter dropped, one added, two neighbours swapped) -> the word.

    A substituted letter is no slip: it would read real words ("produce", "managed") as title
    words. A slip that is itself a listed word, or a slip of two listed words, is left out.
    """
    words = set(words)
    out: dict[str, str | None] = {}
    for w in words:
        variants = {w[:i] + w[i + 1 :] for i in range(len(w))}
        variants |= {w[:i] + w[i + 1] + w[i] + w[i + 2 :] for i in range(len(w) - 1)}
        variants |= {w[:i] + ch + w[i:] for i in range(len(w) + 1) for ch in _LETTERS}
        for v in variants - words - {w}:
            out[v] = None if v in out and out[v] != w else w
    return {v: w for v, w in out.items() if w is not None}


# --------------------------------------------------------------------------- normalising

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\-–—:;,.|/*•·]+|[\s\-–—:;,.|/*•·]+$")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TOKEN = re.compile(r"[a-z0-9+#]+")
_SENIORITY_WORDS = re.compile(
    r"\b(senior|junior|staff|principal|lead|mid[- ]?level|mid|entry[- ]level|"
    r"intern|internship|i|ii|iii|iv|1|2|3)\b"
)


def _normalize(title: str, abbreviations: re.Pattern[str], expansions: dict[str, str]) -> str:
    t = unicodedata.normalize("NFKC", title).translate(_QUOTES).lower()
    t = _DASHES.sub("-", t).replace("&", " and ")
    t = _SPACE.sub(" ", t).strip()
    t = abbreviations.sub(lambda m: expansions[m.group(1)], t)
    return _EDGE.sub("", _SPACE.sub(" ", t))


def normalize_title(title: str) -> str:
    """Lower-case a title, expand abbreviations and collapse whitespace.

    Examples
    --------
    >>> normalize_title("  Sr. Full-Stack Eng ")
    'senior full stack engineer'
    """
    tx = taxonomy()
    return _normalize(title, tx.abbreviations, tx.expansions)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _core(normalized: str) -> str:
    """The title without seniority words, for the exact table ("senior pms" -> "pm")."""
    t = _SPACE.sub(" ", _SENIORITY_WORDS.sub(" ", normalized)).strip(" ,-/")
    words = t.split(" ")
    if words and words[-1]:
        words[-1] = _singular(words[-1])
    return " ".join(words)


def fuzzy_key(title: str) -> str:
    """The key compared by the fuzzy fallback: core tokens, sorted (word order is free)."""
    core = _core(_PARENS.sub(" ", normalize_title(title)))
    return " ".join(sorted(_singular(w) for w in _TOKEN.findall(core)))


_PRODUCT = re.compile(r"\bproducts?\b")
_PROJECT = re.compile(r"\b(projects?|programs?|programmes?)\b")


def context_hint(text: str | None) -> str | None:
    """``"product"`` or ``"project"`` when a text names exactly one of them, else None.

    Used to settle a bare "PM": a header that says "Product" makes it a product manager.

    Examples
    --------
    >>> context_hint("Acme | Product team | Senior PM | NYC")
    'product'
    >>> context_hint("Acme | Senior PM | NYC") is None
    True
    """
    if not isinstance(text, str) or not text:
        return None
    t = text.lower()
    product, project = bool(_PRODUCT.search(t)), bool(_PROJECT.search(t))
    if product == project:
        return None
    return "product" if product else "project"


_WORD = re.compile(r"[a-z]+")


def respell_title(title: str) -> str:
    """A lower-cased title with every slip of a PM title word (``title_spelling.csv``) respelled.

    Examples
    --------
    >>> respell_title("Senior Prodcut Manger")
    'senior product manager'
    >>> respell_title("Produce Manager")  # a substituted letter is no slip: "produce" is a word
    'produce manager'
    """
    slips = taxonomy().slips
    return _WORD.sub(lambda m: slips.get(m.group(0), m.group(0)), title.lower())


_BEFORE = re.compile(r"([a-z]+)(\W{1,3})$")
_AFTER = re.compile(r"(\W{1,3})([a-z]+)\b")


def title_slips(text: str) -> list[tuple[int, int, str]]:
    """Where a text writes a PM title with a slip: a modifier and a head word of
    ``title_spelling.csv`` side by side, one written as listed and the other a slip of its
    word ("Product Manger", "Prodcut Owner"). Returns ``(start, end, respelled)`` for each,
    in order.

    Examples
    --------
    >>> title_slips("We're hiring a Product Manger and an engineer.")
    [(15, 29, 'product manager')]
    >>> title_slips("We produce management software, and our product manager is great.")
    []
    """
    tx = taxonomy()
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
        return []
    out = set()
    for m in tx.slip_anchor.finditer(low):
        word = m.group(0)
        if tx.slip_part[word] == "head":
            b = _BEFORE.search(low, max(0, m.start() - 40), m.start())
            meant = tx.slips.get(b.group(1)) if b else None
            if meant and tx.slip_part[meant] == "modifier":
                out.add((b.start(), m.end(), f"{meant}{b.group(2)}{word}"))
        else:
            a = _AFTER.match(low, m.end())
            meant = tx.slips.get(a.group(2)) if a else None
            if meant and tx.slip_part[meant] == "head":
                out.add((m.start(), a.end(), f"{word}{a.group(1)}{meant}"))
    return sorted(out)


def seniority_of(normalized: str) -> str | None:
    """The highest seniority level named in a normalised title, or None."""
    best: tuple[int, str] | None = None
    for level, rank, pattern in taxonomy().seniority:
        if (best is None or rank > best[0]) and pattern.search(normalized):
            best = (rank, level)
    return best[1] if best else None


# --------------------------------------------------------------------------- exact and rules


@lru_cache(maxsize=200_000)
def _classify_known(title: str, hint: str | None) -> TitleClass:
    """Exact and rule classification, then the same on the title with its slips respelled
    (``matched_reference`` then ends in ``+respelled``); ``match_method="none"`` when neither applies."""
    tx = taxonomy()
    norm = normalize_title(title)
    seniority = seniority_of(norm)
    family, owner, method, ref = _match_known(norm, hint)
    if method == "none" and norm:
        respelled = respell_title(norm)
        if respelled != norm:
            family, owner, method, ref = _match_known(respelled, hint)
            if method != "none":
                norm, ref = respelled, f"{ref}+respelled"
    is_pm = family in tx.pm_families
    technical = is_pm and any(p.search(norm) for p in tx.technical)
    return TitleClass(
        title=title,
        normalized=norm,
        role_family=family,
        seniority=seniority,
        technical_pm=technical,
        product_owner=is_pm and owner,
        match_method=method,
        matched_reference=ref,
        match_score=100.0 if method in ("exact", "rule") else None,
    )


def _match_known(norm: str, hint: str | None) -> tuple[str, bool, str, str | None]:
    """Family, product-owner flag, method and reference of a normalised title by the exact
    table, then the rules."""
    tx = taxonomy()
    hit = tx.exact.get(norm) or tx.exact.get(_core(norm))
    if hit is not None:
        return hit[0], hit[1], "exact", f"exact:{norm if norm in tx.exact else _core(norm)}"
    if norm:
        own_hint = context_hint(norm)
        for rule in tx.rules:
            if rule.requires_context and rule.requires_context != (own_hint or hint):
                continue
            if rule.pattern.search(norm):
                return rule.role_family, rule.product_owner, "rule", f"rule:{rule.rule_id}"
    return OTHER_FAMILY, False, "none", None


# --------------------------------------------------------------------------- fuzzy index


@dataclass(frozen=True)
class TitleIndex:
    """Reference titles for the fuzzy fallback.

    Attributes
    ----------
    frame : DataFrame
        One row per distinct key: ``key`` (see :func:`fuzzy_key`), ``label`` (as published),
        ``reference`` (``onet:<SOC>:<label>`` or ``esco:<ISCO>:<label>``), ``role_family``.
    """

    frame: pd.DataFrame

    @classmethod
    def from_labels(cls, labels: pd.DataFrame) -> TitleIndex:
        """Build an index from ``label, reference, role_family`` rows (first key wins).

        Examples
        --------
        >>> import pandas as pd
        >>> idx = TitleIndex.from_labels(pd.DataFrame({
        ...     "label": ["Pastry Chef"], "reference": ["onet:35-1011.00:Pastry Chef"],
        ...     "role_family": ["other"]}))
        >>> idx.match(["chef pastry"])[0][1]
        100.0
        """
        missing = {"label", "reference", "role_family"} - set(labels.columns)
        if missing:
            raise ValueError(f"title index labels lack column(s) {', '.join(sorted(missing))}")
        families = set(taxonomy().families)
        bad = sorted(set(labels["role_family"]) - families)
        if bad:
            raise ValueError(f"title index labels use unknown role_family {bad}; expected one of {sorted(families)}")
        out = labels.loc[:, ["label", "reference", "role_family"]].copy()
        out.insert(0, "key", [fuzzy_key(str(x)) for x in out["label"]])
        out = out[out["key"] != ""].drop_duplicates("key", keep="first").reset_index(drop=True)
        return cls(out)

    def match(self, keys: list[str], cutoff: float = FUZZY_CUTOFF) -> list[tuple[int, float] | None]:
        """Best reference row and score for each key, or None below ``cutoff``."""
        from rapidfuzz import fuzz, process

        choices = self.frame["key"].tolist()
        out: list[tuple[int, float] | None] = []
        if not choices:
            return [None] * len(keys)
        # cdist in chunks: one C call per chunk is far faster than extractOne per key
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            scores = process.cdist(
                chunk, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1
            )
            best = scores.argmax(axis=1)
            for i, j in enumerate(best):
                if scores[i, j] == 0:
                    out.append(None)
                    continue
                # the matrix holds rounded scores; report the exact one of the best match
                s = fuzz.ratio(chunk[i], choices[j])
                # short words are acronyms ("pr", "hr"): one letter apart is another job
                short = {w for w in chunk[i].split() if len(w) <= 3}
                ok = s >= cutoff and short <= set(choices[j].split())
                out.append((int(j), float(s)) if ok else None)
        return out


def _reference_map() -> tuple[dict[tuple[str, str], str], list[tuple[str, str, str]]]:
    """Family by (system, label) and by (system, code prefix) from ``reference_families.csv``."""
    families = set(taxonomy().families)
    by_label: dict[tuple[str, str], str] = {}
    by_code: list[tuple[str, str, str]] = []
    for r in _read_csv("reference_families.csv", ["system", "code", "label", "role_family"]):
        if r["system"] not in ("onet", "esco"):
            raise TaxonomyError(f"{r['_where']}: system must be onet or esco, got {r['system']!r}")
        if r["role_family"] not in families:
            raise TaxonomyError(f"{r['_where']}: role_family {r['role_family']!r} is not in role_families.csv")
        if r["label"]:
            by_label[(r["system"], r["label"].strip().lower())] = r["role_family"]
        else:
            by_code.append((r["system"], r["code"].strip(), r["role_family"]))
    by_code.sort(key=lambda t: len(t[1]), reverse=True)  # most specific prefix first
    return by_label, by_code


def _family_of(system: str, code: str, label: str, by_label, by_code) -> str:
    f = by_label.get((system, label.strip().lower()))
    if f is not None:
        return f
    for sys_, prefix, fam in by_code:
        if sys_ == system and code.startswith(prefix):
            return fam
    return OTHER_FAMILY


def _onet_labels(path: Path, by_label, by_code) -> list[tuple[str, str, str, int]]:
    import ast

    df = pd.read_csv(path, dtype=str)
    need = {"O*NET-SOC Code", "Title", "Alternate Title"}
    if not need <= set(df.columns):
        raise TaxonomyError(f"{path}: expected columns {sorted(need)}, found {list(df.columns)}")
    rows = []
    for i, (code, title, alts) in enumerate(df[["O*NET-SOC Code", "Title", "Alternate Title"]].itertuples(index=False)):
        try:
            alt_list = ast.literal_eval(alts) if isinstance(alts, str) and alts.strip() else []
        except (ValueError, SyntaxError) as exc:
            raise TaxonomyError(f"{path} row {i + 2}: field 'Alternate Title' is not a list literal") from exc
        fam = _family_of("onet", code, title, by_label, by_code)
        rows.append((title, f"onet:{code}:{title}", fam, 1))
        for alt in alt_list:
            rows.append((alt, f"onet:{code}:{alt}", _family_of("onet", code, alt, by_label, by_code), 2))
    return rows


def _esco_labels(path: Path, by_label, by_code) -> list[tuple[str, str, str, int]]:
    df = pd.read_csv(path, dtype=str)
    need = {"iscoGroup", "preferredLabel", "altLabels"}
    if not need <= set(df.columns):
        raise TaxonomyError(f"{path}: expected columns {sorted(need)}, found {list(df.columns)}")
    rows = []
    for code, pref, alts in df[["iscoGroup", "preferredLabel", "altLabels"]].itertuples(index=False):
        if not isinstance(pref, str):
            continue
        code = code if isinstance(code, str) else ""
        # an alternative label inherits the family of its occupation's preferred label
        fam = _family_of("esco", code, pref, by_label, by_code)
        rows.append((pref, f"esco:{code}:{pref}", fam, 0))
        for alt in (alts or "").split("\n") if isinstance(alts, str) else []:
            if alt.strip():
                rows.append((alt.strip(), f"esco:{code}:{alt.strip()}", fam, 3))
    return rows


INDEX_FORMAT = "2"  # bump when the way the index is built changes


def _index_cache_key(paths: list[Path]) -> str:
    h = hashlib.sha256(INDEX_FORMAT.encode())
    for name in ("reference_families.csv", "title_abbreviations.csv", "seniority.csv"):
        h.update((TAXONOMY_DIR / name).read_bytes())
    from trendlab.fetch import sha256_of

    for p in paths:
        h.update(sha256_of(p).encode())
    return h.hexdigest()[:16]


@cache
def title_index() -> TitleIndex:
    """The fuzzy index over O*NET alternate titles and ESCO occupation labels (built once).

    The files are resolved through the registry (:func:`trendlab.fetch.fetch`); the built
    index is cached in memory and as ``processed/title_index-<hash>.parquet``, keyed by the
    input files and the taxonomy files that shape it.
    """
    from trendlab import config
    from trendlab.fetch import fetch
    from trendlab.registry import source

    onet = fetch(source("onet").file("alternate_titles.csv"))
    esco = fetch(source("esco").file("occupations_en.csv"))
    cached = config.processed_dir() / f"title_index-{_index_cache_key([onet, esco])}.parquet"
    if cached.is_file():
        return TitleIndex(pd.read_parquet(cached))
    by_label, by_code = _reference_map()
    rows = _esco_labels(esco, by_label, by_code) + _onet_labels(onet, by_label, by_code)
    # preferred labels and occupation titles win a key over alternative labels
    labels = pd.DataFrame(rows, columns=["label", "reference", "role_family", "priority"])
    labels = labels.sort_values("priority", kind="stable")
    index = TitleIndex.from_labels(labels)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    index.frame.to_parquet(tmp, index=False)
    tmp.replace(cached)
    return index


def _load_index(fuzzy: bool | TitleIndex) -> TitleIndex | None:
    if isinstance(fuzzy, TitleIndex):
        return fuzzy
    if not fuzzy:
        return None
    from trendlab.fetch import FetchError

    try:
        return title_index()
    except FetchError as exc:
        raise type(exc)(
            f"{exc} (the fuzzy title fallback reads O*NET and ESCO; pass fuzzy=False to classify "
            "by exact and rule matches only)"
        ) from exc


# --------------------------------------------------------------------------- public API


def classify_title(
    title: str, context: str | None = None, *, fuzzy: bool | TitleIndex = False
) -> TitleClass:
    """Classify one role title.

    Parameters
    ----------
    title : str
        The title as written ("Sr. PM, Platform").
    context : str, optional
        Text around the title (the post's header line) used only to settle a bare "PM".
    fuzzy : bool or TitleIndex
        Fall back on fuzzy matching against O*NET/ESCO titles (``True``: the cached
        :func:`title_index`; or an index of your own). Off by default for single titles.

    Returns
    -------
    TitleClass

    Examples
    --------
    >>> classify_title("Product Owner/Project Manager").product_owner
    True
    >>> classify_title("Senior PM").role_family
    'other'
    >>> classify_title("Senior PM", context="Acme | Product | Senior PM").role_family
    'product_management'
    """
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}: {title!r}")
    known = _classify_known(title, context_hint(context))
    index = _load_index(fuzzy)
    if known.match_method != "none" or index is None:
        return known
    hit = index.match([fuzzy_key(title)])[0]
    return _with_fuzzy(known, index, hit)


def _with_fuzzy(known: TitleClass, index: TitleIndex, hit: tuple[int, float] | None) -> TitleClass:
    if hit is None:
        return known
    row = index.frame.iloc[hit[0]]
    fam = row["role_family"]
    return TitleClass(
        title=known.title,
        normalized=known.normalized,
        role_family=fam,
        seniority=known.seniority,
        technical_pm=fam in taxonomy().pm_families and any(p.search(known.normalized) for p in taxonomy().technical),
        product_owner=False,
        match_method="fuzzy",
        matched_reference=row["reference"],
        match_score=hit[1],
    )


def classify_titles(
    titles: pd.Series,
    context: pd.Series | None = None,
    *,
    fuzzy: bool | TitleIndex = True,
) -> pd.DataFrame:
    """Classify many titles at once (each distinct title is classified once).

    Parameters
    ----------
    titles : Series of str
        Titles; missing values give ``role_family="other"``, ``match_method="none"``.
    context : Series of str, optional
        Aligned with ``titles``: text that may settle a bare "PM" (see :func:`classify_title`).
    fuzzy : bool or TitleIndex
        Fuzzy fallback for titles that no exact or rule match settles (default: on, with the
        cached O*NET/ESCO index).

    Returns
    -------
    DataFrame
        Indexed like ``titles``, with columns ``title, normalized, role_family, seniority,
        technical_pm, product_owner, match_method, matched_reference, match_score``.

    Examples
    --------
    >>> import pandas as pd
    >>> out = classify_titles(pd.Series(["Staff SWE", "Head of Product", None]), fuzzy=False)
    >>> out["role_family"].tolist()
    ['software_engineering', 'product_management', 'other']
    """
    if context is not None and not context.index.equals(titles.index):
        raise ValueError("context must have the same index as titles")
    index = _load_index(fuzzy)
    hints = (
        [context_hint(c) if isinstance(c, str) else None for c in context]
        if context is not None
        else [None] * len(titles)
    )
    pairs = list(zip(titles.tolist(), hints, strict=True))
    results: dict[tuple[str, str | None], TitleClass] = {}
    for t, h in dict.fromkeys(pairs):
        if isinstance(t, str):
            results[(t, h)] = _classify_known(t, h)
    if index is not None:
        pending = [k for k, v in results.items() if v.match_method == "none"]
        keys = [fuzzy_key(k[0]) for k in pending]
        distinct = list(dict.fromkeys(k for k in keys if k))
        hits = dict(zip(distinct, index.match(distinct), strict=True))
        for k, key in zip(pending, keys, strict=True):
            results[k] = _with_fuzzy(results[k], index, hits.get(key))
    rows = []
    for t, h in pairs:
        r = results.get((t, h))
        if r is None:
            rows.append((None, "", OTHER_FAMILY, None, False, False, "none", None, None))
        else:
            rows.append(
                (r.title, r.normalized, r.role_family, r.seniority, r.technical_pm, r.product_owner,
                 r.match_method, r.matched_reference, r.match_score)
            )
    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS, index=titles.index)
    return out.astype(
        {
            "title": "string",
            "normalized": "string",
            "role_family": "string",
            "seniority": "string",
            "technical_pm": "boolean",
            "product_owner": "boolean",
            "match_method": "string",
            "matched_reference": "string",
            "match_score": "Float64",
        }
    )
