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
# # 04 — Convergence: are the lines between engineering and product management blurring?
#
# Four measures from the job postings, each source shown on its own: hybrid titles (technical
# PMs among product managers, product engineers among engineers), product skills asked of
# engineers, a convergence index comparing the skill profiles asked of PMs and of engineers, and
# low-code/no-code tools asked of PMs; then labour-market context from Indeed Hiring Lab and
# USAJOBS. Hybrid titles have grown; the skill profiles asked of PMs and of engineers have not
# moved closer.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

# tqdm.auto looks for notebook widgets when imported under a kernel
warnings.filterwarnings("ignore", message="IProgress not found")

import trendlab  # noqa: E402
from trendlab import models, plots  # noqa: E402
from trendlab.clean.titles import classify_titles  # noqa: E402
from trendlab.measure import convergence as cv  # noqa: E402
from trendlab.measure.shares import complete_periods  # noqa: E402
from trendlab.measure.transitions import format_estimate  # noqa: E402
from trendlab.sources import indeed, network_jobs, usajobs  # noqa: E402
from trendlab.taxonomy import expand_forms, skill_taxonomy  # noqa: E402

plots.use_house_style()
pd.set_option("display.max_colwidth", 200)

roles = trendlab.load("roles")
extracted = trendlab.load("roles_extracted_classified")
coverage = trendlab.load("postings_coverage")
indeed_daily = trendlab.load("indeed")
usa = trendlab.load("usajobs")

# The skill tables come from the build once it produces them; until then the tagger runs here.
try:
    hits, flags = trendlab.load("skill_hits"), trendlab.load("skill_flags")
    tagged_here = False
except KeyError:  # no build stage produces the skill tables yet
    from trendlab.clean.skills import skill_flags, tag_skills

    hits = tag_skills(roles, progress=False)
    flags = skill_flags(hits, roles)
    tagged_here = True

tax = skill_taxonomy()
FAMILY_LABEL = dict(zip(tax.families["family"], tax.families["label"], strict=True))
PRODUCT_FAMILIES = tax.families_in(cv.PRODUCT_GROUP)
PM_FAMILIES = sorted(cv.pm_families())
SRC_HN, SRC_EXT, SRC_NET = "HN posts (text)", "HN extracted titles", "network-jobs-data"
COLORS = {SRC_HN: plots.SOURCE_COLORS["hn-thread-pages"], SRC_EXT: plots.SOURCE_COLORS["hackernews-whos-hiring"],
          SRC_NET: plots.PALETTE[5]}
WINDOW_COLORS = dict(zip(cv.HN_WINDOWS, (plots.PALETTE[0], plots.PALETTE[3], plots.PALETTE[1]), strict=True))
GROUP_COLORS = {cv.PM_GROUP: plots.PALETTE[1], cv.ENG_GROUP: plots.PALETTE[0]}
LEFT = [{"selector": "th, td", "props": [("text-align", "left"), ("vertical-align", "top")]}]


# %% [markdown]
# ## What each source covers
#
# * **HN posts (text)** — the merged "Who is hiring?" corpus (report 01), split into the roles each
#   post advertises. Two stretches: 2012-01 .. 2018-06 and 2026-01 .. 2026-05; nothing in between.
#   2018 and 2026 are part years. Only these posts have requirement text, so the skill measures
#   (product skills, the convergence index, low-code tools) rest on them alone.
# * **HN extracted titles** — 2022-12 .. 2025-10: one row per role with a title extracted from the
#   post by a language model; no text. Usable for title shares only, and noisier: the extraction
#   decides what counts as a role and how its title is written. "2022" is December alone.
# * **network-jobs-data** — a pinned PyPI package of openings at about 170 start-ups first seen
#   2025-07 .. 2026-01; titles only, a hand-picked set of companies (one pooled point, not a series).
# * **Indeed Hiring Lab** and **USAJOBS** — context series, not PM-specific measures.

# %%
r = roles.assign(year=roles["month"].str.slice(0, 4))
own = r["requirements_source"].eq("own")
is_pm, is_eng = r["role_family"].isin(PM_FAMILIES), r["role_family"].isin(cv.ENGINEERING)
e = extracted.assign(year=extracted["month"].str.slice(0, 4))
partial_months = sorted(coverage.groupby("month")["partial_month"].all().loc[lambda s: s].index)
cov_rows = [
    {"source": SRC_HN, "months": f"{r['month'].min()} .. {r['month'].max()} ({r['month'].nunique()})",
     "posts": r["posting_id"].nunique(), "roles": len(r), "PM roles": int(is_pm.sum()),
     "PM roles with own text": int((is_pm & own).sum()), "engineering roles": int(is_eng.sum()),
     "engineering roles with own text": int((is_eng & own).sum())},
    {"source": SRC_EXT, "months": f"{e['month'].min()} .. {e['month'].max()} ({e['month'].nunique()})",
     "posts": e["posting_id"].nunique(), "roles": len(e),
     "PM roles": int(e["role_family"].isin(PM_FAMILIES).sum()), "PM roles with own text": 0,
     "engineering roles": int(e["role_family"].isin(cv.ENGINEERING).sum()), "engineering roles with own text": 0},
]
display(pd.DataFrame(cov_rows).set_index("source"))
display(Markdown(
    f"Engineering roles are the families {', '.join(f'`{f}`' for f in cv.ENGINEERING)} (engineering "
    f"managers are not counted); PM roles are `{'`, `'.join(PM_FAMILIES)}` (product owners included, "
    "project and program managers not). A role has **own text** when the post gives it its own "
    "paragraph, or when the post advertises this role alone; the other roles of multi-role posts share "
    "the post's text and are left out of every skill measure — shared text would hand the PM and the "
    "engineer of one post the same asks. HN months held only in part: "
    f"{', '.join(partial_months) if partial_months else 'none'}."
))

# %% [markdown]
# ## 1. Hybrid titles
#
# Two shares, each with a 95% Wilson interval:
#
# * **technical PM title** — of product-management roles, the share whose title marks a technical
#   PM: "Technical Product Manager", "Product Manager (Technical)", or a PM title qualified by
#   platform, API, data, ML/AI, infrastructure, cloud, security, SDK or developer tools
#   (`taxonomy/technical_pm_markers.csv`);
# * **titled product engineer** — of engineering roles, the share titled product engineer.
#
# Sources are never pooled: HN posts split by the project's own role splitter, the extracted titles
# of 2022–2025, and the network-jobs-data openings. Hollow markers: fewer than 30 roles.

# %%
hn_titles = cv.hybrid_title_shares(roles, source=SRC_HN)
ext_titles = cv.hybrid_title_shares(extracted, source=SRC_EXT)

MEASURES = [("product-management roles", "technical PM title", "Technical PM titles among PM roles"),
            ("engineering roles", "titled product engineer", "Product engineers among engineering roles")]
net_titles, net_note = None, ""
try:
    net = network_jobs.load()
    classes = classify_titles(net.frame["title"])
    net_roles = pd.DataFrame({"month": net.frame["first_seen_month"].to_numpy(),
                              "role_family": classes["role_family"].to_numpy(),
                              "technical_pm": classes["technical_pm"].to_numpy()})
    NET_WINDOW = f"{net_roles['month'].min()}..{net_roles['month'].max()}"
    net_titles = cv.hybrid_title_shares(net_roles, source=SRC_NET,
                                        windows={NET_WINDOW: (net_roles["month"].min(), net_roles["month"].max())})
    npm, npe = (net_titles[net_titles["measure"] == m].iloc[0] for _, m, _ in MEASURES)
    net_note = (
        f"network-jobs-data {network_jobs.PINNED_VERSION}: {len(net.frame):,} openings at "
        f"{net.frame['company'].nunique()} companies, first seen {NET_WINDOW} "
        f"({len(net.quarantine)} duplicate or unusable records set aside), titles classified with the same "
        "classifier as the HN roles. One pooled point: first-seen dates measure the collector's coverage, "
        "not hiring (77% of openings were first seen on one day in 2026-01), and the companies are a "
        "hand-picked network of start-ups, not a sample of employers."
    )
except network_jobs.NetworkJobsError as exc:
    net_note = f"network-jobs-data is not available here ({exc}); the recent title point is left out."

title_tables = [hn_titles, ext_titles] + ([net_titles] if net_titles is not None else [])

fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
for ax, (_pop, meas, title) in zip(axes, MEASURES, strict=True):
    for tab, (start, end) in ((hn_titles, ("2012", "2026")), (ext_titles, ("2022", "2025"))):
        t = tab[tab["measure"] == meas]
        t = complete_periods(t, start, end, "year")
        # empty years are gaps, not small cells
        t = t.assign(mid=t["period"] + "-07", small_cell=t["small_cell"] & (t["n"] > 0))
        src = t["source"].iloc[0]
        plots.plot_share(ax, t, x="mid", label=src, color=COLORS[src])
        # a point with no observed neighbour has no band to show its interval: draw a bar
        ok = t["share"].notna() & ~t["small_cell"].astype(bool)
        alone = ok & ~ok.shift(1, fill_value=False) & ~ok.shift(-1, fill_value=False)
        a = t[alone]
        if len(a):
            y, lo, hi = (100 * a[c].astype(float).to_numpy() for c in ("share", "ci_low", "ci_high"))
            ax.errorbar(plots.month_index(a["mid"]), y, yerr=[y - lo, hi - y], fmt="none", ecolor=COLORS[src],
                        lw=1.6, capsize=3)
    if net_titles is not None:
        t = net_titles[net_titles["measure"] == meas].iloc[0]
        x0, x1 = plots.month_index(pd.Series(["2025-07", "2026-01"]))
        xm = x0 + (x1 - x0) / 2
        ax.errorbar([xm], [100 * t["share"]], yerr=[[100 * (t["share"] - t["ci_low"])], [100 * (t["ci_high"] - t["share"])]],
                    xerr=[[xm - x0], [x1 - xm]], fmt="s", color=COLORS[SRC_NET], ms=5, lw=1, label=SRC_NET)
    ax.set_title(title)
    ax.set_xlabel("year (points at mid-year)")
    ax.set_ylim(bottom=0)
handles, labels = axes[0].get_legend_handles_labels()
fig.tight_layout(rect=(0, 0.08, 1, 1))
fig.legend(handles, labels, loc="lower center", ncols=3, fontsize=9, bbox_to_anchor=(0.5, 0.0))
plots.save(fig, "04-hybrid-titles")
plt.show()

# %%
tt = pd.concat(title_tables, ignore_index=True)
tt["share (95% CI)"] = [format_estimate(s, lo, hi) for s, lo, hi in zip(tt["share"], tt["ci_low"], tt["ci_high"], strict=True)]
tt["roles"] = [f"{int(x)} / {int(n)}" for x, n in zip(tt["successes"], tt["n"], strict=True)]
wide = tt.pivot(index=["source", "period"], columns="measure", values=["roles", "share (95% CI)"])
wide.columns = [f"{m}: {c}" for c, m in wide.columns]
wide = wide[[f"{m}: {c}" for _, m, _ in MEASURES for c in ("roles", "share (95% CI)")]]
display(wide.reindex([SRC_HN, SRC_EXT, SRC_NET], level=0).style.set_table_styles(LEFT))
display(Markdown(net_note))

# %% [markdown]
# ### Change over time, source by source
#
# Within each source, a binomial GLM of the yearly counts on time (quasi-binomial variance: the
# interval widens when years scatter more than sampling explains), as the change in percentage
# points per year; and the HN 2026 share against the pooled HN 2015–2018 share (Newcombe interval
# for the difference). The seven-year gap between the two HN stretches is not bridged by a line:
# the 2026 comparison is a before/after contrast, and the 2022–2025 titles come from another
# instrument and are not joined to either.

# %%
rows, title_fit, title_cmp = [], {}, {}
for tab, years, label in ((hn_titles, ("2012", "2018"), "HN posts 2012–2018"),
                          (ext_titles, ("2022", "2025"), "HN extracted titles 2022–2025")):
    for _, meas, title in MEASURES:
        c = tab[(tab["measure"] == meas) & tab["period"].between(*years)]
        fit = models.fit_trend(c, time="period")
        title_fit[(label, title)] = fit
        rows.append({"series": label, "measure": title, "compares": f"years {fit.start}–{fit.end}",
                     "change": format_estimate(fit.estimate / 100, fit.ci_low / 100, fit.ci_high / 100,
                                               unit=" pp per year", digits=2),
                     "p": cv.format_p(fit.p_value)})
for _, meas, title in MEASURES:
    c = hn_titles[hn_titles["measure"] == meas]
    base = c[c["period"].between("2015", "2018")]
    new = c[c["period"] == "2026"].iloc[0]
    cmp = models.compare_proportions(int(new["successes"]), int(new["n"]),
                                     int(base["successes"].sum()), int(base["n"].sum()))
    title_cmp[title] = cmp
    rows.append({"series": "HN posts 2026 against 2015–2018", "measure": title,
                 "compares": f"{cv.share_phrase(new)} against {100 * cmp.share2:.1f}%",
                 "change": format_estimate(cmp.estimate / 100, cmp.ci_low / 100, cmp.ci_high / 100, unit=" pp"),
                 "p": cv.format_p(cmp.p_value)})
title_trends = pd.DataFrame(rows)
display(title_trends.set_index(["series", "measure"]).style.set_table_styles(LEFT))

# %% [markdown]
# ## 2. Product skills asked of engineers
#
# The mirror image of "technical PMs": of the engineering roles with own text, the share whose
# requirements ask for a product skill — a family of the `product` group of the skill taxonomy:
# discovery and user research, roadmapping and prioritisation, experimentation, metrics, specs and
# PRDs. HN text only, in three windows (2012–2014, 2015–2018, 2026), by family and for any of them.
#
# The text of a single-role post is the whole post, company description included, so a post that
# says "our roadmap" or "a data-driven company" counts as asking for the skill. The right panel
# keeps only roles that have their own paragraph in a multi-role post, where the text is about the
# role rather than the company. PM roles in the same windows, measured with the same instrument,
# are the reference (last rows of the table).

# %%
scope_multi = r["posting_id"].map(r.groupby("posting_id").size()) > 1
prod = {
    "all roles with own text": cv.product_skill_shares(roles, flags, windows=cv.HN_WINDOWS),
    "own paragraph in a multi-role post": cv.product_skill_shares(roles[scope_multi.to_numpy()], flags,
                                                                  windows=cv.HN_WINDOWS),
}
pm_prod = cv.product_skill_shares(roles, flags, windows=cv.HN_WINDOWS, role_families=PM_FAMILIES,
                                  population="PM roles with own requirement text", by_family=False)

ORDER = ["requires a product skill"] + [f"requires: {FAMILY_LABEL[f]}" for f in PRODUCT_FAMILIES]
TICKS = ["any product skill"] + [FAMILY_LABEL[f] for f in PRODUCT_FAMILIES]
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
for ax, (scope, tab) in zip(axes, prod.items(), strict=True):
    for k, (w, color) in enumerate(WINDOW_COLORS.items()):
        t = tab[tab["period"] == w].set_index("measure").loc[ORDER]
        x = np.arange(len(ORDER)) + (k - 1) * 0.22
        y, lo, hi = (100 * t[c].astype(float).to_numpy() for c in ("share", "ci_low", "ci_high"))
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color=color, ms=4.5, lw=1.2,
                    label=f"{w} (n = {int(t['n'].iloc[0]):,})")
    ax.set_xticks(np.arange(len(ORDER)), TICKS, rotation=25, ha="right")
    ax.set_title(f"Engineering roles — {scope}", fontsize=11)
    ax.legend(fontsize=8.5, loc="upper right")
axes[0].set_ylabel("share of engineering roles (%)")
fig.tight_layout()
plots.save(fig, "04-product-skills-of-engineers")
plt.show()

# %%
rows = []
for scope, tab in prod.items():
    for meas in ("requires a product skill", "requires or prefers a product skill"):
        for _, t in tab[tab["measure"] == meas].iterrows():
            rows.append({"population": f"engineering roles — {scope}", "measure": meas, "period": t["period"],
                         "roles": f"{int(t['successes']):,} / {int(t['n']):,}",
                         "share (95% CI)": format_estimate(t["share"], t["ci_low"], t["ci_high"]),
                         "left out (no own text)": f"{int(t['excluded']):,}"})
for _, t in pm_prod[pm_prod["measure"] == "requires a product skill"].iterrows():
    rows.append({"population": "PM roles (reference)", "measure": "requires a product skill", "period": t["period"],
                 "roles": f"{int(t['successes']):,} / {int(t['n']):,}",
                 "share (95% CI)": format_estimate(t["share"], t["ci_low"], t["ci_high"]),
                 "left out (no own text)": f"{int(t['excluded']):,}"})
display(pd.DataFrame(rows).set_index(["population", "measure", "period"]).style.set_table_styles(LEFT))
base_all = prod["all roles with own text"].set_index(["period", "measure"])
g = base_all.xs("requires a product skill", level="measure")
cmp_prod = models.compare_proportions(int(g.loc["2026", "successes"]), int(g.loc["2026", "n"]),
                                      int(g.loc["2015-2018", "successes"]), int(g.loc["2015-2018", "n"]))
gm = prod["own paragraph in a multi-role post"].set_index(["period", "measure"]).xs("requires a product skill",
                                                                                     level="measure")
cmp_prod_m = models.compare_proportions(int(gm.loc["2026", "successes"]), int(gm.loc["2026", "n"]),
                                        int(gm.loc["2015-2018", "successes"]), int(gm.loc["2015-2018", "n"]))
display(Markdown(
    "2026 against 2015–2018, engineering roles requiring a product skill: "
    f"{format_estimate(cmp_prod.estimate / 100, cmp_prod.ci_low / 100, cmp_prod.ci_high / 100, unit=' pp')} "
    f"(all roles with own text, p {'= ' if cmp_prod.p_value >= 0.001 else ''}{cv.format_p(cmp_prod.p_value)}); "
    f"{format_estimate(cmp_prod_m.estimate / 100, cmp_prod_m.ci_low / 100, cmp_prod_m.ci_high / 100, unit=' pp')} "
    f"(own paragraphs only, p {'= ' if cmp_prod_m.p_value >= 0.001 else ''}{cv.format_p(cmp_prod_m.p_value)})."
))

# %% [markdown]
# ## 3. The convergence index
#
# **Definition.** For a period, take the PM roles and the engineering roles with own text. For each
# skill family of the taxonomy (technical, low-code and product; the number is printed below the
# index table), count the roles of
# each group that *require* it; normalise each group's counts to a distribution over families — its
# **skill profile**. The index is the Jensen–Shannon divergence between the two profiles, in bits
# (base 2): 0 when PMs and engineers are asked for the same mix of skills, 1 when no family is asked
# of both. Convergence is a falling index.
#
# **Uncertainty.** The post is the unit (roles of one post share an author and a text): 95%
# percentile intervals from 2,000 bootstrap replicates that redraw posts within each group, seeded.
# A divergence computed from a small sample is positive even when the two profiles are the same, so
# each period also gets a **noise floor** — the mean index over 2,000 random relabellings of its
# posts between the two groups — and the **excess** over that floor, the part sampling does not
# produce; the p-value tests "same profile". Periods are the pooled windows, since a single HN year
# holds few PM asks (counts below the figure); the yearly values are drawn hollow for reference.

# %%
ix = cv.convergence_index(roles, flags, windows=cv.HN_WINDOWS)
ix_year = cv.convergence_index(roles, flags, windows=None)
trend_w = cv.convergence_trend(ix)
trend_y = cv.convergence_trend(ix_year)
chg = cv.index_change(ix, "2015-2018", "2026")
chg_first = cv.index_change(ix, "2012-2014", "2015-2018")

tab = ix.table
show = pd.DataFrame({
    "period": tab["period"],
    "index (95% CI)": [format_estimate(j, lo, hi, scale=1, unit="", digits=2)
                       for j, lo, hi in zip(tab["jsd"], tab["ci_low"], tab["ci_high"], strict=True)],
    "noise floor": tab["noise_floor"].map("{:.3f}".format),
    "excess over floor (95% CI)": [format_estimate(j, lo, hi, scale=1, unit="", digits=2)
                                   for j, lo, hi in zip(tab["excess"], tab["excess_ci_low"], tab["excess_ci_high"], strict=True)],
    "p (same profile)": tab["p_value"].map(lambda p: f"< {1 / (1 + ix.n_perm):.4f}" if p <= 1 / (1 + ix.n_perm) else f"{p:.3f}"),
    "PM roles (posts; asks)": [f"{a} ({b}; {c})" for a, b, c in zip(tab["pm_roles"], tab["pm_posts"], tab["pm_asks"], strict=True)],
    "engineering roles (posts; asks)": [f"{a:,} ({b:,}; {c:,})" for a, b, c in
                                        zip(tab["eng_roles"], tab["eng_posts"], tab["eng_asks"], strict=True)],
    "left out (no own text)": tab["excluded"].map("{:,}".format),
}).set_index("period")
display(show.style.set_table_styles(LEFT))
display(Markdown(f"Method: {ix.method}."))

fig, ax = plt.subplots(figsize=(10, 4.2))
ty = ix_year.table
ax.errorbar(ty["years"], ty["jsd"], yerr=[ty["jsd"] - ty["ci_low"], ty["ci_high"] - ty["jsd"]], fmt="o",
            mfc="white", color=plots.PALETTE[0], alpha=0.55, ms=4, lw=0.8, label="single years (few PM asks)")
ax.errorbar(tab["years"], tab["jsd"], yerr=[tab["jsd"] - tab["ci_low"], tab["ci_high"] - tab["jsd"]], fmt="o",
            color=plots.PALETTE[1], ms=7, lw=2, capsize=4, label="pooled windows, 95% CI")
ax.scatter(tab["years"], tab["noise_floor"], marker="_", s=300, color="#555555", zorder=5,
           label="noise floor (same profile, same sample sizes)")
for _, t in tab.iterrows():
    ax.annotate(t["period"], (t["years"], t["ci_high"]), textcoords="offset points", xytext=(0, 6),
                ha="center", fontsize=9)
ax.axvspan(2018.5, 2025.9, color="#eeeeee", zorder=0)
ax.text(2022.2, 0.93, "no HN text\n2018-07 .. 2025-12", ha="center", va="top", fontsize=9, color="#666666")
ax.set_ylim(0, 1)
ax.set_ylabel("Jensen–Shannon divergence (bits)")
ax.set_xlabel("mean date of the period's roles")
ax.set_title("Skill profiles of PM and engineering roles: divergence (lower = closer)")
ax.legend(fontsize=8.5, loc="upper left")
fig.tight_layout()
plots.save(fig, "04-convergence-index")
plt.show()

# %%
display(Markdown(
    f"**Trend.** Slope of the excess over the noise floor across the three windows: "
    f"{format_estimate(trend_w.estimate, trend_w.ci_low, trend_w.ci_high, scale=1, unit=' per year', digits=3)} "
    f"(bootstrap p = {trend_w.p_value:.2f}); across the {trend_y.n_periods} single years: "
    f"{format_estimate(trend_y.estimate, trend_y.ci_low, trend_y.ci_high, scale=1, unit=' per year', digits=3)} "
    f"(p = {trend_y.p_value:.2f}). Change in the excess from 2012–2014 to 2015–2018: "
    f"{format_estimate(chg_first.estimate, chg_first.ci_low, chg_first.ci_high, scale=1, unit='', digits=2)}; "
    f"from 2015–2018 to 2026: {format_estimate(chg.estimate, chg.ci_low, chg.ci_high, scale=1, unit='', digits=2)} "
    f"(p = {chg.p_value:.2f}). Single years hold {int(ix_year.table['pm_asks'].min())} to "
    f"{int(ix_year.table['pm_asks'].max())} PM asks. {ix.method}."
))

# %% [markdown]
# ### What the profiles are made of
#
# The share of roles that require each skill family, PM roles against engineering roles, window by
# window (95% Wilson intervals). The index compares these two columns after each is normalised to
# sum to one.

# %%
prof = ix.profiles.copy()
fam_order = tax.families["family"].tolist()
fig, axes = plt.subplots(1, 3, figsize=(13, 5.2), sharex=True, sharey=True)
for ax, (w, p) in zip(axes, prof.groupby("period", sort=True), strict=True):
    for k, (grp, color) in enumerate(GROUP_COLORS.items()):
        q = p[p["group"] == grp].set_index("skill_family").loc[fam_order]
        y = np.arange(len(fam_order)) + (0.18 if k == 0 else -0.18)
        s, lo, hi = (100 * q[c].astype(float).to_numpy() for c in ("share_of_roles", "ci_low", "ci_high"))
        ax.errorbar(s, y, xerr=[s - lo, hi - s], fmt="o", color=color, ms=4, lw=1,
                    label=f"{grp} roles (n = {int(q['n_roles'].iloc[0]):,})")
    ax.set_yticks(np.arange(len(fam_order)), [FAMILY_LABEL[f] for f in fam_order])
    ax.invert_yaxis()
    ax.set_title(w)
    ax.set_xlabel("roles requiring the family (%)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=1)
fig.tight_layout()
plots.save(fig, "04-skill-profiles")
plt.show()

# %% [markdown]
# ### Sensitivity
#
# The same index computed three other ways: counting skills asked as preferred too; only the roles
# with their own paragraph in a multi-role post (text about the role, not the company); and with
# product engineers left out of the engineering group.

# %%
variants = {
    "as defined (required; own text; engineers incl. product engineers)": ix,
    "required or preferred": cv.convergence_index(roles, flags, include_preferred=True),
    "own paragraphs of multi-role posts only": cv.convergence_index(roles[scope_multi.to_numpy()], flags),
    "software engineers only": cv.convergence_index(roles, flags, engineering=["software_engineering"]),
}
sens = pd.DataFrame({
    name: [format_estimate(j, lo, hi, scale=1, unit="", digits=2) + f"; excess {x:.2f}; {pm} PM roles"
           for j, lo, hi, x, pm in zip(v.table["jsd"], v.table["ci_low"], v.table["ci_high"], v.table["excess"],
                                       v.table["pm_roles"], strict=True)]
    for name, v in variants.items()
}, index=ix.table["period"]).T
display(sens.style.set_table_styles(LEFT))

# %% [markdown]
# ## 4. Low-code and no-code tools asked of PMs
#
# Of the PM roles with own text, the share that asks (requires or prefers) for each low-code,
# no-code or automation tool of the taxonomy (Zapier, Airtable, Retool, Bubble, Webflow, Power
# Apps, Make, n8n, RPA, AI app builders, ...). Every tool is counted in every window, zeros
# included: a zero comes with its upper bound.

# %%
lc_pm = cv.low_code_shares(roles, hits, windows=cv.HN_WINDOWS)
lc_eng = cv.low_code_shares(roles, hits, windows=cv.HN_WINDOWS, role_families=cv.ENGINEERING,
                            population="engineering roles with own requirement text")
any_pm = lc_pm[lc_pm["tool"] == "any low-code tool"]
n_tools = int(tax.skills["family"].isin(tax.families_in(cv.LOW_CODE_GROUP)).sum())
rows = []
for label, tabl in (("PM roles", lc_pm), ("engineering roles", lc_eng)):
    named = tabl.groupby("tool")["successes"].sum().loc[lambda s: s > 0].index
    shown = ["any low-code tool"] + sorted((t for t in named if t != "any low-code tool"), key=str.lower)
    for tool in shown:
        for _, t in tabl[tabl["tool"] == tool].iterrows():
            rows.append({"population": label, "tool": tool, "period": t["period"],
                         "value": f"{int(t['successes'])} / {int(t['n']):,}; "
                                  f"{format_estimate(t['share'], t['ci_low'], t['ci_high'], digits=2)}"})
lc_table = pd.DataFrame(rows).pivot(index=["population", "tool"], columns="period", values="value")
lc_table = lc_table.loc[pd.DataFrame(rows)[["population", "tool"]].drop_duplicates().apply(tuple, axis=1)]
display(lc_table.style.set_table_styles(LEFT))
# Engineering-role mentions whose tool is named in the post's first line, where HN posters put
# their company: the employer's own name rather than an ask.
lc_forms = {r.taxonomy_id: [f.lower() for f in expand_forms(r.forms or "") + expand_forms(r.cs_forms or "")]
            for r in tax.skills.itertuples() if r.family in tax.families_in(cv.LOW_CODE_GROUP)}
eng_lc = hits[hits["taxonomy_id"].isin(list(lc_forms)) & hits["status"].isin(["required", "preferred"])].merge(
    roles.loc[roles["role_family"].isin(cv.ENGINEERING), ["posting_id", "role_index", "requirements_text"]],
    on=["posting_id", "role_index"])
first_line = eng_lc["requirements_text"].fillna("").str.split("\n").str[0].str.lower()
self_named = [any(f in line for f in lc_forms[t]) for t, line in zip(eng_lc["taxonomy_id"], first_line, strict=True)]
n_pm_lc = int(any_pm["successes"].sum())
display(Markdown(
    (f"No PM role's own text asks for any of the {n_tools} low-code tools in any window: 0 of "
     if n_pm_lc == 0 else f"{n_pm_lc} PM role(s) ask for a low-code tool; PM roles with own text: ")
    + ", ".join(f"{int(t['n'])} ({t['period']}; upper bound {100 * t['ci_high']:.1f}%)" for _, t in any_pm.iterrows())
    + f". Engineering roles name a few (the rows shown are the tools named at least once), but in "
    f"{sum(self_named)} of their {len(self_named)} mentions the post's first line — where HN posters put their "
    "company — names the tool: the employer's own name (a low-code company hiring engineers), not an ask. Roles "
    "of one post also count separately, so one employer listing several roles can make a tool look common. "
    "The 2022–2025 titles carry no text, so the years when these tools spread are not observed."
))

fig, ax = plt.subplots(figsize=(9, 3.6))
for k, (label, tabl, color) in enumerate((("PM roles", lc_pm, GROUP_COLORS[cv.PM_GROUP]),
                                          ("engineering roles", lc_eng, GROUP_COLORS[cv.ENG_GROUP]))):
    t = tabl[tabl["tool"] == "any low-code tool"]
    x = np.arange(len(t)) + (k - 0.5) * 0.25
    y, lo, hi = (100 * t[c].astype(float).to_numpy() for c in ("share", "ci_low", "ci_high"))
    ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color=color, ms=5, lw=1.2, capsize=3, label=label)
ax.set_xticks(np.arange(len(any_pm)), [f"{p}\n(PM n = {int(n)})" for p, n in zip(any_pm["period"], any_pm["n"], strict=True)])
ax.set_ylabel("roles asking for a low-code tool (%)")
ax.set_title("Low-code/no-code tools asked (any tool), 95% Wilson intervals")
ax.legend(fontsize=9)
fig.tight_layout()
plots.save(fig, "04-low-code")
plt.show()

# %% [markdown]
# ## 5. Context: the wider US labour market
#
# Indeed Hiring Lab (CC BY 4.0, cite "Indeed Hiring Lab"): the seasonally adjusted postings index
# for the Software Development sector against all US postings (1 February 2020 = 100; the sector
# file ends 2024-09-27), the share of US postings that mention AI, and the share that offer remote
# or hybrid work. Monthly means of the daily series; these are not PM-specific.

# %%
monthly = indeed.to_monthly(indeed_daily)
rel = cv.relative_index(monthly, series="Software Development", reference=indeed.TOTAL_POSTINGS)
us_share = monthly[(monthly["country"] == "US") & (monthly["series"] == indeed.ALL_POSTINGS)]
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
x = plots.month_index(rel["month"])
axes[0].plot(x, rel["series_value"], color=plots.PALETTE[0], label="Software Development")
axes[0].plot(x, rel["reference_value"], color="#555555", label="all postings")
axes[0].axhline(100, color="#999999", lw=0.8, ls=":")
axes[0].set_title("US postings index (Feb 2020 = 100)")
axes[0].legend(fontsize=8.5)
for ax, (meas, title) in zip(axes[1:], (("ai_share", "US postings mentioning AI (%)"),
                                        ("remote_share", "US postings offering remote/hybrid (%)")), strict=True):
    s = us_share[us_share["measure"] == meas].sort_values("month")
    ax.plot(plots.month_index(s["month"]), s["value"].astype(float), color=plots.PALETTE[3])
    ax.set_title(title)
    ax.set_ylim(bottom=0)
fig.tight_layout()
plots.save(fig, "04-indeed-context")
plt.show()

last = rel[rel["complete"]].iloc[-1]
ai = us_share[us_share["measure"] == "ai_share"].sort_values("month")
rem = us_share[us_share["measure"] == "remote_share"].sort_values("month")
peak = rel.loc[rel["series_value"].idxmax()]
display(Markdown(
    f"Software Development postings peaked at {peak['series_value']:.0f} ({peak['month']}) and stood at "
    f"{last['series_value']:.0f} in {last['month']}, against {last['reference_value']:.0f} for all postings: "
    f"{last['relative']:.0f}% of the overall level relative to February 2020. AI mentions went from "
    f"{ai['value'].iloc[0]:.1f}% ({ai['month'].iloc[0]}) to {ai['value'].iloc[-1]:.1f}% ({ai['month'].iloc[-1]}) "
    f"of US postings; remote or hybrid offers from {rem['value'].iloc[0]:.1f}% ({rem['month'].iloc[0]}) to "
    f"{rem['value'].iloc[-1]:.1f}% ({rem['month'].iloc[-1]})."
))

# %% [markdown]
# ### US federal PM postings by job series (USAJOBS)
#
# Announcements whose title names a product manager, by the year they opened: the share filed
# under series 2210 (IT management) rather than another series (mostly 0340 program management and
# 0301 general administration; many are defense acquisition "product managers"). 2025 covers
# January–June only.

# %%
series_tab = usajobs.pm_postings_by_series(usa)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 3.8))
yrs = series_tab["period"].astype(str)
ax1.bar(yrs, series_tab["successes"].astype(int), color=plots.PALETTE[0], label="series 2210 (IT)")
ax1.bar(yrs, series_tab["others"].astype(int), bottom=series_tab["successes"].astype(int), color="#bbbbbb",
        label="other series")
ax1.set_title("Federal PM announcements per year")
ax1.legend(fontsize=9)
plots.plot_share(ax2, series_tab.assign(mid=yrs + "-07", small_cell=series_tab["n"] < 30), x="mid",
                 color=plots.PALETTE[0], label="share in series 2210")
ax2.set_title("Share filed under IT series 2210 (95% Wilson)")
ax2.set_ylim(0, 100)
ax2.legend(fontsize=8.5, loc="upper left")
fig.tight_layout()
plots.save(fig, "04-usajobs-series")
plt.show()
fit_usa = models.fit_trend(series_tab[series_tab["period"] <= "2024"], time="period")
series_tab["share (95% CI)"] = [format_estimate(s, lo, hi) for s, lo, hi in
                                zip(series_tab["share"], series_tab["ci_low"], series_tab["ci_high"], strict=True)]
display(series_tab.set_index("period")[["successes", "n", "share (95% CI)", "multi_series"]]
        .rename(columns={"successes": "in 2210", "n": "announcements", "multi_series": "listing several series"}))
display(Markdown(
    f"Trend 2017–2024 (binomial GLM): {format_estimate(fit_usa.estimate / 100, fit_usa.ci_low / 100, fit_usa.ci_high / 100, unit=' pp')} "
    f"per year (p {'= ' if fit_usa.p_value >= 0.001 else ''}{cv.format_p(fit_usa.p_value)}). Of "
    f"{int(series_tab['n'].sum())} announcements, {int(series_tab['successes'].sum())} are in 2210."
))

# %% [markdown]
# ## Reading: are the lines blurring?

# %%
hn_pm = hn_titles[hn_titles["measure"] == "technical PM title"].set_index("period")
hn_pe = hn_titles[hn_titles["measure"] == "titled product engineer"].set_index("period")
ex_pm = ext_titles[ext_titles["measure"] == "technical PM title"].set_index("period")
ex_pe = ext_titles[ext_titles["measure"] == "titled product engineer"].set_index("period")
pooled = cv.hybrid_title_shares(roles, source=SRC_HN, windows=cv.HN_WINDOWS).set_index(["measure", "period"])
pm_title, pe_title = (t for _, _, t in MEASURES)
ext_pm_fit = title_fit[("HN extracted titles 2022–2025", pm_title)]
pm_cmp, pe_cmp = (title_trends.set_index(["series", "measure"]).loc[("HN posts 2026 against 2015–2018", t)]
                  for _, _, t in MEASURES)
ixt = ix.table.set_index("period")
closest = ixt["jsd"].idxmin()
last_w = ixt.index[-1]
no_trend = trend_w.ci_low <= 0 <= trend_w.ci_high
max_p = ixt["p_value"].max()

# the three families with the largest share of each group's asks in the last window
last_prof = ix.profiles[ix.profiles["period"] == last_w]
top = {grp: ", ".join(FAMILY_LABEL[f] for f in q.nlargest(3, "profile_share")["skill_family"])
       for grp, q in last_prof.groupby("group")}

net_txt = ""
if net_titles is not None:
    net_txt = (f" The start-up openings of {NET_WINDOW} (network-jobs-data) give {cv.share_phrase(npm)} technical PMs "
               f"and {cv.share_phrase(npe)} product engineers — another population, shown for scale only.")
eng_rise = cmp_prod.ci_low > 0
display(Markdown(f"""
**Where the evidence says yes — titles.**

* *Product engineer* is {'a far more common' if title_cmp[pe_title].ci_low > 0 else 'not a detectably more common'} engineering title in 2026 than in 2015–2018 on HN:
  {cv.share_phrase(pooled.loc[('titled product engineer', '2015-2018')], digits=2)} of engineering roles in 2015–2018
  against {cv.share_phrase(hn_pe.loc['2026'])} in 2026 (difference {pe_cmp['change']}).
  The extracted titles put it at {cv.share_phrase(ex_pe.loc['2023'])} in 2023 and {cv.share_phrase(ex_pe.loc['2025'])}
  in 2025: the rise happened between the two HN stretches, seen through a different instrument.
* *Technical PM* titles: HN 2015–2018 {cv.share_phrase(pooled.loc[('technical PM title', '2015-2018')])},
  HN 2026 {cv.share_phrase(hn_pm.loc['2026'])} (difference {pm_cmp['change']}, p {'' if pm_cmp['p'].startswith('<') else '= '}{pm_cmp['p']});
  extracted titles {cv.share_phrase(ex_pm.loc['2023'])} in 2023 and {cv.share_phrase(ex_pm.loc['2025'])} in 2025
  ({'a rise' if ext_pm_fit.ci_low > 0 else 'no clear trend'} of {format_estimate(ext_pm_fit.estimate / 100, ext_pm_fit.ci_low / 100, ext_pm_fit.ci_high / 100, unit=' pp per year')}
  over 2022–2025). HN 2026 alone has only {int(hn_pm.loc['2026', 'n'])} PM roles
  {'and is not distinguishable from 2015–2018' if title_cmp[pm_title].ci_low <= 0 <= title_cmp[pm_title].ci_high else ''}.{net_txt}

**Where it says no — the skills asked.**

* The convergence index: {', '.join(f"{p} {format_estimate(ixt.loc[p, 'jsd'], ixt.loc[p, 'ci_low'], ixt.loc[p, 'ci_high'], scale=1, unit='', digits=2)}" for p in ixt.index)}.
  The closest window is {closest}; from 2015–2018 to 2026 the excess over the noise floor changed by
  {format_estimate(chg.estimate, chg.ci_low, chg.ci_high, scale=1, unit='', digits=2)}, and the slope across windows is
  {format_estimate(trend_w.estimate, trend_w.ci_low, trend_w.ci_high, scale=1, unit=' per year', digits=3)}
  — {'no trend that sampling could not produce' if no_trend else 'a trend beyond sampling noise'}.
  In every window the two profiles differ beyond the noise floor (largest p {cv.format_p(max_p)}). In {last_w} PM asks
  are led by {top[cv.PM_GROUP]}; engineers' by {top[cv.ENG_GROUP]} (profile figure).
* Engineers asked for a product skill: {cv.share_phrase(g.loc['2015-2018'])} of roles in 2015–2018 and
  {cv.share_phrase(g.loc['2026'])} in 2026{' — a modest rise' if eng_rise else ''}. Many of these matches are company
  descriptions ("our roadmap", "a data-driven company") rather than asks of the engineer; in roles with their own
  paragraph the shares are lower: {format_estimate(gm.loc['2012-2014', 'share'], gm.loc['2012-2014', 'ci_low'], gm.loc['2012-2014', 'ci_high'])}
  (2012–2014), {format_estimate(gm.loc['2015-2018', 'share'], gm.loc['2015-2018', 'ci_low'], gm.loc['2015-2018', 'ci_high'])} (2015–2018),
  {format_estimate(gm.loc['2026', 'share'], gm.loc['2026', 'ci_low'], gm.loc['2026', 'ci_high'])} (2026) — no steady climb.
* Low-code tools: {'no PM role asks for one in any HN window' if int(any_pm['successes'].sum()) == 0 else f"{int(any_pm['successes'].sum())} PM roles ask for one across the windows"}.
* Context: Software Development postings fell from {peak['series_value']:.0f} to {last['series_value']:.0f} (Feb 2020 = 100)
  while all postings stood at {last['reference_value']:.0f}; AI mentions climbed; federal PM announcements filed under IT
  series 2210 rose by {format_estimate(fit_usa.estimate / 100, fit_usa.ci_low / 100, fit_usa.ci_high / 100, unit=' pp')} a year
  (2017–2024). These set the scene; they do not measure convergence.

**How much weight this carries.**

* Small PM counts: the skill measures rest on {', '.join(f"{int(ixt.loc[p, 'pm_roles'])} ({p})" for p in ixt.index)} PM roles
  with own text; most PM roles share their post's text and are left out.
* The seven-year gap: there is no posting text between 2018-07 and 2025-12, the years in which AI tools,
  "product engineer" titles and low-code builders spread. The 2026 window is five months of one forum.
* The 2022–2025 titles are machine-extracted, with no text: they speak to titles, not to skills, and their
  role boundaries differ from the splitter's. They are shown beside, never joined to, the HN series.
* The skill tagger has been checked against hand labels for PM roles (report 03 and `make evaluate`), not for
  engineering roles; the product families catch company text in single-role posts.
* HN "Who is hiring?" posters are mostly US start-ups; none of this describes the labour market at large.
"""))

# %% [markdown]
# ## Closing note

# %%
idx_lines = "\n".join(
    f"| {p} | {format_estimate(t['jsd'], t['ci_low'], t['ci_high'], scale=1, unit='', digits=3)} | {t['noise_floor']:.3f} | "
    f"{format_estimate(t['excess'], t['excess_ci_low'], t['excess_ci_high'], scale=1, unit='', digits=3)} | "
    f"{int(t['pm_roles'])} / {int(t['eng_roles']):,} |"
    for p, t in ixt.iterrows()
)
title_lines = "\n".join(
    f"| {src} | {p} | {cv.share_phrase(a.loc[p])} | {cv.share_phrase(b.loc[p]) if p in b.index else 'n/a'} |"
    for src, a, b in ((SRC_HN, hn_pm, hn_pe), (SRC_EXT, ex_pm, ex_pe))
    for p in a.index
)
if net_titles is not None:
    title_lines += f"\n| {SRC_NET} | {NET_WINDOW} | {cv.share_phrase(npm)} | {cv.share_phrase(npe)} |"
display(Markdown(f"""
**Hybrid-title shares** (95% Wilson intervals, successes/roles):

| source | period | technical PM titles among PM roles | product engineers among engineering roles |
|---|---|---|---|
{title_lines}

**Convergence index per period** (Jensen–Shannon divergence of PM and engineering skill profiles, bits;
95% post-level bootstrap intervals; {ix.n_boot:,} replicates, seed {ix.seed}):

| period | index (95% CI) | noise floor | excess (95% CI) | PM / engineering roles |
|---|---|---|---|---|
{idx_lines}

Trend of the excess across windows: {format_estimate(trend_w.estimate, trend_w.ci_low, trend_w.ci_high, scale=1, unit=' per year', digits=3)}.

**Commands.** `make analysis` (fetch, build, render every report) or, step by step:
`TRENDLAB_MIRROR=/path/to/mirror trendlab fetch`, `trendlab build`, `trendlab report 04-convergence`.
Figures: `reports/figures/04-*.png`. Code: `trendlab/measure/convergence.py`; tests:
`pytest tests/test_convergence.py`.{' The skill tables were computed in this report with `trendlab.clean.skills` (no build stage produces them yet).' if tagged_here else ''}
"""))
