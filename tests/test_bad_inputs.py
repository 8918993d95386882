"""Bad inputs across the loaders: encodings, zip bombs, truncated JSON, columns, duplicate ids.

Every file here is a hand-written fixture (tests/fixtures) or is written by the test, changed
byte by byte into the bad form. The rule checked: a bad input ends in an error naming the file
(and the line or field) and what was expected, or in the quarantine with its reason.
"""

from __future__ import annotations

import hashlib
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


def test_latin1_survey_years_read_latin1_text_as_declared(tmp_path):
    # 2011-2013 files were published in Latin-1 (so_survey_layouts.csv): é is one byte there
    src = (FIX / "so_survey/2012_early.csv").read_bytes()
    assert so.load_maps().layout(2012)["encoding"] == "latin-1"
    out = so.parse_survey_csv(_write(tmp_path, "2012_early.csv", src), 2012)
    assert out.rows_in > 0
    # the same file saved as UTF-8 by mistake would be read as mojibake: it is refused only
    # when it holds no non-ASCII byte, so check the fixture really tests the Latin-1 path
    assert any(b > 0x7F for b in src)


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
    import struct

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


