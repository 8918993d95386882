"""title-graph: the transition graph read from the sdist, with restricted unpickling."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tarfile
import types
from pathlib import Path

import pytest

from trendlab.sources import title_graph as tg


@pytest.fixture
def fake_networkx(monkeypatch):
    """A stand-in ``networkx.classes.digraph.DiGraph`` so a graph can be pickled like the real one."""
    class DiGraph:
        pass

    DiGraph.__module__ = "networkx.classes.digraph"
    DiGraph.__qualname__ = "DiGraph"
    for name in ("networkx", "networkx.classes", "networkx.classes.digraph"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["networkx.classes.digraph"].DiGraph = DiGraph
    return DiGraph


def graph_bytes(digraph, succ: dict) -> bytes:
    g = digraph()
    pred: dict = {}
    for a, nbrs in succ.items():
        for b, attrs in nbrs.items():
            pred.setdefault(b, {})[a] = attrs
    g.__dict__.update({"node_dict_factory": dict, "graph": {}, "_node": {k: {} for k in succ},
                       "_adj": succ, "_pred": pred, "_succ": succ})
    g.__dict__["root_graph"] = g
    return pickle.dumps(g, protocol=3)


def make_sdist(path: Path, member_bytes: bytes, member: str = tg.GRAPH_MEMBER) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in ((member, member_bytes),
                           ("title_graph-0.0.5/PKG-INFO", b"Name: title_graph\nVersion: 0.0.5\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


SUCC = {
    "software engineer": {"software engineer": {"weight": 40}, "product manager": {"weight": 3},
                          "engineering manager": {"weight": 5}},
    "product manager": {"senior product manager": {"weight": 7}, "software engineer": {"weight": 1}},
    "senior product manager": {},
    "engineering manager": {},
}


def test_edges_are_read_exactly(tmp_path, fake_networkx):
    sdist = make_sdist(tmp_path / "title_graph-0.0.5.tar.gz", graph_bytes(fake_networkx, SUCC))
    out = tg.parse_sdist(sdist)
    assert out.rows_in == 5 and len(out.quarantine) == 0
    got = {(r.from_title, r.to_title): r.count for r in out.frame.itertuples()}
    assert got == {("software engineer", "software engineer"): 40,
                   ("software engineer", "product manager"): 3,
                   ("software engineer", "engineering manager"): 5,
                   ("product manager", "senior product manager"): 7,
                   ("product manager", "software engineer"): 1}
    assert out.frame.columns.tolist() == ["from_title", "to_title", "count", "source"]
    assert str(out.frame["count"].dtype) == "Int64"


def test_bad_weights_and_empty_titles_are_quarantined(tmp_path, fake_networkx):
    succ = {"a": {"b": {"weight": 0}, "c": {"weight": 2.5}, "": {"weight": 4}, "d": {}},
            "e": {"f": {"weight": 2}}}
    out = tg.parse_sdist(make_sdist(tmp_path / "s.tar.gz", graph_bytes(fake_networkx, succ)))
    assert len(out.frame) == 1 and out.rows_in == 5
    assert sorted(out.quarantine["reason"]) == ["bad_weight", "bad_weight", "bad_weight",
                                                "empty_title"]


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    sdist = make_sdist(tmp_path / "evil.tar.gz", pickle.dumps(Evil()))
    with pytest.raises(tg.TitleGraphError, match="not on the allow-list"):
        tg.parse_sdist(sdist)
    assert not marker.exists()


def test_wrong_archive_errors(tmp_path, fake_networkx):
    other = make_sdist(tmp_path / "o.tar.gz", graph_bytes(fake_networkx, SUCC),
                       member="title_graph-0.0.4/title_graph/data/graph.pkl")
    with pytest.raises(tg.TitleGraphError, match="no member"):
        tg.parse_sdist(other)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(tg.TitleGraphError, match="not a readable"):
        tg.parse_sdist(junk)
    notgraph = make_sdist(tmp_path / "n.tar.gz", pickle.dumps({"nodes": []}))
    with pytest.raises(tg.TitleGraphError, match="_succ"):
        tg.parse_sdist(notgraph)


def test_load_through_registry_with_pinned_hash(tmp_path, http_server, register, fake_networkx):
    data = make_sdist(tmp_path / "t.tar.gz", graph_bytes(fake_networkx, SUCC)).read_bytes()
    url = http_server.add("/packages/ea/8d/title_graph-0.0.5.tar.gz", data)
    register("tg-test", url, hashlib.sha256(data).hexdigest(), len(data))
    out = tg.load(registry_source="tg-test")
    assert len(out.frame) == 5


def test_registry_pins_the_exact_sdist():
    from trendlab.registry import source

    f = source("title-graph").files[0]
    assert f.name == "title_graph-0.0.5.tar.gz"
    assert f.sha256 == "c52a64d19dd01331810244b4c5689fc99b515447e657c885613f47ba136c7b54"
    assert f.size == 4266744
