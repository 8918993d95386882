"""The skill taxonomy files, their rules, and the O*NET/ESCO provenance build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trendlab import taxonomy as tx
from trendlab.taxonomy import build_skills as bs

MIRROR = os.environ.get("TRENDLAB_MIRROR")  # read before the autouse fixture unsets it

BRIEF_FAMILIES = {
    "coding": "technical", "data_sql": "technical", "apis": "technical", "cloud_devops": "technical",
    "systems_architecture": "technical", "ai_ml": "technical", "eng_background": "technical",
    # technical skill asked for as such is no engineering background (LABELLING.md rule E1)
    "technical_aptitude": "technical",
    "low_code": "low_code",
    "discovery_research": "product", "roadmapping_prioritisation": "product", "experimentation": "product",
    "metrics": "product", "specs_prds": "product",
}


# --------------------------------------------------------------------------- form syntax


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("python", ["python"]),
        ("api(s)", ["api", "apis"]),
        ("micro~service", ["micro service", "micro-service", "microservice"]),
        ("prioriti(s|z)e", ["prioritise", "prioritize"]),
        ("a|b c", ["a", "b c"]),
        ("vibe~cod(e|ing)", ["vibe code", "vibe coding", "vibe-code", "vibe-coding", "vibecode", "vibecoding"]),
        ("", []),
    ],
)
def test_expand_forms(spec, expected):
    assert tx.expand_forms(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("api(s", "unbalanced '\\('"),
        ("api)s", "unbalanced '\\)'"),
        ("a||b", "empty form"),
        ("(a|b|c|d)(a|b|c|d)(a|b|c|d)~x", "expands to 192 strings"),
        ("(|) x", "stray spaces"),
    ],
)
def test_expand_forms_rejects_bad_specs(spec, message):
    with pytest.raises(tx.TaxonomyError, match=message):
        tx.expand_forms(spec, where="skills.csv line 9")


def test_match_key_folds_case_and_whitespace():
    assert tx.match_key("Machine\tLEARNING") == "machine learning"


# --------------------------------------------------------------------------- the shipped files


def test_families_are_the_ones_asked_for_in_three_groups():
    tax = tx.skill_taxonomy()
    assert tax.family_group() == BRIEF_FAMILIES
    assert tax.families_in("low_code") == ["low_code"]
    with pytest.raises(KeyError, match="unknown group"):
        tax.families_in("build")


def test_every_family_has_terms_and_every_term_a_provenance():
    tax = tx.skill_taxonomy()
    sk = tax.skills
    assert set(sk.family) == set(BRIEF_FAMILIES)
    assert sk.taxonomy_id.is_unique
    assert set(sk.source) <= {"onet", "esco", "curated"}
    assert sk.loc[sk.source == "curated", "reason"].str.len().gt(0).all()
    onet = sk[sk.source == "onet"]
    assert onet.onet_commodity_code.str.fullmatch(r"\d{8}").all() and onet.onet_example.str.len().gt(0).all()
    # the languages the brief names come from O*NET Technology Skills
    for tid in ("coding.cpp", "coding.csharp", "coding.dotnet", "coding.nodejs", "coding.r", "coding.go",
                "coding.java", "coding.javascript", "data_sql.sql"):
        assert sk.set_index("taxonomy_id").loc[tid, "source"] == "onet", tid
    assert tax.version == tx.taxonomy_version() and len(tax.fingerprint) == 16


def test_spreadsheets_are_excluded_not_a_data_skill():
    tax = tx.skill_taxonomy()
    forms = {f for r in tax.skills.itertuples() for f in tx.expand_forms(r.forms) + tx.expand_forms(r.cs_forms)}
    excluded = {f for p in tax.exclusions.phrase for f in tx.expand_forms(p)}
    for word in ("excel", "google sheets", "spreadsheet", "spreadsheets"):
        assert word in excluded and word not in forms
    assert tax.exclusions.reason.str.len().gt(0).all()


def test_version_pin():
    tax = tx.skill_taxonomy()
    assert tx.skill_taxonomy(tax.version).version == tax.version
    with pytest.raises(tx.TaxonomyError, match="version '0.0' requested"):
        tx.skill_taxonomy("0.0")


def test_cue_file_is_checked():
    cues = tx.load_skill_cues()
    assert set(cues["status"]) == set(tx.CUE_KINDS)
    assert all("anchor" in c for kind in tx.CUE_KINDS for c in cues["status"][kind])


# --------------------------------------------------------------------------- rules, on broken copies


@pytest.fixture
def tax_copy(tmp_path) -> Path:
    d = tmp_path / "taxonomy"
    d.mkdir()
    for name in tx.SKILL_FILES:
        shutil.copy(tx.TAXONOMY_DIR / name, d / name)
    return d


def _edit_skills(d: Path, tid: str, **changes) -> int:
    df = pd.read_csv(d / tx.SKILLS_FILE, dtype=str, keep_default_na=False)
    i = df.index[df.taxonomy_id == tid][0]
    for k, v in changes.items():
        df.loc[i, k] = v
    df.to_csv(d / tx.SKILLS_FILE, index=False, lineterminator="\n")
    return int(i) + 2  # header is line 1


def test_copy_of_the_files_loads(tax_copy):
    assert tx.skill_taxonomy(directory=tax_copy).fingerprint == tx.fingerprint()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"family": "cooking"}, "field 'family': 'cooking' is not in skill_families.csv"),
        ({"taxonomy_id": "coding.java"}, "field 'taxonomy_id': 'coding.java' also on line"),
        ({"taxonomy_id": "apis.python"}, "does not start with its family"),
        ({"forms": "", "cs_forms": ""}, "needs at least one form"),
        ({"ambiguous": "yes"}, "field 'ambiguous': 'yes'; expected 0 or 1"),
        ({"source": "curated", "reason": ""}, "a curated term needs a reason"),
        ({"source": "onet", "onet_commodity_code": "123"}, "8-digit commodity code"),
        ({"source": "wikipedia"}, "field 'source': 'wikipedia'"),
    ],
)
def test_broken_skill_rows_are_named_by_line_and_field(tax_copy, changes, message):
    line = _edit_skills(tax_copy, "coding.python", **changes)
    with pytest.raises(tx.TaxonomyError, match=message) as err:
        tx.skill_taxonomy(directory=tax_copy)
    assert str(err.value).startswith("skills.csv line ") and f"line {line}" in str(err.value)


def test_ambiguous_needs_case_sensitive_forms(tax_copy):
    _edit_skills(tax_copy, "coding.python", ambiguous="1")
    with pytest.raises(tx.TaxonomyError, match="only case-sensitive forms can be ambiguous"):
        tx.skill_taxonomy(directory=tax_copy)


def test_bad_family_group_and_bad_cue(tax_copy):
    fam = (tax_copy / tx.FAMILIES_FILE).read_text().replace("coding,technical,", "coding,build,", 1)
    (tax_copy / tx.FAMILIES_FILE).write_text(fam)
    with pytest.raises(tx.TaxonomyError, match=r"skill_families.csv line 2, field 'group': 'build'"):
        tx.load_skill_families(directory=tax_copy)
    cues = (tax_copy / tx.CUES_FILE).read_text().replace("after = '\\s+(?:to|for)", "after = '\\s+(?:to|for", 1)
    cues = cues.replace('{ anchor = "ideally|', '{ anchor = "ideally|", after = "(unclosed", x = "', 1)
    (tax_copy / tx.CUES_FILE).write_text(cues)
    with pytest.raises(tx.TaxonomyError, match=r"\[status\] optional\[\d+\]"):
        tx.load_skill_cues(directory=tax_copy)


def test_missing_metadata_version(tax_copy):
    (tax_copy / tx.META_FILE).write_text('released = "2026"\n')
    with pytest.raises(tx.TaxonomyError, match="needs a non-empty string 'version'"):
        tx.skill_taxonomy(directory=tax_copy)


def test_read_vocabulary_reports_missing_columns(tax_copy):
    with pytest.raises(tx.TaxonomyError, match=r"missing column\(s\) \['nope'\]"):
        tx.read_vocabulary(tx.FAMILIES_FILE, ["family", "nope"], directory=tax_copy)


# --------------------------------------------------------------------------- provenance build (pure)


def _families() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family": ["coding", "data_sql"], "group": ["technical", "technical"], "label": ["C", "D"],
            "description": ["", ""], "esco_uri": ["http://data.europa.eu/esco/skill/S9.1", ""],
            "esco_label": ["", ""], "onet_commodities": ["43232405", "43232306"],
        }
    )


def _tech() -> pd.DataFrame:
    rows = [
        ("15-9901.00", "Snakecase", "43232405", "Object software", True),
        ("15-9902.00", "Snakecase", "43232402", "Dev env", True),
        ("15-9903.00", "Snakecase", "43232402", "Dev env", True),
        ("15-9901.00", "Acme Frobnicate Studio", "43232405", "Object software", True),
        ("15-9901.00", "Zorblax Query", "43232306", "Query software", False),
        ("15-9902.00", "Unclaimed Hot Tool", "43232306", "Query software", True),
    ]
    return pd.DataFrame(rows, columns=["soc_code", "example", "commodity_code", "commodity_title", "hot_technology"])


def _esco_labels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uri": ["http://data.europa.eu/esco/skill/w1", "http://data.europa.eu/esco/skill/w1"],
            "preferred_label": ["widget programming", "widget programming"],
            "label": ["widget programming", "widget coding"],
            "priority": [0, 0],
        }
    )


def _skills(**override) -> pd.DataFrame:
    rows = [
        # auto-matched to an O*NET example through a form
        dict(taxonomy_id="coding.snake", family="coding", term="Snake", forms="snakecase|snake lang"),
        # explicit link to a vendor-prefixed example
        dict(taxonomy_id="coding.frob", family="coding", term="Frobnicate", forms="frobnicate",
             onet_example="Acme Frobnicate Studio"),
        # matched to an ESCO alternative label
        dict(taxonomy_id="coding.widgets", family="coding", term="Widget coding", forms="widget coding"),
        # no match: curated with a reason
        dict(taxonomy_id="data_sql.zq", family="data_sql", term="ZQ", forms="zq", reason="Invented for a test."),
    ]
    df = pd.DataFrame(rows).fillna("")
    for col in tx.SKILL_INPUT_COLUMNS:
        if col not in df:
            df[col] = ""
    df["ambiguous"] = "0"
    for tid, ch in override.items():
        for k, v in ch.items():
            df.loc[df.taxonomy_id == tid, k] = v
    df["line"] = range(2, 2 + len(df))
    return df


def test_onet_index_takes_the_most_common_commodity():
    idx = bs.onet_index(_tech())
    assert idx["snakecase"] == {
        "example": "Snakecase", "commodity_code": "43232402", "commodity_title": "Dev env", "hot": True,
    }
    assert idx["zorblax query"]["hot"] is False


def test_build_derives_provenance_and_reports_gaps():
    res = bs.build(_skills(), _families(), _tech(), _esco_labels(), {"http://data.europa.eu/esco/skill/S9.1": "widgets"})
    out = res.skills.set_index("taxonomy_id")
    assert out.loc["coding.snake", ["source", "onet_example", "onet_commodity_code", "onet_hot_technology"]].tolist() == [
        "onet", "Snakecase", "43232402", "Y",
    ]
    assert out.loc["coding.frob", "onet_example"] == "Acme Frobnicate Studio"
    assert out.loc["coding.widgets", ["source", "esco_uri", "esco_label"]].tolist() == [
        "esco", "http://data.europa.eu/esco/skill/w1", "widget programming",
    ]
    assert out.loc["data_sql.zq", "source"] == "curated"
    assert res.families.set_index("family").loc["coding", "esco_label"] == "widgets"
    # the Hot example no term covers is reported for its family; linked ones are not
    assert res.coverage[["family", "example"]].values.tolist() == [["data_sql", "Unclaimed Hot Tool"]]


def test_build_is_deterministic_and_idempotent():
    args = (_families(), _tech(), _esco_labels(), {"http://data.europa.eu/esco/skill/S9.1": "widgets"})
    first = bs.build(_skills(), *args).skills
    again = bs.build(first.assign(line=range(2, 2 + len(first))), *args).skills
    pd.testing.assert_frame_equal(first, again)
    assert bs.to_csv_text(first, tx.SKILL_COLUMNS) == bs.to_csv_text(again, tx.SKILL_COLUMNS)


def test_build_lists_every_broken_link_and_missing_reason():
    bad = _skills(**{
        "coding.frob": {"onet_example": "Acme Frobnicator"},
        "data_sql.zq": {"reason": ""},
        "coding.widgets": {"esco_label": "gadget polishing"},
    })
    with pytest.raises(tx.TaxonomyError) as err:
        bs.build(bad, _families(), _tech(), _esco_labels(), {"http://data.europa.eu/esco/skill/S9.1": "widgets"})
    msg = str(err.value)
    assert "skills.csv line 3, field 'onet_example': 'Acme Frobnicator'" in msg
    assert "skills.csv line 4, field 'esco_label': 'gadget polishing'" in msg
    assert "skills.csv line 5, field 'reason'" in msg


def test_build_rejects_an_unknown_family_anchor():
    fam = _families()
    fam.loc[0, "esco_uri"] = "http://data.europa.eu/esco/skill/S0.0"
    with pytest.raises(tx.TaxonomyError, match="esco_uri http://data.europa.eu/esco/skill/S0.0"):
        bs.build(_skills(), fam, _tech(), _esco_labels(), {})


@pytest.mark.mirror
def test_committed_taxonomy_is_the_build_output(monkeypatch, capsys):
    if not MIRROR:
        pytest.skip("TRENDLAB_MIRROR is not set")
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    assert bs.main(["--check"]) == 0, capsys.readouterr().err
    assert "up to date" in capsys.readouterr().out


# --------------------------------------------------------------------------- cue file: names, guards, negation keys


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (', scope = "span" }', ', scope = "line" }', r"\[status\] negation\[\d+\]: scope 'line'"),
        (', soften = true }', ', soften = "yes" }', "soften must be true or false"),
        ("reason = \"A job description", "why = \"A job description", r"unknown key\(s\) \['why'\]"),
        ("drop_before = '\\b(?:job", "drop_before = '((?:job", "does not compile"),
        ('groups = ["product", "low_code"]', 'groups = ["product", "craft"]', r"\[description\] groups \['craft'\]"),
        ("link = '://", "lnk = '://", r"\[names\] needs 'link'"),
    ],
)
def test_cue_file_rules_are_named(tax_copy, old, new, message):
    text = (tax_copy / tx.CUES_FILE).read_text()
    assert old in text
    (tax_copy / tx.CUES_FILE).write_text(text.replace(old, new, 1))
    with pytest.raises(tx.TaxonomyError, match=message):
        tx.load_skill_cues(directory=tax_copy)


def test_the_matcher_checks_guard_forms_and_employer_families(tax_copy):
    from trendlab.clean.skills import SkillMatcher

    text = (tax_copy / tx.CUES_FILE).read_text()
    (tax_copy / tx.CUES_FILE).write_text(text.replace('forms = "spec(s)|specifications"', 'forms = "spec(s)|widgetry"'))
    with pytest.raises(tx.TaxonomyError, match="'widgetry' is not a form of a term"):
        SkillMatcher(tx.skill_taxonomy(directory=tax_copy))
    (tax_copy / tx.CUES_FILE).write_text(text.replace('employer_families = ["data_sql"', 'employer_families = ["baking"'))
    with pytest.raises(tx.TaxonomyError, match=r"employer_families: \['baking'\]"):
        SkillMatcher(tx.skill_taxonomy(directory=tax_copy))
