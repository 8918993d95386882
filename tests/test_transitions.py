"""Transition tables, dated rates and survival, against hand counts and textbook values."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest

from trendlab.measure import transitions as tr

MIRROR = os.environ.get("TRENDLAB_MIRROR")
ENG, PM, OTHER = "software developer", "ict product manager", "ict help desk agent"


def spells_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (person, seq, label, start, end) with quarters like '2000Q1' or None."""
    df = pd.DataFrame(rows, columns=["person_id", "seq", "occupation_label", "start", "end"])
    return pd.DataFrame({
        "source": pd.Series("toy", index=df.index, dtype="string"),
        "person_id": df["person_id"].astype("string"),
        "seq": df["seq"].astype("Int64"),
        "occupation_label": df["occupation_label"].astype("string"),
        "esco_code": pd.Series(pd.NA, index=df.index, dtype="string"),
        "family": pd.Series(pd.NA, index=df.index, dtype="string"),
        "start": pd.Series(pd.PeriodIndex(df["start"], freq="Q")),
        "end": pd.Series(pd.PeriodIndex(df["end"], freq="Q")),
        "open_ended": (df["start"].notna() & df["end"].isna()).astype("boolean"),
        "dated": df["start"].notna().astype("boolean"),
        "education": pd.Series(pd.NA, index=df.index, dtype="string"),
    })


# Four people whose person-years and moves can be counted by hand (see each test).
TOY = spells_frame([
    ("P1", 0, ENG, "2000Q1", "2001Q4"),
    ("P1", 1, PM, "2002Q1", "2003Q2"),
    ("P2", 0, ENG, "2000Q3", "2002Q2"),
    ("P2", 1, OTHER, "2002Q3", "2002Q4"),
    ("P2", 2, "web developer", "2003Q1", None),     # current job, open-ended
    ("P3", 0, PM, "1999Q1", "1999Q4"),
    ("P3", 1, ENG, "2000Q1", "2000Q4"),
    ("P3", 2, PM, "2001Q1", "2001Q4"),
    ("P4", 0, ENG, "2001Q1", "2002Q4"),
    ("P4", 1, OTHER, "2001Q2", "2001Q3"),          # inside the engineering job: concurrent
    ("P4", 2, PM, "2002Q3", "2003Q4"),             # starts before the engineering job ends
])


def test_family_map_matches_code_label_group_and_counts_the_unmapped():
    s = pd.DataFrame({"occupation_label": [PM, None, None, "baker", "software developer"],
                      "esco_code": [None, "1330.6", "2514.9", "7512.1", "9999"]})
    out = tr.assign_role_families(s)
    assert out["role_family"].tolist() == ["product_management", "product_management",
                                           "software_engineering", "other",
                                           "software_engineering"]
    assert out["family_source"].tolist() == ["label", "code", "isco_group", "unmapped", "label"]
    assert "role_family" not in s  # input untouched


def test_family_map_file_uses_known_families():
    fm = tr.load_family_map()
    assert set(fm["role_family"]) <= {"software_engineering", "product_management",
                                      "engineering_management", "project_program_management",
                                      "data_science_analytics", "design", "other"}
    assert fm.loc[fm["esco_label"] == "ict project manager", "role_family"].item() == (
        "project_program_management")


def test_transition_table_by_hand():
    moves = tr.consecutive_moves(TOY)
    assert len(moves) == 7  # 11 spells - 4 people
    t = tr.transition_table(moves)
    got = {(r.from_family, r.to_family): r.count for r in t.itertuples()}
    assert got == {("software_engineering", "product_management"): 2,   # P1, P3
                   ("software_engineering", "other"): 2,                # P2, P4
                   ("other", "software_engineering"): 1,                # P2
                   ("product_management", "software_engineering"): 1,   # P3
                   ("other", "product_management"): 1}                  # P4
    sh = tr.transition_shares(t)
    eng_pm = sh[(sh.from_family == "software_engineering") & (sh.to_family == "product_management")]
    assert eng_pm["n"].item() == 4 and eng_pm["share"].item() == 0.5
    lo, hi = tr.wilson_interval(2, 4)
    assert eng_pm["ci_low"].item() == pytest.approx(lo) and lo == pytest.approx(0.15003, abs=1e-4)
    head = tr.headline_cells(sh)
    assert head[["from_family", "to_family", "count", "n"]].values.tolist() == [
        ["software_engineering", "product_management", 2, 4],
        ["product_management", "software_engineering", 1, 1]]


def test_transition_table_by_year():
    t = tr.transition_table(tr.consecutive_moves(TOY), by_year=True)
    got = {(r.period, r.from_family, r.to_family): r.count for r in t.itertuples()}
    assert got == {("2002", "software_engineering", "product_management"): 1,
                   ("2001", "software_engineering", "product_management"): 1,
                   ("2002", "software_engineering", "other"): 1,
                   ("2001", "software_engineering", "other"): 1,
                   ("2003", "other", "software_engineering"): 1,
                   ("2000", "product_management", "software_engineering"): 1,
                   ("2002", "other", "product_management"): 1}
    assert t.attrs["undated_moves"] == 0


def test_person_years_and_moves_by_hand():
    d = tr.prepare_dated_spells(TOY, observation_end="2003Q4")
    assert d.dropped_spells[["person_id", "seq", "reason"]].values.tolist() == [
        ["P4", 1, "overlapping_spell"]]
    assert d.spells.set_index(["person_id", "seq"]).loc[("P2", 2), "end_rule"] == "observation_end"
    ex = tr.engineering_exposure(d).set_index("year")
    # 2000: P1 4q + P2 2q + P3 4q; 2001: P1 4 + P2 4 + P4 4; 2002: P2 2 + P4 4; 2003: P2 4
    assert ex["person_quarters"].to_dict() == {2000: 10, 2001: 12, 2002: 6, 2003: 4}
    assert ex["persons"].to_dict() == {2000: 3, 2001: 3, 2002: 2, 2003: 1}
    moves = tr.engineer_pm_moves(d)
    assert sorted(zip(moves["person_id"], moves["year"], strict=True)) == [
        ("P1", 2002), ("P3", 2001), ("P4", 2002)]
    r = tr.engineer_pm_rates(d).set_index("year")
    assert r["moves"].to_dict() == {2000: 0, 2001: 1, 2002: 2, 2003: 0}
    assert r["person_years"].to_dict() == {2000: 2.5, 2001: 3.0, 2002: 1.5, 2003: 1.0}
    assert r.loc[2002, "rate"] == pytest.approx(2 / 1.5)
    lo, hi = tr.poisson_rate_interval(2, 1.5)
    assert (r.loc[2002, "ci_low"], r.loc[2002, "ci_high"]) == pytest.approx((lo, hi))


def test_open_ended_final_spell_without_observation_end_is_dropped_and_counted():
    d = tr.prepare_dated_spells(TOY)
    reasons = dict(zip(d.dropped_spells["seq"].astype(int).astype(str) + d.dropped_spells["person_id"],
                       d.dropped_spells["reason"], strict=True))
    assert reasons == {"2P2": "open_ended_final", "1P4": "overlapping_spell"}
    ex = tr.engineering_exposure(d).set_index("year")
    assert ex["person_quarters"].to_dict() == {2000: 10, 2001: 12, 2002: 6}


def test_keeping_contained_spells_changes_the_sequence():
    d = tr.prepare_dated_spells(TOY, observation_end="2003Q4", contained="keep")
    assert len(d.dropped_spells) == 0
    moves = tr.engineer_pm_moves(d)  # P4's PM job now follows the help-desk spell
    assert sorted(moves["person_id"]) == ["P1", "P3"]


def test_undated_spells_drop_the_person_or_the_spell():
    s = pd.concat([TOY, spells_frame([("P5", 0, ENG, "2000Q1", "2000Q4"),
                                      ("P5", 1, PM, None, None)])], ignore_index=True)
    d = tr.prepare_dated_spells(s, observation_end="2003Q4")
    p5 = d.dropped_spells[d.dropped_spells.person_id == "P5"]
    assert sorted(p5["reason"]) == ["missing_dates", "person_has_undated_spell"]
    assert d.dropped_persons[["person_id", "reason"]].values.tolist() == [["P5", "missing_dates"]]
    assert d.persons_in == 5
    summary = d.summary().set_index("reason")
    assert summary.loc["missing_dates", "persons"] == 1
    d2 = tr.prepare_dated_spells(s, observation_end="2003Q4", undated="drop_spell")
    assert "P5" in set(d2.spells["person_id"])
    with pytest.raises(ValueError, match="undated"):
        tr.prepare_dated_spells(s, undated="guess")


def test_starts_after_observation_end_are_dropped():
    s = pd.concat([TOY, spells_frame([("P6", 0, ENG, "2024Q1", None)])], ignore_index=True)
    d = tr.prepare_dated_spells(s, observation_end="2020Q4")
    assert d.dropped_spells.query("person_id == 'P6'")["reason"].item() == "after_observation_end"


def test_time_to_first_pm_job_by_hand():
    d = tr.prepare_dated_spells(TOY, observation_end="2003Q4")
    persons, dropped = tr.time_to_pm(d)
    got = {r.person_id: (r.duration, r.event) for r in persons.itertuples()}
    # P1: 2000Q1 -> 2002Q1 = 8 quarters; P2 censored 2000Q3 -> 2003Q4 = 13 quarters;
    # P4: 2001Q1 -> 2002Q3 = 6 quarters
    assert got == {"P1": (2.0, True), "P2": (3.25, False), "P4": (1.5, True)}
    assert dropped[["person_id", "reason"]].values.tolist() == [["P3", "pm_before_engineering"]]
    km = tr.kaplan_meier(persons["duration"], persons["event"])
    assert km.table["survival"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert km.median == 2.0 and km.survival_at(3.0) == pytest.approx(1 / 3)


def test_one_call_summary_on_the_toy_history():
    s = tr.engineer_to_pm_summary(TOY, observation_end="2003Q4")
    assert s.headline[["count", "n"]].values.tolist() == [[2, 4], [1, 1]]
    pooled = s.overall_rate.iloc[0]
    assert (pooled["moves"], pooled["person_years"]) == (3, 8.0)
    assert pooled["rate"] == pytest.approx(3 / 8)
    assert s.trend is not None and s.trend.years_used == 4
    assert s.km.events == 2
    reasons = dict(zip(s.dropped["reason"], s.dropped["spells"] + s.dropped["persons"], strict=True))
    assert reasons == {"overlapping_spell": 1, "pm_before_engineering": 1}


# Freireich et al. (1963) 6-MP remission times (weeks); Klein & Moeschberger (2003), Table 4.1A.
SIX_MP = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [1] * 9 + [0] * 12
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_kaplan_meier_against_the_textbook():
    km = tr.kaplan_meier(SIX_MP, SIX_MP_EVENT)
    t = km.table
    assert t["time"].tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert t["survival"].round(4).tolist() == [0.8571, 0.8067, 0.7529, 0.6902, 0.6275,
                                               0.5378, 0.4482]
    assert t["se"].round(4).tolist() == [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346]
    assert km.median == 23.0 and km.events == 9
    # log(-log) interval at t = 6 by hand
    s, se = 18 / 21, t["se"].iloc[0]
    theta, sd = math.log(-math.log(s)), se / (s * abs(math.log(s)))
    assert t["ci_low"].iloc[0] == pytest.approx(math.exp(-math.exp(theta + 1.959964 * sd)), rel=1e-5)


def test_cox_against_the_textbook():
    d = pd.Series(SIX_MP + PLACEBO)
    e = pd.Series(SIX_MP_EVENT + [1] * 21)
    rx = pd.DataFrame({"placebo": [0] * 21 + [1] * 21})
    # Kleinbaum & Klein, Survival Analysis (3rd ed.), remission data: Breslow 1.509 (SE 0.410),
    # Efron 1.572
    b = tr.fit_cox(d, e, rx)
    assert b.table.loc["placebo", "coef"] == pytest.approx(1.509, abs=5e-4)
    assert b.table.loc["placebo", "se"] == pytest.approx(0.410, abs=5e-4)
    assert b.table.loc["placebo", "hazard_ratio"] == pytest.approx(4.523, abs=5e-3)
    assert tr.fit_cox(d, e, rx, ties="efron").table.loc["placebo", "coef"] == pytest.approx(
        1.572, abs=5e-4)


def test_cox_by_entry_cohort_builds_dummies():
    rng = np.random.default_rng(3)
    n = 400
    year = rng.choice([1995, 2005], size=n)
    hazard = np.where(year == 2005, 0.2, 0.1)  # later cohort moves twice as fast
    t = rng.exponential(1 / hazard)
    c = rng.uniform(0, 15, size=n)
    persons = pd.DataFrame({"entry_year": year, "duration": np.minimum(t, c), "event": t <= c})
    fit = tr.cox_by_entry_cohort(persons, edges=[1990, 2000, 2010])
    assert list(fit.table.index) == ["2000-2009"]
    row = fit.table.loc["2000-2009"]
    assert row["ci_low"] < 2.0 < row["ci_high"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # two points: a saturated, exact fit
@pytest.mark.filterwarnings("ignore:Perfect separation")
def test_rate_trend_recovers_exact_poisson_estimates():
    one = pd.DataFrame({"year": [2000, 2001], "moves": [10, 20], "person_years": [100.0, 100.0]})
    fit = tr.fit_rate_trend(one, overdispersion=None)
    assert fit.estimate == pytest.approx(2.0) and fit.base_rate == pytest.approx(0.1)
    assert fit.years_used == 2 and "offset log(person-years)" in fit.method
    # rates 0.05, 0.10, 0.20 (ratio 2 per year) fit exactly whatever the exposure
    geo = pd.DataFrame({"year": [2010, 2011, 2012, 2013], "moves": [5, 20, 40, 0],
                        "person_years": [100.0, 200.0, 200.0, 0.0]})
    g = tr.fit_rate_trend(geo, overdispersion=None)
    assert g.estimate == pytest.approx(2.0) and g.years_skipped == 1
    with pytest.raises(ValueError, match="two years"):
        tr.fit_rate_trend(geo.iloc[:1])


def test_rate_trend_coverage_in_simulation():
    rng = np.random.default_rng(11)
    years = np.arange(2000, 2016)
    expo = np.full(len(years), 400.0)
    true = 0.9
    hits = 0
    reps = 200
    for _ in range(reps):
        lam = 0.05 * true ** (years - 2000) * expo
        d = pd.DataFrame({"year": years, "moves": rng.poisson(lam), "person_years": expo})
        f = tr.fit_rate_trend(d)
        hits += f.ci_low <= true <= f.ci_high
    assert 0.90 <= hits / reps <= 0.99


def test_interval_helpers_against_published_values():
    lo, hi = tr.wilson_interval(81, 263)  # Newcombe (1998), Statist. Med. 17, table I
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.2553, 0.3662)
    lo, hi = tr.wilson_interval(15, 148)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.0624, 0.1605)
    lo, hi = tr.poisson_rate_interval(10, 1.0)  # Garwood exact limits for k = 10
    assert (round(float(lo), 3), round(float(hi), 2)) == (4.795, 18.39)
    lo, hi = tr.wilson_interval(np.array([1, 0]), np.array([0, 5]))
    assert np.isnan(lo[0]) and lo[1] == 0.0


def survey_frame() -> pd.DataFrame:
    rows = [
        (2018, "1", "developer_backend;product_manager", "product_management;software_engineering", 3.0),
        (2018, "2", "product_manager", "product_management", 0.0),
        (2018, "3", "product_manager", "product_management", None),
        (2018, "4", "developer_backend", "software_engineering", 10.0),
        (2018, "5", None, None, 2.0),
        (2025, "1", "product_manager", "product_management", None),
    ]
    df = pd.DataFrame(rows, columns=["year", "respondent_id", "job_types", "role_families",
                                     "years_code_pro_low"])
    df["years_code_pro_low"] = df["years_code_pro_low"].astype("Float64")
    return df


def test_survey_pm_coding_shares_by_hand():
    t = tr.survey_pm_coding_shares(survey_frame()).set_index("period")
    assert t.loc["2018", ["successes", "n", "excluded"]].tolist() == [1, 2, 1]
    assert t.loc["2018", "share"] == 0.5
    assert t.loc["2025", ["successes", "n", "excluded"]].tolist() == [0, 0, 1]
    assert pd.isna(t.loc["2025", "share"])


def test_survey_dual_role_shares_by_hand():
    t = tr.survey_dual_role_shares(survey_frame()).set_index("period")
    assert t.loc["2018", ["successes", "n", "excluded"]].tolist() == [1, 4, 1]
    lo, _ = tr.wilson_interval(1, 4)
    assert t.loc["2018", "ci_low"] == pytest.approx(lo)


def test_title_family_transitions_with_a_classifier():
    edges = pd.DataFrame({
        "from_title": ["software engineer", "software engineer", "developer", "product manager"],
        "to_title": ["product manager", "software engineer", "product owner", "developer"],
        "count": [3, 50, 2, 1], "source": ["title-graph"] * 4,
    })
    fam = {"software engineer": "software_engineering", "developer": "software_engineering",
           "product manager": "product_management", "product owner": "product_management"}
    out = tr.title_family_transitions(
        edges, lambda s: pd.DataFrame({"role_family": s.map(fam)}))
    got = {(r.from_family, r.to_family): r.count for r in out.itertuples()}
    assert got == {("software_engineering", "product_management"): 5,
                   ("product_management", "software_engineering"): 1}
    assert out.attrs["self_loop_count"] == 50
    both = tr.title_family_transitions(edges, lambda s: s.map(fam), include_self_loops=True)
    assert both.set_index(["from_family", "to_family"]).loc[
        ("software_engineering", "software_engineering"), "count"] == 50


def test_onet_related_transitions():
    related = pd.DataFrame({
        "O*NET-SOC Code": ["15-1252.00", "15-1252.00", "11-2021.00"],
        "Related O*NET-SOC Code": ["11-3021.00", "15-1299.09", "15-1252.00"],
        "Relatedness Tier": ["Primary-Short", "Supplemental", "Primary-Long"],
    })
    fams = {"15-1252": "software_engineering", "11-3021.00": "engineering_management",
            "11-2021.00": "product_management"}  # a bare SOC prefix matches its detailed codes
    out = tr.onet_related_transitions(related, fams)
    got = {(r.from_family, r.to_family): r.count for r in out.itertuples()}
    assert got == {("software_engineering", "engineering_management"): 1,
                   ("software_engineering", "other"): 1,
                   ("product_management", "software_engineering"): 1}
    snake = related.rename(columns={"O*NET-SOC Code": "soc_code",
                                    "Related O*NET-SOC Code": "related_soc_code",
                                    "Relatedness Tier": "relatedness_tier"})  # onet.py's names
    pd.testing.assert_frame_equal(tr.onet_related_transitions(snake, fams), out)
    short = tr.onet_related_transitions(related, fams, tiers=["Primary-Short"])
    assert short["count"].sum() == 1
    with pytest.raises(ValueError, match="related-code column"):
        tr.onet_related_transitions(pd.DataFrame({"a": [1]}), fams)


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_benchmark_accounting(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    from trendlab.sources import career_paths

    spells = career_paths.load().frame
    moves = tr.consecutive_moves(spells)
    per_source = spells.groupby("source").agg(n=("seq", "size"), p=("person_id", "nunique"))
    assert moves.groupby("source").size().to_dict() == (per_source["n"] - per_source["p"]).to_dict()
    head = tr.headline_cells(tr.transition_shares(tr.transition_table(moves)))
    kw = head[head["source"].str.endswith("karrierewege")]
    assert kw["count"].sum() == 0  # the Karrierewege cut has no product-manager occupation
    jobhop = spells[spells["source"].str.endswith("jobhop")]
    d = tr.prepare_dated_spells(jobhop, observation_end="2020Q4")
    kept = len(d.spells) + len(d.dropped_spells)
    assert kept == len(jobhop)  # every spell kept or listed with a reason


def test_format_estimate_for_shares_and_rates():
    assert tr.format_estimate(0.5, 0.15003, 0.84997) == "50.0% (95% CI 15.0%–85.0%)"
    assert tr.format_estimate(3 / 8, 0.0773, 1.0959, scale=1, unit=" per person-year",
                              digits=2) == "0.38 per person-year (95% CI 0.08–1.10)"
    assert tr.format_estimate(float("nan"), None, pd.NA) == "n/a% (95% CI n/a%–n/a%)"
    assert tr.format_estimate(0.25, 0.2, 0.3, level=90, digits=0) == "25% (90% CI 20%–30%)"


def test_observation_end_before_gap_by_hand():
    q = lambda xs: pd.Series(pd.PeriodIndex(xs, freq="Q"))  # noqa: E731
    # 2020Q3 -> 2022Q4: 8 empty quarters in between (2020Q4 .. 2022Q3) is a long gap
    assert tr.observation_end_before_gap(q(["2019Q1", "2020Q3", "2022Q4"])) == pd.Period("2020Q3", "Q")
    # 2020Q3 -> 2022Q3: only 7 empty quarters, so the last start is the end
    assert tr.observation_end_before_gap(q(["2019Q1", "2020Q3", "2022Q3"])) == pd.Period("2022Q3", "Q")
    assert tr.observation_end_before_gap(q(["2022Q3", "2020Q3", "2022Q3"]),
                                         min_gap_quarters=4) == pd.Period("2020Q3", "Q")
    assert tr.observation_end_before_gap(q([None, None])) is None
    with pytest.raises(ValueError, match="min_gap_quarters"):
        tr.observation_end_before_gap(q(["2020Q1"]), min_gap_quarters=0)
    # the toy history: starts run 1999Q1 .. 2003Q1 without a long gap
    assert tr.observation_end_before_gap(TOY["start"]) == pd.Period("2003Q1", "Q")


def test_onet_code_families_from_the_taxonomy_file(tmp_path):
    fams = tr.onet_code_families()
    assert fams["15-1252"] == "software_engineering"
    assert fams["15-1299.09"] == "project_program_management"
    assert fams["11-2021"] == "other"  # Marketing Managers: O*NET's home of product managers
    assert "product_management" not in set(fams)
    related = pd.DataFrame({"soc_code": ["15-1252.00", "15-1252.00", "15-1254.00"],
                            "related_soc_code": ["15-1299.09", "11-3021.00", "15-1252.00"]})
    got = tr.onet_related_transitions(related, fams)
    assert {(r.from_family, r.to_family): r.count for r in got.itertuples()} == {
        ("software_engineering", "project_program_management"): 1,
        ("software_engineering", "engineering_management"): 1,
        ("software_engineering", "software_engineering"): 1}
    bad = tmp_path / "ref.csv"
    bad.write_text("system,code,label,role_family,note\nonet,15-1252,,a,\nonet,15-1252,,b,\n")
    with pytest.raises(ValueError, match="15-1252"):
        tr.onet_code_families(bad)
    (tmp_path / "cols.csv").write_text("system,code\nonet,15-1252\n")
    with pytest.raises(ValueError, match="role_family"):
        tr.onet_code_families(tmp_path / "cols.csv")


def demand_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    roles = pd.DataFrame({
        "posting_id": ["1", "1", "2", "3", "4", "5", "6", "7"],
        "role_index": [0, 1, 0, 0, 0, 0, 0, 0],
        "month": ["2014-03", "2014-03", "2014-07", "2014-11", "2015-02", "2015-02", "2015-06", "2015-08"],
        "role_family": ["product_management", "software_engineering", "product_management",
                        "product_management", "product_management", "product_management",
                        "product_management", "product_management"],
    })
    flags = pd.DataFrame({
        "posting_id": ["1", "1", "2", "3", "4", "5", "6"],  # role 7/0 has no flags row
        "role_index": [0, 1, 0, 0, 0, 0, 0],
        "has_text": [True, True, True, True, True, False, True],
        "eng_background_required": [True, True, False, False, False, False, True],
        "eng_background_preferred": [False, False, True, False, False, False, False],
    })
    return roles, flags


def test_pm_engineering_background_shares_by_hand():
    roles, flags = demand_frames()
    before = roles.copy()
    t = tr.pm_engineering_background_shares(roles, flags)
    pd.testing.assert_frame_equal(roles, before)  # input untouched
    # 2014: PM roles 1/0 (required), 2/0 (preferred), 3/0 (neither); the engineer role 1/1
    # is not a PM role. 2015: 4/0 (neither), 5/0 (no text), 6/0 (required), 7/0 (no flags row)
    assert len(t) == 4
    by = t.set_index(["period", "measure"])
    req, both = "requires an engineering background", "requires or prefers an engineering background"
    assert by.loc[("2014", req), ["successes", "n", "excluded"]].tolist() == [1, 3, 0]
    assert by.loc[("2014", both), ["successes", "n", "excluded"]].tolist() == [2, 3, 0]
    assert by.loc[("2015", req), ["successes", "n", "excluded"]].tolist() == [1, 2, 2]
    assert by.loc[("2015", both), ["successes", "n", "excluded"]].tolist() == [1, 2, 2]
    lo, hi = tr.wilson_interval(2, 3)
    assert by.loc[("2014", both), "ci_low"] == pytest.approx(lo)
    assert by.loc[("2014", both), "ci_high"] == pytest.approx(hi)
    assert t.attrs["excluded_reasons"] == {"no_requirement_text": 1, "no_flags_row": 1}
    q = tr.pm_engineering_background_shares(roles, flags, freq="quarter")
    assert sorted(set(q["period"])) == ["2014Q1", "2014Q3", "2014Q4", "2015Q1", "2015Q2", "2015Q3"]


def test_pm_engineering_background_shares_bad_and_empty_input():
    roles, flags = demand_frames()
    with pytest.raises(KeyError, match="eng_background_required"):
        tr.pm_engineering_background_shares(roles, flags.drop(columns="eng_background_required"))
    with pytest.raises(ValueError, match="more than one row"):
        tr.pm_engineering_background_shares(roles, pd.concat([flags, flags.iloc[:1]]))
    no_pm = roles.assign(role_family="software_engineering")
    empty = tr.pm_engineering_background_shares(no_pm, flags)
    assert len(empty) == 0 and "ci_low" in empty
    assert empty.attrs["excluded_reasons"] == {"no_requirement_text": 0, "no_flags_row": 0}
    # without has_text every role with a flags row counts
    t = tr.pm_engineering_background_shares(roles, flags.drop(columns="has_text"))
    assert t.set_index(["period", "measure"]).loc[
        ("2015", "requires an engineering background"), "n"] == 3


def test_rate_trend_dispersion_floor():
    # nearly deterministic counts: Pearson chi2/df far below 1
    under = pd.DataFrame({"year": range(2000, 2006), "moves": [10, 9, 8, 7, 6, 5],
                          "person_years": [100.0] * 6})
    pois = tr.fit_rate_trend(under, overdispersion=None)
    quasi = tr.fit_rate_trend(under, overdispersion="X2")
    floor = tr.fit_rate_trend(under, overdispersion="X2_floor")
    mu = np.asarray(pois.result.fittedvalues)
    y = under["moves"].to_numpy()
    assert pois.dispersion == pytest.approx(((y - mu) ** 2 / mu).sum() / (len(y) - 2))
    assert pois.dispersion < 0.1
    assert quasi.ci_high - quasi.ci_low < pois.ci_high - pois.ci_low  # shrunk by the ratio
    assert (floor.ci_low, floor.ci_high) == pytest.approx((pois.ci_low, pois.ci_high))
    assert "not scaled" in floor.method
    # overdispersed counts: the floor changes nothing, both scale by the same ratio
    over = under.assign(moves=[2, 25, 1, 30, 0, 12])
    q2, f2 = tr.fit_rate_trend(over, overdispersion="X2"), tr.fit_rate_trend(over, overdispersion="X2_floor")
    assert f2.dispersion > 1 and (f2.ci_low, f2.ci_high) == pytest.approx((q2.ci_low, q2.ci_high))
    assert f"{f2.dispersion:.2f}" in f2.method
    with pytest.raises(ValueError, match="overdispersion"):
        tr.fit_rate_trend(under, overdispersion="robust")
