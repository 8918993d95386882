"""The career-path spells table and the ICT benchmark reader (hand-made fixtures, real mirror)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from trendlab.sources import career_paths as cp

FIX = Path(__file__).parent / "fixtures" / "careers"
MIRROR = os.environ.get("TRENDLAB_MIRROR")


def test_parse_quarter_accepts_the_published_form_and_rejects_others():
    assert cp.parse_quarter("Q2 1998") == pd.Period("1998Q2", freq="Q")
    assert cp.parse_quarter(" q4 2007 ") == pd.Period("2007Q4", freq="Q")
    assert cp.parse_quarter("Present") is None
    assert cp.parse_quarter("") is None
    assert cp.parse_quarter(None) is None
    for bad in ("Q5 2015", "2010", "Q1 20", "Q1 1850", "1998Q2"):
        with pytest.raises(ValueError, match="not a quarter"):
            cp.parse_quarter(bad)


def test_parse_quarters_flags_malformed_and_open_values():
    per, bad, open_ = cp.parse_quarters(pd.Series(["Q1 2000", "Present", "later", None, "Q3 2001"]))
    assert [None if pd.isna(p) else str(p) for p in per] == ["2000Q1", None, None, None, "2001Q3"]
    assert bad.tolist() == [False, False, True, False, False]
    assert open_.tolist() == [False, True, False, False, False]


def test_quarter_ordinal_is_arithmetic_safe_with_missing_values():
    s = pd.Series(pd.PeriodIndex(["2000Q1", None, "2000Q4"], freq="Q"))
    assert cp.quarter_ordinal(s).tolist() == [8000, pd.NA, 8003]


def test_benchmark_jobhop_spells_and_quarantine():
    out = cp.parse_benchmark(FIX / "jobhop_interactions.csv", FIX / "jobhop_items.csv",
                             dataset="jobhop")
    assert out.rows_in == 13
    assert len(out.frame) == 8 and len(out.quarantine) == 5
    reasons = out.quarantine.set_index("record_id")["reason"].to_dict()
    # record ids are CSV line numbers (header = line 1)
    assert reasons == {
        "8": "unknown_occupation",      # quantum whisperer is not in items.csv
        "9": "malformed_date",          # Q5 2015
        "10": "end_before_start",       # Q3 2017 .. Q2 2016
        "13": "duplicate_seq",          # second record at seq 1 of person 504
        "12": "duplicate_spell",        # same help-desk spell as seq 0, same dates
    }
    assert out.quarantine.loc[out.quarantine.reason == "malformed_date", "detail"].item() == (
        "start_date=Q5 2015")
    f = out.frame.set_index(["person_id", "seq"])
    assert f.loc[("501", 0), "esco_code"] == "2512.4"
    assert f.loc[("501", 0), "start"] == pd.Period("2001Q1", freq="Q")
    assert f.loc[("501", 1), "occupation_label"] == "ict product manager"
    assert bool(f.loc[("501", 1), "open_ended"]) and pd.isna(f.loc[("501", 1), "end"])
    assert not bool(f.loc[("502", 0), "dated"]) and not bool(f.loc[("502", 0), "open_ended"])
    assert bool(f.loc[("504", 2), "open_ended"])  # "Present"
    assert f.loc[("503", 0), "education"] == "university_studies=True"
    assert out.frame["source"].unique().tolist() == ["career-paths-ict/jobhop"]
    assert out.frame.columns.tolist() == cp.SPELL_COLUMNS


def test_benchmark_karrierewege_is_undated_and_checks_seq():
    out = cp.parse_benchmark(FIX / "karrierewege_interactions.csv",
                             FIX / "karrierewege_items.csv", dataset="karrierewege")
    assert (out.rows_in, len(out.frame)) == (6, 4)
    assert sorted(out.quarantine["reason"]) == ["malformed_seq", "unknown_occupation"]
    assert not out.frame["dated"].any() and out.frame["start"].isna().all()
    assert out.frame["esco_code"].isna().all()


def test_missing_column_names_file_and_columns(tmp_path):
    p = tmp_path / "interactions.csv"
    p.write_text("user_id,sequence_pos,label\n1,0,software developer\n")
    with pytest.raises(cp.CareerFormatError) as err:
        cp.parse_benchmark(p, dataset="jobhop")
    msg = str(err.value)
    assert str(p) in msg and "item_id" in msg and "start_date" in msg


def test_build_spells_never_mutates_input():
    raw = pd.DataFrame({"record_id": ["1"], "person_id": ["p"], "seq": ["0"],
                        "occupation_label": ["Software Developer"], "esco_code": [None],
                        "family": [None], "start_raw": ["Q1 2000"], "end_raw": [None],
                        "education": [None]})
    before = raw.copy()
    out = cp.build_spells(raw, source="x", file="f")
    pd.testing.assert_frame_equal(raw, before)
    assert out.frame["occupation_label"].item() == "software developer"


def _serve_benchmark(http_server, register, name: str) -> None:
    for d, stem in (("jobhop_ict_benchmark_v1", "jobhop"),
                    ("karrierewege_ict_benchmark_v1", "karrierewege")):
        for f in ("interactions", "items"):
            body = (FIX / f"{stem}_{f}.csv").read_bytes()
            url = http_server.add(f"/bench/{d}/{f}.csv", body)
            register(name, url, hashlib.sha256(body).hexdigest(), len(body))


def test_load_through_registry_and_local_http_server(http_server, register):
    _serve_benchmark(http_server, register, "careers-test")
    out = cp.load(registry_source="careers-test")
    assert out.rows_in == 19 and len(out.frame) == 12 and len(out.quarantine) == 7
    assert set(out.frame["source"]) == {"career-paths-ict/jobhop", "career-paths-ict/karrierewege"}
    hits = len(http_server.log)
    cp.load(registry_source="careers-test")  # verified cache: no second request
    assert len(http_server.log) == hits == 4


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_benchmark_matches_its_own_metadata(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    out = cp.load()
    assert len(out.quarantine) == 0 and out.rows_in == len(out.frame)
    for d in cp.DATASETS:
        meta = cp.load_metadata(d)
        part = out.frame[out.frame["source"] == f"career-paths-ict/{d}"]
        assert len(part) == meta["stats"]["filtered_interactions"]
        assert part["person_id"].nunique() == meta["stats"]["filtered_users"]
        assert part["occupation_label"].nunique() == meta["stats"]["filtered_items"]
        assert json.dumps(meta)  # readable JSON
    jobhop = out.frame[out.frame["source"].str.endswith("jobhop")]
    assert jobhop["esco_code"].notna().all()
    assert (jobhop["occupation_label"] == "ict product manager").sum() > 0
