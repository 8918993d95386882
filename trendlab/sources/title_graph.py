"""The ``title-graph`` package's job-title transition graph (PyPI ``title-graph==0.0.5``).

The package ships a pickled ``networkx.DiGraph`` (``title_graph/data/graph.pkl``) whose nodes
are normalised job titles and whose edges ``a -> b`` carry an integer ``weight``: how often title
``b`` followed title ``a`` in the career histories the author collected. This module reads that
graph straight from the registered sdist (verified sha256), without installing the package (its
runtime needs gensim) and without running arbitrary pickle code: the unpickler admits only
``networkx.classes.digraph.DiGraph`` (rebuilt as a plain attribute holder) and ``dict``.

Examples
--------
>>> from trendlab.sources import title_graph
>>> out = title_graph.load()  # doctest: +SKIP
>>> out.frame.columns.tolist()  # doctest: +SKIP
['from_title', 'to_title', 'count', 'source']
"""

from __future__ import annotations

import io
import pickle
import tarfile
from pathlib import Path

import pandas as pd

from trendlab.sources import Loaded, quarantine_frame

SOURCE = "title-graph"
PACKAGE_VERSION = "0.0.5"
GRAPH_MEMBER = f"title_graph-{PACKAGE_VERSION}/title_graph/data/graph.pkl"
TITLE = "title-graph: job title -> next job title transition counts (undated)"
DESCR = """\
A directed graph of job-title transitions shipped in the PyPI package title-graph 0.0.5
(Eric Stasney, 2018, MIT licence; https://github.com/estasney/TitleGraph): 2,383 titles and
50,289 edges, each edge weighted by how often one title followed another.

Provenance limits: the author does not document where the career histories came from (the
title vocabulary suggests English-language, mostly US technology-sector online profiles), how
many people they cover, or which years; the graph is undated, so no trend can be read from it.
Titles were normalised (lower-cased, punctuation stripped) and rare titles dropped before the
graph was built, so a title's absence means nothing. The weight counts title pairs, not people:
one person can contribute several edges, and 999 self-loops (title -> same title) record a
repeated title (a new employer or a re-listing), not a move. Weight-1 edges (about 73%) are
single observations. Use it as an undated cross-check on which moves exist, not as rates.
"""
LICENSE = "MIT (package code); the terms of the underlying career data are not stated"
CITATION = "Stasney, E. title-graph 0.0.5 (2018), https://pypi.org/project/title-graph/0.0.5/"

_ALLOWED = {
    ("networkx.classes.digraph", "DiGraph"): None,  # replaced by _GraphState below
    ("builtins", "dict"): dict,
}


class TitleGraphError(ValueError):
    """The sdist or its graph pickle is not what version 0.0.5 ships."""


class _GraphState:
    """Stand-in for ``networkx.DiGraph``: unpickling only sets its ``__dict__``."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"graph.pkl refers to {module}.{name}, which is not on the allow-list "
                f"{sorted('.'.join(k) for k in _ALLOWED)}"
            )
        target = _ALLOWED[(module, name)]
        return _GraphState if target is None else target


def read_graph_pickle(data: bytes, *, where: str = "graph.pkl") -> pd.DataFrame:
    """Edges of a pickled DiGraph as ``from_title, to_title, count`` (restricted unpickling).

    Examples
    --------
    >>> edges = read_graph_pickle(Path("graph.pkl").read_bytes())  # doctest: +SKIP
    >>> edges.columns.tolist()  # doctest: +SKIP
    ['from_title', 'to_title', 'count']
    """
    try:
        graph = _RestrictedUnpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise TitleGraphError(f"{where}: cannot read the graph pickle ({exc})") from exc
    succ = getattr(graph, "__dict__", {}).get("_succ")
    if not isinstance(succ, dict):
        raise TitleGraphError(
            f"{where}: expected a pickled networkx DiGraph with a '_succ' adjacency dict, "
            f"got {type(graph).__name__} with keys {sorted(getattr(graph, '__dict__', {}))}"
        )
    rows = [
        (a, b, attrs.get("weight") if isinstance(attrs, dict) else None)
        for a, nbrs in succ.items()
        for b, attrs in nbrs.items()
    ]
    return pd.DataFrame(rows, columns=["from_title", "to_title", "count"])


def parse_sdist(path: Path, *, member: str = GRAPH_MEMBER) -> Loaded:
    """Read the transition graph from the ``title_graph-0.0.5.tar.gz`` sdist.

    The member is read into memory (nothing is extracted to disk). Edges whose weight is not a
    positive integer, or whose titles are empty, are quarantined (``bad_weight``,
    ``empty_title``).

    Returns
    -------
    Loaded
        ``frame``: ``from_title, to_title, count, source`` (one row per edge; self-loops kept,
        see DESCR).

    Examples
    --------
    >>> out = parse_sdist(Path("title_graph-0.0.5.tar.gz"))  # doctest: +SKIP
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            try:
                info = tar.getmember(member)
            except KeyError:
                raise TitleGraphError(
                    f"{path}: no member {member!r}; is this the title-graph "
                    f"{PACKAGE_VERSION} sdist?"
                ) from None
            if not info.isfile():
                raise TitleGraphError(f"{path}: {member} is not a regular file")
            fh = tar.extractfile(info)
            data = fh.read() if fh is not None else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise TitleGraphError(f"{path}: not a readable .tar.gz ({exc})") from exc
    edges = read_graph_pickle(data, where=f"{path}!{member}")
    count = pd.to_numeric(edges["count"], errors="coerce")
    bad_w = count.isna() | (count <= 0) | (count != count.round())
    title_empty = (
        edges["from_title"].astype("string").str.strip().fillna("").eq("")
        | edges["to_title"].astype("string").str.strip().fillna("").eq("")
    )
    reason = pd.Series(pd.NA, index=edges.index, dtype="string")
    reason[title_empty] = "empty_title"
    reason[bad_w & reason.isna()] = "bad_weight"
    held = edges[reason.notna()]
    quarantine = quarantine_frame([
        {"source": SOURCE, "file": str(path), "record_id": f"{a} -> {b}", "reason": r,
         "detail": f"weight={w!r}"}
        for a, b, w, r in zip(held["from_title"], held["to_title"], held["count"],
                              reason[reason.notna()], strict=True)
    ])
    kept = edges[reason.isna()]
    frame = pd.DataFrame({
        "from_title": kept["from_title"].astype("string"),
        "to_title": kept["to_title"].astype("string"),
        "count": count[reason.isna()].astype("Int64"),
        "source": pd.Series(SOURCE, index=kept.index, dtype="string"),
    }).sort_values(["from_title", "to_title"]).reset_index(drop=True)
    return Loaded(frame, quarantine, len(edges))


def load(*, registry_source: str = SOURCE) -> Loaded:
    """Fetch the registered sdist (sha256-verified) and read its graph.

    Examples
    --------
    >>> edges = load().frame  # doctest: +SKIP
    >>> edges.query("to_title == 'product manager'").nlargest(5, "count")  # doctest: +SKIP
    """
    from trendlab.fetch import fetch
    from trendlab.registry import source

    return parse_sdist(fetch(source(registry_source).file(".tar.gz")))


__all__ = [
    "CITATION",
    "DESCR",
    "LICENSE",
    "PACKAGE_VERSION",
    "SOURCE",
    "TITLE",
    "TitleGraphError",
    "load",
    "parse_sdist",
    "read_graph_pickle",
]
