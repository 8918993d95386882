"""Measuring the labeller: halves, confusion counts, rates, the rates file and the real development set."""

from __future__ import annotations

import math
import os

import pandas as pd
import pytest
from typer.testing import CliRunner

from trendlab.evaluation import evaluate as ev
from trendlab.measure.pm import read_rates

MIRROR = os.environ.get("TRENDLAB_MIRROR")
COLUMNS = [
    "posting_id", "month", "is_pm_role", "pm_requires_technical", "pm_prefers_technical",
    "pm_requires_eng_background", "pm_requirements_stated", "pm_titles", "stratum", "note",
]


def test_halves_are_fixed_by_the_id_and_balanced():
    ids = [str(3_000_000 + 7919 * k) for k in range(2000)]
    halves = [ev.half_of(i) for i in ids]
    assert halves == [ev.half_of(i) for i in ids]  # deterministic
    share = halves.count("tuning") / len(halves)
    assert 0.46 < share < 0.54  # a fair coin over 2000 ids: 4 standard errors is 0.045
    assert ev.half_of(12345) == ev.half_of("12345")


def test_confusion_and_rates_by_hand():
    truth = pd.Series([1, 1, 1, 0, 0, 0, 0])
    pred = pd.Series([1, 0, pd.NA, 1, 0, 0, 0], dtype="Int8")  # a missing answer counts as 0
    assert ev.confusion(truth, pred) == (1, 2, 3, 1)
    r = ev.rates_of(1, 2, 3, 1)
    assert r["sensitivity"] == r["recall"] == pytest.approx(1 / 3)
    assert r["specificity"] == pytest.approx(3 / 4)
    assert r["precision"] == pytest.approx(1 / 2)
    assert r["f1"] == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))  # = 0.4
    empty = ev.rates_of(0, 0, 5, 0)
    assert math.isnan(empty["precision"]) and math.isnan(empty["sensitivity"]) and empty["specificity"] == 1.0


def _labelled() -> pd.DataFrame:
    """Hand labels and answers for six posts, three in each half (checked with half_of)."""
    ids = []
    k = 0
    while len([i for i in ids if ev.half_of(i) == "tuning"]) < 3 or len(ids) < 6:
        pid = f"p{k}"
        k += 1
        want = "tuning" if len([i for i in ids if ev.half_of(i) == "tuning"]) < 3 else "held_out"
        if ev.half_of(pid) == want:
            ids.append(pid)
    # truth: posts 0-3 hire a PM; 0 and 2 ask for a technical skill
    return pd.DataFrame(
        {
            "posting_id": ids,
            "is_pm_role": ["1", "1", "1", "1", "0", "0"],
            "pm_requires_technical": ["1", "0", "1", "0", "", ""],
            "pred_is_pm_role": [1, 1, 0, 1, 1, 0],
            "pred_pm_requires_technical": pd.array([1, 1, pd.NA, 0, 0, pd.NA], dtype="Int8"),
        }
    )


def test_score_counts_pm_measures_over_labelled_pm_posts():
    lab = _labelled()
    t = ev.score(lab, ("is_pm_role", "pm_requires_technical")).set_index(["measure", "split"])
    # is_pm_role over all 6: tp 3 (0,1,3), fn 1 (2), fp 1 (4), tn 1 (5)
    assert t.loc[("is_pm_role", "all"), ["n", "tp", "fn", "tn", "fp"]].tolist() == [6, 3, 1, 1, 1]
    # technical over the 4 PM posts; the missed PM (2) counts as predicted 0; post 4 (not PM) is out
    assert t.loc[("pm_requires_technical", "all"), ["n", "tp", "fn", "tn", "fp"]].tolist() == [4, 1, 1, 1, 1]
    # the halves add up to the whole
    for m in ("is_pm_role", "pm_requires_technical"):
        halves = t.loc[[(m, "tuning"), (m, "held_out")], ["n", "tp", "fn", "tn", "fp"]].sum()
        assert halves.tolist() == t.loc[(m, "all"), ["n", "tp", "fn", "tn", "fp"]].tolist()
    assert t.loc[("is_pm_role", "tuning"), "n"] == 3


def test_blind_strata_are_their_own_split_after_fresh():
    lab = _labelled().assign(stratum=["pm-blind", "pm-fresh", "random", "pm-blind-header-extra", "random", "random"])
    assert ev.split_of("p0", "pm-blind-title-line") == "blind" and ev.split_of("p0", "pm-blind2") == "blind2"
    t = ev.score(lab, ("is_pm_role",)).set_index("split")
    assert t.index.tolist() == ["tuning", "held_out", "fresh", "blind", "all"]
    assert t.loc["blind", "n"] == 2 and t.loc["fresh", "n"] == 1
    assert t.loc[["tuning", "held_out", "fresh", "blind"], "n"].sum() == t.loc["all", "n"] == 6
    assert any("on the blind split" in line for line in ev.check_targets(t.reset_index(), {"is_pm_role": 1.01}))


def test_fresh_strata_are_their_own_split():
    lab = _labelled().assign(stratum=["random", "pm-fresh", "random", "pm-fresh-header", "random", "random"])
    assert ev.split_of("p0", "pm-fresh-title-line") == "fresh" and ev.split_of("p0", "random") == ev.half_of("p0")
    t = ev.score(lab, ("is_pm_role",)).set_index("split")
    assert t.index.tolist() == ["tuning", "held_out", "fresh", "all"]
    assert t.loc["fresh", "n"] == 2  # posts 1 and 3, whatever their halves
    assert t.loc[["tuning", "held_out", "fresh"], "n"].sum() == t.loc["all", "n"] == 6
    # truth 1, 1 and predictions 1, 1: both fresh posts found
    assert t.loc["fresh", ["tp", "fn", "tn", "fp"]].tolist() == [2, 0, 0, 0]
    # the targets are checked on the fresh posts too
    short = ev.check_targets(ev.score(lab, ("is_pm_role", "pm_requires_technical")), {"pm_requires_technical": 0.9})
    assert any("on the fresh split" in line for line in short)


def test_rates_file_is_what_the_measures_read(tmp_path):
    lab = _labelled()
    e = ev.Evaluation(ev.score(lab, ("is_pm_role", "pm_requires_technical")), lab, "ab" * 32, "9.9.9")
    path = ev.write_rates(e, tmp_path / "rates.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert raw.columns.tolist() == ev.RATE_COLUMNS
    assert set(raw["split"]) == {"tuning", "held_out", "all"}
    assert raw["devset_sha256"].eq("ab" * 32).all() and raw["taxonomy_version"].eq("9.9.9").all()
    rates = read_rates(path).set_index("measure")  # the Rogan-Gladen correction reads the "all" rows
    assert rates.loc["pm_requires_technical", ["tp", "fn", "tn", "fp"]].tolist() == [1, 1, 1, 1]
    assert rates.loc["is_pm_role", "sensitivity"] == pytest.approx(3 / 4)


def test_evaluate_end_to_end_on_invented_posts(tmp_path):
    posts = pd.DataFrame(
        {
            "posting_id": ["11", "12", "13", "14"],
            "text": [
                "Quillfern | Product Manager | Lisbon\nYou write SQL every day.",
                "Harbor Gull | Product Manager | Remote\nYou will talk to customers.",
                "Tansy Labs | Backend Engineer | Berlin\nYou'll work with our product managers.",
                "Orrery Co | Technical Product Manager | NYC",
            ],
        }
    )
    dev = pd.DataFrame(
        [
            ["11", "2016-01", "1", "1", "0", "0", "1", "Product Manager", "random", ""],
            ["12", "2016-01", "1", "0", "0", "0", "1", "Product Manager", "random", ""],
            ["13", "2016-01", "0", "", "", "", "", "", "random", ""],
            ["14", "2016-01", "1", "1", "0", "0", "0", "Technical Product Manager", "random", ""],
        ],
        columns=COLUMNS,
    )
    path = tmp_path / "devset.csv"
    dev.to_csv(path, index=False)
    e = ev.evaluate(posts, devset_path=path)
    whole = e.table[e.table["split"] == "all"].set_index("measure")
    assert whole.loc["is_pm_role", ["tp", "fn", "tn", "fp"]].tolist() == [3, 0, 1, 0]
    assert whole.loc["pm_requires_technical", ["tp", "fn", "tn", "fp"]].tolist() == [2, 0, 1, 0]
    assert whole.loc["pm_requires_technical", "f1"] == 1.0
    assert e.misses("pm_requires_technical", "all").empty
    assert ev.check_targets(e.table) == []
    assert "is_pm_role" in ev.format_table(e.table)
    with pytest.raises(ValueError, match=r"1 development post\(s\) are not in the postings table, e.g. \['14'\]"):
        ev.evaluate(posts[posts["posting_id"] != "14"], devset_path=path)


def test_check_targets_names_the_measure_below_target():
    t = pd.DataFrame(
        {"measure": ["is_pm_role", "pm_requires_technical"], "split": ["all", "all"], "f1": [0.97, 0.85]}
    )
    assert ev.check_targets(t) == ["pm_requires_technical: F1 0.850 below the target 0.90"]


def test_committed_rates_were_measured_on_the_committed_devset():
    raw = pd.read_csv(ev.RATES, dtype=str, keep_default_na=False)
    assert raw["devset_sha256"].eq(ev.devset_sha256()).all(), "re-run `trendlab evaluate` after changing devset.csv"
    assert set(raw["measure"]) >= set(ev.MEASURES)
    dev = ev.read_devset()
    # the correction reads the blind rows; the whole-set rows cover every post
    rates = read_rates().set_index("measure")
    assert rates.attrs["split"] == ev.CORRECTION_SPLIT == "blind4"
    blind = ev.splits_of(dev).eq("blind4")
    assert rates.loc["is_pm_role", "sens_n"] + rates.loc["is_pm_role", "spec_n"] == int(blind.sum()) > 100
    whole = read_rates(split="all").set_index("measure")
    assert whole.loc["is_pm_role", "sens_n"] + whole.loc["is_pm_role", "spec_n"] == len(dev)


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_real_devset_scores_match_the_committed_rates(monkeypatch):
    from trendlab.cli import app

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    res = CliRunner().invoke(app, ["evaluate", "--no-write"])
    assert res.exit_code == 0, res.output
    assert "held_out" in res.output, res.output
    # the labeller gives the counts committed in rates.csv (re-run `trendlab evaluate` after a change)
    committed = pd.read_csv(ev.RATES, dtype=str, keep_default_na=False)
    for r in committed[committed["split"] == "all"].itertuples():
        row = f"{r.measure:<27} {'all':<9} {int(r.n):>4} {int(r.tp):>4} {int(r.fn):>4} {int(r.tn):>4} {int(r.fp):>4}"
        assert row in res.output, (row, res.output)
    assert "is_pm_role: F1" not in res.output  # PM-role detection meets its target


def test_f1_interval_covers_the_true_f1_at_about_the_stated_rate():
    # a labeller with known sensitivity and specificity on posts of known prevalence: its true F1
    # follows from them; intervals from many simulated development sets should cover it ~95% of the time
    import numpy as np

    prevalence, sens, spec, n = 0.15, 0.85, 0.97, 300
    p_tp, p_fn = prevalence * sens, prevalence * (1 - sens)
    p_tn, p_fp = (1 - prevalence) * spec, (1 - prevalence) * (1 - spec)
    true_f1 = 2 * p_tp / (2 * p_tp + p_fn + p_fp)
    rng = np.random.default_rng(1)
    covered = widths = 0.0
    reps = 300
    for cells in rng.multinomial(n, [p_tp, p_fn, p_tn, p_fp], size=reps):
        low, high = ev.f1_interval(*map(int, cells), draws=2000)
        covered += low <= true_f1 <= high
        widths += high - low
    assert 0.90 <= covered / reps <= 0.99
    # with 45 expected positives the interval is wide (about +-0.1), narrower with ten times the posts
    assert 0.15 < widths / reps < 0.35
    assert np.diff(ev.f1_interval(10 * 38, 10 * 7, 10 * 247, 10 * 8)) < 0.5 * np.diff(ev.f1_interval(38, 7, 247, 8))


def test_f1_interval_edges_and_determinism():
    assert ev.f1_interval(20, 0, 100, 0) == (1.0, 1.0)  # a perfect labeller resamples to a perfect one
    assert all(math.isnan(x) for x in ev.f1_interval(0, 0, 30, 0))  # F1 undefined
    assert ev.f1_interval(0, 5, 30, 5) == (0.0, 0.0)  # no true positive in any resample
    assert ev.f1_interval(17, 3, 111, 3) == ev.f1_interval(17, 3, 111, 3)  # seeded
    low, high = ev.f1_interval(17, 3, 111, 3)
    assert low < ev.rates_of(17, 3, 111, 3)["f1"] < high
