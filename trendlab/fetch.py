"""Resolve a registered public file to a verified local path.

Order of resolution, for a file declared in the registry:

1. the local cache, ``data/raw/<host>/<url path>`` (or under ``TRENDLAB_DATA_DIR``);
2. the mirror folder named by ``TRENDLAB_MIRROR``, laid out the same way;
3. the network.

A file enters the cache only through a temporary file in the cache folder that is moved into
place once it is complete and its sha256 matches the registry (``os.replace`` is atomic on one
file system). A mismatch is an error naming the URL and both hashes, and the bad bytes are
never used. Cached files are made read-only: raw data is immutable.

The downloader is a plain callable, the seam for tests and for other transports (see
:class:`HTTPDownloader`).

Examples
--------
>>> from trendlab.fetch import fetch_source
>>> paths = fetch_source("hn-jobs-data")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, Literal

from tqdm.std import tqdm

from trendlab import config
from trendlab.registry import FileEntry, entry, source

CHUNK = 1 << 20
VERIFIED_LEDGER = ".verified.json"
FIRST_USE_LEDGER = ".first-use-sha256.json"

Status = Literal["cached", "mirrored", "missing"]


class FetchError(RuntimeError):
    """Base class for errors while resolving a public file."""


class HashMismatchError(FetchError):
    """The bytes of a file do not hash to what the registry declares."""


class DownloadError(FetchError):
    """The server answered, but not with the file (4xx, repeated 5xx, truncated body)."""


class DataUnavailableError(FetchError):
    """The file is neither cached nor mirrored, and it cannot be downloaded."""


# --------------------------------------------------------------------------- hashing


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _read_ledger(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FetchError(f"{path}: unreadable ledger ({exc}); delete it to re-verify") from exc


def _write_ledger(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)


def expected_sha256(f: FileEntry) -> str | None:
    """The hash a file must have: from the registry, or recorded at its first download."""
    if f.sha256:
        return f.sha256
    return _read_ledger(config.raw_dir() / FIRST_USE_LEDGER).get(f.url)


def _record_first_use(f: FileEntry, digest: str) -> None:
    ledger_path = config.raw_dir() / FIRST_USE_LEDGER
    ledger = _read_ledger(ledger_path)
    ledger[f.url] = digest
    _write_ledger(ledger_path, ledger)


def _check(f: FileEntry, digest: str, where: str) -> None:
    want = expected_sha256(f)
    if want is not None and digest != want:
        raise HashMismatchError(
            f"sha256 mismatch for {f.url} ({where}): expected {want}, got {digest}. "
            "The file was not used."
        )


# --------------------------------------------------------------------------- downloading


class HTTPDownloader:
    """Stream a URL into an open binary file, retrying transient failures.

    Retries (with exponential backoff) on HTTP 5xx and 429, connection errors and bodies
    shorter than the announced ``Content-Length``; never on other 4xx.

    Parameters
    ----------
    retries : int
        Further attempts after the first.
    backoff : float
        Seconds before the first retry; doubled each time.
    timeout : float
        Socket timeout in seconds.
    """

    def __init__(self, retries: int = 3, backoff: float = 0.5, timeout: float = 60.0):
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout

    def __call__(self, url: str, out: BinaryIO, progress: Callable[[int, int | None], None]) -> None:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            out.seek(0)
            out.truncate()
            try:
                self._once(url, out, progress)
                return
            except urllib.error.HTTPError as exc:
                transient = exc.code >= 500 or exc.code == 429
                if not transient or attempt == self.retries:
                    raise DownloadError(
                        f"GET {url} failed: HTTP {exc.code} {exc.reason}"
                        + (f" after {attempt + 1} attempts" if transient else "")
                    ) from exc
            except (http.client.IncompleteRead, _Truncated) as exc:
                if attempt == self.retries:
                    raise DownloadError(
                        f"GET {url}: body truncated ({exc}) after {attempt + 1} attempts"
                    ) from exc
            except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
                if attempt == self.retries:
                    reason = getattr(exc, "reason", exc)
                    raise _Unreachable(f"cannot reach {url}: {reason}") from exc
            time.sleep(delay)
            delay *= 2

    def _once(self, url: str, out: BinaryIO, progress: Callable[[int, int | None], None]) -> None:
        from trendlab import __version__

        req = urllib.request.Request(url, headers={"User-Agent": f"trendlab/{__version__}"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            got = 0
            while chunk := resp.read(CHUNK):
                out.write(chunk)
                got += len(chunk)
                progress(got, total)
            if total is not None and got != total:
                raise _Truncated(f"got {got} of {total} bytes")


class _Truncated(Exception):
    pass


class _Unreachable(DataUnavailableError):
    """No answer (refused, timed out, reset): the file cannot be downloaded now."""


Downloader = Callable[[str, BinaryIO, Callable[[int, int | None], None]], None]


# --------------------------------------------------------------------------- resolving


def cache_path(f: FileEntry) -> Path:
    return config.raw_dir() / f.cache_key


def mirror_path(f: FileEntry) -> Path | None:
    mirror = config.mirror_dir()
    return None if mirror is None else mirror / f.cache_key


def status(f: FileEntry) -> Status:
    """Where a file would come from now, without reading it."""
    if cache_path(f).is_file():
        return "cached"
    m = mirror_path(f)
    if m is not None and m.is_file():
        return "mirrored"
    return "missing"


def _is_verified(f: FileEntry, path: Path) -> bool:
    """A cached file whose size and mtime match what was verified when it entered the cache."""
    ledger = _read_ledger(config.raw_dir() / VERIFIED_LEDGER)
    st = path.stat()
    rec = ledger.get(f.cache_key)
    want = expected_sha256(f)
    return bool(rec) and rec == [st.st_size, st.st_mtime_ns, want]


def _mark_verified(f: FileEntry, path: Path, digest: str) -> None:
    ledger_path = config.raw_dir() / VERIFIED_LEDGER
    ledger = _read_ledger(ledger_path)
    st = path.stat()
    ledger[f.cache_key] = [st.st_size, st.st_mtime_ns, digest]
    _write_ledger(ledger_path, ledger)


def _enter_cache(f: FileEntry, fill: Callable[[BinaryIO], None], where: str) -> Path:
    """Write a file through a temporary sibling, verify it, and move it into place."""
    dest = cache_path(f)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        digest = sha256_of(tmp)
        if f.size is not None and f.sha256 and tmp.stat().st_size != f.size:
            raise HashMismatchError(
                f"size mismatch for {f.url} ({where}): expected {f.size} bytes, "
                f"got {tmp.stat().st_size} (sha256 expected {f.sha256}, got {digest}). "
                "The file was not used."
            )
        _check(f, digest, where)
        if not f.sha256 and expected_sha256(f) is None:
            _record_first_use(f, digest)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _mark_verified(f, dest, digest)
    return dest


def fetch(
    url: str | FileEntry,
    *,
    downloader: Downloader | None = None,
    progress: bool | None = None,
) -> Path:
    """Return a verified local path for a registered file.

    Parameters
    ----------
    url : str or FileEntry
        The file's URL as declared in the registry, or its entry.
    downloader : callable, optional
        ``downloader(url, fileobj, progress_cb)``; defaults to :class:`HTTPDownloader`.
    progress : bool, optional
        Show a progress bar; by default only on a terminal.

    Raises
    ------
    HashMismatchError
        The cached, mirrored or downloaded bytes do not match the registry.
    DownloadError
        The server refused the file or sent it incomplete.
    DataUnavailableError
        The file is not cached, not mirrored, and the network cannot be used.
    """
    f = url if isinstance(url, FileEntry) else entry(url)
    dest = cache_path(f)
    if dest.is_file():
        if _is_verified(f, dest):
            return dest
        digest = sha256_of(dest)
        try:
            _check(f, digest, f"cached copy {dest}")
        except HashMismatchError:
            # never use it; move it aside so the next source can fill the cache
            os.chmod(dest, 0o644)
            dest.rename(dest.with_name(dest.name + ".corrupt"))
        else:
            _mark_verified(f, dest, digest)
            return dest

    mirrored = mirror_path(f)
    if mirrored is not None and mirrored.is_file():

        def copy(out: BinaryIO) -> None:
            with open(mirrored, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)

        return _enter_cache(f, copy, f"mirror copy {mirrored}")

    if config.offline():
        raise _unavailable(f, "TRENDLAB_OFFLINE is set")
    dl = downloader or HTTPDownloader()
    bar = tqdm(
        total=f.size,
        unit="B",
        unit_scale=True,
        desc=f.name,
        disable=(not progress) if progress is not None else None,
        leave=False,
    )

    def on_progress(got: int, total: int | None) -> None:
        if total and bar.total != total:
            bar.total = total
        bar.update(got - bar.n)

    try:
        return _enter_cache(f, lambda out: dl(f.url, out, on_progress), "download")
    except _Unreachable as exc:
        raise _unavailable(f, str(exc)) from exc
    finally:
        bar.close()


def _unavailable(f: FileEntry, why: str) -> DataUnavailableError:
    mirror = config.mirror_dir()
    where = (
        f"not in the mirror {mirror} (looked for {mirror / f.cache_key})"
        if mirror is not None
        else "TRENDLAB_MIRROR is not set"
    )
    return DataUnavailableError(
        f"source {f.source!r}: {f.url} is not cached ({cache_path(f)}), {where}, "
        f"and it cannot be downloaded ({why}). Either connect to the network and run "
        f"`trendlab fetch {f.source}`, or set TRENDLAB_MIRROR to a folder holding the file "
        "at <host>/<url path>."
    )


def fetch_source(
    name: str, *, downloader: Downloader | None = None, progress: bool | None = None
) -> list[Path]:
    """Fetch every file of a source; returns their local paths in registry order."""
    files = source(name).files
    paths = []
    for f in tqdm(files, desc=name, unit="file", disable=(not progress) if progress is not None else None):
        paths.append(fetch(f, downloader=downloader, progress=progress))
    return paths


def fetch_all(
    names: Iterable[str] | None = None, *, progress: bool | None = None
) -> dict[str, list[Path]]:
    from trendlab.registry import sources

    return {n: fetch_source(n, progress=progress) for n in (names or sources())}
