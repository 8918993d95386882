"""Measure the post labeller (:mod:`trendlab.label`) against the hand-labelled development set.

``trendlab evaluate`` (``make evaluate``) labels the development posts, compares each measure
with the hand labels and prints precision, recall, F1, sensitivity and specificity with the
confusion counts, for these splits of the set:

``tuning``
    The half of the first strata the rules may be tuned on.
``held_out``
    The other half of the first strata, meant only as a measurement (its errors have since been
    read too: it is no longer untouched).
``fresh``
    The fresh strata (:data:`trendlab.evaluation.sample.FRESH_STRATA`), labelled before the
    labeller was run on them; their errors have since been read, so they are spent as a blind
    test.
``blind``
    The blind strata (:data:`trendlab.evaluation.sample.BLIND_STRATA`), drawn and labelled by
    reading before the labeller was revised on the fresh errors; measured once after that
    revision, then read to revise it again (spent).
``blind2``
    The second blind strata (:data:`trendlab.evaluation.sample.BLIND2_STRATA`), drawn and
    labelled by reading before the revision on the blind errors; measured once after that
    revision, then read to revise it again (spent).
``blind3``
    The third blind strata (:data:`trendlab.evaluation.sample.BLIND3_STRATA`), drawn and
    labelled by reading (twice, independently) before the revision on the blind2 errors;
    measured once after that revision, then read to revise it again (spent).
``blind4``
    The fourth blind strata (:data:`trendlab.evaluation.sample.BLIND4_STRATA`), drawn and
    labelled by reading (twice, independently; :mod:`trendlab.evaluation.agreement`) before the
    revision on the blind3 errors and never read to design a rule: the honest measurement, and
    the rates the misclassification correction applies (:data:`CORRECTION_SPLIT`).
``all``
    Every post.

The halves are fixed by the posting id alone (:func:`half_of`: the first byte of its SHA-256,
even or odd), so they never depend on the order of the file or on the labels, and a post added
later falls in one half for good; a post of a fresh or blind stratum is in that split whatever
its half (:func:`split_of`).

How each measure is counted
---------------------------
``is_pm_role`` over every post. The PM measures (``pm_requires_technical``,
``pm_prefers_technical``, ``pm_requires_eng_background``, ``pm_requirements_stated``) over the
posts labelled as hiring a PM, the population their shares describe; a PM post that the
labeller misses counts as predicted 0, so a missed PM role costs recall here too.

The measured rates are written to ``rates.csv`` (one row per measure and split, with the
development set's SHA-256 and the skill taxonomy version), where
:func:`trendlab.measure.pm.read_rates` reads the ``blind4`` rows to correct shares for
misclassification (Rogan-Gladen): rates measured on posts the rules were fitted to would be
too good, and would under-correct.

Examples
--------
>>> import pandas as pd
>>> confusion(pd.Series([1, 1, 0, 0]), pd.Series([1, 0, 0, 1]))
(1, 1, 1, 1)
>>> rates_of(8, 2, 85, 5)["f1"]
0.6956521739130435
>>> [round(x, 2) for x in f1_interval(8, 2, 85, 5)]
[0.43, 0.88]
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trendlab import config
from trendlab.evaluation.sample import (
    BLIND2_STRATA,
    BLIND3_STRATA,
    BLIND4_STRATA,
    BLIND_STRATA,
    FRESH_STRATA,
)

DEVSET = config.PACKAGE_DIR / "evaluation" / "devset.csv"
RATES = config.PACKAGE_DIR / "evaluation" / "rates.csv"
HALVES = ("tuning", "held_out")
FRESH = "fresh"
BLIND = "blind"
BLIND2 = "blind2"
BLIND3 = "blind3"
BLIND4 = "blind4"
#: Splits of posts drawn after the rules were tuned, oldest first, and their strata.
LATER_SPLITS = {
    FRESH: FRESH_STRATA, BLIND: BLIND_STRATA, BLIND2: BLIND2_STRATA, BLIND3: BLIND3_STRATA, BLIND4: BLIND4_STRATA,
}
SPLITS = (*HALVES, *LATER_SPLITS, "all")
#: The split whose rates correct the shares: the newest posts no rule was designed on.
CORRECTION_SPLIT = BLIND4
#: Measures reported first (with targets), then the secondary ones.
MEASURES = ("is_pm_role", "pm_requires_technical", "pm_requires_eng_background")
SECONDARY = ("pm_prefers_technical", "pm_requirements_stated")
#: F1 each measure must reach on the whole set (the issue's targets).
TARGETS = {"is_pm_role": 0.95, "pm_requires_technical": 0.90}
RATE_COLUMNS = [
    "measure", "split", "population", "n", "tp", "fn", "tn", "fp", "sensitivity", "specificity",
    "precision", "recall", "f1", "f1_low", "f1_high", "devset_sha256", "taxonomy_version",
]
#: Coverage, resamples and seed of the F1 interval (:func:`f1_interval`).
F1_LEVEL = 0.95
F1_DRAWS = 10_000
F1_SEED = 20261126
PM_POPULATION = "posts labelled as hiring a PM"
ALL_POPULATION = "all posts"


def half_of(posting_id: object) -> str:
    """``tuning`` or ``held_out``, from the SHA-256 of the posting id (even first byte: tuning).

    Examples
    --------
    >>> half_of("3652166"), half_of("3652704")
    ('tuning', 'tuning')
    """
    return HALVES[hashlib.sha256(str(posting_id).encode("utf-8")).digest()[0] % 2]


def split_of(posting_id: object, stratum: object = "") -> str:
    """The split of a development post: a later split (``fresh``, ``blind``, ...) for a post of its strata, else its half.

    Examples
    --------
    >>> split_of("3652166"), split_of("3652166", "pm-fresh"), split_of("3652166", "pm-blind3")
    ('tuning', 'fresh', 'blind3')
    """
    for split, strata in LATER_SPLITS.items():
        if stratum in strata:
            return split
    return half_of(posting_id)


def splits_of(labelled: pd.DataFrame) -> pd.Series:
    """:func:`split_of` for every row (``stratum`` optional: without it every post is in a half)."""
    strata = labelled["stratum"] if "stratum" in labelled.columns else pd.Series("", index=labelled.index)
    return pd.Series(
        [split_of(p, s) for p, s in zip(labelled["posting_id"], strata, strict=True)], index=labelled.index, dtype=object
    )


def confusion(truth: pd.Series, predicted: pd.Series) -> tuple[int, int, int, int]:
    """``(tp, fn, tn, fp)`` of two aligned 0/1 series (a missing prediction counts as 0)."""
    t = truth.astype(int).to_numpy()
    p = predicted.fillna(0).astype(int).to_numpy()
    return (
        int(((t == 1) & (p == 1)).sum()),
        int(((t == 1) & (p == 0)).sum()),
        int(((t == 0) & (p == 0)).sum()),
        int(((t == 0) & (p == 1)).sum()),
    )


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def rates_of(tp: int, fn: int, tn: int, fp: int) -> dict[str, float]:
    """Sensitivity (= recall), specificity, precision and F1 from confusion counts (NaN when undefined).

    Examples
    --------
    >>> r = rates_of(90, 10, 180, 20)
    >>> round(r["sensitivity"], 3), round(r["specificity"], 3), round(r["precision"], 3)
    (0.9, 0.9, 0.818)
    """
    sens = _ratio(tp, tp + fn)
    prec = _ratio(tp, tp + fp)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return {"sensitivity": sens, "specificity": _ratio(tn, tn + fp), "precision": prec, "recall": sens, "f1": f1}


def f1_interval(
    tp: int, fn: int, tn: int, fp: int, *, level: float = F1_LEVEL, draws: int = F1_DRAWS, seed: int = F1_SEED
) -> tuple[float, float]:
    """Percentile bootstrap interval of F1: the posts resampled with replacement, as confusion cells.

    The ``n`` labelled posts are redrawn ``draws`` times (a multinomial draw over the four cells
    with the observed proportions) and F1 computed on each; the interval is the central ``level``
    of those values (resamples with no positive and no predicted positive, where F1 is undefined,
    are left out). Seeded, so the same counts always give the same interval. F1 rests on the
    positives and the predicted positives only, so with few of them the interval is wide: that
    width is what a reader needs next to an F1 measured on a few dozen positives. A split scored
    without a single error resamples to itself (``1.00-1.00``): there the interval says nothing,
    and only the count of positives tells how much a perfect score is worth.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when F1 is undefined (no positives and no predicted positives).

    Examples
    --------
    >>> f1_interval(10, 0, 40, 0)
    (1.0, 1.0)
    >>> f1_interval(0, 0, 50, 0)
    (nan, nan)
    """
    n = tp + fn + tn + fp
    if n == 0 or tp + fn + fp == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    cells = rng.multinomial(n, np.array([tp, fn, tn, fp], dtype=float) / n, size=draws)
    num = 2.0 * cells[:, 0]
    den = num + cells[:, 1] + cells[:, 3]
    f1 = num[den > 0] / den[den > 0]
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(f1, [tail, 1.0 - tail])
    # rounded as rates.csv stores them, so the printed table and a report read from the file agree
    return (round(float(low), 4), round(float(high), 4))


def format_interval(low: float, high: float, sep: str = "-") -> str:
    """An F1 interval as ``low<sep>high`` with two decimals, or ``""`` when it is undefined (NaN).

    Examples
    --------
    >>> format_interval(0.8939, 0.975), format_interval(math.nan, math.nan)
    ('0.89-0.97', '')
    """
    return "" if low != low or high != high else f"{low:.2f}{sep}{high:.2f}"


def read_devset(path: Path | str = DEVSET) -> pd.DataFrame:
    """The development set as text columns (an empty cell stays empty, never NaN).

    Raises
    ------
    ValueError
        A label column is missing.
    """
    path = Path(path)
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = ["posting_id", *MEASURES, *SECONDARY]
    missing = [c for c in need if c not in d.columns]
    if missing:
        raise ValueError(f"{path}: column(s) {missing} missing; expected at least {need}")
    return d


def devset_sha256(path: Path | str = DEVSET) -> str:
    """SHA-256 of the development set file, recorded with the rates it gave."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def join_text(devset: pd.DataFrame, postings: pd.DataFrame) -> pd.DataFrame:
    """The development set with each post's ``text`` from the postings table.

    Raises
    ------
    ValueError
        A development post is not in ``postings`` (the message names the first few ids).
    """
    texts = postings[["posting_id", "text"]].astype({"posting_id": str}).drop_duplicates("posting_id")
    out = devset.merge(texts, on="posting_id", how="left", indicator=True)
    lost = out.loc[out["_merge"] == "left_only", "posting_id"]
    if len(lost):
        raise ValueError(
            f"{len(lost)} development post(s) are not in the postings table, e.g. {lost.tolist()[:5]}; "
            "build the postings table from the same sources (trendlab build postings)"
        )
    return out.drop(columns="_merge")


def score(labelled: pd.DataFrame, measures: tuple[str, ...] = (*MEASURES, *SECONDARY)) -> pd.DataFrame:
    """Confusion counts and rates per measure and split.

    Parameters
    ----------
    labelled : DataFrame
        Hand labels (``posting_id``, optionally ``stratum``, and the measure columns as
        ``"0"``/``"1"``/``""``) and the labeller's answers in ``pred_<measure>`` columns (0/1,
        missing when not a PM post).

    Returns
    -------
    DataFrame
        One row per measure and split (:data:`SPLITS`; the later splits only when some post is
        in them): ``measure, split,
        population, n, tp, fn, tn, fp, sensitivity, specificity, precision, recall, f1, f1_low,
        f1_high`` (``f1_low``/``f1_high``: :func:`f1_interval`).

    Examples
    --------
    >>> lab = pd.DataFrame({"posting_id": ["a", "b"], "is_pm_role": ["1", "0"], "pred_is_pm_role": [1, 0]})
    >>> t = score(lab, ("is_pm_role",))
    >>> t.loc[t["split"] == "all", ["tp", "tn", "f1"]].to_dict("records")
    [{'tp': 1, 'tn': 1, 'f1': 1.0}]
    """
    half = splits_of(labelled)
    splits = [s for s in SPLITS if s not in LATER_SPLITS or half.eq(s).any()]
    rows = []
    for measure in measures:
        pm = measure != "is_pm_role"
        base = labelled["is_pm_role"].eq("1") if pm else pd.Series(True, index=labelled.index)
        for split in splits:
            sel = base & (half.eq(split) if split != "all" else True)
            sub = labelled[sel]
            tp, fn, tn, fp = confusion(sub[measure].astype(int), sub[f"pred_{measure}"])
            rows.append(
                {"measure": measure, "split": split, "population": PM_POPULATION if pm else ALL_POPULATION,
                 "n": int(sel.sum()), "tp": tp, "fn": fn, "tn": tn, "fp": fp, **rates_of(tp, fn, tn, fp),
                 **dict(zip(("f1_low", "f1_high"), f1_interval(tp, fn, tn, fp), strict=True))}
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Evaluation:
    """The scores, the labelled posts with the labeller's answers, and what they were measured with."""

    table: pd.DataFrame
    labelled: pd.DataFrame
    devset_sha256: str
    taxonomy_version: str

    def misses(self, measure: str, split: str = "tuning") -> pd.DataFrame:
        """The posts of one split where the labeller and the hand label disagree on ``measure``.

        The newest blind posts (:data:`CORRECTION_SPLIT`) are a measurement: reading their misses to
        design a rule would spend them.
        """
        lab = self.labelled
        sel = splits_of(lab).eq(split) if split != "all" else pd.Series(True, index=lab.index)
        if measure != "is_pm_role":
            sel &= lab["is_pm_role"].eq("1")
        truth = lab[measure].replace("", "0").astype(int)
        pred = lab[f"pred_{measure}"].fillna(0).astype(int)
        return lab[sel & (truth != pred)]


def evaluate(
    postings: pd.DataFrame | None = None,
    *,
    devset_path: Path | str = DEVSET,
    load: Callable[[str], pd.DataFrame] | None = None,
) -> Evaluation:
    """Label the development posts and score every measure on both halves and the whole.

    Parameters
    ----------
    postings : DataFrame, optional
        A table with ``posting_id`` and ``text`` holding every development post; default the
        built ``postings`` table (``trendlab.load("postings")``, or ``load("postings")``).
    devset_path : path
        The development set (default :data:`DEVSET`).
    """
    from trendlab.label import FLAG_COLUMNS, label_posts

    devset = read_devset(devset_path)
    if postings is None:
        if load is None:
            import trendlab

            load = trendlab.load
        postings = load("postings")
    joined = join_text(devset, postings)
    lab = label_posts(joined.rename(columns={"posting_id": "id"})[["id", "text"]], progress=False)
    labelled = devset.copy()
    for col in FLAG_COLUMNS:
        labelled[f"pred_{col}"] = lab[col].to_numpy()
    labelled["pred_pm_titles"] = lab["pm_titles"].to_numpy()
    labelled["pred_technical_terms"] = lab["technical_terms"].to_numpy()
    labelled["text"] = joined["text"].to_numpy()
    return Evaluation(score(labelled), labelled, devset_sha256(devset_path), lab.attrs.get("taxonomy_version", ""))


def write_rates(ev: Evaluation, path: Path | str = RATES) -> Path:
    """Write the measured rates (:data:`RATE_COLUMNS`) atomically; returns the path."""
    path = Path(path)
    t = ev.table.assign(devset_sha256=ev.devset_sha256, taxonomy_version=ev.taxonomy_version)[RATE_COLUMNS]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(RATE_COLUMNS)
        for row in t.itertuples(index=False):
            w.writerow(["" if isinstance(v, float) and math.isnan(v) else (f"{v:.4f}" if isinstance(v, float) else v) for v in row])
    tmp.replace(path)
    return path


def format_table(table: pd.DataFrame) -> str:
    """The scores as a plain-text table, one block per measure, one line per split.

    Examples
    --------
    >>> lab = pd.DataFrame({"posting_id": ["a", "b"], "is_pm_role": ["1", "0"], "pred_is_pm_role": [1, 0]})
    >>> print(format_table(score(lab, ("is_pm_role",))).splitlines()[0])
    measure                     split        n   tp   fn   tn   fp  precision  recall     F1  F1 95% CI    sensitivity  specificity
    """

    def f(v: float) -> str:
        return "    -" if v != v else f"{v:5.3f}"

    def ci(r: object) -> str:
        return f"{format_interval(getattr(r, 'f1_low', math.nan), getattr(r, 'f1_high', math.nan)) or '-':<11}"

    head = (f"{'measure':<27} {'split':<9} {'n':>4} {'tp':>4} {'fn':>4} {'tn':>4} {'fp':>4}  precision  recall"
            f"     F1  F1 95% CI    sensitivity  specificity")
    lines = [head]
    for measure, block in table.groupby("measure", sort=False):
        for r in block.itertuples(index=False):
            lines.append(
                f"{measure:<27} {r.split:<9} {r.n:>4} {r.tp:>4} {r.fn:>4} {r.tn:>4} {r.fp:>4}      {f(r.precision)}   "
                f"{f(r.recall)}  {f(r.f1)}  {ci(r)}   {f(r.sensitivity)}        {f(r.specificity)}"
            )
    return "\n".join(lines)


def check_targets(table: pd.DataFrame, targets: dict[str, float] | None = None) -> list[str]:
    """Measures whose F1 is below its target on the whole set or a later split, as readable lines.

    The later splits (:data:`LATER_SPLITS`) are checked too because the whole set holds the posts the
    rules were designed on, where a score flatters the labeller. Empty: every target met.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": ["is_pm_role"] * 2, "split": ["all", "fresh"], "f1": [0.97, 0.93]})
    >>> check_targets(t, {"is_pm_role": 0.95})
    ['is_pm_role: F1 0.930 on the fresh split, below the target 0.95']
    """
    targets = TARGETS if targets is None else targets
    out = []
    for split in ("all", *LATER_SPLITS):
        here = table[table["split"] == split].set_index("measure")
        if here.empty and split in LATER_SPLITS:
            continue
        where = "" if split == "all" else f" on the {split} split,"
        for measure, goal in targets.items():
            f1 = here.loc[measure, "f1"] if measure in here.index else math.nan
            if not f1 >= goal:
                out.append(f"{measure}: F1 {f1:.3f}{where} below the target {goal:.2f}")
    return out
