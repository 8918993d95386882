"""Versioned vocabularies as data files, and the code that reads and checks them.

The skill taxonomy is four files, versioned together by ``skill_taxonomy.toml``:

- ``skill_families.csv``: the families (``family, group, label, description``, an ESCO anchor);
  ``group`` is ``technical``, ``low_code`` or ``product``;
- ``skills.csv``: one row per term with its surface forms and provenance (O*NET Technology
  Skills example and commodity, ESCO URI, or ``curated`` with a reason). The provenance columns
  are written by :mod:`trendlab.taxonomy.build_skills` from the mirrored O*NET and ESCO files;
- ``skill_exclusions.csv``: phrases that are deliberately not skills ("go-to-market", "R&D",
  "Excel") and hide any term inside them;
- ``skill_cues.toml``: the cue patterns that make a mention negated or preferred, the
  contexts an ambiguous form (``Go``, ``R``, ``C``) needs, what makes a mention a name (a link,
  the employer) or a description of the company rather than an ask, and guards: forms that
  count only in some contexts ("spec" not in "job spec").

Surface forms (``forms`` are matched ignoring case, ``cs_forms`` with case) use a small syntax:
``|`` separates forms; ``~`` is a space, a hyphen or nothing (``micro~service`` matches
"micro-service", "micro service" and "microservice"); ``(s)`` is an optional part and
``(s|z)`` a choice; a space matches one whitespace character.

Examples
--------
>>> from trendlab.taxonomy import expand_forms, skill_taxonomy
>>> expand_forms("a~b test(s)")[:3]
['a b test', 'a b tests', 'a-b test']
>>> tax = skill_taxonomy()
>>> tax.families.set_index("family").loc["coding", "group"]
'technical'
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

TAXONOMY_DIR = Path(__file__).resolve().parent
META_FILE = "skill_taxonomy.toml"
FAMILIES_FILE = "skill_families.csv"
SKILLS_FILE = "skills.csv"
EXCLUSIONS_FILE = "skill_exclusions.csv"
CUES_FILE = "skill_cues.toml"
SKILL_FILES = (META_FILE, FAMILIES_FILE, SKILLS_FILE, EXCLUSIONS_FILE, CUES_FILE)

GROUPS = ("technical", "low_code", "product")
SOURCES = ("onet", "esco", "curated")
STATUSES = ("required", "preferred", "negated")
MAX_EXPANSIONS = 64

SKILL_INPUT_COLUMNS = [
    "taxonomy_id", "family", "term", "forms", "cs_forms", "ambiguous", "onet_example", "esco_label", "reason",
]
SKILL_DERIVED_COLUMNS = [
    "source", "onet_commodity_code", "onet_commodity_title", "onet_hot_technology", "esco_uri",
]
SKILL_COLUMNS = SKILL_INPUT_COLUMNS + SKILL_DERIVED_COLUMNS
FAMILY_COLUMNS = ["family", "group", "label", "description", "esco_uri", "esco_label", "onet_commodities"]
EXCLUSION_COLUMNS = ["phrase", "reason"]
CUE_KINDS = ("soft_optional", "negation", "optional", "required")
CUE_KEYS = ("anchor", "before", "after", "not_before", "scope", "soften")
GUARD_KEYS = ("forms", "drop_before", "drop_after", "keep_before", "keep_after", "reason")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$")
_FORM_TOKEN = re.compile(r"\(([^()]*)\)|~|[^(~)]+|[()]")


class TaxonomyError(ValueError):
    """A vocabulary file breaks its rules; the message names the file, the line and the field."""


# --------------------------------------------------------------------------- reading


def read_vocabulary(name: str, required: list[str], *, directory: Path | None = None) -> pd.DataFrame:
    """Read a vocabulary CSV as text, with a ``line`` column (the line number in the file).

    Parameters
    ----------
    name : str
        File name inside the taxonomy folder.
    required : list of str
        Columns the file must have.
    directory : Path, optional
        Read from this folder instead (tests).

    Raises
    ------
    TaxonomyError
        The file is missing, or lacks a required column.

    Examples
    --------
    >>> fam = read_vocabulary("skill_families.csv", ["family", "group"])
    >>> int(fam.line.iloc[0])
    2
    """
    path = (directory or TAXONOMY_DIR) / name
    if not path.is_file():
        raise TaxonomyError(f"{path}: vocabulary file not found")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise TaxonomyError(f"{path}: missing column(s) {missing}; found {header}")
        rows = []
        for row in reader:
            # csv counts physical lines, so a quoted multi-line field keeps numbers true
            rows.append({**{k: (v or "").strip() for k, v in row.items() if k is not None}, "line": reader.line_num})
    return pd.DataFrame(rows, columns=[*header, "line"]).astype({c: "string" for c in header})


def _where(name: str, line: object, field: str | None = None) -> str:
    return f"{name} line {line}" + (f", field {field!r}" if field else "")


# --------------------------------------------------------------------------- forms


def expand_forms(spec: str, *, where: str = "forms") -> list[str]:
    """Expand a ``|``-separated form specification into literal surface strings.

    ``~`` stands for a space, a hyphen or nothing; ``(x)`` is optional; ``(x|y)`` is a choice.
    Order is deterministic (per form, then per choice in the order written).

    Raises
    ------
    TaxonomyError
        Unbalanced parentheses, an empty form, or more than 64 expansions of one form.

    Examples
    --------
    >>> expand_forms("micro~service(s)")
    ['micro service', 'micro services', 'micro-service', 'micro-services', 'microservice', 'microservices']
    >>> expand_forms("prioriti(s|z)e")
    ['prioritise', 'prioritize']
    """
    out: list[str] = []
    if not spec or not spec.strip():
        return out
    depth = 0
    forms, cur = [], []
    for ch in spec:  # split on | outside parentheses
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise TaxonomyError(f"{where}: unbalanced ')' in {spec!r}")
        if ch == "|" and depth == 0:
            forms.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise TaxonomyError(f"{where}: unbalanced '(' in {spec!r}")
    forms.append("".join(cur))
    for form in forms:
        form = form.strip()
        if not form:
            raise TaxonomyError(f"{where}: empty form in {spec!r}")
        choices: list[list[str]] = []
        for m in _FORM_TOKEN.finditer(form):
            tok = m.group(0)
            if m.group(1) is not None:
                alts = m.group(1).split("|")
                choices.append(["", alts[0]] if len(alts) == 1 else alts)
            elif tok == "~":
                choices.append([" ", "-", ""])
            elif tok in "()":
                raise TaxonomyError(f"{where}: stray {tok!r} in {form!r}")
            else:
                choices.append([tok])
        n = 1
        for c in choices:
            n *= len(c)
        if n > MAX_EXPANSIONS:
            raise TaxonomyError(f"{where}: {form!r} expands to {n} strings (at most {MAX_EXPANSIONS})")
        for combo in itertools.product(*choices):
            s = "".join(combo)
            if not s.strip():
                raise TaxonomyError(f"{where}: {form!r} can expand to an empty string")
            if s != s.strip() or "  " in s:
                raise TaxonomyError(f"{where}: {form!r} expands to {s!r} with stray spaces")
            if s not in out:
                out.append(s)
    return out


def match_key(surface: str) -> str:
    """The key two surface strings share when one matches the other ignoring case.

    Lower case, every whitespace character as one space.

    Examples
    --------
    >>> match_key("Machine\\nLearning")
    'machine learning'
    """
    return re.sub(r"\s", " ", surface.lower())


# --------------------------------------------------------------------------- the taxonomy


@dataclass(frozen=True)
class SkillTaxonomy:
    """The skill taxonomy of one version: families, terms, exclusions and cues.

    Attributes
    ----------
    version : str
        From ``skill_taxonomy.toml``.
    fingerprint : str
        sha256 over the taxonomy files (first 16 hex digits): two runs with the same
        fingerprint used the same vocabulary.
    families, skills, exclusions : DataFrame
        The validated CSV files (``skills`` has ``forms``/``cs_forms`` unexpanded).
    cues : dict
        The parsed ``skill_cues.toml``.
    """

    version: str
    fingerprint: str
    families: pd.DataFrame
    skills: pd.DataFrame
    exclusions: pd.DataFrame
    cues: dict

    def family_group(self) -> dict[str, str]:
        """``{family: group}``."""
        return dict(zip(self.families["family"], self.families["group"], strict=True))

    def families_in(self, group: str) -> list[str]:
        """Families of one group, in file order."""
        if group not in GROUPS:
            raise KeyError(f"unknown group {group!r}; groups are {', '.join(GROUPS)}")
        return self.families.loc[self.families["group"] == group, "family"].tolist()


def taxonomy_version(*, directory: Path | None = None) -> str:
    """The version recorded in ``skill_taxonomy.toml``.

    Examples
    --------
    >>> isinstance(taxonomy_version(), str)
    True
    """
    return _meta(directory or TAXONOMY_DIR)["version"]


def _meta(directory: Path) -> dict:
    path = directory / META_FILE
    try:
        with open(path, "rb") as fh:
            meta = tomllib.load(fh)
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: taxonomy metadata file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML ({exc})") from exc
    if not isinstance(meta.get("version"), str) or not meta["version"]:
        raise TaxonomyError(f"{path}: needs a non-empty string 'version'")
    return meta


def fingerprint(*, directory: Path | None = None) -> str:
    """sha256 (16 hex digits) over the skill taxonomy files, in a fixed order."""
    d = directory or TAXONOMY_DIR
    h = hashlib.sha256()
    for name in SKILL_FILES:
        h.update(name.encode() + b"\0" + (d / name).read_bytes() + b"\0")
    return h.hexdigest()[:16]


def load_skill_families(*, directory: Path | None = None) -> pd.DataFrame:
    """Read and check ``skill_families.csv``.

    Raises
    ------
    TaxonomyError
        A duplicate or malformed family name, or a group outside technical/low_code/product.
    """
    df = read_vocabulary(FAMILIES_FILE, FAMILY_COLUMNS, directory=directory)
    for r in df.itertuples():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", r.family or ""):
            raise TaxonomyError(f"{_where(FAMILIES_FILE, r.line, 'family')}: {r.family!r} is not a lower_snake name")
        if r.group not in GROUPS:
            raise TaxonomyError(
                f"{_where(FAMILIES_FILE, r.line, 'group')}: {r.group!r}; expected one of {', '.join(GROUPS)}"
            )
        if not r.label:
            raise TaxonomyError(f"{_where(FAMILIES_FILE, r.line, 'label')}: empty")
    dup = df["family"].duplicated()
    if dup.any():
        r = df[dup].iloc[0]
        raise TaxonomyError(f"{_where(FAMILIES_FILE, r.line, 'family')}: {r.family!r} declared twice")
    return df.drop(columns="line").reset_index(drop=True)


def check_skill_rows(skills: pd.DataFrame, families: pd.DataFrame, *, derived: bool = True) -> None:
    """Check the rules of ``skills.csv`` rows (the ``line`` column names the row in errors).

    With ``derived=False`` only the hand-edited columns are checked (the input of
    :mod:`~trendlab.taxonomy.build_skills`).

    Raises
    ------
    TaxonomyError
        On the first broken rule, naming file, line and field.
    """
    known = set(families["family"])
    seen: dict[str, object] = {}
    for r in skills.itertuples():
        w = lambda f, r=r: _where(SKILLS_FILE, r.line, f)  # noqa: E731
        if not _ID_RE.match(r.taxonomy_id or ""):
            raise TaxonomyError(f"{w('taxonomy_id')}: {r.taxonomy_id!r}; expected '<family>.<slug>'")
        if r.taxonomy_id in seen:
            raise TaxonomyError(f"{w('taxonomy_id')}: {r.taxonomy_id!r} also on line {seen[r.taxonomy_id]}")
        seen[r.taxonomy_id] = r.line
        if r.family not in known:
            raise TaxonomyError(f"{w('family')}: {r.family!r} is not in {FAMILIES_FILE}")
        if r.taxonomy_id.split(".")[0] != r.family:
            raise TaxonomyError(f"{w('taxonomy_id')}: {r.taxonomy_id!r} does not start with its family {r.family!r}")
        if not r.term:
            raise TaxonomyError(f"{w('term')}: empty")
        ci = expand_forms(r.forms or "", where=w("forms"))
        cs = expand_forms(r.cs_forms or "", where=w("cs_forms"))
        if not ci and not cs:
            raise TaxonomyError(f"{w('forms')}: a term needs at least one form or cs_form")
        if r.ambiguous not in ("0", "1"):
            raise TaxonomyError(f"{w('ambiguous')}: {r.ambiguous!r}; expected 0 or 1")
        if r.ambiguous == "1" and not cs:
            raise TaxonomyError(f"{w('ambiguous')}: only case-sensitive forms can be ambiguous; cs_forms is empty")
        if not derived:
            continue
        if r.source not in SOURCES:
            raise TaxonomyError(f"{w('source')}: {r.source!r}; expected one of {', '.join(SOURCES)} "
                                "(run python -m trendlab.taxonomy.build_skills)")
        if r.source == "curated" and not r.reason:
            raise TaxonomyError(f"{w('reason')}: a curated term needs a reason")
        if r.source == "onet" and not (r.onet_example and re.fullmatch(r"\d{8}", r.onet_commodity_code or "")):
            raise TaxonomyError(f"{w('onet_commodity_code')}: an O*NET term needs its example and 8-digit commodity code")
        if r.source == "esco" and not (r.esco_uri or "").startswith("http://data.europa.eu/esco/"):
            raise TaxonomyError(f"{w('esco_uri')}: an ESCO term needs its ESCO URI")
        if r.onet_hot_technology not in ("", "Y", "N"):
            raise TaxonomyError(f"{w('onet_hot_technology')}: {r.onet_hot_technology!r}; expected Y, N or empty")


def load_skills(*, directory: Path | None = None, families: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check ``skills.csv`` (hand-edited and derived provenance columns).

    Raises
    ------
    TaxonomyError
        See :func:`check_skill_rows`.

    Examples
    --------
    >>> sk = load_skills()
    >>> sk.set_index("taxonomy_id").loc["coding.cpp", "term"]
    'C++'
    """
    fam = families if families is not None else load_skill_families(directory=directory)
    df = read_vocabulary(SKILLS_FILE, SKILL_COLUMNS, directory=directory)
    check_skill_rows(df, fam, derived=True)
    return df.reset_index(drop=True)


def load_skill_exclusions(*, directory: Path | None = None) -> pd.DataFrame:
    """Read ``skill_exclusions.csv``: phrases that are not skills, each with its reason."""
    df = read_vocabulary(EXCLUSIONS_FILE, EXCLUSION_COLUMNS, directory=directory)
    for r in df.itertuples():
        expand_forms(r.phrase or "", where=_where(EXCLUSIONS_FILE, r.line, "phrase"))
        if not r.phrase:
            raise TaxonomyError(f"{_where(EXCLUSIONS_FILE, r.line, 'phrase')}: empty")
        if not r.reason:
            raise TaxonomyError(f"{_where(EXCLUSIONS_FILE, r.line, 'reason')}: every exclusion needs a reason")
    return df.reset_index(drop=True)


def load_skill_cues(*, directory: Path | None = None) -> dict:
    """Read ``skill_cues.toml`` and compile every pattern once to check it.

    Raises
    ------
    TaxonomyError
        A missing section or key, or a pattern that does not compile (named by kind and index).
    """
    path = (directory or TAXONOMY_DIR) / CUES_FILE
    try:
        with open(path, "rb") as fh:
            cues = tomllib.load(fh)
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: cue file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML ({exc})") from exc
    need = {
        "status": list(CUE_KINDS),
        "segmentation": [
            "abbreviations", "final_abbreviations", "contrast", "bullets", "header_max_words", "item_max_words",
            "paragraph_item_max_words", "conditions",
        ],
        "context": ["list_gap", "list_gap_max_chars", "before", "after"],
        "names": ["link", "link_marks", "company_suffix", "company_max_words", "not_company", "employer_families"],
        "description": ["groups", "subject", "ask"],
    }
    for section, keys in need.items():
        for k in keys:
            if k not in cues.get(section, {}):
                raise TaxonomyError(f"{path}: [{section}] needs {k!r}")
    for kind in CUE_KINDS:
        entries = cues["status"][kind]
        if not isinstance(entries, list):
            raise TaxonomyError(f"{path}: [status] {kind} must be a list of {{anchor, before, after}} tables")
        for i, cue in enumerate(entries):
            where = f"{path}: [status] {kind}[{i}]"
            if not isinstance(cue, dict) or not isinstance(cue.get("anchor"), str):
                raise TaxonomyError(f"{where}: needs an 'anchor' (words in the form syntax)")
            extra = set(cue) - set(CUE_KEYS)
            if extra:
                raise TaxonomyError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {', '.join(CUE_KEYS)}")
            if not expand_forms(cue["anchor"], where=f"{where} anchor"):
                raise TaxonomyError(f"{where}: empty anchor")
            for part in ("before", "after", "not_before"):
                if part in cue:
                    _compile(cue[part], f"{where}: {part}")
            if cue.get("scope", "clause") not in ("clause", "span"):
                raise TaxonomyError(f"{where}: scope {cue['scope']!r}; expected 'clause' or 'span'")
            if not isinstance(cue.get("soften", False), bool):
                raise TaxonomyError(f"{where}: soften must be true or false")
            if kind != "negation" and ("scope" in cue or "soften" in cue):
                raise TaxonomyError(f"{where}: scope and soften apply to negation cues only")
    _compile(cues["context"]["list_gap"], f"{path}: [context] list_gap")
    for key in ("link", "company_suffix", "not_company"):
        _compile(cues["names"][key], f"{path}: [names] {key}", flags=0 if key == "link" else re.I)
    for key in ("subject", "ask"):
        _compile(cues["description"][key], f"{path}: [description] {key}")
    bad = [g for g in cues["description"]["groups"] if g not in GROUPS]
    if bad:
        raise TaxonomyError(f"{path}: [description] groups {bad}; expected some of {', '.join(GROUPS)}")
    guards = cues.get("guard", [])
    if not isinstance(guards, list):
        raise TaxonomyError(f"{path}: guard must be an array of tables ([[guard]])")
    for i, g in enumerate(guards):
        where = f"{path}: [[guard]] {i + 1}"
        if not isinstance(g, dict) or not isinstance(g.get("forms"), str) or not expand_forms(g["forms"], where=where):
            raise TaxonomyError(f"{where}: needs 'forms' (surface forms in the form syntax)")
        extra = set(g) - set(GUARD_KEYS)
        if extra:
            raise TaxonomyError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {', '.join(GUARD_KEYS)}")
        if not g.get("reason"):
            raise TaxonomyError(f"{where}: every guard needs a reason")
        rules = [k for k in GUARD_KEYS if k not in ("forms", "reason") and k in g]
        if not rules:
            raise TaxonomyError(f"{where}: needs at least one of drop_before, drop_after, keep_before, keep_after")
        for k in rules:
            _compile(g[k], f"{where}: {k}")
    return cues


def _compile(pattern: object, where: str, flags: int = re.I) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)  # type: ignore[arg-type]
    except (re.error, TypeError) as exc:
        raise TaxonomyError(f"{where} {pattern!r} does not compile ({exc})") from exc


def skill_taxonomy(version: str | None = None, *, directory: Path | None = None) -> SkillTaxonomy:
    """The skill taxonomy shipped with the package, checked.

    Parameters
    ----------
    version : str, optional
        Insist on this version: a pipeline that cached results for version X asks for X and
        gets an error, not silently different tags, when the installed taxonomy changed.
    directory : Path, optional
        Read the files from this folder instead (tests).

    Raises
    ------
    TaxonomyError
        A broken file, or ``version`` differs from the installed one.

    Examples
    --------
    >>> tax = skill_taxonomy()
    >>> sorted(tax.families_in("product"))[:2]
    ['discovery_research', 'experimentation']
    """
    d = directory or TAXONOMY_DIR
    if directory is None:
        return _installed(version, fingerprint())
    return _build(d, version)


@cache
def _installed(version: str | None, fp: str) -> SkillTaxonomy:  # fp keys the cache on file contents
    return _build(TAXONOMY_DIR, version)


def _build(d: Path, version: str | None) -> SkillTaxonomy:
    meta = _meta(d)
    if version is not None and version != meta["version"]:
        raise TaxonomyError(
            f"skill taxonomy version {version!r} requested, but {d / META_FILE} is version "
            f"{meta['version']!r}; rebuild the results or install the matching trendlab"
        )
    fam = load_skill_families(directory=d)
    return SkillTaxonomy(
        version=meta["version"],
        fingerprint=fingerprint(directory=d),
        families=fam,
        skills=load_skills(directory=d, families=fam),
        exclusions=load_skill_exclusions(directory=d),
        cues=load_skill_cues(directory=d),
    )


__all__ = [
    "GROUPS",
    "STATUSES",
    "TAXONOMY_DIR",
    "SkillTaxonomy",
    "TaxonomyError",
    "expand_forms",
    "fingerprint",
    "load_skill_cues",
    "load_skill_exclusions",
    "load_skill_families",
    "load_skills",
    "match_key",
    "read_vocabulary",
    "skill_taxonomy",
    "taxonomy_version",
]
