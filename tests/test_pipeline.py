"""The build machinery: deterministic atomic outputs, and stages skipped when nothing changed."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from trendlab import config, pipeline


def _toy_stages(calls: list[str]) -> list[pipeline.Stage]:
    def make_a(_):
        calls.append("a")
        return {"a": pd.DataFrame({"k": ["y", "x"], "v": [2, 1]}).sort_values("k")}

    def make_b(inputs):
        calls.append("b")
        a = inputs["a"]
        return {"b": a.assign(v2=a["v"] * 10), "b_report.json": {"rows": len(a)}}

    return [
        pipeline.Stage("a", ("a",), make_a, modules=("trendlab.config",)),
        pipeline.Stage("b", ("b", "b_report.json"), make_b, needs=("a",)),
    ]


@pytest.fixture
def toy(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "STAGES", _toy_stages(calls))
    return calls


def _digest(name: str) -> str:
    return hashlib.sha256(pipeline.output_path(name).read_bytes()).hexdigest()


def test_build_writes_outputs_and_skips_when_nothing_changed(toy):
    rep = pipeline.build(log=lambda m: None)
    assert rep.built == ["a", "b"] and toy == ["a", "b"]
    assert pipeline.read_output("b")["v2"].tolist() == [10, 20]
    assert pipeline.read_output("b_report.json") == {"rows": 2}
    rep2 = pipeline.build(log=lambda m: None)
    assert rep2.built == [] and rep2.skipped == ["a", "b"] and toy == ["a", "b"]


def test_same_inputs_give_identical_bytes(toy):
    pipeline.build(log=lambda m: None)
    first = {n: _digest(n) for n in ("a", "b", "b_report.json")}
    pipeline.build(force=True, log=lambda m: None)
    assert {n: _digest(n) for n in first} == first
    assert not list(config.processed_dir().glob(".*.tmp"))


def test_a_damaged_output_is_rebuilt(toy):
    pipeline.build(log=lambda m: None)
    pipeline.output_path("b").write_bytes(b"garbage")
    rep = pipeline.build(log=lambda m: None)
    assert rep.built == ["b"] and rep.skipped == ["a"]


def test_upstream_change_rebuilds_downstream_only(toy, monkeypatch):
    pipeline.build(log=lambda m: None)
    real_key = pipeline.stage_key

    def changed(stage, up):
        key = real_key(stage, up)
        return key[::-1] if stage.name == "a" else key

    monkeypatch.setattr(pipeline, "stage_key", changed)
    rep = pipeline.build(log=lambda m: None)
    assert rep.built == ["a", "b"]


def test_building_one_target_builds_what_it_needs(toy):
    rep = pipeline.build(["b"], log=lambda m: None)
    assert rep.built == ["a", "b"]
    with pytest.raises(KeyError, match="unknown stage 'zzz'"):
        pipeline.build(["zzz"], log=lambda m: None)
