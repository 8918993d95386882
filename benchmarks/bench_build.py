"""Cold and warm `make analysis` from the mirror, and a taxonomy edit that re-tags only.

The committed package and notebooks (``git archive HEAD``; ``--worktree`` for the files as they
are now) are copied to a temporary folder first, so that the figures belong to one version of
the code even while files change, and every step runs there with its own data and reports
folders: nothing of the checkout's data/ or reports/ is touched.

Printed, each with wall time, CPU time of the process tree and peak resident memory:

- cold: ``trendlab fetch`` (copies and verifies every raw file from the mirror), ``trendlab
  build`` and ``trendlab report`` (every notebook executed) into empty folders — what
  ``make analysis`` does on a fresh clone;
- warm: the same three commands again, nothing changed (targets: cold < 3 min, warm < 15 s);
- a skill-taxonomy edit (a trailing newline in the first ``taxonomy/skill*`` file of the copy),
  then ``trendlab build``: which stages ran and which stayed up to date.

Usage::

    TRENDLAB_MIRROR=/path/to/mirror python benchmarks/bench_build.py [--engine pandas|dask] [--worktree]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Measured, machine, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("fetch", "build", "report")


WHAT = ("trendlab", "notebooks", "pyproject.toml")  # what `make analysis` runs


def snapshot(dest: Path, worktree: bool) -> tuple[Path, str]:
    """Copy the package, the notebooks and pyproject.toml to ``dest`` (from HEAD unless ``worktree``)."""
    if not worktree:
        try:
            rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                                 capture_output=True, text=True).stdout.strip()
            data = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", *WHAT], check=True,
                                  capture_output=True).stdout
        except (OSError, subprocess.CalledProcessError):
            worktree = True
        else:
            dest.mkdir(parents=True)
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(dest, filter="data")
            return dest, f"commit {rev}"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "trendlab", dest / "trendlab", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", dest / "notebooks", ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest, "the working tree"


def analysis(src: Path, env: dict[str, str], engine: str) -> dict[str, Measured]:
    """The three commands of `make analysis`, measured one by one; stops at the first failure."""
    out = {}
    for step in STEPS:
        cmd = [sys.executable, "-m", "trendlab.cli", step]
        if step == "build" and engine != "pandas":
            cmd += ["--engine", engine]
        m = run(cmd, env=env, cwd=str(src))
        out[step] = m
        if m.returncode != 0:
            sys.stderr.write(m.stdout[-3000:] + m.stderr[-3000:])
            raise SystemExit(f"`trendlab {step}` failed (exit {m.returncode})")
    return out


def line(label: str, ms: dict[str, Measured]) -> str:
    wall = sum(m.wall_s for m in ms.values())
    cpu = sum(m.cpu_s for m in ms.values())
    peak = max(m.peak_rss_mb for m in ms.values())
    parts = ", ".join(f"{k} {m.wall_s:.1f} s" for k, m in ms.items())
    return f"{label:<6} {wall:7.1f} s wall ({parts}); {cpu:.1f} s CPU; peak RSS {peak:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", choices=["pandas", "dask"], default="pandas")
    ap.add_argument("--worktree", action="store_true", help="the files as they are now, not HEAD")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    args = ap.parse_args(argv)
    mirror = os.environ.get("TRENDLAB_MIRROR")
    if not mirror:
        print("bench_build: TRENDLAB_MIRROR is not set; a cold build from the mirror cannot run (skipped)")
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="trendlab-bench-build-"))
    try:
        src, version = snapshot(tmp / "src", args.worktree)
        env = {
            **os.environ,
            "PYTHONPATH": str(src),  # the copy's package, ahead of the editable install
            "TRENDLAB_DATA_DIR": str(tmp / "data"),
            "TRENDLAB_REPORTS_DIR": str(tmp / "reports"),
            "TRENDLAB_MIRROR": mirror,
        }
        print(f"machine: {machine()}; code: {version}; engine {args.engine}; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        cold = analysis(src, env, args.engine)
        print(line("cold", cold) + "   (target < 180 s)")
        warm = analysis(src, env, args.engine)
        print(line("warm", warm) + "   (target < 15 s)")
        rebuilt = re.findall(r"\[(\w+)\] built in", warm["build"].stdout)
        rendered = warm["report"].stdout.count("executing ")
        print(f"       warm run rebuilt {len(rebuilt)} stage(s) {rebuilt} and re-rendered {rendered} notebook(s)")

        skill_file = sorted((src / "trendlab" / "taxonomy").glob("skill*"))[0]
        skill_file.write_bytes(skill_file.read_bytes() + b"\n")
        cmd = [sys.executable, "-m", "trendlab.cli", "build"] + (["--engine", args.engine] if args.engine != "pandas" else [])
        m = run(cmd, env=env, cwd=str(src))
        if m.returncode != 0:
            sys.stderr.write(m.stderr[-3000:])
            raise SystemExit("build after the taxonomy edit failed")
        built = re.findall(r"\[(\w+)\] built in", m.stdout)
        fresh = re.findall(r"\[(\w+)\] up to date", m.stdout)
        print(f"taxonomy edit ({skill_file.name}): build {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU; "
              f"ran {built}; up to date {fresh}")
        if "postings" in built or "roles" in built:
            print("  NOTE: a skill-taxonomy edit re-parsed postings or re-split roles")
        print(f"load average after: {os.getloadavg()[0]:.2f} (other work on the machine slows wall times)")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
