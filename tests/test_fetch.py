"""The fetch path: cache, mirror and a real HTTP server on 127.0.0.1 — never the internet."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from trendlab import config, fetch
from trendlab.fetch import (
    DataUnavailableError,
    DownloadError,
    HashMismatchError,
    HTTPDownloader,
    cache_path,
    status,
)
from trendlab.registry import FileEntry, RegistryError, entry, sources

BODY = b"id,text\n1,hello\n2,world\n" * 50
SHA = hashlib.sha256(BODY).hexdigest()
FAST = HTTPDownloader(retries=2, backoff=0.01, timeout=5)


def test_registry_declares_every_file_once_with_a_safe_cache_key():
    urls = [f.url for s in sources().values() for f in s.files]
    assert len(urls) == len(set(urls)) >= 170
    for s in sources().values():
        for f in s.files:
            assert f.url.startswith("https://"), f.url
            assert len(f.sha256) == 64 or not f.sha256
            assert not f.cache_key.startswith("/") and ".." not in Path(f.cache_key).parts


def test_registry_rejects_unknown_urls():
    with pytest.raises(RegistryError, match="not declared"):
        entry("https://example.org/nope.csv")


def test_download_success_verifies_and_caches(http_server, register):
    url = http_server.add("/d/file.csv", BODY)
    f = register("t-src", url, SHA, len(BODY))
    path = fetch.fetch(f, downloader=FAST)
    assert path == cache_path(f)
    assert path.read_bytes() == BODY
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # read-only (root ignores modes)
    assert oct(path.stat().st_mode & 0o777) == "0o444"
    assert http_server.log == ["/d/file.csv"]
    # a cached file with the right hash never touches the network again
    assert fetch.fetch(f, downloader=FAST) == path
    assert http_server.log == ["/d/file.csv"]
    assert status(f) == "cached"
    # no temporary files left behind
    assert [p.name for p in path.parent.iterdir()] == ["file.csv"]


def test_404_is_an_error_naming_the_url_and_not_retried(http_server, register):
    url = http_server.url("/missing.csv")
    f = register("t-src", url, SHA, len(BODY))
    with pytest.raises(DownloadError, match=r"missing\.csv.*HTTP 404"):
        fetch.fetch(f, downloader=FAST)
    assert http_server.log == ["/missing.csv"]
    assert not cache_path(f).exists()


def test_500_then_success_is_retried(http_server, register):
    url = http_server.add("/flaky.csv", BODY, then=[(500, b"oops"), (503, b"busy")])
    f = register("t-src", url, SHA, len(BODY))
    path = fetch.fetch(f, downloader=FAST)
    assert path.read_bytes() == BODY
    assert http_server.log == ["/flaky.csv"] * 3


def test_persistent_500_gives_up_after_the_retries(http_server, register):
    url = http_server.add("/down.csv", b"err", status=500)
    f = register("t-src", url, SHA, len(BODY))
    with pytest.raises(DownloadError, match="HTTP 500.*after 3 attempts"):
        fetch.fetch(f, downloader=FAST)
    assert len(http_server.log) == 3


def test_truncated_body_is_retried_then_refused(http_server, register):
    url = http_server.add("/cut.csv", BODY[:100], headers={"Content-Length": str(len(BODY))})
    f = register("t-src", url, SHA, len(BODY))
    with pytest.raises(DownloadError, match="truncated"):
        fetch.fetch(f, downloader=FAST)
    assert len(http_server.log) == 3
    assert not cache_path(f).exists()
    assert not any(cache_path(f).parent.glob("*.part"))


def test_wrong_hash_names_url_and_both_hashes_and_keeps_nothing(http_server, register):
    bad = b"id,text\n1,tampered\n"
    url = http_server.add("/bad.csv", bad)
    f = register("t-src", url, SHA, None)
    with pytest.raises(HashMismatchError) as err:
        fetch.fetch(f, downloader=FAST)
    msg = str(err.value)
    assert url in msg and SHA in msg and hashlib.sha256(bad).hexdigest() in msg
    assert not cache_path(f).exists()
    assert list(cache_path(f).parent.iterdir()) == []


def _mirror_with(tmp_path: Path, f: FileEntry, body: bytes) -> Path:
    mirror = tmp_path / "mirror"
    target = mirror / f.cache_key
    target.parent.mkdir(parents=True)
    target.write_bytes(body)
    return mirror


def test_mirror_is_used_before_the_network(tmp_path, monkeypatch, register):
    f = register("t-src", "https://example.invalid/o/r/abc/data/x.csv", SHA, len(BODY))
    mirror = _mirror_with(tmp_path, f, BODY)
    monkeypatch.setenv("TRENDLAB_MIRROR", str(mirror))
    assert status(f) == "mirrored"

    def no_network(*a, **k):
        raise AssertionError("network used although the mirror has the file")

    path = fetch.fetch(f, downloader=no_network)
    assert path.read_bytes() == BODY
    assert path.is_relative_to(config.raw_dir())
    assert status(f) == "cached"


def test_bad_mirror_copy_is_refused(tmp_path, monkeypatch, register):
    f = register("t-src", "https://example.invalid/o/r/abc/y.csv", SHA, len(BODY))
    monkeypatch.setenv("TRENDLAB_MIRROR", str(_mirror_with(tmp_path, f, BODY[:-1] + b"X")))
    with pytest.raises(HashMismatchError, match="mirror copy"):
        fetch.fetch(f)
    assert not cache_path(f).exists()


def test_corrupted_cache_file_is_set_aside_and_refetched(tmp_path, monkeypatch, register):
    f = register("t-src", "https://example.invalid/o/r/abc/z.csv", SHA, len(BODY))
    monkeypatch.setenv("TRENDLAB_MIRROR", str(_mirror_with(tmp_path, f, BODY)))
    path = fetch.fetch(f)
    os.chmod(path, 0o644)
    path.write_bytes(b"corrupted")
    again = fetch.fetch(f)
    assert again.read_bytes() == BODY
    assert path.with_name("z.csv.corrupt").read_bytes() == b"corrupted"


def test_offline_without_mirror_names_source_url_and_both_remedies(register, monkeypatch):
    f = register("t-src", "https://example.invalid/o/r/abc/q.csv", SHA, len(BODY))
    monkeypatch.setenv("TRENDLAB_OFFLINE", "1")
    with pytest.raises(DataUnavailableError) as err:
        fetch.fetch(f)
    msg = str(err.value)
    assert "'t-src'" in msg and f.url in msg
    assert "network" in msg and "TRENDLAB_MIRROR" in msg


def test_unreachable_host_is_data_unavailable(register):
    # port 9 on loopback: nothing listens, the connection is refused at once
    f = register("t-src", "http://127.0.0.1:9/q.csv", SHA, len(BODY))
    with pytest.raises(DataUnavailableError, match="cannot be downloaded"):
        fetch.fetch(f, downloader=HTTPDownloader(retries=1, backoff=0.01, timeout=2))


def test_trust_on_first_use_records_then_refuses_a_changed_file(http_server, register):
    url = http_server.add("/tofu.zip", BODY)
    f = register("t-src", url, "", None)
    path = fetch.fetch(f, downloader=FAST)
    assert fetch.expected_sha256(f) == SHA
    # the upstream file changes; a fresh cache must refuse it
    os.chmod(path, 0o644)
    path.unlink()
    http_server.add("/tofu.zip", BODY + b"changed")
    with pytest.raises(HashMismatchError, match=SHA):
        fetch.fetch(f, downloader=FAST)
