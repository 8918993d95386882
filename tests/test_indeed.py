"""Indeed Hiring Lab loaders: every published layout, bad values, monthly means, the real mirror."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trendlab import registry
from trendlab.sources import indeed

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "indeed"
HOST = "fixtures.invalid"


def _entry(name: str, source: str) -> registry.FileEntry:
    data = (FIX / name).read_bytes()
    url = f"https://{HOST}/hiring-lab/{source}/{name}"
    return registry.FileEntry(source, url, hashlib.sha256(data).hexdigest(), len(data))


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Declare fixture files as the files of registry sources and put them in a local mirror.

    ``served({"indeed-ai": ["ai_share.csv"]})`` replaces the files of ``indeed-ai``; returns the
    entries by fixture name. The loaders then read them through ``trendlab.fetch.fetch``.
    """
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))

    def serve(files: dict[str, list[str]]) -> dict[str, registry.FileEntry]:
        srcs = dict(registry.sources())
        out = {}
        for src_name, names in files.items():
            entries = tuple(_entry(n, src_name) for n in names)
            for n, e in zip(names, entries, strict=True):
                dest = mirror / e.cache_key
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(FIX / n, dest)
                out[n] = e
            old = srcs[src_name]
            srcs[src_name] = registry.Source(**{**old.__dict__, "files": entries})
        monkeypatch.setattr(registry, "sources", lambda: srcs)
        return out

    return serve


def _values(frame: pd.DataFrame, measure: str, series: str) -> list[float]:
    sel = frame[(frame["measure"] == measure) & (frame["series"] == series)]
    return sel.sort_values("date")["value"].astype(float).tolist()


# --------------------------------------------------------------------------- layouts


def test_aggregate_with_sa_and_nsa_columns(served):
    e = served({"indeed-postings": ["aggregate_sa_nsa.csv"]})["aggregate_sa_nsa.csv"]
    got = indeed.read_file(e, "postings")
    f = got.frame
    assert got.rows_in == 8 and len(f) == 8 and got.quarantine.empty
    assert _values(f, "index_sa", "total postings") == [100.0, 100.5]
    assert _values(f, "index_nsa", "total postings") == [100.0, 99.5]
    assert _values(f, "index_sa", "new postings") == [100.0, 98.25]
    assert _values(f, "index_nsa", "new postings") == [100.0, 97.75]
    assert str(f["date"].dtype) == "datetime64[ns]"
    assert list(f.columns) == ["date", "country", "series", "measure", "value"]
    assert set(f["country"]) == {"US"}


def test_aggregate_with_single_index_column_is_seasonally_adjusted(served):
    e = served({"indeed-postings": ["aggregate_sa.csv"]})["aggregate_sa.csv"]
    got = indeed.read_file(e, "postings")
    assert got.rows_in == 3 and got.quarantine.empty
    assert set(got.frame["measure"]) == {"index_sa"}
    assert _values(got.frame, "index_sa", "total postings") == [91.5, 92.0]
    assert _values(got.frame, "index_sa", "new postings") == [88.5]


def test_sector_file_names_series_by_sector_and_keeps_new_postings_apart(served):
    e = served({"indeed-postings": ["by_sector.csv"]})["by_sector.csv"]
    got = indeed.read_file(e, "postings")
    f = got.frame
    assert got.rows_in == 5 and len(f) == 5
    assert _values(f, "index_sa", "Software Development") == [70.25, 69.75]
    # a quoted sector name with a comma stays one field
    assert _values(f, "index_sa", "Loading, Stocking & Unloading") == [110.0, 111.0]
    assert _values(f, "index_sa", "Software Development (new postings)") == [64.5]


def test_ai_share_both_layouts_agree_on_output(served):
    e = served({"indeed-ai": ["ai_share.csv", "ai_share_first_layout.csv"]})
    new = indeed.read_file(e["ai_share.csv"], "ai").frame
    old = indeed.read_file(e["ai_share_first_layout.csv"], "ai").frame
    assert list(new.columns) == list(old.columns)
    assert set(new["measure"]) == set(old["measure"]) == {"ai_share"}
    assert set(new["series"]) == {"all postings"}
    us = new[new["country"] == "US"].sort_values("date")
    assert us["value"].astype(float).tolist() == [2.5, 2.75]
    # the first layout wrote 13 January 2019 as 13/1/19 (day first); ISO dates also accepted
    assert old["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-01-01", "2019-01-13", "2019-01-14"]
    assert old["value"].astype(float).tolist() == [1.5, 1.75, 1.8]


def test_remote_share_both_layouts(served):
    e = served({"indeed-remote": ["remote_share.csv", "remote_share_first_layout.csv"]})
    new = indeed.read_file(e["remote_share.csv"], "remote").frame
    old = indeed.read_file(e["remote_share_first_layout.csv"], "remote").frame
    assert dict(zip(new["country"], new["value"].astype(float), strict=True)) == {"US": 8.5, "IE": 18.25}
    assert set(old["measure"]) == {"remote_share"}
    assert old["value"].astype(float).tolist() == [2.5, 2.625]


def test_first_layout_is_read_as_the_kind_asked_for(served):
    # ai-postings.csv and remote_posting.csv shared one header: the caller's kind decides.
    e = served({"indeed-remote": ["remote_share_first_layout.csv"]})
    f = indeed.read_file(e["remote_share_first_layout.csv"], "ai").frame
    assert set(f["measure"]) == {"ai_share"}


# --------------------------------------------------------------------------- bad input


def test_bad_values_are_quarantined_one_value_each(served):
    e = served({"indeed-postings": ["bad_values.csv"]})["bad_values.csv"]
    got = indeed.read_file(e, "postings")
    q = got.quarantine
    assert got.rows_in == 24  # 12 rows x 2 value columns
    assert len(got.frame) == 9 and len(q) == 15
    assert len(got.frame) + len(q) == got.rows_in
    assert (q["file"] == "bad_values.csv").all()
    assert (q["source"] == "indeed-postings").all()

    def reasons(row: int) -> list[str]:
        return sorted(q.loc[q["record_id"] == f"row {row}", "reason"])

    assert reasons(2) == ["unparsable date", "unparsable date"]
    assert reasons(3) == ["non-numeric value"]
    assert reasons(4) == ["missing value"]
    assert reasons(5) == ["value out of range"]
    assert reasons(6) == ["bad country code", "bad country code"]
    assert reasons(7) == ["missing series", "missing series"]
    assert reasons(9) == ["duplicate", "duplicate"]
    assert reasons(10) == ["conflicting duplicate"]
    assert reasons(11) == ["conflicting duplicate", "duplicate"]
    assert reasons(12) == ["non-finite value"]
    detail3 = q.loc[q["record_id"] == "row 3", "detail"].item()
    assert "indeed_job_postings_index_SA='abc'" in detail3 and detail3.startswith("index_sa")
    assert "2020-02-31" in q.loc[q["record_id"] == "row 2", "detail"].iloc[0]
    # the NSA values of rows with a bad SA value are kept
    nsa = got.frame[got.frame["measure"] == "index_nsa"]["value"].astype(float).tolist()
    assert nsa == [100.0, 102.0, 103.0, 104.0, 107.0, 108.0, 110.0]
    # the conflicting SA values (108 vs 109) are both set aside
    sa = got.frame[got.frame["measure"] == "index_sa"]
    assert pd.Timestamp("2020-02-09") not in set(sa["date"])


def test_pre_2021_methodology_is_refused_with_reason(served):
    e = served({"indeed-postings": ["pre2021_methodology.csv"]})["pre2021_methodology.csv"]
    with pytest.raises(indeed.IndeedFormatError, match=r"pre2021_methodology\.csv.*not comparable"):
        indeed.read_file(e, "postings")


def test_unknown_columns_error_names_file_found_and_expected(served):
    e = served({"indeed-postings": ["unknown_columns.csv"]})["unknown_columns.csv"]
    with pytest.raises(indeed.IndeedFormatError) as err:
        indeed.read_file(e, "postings")
    msg = str(err.value)
    assert "unknown_columns.csv" in msg
    assert "['day', 'country', 'postings_index']" in msg
    assert "indeed_job_postings_index_SA" in msg and "display_name" in msg


def test_wrong_kind_is_an_error(served):
    e = served({"indeed-ai": ["ai_share.csv"]})["ai_share.csv"]
    with pytest.raises(indeed.IndeedFormatError, match="AI_share_postings"):
        indeed.read_file(e, "remote")
    with pytest.raises(ValueError, match="kind must be one of"):
        indeed.detect_layout(["date"], "salaries")


def test_parse_frame_does_not_mutate_input():
    raw = pd.read_csv(FIX / "by_sector.csv", dtype=str, keep_default_na=False)
    before = raw.copy()
    indeed.parse_frame(raw, "postings")
    pd.testing.assert_frame_equal(raw, before)


# --------------------------------------------------------------------------- registry loaders


def test_load_functions_read_every_csv_of_their_source(served):
    served({
        "indeed-postings": ["aggregate_sa_nsa.csv", "by_sector.csv"],
        "indeed-ai": ["ai_share.csv"],
        "indeed-remote": ["remote_share.csv"],
    })
    postings = indeed.load_postings()
    assert postings.rows_in == 8 + 5 and len(postings.frame) == 13
    everything = indeed.load()
    assert everything.rows_in == 13 + 3 + 2
    assert set(everything.frame["measure"]) == set(indeed.MEASURES)
    assert len(everything.frame) + len(everything.quarantine) == everything.rows_in


def test_loader_without_mirror_or_network_fails_clearly(monkeypatch):
    from trendlab.fetch import DataUnavailableError

    monkeypatch.setenv("TRENDLAB_OFFLINE", "1")
    with pytest.raises(DataUnavailableError):
        indeed.load_ai_share()


# --------------------------------------------------------------------------- monthly means


def _daily(start: str, values, series="total postings", measure="index_sa", country="US"):
    dates = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame({"date": dates, "country": country, "series": series,
                         "measure": measure, "value": pd.array(values, dtype="Float64")})


def test_to_monthly_means_by_hand():
    # February 2021 has 28 days: values 1..28 average to 14.5; March gets 3 days (10, 20, 60).
    df = pd.concat([_daily("2021-02-01", list(range(1, 29))), _daily("2021-03-01", [10, 20, 60])])
    before = df.copy()
    m = indeed.to_monthly(df)
    pd.testing.assert_frame_equal(df, before)
    feb = m[m["month"] == "2021-02"].iloc[0]
    mar = m[m["month"] == "2021-03"].iloc[0]
    assert feb["value"] == pytest.approx(14.5) and feb["n_days"] == 28 and bool(feb["complete"])
    assert mar["value"] == pytest.approx(30.0) and mar["n_days"] == 3 and not bool(mar["complete"])


def test_to_monthly_keeps_groups_apart_and_matches_simulation():
    rng = np.random.default_rng(7)
    a = rng.normal(100, 5, 366)  # 2024 is a leap year
    b = rng.uniform(0, 10, 366)
    df = pd.concat([
        _daily("2024-01-01", a),
        _daily("2024-01-01", b, series="Software Development"),
        _daily("2024-01-01", b / 2, measure="ai_share", series="all postings", country="GB"),
    ])
    m = indeed.to_monthly(df)
    assert len(m) == 36 and m["complete"].all()
    months = pd.date_range("2024-01-01", periods=366, freq="D").strftime("%Y-%m")
    want = pd.Series(a).groupby(months).mean()
    got = m[(m["series"] == "total postings")].set_index("month")["value"].astype(float)
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy())
    gb = m[m["country"] == "GB"].set_index("month")["value"].astype(float)
    sd = m[m["series"] == "Software Development"].set_index("month")["value"].astype(float)
    np.testing.assert_allclose(gb.to_numpy(), sd.to_numpy() / 2)


def test_to_monthly_requires_tidy_columns():
    with pytest.raises(ValueError, match=r"missing \['measure'\]"):
        indeed.to_monthly(pd.DataFrame(columns=["date", "country", "series", "value"]))


# --------------------------------------------------------------------------- real mirror


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_mirror(monkeypatch):
    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    got = indeed.load()
    f = got.frame
    assert got.quarantine.empty and len(f) == got.rows_in
    sd = f[f["series"] == "Software Development"]
    assert sd["date"].max() == pd.Timestamp("2024-09-27")
    assert sd["date"].min() == pd.Timestamp("2020-02-01")
    total = f[(f["series"] == "total postings") & (f["measure"] == "index_sa")]
    # every index series starts at 100 on 1 February 2020
    base = f[(f["date"] == "2020-02-01") & f["measure"].str.startswith("index")]
    assert (base["value"] == 100).all() and len(base) == 2 * 2 + 46
    assert total["date"].min() == pd.Timestamp("2020-02-01")
    assert set(f[f["measure"] == "ai_share"]["country"]) >= {"US", "GB", "DE"}
    m = indeed.to_monthly(f)
    sep = m[(m["series"] == "Software Development") & (m["month"] == "2024-09")].iloc[0]
    assert sep["n_days"] == 27 and not bool(sep["complete"])
