"""The full JobHop and Karrierewege career datasets (Hugging Face; not in the mirror).

Both are read into the ``spells`` table of :mod:`trendlab.sources.career_paths`.

JobHop (``aida-ugent/JobHop``) has been published in two layouts under the same file names
(``JobHop_train.csv``, ``JobHop_val.csv``, ``JobHop_test.csv``):

- v1: ``person_id, matched_label, matched_description, matched_code, start_date, end_date,
  university_studies`` (``university_studies`` a boolean);
- v2: ``resume_id, matched_code, start_date, end_date, university_level`` (``university_level``
  one of five levels; ``end_date`` may be ``Present``; ``matched_code`` may be ``unknown``).

Both are accepted; the layout is detected from the header. Rows carry no order column: ``seq`` is
the row order of a person's records across the files in registry order (train, val, test), which
is the order the resume listed them in. v2 rows name only the ESCO code (``occupation_label`` NA).

Karrierewege (``ElenaSenger/Karrierewege``) is read from the Hugging Face parquet conversion
(``_id, experience_order, preferredLabel_en, preferredLabel_de, description_en, ...``): ordered
by ``experience_order``, no dates.

Examples
--------
>>> from trendlab.sources import jobhop
>>> out = jobhop.load_jobhop()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from trendlab.sources import Loaded, read_utf8_csv
from trendlab.sources.career_paths import (
    CareerFormatError,
    build_spells,
    concat_loaded,
)

JOBHOP_SOURCE = "jobhop"
KARRIEREWEGE_SOURCE = "karrierewege"
SOURCE = JOBHOP_SOURCE
TITLE = "JobHop and Karrierewege career trajectories (full datasets, Hugging Face)"
DESCR = """\
JobHop: about 390,000 pseudonymised resumes from VDAB, the public employment service of Flanders
(Belgium), parsed by a language model into work experiences, each mapped to an ESCO occupation
code, with quarter start/end dates (v1: 2.3 million experiences; v2 re-extracted 355,000
trajectories). Karrierewege: over 500,000 career paths of job seekers from the German Federal
Employment Agency, each step an ESCO occupation, ordered, undated.

Limits: job seekers registered with a public employment service, not all workers; occupations
were assigned by models (misassignments are not flagged); dates have quarter precision and many
are year-only (start in Q1, end in Q4 of the same year), so consecutive spells often overlap by
up to three quarters; an end date may be missing because the job is current or because the resume
left it out. The files on the ``main`` branch have changed layout once (v1 -> v2): registry
entries are trust-on-first-use so a later change is refused rather than read silently.
"""
LICENSE = "CC BY 4.0"
CITATION = (
    "Johary, I., Romero, R., Mara, A. C., De Bie, T. JobHop: A Large-Scale Dataset of Career "
    "Trajectories. arXiv:2505.07653; Senger, E., Campbell, Y., van der Goot, R., Plank, B. "
    "Karrierewege: A Large Scale Career Path Prediction Dataset. arXiv:2412.14612."
)

LAYOUTS = {
    "v1": ["person_id", "matched_code", "start_date", "end_date"],
    "v2": ["resume_id", "matched_code", "start_date", "end_date"],
}
KARRIEREWEGE_REQUIRED = ["_id", "experience_order", "preferredLabel_en"]


def _read_table(path: Path, *, what: str) -> pd.DataFrame:
    """A CSV or parquet file as a frame of strings."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path).astype("string")
        return read_utf8_csv(path, CareerFormatError, label=f"{path}: cannot read {what}")
    except CareerFormatError:
        raise
    except (OSError, ValueError) as exc:
        raise CareerFormatError(f"{path}: cannot read {what} ({exc})") from exc


def jobhop_layout(columns: Iterable[str], *, path: Path | str = "<frame>") -> str:
    """Which published JobHop layout a header is: ``"v1"`` or ``"v2"``.

    Raises
    ------
    CareerFormatError
        When neither layout's columns are all present (names the file, what was found and
        what either layout needs).

    Examples
    --------
    >>> jobhop_layout(["resume_id", "matched_code", "start_date", "end_date", "university_level"])
    'v2'
    """
    cols = list(columns)
    for name, need in LAYOUTS.items():
        if all(c in cols for c in need):
            return name
    lacks = "; ".join(f"{name} lacks {[c for c in need if c not in cols]}" for name, need in LAYOUTS.items())
    raise CareerFormatError(
        f"{path}: not a JobHop file; found columns {cols}; expected either v1 "
        f"{LAYOUTS['v1'] + ['matched_label', 'university_studies']} or v2 "
        f"{LAYOUTS['v2'] + ['university_level']} ({lacks})"
    )


def _jobhop_records(df: pd.DataFrame, *, path: Path) -> pd.DataFrame:
    layout = jobhop_layout(df.columns, path=path)
    person = df["person_id"] if layout == "v1" else df["resume_id"]
    if layout == "v1":
        label = df["matched_label"] if "matched_label" in df else pd.Series(pd.NA, index=df.index)
        edu = df["university_studies"] if "university_studies" in df else pd.NA
        education = ("university_studies=" + edu) if isinstance(edu, pd.Series) else pd.NA
    else:
        label = pd.Series(pd.NA, index=df.index)
        education = df["university_level"] if "university_level" in df else pd.NA
    line = df.index + (1 if path.suffix.lower() == ".parquet" else 2)
    return pd.DataFrame({
        "record_id": path.name + ":" + line.astype(str),
        "person_id": person,
        "occupation_label": label,
        "esco_code": df["matched_code"],
        "family": pd.NA,
        "start_raw": df["start_date"],
        "end_raw": df["end_date"],
        "education": education,
    })


def parse_jobhop(paths: Path | list[Path], *, source: str = JOBHOP_SOURCE) -> Loaded:
    """Read JobHop file(s) (either layout, CSV or parquet) into spells.

    A person's ``seq`` counts their records in file order across ``paths`` (so a person
    split over two files keeps one sequence).

    Examples
    --------
    >>> out = parse_jobhop([Path("JobHop_train.csv")])  # doctest: +SKIP
    """
    paths = [paths] if isinstance(paths, Path) else list(paths)
    records = []
    for p in paths:
        df = _read_table(p, what="JobHop records")
        records.append(_jobhop_records(df, path=p))
    raw = pd.concat(records, ignore_index=True)
    person = raw["person_id"].astype("string").str.strip()
    raw["seq"] = person.groupby(person, dropna=False).cumcount().astype(str)
    return build_spells(raw, source=source, file=";".join(p.name for p in paths))


def parse_karrierewege(paths: Path | list[Path], *, source: str = KARRIEREWEGE_SOURCE) -> Loaded:
    """Read Karrierewege file(s) (parquet or CSV) into spells (ordered, undated).

    ``occupation_label`` is ``preferredLabel_en`` lower-cased; ``seq`` is ``experience_order``.
    A code column (``esco_code``, ``code`` or ``ESCO_uri``), when the file has one, fills
    ``esco_code``.

    Examples
    --------
    >>> out = parse_karrierewege(Path("train-0.parquet"))  # doctest: +SKIP
    """
    paths = [paths] if isinstance(paths, Path) else list(paths)
    parts = []
    for p in paths:
        df = _read_table(p, what="Karrierewege records")
        missing = [c for c in KARRIEREWEGE_REQUIRED if c not in df.columns]
        if missing:
            raise CareerFormatError(
                f"{p}: Karrierewege file lacks column(s) {missing}; expected "
                f"{KARRIEREWEGE_REQUIRED}, found {list(df.columns)}"
            )
        code_col = next((c for c in ("esco_code", "code", "ESCO_uri") if c in df), None)
        line = df.index + (1 if p.suffix.lower() == ".parquet" else 2)
        parts.append(pd.DataFrame({
            "record_id": p.name + ":" + line.astype(str),
            "person_id": df["_id"],
            "seq": df["experience_order"],
            "occupation_label": df["preferredLabel_en"],
            "esco_code": df[code_col] if code_col else pd.NA,
            "family": pd.NA,
            "start_raw": pd.NA,
            "end_raw": pd.NA,
            "education": pd.NA,
        }))
    raw = pd.concat(parts, ignore_index=True)
    return build_spells(raw, source=source, file=";".join(p.name for p in paths))


def _fetch_all(registry_source: str, progress: bool | None) -> list[Path]:
    from trendlab.fetch import fetch_source

    return fetch_source(registry_source, progress=progress)


def load_jobhop(*, registry_source: str = JOBHOP_SOURCE, progress: bool | None = None) -> Loaded:
    """Fetch and read every JobHop file declared in the registry.

    Examples
    --------
    >>> out = load_jobhop()  # doctest: +SKIP
    >>> out.quarantine["reason"].value_counts()  # doctest: +SKIP
    """
    return parse_jobhop(_fetch_all(registry_source, progress), source=JOBHOP_SOURCE)


def load_karrierewege(
    *, registry_source: str = KARRIEREWEGE_SOURCE, progress: bool | None = None
) -> Loaded:
    """Fetch and read every Karrierewege file declared in the registry.

    Examples
    --------
    >>> out = load_karrierewege()  # doctest: +SKIP
    """
    return parse_karrierewege(_fetch_all(registry_source, progress), source=KARRIEREWEGE_SOURCE)


def load(*, progress: bool | None = None) -> Loaded:
    """Both datasets stacked (``source`` tells them apart).

    Examples
    --------
    >>> load().frame.groupby("source").person_id.nunique()  # doctest: +SKIP
    """
    return concat_loaded([load_jobhop(progress=progress), load_karrierewege(progress=progress)])


__all__ = [
    "CITATION",
    "DESCR",
    "JOBHOP_SOURCE",
    "KARRIEREWEGE_SOURCE",
    "LICENSE",
    "SOURCE",
    "TITLE",
    "jobhop_layout",
    "load",
    "load_jobhop",
    "load_karrierewege",
    "parse_jobhop",
    "parse_karrierewege",
]
