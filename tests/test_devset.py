"""The hand-labelled development set: file integrity, the seeded sampler, and the real corpus."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from trendlab.evaluation import sample as smp

MIRROR = os.environ.get("TRENDLAB_MIRROR")
HERE = Path(smp.__file__).parent
DEVSET = HERE / "devset.csv"
GUIDE = HERE / "LABELLING.md"

COLUMNS = [
    "posting_id",
    "month",
    "is_pm_role",
    "pm_requires_technical",
    "pm_prefers_technical",
    "pm_requires_eng_background",
    "pm_requirements_stated",
    "pm_titles",
    "stratum",
    "note",
]
PM_LABELS = COLUMNS[3:7]

#: Sizes that leave out the blind strata (drawn last), for draws that test the earlier ones.
NO_BLIND = dict(
    n_blind=0, n_blind_header_extra=0, n_blind2_requirements=0, n_blind2=0, n_blind2_extra=0,
    n_blind3_requirements=0, n_blind3=0, n_blind4_requirements=0, n_blind4=0,
    n_blind4_extra=0,
)


@pytest.fixture(scope="module")
def devset() -> pd.DataFrame:
    # read everything as text so that an empty cell stays distinguishable from "0"
    return pd.read_csv(DEVSET, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- file integrity


def test_columns_exactly(devset):
    assert list(devset.columns) == COLUMNS


def test_ids_unique_and_months_valid(devset):
    assert devset["posting_id"].is_unique
    assert devset["posting_id"].str.len().gt(0).all()
    bad = devset.loc[~devset["month"].str.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])"), "month"]
    assert bad.empty, f"months not YYYY-MM: {bad.tolist()[:5]}"


def test_size_positives_and_years(devset):
    assert len(devset) >= 200
    assert devset["is_pm_role"].eq("1").sum() >= 100
    years = set(devset["month"].str[:4].astype(int))
    assert set(smp.YEARS) <= years


def test_is_pm_role_is_binary(devset):
    assert set(devset["is_pm_role"]) == {"0", "1"}


def test_pm_labels_binary_for_pm_and_empty_otherwise(devset):
    pm = devset["is_pm_role"].eq("1")
    for col in PM_LABELS:
        assert devset.loc[pm, col].isin(["0", "1"]).all(), f"{col}: PM rows need 0/1"
        assert devset.loc[~pm, col].eq("").all(), f"{col}: must be empty when is_pm_role=0"
    assert devset.loc[pm, "pm_titles"].str.strip().ne("").all(), "every PM row names its title(s)"
    assert devset.loc[~pm, "pm_titles"].eq("").all()


def test_engineering_background_implies_technical(devset):
    # an engineering background is one of the technical requirements, never separate from them
    eng = devset["pm_requires_eng_background"].eq("1")
    assert eng.any()
    assert devset.loc[eng, "pm_requires_technical"].eq("1").all()


def test_every_label_has_both_values(devset):
    # a column that is all one value measures nothing
    pm = devset[devset["is_pm_role"].eq("1")]
    for col in PM_LABELS:
        assert set(pm[col]) == {"0", "1"}, col


def test_strata_and_sizes_match_the_sampler(devset):
    assert set(devset["stratum"]) == set(smp.STRATA)
    later = (smp.FRESH_STRATA, smp.BLIND_STRATA, smp.BLIND2_STRATA, smp.BLIND3_STRATA, smp.BLIND4_STRATA)
    assert all(set(s) < set(smp.STRATA) for s in later)
    # drawn last, in that order: fresh, blind, blind2, blind3, blind4
    assert list(smp.STRATA[-sum(map(len, later)) :]) == [x for s in later for x in s]
    fresh_end = len(smp.STRATA) - sum(map(len, later[1:]))
    assert list(smp.STRATA[fresh_end - len(smp.FRESH_STRATA) : fresh_end]) == list(smp.FRESH_STRATA)
    per_year = devset.groupby([devset["month"].str[:4], "stratum"]).size().unstack()
    assert (per_year["random"] == smp.N_RANDOM).all()
    assert (per_year["pm-candidate"] == smp.N_CANDIDATES).all()
    assert (per_year["hard-negative"] == smp.N_HARD).all()


def test_no_post_text_stored(devset):
    # titles are short as written; notes are short reasons, not excerpts
    titles = devset["pm_titles"].str.split(";").explode()
    titles = titles[titles.ne("")]
    assert titles.str.len().le(80).all(), titles[titles.str.len() > 80].tolist()
    assert devset["note"].str.len().le(160).all()
    assert not devset["note"].str.contains(r"https?://|@|\n").any()


def test_guide_documents_every_column():
    guide = GUIDE.read_text(encoding="utf-8")
    for col in COLUMNS:
        assert f"`{col}`" in guide, col


# --------------------------------------------------------------------------- the sampler


def _posts() -> pd.DataFrame:
    """Invented posts: four years, PM mentions, near misses and plain engineering posts."""
    rows = []
    texts = {
        "pm": [
            "Quillfern | Product Manager | Lisbon",
            "Harbor Gull | Senior PM, payments | remote",
            "Tansy Labs | Head of Product",
            "Orrery Co | Product Owner / Scrum",
            "Bexley Mills | VP, Product",
        ],
        "hard": [
            "Quillfern | Project Manager",
            "Harbor Gull | Product Designer",
            "Tansy Labs | we ship our product weekly",
            "Orrery Co | Product Engineer",
        ],
        "plain": [
            "Quillfern | Backend engineer | standup at 9am, demo at 5 pm",
            "Harbor Gull | iOS developer",
            "Tansy Labs | SRE",
            "Orrery Co | Data engineer",
            "Bexley Mills | QA",
            "Cobalt Wren | Frontend",
        ],
    }
    for year in (2012, 2013, 2017, 2026):
        for kind, items in texts.items():
            for i, t in enumerate(items):
                rows.append(
                    {"posting_id": f"{year}-{kind}-{i}", "month": f"{year}-0{1 + i % 9}", "text": t}
                )
    return pd.DataFrame(rows)


def test_patterns_on_invented_text():
    assert smp.PM_PATTERN.search("we hire a Product Manager")
    assert smp.PM_PATTERN.search("two PMs and a designer")
    assert smp.PM_PATTERN.search("Chief Product Officer")
    assert smp.PM_PATTERN.search("VP of Product")
    assert not smp.PM_PATTERN.search("standup at 9am, demo at 5 pm")
    assert not smp.PM_PATTERN.search("Project Manager")
    assert smp.HARD_PATTERN.search("Program Manager")
    assert smp.HARD_PATTERN.search("our product team")
    assert not smp.HARD_PATTERN.search("Backend engineer")


def test_strata_sizes_and_membership():
    posts = _posts()
    got = smp.draw_sample(posts, n_random=2, n_candidates=3, n_hard=2, seed=7)
    assert got["posting_id"].is_unique
    sizes = got.groupby([got["month"].str[:4], "stratum"]).size().unstack()
    assert (sizes["random"] == 2).all() and (sizes["pm-candidate"] == 3).all()
    assert (sizes["hard-negative"] == 2).all()
    text = posts.set_index("posting_id")["text"]
    cand = got.loc[got["stratum"] == "pm-candidate", "posting_id"].map(text)
    assert cand.map(lambda t: bool(smp.PM_PATTERN.search(t))).all()
    hard = got.loc[got["stratum"] == "hard-negative", "posting_id"].map(text)
    assert hard.map(
        lambda t: bool(smp.HARD_PATTERN.search(t)) and not smp.PM_PATTERN.search(t)
    ).all()


def test_small_pools_give_all_they_have():
    posts = _posts()
    got = smp.draw_sample(posts, n_random=0, n_candidates=50, n_hard=50)
    # 5 PM posts and 4 near misses per year, all taken, none twice
    assert got.groupby("stratum").size().to_dict() == {"hard-negative": 16, "pm-candidate": 20}


def test_deterministic_and_independent_of_row_order():
    posts = _posts()
    a = smp.draw_sample(posts, n_random=3, n_candidates=2, n_hard=1, seed=11)
    b = smp.draw_sample(
        posts.sample(frac=1, random_state=3), n_random=3, n_candidates=2, n_hard=1, seed=11
    )
    pd.testing.assert_frame_equal(a, b)
    c = smp.draw_sample(posts, n_random=3, n_candidates=2, n_hard=1, seed=12)
    assert set(a["posting_id"]) != set(c["posting_id"])


def test_raising_n_only_appends():
    posts = _posts()
    # the fresh strata draw from the candidate pool, which a larger candidate stratum shrinks
    small = smp.draw_sample(posts, n_random=2, n_candidates=1, n_hard=1, n_fresh=0, **NO_BLIND, seed=5)
    big = smp.draw_sample(posts, n_random=2, n_candidates=3, n_hard=1, n_fresh=0, **NO_BLIND, seed=5)
    merged = small.merge(big, on="posting_id", how="left", suffixes=("", "_big"))
    assert merged["stratum_big"].notna().all()
    assert (merged["stratum"] == merged["stratum_big"]).all()


def test_does_not_mutate_input():
    posts = _posts()
    before = posts.copy()
    smp.draw_sample(posts)
    pd.testing.assert_frame_equal(posts, before)


def test_years_argument_restricts_the_draw():
    got = smp.draw_sample(_posts(), years=(2013,), n_random=1, n_candidates=1, n_hard=1, n_fresh=1, **NO_BLIND)
    assert set(got["month"].str[:4]) == {"2013"} and len(got) == 4


def test_blind_labels_were_read_before_the_labeller_changed(devset):
    # the blind strata hold PM posts with and without a technical ask, so the split measures both
    blind = devset[devset["stratum"].isin(smp.BLIND_STRATA)]
    assert set(blind["stratum"]) == set(smp.BLIND_STRATA)
    pm = blind[blind["is_pm_role"].eq("1")]
    assert len(pm) >= 80 and pm["pm_requirements_stated"].eq("1").sum() >= 30
    assert pm["pm_requires_technical"].eq("1").sum() >= 10
    assert blind["is_pm_role"].eq("0").sum() >= 30  # near misses measure precision of is_pm_role


def test_fresh_strata_come_after_the_first_and_never_change_them():
    posts = _posts()
    without = smp.draw_sample(posts, n_random=2, n_candidates=2, n_hard=1, n_fresh=0, **NO_BLIND, seed=3)
    got = smp.draw_sample(posts, n_random=2, n_candidates=2, n_hard=1, n_fresh=2, **NO_BLIND, seed=3)
    fresh = got[got["stratum"].isin(smp.FRESH_STRATA)]
    assert len(fresh) == 8 and set(fresh["stratum"]) == {"pm-fresh"}  # 2 per year, 4 years
    # the earlier strata are the same posts, and a fresh post is never one of them
    pd.testing.assert_frame_equal(got[~got["stratum"].isin(smp.FRESH_STRATA)].reset_index(drop=True), without)
    assert not set(fresh["posting_id"]) & set(without["posting_id"])
    text = posts.set_index("posting_id")["text"]
    assert fresh["posting_id"].map(text).map(lambda t: bool(smp.PM_PATTERN.search(t))).all()


def test_blind_strata_come_last_and_never_change_the_others():
    posts = _posts()
    kw = dict(n_random=1, n_candidates=1, n_hard=1, n_fresh=1, seed=4)
    without = smp.draw_sample(posts, **kw, **NO_BLIND)
    got = smp.draw_sample(posts, **kw, **(NO_BLIND | {"n_blind": 1}))
    blind = got[got["stratum"].isin(smp.BLIND_STRATA)]
    # one PM post per year is left after the earlier strata: pm-blind takes it; no requirement words
    assert len(blind) == 4 and set(blind["stratum"]) == {"pm-blind"}
    pd.testing.assert_frame_equal(got[~got["stratum"].isin(smp.BLIND_STRATA)].reset_index(drop=True), without)
    assert not set(blind["posting_id"]) & set(without["posting_id"])


@pytest.mark.parametrize(
    ("strata", "before", "added", "min_pm", "min_technical"),
    [
        # blind2 after blind; blind3 after blind2; blind4 after blind3
        (smp.BLIND2_STRATA, {"n_blind": 1}, {"n_blind2": 1, "n_blind2_extra": 1}, 100, 15),
        (smp.BLIND3_STRATA, {"n_blind": 1, "n_blind2": 1, "n_blind2_extra": 1},
         {"n_blind3_requirements": 1, "n_blind3": 1}, 200, 40),
        (smp.BLIND4_STRATA, {"n_blind": 1, "n_blind2": 1, "n_blind3_requirements": 1, "n_blind3": 1},
         {"n_blind4": 1, "n_blind4_extra": 1}, 400, 70),
    ],
    ids=["blind2", "blind3", "blind4"],
)
def test_later_blind_strata_are_drawn_last_and_never_change_the_earlier_ones(
    devset, strata, before, added, min_pm, min_technical
):
    posts = _posts()
    kw = dict(n_random=1, n_candidates=1, n_hard=1, n_fresh=1, seed=4)
    without = smp.draw_sample(posts, **kw, **(NO_BLIND | before))
    got = smp.draw_sample(posts, **kw, **(NO_BLIND | before | added))
    pd.testing.assert_frame_equal(got[~got["stratum"].isin(strata)].reset_index(drop=True), without)
    assert not set(got.loc[got["stratum"].isin(strata), "posting_id"]) & set(without["posting_id"])
    # the committed labels of these strata hold enough technical asks to measure the labeller's sensitivity
    drawn = devset[devset["stratum"].isin(strata)]
    pm = drawn[drawn["is_pm_role"].eq("1")]
    assert set(drawn["stratum"]) == set(strata) and len(pm) >= min_pm
    assert pm["pm_requires_technical"].eq("1").sum() >= min_technical


def test_blind_header_extra_draws_header_posts_after_the_other_blind_strata():
    posts = pd.DataFrame({
        "posting_id": [f"p{i}" for i in range(6)],
        "month": ["2016-03"] * 6,
        "text": [f"Firm{i} | Product Manager | Oslo\nYou have 3 years of experience with roadmaps" for i in range(6)],
    })
    none = dict(n_random=0, n_candidates=0, n_hard=0, n_requirements=0, n_header=0, n_title_line=0,
                n_fresh=0, n_fresh_requirements=0, n_fresh_header=0, n_fresh_title_line=0)
    got = smp.draw_sample(posts, **none, **(NO_BLIND | {"n_blind": 1, "n_blind_header_extra": 2}))
    # pm-blind, -requirements and -header take one each; title-line finds no later PM line
    assert got.groupby("stratum").size().to_dict() == {
        "pm-blind": 1, "pm-blind-header": 1, "pm-blind-header-extra": 2, "pm-blind-requirements": 1,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns="text"), "missing column"),
        (lambda p: pd.concat([p, p.head(1)]), "repeated"),
        (lambda p: p.assign(month=p["month"].where(p.index != 4, "March 2014")), "YYYY-MM"),
    ],
)
def test_bad_input_is_named(change, message):
    with pytest.raises(ValueError, match=message):
        smp.draw_sample(change(_posts()))


# --------------------------------------------------------------------------- the real corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    import trendlab

    mp = pytest.MonkeyPatch()
    mp.setenv("TRENDLAB_MIRROR", MIRROR or "")
    mp.setenv("TRENDLAB_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    try:
        return trendlab.load("postings")
    finally:
        mp.undo()


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_every_id_is_in_the_corpus(devset, corpus):
    months = corpus.set_index(corpus["posting_id"].astype(str))["month"].astype(str)
    missing = devset.loc[~devset["posting_id"].isin(months.index), "posting_id"]
    assert missing.empty, f"ids not in postings: {missing.tolist()[:5]}"
    assert (months.loc[devset["posting_id"]].to_numpy() == devset["month"].to_numpy()).all()


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_sampler_reproduces_the_committed_set(devset, corpus):
    drawn = smp.draw_sample(corpus)
    assert drawn["posting_id"].tolist() == devset["posting_id"].tolist()
    assert drawn["stratum"].tolist() == devset["stratum"].tolist()
    text = corpus.set_index(corpus["posting_id"].astype(str))["text"].fillna("")
    # the labels agree with how the posts were found: a PM title is always a PM mention
    pos = devset.loc[devset["is_pm_role"].eq("1"), "posting_id"].map(text)
    assert pos.map(lambda t: bool(re.search(r"(?i)product|\bPMs?\b|\bCPO\b", t))).all()
