# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 — How often do product-manager postings ask for technical and build skills?
#
# The share of product-management roles in Hacker News "Who is hiring?" posts that require a
# technical or build skill or carry a technical title (coding, data/SQL, APIs, cloud/devops,
# systems, AI/ML, an engineering background), per month, quarter and year, 2012–2018 and 2026,
# read by one instrument, the post labeller whose error rates are measured on hand-labelled posts,
# with three denominators kept apart: all PM roles, PM roles that state requirements, and the
# title signal. Raw shares carry Wilson intervals, the measured ones also a misclassification
# correction; reposted ads are counted once in a unique-ad series; trend, seasonality, break and
# window comparisons are fitted to the monthly counts, the 2012–2018 window on its own.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

warnings.filterwarnings("ignore", message="IProgress not found")

from trendlab import config, plots  # noqa: E402
from trendlab.clean.reposts import DEFAULT_THRESHOLD, repost_summary  # noqa: E402
from trendlab.evaluation import evaluate as ev  # noqa: E402
from trendlab.measure import pm as P  # noqa: E402
from trendlab.measure.shares import period_range  # noqa: E402

plots.use_house_style()
pd.set_option("display.max_colwidth", 400)
LEFT = [{"selector": "th, td", "props": [("text-align", "left"), ("vertical-align", "top")]}]

inputs = P.load_inputs()
computed_here = [n for n, t in inputs.items() if t.attrs.get("computed_here")]
postings, roles, reposts, asks = inputs["postings"], inputs["roles"], inputs["reposts"], inputs["pm_asks"]
extracted = inputs["roles_extracted_classified"]
tables = P.pm_tables(inputs)
pm_loaded, titles_loaded = tables.roles, tables.titles
pmf, titles = pm_loaded.frame, titles_loaded.frame
partial, shares, counts, rates = tables.partial, tables.shares, tables.counts, tables.rates
MIN_N = tables.min_n

YEARS_TEXT = [str(y) for y in range(2012, 2019)] + ["2026"]
YEAR_NAMES = {"2026": "2026 (Jan–May)", "2018": "2018 (Jan–Jun)"}
CORPUS = P.CORPUS_LABELS
TECH = "technical"
MEASURED = "technical_or_title"  # the labeller's measure, with measured rates
fam_table = P.reported_families()
FAM_LABEL = dict(zip(fam_table["family"], fam_table["label"], strict=True))
FAM_LABEL[TECH] = "Any technical or build skill"
months_text = pmf["month"].nunique()

# %% [markdown]
# ## What the data can and cannot say
#
# - **A self-selected, startup-heavy, English-language sample.** Companies choose to post in
#   the monthly Hacker News "Who is hiring?" thread; most are small technology firms, mostly in
#   the US and Europe, writing in English. These shares describe that sample, not the PM labour
#   market.
# - **Two windows of posting text, seven years apart.** Text exists for 2012-01..2018-06 (78
#   months) and 2026-01..2026-05. From 2018-07 to 2025-12 there is no posting text: change across
#   that gap is a comparison of two windows, not a continuous series, and nothing is interpolated
#   across it. Machine-extracted role titles (2022-12..2025-10) fill part of the gap for the
#   title signal only, as their own series.
# - **Partial months.** Some threads were saved before they finished filling. In those months the
#   share is usable (the posts present are not selected by content) but the counts are not.
# - **Small cells.** A cell with fewer than 30 PM roles is flagged "small" in tables and drawn
#   hollow in figures; it is never drawn as a plain point on the line.
# - **One instrument.** Every PM measure here is read by the post labeller (`trendlab.label`): it
#   finds the PM roles of a post, the text that is the PM's own, and what that text asks. Its
#   accuracy is measured on a hand-labelled development set by `trendlab evaluate`, and the
#   corrected shares use those very rates (section "How far to trust the labeller"). The rates
#   are measured per post and applied per role: most PM posts hold one PM role (the share is
#   given below).

# %%
q = pm_loaded.quarantine
display(Markdown(
    f"The posts hold **{pm_loaded.rows_in:,} PM roles** in {months_text} of the "
    f"{postings['month'].nunique()} months with posting text "
    f"({pmf['posting_id'].nunique():,} posts); {len(pmf):,} are measured and {len(q)} set aside"
    + (f" ({', '.join(f'{k}: {v}' for k, v in q['reason'].value_counts().items())})" if len(q) else "")
    + f". The extracted titles add **{len(titles):,} PM roles** (2022-12..2025-10), title only. "
    f"Partial months of the posts: {', '.join(partial[P.PM_CORPUS]) or 'none'}."
    + (f" Computed here from the same code because no build stage writes them yet: {', '.join(f'`{n}`' for n in computed_here)}."
       if computed_here else "")
    + " A role set aside as `not_read_as_pm` has a PM title in the roles table that the labeller "
    "does not read as a hire (a colleague, an interviewer, an aside)."
))
one_post, pm_posts = P.one_role_share(pmf)
display(Markdown(
    f"**{100 * one_post / pm_posts:.1f}%** of the {pm_posts:,} posts with a PM role hold exactly one "
    f"({one_post:,}); the others hold two or more. The labeller's error rates are measured per post "
    "(a post's label holds when it holds for any of its PM roles) and applied here per role; for the "
    "posts with one PM role the two are the same."
))

# %% [markdown]
# ## How many PM roles the corpus holds
#
# Product-management roles per thread month (top) and their share of all roles advertised
# (bottom, per quarter, with 95% Wilson intervals). Hatched bars are partial months: their
# counts are too low by an unknown amount. The extracted-title source is a different, noisier
# measure of the same threads and is drawn in its own colour.

# %%
cm = counts["month"].copy()
grid_months = period_range("2012-01", "2026-05")
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6.8), height_ratios=[1.3, 1], sharex=True)
for corpus, color in ((P.PM_CORPUS, plots.PALETTE[0]), (P.TITLE_CORPUS, plots.SOURCE_COLORS["hackernews-whos-hiring"])):
    c = cm[cm["corpus"] == corpus].set_index("period").reindex(grid_months)
    x = plots.month_index(pd.Series(grid_months))
    ok = c["status"].eq("observed").to_numpy()
    part = c["status"].eq("partial").to_numpy()
    ax1.bar(x[ok], c["successes"].to_numpy(float)[ok], width=25, color=color, label=CORPUS[corpus])
    if part.any():
        ax1.bar(x[part], c["successes"].to_numpy(float)[part], width=25, color="white", edgecolor=color,
                hatch="////", lw=0.6, label=f"{CORPUS[corpus]}, partial month")
ax1.set_ylabel("PM roles per month")
ax1.set_title("Product-management roles per monthly thread")
ax1.legend(loc="upper left", fontsize=9, ncols=2)
cq = counts["quarter"]
for corpus, color in ((P.PM_CORPUS, plots.PALETTE[0]), (P.TITLE_CORPUS, plots.SOURCE_COLORS["hackernews-whos-hiring"])):
    c = cq[cq["corpus"] == corpus].copy()
    c["x"] = c["period"].str[:4] + "-" + ((c["period"].str[-1].astype(int) - 1) * 3 + 1).astype(str).str.zfill(2)
    plots.plot_share(ax2, c, x="x", label=CORPUS[corpus], color=color)
ax2.set_ylabel("PM share of all roles (%)")
ax2.set_title("PM roles as a share of all roles, per quarter", fontsize=10)
ax2.axvspan(pd.Timestamp("2018-07-01"), pd.Timestamp("2025-12-31"), color="#eeeeee", zorder=0)
ax2.text(pd.Timestamp("2020-01-01"), ax2.get_ylim()[1] * 0.9, "no posting text 2018-07..2025-12", fontsize=8, color="#555555")
ax2.legend(loc="upper left", fontsize=8)
ax2.set_xlabel("thread month")
fig.tight_layout()
plots.save(fig, "02-pm-roles-per-month")
plt.show()

# %%
cy = counts["year"]
tab = cy[cy["n"] > 0].assign(
    year=lambda d: d["period"].map(lambda p: YEAR_NAMES.get(p, p)),
    source=lambda d: d["corpus"].map(CORPUS),
    pm_share=lambda d: [P.share_label(s, lo, hi, n, MIN_N) for s, lo, hi, n in zip(d["share"], d["ci_low"], d["ci_high"], d["n"], strict=True)],
)
tab = tab.assign(_o=tab["corpus"].map({P.PM_CORPUS: 0, P.TITLE_CORPUS: 1})).sort_values(["_o", "period"])
tab = tab.rename(columns={"successes": "PM roles", "n": "all roles", "pm_share": "PM share of all roles (95% CI)", "status": "months"})
tab["months"] = tab["months"].map({"observed": "all complete", "partial": "holds partial months"})
display(tab[["source", "year", "PM roles", "all roles", "PM share of all roles (95% CI)", "months"]].set_index(["source", "year"]))

# %% [markdown]
# ## Which PM roles state requirements
#
# Many posts list a PM title in a header or a list of openings and link elsewhere; such a role has
# no text from which a skill could be read, and "no requirement stated" is not "no technical
# requirement". A role **states requirements** when the labeller finds text of its own that says
# what the job does or asks (duties, experience, qualities), or an ask addressed to every hire of
# the post; a title, a link, pay, a place, the company's description, its stack, perks and
# invitations to apply do not count. This is the denominator of the second measure; the share is
# corrected with the labeller's measured rates for this label.

# %%
st = shares["year"]
st = st[(st["series"] == "all") & (st["measure_key"] == "requirements_stated") & (st["corpus"] == P.PM_CORPUS)
        & st["period"].isin(YEARS_TEXT)]
st_rows = [st.assign(row="states requirements — raw")]
if rates is not None:
    st_rows.append(st.assign(row="states requirements — corrected", share=st["share_corrected"],
                             ci_low=st["ci_low_corrected"], ci_high=st["ci_high_corrected"]))
st_grid = P.share_grid(pd.concat(st_rows), "row", rename=YEAR_NAMES, min_n=MIN_N)
display(st_grid.loc[[r["row"].iloc[0] for r in st_rows]].rename_axis("all PM roles").style.set_table_styles(LEFT))

# %% [markdown]
# ## The share asking for technical or build skills
#
# Three denominators, each its own panel. **All PM roles**: a role with no text counts as not
# asking. **PM roles stating requirements**: only roles whose text could show an ask. In these two
# panels the measure is the labeller's: a technical skill required of the PM, or a technical PM
# title ("Technical Product Manager", "Data Product Manager", "Product Manager, API"...), the
# definition of the development set. The blue series is raw, the black squares are corrected for
# the labeller's measured errors (the table below adds skills asked only as preferred, "a plus",
# "nice to have": no rates, uncorrected). **Title signal**: the share of PM roles whose title alone is
# technical, by the title classifier, the only measure the extracted titles support. Years with
# fewer than 30 roles are hollow; 2019–2025 have no posting text.

# %%
sy = shares["year"]
sy_all = sy[sy["series"] == "all"]
years_axis = [str(y) for y in range(2012, 2027)]


def corrected_view(t: pd.DataFrame) -> pd.DataFrame:
    """The corrected share and interval in the columns the share plots and grids read."""
    return t.assign(share=t["share_corrected"], ci_low=t["ci_low_corrected"], ci_high=t["ci_high_corrected"])


fig, axes = plt.subplots(1, 3, figsize=(13, 4.3), sharey=True)
panels = [("all", "All PM roles"), ("stated", "PM roles stating requirements"), ("title", "Title signal: technical PM title")]
for ax, (den, title) in zip(axes, panels, strict=True):
    if den == "title":
        for corpus, color in ((P.PM_CORPUS, plots.PALETTE[0]), (P.TITLE_CORPUS, plots.SOURCE_COLORS["hackernews-whos-hiring"])):
            t = sy_all[(sy_all["denominator"] == "title") & (sy_all["corpus"] == corpus)]
            t = t.set_index("period").reindex(years_axis).reset_index()
            plots.plot_share(ax, t, x="period", time_axis=False, label=CORPUS[corpus], color=color)
    else:
        base = sy_all[(sy_all["denominator"] == den) & (sy_all["measure_key"] == MEASURED) & (sy_all["corpus"] == P.PM_CORPUS)]
        req = base[base["basis"] == "required"].set_index("period").reindex(years_axis).reset_index()
        plots.plot_share(ax, req, x="period", time_axis=False, label="raw (Wilson 95% CI)", color=plots.PALETTE[0])
        if rates is not None:
            cor = corrected_view(req)
            xs = np.arange(len(years_axis)) + 0.18
            ok = cor["n"].fillna(0).to_numpy() > 0
            ax.errorbar(xs[ok], 100 * cor["share"].to_numpy(float)[ok],
                        yerr=[100 * (cor["share"] - cor["ci_low"]).to_numpy(float)[ok],
                              100 * (cor["ci_high"] - cor["share"]).to_numpy(float)[ok]],
                        fmt="s", ms=3.5, color="#222222", mfc="white", lw=0.8, capsize=1.5, ls="none",
                        label="corrected (bootstrap 95% CI)")
    ax.set_title(title, fontsize=10)
    ax.set_xticks(range(len(years_axis)))
    ax.set_xticklabels([y if y in YEARS_TEXT + ["2022", "2024"] else "" for y in years_axis], rotation=90, fontsize=8)
    ax.axvspan(years_axis.index("2019") - 0.5, years_axis.index("2025") + 0.5, color="#eeeeee", zorder=0)
    # the gap years hold no data: the legend goes there
    ax.legend(loc="upper center" if den != "title" else "upper left", fontsize=7.5)
axes[0].set_ylabel("share of PM roles (%)")
for ax in axes[1:]:
    ax.set_ylabel("")
fig.suptitle("Share of PM roles requiring a technical skill or with a technical title, per year (95% intervals)", fontsize=11, fontweight="bold")
fig.tight_layout()
plots.save(fig, "02-technical-share-by-year")
plt.show()

# %%
rows = []
for den, key, basis, label in [
    ("all", MEASURED, "required", "all PM roles: technical skill or title required"),
    ("all", MEASURED, "any", "all PM roles: required or preferred (uncorrected)"),
    ("stated", MEASURED, "required", "PM roles stating requirements: technical skill or title required"),
    ("stated", MEASURED, "any", "PM roles stating requirements: required or preferred (uncorrected)"),
    ("title", "technical_title", "title", "all PM roles: technical PM title (title classifier)"),
]:
    t = sy_all[(sy_all["denominator"] == den) & (sy_all["measure_key"] == key) & (sy_all["basis"] == basis)
               & (sy_all["corpus"] == P.PM_CORPUS) & sy_all["period"].isin(YEARS_TEXT)]
    rows.append(t.assign(row=label))
headline_grid = P.share_grid(pd.concat(rows), "row", rename=YEAR_NAMES, min_n=MIN_N)
headline_grid = headline_grid.loc[[r["row"].iloc[0] for r in rows]]
headline_grid.index.name = "HN posts (text)"
display(headline_grid.style.set_table_styles(LEFT))
ex_t = sy_all[(sy_all["corpus"] == P.TITLE_CORPUS) & (sy_all["n"] > 0)].assign(row="extracted titles: technical PM title")
display(P.share_grid(ex_t, "row", min_n=MIN_N).rename_axis("HN extracted titles (no text)").style.set_table_styles(LEFT))

# %% [markdown]
# ### Corrected for the labeller's errors
#
# A labeller that misses some asks (sensitivity below 1) or sees asks that are not there
# (specificity below 1) biases a share. The Rogan–Gladen estimator corrects it with the rates
# measured on the hand-labelled development set, and a parametric bootstrap interval carries the
# uncertainty of those rates as well as the sampling error. The shares and the rates come from the
# same labeller. The rates are those of the **newest blind** development posts, drawn and labelled by
# reading before the labeller's last revision and never used to design a rule: on the posts the
# rules were tuned on the labeller looks better than it is, and would be under-corrected. They exist for
# "requires a technical skill, or has a technical title", "requires an engineering background"
# and "states requirements", so those measures are corrected; the per-family shares below have no
# rates and stay uncorrected. The rates are measured per post and applied per role, which assumes
# the labeller errs at the same rates on each PM role of a post (most posts hold one).

# %%
if rates is None:
    display(Markdown(
        "**Corrected shares are not available yet**: the labeller's measured sensitivity and "
        f"specificity (`{P.rates_path().relative_to(config.PACKAGE_DIR.parent)}`, written by "
        "`make evaluate`) do not exist in this build. The raw shares above stand uncorrected; no "
        "rates are assumed."
    ))
else:
    shown = rates[rates["measure"].isin(P.RATE_MEASURES.values())].copy()
    shown["sensitivity"] = [f"{v:.2f} ({a}/{b})" for v, a, b in zip(shown["sensitivity"], shown["sens_tp"], shown["sens_n"], strict=True)]
    shown["specificity"] = [f"{v:.2f} ({a}/{b})" for v, a, b in zip(shown["specificity"], shown["spec_tn"], shown["spec_n"], strict=True)]
    display(Markdown(f"Rates of the labeller on the {rates.attrs.get('split') or 'whole'} development posts:"))
    display(shown[["measure", "tp", "fn", "tn", "fp", "sensitivity", "specificity"]].set_index("measure"))
    rows, not_corrected = [], {}
    for den in ("all", "stated"):
        for key in P.RATE_MEASURES:
            basis = "stated" if key == "requirements_stated" else "required"
            if key == "requirements_stated" and den == "stated":
                continue  # every role of that denominator states requirements
            t = sy_all[(sy_all["denominator"] == den) & (sy_all["measure_key"] == key) & (sy_all["basis"] == basis)
                       & (sy_all["corpus"] == P.PM_CORPUS) & sy_all["period"].isin(YEARS_TEXT)]
            lab = f"{P.DENOMINATORS[den]}: {t['measure'].iloc[0]}"
            rows.append(t.assign(row=f"{lab} — raw"))
            why_not = t.loc[(t["n"] > 0) & t["share_corrected"].isna(), "correction"]
            if len(why_not):  # no corrected row: the reason is stated below the table instead
                not_corrected[t["measure"].iloc[0]] = why_not.iloc[0]
            else:
                rows.append(corrected_view(t).assign(row=f"{lab} — corrected"))
    g = P.share_grid(pd.concat(rows), "row", rename=YEAR_NAMES, min_n=MIN_N)
    display(g.loc[[r["row"].iloc[0] for r in rows]].style.set_table_styles(LEFT))
    example = sy_all[(sy_all["measure_key"] == "technical_or_title") & (sy_all["n"] > 0)
                     & sy_all["share_corrected"].notna()]["correction"]
    lines = [f"Correction applied: {example.iloc[0]}."] if len(example) else []
    lines += [f"**{m}** is shown raw only — {why}." for m, why in not_corrected.items()]
    display(Markdown("\n\n".join(lines)))

# %% [markdown]
# ## By skill family
#
# Each family among PM roles stating requirements, pooled over each text window (2012–2018 and
# 2026), required (left) and required or preferred (right). The families are those of the skills
# the labeller finds asked in the PM's own text (`trendlab/taxonomy/skill_families.csv`; "Any
# technical or build skill" adds technical asks in general words, such as "technical enough to
# ..."); a role may ask for several, so the families do not add up to the group. **These shares are
# uncorrected**: no error rates are measured per family, so they carry the labeller's errors.

# %%
pooled = P.pooled_windows(shares["month"], min_n=MIN_N)
pooled = pooled[(pooled["series"] == "all") & (pooled["corpus"] == P.PM_CORPUS)]
fam_keys = [TECH, *fam_table["family"].tolist()]
fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
for ax, basis in zip(axes, ("required", "any"), strict=True):
    for win, color, dy in (("2012-2018", plots.PALETTE[0], -0.15), ("2026", plots.PALETTE[1], 0.15)):
        t = pooled[(pooled["denominator"] == "stated") & (pooled["basis"] == basis) & (pooled["window"] == win)]
        t = t.set_index("measure_key").reindex(fam_keys)
        y = np.arange(len(fam_keys)) + dy
        s = t["share"].to_numpy(float) * 100
        lo, hi = t["ci_low"].to_numpy(float) * 100, t["ci_high"].to_numpy(float) * 100
        small = t["small_cell"].fillna(True).to_numpy(bool)
        n = int(t["n"].iloc[0])
        ax.errorbar(s, y, xerr=[s - lo, hi - s], fmt="o", color=color, mfc="white" if small.all() else color,
                    ms=5, lw=1.2, capsize=2, label=f"{win} (n={n}{', small' if small.all() else ''})")
    ax.set_yticks(range(len(fam_keys)))
    ax.set_yticklabels([FAM_LABEL[k] for k in fam_keys])
    ax.set_xlabel("share of PM roles stating requirements (%)")
    ax.set_title(f"Asked as {P.BASES[basis]}", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
axes[0].invert_yaxis()  # the axes share y: invert once
fig.suptitle("Skill families asked of PM roles that state requirements, uncorrected (95% Wilson intervals)", fontsize=11, fontweight="bold")
fig.tight_layout()
plots.save(fig, "02-skill-families")
plt.show()

# %%
fam_rows = pooled[(pooled["denominator"].isin(["all", "stated"])) & (pooled["measure_key"].isin(fam_keys))
                  & (pooled["basis"] == "required")].copy()
fam_rows["label"] = fam_rows["measure_key"].map(FAM_LABEL)
fam_rows["column"] = fam_rows["denominator"].map({"all": "all PM roles", "stated": "stating requirements"}) + ", " + fam_rows["window"]
g = P.share_grid(fam_rows, "label", columns="column", min_n=MIN_N)
g = g.loc[[FAM_LABEL[k] for k in fam_keys]]
g = g[[c for c in ("all PM roles, 2012-2018", "all PM roles, 2026", "stating requirements, 2012-2018", "stating requirements, 2026") if c in g.columns]]
g.index.name = "required skill family (uncorrected)"
display(g.style.set_table_styles(LEFT))
fy = sy_all[(sy_all["denominator"] == "stated") & (sy_all["basis"] == "required") & sy_all["measure_key"].isin(fam_keys)
            & (sy_all["corpus"] == P.PM_CORPUS) & sy_all["period"].isin(YEARS_TEXT)].assign(label=lambda d: d["measure_key"].map(FAM_LABEL))
gy = P.share_grid(fy, "label", rename=YEAR_NAMES, min_n=MIN_N).loc[[FAM_LABEL[k] for k in fam_keys]]
gy.index.name = "required, among PM roles stating requirements (uncorrected)"
display(Markdown("Per year (PM roles stating requirements; most yearly cells are small):"))
display(gy.style.set_table_styles(LEFT))

# %% [markdown]
# ## Reposts: the same ad, month after month
#
# Companies repost the same ad in several monthly threads. Two posts are one ad when they come
# from the same company (or, when a post names none, the same HN author), in different months,
# with near-identical text (rapidfuzz `ratio` of the normalised texts at least 90 of 100; see
# `trendlab/clean/reposts.py`). The unique-ad series counts each PM role of an ad once, in the
# first month the ad carried a PM role.

# %%
rs = repost_summary(reposts)
rs["year"] = rs["month"].str[:4]
by_year = rs.groupby("year")[["postings", "reposts"]].sum()
by_year["repost share"] = (100 * by_year["reposts"] / by_year["postings"]).round(1).astype(str) + "%"
pm_year = pmf.groupby("year").agg(pm_roles=("first_seen", "size"), pm_first=("first_seen", "sum"))
by_year["PM roles"] = pm_year["pm_roles"]
by_year["PM roles, first appearance"] = pm_year["pm_first"]
by_year.index = [YEAR_NAMES.get(y, y) for y in by_year.index]
display(by_year.rename(columns={"postings": "posts", "reposts": "reposted posts"}))
display(Markdown(
    f"Threshold {DEFAULT_THRESHOLD:g}; {reposts.attrs.get('pairs_compared', 'n/a')} candidate pairs compared, "
    f"{reposts.attrs.get('pairs_matched', 'n/a')} matched. Over all years "
    f"{100 * (~reposts['first_seen'].astype(bool)).mean():.1f}% of posts repeat an earlier ad, and "
    f"{100 * (~pmf['first_seen']).mean():.1f}% of PM roles repeat a PM role of an earlier month of their ad."
))

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
for ax, den in zip(axes, ("all", "stated"), strict=True):
    for ser, color in (("all", plots.PALETTE[0]), ("unique", plots.PALETTE[2])):
        t = sy[(sy["series"] == ser) & (sy["denominator"] == den) & (sy["measure_key"] == MEASURED) & (sy["basis"] == "required")
               & (sy["corpus"] == P.PM_CORPUS)]
        t = t.set_index("period").reindex(years_axis).reset_index()
        plots.plot_share(ax, t, x="period", time_axis=False, label=P.SERIES[ser], color=color)
    ax.set_title(P.DENOMINATORS[den], fontsize=10)
    ax.set_xticks(range(len(years_axis)))
    ax.set_xticklabels([y if y in YEARS_TEXT else "" for y in years_axis], rotation=90, fontsize=8)
    ax.axvspan(years_axis.index("2019") - 0.5, years_axis.index("2025") + 0.5, color="#eeeeee", zorder=0)
    ax.legend(loc="upper center", fontsize=8)
axes[0].set_ylabel("technical skill or title required (%)")
axes[1].set_ylabel("")
fig.suptitle("All postings vs unique ads: share of PM roles requiring a technical skill or with a technical title (raw)",
             fontsize=11, fontweight="bold")
fig.tight_layout()
plots.save(fig, "02-reposts")
plt.show()

# %% [markdown]
# ## Trend, seasonality and breaks
#
# The models take the monthly counts (PM roles asking, out of PM roles). Within 2012-01..2018-06
# (78 consecutive months) they estimate a trend (binomial GLM with a quasi-likelihood scale for
# month-to-month overdispersion, and an OLS/Newey–West cross-check), a seasonal pattern (STL and
# a joint test of month-of-year terms) and an undated break (CUSUM). Across the seven-year gap the
# honest comparison is between windows: 2026 vs 2012–2018 (pooled difference with a Newcombe
# interval, and a binomial GLM whose interval also reflects month-to-month variation). Two rows
# span the gap and assume one logit-linear trend through it — the all-months trend and the Chow
# test at 2026-01, which asks whether 2026 sits on the 2012–2018 trend carried forward; read them
# as assumptions made explicit, not as measurements of 2019–2025.

# %%
fits = P.fit_series_models(tables)
for label, fit in fits.items():
    t = P.models_table(fit)
    view = t[["model", "estimate", "unit", "ci_low", "ci_high", "p_value", "reading"]].copy()
    for col in ("estimate", "ci_low", "ci_high"):
        view[col] = view[col].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    view["p_value"] = view["p_value"].map(lambda v: "" if pd.isna(v) else ("< 0.001" if v < 0.001 else f"{v:.3f}"))
    display(Markdown(f"**{label[0].upper() + label[1:]}**"))
    display(view.rename(columns={"ci_low": "95% CI low", "ci_high": "95% CI high", "p_value": "p"})
            .set_index("model").style.set_table_styles(LEFT))

# %%
main = fits[P.MODEL_SERIES[0][3]]
display(Markdown(f"Methods, as fitted ({P.MODEL_SERIES[0][3]}):"))
for name, r in main.fitted().items():
    display(Markdown(f"- *{P.MODEL_LABELS[name]}*: {r.method}"))

# %%
sq = shares["quarter"]
fig, (ax_q, ax_y) = plt.subplots(2, 1, figsize=(11, 7.5), sharex=True)
panels = [
    (ax_q, sq, "all", "all PM roles", "per quarter", plots.PALETTE[0], 2),
    (ax_y, sy, "stated", "PM roles stating requirements", "per year", plots.PALETTE[3], 7),
]
for ax, tab_, den, label, per, color, mid in panels:
    t = tab_[(tab_["series"] == "all") & (tab_["denominator"] == den) & (tab_["measure_key"] == MEASURED)
             & (tab_["basis"] == "required") & (tab_["corpus"] == P.PM_CORPUS)].copy()
    if per == "per quarter":
        t["x"] = t["period"].str[:4] + "-" + ((t["period"].str[-1].astype(int) - 1) * 3 + mid).astype(str).str.zfill(2)
    else:
        t["x"] = t["period"] + f"-{mid:02d}"
    plots.plot_share(ax, t, x="x", label=f"{label}, {per}", color=color)
    fit = fits[f"technical skill or title required, {label}"].trend
    if fit is not None:
        mgrid = period_range(fit.start, fit.end)
        yrs = np.arange(len(mgrid)) / 12
        b = fit.result.params
        ax.plot(plots.month_index(pd.Series(mgrid)), 100 / (1 + np.exp(-(b["const"] + b["years"] * yrs))),
                color="#222222", ls="--", lw=1.2, label="binomial GLM trend, 2012-01..2018-06 (monthly counts)")
    ax.axvspan(pd.Timestamp("2018-07-01"), pd.Timestamp("2025-12-31"), color="#eeeeee", zorder=0)
    lo_y, hi_y = ax.get_ylim()
    ax.text(pd.Timestamp("2019-03-01"), lo_y + 0.04 * (hi_y - lo_y), "no posting text 2018-07..2025-12", fontsize=8, color="#555555")
    ax.set_title(f"{label[0].upper() + label[1:]}, {per}", fontsize=10)
    ax.set_ylabel("technical skill or title (%)")
    ax.legend(loc="upper center", fontsize=8)
fig.suptitle("Share of PM roles requiring a technical skill or with a technical title (raw), with the 2012–2018 trend",
             fontsize=11, fontweight="bold")
fig.tight_layout()
plots.save(fig, "02-technical-share-trend")
plt.show()

# %% [markdown]
# ## Examples to check
#
# Short quotes of the role's own text where the labeller found each family asked as a
# requirement, drawn at random (seeded) from PM roles; the link opens the HN comment. A reader can
# check whether the matched words (in bold) really ask the PM for that skill. Some quotes may show
# what the labeller gets wrong — a company's stack line, a header field or a company name read as
# an ask of the PM; the development-set rates (and the corrected shares built on them) measure how
# often for the technical measure as a whole.

# %%
quotes = []
for fam in fam_table["family"]:
    q = P.example_quotes(pmf, family=fam, k=2)
    quotes.append(q.assign(family=FAM_LABEL[fam]))
quotes = pd.concat(quotes, ignore_index=True)
if quotes.empty:
    display(Markdown("No matched requirement text to quote."))
else:
    lines = []
    for fam, g in quotes.groupby("family", sort=False):
        lines.append(f"**{fam}**")
        for r in g.itertuples():
            lines.append(f"- [{r.posting_id}]({r.url}) ({r.month}, *{r.role_title}*): “{r.quote}”")
        lines.append("")
    missing = [FAM_LABEL[f] for f in fam_table["family"] if FAM_LABEL[f] not in set(quotes["family"])]
    if missing:
        lines.append(f"No quote found (no PM role asked it, or the ask lies outside the role's own text): {', '.join(missing)}.")
    display(Markdown("\n".join(lines)))

# %% [markdown]
# ## How far to trust the labeller
#
# `trendlab evaluate` runs the labeller on the hand-labelled development set
# (`trendlab/evaluation/devset.csv`, labelled by reading the posts, rules in `LABELLING.md`) and
# compares each post-level label. The PM measures are scored over the posts labelled as hiring a
# PM; a PM post the labeller misses counts as a miss of every PM measure. Each F1 has a 95%
# bootstrap interval (the posts resampled); a split scored without an error resamples to itself,
# so there only its count of positives says what the score is worth.

# %%
later = [s for s in ev.LATER_SPLITS if s != P.RATE_SPLIT]
display(Markdown(
    "The splits: the **tuning** and **held-out** halves of the first posts, on which the rules were written "
    "and revised (both have been read while revising, so both flatter the labeller); "
    f"then later draws ({', '.join(f'**{s}**' for s in later)}), each labelled by reading before a revision "
    "of the labeller, measured once after it, and then read to design the next revision (spent as tests); "
    f"and the newest draw, **{P.RATE_SPLIT}**, labelled by reading before the last revision and never read to "
    "design a rule: the honest estimate, and the rates the correction uses. **all** is every post."
))
ev_rates = pd.read_csv(P.rates_path(), dtype={"split": str})
ev_rates = ev_rates[ev_rates["measure"] != "pm_prefers_technical"]
view = ev_rates.assign(
    measure=ev_rates["measure"].map({
        "is_pm_role": "hires a PM (all posts)",
        "pm_requires_technical": "technical skill or title required",
        "pm_requires_eng_background": "engineering background required",
        "pm_requirements_stated": "states requirements",
    }),
    F1=ev_rates["f1"].map(lambda v: f"{v:.2f}"),
    **({"F1 95% CI": [ev.format_interval(lo, hi, "–") or "–"
                      for lo, hi in zip(ev_rates["f1_low"], ev_rates["f1_high"], strict=True)]}
       if "f1_low" in ev_rates.columns else {}),
    precision=ev_rates["precision"].map(lambda v: f"{v:.2f}"),
    recall=ev_rates["recall"].map(lambda v: f"{v:.2f}"),
    specificity=ev_rates["specificity"].map(lambda v: f"{v:.2f}"),
)
display(view.set_index(["measure", "split"])[
    ["n", "tp", "fn", "tn", "fp", "precision", "recall", "specificity", "F1",
     *(["F1 95% CI"] if "F1 95% CI" in view.columns else [])]
])
blind = ev_rates[(ev_rates["split"] == P.RATE_SPLIT)].set_index("measure")
tech = blind.loc["pm_requires_technical"]
goal = ev.TARGETS["pm_requires_technical"]
ci = {m: ev.format_interval(blind.loc[m].get("f1_low", np.nan), blind.loc[m].get("f1_high", np.nan), "–")
      for m in ("is_pm_role", "pm_requires_technical")}
ci = {m: f" (95% CI {v})" if v else "" for m, v in ci.items()}
display(Markdown(
    f"On the {P.RATE_SPLIT} posts the labeller finds PM roles with F1 {blind.loc['is_pm_role', 'f1']:.2f}"
    f"{ci['is_pm_role']} and the technical requirement with F1 {tech['f1']:.2f}{ci['pm_requires_technical']} "
    f"(sensitivity {tech['sensitivity']:.2f}, specificity {tech['specificity']:.2f}, from "
    f"{int(tech['tp'] + tech['fn'])} positive posts of {int(tech['n'])} PM posts): "
    + (f"at or above the target of {goal:.2f}, though the interval reaches below it. " if tech["f1"] >= goal
       else f"below the target of {goal:.2f}, and lower than on the posts the rules were written on, as expected "
       "of rules read off examples. ")
    + "The corrected shares use these rates, so their intervals are wide, and the small number of "
    "positive posts behind the sensitivity makes it the least certain input of the correction."
))

# %% [markdown]
# ## Small cells
#
# A cell (one period, denominator, measure and series) with fewer than 30 PM roles is flagged
# small. Monthly cells are almost all small: PM roles are a few percent of the posts, so the
# monthly series feed the models (which weight each month by its n) and the figures use quarters
# and years.

# %%
rows = []
for freq, t in shares.items():
    obs = t[(t["n"] > 0) & (t["corpus"] == P.PM_CORPUS) & (t["series"] == "all")]
    for den in ("all", "stated", "title"):
        o = obs[obs["denominator"] == den]
        o = o[(o["measure_key"] == o["measure_key"].iloc[0]) & (o["basis"] == o["basis"].iloc[0])]
        rows.append({"period": freq, "denominator": P.DENOMINATORS[den], "periods with data": len(o),
                     f"small (n < {MIN_N})": int(o["small_cell"].sum())})
display(pd.DataFrame(rows).set_index(["period", "denominator"]))
cells = pd.concat([t[t["n"] > 0] for t in shares.values()])
display(Markdown(
    f"Over every table of this report (all periods, corpora, series, denominators and measures), "
    f"{int(cells['small_cell'].sum()):,} of {len(cells):,} cells with data are small (n < {MIN_N})."
))

# %% [markdown]
# ## Closing note

# %%
head = P.headline(tables, fits, first=YEARS_TEXT[0], last=YEARS_TEXT[-1])
hv = dict(zip(head["quantity"], head["value"], strict=True))
s_all, s_st = P.MODEL_SERIES[0][3], P.MODEL_SERIES[1][3]
cor = " (corrected: {})"
head["quantity"] = head["quantity"].str.replace(", 2026", ", 2026 (Jan–May)", regex=False)
display(head.set_index("quantity").style.set_table_styles(LEFT))
display(Markdown(
    "In short: among **all PM roles**, the share requiring a technical skill or carrying a technical title was "
    f"{hv[f'{s_all}, 2012']}{cor.format(hv[f'{s_all}, 2012, corrected']) if f'{s_all}, 2012, corrected' in hv else ''} in 2012 "
    f"and {hv[f'{s_all}, 2026']}{cor.format(hv[f'{s_all}, 2026, corrected']) if f'{s_all}, 2026, corrected' in hv else ''} "
    f"in 2026 (Jan–May); among PM roles **stating requirements** it was {hv[f'{s_st}, 2012']} and {hv[f'{s_st}, 2026']}. "
    "Rates are measured per post and applied per role; "
    f"{hv['PM posts holding one PM role (rates are measured per post, applied per role)']} of the PM posts hold one PM role. "
    "Within 2012–2018 the "
    "trend is read from the 78 monthly counts alone; the change to 2026 is a comparison of two windows seven "
    "years apart, not a measured path through the gap. "
    + ("Corrected shares are not available yet: the labeller's rates (`make evaluate`) have not been measured."
       if rates is None else "The corrected shares are in the corrected table above; the per-family shares are uncorrected.")
    + "\n\nCommands: `make analysis` (fetch, build, render every report), `trendlab report 02` (this report "
    "alone), `python -m trendlab.measure.pm` (prints the table above). In Python: "
    "`tables = pm.pm_tables(pm.load_inputs())`, `pm.headline(tables, pm.fit_series_models(tables))`, with "
    "`from trendlab.measure import pm`."
))
