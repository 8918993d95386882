"""Render the analysis notebooks (jupytext percent scripts) to HTML reports.

Each ``notebooks/NN-topic.py`` is read with jupytext, executed top to bottom in a fresh kernel
(nbclient) with the notebooks folder as working directory, and exported with nbconvert to
``reports/NN-topic.html`` with the code cells hidden. A notebook that raises fails the render.

A render is skipped when neither the notebook's text nor the processed tables (the build
manifest) nor the package code changed since the last render: the key is stored beside the HTML.
``reports/index.html`` lists every report with the one-line summary taken from the notebook's
first markdown cell (its title, then its first paragraph).

Examples
--------
>>> from trendlab.report import notebook_summary  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from trendlab import config

KEYS_FILE = ".render-keys.json"


@dataclass(frozen=True)
class Rendered:
    notebook: Path
    html: Path
    title: str
    summary: str
    seconds: float
    skipped: bool


def notebooks_dir() -> Path:
    root = config.project_root()
    return (root if root is not None else Path.cwd()) / "notebooks"


def list_notebooks(folder: Path | None = None) -> list[Path]:
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]-*.py"))


def notebook_summary(path: Path) -> tuple[str, str]:
    """(title, one-line summary) from the first markdown cell of a jupytext percent script."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^# %% \[markdown\]\n((?:#.*\n?)+)", text, flags=re.M)
    if not m:
        return path.stem, ""
    lines = [re.sub(r"^# ?", "", ln) for ln in m.group(1).splitlines()]
    title = next((ln.lstrip("# ").strip() for ln in lines if ln.startswith("#")), path.stem)
    body: list[str] = []
    for ln in lines:
        if ln.startswith("#") and not body:
            continue
        if not ln.strip():
            if body:
                break
            continue
        body.append(ln.strip())
    return title, " ".join(body)


def _package_code_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".csv", ".toml", ".json", ".yaml"}:
            h.update(str(p.relative_to(config.PACKAGE_DIR)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _raw_listing() -> str:
    """Names and sizes of the cached raw files: a report re-renders when a file is fetched."""
    raw = config.raw_dir()
    if not raw.is_dir():
        return ""
    return "\n".join(
        f"{p.relative_to(raw)}:{p.stat().st_size}"
        for p in sorted(raw.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    )


def _render_key(nb: Path, code_hash: str) -> str:
    manifest = config.processed_dir() / "_manifest.json"
    h = hashlib.sha256()
    h.update(nb.read_bytes())
    h.update(manifest.read_bytes() if manifest.is_file() else b"")
    h.update(code_hash.encode())
    h.update(_raw_listing().encode())
    return h.hexdigest()


def execute_to_html(nb_path: Path, out_html: Path, *, timeout: int = 1200) -> None:
    """Execute one jupytext notebook and write its HTML (atomically)."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = jupytext.read(nb_path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        # the kernel's start-up notices are not the report's: errors still reach the terminal
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # drop terminal colours
        raise RuntimeError(f"notebook {nb_path} failed:\n{plain}") from None
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.from_dict(nb))
    out_html.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_html.parent, prefix=f".{out_html.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body)
    os.replace(tmp, out_html)


def render_all(
    names: list[str] | None = None,
    *,
    folder: Path | None = None,
    force: bool = False,
    log=print,
) -> list[Rendered]:
    """Render every notebook in ``folder`` (or those whose stem starts with one of ``names``)."""
    out_dir = config.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    config.figures_dir().mkdir(parents=True, exist_ok=True)
    keys_path = out_dir / KEYS_FILE
    keys = json.loads(keys_path.read_text()) if keys_path.is_file() else {}
    code_hash = _package_code_hash()
    done: list[Rendered] = []
    for nb in list_notebooks(folder):
        if names and not any(nb.stem.startswith(n) for n in names):
            continue
        out = out_dir / f"{nb.stem}.html"
        key = _render_key(nb, code_hash)
        title, summary = notebook_summary(nb)
        if not force and keys.get(nb.stem) == key and out.is_file():
            log(f"[report] {out.name} up to date")
            done.append(Rendered(nb, out, title, summary, 0.0, True))
            continue
        log(f"[report] executing {nb.name}")
        t0 = time.perf_counter()
        execute_to_html(nb, out)
        secs = time.perf_counter() - t0
        keys[nb.stem] = key
        keys_path.write_text(json.dumps(keys, indent=1, sort_keys=True))
        log(f"[report] wrote {out} in {secs:.1f} s")
        done.append(Rendered(nb, out, title, summary, round(secs, 1), False))
    write_index([(d.html.name, d.title, d.summary) for d in _all_reports(folder)])
    return done


def _all_reports(folder: Path | None = None) -> list[Rendered]:
    out = []
    for nb in list_notebooks(folder):
        html_path = config.reports_dir() / f"{nb.stem}.html"
        if html_path.is_file():
            title, summary = notebook_summary(nb)
            out.append(Rendered(nb, html_path, title, summary, 0.0, True))
    return out


INDEX_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trendlab reports</title>
<style>
 body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem;
        margin: 2.5rem auto; padding: 0 1rem; color: #1f2328; line-height: 1.5; }}
 h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
 p.lead {{ color: #57606a; margin-top: 0; }}
 li {{ margin: .9rem 0; }} a {{ font-weight: 600; color: #0b5cad; text-decoration: none; }}
 a:hover {{ text-decoration: underline; }} span.s {{ display: block; color: #3d444d; }}
 footer {{ margin-top: 2rem; font-size: .85rem; color: #57606a; }}
</style></head><body>
<h1>trendlab reports</h1>
<p class="lead">How engineering and product management are converging, measured from public data.
Every report is regenerated from the raw public files by <code>make analysis</code>.</p>
<ul>
{items}
</ul>
<footer>trendlab {version}</footer>
</body></html>
"""


def write_index(entries: list[tuple[str, str, str]]) -> Path:
    """Write ``reports/index.html`` listing (file name, title, summary) entries."""
    from trendlab import __version__

    items = "\n".join(
        f'<li><a href="{html.escape(f)}">{html.escape(t)}</a>'
        f'<span class="s">{html.escape(s)}</span></li>'
        for f, t, s in entries
    )
    out = config.reports_dir() / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(INDEX_TEMPLATE.format(items=items or "<li>No report rendered yet.</li>", version=__version__))
    return out
