"""The skill-hit precision audit: the committed judgements, the seeded draw and the precision table."""

from __future__ import annotations

import math
import os

import pandas as pd
import pytest

from trendlab.evaluation import skill_audit as sa
from trendlab.taxonomy import skill_taxonomy

MIRROR = os.environ.get("TRENDLAB_MIRROR")  # read before the autouse fixture unsets it


def _wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval in closed form (Wilson 1927)."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# --------------------------------------------------------------------------- the committed file


def test_the_committed_audit_is_complete_and_holds_no_text():
    audit = sa.read_audit()
    tax = skill_taxonomy()
    assert audit.columns.tolist() == sa.AUDIT_COLUMNS  # ids and judgements only
    assert tax.version == sa.AUDIT_TAXONOMY_VERSION, "the taxonomy changed: draw and judge a fresh audit sample"
    family = audit["taxonomy_id"].str.split(".").str[0]
    assert family.value_counts().to_dict() == dict.fromkeys(tax.families["family"], sa.PER_FAMILY)
    assert set(audit["judgement"]) == {"yes", "no"}
    assert not audit.duplicated(["posting_id", "role_index", "taxonomy_id"]).any()
    table = sa.audit_precision(audit)
    assert table["judged"].eq(sa.PER_FAMILY).all() and table["yes"].sum() == audit["judgement"].eq("yes").sum()
    assert (table["ci_low"] <= table["precision"]).all() and (table["precision"] <= table["ci_high"]).all()


# --------------------------------------------------------------------------- precision


def test_precision_per_family_with_wilson_bounds_against_the_closed_form():
    audit = pd.DataFrame({
        "taxonomy_id": ["coding.python"] * 4 + ["metrics.kpis"] * 10 + ["low_code.zapier"] * 3,
        "judgement": ["yes", "yes", "yes", "no"] + ["no"] * 10 + ["yes"] * 3,
    })
    t = sa.audit_precision(audit).set_index("family")
    assert t.loc["coding", ["judged", "yes", "precision"]].tolist() == [4, 3, 0.75]
    assert t.loc["coding", ["ci_low", "ci_high"]].tolist() == pytest.approx(_wilson(3, 4), abs=1e-9)
    assert t.loc["coding", "ci_low"] == pytest.approx(0.3006, abs=1e-4)
    # the extremes are exactly 0 and 1 on their side
    assert t.loc["metrics", ["precision", "ci_low"]].tolist() == [0.0, 0.0]
    assert t.loc["metrics", "ci_high"] == pytest.approx(_wilson(0, 10)[1], abs=1e-9)
    assert t.loc["low_code", ["precision", "ci_high"]].tolist() == [1.0, 1.0]
    # a family without judged hits is there, with nothing to estimate
    assert t.loc["apis", "judged"] == 0 and math.isnan(t.loc["apis", "precision"])
    assert list(t.index) == skill_taxonomy().families["family"].tolist()


def test_precision_refuses_unknown_judgements_and_terms():
    with pytest.raises(sa.AuditError, match=r"judgements \['maybe'\]"):
        sa.audit_precision(pd.DataFrame({"taxonomy_id": ["coding.python"], "judgement": ["maybe"]}))
    with pytest.raises(sa.AuditError, match="coding.cobol"):
        sa.audit_precision(pd.DataFrame({"taxonomy_id": ["coding.cobol"], "judgement": ["yes"]}))


# --------------------------------------------------------------------------- the draw


def _hits(n: int = 40) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append((f"p{i:03d}", i % 3, "coding.python", "required" if i % 5 else "preferred"))
        rows.append((f"p{i:03d}", i % 3, "metrics.kpis", "negated" if i % 4 == 0 else "required"))
    rows.append(("q1", 0, "low_code.zapier", "required"))
    return pd.DataFrame(rows, columns=["posting_id", "role_index", "taxonomy_id", "status"])


def test_draw_is_seeded_per_family_and_ignores_row_order():
    hits = _hits()
    s = sa.draw_audit_sample(hits, per_family=7)
    assert s.columns.tolist() == ["posting_id", "role_index", "taxonomy_id", "skill_family"]
    assert s["skill_family"].value_counts().to_dict() == {"coding": 7, "metrics": 7, "low_code": 1}
    # only asks: a negated hit is never drawn
    negated = set(hits.loc[hits["status"] == "negated", "posting_id"] + "|metrics.kpis")
    assert not negated & set(s["posting_id"] + "|" + s["taxonomy_id"])
    # the same sample whatever the order of the rows
    shuffled = sa.draw_audit_sample(hits.sample(frac=1, random_state=3), per_family=7)
    pd.testing.assert_frame_equal(s, shuffled)
    # another seed draws otherwise; a change to one family's hits leaves the others' draw alone
    assert not sa.draw_audit_sample(hits, per_family=7, seed=1).equals(s)
    fewer = hits[~((hits["taxonomy_id"] == "metrics.kpis") & (hits["posting_id"] == "p001"))]
    again = sa.draw_audit_sample(fewer, per_family=7)
    pd.testing.assert_frame_equal(again[again["skill_family"] == "coding"], s[s["skill_family"] == "coding"])
    # a larger sample begins with the smaller one
    big = sa.draw_audit_sample(hits, per_family=9)
    assert big[big["skill_family"] == "coding"].head(7)["posting_id"].tolist() == (
        s[s["skill_family"] == "coding"]["posting_id"].tolist()
    )


def test_draw_checks_its_input():
    with pytest.raises(KeyError, match="status"):
        sa.draw_audit_sample(_hits().drop(columns="status"))
    with pytest.raises(ValueError, match="per_family must be at least 1"):
        sa.draw_audit_sample(_hits(), per_family=0)
    bad = _hits().assign(taxonomy_id="coding.cobol")
    with pytest.raises(ValueError, match="coding.cobol"):
        sa.draw_audit_sample(bad)


# --------------------------------------------------------------------------- reading the file


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("posting_id,role_index,taxonomy_id,judgement,text\n1,0,coding.python,yes,Python\n", "no text"),
        ("posting_id,role_index,taxonomy_id,judgement\n1,0,coding.python,maybe\n", "line 2, field 'judgement'"),
        ("posting_id,role_index,taxonomy_id,judgement\n1,zero,coding.python,yes\n", "line 2, field 'role_index'"),
        ("posting_id,role_index,taxonomy_id,judgement\n1,0,coding.python,yes\n2,0,coding.cobol,no\n",
         "line 3, field 'taxonomy_id'"),
        ("posting_id,role_index,taxonomy_id,judgement\n,0,coding.python,yes\n", "line 2, field 'posting_id'"),
        ("posting_id,role_index,taxonomy_id,judgement\n1,0,coding.python,yes\n1,0,coding.python,no\n",
         "line 3: the hit .* is judged twice"),
    ],
)
def test_read_audit_names_the_line_and_field(tmp_path, body, message):
    path = tmp_path / "audit.csv"
    path.write_text(body)
    with pytest.raises(sa.AuditError, match=message):
        sa.read_audit(path)


def test_read_audit_of_a_missing_file(tmp_path):
    with pytest.raises(sa.AuditError, match="not found"):
        sa.read_audit(tmp_path / "nope.csv")


def test_contexts_show_each_mention_for_the_judge():
    roles = pd.DataFrame({
        "posting_id": ["7", "8"], "role_index": [0, 0], "role_title": ["Backend Engineer", "PM"],
        "role_family": ["software_engineering", "product_management"],
        "requirements_text": ["You write Python.\nPython 3 a plus.", "Own the roadmap."],
    })
    sample = pd.DataFrame({"posting_id": ["7", "8"], "role_index": [0, 0],
                           "taxonomy_id": ["coding.python", "coding.go"]})
    c = sa.audit_contexts(sample, roles, width=5)
    assert c["status"].tolist() == ["preferred,required", "<not found>"]
    assert c.loc[0, "context"] == "rite Python. ⏎ Pyt ¦ hon. ⏎ Python 3 a "
    assert c["role_title"].tolist() == ["Backend Engineer", "PM"]


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_the_committed_sample_is_the_seeded_draw_from_the_corpus(monkeypatch):
    import trendlab
    from trendlab.clean.skills import tag_skills

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    roles = trendlab.load("roles")
    drawn = sa.draw_audit_sample(tag_skills(roles, progress=False))
    audit = sa.read_audit()
    key = ["posting_id", "role_index", "taxonomy_id"]
    assert drawn[key].astype(str).values.tolist() == audit[key].astype(str).values.tolist()
