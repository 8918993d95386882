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
# # 01 — Data coverage: the Hacker News "Who is hiring?" corpus
#
# What the postings corpus holds, month by month and archive by archive: which months are
# missing or only partly covered, every record set aside and why, and how closely two
# independent archives agree on the text of the same post.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import trendlab
from trendlab import plots

plots.use_house_style()
pd.set_option("display.max_colwidth", 120)

postings = trendlab.load("postings")
quarantine = trendlab.load("postings_quarantine")
coverage = trendlab.load("postings_coverage")
report = trendlab.load("postings_report.json")
extracted = trendlab.load("roles_extracted")
extracted_cov = trendlab.load("roles_extracted_coverage")

ARCHIVES = ["hn-thread-pages", "hn-hiring-mapped", "hn-jobs-data"]
LABELS = {
    "hn-thread-pages": "thread pages (HTML)",
    "hn-hiring-mapped": "crawled JSON",
    "hn-jobs-data": "2026 crawl runs",
    "hackernews-whos-hiring": "extracted role titles (no text)",
}

# %% [markdown]
# ## The corpus in one table
#
# One row per archive. A posting is one top-level comment of a monthly thread; the same comment
# can sit in several archives, and the merged corpus keeps it once (by its HN comment id).

# %%
seen_in = postings["source"].str.split(";")
rows = []
for name in ARCHIVES:
    acc = report["accounting"][name]
    has = seen_in.apply(lambda s, n=name: n in s)
    months = coverage.loc[coverage["source"] == name, "month"]
    rows.append(
        {
            "archive": LABELS[name],
            "records read": acc["rows_in"],
            "kept as postings": acc["kept_by_reader"],
            "set aside": acc["quarantined_by_reader"],
            "in merged corpus": int(has.sum()),
            "only in this archive": report["alone"][name],
            "months": f"{months.min()} .. {months.max()} ({months.nunique()})",
        }
    )
rows.append(
    {
        "archive": "merged corpus",
        "records read": sum(report["accounting"][n]["rows_in"] for n in ARCHIVES),
        "kept as postings": len(postings),
        "set aside": len(quarantine),
        "in merged corpus": len(postings),
        "only in this archive": None,
        "months": f"{postings['month'].min()} .. {postings['month'].max()} ({postings['month'].nunique()})",
    }
)
summary = pd.DataFrame(rows).set_index("archive")
summary = summary.astype({c: "Int64" for c in summary.columns if c != "months"})
display(summary)
ok = all(
    report["accounting"][n]["rows_in"]
    == report["accounting"][n]["kept_by_reader"] + report["accounting"][n]["quarantined_by_reader"]
    for n in ARCHIVES
)
display(Markdown(
    f"Every record read is accounted for: records read = kept + set aside, for every archive "
    f"({'holds' if ok else 'DOES NOT HOLD'}). The merged corpus has **{len(postings):,} postings** "
    f"over **{postings['month'].nunique()} months**; "
    f"{extracted['posting_id'].nunique():,} further posts from 2022-12 to 2025-10 are known only "
    "by a machine-extracted role title, without their text."
))

# %% [markdown]
# ## Postings per month
#
# Postings per thread month in the merged corpus, and in each archive on its own. Open markers
# are months whose copy covers only part of the thread (see the next section). The years 2018-07 to
# 2025-12 have no posting text in the mirror: the lower panel shows the role titles that were
# extracted from those threads, a different and noisier measure, drawn separately.

# %%
months_all = plots.full_month_range("2012-01", "2026-05")
per_month = pd.DataFrame({"month": months_all})
for name in ARCHIVES:
    cnt = postings[seen_in.apply(lambda s, n=name: n in s)].groupby("month").size()
    per_month[name] = per_month["month"].map(cnt).astype(float)
per_month["merged"] = per_month["month"].map(postings.groupby("month").size()).astype(float)
partial_merged = postings.groupby("month")["partial_month"].all()
per_month["partial"] = per_month["month"].map(partial_merged).fillna(False).astype(bool)
ext_per_month = extracted.groupby("month")["posting_id"].nunique()

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7), height_ratios=[3, 1.4], sharex=True)
x = plots.month_index(per_month["month"])
for name in ARCHIVES:
    ax1.plot(x, per_month[name], lw=1.2, color=plots.SOURCE_COLORS[name], label=LABELS[name], alpha=0.85)
ax1.plot(x, per_month["merged"], lw=2.2, color="#222222", label="merged corpus")
p = per_month[per_month["partial"] & per_month["merged"].notna()]
ax1.scatter(plots.month_index(p["month"]), p["merged"], s=40, facecolor="white", edgecolor="#222222",
            zorder=5, label="partial month (merged)")
ax1.set_ylabel("postings per thread")
ax1.set_title("Hacker News 'Who is hiring?' postings per monthly thread")
ax1.legend(loc="upper left", ncols=2, fontsize=9)
ext = pd.DataFrame({"month": months_all})
ext["n"] = ext["month"].map(ext_per_month).astype(float)
ax2.bar(plots.month_index(ext["month"]), ext["n"], width=25, color=plots.SOURCE_COLORS["hackernews-whos-hiring"])
ax2.set_ylabel("posts")
ax2.set_title("Posts known only by an extracted role title (2022-12 .. 2025-10)", fontsize=10)
ax2.set_xlabel("thread month")
fig.tight_layout()
plots.save(fig, "01-postings-per-month")
plt.show()

# %% [markdown]
# ## Months missing or partly covered
#
# A month is **partial** when the copy we hold was taken before the thread finished filling
# (postings keep arriving for weeks) or holds only the first page of comments. The reason is read
# from each file itself: the comment count the page announces, a "more" link, how long after the
# thread opened the newest comment was posted. The merged corpus is partial in a month only when every
# archive's copy of it is.

# %%
cov = coverage.copy()
status = []
for m in months_all:
    here = cov[cov["month"] == m]
    n = per_month.loc[per_month["month"] == m, "merged"].iloc[0]
    if here.empty or pd.isna(n):
        ext_n = ext_per_month.get(m)
        status.append({"month": m, "status": "titles only" if ext_n else "no data",
                       "postings": 0, "archives": "", "reason": ""})
        continue
    full = here[~here["partial_month"].astype(bool)]
    st = "complete" if len(full) else "partial"
    reasons = "" if len(full) else "; ".join(
        f"{LABELS[r.source]}: {r.reason}" for r in here.itertuples() if isinstance(r.reason, str)
    )
    status.append({"month": m, "status": st, "postings": int(n),
                   "archives": ", ".join(LABELS[s] for s in here["source"]), "reason": reasons})
status = pd.DataFrame(status)
counts = status["status"].value_counts().reindex(["complete", "partial", "titles only", "no data"], fill_value=0)
display(counts.rename("months").to_frame())

# %%
display(Markdown("**Partial months of the merged corpus**, with the reason found in each file:"))
with pd.option_context("display.max_colwidth", None):
    display(status[status["status"] == "partial"][["month", "postings", "archives", "reason"]].set_index("month"))

# %%
def runs(months: pd.Series) -> str:
    """Collapse consecutive months into ranges for a compact listing."""
    per = pd.PeriodIndex(months, freq="M")
    out, start, prev = [], None, None
    for p in per:
        if start is None:
            start = prev = p
        elif p == prev + 1:
            prev = p
        else:
            out.append(str(start) if start == prev else f"{start} .. {prev}")
            start = prev = p
    if start is not None:
        out.append(str(start) if start == prev else f"{start} .. {prev}")
    return ", ".join(out)


nodata = status.loc[status["status"] == "no data", "month"]
titles = status.loc[status["status"] == "titles only", "month"]
display(Markdown(
    f"**No posting text** in the mirror for {len(nodata) + len(titles)} months: "
    f"{runs(pd.concat([nodata, titles]).sort_values())}. Of these, {len(titles)} months "
    f"({runs(titles)}) have machine-extracted role titles only. Users with internet can fill "
    "every month from 2011 on through the live Hacker News API route (`trendlab.sources.hn_api`)."
))

# %% [markdown]
# The per-archive view: how much of each thread each archive's copy holds.

# %%
arch = cov.pivot_table(index="month", columns="source", values="postings", aggfunc="sum")
flag = cov.pivot_table(index="month", columns="source", values="partial_month", aggfunc="max")
arch_view = arch.astype("Int64").astype("string")
for c in arch_view.columns:
    arch_view[c] = arch_view[c].where(~flag[c].fillna(False).astype(bool), arch_view[c] + " (partial)")
arch_view = arch_view.rename(columns=LABELS).fillna("—")
with pd.option_context("display.max_rows", None):
    display(arch_view)

# %% [markdown]
# The crawled JSON archive was mostly taken 1–5 days after each thread opened, so it holds a
# median of about 90% of what the saved pages hold for the same month; it still adds posts the pages
# lack (651 of them) and fills 2016-10, whose saved page was taken an hour after the thread opened.
#
# ## Records set aside, by reason
#
# Nothing is dropped silently. `reply-not-posting`: a reply to a posting, not a posting;
# `dead`, `flagged`, `deleted`: removed by Hacker News (a post removed in one archive is removed from
# the corpus even when an earlier crawl still held it); `duplicate`: a second copy of a comment already
# kept (across crawl runs, or across archives); `not-thread-posting`: a job story that is not a
# comment of the thread; `empty`, `unparsable`: no usable text.

# %%
q = quarantine.assign(archive=quarantine["source"].map(LABELS).fillna(quarantine["source"]))
by_reason = q.pivot_table(index="reason", columns="archive", values="record_id", aggfunc="size", fill_value=0)
by_reason["total"] = by_reason.sum(axis=1)
display(by_reason.sort_values("total", ascending=False))

# %%
examples = quarantine[quarantine["reason"].isin(["unparsable", "empty", "not-thread-posting"])]
display(examples.groupby("reason").head(2)[["source", "record_id", "reason", "detail"]].set_index("reason"))

# %% [markdown]
# ## Do independent archives agree on the same post?
#
# The thread pages and the crawled JSON were collected independently. For every comment id held
# by both, we compare the two texts after normalising case and whitespace.

# %%
agr = pd.DataFrame(report["agreement"])
agr = agr[agr["n"] > 0].copy()
agr["archive_a"] = agr["archive_a"].map(LABELS)
agr["archive_b"] = agr["archive_b"].map(LABELS)
agr["identical_share"] = (agr["identical_share"] * 100).round(2).astype(str) + "%"
display(agr.rename(columns={"n": "ids in both", "identical": "identical text",
                            "identical_share": "identical share",
                            "median_ratio": "median similarity (0-100)"}).set_index(["archive_a", "archive_b"]))
pair = pd.DataFrame(report["agreement"]).query("n > 0").iloc[0]
display(Markdown(
    f"Of **{int(pair['n']):,}** posts held by both, **{pair['identical_share']:.1%}** have identical text; "
    "the few that differ were edited by their posters between the two captures. The 2026 crawl "
    "runs cover different months and overlap neither archive."
))

# %% [markdown]
# ## The extracted role titles (2022-12 .. 2025-10)
#
# A separate archive holds one role title per post, extracted by a language model, without the
# post's text. It can count titles (how many PM roles, how many technical PMs) but not what a role
# asks for. Some of its months cover only the first days of the thread.

# %%
ec = extracted_cov.copy()
display(Markdown(
    f"{len(extracted):,} titles over {ec['month'].nunique()} months; partial months: "
    f"{', '.join(ec.loc[ec['partial'].astype(bool), 'month']) or 'none'}; months inside the range "
    f"without data: {', '.join(sorted(set(plots.full_month_range('2022-12', '2025-10')) - set(ec['month']))) or 'none'}."
))

# %% [markdown]
# ## What this corpus can and cannot say
#
# * Hacker News "Who is hiring?" threads are a **startup-heavy, English-language, self-selected**
#   sample of technology employers; they are not the labour market.
# * Posting text covers **2012-01 .. 2018-06** and **2026-01 .. 2026-05**. Nothing in between has
#   text in the mirror, so any comparison across that gap compares two windows, not a continuous series.
# * Partial months under-count postings (late posters are missing); shares computed within them are
#   still usable, but counts are not comparable with complete months.
# * `posted_at` is filled only where the archive has a real timestamp (the 2026 runs); dates of
#   the older posts are the thread month.
