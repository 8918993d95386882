"""The build: raw public files -> processed tables, stage by stage, cached by input hashes.

This is the only module that knows the order of the whole chain. Each :class:`Stage` declares
what it reads (registry sources, upstream tables, taxonomy files) and the code it runs; its
cache key is the sha256 of all of those (file hashes from the registry, upstream keys, the source
text of its modules, the bytes of its data files). A stage whose key matches the manifest and
whose outputs are intact is skipped, so a build with nothing changed rebuilds nothing, and a
changed taxonomy re-tags without re-parsing (the postings stage reads no role or skill
vocabulary).

The big tables (``postings``, ``roles``, ``roles_unsplit``, ``skill_hits``, ``skill_flags``) are
partitioned parquet datasets, ``<table>/<source>/<year>/part-NNNNN.parquet`` (see
:mod:`trendlab.engine`). The per-posting stages run part by part (:class:`PartMap`), on pandas or
on Dask, and a part whose inputs did not change keeps its outputs: a new month of postings is
split and tagged alone. The work ends in two small monthly count tables: ``role_counts`` (roles
and their skill flags by month, source and role family) and ``unsplit_counts`` (postings with
no role, by reason), which the share and model code can read instead of the per-role tables.
:func:`read_output` (and ``trendlab.load``) still returns a whole pandas frame, in the table's
canonical row order.

Tables are written atomically (temporary file + ``os.replace``) and deterministically: rows are
sorted by the stage, and parquet is written without timestamps, so the same inputs give the same
bytes.

Examples
--------
>>> from trendlab import pipeline
>>> [s.name for s in pipeline.STAGES][:1]
['postings']
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trendlab import config
from trendlab.engine import (
    CLASSIFY_TITLES,
    COUNT_ROLES,
    SPLIT_ROLES,
    TAG_SKILLS,
    Engine,
    PartTask,
    Step,
    matcher_resource,
    read_parts,
    split_parts,
    sum_counts,
    sum_unsplit,
    title_resource,
    write_parquet,
)
from trendlab.registry import source

MANIFEST = "_manifest.json"
EMPTY_PART = "_empty/part-00000.parquet"  # the one part of an empty dataset (keeps its columns)


@dataclass(frozen=True)
class PartMap:
    """The per-part half of a stage: one :class:`~trendlab.engine.Step` on every part.

    Parameters
    ----------
    step : Step
        Run on each part of ``inputs`` (the parts of several inputs are matched by path).
    inputs : tuple of str
        Upstream partitioned tables.
    write : tuple of str
        Step outputs stored as partitioned tables (one part per input part).
    reduce : dict
        Step outputs combined across parts into one small table: ``name -> fn(list of frames)``.
    resources : callable, optional
        Returns the heavy objects the step needs (built once, shipped once per worker).
    reuse : bool
        A part whose inputs and code did not change keeps its written outputs.
    """

    step: Step
    inputs: tuple[str, ...]
    write: tuple[str, ...] = ()
    reduce: dict[str, Callable[[list[pd.DataFrame]], pd.DataFrame]] = field(default_factory=dict)
    resources: Callable[[], dict[str, Any]] | None = None
    reuse: bool = True

    def __post_init__(self) -> None:
        if self.reduce and self.reuse:
            raise ValueError(f"PartMap({self.step.name}): a reduced output needs every part run; set reuse=False")
        unknown = (set(self.write) | set(self.reduce)) - set(self.step.outputs)
        if unknown:
            raise ValueError(f"PartMap({self.step.name}): {sorted(unknown)} are not outputs of the step")


@dataclass(frozen=True)
class Stage:
    """One step of the build.

    Parameters
    ----------
    name : str
        The stage's name (also its main output table).
    outputs : tuple of str
        Tables written (``<name>.parquet``, or a folder for ``partitioned`` ones) and small
        JSON reports (names ending ``.json``).
    run : callable, optional
        ``run(inputs: dict[str, DataFrame]) -> dict[str, DataFrame | dict]`` for the outputs
        the ``map`` does not make; with ``wants_engine``, ``run(inputs, engine)``. ``inputs``
        holds the ``needs`` that are not inputs of ``map``.
    sources : tuple of str
        Registry sources whose files the stage reads.
    needs : tuple of str
        Upstream tables, read from their stages' outputs.
    modules : tuple of str
        Modules whose source text is part of the cache key (the code version).
    data_files : tuple of str
        Package-relative data files (taxonomies) that are part of the cache key.
    partitioned : tuple of str
        Outputs stored as partitioned datasets.
    order : dict
        For partitioned outputs, the columns giving the table's row order when read whole
        (``posting_id`` sorts as a zero-padded number; ties keep the order within parts).
    order_via : dict
        An order column the table lacks, looked up by ``posting_id`` in another partitioned
        table: ``{"month": "roles"}``.
    map : PartMap, optional
        The per-part work.
    """

    name: str
    outputs: tuple[str, ...]
    run: Callable[..., dict[str, object]] | None = None
    sources: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    description: str = ""
    # files outside the registry that the stage reads (e.g. cached API answers), for the key
    extra_files: Callable[[], list[Path]] | None = None
    partitioned: tuple[str, ...] = ()
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)
    order_via: dict[str, str] = field(default_factory=dict)
    map: PartMap | None = None
    wants_engine: bool = False


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    parts_run: dict[str, int] = field(default_factory=dict)
    parts_reused: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- hashing


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _module_hash(name: str) -> str:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"stage module {name!r} not found")
    return _sha(Path(spec.origin).read_bytes())


def stage_key(stage: Stage, upstream_keys: dict[str, str], *, exclude: Iterable[str] = ()) -> str:
    """The stage's cache key; ``exclude`` leaves upstream tables out (a part's own inputs)."""
    skip = set(exclude)
    parts: list[str] = [f"stage:{stage.name}"]
    for s in stage.sources:
        parts += [f"{f.url}={f.sha256}" for f in source(s).files]
    for n in stage.needs:
        if n not in skip:
            parts.append(f"need:{n}={upstream_keys[n]}")
    for m in (*stage.modules, "trendlab.pipeline", "trendlab.schemas"):
        parts.append(f"code:{m}={_module_hash(m)}")
    if stage.extra_files is not None:
        for p in stage.extra_files():
            parts.append(f"file:{p.name}={_sha(p.read_bytes())}")
    for d in stage.data_files:
        for p in sorted((config.PACKAGE_DIR).glob(d)):
            parts.append(f"data:{p.relative_to(config.PACKAGE_DIR)}={_sha(p.read_bytes())}")
    return _sha("\n".join(parts).encode())


# --------------------------------------------------------------------------- I/O


def write_table(df: pd.DataFrame, path: Path) -> str:
    """Write a parquet table atomically and deterministically; returns its sha256."""
    return write_parquet(df, path)[0]


def write_json(obj: object, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(obj, indent=1, sort_keys=True, default=str) + "\n").encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return _sha(data)


def _is_partitioned(name: str) -> bool:
    return any(name in s.partitioned for s in STAGES)


def output_path(name: str) -> Path:
    """Where a table lives: ``<name>.parquet``, ``<name>`` (a folder of parts) or ``<name>.json``."""
    if name.endswith(".json"):
        return config.processed_dir() / name
    if _is_partitioned(name):
        return config.processed_dir() / name
    return config.processed_dir() / f"{name}.parquet"


def part_paths(name: str) -> list[Path]:
    """The parts of a partitioned table, as recorded by the last build (in folder order)."""
    rec = _read_manifest().get(_producer(name), {})
    parts = rec.get("parts", {}).get(name)
    if parts is None:
        raise FileNotFoundError(f"table {name!r} has not been built; run `trendlab build`")
    return [output_path(name) / rel for rel in sorted(parts)]


def _canonical(df: pd.DataFrame, order: tuple[str, ...], via: dict[str, str] | None = None) -> pd.DataFrame:
    if not order or df.empty:
        return df
    keys = []
    for c in reversed(order):  # lexsort: last key is the primary one
        if c in df.columns:
            v = df[c]
        else:
            table = (via or {}).get(c)
            if table is None:
                raise KeyError(f"order column {c!r} is neither in the table nor looked up elsewhere")
            ref = read_parts(part_paths(table), columns=["posting_id", c]).drop_duplicates("posting_id")
            v = df["posting_id"].map(pd.Series(ref[c].to_numpy(), index=ref["posting_id"].to_numpy()))
        if c == "posting_id":
            keys.append(np.asarray(v.astype(str).str.zfill(20).to_numpy(), dtype=object))
        elif c == "role_index":
            keys.append(v.astype("int64").to_numpy())
        else:
            keys.append(np.asarray(v.astype(str).to_numpy(), dtype=object))
    idx = np.lexsort(keys)
    return df.take(idx).reset_index(drop=True)


def read_output(name: str) -> pd.DataFrame | dict:
    """A built table as a whole pandas frame (a partitioned one in its canonical order), or a JSON report."""
    path = output_path(name)
    if name.endswith(".json"):
        return json.loads(path.read_text())
    if _is_partitioned(name):
        stage = stages_by_name()[_producer(name)]
        return _canonical(read_parts(part_paths(name)), stage.order.get(name, ()), stage.order_via)
    return pd.read_parquet(path)


def _read_manifest() -> dict:
    path = config.processed_dir() / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else {}


def _file_ok(path: Path, rec: dict | str) -> bool:
    """The file is the one recorded: same size and mtime (cheap), else the same sha256."""
    if not path.is_file():
        return False
    if isinstance(rec, dict):
        st = path.stat()
        if st.st_size == rec.get("bytes") and st.st_mtime_ns == rec.get("mtime_ns"):
            return True
        return _sha(path.read_bytes()) == rec["sha256"]
    return _sha(path.read_bytes()) == rec


def _intact(record: dict) -> bool:
    parts = record.get("parts", {})
    files = record.get("files", {})
    for name, digest in record.get("outputs", {}).items():
        if name in parts:
            folder = output_path(name)
            if not all(_file_ok(folder / rel, r) for rel, r in parts[name].items()):
                return False
        elif not _file_ok(output_path(name), files.get(name, digest)):
            return False
    return True


def _dataset_digest(parts: dict[str, dict]) -> str:
    return _sha("".join(f"{rel}={r['sha256']}\n" for rel, r in sorted(parts.items())).encode())


def write_dataset(df: pd.DataFrame, name: str) -> dict[str, dict]:
    """Write a frame as the partitioned table ``name`` (by source and year); returns part records."""
    folder = output_path(name)
    pieces = split_parts(df) or [(EMPTY_PART, df)]
    records = {}
    for rel, piece in pieces:
        sha, size, mtime = write_parquet(piece, folder / rel)
        records[rel] = {"sha256": sha, "bytes": size, "rows": len(piece), "mtime_ns": mtime}
    return records


def _prune(name: str, keep: Iterable[str]) -> None:
    """Remove part files of ``name`` not in ``keep`` (a part that no longer exists), and a stale single file."""
    folder = output_path(name)
    legacy = config.processed_dir() / f"{name}.parquet"
    if legacy.is_file():
        legacy.unlink()
    if not folder.is_dir():
        return
    keep = set(keep)
    for p in sorted(folder.rglob("*"), reverse=True):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in keep:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()


# --------------------------------------------------------------------------- stages


def _stage_postings(_: dict, engine: Engine) -> dict[str, object]:
    from trendlab.clean.dedupe import merge_postings
    from trendlab.engine import CLEAN_TEXT
    from trendlab.sources import hn_api, hn_hiring_mapped, hn_jobs_data, hn_thread_pages

    parsed = {
        m.SOURCE: m.load_with_coverage() for m in (hn_thread_pages, hn_hiring_mapped, hn_jobs_data)
    }
    loaded = {name: ld for name, (ld, _) in parsed.items()}
    # threads a user fetched through the live API (`trendlab hn-api`) join as a fourth archive;
    # only the cache is read here, the build never goes online
    api_months = hn_api.cached_months()
    if api_months:
        loaded[hn_api.SOURCE] = hn_api.load(months=api_months)
    coverage = pd.concat([cov for _, cov in parsed.values()], ignore_index=True)
    # the readers' quarantines go to the merge so that a post one archive saw removed
    # (dead, flagged, deleted) is not brought back by an archive crawled before moderation
    merged = merge_postings(
        [engine.map_frame(CLEAN_TEXT, ld.frame)["postings"] for ld in loaded.values()],
        quarantines=[ld.quarantine for ld in loaded.values()],
    )
    quarantine = pd.concat(
        [ld.quarantine for ld in loaded.values()] + [merged.quarantine], ignore_index=True
    )
    accounting = {
        name: {
            "rows_in": ld.rows_in,
            "kept_by_reader": len(ld.frame),
            "quarantined_by_reader": len(ld.quarantine),
        }
        for name, ld in loaded.items()
    }
    return {
        "postings": merged.postings,
        "postings_quarantine": quarantine.sort_values(list(quarantine.columns)).reset_index(drop=True),
        "postings_coverage": coverage.sort_values(["source", "month"]).reset_index(drop=True),
        "postings_report.json": {
            "postings": len(merged.postings),
            "accounting": accounting,
            "alone": merged.alone,
            "agreement": merged.agreement.to_dict(orient="records"),
        },
    }


def _stage_roles_extracted(_: dict) -> dict[str, object]:
    from trendlab.sources import hn_whos_hiring_db

    path = hn_whos_hiring_db.fetch_db()
    ld = hn_whos_hiring_db.parse_db(path)
    return {
        "roles_extracted": ld.frame,
        "roles_extracted_quarantine": ld.quarantine,
        "roles_extracted_coverage": hn_whos_hiring_db.month_coverage(path),
    }


def _stage_roles(inputs: dict, engine: Engine) -> dict[str, object]:
    # the split of the postings is the stage's part map; here the titles extracted elsewhere
    out = engine.map_frame(CLASSIFY_TITLES, inputs["roles_extracted"], titles=title_resource())
    return {"roles_extracted_classified": out["classified"]}


def _stage_reposts(inputs: dict) -> dict[str, object]:
    from trendlab.clean.reposts import reposts_table

    return {"reposts": reposts_table(inputs["postings"])}


def _stage_pm_asks(inputs: dict) -> dict[str, object]:
    from trendlab.label import pm_asks_table

    return {"pm_asks": pm_asks_table(inputs["postings"], inputs["roles"], progress=False)}


def _stage_spells(_: dict) -> dict[str, object]:
    from trendlab.sources import career_paths

    ld = career_paths.load()
    return {"spells": ld.frame, "spells_quarantine": ld.quarantine}


def _stage_context(_: dict) -> dict[str, object]:
    from trendlab.sources import indeed, usajobs

    ind = indeed.load()
    usa = usajobs.load()
    return {
        "indeed": ind.frame,
        "usajobs": usa.frame,
        "context_quarantine": pd.concat([ind.quarantine, usa.quarantine], ignore_index=True),
    }


_ROLE_ORDER = ("month", "posting_id", "role_index")
#: The taxonomy files that split posts into roles and classify their titles (package-relative globs).
ROLE_VOCABULARY = (
    "taxonomy/role_families.csv",
    "taxonomy/role_cues.csv",
    "taxonomy/title_*.csv",
    "taxonomy/seniority.csv",
    "taxonomy/technical_pm_markers.csv",
    "taxonomy/reference_families.csv",
)

STAGES: list[Stage] = [
    Stage(
        name="postings",
        outputs=("postings", "postings_quarantine", "postings_coverage", "postings_report.json"),
        run=_stage_postings,
        wants_engine=True,
        sources=("hn-thread-pages", "hn-hiring-mapped", "hn-jobs-data"),
        extra_files=lambda: __import__("trendlab.sources.hn_api", fromlist=["x"]).cached_files(),
        # the company-line words are a parsing vocabulary; no role or skill taxonomy file here,
        # so that a taxonomy change never re-parses the pages
        data_files=("taxonomy/company_line_terms.csv",),
        modules=(
            "trendlab.sources.hn_api",
            "trendlab.sources.hn_thread_pages",
            "trendlab.sources.hn_hiring_mapped",
            "trendlab.sources.hn_jobs_data",
            "trendlab.clean.text",
            "trendlab.clean.dedupe",
            "trendlab.engine",
        ),
        partitioned=("postings",),
        order={"postings": ("month", "posting_id")},
        description="HN 'Who is hiring?' posts from every mirrored archive, merged by comment id",
    ),
    Stage(
        name="roles_extracted",
        outputs=("roles_extracted", "roles_extracted_quarantine", "roles_extracted_coverage"),
        run=_stage_roles_extracted,
        sources=("hackernews-whos-hiring",),
        modules=("trendlab.sources.hn_whos_hiring_db",),
        description="machine-extracted HN role titles, 2022-12 .. 2025-10 (no posting text)",
    ),
    Stage(
        name="roles",
        outputs=("roles", "roles_unsplit", "roles_extracted_classified"),
        run=_stage_roles,
        wants_engine=True,
        map=PartMap(
            SPLIT_ROLES,
            inputs=("postings",),
            write=("roles", "roles_unsplit"),
            resources=lambda: {"titles": title_resource()},
        ),
        needs=("postings", "roles_extracted"),
        sources=("onet", "esco"),
        modules=("trendlab.clean.roles", "trendlab.clean.titles", "trendlab.engine"),
        data_files=ROLE_VOCABULARY,
        partitioned=("roles", "roles_unsplit"),
        order={"roles": _ROLE_ORDER, "roles_unsplit": ("month", "posting_id")},
        description="postings split into the roles they advertise; role titles classified",
    ),
    Stage(
        name="skills",
        outputs=("skill_hits", "skill_flags"),
        map=PartMap(
            TAG_SKILLS,
            inputs=("roles",),
            write=("skill_hits", "skill_flags"),
            resources=lambda: {"matcher": matcher_resource()},
        ),
        needs=("roles",),
        modules=("trendlab.clean.skills", "trendlab.taxonomy", "trendlab.engine"),
        data_files=("taxonomy/skill*",),
        partitioned=("skill_hits", "skill_flags"),
        # the order of roles; these tables hold no month, so it is looked up in roles
        order={"skill_hits": _ROLE_ORDER, "skill_flags": _ROLE_ORDER},
        order_via={"month": "roles"},
        description="technical, low-code and product skills tagged in each role's own text",
    ),
    Stage(
        name="role_counts",
        outputs=("role_counts", "unsplit_counts"),
        map=PartMap(
            COUNT_ROLES,
            inputs=("roles", "skill_flags", "roles_unsplit"),
            reduce={"role_counts": sum_counts, "unsplit_counts": sum_unsplit},
            reuse=False,  # cheap: always recounted from the parts
        ),
        needs=("roles", "skill_flags", "roles_unsplit"),
        modules=("trendlab.engine",),
        description="roles and skill flags counted by month, source and role family; postings without a role by reason",
    ),
    Stage(
        name="reposts",
        outputs=("reposts",),
        run=_stage_reposts,
        needs=("postings",),
        modules=("trendlab.clean.reposts", "trendlab.clean.dedupe"),
        description="the same ad posted again in later months, grouped into one ad",
    ),
    Stage(
        name="pm_asks",
        outputs=("pm_asks",),
        run=_stage_pm_asks,
        needs=("postings", "roles"),
        # the labeller splits and reads each post itself, with the role and skill vocabularies
        modules=(
            "trendlab.label",
            "trendlab.clean.roles",
            "trendlab.clean.titles",
            "trendlab.clean.skills",
            "trendlab.clean.text",
            "trendlab.taxonomy",
        ),
        data_files=(
            "taxonomy/pm_label_cues.csv",
            "taxonomy/skill*",
            *ROLE_VOCABULARY,
        ),
        description="the post labeller's answers per PM role: technical asks, engineering background, stated requirements",
    ),
    Stage(
        name="spells",
        outputs=("spells", "spells_quarantine"),
        run=_stage_spells,
        sources=("career-paths-ict",),
        modules=("trendlab.sources.career_paths",),
        description="ICT career sequences (JobHop, Karrierewege benchmark cut) as job spells",
    ),
    Stage(
        name="context",
        outputs=("indeed", "usajobs", "context_quarantine"),
        run=_stage_context,
        sources=("indeed-postings", "indeed-ai", "indeed-remote", "usajobs"),
        modules=("trendlab.sources.indeed", "trendlab.sources.usajobs"),
        description="labour-market context: Indeed Hiring Lab trackers, USAJOBS PM postings",
    ),
]


def stages_by_name() -> dict[str, Stage]:
    return {s.name: s for s in STAGES}


def _order(targets: Iterable[str] | None) -> list[Stage]:
    by = stages_by_name()
    want = list(targets) if targets else [s.name for s in STAGES]
    seen: list[str] = []

    def visit(n: str) -> None:
        if n not in by:
            raise KeyError(f"unknown stage {n!r}; stages: {', '.join(by)}")
        for up in by[n].needs:
            visit(_producer(up))
        if n not in seen:
            seen.append(n)

    for t in want:
        visit(t)
    return [by[n] for n in seen]


def _producer(table: str) -> str:
    for s in STAGES:
        if table in s.outputs:
            return s.name
    raise KeyError(f"no stage produces table {table!r}")


def plan(targets: Iterable[str] | None = None) -> list[tuple[str, str, bool]]:
    """``(stage, key, up_to_date)`` for the stages a build of ``targets`` would visit; builds nothing.

    A stage is up to date when its key matches the manifest and its outputs are intact; a
    stage downstream of a stale one gets a new key only if the upstream key changes.
    """
    manifest = _read_manifest()
    keys: dict[str, str] = {}
    out = []
    for stage in _order(targets):
        key = stage_key(stage, {n: keys[_producer(n)] for n in stage.needs})
        keys[stage.name] = key
        rec = manifest.get(stage.name, {})
        out.append((stage.name, key, rec.get("key") == key and _intact(rec)))
    return out


class _LazyEngine:
    """Starts the engine (a Dask cluster perhaps) only when a stage has work to do."""

    def __init__(self, engine: Engine | str, scheduler: str | None, workers: int | None):
        self._given = engine if isinstance(engine, Engine) else None
        self._spec = (engine, scheduler, workers) if self._given is None else None
        self._own: Engine | None = None

    def get(self) -> Engine:
        if self._given is not None:
            return self._given
        if self._own is None:
            kind, scheduler, workers = self._spec  # type: ignore[misc]
            self._own = Engine(kind, scheduler=scheduler, workers=workers).__enter__()
        return self._own

    def close(self) -> None:
        if self._own is not None:
            self._own.__exit__(None, None, None)
            self._own = None


def _run_map(stage: Stage, m: PartMap, own_key: str, prev: dict, manifest: dict, engine: Engine,
             force: bool, report: BuildReport) -> tuple[dict[str, dict], dict[str, pd.DataFrame], dict[str, str]]:
    """Run the stage's step on every input part (reusing unchanged ones); returns records, reduced frames, part keys."""
    inputs_parts: list[dict[str, dict]] = []
    for name in m.inputs:
        rec = manifest.get(_producer(name), {}).get("parts", {}).get(name)
        if rec is None:
            raise RuntimeError(f"stage {stage.name}: input table {name!r} is not a partitioned table of this build")
        inputs_parts.append(rec)
    rels = sorted(inputs_parts[0])
    for name, parts in zip(m.inputs[1:], inputs_parts[1:], strict=True):
        if sorted(parts) != rels:
            raise RuntimeError(
                f"stage {stage.name}: the parts of {name!r} do not match those of {m.inputs[0]!r} "
                f"({sorted(set(parts) ^ set(rels))[:3]} ...)"
            )
    part_keys = {
        rel: _sha("\n".join([own_key, rel, *(p[rel]["sha256"] for p in inputs_parts)]).encode())
        for rel in rels
    }
    prev_keys, prev_parts = prev.get("part_keys", {}), prev.get("parts", {})
    records: dict[str, dict] = {name: {} for name in m.write}
    todo = []
    for rel in rels:
        reusable = (
            m.reuse and not force and prev_keys.get(rel) == part_keys[rel]
            and all(rel in prev_parts.get(n, {}) and _file_ok(output_path(n) / rel, prev_parts[n][rel]) for n in m.write)
        )
        if reusable:
            for n in m.write:
                records[n][rel] = prev_parts[n][rel]
        else:
            todo.append(rel)
    tasks = [
        PartTask(
            m.step,
            tuple(str(output_path(name) / rel) for name in m.inputs),
            rel,
            {n: str(output_path(n)) for n in m.write},
        )
        for rel in todo
    ]
    results = []
    if tasks:
        resources = m.resources() if m.resources is not None else {}
        results = engine.map_parts(tasks, desc=stage.name, **resources)
    for r in results:
        for n, info in r.written.items():
            records[n][r.relpath] = info.record()
    reduced = {name: fn([r.frames[name] for r in results]) for name, fn in m.reduce.items()}
    report.parts_run[stage.name] = len(todo)
    report.parts_reused[stage.name] = len(rels) - len(todo)
    return records, reduced, part_keys


def build(
    targets: Iterable[str] | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    engine: Engine | str = "pandas",
    scheduler: str | None = None,
    workers: int | None = None,
) -> BuildReport:
    """Run the stages needed for ``targets`` (all by default), skipping up-to-date ones.

    Parameters
    ----------
    targets : iterable of str, optional
        Stage names; the stages they need are built first.
    force : bool
        Rebuild even when up to date (and reuse no part).
    engine : Engine or {"pandas", "dask"}
        Where the per-posting steps run. With ``"dask"`` a ``LocalCluster`` is started (only if
        some stage has work) unless ``scheduler`` names a running one. Both engines give the
        same tables, byte for byte.
    scheduler : str, optional
        Address of a Dask scheduler (``engine="dask"``).
    workers : int, optional
        Worker processes of the local Dask cluster (default: the CPU count).
    """
    report = BuildReport()
    manifest = _read_manifest()
    keys: dict[str, str] = {}
    lazy = _LazyEngine(engine, scheduler, workers)
    try:
        for stage in _order(targets):
            upstream = {n: keys[_producer(n)] for n in stage.needs}
            key = stage_key(stage, upstream)
            rec = manifest.get(stage.name, {})
            keys[stage.name] = key
            if not force and rec.get("key") == key and _intact(rec):
                report.skipped.append(stage.name)
                log(f"[{stage.name}] up to date")
                continue
            t0 = time.perf_counter()
            log(f"[{stage.name}] building: {stage.description}")
            record = _build_stage(stage, upstream, rec, manifest, lazy, force, report)
            record["key"] = key
            manifest[stage.name] = record
            write_json(manifest, config.processed_dir() / MANIFEST)
            report.built.append(stage.name)
            report.seconds[stage.name] = round(time.perf_counter() - t0, 2)
            extra = ""
            if stage.name in report.parts_run:
                extra = f" ({report.parts_run[stage.name]} part(s) run, {report.parts_reused[stage.name]} reused)"
            log(f"[{stage.name}] built in {report.seconds[stage.name]:.1f} s{extra}")
    finally:
        lazy.close()
    return report


def _build_stage(stage: Stage, upstream: dict[str, str], prev: dict, manifest: dict, lazy: _LazyEngine,
                 force: bool, report: BuildReport) -> dict:
    outputs: dict[str, object] = {}
    parts: dict[str, dict] = {}
    record: dict[str, Any] = {}
    m = stage.map
    if m is not None:
        own_key = stage_key(stage, upstream, exclude=m.inputs)
        written, reduced, part_keys = _run_map(stage, m, own_key, prev, manifest, lazy.get(), force, report)
        parts.update(written)
        outputs.update(reduced)
        record["part_keys"] = part_keys
    if stage.run is not None:
        mapped = set(m.inputs) if m is not None else set()
        inputs = {n: read_output(n) for n in stage.needs if n not in mapped}
        produced = stage.run(inputs, lazy.get()) if stage.wants_engine else stage.run(inputs)
        outputs.update(produced)
    missing = set(stage.outputs) - set(outputs) - set(parts)
    if missing:
        raise RuntimeError(f"stage {stage.name} did not produce {sorted(missing)}")
    digests: dict[str, str] = {}
    files: dict[str, dict] = {}
    for name in stage.outputs:
        if name in stage.partitioned:
            if name not in parts:
                parts[name] = write_dataset(outputs[name], name)
            _prune(name, parts[name])
            digests[name] = _dataset_digest(parts[name])
            continue
        path = output_path(name)
        if path.is_dir():  # a table that used to be partitioned
            shutil.rmtree(path)
        if name.endswith(".json"):
            digests[name] = write_json(outputs[name], path)
        else:
            sha, size, mtime = write_parquet(outputs[name], path)
            digests[name] = sha
            files[name] = {"sha256": sha, "bytes": size, "mtime_ns": mtime}
    record.update(outputs=digests, files=files, parts={n: parts[n] for n in stage.partitioned})
    return record


def load_table(name: str) -> pd.DataFrame | dict:
    """Read a processed table, building its stage first when it is missing or stale."""
    producer = _producer(name)
    build([producer], log=lambda _m: None)
    return read_output(name)
