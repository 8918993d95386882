"""PM measures: the per-role frame, the three denominators, shares, correction and models.

Every expected value is counted or computed by hand here (Wilson by its closed form,
Rogan-Gladen by its formula), or recovered from data simulated with a known trend and jump.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest

from trendlab import models
from trendlab.measure import pm as P
from trendlab.measure.shares import rogan_gladen_variance

MIRROR = os.environ.get("TRENDLAB_MIRROR")
Z = 1.959963984540054
FAMS = P.reported_families()["family"].tolist()


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson (1927) score interval by its closed form."""
    centre = (x + Z**2 / 2) / (n + Z**2)
    half = Z * math.sqrt(x * (n - x) / n + Z**2 / 4) / (n + Z**2)
    return centre - half, centre + half


# ----------------------------------------------------------------------------- hand-made tables
def role(pid: str, idx: int, month: str, title: str, family: str = "product_management", *, text: str | None = None,
         technical: bool = False) -> dict:
    return {"source": "hn-thread-pages", "posting_id": pid, "role_index": idx, "month": month, "role_title": title,
            "role_family": family, "technical_pm": technical, "product_owner": False, "requirements_text": text}


def ask(pid: str, pm_index: int, role_index: int | None, month: str, title: str, *, technical: bool = False,
        preferred: bool = False, eng: bool = False, stated: bool = False, required_families: str | None = None,
        preferred_families: str | None = None, found_by: str = "split") -> dict:
    """One row of the pm_asks table, as the labeller would give it."""
    return {"source": "hn-thread-pages", "posting_id": pid, "month": month, "pm_index": pm_index,
            "role_index": role_index, "role_title": title, "found_by": found_by, "technical_title": False,
            "requires_technical": technical, "prefers_technical": preferred, "requires_eng_background": eng,
            "requirements_stated": stated, "technical_terms": None, "required_families": required_families,
            "preferred_families": preferred_families}


LONG = "You will run discovery with our customers and own a roadmap for the whole ordering product."

ROLES = pd.DataFrame(
    [
        role("10", 0, "2015-01", "Product Manager", text="SQL required. " + LONG),
        role("10", 1, "2015-01", "Backend Engineer", "software_engineering", text="Go and Postgres"),
        role("20", 0, "2015-02", "Technical Product Manager", technical=True),  # title only
        role("30", 0, "2015-03", "Product Manager", text="SQL required. " + LONG),  # repost of 10
        role("40", 0, "2015-02", "Backend Engineer", "software_engineering", text="Go"),
        role("50", 0, "2015-04", "Product Manager", text="Python a plus. " + LONG),  # ad 40 adds a PM
        role("60", 0, "2015-04", "Product Owner", text=LONG),
        role("70", 0, "2015-04", "Product Manager", text="Product Manager | SQL"),  # short, but names a skill
        role("90", 0, "2015-04", "Product Manager"),  # a colleague the labeller does not read as hired
    ]
)
ASKS = pd.DataFrame(
    [
        ask("10", 0, 0, "2015-01", "Product Manager", technical=True, stated=True, required_families="data_sql"),
        ask("20", 0, 0, "2015-02", "Technical Product Manager", technical=True),
        ask("30", 0, 0, "2015-03", "Product Manager", technical=True, stated=True, required_families="data_sql"),
        ask("50", 0, 0, "2015-04", "Product Manager", preferred=True, stated=True, preferred_families="coding"),
        ask("60", 0, 0, "2015-04", "Product Owner", stated=True),
        ask("70", 0, 0, "2015-04", "Product Manager", technical=True, stated=True, required_families="data_sql"),
        ask("80", 0, None, "2015-04", "product management", found_by="mention"),  # named in running text
    ]
).astype({"role_index": "Int64"})
POSTINGS = pd.DataFrame(
    {
        "posting_id": ["10", "20", "30", "40", "50", "60", "70", "80", "90"],
        "partial_month": [False, False, True, False, False, False, False, False, False],
        "url": [f"https://news.ycombinator.com/item?id={i}" for i in ("10", "20", "30", "40", "50", "60", "70", "80", "90")],
    }
)
REPOSTS = pd.DataFrame(
    {
        "posting_id": ["10", "20", "30", "40", "50", "60", "70", "80", "90"],
        "ad_id": ["10", "20", "10", "40", "40", "60", "70", "80", "90"],
        "first_seen": [True, True, False, True, False, True, True, True, True],
    }
)


@pytest.fixture
def loaded() -> P.Loaded:
    return P.pm_roles(ROLES, ASKS, POSTINGS, REPOSTS)


def test_pm_role_families_from_the_data_file(tmp_path) -> None:
    f = tmp_path / "role_families.csv"
    f.write_text("role_family,counts_as_pm,description\nproduct_management,true,x\nproduct_ops,true,y\ndesign,false,z\n")
    assert P.pm_role_families(f) == ["product_management", "product_ops"]
    f.write_text("role_family,counts_as_pm,description\nproduct_management,yes,x\n")
    with pytest.raises(ValueError, match=r"row 2 counts_as_pm is 'yes'"):
        P.pm_role_families(f)


def test_measure_specs_cover_every_reported_family_twice() -> None:
    specs = P.measure_specs()
    keys = [s.key for s in specs]
    for fam in ["technical", *FAMS]:
        assert [s.basis for s in specs if s.key == fam] == ["required", "any"]
    assert {"coding", "data_sql", "apis", "cloud_devops", "ai_ml", "eng_background", "low_code"} <= set(keys)
    title = next(s for s in specs if s.key == "technical_title")
    assert title.denominators == ("title",) and title.column == "technical_pm"


# ----------------------------------------------------------------------------- the PM frame
def test_pm_roles_accounting_and_quarantine(loaded: P.Loaded) -> None:
    # seven PM roles read by the labeller (one named in running text) and one PM title it does
    # not read as hired; the engineers are no PM roles at all
    assert loaded.rows_in == 8
    assert len(loaded.frame) == 7
    q = loaded.quarantine
    assert q[["record_id", "reason"]].values.tolist() == [["90#0", "not_read_as_pm"]]
    assert loaded.rows_in == len(loaded.frame) + len(q)


def test_pm_roles_columns(loaded: P.Loaded) -> None:
    f = loaded.frame.set_index("posting_id")
    assert f["corpus"].unique().tolist() == [P.PM_CORPUS]
    assert f.loc["10", "quarter"] == "2015Q1" and f.loc["50", "year"] == "2015"
    assert f["requirements_stated"].to_dict() == {
        "10": True, "20": False, "30": True, "50": True, "60": True, "70": True, "80": False}
    assert f["technical_required"].to_dict() == {
        "10": True, "20": False, "30": True, "50": False, "60": False, "70": True, "80": False}
    assert f["technical_any"].to_dict() == {
        "10": True, "20": False, "30": True, "50": True, "60": False, "70": True, "80": False}
    assert f.loc["50", "coding_preferred"] and f.loc["50", "coding_any"] and not f.loc["50", "coding_required"]
    assert f.loc["10", "data_sql_required"] and not f.loc["10", "coding_any"]
    # the development set's definition, as the labeller reads it: a technical skill, or a technical title
    assert f["technical_or_title"].to_dict() == {
        "10": True, "20": True, "30": True, "50": False, "60": False, "70": True, "80": False}
    # the title signal: the roles table's, or the title classifier's for a role named in running text
    assert f["technical_pm"].to_dict() == {
        "10": False, "20": True, "30": False, "50": False, "60": False, "70": False, "80": False}
    assert f.loc["80", "found_by"] == "mention" and pd.isna(f.loc["80", "role_index"])
    assert pd.isna(f.loc["80", "requirements_text"])
    assert f.loc["30", "partial_month"] and not f.loc["10", "partial_month"]
    assert f.loc["20", "url"].endswith("id=20")


def test_pm_roles_unique_ads(loaded: P.Loaded) -> None:
    f = loaded.frame.set_index("posting_id")
    # 30 repeats ad 10; 50 is a repost of an engineers-only ad 40 whose first PM is its own
    assert f["first_seen"].to_dict() == {
        "10": True, "20": True, "30": False, "50": True, "60": True, "70": True, "80": True}
    assert not f.loc["50", "posting_first_seen"]


def test_pm_roles_does_not_modify_inputs() -> None:
    before = [x.copy(deep=True) for x in (ROLES, ASKS, POSTINGS, REPOSTS)]
    P.pm_roles(ROLES, ASKS, POSTINGS, REPOSTS)
    for a, b in zip(before, (ROLES, ASKS, POSTINGS, REPOSTS), strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_pm_roles_missing_posting_and_repost_rows_are_quarantined() -> None:
    out = P.pm_roles(ROLES, ASKS, POSTINGS[POSTINGS["posting_id"] != "20"], REPOSTS[REPOSTS["posting_id"] != "70"])
    assert dict(zip(out.quarantine["record_id"], out.quarantine["reason"], strict=True)) == {
        "20#pm0": "no_posting", "70#pm0": "no_repost_row", "90#0": "not_read_as_pm"}
    assert out.rows_in == len(out.frame) + len(out.quarantine)


def test_pm_roles_errors_name_the_missing_column() -> None:
    with pytest.raises(KeyError, match=r"pm_asks lacks column\(s\) \['required_families'\]"):
        P.pm_roles(ROLES, ASKS.drop(columns="required_families"), POSTINGS, REPOSTS)
    with pytest.raises(KeyError, match="reposts lacks"):
        P.pm_roles(ROLES, ASKS, POSTINGS, REPOSTS.drop(columns="ad_id"))
    with pytest.raises(ValueError, match=r"pm_asks has duplicate \(posting_id, pm_index\) \('10', 0\)"):
        P.pm_roles(ROLES, pd.concat([ASKS, ASKS.iloc[:1]]), POSTINGS, REPOSTS)


def test_pm_title_roles() -> None:
    ex = pd.DataFrame({"posting_id": ["1", "2", "3", "4"], "role_index": [0, 0, 0, 1], "month": ["2023-01"] * 4,
                       "role_title": ["Technical PM", "PM", "Designer", "PM"],
                       "role_family": ["product_management", "product_management", "design", "product_management"],
                       "technical_pm": pd.array([True, False, False, pd.NA], dtype="boolean")})
    out = P.pm_title_roles(ex)
    assert out.rows_in == 3 and len(out.frame) == 2
    assert out.quarantine["reason"].tolist() == ["title_signal_missing"]
    assert out.frame["corpus"].unique().tolist() == [P.TITLE_CORPUS]


def test_partial_months() -> None:
    p = pd.DataFrame({"month": ["2014-01", "2014-02", "2014-02", "2014-03"], "partial_month": [False, True, True, True]})
    assert P.partial_months(p) == ["2014-02", "2014-03"]
    with pytest.raises(ValueError, match="partial_month is missing at row 0"):
        P.partial_months(p.assign(partial_month=pd.array([None, True, True, True], dtype="boolean")))


# ----------------------------------------------------------------------------- shares
def synthetic_pm() -> pd.DataFrame:
    """Hand-counted roles: 2015-01: 10 roles, 4 stated, 3 of them technical (2 first seen);
    2015-02: none; 2015-03: 40 roles, 35 stated, 7 technical; 2015-04: 2 roles, 1 technical."""
    rows = []

    def add(month: str, n: int, stated: int, tech: int, first: int) -> None:
        for i in range(n):
            rows.append({"month": month, "requirements_stated": i < stated, "technical_required": i < tech,
                         "technical_pm": i == n - 1, "first_seen": i < first})

    add("2015-01", 10, 4, 3, 2)
    add("2015-03", 40, 35, 7, 40)
    add("2015-04", 2, 2, 1, 2)
    f = pd.DataFrame(rows)
    f["corpus"] = P.PM_CORPUS
    f["quarter"] = "2015Q" + ((f["month"].str[5:].astype(int) - 1) // 3 + 1).astype(str)
    f["year"] = f["month"].str[:4]
    return f


SPECS = [
    P.MeasureSpec("technical", "technical_required", "Any technical (required)", "required", ("all", "stated")),
    P.MeasureSpec("requirements_stated", "requirements_stated", "States requirements", "stated", ("all",)),
    P.MeasureSpec("technical_title", "technical_pm", "Technical PM title", "title", ("title",)),
]


def cell(t: pd.DataFrame, **sel: str) -> pd.DataFrame:
    m = np.ones(len(t), dtype=bool)
    for k, v in sel.items():
        m &= (t[k] == v).to_numpy()
    return t[m].set_index("period")


def test_pm_shares_counts_wilson_gaps_and_flags() -> None:
    t = P.pm_shares(synthetic_pm(), specs=SPECS, partial={P.PM_CORPUS: ["2015-03"]})
    stated = cell(t, series="all", denominator="stated", measure_key="technical")
    assert stated.loc["2015-01", ["successes", "n"]].tolist() == [3, 4]
    lo, hi = wilson(3, 4)
    assert stated.loc["2015-01", "ci_low"] == pytest.approx(lo, abs=1e-12)
    assert stated.loc["2015-01", "ci_high"] == pytest.approx(hi, abs=1e-12)
    assert stated.loc["2015-01", "population"] == "PM roles stating requirements"
    # the gap is explicit, never interpolated
    assert stated.loc["2015-02", "n"] == 0 and pd.isna(stated.loc["2015-02", "share"])
    assert stated.loc["2015-02", "status"] == "no data"
    assert stated["status"].to_dict() == {"2015-01": "observed", "2015-02": "no data", "2015-03": "partial", "2015-04": "observed"}
    # small cells: n < 30 flagged, n >= 30 not
    assert stated["small_cell"].to_dict() == {"2015-01": True, "2015-02": True, "2015-03": False, "2015-04": True}
    alld = cell(t, series="all", denominator="all", measure_key="technical")
    assert alld.loc["2015-01", ["successes", "n"]].tolist() == [3, 10]
    assert alld.loc["2015-03", "share"] == pytest.approx(7 / 40)
    st = cell(t, series="all", measure_key="requirements_stated")
    assert st.loc["2015-03", ["successes", "n"]].tolist() == [35, 40]
    ti = cell(t, series="all", measure_key="technical_title")
    assert ti.loc["2015-01", ["successes", "n"]].tolist() == [1, 10]
    assert ti["population"].unique().tolist() == ["all PM roles (title signal)"]


def test_pm_shares_unique_series_counts_first_appearances() -> None:
    t = P.pm_shares(synthetic_pm(), specs=SPECS)
    u = cell(t, series="unique", denominator="all", measure_key="technical")
    assert u.loc["2015-01", ["successes", "n"]].tolist() == [2, 2]
    assert u.loc["2015-03", ["successes", "n"]].tolist() == [7, 40]


def test_pm_shares_quarter_and_year_sum_the_months() -> None:
    pmf = synthetic_pm()
    m = P.pm_shares(pmf, specs=SPECS, series=("all",))
    for freq, label in (("quarter", "2015Q1"), ("year", "2015")):
        t = P.pm_shares(pmf, specs=SPECS, series=("all",), freq=freq, partial={P.PM_CORPUS: ["2015-03"]})
        for den, key in (("all", "technical"), ("stated", "technical")):
            months = cell(m, denominator=den, measure_key=key)
            got = cell(t, denominator=den, measure_key=key)
            in_q = months.loc[[p for p in months.index if freq == "year" or p <= "2015-03"]]
            assert got.loc[label, "successes"] == in_q["successes"].sum()
            assert got.loc[label, "n"] == in_q["n"].sum()
            assert got.loc[label, "status"] == "partial"  # holds the partial month 2015-03


def test_pm_shares_title_series_of_the_extracted_titles() -> None:
    titles = pd.DataFrame({"corpus": P.TITLE_CORPUS, "month": ["2023-02"] * 5, "technical_pm": [True, False, False, False, True]})
    titles["quarter"], titles["year"] = "2023Q1", "2023"
    t = P.pm_shares(synthetic_pm(), titles, specs=SPECS, freq="year")
    ex = t[t["corpus"] == P.TITLE_CORPUS]
    assert set(ex["measure_key"]) == {"technical_title"}  # titles support nothing else
    assert set(ex["series"]) == {"all"}
    assert ex.set_index("period").loc["2023", ["successes", "n"]].tolist() == [2, 5]
    # both corpora span the same years, with no data where a corpus has none
    hn = cell(t, corpus=P.PM_CORPUS, measure_key="technical_title", series="all")
    assert hn.index.tolist() == [str(y) for y in range(2015, 2024)]
    assert hn.loc["2019", "status"] == "no data"


def test_pm_shares_errors() -> None:
    with pytest.raises(ValueError, match="freq"):
        P.pm_shares(synthetic_pm(), specs=SPECS, freq="week")
    with pytest.raises(ValueError, match="unknown series"):
        P.pm_shares(synthetic_pm(), specs=SPECS, series=("latest",))
    with pytest.raises(KeyError, match="first_seen"):
        P.pm_shares(synthetic_pm().drop(columns="first_seen"), specs=SPECS)


def test_pm_shares_on_the_built_frame(loaded: P.Loaded) -> None:
    t = P.pm_shares(loaded.frame, freq="year", min_n=1)
    one = t[(t["series"] == "all") & (t["period"] == "2015")].set_index(["denominator", "measure_key", "basis"])
    # counted by hand from ASKS: 7 PM roles, 5 stating requirements
    assert one.loc[("all", "technical", "required"), ["successes", "n"]].tolist() == [3, 7]
    assert one.loc[("stated", "technical", "required"), ["successes", "n"]].tolist() == [3, 5]
    assert one.loc[("stated", "technical", "any"), ["successes", "n"]].tolist() == [4, 5]
    assert one.loc[("all", "technical_or_title", "required"), ["successes", "n"]].tolist() == [4, 7]
    assert one.loc[("all", "requirements_stated", "stated"), ["successes", "n"]].tolist() == [5, 7]
    assert one.loc[("title", "technical_title", "title"), ["successes", "n"]].tolist() == [1, 7]
    u = t[(t["series"] == "unique") & (t["period"] == "2015")].set_index(["denominator", "measure_key", "basis"])
    assert u.loc[("all", "technical", "required"), ["successes", "n"]].tolist() == [2, 6]


def test_one_role_share() -> None:
    assert P.one_role_share(pd.DataFrame({"posting_id": ["1", "1", "2", "3", "3", "3", "4"]})) == (2, 4)


def test_pm_role_counts() -> None:
    roles = pd.DataFrame({"month": ["2015-01"] * 4 + ["2015-03"] * 2,
                          "role_family": ["product_management", "design", "design", "other", "product_management", "other"]})
    ex = pd.DataFrame({"month": ["2023-01"] * 3, "role_family": ["product_management"] * 3})
    t = P.pm_role_counts(roles, ex, partial={P.PM_CORPUS: ["2015-03"]}, min_n=1)
    hn = t[t["corpus"] == P.PM_CORPUS].set_index("period")
    assert hn.loc["2015-01", ["successes", "n"]].tolist() == [1, 4]
    assert hn.loc["2015-02", "status"] == "no data" and hn.loc["2015-03", "status"] == "partial"
    assert t[t["corpus"] == P.TITLE_CORPUS].set_index("period").loc["2023-01", "share"] == 1.0


def test_pooled_windows() -> None:
    t = P.pm_shares(synthetic_pm(), specs=SPECS, series=("all",))
    w = P.pooled_windows(t, {"q1": ("2015-01", "2015-03"), "apr": ("2015-04", "2015-04")})
    s = w[(w["denominator"] == "stated") & (w["measure_key"] == "technical")].set_index("window")
    assert s.loc["q1", ["successes", "n", "months"]].tolist() == [10, 39, 2]
    lo, hi = wilson(10, 39)
    assert s.loc["q1", "ci_low"] == pytest.approx(lo) and s.loc["q1", "ci_high"] == pytest.approx(hi)
    assert not s.loc["q1", "small_cell"] and s.loc["apr", "small_cell"]


# ----------------------------------------------------------------------------- rates and correction
def write_rates(path, rows: list[str], header: str = "measure,tp,fn,tn,fp,sensitivity,specificity") -> None:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")


def test_read_rates(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    assert P.read_rates(f) is None
    write_rates(f, ["pm_requires_technical,45,5,95,5,0.9,0.95", "is_pm_role,90,10,180,20,0.9,0.9"])
    r = P.read_rates(f).set_index("measure")
    assert r.loc["pm_requires_technical", ["sens_tp", "sens_n", "spec_tn", "spec_n"]].tolist() == [45, 50, 95, 100]
    assert r.loc["pm_requires_technical", "sensitivity"] == 0.9
    assert r.loc["pm_requires_technical", "specificity"] == 0.95


def test_read_rates_takes_the_whole_set_row(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    write_rates(f, ["pm_requires_technical,tuning,20,2,40,3", "pm_requires_technical,held-out,21,3,41,2",
                    "pm_requires_technical,all,41,5,81,5"], header="measure,split,tp,fn,tn,fp")
    r = P.read_rates(f)
    assert r[["tp", "fn", "tn", "fp"]].values.tolist() == [[41, 5, 81, 5]] and r.attrs["split"] == "all"


def test_read_rates_prefers_the_newest_blind_posts(tmp_path) -> None:
    # rates of the newest posts no rule was designed on: tuned-on rows would flatter the labeller
    f = tmp_path / "rates.csv"
    write_rates(f, ["pm_requires_technical,tuning,20,0,40,0", "pm_requires_technical,blind,12,1,87,1",
                    "pm_requires_technical,blind2,17,3,111,3", "pm_requires_technical,blind3,36,10,226,3",
                    "pm_requires_technical,blind4,40,7,230,4", "pm_requires_technical,all,125,21,694,11"],
                header="measure,split,tp,fn,tn,fp")
    r = P.read_rates(f)
    assert r[["tp", "fn", "tn", "fp"]].values.tolist() == [[40, 7, 230, 4]] and r.attrs["split"] == "blind4"
    assert P.read_rates(f, split="all")["tp"].tolist() == [125]
    assert P.read_rates(f, split="blind2")["tp"].tolist() == [17]
    t = P.add_pm_corrected(corrected_input(), r, method="delta")
    assert "measured per post on the blind4 posts of the development set" in t.loc[0, "correction"]


@pytest.mark.parametrize(
    ("rows", "header", "match"),
    [
        (["pm_requires_technical,45,5,95"], "measure,tp,fn,tn", r"column\(s\) \['fp'\] missing"),
        (["pm_requires_technical,45,5,95,x"], "measure,tp,fn,tn,fp", r"row 2 \(measure 'pm_requires_technical'\) field 'fp' is 'x'"),
        (["pm_requires_technical,45,5,95,1.5"], "measure,tp,fn,tn,fp", "whole number"),
        (["a,1,0,1,0", "a,2,0,2,0"], "measure,tp,fn,tn,fp", "several rows and no split column"),
        (["a,0,0,5,1"], "measure,tp,fn,tn,fp", "tp\\+fn = 0"),
        ([], "measure,tp,fn,tn,fp", "no rows"),
    ],
)
def test_read_rates_errors_name_file_row_and_field(tmp_path, rows, header, match) -> None:
    f = tmp_path / "rates.csv"
    write_rates(f, rows, header=header)
    with pytest.raises(ValueError, match=match) as e:
        P.read_rates(f)
    assert str(f) in str(e.value)


def corrected_input() -> pd.DataFrame:
    return pd.DataFrame({
        "period": ["2015", "2016", "2015", "2017", "2015", "2015"],
        "population": "all PM roles",
        "measure": "m",
        "measure_key": ["technical_or_title", "technical_or_title", "technical", "eng_background",
                        "requirements_stated", "technical_or_title"],
        "basis": ["required", "required", "required", "required", "stated", "any"],
        "successes": [120, 0, 30, 5, 40, 150],
        "n": [400, 0, 100, 50, 100, 400],
    })


def test_add_pm_corrected_known_values(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    write_rates(f, ["pm_requires_technical,45,5,95,5"], header="measure,tp,fn,tn,fp")
    out = P.add_pm_corrected(corrected_input(), P.read_rates(f), method="delta")
    # Rogan-Gladen: (0.30 + 0.95 - 1) / (0.90 + 0.95 - 1) = 0.25 / 0.85
    assert out.loc[0, "share_corrected"] == pytest.approx(0.25 / 0.85, abs=1e-12)
    se = math.sqrt(rogan_gladen_variance(0.3, 400, 0.9, 50, 0.95, 100))
    assert out.loc[0, "ci_low_corrected"] == pytest.approx(0.25 / 0.85 - Z * se, abs=1e-9)
    assert out.loc[0, "ci_high_corrected"] == pytest.approx(0.25 / 0.85 + Z * se, abs=1e-9)
    assert "Rogan-Gladen" in out.loc[0, "correction"] and "pm_requires_technical" in out.loc[0, "correction"]
    assert pd.isna(out.loc[1, "share_corrected"]) and out.loc[1, "correction"] == "no data"
    # no rates for the skill-only measure; rates file without the eng-background row
    assert pd.isna(out.loc[2, "share_corrected"])
    assert out.loc[2, "correction"] == "not corrected: no measured rates for this measure"
    assert "has no row for 'pm_requires_eng_background'" in out.loc[3, "correction"]
    assert "has no row for 'pm_requirements_stated'" in out.loc[4, "correction"]
    # "required or preferred" has no rates of its own
    assert pd.isna(out.loc[5, "share_corrected"]) and out.loc[5, "correction"].startswith("not corrected")


def test_add_pm_corrected_corrects_the_stated_share(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    write_rates(f, ["pm_requirements_stated,30,10,40,10"], header="measure,tp,fn,tn,fp")
    out = P.add_pm_corrected(corrected_input(), P.read_rates(f), method="delta")
    # Rogan-Gladen: (0.40 + 0.80 - 1) / (0.75 + 0.80 - 1) = 0.2 / 0.55
    assert out.loc[4, "share_corrected"] == pytest.approx(0.2 / 0.55, abs=1e-12)
    assert pd.isna(out.loc[0, "share_corrected"])


def test_add_pm_corrected_refuses_rates_too_thin_or_no_better_than_chance(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    # eng background: 0 of 1 positive found (too few positives); technical: 5/10 and 45/100 (chance)
    write_rates(f, ["pm_requires_eng_background,0,1,98,2", "pm_requires_technical,5,5,45,55"],
                header="measure,tp,fn,tn,fp")
    out = P.add_pm_corrected(corrected_input(), P.read_rates(f), method="delta")
    assert out.loc[[0, 3], "share_corrected"].isna().all()
    assert "rest on 1 labelled positive post(s) (fewer than 5; sensitivity 0/1, specificity 98/100" in out.loc[3, "correction"]
    assert "(sensitivity 5/10, specificity 45/100 on the development set) are no better than chance" in out.loc[0, "correction"]
    # a measure with usable rates next to them is still corrected
    write_rates(f, ["pm_requires_eng_background,0,1,98,2", "pm_requires_technical,45,5,95,5"],
                header="measure,tp,fn,tn,fp")
    out = P.add_pm_corrected(corrected_input(), P.read_rates(f), method="delta")
    assert out.loc[0, "share_corrected"] == pytest.approx(0.25 / 0.85, abs=1e-12)


def test_add_pm_corrected_bootstrap_interval_brackets_the_estimate(tmp_path) -> None:
    f = tmp_path / "rates.csv"
    write_rates(f, ["pm_requires_technical,45,5,95,5", "pm_requires_eng_background,18,2,170,10"], header="measure,tp,fn,tn,fp")
    out = P.add_pm_corrected(corrected_input(), P.read_rates(f), n_boot=2000)
    row = out.loc[0]
    assert row["ci_low_corrected"] < row["share_corrected"] < row["ci_high_corrected"]
    # the bootstrap carries the rates' uncertainty: wider than the plain Wilson interval of 120/400
    lo, hi = wilson(120, 400)
    assert row["ci_high_corrected"] - row["ci_low_corrected"] > hi - lo
    assert "parametric bootstrap" in row["correction"]
    # eng background: (0.1 + 170/180 - 1) / (0.9 + 170/180 - 1)
    sp = 170 / 180
    assert out.loc[3, "share_corrected"] == pytest.approx(max(0.0, (0.1 + sp - 1) / (0.9 + sp - 1)))


def test_add_pm_corrected_without_rates_says_so() -> None:
    out = P.add_pm_corrected(corrected_input(), None)
    assert out["share_corrected"].isna().all()
    assert out["correction"].str.contains("rates.csv absent").all()


# ----------------------------------------------------------------------------- models
def months_of(start_year: int, end: str) -> list[str]:
    out = []
    y, m = start_year, 1
    while f"{y}-{m:02d}" <= end:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def simulated(jump: float, seed: int, n: int = 400) -> pd.DataFrame:
    """78 months 2012-01..2018-06 on a logit-linear trend (slope 0.15 per year), 2026-01..05 on
    the same trend carried forward plus ``jump`` on the logit scale."""
    rng = np.random.default_rng(seed)
    inside = months_of(2012, "2018-06")
    late = [f"2026-0{m}" for m in range(1, 6)]
    months = inside + late
    years = np.array([int(s[:4]) + (int(s[5:]) - 1) / 12 for s in months]) - 2012
    logit = -1.5 + 0.15 * years + np.where(np.arange(len(months)) >= len(inside), jump, 0.0)
    p = 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"month": months, "successes": rng.binomial(n, p), "n": n})


def test_fit_pm_models_fits_the_window_on_its_own() -> None:
    c = simulated(jump=0.0, seed=1)
    r = P.fit_pm_models(c, n_sim=300)
    inside = c[c["month"] <= "2018-06"]
    direct = models.fit_trend(inside)
    assert r.trend.n_periods == 78 and r.trend.end == "2018-06"
    assert r.trend.estimate == pytest.approx(direct.estimate, rel=1e-12)
    assert r.trend_all.n_periods == 83
    # the true slope on the logit scale is recovered
    assert r.trend.or_ci_low < math.exp(0.15) < r.trend.or_ci_high
    # window comparison = pooled difference, by hand
    a, b = inside, c[c["month"] >= "2026-01"]
    diff = 100 * (b["successes"].sum() / b["n"].sum() - a["successes"].sum() / a["n"].sum())
    assert r.windows.estimate == pytest.approx(diff, rel=1e-12)
    assert r.windows.n_periods_a == 78 and r.windows.n_periods_b == 5
    # no jump: 2026 sits on the trend carried forward
    assert r.chow.p_value > 0.05
    assert r.seasonal.fitted and r.cusum.p_value > 0.05
    assert not r.errors


def test_fit_pm_models_sees_a_jump_in_2026() -> None:
    r = P.fit_pm_models(simulated(jump=1.0, seed=2), n_sim=300)
    assert r.chow.p_value < 0.001 and r.chow.estimate > 0
    assert r.windows.p_value < 0.001 and r.windows.estimate > 0


def test_models_table_and_readings() -> None:
    r = P.fit_pm_models(simulated(jump=1.0, seed=2), n_sim=300)
    t = P.models_table(r)
    assert t["model"].tolist() == list(P.MODEL_LABELS.values())
    w = t.set_index("model").loc[P.MODEL_LABELS["windows"]]
    assert f"({r.windows.successes_b}/{r.windows.n_b})" in w["reading"]
    assert "higher" in w["reading"]
    assert t.set_index("model").loc[P.MODEL_LABELS["chow"], "reading"].startswith("2026 departs from")
    # too little data: every model says why it was not fitted
    tiny = pd.DataFrame({"month": ["2026-01", "2026-02"], "successes": [1, 2], "n": [5, 5]})
    rt = P.fit_pm_models(tiny, n_sim=50)
    tt = P.models_table(rt)
    assert rt.trend is None and "trend" in rt.errors
    assert tt.set_index("model").loc[P.MODEL_LABELS["trend"], "reading"].startswith("not fitted:")


def test_model_counts_selects_one_series() -> None:
    t = P.pm_shares(synthetic_pm(), specs=SPECS)
    c = P.model_counts(t, measure_key="technical", denominator="stated")
    assert c.values.tolist() == [["2015-01", 3, 4], ["2015-02", 0, 0], ["2015-03", 7, 35], ["2015-04", 1, 2]]
    with pytest.raises(ValueError, match="no rows for measure 'coding'"):
        P.model_counts(t, measure_key="coding", denominator="stated")


# ----------------------------------------------------------------------------- examples
def test_example_quotes_mark_the_match_and_cut_at_words() -> None:
    filler = "We are a small team that makes scheduling software for bakeries across the north. " * 2
    f = pd.DataFrame({
        "posting_id": ["1", "1", "2", "3"],
        "month": ["2015-01"] * 4,
        "role_title": ["PM", "PM 2", "PM", "PM"],
        "requirements_text": [filler + "You know SQL well. " + filler, "SQL", "Strong Python skills needed.", "Nothing here"],
        "data_sql_required": [True, True, False, False],
        "coding_required": [False, False, True, False],
        "technical_required": [True, True, True, False],
        "url": ["u1", "u1", "u2", "u3"],
    })
    q = P.example_quotes(f, family="data_sql", k=5)
    assert q["posting_id"].tolist() == ["1"]  # one quote per posting
    quote = q["quote"].iloc[0]
    assert "**SQL**" in quote and quote.startswith("… ") and quote.endswith(" …")
    inner = quote[2:-2]
    assert inner.split()[0] in filler.split() and inner.split()[-1] in filler.split()  # whole words only
    assert len(inner) <= 2 * 90 + len("**SQL**") + 1
    c = P.example_quotes(f, family="technical", k=1)
    assert len(c) == 1 and c["term"].iloc[0] in {"Python", "SQL"}
    assert set(P.example_quotes(f, family="technical", k=5)["term"]) == {"Python", "SQL"}


# ----------------------------------------------------------------------------- display
@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((0.5, 0.3, 0.7, 40), "50% (30–70) n=40"),
        ((0.0994, 0.05, 0.2, 40), "9.9% (5.0–20.0) n=40"),  # one decimal below 10%
        ((0.0996, 0.05, 0.2, 40), "10% (5–20) n=40"),  # rounds to 10: whole numbers
        ((0.25, 0.1, 0.5, 29), "25% (10–50) n=29, small"),
        ((None, None, None, 0), "no data"),
    ],
)
def test_share_label(args: tuple, text: str) -> None:
    assert P.share_label(*args) == text


def test_intervals_bracket_the_share_at_zero_and_all() -> None:
    # Wilson bounds at 0/n and n/n can miss 0 and 1 by one ulp; the tables keep lo <= share <= hi
    f = pd.DataFrame({"corpus": P.PM_CORPUS, "month": ["2015-01"] * 7 + ["2015-02"] * 7, "quarter": "2015Q1",
                      "year": "2015", "requirements_stated": True, "first_seen": True,
                      "technical_required": [True] * 7 + [False] * 7})
    t = P.pm_shares(f, specs=SPECS[:1], series=("all",))
    t = cell(t, denominator="all")
    assert t.loc["2015-01", "ci_high"] == 1.0 and t.loc["2015-01", "share"] == 1.0
    assert t.loc["2015-02", "ci_low"] == 0.0 and t.loc["2015-02", "share"] == 0.0
    assert (t["ci_low"] <= t["share"]).all() and (t["share"] <= t["ci_high"]).all()


# ----------------------------------------------------------------------------- one call, hand-made tables
def hand_tables() -> dict[str, pd.DataFrame]:
    """Tiny processed tables in the real layouts, with invented companies and text."""
    texts = {
        "101": "Gristmill | Product Manager | Leeds\nYou will write SQL against our warehouse and run customer interviews.",
        "102": "Gristmill | Product Manager | Leeds\nYou will write SQL against our warehouse and run customer interviews.",
        "103": "Ovenbird | Technical Product Manager | Remote | https://ovenbird.example",
        "201": "Quayside | Product Manager, Data Engineer | Cork\nData Engineer: Python and Airflow.\nWe make ferry timetables.",
    }
    months = {"101": "2012-03", "102": "2012-04", "103": "2012-04", "201": "2026-02"}
    companies = {"101": "Gristmill", "102": "Gristmill", "103": "Ovenbird", "201": "Quayside"}
    postings = pd.DataFrame({
        "source": "hn-thread-pages", "posting_id": list(texts), "thread_id": "1", "month": [months[k] for k in texts],
        "posted_at": pd.NaT, "author": [f"user{k}" for k in texts], "company": [companies[k] for k in texts],
        "text": list(texts.values()), "url": [f"https://news.ycombinator.com/item?id={k}" for k in texts],
        "partial_month": [False, False, False, True],
    })
    roles = pd.DataFrame([
        role("101", 0, "2012-03", "Product Manager", text=texts["101"]),
        role("102", 0, "2012-04", "Product Manager", text=texts["102"]),
        role("103", 0, "2012-04", "Technical Product Manager", text=texts["103"], technical=True),
        role("201", 0, "2026-02", "Product Manager"),
        role("201", 1, "2026-02", "Data Engineer", "software_engineering", text="Python and Airflow."),
    ])
    extracted = pd.DataFrame({"posting_id": ["9001", "9002", "9003"], "role_index": [0, 0, 0],
                              "month": ["2023-05", "2023-05", "2024-01"],
                              "role_title": ["Technical Product Manager", "Product Manager", "Designer"],
                              "role_family": ["product_management", "product_management", "design"],
                              "technical_pm": [True, False, False]})
    coverage = pd.DataFrame({"month": ["2023-05", "2024-01"], "partial": pd.array([False, True], dtype="boolean")})
    return {"postings": postings, "roles": roles, "roles_extracted_classified": extracted,
            "roles_extracted_coverage": coverage}


def test_load_inputs_computes_missing_tables_and_pm_tables_counts() -> None:
    base = hand_tables()

    def load(name: str) -> pd.DataFrame:
        if name not in base:
            raise KeyError(f"no stage produces table {name!r}")
        return base[name]

    inputs = P.load_inputs(load)
    assert inputs["pm_asks"].attrs["computed_here"] and inputs["reposts"].attrs["computed_here"]
    asks = inputs["pm_asks"].set_index("posting_id")
    assert asks["role_index"].tolist() == [0, 0, 0, 0]  # keyed like the roles table
    assert asks["requires_technical"].to_dict() == {"101": True, "102": True, "103": True, "201": False}
    rep = inputs["reposts"].set_index("posting_id")
    assert rep.loc["102", "ad_id"] == "101" and not rep.loc["102", "first_seen"]

    tables = P.pm_tables(inputs, rates=None, min_n=1)
    assert tables.roles.rows_in == 4 and len(tables.roles.frame) == 4
    assert tables.partial == {P.PM_CORPUS: ["2026-02"], P.TITLE_CORPUS: ["2024-01"]}
    y = tables.shares["year"]
    y = y[y["series"] == "all"].set_index(["corpus", "denominator", "measure_key", "basis", "period"])
    # 2012: three PM roles; two state requirements and ask for SQL (the third is a header only)
    assert y.loc[(P.PM_CORPUS, "all", "technical", "required", "2012"), ["successes", "n"]].tolist() == [2, 3]
    assert y.loc[(P.PM_CORPUS, "stated", "technical", "required", "2012"), ["successes", "n"]].tolist() == [2, 2]
    assert y.loc[(P.PM_CORPUS, "stated", "data_sql", "required", "2012"), ["successes", "n"]].tolist() == [2, 2]
    assert y.loc[(P.PM_CORPUS, "title", "technical_title", "title", "2012"), ["successes", "n"]].tolist() == [1, 3]
    assert y.loc[(P.PM_CORPUS, "all", "technical_or_title", "required", "2012"), ["successes", "n"]].tolist() == [3, 3]
    # the PM role of 2026 has no text of its own: counted among all PM roles, not among those stating
    assert y.loc[(P.PM_CORPUS, "all", "technical", "required", "2026"), ["successes", "n", "status"]].tolist() == [0, 1, "partial"]
    assert y.loc[(P.PM_CORPUS, "stated", "technical", "required", "2026"), "status"] == "no data"
    assert y.loc[(P.TITLE_CORPUS, "title", "technical_title", "title", "2023"), ["successes", "n"]].tolist() == [1, 2]
    u = tables.shares["year"]
    u = u[(u["series"] == "unique") & (u["denominator"] == "all") & (u["measure_key"] == "technical")
          & (u["basis"] == "required") & (u["corpus"] == P.PM_CORPUS)].set_index("period")
    assert u.loc["2012", ["successes", "n"]].tolist() == [1, 2]  # the April repost counted once
    c = tables.counts["year"].set_index(["corpus", "period"])
    assert c.loc[(P.PM_CORPUS, "2026"), ["successes", "n"]].tolist() == [1, 2]
    assert tables.shares["year"]["correction"].str.contains("rates.csv absent").all()

    fits = P.fit_series_models(tables, n_sim=50)
    head = P.headline(tables, fits)
    hv = dict(zip(head["quantity"], head["value"], strict=True))
    assert hv["technical skill or title required, all PM roles, 2012"] == P.share_label(1.0, *wilson(3, 3), 3, 1)
    assert hv["technical skill or title required, all PM roles, 2026"].startswith("0.0% (0.0–")
    assert hv["states requirements, all PM roles, 2012"] == P.share_label(2 / 3, *wilson(2, 3), 3, 1)
    assert hv["PM posts holding one PM role (rates are measured per post, applied per role)"] == "100.0% (4 of 4 posts)"
    assert not any(k.endswith("corrected") for k in hv)  # no rates given
    # four months of data cannot carry a trend with a quasi-likelihood scale: said, not hidden
    assert any(v.startswith("not fitted:") for v in hv.values())


def test_pm_tables_names_a_missing_input() -> None:
    with pytest.raises(KeyError, match=r"input table\(s\) \['reposts', 'pm_asks'\] missing"):
        P.pm_tables(hand_tables(), rates=None)


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_2026_posts_measured_and_accounted(monkeypatch) -> None:
    from trendlab.clean.reposts import reposts_table
    from trendlab.clean.roles import split_roles
    from trendlab.clean.text import add_text
    from trendlab.label import pm_asks_table
    from trendlab.sources import hn_jobs_data

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    postings = add_text(hn_jobs_data.load(progress=False).frame).drop_duplicates("posting_id").reset_index(drop=True)
    roles = split_roles(postings, fuzzy=False).roles
    asks = pm_asks_table(postings, roles, progress=False)
    reposts = reposts_table(postings)
    assert len(reposts) == len(postings) and reposts["posting_id"].is_unique
    out = P.pm_roles(roles, asks, postings, reposts)
    assert out.rows_in == len(out.frame) + len(out.quarantine) >= len(asks) > 5
    y = P.pm_shares(out.frame, freq="year")
    one = y[(y["series"] == "all") & (y["denominator"] == "all") & (y["measure_key"] == "technical_or_title")
            & (y["basis"] == "required")]
    assert one["n"].sum() == len(out.frame)
    assert one["successes"].sum() == int(asks["requires_technical"].sum())
    stated = y[(y["series"] == "all") & (y["denominator"] == "stated") & (y["measure_key"] == "technical")
               & (y["basis"] == "required")]
    assert stated["n"].sum() == int(out.frame["requirements_stated"].sum())
