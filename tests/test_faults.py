"""Faults: timeouts and resets on the wire, and a build killed while it writes.

The network tests run against a real HTTP server on 127.0.0.1 whose handler can stall past the
client's timeout or cut the connection in the middle of a body; the client's timeout and backoff
are made tiny so the tests stay fast. The interruption test kills a real ``trendlab`` build
process (SIGKILL) while it is writing a table, then checks what is on disk.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from trendlab import fetch
from trendlab.fetch import DataUnavailableError, DownloadError, HTTPDownloader, cache_path
from trendlab.sources import hn_api

BODY = b"id,text\n1,hello\n2,world\n" * 200
SHA = hashlib.sha256(BODY).hexdigest()
TIMEOUT = 0.2  # the client's socket timeout in these tests
STALL = 1.0  # how long a stalling server waits: well past TIMEOUT


def fast(retries: int = 2) -> HTTPDownloader:
    return HTTPDownloader(retries=retries, backoff=0.01, timeout=TIMEOUT)


# --------------------------------------------------------------------------- a faulty server


@dataclass
class FaultyServer:
    """Serves ``body`` at each path; the first ``faults`` answers of a path misbehave.

    Behaviours: ``"stall"`` (no answer until past the client's timeout), ``"stall-body"``
    (headers and half the body, then silence), ``"reset"`` (headers and half the body, then a
    TCP reset), ``"short"`` (half the body, then a clean close: fewer bytes than Content-Length).
    """

    base_url: str = ""
    routes: dict[str, tuple[bytes, str, int]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def add(self, path: str, body: bytes, fault: str = "", faults: int = 0) -> str:
        self.routes[path] = (body, fault, faults)
        return self.base_url + path


def _handler(srv: FaultyServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            n = srv.hits.get(self.path, 0)
            srv.hits[self.path] = n + 1
            if self.path not in srv.routes:
                self.send_error(404)
                return
            body, fault, faults = srv.routes[self.path]
            fault = fault if n < faults else ""
            if fault == "stall":
                time.sleep(STALL)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if not fault or fault == "stall":
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting: that is the point of a stall
                return
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if fault == "stall-body":
                time.sleep(STALL)
            elif fault == "reset":
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def faulty(serve) -> Iterator[FaultyServer]:
    srv = FaultyServer()
    with serve(_handler(srv)) as srv.base_url:
        yield srv


def _leftovers(f) -> list[str]:
    folder = cache_path(f).parent
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# --------------------------------------------------------------------------- fetch downloads


@pytest.mark.parametrize("fault", ["stall", "stall-body", "reset", "short"])
def test_fetch_retries_a_fault_then_caches_the_whole_file(faulty, register, fault):
    url = faulty.add(f"/d/{fault}.csv", BODY, fault=fault, faults=1)
    f = register("t-src", url, SHA, len(BODY))
    path = fetch.fetch(f, downloader=fast())
    assert path.read_bytes() == BODY
    assert faulty.hits[f"/d/{fault}.csv"] == 2
    assert _leftovers(f) == [f"{fault}.csv"]  # no .part file beside it


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ("stall", DataUnavailableError, r"cannot be downloaded \(cannot reach .*/d/stall\.csv: .*timed out"),
        ("stall-body", DataUnavailableError, r"cannot reach .*/d/stall-body\.csv: .*timed out"),
        ("reset", (DownloadError, DataUnavailableError), r"/d/reset\.csv"),
        ("short", DownloadError, r"GET .*/d/short\.csv: body truncated .*after 3 attempts"),
    ],
)
def test_fetch_fault_on_every_attempt_is_a_clear_error_and_caches_nothing(faulty, register, fault, error, message):
    url = faulty.add(f"/d/{fault}.csv", BODY, fault=fault, faults=99)
    f = register("t-src", url, SHA, len(BODY))
    with pytest.raises(error, match=message) as err:
        fetch.fetch(f, downloader=fast())
    assert url in str(err.value)
    assert faulty.hits[f"/d/{fault}.csv"] == 3
    assert not cache_path(f).exists()
    assert _leftovers(f) == []


def test_a_fault_leaves_a_cached_file_untouched(faulty, register):
    url = faulty.add("/d/ok.csv", BODY)
    f = register("t-src", url, SHA, len(BODY))
    path = fetch.fetch(f, downloader=fast())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    faulty.add("/d/ok.csv", BODY, fault="reset", faults=99)
    # the verified cache answers; the broken server is not even asked
    assert fetch.fetch(f, downloader=fast()) == path
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert faulty.hits["/d/ok.csv"] == 1


# --------------------------------------------------------------------------- the hn-api client


def _thread(tid: int, kids: list[int]) -> bytes:
    return json.dumps(
        {"id": tid, "type": "story", "by": "whoishiring", "time": 1393632000, "kids": kids,
         "title": "Ask HN: Who is hiring? (March 2014)"}
    ).encode()


def _comment(cid: int, parent: int, text: str) -> bytes:
    return json.dumps({"id": cid, "type": "comment", "by": "ann", "time": 1393632100, "text": text,
                       "parent": parent}).encode()


def _serve_thread(srv: FaultyServer, fault: str, faults: int) -> tuple[str, str]:
    fb = "/firebase/v0"
    srv.add(f"{fb}/item/500.json", _thread(500, [501, 502]))
    srv.add(f"{fb}/item/501.json", _comment(501, 500, "Initech | Engineer | Remote"))
    # the second comment's answer misbehaves
    srv.add(f"{fb}/item/502.json", _comment(502, 500, "Globex | PM | Onsite " + "x" * 400), fault, faults)
    return srv.base_url + "/algolia", srv.base_url + fb


@pytest.mark.parametrize("fault", ["stall", "stall-body", "reset", "short"])
def test_hn_api_retries_a_fault_and_reads_every_comment(faulty, fault):
    algolia, firebase = _serve_thread(faulty, fault, faults=1)
    snap = hn_api.fetch_thread(500, algolia_base=algolia, firebase_base=firebase, downloader=fast(),
                               use_tree=False, workers=1)
    assert [i["id"] for i in snap["items"]] == [501, 502]
    assert snap["items"][1]["text"].startswith("Globex | PM")
    assert faulty.hits["/firebase/v0/item/502.json"] == 2
    rows, held = hn_api.parse_snapshot(snap, month="2014-03")
    assert [r["posting_id"] for r in rows] == ["501", "502"] and held == []


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ("stall", DataUnavailableError, r"cannot reach .*/item/502\.json: .*timed out"),
        ("stall-body", DataUnavailableError, r"cannot reach .*/item/502\.json: .*timed out"),
        ("reset", (DownloadError, DataUnavailableError), r"/item/502\.json"),
        ("short", DownloadError, r"GET .*/item/502\.json: body truncated \(got \d+ of \d+ bytes\) after 3 attempts"),
    ],
)
def test_hn_api_fault_on_every_attempt_names_the_url_and_caches_nothing(faulty, fault, error, message):
    algolia, firebase = _serve_thread(faulty, fault, faults=99)
    with pytest.raises(error, match=message):
        hn_api.fetch_thread(500, algolia_base=algolia, firebase_base=firebase, downloader=fast(),
                            use_tree=False, workers=1)
    assert faulty.hits["/firebase/v0/item/502.json"] == 3
    assert not hn_api.thread_cache_path(500).exists()
    folder = hn_api.cache_dir()
    assert not folder.exists() or not any(folder.rglob("*.tmp"))


def test_hn_api_fault_keeps_an_earlier_snapshot(faulty):
    algolia, firebase = _serve_thread(faulty, "", 0)
    kw = {"algolia_base": algolia, "firebase_base": firebase, "use_tree": False, "workers": 1}
    hn_api.fetch_thread(500, downloader=fast(), **kw)
    cached = hn_api.thread_cache_path(500).read_bytes()
    faulty.add("/firebase/v0/item/502.json", b"{}", "reset", 99)
    with pytest.raises((DownloadError, DataUnavailableError)):
        hn_api.fetch_thread(500, refresh=True, downloader=fast(), **kw)
    assert hn_api.thread_cache_path(500).read_bytes() == cached


# --------------------------------------------------------------------------- a build killed mid-write

# A build of two toy stages in a child process. Stage ``a`` reads a number from an input file
# (part of its cache key); stage ``b`` writes three outputs from ``a``. ``TL_BLOCK`` makes the
# child stop while writing: ``in-write`` once the temporary file of ``b`` is written but before
# it is moved into place, ``between`` after ``b`` is in place and before ``c`` is written. The
# child touches ``TL_READY`` when it stops there, and the test kills it.
CHILD = textwrap.dedent(
    """
    import os, time
    from pathlib import Path
    import pandas as pd
    import pyarrow.parquet as pq
    from trendlab import pipeline

    INPUT = Path(os.environ["TL_INPUT"])
    BLOCK = os.environ.get("TL_BLOCK", "")
    READY = Path(os.environ["TL_READY"])

    def make_a(_):
        n = int(INPUT.read_text())
        return {"a": pd.DataFrame({"k": [f"id{i:04d}" for i in range(n)], "v": range(n)})}

    def make_b(inputs):
        a = inputs["a"]
        return {"b": a.assign(w=a["v"] * 2), "c": a.head(3), "b_report.json": {"rows": len(a)}}

    pipeline.STAGES = [
        pipeline.Stage("a", ("a",), make_a, extra_files=lambda: [INPUT], modules=("trendlab.config",)),
        pipeline.Stage("b", ("b", "c", "b_report.json"), make_b, needs=("a",)),
    ]

    real = pq.write_table

    def write_table(table, where, **kw):
        name = Path(where).name
        if BLOCK == "between" and name.startswith(".c.parquet."):
            READY.touch()
            time.sleep(600)
        real(table, where, **kw)
        if BLOCK == "in-write" and name.startswith(".b.parquet."):
            READY.touch()
            time.sleep(600)

    pq.write_table = write_table
    pipeline.build()
    """
)


def _run_child(data: Path, n: int, tmp: Path, block: str = "") -> subprocess.Popen:
    inp = tmp / "input.txt"
    inp.write_text(str(n))
    env = {**os.environ, "TRENDLAB_DATA_DIR": str(data), "TL_INPUT": str(inp), "TL_BLOCK": block,
           "TL_READY": str(tmp / "ready")}
    return subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def _snapshot(data: Path) -> dict[str, bytes]:
    """Every file of the processed folder except temporary ones, by name."""
    folder = data / "processed"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.endswith(".tmp")}


def _manifest(data: Path) -> dict:
    return json.loads((data / "processed" / "_manifest.json").read_text())


def _recorded_and_on_disk(data: Path, stage: str) -> bool:
    """Whether every output the manifest records for a stage is on disk with that digest."""
    rec = _manifest(data)[stage]
    folder = data / "processed"
    for name, digest in rec["outputs"].items():
        path = folder / (name if name.endswith(".json") else f"{name}.parquet")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


@pytest.mark.parametrize("block", ["in-write", "between"])
def test_a_build_killed_mid_write_keeps_whole_files_and_the_next_run_finishes(tmp_path, block):
    data, work = tmp_path / "killed", tmp_path / "work"
    work.mkdir()
    _finish(_run_child(data, 5, work))
    old = _snapshot(data)
    old_manifest = _manifest(data)
    assert set(old) == {"a.parquet", "b.parquet", "c.parquet", "b_report.json", "_manifest.json"}

    # a new input: both stages rebuild; the child is killed while it writes the outputs of b
    proc = _run_child(data, 7, work, block=block)
    deadline = time.monotonic() + 60
    while not (work / "ready").exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the build never reached the write"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    (work / "ready").unlink()
    assert proc.returncode == -signal.SIGKILL

    killed = _snapshot(data)
    manifest = _manifest(data)
    # stage a finished before the kill: its new output is recorded and on disk
    assert killed["a.parquet"] != old["a.parquet"] and _recorded_and_on_disk(data, "a")
    # the killed stage's record is the previous build's: nothing new was claimed for it
    assert manifest["b"] == old_manifest["b"]
    assert killed["c.parquet"] == old["c.parquet"] and killed["b_report.json"] == old["b_report.json"]
    if block == "in-write":
        # the temporary file was whole but never moved into place: the old table is untouched
        assert killed["b.parquet"] == old["b.parquet"]
        assert _recorded_and_on_disk(data, "b")
        assert len(list((data / "processed").glob(".b.parquet.*.tmp"))) == 1
    else:
        # b was replaced whole (a new, readable table); the manifest still holds b's old digest,
        # so the stage is seen as damaged and rebuilt, never taken as up to date
        assert killed["b.parquet"] != old["b.parquet"]
        assert not _recorded_and_on_disk(data, "b")
        assert len(list((data / "processed").glob(".c.parquet.*.tmp"))) == 1
    import pandas as pd

    for name in ("a.parquet", "b.parquet", "c.parquet"):  # every table is a whole parquet file
        assert len(pd.read_parquet(data / "processed" / name)) in (3, 5, 7)
    # no temporary file is named by the manifest
    named = {n for rec in manifest.values() for n in rec.get("outputs", {})}
    assert not any(n.endswith(".tmp") for n in named)

    # the next run finishes: a is up to date, b is rebuilt
    out = _finish(_run_child(data, 7, work))
    assert "[a] up to date" in out and "[b] built" in out
    assert _recorded_and_on_disk(data, "a") and _recorded_and_on_disk(data, "b")

    # ... and gives the bytes of a build that was never interrupted
    fresh = tmp_path / "fresh"
    _finish(_run_child(fresh, 7, work))
    resumed, clean = _snapshot(data), _snapshot(fresh)
    assert set(resumed) == set(clean)
    for name in clean:
        if name != "_manifest.json":  # the manifest holds mtimes; its digests are compared below
            assert resumed[name] == clean[name], name
    for stage in ("a", "b"):
        assert _manifest(data)[stage]["outputs"] == _manifest(fresh)[stage]["outputs"]
        assert _manifest(data)[stage]["key"] == _manifest(fresh)[stage]["key"]
