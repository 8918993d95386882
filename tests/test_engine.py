"""The engines: the same tables on pandas and on a Dask LocalCluster, partitioned storage,
part-level reuse, and a taxonomy change that re-tags without re-parsing.

Every post here is invented (companies, people and text), written in the HTML of HN comments.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from trendlab import config, pipeline
from trendlab import engine as E
from trendlab.clean.roles import split_roles
from trendlab.clean.skills import SkillMatcher, skill_flags, tag_skills
from trendlab.clean.text import add_text
from trendlab.clean.titles import TitleIndex

POSTS = [
    # (source, month, html)
    ("hn-a", "2015-03", "Quillon Labs | Senior Product Manager | Boston, MA | ONSITE<p>We make scheduling "
     "software for dental clinics.<p>You have shipped B2B products, write clear specs and know SQL. "
     "Python is a plus."),
    ("hn-a", "2015-03", "Brindle Freight | Backend Engineer, Data Scientist | Remote (US)<p>Backend Engineer: "
     "Go services on Postgres and Kafka; you know Docker and AWS.<p>Data Scientist: statistics, Python "
     "and SQL required; experience with A/B testing preferred.<p>Benefits: health and dental."),
    ("hn-a", "2015-11", "Marrow &amp; Pike | Frontend Engineer | London<p>React and TypeScript. No "
     "management experience required."),
    ("hn-a", "2016-02", "Is anyone hiring in Lisbon? I would love to hear about it."),
    ("hn-a", "2016-02", ""),
    ("hn-b", "2016-07", "Cobalt Orchard | Technical Product Manager | Austin, TX<p>You will own the roadmap "
     "of our API platform. A computer science degree and experience with REST APIs are required; "
     "Figma is nice to have."),
    ("hn-b", "2016-07", "Cobalt Orchard | Technical Product Manager | Austin, TX<p>You will own the roadmap "
     "of our API platform. A computer science degree and experience with REST APIs are required; "
     "Figma is nice to have."),  # the same ad twice: an exact repeat of the text
    ("hn-b", "2017-01", "Tallow Systems | Site Reliability Engineer | Berlin | VISA<p>Kubernetes, "
     "Terraform and Prometheus. You have run Linux in production.<p>We also hire a Product Designer "
     "who knows Figma."),
    ("hn-b", "2017-05", "Vetch &amp; Co | Product Owner | Toronto<p>Write user stories, run sprint planning "
     "with Jira, and work with engineers. Basic SQL preferred."),
    ("hn-b;hn-a", "2017-05", "Hollow Reed | Machine Learning Engineer | SF<p>PyTorch, Python and Spark. "
     "Experience with recommender systems."),
    ("hn-b;hn-a", "2018-01", "Glimmerwick | Engineering Manager | NYC<p>Lead a team of six. You have "
     "written Java for years."),
]


def raw_posts() -> pd.DataFrame:
    n = len(POSTS)
    return pd.DataFrame(
        {
            "source": pd.array([p[0] for p in POSTS], dtype="string"),
            "posting_id": pd.array([str(7_000_001 + 13 * i) for i in range(n)], dtype="string"),
            "thread_id": pd.array(["7000000"] * n, dtype="string"),
            "month": pd.array([p[1] for p in POSTS], dtype="string"),
            "posted_at": pd.Series([pd.NaT] * n, dtype="datetime64[ns, UTC]"),
            "author": pd.array([f"user{i}" for i in range(n)], dtype="string"),
            "html": pd.array([p[2] for p in POSTS], dtype="string"),
            "url": pd.array([None] * n, dtype="string"),
            "partial_month": pd.array([False] * n, dtype="boolean"),
        }
    )


def tiny_index() -> TitleIndex:
    """A hand-made fuzzy index (the real one reads O*NET and ESCO)."""
    return TitleIndex.from_labels(pd.DataFrame({
        "label": ["Reliability Engineer", "Product Designer", "Machine Learning Engineer"],
        "reference": ["t:1:Reliability Engineer", "t:2:Product Designer", "t:3:Machine Learning Engineer"],
        "role_family": ["software_engineering", "design", "software_engineering"],
    }))


@pytest.fixture(scope="module")
def dask_engine():
    with E.Engine("dask", workers=2, progress=False) as eng:
        yield eng


@pytest.fixture(scope="module")
def staged():
    """The steps run directly on whole frames, without any engine: the reference."""
    postings = add_text(raw_posts())
    split = split_roles(postings, fuzzy=tiny_index())
    m = SkillMatcher.from_taxonomy()
    hits = tag_skills(split.roles, "requirements_text", matcher=m, progress=False)
    return {"postings": postings, "roles": split.roles, "roles_unsplit": split.unsplit,
            "skill_hits": hits, "skill_flags": skill_flags(hits, split.roles), "matcher": m}


# --------------------------------------------------------------------------- steps, two engines


def test_the_corpus_exercises_the_cases(staged):
    roles, unsplit = staged["roles"], staged["roles_unsplit"]
    assert roles.groupby("posting_id").size().max() >= 2  # a multi-role post
    assert set(unsplit["reason"]) >= {"empty_text"}
    assert len(staged["skill_hits"]) > 10
    assert staged["skill_flags"]["technical_required"].any()


def test_steps_on_pandas_equal_the_plain_functions(staged):
    with E.Engine("pandas") as eng:
        postings = eng.map_frame(E.CLEAN_TEXT, raw_posts())["postings"]
        split = eng.map_frame(E.SPLIT_ROLES, postings, titles=tiny_index())
        tagged = eng.map_frame(E.TAG_SKILLS, split["roles"], matcher=staged["matcher"])
    assert_frame_equal(postings, staged["postings"])
    for name in ("roles", "roles_unsplit"):
        assert_frame_equal(split[name], staged[name])
    assert_frame_equal(tagged["skill_hits"], staged["skill_hits"])
    assert_frame_equal(tagged["skill_flags"], staged["skill_flags"])


def test_steps_on_a_local_cluster_equal_pandas_exactly(staged, dask_engine):
    raw = raw_posts()
    postings = dask_engine.map_frame(E.CLEAN_TEXT, raw, npartitions=4)["postings"]
    assert_frame_equal(postings, staged["postings"])  # same values, dtypes and index
    split = dask_engine.map_frame(E.SPLIT_ROLES, postings, npartitions=3, titles=tiny_index())
    for name in ("roles", "roles_unsplit"):
        assert_frame_equal(split[name], staged[name])
    tagged = dask_engine.map_frame(E.TAG_SKILLS, split["roles"], npartitions=5, matcher=staged["matcher"])
    assert_frame_equal(tagged["skill_hits"], staged["skill_hits"])
    assert_frame_equal(tagged["skill_flags"], staged["skill_flags"])


def test_extracted_titles_classified_alike_on_both_engines(dask_engine):
    titles = ["Senior PM", "Staff SWE", "Head of Product", "Reliabilty Enginer", "Barista", "Product Owner"]
    n = len(titles)
    extracted = E.meta_frame(__import__("trendlab.sources.hn_whos_hiring_db", fromlist=["x"]).FRAME)
    extracted = pd.concat([extracted, pd.DataFrame({
        "source": ["hn-x"] * n, "posting_id": [str(40 + i) for i in range(n)], "role_index": [0] * n,
        "month": ["2024-0" + str(1 + i % 9) for i in range(n)], "role_title": titles, "company": [None] * n,
        "employment_type": [None] * n, "remote": [None] * n, "languages_frameworks": [None] * n,
        "machine_extracted": [True] * n,
    }).astype(extracted.dtypes.to_dict())], ignore_index=True)
    with E.Engine("pandas") as eng:
        here = eng.map_frame(E.CLASSIFY_TITLES, extracted, titles=tiny_index())["classified"]
    there = dask_engine.map_frame(E.CLASSIFY_TITLES, extracted, npartitions=3, titles=tiny_index())["classified"]
    assert_frame_equal(here, there)
    assert here["role_family"].tolist()[:3] == ["other", "software_engineering", "product_management"]
    assert here.loc[3, "match_method"] == "fuzzy" and here["product_owner"].tolist()[-1]


def test_the_title_index_reaches_each_worker_once(dask_engine):
    index = tiny_index()
    shipped = dask_engine._ship(index)
    assert dask_engine._ship(index) is shipped  # the same future: scattered once
    who = dask_engine.client.who_has([shipped])
    assert len(next(iter(who.values()))) == 2  # broadcast: a copy on each of the 2 workers


def _built_here():
    return sorted(k[0] for k in E._BUILT)


def test_the_matcher_is_built_once_in_each_worker(staged, dask_engine):
    roles = staged["roles"]
    for n in (2, 4):  # two runs, several partitions each: still one build per worker
        dask_engine.map_frame(E.TAG_SKILLS, roles, npartitions=n, matcher=staged["matcher"])
    built = dask_engine.client.run(_built_here)
    assert len(built) == 2
    assert all(v == ["trendlab.engine.matcher_resource"] for v in built.values())
    with pytest.raises(RuntimeError, match="fingerprint 'not-this-one'|client's is 'not-this-one'"):
        E.BuiltOnWorker(E.matcher_resource, "not-this-one").get()


def test_meta_comes_from_the_schema_and_outputs_are_cast_to_it():
    meta = E.SPLIT_ROLES.meta()
    assert list(meta) == ["roles", "roles_unsplit"] and all(len(m) == 0 for m in meta.values())
    assert meta["roles"].dtypes["role_index"] == "Int64"
    assert meta["roles"].dtypes["technical_pm"] == "boolean"
    raw_meta = E.meta_frame(E.RAW_POSTINGS)
    assert list(raw_meta.columns) == list(raw_posts().columns)
    assert raw_meta.dtypes.to_dict() == raw_posts().dtypes.to_dict()
    # a part whose column is all missing comes back as object; it is cast to the meta
    out = E.conform(pd.DataFrame({"a": [None, None]}, dtype=object), pd.DataFrame({"a": pd.Series(dtype="Int64")}), "t")
    assert out.dtypes["a"] == "Int64"


def test_conform_names_the_column_and_what_was_expected():
    meta = pd.DataFrame({"a": pd.Series(dtype="Int64"), "b": pd.Series(dtype="string")})
    with pytest.raises(ValueError, match=r"step x.*missing \['b'\].*unexpected \['c'\]"):
        E.conform(pd.DataFrame({"a": [1], "c": ["z"]}), meta, "step x")
    with pytest.raises(ValueError, match="column 'a' holds str, cannot be Int64"):
        E.conform(pd.DataFrame({"a": ["seven"], "b": ["z"]}), meta, "step x")


def test_engine_arguments_are_checked():
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        E.Engine("spark")
    with pytest.raises(ValueError, match="needs engine 'dask'"):
        E.Engine("pandas", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(RuntimeError, match="inside `with Engine"):
        E.Engine("dask").map_frame(E.CLEAN_TEXT, raw_posts())
    with pytest.raises(TypeError, match="unknown resource"):
        E.SPLIT_ROLES(add_text(raw_posts()), matcher=None)


# --------------------------------------------------------------------------- counts


def test_count_roles_by_hand():
    roles = pd.DataFrame({"posting_id": ["1", "1", "2", "3"], "role_index": [0, 1, 0, 0],
                          "month": ["2015-01", "2015-01", "2015-01", "2015-02"], "source": ["hn"] * 4,
                          "role_family": ["pm", "swe", "pm", "pm"]})
    flags = pd.DataFrame({"posting_id": ["3", "2", "1", "1"], "role_index": [0, 0, 1, 0],
                          "has_text": [True, False, True, True],
                          "technical_required": [False, False, True, True]})
    c = E.count_roles(roles, flags)
    assert c.columns.tolist() == ["month", "source", "role_family", "roles", "roles_with_text", "technical_required"]
    assert c.values.tolist() == [
        ["2015-01", "hn", "pm", 2, 1, 1],
        ["2015-01", "hn", "swe", 1, 1, 1],
        ["2015-02", "hn", "pm", 1, 1, 0],
    ]
    # counts of disjoint parts add up to the counts of the whole
    whole = E.sum_counts([E.count_roles(roles.iloc[:2], flags.iloc[2:]), E.count_roles(roles.iloc[2:], flags.iloc[:2])])
    assert_frame_equal(whole, c)
    with pytest.raises(ValueError, match=r"1 role\(s\) not in both tables, first posting_id 3 role_index 0 only in roles"):
        E.count_roles(roles, flags.iloc[1:])


def test_fused_raw_to_counts_equals_the_staged_counts(staged):
    c = E.count_roles(staged["roles"], staged["skill_flags"])
    u = E.count_unsplit(staged["roles_unsplit"])
    assert c["roles"].sum() == len(staged["roles"])
    assert u["postings"].sum() == len(staged["roles_unsplit"]) >= 2
    memo = E.ContentMemo()
    res = {"titles": tiny_index(), "matcher": staged["matcher"]}
    out = E.RAW_TO_COUNTS(raw_posts(), memo=memo, **res)
    assert_frame_equal(out["role_counts"], c)
    assert_frame_equal(out["unsplit_counts"], u)
    # every posting is accounted for: with roles, or without one for a reason
    with_roles = staged["roles"]["posting_id"].nunique()
    assert out["texts"]["with_roles"].tolist() == [with_roles]
    assert with_roles + u["postings"].sum() == len(POSTS)
    distinct = raw_posts()["html"].nunique()
    assert distinct == len(POSTS) - 1 and memo.misses == distinct and len(memo) == distinct
    texts = E.RAW_TO_COUNTS(raw_posts(), **res)["texts"]  # without a memo: each distinct text once
    assert texts[["postings", "distinct", "parsed"]].values.tolist() == [[len(POSTS), distinct, distinct]]
    # a second part with the same texts is answered from the memo, with the same counts
    again = E.RAW_TO_COUNTS(raw_posts(), memo=memo, **res)
    assert_frame_equal(again["role_counts"], c)
    assert memo.hits == distinct and again["texts"]["parsed"].tolist() == [0]
    # a corpus of repeats: every count scales with the number of copies
    tripled = pd.concat([raw_posts()] * 3, ignore_index=True)
    out3 = E.RAW_TO_COUNTS(tripled, memo=None, **res)
    value_cols = [k for k in c.columns if k not in E.COUNT_KEYS]
    assert (out3["role_counts"][value_cols].to_numpy() == 3 * c[value_cols].to_numpy()).all()
    assert (out3["unsplit_counts"]["postings"].to_numpy() == 3 * u["postings"].to_numpy()).all()


def test_memo_is_bounded_and_still_counts_right(staged):
    m = E.ContentMemo(max_items=2)
    summary = pd.DataFrame({"code": [0, 1], "role_family": ["pm", "swe"]})
    assert m.add(["a", "b"], summary).tolist() == [0, 1]
    m.reserve(1)  # a third text would not fit: emptied
    assert len(m) == 0 and m.flushes == 1 and m.ids(["a"]).tolist() == [-1]
    with pytest.raises(ValueError, match="max_items must be >= 1"):
        E.ContentMemo(max_items=0)
    # a memo smaller than the corpus flushes as it goes and the counts are unchanged
    small = E.ContentMemo(max_items=4)
    res = {"titles": tiny_index(), "matcher": staged["matcher"]}
    c = E.count_roles(staged["roles"], staged["skill_flags"])
    for chunk in np.array_split(np.arange(len(POSTS)), 4):
        E.RAW_TO_COUNTS(raw_posts().iloc[chunk], memo=small, **res)
    total = E.sum_counts([E.RAW_TO_COUNTS(raw_posts().iloc[ch], memo=small, **res)["role_counts"]
                          for ch in np.array_split(np.arange(len(POSTS)), 4)])
    assert small.flushes >= 2
    assert_frame_equal(total, c)


def test_parts_of_a_folder_meet_one_memo_on_the_cluster(tmp_path, staged, dask_engine):
    """Two folders whose texts repeat across their parts: with affinity each text is parsed once."""
    raw = raw_posts()
    tasks = []
    for folder, rows in (("a/2015", raw.iloc[:5]), ("b/2016", raw.iloc[5:])):
        for j in range(3):
            path = tmp_path / folder / f"part-{j:05d}.parquet"
            E.write_parquet(rows, path)
            tasks.append(E.PartTask(E.RAW_TO_COUNTS, (str(path),), f"{folder}/part-{j:05d}.parquet"))
    where = E._assign_folders(tasks, ["w1", "w2"])
    assert sorted(where.values()) == ["w1", "w2"]  # one folder each
    res = {"titles": tiny_index(), "matcher": staged["matcher"], "memo": E.ContentMemo()}
    out = dask_engine.map_parts(tasks, affinity=True, **res)
    texts = pd.concat([r.frames["texts"] for r in out]).sum()
    assert texts["postings"] == 3 * len(raw)
    assert texts["parsed"] == raw["html"].nunique()
    counts = E.sum_counts([r.frames["role_counts"] for r in out])
    c = E.count_roles(staged["roles"], staged["skill_flags"])
    value_cols = [k for k in c.columns if k not in E.COUNT_KEYS]
    assert (counts[value_cols].to_numpy() == 3 * c[value_cols].to_numpy()).all()


# --------------------------------------------------------------------------- partitioned storage


def test_parts_by_source_and_year_round_trip_in_canonical_order(staged, monkeypatch):
    postings = staged["postings"]
    pieces = E.split_parts(postings, rows=2)
    rels = [r for r, _ in pieces]
    assert rels == sorted(rels) and "hn-b+hn-a/2017/part-00000.parquet" in rels
    assert sum(len(f) for _, f in pieces) == len(postings)
    assert max(len(f) for _, f in pieces) <= 2
    assert "hn-a/2015/part-00001.parquet" in rels  # three 2015 posts: two parts
    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("postings", ("postings",), partitioned=("postings",),
                                                            order={"postings": ("month", "posting_id")})])
    records = pipeline.write_dataset(postings.sample(frac=1, random_state=3), "postings")
    pipeline.write_json({"postings": {"parts": {"postings": records}}}, config.processed_dir() / pipeline.MANIFEST)
    assert_frame_equal(pipeline.read_output("postings"), postings)
    assert pd.read_parquet(pipeline.output_path("postings")).shape == postings.shape  # plain folder read


def test_an_empty_table_keeps_its_columns(monkeypatch):
    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("t", ("t",), partitioned=("t",))])
    empty = E.meta_frame(E.RAW_POSTINGS)
    records = pipeline.write_dataset(empty, "t")
    assert list(records) == [pipeline.EMPTY_PART]
    pipeline.write_json({"t": {"parts": {"t": records}}}, config.processed_dir() / pipeline.MANIFEST)
    assert_frame_equal(pipeline.read_output("t"), empty)


def test_attrs_of_parts_combine():
    merged = E.merge_attrs([{"n": 1, "v": "a", "w": "x"}, {"n": 2, "v": "a", "w": "y"}, {"d": {"k": 4}}])
    assert merged == {"n": 3, "v": "a", "d": {"k": 4}}  # 'w' disagrees: left out


def test_part_dir_is_a_safe_folder_name():
    assert E.part_dir("a;b", "2015") == "a+b/2015"
    assert E.part_dir("../x y", "20x5") == "x+y/_"


# --------------------------------------------------------------------------- the pipeline


def _stages(raw: pd.DataFrame, calls: list[str], raw_file) -> list[pipeline.Stage]:
    """The real per-posting stages behind a postings stage fed from a frame (no registry files).

    The frame is also written to ``raw_file``, which stands for the raw files in the key.
    """
    by = pipeline.stages_by_name()
    E.write_parquet(raw, raw_file)

    def make_postings(_, engine):
        calls.append("postings")
        return {"postings": engine.map_frame(E.CLEAN_TEXT, raw)["postings"]}

    roles = dataclasses.replace(
        by["roles"], run=None, outputs=("roles", "roles_unsplit"), needs=("postings",), sources=(),
        map=dataclasses.replace(by["roles"].map, resources=lambda: {"titles": tiny_index()}),
    )
    return [
        dataclasses.replace(by["postings"], run=make_postings, outputs=("postings",), sources=(),
                            extra_files=lambda: [raw_file]),
        roles,
        by["skills"],
        by["role_counts"],
    ]


def _build(monkeypatch, tmp_path, folder: str, raw: pd.DataFrame, **kw):
    calls: list[str] = []
    monkeypatch.setenv("TRENDLAB_DATA_DIR", str(tmp_path / folder))
    monkeypatch.setattr(pipeline, "STAGES", _stages(raw, calls, tmp_path / f"{folder}-raw.parquet"))
    rep = pipeline.build(log=lambda m: None, **kw)
    return rep, calls


def _manifest() -> dict:
    return json.loads((config.processed_dir() / pipeline.MANIFEST).read_text())


def test_build_on_a_local_cluster_equals_the_pandas_build(monkeypatch, tmp_path, staged, dask_engine):
    # at most two posts a part: 7 parts, two of them for the three hn-a posts of 2015
    monkeypatch.setattr(pipeline, "split_parts", lambda df: E.split_parts(df, rows=2))
    rep, _ = _build(monkeypatch, tmp_path, "pd", raw_posts(), engine="pandas")
    assert rep.built == ["postings", "roles", "skills", "role_counts"]
    assert rep.parts_run["roles"] == 7
    on_pandas = {n: pipeline.read_output(n) for n in ("postings", "roles", "roles_unsplit", "skill_hits",
                                                      "skill_flags", "role_counts", "unsplit_counts")}
    digests = {s: r["outputs"] for s, r in _manifest().items()}
    _build(monkeypatch, tmp_path, "dk", raw_posts(), engine=dask_engine)
    assert {s: r["outputs"] for s, r in _manifest().items()} == digests  # byte-identical parts
    for name, df in on_pandas.items():
        assert_frame_equal(pipeline.read_output(name), df)
    # and the partitioned build equals the steps run on the whole corpus, attrs included
    # (the tagger's counts of roles and of dropped mentions add up over the parts)
    for name in ("postings", "roles", "roles_unsplit", "skill_hits", "skill_flags"):
        assert_frame_equal(on_pandas[name], staged[name])
    assert on_pandas["skill_hits"].attrs == staged["skill_hits"].attrs
    assert on_pandas["skill_hits"].attrs["roles_in"] == len(staged["roles"])
    assert_frame_equal(on_pandas["role_counts"], E.count_roles(staged["roles"], staged["skill_flags"]))
    assert_frame_equal(on_pandas["unsplit_counts"], E.count_unsplit(staged["roles_unsplit"]))


def test_a_changed_part_is_the_only_one_rerun(monkeypatch, tmp_path):
    raw = raw_posts()
    rep, _ = _build(monkeypatch, tmp_path, "d", raw)
    n_parts = rep.parts_run["roles"]
    assert rep.parts_reused["roles"] == 0 and n_parts >= 5
    # one 2018 post changes: the postings stage reruns, one part of roles and skills does
    changed = raw.copy()
    changed.loc[changed["month"] == "2018-01", "html"] = "Glimmerwick | Staff Engineer | NYC<p>Rust and Go."
    rep2, _ = _build(monkeypatch, tmp_path, "d", changed)
    assert rep2.built == ["postings", "roles", "skills", "role_counts"]
    assert (rep2.parts_run["roles"], rep2.parts_reused["roles"]) == (1, n_parts - 1)
    assert (rep2.parts_run["skills"], rep2.parts_reused["skills"]) == (1, n_parts - 1)
    incremental = {n: pipeline.read_output(n) for n in ("roles", "skill_flags", "role_counts")}
    assert "Staff Engineer" in set(incremental["roles"]["role_title"])
    _build(monkeypatch, tmp_path, "fresh", changed)
    for name, df in incremental.items():
        assert_frame_equal(pipeline.read_output(name), df)


def test_nothing_changed_builds_nothing_and_a_damaged_part_is_rebuilt(monkeypatch, tmp_path):
    _build(monkeypatch, tmp_path, "d", raw_posts())
    rep, calls = _build(monkeypatch, tmp_path, "d", raw_posts())
    assert rep.built == [] and calls == []
    part = sorted(pipeline.output_path("skill_hits").rglob("*.parquet"))[0]
    part.write_bytes(b"not parquet")
    rep = pipeline.build(log=lambda m: None)
    # the part comes back with the same bytes, so the counts downstream stay up to date
    assert rep.built == ["skills"] and rep.parts_run["skills"] == 1 and rep.skipped[-1] == "role_counts"


def test_a_source_that_disappears_leaves_no_stale_part(monkeypatch, tmp_path):
    raw = raw_posts()
    _build(monkeypatch, tmp_path, "d", raw)
    assert (pipeline.output_path("roles") / "hn-b+hn-a").is_dir()
    _build(monkeypatch, tmp_path, "d", raw[raw["source"] != "hn-b;hn-a"].reset_index(drop=True))
    assert not (pipeline.output_path("roles") / "hn-b+hn-a").exists()
    assert "hn-b;hn-a" not in set(pipeline.read_output("roles")["source"])


def test_taxonomy_change_retags_but_does_not_reparse(monkeypatch, tmp_path):
    """With the real stages: a skill-vocabulary edit changes only the keys of the stages that
    read skills (the tagger, its counts, the PM labeller), a role-vocabulary edit also the roles
    stage's, and neither the postings stage's."""
    copy = tmp_path / "pkg"
    shutil.copytree(config.PACKAGE_DIR / "taxonomy", copy / "taxonomy")
    monkeypatch.setattr(config, "PACKAGE_DIR", copy)

    def keys() -> dict[str, str]:
        return {name: key for name, key, _ in pipeline.plan()}

    before = keys()
    skill_file = sorted((copy / "taxonomy").glob("skill*"))[0]
    skill_file.write_bytes(skill_file.read_bytes() + b"\n")
    after_skill = keys()
    changed = {s for s in before if before[s] != after_skill[s]}
    assert changed == {"skills", "role_counts", "pm_asks"}
    roles_file = copy / "taxonomy" / "role_families.csv"
    roles_file.write_bytes(roles_file.read_bytes() + b"\n")
    after_roles = keys()
    changed = {s for s in before if after_skill[s] != after_roles[s]}
    assert changed == {"roles", "skills", "role_counts", "pm_asks"}
    assert before["postings"] == after_roles["postings"] and before["reposts"] == after_roles["reposts"]


def test_a_skill_taxonomy_change_rebuilds_the_skill_stages_only(monkeypatch, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(config.PACKAGE_DIR / "taxonomy", copy / "taxonomy")
    rep, _ = _build(monkeypatch, tmp_path, "d", raw_posts())
    monkeypatch.setattr(config, "PACKAGE_DIR", copy)
    rep, calls = _build(monkeypatch, tmp_path, "d", raw_posts())  # keys now read the copy: same bytes
    assert rep.built == [] and calls == []
    skill_file = sorted((copy / "taxonomy").glob("skill*"))[0]
    skill_file.write_bytes(skill_file.read_bytes() + b"\n")
    rep, calls = _build(monkeypatch, tmp_path, "d", raw_posts())
    assert calls == [] and rep.skipped == ["postings", "roles"]
    assert rep.built == ["skills", "role_counts"]


def test_the_count_table_feeds_the_share_code_unchanged(monkeypatch, tmp_path, staged):
    """Shares from role_counts equal shares counted from the per-role tables."""
    from trendlab.measure.shares import shares_from_counts

    _build(monkeypatch, tmp_path, "d", raw_posts())
    counts = pipeline.read_output("role_counts")
    by_month = counts.groupby("month", as_index=False)[["roles_with_text", "technical_required"]].sum()
    got = shares_from_counts(by_month, successes="technical_required", n="roles_with_text",
                             period_col="month", population="all roles", measure="technical required", min_n=1)
    per_role = staged["roles"][["posting_id", "role_index", "month"]].merge(
        staged["skill_flags"], on=["posting_id", "role_index"])
    per_role = per_role[per_role["has_text"]]
    hand = per_role.groupby("month").agg(n=("has_text", "size"), successes=("technical_required", "sum"))
    assert got["n"].tolist() == hand["n"].tolist()
    assert got["successes"].tolist() == hand["successes"].tolist()
    assert got["share"].tolist() == pytest.approx((hand["successes"] / hand["n"]).tolist())


def test_an_existing_scheduler_is_used(staged):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        with E.Engine("dask", scheduler=cluster.scheduler_address) as eng:
            out = eng.map_frame(E.CLEAN_TEXT, raw_posts(), npartitions=2)["postings"]
            assert eng.client.scheduler.address == cluster.scheduler_address
    assert_frame_equal(out, staged["postings"])


def test_cli_build_passes_the_engine_through(monkeypatch):
    from typer.testing import CliRunner

    from trendlab.cli import app

    seen = {}

    def fake_build(stages, **kw):
        seen.update(kw, stages=stages)
        return pipeline.BuildReport(built=["roles"])

    monkeypatch.setattr(pipeline, "build", fake_build)
    r = CliRunner().invoke(app, ["build", "roles", "--engine", "dask", "--scheduler", "tcp://10.0.0.5:8786"])
    assert r.exit_code == 0, r.output
    assert seen["stages"] == ["roles"] and seen["engine"] == "dask" and seen["scheduler"] == "tcp://10.0.0.5:8786"


def test_cli_build_checks_its_engine_options():
    from typer.testing import CliRunner

    from trendlab.cli import app

    r = CliRunner().invoke(app, ["build", "--engine", "spark"])
    assert r.exit_code == 1 and "--engine must be one of pandas, dask" in r.output
    r = CliRunner().invoke(app, ["build", "--workers", "2"])
    assert r.exit_code == 1 and "need --engine dask" in r.output


def test_posting_ids_sort_as_numbers_when_read_whole(monkeypatch):
    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("t", ("t",), partitioned=("t",),
                                                            order={"t": ("month", "posting_id")})])
    df = pd.DataFrame({"source": ["s", "s", "s"], "month": ["2015-01"] * 3, "posting_id": ["10", "9", "100"],
                       "v": np.arange(3)})
    pipeline.write_json({"t": {"parts": {"t": pipeline.write_dataset(df, "t")}}},
                        config.processed_dir() / pipeline.MANIFEST)
    assert pipeline.read_output("t")["posting_id"].tolist() == ["9", "10", "100"]


def test_scale_bench_corpus_keeps_strata_and_sizes(tmp_path):
    """The bench's resampled corpora: the size asked, parts of bounded size per (source, year),
    strata in proportion, new unique ids, only texts of the base."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_scale

    base = add_text(raw_posts()).drop(columns=["company", "text"]).assign(html=raw_posts()["html"])
    base = base[E.meta_frame(E.RAW_POSTINGS).columns]
    paths = bench_scale.generate(base, 1000, tmp_path, part_rows=150)
    corpus = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    assert len(corpus) == 1000 and corpus["posting_id"].is_unique
    assert max(len(pd.read_parquet(p)) for p in paths) <= 150
    assert set(corpus["html"]) <= set(base["html"])
    for p in paths:  # a part holds one source and year, the folder's
        part = pd.read_parquet(p)
        assert {E.part_dir(s, m[:4]) for s, m in zip(part["source"], part["month"], strict=True)} == {
            p.parent.relative_to(tmp_path).as_posix()}
    share = corpus.groupby(corpus["source"] + corpus["month"].str[:4]).size() / 1000
    expected = base.groupby(base["source"] + base["month"].str[:4]).size() / len(base)
    assert (share - expected).abs().max() < 0.002  # largest remainders: within one posting
    assert_frame_equal(corpus.dtypes.to_frame(), base.dtypes.to_frame())
    again = bench_scale.generate(base, 1000, tmp_path / "again", part_rows=150, jobs=2)
    assert [p.relative_to(tmp_path / "again") for p in again] == [p.relative_to(tmp_path) for p in paths]
    assert_frame_equal(pd.concat([pd.read_parquet(p) for p in again], ignore_index=True), corpus)
