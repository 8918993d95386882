"""The build: raw public files -> processed tables, stage by stage, cached by input hashes.

This is the only module that knows the order of the whole chain. Each :class:`Stage` declares
what it reads (registry sources, upstream tables, taxonomy files) and the code it runs; its
cache key is the sha256 of all of those (file hashes from the registry, upstream keys, the source
text of its modules, the bytes of its data files). A stage whose key matches the manifest and
whose outputs are intact is skipped, so a build with nothing changed rebuilds nothing, and a
changed taxonomy re-tags without re-parsing.

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
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from trendlab import config
from trendlab.registry import source

MANIFEST = "_manifest.json"


@dataclass(frozen=True)
class Stage:
    """One step of the build.

    Parameters
    ----------
    name : str
        The stage's name (also its main output table).
    outputs : tuple of str
        Tables written (``<name>.parquet``) and small JSON reports (names ending ``.json``).
    run : callable
        ``run(inputs: dict[str, DataFrame]) -> dict[str, DataFrame | dict]``.
    sources : tuple of str
        Registry sources whose files the stage reads.
    needs : tuple of str
        Upstream tables, read from their stages' outputs.
    modules : tuple of str
        Modules whose source text is part of the cache key (the code version).
    data_files : tuple of str
        Package-relative data files (taxonomies) that are part of the cache key.
    """

    name: str
    outputs: tuple[str, ...]
    run: Callable[[dict[str, pd.DataFrame]], dict[str, object]]
    sources: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    description: str = ""
    # files outside the registry that the stage reads (e.g. cached API answers), for the key
    extra_files: Callable[[], list[Path]] | None = None


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- hashing


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _module_hash(name: str) -> str:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"stage module {name!r} not found")
    return _sha(Path(spec.origin).read_bytes())


def stage_key(stage: Stage, upstream_keys: dict[str, str]) -> str:
    parts: list[str] = [f"stage:{stage.name}"]
    for s in stage.sources:
        parts += [f"{f.url}={f.sha256}" for f in source(s).files]
    for n in stage.needs:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
        digest = _sha(Path(tmp).read_bytes())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; tables are for every reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def write_json(obj: object, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(obj, indent=1, sort_keys=True, default=str) + "\n").encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return _sha(data)


def output_path(name: str) -> Path:
    suffix = "" if name.endswith(".json") else ".parquet"
    return config.processed_dir() / f"{name}{suffix}"


def read_output(name: str) -> pd.DataFrame | dict:
    path = output_path(name)
    if name.endswith(".json"):
        return json.loads(path.read_text())
    return pd.read_parquet(path)


def _read_manifest() -> dict:
    path = config.processed_dir() / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else {}


def _intact(record: dict) -> bool:
    for name, digest in record.get("outputs", {}).items():
        p = output_path(name)
        if not p.is_file() or _sha(p.read_bytes()) != digest:
            return False
    return True


# --------------------------------------------------------------------------- stages


def _stage_postings(_: dict) -> dict[str, object]:
    from trendlab.clean.dedupe import merge_postings
    from trendlab.clean.text import add_text
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
        [add_text(ld.frame) for ld in loaded.values()],
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


def _stage_roles(inputs: dict) -> dict[str, object]:
    from trendlab.clean.roles import split_roles
    from trendlab.clean.titles import classify_titles

    split = split_roles(inputs["postings"])
    extracted = inputs["roles_extracted"]
    classes = classify_titles(extracted["role_title"].fillna(""))
    keep = ["role_family", "seniority", "technical_pm", "product_owner", "match_method", "matched_reference"]
    titled = pd.concat([extracted.reset_index(drop=True), classes[keep].reset_index(drop=True)], axis=1)
    return {"roles": split.roles, "roles_unsplit": split.unsplit, "roles_extracted_classified": titled}


def _stage_skills(inputs: dict) -> dict[str, object]:
    from trendlab.clean.skills import skill_flags, tag_skills

    roles = inputs["roles"]
    hits = tag_skills(roles, "requirements_text")
    return {"skill_hits": hits, "skill_flags": skill_flags(hits, roles)}


def _stage_reposts(inputs: dict) -> dict[str, object]:
    from trendlab.clean.reposts import reposts_table

    return {"reposts": reposts_table(inputs["postings"])}


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


STAGES: list[Stage] = [
    Stage(
        name="postings",
        outputs=("postings", "postings_quarantine", "postings_coverage", "postings_report.json"),
        run=_stage_postings,
        sources=("hn-thread-pages", "hn-hiring-mapped", "hn-jobs-data"),
        extra_files=lambda: __import__("trendlab.sources.hn_api", fromlist=["x"]).cached_files(),
        data_files=("taxonomy/company_line_terms.csv",),
        modules=(
            "trendlab.sources.hn_api",
            "trendlab.sources.hn_thread_pages",
            "trendlab.sources.hn_hiring_mapped",
            "trendlab.sources.hn_jobs_data",
            "trendlab.clean.text",
            "trendlab.clean.dedupe",
        ),
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
        needs=("postings", "roles_extracted"),
        sources=("onet", "esco"),
        modules=("trendlab.clean.roles", "trendlab.clean.titles"),
        data_files=(
            "taxonomy/role_families.csv",
            "taxonomy/role_cues.csv",
            "taxonomy/title_*.csv",
            "taxonomy/seniority.csv",
            "taxonomy/technical_pm_markers.csv",
            "taxonomy/reference_families.csv",
        ),
        description="postings split into the roles they advertise; role titles classified",
    ),
    Stage(
        name="skills",
        outputs=("skill_hits", "skill_flags"),
        run=_stage_skills,
        needs=("roles",),
        modules=("trendlab.clean.skills", "trendlab.taxonomy"),
        data_files=("taxonomy/skill*",),
        description="technical, low-code and product skills tagged in each role's own text",
    ),
    Stage(
        name="reposts",
        outputs=("reposts",),
        run=_stage_reposts,
        needs=("postings",),
        modules=("trendlab.clean.reposts",),
        description="the same ad posted again in later months, grouped into one ad",
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


def build(
    targets: Iterable[str] | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> BuildReport:
    """Run the stages needed for ``targets`` (all by default), skipping up-to-date ones."""
    report = BuildReport()
    manifest = _read_manifest()
    keys: dict[str, str] = {}
    for stage in _order(targets):
        upstream = {n: keys[_producer(n)] for n in stage.needs}
        key = stage_key(stage, {n: upstream[n] for n in stage.needs})
        rec = manifest.get(stage.name, {})
        keys[stage.name] = key
        if not force and rec.get("key") == key and _intact(rec):
            report.skipped.append(stage.name)
            log(f"[{stage.name}] up to date")
            continue
        t0 = time.perf_counter()
        inputs = {n: read_output(n) for n in stage.needs}
        log(f"[{stage.name}] building: {stage.description}")
        outputs = stage.run(inputs)
        missing = set(stage.outputs) - set(outputs)
        if missing:
            raise RuntimeError(f"stage {stage.name} did not produce {sorted(missing)}")
        digests = {}
        for name in stage.outputs:
            obj = outputs[name]
            if name.endswith(".json"):
                digests[name] = write_json(obj, output_path(name))
            else:
                digests[name] = write_table(obj, output_path(name))
        manifest[stage.name] = {"key": key, "outputs": digests}
        write_json(manifest, config.processed_dir() / MANIFEST)
        report.built.append(stage.name)
        report.seconds[stage.name] = round(time.perf_counter() - t0, 2)
        log(f"[{stage.name}] built in {report.seconds[stage.name]:.1f} s")
    return report


def load_table(name: str) -> pd.DataFrame | dict:
    """Read a processed table, building its stage first when it is missing or stale."""
    producer = _producer(name)
    build([producer], log=lambda _m: None)
    return read_output(name)
