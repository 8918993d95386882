"""Rendering notebooks: executed, code hidden, figures inline, failures loud, reruns skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from trendlab import config, report
from trendlab.report import notebook_summary, render_all

GOOD = '''# %% [markdown]
# # 99 — A tiny report
#
# Counts three things and draws them.
# It has a second line.

# %%
import matplotlib.pyplot as plt
from trendlab import plots
plots.use_house_style()
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [3, 1, 2])
path = plots.save(fig, "tiny")
print("FIGURE", path.name)
'''

BAD = '''# %% [markdown]
# # 98 — Broken

# %%
raise ValueError("boom in cell")
'''


def test_summary_reads_title_and_first_paragraph(tmp_path: Path):
    nb = tmp_path / "99-tiny.py"
    nb.write_text(GOOD)
    assert notebook_summary(nb) == (
        "99 — A tiny report",
        "Counts three things and draws them. It has a second line.",
    )


def test_render_executes_hides_code_and_skips_when_unchanged(tmp_path: Path, monkeypatch):
    # the package's own code is part of the render key; hold it still for this test
    monkeypatch.setattr(report, "_package_code_hash", lambda: "fixed")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "99-tiny.py").write_text(GOOD)
    done = render_all(folder=folder, log=lambda m: None)
    assert [d.skipped for d in done] == [False]
    html = (config.reports_dir() / "99-tiny.html").read_text()
    assert "FIGURE tiny.png" in html
    assert "data:image/png;base64" in html  # the figure is inline
    assert "plots.use_house_style()" not in html  # code cells are hidden
    assert (config.figures_dir() / "tiny.png").stat().st_size > 1000
    index = (config.reports_dir() / "index.html").read_text()
    assert 'href="99-tiny.html"' in index and "Counts three things" in index
    again = render_all(folder=folder, log=lambda m: None)
    assert [d.skipped for d in again] == [True]


def test_a_failing_notebook_fails_the_render(tmp_path: Path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "98-broken.py").write_text(BAD)
    with pytest.raises(RuntimeError, match=r"(?s)98-broken\.py failed.*ValueError: boom in cell"):
        render_all(folder=folder, log=lambda m: None)
    assert not (config.reports_dir() / "98-broken.html").exists()
