"""Audit the precision of the skill tagger, family by family, on a seeded sample of its hits.

``skill_hits_audit.csv`` holds a seeded sample of the role-term hits that count as asks
(status ``required`` or ``preferred``), :data:`PER_FAMILY` per skill family, drawn from roles of
every role family, each judged by reading the role's text: is this a real ask of this role
for this skill? The file holds ids and the judgement only (``posting_id, role_index,
taxonomy_id, judgement``), never text; the text is read from the built ``roles`` table.

How the sample is drawn (:func:`draw_audit_sample`): the hits are those of
:func:`trendlab.clean.skills.tag_skills` on the ``roles`` table's ``requirements_text``
(as the pipeline builds ``skill_hits``) under skill taxonomy :data:`AUDIT_TAXONOMY_VERSION`;
within a family they are sorted by ``(posting_id, role_index, taxonomy_id)``, shuffled by a
generator seeded from ``(SEED, family)``, and the first :data:`PER_FAMILY` are taken.

How a hit is judged (``yes``: a real ask; ``no``: not). A role-term hit gathers every mention of
the term in the role's text; it is ``yes`` when one of them is an ask.

- **A1 asks and duties.** The text asks the hire for the skill, as a requirement or a
  preference, or names a duty of the role that uses it ("write specs", "run A/B tests").
- **A2 the stack, for builders.** A technology the role will work with ("our stack is Go and
  Postgres", "we use Kafka") is an ask of a role that builds with it (engineers, data
  scientists, engineering managers, product engineers, technical "other" titles), and not of
  a role that does not (product managers, designers, marketers; LABELLING.md rule T4).
- **A3 not an ask.** A description of the company, its product, customers or culture ("a
  data-driven marketing firm", "our ambitious roadmap"), a benefit or learning opportunity, the
  hiring process ("a coding challenge"), a link, a company or product name, the employer.
- **A4 the right skill.** The mention must mean the family's skill: "specs" of hardware, a
  standard's "spec", "retention" of staff, "capacity planning" of servers are ``no``.
- **A5 other roles.** A skill asked of another role of the same post, in text that the role
  shares, is ``no``.

Examples
--------
>>> import pandas as pd
>>> audit = pd.DataFrame({"posting_id": ["1", "2", "3"], "role_index": [0, 0, 1],
...     "taxonomy_id": ["metrics.kpis", "metrics.okrs", "coding.python"],
...     "judgement": ["yes", "no", "yes"]})
>>> r = audit_precision(audit).set_index("family").loc["metrics"]
>>> int(r["judged"]), int(r["yes"]), float(r["precision"])
(2, 1, 0.5)
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from trendlab.taxonomy import SkillTaxonomy, skill_taxonomy

AUDIT_FILE = Path(__file__).resolve().parent / "skill_hits_audit.csv"
AUDIT_COLUMNS = ["posting_id", "role_index", "taxonomy_id", "judgement"]
JUDGEMENTS = ("yes", "no")
ASK_STATUSES = ("required", "preferred")
SEED = 20261126
PER_FAMILY = 25
# The taxonomy the committed sample was drawn and judged under: a new version tags differently,
# so its precision needs a fresh sample.
AUDIT_TAXONOMY_VERSION = "1.1.0"
PRECISION_COLUMNS = ["family", "label", "group", "judged", "yes", "precision", "ci_low", "ci_high"]


class AuditError(ValueError):
    """The audit file breaks its rules; the message names the file, the row and the field."""


def draw_audit_sample(
    skill_hits: pd.DataFrame,
    *,
    per_family: int = PER_FAMILY,
    seed: int = SEED,
    taxonomy: SkillTaxonomy | None = None,
) -> pd.DataFrame:
    """The seeded sample of hits to judge: ``per_family`` asks of each skill family.

    Parameters
    ----------
    skill_hits : DataFrame
        The ``skill_hits`` table (``posting_id, role_index, taxonomy_id, status``). Not modified.
    per_family : int
        Hits drawn per family (all of them when a family has fewer).
    seed : int
        Seed of the generators, one per family (``(seed, family)``).
    taxonomy : SkillTaxonomy, optional
        Gives the families and their order; defaults to the installed taxonomy.

    Returns
    -------
    DataFrame
        ``posting_id, role_index, taxonomy_id, skill_family``, families in taxonomy order and
        hits in drawn order. The order of the input rows never matters.

    Examples
    --------
    >>> hits = pd.DataFrame({"posting_id": list("abcd"), "role_index": [0] * 4,
    ...     "taxonomy_id": ["metrics.kpis", "metrics.okrs", "metrics.kpis", "coding.python"],
    ...     "status": ["required", "preferred", "negated", "required"]})
    >>> s = draw_audit_sample(hits, per_family=5)
    >>> sorted(s["posting_id"].tolist())  # the negated hit is no ask
    ['a', 'b', 'd']
    """
    tax = taxonomy or skill_taxonomy()
    missing = [c for c in ("posting_id", "role_index", "taxonomy_id", "status") if c not in skill_hits.columns]
    if missing:
        raise KeyError(f"skill_hits lacks column(s) {missing}")
    if per_family < 1:
        raise ValueError(f"per_family must be at least 1, got {per_family}")
    family_of = dict(zip(tax.skills["taxonomy_id"], tax.skills["family"], strict=True))
    asks = skill_hits.loc[skill_hits["status"].isin(ASK_STATUSES), ["posting_id", "role_index", "taxonomy_id"]]
    asks = asks.astype({"posting_id": str, "role_index": int, "taxonomy_id": str})
    unknown = sorted(set(asks["taxonomy_id"]) - set(family_of))
    if unknown:
        raise ValueError(f"skill_hits names terms not in the skill taxonomy {tax.version}: {unknown[:5]}")
    asks = asks.assign(skill_family=asks["taxonomy_id"].map(family_of))
    parts = []
    for fam in tax.families["family"]:
        pool = asks[asks["skill_family"] == fam].sort_values(["posting_id", "role_index", "taxonomy_id"])
        rng = np.random.default_rng([seed, zlib.crc32(fam.encode())])
        parts.append(pool.iloc[rng.permutation(len(pool))[:per_family]])
    return pd.concat(parts, ignore_index=True)


def read_audit(path: Path | str = AUDIT_FILE, *, taxonomy: SkillTaxonomy | None = None) -> pd.DataFrame:
    """Read and check the audit file.

    Raises
    ------
    AuditError
        The file is missing, its columns are not :data:`AUDIT_COLUMNS`, a row repeats a hit,
        or a field is empty, not an integer role index, not a term of the taxonomy or not a
        judgement (``yes``/``no``); the message names the line and the field.

    Examples
    --------
    >>> a = read_audit()
    >>> a.columns.tolist()
    ['posting_id', 'role_index', 'taxonomy_id', 'judgement']
    """
    path = Path(path)
    if not path.is_file():
        raise AuditError(f"{path}: audit file not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if df.columns.tolist() != AUDIT_COLUMNS:
        raise AuditError(f"{path}: columns {df.columns.tolist()}; expected exactly {AUDIT_COLUMNS} (no text)")
    tax = taxonomy or skill_taxonomy()
    known = set(tax.skills["taxonomy_id"])
    for i, r in enumerate(df.itertuples(index=False), start=2):  # line 1 is the header
        where = f"{path} line {i}"
        if not r.posting_id.strip():
            raise AuditError(f"{where}, field 'posting_id': empty")
        if not r.role_index.isdigit():
            raise AuditError(f"{where}, field 'role_index': {r.role_index!r}; expected a non-negative integer")
        if r.taxonomy_id not in known:
            raise AuditError(f"{where}, field 'taxonomy_id': {r.taxonomy_id!r} is not a term of taxonomy {tax.version}")
        if r.judgement not in JUDGEMENTS:
            raise AuditError(f"{where}, field 'judgement': {r.judgement!r}; expected one of {', '.join(JUDGEMENTS)}")
    dup = df.duplicated(["posting_id", "role_index", "taxonomy_id"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise AuditError(f"{path} line {i}: the hit {tuple(df.iloc[i - 2, :3])} is judged twice")
    return df.astype({"role_index": int})


def audit_precision(
    audit: pd.DataFrame, *, alpha: float = 0.05, taxonomy: SkillTaxonomy | None = None
) -> pd.DataFrame:
    """Precision per skill family with its Wilson interval: of the judged hits, the share that are asks.

    Parameters
    ----------
    audit : DataFrame
        ``taxonomy_id`` and ``judgement`` (``yes``/``no``), e.g. from :func:`read_audit`.
    alpha : float
        1 - confidence of the intervals (Wilson score interval,
        :func:`trendlab.measure.shares.wilson_interval`).

    Returns
    -------
    DataFrame
        :data:`PRECISION_COLUMNS`, one row per family of the taxonomy in its order; a family
        without judged hits has ``judged`` 0 and missing precision and bounds.

    Examples
    --------
    >>> a = pd.DataFrame({"taxonomy_id": ["coding.python"] * 4, "judgement": ["yes"] * 3 + ["no"]})
    >>> row = audit_precision(a).set_index("family").loc["coding"]
    >>> int(row["yes"]), float(row["precision"]), round(float(row["ci_low"]), 4)
    (3, 0.75, 0.3006)
    """
    from trendlab.measure.shares import wilson_interval

    tax = taxonomy or skill_taxonomy()
    bad = sorted(set(audit["judgement"]) - set(JUDGEMENTS))
    if bad:
        raise AuditError(f"judgements {bad}; expected one of {', '.join(JUDGEMENTS)}")
    family_of = dict(zip(tax.skills["taxonomy_id"], tax.skills["family"], strict=True))
    unknown = sorted(set(audit["taxonomy_id"]) - set(family_of))
    if unknown:
        raise AuditError(f"taxonomy ids not in the skill taxonomy {tax.version}: {unknown[:5]}")
    fam = audit["taxonomy_id"].map(family_of)
    judged = fam.value_counts()
    yes = fam[audit["judgement"].eq("yes").to_numpy()].value_counts()
    out = tax.families[["family", "label", "group"]].copy()
    out["judged"] = out["family"].map(judged).fillna(0).astype(int)
    out["yes"] = out["family"].map(yes).fillna(0).astype(int)
    n = out["judged"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["precision"] = np.where(n > 0, out["yes"].to_numpy() / np.where(n > 0, n, 1), np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["yes"].to_numpy(), n, alpha=alpha)
    return out[PRECISION_COLUMNS].reset_index(drop=True)


def audit_contexts(sample: pd.DataFrame, roles: pd.DataFrame, *, width: int = 160) -> pd.DataFrame:
    """Each sampled hit with the text around each of its mentions, for the judge to read (never stored).

    Parameters
    ----------
    sample : DataFrame
        ``posting_id, role_index, taxonomy_id`` (the sample or the audit file).
    roles : DataFrame
        The ``roles`` table (``posting_id, role_index, role_title, role_family, requirements_text``).
    width : int
        Characters shown on each side of a mention.

    Returns
    -------
    DataFrame
        The sample's columns plus ``role_title, role_family, status, context`` (mentions
        separated by `` ¦ ``, line breaks shown as ``⏎``).
    """
    from trendlab.clean.skills import SkillMatcher

    m = SkillMatcher.from_taxonomy()
    key = ["posting_id", "role_index"]
    r = roles[[*key, "role_title", "role_family", "requirements_text"]].astype({"posting_id": str, "role_index": int})
    s = sample.astype({"posting_id": str, "role_index": int}).merge(r, on=key, how="left", validate="many_to_one")
    contexts, statuses = [], []
    for text, tid in zip(s["requirements_text"], s["taxonomy_id"], strict=True):
        hits = [h for h in m.find(text) if h.taxonomy_id == tid] if isinstance(text, str) else []
        statuses.append(",".join(sorted({h.status for h in hits})) or "<not found>")
        contexts.append(" ¦ ".join(
            text[max(0, h.start - width) : h.end + width].replace("\n", " ⏎ ") for h in hits
        ))
    return s.drop(columns="requirements_text").assign(status=statuses, context=contexts)


def main(argv: list[str] | None = None) -> int:
    """``python -m trendlab.evaluation.skill_audit [--draw PATH] [--show]``: precision, or a sample to judge."""
    ap = argparse.ArgumentParser(prog="python -m trendlab.evaluation.skill_audit", description=__doc__.split("\n")[0])
    ap.add_argument("--draw", type=Path, help="write the seeded sample, judgements empty, to PATH")
    ap.add_argument("--show", action="store_true", help="print each audited hit with its text, to judge or re-check")
    args = ap.parse_args(argv)
    if args.draw or args.show:
        import trendlab
        from trendlab.clean.skills import tag_skills

        roles = trendlab.load("roles")
        if args.draw:
            sample = draw_audit_sample(tag_skills(roles, progress=True))
            sample.assign(judgement="")[AUDIT_COLUMNS].to_csv(args.draw, index=False, lineterminator="\n")
            print(f"wrote {len(sample)} hits to judge to {args.draw}")
            return 0
        for r in audit_contexts(read_audit(), roles).itertuples(index=False):
            print(f"[{r.posting_id}/{r.role_index}] {r.role_family} | {r.role_title} | {r.taxonomy_id} "
                  f"({r.status}) -> {r.judgement}\n    {r.context}\n")
        return 0
    t = audit_precision(read_audit())
    tax = skill_taxonomy()
    print(f"skill hits audit ({AUDIT_FILE.name}, drawn under taxonomy {AUDIT_TAXONOMY_VERSION}; installed {tax.version})")
    for r in t.itertuples(index=False):
        print(f"  {r.family:<28} {r.yes:>3}/{r.judged:<3} precision {r.precision:.2f} "
              f"(95% CI {r.ci_low:.2f}-{r.ci_high:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
