"""How far two independent readings of the same development posts agree.

Posts of the newest blind draw were each labelled twice, by two readers working apart from each
other and from the software. Both readings are kept in ``readings.csv`` (ids and labels only);
where they differ, a third reading against the rules of ``LABELLING.md`` settled the label that
``devset.csv`` holds. The agreement between the two readings bounds what any labeller can be
shown to reach on these posts: when careful readers disagree on a post, the "truth" a labeller is
scored against is itself uncertain there.

Agreement is Cohen's kappa: the observed share of posts on which the readers agree, corrected for
the agreement two readers with the same label frequencies would reach by chance,
``kappa = (p_o - p_e) / (1 - p_e)`` (Cohen 1960). The PM measures are compared over the posts
both readers call PM posts, the population on which they are defined.

Examples
--------
>>> import pandas as pd
>>> round(cohen_kappa(pd.Series([1] * 25 + [0] * 25), pd.Series([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)), 3)
0.4
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from trendlab import config

READINGS = config.PACKAGE_DIR / "evaluation" / "readings.csv"
READERS = ("first", "second")
LABELS = (
    "is_pm_role", "pm_requires_technical", "pm_prefers_technical", "pm_requires_eng_background",
    "pm_requirements_stated",
)
READING_COLUMNS = ["posting_id", "reader", *LABELS]


def cohen_kappa(a: pd.Series, b: pd.Series) -> float:
    """Cohen's kappa of two aligned 0/1 readings (NaN when chance agreement is total).

    Examples
    --------
    >>> cohen_kappa(pd.Series([1, 0, 1, 0]), pd.Series([1, 0, 1, 0]))
    1.0
    >>> cohen_kappa(pd.Series([1, 1, 0, 0]), pd.Series([1, 0, 1, 0]))
    0.0
    """
    x = a.astype(int).to_numpy()
    y = b.astype(int).to_numpy()
    if len(x) != len(y):
        raise ValueError(f"readings differ in length: {len(x)} and {len(y)}")
    n = len(x)
    if n == 0:
        return math.nan
    p_o = float((x == y).mean())
    p1, q1 = x.mean(), y.mean()
    p_e = float(p1 * q1 + (1 - p1) * (1 - q1))
    return math.nan if p_e == 1.0 else (p_o - p_e) / (1 - p_e)


def read_readings(path: Path | str = READINGS) -> pd.DataFrame:
    """The two readings as text columns, checked: known readers, 0/1 labels, each post read by both.

    Raises
    ------
    ValueError
        A column is missing, a reader or label value is not one expected (the message names the
        row), a post is read twice by one reader, or a post lacks one of the readings.
    """
    path = Path(path)
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in READING_COLUMNS if c not in d.columns]
    if missing:
        raise ValueError(f"{path}: column(s) {missing} missing; expected {READING_COLUMNS}")
    for i, r in enumerate(d.itertuples(index=False), start=2):
        if r.reader not in READERS:
            raise ValueError(f"{path}, line {i}: reader {r.reader!r}; expected one of {list(READERS)}")
        allowed = {"0", "1"} if r.is_pm_role == "1" else {""}
        if r.is_pm_role not in {"0", "1"}:
            raise ValueError(f"{path}, line {i}: is_pm_role {r.is_pm_role!r}; expected 0 or 1")
        for col in LABELS[1:]:
            if getattr(r, col) not in allowed:
                want = "0 or 1" if r.is_pm_role == "1" else "empty (not a PM post)"
                raise ValueError(f"{path}, line {i}: {col} {getattr(r, col)!r}; expected {want}")
    dup = d[d.duplicated(["posting_id", "reader"])]
    if len(dup):
        raise ValueError(f"{path}: post {dup.iloc[0]['posting_id']} read twice by the {dup.iloc[0]['reader']} reader")
    counts = d.groupby("posting_id")["reader"].nunique()
    alone = counts[counts < len(READERS)]
    if len(alone):
        raise ValueError(f"{path}: {len(alone)} post(s) have one reading only, e.g. {alone.index[:3].tolist()}")
    return d


def reader_agreement(readings: pd.DataFrame) -> pd.DataFrame:
    """Agreement of the first and second readings, per label.

    Returns
    -------
    DataFrame
        One row per label: ``label, population, n, both_1, first_only, second_only, both_0,
        agreement`` (observed share) and ``kappa``. ``is_pm_role`` over every post read twice;
        the PM labels over the posts both readers call PM posts.

    Examples
    --------
    >>> r = pd.DataFrame({"posting_id": ["a", "a", "b", "b"], "reader": ["first", "second"] * 2,
    ...                   "is_pm_role": ["1", "1", "0", "1"]})
    >>> reader_agreement(r)[["label", "n", "both_1", "second_only", "agreement"]].to_dict("records")
    [{'label': 'is_pm_role', 'n': 2, 'both_1': 1, 'second_only': 1, 'agreement': 0.5}]
    """
    wide = readings.pivot(index="posting_id", columns="reader")
    both_pm = wide[("is_pm_role", "first")].eq("1") & wide[("is_pm_role", "second")].eq("1")
    rows = []
    for label in [c for c in LABELS if c in readings.columns]:
        sel = both_pm if label != "is_pm_role" else pd.Series(True, index=wide.index)
        a = wide.loc[sel, (label, "first")].astype(int)
        b = wide.loc[sel, (label, "second")].astype(int)
        rows.append({
            "label": label,
            "population": "posts both readers call PM posts" if label != "is_pm_role" else "all posts read twice",
            "n": int(sel.sum()),
            "both_1": int(((a == 1) & (b == 1)).sum()),
            "first_only": int(((a == 1) & (b == 0)).sum()),
            "second_only": int(((a == 0) & (b == 1)).sum()),
            "both_0": int(((a == 0) & (b == 0)).sum()),
            "agreement": float((a == b).mean()) if len(a) else math.nan,
            "kappa": cohen_kappa(a, b),
        })
    return pd.DataFrame(rows)


def format_agreement(table: pd.DataFrame) -> str:
    """The agreement table as plain text, one line per label."""
    lines = [f"{'label':<27} {'n':>4} {'both 1':>6} {'1st only':>8} {'2nd only':>8} {'both 0':>6}  agreement  kappa"]
    for r in table.itertuples(index=False):
        kappa = "    -" if r.kappa != r.kappa else f"{r.kappa:5.2f}"
        lines.append(
            f"{r.label:<27} {r.n:>4} {r.both_1:>6} {r.first_only:>8} {r.second_only:>8} {r.both_0:>6}"
            f"      {r.agreement:5.3f}  {kappa}"
        )
    return "\n".join(lines)
