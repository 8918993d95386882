"""Shared fixtures: an isolated data folder per test, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data folder, no mirror and no network by default."""
    data = tmp_path / "data"
    monkeypatch.setenv("TRENDLAB_DATA_DIR", str(data))
    monkeypatch.setenv("TRENDLAB_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.delenv("TRENDLAB_MIRROR", raising=False)
    monkeypatch.delenv("TRENDLAB_OFFLINE", raising=False)
    return data


@dataclass
class Route:
    """What the server answers for one path: a list of responses, consumed in order."""

    responses: list[tuple[int, bytes, dict[str, str]]]
    hits: int = 0


@dataclass
class LocalServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def add(
        self,
        path: str,
        body: bytes | str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        then: list[tuple[int, bytes | str]] | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` (after the responses in ``then``, if given); returns its URL."""
        enc = body.encode() if isinstance(body, str) else body
        seq = [(s, b.encode() if isinstance(b, str) else b, {}) for s, b in (then or [])]
        seq.append((status, enc, headers or {}))
        self.routes[path] = Route(seq)
        return self.base_url + path

    def url(self, path: str) -> str:
        return self.base_url + path


def _handler(server: LocalServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            server.log.append(self.path)
            route = server.routes.get(self.path)
            if route is None:
                self.send_error(404, "not found")
                return
            i = min(route.hits, len(route.responses) - 1)
            route.hits += 1
            status, body, headers = route.responses[i]
            self.send_response(status)
            declared = headers.get("Content-Length", str(len(body)))
            self.send_header("Content-Length", declared)
            for k, v in headers.items():
                if k != "Content-Length":
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 with routes set by the test.

    ``server.add("/f.csv", b"...")`` serves a body; ``then=[(500, b"")]`` answers 500 first;
    ``headers={"Content-Length": "999"}`` announces more than is sent (a truncated body).
    """
    srv = LocalServer(base_url="")
    with serving(_handler(srv)) as srv.base_url:
        yield srv


@pytest.fixture
def serve() -> Callable[[type[http.server.BaseHTTPRequestHandler]], contextlib.AbstractContextManager[str]]:
    """:func:`serving`, for tests that bring their own request handler (``with serve(H) as url``)."""
    return serving


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 from a thread; yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """Declare extra registry entries for one test: ``register(source, url, sha256, size)``."""
    from trendlab import registry

    def add(source: str, url: str, sha256: str, size: int | None = None):
        srcs = dict(registry.sources())
        entry = registry.FileEntry(source, url, sha256, size)
        if source in srcs:
            old = srcs[source]
            srcs[source] = registry.Source(**{**old.__dict__, "files": old.files + (entry,)})
        else:
            srcs[source] = registry.Source(
                name=source, title=source, kind="test", coverage="", license="", files=(entry,)
            )
        monkeypatch.setattr(registry, "sources", lambda: srcs)
        return entry

    return add
