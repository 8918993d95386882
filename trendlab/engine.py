"""Run the per-posting steps on pandas or on Dask, and keep the big tables as partitioned parquet.

One code path, two engines. Every per-posting step is a pure ``DataFrame -> {name: DataFrame}``
function (:class:`Step`): :data:`CLEAN_TEXT` (HTML to text and company), :data:`SPLIT_ROLES`
(a post into its roles, titles classified), :data:`CLASSIFY_TITLES` (titles extracted
elsewhere, classified), :data:`TAG_SKILLS` (skill hits and per-role flags),
:data:`COUNT_ROLES` (monthly counts of roles and flags, and of the postings without a role by
reason) and :data:`RAW_TO_COUNTS` (all of them fused, for corpora too big to keep the
intermediate tables; every posting is counted in one of the two count tables). An
:class:`Engine` runs a step

- in this process (``"pandas"``), or
- on a Dask cluster (``"dask"``): a ``LocalCluster`` with one single-threaded worker process
  per core by default, or an existing scheduler. In-memory frames go through
  ``dask.dataframe`` ``map_partitions``/``from_delayed`` with ``meta`` derived from the pandera
  schema of the step's input (the step run on an empty frame of that schema); partitioned
  datasets go one task per part (:meth:`Engine.map_parts`), and only small results come back.

Heavy objects are never sent once per task: the skill matcher is built once in each worker
process from a small recipe (:class:`BuiltOnWorker`, checked against the client's taxonomy
fingerprint), and the fuzzy title index, built on the client from the registry files, is
sent once to each worker (``Client.scatter(..., broadcast=True)``).

Big tables are stored as partitioned parquet datasets: ``<table>/<source>/<year>/part-NNNNN.parquet``
(plain directory names, so ``pandas.read_parquet`` or ``dask.dataframe.read_parquet`` on the
folder reads every part; the ``source`` and ``month`` columns stay inside the files). A part holds
at most :data:`PART_ROWS` rows, so that a corpus larger than memory streams through one part at
a time; per-part work ends in small count tables that are summed.

Examples
--------
>>> import pandas as pd
>>> from trendlab.engine import CLEAN_TEXT, Engine
>>> raw = pd.DataFrame({"source": ["s"], "posting_id": ["1"], "thread_id": ["9"],
...     "month": ["2015-03"], "posted_at": pd.Series([pd.NaT], dtype="datetime64[ns, UTC]"),
...     "author": ["ann"], "html": ["Acme | SWE<p>Go"], "url": ["u"], "partial_month": [False]})
>>> with Engine("pandas") as eng:
...     eng.map_frame(CLEAN_TEXT, raw)["postings"]["company"].tolist()
['Acme']
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from trendlab.schemas import POSTINGS

ENGINES = ("pandas", "dask")
PART_ROWS = 50_000  # rows per parquet part: a few hundred MB of text at most in memory at once
COUNT_KEYS = ["month", "source", "role_family"]

# the raw postings a reader returns: the postings columns with ``html`` in place of company/text
RAW_POSTINGS = pa.DataFrameSchema(
    {
        **{k: v for k, v in POSTINGS.columns.items() if k not in ("company", "text", "url", "partial_month")},
        "html": pa.Column("string", nullable=True),
        "url": POSTINGS.columns["url"],
        "partial_month": POSTINGS.columns["partial_month"],
    },
    strict=True,
    ordered=True,
    name="raw_postings",
)


# --------------------------------------------------------------------------- meta


def meta_frame(schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A zero-row frame with the schema's columns, in order, and the dtypes the tables use.

    pandera's ``"string"`` is read as pandas' nullable ``string`` dtype (missing = ``<NA>``),
    the dtype every table of the project holds.

    Examples
    --------
    >>> meta_frame(POSTINGS).dtypes["text"] == pd.StringDtype()
    True
    """
    cols = {}
    for name, col in schema.columns.items():
        dtype = col.dtype.type if col.dtype is not None else "object"
        if isinstance(dtype, pd.StringDtype) or str(col.dtype) in ("string", "str"):
            dtype = pd.StringDtype()
        cols[name] = pd.Series(dtype=dtype)
    return pd.DataFrame(cols)


def conform(frame: pd.DataFrame, meta: pd.DataFrame, where: str) -> pd.DataFrame:
    """``frame`` with the columns and dtypes of ``meta``; a clear error when it cannot be.

    Parts computed separately must hold the same dtypes (a column that is all missing in one
    part must not come back as ``object``), so every step output is cast to its meta.

    Raises
    ------
    ValueError
        Columns differ from ``meta`` (names or order), or a column cannot take its dtype.

    Examples
    --------
    >>> meta = pd.DataFrame({"a": pd.Series(dtype="Int64")})
    >>> conform(pd.DataFrame({"a": [None]}), meta, "demo").dtypes["a"]
    Int64Dtype()
    """
    got, want = list(frame.columns), list(meta.columns)
    if got != want:
        missing = [c for c in want if c not in got]
        extra = [c for c in got if c not in want]
        raise ValueError(
            f"{where}: columns differ from the step's meta; missing {missing}, unexpected {extra}"
            + ("" if missing or extra else f", order {got} != {want}")
        )
    wrong = {c: meta.dtypes[c] for c in want if frame.dtypes[c] != meta.dtypes[c]}
    if not wrong:
        return frame
    try:
        return frame.astype(wrong)
    except (TypeError, ValueError) as exc:
        for c, dt in wrong.items():
            try:
                frame[c].astype(dt)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{where}: column {c!r} holds {frame.dtypes[c]}, cannot be {dt}: {exc}"
                ) from exc
        raise


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """A pure per-posting step: ``fn(*frames, **resources) -> {output name: DataFrame}``.

    Parameters
    ----------
    name : str
        Used in error messages.
    fn : callable
        The step. Must not mutate its inputs; rows are independent (a step run on each part
        of a frame and the parts' outputs concatenated equals the step run on the whole).
    inputs : tuple of callables
        For each input frame, a function returning its zero-row meta (from the pandera schema).
    outputs : tuple of str
        Names of the frames ``fn`` returns.
    keep_index : bool
        Outputs are row-for-row with the (first) input and keep its index; otherwise outputs
        get a fresh ``RangeIndex``.
    resources : tuple of str
        Keyword arguments that carry heavy objects (shipped once per worker).
    meta_fn : callable, optional
        Returns the zero-row outputs when running ``fn`` on empty inputs cannot (a fused step
        whose output is another step's).
    """

    name: str
    fn: Callable[..., dict[str, pd.DataFrame]]
    inputs: tuple[Callable[[], pd.DataFrame], ...]
    outputs: tuple[str, ...]
    keep_index: bool = False
    resources: tuple[str, ...] = ()
    meta_fn: Callable[..., dict[str, pd.DataFrame]] | None = None

    def __call__(self, *frames: pd.DataFrame, **resources: Any) -> dict[str, pd.DataFrame]:
        if len(frames) != len(self.inputs):
            raise TypeError(f"step {self.name} takes {len(self.inputs)} frame(s), got {len(frames)}")
        unknown = set(resources) - set(self.resources)
        if unknown:
            raise TypeError(f"step {self.name}: unknown resource(s) {sorted(unknown)}; takes {list(self.resources)}")
        out = self.fn(*frames, **resources)
        if set(out) != set(self.outputs):
            raise RuntimeError(f"step {self.name} returned {sorted(out)}, expected {sorted(self.outputs)}")
        metas = self.meta(**resources)
        res = {}
        for name in self.outputs:
            df = conform(out[name], metas[name], f"step {self.name}, output {name}")
            res[name] = df if self.keep_index else df.reset_index(drop=True)
        return res

    def meta(self, **resources: Any) -> dict[str, pd.DataFrame]:
        """Zero-row outputs: the step run on zero-row inputs built from the input schemas.

        Resources that shape the columns (the matcher's taxonomy names the flag columns) are
        used; the others are replaced by cheap stand-ins (no fuzzy title index, no memo).
        """
        res = {k: v for k, v in resources.items() if k == "matcher" and v is not None}
        fp = getattr(res.get("matcher"), "fingerprint", None)
        key = (self.name, id(self.fn), fp)
        if key not in _META_CACHE:
            if self.meta_fn is not None:
                out = self.meta_fn(**res)
            else:
                frames = [m() for m in self.inputs]
                out = self.fn(*frames, **{**_META_RESOURCES.get(self.name, {}), **res})
            _META_CACHE[key] = {n: out[n].iloc[:0].reset_index(drop=True) for n in self.outputs}
        return {n: df.copy() for n, df in _META_CACHE[key].items()}


_META_CACHE: dict[tuple[str, int, str | None], dict[str, pd.DataFrame]] = {}


def _clean_text(raw: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from trendlab.clean.text import add_text

    return {"postings": add_text(raw)}


def _split_roles(postings: pd.DataFrame, *, titles: Any = True) -> dict[str, pd.DataFrame]:
    from trendlab.clean.roles import split_roles

    split = split_roles(postings, fuzzy=titles)
    return {"roles": split.roles, "roles_unsplit": split.unsplit}


def _classify_titles(extracted: pd.DataFrame, *, titles: Any = True) -> dict[str, pd.DataFrame]:
    from trendlab.clean.titles import classify_titles

    classes = classify_titles(extracted["role_title"].fillna(""), fuzzy=titles)
    keep = ["role_family", "seniority", "technical_pm", "product_owner", "match_method", "matched_reference"]
    out = pd.concat([extracted.reset_index(drop=True), classes[keep].reset_index(drop=True)], axis=1)
    return {"classified": out}


def _tag_skills(roles: pd.DataFrame, *, matcher: Any = None) -> dict[str, pd.DataFrame]:
    from trendlab.clean.skills import SkillMatcher, skill_flags, tag_skills

    m = matcher if matcher is not None else SkillMatcher.from_taxonomy()
    hits = tag_skills(roles, "requirements_text", matcher=m, progress=False)
    return {"skill_hits": hits, "skill_flags": skill_flags(hits, roles, taxonomy=m.taxonomy)}


def count_roles(roles: pd.DataFrame, skill_flags: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts of roles by source and role family, with the number of roles per flag.

    The small table the measures read instead of the per-role tables: one row per
    ``(month, source, role_family)`` with ``roles`` (all roles), ``roles_with_text`` (roles
    with their own or shared text to tag) and, for every boolean column of ``skill_flags``
    (``technical_required``, ``coding_preferred``, ...), the number of roles where it is True.
    Counts of disjoint parts add up, so per-part tables are summed with :func:`sum_counts`.

    Parameters
    ----------
    roles : DataFrame
        ``posting_id, role_index, month, source, role_family``.
    skill_flags : DataFrame
        From :func:`trendlab.clean.skills.skill_flags` on the same roles (one row per role).

    Raises
    ------
    ValueError
        ``skill_flags`` does not hold exactly one row per role of ``roles``.

    Examples
    --------
    >>> roles = pd.DataFrame({"posting_id": ["1", "1"], "role_index": [0, 1],
    ...     "month": ["2015-01"] * 2, "source": ["hn"] * 2, "role_family": ["pm", "pm"]})
    >>> flags = pd.DataFrame({"posting_id": ["1", "1"], "role_index": [0, 1],
    ...     "has_text": [True, False], "technical_required": [True, False]})
    >>> count_roles(roles, flags).values.tolist()
    [['2015-01', 'hn', 'pm', 2, 1, 1]]
    """
    key = ["posting_id", "role_index"]
    for what, df, cols in (("roles", roles, [*key, *COUNT_KEYS]), ("skill_flags", skill_flags, [*key, "has_text"])):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"count_roles: {what} lacks column(s) {missing}")
    flag_cols = [c for c in skill_flags.columns if c not in (*key, "has_text") and skill_flags[c].dtype == bool]
    left = roles[[*key, *COUNT_KEYS]].astype({"posting_id": "string", "role_index": "Int64"})
    right = skill_flags[[*key, "has_text", *flag_cols]].astype({"posting_id": "string", "role_index": "Int64"})
    both = left.merge(right, on=key, how="outer", indicator=True, validate="one_to_one")
    bad = both["_merge"] != "both"
    if bad.any():
        r = both[bad].iloc[0]
        raise ValueError(
            f"count_roles: {int(bad.sum())} role(s) not in both tables, first posting_id "
            f"{r['posting_id']} role_index {r['role_index']} only in "
            f"{'roles' if r['_merge'] == 'left_only' else 'skill_flags'}"
        )
    both = both.drop(columns=["_merge"]).assign(roles=1)
    both = both.rename(columns={"has_text": "roles_with_text"})
    value_cols = ["roles", "roles_with_text", *flag_cols]
    return _group_counts(both[[*COUNT_KEYS, *value_cols]], value_cols)


def _group_counts(frame: pd.DataFrame, value_cols: list[str]) -> pd.DataFrame:
    vals = frame[value_cols].astype("int64")
    keys = frame[COUNT_KEYS].astype("string")
    out = pd.concat([keys, vals], axis=1).groupby(COUNT_KEYS, sort=True, dropna=False).sum().reset_index()
    return out.astype({c: "string" for c in COUNT_KEYS} | {c: "Int64" for c in value_cols})


def sum_counts(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up count tables of disjoint parts (same columns), one row per ``(month, source, family)``.

    Examples
    --------
    >>> a = pd.DataFrame({"month": ["2015-01"], "source": ["hn"], "role_family": ["pm"], "roles": [2]})
    >>> sum_counts([a, a])["roles"].tolist()
    [4]
    """
    parts = [p for p in parts if p is not None]
    if not parts:
        raise ValueError("sum_counts: no count tables given")
    cols = list(parts[0].columns)
    for p in parts[1:]:
        if list(p.columns) != cols:
            raise ValueError(f"sum_counts: columns differ: {list(p.columns)} != {cols}")
    value_cols = [c for c in cols if c not in COUNT_KEYS]
    return _group_counts(pd.concat(parts, ignore_index=True), value_cols)


UNSPLIT_KEYS = ["month", "source", "reason"]


def count_unsplit(unsplit: pd.DataFrame) -> pd.DataFrame:
    """Postings in which no role was found, by month, source and reason: ``postings`` per row.

    With :func:`count_roles` it accounts for every posting: a posting either has roles (counted
    there) or a reason here (see :data:`trendlab.clean.roles.UNSPLIT_REASONS`).

    Examples
    --------
    >>> u = pd.DataFrame({"month": ["2015-01"] * 3, "source": ["hn"] * 3,
    ...                   "reason": ["empty_text", "not_a_job_offer", "empty_text"]})
    >>> count_unsplit(u).values.tolist()
    [['2015-01', 'hn', 'empty_text', 2], ['2015-01', 'hn', 'not_a_job_offer', 1]]
    """
    missing = [c for c in UNSPLIT_KEYS if c not in unsplit.columns]
    if missing:
        raise ValueError(f"count_unsplit: the frame lacks column(s) {missing}")
    return _sum_unsplit(unsplit[UNSPLIT_KEYS].assign(postings=1))


def _sum_unsplit(frame: pd.DataFrame) -> pd.DataFrame:
    keys = frame[UNSPLIT_KEYS].astype("string")
    out = pd.concat([keys, frame[["postings"]].astype("int64")], axis=1)
    out = out.groupby(UNSPLIT_KEYS, sort=True, dropna=False)["postings"].sum().reset_index()
    return out.astype({c: "string" for c in UNSPLIT_KEYS} | {"postings": "Int64"})


def sum_unsplit(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up :func:`count_unsplit` tables of disjoint parts."""
    return _sum_unsplit(pd.concat(list(parts), ignore_index=True))


def _count_roles(roles: pd.DataFrame, skill_flags: pd.DataFrame, unsplit: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"role_counts": count_roles(roles, skill_flags), "unsplit_counts": count_unsplit(unsplit)}


class ContentMemo:
    """Role summaries of the texts already parsed, by raw HTML: exact repeats are parsed once.

    Reposts, syndicated copies and resampled corpora repeat texts word for word. The memo maps
    a text to an id and keeps, per id, its roles' family and flags (see
    :func:`count_roles_frame`). It is bounded: when ``max_items`` texts would be exceeded it is
    emptied. Create one per run: it is valid for one taxonomy and one title index only.

    Examples
    --------
    >>> m = ContentMemo(max_items=2)
    >>> m.ids(["<p>a", "<p>b"]).tolist()
    [-1, -1]
    >>> summary = pd.DataFrame({"code": [0, 0, 1], "role_family": ["pm", "swe", "pm"]})
    >>> m.add(["<p>a", "<p>b"], summary).tolist()
    [0, 1]
    >>> m.ids(["<p>b"]).tolist(), len(m.table())
    ([1], 3)
    """

    def __init__(self, max_items: int = 200_000):
        if max_items < 1:
            raise ValueError(f"max_items must be >= 1, got {max_items}")
        self.max_items = max_items
        self.hits = 0
        self.misses = 0
        self.flushes = 0
        self._ids: dict[str, int] = {}
        self._parts: list[pd.DataFrame] = []
        self._reasons: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def reserve(self, n: int) -> None:
        """Make room for ``n`` more texts (empties the memo if they would not fit)."""
        if self._ids and len(self._ids) + n > self.max_items:
            self._ids.clear()
            self._parts.clear()
            self._reasons.clear()
            self.flushes += 1

    def ids(self, keys: Sequence[str]) -> np.ndarray:
        """The id of each text, or -1 for a text not parsed yet."""
        out = np.fromiter((self._ids.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
        found = int((out >= 0).sum())
        self.hits += found
        self.misses += len(keys) - found
        return out

    def add(self, keys: Sequence[str], summary: pd.DataFrame, reasons: dict[int, str] | None = None) -> np.ndarray:
        """Record new texts; ``summary["code"]`` is each row's position in ``keys``, and ``reasons``
        gives, by position, why a text has no role. Returns their ids."""
        start = len(self._ids)
        for i, k in enumerate(keys):
            if k in self._ids:
                raise ValueError(f"ContentMemo.add: text already recorded (id {self._ids[k]})")
            self._ids[k] = start + i
        rows = summary.rename(columns={"code": "tid"})
        self._parts.append(rows.assign(tid=rows["tid"].to_numpy() + start))
        self._reasons.update({start + i: r for i, r in (reasons or {}).items()})
        return np.arange(start, start + len(keys), dtype=np.int64)

    def reasons(self, tids: np.ndarray) -> pd.Series:
        """Why each text has no role (missing for texts with roles)."""
        return pd.Series(tids).map(self._reasons).astype("string")

    def table(self) -> pd.DataFrame:
        """Every recorded role: ``tid`` and the summary columns."""
        if len(self._parts) > 1:
            self._parts = [pd.concat(self._parts, ignore_index=True)]
        return self._parts[0] if self._parts else pd.DataFrame({"tid": pd.Series(dtype="int64")})


def _raw_to_counts(raw: pd.DataFrame, *, titles: Any = True, matcher: Any = None,
                   memo: ContentMemo | None = None) -> dict[str, pd.DataFrame]:
    # each distinct text is parsed once (in this part, and across parts through the memo);
    # its roles' (family, flags) rows are then counted once per posting that carries it
    memo = memo if memo is not None else ContentMemo(max_items=max(1, len(raw)))
    meta = RAW_TO_COUNTS.meta(matcher=matcher)["role_counts"]
    value_cols = [c for c in meta.columns if c not in COUNT_KEYS]
    codes, uniques = pd.factorize(raw["html"].fillna(""), sort=False)
    keys = [str(u) for u in uniques]
    memo.reserve(len(keys))
    tids = memo.ids(keys)
    todo = np.flatnonzero(tids < 0)
    if len(todo):
        _, first = np.unique(codes, return_index=True)  # codes are 0..n-1: first row of each text
        reps = raw.iloc[first[todo]].reset_index(drop=True)
        reps = reps.assign(posting_id=pd.array([str(i) for i in range(len(todo))], dtype="string"))
        posts = _clean_text(reps)["postings"]
        split = _split_roles(posts, titles=titles)
        tagged = _tag_skills(split["roles"], matcher=matcher)
        summary = count_roles_frame(split["roles"], tagged["skill_flags"])
        un = split["roles_unsplit"]
        reasons = dict(zip(un["posting_id"].astype(int).tolist(), un["reason"].tolist(), strict=True))
        tids[todo] = memo.add([keys[i] for i in todo], summary, reasons)
    texts = pd.DataFrame({"postings": [len(raw)], "distinct": [len(keys)], "parsed": [len(todo)],
                          "with_roles": [0]}, dtype="int64")
    if not len(raw):
        return {"role_counts": meta, "unsplit_counts": RAW_TO_COUNTS.meta()["unsplit_counts"], "texts": texts}
    # postings per (month, source, text), then each text's roles weighted by that number
    per = pd.DataFrame({"month": raw["month"].astype("string").to_numpy(),
                        "source": raw["source"].astype("string").to_numpy(), "tid": tids[codes]})
    per = per.groupby(["month", "source", "tid"], sort=False).size().rename("k").reset_index()
    why = memo.reasons(per["tid"].to_numpy())
    unsplit = _sum_unsplit(per[why.notna().to_numpy()].assign(reason=why.dropna().to_numpy()).rename(
        columns={"k": "postings"})[[*UNSPLIT_KEYS, "postings"]])
    table = memo.table()
    texts["with_roles"] = int(per.loc[per["tid"].isin(table["tid"].unique()), "k"].sum())
    rows = per.merge(table, on="tid", how="inner")
    w = rows["k"].to_numpy()
    vals = rows[value_cols[1:]].astype("int64").mul(w, axis=0)
    vals.insert(0, "roles", w)
    counts = _group_counts(pd.concat([rows[COUNT_KEYS], vals], axis=1), value_cols)
    return {"role_counts": counts, "unsplit_counts": unsplit, "texts": texts}


def count_roles_frame(roles: pd.DataFrame, skill_flags: pd.DataFrame) -> pd.DataFrame:
    """Per role: ``code`` (the posting id as an int), ``role_family`` and its flags as 0/1.

    The row-level form of :func:`count_roles`, used to keep one summary per distinct text;
    the columns after ``role_family`` are those of :func:`count_roles` after ``roles``.
    """
    key = ["posting_id", "role_index"]
    flag_cols = [c for c in skill_flags.columns if c not in (*key, "has_text") and skill_flags[c].dtype == bool]
    both = roles[[*key, "role_family"]].merge(skill_flags[[*key, "has_text", *flag_cols]], on=key,
                                               how="left", validate="one_to_one")
    out = both.drop(columns=["role_index"]).rename(columns={"posting_id": "code", "has_text": "roles_with_text"})
    out["code"] = out["code"].astype(int)
    return out.astype({c: "int8" for c in ["roles_with_text", *flag_cols]})


def _raw_meta() -> pd.DataFrame:
    return meta_frame(RAW_POSTINGS)


def _postings_meta() -> pd.DataFrame:
    return meta_frame(POSTINGS)


def _roles_meta() -> pd.DataFrame:
    return SPLIT_ROLES.meta()["roles"]


def _extracted_meta() -> pd.DataFrame:
    from trendlab.sources.hn_whos_hiring_db import FRAME

    return meta_frame(FRAME)


def _flags_meta() -> pd.DataFrame:
    return TAG_SKILLS.meta()["skill_flags"]


def _unsplit_meta() -> pd.DataFrame:
    return SPLIT_ROLES.meta()["roles_unsplit"]


CLEAN_TEXT = Step("clean_text", _clean_text, (_raw_meta,), ("postings",), keep_index=True)
SPLIT_ROLES = Step("split_roles", _split_roles, (_postings_meta,), ("roles", "roles_unsplit"),
                   resources=("titles",))
CLASSIFY_TITLES = Step("classify_titles", _classify_titles, (_extracted_meta,), ("classified",),
                       resources=("titles",))
TAG_SKILLS = Step("tag_skills", _tag_skills, (_roles_meta,), ("skill_hits", "skill_flags"),
                  resources=("matcher",))
COUNT_ROLES = Step("count_roles", _count_roles, (_roles_meta, _flags_meta, _unsplit_meta),
                   ("role_counts", "unsplit_counts"))
RAW_TO_COUNTS = Step("raw_to_counts", _raw_to_counts, (_raw_meta,), ("role_counts", "unsplit_counts", "texts"),
                     resources=("titles", "matcher", "memo"),
                     meta_fn=lambda **res: {
                         **_count_roles(_roles_meta(), TAG_SKILLS.meta(**res)["skill_flags"], _unsplit_meta()),
                         "texts": pd.DataFrame({c: pd.Series(dtype="int64")
                                                for c in ("postings", "distinct", "parsed", "with_roles")}),
                     })

# resources used only to compute a step's meta (cheap stand-ins for the heavy objects)
_META_RESOURCES: dict[str, dict[str, Any]] = {"split_roles": {"titles": False}, "classify_titles": {"titles": False}}


# --------------------------------------------------------------------------- resources


def title_resource(fuzzy: bool = True) -> Any:
    """The ``titles`` resource of :data:`SPLIT_ROLES`: the fuzzy title index, or False."""
    if not fuzzy:
        return False
    from trendlab.clean.titles import title_index

    return title_index()


def matcher_resource() -> Any:
    """The ``matcher`` resource of :data:`TAG_SKILLS`: the skill matcher of the installed taxonomy."""
    from trendlab.clean.skills import SkillMatcher

    return SkillMatcher.from_taxonomy()


@dataclass(frozen=True)
class BuiltOnWorker:
    """A heavy object sent to the workers as the recipe that builds it: each worker process
    builds it once (the compiled automaton of the skill matcher cannot be pickled, and
    building it where it runs is cheaper than shipping it).

    ``build`` is a module-level function; ``fingerprint`` is the object's identity on the
    client, checked against the one built on the worker so that a worker with another
    taxonomy installed fails loudly instead of tagging differently.
    """

    build: Callable[[], Any]
    fingerprint: str

    def get(self) -> Any:
        key = (f"{self.build.__module__}.{self.build.__qualname__}", self.fingerprint)
        obj = _BUILT.get(key)
        if obj is None:
            obj = self.build()
            got = getattr(obj, "fingerprint", None)
            if got != self.fingerprint:
                raise RuntimeError(
                    f"{key[0]} built on this worker has fingerprint {got!r}; the client's is "
                    f"{self.fingerprint!r} (are the same taxonomy files installed on every worker?)"
                )
            _BUILT[key] = obj
        return obj


_BUILT: dict[tuple[str, str], Any] = {}


def _recipe(obj: Any) -> BuiltOnWorker | None:
    """The recipe of a resource that workers build themselves, or None to ship the object."""
    from trendlab.clean.skills import SkillMatcher

    if type(obj) is SkillMatcher:
        return BuiltOnWorker(matcher_resource, obj.fingerprint)
    return None


def _resolve(resources: dict[str, Any]) -> dict[str, Any]:
    return {k: v.get() if isinstance(v, BuiltOnWorker) else v for k, v in resources.items()}


# --------------------------------------------------------------------------- parquet parts


@dataclass(frozen=True)
class PartInfo:
    """A written parquet file: path relative to its dataset, sha256, size, rows, mtime."""

    relpath: str
    sha256: str
    bytes: int
    rows: int
    mtime_ns: int

    def record(self) -> dict[str, object]:
        return {"sha256": self.sha256, "bytes": self.bytes, "rows": self.rows, "mtime_ns": self.mtime_ns}


def write_parquet(frame: pd.DataFrame, path: Path) -> tuple[str, int, int]:
    """Write one parquet file atomically and deterministically; returns (sha256, bytes, mtime_ns).

    Same frame, same bytes: no timestamps, no index, zstd, statistics on.
    """
    import pyarrow as pa_
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa_.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
        data = Path(tmp).read_bytes()
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; tables are for every reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest(), len(data), path.stat().st_mtime_ns


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def part_dir(source: str, year: str) -> str:
    """The folder of a (source, year) partition: ``"a;b", "2015"`` -> ``"a+b/2015"``.

    Examples
    --------
    >>> part_dir("hn-hiring-mapped;hn-thread-pages", "2015")
    'hn-hiring-mapped+hn-thread-pages/2015'
    """
    s = _UNSAFE.sub("+", source).strip("+.") or "_"
    y = year if re.fullmatch(r"\d{4}", year or "") else "_"
    return f"{s}/{y}"


def split_parts(frame: pd.DataFrame, *, rows: int = PART_ROWS) -> list[tuple[str, pd.DataFrame]]:
    """Cut a frame with ``source`` and ``month`` into parts by source and year, ``rows`` at most each.

    Parts come in folder order; rows keep their order inside a part. An empty frame gives no parts.

    Examples
    --------
    >>> df = pd.DataFrame({"source": ["b", "a", "a"], "month": ["2015-01", "2016-02", "2015-03"]})
    >>> [(p, len(f)) for p, f in split_parts(df, rows=1)]
    [('a/2015/part-00000.parquet', 1), ('a/2016/part-00000.parquet', 1), ('b/2015/part-00000.parquet', 1)]
    """
    for c in ("source", "month"):
        if c not in frame.columns:
            raise ValueError(f"split_parts: the frame has no {c!r} column; columns: {list(frame.columns)}")
    if rows < 1:
        raise ValueError(f"split_parts: rows must be >= 1, got {rows}")
    dirs = [part_dir(str(s), str(m)[:4]) for s, m in zip(frame["source"].tolist(), frame["month"].tolist(), strict=True)]
    key = pd.Series(dirs, index=frame.index)
    out: list[tuple[str, pd.DataFrame]] = []
    for d, idx in sorted(key.groupby(key, sort=False).groups.items()):
        pos = frame.index.get_indexer(idx) if not isinstance(frame.index, pd.RangeIndex) else np.asarray(idx)
        pos = np.sort(pos)
        for n, start in enumerate(range(0, len(pos), rows)):
            out.append((f"{d}/part-{n:05d}.parquet", frame.iloc[pos[start : start + rows]]))
    return out


def merge_attrs(attrs: Sequence[dict]) -> dict:
    """The ``attrs`` of a table from those of its parts: counts add up, equal values stay.

    Numbers are summed and dicts of numbers summed key by key (``roles_in``, dropped rows by
    reason); other values are kept when every part that has them agrees, else left out.

    Examples
    --------
    >>> merge_attrs([{"n": 2, "why": {"a": 1}, "v": "1.0"}, {"n": 3, "why": {"a": 2, "b": 1}, "v": "1.0"}])
    {'n': 5, 'why': {'a': 3, 'b': 1}, 'v': '1.0'}
    """
    def number(x: object) -> bool:
        return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)

    out: dict = {}
    for key in dict.fromkeys(k for a in attrs for k in a):
        values = [a[key] for a in attrs if key in a]
        if all(number(v) for v in values):
            out[key] = sum(values)
        elif all(isinstance(v, dict) and all(number(x) for x in v.values()) for v in values):
            total: dict = {}
            for v in values:
                for k, x in v.items():
                    total[k] = total.get(k, 0) + x
            out[key] = total
        elif all(v == values[0] for v in values[1:]):
            out[key] = values[0]
    return out


def read_parts(paths: Sequence[Path], columns: list[str] | None = None) -> pd.DataFrame:
    """Concatenate parquet parts (same columns) in the given order, with a fresh index.

    The parts' ``attrs`` (kept by parquet) are combined with :func:`merge_attrs`.
    """
    if not paths:
        raise ValueError("read_parts: no parts given")
    frames = [pd.read_parquet(p, columns=columns) for p in paths]
    if len(frames) == 1:
        return frames[0]
    out = pd.concat(frames, ignore_index=True)
    out.attrs = merge_attrs([f.attrs for f in frames])
    return out


# --------------------------------------------------------------------------- one part


@dataclass(frozen=True)
class PartTask:
    """One part of a step over datasets: read ``inputs``, run ``step``, write partitioned outputs.

    ``write`` maps an output name to its dataset folder (the part goes to ``<folder>/<relpath>``);
    the other outputs come back in the :class:`PartResult` (small frames, such as counts).
    """

    step: Step
    inputs: tuple[str, ...]
    relpath: str
    write: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PartResult:
    relpath: str
    written: dict[str, PartInfo]
    frames: dict[str, pd.DataFrame]
    rows_in: int


def run_part(task: PartTask, **resources: Any) -> PartResult:
    """Run one :class:`PartTask` (in this process or on a worker); errors name the part."""
    resources = _resolve(resources)
    try:
        frames = [pd.read_parquet(p) for p in task.inputs]
        out = task.step(*frames, **resources)
        written = {}
        for name, folder in task.write.items():
            sha, size, mtime = write_parquet(out[name], Path(folder) / task.relpath)
            written[name] = PartInfo(task.relpath, sha, size, len(out[name]), mtime)
    except Exception as exc:
        raise type(exc)(f"step {task.step.name} on part {task.relpath} ({', '.join(task.inputs)}): {exc}") from exc
    rest = {n: df for n, df in out.items() if n not in task.write}
    return PartResult(task.relpath, written, rest, len(frames[0]))


# --------------------------------------------------------------------------- engines


class Engine:
    """Where steps run: ``"pandas"`` (this process) or ``"dask"`` (a cluster). A context manager.

    Parameters
    ----------
    kind : {"pandas", "dask"}
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); by default a
        ``LocalCluster`` is started on this machine for the life of the context.
    workers : int, optional
        Worker processes of the local cluster (one thread each); default: the CPU count.
    progress : bool, optional
        Progress bars over parts (default: only on a terminal).

    Examples
    --------
    >>> with Engine("pandas") as eng:
    ...     eng.kind
    'pandas'
    """

    def __init__(self, kind: str = "pandas", *, scheduler: str | None = None,
                 workers: int | None = None, progress: bool | None = None):
        if kind not in ENGINES:
            raise ValueError(f"unknown engine {kind!r}; expected one of {', '.join(ENGINES)}")
        if kind == "pandas" and scheduler:
            raise ValueError("a scheduler address needs engine 'dask'")
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.kind = kind
        self.scheduler = scheduler
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.client = None
        self._cluster = None
        self._config = None
        self._shared: dict[int, Any] = {}

    def __enter__(self) -> Engine:
        if self.kind == "dask":
            import logging

            import dask
            from distributed import Client, LocalCluster

            # keep pandas' own string dtypes: Dask would otherwise turn text columns into
            # pyarrow strings and the two engines would return different dtypes
            self._config = dask.config.set({"dataframe.convert-string": False})
            self._config.__enter__()
            if self.scheduler:
                self.client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=logging.ERROR,
                )
                self.client = Client(self._cluster)
                # scatter(broadcast=True) reaches only the workers already registered
                self.client.wait_for_workers(self.workers, timeout=120)
        return self

    def __exit__(self, *exc: object) -> None:
        self._shared.clear()
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None

    def __repr__(self) -> str:
        where = self.scheduler or (f"local, {self.workers} workers" if self.kind == "dask" else "in process")
        return f"Engine({self.kind!r}, {where})"

    def _need_client(self) -> Any:
        if self.client is None:
            raise RuntimeError("the dask engine runs inside `with Engine('dask') as eng:`")
        return self.client

    def _ship(self, obj: Any) -> Any:
        """A heavy object for the workers: its recipe (built once per worker), or the object
        sent once to every worker (a future); on pandas, the object itself."""
        if self.kind == "pandas" or obj is None or isinstance(obj, bool):
            return obj
        recipe = _recipe(obj)
        if recipe is not None:
            return recipe
        key = id(obj)
        if key not in self._shared:
            self._shared[key] = (obj, self._need_client().scatter(obj, broadcast=True, hash=False))
        return self._shared[key][1]

    def _ship_delayed(self, obj: Any) -> Any:
        """:meth:`_ship` in a form a dask collection's task can take as an argument."""
        import dask

        shipped = self._ship(obj)
        if shipped is obj or isinstance(shipped, BuiltOnWorker):
            return shipped
        return dask.delayed(shipped)

    # ------------------------------------------------------------------ in-memory frames

    def map_frame(self, step: Step, frame: pd.DataFrame, *, npartitions: int | None = None,
                  **resources: Any) -> dict[str, pd.DataFrame]:
        """Run a one-input step on an in-memory frame; the same result on either engine.

        On Dask the frame is cut into ``npartitions`` row ranges (default: 4 per worker); a
        one-output step is a ``map_partitions`` with the step's meta, a multi-output step one
        delayed call per partition whose outputs become collections with ``from_delayed``.
        """
        if len(step.inputs) != 1:
            raise ValueError(f"map_frame runs one-input steps; {step.name} takes {len(step.inputs)}")
        if self.kind == "pandas":
            return step(frame, **resources)
        import dask
        import dask.dataframe as dd

        client = self._need_client()
        meta = step.meta(**resources)
        n = max(1, min(len(frame), npartitions or 4 * self.workers))
        # row ranges are scattered to the workers rather than embedded in the task graph
        bounds = np.linspace(0, len(frame), n + 1).astype(int)
        pieces = client.scatter([frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
        ddf = dd.from_delayed([dask.delayed(p) for p in pieces], meta=frame.iloc[:0], verify_meta=False)
        shipped = {k: self._ship_delayed(v) for k, v in resources.items()}
        if len(step.outputs) == 1:
            (name,) = step.outputs
            coll = ddf.map_partitions(_one_output, step, name, meta=meta[name], **shipped)
            outs = {name: coll}
        else:
            results = [dask.delayed(_call_step)(step, p, **shipped) for p in ddf.to_delayed()]
            outs = {
                name: dd.from_delayed([dask.delayed(_pick)(r, name) for r in results],
                                      meta=meta[name], verify_meta=False)
                for name in step.outputs
            }
        computed = dask.compute(*outs.values())
        res = {}
        for name, df in zip(outs, computed, strict=True):
            df = conform(df, meta[name], f"step {step.name}, output {name}")
            res[name] = df if step.keep_index else df.reset_index(drop=True)
        return res

    # ------------------------------------------------------------------ datasets

    def map_parts(self, tasks: Sequence[PartTask], *, desc: str = "parts", affinity: bool = False,
                  **resources: Any) -> list[PartResult]:
        """Run :func:`run_part` on every task; results in task order.

        On pandas the parts run one after another in this process (memory bounded by one
        part); on Dask one task per part, with the resources shipped once per worker.

        With ``affinity``, the parts of one folder (one source and year) are sent to the same
        worker, folders spread over the workers by input size: a stateful resource such as a
        :class:`ContentMemo` then sees every repeat of a text within a source-year on one
        worker, instead of each worker parsing it again. (An idle worker may still take over
        queued parts.)
        """
        from tqdm.auto import tqdm

        disable = (not self.progress) if self.progress is not None else None
        if self.kind == "pandas":
            return [run_part(t, **resources) for t in tqdm(tasks, desc=desc, unit="part", disable=disable)]
        from distributed import as_completed

        client = self._need_client()
        shipped = {k: self._ship(v) for k, v in resources.items()}
        if affinity:
            where = _assign_folders(tasks, sorted(client.scheduler_info()["workers"]))
            futures = [client.submit(run_part, t, workers=[where[_folder(t)]], allow_other_workers=True,
                                     pure=False, **shipped) for t in tasks]
        else:
            futures = client.map(run_part, list(tasks), pure=False, **shipped)
        with tqdm(total=len(futures), desc=desc, unit="part", disable=disable) as bar:
            for _ in as_completed(futures):
                bar.update(1)
        return client.gather(futures)


def _folder(task: PartTask) -> str:
    return task.relpath.rsplit("/", 1)[0] if "/" in task.relpath else ""


def _assign_folders(tasks: Sequence[PartTask], workers: list[str]) -> dict[str, str]:
    """Folders to workers, largest first to the least loaded (input bytes as the load)."""
    if not workers:
        raise RuntimeError("the Dask cluster has no workers")
    size: dict[str, int] = {}
    for t in tasks:
        size[_folder(t)] = size.get(_folder(t), 0) + sum(Path(p).stat().st_size for p in t.inputs)
    load = dict.fromkeys(workers, 0)
    where = {}
    for f in sorted(size, key=lambda f: (-size[f], f)):
        w = min(load, key=lambda w: (load[w], w))
        where[f] = w
        load[w] += size[f]
    return where


def _call_step(step: Step, part: pd.DataFrame, **resources: Any) -> dict[str, pd.DataFrame]:
    return step(part, **_resolve(resources))


def _one_output(part: pd.DataFrame, step: Step, name: str, **resources: Any) -> pd.DataFrame:
    return _call_step(step, part, **resources)[name]


def _pick(result: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return result[name]


__all__ = [
    "CLASSIFY_TITLES",
    "CLEAN_TEXT",
    "COUNT_ROLES",
    "ENGINES",
    "PART_ROWS",
    "RAW_POSTINGS",
    "RAW_TO_COUNTS",
    "SPLIT_ROLES",
    "TAG_SKILLS",
    "BuiltOnWorker",
    "ContentMemo",
    "Engine",
    "PartInfo",
    "PartResult",
    "PartTask",
    "Step",
    "conform",
    "count_roles",
    "count_unsplit",
    "merge_attrs",
    "meta_frame",
    "part_dir",
    "read_parts",
    "run_part",
    "split_parts",
    "sum_counts",
    "sum_unsplit",
    "write_parquet",
]
