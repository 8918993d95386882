"""The registry: every public file trendlab reads, declared once in ``registry.toml``.

Each source has metadata (title, coverage, licence, caveats) and a list of files, each with a
URL pinned to a commit where the host allows, its sha256 and its size in bytes. An empty
sha256 marks a trust-on-first-use entry (a file whose hash could not be computed when it was
declared): its hash is recorded at first download and a changed file is refused afterwards.

Examples
--------
>>> from trendlab.registry import source, entry
>>> src = source("hn-jobs-data")
>>> src.files[0].cache_key.startswith("raw.githubusercontent.com/gantryops/")
True
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from trendlab.config import PACKAGE_DIR

REGISTRY_FILE = PACKAGE_DIR / "registry.toml"


class RegistryError(KeyError):
    """A source or file that the registry does not declare."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class FileEntry:
    """One public file: where it lives and what its bytes hash to."""

    source: str
    url: str
    sha256: str  # lower-case hex; "" for trust-on-first-use
    size: int | None = None

    @property
    def cache_key(self) -> str:
        """``<host>/<url path>``: the file's place in the cache and in a mirror."""
        parts = urlsplit(self.url)
        path = parts.path.lstrip("/")
        if not path or path.endswith("/"):
            raise RegistryError(f"registry URL has no file name: {self.url}")
        key = f"{parts.netloc}/{path}"
        if parts.query:
            key += "?" + parts.query
        if any(p in ("..", "") for p in Path(key).parts) or key.startswith("/"):
            raise RegistryError(f"registry URL does not map to a safe relative path: {self.url}")
        return key

    @property
    def name(self) -> str:
        return Path(urlsplit(self.url).path).name

    @property
    def trust_on_first_use(self) -> bool:
        return not self.sha256


@dataclass(frozen=True)
class Source:
    """A public dataset: metadata plus its files."""

    name: str
    title: str
    kind: str
    coverage: str
    license: str
    homepage: str = ""
    caveats: str = ""
    mirrored: bool = True
    files: tuple[FileEntry, ...] = field(default_factory=tuple)

    def file(self, suffix: str) -> FileEntry:
        """The one file whose URL ends with ``suffix`` (e.g. ``"stories/May2014.html"``)."""
        hits = [f for f in self.files if f.url.endswith(suffix)]
        if len(hits) != 1:
            raise RegistryError(
                f"source {self.name!r}: expected exactly one file ending with {suffix!r}, "
                f"found {len(hits)}"
            )
        return hits[0]


def _parse(path: Path) -> dict[str, Source]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, Source] = {}
    for name, body in raw.items():
        missing = [k for k in ("title", "kind", "coverage", "license", "files") if k not in body]
        if missing:
            raise RegistryError(f"{path}: source [{name}] lacks {', '.join(missing)}")
        files = []
        for i, f in enumerate(body["files"]):
            if "url" not in f or "sha256" not in f:
                raise RegistryError(f"{path}: source [{name}] file #{i + 1} needs url and sha256")
            sha = str(f["sha256"]).lower()
            if sha and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
                raise RegistryError(f"{path}: source [{name}] file {f['url']}: bad sha256 {sha!r}")
            files.append(FileEntry(name, f["url"], sha, f.get("size")))
        out[name] = Source(
            name=name,
            title=body["title"],
            kind=body["kind"],
            coverage=body["coverage"],
            license=body["license"],
            homepage=body.get("homepage", ""),
            caveats=body.get("caveats", ""),
            mirrored=bool(body.get("mirrored", True)),
            files=tuple(files),
        )
    return out


@cache
def sources() -> dict[str, Source]:
    """All declared sources, by name."""
    return _parse(REGISTRY_FILE)


def source(name: str) -> Source:
    try:
        return sources()[name]
    except KeyError:
        known = ", ".join(sorted(sources()))
        raise RegistryError(f"unknown source {name!r}; known sources: {known}") from None


def entry(url: str) -> FileEntry:
    """The registry entry for a URL (every file read must be declared)."""
    for src in sources().values():
        for f in src.files:
            if f.url == url:
                return f
    raise RegistryError(f"URL is not declared in {REGISTRY_FILE.name}: {url}")
