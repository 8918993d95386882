"""Convergence measures against hand-computed values, exact Wilson bounds and simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon as scipy_js

from trendlab.measure import convergence as cv
from trendlab.measure.shares import wilson_interval
from trendlab.schemas import SHARES
from trendlab.taxonomy import skill_taxonomy

FAMILIES = skill_taxonomy().families["family"].tolist()
PM, SWE, PE = "product_management", "software_engineering", "product_engineer"
JSD_HALF_VS_ONE = 1.5 - 0.75 * math.log2(3)  # P = (1/2, 1/2), Q = (1, 0), by hand: 0.311278


def make_flags(rows: list[tuple[str, int, bool, set[str], set[str]]]) -> pd.DataFrame:
    """Flags in the shape of ``skill_flags``: (posting, role, has_text, required, preferred)."""
    out = []
    for pid, ridx, has_text, req, pref in rows:
        rec = {"posting_id": pid, "role_index": ridx, "has_text": has_text}
        for f in FAMILIES:
            rec[f"{f}_required"] = f in req
            rec[f"{f}_preferred"] = f in pref and f not in req
        out.append(rec)
    return pd.DataFrame(out)


def make_roles(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    """(posting, role, month, family)."""
    return pd.DataFrame(rows, columns=["posting_id", "role_index", "month", "role_family"])


# ----------------------------------------------------------------------------- Jensen-Shannon
def test_jsd_identical_profiles_is_zero() -> None:
    assert cv.jensen_shannon([3, 1, 0], [6, 2, 0]) == pytest.approx(0.0, abs=1e-15)


def test_jsd_disjoint_profiles_is_one() -> None:
    assert cv.jensen_shannon([5, 0, 0], [0, 2, 7]) == pytest.approx(1.0)


def test_jsd_two_family_worked_example() -> None:
    # M = (3/4, 1/4); KL(P||M) = 1/2 log2(2/3) + 1/2 log2(2) = 0.207519;
    # KL(Q||M) = log2(4/3) = 0.415037; JSD = (0.207519 + 0.415037) / 2 = 0.311278
    assert cv.jensen_shannon([0.5, 0.5], [1.0, 0.0]) == pytest.approx(0.311278, abs=1e-6)
    assert cv.jensen_shannon([1, 1], [4, 0]) == pytest.approx(JSD_HALF_VS_ONE, abs=1e-12)
    assert cv.jensen_shannon([4, 0], [1, 1]) == pytest.approx(JSD_HALF_VS_ONE, abs=1e-12)  # symmetric


def test_jsd_matches_scipy_on_random_rows() -> None:
    rng = np.random.default_rng(1)
    p = rng.integers(0, 20, size=(50, 13)).astype(float)
    q = rng.integers(0, 20, size=(50, 13)).astype(float)
    got = cv.jensen_shannon(p, q)  # batched along rows
    want = np.array([scipy_js(a, b, base=2) ** 2 for a, b in zip(p, q, strict=True)])
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_jsd_undefined_and_bad_input() -> None:
    assert math.isnan(cv.jensen_shannon([0, 0], [1, 1]))
    with pytest.raises(ValueError, match="non-negative"):
        cv.jensen_shannon([-1, 2], [1, 1])
    with pytest.raises(ValueError, match="shapes differ"):
        cv.jensen_shannon([1, 2, 3], [1, 1])


# ----------------------------------------------------------------------------- periods
def test_assign_periods_years_and_windows() -> None:
    months = pd.Series(["2012-03", "2014-12", "2015-01", "2019-06", "2026-02"], index=[10, 11, 12, 13, 14])
    assert cv.assign_periods(months).tolist() == ["2012", "2014", "2015", "2019", "2026"]
    got = cv.assign_periods(months, cv.HN_WINDOWS)
    assert got.index.tolist() == [10, 11, 12, 13, 14]
    assert got.tolist() == ["2012-2014", "2012-2014", "2015-2018", pd.NA, "2026"]


def test_assign_periods_month_bounds() -> None:
    got = cv.assign_periods(["2025-06", "2025-07", "2026-01", "2026-02"], {"recent": ("2025-07", "2026-01")})
    assert got.tolist() == [pd.NA, "recent", "recent", pd.NA]


def test_assign_periods_errors() -> None:
    with pytest.raises(ValueError, match="overlap"):
        cv.assign_periods(["2014-01"], {"a": ("2012", "2014"), "b": ("2014", "2015")})
    with pytest.raises(ValueError, match="2014/01"):
        cv.assign_periods(["2014-01", "2014/01"])
    with pytest.raises(ValueError, match="ends"):
        cv.assign_periods(["2014-01"], {"a": ("2015", "2014")})
    with pytest.raises(ValueError, match="neither a year"):
        cv.assign_periods(["2014-01"], {"a": ("14", "2015")})


# ----------------------------------------------------------------------------- hybrid titles
def test_hybrid_title_shares_hand_counts() -> None:
    rows = (
        [("2015-03", PM, True)] * 3 + [("2015-03", PM, False)] * 7
        + [("2015-05", SWE, False)] * 18 + [("2015-05", PE, False)] * 2
        + [("2015-05", "design", False)] * 5 + [("2015-05", "engineering_management", False)] * 4
        + [("2026-01", PM, True)] * 2 + [("2026-01", SWE, False)] * 3
        + [("2026-02", PE, False)] * 1
    )
    roles = pd.DataFrame(rows, columns=["month", "role_family", "technical_pm"])
    t = cv.hybrid_title_shares(roles, source="toy", min_n=10)
    SHARES.validate(t)
    got = {(r.period, r.measure): (r.successes, r.n) for r in t.itertuples()}
    assert got == {
        ("2015", "technical PM title"): (3, 10),
        ("2015", "titled product engineer"): (2, 20),  # 18 SWE + 2 PE; designers, EMs not counted
        ("2026", "technical PM title"): (2, 2),
        ("2026", "titled product engineer"): (1, 4),
    }
    row = t[(t["period"] == "2015") & (t["measure"] == "technical PM title")].iloc[0]
    lo, hi = wilson_interval(3, 10)
    assert row["share"] == pytest.approx(0.3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo[0], hi[0]))
    # 3/10 by hand: (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    z = 1.959963984540054
    c = (0.3 + z * z / 20) / (1 + z * z / 10)
    h = z * math.sqrt(0.21 / 10 + z * z / 400) / (1 + z * z / 10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((c - h, c + h), abs=1e-12)
    assert t["source"].eq("toy").all()
    small = t.set_index(["period", "measure"])["small_cell"]
    assert bool(small[("2026", "technical PM title")]) and not bool(small[("2015", "titled product engineer")])


def test_hybrid_title_shares_windows_count_rows_outside() -> None:
    roles = pd.DataFrame({"month": ["2014-05", "2019-01", "2016-02"], "role_family": [PM, PM, PM],
                          "technical_pm": [True, False, False]})
    t = cv.hybrid_title_shares(roles, source="hn", windows=cv.HN_WINDOWS)
    pm = t[t["measure"] == "technical PM title"]
    assert pm[["period", "successes", "n"]].values.tolist() == [["2012-2014", 1, 1], ["2015-2018", 0, 1]]
    eng = t[t["measure"] == "titled product engineer"]
    assert eng["n"].tolist() == [0, 0] and eng["share"].isna().all()  # n = 0: no share, no interval
    assert t.attrs["outside_windows"] == 1 and t.attrs["rows_in"] == 3


def test_hybrid_title_shares_bad_input() -> None:
    with pytest.raises(KeyError, match="technical_pm"):
        cv.hybrid_title_shares(pd.DataFrame({"month": ["2015-01"], "role_family": [PM]}), source="x")
    roles = pd.DataFrame({"month": ["2015-01", "2015-01"], "role_family": [PM, SWE],
                          "technical_pm": [pd.NA, pd.NA]}, index=[7, 8])
    with pytest.raises(ValueError, match="technical_pm is missing for 1 .* index 7"):
        cv.hybrid_title_shares(roles, source="x")
    with pytest.raises(ValueError, match="role_family is missing"):
        cv.hybrid_title_shares(roles.assign(role_family=[None, SWE], technical_pm=False), source="x")
    ok = roles.assign(technical_pm=[False, pd.NA])  # the flag is only needed for PM roles
    assert len(cv.hybrid_title_shares(ok, source="x")) == 2


# ----------------------------------------------------------------------------- product skills
def product_fixture() -> tuple[pd.DataFrame, pd.DataFrame]:
    roles = make_roles([
        ("1", 0, "2015-01", SWE), ("2", 0, "2015-02", SWE), ("3", 0, "2015-03", PE),
        ("4", 0, "2015-04", SWE), ("5", 0, "2015-05", SWE), ("6", 0, "2015-06", SWE),
        ("7", 0, "2015-07", PM), ("8", 0, "2015-08", "design"), ("9", 0, "2026-01", SWE),
        ("10", 0, "2020-01", SWE),
    ])
    flags = make_flags([
        ("1", 0, True, {"coding", "metrics"}, set()),
        ("2", 0, True, {"roadmapping_prioritisation", "specs_prds"}, set()),
        ("3", 0, True, {"coding"}, {"experimentation"}),
        ("4", 0, True, {"coding"}, set()),
        ("5", 0, False, set(), set()),  # no own text
        # "6" has no flags row
        ("7", 0, True, {"metrics"}, set()),  # a PM: not in the engineering population
        ("8", 0, True, {"discovery_research"}, set()),
        ("9", 0, True, set(), {"metrics"}),
        ("10", 0, True, {"metrics"}, set()),  # outside every window
    ])
    return roles, flags


def test_product_skill_shares_hand_counts() -> None:
    roles, flags = product_fixture()
    t = cv.product_skill_shares(roles, flags, windows=cv.HN_WINDOWS)
    SHARES.validate(t)
    g = t.set_index(["period", "measure"])
    # 2015-2018: engineering roles 1..6; 5 has no text, 6 no flags row -> n = 4, excluded = 2
    assert g.loc[("2015-2018", "requires a product skill"), ["successes", "n", "excluded"]].tolist() == [2, 4, 2]
    assert g.loc[("2015-2018", "requires or prefers a product skill"), "successes"] == 3
    assert g.loc[("2015-2018", "requires: Metrics"), "successes"] == 1
    assert g.loc[("2015-2018", "requires: Experimentation"), "successes"] == 0  # preferred only
    assert g.loc[("2026", "requires a product skill"), ["successes", "n"]].tolist() == [0, 1]
    assert g.loc[("2026", "requires or prefers a product skill"), "successes"] == 1
    assert t.attrs["excluded_reasons"] == {"outside_windows": 1, "no_flags_row": 1, "no_requirement_text": 1}
    fam = t.dropna(subset=["skill_family"])
    assert sorted(fam["skill_family"].unique()) == sorted(skill_taxonomy().families_in("product"))
    lo, hi = wilson_interval(2, 4)
    assert g.loc[("2015-2018", "requires a product skill"), "ci_low"] == pytest.approx(lo[0])
    assert g.loc[("2015-2018", "requires a product skill"), "ci_high"] == pytest.approx(hi[0])


def test_product_skill_shares_other_population_and_group() -> None:
    roles, flags = product_fixture()
    t = cv.product_skill_shares(roles, flags, role_families=[PM], group="technical", by_family=False,
                                population="PM roles")
    assert t[["period", "measure", "successes", "n"]].values.tolist() == [
        ["2015", "requires a technical skill", 0, 1],
        ["2015", "requires or prefers a technical skill", 0, 1],
    ]


def test_product_skill_shares_tolerates_family_named_like_group() -> None:
    # skill_flags writes a family and a group of the same name (low_code) twice; same values
    roles, flags = product_fixture()
    doubled = pd.concat([flags, flags[["low_code_required"]]], axis=1)
    assert doubled.columns.duplicated().any()
    a = cv.product_skill_shares(roles, doubled)
    b = cv.product_skill_shares(roles, flags)
    pd.testing.assert_frame_equal(a, b)


def test_product_skill_shares_rejects_duplicate_roles() -> None:
    roles, flags = product_fixture()
    with pytest.raises(ValueError, match="more than one row for a role"):
        cv.product_skill_shares(roles, pd.concat([flags, flags.iloc[:1]]))
    with pytest.raises(KeyError, match="metrics_required"):
        cv.product_skill_shares(roles, flags.drop(columns="metrics_required"))


# ----------------------------------------------------------------------------- the index
def worked_example() -> tuple[pd.DataFrame, pd.DataFrame]:
    """PMs: 2 roles ask coding, 2 ask roadmapping; engineers: 3 ask coding -> JSD = 0.311278."""
    roles = make_roles([
        ("p1", 0, "2015-01", PM), ("p1", 1, "2015-01", PM), ("p2", 0, "2015-07", PM),
        ("p3", 0, "2016-01", PM), ("e1", 0, "2015-01", SWE), ("e1", 1, "2015-01", PE),
        ("e2", 0, "2017-01", SWE), ("e3", 0, "2017-01", SWE), ("e4", 0, "2017-01", SWE),
        ("d1", 0, "2016-01", "design"),
    ])
    flags = make_flags([
        ("p1", 0, True, {"coding"}, set()), ("p1", 1, True, {"roadmapping_prioritisation"}, set()),
        ("p2", 0, True, {"coding"}, {"metrics"}), ("p3", 0, True, {"roadmapping_prioritisation"}, set()),
        ("e1", 0, True, {"coding"}, set()), ("e1", 1, True, {"coding"}, set()),
        ("e2", 0, True, {"coding"}, set()), ("e3", 0, True, set(), set()),
        ("e4", 0, False, set(), set()), ("d1", 0, True, {"coding"}, set()),
    ])
    return roles, flags


def test_convergence_index_worked_example() -> None:
    roles, flags = worked_example()
    ix = cv.convergence_index(roles, flags, n_boot=200, n_perm=200)
    row = ix.table.iloc[0]
    assert row["period"] == "2015-2018"
    assert row["jsd"] == pytest.approx(JSD_HALF_VS_ONE, abs=1e-12)
    assert (row["pm_roles"], row["pm_posts"], row["pm_asks"]) == (4, 3, 4)
    # engineers: e1 (2 roles), e2, e3 (no ask, still a role); e4 has no text; the designer is neither
    assert (row["eng_roles"], row["eng_posts"], row["eng_asks"], row["excluded"]) == (4, 3, 3, 1)
    assert row["ci_low"] <= row["jsd"] <= row["ci_high"]
    assert row["excess"] == pytest.approx(row["jsd"] - row["noise_floor"])
    # mean date of the 8 roles used: 2015.0 x 4, 2015.5, 2016.0, 2017.0 x 2
    assert row["years"] == pytest.approx((4 * 2015 + 2015.5 + 2016 + 2 * 2017) / 8)
    prof = ix.profiles.set_index(["group", "skill_family"])
    assert prof.loc[(cv.PM_GROUP, "coding"), "profile_share"] == pytest.approx(0.5)
    assert prof.loc[(cv.ENG_GROUP, "coding"), ["roles_asking", "n_roles"]].tolist() == [3, 4]
    assert prof.loc[(cv.ENG_GROUP, "coding"), "share_of_roles"] == pytest.approx(0.75)
    assert prof.loc[(cv.ENG_GROUP, "metrics"), "profile_share"] == 0
    assert ix.excluded_reasons == {"outside_windows": 0, "no_flags_row": 0, "no_requirement_text": 1}
    assert ix.replicates.shape == (200, 1)


def test_convergence_index_preferred_changes_the_profile() -> None:
    roles, flags = worked_example()
    ix = cv.convergence_index(roles, flags, include_preferred=True, n_boot=10, n_perm=10)
    # PMs: coding 2, roadmapping 2, metrics 1 -> (2,2,1)/5 against (3,0,0)/3
    p, q = np.array([2, 2, 1]) / 5, np.array([1.0, 0, 0])
    m = (p + q) / 2
    by_hand = 0.5 * sum(pi * math.log2(pi / mi) for pi, mi in zip(p, m, strict=True) if pi > 0) + 0.5 * math.log2(1 / m[0])
    assert ix.table.loc[0, "jsd"] == pytest.approx(by_hand, abs=1e-12)


def test_convergence_index_identical_and_disjoint() -> None:
    roles = make_roles([("a", 0, "2015-01", PM), ("b", 0, "2015-01", SWE),
                        ("c", 0, "2026-01", PM), ("d", 0, "2026-01", SWE)])
    flags = make_flags([("a", 0, True, {"coding", "metrics"}, set()), ("b", 0, True, {"coding", "metrics"}, set()),
                        ("c", 0, True, {"metrics"}, set()), ("d", 0, True, {"coding"}, set())])
    t = cv.convergence_index(roles, flags, n_boot=20, n_perm=20).table.set_index("period")
    assert t.loc["2015-2018", "jsd"] == pytest.approx(0.0, abs=1e-15)
    assert t.loc["2026", "jsd"] == pytest.approx(1.0)


def test_convergence_index_undefined_without_asks() -> None:
    roles = make_roles([("a", 0, "2015-01", PM), ("b", 0, "2015-01", SWE)])
    flags = make_flags([("a", 0, True, set(), set()), ("b", 0, True, {"coding"}, set())])
    ix = cv.convergence_index(roles, flags, n_boot=5, n_perm=5)
    assert math.isnan(ix.table.loc[0, "jsd"]) and math.isnan(ix.table.loc[0, "ci_low"])
    assert ix.table.loc[0, "pm_roles"] == 1


def test_bootstrap_resamples_posts_not_roles() -> None:
    # One post per group: every replicate draws the same post, so the interval collapses to the
    # estimate. Resampling roles would scatter it.
    roles = make_roles([("p", i, "2015-01", PM) for i in range(4)] + [("e", i, "2015-01", SWE) for i in range(4)])
    flags = make_flags([("p", 0, True, {"coding"}, set()), ("p", 1, True, {"coding"}, set()),
                        ("p", 2, True, {"metrics"}, set()), ("p", 3, True, {"metrics"}, set()),
                        ("e", 0, True, {"coding"}, set()), ("e", 1, True, {"coding"}, set()),
                        ("e", 2, True, {"coding"}, set()), ("e", 3, True, {"coding"}, set())])
    ix = cv.convergence_index(roles, flags, n_boot=100, n_perm=10)
    assert ix.table.loc[0, "jsd"] == pytest.approx(JSD_HALF_VS_ONE)
    np.testing.assert_allclose(ix.replicates[:, 0], JSD_HALF_VS_ONE)
    assert ix.table.loc[0, "ci_low"] == pytest.approx(ix.table.loc[0, "ci_high"])


def test_convergence_index_is_seeded() -> None:
    roles, flags = simulated(np.array([0.6, 0.3, 0.1]), np.array([0.3, 0.3, 0.4]), 40, 40, seed=3)
    a = cv.convergence_index(roles, flags, windows=None, n_boot=100, n_perm=100, seed=11)
    b = cv.convergence_index(roles, flags, windows=None, n_boot=100, n_perm=100, seed=11)
    c = cv.convergence_index(roles, flags, windows=None, n_boot=100, n_perm=100, seed=12)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.table["ci_low"].equals(c.table["ci_low"])


def test_convergence_index_rejects_overlapping_groups() -> None:
    roles, flags = worked_example()
    with pytest.raises(ValueError, match="also product-management"):
        cv.convergence_index(roles, flags, engineering=[SWE, PM])


def simulated(p: np.ndarray, q: np.ndarray, k_pm: int, k_eng: int, seed: int,
              fams: tuple[str, ...] = ("coding", "metrics", "apis")) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One-role posts; each role asks exactly one family, drawn from p (PMs) or q (engineers)."""
    rng = np.random.default_rng(seed)
    roles, flags = [], []
    for grp, dist, k in ((PM, p, k_pm), (SWE, q, k_eng)):
        for i, f in enumerate(rng.choice(len(fams), size=k, p=dist)):
            pid = f"{grp[:3]}{i}"
            roles.append((pid, 0, "2016-01", grp))
            flags.append((pid, 0, True, {fams[f]}, set()))
    return make_roles(roles), make_flags(flags)


def test_noise_floor_removes_small_sample_bias_under_equal_profiles() -> None:
    # Same profile in both groups. Asymptotically 8 ln2 * JSD / (1/n1 + 1/n2) is chi-square with
    # F - 1 degrees of freedom, so E[JSD] = (F - 1)(1/n1 + 1/n2) / (8 ln 2): the plug-in index is
    # positive on average, the noise floor estimates that bias, the excess is about zero and the
    # permutation p-value is about uniform.
    dist = np.array([0.5, 0.3, 0.2])
    n1, n2 = 25, 200
    expected = (len(dist) - 1) * (1 / n1 + 1 / n2) / (8 * math.log(2))  # 0.01623
    jsd, floor, excess, pvals = [], [], [], []
    for s in range(100):
        roles, flags = simulated(dist, dist, n1, n2, seed=s)
        row = cv.convergence_index(roles, flags, windows=None, n_boot=5, n_perm=200, seed=s).table.iloc[0]
        jsd.append(row["jsd"])
        floor.append(row["noise_floor"])
        excess.append(row["excess"])
        pvals.append(row["p_value"])
    se = np.std(jsd) / math.sqrt(len(jsd))
    assert np.mean(jsd) == pytest.approx(expected, abs=3 * se)
    assert np.mean(jsd) > 3 * se  # the small-sample bias the floor is there for
    assert np.mean(floor) == pytest.approx(expected, rel=0.15)
    assert abs(np.mean(excess)) < 3 * np.std(excess) / math.sqrt(len(excess))
    assert 0.4 < np.mean(pvals) < 0.6
    assert np.mean(np.array(pvals) <= 0.05) < 0.12


def test_bootstrap_interval_covers_the_true_index() -> None:
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])
    truth = cv.jensen_shannon(p, q)
    cover = []
    for s in range(80):
        roles, flags = simulated(p, q, 300, 300, seed=100 + s)
        row = cv.convergence_index(roles, flags, windows=None, n_boot=300, n_perm=1, seed=s).table.iloc[0]
        cover.append(row["ci_low"] <= truth <= row["ci_high"])
    assert np.mean(cover) >= 0.85  # nominal 95%; 80 simulations


# ----------------------------------------------------------------------------- trend and change
def fake_index(jsd, floor, years, reps) -> cv.ConvergenceIndex:
    t = pd.DataFrame({"period": [str(int(y)) for y in years], "jsd": jsd, "noise_floor": floor, "years": years})
    return cv.ConvergenceIndex(t, pd.DataFrame(), np.asarray(reps, dtype=float), "", len(reps), 0, 0, {})


def test_convergence_trend_hand_slope() -> None:
    # points (2012, .30), (2014, .20), (2016, .16): slope = sum(dx dy) / sum(dx^2)
    # dx = -2, 0, 2; dy about the mean .22 = .08, -.02, -.06 -> (-0.16 - 0.12) / 8 = -0.035
    reps = [[0.30, 0.20, 0.16], [0.32, 0.20, 0.14], [0.28, 0.22, 0.18], [0.40, 0.10, 0.20]]
    ix = fake_index([0.30, 0.20, 0.16], [0.0, 0.0, 0.0], [2012.0, 2014.0, 2016.0], reps)
    r = cv.convergence_trend(ix)
    assert r.estimate == pytest.approx(-0.035)
    assert r.change == pytest.approx(-0.14) and (r.first, r.last) == ("2012", "2016")
    assert r.n_periods == 3
    # replicate slopes: -0.035, -0.045, -0.025, -0.05 -> all below 0, so p = 0
    assert r.p_value == 0.0
    assert r.ci_low == pytest.approx(np.quantile([-0.035, -0.045, -0.025, -0.05], 0.025))
    assert set(r.summary_frame()["quantity"]) == {"slope per year", "last minus first period"}


def test_convergence_trend_excess_subtracts_each_floor() -> None:
    # raw JSD flat, but the floor falls as samples grow: the excess rises by 0.1 over 2 years
    ix = fake_index([0.3, 0.3], [0.2, 0.1], [2014.0, 2016.0], [[0.3, 0.3], [0.35, 0.3]])
    assert cv.convergence_trend(ix, quantity="jsd").estimate == pytest.approx(0.0)
    assert cv.convergence_trend(ix).estimate == pytest.approx(0.05)
    with pytest.raises(ValueError, match="need at least 2"):
        cv.convergence_trend(fake_index([0.3, np.nan], [0.1, 0.1], [2014.0, 2016.0], [[0.3, np.nan]]))
    with pytest.raises(ValueError, match="quantity"):
        cv.convergence_trend(ix, quantity="raw")


def test_index_change_hand_values() -> None:
    ix = fake_index([0.4, 0.25], [0.1, 0.05], [2014.0, 2026.0], [[0.4, 0.3], [0.5, 0.2], [0.45, 0.25]])
    r = cv.index_change(ix, "2014", "2026")
    assert r.estimate == pytest.approx((0.25 - 0.05) - (0.4 - 0.1))
    diffs = [(0.3 - 0.05) - (0.4 - 0.1), (0.2 - 0.05) - (0.5 - 0.1), (0.25 - 0.05) - (0.45 - 0.1)]
    assert r.ci_low == pytest.approx(np.quantile(diffs, 0.025))
    assert cv.index_change(ix, "2014", "2026", quantity="jsd").estimate == pytest.approx(-0.15)
    with pytest.raises(KeyError, match="2020"):
        cv.index_change(ix, "2014", "2020")


# ----------------------------------------------------------------------------- low-code tools
def test_low_code_shares_by_tool() -> None:
    roles = pd.DataFrame({
        "posting_id": ["1", "2", "3", "4", "5", "6"], "role_index": [0, 0, 0, 0, 0, 0],
        "month": ["2026-01", "2026-02", "2026-03", "2026-03", "2015-01", "2026-04"],
        "role_family": [PM, PM, PM, PM, PM, SWE],
        "requirements_text": ["Zapier and Airtable", "Retool a plus", "no Zapier needed", " ", "Webflow", "Zapier"],
    })
    hits = pd.DataFrame({
        "posting_id": ["1", "1", "2", "3", "5", "6"], "role_index": [0] * 6,
        "skill_family": ["low_code"] * 6,
        "taxonomy_id": ["low_code.zapier", "low_code.airtable", "low_code.retool", "low_code.zapier",
                        "low_code.webflow", "low_code.zapier"],
        "status": ["required", "required", "preferred", "negated", "required", "required"],
    })
    t = cv.low_code_shares(roles, hits)
    SHARES.validate(t)
    g = t.set_index(["period", "tool"])
    # 2026: PM roles 1, 2, 3 have text (4 is blank: excluded); the engineer (6) is not a PM
    assert g.loc[("2026", "Zapier"), ["successes", "n", "excluded"]].tolist() == [1, 3, 1]  # negated not counted
    assert g.loc[("2026", "Retool"), "successes"] == 1
    assert g.loc[("2026", "any low-code tool"), "successes"] == 2
    assert g.loc[("2015", "Webflow"), ["successes", "n"]].tolist() == [1, 1]
    n_tools = len(skill_taxonomy().skills.query("family == 'low_code'"))
    assert (t["period"] == "2026").sum() == n_tools + 1  # every tool, zeros included
    zero = g.loc[("2026", "n8n")]
    assert zero["successes"] == 0 and zero["ci_high"] == pytest.approx(wilson_interval(0, 3)[1][0])
    strict = cv.low_code_shares(roles, hits, include_preferred=False).set_index(["period", "tool"])
    assert strict.loc[("2026", "Retool"), "successes"] == 0
    eng = cv.low_code_shares(roles, hits, role_families=[SWE], population="engineers").set_index(["period", "tool"])
    assert eng.loc[("2026", "Zapier"), ["successes", "n"]].tolist() == [1, 1]


def test_low_code_shares_unknown_term() -> None:
    roles = pd.DataFrame({"posting_id": ["1"], "role_index": [0], "month": ["2026-01"], "role_family": [PM],
                          "requirements_text": ["x"]})
    hits = pd.DataFrame({"posting_id": ["1"], "role_index": [0], "skill_family": ["low_code"],
                         "taxonomy_id": ["low_code.nonexistent"], "status": ["required"]})
    with pytest.raises(ValueError, match="low_code.nonexistent"):
        cv.low_code_shares(roles, hits)


# ----------------------------------------------------------------------------- context
def test_relative_index() -> None:
    m = pd.DataFrame({
        "month": ["2022-01", "2022-01", "2022-02", "2022-02", "2022-03"],
        "country": "US",
        "series": ["Software Development", "total postings"] * 2 + ["total postings"],
        "measure": "index_sa",
        "value": [150.0, 120.0, 80.0, 100.0, 90.0],
        "n_days": [31, 31, 28, 20, 31],
        "complete": [True, True, True, False, True],
    })
    r = cv.relative_index(m, series="Software Development", reference="total postings")
    assert r["month"].tolist() == ["2022-01", "2022-02"]  # March has no software value
    assert r["relative"].tolist() == pytest.approx([125.0, 80.0])
    assert r["complete"].tolist() == [True, False]
    with pytest.raises(ValueError, match="Nursing"):
        cv.relative_index(m, series="Nursing", reference="total postings")


# ----------------------------------------------------------------------------- with the tagger
def test_index_from_tagged_text() -> None:
    # invented posts through the real skill tagger: the PM asks for roadmapping, the engineer for
    # Python -> the profiles share no family and the index is 1
    from trendlab.clean.skills import skill_flags, tag_skills

    roles = pd.DataFrame({
        "posting_id": ["100", "101", "102"], "role_index": [0, 0, 0],
        "month": ["2016-03", "2016-03", "2016-04"],
        "role_family": [PM, SWE, SWE],
        "requirements_text": ["You will own the product roadmap.", "Strong Python required.", None],
    })
    hits = tag_skills(roles, progress=False)
    flags = skill_flags(hits, roles)
    ix = cv.convergence_index(roles, flags, n_boot=20, n_perm=20)
    row = ix.table.iloc[0]
    assert row["jsd"] == pytest.approx(1.0)
    assert (row["pm_roles"], row["eng_roles"], row["excluded"]) == (1, 1, 1)


# ----------------------------------------------------------------------------- report text
def test_format_p_and_share_phrase() -> None:
    assert [cv.format_p(p) for p in (0.5, 0.0312, 0.001, 0.000999, float("nan"))] == [
        "0.500", "0.031", "0.001", "< 0.001", "n/a"]
    lo, hi = wilson_interval(116, 2264)
    row = {"successes": 116, "n": 2264, "share": 116 / 2264, "ci_low": lo[0], "ci_high": hi[0]}
    assert cv.share_phrase(row) == f"5.1% (95% CI {100 * lo[0]:.1f}%–{100 * hi[0]:.1f}%), 116/2,264"
    assert cv.share_phrase({"successes": 0, "n": 0, "share": pd.NA, "ci_low": pd.NA, "ci_high": pd.NA}) == "n/a, 0/0"
