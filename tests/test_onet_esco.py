"""O*NET and ESCO loaders: hand-written fixtures in the real layouts, the registry path, the mirror."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trendlab import registry
from trendlab.sources import esco, onet

FIX = Path(__file__).parent / "fixtures"
ONET = FIX / "onet"
ESCO = FIX / "esco"
MIRROR = os.environ.get("TRENDLAB_MIRROR")  # read before the autouse fixture unsets it


def reasons(loaded) -> dict[str, int]:
    return loaded.quarantine["reason"].value_counts().to_dict()


# --------------------------------------------------------------------------- O*NET


def test_technology_skills_keeps_good_rows_and_says_why_it_drops_the_rest():
    got = onet.load_technology_skills(path=ONET / "technology_skills.csv")
    f = got.frame
    assert list(f.columns) == [
        "soc_code", "occupation", "example", "commodity_code", "commodity_title", "hot_technology", "in_demand",
    ]
    assert got.rows_in == 11 and len(f) == 6 and len(got.quarantine) == 5
    assert reasons(got) == {
        "duplicate": 1, "missing_value": 1, "bad_soc_code": 1, "bad_flag": 1, "bad_commodity_code": 1,
    }
    # the byte-order mark does not leak into the first column name, and flags are booleans
    py = f[(f.example == "Python") & (f.soc_code == "15-9901.00")].iloc[0]
    assert bool(py.hot_technology) and bool(py.in_demand)
    assert not f.set_index("example").loc["Zorblax Query Studio", "hot_technology"]
    assert str(f.hot_technology.dtype) == "boolean" and str(f.soc_code.dtype).startswith("str")
    q = got.quarantine.set_index("record_id")
    assert q.loc["8", "reason"] == "bad_flag" and "'maybe'" in q.loc["8", "detail"]
    assert q.loc["5", "reason"] == "duplicate"
    assert set(got.quarantine["file"]) == {"technology_skills.csv"}


def test_occupations_and_related_occupations():
    occ = onet.load_occupations(path=ONET / "occupation_data.csv")
    assert occ.rows_in == 5 and list(occ.frame.soc_code) == ["15-9901.00", "15-9902.00", "15-9903.00"]
    assert reasons(occ) == {"duplicate": 1, "bad_soc_code": 1}

    rel = onet.load_related_occupations(path=ONET / "related_occupations.csv")
    assert rel.rows_in == 8 and len(rel.frame) + len(rel.quarantine) == 8
    assert reasons(rel) == {"unknown_tier": 1, "self_loop": 1, "bad_rank": 1, "duplicate": 1}
    assert str(rel.frame["rank"].dtype) == "Int64"
    assert set(rel.frame.relatedness_tier) <= set(onet.RELATEDNESS_TIERS)
    first = rel.frame[(rel.frame.soc_code == "15-9901.00") & (rel.frame["rank"] == 1)]
    assert first.related_title.tolist() == ["Gadget Analysts"]


def test_alternate_titles_are_exploded_one_row_per_title():
    alt = onet.load_alternate_titles(path=ONET / "alternate_titles.csv")
    assert sorted(alt.frame.alternate_title) == [
        "Gadget Analyst", "Gadget Data Person", "Senior Widget Programmer", "Widget Coder",
    ]
    # 6 titles read + 2 file rows that yield none
    assert alt.rows_in == 8 and len(alt.quarantine) == 4
    assert reasons(alt) == {"duplicate": 1, "empty_title": 1, "unparsable_list": 1, "bad_soc_code": 1}
    assert alt.quarantine.set_index("reason").loc["unparsable_list", "record_id"] == "line 4"


def test_onet_missing_column_is_named(tmp_path):
    bad = tmp_path / "technology_skills.csv"
    bad.write_text("PK,O*NET-SOC Code,Title,Commodity Code,Commodity Title,Hot Technology,In Demand\n")
    with pytest.raises(onet.OnetFormatError, match=r"technology_skills.csv: missing column\(s\) \['Example'\]"):
        onet.load_technology_skills(path=bad)


def test_loaders_do_not_touch_their_input_file(tmp_path):
    src = tmp_path / "t.csv"
    shutil.copy(ONET / "technology_skills.csv", src)
    before = src.read_bytes()
    onet.load_technology_skills(path=src)
    assert src.read_bytes() == before


def test_onet_loaders_read_through_the_registry(http_server, monkeypatch):
    """No path given: the loader resolves the registered file (served here over HTTP)."""
    files = []
    for name in ("technology_skills.csv", "occupation_data.csv", "related_occupations.csv", "alternate_titles.csv"):
        body = (ONET / name).read_bytes()
        url = http_server.add(f"/onet/{name}", body)
        files.append(registry.FileEntry("onet", url, hashlib.sha256(body).hexdigest(), len(body)))
    srcs = dict(registry.sources())
    srcs["onet"] = registry.Source(**{**srcs["onet"].__dict__, "files": tuple(files)})
    monkeypatch.setattr(registry, "sources", lambda: srcs)
    assert len(onet.load_technology_skills().frame) == 6
    assert len(onet.load_alternate_titles().frame) == 4
    assert all(p.startswith("/onet/") for p in http_server.log)


# --------------------------------------------------------------------------- ESCO


def test_split_labels_handles_both_separators():
    assert esco.split_labels("a b\n c d \n\n") == ["a b", "c d"]
    assert esco.split_labels("x | y|z") == ["x", "y|z"]  # only " | " separates
    assert esco.split_labels(None) == [] and esco.split_labels("  ") == []


def test_esco_occupations_keep_isco_leading_zeros():
    got = esco.load_occupations(path=ESCO / "occupations_en.csv")
    assert got.rows_in == 6 and len(got.frame) == 3
    assert reasons(got) == {"bad_isco_code": 1, "duplicate": 1, "bad_uri": 1}
    codes = dict(zip(got.frame.preferred_label, got.frame.isco_code, strict=True))
    assert codes == {"widget product manager": "1330", "gadget developer": "2512", "sprocket officer": "0110"}


def test_esco_occupation_labels_are_long_and_deduplicated():
    got = esco.load_occupation_labels(path=ESCO / "occupations_en.csv")
    f = got.frame
    wpm = f[f.preferred_label == "widget product manager"]
    assert sorted(wpm.label) == ["WPM lead", "widget product manager", "widget products manager"]
    assert dict(zip(wpm.label, wpm.label_type, strict=True))["widget product manager"] == "preferred"
    assert f.set_index("label").loc["gadget dev", "label_type"] == "hidden"
    assert got.rows_in == len(f) + len(got.quarantine) == 6 + 3


def test_esco_isco_groups_ict_skills_groups_and_hierarchy():
    isco = esco.load_isco_groups(path=ESCO / "ISCOGroups_en.csv")
    assert dict(zip(isco.frame.code, isco.frame.level, strict=True)) == {"0": 1, "2512": 4}
    assert reasons(isco) == {"bad_isco_code": 1}

    ict = esco.load_ict_skills(path=ESCO / "ictSkillsCollection_en.csv")
    assert len(ict.frame) == 2 and reasons(ict) == {"duplicate": 1}
    wp = ict.frame.set_index("preferred_label").loc["widget programming"]
    assert wp.broader_uris.split(" | ")[0] == "http://data.europa.eu/esco/skill/S9.1"
    labels = esco.load_ict_skill_labels(path=ESCO / "ictSkillsCollection_en.csv").frame
    assert sorted(labels[labels.preferred_label == "widget programming"].label) == [
        "widget coding", "widget programming", "write widget code",
    ]

    groups = esco.load_skill_groups(path=ESCO / "skillGroups_en.csv")
    assert dict(zip(groups.frame.uri, groups.frame.scheme, strict=True)) == {
        "http://data.europa.eu/esco/skill/S9.1": "skills",
        "http://data.europa.eu/esco/isced-f/9913": "isced-f",
    }
    assert groups.frame.alt_labels.iloc[0] == "widget assembly | widget building"
    assert reasons(groups) == {"missing_value": 1}

    h = esco.load_skills_hierarchy(path=ESCO / "skillsHierarchy_en.csv")
    nodes = h.frame.set_index("uri")
    assert nodes.loc["http://data.europa.eu/esco/skill/S9.1", "parent_uri"] == "http://data.europa.eu/esco/skill/S9"
    assert nodes.loc["http://data.europa.eu/esco/skill/S9.1", "level"] == 2
    assert pd.isna(nodes.loc["http://data.europa.eu/esco/skill/S", "parent_uri"])
    assert reasons(h) == {"broken_path": 1, "duplicate": 1} and h.rows_in == 5


def test_esco_missing_column_is_named(tmp_path):
    bad = tmp_path / "occupations_en.csv"
    bad.write_text("conceptType,conceptUri,preferredLabel\n")
    with pytest.raises(esco.EscoFormatError, match=r"missing column\(s\) \['iscoGroup'"):
        esco.load_occupations(path=bad)


# --------------------------------------------------------------------------- the real files


@pytest.fixture
def mirror(monkeypatch):
    if not MIRROR:
        pytest.skip("TRENDLAB_MIRROR is not set")
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)


@pytest.mark.mirror
def test_real_onet_files_load_whole(mirror):
    ts = onet.load_technology_skills()
    assert len(ts.quarantine) == 0 and ts.rows_in > 30_000
    hot = ts.frame.groupby("example").hot_technology.any()
    assert hot["Python"] and hot["SQL" if "SQL" in hot else "Structured query language SQL"]
    occ = onet.load_occupations().frame.set_index("soc_code")
    assert occ.loc["15-1252.00", "title"] == "Software Developers"
    rel = onet.load_related_occupations()
    assert len(rel.quarantine) == 0 and set(rel.frame.relatedness_tier) == set(onet.RELATEDNESS_TIERS)
    alt = onet.load_alternate_titles()
    assert alt.rows_in == len(alt.frame) + len(alt.quarantine) and len(alt.frame) > 50_000


@pytest.mark.mirror
def test_real_esco_files_load_whole(mirror):
    lab = esco.load_occupation_labels()
    assert len(lab.quarantine) == 0
    assert lab.frame.query("label == 'ICT product manager'").isco_code.tolist() == ["1330"]
    assert esco.load_isco_groups().frame.set_index("code").loc["2512", "level"] == 4
    assert "computer programming" in set(esco.load_ict_skills().frame.preferred_label)
    h = esco.load_skills_hierarchy()
    assert len(h.quarantine) == 0 and h.frame.level.max() == 3
