"""The ``trendlab`` command line.

Commands: ``sources`` (what each public source covers and where its files are), ``fetch``,
``build`` (raw -> processed tables), ``report`` (render the notebooks), ``analyze`` (build +
report), ``label-postings`` (label a CSV of posts), ``evaluate`` (measure the labeller).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from trendlab import config

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="trendlab: measure how engineering and product management converge, from public data.",
)


def _fail(msg: str, code: int = 1) -> None:
    typer.secho(f"error: {msg}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def sources() -> None:
    """List every public source: coverage, licence, and where each of its files is."""
    from trendlab.fetch import status
    from trendlab.registry import sources as all_sources

    mirror = config.mirror_dir()
    typer.echo(f"cache:  {config.raw_dir()}")
    typer.echo(f"mirror: {mirror if mirror else '(TRENDLAB_MIRROR not set)'}\n")
    for name, src in sorted(all_sources().items()):
        counts = {"cached": 0, "mirrored": 0, "missing": 0}
        missing = []
        for f in src.files:
            st = status(f)
            counts[st] += 1
            if st == "missing":
                missing.append(f.name)
        size = sum(f.size or 0 for f in src.files)
        typer.secho(name, bold=True)
        typer.echo(f"  {src.title}")
        typer.echo(f"  coverage: {src.coverage}")
        typer.echo(f"  licence:  {src.license}")
        typer.echo(
            f"  files:    {len(src.files)} ({size / 1e6:.1f} MB declared): "
            f"{counts['cached']} cached, {counts['mirrored']} mirrored, {counts['missing']} missing"
            + ("" if src.mirrored else "  [not in the offline mirror]")
        )
        if missing and len(missing) <= 5:
            typer.echo(f"  missing:  {', '.join(missing)}")
        if src.caveats:
            typer.echo(f"  caveats:  {src.caveats}")
        typer.echo("")


@app.command()
def fetch(
    source: Annotated[
        list[str] | None, typer.Argument(help="Sources to fetch (all when omitted).")
    ] = None,
) -> None:
    """Fetch public files into the verified cache (from the mirror or the network)."""
    from trendlab.fetch import FetchError, fetch_source
    from trendlab.registry import RegistryError
    from trendlab.registry import sources as all_sources

    names = source or [n for n, s in sorted(all_sources().items()) if s.mirrored]
    for name in names:
        try:
            paths = fetch_source(name, progress=sys.stderr.isatty())
        except (FetchError, RegistryError) as exc:
            _fail(str(exc))
        typer.echo(f"{name}: {len(paths)} files verified in {config.raw_dir()}")


@app.command("hn-api")
def hn_api_cmd(
    months: Annotated[
        list[str],
        typer.Argument(help="Thread months: YYYY-MM, or a range YYYY-MM..YYYY-MM."),
    ],
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask the API again.")] = False,
) -> None:
    """Fetch "Who is hiring?" threads from the live Hacker News API into the cache.

    The next `trendlab build` adds the cached threads to the postings corpus.
    """
    import pandas as pd

    from trendlab.fetch import FetchError
    from trendlab.sources import hn_api

    wanted: list[str] = []
    for m in months:
        if ".." in m:
            a, b = m.split("..", 1)
            try:
                wanted += [str(p) for p in pd.period_range(a, b, freq="M")]
            except ValueError as exc:
                _fail(f"bad month range {m!r}: {exc}")
        else:
            wanted.append(m)
    try:
        ld = hn_api.load(months=wanted, refresh=refresh, progress=sys.stderr.isatty())
    except (FetchError, LookupError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(
        f"{len(ld.frame)} postings from {ld.frame['month'].nunique()} thread(s) cached in "
        f"{hn_api.cache_dir()} ({len(ld.quarantine)} records set aside); run `trendlab build`."
    )


@app.command()
def build(
    stage: Annotated[
        list[str] | None, typer.Argument(help="Stages to build (all when omitted).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when up to date.")] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="Where the per-posting steps run: pandas or dask.")
    ] = "pandas",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a running Dask scheduler (default: a local cluster)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes of the local Dask cluster.")
    ] = None,
) -> None:
    """Build the processed tables from the raw files (only what changed)."""
    from trendlab import pipeline
    from trendlab.engine import ENGINES
    from trendlab.fetch import FetchError

    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if (scheduler or workers) and engine != "dask":
        _fail("--scheduler and --workers need --engine dask")
    t0 = time.perf_counter()
    try:
        rep = pipeline.build(
            stage or None, force=force, log=typer.echo, engine=engine, scheduler=scheduler, workers=workers
        )
    except (FetchError, KeyError, ValueError) as exc:
        _fail(str(exc))
    _print_accounting()
    typer.echo(
        f"built {len(rep.built)} stage(s), {len(rep.skipped)} up to date, "
        f"in {time.perf_counter() - t0:.1f} s"
    )


def _print_accounting() -> None:
    """rows in = rows out + rows quarantined, per source, from the postings report."""
    from trendlab import pipeline

    path = pipeline.output_path("postings_report.json")
    if not path.is_file():
        return
    rep = pipeline.read_output("postings_report.json")
    typer.echo("\npostings accounting (rows in = kept + quarantined):")
    for name, acc in sorted(rep["accounting"].items()):
        ok = acc["rows_in"] == acc["kept_by_reader"] + acc["quarantined_by_reader"]
        typer.echo(
            f"  {name:<18} {acc['rows_in']:>7} in = {acc['kept_by_reader']:>7} kept "
            f"+ {acc['quarantined_by_reader']:>6} quarantined  {'ok' if ok else 'MISMATCH'}"
        )
    kept = sum(a["kept_by_reader"] for a in rep["accounting"].values())
    postings = rep.get("postings")
    if postings is not None:
        typer.echo(
            f"  merged by comment id: {kept} copies -> {postings} postings "
            f"+ {kept - postings} duplicate copies quarantined"
        )
    q = pipeline.read_output("postings_quarantine")
    by = q.groupby(["source", "reason"]).size()
    typer.echo("quarantine by reason: " + ", ".join(f"{s}/{r} {n}" for (s, r), n in by.items()))


@app.command()
def report(
    notebook: Annotated[
        list[str] | None, typer.Argument(help="Notebook stems to render (all when omitted).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-render even when up to date.")] = False,
) -> None:
    """Execute the notebooks and render the HTML reports (only what changed)."""
    from trendlab.report import render_all

    try:
        render_all(notebook or None, force=force, log=typer.echo)
    except RuntimeError as exc:
        _fail(str(exc))
    typer.echo(f"reports in {config.reports_dir()} (start at index.html)")


@app.command("label-postings")
def label_postings_cmd(
    in_path: Annotated[Path, typer.Argument(help="CSV (UTF-8) with columns id,text; other columns are passed through.")],
    out_path: Annotated[Path, typer.Argument(help="Where to write the labelled CSV.")],
    id_column: Annotated[str, typer.Option("--id-column", help="Name of the id column.")] = "id",
    text_column: Annotated[str, typer.Option("--text-column", help="Name of the text column.")] = "text",
    keep_text: Annotated[bool, typer.Option("--keep-text", help="Copy the text column to the output.")] = False,
) -> None:
    """Label posts: does each hire a product manager, and what does the PM role ask for.

    Output columns: is_pm_role, pm_requires_technical, pm_prefers_technical,
    pm_requires_eng_background, pm_requirements_stated, pm_titles, technical_terms (the PM
    columns are empty when is_pm_role is 0).
    """
    from trendlab.label import LabelInputError, label_file

    t0 = time.perf_counter()
    try:
        out = label_file(
            in_path, out_path, id_col=id_column, text_col=text_column, keep_text=keep_text,
            progress=sys.stderr.isatty(),
        )
    except LabelInputError as exc:
        _fail(str(exc))
    n_pm = int(out["is_pm_role"].sum())
    n_tech = int(out["pm_requires_technical"].fillna(0).sum())
    typer.echo(
        f"{len(out)} posts labelled in {time.perf_counter() - t0:.1f} s: {n_pm} hire a PM, "
        f"{n_tech} of them ask for a technical skill; written to {out_path}"
    )


@app.command()
def evaluate(
    write: Annotated[bool, typer.Option("--write/--no-write", help="Rewrite evaluation/rates.csv.")] = True,
) -> None:
    """Measure the post labeller against the hand-labelled development set (both halves and the whole)."""
    from trendlab.evaluation import evaluate as ev_mod
    from trendlab.fetch import FetchError

    try:
        ev = ev_mod.evaluate()
    except (FetchError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(ev_mod.format_table(ev.table))
    typer.echo(
        f"\n{ev_mod.DEVSET.name}: {len(ev.labelled)} posts (sha256 {ev.devset_sha256[:12]}), skill taxonomy "
        f"{ev.taxonomy_version}; halves by posting id ({', '.join(ev_mod.HALVES)}) and the "
        f"later splits ({'; '.join(f'{k}: ' + ', '.join(v) for k, v in ev_mod.LATER_SPLITS.items())}), "
        f"labelled before the labeller was run on them; the '{ev_mod.CORRECTION_SPLIT}' split is the "
        "newest measurement and corrects the shares; PM measures over the posts labelled as hiring a PM"
    )
    from trendlab.evaluation import agreement as ag

    if ag.READINGS.exists():
        try:
            readings = ag.read_readings()
        except ValueError as exc:
            _fail(str(exc))
        n_posts = readings["posting_id"].nunique()
        typer.echo(
            f"\nTwo independent readings of {n_posts} posts ({ag.READINGS.name}; disagreements settled by a third "
            "reading against LABELLING.md):\n" + ag.format_agreement(ag.reader_agreement(readings))
        )
    if write:
        typer.echo(f"rates written to {ev_mod.write_rates(ev)}")
    short = ev_mod.check_targets(ev.table)
    for line in short:
        typer.secho(line, fg=typer.colors.YELLOW)
    if not short:
        typer.echo("targets met: " + ", ".join(f"{m} F1 >= {t:.2f}" for m, t in ev_mod.TARGETS.items()))


@app.command()
def analyze(
    force: Annotated[bool, typer.Option("--force", help="Rebuild and re-render everything.")] = False,
) -> None:
    """Build every table, then render every report."""
    build(None, force=force)
    report(None, force=force)


if __name__ == "__main__":  # pragma: no cover
    app()
