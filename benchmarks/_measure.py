"""Measuring a command for the benchmarks: wall time, CPU time and peak memory of its process tree.

Peak memory is the largest sum of resident set sizes over the process and all its
descendants (Dask scheduler and workers, notebook kernels), sampled every ``interval`` seconds.
CPU time is the user + system time of every process of the tree, taken at its last sample
(processes that end between samples lose at most one interval of CPU).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    load_before: float
    load_after: float


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None,
        interval: float = 0.1) -> Measured:
    """Run ``cmd`` to completion and measure its process tree."""
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            total = 0
            for p in procs:
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        t = p.cpu_times()
                        cpu[p.pid] = t.user + t.system
                except psutil.NoSuchProcess:
                    continue
            peak = max(peak, total)
            done.wait(interval)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    return Measured(wall, sum(cpu.values()), peak / 2**20, proc.returncode, out, err,
                    load_before, os.getloadavg()[0])


def machine() -> str:
    """Cores and memory of this machine, for every printed figure."""
    vm = psutil.virtual_memory()
    return f"{os.cpu_count()} cores visible, {vm.total / 2**30:.1f} GiB RAM"
