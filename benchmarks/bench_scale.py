"""Scale series: 10^5, 10^6 and 10^7 postings from raw HTML to monthly counts, pandas and Dask.

The corpora are generated here, at bench time, by resampling the real mirrored posts
(``hn-hiring-mapped`` and ``hn-jobs-data``, read through the registry): within each (source,
year) the posts are drawn with replacement, each draw gets a new posting id, and the corpus is
written part by part (at most ``--part-rows`` rows) as partitioned parquet in a temporary folder,
so no corpus is ever whole in memory. Each run then streams the parts through
:data:`trendlab.engine.RAW_TO_COUNTS` (HTML to text, roles, title classes, skill flags, counts
by month, source and role family; the counts of the parts are summed), in a fresh process:

- ``pandas``: one part after another in that process;
- ``dask``: a LocalCluster with ``--workers`` single-threaded workers, one task per part, the
  parts of one source and year on one worker (so that its memo sees their repeated texts).

Printed per corpus and engine: wall time, CPU time and peak resident memory of the whole
process tree (client, scheduler, workers), and how many distinct texts were parsed: a resampled
corpus repeats each real text many times and the engine parses each text once per worker (the
counts still count every posting). So the series measures the streaming engine — reading,
deduplicating, counting and summing parts — at each size; the cost of parsing new text is
printed separately as the full chain's throughput on distinct texts, with what a corpus of
10^7 distinct texts would take at that rate (an extrapolation, marked as such). Both engines
must give identical count tables (checked). Then the time ratio per 10x of data.

Usage::

    TRENDLAB_MIRROR=/path/to/mirror python benchmarks/bench_scale.py [--sizes 1e5,1e6,1e7]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import machine, run  # noqa: E402

from trendlab import engine as E  # noqa: E402


def base_sample() -> pd.DataFrame:
    """The real posts to resample: raw HTML, one row per posting id."""
    from trendlab.sources import hn_hiring_mapped, hn_jobs_data

    frames = [hn_hiring_mapped.load(progress=False).frame, hn_jobs_data.load(progress=False).frame]
    raw = pd.concat(frames, ignore_index=True).drop_duplicates("posting_id").reset_index(drop=True)
    return raw[raw["html"].fillna("").str.strip() != ""].reset_index(drop=True)


def _write_stratum(frame: pd.DataFrame, m: int, first_id: int, folder: str, part_rows: int,
                   seed: tuple[int, ...]) -> list[Path]:
    """``m`` rows drawn with replacement from ``frame`` (one source and year), written in parts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(list(seed))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    id_type = table.schema.field("posting_id").type
    paths = []
    for j, start in enumerate(range(0, m, part_rows)):
        size = min(part_rows, m - start)
        t = table.take(pa.array(rng.integers(0, table.num_rows, size)))
        ids = pa.array(np.arange(first_id + start, first_id + start + size).astype(str)).cast(id_type)
        t = t.set_column(t.schema.get_field_index("posting_id"), "posting_id", ids)
        path = Path(folder) / f"part-{j:05d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(t, path, compression="zstd")
        paths.append(path)
    return paths


def generate(base: pd.DataFrame, n: int, folder: Path, part_rows: int, seed: int = 20260,
             jobs: int = 1) -> list[Path]:
    """Write a corpus of ``n`` resampled postings as parquet parts by source and year.

    Each (source, year) of ``base`` gets its share of ``n`` (largest remainders), drawn with
    replacement from its own posts; ids are new and unique. ``jobs`` processes write strata
    side by side; the corpus does not depend on ``jobs``.
    """
    from concurrent.futures import ProcessPoolExecutor

    key = base["source"].astype(str) + "\t" + base["month"].astype(str).str[:4]
    groups = sorted(key.groupby(key).groups.items())
    sizes = np.array([len(ix) for _, ix in groups], dtype=float)
    want = np.floor(n * sizes / sizes.sum()).astype(int)
    want[np.argsort(-(n * sizes / sizes.sum() - want), kind="stable")[: n - want.sum()]] += 1
    first = np.concatenate([[1], 1 + np.cumsum(want)[:-1]])
    args = [
        (base.loc[ix].reset_index(drop=True), int(m), int(f), str(folder / E.part_dir(*k.split("\t"))),
         part_rows, (seed, n, i))
        for i, ((k, ix), m, f) in enumerate(zip(groups, want, first, strict=True)) if m
    ]
    if jobs <= 1:
        return [p for a in args for p in _write_stratum(*a)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [p for ps in pool.map(_write_stratum, *zip(*args, strict=True)) for p in ps]


def child(kind: str, folder: Path, workers: int, out: Path) -> int:
    """One run: every part of ``folder`` through RAW_TO_COUNTS; writes the counts and a summary."""
    t0 = time.perf_counter()
    parts = sorted(folder.rglob("*.parquet"))
    tasks = [E.PartTask(E.RAW_TO_COUNTS, (str(p),), p.relative_to(folder).as_posix()) for p in parts]
    titles, matcher, memo = E.title_resource(), E.matcher_resource(), E.ContentMemo()
    with E.Engine(kind, workers=workers, progress=False) as eng:
        started = time.perf_counter() - t0
        results = eng.map_parts(tasks, affinity=True, titles=titles, matcher=matcher, memo=memo)
    texts = pd.concat([r.frames["texts"] for r in results], ignore_index=True).sum()
    unsplit = E.sum_unsplit([r.frames["unsplit_counts"] for r in results])
    counts = E.sum_counts([r.frames["role_counts"] for r in results])
    E.write_parquet(counts, out.with_suffix(".parquet"))
    summary = {
        "seconds": time.perf_counter() - t0,
        "startup_s": started,
        "postings": int(sum(r.rows_in for r in results)),
        "roles": int(counts["roles"].sum()),
        "parsed": int(texts["parsed"]),
        "with_roles": int(texts["with_roles"]),
        "unsplit": int(unsplit["postings"].sum()),
        "parts": len(tasks),
        "counts_sha": hashlib.sha256(out.with_suffix(".parquet").read_bytes()).hexdigest(),
    }
    out.write_text(json.dumps(summary))
    return 0


def distinct_throughput(base: pd.DataFrame, n: int) -> tuple[float, float]:
    """Postings/s and MB/s of HTML per core of the full chain on ``n`` distinct texts (no memo hits)."""
    sample = base.sample(min(n, len(base)), random_state=7).reset_index(drop=True)
    titles, matcher = E.title_resource(), E.matcher_resource()
    E.RAW_TO_COUNTS(sample.iloc[:50], titles=titles, matcher=matcher)  # warm the caches
    c0 = time.process_time()
    E.RAW_TO_COUNTS(sample, titles=titles, matcher=matcher, memo=E.ContentMemo())
    cpu = time.process_time() - c0
    mb = sample["html"].fillna("").str.len().sum() / 1e6
    return len(sample) / cpu, mb / cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1e5,1e6,1e7", help="corpus sizes, comma-separated")
    ap.add_argument("--engines", default="pandas,dask")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers")
    ap.add_argument("--part-rows", type=int, default=100_000)
    ap.add_argument("--distinct", type=int, default=3000, help="texts for the distinct-text throughput")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, folder, out = args.child
        return child(kind, Path(folder), args.workers, Path(out))
    if not os.environ.get("TRENDLAB_MIRROR"):
        print("bench_scale: TRENDLAB_MIRROR is not set; the real posts to resample cannot be read (skipped)")
        return 0

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    print(f"machine: {machine()}; Dask runs use {args.workers} workers; parts of at most {args.part_rows:,} rows")
    t0 = time.perf_counter()
    base = base_sample()
    mb = base["html"].str.len().sum() / 1e6
    print(f"base: {len(base):,} real posts ({base['html'].nunique():,} distinct texts, {mb:.1f} MB of HTML), "
          f"read in {time.perf_counter() - t0:.1f} s")
    ps, mbs = distinct_throughput(base, args.distinct)
    print(f"full chain on {min(args.distinct, len(base)):,} distinct texts: {ps:,.0f} postings/s per core "
          f"({mbs:.2f} MB/s of HTML); at that rate 10^7 distinct texts would take "
          f"{1e7 / ps / args.workers / 3600:.1f} h on {args.workers} workers (extrapolated, not run)")

    tmp = Path(tempfile.mkdtemp(prefix="trendlab-bench-scale-"))
    results: dict[tuple[int, str], dict] = {}
    try:
        for n in sizes:
            folder = tmp / f"corpus-{n}"
            g0 = time.perf_counter()
            paths = generate(base, n, folder, args.part_rows, jobs=os.cpu_count() or 1)
            gb = sum(p.stat().st_size for p in paths) / 1e9
            print(f"\n10^{np.log10(n):.0f} = {n:,} postings: generated {len(paths)} parts, {gb:.2f} GB on disk, "
                  f"in {time.perf_counter() - g0:.1f} s")
            shas = set()
            for kind in engines:
                out = tmp / f"result-{n}-{kind}.json"
                cmd = [sys.executable, __file__, "--workers", str(args.workers), "--child", kind, str(folder), str(out)]
                m = run(cmd)
                if m.returncode != 0:
                    sys.stderr.write(m.stderr[-4000:])
                    raise SystemExit(f"{kind} run on {n:,} postings failed")
                r = json.loads(out.read_text())
                r.update(wall=m.wall_s, cpu=m.cpu_s, peak_mb=m.peak_rss_mb)
                results[(n, kind)] = r
                shas.add(r["counts_sha"])
                if r["postings"] != n or r["with_roles"] + r["unsplit"] != n:
                    raise SystemExit(f"{kind}: {r['postings']:,} postings read, {r['with_roles']:,} with roles "
                                     f"+ {r['unsplit']:,} without; {n:,} generated")
                print(f"  {kind:<6} {m.wall_s:7.1f} s wall ({r['startup_s']:.1f} s start-up), {m.cpu_s:7.1f} s CPU, "
                      f"peak RSS {m.peak_rss_mb:,.0f} MB; {n / m.wall_s:,.0f} postings/s; "
                      f"{r['roles']:,} roles in {r['with_roles']:,} postings + {r['unsplit']:,} postings "
                      f"without a role; {r['parsed']:,} texts parsed")
            if len(engines) > 1:
                print(f"  same count table on {' and '.join(engines)}: {'yes' if len(shas) == 1 else 'NO'}")
                if len(shas) != 1:
                    raise SystemExit("the engines disagree")
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("\ntime ratio per 10x of data (10 = linear):")
    for kind in engines:
        pairs = [(a, b) for a, b in zip(sizes, sizes[1:], strict=False) if b == 10 * a]
        ratios = [results[(b, kind)]["wall"] / results[(a, kind)]["wall"] for a, b in pairs]
        print(f"  {kind:<6} " + ", ".join(f"{a:.0e}->{b:.0e}: {r:.2f}" for (a, b), r in zip(pairs, ratios, strict=True)))
    big = max(sizes)
    if (big, "dask") in results:
        r = results[(big, "dask")]
        print(f"{big:,} postings on Dask: peak RSS {r['peak_mb'] / 1024:.2f} GB (target < 4 GB), "
              f"{r['wall']:.0f} s wall")
    print(f"load average now: {os.getloadavg()[0]:.2f} (other work on the machine slows wall times)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
