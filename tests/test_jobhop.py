"""Full JobHop (both published layouts) and Karrierewege readers, and their download path."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from trendlab.fetch import HashMismatchError, cache_path
from trendlab.sources import jobhop
from trendlab.sources.career_paths import SPELL_COLUMNS, CareerFormatError

FIX = Path(__file__).parent / "fixtures" / "careers"


def test_layout_detection_and_error():
    assert jobhop.jobhop_layout(["person_id", "matched_label", "matched_description",
                                 "matched_code", "start_date", "end_date",
                                 "university_studies"]) == "v1"
    assert jobhop.jobhop_layout(["resume_id", "matched_code", "start_date", "end_date",
                                 "university_level"]) == "v2"
    with pytest.raises(CareerFormatError) as err:
        jobhop.jobhop_layout(["id", "code", "start"], path="x.csv")
    assert "x.csv" in str(err.value) and "resume_id" in str(err.value)


def test_v1_layout():
    out = jobhop.parse_jobhop(FIX / "jobhop_v1.csv")
    assert (out.rows_in, len(out.frame), len(out.quarantine)) == (5, 3, 2)
    assert out.quarantine["reason"].tolist() == ["unknown_occupation", "malformed_date"]
    assert out.quarantine["record_id"].tolist() == ["jobhop_v1.csv:5", "jobhop_v1.csv:6"]
    assert out.quarantine["detail"].tolist() == ["code 'unknown' and no label", "start_date=2010"]
    f = out.frame
    assert f["seq"].tolist() == [0, 1, 2]  # file order within the person
    assert f["occupation_label"].tolist() == ["software developer", "ict product manager",
                                              "shop assistant"]
    assert f["esco_code"].tolist() == ["2512.4", "1330.6", "5223.1"]
    assert f["start"].iloc[1] == pd.Period("2000Q1", freq="Q")
    assert f["dated"].tolist() == [True, True, False]
    assert f["education"].iloc[0] == "university_studies=True"
    assert f.columns.tolist() == SPELL_COLUMNS


def test_v2_layout_present_unknown_and_end_before_start():
    out = jobhop.parse_jobhop(FIX / "jobhop_v2.csv")
    assert (out.rows_in, len(out.frame)) == (6, 4)
    assert sorted(out.quarantine["reason"]) == ["end_before_start", "unknown_occupation"]
    f = out.frame.set_index(["person_id", "seq"])
    pm = f.loc[("0", 1)]
    assert pm["esco_code"] == "1330.6" and pd.isna(pm["occupation_label"])
    assert bool(pm["open_ended"]) and pd.isna(pm["end"])  # "Present"
    assert f.loc[("1", 1), "education"] == "Bachelor"
    assert not bool(f.loc[("2", 0), "dated"])


def test_person_split_over_files_keeps_one_sequence(tmp_path):
    a = tmp_path / "JobHop_train.csv"
    b = tmp_path / "JobHop_val.csv"
    a.write_text("resume_id,matched_code,start_date,end_date,university_level\n"
                 "9,2512.4,Q1 2001,Q4 2002,Master\n")
    b.write_text("resume_id,matched_code,start_date,end_date,university_level\n"
                 "9,1330.6,Q1 2003,Q4 2004,Master\n")
    out = jobhop.parse_jobhop([a, b])
    assert out.frame["seq"].tolist() == [0, 1] and len(out.quarantine) == 0


def test_karrierewege_csv_and_parquet(tmp_path):
    out = jobhop.parse_karrierewege(FIX / "karrierewege.csv")
    assert (out.rows_in, len(out.frame)) == (4, 3)
    assert out.quarantine["reason"].tolist() == ["unknown_occupation"]
    assert out.frame["occupation_label"].tolist() == ["software developer",
                                                      "ict product manager", "web developer"]
    assert not out.frame["dated"].any()
    pq = tmp_path / "0.parquet"
    pd.read_csv(FIX / "karrierewege.csv", dtype=str).to_parquet(pq)
    out2 = jobhop.parse_karrierewege(pq)
    pd.testing.assert_frame_equal(out.frame, out2.frame)


def test_karrierewege_missing_column(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("_id,preferredLabel_en\nk1,software developer\n")
    with pytest.raises(CareerFormatError, match="experience_order"):
        jobhop.parse_karrierewege(p)


def test_download_trust_on_first_use_then_refuse_a_changed_file(http_server, register):
    body = (FIX / "jobhop_v2.csv").read_bytes()
    url = http_server.add("/datasets/aida-ugent/JobHop/resolve/main/JobHop_train.csv", body)
    entry = register("jobhop-test", url, "")  # trust-on-first-use, like the real entry
    out = jobhop.load_jobhop(registry_source="jobhop-test")
    assert len(out.frame) == 4
    assert len(http_server.log) == 1
    jobhop.load_jobhop(registry_source="jobhop-test")
    assert len(http_server.log) == 1  # served from the verified cache
    # the host replaces the file: a fresh download must be refused, not read
    cached = cache_path(entry)
    os.chmod(cached, 0o644)
    cached.unlink()
    http_server.add("/datasets/aida-ugent/JobHop/resolve/main/JobHop_train.csv",
                    body.replace(b"Master", b"PhD"))
    with pytest.raises(HashMismatchError):
        jobhop.load_jobhop(registry_source="jobhop-test")


def test_registry_declares_the_published_files():
    from trendlab.registry import source

    jh = source("jobhop")
    assert [f.name for f in jh.files] == ["JobHop_train.csv", "JobHop_val.csv", "JobHop_test.csv"]
    assert not jh.mirrored and all(f.trust_on_first_use for f in jh.files)
    kw = source("karrierewege")
    assert len(kw.files) == 12 and all(f.url.endswith(".parquet") for f in kw.files)
