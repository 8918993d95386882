"""USAJOBS product-manager export: tidy rows, quarantine, series counts with Wilson intervals."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trendlab import registry
from trendlab.schemas import SHARES
from trendlab.sources import usajobs

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "usajobs"
Z95 = 1.959963984540054


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make a fixture file the only file of the ``usajobs`` source, served from a local mirror."""
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))

    def serve(name: str) -> registry.FileEntry:
        data = (FIX / name).read_bytes()
        url = f"https://fixtures.invalid/usajobs/data/exports/{name}"
        e = registry.FileEntry("usajobs", url, hashlib.sha256(data).hexdigest(), len(data))
        dest = mirror / e.cache_key
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIX / name, dest)
        srcs = dict(registry.sources())
        srcs["usajobs"] = registry.Source(**{**srcs["usajobs"].__dict__, "files": (e,)})
        monkeypatch.setattr(registry, "sources", lambda: srcs)
        return e

    return serve


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval written out (Wilson 1927; Agresti & Coull 1998, eq. 2)."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# --------------------------------------------------------------------------- loading


def test_load_keeps_good_rows_and_quarantines_each_bad_one(served):
    served("product_manager_jobs.csv")
    got = usajobs.load()
    f, q = got.frame, got.quarantine
    assert got.rows_in == 15 and len(f) == 7 and len(q) == 8
    assert set(f["control_number"]) == {f"90000000{i}" for i in range(1, 7)} | {"900000015"}
    reasons = dict(zip(q["record_id"].str.extract(r"^(row \d+)")[0], q["reason"], strict=True))
    assert reasons == {
        "row 7": "unparsable open date",
        "row 8": "bad job series",
        "row 9": "non-numeric salary",
        "row 10": "raw_data is not valid JSON",
        "row 11": "duplicate control number",
        "row 12": "close date before open date",
        "row 13": "raw_data names another announcement",
        "row 14": "missing title",
    }
    assert (q["file"] == "product_manager_jobs.csv").all() and (q["source"] == "usajobs").all()
    detail = dict(zip(q["reason"], q["detail"], strict=True))
    assert "'05/17/2023'" in detail["unparsable open date"] and "YYYY-MM-DD" in detail["unparsable open date"]
    assert "'IT'" in detail["bad job series"]
    assert "also on row 1" in detail["duplicate control number"]
    assert "900000099" in detail["raw_data names another announcement"]
    assert "control_number 900000007" in q.loc[q["reason"] == "unparsable open date", "record_id"].item()


def test_tidy_columns_and_normalised_fields(served):
    served("product_manager_jobs.csv")
    f = usajobs.load().frame.set_index("control_number")
    assert str(f["open_date"].dtype) == "datetime64[ns]"
    assert f.loc["900000001", "year"] == 2022 and f.loc["900000001", "title"] == "Product Manager (Digital Services)"
    # multi-series postings keep every code, in published order
    assert f.loc["900000003", "job_series"] == "0854;0855"
    assert f.loc["900000003", "primary_series"] == "0854" and f.loc["900000003", "n_series"] == 2
    assert f.loc["900000004", "job_series"] == "0301;2210"
    assert bool(f.loc["900000004", "includes_2210"]) and f.loc["900000004", "primary_series"] == "0301"
    # a code that lost its leading zero is restored
    assert f.loc["900000006", "job_series"] == "0340"
    # grades lose leading zeros, pay plan kept beside them
    assert f.loc["900000015", "grade_min"] == "4" and f.loc["900000015", "pay_plan"] == "NF"
    assert f.loc["900000005", "salary_type"] == "Per Hour" and f.loc["900000005", "salary_min"] == 40.5
    assert f.loc["900000002", "agency"] == "Office of Example Programs"


def test_missing_columns_error_names_file_and_columns(served):
    served("missing_columns.csv")
    with pytest.raises(usajobs.USAJobsFormatError) as err:
        usajobs.read_file(registry.source("usajobs").files[0])
    msg = str(err.value)
    assert msg.startswith("missing_columns.csv")
    assert "'position_open_date'" in msg and "'job_series'" in msg and "found [" in msg


def test_parse_frame_does_not_mutate_input():
    raw = pd.read_csv(FIX / "product_manager_jobs.csv", dtype=str, keep_default_na=False)
    before = raw.copy()
    usajobs.parse_frame(raw)
    pd.testing.assert_frame_equal(raw, before)


@pytest.mark.parametrize(
    ("text", "codes"),
    [("2210", ["2210"]), ("0854, 0855", ["0854", "0855"]), ("301;2210", ["0301", "2210"]),
     ("2210, 2210", ["2210"]), (" 0340 ", ["0340"])],
)
def test_normalise_series(text, codes):
    assert usajobs.normalise_series(text) == codes


@pytest.mark.parametrize("text", ["", "IT", "22100", "2210, x"])
def test_normalise_series_rejects(text):
    with pytest.raises(ValueError):
        usajobs.normalise_series(text)


# --------------------------------------------------------------------------- series counts


def test_counts_by_year_with_hand_computed_wilson_intervals(served):
    served("product_manager_jobs.csv")
    f = usajobs.load().frame
    before = f.copy()
    out = usajobs.pm_postings_by_series(f)
    pd.testing.assert_frame_equal(f, before)
    SHARES.validate(out)
    rows = out.set_index("period")
    assert rows["successes"].to_dict() == {"2022": 1, "2023": 2, "2024": 0}
    assert rows["n"].to_dict() == {"2022": 2, "2023": 4, "2024": 1}
    assert rows["others"].to_dict() == {"2022": 1, "2023": 2, "2024": 1}
    assert rows["multi_series"].to_dict() == {"2022": 0, "2023": 2, "2024": 0}
    assert rows.loc["2023", "share"] == pytest.approx(0.5)
    for period, (x, n) in {"2022": (1, 2), "2023": (2, 4), "2024": (0, 1)}.items():
        lo, hi = wilson(x, n)
        assert rows.loc[period, "ci_low"] == pytest.approx(max(lo, 0.0), abs=1e-12)
        assert rows.loc[period, "ci_high"] == pytest.approx(hi)
    assert (out["measure"] == "series 2210").all()


def test_primary_rule_counts_only_first_listed_series(served):
    served("product_manager_jobs.csv")
    out = usajobs.pm_postings_by_series(usajobs.load().frame, multi="primary").set_index("period")
    assert out["successes"].to_dict() == {"2022": 1, "2023": 1, "2024": 0}


def test_wilson_textbook_values():
    # 0 of 10 at 95%: upper bound z^2 / (n + z^2) = 0.2775; 5 of 10: 0.2366 to 0.7634
    df = pd.DataFrame({"year": [2020] * 10 + [2021] * 10, "n_series": 1,
                       "job_series": ["0340"] * 10 + ["2210"] * 5 + ["0301"] * 5})
    df["primary_series"] = df["job_series"]
    out = usajobs.pm_postings_by_series(df).set_index("period")
    assert out.loc["2020", "ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["2020", "ci_high"] == pytest.approx(0.2775, abs=5e-5)
    assert out.loc["2021", "ci_low"] == pytest.approx(0.2366, abs=5e-5)
    assert out.loc["2021", "ci_high"] == pytest.approx(0.7634, abs=5e-5)


def test_other_series_and_bad_arguments():
    df = pd.DataFrame({"year": [2020, 2020], "n_series": [1, 1], "job_series": ["0340", "2210"],
                       "primary_series": ["0340", "2210"]})
    out = usajobs.pm_postings_by_series(df, series="340")
    assert out["successes"].tolist() == [1] and out["measure"].tolist() == ["series 0340"]
    with pytest.raises(ValueError, match="multi must be"):
        usajobs.pm_postings_by_series(df, multi="all")
    with pytest.raises(ValueError, match="one code"):
        usajobs.pm_postings_by_series(df, series="2210, 0340")
    with pytest.raises(ValueError, match=r"missing \['year'\]"):
        usajobs.pm_postings_by_series(df.drop(columns="year"))


# --------------------------------------------------------------------------- real mirror


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    got = usajobs.load()
    f = got.frame
    assert got.rows_in == 537 and len(f) + len(got.quarantine) == 537
    assert f["year"].min() == 2017 and f["year"].max() == 2025
    assert (f["n_series"] > 1).sum() >= 1
    out = usajobs.pm_postings_by_series(f)
    assert int(out["n"].sum()) == len(f)
    assert int(out["successes"].sum()) == int(f["includes_2210"].sum())
