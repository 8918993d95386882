"""Stack Overflow survey: one fixture per era's layout, the maps, safe extraction, bad inputs."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from trendlab.sources import so_survey as so

FIX = Path(__file__).parent / "fixtures" / "so_survey"
FAMILIES = {"software_engineering", "product_management", "engineering_management",
            "project_program_management", "data_science_analytics", "design", "other"}


def parse(name: str, year: int):
    return so.parse_survey_csv(FIX / name, year)


def row(out, rid: str) -> pd.Series:
    return out.frame.set_index("respondent_id").loc[rid]


# --------------------------------------------------------------------------- maps


def test_maps_are_consistent():
    maps = so.load_maps()
    assert set(maps.layouts.index) == set(range(2011, 2026))
    assert set(maps.columns["year"]) == set(range(2011, 2026))
    for y in range(2011, 2026):
        fields = set(maps.fields(y)["field"])
        assert {"job_type", "country"} <= fields, y
    assert {fam for _, fam in maps.devtypes.values()} <= FAMILIES
    assert maps.devtypes["product manager"] == ("product_manager", "product_management")
    assert maps.devtypes["engineering manager"] == ("engineering_manager", "engineering_management")
    assert maps.devtypes["manager of developers or team leader"][0] == "engineering_manager"
    y = maps.years
    assert ((y["high"].isna()) | (y["low"] <= y["high"])).all()
    assert "years_code_pro" not in set(maps.fields(2025)["field"])  # not asked in 2025


def test_spreadsheet_bucket_decoding():
    assert so.decode_spreadsheet_bucket("2/5/2013") == "2-5"
    assert so.decode_spreadsheet_bucket("6/10/2014") == "6-10"
    assert so.decode_spreadsheet_bucket("40944") == "2-5"   # 2012-02-05 as a date serial
    assert so.decode_spreadsheet_bucket("41070") == "6-10"  # 2012-06-10
    assert so.decode_spreadsheet_bucket("41310") == "2-5"   # 2013-02-05
    assert so.decode_spreadsheet_bucket("11") == "11"
    assert so.decode_spreadsheet_bucket("<2") == "<2"


# --------------------------------------------------------------------------- eras


def test_2011_2013_era_two_header_rows_latin1_and_mangled_buckets():
    out = parse("2012_early.csv", 2012)
    assert (out.rows_in, len(out.frame), len(out.quarantine)) == (5, 5, 0)
    assert out.frame["respondent_id"].tolist() == ["2012-3", "2012-4", "2012-5", "2012-6", "2012-7"]
    first = row(out, "2012-3")
    assert first["country"] == "Curaçao"  # decoded from latin-1
    assert (first["years_code_pro_low"], first["years_code_pro_high"]) == (0.0, 2.0)
    assert first["job_types"] == "developer_backend"
    lead = row(out, "2012-4")
    assert (lead["years_code_pro_low"], lead["years_code_pro_high"]) == (2.0, 5.0)  # "40944"
    assert lead["role_families"] == "engineering_management"
    assert (row(out, "2012-5")["years_code_pro_low"], row(out, "2012-5")["years_code_pro_high"]) == (6.0, 10.0)
    open_ = row(out, "2012-6")
    assert open_["years_code_pro_low"] == 11.0 and pd.isna(open_["years_code_pro_high"])
    assert pd.isna(row(out, "2012-7")["job_types"])  # no answer, kept
    assert out.frame["employment"].isna().all()  # not asked in 2012
    assert out.frame["years_code_low"].isna().all()


def test_second_header_row_must_hold_options():
    with pytest.raises(so.SurveyFormatError, match="second header row"):
        parse("2013_no_options_row.csv", 2013)


def test_2014_2016_era():
    out15 = parse("2015.csv", 2015)
    assert (out15.rows_in, len(out15.frame)) == (3, 3)
    r = out15.frame.iloc[1]
    assert r["job_types"] == "executive" and r["employment"] == "self_employed"
    assert r["years_code_pro_low"] == 11.0 and pd.isna(r["years_code_pro_high"])
    assert out15.frame.iloc[2][["years_code_pro_low", "years_code_pro_high"]].tolist() == [0.0, 1.0]
    out16 = parse("2016.csv", 2016)
    assert out16.frame["job_types"].tolist() == ["product_manager", "engineering_manager",
                                                 "developer_backend"]
    assert out16.frame["employment"].tolist() == ["employed_full_time", "employed_full_time",
                                                  "not_employed"]
    assert out16.frame.iloc[0][["years_code_pro_low", "years_code_pro_high"]].tolist() == [6.0, 10.0]


def test_2017_2019_era():
    out17 = parse("2017.csv", 2017)
    pm = row(out17, "1")
    assert pm["job_types"] == "product_manager"  # from NonDeveloperType
    assert (pm["years_code_low"], pm["years_code_high"]) == (9.0, 10.0)
    assert (pm["years_code_pro_low"], pm["years_code_pro_high"]) == (4.0, 5.0)
    dev = row(out17, "2")
    assert dev["job_types"] == "developer_mobile;developer_web"
    assert dev["job_type_raw"] == "Web developer; Mobile developer"
    assert dev["years_code_pro_high"] == 1.0 and dev["years_code_low"] == 20.0
    assert pd.isna(row(out17, "3")["job_types"])  # "NA" in both columns
    out18 = parse("2018.csv", 2018)
    both = row(out18, "11")
    assert both["job_types"] == "developer_backend;product_manager"
    assert both["role_families"] == "product_management;software_engineering"
    assert (both["years_code_low"], both["years_code_high"]) == (6.0, 8.0)
    assert row(out18, "12")["years_code_low"] == 30.0
    assert pd.isna(row(out18, "13")["country"])  # NA token


def test_2020_2025_era_multiselect_and_numbers():
    out = parse("2022.csv", 2022)
    assert len(out.frame) == 4 and len(out.quarantine) == 0
    assert row(out, "1")[["years_code_low", "years_code_pro_low"]].tolist() == [12.0, 7.0]
    assert row(out, "2")["employment"] == "employed_full_time;self_employed"
    assert row(out, "2")[["years_code_pro_low", "years_code_pro_high"]].tolist() == [0.0, 1.0]
    old = row(out, "3")
    assert old["years_code_low"] == 50.0 and pd.isna(old["years_code_high"])
    assert old["job_types"] == "developer_fullstack;engineering_manager"
    out25 = parse("2025.csv", 2025)
    assert out25.frame["years_code_pro_low"].isna().all()
    assert out25.frame["employment"].tolist() == ["employed", "employed"]


# --------------------------------------------------------------------------- bad inputs


def test_missing_column_names_field_and_closest_match():
    with pytest.raises(so.SurveyFormatError) as err:
        parse("2019_missing_devtype.csv", 2019)
    msg = str(err.value)
    assert "'DevType'" in msg and "job_type" in msg and "DevTypes" in msg


def test_unknown_categories_malformed_values_and_duplicates_are_quarantined():
    out = parse("2021_bad_values.csv", 2021)
    assert (out.rows_in, len(out.frame), len(out.quarantine)) == (5, 1, 4)
    q = out.quarantine
    assert q["reason"].tolist() == ["malformed_value", "unknown_category", "unknown_category",
                                    "duplicate_respondent"]
    assert q["detail"].tolist() == ["years_code=about ten", "job_type=Chief vibes officer",
                                    "employment=Working sometimes", "respondent_id=1"]
    assert q["record_id"].tolist()[0] == "2021:2 (row 3)"


def test_unknown_year_is_an_error(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a\n1\n")
    with pytest.raises(so.SurveyFormatError, match="no layout declared for survey year 2031"):
        so.parse_survey_csv(p, 2031)


def test_row_longer_than_header_is_an_error(tmp_path):
    p = tmp_path / "survey_results_public.csv"
    p.write_text("ResponseId,Country,Employment,YearsCode,YearsCodePro,DevType\n"
                 "1,Chad,Employed,5,3,Product manager,extra,fields\n")
    with pytest.raises(so.SurveyFormatError, match="cannot read 2021"):
        so.parse_survey_csv(p, 2021)


# --------------------------------------------------------------------------- archives


def make_zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def test_archive_with_macos_junk_is_extracted_and_read(tmp_path):
    data = (FIX / "2022.csv").read_bytes()
    z = make_zip(tmp_path / "stack-overflow-developer-survey-2022.zip", {
        "survey_results_public.csv": data,
        "survey_results_schema.csv": b"qname,question\n",
        "__MACOSX/._survey_results_public.csv": b"\x00junk",
    })
    out = so.parse_survey_archive(z, 2022, dest=tmp_path / "x")
    assert len(out.frame) == 4
    assert (tmp_path / "x" / "survey_results_public.csv").is_file()
    # a second call reuses the completed extraction
    again = so.parse_survey_archive(z, 2022, dest=tmp_path / "x")
    pd.testing.assert_frame_equal(out.frame, again.frame)


@pytest.mark.parametrize("member, why", [
    ("../escape.csv", "'..' in path"),
    ("/abs/evil.csv", "absolute path"),
    ("data/../../escape.csv", "'..' in path"),
    ("C:/windows/evil.csv", "absolute path"),
])
def test_path_escape_members_refuse_the_whole_archive(tmp_path, member, why):
    z = make_zip(tmp_path / "bad.zip", {"survey_results_public.csv": b"a\n", member: b"x"})
    dest = tmp_path / "out"
    with pytest.raises(so.UnsafeArchiveError) as err:
        so.safe_extract(z, dest)
    assert member in str(err.value) and why in str(err.value)
    assert not dest.exists() and not (tmp_path / "escape.csv").exists()


def test_symlink_member_is_refused(tmp_path):
    z = make_zip(tmp_path / "link.zip", {"a.csv": b"a\n"}, symlink="survey_results_public.csv")
    with pytest.raises(so.UnsafeArchiveError, match="symbolic link"):
        so.safe_extract(z, tmp_path / "out")


def test_corrupted_zip_is_a_clear_error(tmp_path):
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("survey_results_public.csv", (FIX / "2022.csv").read_bytes() * 20)
    raw = bytearray(good.getvalue())
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(bytes(raw[: len(raw) // 2]))
    with pytest.raises(so.SurveyFormatError, match="corrupted or not a zip"):
        so.safe_extract(truncated, tmp_path / "a")
    flipped = tmp_path / "flipped.zip"
    raw[60:90] = bytes(b ^ 0xFF for b in raw[60:90])  # damage compressed data, keep directory
    flipped.write_bytes(bytes(raw))
    with pytest.raises(so.SurveyFormatError, match="corrupted"):
        so.safe_extract(flipped, tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_archive_without_the_responses_file(tmp_path):
    z = make_zip(tmp_path / "s.zip", {"README_2019.txt": b"hi"})
    with pytest.raises(so.SurveyFormatError, match="survey_results_public.csv"):
        so.parse_survey_archive(z, 2019, dest=tmp_path / "o")


def test_load_through_registry_and_local_http_server(http_server, register):
    years = {2016: "2016.csv", 2022: "2022.csv"}
    for y, name in years.items():
        member = ("2016 Stack Overflow Survey Responses.csv" if y == 2016
                  else "survey_results_public.csv")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(member, (FIX / name).read_bytes())
        url = http_server.add(f"/datasets/stack-overflow-developer-survey-{y}.zip", buf.getvalue())
        register("so-test", url, "")
    out = so.load(registry_source="so-test")
    assert out.frame.groupby("year").size().to_dict() == {2016: 3, 2022: 4}
    assert out.rows_in == 7
    only = so.load(years=[2022], registry_source="so-test")
    assert only.frame["year"].unique().tolist() == [2022]
    assert len(http_server.log) == 2  # each archive downloaded once
    with pytest.raises(so.SurveyFormatError, match="2019"):
        so.load(years=[2019], registry_source="so-test")


def test_explode_job_types_long_format():
    out = parse("2018.csv", 2018)
    long = so.explode_job_types(out.frame)
    assert long[long["respondent_id"] == "11"]["job_type"].tolist() == ["developer_backend",
                                                                        "product_manager"]
    assert len(long) == 3  # respondent 13 gave no job type
