"""A loopback HTTP server in a thread answering fixed routes, as a source's endpoint would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(slots=True)
class Answer:
    """What a route answers: a status, a body, and optionally a Content-Length that lies."""

    body: bytes
    status: int = 200
    content_type: str = "application/octet-stream"
    claimed_length: int | None = None


@dataclass(slots=True)
class Routes:
    """Answers by path, and the requests received (method, path, body)."""

    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[tuple[str, str, bytes]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        self.server.routes.received.append((method, self.path, body))
        answer = self.server.routes.answers.get(path, Answer(b"not found", 404))
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(answer.claimed_length or len(answer.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)

    def do_GET(self) -> None:
        """Answer a GET."""
        self._answer("GET")

    def do_POST(self) -> None:
        """Answer a POST (a SPARQL query)."""
        self._answer("POST")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: Routes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes


@contextmanager
def serving(routes: Routes) -> Iterator[str]:
    """Serve ``routes`` on 127.0.0.1 until the block ends; yields the base URL."""
    server = _Server(routes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
