"""ESCO v1.x classification CSVs: occupations, ISCO groups, ICT skills, skill groups, hierarchy.

Registered files of the ``esco`` source, each read into a tidy frame:

- :func:`load_occupations` (one row per occupation, with its 4-digit ISCO unit group) and
  :func:`load_occupation_labels` (long: preferred, alternative and hidden labels, the input of
  fuzzy title matching);
- :func:`load_isco_groups`: ISCO-08 codes (1 to 4 digits) and their labels;
- :func:`load_ict_skills` and :func:`load_ict_skill_labels`: the ICT (digital) skills collection;
- :func:`load_skill_groups`: skill groups (ESCO skills pillar and ISCED-F fields);
- :func:`load_skills_hierarchy`: the skills hierarchy as nodes with level and parent.

ESCO separates several labels in one field with a newline in some exports and with ``" | "``
in others; both are accepted. Every loader returns a :class:`~trendlab.sources.Loaded` whose
quarantine frame holds what it did not keep, with the reason.

Examples
--------
>>> from trendlab.sources import esco
>>> labels = esco.load_occupation_labels().frame  # doctest: +SKIP
>>> labels.query("label == 'ICT product manager'").isco_code.iloc[0]  # doctest: +SKIP
'1330'
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from trendlab.sources import Loaded, quarantine_frame, read_utf8_csv

SOURCE = "esco"
TITLE = "ESCO v1.x classification CSVs (occupations, ICT skills, skill groups)"
DESCR = (
    "ESCO, the European classification of Skills, Competences, Qualifications and Occupations: "
    "occupations mapped to ISCO-08 with preferred and alternative labels, the ICT (digital) "
    "skills collection, skill groups and the skills hierarchy."
)
LICENSE = "ESCO: reuse permitted under Commission Decision 2011/833/EU (attribution)"
CITATION = (
    "European Commission. ESCO - European Skills, Competences, Qualifications and Occupations, "
    "v1.x. https://esco.ec.europa.eu/"
)

ESCO_URI = "http://data.europa.eu/esco/"
LABEL_SPLIT = re.compile(r"\s*\n\s*|\s+\|\s+")
LABEL_TYPES = ("preferred", "alternative", "hidden")


class EscoFormatError(ValueError):
    """A file does not have the ESCO column layout the loader reads."""


def _path(name: str, path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    from trendlab.fetch import fetch
    from trendlab.registry import source

    return fetch(source(SOURCE).file(name))


def _read(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    raw = read_utf8_csv(path, EscoFormatError)
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise EscoFormatError(
            f"{path}: missing column(s) {missing}; expected the ESCO layout {list(columns)}, "
            f"found {list(raw.columns)}"
        )
    out = raw[list(columns)].rename(columns=columns)
    return out.apply(lambda s: s.str.strip()).astype("string")


def split_labels(field: str | None) -> list[str]:
    """Split an ESCO multi-label field (newline or ``" | "`` separated), dropping blanks.

    Examples
    --------
    >>> split_labels("IT product manager\\nICT products manager")
    ['IT product manager', 'ICT products manager']
    >>> split_labels("use e-services | apply e-services")
    ['use e-services', 'apply e-services']
    """
    if field is None or field is pd.NA or not str(field).strip():
        return []
    return [x for x in LABEL_SPLIT.split(str(field).strip()) if x]


def _screen(
    df: pd.DataFrame, path: Path, checks: list[tuple[pd.Series, str, pd.Series]]
) -> tuple[pd.DataFrame, list[dict]]:
    """Apply (mask, reason, detail) checks in order; the first failing one names the reason."""
    gone = pd.Series(False, index=df.index)
    held: list[dict] = []
    for mask, why, detail in checks:
        new = mask & ~gone
        held += [
            {"source": SOURCE, "file": path.name, "record_id": rid, "reason": why, "detail": d}
            for rid, d in zip(df.loc[new, "uri"], detail[new], strict=True)
        ]
        gone |= new
    return df[~gone], held


def _uri_checks(df: pd.DataFrame, kind: str) -> list[tuple[pd.Series, str, pd.Series]]:
    uri = df["uri"].fillna("")
    return [
        (~uri.str.startswith(ESCO_URI), "bad_uri", "conceptUri=" + uri + f" (expected an ESCO {kind} URI)"),
        (df["preferred_label"].fillna("").eq(""), "missing_value",
         pd.Series("empty preferredLabel", index=df.index)),
        (df.duplicated("uri"), "duplicate", pd.Series("duplicate conceptUri", index=df.index)),
    ]


def _labels_long(df: pd.DataFrame, keep: list[str], fields: dict[str, str]) -> pd.DataFrame:
    """One row per (concept, label) from preferred and multi-label fields."""
    rows = []
    for r in df.itertuples(index=False):
        base = [getattr(r, c) for c in keep]
        seen: set[str] = set()
        for col, kind in fields.items():
            labels = [getattr(r, col)] if kind == "preferred" else split_labels(getattr(r, col))
            for lab in labels:
                if lab and lab not in seen:  # a label repeated across fields is one label
                    seen.add(lab)
                    rows.append((*base, lab, kind))
    return pd.DataFrame(rows, columns=[*keep, "label", "label_type"], dtype="string")


def _occupations(path: str | Path | None) -> tuple[pd.DataFrame, list[dict], int, Path]:
    p = _path("occupations_en.csv", path)
    df = _read(
        p,
        {
            "conceptUri": "uri",
            "iscoGroup": "isco_code",
            "preferredLabel": "preferred_label",
            "altLabels": "alt_labels",
            "hiddenLabels": "hidden_labels",
            "status": "status",
            "description": "description",
        },
    )
    isco = df["isco_code"].fillna("")
    checks = _uri_checks(df, "occupation")
    checks.insert(1, (~isco.str.fullmatch(r"\d{4}"), "bad_isco_code",
                      "iscoGroup=" + isco + " (expected a 4-digit ISCO-08 unit group)"))
    kept, held = _screen(df, p, checks)
    return kept, held, len(df), p


def load_occupations(*, path: str | Path | None = None) -> Loaded:
    """ESCO occupations: ``uri, isco_code, preferred_label, status, description``.

    ``isco_code`` is the 4-digit ISCO-08 unit group as text (leading zeros kept).
    Quarantine reasons: ``bad_uri``, ``bad_isco_code``, ``missing_value``, ``duplicate``.

    Examples
    --------
    >>> occ = load_occupations().frame  # doctest: +SKIP
    >>> occ.query("preferred_label == 'product manager'").isco_code.iloc[0]  # doctest: +SKIP
    '1223'
    """
    kept, held, rows_in, _ = _occupations(path)
    frame = kept[["uri", "isco_code", "preferred_label", "status", "description"]].reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), rows_in)


def load_occupation_labels(*, path: str | Path | None = None) -> Loaded:
    """Every label of every ESCO occupation, long: ``uri, isco_code, preferred_label, label, label_type``.

    ``label_type`` is ``preferred``, ``alternative`` or ``hidden``. A record is one label; an
    occupation that is quarantined counts as one record (its labels are not read).

    Examples
    --------
    >>> lab = load_occupation_labels().frame  # doctest: +SKIP
    >>> sorted(lab.query("preferred_label == 'ICT product manager'").label)[:2]  # doctest: +SKIP
    ['ICT product manager', 'ICT product managers']
    """
    kept, held, _, _ = _occupations(path)
    kept = kept.assign(pref=kept["preferred_label"])
    frame = _labels_long(
        kept,
        ["uri", "isco_code", "pref"],
        {"preferred_label": "preferred", "alt_labels": "alternative", "hidden_labels": "hidden"},
    ).rename(columns={"pref": "preferred_label"})
    return Loaded(frame, quarantine_frame(held), len(frame) + len(held))


def load_isco_groups(*, path: str | Path | None = None) -> Loaded:
    """ISCO-08 groups: ``code, uri, preferred_label, level`` (level = number of digits, 1-4).

    Examples
    --------
    >>> isco = load_isco_groups().frame  # doctest: +SKIP
    >>> isco.set_index("code").preferred_label["2512"]  # doctest: +SKIP
    'Software developers'
    """
    p = _path("ISCOGroups_en.csv", path)
    df = _read(p, {"conceptUri": "uri", "code": "code", "preferredLabel": "preferred_label",
                   "description": "description"})
    code = df["code"].fillna("")
    checks = _uri_checks(df, "ISCO group")
    checks.insert(1, (~code.str.fullmatch(r"\d{1,4}"), "bad_isco_code",
                      "code=" + code + " (expected 1 to 4 digits)"))
    kept, held = _screen(df, p, checks)
    kept = kept.assign(level=kept["code"].str.len().astype("Int64"))
    frame = kept[["code", "uri", "preferred_label", "level", "description"]].reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), len(df))


def _ict(path: str | Path | None) -> tuple[pd.DataFrame, list[dict], int]:
    p = _path("ictSkillsCollection_en.csv", path)
    df = _read(
        p,
        {
            "conceptUri": "uri",
            "preferredLabel": "preferred_label",
            "altLabels": "alt_labels",
            "skillType": "skill_type",
            "reuseLevel": "reuse_level",
            "description": "description",
            "broaderConceptUri": "broader_uris",
        },
    )
    kept, held = _screen(df, p, _uri_checks(df, "skill"))
    return kept, held, len(df)


def load_ict_skills(*, path: str | Path | None = None) -> Loaded:
    """The ESCO ICT skills collection: ``uri, preferred_label, skill_type, reuse_level,
    description, broader_uris`` (broader concepts ``" | "``-joined).

    Examples
    --------
    >>> ict = load_ict_skills().frame  # doctest: +SKIP
    >>> "computer programming" in set(ict.preferred_label)  # doctest: +SKIP
    True
    """
    kept, held, rows_in = _ict(path)
    kept = kept.assign(broader_uris=kept["broader_uris"].map(lambda v: " | ".join(split_labels(v))))
    cols = ["uri", "preferred_label", "skill_type", "reuse_level", "description", "broader_uris"]
    return Loaded(kept[cols].astype("string").reset_index(drop=True), quarantine_frame(held), rows_in)


def load_ict_skill_labels(*, path: str | Path | None = None) -> Loaded:
    """Every label of the ICT skills, long: ``uri, preferred_label, label, label_type``."""
    kept, held, _ = _ict(path)
    kept = kept.assign(pref=kept["preferred_label"])
    frame = _labels_long(
        kept, ["uri", "pref"], {"preferred_label": "preferred", "alt_labels": "alternative"}
    ).rename(columns={"pref": "preferred_label"})
    return Loaded(frame, quarantine_frame(held), len(frame) + len(held))


def load_skill_groups(*, path: str | Path | None = None) -> Loaded:
    """ESCO skill groups: ``uri, preferred_label, alt_labels, scheme, description``.

    ``scheme`` is ``skills`` for the ESCO skills pillar (``.../esco/skill/S1.2``) and
    ``isced-f`` for fields of education (``.../esco/isced-f/0613``); ``alt_labels`` are
    ``" | "``-joined.

    Examples
    --------
    >>> g = load_skill_groups().frame  # doctest: +SKIP
    >>> g.set_index("uri").preferred_label["http://data.europa.eu/esco/skill/S5.1"]  # doctest: +SKIP
    'programming computer systems'
    """
    p = _path("skillGroups_en.csv", path)
    df = _read(p, {"conceptUri": "uri", "preferredLabel": "preferred_label", "altLabels": "alt_labels",
                   "description": "description"})
    kept, held = _screen(df, p, _uri_checks(df, "skill group"))
    scheme = kept["uri"].str.extract(r"^http://data\.europa\.eu/esco/([^/]+)/", expand=False)
    kept = kept.assign(
        scheme=scheme.replace({"skill": "skills"}).astype("string"),
        alt_labels=kept["alt_labels"].map(lambda v: " | ".join(split_labels(v))).astype("string"),
    )
    frame = kept[["uri", "preferred_label", "alt_labels", "scheme", "description"]].reset_index(drop=True)
    return Loaded(frame, quarantine_frame(held), len(df))


def load_skills_hierarchy(*, path: str | Path | None = None) -> Loaded:
    """The ESCO skills hierarchy as nodes: ``uri, label, level, parent_uri, description``.

    Each row of the file is a path from level 0 down to the node it describes (its deepest
    filled level). A row whose levels are not filled from 0 without gaps is quarantined
    (``broken_path``), as is a node seen twice (``duplicate``).

    Examples
    --------
    >>> h = load_skills_hierarchy().frame  # doctest: +SKIP
    >>> h.set_index("uri").loc["http://data.europa.eu/esco/skill/S5.1", "parent_uri"]  # doctest: +SKIP
    'http://data.europa.eu/esco/skill/S5'
    """
    p = _path("skillsHierarchy_en.csv", path)
    cols = {}
    for lv in range(4):
        cols[f"Level {lv} URI"] = f"uri{lv}"
        cols[f"Level {lv} preferred term"] = f"label{lv}"
    cols["Description"] = "description"
    df = _read(p, cols)
    records, held = [], []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        uris = [getattr(r, f"uri{lv}") or "" for lv in range(4)]
        filled = [bool(u) for u in uris]
        depth = sum(filled) - 1
        if depth < 0 or filled != [True] * (depth + 1) + [False] * (3 - depth):
            held.append({"source": SOURCE, "file": p.name, "record_id": f"line {i}", "reason": "broken_path",
                         "detail": f"levels filled: {filled} (expected level 0..k without gaps)"})
            continue
        if not uris[depth].startswith(ESCO_URI):
            held.append({"source": SOURCE, "file": p.name, "record_id": f"line {i}", "reason": "bad_uri",
                         "detail": f"Level {depth} URI={uris[depth]!r}"})
            continue
        records.append({
            "uri": uris[depth],
            "label": getattr(r, f"label{depth}"),
            "level": depth,
            "parent_uri": uris[depth - 1] if depth else pd.NA,
            "description": r.description or pd.NA,
            "_line": f"line {i}",
        })
    out = pd.DataFrame(records, columns=["uri", "label", "level", "parent_uri", "description", "_line"])
    dup = out.duplicated("uri")
    held += [
        {"source": SOURCE, "file": p.name, "record_id": ln, "reason": "duplicate", "detail": f"node {u} seen before"}
        for u, ln in zip(out.loc[dup, "uri"], out.loc[dup, "_line"], strict=True)
    ]
    frame = out[~dup].drop(columns="_line").astype(
        {"uri": "string", "label": "string", "level": "Int64", "parent_uri": "string", "description": "string"}
    )
    return Loaded(frame.reset_index(drop=True), quarantine_frame(held), len(df))
