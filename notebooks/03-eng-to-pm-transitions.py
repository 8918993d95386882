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
# # 03 — How often do engineers move into product management?
#
# How often a software engineer's next job is a product-management job, read from every career
# source the project holds: job-to-job transition tables, the yearly rate of engineer-to-PM moves
# per engineer-year with its trend, and the time from a first engineering job to a first PM job.
# The one dated source that records PM jobs is a small Belgian ICT cut of JobHop, so the answer
# rests on a few dozen moves and says so; a German cut without any PM occupation, an undated
# title graph, O*NET's related occupations, the Stack Overflow survey and the job postings are
# cross-checks, each with what it can and cannot say.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import trendlab
from trendlab import plots
from trendlab.fetch import status
from trendlab.measure import transitions as tr
from trendlab.registry import source

plots.use_house_style()
pd.set_option("display.max_colwidth", 200)

spells = trendlab.load("spells")
spells_quarantine = trendlab.load("spells_quarantine")
fam = tr.assign_role_families(spells)

JOBHOP = "career-paths-ict/jobhop"
KARRIEREWEGE = "career-paths-ict/karrierewege"
LABELS = {JOBHOP: "JobHop ICT cut (Belgium)", KARRIEREWEGE: "Karrierewege ICT cut (Germany)"}
ENG, PM = tr.ENGINEERING[0], tr.PRODUCT
ENG_LABEL, PM_LABEL = ENG.replace("_", " "), PM.replace("_", " ")
HIGHLIGHT, MUTED = plots.PALETTE[1], plots.PALETTE[0]

LEFT = [{"selector": "th, td", "props": [("text-align", "left"), ("vertical-align", "top")]}]
has_pm = fam.assign(pm=fam["role_family"].eq(PM)).groupby("source")["pm"].any()

# optional sources: used only when their files are already on this machine (no download here)
tg_ready = all(status(f) != "missing" for f in source("title-graph").files)
so_years = sorted(int(f.name[-8:-4]) for f in source("so-survey").files if status(f) != "missing")
onet_ready = status(source("onet").file("related_occupations.csv")) != "missing"
demand_tables, demand_missing = {}, []
for name in ("skill_flags", "roles"):  # the flags first: no need to read roles without them
    try:
        demand_tables[name] = trendlab.load(name)
    except KeyError:  # no build stage produces the table yet
        demand_missing.append(name)
        break
demand_ready = not demand_missing
missing_text = " and ".join(f"`{n}`" for n in demand_missing)

# %% [markdown]
# ## What each source can and cannot say
#
# Career sources answer "how often"; the others only say whether a route exists or how employers
# and developers describe it. A source that cannot see product-management jobs contributes no
# zero to the answer: it is marked "cannot say".

# %%
n_people = fam.groupby("source")["person_id"].nunique()
n_jobs = fam.groupby("source").size()
rows = [
    {
        "source": LABELS[JOBHOP],
        "what it records": f"{n_people[JOBHOP]:,} job seekers, {n_jobs[JOBHOP]:,} ICT jobs in order, "
        "with start and end quarters",
        "PM jobs visible": "yes ('ict product manager')" if has_pm[JOBHOP] else "no",
        "used here for": "transition table, dated rate per engineer-year and its trend, time to first PM job",
        "cannot say": "moves into or out of non-ICT jobs (filtered out of the cut); anyone who never "
        "registered with the Flemish employment service; occupations held by < 25 people (removed)",
    },
    {
        "source": LABELS[KARRIEREWEGE],
        "what it records": f"{n_people[KARRIEREWEGE]:,} job seekers, {n_jobs[KARRIEREWEGE]:,} ICT jobs in "
        "order, no dates",
        "PM jobs visible": "yes" if has_pm[KARRIEREWEGE] else "no: the cut holds no PM occupation at all",
        "used here for": "the moves out of engineering jobs, for comparison",
        "cannot say": "anything about engineer-to-PM moves (a count of 0 here is not a finding); "
        "when a move happened",
    },
    {
        "source": "title-graph 0.0.5 (title → next title)",
        "what it records": "weighted job-title → next-title pairs from undocumented career histories"
        + ("" if tg_ready else " — not on this machine (trendlab fetch title-graph)"),
        "PM jobs visible": "yes (as titles)",
        "used here for": "an undated cross-check of the engineering → PM share",
        "cannot say": "rates or trends (undated); people (a weight counts title pairs); who the "
        "histories describe or when",
    },
    {
        "source": "O*NET related occupations",
        "what it records": "for each occupation, up to 20 related occupations ranked by O*NET analysts",
        "PM jobs visible": "no PM code: product managers are filed under 11-2021 Marketing Managers",
        "used here for": "whether O*NET counts engineering occupations as related to the one holding PMs",
        "cannot say": "how often anyone moves: a static similarity list, not observed careers",
    },
    {
        "source": "Stack Overflow Developer Survey",
        "what it records": "yearly self-reported job types and years of professional coding"
        + (f" — years on this machine: {', '.join(map(str, so_years))}" if so_years
           else " — not in the data mirror and not downloaded (trendlab fetch so-survey)"),
        "PM jobs visible": "yes, 2016 onwards ('Product manager')",
        "used here for": "how many PM respondents code(d) professionally; how many hold both job types",
        "cannot say": "moves (one answer per year, not a career); it is a self-selected developer audience",
    },
    {
        "source": "Job postings (Hacker News roles)",
        "what it records": "PM roles and their requirement text"
        + ("" if demand_ready else f" — not built yet: {', '.join(demand_missing)}"),
        "PM jobs visible": "yes (classified role titles)",
        "used here for": "the share of PM roles asking for an engineering background",
        "cannot say": "whom employers hired; it is the demand side only",
    },
]
display(pd.DataFrame(rows).set_index("source").style.set_table_styles(LEFT))

# %% [markdown]
# ## The career records, every one accounted for
#
# Both career cuts come from one benchmark repository that kept only ICT occupations, people
# with at least three jobs and occupations held by at least 25 people. Each job is mapped to a
# role family through its ESCO occupation (`taxonomy/esco_role_families.csv`).

# %%
q_by_reason = (spells_quarantine.groupby("reason").size() if len(spells_quarantine)
               else pd.Series(dtype=int))
acc = pd.DataFrame({
    "people": n_people,
    "jobs kept": n_jobs,
    "jobs with a start quarter": fam.groupby("source")["dated"].sum().astype(int),
    "open-ended jobs (no end)": fam.groupby("source")["open_ended"].sum().astype(int),
    "records set aside by the reader": spells_quarantine.groupby("source").size()
    .reindex(n_jobs.index, fill_value=0) if len(spells_quarantine) else 0,
}).rename(index=LABELS)
display(acc.map(lambda v: f"{v:,}"))
display(Markdown(
    "The reader set aside no record: every row of both files became a job."
    if not len(spells_quarantine) else
    "Records set aside by the reader, by reason: "
    + ", ".join(f"{r} {n:,}" for r, n in q_by_reason.items()) + "."
))

# %%
by_family = fam.pivot_table(index="role_family", columns="source", values="seq", aggfunc="size",
                            fill_value=0)
shown = by_family.map(lambda v: f"{v:,}" if v else "none in the cut")
shown.index = shown.index.str.replace("_", " ")
display(shown.rename(columns=LABELS).rename_axis("role family"))
labels_in = (fam[fam["source"] == JOBHOP].groupby("role_family")["occupation_label"]
             .agg(lambda s: ", ".join(s.value_counts().index)))
display(Markdown(
    f"In JobHop, **{ENG_LABEL}** holds: {labels_in[ENG]}. **{PM_LABEL}** holds: {labels_in[PM]}. "
    f"The large *other* family is ICT support, networks, hardware and ICT sales and consulting "
    f"(led by {', '.join(labels_in['other'].split(', ')[:4])})."
))

# %% [markdown]
# ## The transition table
#
# Every pair of consecutive jobs of a person is one move, in the order the resume lists them,
# including a move to another job in the same family (software developer → web developer). Row
# shares answer "of the moves out of family X, what share go to Y", with Wilson 95% intervals.

# %%
moves = tr.consecutive_moves(fam)
table = tr.transition_table(moves)
shares = tr.transition_shares(table)
jh = shares[shares["source"] == JOBHOP]
matrix = jh.pivot_table(index="from_family", columns="to_family", values="count", aggfunc="sum",
                        fill_value=0).astype(int)
matrix["all moves out"] = matrix.sum(axis=1)
matrix = matrix.map("{:,}".format)
matrix.index = matrix.index.str.replace("_", " ")
matrix.columns = matrix.columns.str.replace("_", " ")
display(Markdown(f"**{LABELS[JOBHOP]}**: moves by the family of the job left (rows) and the "
                 "job taken (columns)"))
display(matrix.rename_axis(index="from", columns="to"))

# %%
head = tr.headline_cells(shares)
e2p = head[(head["source"] == JOBHOP) & (head["from_family"] == ENG)].iloc[0]
p2e = head[(head["source"] == JOBHOP) & (head["from_family"] == PM)].iloc[0]
eng_out = jh[jh["from_family"] == ENG]
stay = int(eng_out.loc[eng_out["to_family"] == ENG, "count"].sum())
leave_n = int(e2p["n"]) - stay
leave_lo, leave_hi = tr.wilson_interval(int(e2p["count"]), leave_n)
into_pm = jh[(jh["to_family"] == PM) & (jh["from_family"] != PM)]
from_eng_n = int(into_pm["count"].sum())
from_eng_lo, from_eng_hi = tr.wilson_interval(int(e2p["count"]), from_eng_n)
movers = moves[(moves["source"] == JOBHOP) & (moves["from_family"] == ENG) & (moves["to_family"] == PM)]
kw_eng = shares[(shares["source"] == KARRIEREWEGE) & (shares["from_family"] == ENG)]
other_origin = into_pm[into_pm["from_family"] != ENG].sort_values("count", ascending=False).iloc[0]
display(Markdown(f"""
**Engineering → product management (JobHop).** {int(e2p['count'])} of {int(e2p['n']):,} moves out of
an engineering job go to a product-management job:
**{tr.format_estimate(e2p['share'], e2p['ci_low'], e2p['ci_high'])}**. They are made by
{movers['person_id'].nunique()} different people. Counting only the {leave_n:,} moves that leave
engineering (leaving out the {stay:,} moves to another engineering job), the share is
{tr.format_estimate(int(e2p['count']) / leave_n, leave_lo, leave_hi)}.

**The reverse, product management → engineering.** {int(p2e['count'])} of {int(p2e['n'])} moves out of a
PM job go to an engineering job: {tr.format_estimate(p2e['share'], p2e['ci_low'], p2e['ci_high'])}
({int(p2e['count'])} moves against {int(e2p['count'])} the other way, out of a row of {int(p2e['n'])} moves
rather than {int(e2p['n']):,}).

**Where PMs come from.** Of the {from_eng_n} moves into a PM job, {int(e2p['count'])} come from engineering:
{tr.format_estimate(int(e2p['count']) / from_eng_n, from_eng_lo, from_eng_hi)} (moves from one PM job to
another left out). The largest origin besides engineering is the *{other_origin['from_family'].replace('_', ' ')}*
family ({int(other_origin['count'])} moves).

**Small numbers.** {int(e2p['count'])} moves is little: the interval on the headline share is
{100 * (e2p['ci_high'] - e2p['ci_low']):.1f} percentage points wide, and any split of these moves (by year, by
cohort) rests on a handful each.

**Karrierewege cannot answer this question**: its cut has no product-management occupation, so its
{int(kw_eng['count'].sum()):,} moves out of engineering jobs can only go elsewhere. They are shown below
for comparison, not as a zero.
"""))

# %%
row_view = shares[(shares["from_family"].isin([ENG, PM]))].copy()
row_view["to"] = row_view["to_family"].str.replace("_", " ")
row_view["moves"] = row_view["count"].astype(int).map("{:,}".format) + " of " + row_view["n"].astype(int).map("{:,}".format)
row_view["share (95% CI)"] = [tr.format_estimate(s, lo, hi) for s, lo, hi in
                              zip(row_view["share"], row_view["ci_low"], row_view["ci_high"], strict=True)]
row_view["source"] = row_view["source"].map(LABELS)
row_view["from"] = row_view["from_family"].str.replace("_", " ")
row_view["first"] = row_view["from_family"].ne(ENG)  # the engineering row first
display(row_view.sort_values(["source", "first", "count"], ascending=[True, True, False])
        .set_index(["source", "from", "to"])[["moves", "share (95% CI)"]])

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharex=False)
for ax, (frm, target) in zip(axes, [(ENG, PM), (PM, ENG)], strict=True):
    r = jh[jh["from_family"] == frm].sort_values("share")
    y = np.arange(len(r))
    share = r["share"].astype(float).to_numpy() * 100
    err = [share - r["ci_low"].astype(float).to_numpy() * 100, r["ci_high"].astype(float).to_numpy() * 100 - share]
    colors = [HIGHLIGHT if f == target else MUTED for f in r["to_family"]]
    ax.barh(y, share, color=colors, alpha=0.85)
    ax.errorbar(share, y, xerr=err, fmt="none", ecolor="#333333", elinewidth=1, capsize=3)
    ax.set_yticks(y, r["to_family"].str.replace("_", " "))
    for yi, (s, k, top) in enumerate(zip(share, r["count"].astype(int), share + err[1], strict=True)):
        ax.annotate(f"{s:.1f}% ({k})", (top, yi), xytext=(5, -3), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, (share + err[1]).max() * 1.3)
    ax.set_xlabel("share of moves (%), 95% Wilson interval")
    ax.set_title(f"Moves out of a {frm.replace('_', ' ')} job (n = {int(r['n'].iloc[0]):,})", fontsize=11)
fig.suptitle(f"{LABELS[JOBHOP]}: where the next job is (count in brackets)", fontweight="bold")
fig.tight_layout()
plots.save(fig, "03-transition-shares")
plt.show()

# %% [markdown]
# ## The dated rate: engineer-to-PM moves per engineer-year
#
# A share of moves depends on how often people change jobs at all. The rate below counts
# engineer-to-PM moves per year spent in an engineering job (person-time at quarter resolution,
# overlapping engineering jobs of one person counted once), by calendar year, with exact
# (Garwood) Poisson intervals. Only JobHop is dated. Jobs are put in start order; open-ended jobs
# end the quarter before the person's next job starts, a last open-ended job at the end of
# observation.

# %%
jobhop = fam[fam["source"] == JOBHOP]
GAP_QUARTERS = 8
obs_end = tr.observation_end_before_gap(jobhop["start"], min_gap_quarters=GAP_QUARTERS)
WHY = {
    "missing_dates": "a job without a start quarter (the person is set aside: the undated job could "
                     "sit anywhere in the sequence)",
    "person_has_undated_spell": "the other jobs of a person with an undated job",
    "after_observation_end": f"a job starting after {obs_end}",
    "overlapping_spell": "a job inside an earlier, longer job of the same person (concurrent)",
    "open_ended_final": "a last job without an end and no end of observation",
    "no_engineering_spell": "never held an engineering job: never at risk of an engineer-to-PM move",
    "pm_before_engineering": "held a PM job before the first engineering job: not PM-naive at entry",
}
late = int((jobhop["start"] > obs_end).sum())
dated = tr.prepare_dated_spells(jobhop, observation_end=obs_end)
rates = tr.engineer_pm_rates(dated)
MIN_PERSON_YEARS = 100
window = rates[rates["person_years"] >= MIN_PERSON_YEARS]
w0, w1 = int(window["year"].min()), int(window["year"].max())
contiguous = len(window) == w1 - w0 + 1
trend = tr.fit_rate_trend(window, overdispersion="X2_floor")
k_w, e_w = int(window["moves"].sum()), float(window["person_years"].sum())
pool_lo, pool_hi = tr.poisson_rate_interval(k_w, e_w)
PER = dict(scale=1000, unit=" per 1,000 engineer-years")
display(Markdown(f"""
**End of observation: {obs_end}.** The resumes were collected on a date the data do not state; {obs_end}
is the last start quarter before at least {GAP_QUARTERS // 4} years without any start{
f", after which {late} starts reappear in {jobhop.loc[jobhop['start'] > obs_end, 'start'].min()}–"
f"{jobhop['start'].max()}: those are treated as suspect and set aside (reason `after_observation_end` below)"
if late else ""}.

**Years used for the pooled rate and the trend: {w0}–{w1}**, every year with at least
{MIN_PERSON_YEARS} engineer-years of exposure{'' if contiguous else ' (not a contiguous run)'}. Earlier
and later years hold too few engineers to say anything on their own; they are left out of the figure
(grey in its exposure panel).

**Pooled rate {w0}–{w1}: {k_w} moves in {e_w:,.0f} engineer-years,
{tr.format_estimate(k_w / e_w, pool_lo, pool_hi, **PER)}**: roughly one engineer in
{1 / (k_w / e_w):,.0f} moves into product management in a given year.
"""))

# %%
view = rates.copy()
view["in window"] = view["person_years"] >= MIN_PERSON_YEARS
view["rate per 1,000 engineer-years (95% CI)"] = [
    tr.format_estimate(r, lo, hi, scale=1000, unit="") for r, lo, hi in
    zip(view["rate"], view["ci_low"], view["ci_high"], strict=True)]
view = view.rename(columns={"person_years": "engineer-years", "persons": "engineers"})
view["engineer-years"] = view["engineer-years"].map("{:,.1f}".format)
with pd.option_context("display.max_rows", None):
    display(view[view["in window"]].set_index("year")[
        ["engineers", "engineer-years", "moves", "rate per 1,000 engineer-years (95% CI)"]])
outside = rates[~rates["year"].between(w0, w1)]
spans = [f"{int(g['year'].min())}–{int(g['year'].max())}" if len(g) > 1 else str(int(g["year"].iloc[0]))
         for g in (outside[outside["year"] < w0], outside[outside["year"] > w1]) if len(g)]
display(Markdown(
    f"Outside the window ({' and '.join(spans)}): {int(outside['moves'].sum())} moves in "
    f"{outside['person_years'].sum():,.1f} engineer-years in all."
))

# %%
res = trend.result
grid = np.arange(w0, w1 + 1)
X = np.column_stack([np.ones(len(grid)), grid - trend.year0])
eta = X @ np.asarray(res.params)
se_eta = np.sqrt(np.einsum("ij,jk,ik->i", X, np.asarray(res.cov_params()), X))
fit_mid, fit_lo, fit_hi = (np.exp(eta) * 1000, np.exp(eta - 1.96 * se_eta) * 1000,
                           np.exp(eta + 1.96 * se_eta) * 1000)

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6.5), height_ratios=[3, 1.3])
mid = window["rate"].to_numpy() * 1000
top = window["ci_high"].to_numpy() * 1000
ax1.errorbar(window["year"], mid, yerr=[mid - window["ci_low"].to_numpy() * 1000, top - mid], fmt="o", ms=5,
             color=HIGHLIGHT, elinewidth=0.9, capsize=2, label="yearly rate, exact 95% interval")
ax1.plot(grid, fit_mid, color="#222222", lw=2, label="Poisson GLM trend, 95% band")
ax1.fill_between(grid, fit_lo, fit_hi, color="#222222", alpha=0.12, lw=0)
ax1.set_ylim(0, top.max() * 1.05)
ax1.set_xlim(w0 - 1, w1 + 1)
ax1.set_ylabel("moves per 1,000 engineer-years")
ax1.set_title(f"{LABELS[JOBHOP]}: engineer → PM moves per 1,000 engineer-years, {w0}–{w1}")
ax1.legend(loc="upper right", fontsize=9)
ax2.bar(rates["year"], rates["person_years"], color=[MUTED if w0 <= y <= w1 else "#b0b0b0" for y in rates["year"]],
        width=0.8)
ax2.axhline(MIN_PERSON_YEARS, color="#555555", lw=0.8, ls="--")
ax2.annotate(f"{MIN_PERSON_YEARS} engineer-years: years below (grey) are left out above", (rates["year"].min(),
             MIN_PERSON_YEARS * 1.15), fontsize=8, color="#555555")
ax2.set_ylabel("engineer-years")
ax2.set_xlabel("calendar year of the move")
fig.tight_layout()
plots.save(fig, "03-rate-per-engineer-year")
plt.show()

# %%
sens, sens_flat = [], []
for label, w in ((f"{w0}–{w1} (years with ≥ {MIN_PERSON_YEARS} engineer-years; main)", window),
                 ("1995–2016 (the densest years of the cut)", rates[rates["year"].between(1995, 2016)]),
                 (f"all years {int(rates['year'].min())}–{int(rates['year'].max())}", rates[rates["person_years"] > 0])):
    f = tr.fit_rate_trend(w, overdispersion="X2_floor")
    sens_flat.append(f.ci_low <= 1 <= f.ci_high)
    sens.append({"years": label, "moves": int(w["moves"].sum()),
                 "rate ratio per year (95% CI)": tr.format_estimate(f.estimate, f.ci_low, f.ci_high, scale=1,
                                                                    unit="", digits=3),
                 "change per decade": f"{100 * (f.estimate ** 10 - 1):+.0f}%",
                 "p": f"{f.p_value:.2f}", "Pearson χ²/df": f"{f.dispersion:.2f}"})
display(pd.DataFrame(sens).set_index("years"))
trend_flat = trend.ci_low <= 1 <= trend.ci_high
display(Markdown(f"""
**Trend.** A Poisson regression of yearly moves on calendar year with log engineer-years as offset gives
a rate ratio of **{tr.format_estimate(trend.estimate, trend.ci_low, trend.ci_high, scale=1, unit='', digits=3)}
per year** (p = {trend.p_value:.2f}){
f': no detectable change over {w0}–{w1}. The interval still allows anything from a '
f'{100 * (1 - trend.ci_low ** 10):.0f}% fall to a {100 * (trend.ci_high ** 10 - 1):.0f}% rise per decade, so '
'"no trend" here means "too few moves to see one", not "stable"'
if trend_flat else
f': the rate {"falls" if trend.estimate < 1 else "rises"} by {abs(100 * (trend.estimate ** 10 - 1)):.0f}% per decade '
f'(95% CI {100 * abs(trend.ci_low ** 10 - 1):.0f}%–{100 * abs(trend.ci_high ** 10 - 1):.0f}%)'}. {
f'The counts are not overdispersed (Pearson χ²/df = {trend.dispersion:.2f}), so Poisson variance is used.'
if trend.dispersion <= 1 else
f'The counts are overdispersed (Pearson χ²/df = {trend.dispersion:.2f}): the interval is widened by that factor.'}
{'The other year windows give the same reading.' if all(sens_flat) == trend_flat and len(set(sens_flat)) == 1
 else 'The reading depends on the years chosen: see the table.'}

*Method:* {trend.method}.
"""))

# %%
seq_moves = movers[["source", "person_id"]].value_counts().rename("in_sequence").reset_index()
dated_moves = tr.engineer_pm_moves(dated)
dated_n = dated_moves[["source", "person_id"]].value_counts().rename("dated").reset_index()
rec = seq_moves.merge(dated_n, on=["source", "person_id"], how="outer").fillna(0)
lost_people = rec[rec["dated"] < rec["in_sequence"]].merge(dated.dropped_persons, on=["source", "person_id"], how="left")
gained = int((rec["dated"] - rec["in_sequence"]).clip(lower=0).sum())
lost = int((rec["in_sequence"] - rec["dated"]).clip(lower=0).sum())
reasons = lost_people["reason"].fillna("order changed").value_counts()
display(Markdown(f"""
**From {len(movers)} moves to {len(dated_moves)}.** The transition table counts {len(movers)} engineer-to-PM
moves in resume order; the dated analysis finds {len(dated_moves)}. {lost} are lost with the people set
aside ({'; '.join(f'`{r}` {n}' for r, n in reasons.items())}; reasons in the table further down) and {gained}
{'appears' if gained == 1 else 'appear'} where removing a concurrent job, or putting jobs in start order,
makes a PM job follow an engineering job directly. {'All' if k_w == len(dated_moves) else k_w} of the
{len(dated_moves)} fall in {w0}–{w1}.
"""))

# %% [markdown]
# ## Time from a first engineering job to a first PM job
#
# Each person's clock starts with their first engineering job. The event is the start of their
# first PM job after that, directly or after other jobs; people without one are censored at the
# last quarter their resume covers. Kaplan–Meier gives the share who have had a PM job by each
# year since entry (with log(−log) 95% intervals); a Cox model compares entry cohorts.

# %%
persons, not_at_risk = tr.time_to_pm(dated)
km = tr.kaplan_meier(persons["duration"], persons["event"])
lo_y, hi_y = int(persons["entry_year"].min()), int(persons["entry_year"].max())
EDGES = [lo_y, *(y for y in (1990, 2000, 2010) if lo_y < y <= hi_y), hi_y + 1]  # decades of entry
cohort_labels = [f"{a}-{b - 1}" for a, b in zip(EDGES[:-1], EDGES[1:], strict=True)]
persons = persons.assign(cohort=pd.cut(persons["entry_year"], bins=EDGES, right=False, labels=cohort_labels))
cox = tr.cox_by_entry_cohort(persons, edges=EDGES)

at = []
for t in (2, 5, 10, 15, 20):
    row = km.table[km.table["time"] <= t].iloc[-1]
    at.append({"years since first engineering job": t, "still at risk": f"{int((persons['duration'] >= t).sum()):,}",
               "had a PM job (95% CI)": tr.format_estimate(1 - row["survival"], 1 - row["ci_high"],
                                                          1 - row["ci_low"])})
display(pd.DataFrame(at).set_index("years since first engineering job"))
ten = km.table[km.table["time"] <= 10].iloc[-1]
display(Markdown(f"""
**{km.n:,} people** held an engineering job before any PM job; **{km.events}** of them later
took a PM job (any time after, not only as the next job, which is why this is more than the
{len(dated_moves)} direct moves). Ten years after their first engineering job,
**{tr.format_estimate(1 - ten['survival'], 1 - ten['ci_high'], 1 - ten['ci_low'])}** had held a PM job. {
'The median time is not reached: most engineers in these resumes never take a PM job while observed.'
if np.isnan(km.median) else f'Half had done so after {km.median:.1f} years.'}
"""))

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3), sharey=True)
t = np.r_[0, km.table["time"].to_numpy()]
inc = np.r_[0, 1 - km.table["survival"].to_numpy()] * 100
lo_b = np.r_[0, 1 - km.table["ci_high"].to_numpy()] * 100
hi_b = np.r_[0, 1 - km.table["ci_low"].to_numpy()] * 100
ax1.step(t, inc, where="post", color=HIGHLIGHT, lw=2, label="Kaplan–Meier")
ax1.fill_between(t, lo_b, hi_b, step="post", color=HIGHLIGHT, alpha=0.18, lw=0, label="95% interval")
ax1.set_xlabel("years since first engineering job")
ax1.set_ylabel("had a PM job (%)")
ax1.set_title(f"All entrants (n = {km.n:,}, {km.events} PM jobs)", fontsize=11)
ax1.legend(loc="upper left", fontsize=9)
for c, color in zip(cohort_labels, [plots.PALETTE[i] for i in (0, 1, 2, 5, 4, 6)], strict=False):
    g = persons[persons["cohort"] == c]
    if g["event"].sum() == 0:
        continue
    k = tr.kaplan_meier(g["duration"], g["event"])
    ax2.step(np.r_[0, k.table["time"]], np.r_[0, 1 - k.table["survival"]] * 100, where="post", color=color,
             lw=1.6, label=f"entered {c} (n = {k.n}, {k.events} PM)")
ax2.set_xlabel("years since first engineering job")
ax2.set_title("By entry cohort", fontsize=11)
ax2.legend(loc="upper left", fontsize=8)
fig.suptitle(f"{LABELS[JOBHOP]}: time from first engineering job to first PM job", fontweight="bold")
fig.tight_layout()
plots.save(fig, "03-time-to-first-pm-job")
plt.show()

# %%
ev = persons.groupby("cohort", observed=False).agg(people=("event", "size"), pm_jobs=("event", "sum"))
ct = cox.table.reindex(cohort_labels)
ct["hazard ratio (95% CI)"] = [
    "reference" if pd.isna(h) else tr.format_estimate(h, lo, hi, scale=1, unit="", digits=2)
    for h, lo, hi in zip(ct["hazard_ratio"], ct["ci_low"], ct["ci_high"], strict=True)]
ct["p"] = ct["p_value"].map(lambda p: "" if pd.isna(p) else f"{p:.2f}")
display(ev.join(ct[["hazard ratio (95% CI)", "p"]]).rename_axis("entry cohort")
        .rename(columns={"pm_jobs": "PM jobs"}))
differ = ct[(ct["ci_low"] > 1) | (ct["ci_high"] < 1)]
display(Markdown(f"""
Against people who entered engineering in {cohort_labels[0]}, {
'no later cohort moves into product management at a clearly different pace: every interval includes 1'
if differ.empty else
'the cohort(s) ' + ', '.join(differ.index) + ' move at a different pace (interval excluding 1)'}; the
cohorts rest on {', '.join(str(int(x)) for x in ev['pm_jobs'])} PM jobs. Later cohorts are followed for fewer years, which
the Cox model allows for; it assumes the cohort effect is constant over time, which so few events
cannot check. *Method:* {cox.method}.
"""))

# %% [markdown]
# ## Every person and job left out, with its reason
#
# The dated analyses use JobHop only. Each rule below sets jobs or people aside; nothing else is
# dropped.

# %%
drop_spells = dated.dropped_spells.groupby("reason").size()
drop_people = dated.dropped_persons.groupby("reason").size()
risk_people = not_at_risk.groupby("reason").size()
ledger = pd.DataFrame({
    "jobs set aside": drop_spells,
    "people set aside (once, under their first reason)": pd.concat([drop_people, risk_people]),
}).fillna(0).astype(int)
ledger["step"] = ["dated jobs" if r in drop_spells.index or r in drop_people.index else "time to first PM job"
                  for r in ledger.index]
ledger["meaning"] = ledger.index.map(WHY)
display(ledger.rename_axis("reason")[["step", "jobs set aside", "people set aside (once, under their first reason)",
                                      "meaning"]].style.format("{:,}", subset=["jobs set aside",
                                      "people set aside (once, under their first reason)"]).set_table_styles(LEFT))
jobs_ok = len(dated.spells) + len(dated.dropped_spells) == len(jobhop)
people_ok = dated.persons_in == len(persons) + len(dated.dropped_persons) + len(not_at_risk)
display(Markdown(
    f"Jobs: {len(jobhop):,} in = {len(dated.spells):,} used + {len(dated.dropped_spells):,} set aside "
    f"({'holds' if jobs_ok else 'DOES NOT HOLD'}). People: {dated.persons_in:,} in = {len(persons):,} at risk "
    f"+ {len(dated.dropped_persons):,} set aside with all their jobs + {len(not_at_risk):,} never at risk "
    f"({'holds' if people_ok else 'DOES NOT HOLD'}). Dated jobs whose end was filled in: "
    + ", ".join(f"{n:,} {r.replace('_', ' ')}" for r, n in dated.spells["end_rule"].value_counts().items()
                if r != "given") + "."
))

# %% [markdown]
# ## Cross-check: the title graph (undated)
#
# `title-graph` 0.0.5 is a graph of job titles in which an edge *a → b* counts how often title *b*
# followed title *a* in career histories whose origin, population and dates the author does not
# document. Titles are classified with the project's title rules (exact, rule and fuzzy matches);
# title → same title edges repeat a title rather than change job and are left out. A weight
# counts title pairs, not people, so the shares have no meaningful sampling interval: they say
# whether the route exists and roughly how common it is, nothing more.

# %%
if tg_ready:
    from trendlab.clean.titles import classify_titles
    from trendlab.sources import title_graph

    tg = title_graph.load()
    edges = tg.frame
    titles = pd.Series(pd.unique(pd.concat([edges["from_title"], edges["to_title"]])), dtype="string")
    cls = classify_titles(titles)
    family_of = dict(zip(titles, cls["role_family"], strict=True))
    tg_table = tr.title_family_transitions(edges, lambda s: s.map(family_of))
    tg_head = tr.headline_cells(tr.transition_shares(tg_table))
    te, tp = tg_head.iloc[0], tg_head.iloc[1]
    named = edges.assign(a=edges["from_title"].map(family_of), b=edges["to_title"].map(family_of))
    named = named[named["from_title"] != named["to_title"]]
    top = named[(named["a"] == ENG) & (named["b"] == PM)].nlargest(8, "count")
    lead = named[(named["a"] == ENG) & (named["b"] == PM)].groupby("from_title")["count"].sum().nlargest(1)
    lead_out = int(named.loc[named["from_title"] == lead.index[0], "count"].sum())
    other_w = named.loc[(named["a"] == "other") | (named["b"] == "other"), "count"].sum() / named["count"].sum()
    display(Markdown(f"""
{len(titles):,} titles, {len(edges):,} edges ({len(tg.quarantine)} set aside by the reader); self-loop weight
{tg_table.attrs['self_loop_count']:,} left out. {cls['match_method'].eq('none').sum():,} titles match no rule and
count as *other*, so {100 * other_w:.0f}% of the remaining weight has an unclassified end.

**Engineering title → PM title:** {int(te['count']):,} of {int(te['n']):,} weighted moves out of engineering
titles ({100 * te['share']:.1f}%). **PM title → engineering title:** {int(tp['count']):,} of {int(tp['n']):,}
({100 * tp['share']:.1f}%). {
'As in JobHop, a larger share of the small PM row goes back to engineering than of the engineering row goes to PM'
if (tp['share'] > te['share']) == (p2e['share'] > e2p['share']) else
'Unlike JobHop, the shares of the two directions are ordered the other way'}, here in an unrelated, undated and
differently classified source. The largest
single engineering title behind these moves is "{lead.index[0]}" ({int(lead.iloc[0])} of {int(te['count'])});
without it the share is {100 * (int(te['count']) - int(lead.iloc[0])) / (int(te['n']) - lead_out):.1f}%. Which titles
count as engineering matters as much as the data here.
"""))
    display(top.rename(columns={"from_title": "from title", "to_title": "to title", "count": "weight"})
            .set_index("from title")[["to title", "weight"]])
else:
    display(Markdown(
        "**Not available on this machine.** The title graph ships inside the PyPI package "
        "`title-graph==0.0.5`; `trendlab fetch title-graph` downloads the sha256-pinned sdist, then "
        "`make analysis` re-renders this report with the section filled in."
    ))

# %% [markdown]
# ## Cross-check: O*NET related occupations (static)
#
# O*NET lists, for each occupation, the occupations its analysts judge most related. It is a
# similarity list, not observed moves, and it has no product-manager occupation: product managers
# are filed under 11-2021 Marketing Managers, a code that cannot be told apart from marketing.

# %%
if onet_ready:
    from trendlab.sources import onet

    rel = onet.load_related_occupations()
    codes = tr.onet_code_families()
    r = rel.frame
    from_family = r["soc_code"].map(codes).fillna(r["soc_code"].str.split(".").str[0].map(codes)).fillna("other")
    eng_links = r[from_family == ENG]
    to_mkt = eng_links[eng_links["related_soc_code"].str.startswith("11-2021")]
    mkt = r[r["soc_code"].str.startswith("11-2021")]
    mkt_family = mkt["related_soc_code"].map(codes).fillna(
        mkt["related_soc_code"].str.split(".").str[0].map(codes)).fillna("other")
    links = (tr.onet_related_transitions(r, codes).query("from_family == @ENG")
             .assign(to=lambda d: d["to_family"].str.replace("_", " "))
             .sort_values("count", ascending=False).set_index("to")[["count"]]
             .rename(columns={"count": "links from engineering occupations"}))
    display(links)
    onet_reading = (
        "In O\\*NET's judgement the occupation that holds product managers is a marketing and sales "
        "neighbour, not an engineering one, which says more about how O\\*NET files PMs than about careers."
        if len(to_mkt) == 0 and int((mkt_family == ENG).sum()) == 0 else
        "O\\*NET links the two, but since 11-2021 is mostly marketing the link says little about PMs.")
    display(Markdown(f"""
{len(r):,} related-occupation links ({len(rel.quarantine)} set aside by the reader). The
{eng_links['soc_code'].nunique()} O\\*NET occupations the taxonomy counts as engineering have
{len(eng_links):,} links; **{len(to_mkt)} of them point to 11-2021 Marketing Managers**, and of Marketing
Managers' own {len(mkt)} related occupations, **{int((mkt_family == ENG).sum())} are engineering
occupations**. {onet_reading}
"""))
else:
    display(Markdown("**Not available on this machine:** `trendlab fetch onet`."))

# %% [markdown]
# ## Cross-check: the Stack Overflow Developer Survey
#
# A yearly cross-section, not careers: it cannot show moves, but it can say how many respondents
# who call themselves product managers have coded professionally, and (2017–2022, when several job
# types could be picked) how many give both an engineering and a PM job type.

# %%
if so_years:
    from trendlab.sources import so_survey

    loaded = so_survey.load(years=so_years)
    survey = loaded.frame
    coding = tr.survey_pm_coding_shares(survey)
    dual = tr.survey_dual_role_shares(survey)
    both = pd.concat([coding, dual], ignore_index=True)
    both["share (95% CI)"] = [tr.format_estimate(s, lo, hi) for s, lo, hi in
                              zip(both["share"], both["ci_low"], both["ci_high"], strict=True)]
    display(both.set_index(["measure", "period"])[["successes", "n", "excluded", "share (95% CI)"]])
    held = loaded.quarantine.groupby("reason").size()
    display(Markdown(
        f"Years read: {', '.join(map(str, so_years))}; {len(survey):,} respondents kept, "
        f"{len(loaded.quarantine):,} set aside"
        + (" (" + ", ".join(f"{r} {n:,}" for r, n in held.items()) + ")" if len(held) else "")
        + ". `excluded` counts PM respondents (first measure) or respondents (second) without an answer "
        "to the question, or in years that did not ask it."
    ))
else:
    display(Markdown(
        "**The survey was not available.** The Stack Overflow Developer Survey archives are not in the "
        "data mirror and none has been downloaded on this machine. `trendlab fetch so-survey` downloads "
        "the yearly archives (2011–2025) from survey.stackoverflow.co; `make analysis` then "
        "fills in this section."
    ))

# %% [markdown]
# ## The demand side: PM roles asking for an engineering background
#
# From the job postings: of the product-management roles whose requirement text is known, the share
# that requires (or prefers) an engineering background — a computer-science or engineering degree,
# years as a software engineer, a former engineer, a technical background, reading code (skill
# family `eng_background` of the skill taxonomy). This is the skill tagger's reading of each PM
# role's own text, the same instrument as the per-family shares of report 02 and, like them,
# uncorrected. Report 02's "engineering background required" comes from the post labeller, which
# applies the labelling guide's stricter rule (a degree or prior engineering work; "technical
# skills" alone are not a background) over all PM roles, and is the one scored against hand labels.

# %%
if demand_ready:
    demand = tr.pm_engineering_background_shares(demand_tables["roles"], demand_tables["skill_flags"])
    demand["share (95% CI)"] = [tr.format_estimate(s, lo, hi) for s, lo, hi in
                                zip(demand["share"], demand["ci_low"], demand["ci_high"], strict=True)]
    wide = demand.pivot_table(index="period", columns="measure", values="share (95% CI)", aggfunc="first")
    counts = demand.groupby("period")[["n", "excluded"]].first()
    display(counts.rename(columns={"n": "PM roles with text", "excluded": "PM roles left out"}).join(wide)
            .rename_axis("year"))
    why = demand.attrs["excluded_reasons"]
    display(Markdown(
        f"PM roles left out: {why['no_requirement_text']:,} without requirement text, "
        f"{why['no_flags_row']:,} without a skill-flags row."
    ))
    fig, ax = plt.subplots(figsize=(10, 4))
    for i, ((m, g), color) in enumerate(zip(demand.groupby("measure", sort=True), (HIGHLIGHT, MUTED),
                                            strict=False)):
        x = g["period"].astype(int).to_numpy() + (i - 0.5) * 0.18  # side by side, not on top
        mid = g["share"].astype(float).to_numpy() * 100
        err = [mid - g["ci_low"].astype(float).to_numpy() * 100, g["ci_high"].astype(float).to_numpy() * 100 - mid]
        small = g["n"].to_numpy() < 30
        for sel, face in ((~small, color), (small, "white")):
            ax.errorbar(x[sel], mid[sel], yerr=[err[0][sel], err[1][sel]], fmt="o", ms=5, mfc=face, mec=color,
                        ecolor=color, elinewidth=0.9, capsize=2, label=m if face == color else None)
    ax.set_ylim(bottom=0)
    seen = demand["period"].astype(int)
    gap = sorted(set(range(seen.min(), seen.max() + 1)) - set(seen))
    ax.set_xlabel("year of the posting" + (f" (no PM roles with text in {gap[0]}–{gap[-1]})"
                                           if gap and len(gap) == gap[-1] - gap[0] + 1
                                           else f" (none in {', '.join(map(str, gap))})" if gap else ""))
    ax.set_ylabel("share of PM roles (%)")
    ax.set_title("PM roles asking for an engineering background, 95% Wilson intervals (hollow: < 30 roles)")
    ax.legend(loc="upper right", fontsize=9)
    fig.tight_layout()
    plots.save(fig, "03-pm-roles-engineering-background")
    plt.show()
else:
    display(Markdown(
        "**Not yet available.** This section reads the `roles` and `skill_flags` tables; the build "
        f"does not produce {missing_text} yet. Once it does, "
        "`make analysis` fills it in."
    ))

# %% [markdown]
# ## What this can and cannot say

# %%
display(Markdown(f"""
* **How often:** in the Belgian ICT resumes, {tr.format_estimate(e2p['share'], e2p['ci_low'], e2p['ci_high'])}
  of moves out of an engineering job lead to a PM job — about
  {tr.format_estimate(k_w / e_w, pool_lo, pool_hi, **PER)} — and about
  {100 * (1 - ten['survival']):.1f}% of engineers have held a PM job ten years after their first engineering job.
  The reverse route exists too ({int(p2e['count'])} PM → engineering moves).
* **Trend:** {'none detectable' if trend_flat else 'a rate ratio of ' + f'{trend.estimate:.3f} per year'} over
  {w0}–{w1}; with {k_w} moves the data could hide a sizeable change.
* **Small numbers:** everything rests on {int(e2p['count'])} direct moves by {movers['person_id'].nunique()} people
  and {km.events} first PM jobs. Splits by year or cohort are a handful of events each.
* **Who:** job seekers registered with the Flemish public employment service, ICT jobs only. Moves through
  a non-ICT job are invisible (the jobs either side look consecutive), and PMs who came from outside ICT
  are missing.
* **Not answered by:** the German Karrierewege cut (no PM occupation), O\\*NET (no PM code; a similarity
  list), the title graph (undated, unknown provenance: it only shows the route exists{
  f", {100 * te['share']:.1f}% of its engineering-title moves" if tg_ready else ", and it is not on this machine"}){
  '' if so_years else ', the Stack Overflow survey (not downloaded)'}{'' if demand_ready else f', the postings ({missing_text} not built yet)'}.
* **Would change the answer:** the full JobHop and Karrierewege datasets (registry sources `jobhop`,
  `karrierewege`; not in the mirror) without the ICT filter and with many more people.
"""))
