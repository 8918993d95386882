"""Reader agreement (Cohen's kappa) on known values, and the readings file's checks."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from trendlab.evaluation import agreement as ag


def test_kappa_matches_the_textbook_example():
    # 50 items; both yes 20, first yes / second no 5, first no / second yes 10, both no 15:
    # p_o = 0.70, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50, kappa = 0.40
    first = pd.Series([1] * 25 + [0] * 25)
    second = pd.Series([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)
    assert ag.cohen_kappa(first, second) == pytest.approx(0.4)
    # 100 items, 75/5/5/15: p_o 0.90, p_e 0.8 * 0.8 + 0.2 * 0.2 = 0.68, kappa 0.6875
    first = pd.Series([1] * 80 + [0] * 20)
    second = pd.Series([1] * 75 + [0] * 5 + [1] * 5 + [0] * 15)
    assert ag.cohen_kappa(first, second) == pytest.approx((0.90 - 0.68) / (1 - 0.68))


def test_kappa_edges():
    assert ag.cohen_kappa(pd.Series([0, 1, 0, 1]), pd.Series([1, 0, 1, 0])) == pytest.approx(-1.0)
    assert math.isnan(ag.cohen_kappa(pd.Series([1, 1]), pd.Series([1, 1])))  # chance agreement is total
    assert math.isnan(ag.cohen_kappa(pd.Series([], dtype=int), pd.Series([], dtype=int)))
    with pytest.raises(ValueError, match="differ in length"):
        ag.cohen_kappa(pd.Series([1, 0]), pd.Series([1]))


def _readings() -> pd.DataFrame:
    rows = [
        # post, reader, pm, tech, prefers, eng, stated
        ("a", "first", "1", "1", "0", "0", "1"), ("a", "second", "1", "1", "0", "0", "1"),
        ("b", "first", "1", "0", "0", "0", "1"), ("b", "second", "1", "1", "0", "0", "1"),
        ("c", "first", "0", "", "", "", ""), ("c", "second", "1", "0", "0", "0", "0"),
        ("d", "first", "0", "", "", "", ""), ("d", "second", "0", "", "", "", ""),
        ("e", "first", "1", "0", "0", "0", "0"), ("e", "second", "1", "0", "0", "0", "0"),
    ]
    return pd.DataFrame(rows, columns=ag.READING_COLUMNS)


def test_agreement_counts_pm_labels_over_posts_both_readers_call_pm():
    t = ag.reader_agreement(_readings()).set_index("label")
    assert t.loc["is_pm_role", ["n", "both_1", "first_only", "second_only", "both_0"]].tolist() == [5, 3, 0, 1, 1]
    assert t.loc["is_pm_role", "agreement"] == pytest.approx(0.8)
    # post c is PM for one reader only, so it is left out of the PM labels: a, b, e remain
    assert t.loc["pm_requires_technical", ["n", "both_1", "first_only", "second_only", "both_0"]].tolist() == [3, 1, 0, 1, 1]
    # tech: first (1,0,0), second (1,1,0): p_o 2/3, p_e 1/3*2/3 + 2/3*1/3 = 4/9, kappa (2/3-4/9)/(5/9) = 0.4
    assert t.loc["pm_requires_technical", "kappa"] == pytest.approx(0.4)
    assert "pm_requires_technical" in ag.format_agreement(t.reset_index())


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.drop(columns="reader"), "missing"),
        (lambda d: d.assign(reader=d["reader"].replace("second", "third")), r"line 3: reader 'third'"),
        (lambda d: d.assign(is_pm_role=d["is_pm_role"].replace("1", "yes")), r"line 2: is_pm_role 'yes'"),
        (lambda d: d.assign(pm_requires_technical=d["pm_requires_technical"].where(d.index != 4, "0")),
         r"line 6: pm_requires_technical '0'; expected empty"),
        (lambda d: d.iloc[:-1], r"1 post\(s\) have one reading only, e.g. \['e'\]"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), "read twice by the first reader"),
    ],
)
def test_bad_readings_are_named(tmp_path, change, match):
    path = tmp_path / "readings.csv"
    change(_readings()).to_csv(path, index=False)
    with pytest.raises(ValueError, match=match):
        ag.read_readings(path)


def test_good_readings_round_trip(tmp_path):
    path = tmp_path / "readings.csv"
    _readings().to_csv(path, index=False)
    assert ag.read_readings(path).equals(_readings())


def test_committed_readings_cover_the_newest_blind_posts():
    from trendlab.evaluation import evaluate as ev

    if not ag.READINGS.exists():
        pytest.fail("readings.csv is missing")
    r = ag.read_readings()
    dev = ev.read_devset()
    newest = dev.loc[ev.splits_of(dev).eq(ev.CORRECTION_SPLIT), "posting_id"]
    # every post of the newest split was read twice, and every post read twice is a development post
    assert set(newest) <= set(r["posting_id"]) <= set(dev["posting_id"])
    # the settled label is one of the two readings wherever the readers disagree on a post's PM status
    wide = r.pivot(index="posting_id", columns="reader")["is_pm_role"]
    settled = dev.set_index("posting_id").loc[wide.index, "is_pm_role"]
    assert (settled.eq(wide["first"]) | settled.eq(wide["second"])).all()
