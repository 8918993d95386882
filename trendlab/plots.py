"""One house style for every figure.

Figures are written by code to ``reports/figures/`` with :func:`save` and also shown inline
in the rendered report. Share series are drawn with their confidence intervals; cells with too
few observations are drawn hollow and labelled as such, never as a plain point estimate; gaps
(months without data) stay gaps.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from trendlab import plots
>>> plots.use_house_style()
>>> fig, ax = plt.subplots()
>>> plots.save(fig, "example")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from trendlab import config

PALETTE = ["#0b5cad", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e", "#9c6644"]
SOURCE_COLORS = {
    "hn-thread-pages": "#0b5cad",
    "hn-hiring-mapped": "#00798c",
    "hn-jobs-data": "#d1495b",
    "hn-api": "#8d6a9f",
    "hackernews-whos-hiring": "#edae49",
}


def use_house_style() -> None:
    """Seaborn whitegrid, a colour-blind-safe palette, readable sizes."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "figure.autolayout": False,
        }
    )


def save(fig: plt.Figure, name: str) -> Path:
    """Write ``fig`` to ``reports/figures/<name>.png`` and return the path."""
    out = config.figures_dir() / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, metadata={"Software": None})
    return out


def month_index(months: pd.Series) -> pd.DatetimeIndex:
    """``YYYY-MM`` strings to month-start timestamps (for a time axis)."""
    return pd.DatetimeIndex(pd.to_datetime(months.astype(str) + "-01", format="%Y-%m-%d"))


def full_month_range(start: str, end: str) -> pd.Series:
    """Every ``YYYY-MM`` from start to end inclusive (to make gaps explicit)."""
    rng = pd.period_range(start, end, freq="M")
    return pd.Series(rng.strftime("%Y-%m"), dtype="string")


def plot_share(
    ax: plt.Axes,
    table: pd.DataFrame,
    *,
    x: str = "period",
    label: str | None = None,
    color: str | None = None,
    time_axis: bool = True,
    small_col: str = "small_cell",
    scale: float = 100.0,
) -> None:
    """Draw a share series with its interval band.

    Rows with ``share`` NA are gaps (the line breaks there). Rows flagged ``small_col`` are drawn
    as hollow markers with thin error bars and are not joined to the line.
    """
    t = table.sort_values(x).copy()
    xs = month_index(t[x]) if time_axis else t[x].astype(str)
    share = pd.to_numeric(t["share"], errors="coerce").to_numpy(dtype=float) * scale
    lo = pd.to_numeric(t["ci_low"], errors="coerce").to_numpy(dtype=float) * scale
    hi = pd.to_numeric(t["ci_high"], errors="coerce").to_numpy(dtype=float) * scale
    small = (
        t[small_col].fillna(False).to_numpy(dtype=bool)
        if small_col in t
        else np.zeros(len(t), dtype=bool)
    )
    color = color or PALETTE[0]
    solid = np.where(small, np.nan, share)
    ax.plot(xs, solid, color=color, lw=1.6, marker="o", ms=3.5, label=label)
    ax.fill_between(xs, np.where(small, np.nan, lo), np.where(small, np.nan, hi), color=color, alpha=0.18, lw=0)
    if small.any():
        xs_small = np.asarray(xs)[small]
        ax.errorbar(
            xs_small,
            share[small],
            yerr=[share[small] - lo[small], hi[small] - share[small]],
            fmt="o",
            mfc="white",
            mec=color,
            ecolor=color,
            elinewidth=0.8,
            alpha=0.7,
            ms=4,
            label=None if label is None else f"{label} (n < threshold)",
        )
    ax.set_ylabel("share (%)" if scale == 100 else "share")
