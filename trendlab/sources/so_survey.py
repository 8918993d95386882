"""Stack Overflow Developer Survey, 2011..2025: one harmonised respondent table across eras.

Each year is a zip archive (``stack-overflow-developer-survey-<year>.zip``) holding one CSV of
responses. Its layout changed four times, and the data files in ``trendlab/taxonomy/`` say how
to read each year:

- ``so_survey_layouts.csv``: per year, which member of the zip is the responses file, how many
  header rows it has and which one holds the column names, its encoding and its "no answer"
  token. 2011..2014 have two header rows (the questions, then the answer options of
  multi-select questions); 2015 has a row of question groups above the names; 2016 has
  snake_case names; 2017..2025 have one header row and ``NA`` for no answer.
- ``so_survey_columns.csv``: per year, which column holds each harmonised field (``job_type``,
  ``years_code``, ``years_code_pro``, ``employment``, ``country``, ``respondent_id``), whether
  it is multi-select (``;``) and how its values are read. A field with no row that year was not
  asked (it is NA, never guessed). 2017 splits job type over ``DeveloperType`` and
  ``NonDeveloperType``; 2025 has no years-coded-professionally question.
- ``so_devtype_map.csv``: every known job-type answer -> a harmonised ``job_type`` (``Product
  manager`` -> ``product_manager``, ``Engineering manager`` and 2011..2014's ``Manager of
  Developers or Team Leader`` -> ``engineering_manager``) and its role family.
- ``so_years_map.csv`` (bucketed answers -> ``[low, high]`` years, per range of survey years)
  and ``so_employment_map.csv``.

Early files were saved through a spreadsheet that turned the "2-5" and "6-10" year buckets into
dates (``2/5/2013``) or date serial numbers (``41310``); those are decoded back to ``m-d``
before lookup (rule in :func:`decode_spreadsheet_bucket`).

A respondent is quarantined, never silently changed, when an answer is not in the maps
(``unknown_category``), a years answer cannot be read (``malformed_value``) or an id repeats
(``duplicate_respondent``); the detail names the field and the value.

Examples
--------
>>> from trendlab.sources import so_survey
>>> out = so_survey.load(years=[2024])  # doctest: +SKIP
>>> out.frame.columns.tolist()[:4]  # doctest: +SKIP
['source', 'year', 'respondent_id', 'job_type_raw']
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import fnmatch
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import pandas as pd
import pandera.pandas as pa

from trendlab import config
from trendlab.sources import Loaded, decode_problem, quarantine_frame

SOURCE = "so-survey"
TITLE = "Stack Overflow Developer Survey, public results 2011..2025"
DESCR = """\
The yearly Stack Overflow Developer Survey public results (one row per respondent). Harmonised
here: job type (DevType and its predecessors: "occupation" 2011..2016, DeveloperType +
NonDeveloperType 2017), years coding, years coding professionally, employment, country.

Limits: a self-selected sample of people who visit Stack Overflow, so developers dominate and
product managers are few and unusual; sample sizes swing from about 2,800 (2011) to 99,000
(2018). Product manager is an answer from 2016 (occupation), 2017 (non-developer type) and
2018..2025 (DevType); earlier years cannot isolate PMs. Job type is single-choice until 2016,
multi-select 2017..2022 and single-choice again from 2023, which changes what "both engineering
and PM" can mean. Years-of-experience answers are buckets until 2018 and numbers after;
2011..2016 asked "IT/programming experience" (mapped to years_code_pro with that caveat) and
2025 did not ask years coding professionally. Countries are as written (early years use
regions such as "Other Europe").
"""
LICENSE = "Open Database License (ODbL) 1.0; contents under the Database Contents License"
CITATION = "Stack Overflow. Stack Overflow Developer Survey 2011-2025. https://survey.stackoverflow.co/"

TAXONOMY = config.PACKAGE_DIR / "taxonomy"
FIELDS = ("respondent_id", "job_type", "years_code", "years_code_pro", "employment", "country")
SURVEY_COLUMNS = [
    "source",
    "year",
    "respondent_id",
    "job_type_raw",
    "job_types",
    "role_families",
    "years_code_low",
    "years_code_high",
    "years_code_pro_low",
    "years_code_pro_high",
    "employment",
    "country",
]
# Excel stores dates as days since 1899-12-30; survey-era serials fall in this window.
_SERIAL_WINDOW = (36526, 47482)  # 2000-01-01 .. 2029-12-31
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
MAX_UNCOMPRESSED = 4 * 2**30

SURVEY = pa.DataFrameSchema(
    {
        "source": pa.Column("string"),
        "year": pa.Column("Int64", pa.Check.in_range(2011, 2100)),
        "respondent_id": pa.Column("string"),
        "job_type_raw": pa.Column("string", nullable=True),
        "job_types": pa.Column("string", nullable=True),
        "role_families": pa.Column("string", nullable=True),
        "years_code_low": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "years_code_high": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "years_code_pro_low": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "years_code_pro_high": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "employment": pa.Column("string", nullable=True),
        "country": pa.Column("string", nullable=True),
    },
    checks=[pa.Check(lambda d: ~d.duplicated(["year", "respondent_id"]).any(),
                     error="(year, respondent_id) is unique")],
    strict=True,
    ordered=True,
    name="so_survey",
)


class SurveyFormatError(ValueError):
    """A survey file or archive is not in the layout declared for its year."""


class UnsafeArchiveError(SurveyFormatError):
    """An archive member would be written outside the extraction folder."""


# --------------------------------------------------------------------------- the maps


@dataclass(frozen=True)
class SurveyMaps:
    """The data files that say how to read each year (see the module docstring)."""

    layouts: pd.DataFrame
    columns: pd.DataFrame
    devtypes: dict[str, tuple[str, str]]
    years: pd.DataFrame
    employment: dict[str, str]

    def layout(self, year: int) -> pd.Series:
        if year not in self.layouts.index:
            raise SurveyFormatError(
                f"no layout declared for survey year {year} in so_survey_layouts.csv "
                f"(years declared: {sorted(self.layouts.index)})"
            )
        return self.layouts.loc[year]

    def fields(self, year: int) -> pd.DataFrame:
        return self.columns[self.columns["year"] == year]


def _read_taxonomy(name: str, folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@cache
def load_maps(folder: Path = TAXONOMY) -> SurveyMaps:
    """Read and check the survey map files (cached).

    Examples
    --------
    >>> maps = load_maps()
    >>> maps.devtypes["product manager"]
    ('product_manager', 'product_management')
    """
    lay = _read_taxonomy("so_survey_layouts.csv", folder)
    lay["year"] = lay["year"].astype(int)
    lay["header_rows"] = lay["header_rows"].astype(int)
    lay["name_row"] = lay["name_row"].astype(int)
    bad = lay[lay["name_row"] >= lay["header_rows"]]
    if len(bad):
        raise SurveyFormatError(f"so_survey_layouts.csv: name_row must be < header_rows: {bad}")
    cols = _read_taxonomy("so_survey_columns.csv", folder)
    cols["year"] = cols["year"].astype(int)
    unknown = set(cols["field"]) - set(FIELDS)
    if unknown:
        raise SurveyFormatError(f"so_survey_columns.csv: unknown field(s) {sorted(unknown)}")
    dev = _read_taxonomy("so_devtype_map.csv", folder)
    keys = dev["raw_value"].str.strip().str.casefold()
    if keys.duplicated().any():
        raise SurveyFormatError(
            f"so_devtype_map.csv: duplicate raw_value(s) {sorted(set(keys[keys.duplicated()]))}"
        )
    yrs = _read_taxonomy("so_years_map.csv", folder)
    spans = [v.partition("-") for v in yrs["years"]]
    yrs["year_from"] = [int(a) for a, _, _ in spans]
    yrs["year_to"] = [int(b or a) for a, _, b in spans]
    yrs["key"] = yrs["raw_value"].str.strip().str.casefold()
    yrs["low"] = pd.to_numeric(yrs["low"]).astype("Float64")
    yrs["high"] = pd.to_numeric(yrs["high"].replace("", None)).astype("Float64")
    emp = _read_taxonomy("so_employment_map.csv", folder)
    return SurveyMaps(
        layouts=lay.set_index("year"),
        columns=cols,
        devtypes=dict(zip(keys, zip(dev["job_type"], dev["role_family"], strict=True),
                          strict=True)),
        years=yrs,
        employment=dict(zip(emp["raw_value"].str.strip().str.casefold(), emp["employment"],
                            strict=True)),
    )


# --------------------------------------------------------------------------- archives


def _member_problem(info: zipfile.ZipInfo, root: Path) -> str | None:
    name = info.filename
    if not name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "'..' in path"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link"
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        return "resolves outside the extraction folder"
    return None


def safe_extract(zip_path: Path, dest: Path, *, max_bytes: int | None = None) -> list[Path]:
    """Extract a zip archive into ``dest`` after checking every member; returns the files.

    The whole archive is checked before anything is written: a member with an absolute path,
    a ``..`` component, a symbolic link, or a path that resolves outside ``dest`` makes the
    archive refused (:class:`UnsafeArchiveError`); so does a total uncompressed size above
    ``max_bytes`` (default :data:`MAX_UNCOMPRESSED`; a member whose header understates its size
    fails its CRC check), and an archive with no file in it.
    Extraction goes to a temporary folder next to ``dest`` that is renamed into
    place when complete; an existing complete ``dest`` for the same archive is reused.

    Raises
    ------
    SurveyFormatError
        The file is not a zip archive, or a member fails its CRC check.
    UnsafeArchiveError
        A member would escape ``dest`` (the message names the member).

    Examples
    --------
    >>> files = safe_extract(Path("survey-2024.zip"), Path("extracted/2024"))  # doctest: +SKIP
    """
    max_bytes = MAX_UNCOMPRESSED if max_bytes is None else max_bytes
    dest = Path(dest)
    marker = dest / ".extracted-from"
    st = zip_path.stat()
    stamp = f"{zip_path.name} {st.st_size} {st.st_mtime_ns}"
    if marker.is_file() and marker.read_text() == stamp:
        return sorted(p for p in dest.rglob("*") if p.is_file() and p != marker)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SurveyFormatError(f"{zip_path}: corrupted or not a zip archive ({exc})") from exc
    with zf:
        dest.parent.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        total = 0
        for info in zf.infolist():
            problem = _member_problem(info, root)
            if problem:
                raise UnsafeArchiveError(
                    f"{zip_path}: refused, member {info.filename!r} is unsafe ({problem}); "
                    "nothing was extracted"
                )
            total += info.file_size
        if not any(not info.is_dir() for info in zf.infolist()):
            raise SurveyFormatError(f"{zip_path}: the archive holds no file (expected the survey responses CSV)")
        if total > max_bytes:
            raise SurveyFormatError(
                f"{zip_path}: uncompressed size {total} bytes exceeds the limit {max_bytes}; "
                "nothing was extracted"
            )
        tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=dest.name + ".tmp-"))
        try:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                out = tmp / info.filename
                out.parent.mkdir(parents=True, exist_ok=True)
                # zipfile stops a member at its declared size, and a member whose header
                # understates its size then fails its CRC check: the limit above holds
                with zf.open(info) as src, open(out, "wb") as fh:
                    shutil.copyfileobj(src, fh, 1 << 20)
            (tmp / marker.name).write_text(stamp)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise SurveyFormatError(f"{zip_path}: corrupted member ({exc})") from exc
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return sorted(p for p in dest.rglob("*") if p.is_file() and p != marker)


def find_member(files: Iterable[Path], pattern: str, *, where: str = "archive") -> Path:
    """The one responses CSV among extracted files (basename glob, case-insensitive).

    macOS resource-fork copies (``__MACOSX/``, ``._name``) are ignored.

    Examples
    --------
    >>> find_member([Path("x/__MACOSX/._a.csv"), Path("x/a.csv")], "a.csv").name
    'a.csv'
    """
    hits = [
        p for p in files
        if "__MACOSX" not in p.parts
        and not p.name.startswith("._")
        and fnmatch.fnmatch(p.name.casefold(), pattern.casefold())
    ]
    if len(hits) != 1:
        names = sorted(p.name for p in files)
        raise SurveyFormatError(
            f"{where}: expected exactly one file matching {pattern!r}, found "
            f"{[p.name for p in hits]} among {names}"
        )
    return hits[0]


# --------------------------------------------------------------------------- values


def decode_spreadsheet_bucket(value: str) -> str:
    """Undo a spreadsheet's date conversion of a year bucket ("2-5" saved as 2/5 or 41310).

    A date ``m/d/yyyy`` becomes ``m-d``; an integer in the date-serial window
    (2000..2029) becomes the ``m-d`` of that date. Anything else is returned unchanged.

    Examples
    --------
    >>> decode_spreadsheet_bucket("2/5/2013"), decode_spreadsheet_bucket("41435")
    ('2-5', '6-10')
    >>> decode_spreadsheet_bucket("11")
    '11'
    """
    m = _SLASH_DATE.match(value)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}"
    if value.isdigit() and _SERIAL_WINDOW[0] <= int(value) <= _SERIAL_WINDOW[1]:
        d = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return f"{d.month}-{d.day}"
    return value


def _years(
    values: pd.Series, *, year: int, kind: str, maps: SurveyMaps
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(low, high, bad) for a years-of-experience column."""
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    key = text.where(present)
    if year <= 2014:
        key = key.map(lambda v: v if pd.isna(v) else decode_spreadsheet_bucket(v),
                      na_action="ignore")
    key = key.astype("string").str.casefold()
    ym = maps.years[(maps.years["year_from"] <= year) & (maps.years["year_to"] >= year)]
    low = key.map(dict(zip(ym["key"], ym["low"], strict=True))).astype("Float64")
    high = key.map(dict(zip(ym["key"], ym["high"], strict=True))).astype("Float64")
    found = key.isin(set(ym["key"])).fillna(False)
    if kind == "number_or_bucket":
        num = present & ~found & text.str.match(_NUMBER).fillna(False)
        val = pd.to_numeric(text.where(num), errors="coerce").astype("Float64")
        low = low.mask(num, val)
        high = high.mask(num, val)
        found = found | num
    bad = (present & ~found).fillna(False).astype(bool)
    return low, high, bad


def _map_multi(
    values: pd.Series, sep: str, mapping: dict, pick: int | None
) -> tuple[pd.Series, pd.Series]:
    """Map every (split) answer; returns (';'-joined sorted harmonised values, first unknown).

    Work is done once per distinct answer string (multi-select combinations repeat a lot).
    """
    joined: dict[str, object] = {}
    unknown: dict[str, object] = {}
    for v in pd.unique(values.dropna()):
        got: set[str] = set()
        first_unknown = pd.NA
        for part in (v.split(sep) if sep else [v]):
            part = part.strip()
            if not part:
                continue
            hit = mapping.get(part.casefold())
            if hit is None:
                first_unknown = part if pd.isna(first_unknown) else first_unknown
            else:
                got.add(hit[pick] if pick is not None else hit)
        joined[v] = ";".join(sorted(got)) if got else pd.NA
        unknown[v] = first_unknown
    return values.map(joined).astype("string"), values.map(unknown).astype("string")


# --------------------------------------------------------------------------- one year


def _join(parts: list[pd.Series], sep: str) -> pd.Series:
    """Join the non-missing values of aligned string Series row by row (NA when all missing)."""
    acc = parts[0]
    for p in parts[1:]:
        both = acc.notna() & p.notna()
        acc = acc.mask(both, acc + sep + p).fillna(p)
    return acc.astype("string")


def _header(path: Path, layout: pd.Series) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        with open(path, encoding=layout["encoding"], newline="") as fh:
            reader = csv.reader(fh)
            for _ in range(int(layout["header_rows"])):
                rows.append(next(reader))
    except StopIteration:
        raise SurveyFormatError(
            f"{path}: file ends before its {layout['header_rows']} header row(s)"
        ) from None
    except UnicodeDecodeError as exc:
        raise SurveyFormatError(
            f"{path}: cannot read the header: {decode_problem(path, layout['encoding'])}; "
            f"so_survey_layouts.csv declares the {layout.name} files {layout['encoding']} text"
        ) from exc
    except csv.Error as exc:
        raise SurveyFormatError(f"{path}: cannot read header as {layout['encoding']} CSV ({exc})") from exc
    return rows


def _read_body(
    path: Path, layout: pd.Series, cols: list[int], *, width: int, na: set[str], year: int
) -> pd.DataFrame:
    """The response rows (after the header rows), only the wanted columns, as strings.

    Every row must have as many fields as the header: a longer or shorter row means the
    columns no longer line up, which is an error naming the line, never silently read.
    """
    data: dict[int, list] = {c: [] for c in cols}
    lines: list[int] = []
    try:
        with open(path, encoding=layout["encoding"], newline="") as fh:
            reader = csv.reader(fh)
            for i, rec in enumerate(reader):
                if i < int(layout["header_rows"]) or not rec:
                    continue
                if len(rec) != width:
                    raise SurveyFormatError(
                        f"{path}: cannot read {year} responses: line {reader.line_num} has "
                        f"{len(rec)} fields, the header has {width}"
                    )
                lines.append(reader.line_num)
                for c in cols:
                    v = rec[c]
                    data[c].append(None if v in na else v)
    except UnicodeDecodeError as exc:
        raise SurveyFormatError(
            f"{path}: cannot read {year} responses: {decode_problem(path, layout['encoding'])}; "
            f"so_survey_layouts.csv declares the {year} files {layout['encoding']} text"
        ) from exc
    except csv.Error as exc:
        raise SurveyFormatError(
            f"{path}: cannot read {year} responses as {layout['encoding']} CSV ({exc})"
        ) from exc
    body = pd.DataFrame({c: pd.array(v, dtype="string") for c, v in data.items()})
    body["_line"] = pd.Series(lines, dtype="int64")
    return body


def _locate(names: list[str], column: str, *, path: Path, year: int, field: str) -> int:
    norm = [n.strip().casefold() for n in names]
    hits = [i for i, n in enumerate(norm) if n == column.strip().casefold()]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        close = difflib.get_close_matches(column, [n.strip() for n in names], n=3, cutoff=0.6)
        raise SurveyFormatError(
            f"{path}: {year} survey lacks column {column!r} (field {field}); "
            f"closest names in the file: {close or 'none'}"
        )
    raise SurveyFormatError(f"{path}: column {column!r} (field {field}) appears {len(hits)} times")


def parse_survey_csv(path: Path, year: int, *, maps: SurveyMaps | None = None) -> Loaded:
    """Read one year's responses CSV into the harmonised respondent table.

    Parameters
    ----------
    path : Path
        The responses CSV of that year, in its published layout.
    year : int
        The survey year; selects the layout and column map.
    maps : SurveyMaps, optional
        Defaults to the committed taxonomy files.

    Returns
    -------
    Loaded
        ``frame`` with :data:`SURVEY_COLUMNS`; ``job_types``/``role_families``/``employment``
        are ``;``-joined sorted harmonised values (NA when not answered); years as
        ``[low, high]`` (``high`` NA for open buckets such as "11+").

    Raises
    ------
    SurveyFormatError
        A declared column is missing (the message names the field and the closest names), the
        file is not decodable, a row has more fields than the header, or a two-header-row year
        has a respondent where the answer-options row should be.

    Examples
    --------
    >>> out = parse_survey_csv(Path("survey_results_public.csv"), 2024)  # doctest: +SKIP
    """
    maps = maps or load_maps()
    layout = maps.layout(year)
    spec = maps.fields(year)
    header = _header(path, layout)
    names = header[int(layout["name_row"])]
    idx = {
        (r.field, r.column): _locate(names, r.column, path=path, year=year, field=r.field)
        for r in spec.itertuples()
    }
    if int(layout["header_rows"]) == 2 and int(layout["name_row"]) == 0:
        sub = header[1]
        for (field, _), i in idx.items():
            v = sub[i].strip().casefold() if i < len(sub) else ""
            if field == "job_type" and v in maps.devtypes:
                raise SurveyFormatError(
                    f"{path}: {year} files have a second header row of answer options, but "
                    f"row 2 holds an answer ({sub[i]!r} under {names[i]!r}); is this the "
                    "right year's file?"
                )
    na = {t for t in str(layout["na_values"]).split("|") if t}
    body = _read_body(path, layout, sorted(set(idx.values())), width=len(names), na=na, year=year)
    row_no = body.pop("_line")
    n = len(body)

    def col(field: str) -> list[tuple[pd.Series, str, str]]:
        out = []
        for r in spec[spec["field"] == field].itertuples():
            out.append((body[idx[(field, r.column)]].astype("string"), r.multi_sep, r.value_kind))
        return out

    reason = pd.Series(pd.NA, index=body.index, dtype="string")
    detail = pd.Series(pd.NA, index=body.index, dtype="string")

    def flag(mask: pd.Series, why: str, what: pd.Series) -> None:
        hit = mask.fillna(False).astype(bool) & reason.isna()
        reason[hit] = why
        detail[hit] = what[hit]

    rid_cols = col("respondent_id")
    if rid_cols:
        rid = rid_cols[0][0].str.strip()
        rid = rid.mask(rid.isna() | (rid == ""), "row " + row_no.astype(str))
    else:
        rid = (str(year) + "-" + row_no.astype(str)).astype("string")

    # job type: every declared column, split where multi-select, then mapped
    raw_parts, norm_parts = [], []
    for s_, sep, _ in col("job_type"):
        s_ = s_.str.strip()
        s_ = s_.where(s_ != "")
        raw_parts.append(s_)
        norm_parts.append(s_.str.replace(sep, ";", regex=False) if sep else s_)
    if raw_parts:
        job_raw = _join(raw_parts, "; ")
        job_joined = _join(norm_parts, ";")
        job_types, unk = _map_multi(job_joined, ";", maps.devtypes, 0)
        families, _ = _map_multi(job_joined, ";", maps.devtypes, 1)
        flag(unk.notna(), "unknown_category", "job_type=" + unk.fillna(""))
    else:
        job_raw = job_types = families = pd.Series(pd.NA, index=body.index, dtype="string")

    yrs = {}
    for field in ("years_code", "years_code_pro"):
        got = col(field)
        if got:
            s, _, kind = got[0]
            low, high, bad = _years(s, year=year, kind=kind or "bucket", maps=maps)
            flag(bad, "malformed_value", field + "=" + s.fillna(""))
        else:
            low = high = pd.Series(pd.NA, index=body.index, dtype="Float64")
        yrs[field] = (low, high)

    emp_cols = col("employment")
    if emp_cols:
        s, sep, _ = emp_cols[0]
        employment, unk = _map_multi(s, sep, maps.employment, None)
        flag(unk.notna(), "unknown_category", "employment=" + unk.fillna(""))
    else:
        employment = pd.Series(pd.NA, index=body.index, dtype="string")

    country_cols = col("country")
    if country_cols:
        country = country_cols[0][0].str.strip()
        country = country.where(country != "")
    else:
        country = pd.Series(pd.NA, index=body.index, dtype="string")

    flag(rid.duplicated(keep="first") & reason.isna(), "duplicate_respondent",
         "respondent_id=" + rid)

    keep = reason.isna()
    frame = pd.DataFrame({
        "source": pd.Series(SOURCE, index=body.index, dtype="string"),
        "year": pd.Series(year, index=body.index, dtype="Int64"),
        "respondent_id": rid.astype("string"),
        "job_type_raw": job_raw,
        "job_types": job_types,
        "role_families": families,
        "years_code_low": yrs["years_code"][0],
        "years_code_high": yrs["years_code"][1],
        "years_code_pro_low": yrs["years_code_pro"][0],
        "years_code_pro_high": yrs["years_code_pro"][1],
        "employment": employment,
        "country": country.astype("string"),
    })[keep].reset_index(drop=True)
    q = quarantine_frame([
        {"source": SOURCE, "file": str(path), "record_id": f"{year}:{r} (row {ln})",
         "reason": why, "detail": d}
        for r, ln, why, d in zip(rid[~keep], row_no[~keep], reason[~keep], detail[~keep],
                                 strict=True)
    ])
    return Loaded(SURVEY.validate(frame), q, n)


def extraction_dir(zip_path: Path) -> Path:
    """Where an archive is extracted: ``<data dir>/extracted/<archive name without .zip>``."""
    return config.data_dir() / "extracted" / zip_path.name.removesuffix(".zip")


def parse_survey_archive(
    zip_path: Path, year: int, *, dest: Path | None = None, maps: SurveyMaps | None = None
) -> Loaded:
    """Safely extract one year's archive and read its responses file.

    Examples
    --------
    >>> out = parse_survey_archive(Path("stack-overflow-developer-survey-2019.zip"), 2019)  # doctest: +SKIP
    """
    maps = maps or load_maps()
    files = safe_extract(zip_path, dest or extraction_dir(zip_path))
    member = find_member(files, maps.layout(year)["member_glob"], where=str(zip_path))
    return parse_survey_csv(member, year, maps=maps)


_YEAR_IN_URL = re.compile(r"(20\d\d)\.zip$")


def load(
    years: Iterable[int] | None = None,
    *,
    registry_source: str = SOURCE,
    progress: bool | None = None,
) -> Loaded:
    """Fetch (sha256 trust-on-first-use) and read the archives of the given years.

    Parameters
    ----------
    years : iterable of int, optional
        Survey years; all declared archives when None.
    registry_source : str
        The registry source declaring the archives (the year is read from each URL).

    Examples
    --------
    >>> out = load(years=[2018, 2019])  # doctest: +SKIP
    >>> out.frame.groupby("year").size()  # doctest: +SKIP
    """
    from trendlab.fetch import fetch
    from trendlab.registry import source

    maps = load_maps()
    wanted = None if years is None else {int(y) for y in years}
    parts: list[Loaded] = []
    found = set()
    for f in source(registry_source).files:
        m = _YEAR_IN_URL.search(f.url)
        if not m:
            raise SurveyFormatError(f"registry URL does not end in <year>.zip: {f.url}")
        y = int(m.group(1))
        if wanted is not None and y not in wanted:
            continue
        found.add(y)
        parts.append(parse_survey_archive(fetch(f, progress=progress), y, maps=maps))
    if wanted is not None and wanted - found:
        raise SurveyFormatError(
            f"no archive declared in [{registry_source}] for year(s) {sorted(wanted - found)}"
        )
    if not parts:
        raise SurveyFormatError(f"no archives declared in [{registry_source}]")
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    quarantine = pd.concat([p.quarantine for p in parts], ignore_index=True)
    return Loaded(frame, quarantine, sum(p.rows_in for p in parts))


def explode_job_types(survey: pd.DataFrame) -> pd.DataFrame:
    """Long format: one row per respondent and harmonised job type (with its role family).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020], "respondent_id": ["7"],
    ...                    "job_types": ["developer_backend;product_manager"]})
    >>> explode_job_types(df)[["job_type", "role_family"]].values.tolist()
    [['developer_backend', 'software_engineering'], ['product_manager', 'product_management']]
    """
    maps = load_maps()
    family = {jt: fam for jt, fam in maps.devtypes.values()}
    out = survey[["year", "respondent_id", "job_types"]].copy()
    out["job_type"] = out["job_types"].astype("string").str.split(";")
    out = out.explode("job_type").drop(columns="job_types")
    out = out[out["job_type"].notna() & (out["job_type"] != "")].reset_index(drop=True)
    out["job_type"] = out["job_type"].astype("string")
    out["role_family"] = out["job_type"].map(family).astype("string")
    return out


__all__ = [
    "CITATION",
    "DESCR",
    "LICENSE",
    "SOURCE",
    "SURVEY",
    "SURVEY_COLUMNS",
    "TITLE",
    "SurveyFormatError",
    "SurveyMaps",
    "UnsafeArchiveError",
    "decode_spreadsheet_bucket",
    "explode_job_types",
    "extraction_dir",
    "find_member",
    "load",
    "load_maps",
    "parse_survey_archive",
    "parse_survey_csv",
    "safe_extract",
]
