"""Role-title classification: exact and rule matches, flags, bare "PM", fuzzy fallback."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from trendlab.clean import titles as T
from trendlab.clean.titles import TitleIndex, classify_title, classify_titles, context_hint

MIRROR = os.environ.get("TRENDLAB_MIRROR")


@pytest.mark.parametrize(
    ("title", "family", "seniority", "technical", "owner"),
    [
        ("Product Manager", "product_management", None, False, False),
        ("Senior Product Manager", "product_management", "senior", False, False),
        ("Group Product Manager", "product_management", None, False, False),
        ("Principal Product Manager", "product_management", "principal", False, False),
        ("Staff PM", "other", "staff", False, False),
        ("Head of Product", "product_management", "head", False, False),
        ("Director of Product Management", "product_management", "director", False, False),
        ("VP, Product", "product_management", "vp", False, False),
        ("Chief Product Officer", "product_management", "c-level", False, False),
        ("CPO", "product_management", "c-level", False, False),
        ("Associate Product Manager", "product_management", "junior", False, False),
        ("Product Owner", "product_management", None, False, True),
        ("Product Owner/Project Manager", "product_management", None, False, True),
        ("Project Manager/Product Owner", "product_management", None, False, True),
        ("Technical Product Manager", "product_management", None, True, False),
        ("Product Manager (Technical)", "product_management", None, True, False),
        ("Product Manager, Technical", "product_management", None, True, False),
        ("Product Manager - Platform", "product_management", None, True, False),
        ("Product Manager – API", "product_management", None, True, False),
        ("Sr. Product Manager, Data Infrastructure", "product_management", "senior", True, False),
        ("Product Manager, Developer Tools", "product_management", None, True, False),
        ("ML Product Manager", "product_management", None, True, False),
        ("Product Manager, Payments", "product_management", None, False, False),
        ("Project Manager", "project_program_management", None, False, False),
        ("Technical Program Manager", "project_program_management", None, False, False),
        ("Scrum Master", "project_program_management", None, False, False),
        ("TPM", "project_program_management", None, False, False),
        ("Product Designer", "design", None, False, False),
        ("Head of Product Design", "design", "head", False, False),
        ("Senior UX/UI Designer", "design", "senior", False, False),
        ("UI Developer", "software_engineering", None, False, False),
        ("Product Marketing Manager", "product_marketing", None, False, False),
        ("Product Engineer", "product_engineer", None, False, False),
        ("Software Engineer, Product", "product_engineer", None, False, False),
        ("Staff SWE", "software_engineering", "staff", False, False),
        ("Sr. Full-Stack Eng", "software_engineering", "senior", False, False),
        ("Frontend/Backend Engineer", "software_engineering", None, False, False),
        ("iOS Developer", "software_engineering", None, False, False),
        ("Site Reliability Engineer", "software_engineering", None, False, False),
        ("DevOps Engineer", "software_engineering", None, False, False),
        ("Machine Learning Engineer", "software_engineering", None, False, False),
        ("Data Engineer", "software_engineering", None, False, False),
        ("Member of Technical Staff", "software_engineering", None, False, False),
        ("Tech Lead", "software_engineering", "lead", False, False),
        ("Software Engineering Intern", "software_engineering", "intern", False, False),
        ("Junior Developer", "software_engineering", "junior", False, False),
        ("Software Engineer II", "software_engineering", "mid", False, False),
        ("Engineering Manager", "engineering_management", None, False, False),
        ("Head of Product Engineering", "engineering_management", "head", False, False),
        ("VP of Engineering", "engineering_management", "vp", False, False),
        ("CTO", "engineering_management", "c-level", False, False),
        ("Data Scientist", "data_science_analytics", None, False, False),
        ("Product Analyst", "data_science_analytics", None, False, False),
        ("Sales Engineer", "other", None, False, False),
        ("Mechanical Engineer", "other", None, False, False),
        ("Developer Advocate", "other", None, False, False),
        ("Account Executive", "other", None, False, False),
        # "data-driven" is a way of working, not the data domain (T1)
        ("Product Manager (Data driven experience)", "product_management", None, False, False),
        ("Product Manager, Data", "product_management", None, True, False),
        # R6: a slash title sharing its head, whose first half is product
        ("Product/Project Managers", "product_management", None, False, False),
        ("Production/Project Manager", "project_program_management", None, False, False),
    ],
)
def test_classify_title_families_and_flags(title, family, seniority, technical, owner):
    c = classify_title(title)
    assert (c.role_family, c.seniority, c.technical_pm, c.product_owner) == (
        family,
        seniority,
        technical,
        owner,
    )
    assert c.match_method in ("exact", "rule")
    assert c.match_score == 100.0


def test_exact_and_rule_methods_record_what_matched():
    exact = classify_title("Senior Software Engineers")
    assert exact.match_method == "exact"
    assert exact.matched_reference == "exact:software engineer"
    rule = classify_title("Senior Rails Hacker")
    assert rule.match_method == "rule"
    assert rule.matched_reference == "rule:software_engineer"


def test_unknown_title_without_fuzzy_is_other_with_method_none():
    c = classify_title("Harbour Pilot Dispatcher")
    assert (c.role_family, c.match_method, c.matched_reference, c.match_score) == (
        "other",
        "none",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("title", "context", "family"),
    [
        ("Senior PM", None, "other"),
        ("Senior PM", "Acme | Product | Senior PM | NYC", "product_management"),
        ("Senior PM", "Acme | Construction projects | Senior PM", "project_program_management"),
        ("Senior PM", "Acme | product and project teams | PM", "other"),  # both: unsettled
        ("Product Team - PM", None, "product_management"),
        ("Group PM", None, "product_management"),
        ("TPM", "Acme | Product | TPM", "product_management"),
    ],
)
def test_bare_pm_needs_context(title, context, family):
    assert classify_title(title, context).role_family == family


def test_bare_pm_with_product_context_is_recorded_as_such():
    c = classify_title("PM, Platform", "Acme | Product | PM, Platform")
    assert c.matched_reference == "rule:pm_bare_product"
    assert c.technical_pm is True


def test_context_hint():
    assert context_hint("Our PRODUCT team") == "product"
    assert context_hint("side projects welcome") == "project"
    assert context_hint(None) is None
    assert context_hint("product and project") is None


def test_normalize_expands_abbreviations():
    assert T.normalize_title("  Sr. Full-Stack Eng ") == "senior full stack engineer"
    assert T.normalize_title("Jr Front-end Dev") == "junior frontend developer"
    assert T.normalize_title("Eng Mgr – Payments") == "engineer manager - payments"


def test_classify_title_rejects_non_strings():
    with pytest.raises(TypeError, match="title must be a str"):
        classify_title(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fuzzy


@pytest.fixture
def tiny_index() -> TitleIndex:
    return TitleIndex.from_labels(
        pd.DataFrame(
            {
                "label": ["Harbour Pilot Dispatcher", "Widget Calibration Programmer", "Loom Tuner"],
                "reference": ["onet:99-0001.00:Harbour Pilot Dispatcher", "esco:9999:widget", "onet:99-0002.00:Loom Tuner"],
                "role_family": ["other", "software_engineering", "other"],
            }
        )
    )


def test_fuzzy_exact_word_order_scores_100(tiny_index):
    c = classify_title("Dispatcher, Harbour Pilot", fuzzy=tiny_index)
    assert c.match_method == "fuzzy"
    assert c.matched_reference == "onet:99-0001.00:Harbour Pilot Dispatcher"
    assert c.match_score == 100.0


def test_fuzzy_score_is_the_indel_similarity_of_sorted_tokens(tiny_index):
    # keys "dispatcher harbor pilot" (23 chars) and "dispatcher harbour pilot" (24 chars)
    # share 23 characters in order: similarity = 2 * 23 / (23 + 24) = 97.87...
    c = classify_title("Harbor Pilot Dispatcher", fuzzy=tiny_index)
    assert c.match_score == pytest.approx(200 * 23 / 47, abs=1e-4)
    assert c.role_family == "other"


def test_fuzzy_maps_family_and_keeps_seniority(tiny_index):
    c = classify_title("Senior Widget Calibration Programer", fuzzy=tiny_index)
    # "programer" is no rule's head noun, so only the fuzzy index can place it
    assert (c.role_family, c.match_method, c.seniority) == ("software_engineering", "fuzzy", "senior")


def test_fuzzy_below_cutoff_is_none(tiny_index):
    c = classify_title("Lighthouse Keeper", fuzzy=tiny_index)
    assert c.match_method == "none" and c.role_family == "other"


def test_rules_win_over_fuzzy(tiny_index):
    assert classify_title("Product Manager", fuzzy=tiny_index).match_method == "exact"


def test_index_rejects_unknown_family():
    with pytest.raises(ValueError, match="unknown role_family"):
        TitleIndex.from_labels(pd.DataFrame({"label": ["x"], "reference": ["r"], "role_family": ["astronaut"]}))


def test_fuzzy_without_mirror_names_the_way_out():
    from trendlab.fetch import FetchError

    T.title_index.cache_clear()
    with pytest.raises(FetchError, match="fuzzy=False"):
        classify_titles(pd.Series(["Harbour Pilot Dispatcher"]), fuzzy=True)


# --------------------------------------------------------------------------- many titles


def test_classify_titles_vectorised_matches_single(tiny_index):
    titles = pd.Series(
        ["Senior PM", "Senior PM", "Staff SWE", None, "Harbor Pilot Dispatcher", "Product Owner"],
        index=[10, 11, 12, 13, 14, 15],
    )
    context = pd.Series(["Acme | Product", None, None, None, None, None], index=titles.index)
    out = classify_titles(titles, context, fuzzy=tiny_index)
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    assert out["role_family"].tolist() == [
        "product_management",
        "other",
        "software_engineering",
        "other",
        "other",
        "product_management",
    ]
    assert out["match_method"].tolist() == ["rule", "rule", "exact", "none", "fuzzy", "exact"]
    assert out["product_owner"].tolist() == [False, False, False, False, False, True]
    for i, t in titles.items():
        if isinstance(t, str):
            single = classify_title(t, context[i], fuzzy=tiny_index)
            assert out.loc[i, "role_family"] == single.role_family
            assert out.loc[i, "match_method"] == single.match_method


def test_classify_titles_does_not_mutate_and_checks_index():
    titles = pd.Series(["Data Scientist", "CTO"])
    before = titles.copy()
    classify_titles(titles, fuzzy=False)
    pd.testing.assert_series_equal(titles, before)
    with pytest.raises(ValueError, match="same index"):
        classify_titles(titles, pd.Series(["x"], index=[5]), fuzzy=False)


def test_every_rule_family_is_declared():
    tx = T.taxonomy()
    assert {r.role_family for r in tx.rules} <= set(tx.families)
    assert "product_management" in tx.pm_families and len(tx.pm_families) == 1


def test_bad_rule_file_names_file_and_line(tmp_path, monkeypatch):
    for f in T.TAXONOMY_DIR.iterdir():
        if f.suffix == ".csv":
            (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "title_rules.csv", "a") as fh:
        fh.write("broken,\\bfoo(,software_engineering,false,,\n")
    monkeypatch.setattr(T, "TAXONOMY_DIR", tmp_path)
    T.taxonomy.cache_clear()
    try:
        with pytest.raises(T.TaxonomyError, match=r"title_rules.csv line \d+: field 'pattern'"):
            T.taxonomy()
    finally:
        monkeypatch.undo()
        T.taxonomy.cache_clear()


# --------------------------------------------------------------------------- the real index


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_index_from_onet_and_esco(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    T.title_index.cache_clear()
    try:
        idx = T.title_index()
        fr = idx.frame
        assert len(fr) > 50_000
        assert fr["key"].is_unique
        assert set(fr["role_family"]) <= set(T.taxonomy().families)
        # ESCO's "ICT product manager" is mapped by label, not by its ISCO group (1330)
        row = fr[fr["key"] == T.fuzzy_key("ICT product manager")].iloc[0]
        assert row["role_family"] == "product_management"
        c = classify_title("Chef de Cuisine", fuzzy=True)
        assert c.match_method == "fuzzy" and c.role_family == "other"
        assert c.matched_reference.startswith(("onet:35-", "esco:3434"))
        # the built index is cached on disk and read back identically
        T.title_index.cache_clear()
        pd.testing.assert_frame_equal(T.title_index().frame, fr)
    finally:
        T.title_index.cache_clear()
