"""Bad inputs across the loaders: encodings, zip bombs, truncated JSON, columns, duplicate ids.

Every file here is a hand-written fixture (tests/fixtures) or is written by the test, changed
byte by byte into the bad form. The rule checked: a bad input ends in an error naming the file
(and the line or field) and what was expected, or in the quarantine with its reason.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from trendlab import registry
from trendlab.sources import career_paths, esco, indeed, jobhop, onet, usajobs
from trendlab.sources import so_survey as so

FIX = Path(__file__).parent / "fixtures"
BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str, bytes], registry.FileEntry]:
    """Make ``data`` the only file of a registry source, served from a local mirror."""
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))
    srcs = dict(registry.sources())
    monkeypatch.setattr(registry, "sources", lambda: srcs)

    def serve(source: str, name: str, data: bytes) -> registry.FileEntry:
        url = f"https://fixtures.invalid/{source}/{hashlib.sha256(data).hexdigest()[:12]}/{name}"
        e = registry.FileEntry(source, url, hashlib.sha256(data).hexdigest(), len(data))
        dest = mirror / e.cache_key
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        srcs[source] = registry.Source(**{**srcs[source].__dict__, "files": (e,)})
        return e

    return serve


def _insert(data: bytes, line: int, extra: bytes) -> bytes:
    """``extra`` put at the end of physical line ``line`` (1-based), inside a closing quote."""
    lines = data.split(b"\n")
    text = lines[line - 1].rstrip(b"\r")
    cut = len(text) - 1 if text.endswith(b'"') else len(text)
    lines[line - 1] = text[:cut] + extra + lines[line - 1][cut:]
    return b"\n".join(lines)


# --------------------------------------------------------------------------- encodings

# One reader per CSV loader: (fixture, how to read a path). The published files are all UTF-8
# (O*NET's with a byte-order mark); the Stack Overflow survey's encoding is declared per year.


def _indeed(served):
    return lambda p: indeed.read_file(served("indeed-ai", p.name, p.read_bytes()), "ai")


def _usajobs(served):
    return lambda p: usajobs.read_file(served("usajobs", p.name, p.read_bytes()))


READERS: dict[str, tuple[str, Callable]] = {
    "indeed": ("indeed/ai_share.csv", _indeed),
    "usajobs": ("usajobs/product_manager_jobs.csv", _usajobs),
    "career_paths": (
        "careers/jobhop_interactions.csv",
        lambda s: lambda p: career_paths.parse_benchmark(p, FIX / "careers/jobhop_items.csv", dataset="jobhop"),
    ),
    "career_paths_items": (
        "careers/jobhop_items.csv",
        lambda s: lambda p: career_paths.parse_benchmark(FIX / "careers/jobhop_interactions.csv", p, dataset="jobhop"),
    ),
    "jobhop": ("careers/jobhop_v1.csv", lambda s: jobhop.parse_jobhop),
    "karrierewege": ("careers/karrierewege.csv", lambda s: jobhop.parse_karrierewege),
    "esco": ("esco/occupations_en.csv", lambda s: lambda p: esco.load_occupations(path=p)),
    "onet": ("onet/occupation_data.csv", lambda s: lambda p: onet.load_occupations(path=p)),
    "so_survey": ("so_survey/2018.csv", lambda s: lambda p: so.parse_survey_csv(p, 2018)),
}


def _plain(name: str) -> bytes:
    data = (FIX / name).read_bytes()
    return data[len(BOM):] if data.startswith(BOM) else data


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / "in" / Path(name).name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame)
    # the quarantine names the file read, which differs between the two copies
    pd.testing.assert_frame_equal(a.quarantine.drop(columns="file"), b.quarantine.drop(columns="file"))
    assert a.rows_in == b.rows_in


@pytest.mark.parametrize("loader", sorted(READERS))
def test_a_byte_order_mark_reads_the_same(loader, tmp_path, served):
    name, make = READERS[loader]
    read = make(served)
    plain = read(_write(tmp_path / "a", name, _plain(name)))
    with_bom = read(_write(tmp_path / "b", name, BOM + _plain(name)))
    assert plain.rows_in > 0 and len(plain.frame) > 0
    _same(plain, with_bom)
    first = next(c for c in plain.frame.columns)
    assert not str(first).startswith("\ufeff")


@pytest.mark.parametrize("bad", [b"\xe9", b"\xff\xfe", b"\xc3("], ids=["latin1-e-acute", "invalid", "cut-sequence"])
@pytest.mark.parametrize("loader", sorted(READERS))
def test_bytes_that_are_not_utf8_are_an_error_naming_file_line_and_byte(loader, bad, tmp_path, served):
    name, make = READERS[loader]
    data = _plain(name)
    line = 3
    broken = _insert(data, line, bad)
    offset = len(b"\n".join(broken.split(b"\n")[: line - 1])) + 1 + broken.split(b"\n")[line - 1].index(bad)
    path = _write(tmp_path, name, broken)
    with pytest.raises(ValueError) as err:
        make(served)(path)
    msg = str(err.value)
    assert Path(name).name in msg
    assert f"line {line}, byte {offset}" in msg
    assert repr(bad[:1]) in msg or repr(bad) in msg
    assert "utf-8" in msg.lower()
    assert "UnicodeDecodeError" not in type(err.value).__name__


def test_empty_csv_files_are_an_error_naming_the_file(tmp_path, served):
    for loader, (name, make) in READERS.items():
        if loader == "so_survey":
            continue  # its own test: the header rows are missing
        path = _write(tmp_path / loader, name, b"")
        with pytest.raises(ValueError, match=Path(name).name):
            make(served)(path)
    with pytest.raises(so.SurveyFormatError, match="2018.csv: file ends before its 1 header row"):
        so.parse_survey_csv(_write(tmp_path / "so", "2018.csv", b""), 2018)


# --------------------------------------------------------------------------- so-survey zip


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_extracted(tmp_path, monkeypatch):
    monkeypatch.setattr(so, "MAX_UNCOMPRESSED", 10_000)
    # 200 kB of one repeated row compresses to a few hundred bytes
    bomb = _zip(tmp_path / "bomb.zip", {"survey_results_public.csv": b"a,b\n" + b"1,2\n" * 50_000})
    assert bomb.stat().st_size < 10_000
    dest = tmp_path / "out"
    with pytest.raises(so.SurveyFormatError) as err:
        so.safe_extract(bomb, dest)
    assert "bomb.zip" in str(err.value)
    assert "uncompressed size 200004 bytes exceeds the limit 10000" in str(err.value)
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [bomb]  # no temporary folder either
    # through the loader too
    with pytest.raises(so.SurveyFormatError, match="exceeds the limit"):
        so.parse_survey_archive(bomb, 2019, dest=dest)
    assert not dest.exists()
    # the limit is the total over members, not per member
    many = _zip(tmp_path / "many.zip", {f"part{i}.csv": b"x" * 4_000 for i in range(3)})
    with pytest.raises(so.SurveyFormatError, match="12000 bytes exceeds the limit 10000"):
        so.safe_extract(many, tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_a_member_whose_header_understates_its_size_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(so, "MAX_UNCOMPRESSED", 10_000)
    body = b"a,b\n" + b"1,2\n" * 50_000
    raw = bytearray(_zip(tmp_path / "x.zip", {"survey_results_public.csv": body}).read_bytes())
    # declare 10 bytes in the local header and the central directory: under the limit

    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, local + 22, 10)
    struct.pack_into("<I", raw, central + 24, 10)
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(raw))
    dest = tmp_path / "out"
    with pytest.raises(so.SurveyFormatError, match=r"liar\.zip: corrupted member .*CRC"):
        so.safe_extract(liar, dest)
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out")]


def test_a_zip_without_members_is_a_clear_error(tmp_path):
    empty = _zip(tmp_path / "empty.zip", {})
    with pytest.raises(so.SurveyFormatError, match=r"empty\.zip: the archive holds no file"):
        so.safe_extract(empty, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    only_dirs = tmp_path / "dirs.zip"
    with zipfile.ZipFile(only_dirs, "w") as zf:
        zf.writestr(zipfile.ZipInfo("folder/"), b"")
    with pytest.raises(so.SurveyFormatError, match="holds no file"):
        so.parse_survey_archive(only_dirs, 2019, dest=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # an empty byte string is not a zip at all
    nothing = tmp_path / "nothing.zip"
    nothing.write_bytes(b"")
    with pytest.raises(so.SurveyFormatError, match=r"nothing\.zip: corrupted or not a zip"):
        so.safe_extract(nothing, tmp_path / "out")




# --------------------------------------------------------------------------- truncated JSON


def _run_file(tmp_path: Path, data: bytes) -> Path:
    p = tmp_path / "runs" / "2026-04-10" / "raw.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.1])
def test_a_hn_jobs_data_run_cut_midway_is_an_error_naming_the_file(tmp_path, cut):
    from trendlab.sources import hn_jobs_data

    whole = (FIX / "hn/jobs_data/runs/2026-04-10/raw.json").read_bytes()
    assert hn_jobs_data.parse_files([_run_file(tmp_path / "ok", whole)])[0].rows_in > 0
    cut_at = int(len(whole) * cut)
    path = _run_file(tmp_path, whole[:cut_at])
    with pytest.raises(ValueError) as err:
        hn_jobs_data.parse_files([path])
    msg = str(err.value)
    assert msg.startswith("2026-04-10/raw.json: not valid JSON")
    assert f"the file has {cut_at} bytes" in msg
    assert "line " in msg and "column " in msg  # where the parser stopped


def test_a_hn_jobs_data_run_with_non_utf8_bytes_is_an_error_naming_the_file(tmp_path):
    from trendlab.sources import hn_jobs_data

    whole = (FIX / "hn/jobs_data/runs/2026-04-10/raw.json").read_bytes()
    path = _run_file(tmp_path, whole.replace(b"Oslo", b"Osl\xf8", 1))
    with pytest.raises(ValueError, match=r"2026-04-10/raw\.json: not UTF-8 JSON at line \d+, byte \d+: b'\\xf8'"):
        hn_jobs_data.parse_files([path])


def test_a_hn_hiring_mapped_file_with_non_utf8_bytes_is_an_error_naming_the_file(tmp_path):
    from trendlab.sources import hn_hiring_mapped

    src = (FIX / "hn/hiring_mapped/2015-02.json").read_bytes()
    bad = tmp_path / "2015-02.json"
    bad.write_bytes(src.replace(b"nautical", b"n\xe4utical", 1))
    with pytest.raises(ValueError, match=r"2015-02\.json: not UTF-8 JSON at line \d+, byte \d+: b'\\xe4'"):
        hn_hiring_mapped.parse_file(bad)
    inp = tmp_path / "input"
    inp.write_bytes(b"# Post ID, Month\n4820000 2015-2\n5090000 2015-3\xa0\n")
    with pytest.raises(ValueError, match=r"input: not UTF-8 text at line 3, byte \d+: b'\\xa0'"):
        hn_hiring_mapped.read_input(inp)


# --------------------------------------------------------------------------- extra and renamed columns


def _with_columns(src: Path, dest: Path, *, rename: dict[str, str] | None = None, extra: bool = False) -> Path:
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df = df.rename(columns=rename or {})
    if extra:
        df.insert(1, "notes", "added by a later release")
        df["zz_extra"] = "x"
    dest.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(dest, index=False)
    return dest


def test_career_paths_extra_columns_are_ignored(tmp_path):
    inter, items = FIX / "careers/jobhop_interactions.csv", FIX / "careers/jobhop_items.csv"
    base = career_paths.parse_benchmark(inter, items, dataset="jobhop")
    wide = career_paths.parse_benchmark(
        _with_columns(inter, tmp_path / "a" / inter.name, extra=True),
        _with_columns(items, tmp_path / "a" / items.name, extra=True),
        dataset="jobhop",
    )
    pd.testing.assert_frame_equal(base.frame, wide.frame)
    assert base.rows_in == wide.rows_in and len(base.quarantine) == len(wide.quarantine)
    assert "notes" not in wide.frame.columns and "zz_extra" not in wide.frame.columns


@pytest.mark.parametrize(
    ("fixture", "old", "new", "dataset"),
    [
        ("jobhop_interactions.csv", "sequence_pos", "position", "jobhop"),
        ("jobhop_interactions.csv", "start_date", "startDate", "jobhop"),
        ("karrierewege_interactions.csv", "user_id", "person", "karrierewege"),
    ],
)
def test_career_paths_a_renamed_required_column_is_named_with_the_expected_ones(tmp_path, fixture, old, new, dataset):
    src = FIX / "careers" / fixture
    if old not in pd.read_csv(src, nrows=0).columns:
        pytest.fail(f"{fixture} has no column {old!r}: the fixture changed")
    bad = _with_columns(src, tmp_path / fixture, rename={old: new})
    with pytest.raises(career_paths.CareerFormatError) as err:
        career_paths.parse_benchmark(bad, dataset=dataset)
    msg = str(err.value)
    assert fixture in msg
    assert f"lacks column(s) ['{old}']" in msg
    assert "expected [" in msg and f"'{new}'" in msg  # what it expected and what it found


def test_jobhop_extra_columns_are_ignored_in_both_layouts(tmp_path):
    for name in ("jobhop_v1.csv", "jobhop_v2.csv", "karrierewege.csv"):
        src = FIX / "careers" / name
        parse = jobhop.parse_karrierewege if name.startswith("karriere") else jobhop.parse_jobhop
        base = parse(src)
        wide = parse(_with_columns(src, tmp_path / name, extra=True))
        pd.testing.assert_frame_equal(base.frame, wide.frame)
        assert base.rows_in == wide.rows_in > 0


@pytest.mark.parametrize(
    ("fixture", "old", "new", "missing"),
    [
        ("jobhop_v1.csv", "person_id", "personId", "v1 lacks ['person_id']"),
        ("jobhop_v2.csv", "matched_code", "esco", "v2 lacks ['matched_code']"),
        ("jobhop_v1.csv", "end_date", "end", "v1 lacks ['end_date']"),
    ],
)
def test_jobhop_a_renamed_required_column_is_named_with_the_expected_ones(tmp_path, fixture, old, new, missing):
    bad = _with_columns(FIX / "careers" / fixture, tmp_path / fixture, rename={old: new})
    with pytest.raises(career_paths.CareerFormatError) as err:
        jobhop.parse_jobhop(bad)
    msg = str(err.value)
    assert fixture in msg and "not a JobHop file" in msg
    assert missing in msg
    assert f"'{new}'" in msg  # found
    assert "expected either v1" in msg


def test_karrierewege_a_renamed_required_column_is_named(tmp_path):
    bad = _with_columns(FIX / "careers/karrierewege.csv", tmp_path / "k.csv", rename={"experience_order": "order"})
    with pytest.raises(career_paths.CareerFormatError, match=r"k\.csv: Karrierewege file lacks column\(s\) \['experience_order'\]"):
        jobhop.parse_karrierewege(bad)


# --------------------------------------------------------------------------- duplicate ids, other content


def test_hn_hiring_mapped_same_id_other_text_keeps_the_first_and_quarantines_the_second(tmp_path):
    from trendlab.sources import hn_hiring_mapped

    feb = json.loads((FIX / "hn/hiring_mapped/2015-02.json").read_text())
    first = feb[0]
    again = {**first, "full_html": "Someone Else Inc | Rewritten | Remote<p>Not the same post."}
    (tmp_path / "2015-02.json").write_text(json.dumps(feb))
    (tmp_path / "2015-03.json").write_text(json.dumps([again]))
    months = hn_hiring_mapped.parse_files(None, [tmp_path / "2015-03.json", tmp_path / "2015-02.json"])
    out = hn_hiring_mapped.loaded_from(months)
    cid = first["url"].rsplit("=", 1)[1]
    kept = out.frame[out.frame["posting_id"] == cid]
    assert len(kept) == 1 and kept["html"].iloc[0] == first["full_html"]
    held = out.quarantine[out.quarantine["record_id"] == cid]
    assert held["reason"].tolist() == ["duplicate"] and held["file"].tolist() == ["2015-03.json"]
    assert out.rows_in == len(feb) + 1 == len(out.frame) + len(out.quarantine)


def test_hn_api_same_id_other_text_keeps_the_first_and_quarantines_the_second():
    from trendlab.sources import hn_api

    def snap(tid: int, text: str) -> dict:
        return {"fetched_at": 1700000000, "thread": {"id": tid, "time": 1600000000}, "replies": [],
                "items": [{"id": 77, "type": "comment", "by": "ann", "time": 1600000100, "text": text, "parent": tid}]}

    seen: set[str] = set()
    rows1, held1 = hn_api.parse_snapshot(snap(1, "Initech | Engineer"), month="2020-09", seen=seen)
    rows2, held2 = hn_api.parse_snapshot(snap(2, "Globex | Designer"), month="2020-10", seen=seen)
    assert [r["html"] for r in rows1] == ["Initech | Engineer"] and held1 == []
    assert rows2 == [] and [(h["record_id"], h["reason"]) for h in held2] == [("77", "duplicate")]
    # within one snapshot too
    one = snap(3, "Acme | PM")
    one["items"].append({**one["items"][0], "text": "Acme | Other PM"})
    rows, held = hn_api.parse_snapshot(one, month="2020-11")
    assert [r["html"] for r in rows] == ["Acme | PM"] and [h["reason"] for h in held] == ["duplicate"]


def test_onet_same_code_other_title_keeps_the_first_and_quarantines_the_second(tmp_path):
    src = (FIX / "onet/occupation_data.csv").read_bytes()
    extra = b'9,15-9902.00,Gadget Analysts (renamed),Something else entirely.\n'
    p = tmp_path / "occupation_data.csv"
    p.write_bytes(src.rstrip(b"\n") + b"\n" + extra)
    base = onet.load_occupations(path=FIX / "onet/occupation_data.csv")
    out = onet.load_occupations(path=p)
    assert out.rows_in == base.rows_in + 1
    pd.testing.assert_frame_equal(out.frame, base.frame)
    held = out.quarantine[out.quarantine["record_id"] == "9"]
    assert held["reason"].tolist() == ["duplicate"]
    assert "soc_code" in held["detail"].iloc[0]


def test_usajobs_same_control_number_other_content_keeps_the_first_and_quarantines_the_second(tmp_path, served):
    src = (FIX / "usajobs/product_manager_jobs.csv").read_bytes()
    lines = src.split(b"\n")
    first = lines[1]
    assert b"Product Manager (Digital Services)" in first
    other = first.replace(b"Product Manager (Digital Services)", b"Chief Widget Officer").replace(b"100000.000", b"99.000", 1)
    data = b"\n".join([*lines[:2], other, *lines[2:]])
    base = usajobs.read_file(served("usajobs", "product_manager_jobs.csv", src))
    out = usajobs.read_file(served("usajobs", "product_manager_jobs.csv", data))
    assert out.rows_in == base.rows_in + 1
    pd.testing.assert_frame_equal(out.frame, base.frame)
    held = out.quarantine[out.quarantine["reason"] == "duplicate control number"]
    assert len(held) == len(base.quarantine[base.quarantine["reason"] == "duplicate control number"]) + 1
    assert held["detail"].str.contains("control_number='900000001' also on row 1").any()
