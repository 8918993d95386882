"""Derive and check the provenance of the skill taxonomy against O*NET and ESCO.

``skills.csv`` has hand-edited columns (``taxonomy_id, family, term, forms, cs_forms,
ambiguous, onet_example, esco_label, reason``) and provenance columns that this module
derives from the mirrored O*NET Technology Skills and ESCO files:

- a term is ``onet`` when one of its surface forms (or its ``onet_example`` link, which must
  then exist) is an O*NET Technology Skills example; the example's commodity (the most common
  one for that example, ties to the lowest code) and Hot Technology flag are recorded;
- otherwise ``esco`` when a form (or the ``esco_label`` link) is a label of an ESCO ICT skill,
  skill group or skills-hierarchy node;
- otherwise ``curated``, which needs a ``reason``.

``skill_families.csv`` gets the ESCO preferred label of each family's ESCO anchor, and the
O*NET commodities listed for a family drive a coverage report: Hot Technologies of those
commodities that no term covers (printed, not an error).

The output is deterministic; the committed files are its output, and ``--check`` fails when
they are not (the test suite runs it against the mirror).

Usage::

    TRENDLAB_MIRROR=/path/to/mirror python -m trendlab.taxonomy.build_skills          # rewrite
    TRENDLAB_MIRROR=/path/to/mirror python -m trendlab.taxonomy.build_skills --check  # verify

Examples
--------
>>> import pandas as pd
>>> from trendlab.taxonomy.build_skills import onet_index
>>> ts = pd.DataFrame({"example": ["Python", "Python"], "commodity_code": ["43232405", "43232402"],
...                    "commodity_title": ["Object software", "Dev env"], "hot_technology": [True, True]})
>>> onet_index(ts)["python"]["commodity_code"]
'43232402'
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trendlab.taxonomy import (
    FAMILIES_FILE,
    FAMILY_COLUMNS,
    SKILL_COLUMNS,
    SKILL_INPUT_COLUMNS,
    SKILLS_FILE,
    TAXONOMY_DIR,
    TaxonomyError,
    check_skill_rows,
    expand_forms,
    load_skill_families,
    read_vocabulary,
)


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` derived: the two files' new contents and a report."""

    skills: pd.DataFrame
    families: pd.DataFrame
    coverage: pd.DataFrame  # Hot Technologies of family commodities that no term covers


def onet_index(tech: pd.DataFrame) -> dict[str, dict]:
    """One entry per O*NET example (keyed by lower case): name, commodity and Hot flag.

    An example listed under several commodities takes the one it is listed under most often
    (ties to the lowest code); it is Hot when any occupation flags it Hot.
    """
    need = ["example", "commodity_code", "commodity_title", "hot_technology"]
    missing = [c for c in need if c not in tech.columns]
    if missing:
        raise KeyError(f"O*NET technology skills frame lacks {missing}")
    counts = (
        tech.groupby(["example", "commodity_code", "commodity_title"], observed=True)
        .size()
        .reset_index(name="n")
        .sort_values(["example", "n", "commodity_code"], ascending=[True, False, True])
    )
    hot = tech.groupby("example", observed=True)["hot_technology"].any()
    out: dict[str, dict] = {}
    for r in counts.drop_duplicates("example").itertuples():
        key = str(r.example).lower()
        if key in out:  # two spellings differing in case: keep the first in sorted order
            continue
        out[key] = {
            "example": str(r.example),
            "commodity_code": str(r.commodity_code),
            "commodity_title": str(r.commodity_title),
            "hot": bool(hot[r.example]),
        }
    return out


def esco_index(labels: pd.DataFrame) -> dict[str, dict]:
    """ESCO labels keyed by lower case: ``{label: {"uri", "preferred_label"}}``.

    ``labels`` has ``uri, preferred_label, label, priority``; on a clash the lowest priority,
    then the lowest URI, wins.
    """
    out: dict[str, dict] = {}
    for r in labels.sort_values(["priority", "uri", "label"]).itertuples():
        out.setdefault(str(r.label).lower(), {"uri": str(r.uri), "preferred_label": str(r.preferred_label)})
    return out


def _candidates(row) -> list[str]:
    forms = expand_forms(row.forms or "") + expand_forms(row.cs_forms or "")
    return [row.term, *forms]


def derive(skills: pd.DataFrame, onet: dict[str, dict], esco: dict[str, dict]) -> pd.DataFrame:
    """Fill the provenance columns of ``skills`` (a copy; the input is not modified).

    Raises
    ------
    TaxonomyError
        Every broken link or curated term without a reason, listed together, each with its line.
    """
    out = skills.copy()
    errors: list[str] = []
    for col in SKILL_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    out = out.astype({c: "string" for c in SKILL_COLUMNS}).fillna("")
    for i, r in out.iterrows():
        where = f"{SKILLS_FILE} line {r.get('line', i)}"
        link = r.onet_example
        hit = None
        if link:
            hit = onet.get(link.lower())
            if hit is None or hit["example"] != link:
                errors.append(f"{where}, field 'onet_example': {link!r} is not an O*NET Technology Skills example")
                hit = None
        else:
            cands = [c.lower() for c in _candidates(r)]
            found = sorted({c for c in cands if c in onet}, key=lambda c: (c != r.term.lower(), not onet[c]["hot"], c))
            hit = onet[found[0]] if found else None
        e = None
        if r.esco_label:
            e = esco.get(r.esco_label.lower())
            if e is None:
                errors.append(f"{where}, field 'esco_label': {r.esco_label!r} is not an ESCO skill or group label")
        else:
            found = sorted({c.lower() for c in _candidates(r) if c.lower() in esco})
            e = esco[found[0]] if found else None
        out.at[i, "onet_example"] = hit["example"] if hit else ""
        out.at[i, "onet_commodity_code"] = hit["commodity_code"] if hit else ""
        out.at[i, "onet_commodity_title"] = hit["commodity_title"] if hit else ""
        out.at[i, "onet_hot_technology"] = ("Y" if hit["hot"] else "N") if hit else ""
        out.at[i, "esco_label"] = e["preferred_label"] if e else ""
        out.at[i, "esco_uri"] = e["uri"] if e else ""
        source = "onet" if hit else "esco" if e else "curated"
        out.at[i, "source"] = source
        if source == "curated" and not r.reason:
            errors.append(f"{where}, field 'reason': {r.taxonomy_id} matches no O*NET or ESCO term, so it needs a reason")
    if errors:
        raise TaxonomyError("skill taxonomy provenance:\n  " + "\n  ".join(errors))
    return out[SKILL_COLUMNS]


def derive_families(families: pd.DataFrame, esco_nodes: dict[str, str]) -> pd.DataFrame:
    """Fill each family's ``esco_label`` from its ``esco_uri`` (``esco_nodes``: uri → label)."""
    out = families.copy().astype("string").fillna("")
    errors = []
    for i, r in out.iterrows():
        if r.esco_uri and r.esco_uri not in esco_nodes:
            errors.append(f"{FAMILIES_FILE} family {r.family!r}: esco_uri {r.esco_uri} is not an ESCO skill group or node")
        out.at[i, "esco_label"] = esco_nodes.get(r.esco_uri, "") if r.esco_uri else ""
    if errors:
        raise TaxonomyError("\n".join(errors))
    return out[FAMILY_COLUMNS]


def coverage(skills: pd.DataFrame, families: pd.DataFrame, tech: pd.DataFrame) -> pd.DataFrame:
    """Hot Technologies in each family's O*NET commodities that no term links to.

    Returns ``family, example, commodity_title, occupations`` (number of occupations listing
    the example), most used first: candidates for the next taxonomy version.
    """
    linked = set(skills["onet_example"].str.lower()) - {""}
    keys = sorted({k.lower() for r in skills.itertuples() for k in _candidates(r) if len(k) > 2}, key=len, reverse=True)
    # an example is covered when a term form is a whole word of it ("Microsoft PowerShell")
    word = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)", re.I)
    rows = []
    for f in families.itertuples():
        codes = [c for c in (f.onet_commodities or "").split(";") if c]
        sub = tech[tech["commodity_code"].isin(codes) & tech["hot_technology"].astype(bool)]
        for (ex, title), g in sub.groupby(["example", "commodity_title"], observed=True):
            if ex.lower() not in linked and not word.search(ex):
                rows.append((f.family, ex, title, g["soc_code"].nunique()))
    out = pd.DataFrame(rows, columns=["family", "example", "commodity_title", "occupations"])
    return out.sort_values(["occupations", "example"], ascending=[False, True]).reset_index(drop=True)


def build(
    skills: pd.DataFrame,
    families: pd.DataFrame,
    tech: pd.DataFrame,
    esco_labels: pd.DataFrame,
    esco_nodes: dict[str, str],
) -> BuildResult:
    """Derive both files from their hand-edited columns and the O*NET/ESCO frames (pure).

    Parameters
    ----------
    skills : DataFrame
        ``skills.csv`` as read (hand-edited columns at least; a ``line`` column names rows).
    families : DataFrame
        ``skill_families.csv``.
    tech : DataFrame
        O*NET technology skills (:func:`trendlab.sources.onet.load_technology_skills`).
    esco_labels : DataFrame
        ``uri, preferred_label, label, priority`` over ESCO ICT skills, groups and nodes.
    esco_nodes : dict
        ESCO skill group / hierarchy URI → preferred label.
    """
    check_skill_rows(skills, families, derived=False)
    out = derive(skills, onet_index(tech), esco_index(esco_labels))
    fam = derive_families(families, esco_nodes)
    return BuildResult(out, fam, coverage(out, fam, tech))


def mirror_inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Read O*NET technology skills and the ESCO label tables through the registry."""
    from trendlab.sources import esco, onet

    tech = onet.load_technology_skills().frame
    ict = esco.load_ict_skill_labels().frame.assign(priority=0)
    groups = esco.load_skill_groups().frame
    g_labels = pd.concat(
        [
            groups[["uri", "preferred_label"]].assign(label=groups["preferred_label"]),
            groups.assign(label=groups["alt_labels"].str.split(" | ", regex=False))
            .explode("label")[["uri", "preferred_label", "label"]]
            .dropna(),
        ]
    ).assign(priority=1)
    hier = esco.load_skills_hierarchy().frame
    h_labels = hier.rename(columns={"label": "preferred_label"})[["uri", "preferred_label"]]
    h_labels = h_labels.assign(label=h_labels["preferred_label"], priority=2)
    labels = pd.concat([ict[["uri", "preferred_label", "label", "priority"]], g_labels, h_labels], ignore_index=True)
    labels = labels[labels["label"].fillna("").ne("")]
    nodes = dict(zip(hier["uri"], hier["label"], strict=True))
    for u, lab in zip(groups["uri"], groups["preferred_label"], strict=True):
        nodes.setdefault(u, lab)
    return tech, labels, nodes


def to_csv_text(df: pd.DataFrame, columns: list[str]) -> str:
    """The exact text the committed file must have (minimal quoting, ``\\n`` line ends)."""
    buf = io.StringIO()
    df[columns].fillna("").to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m trendlab.taxonomy.build_skills", description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the committed files differ from the build")
    ap.add_argument("--directory", type=Path, default=TAXONOMY_DIR, help="taxonomy folder (default: the package's)")
    args = ap.parse_args(argv)
    skills = read_vocabulary(SKILLS_FILE, SKILL_INPUT_COLUMNS, directory=args.directory)
    families = load_skill_families(directory=args.directory)
    res = build(skills, families, *mirror_inputs())
    targets = {
        args.directory / SKILLS_FILE: to_csv_text(res.skills, SKILL_COLUMNS),
        args.directory / FAMILIES_FILE: to_csv_text(res.families, FAMILY_COLUMNS),
    }
    by_source = res.skills["source"].value_counts().to_dict()
    print(f"{len(res.skills)} terms: " + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())))
    hot = res.skills["onet_hot_technology"].eq("Y").sum()
    print(f"{hot} terms link to an O*NET Hot Technology")
    if len(res.coverage):
        print(f"{len(res.coverage)} Hot Technologies in the families' O*NET commodities have no term; most used:")
        for r in res.coverage.head(15).itertuples():
            print(f"  {r.family:<22} {r.example} ({r.commodity_title}; {r.occupations} occupations)")
    stale = [p for p, text in targets.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        if stale:
            print("out of date: " + ", ".join(str(p) for p in stale) + "; run python -m trendlab.taxonomy.build_skills",
                  file=sys.stderr)
            return 1
        print("taxonomy provenance is up to date")
        return 0
    for p in stale:
        p.write_text(targets[p], encoding="utf-8")
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
