"""A loopback web server for site folders, chosen by Host header, with per-host behaviours.

``root/<host>/<path>`` is served for ``http://<host>:<port>/<path>``; a folder path serves its
``index.html`` (or, for a pixel endpoint, its ``index.gif``). Behaviours (from the ``[hosts]``
table of a manifest) make a host redirect elsewhere or answer every request but robots.txt with
one ``status``; hosts marked ``down`` are not served at all (the crawl gets a closed port for
them). Hosts marked ``tls`` are vendors whose names Chromium only reaches over HTTPS: a second
server answers them on its own port, with a self-signed certificate made at start.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import ssl
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.demo.tls import self_signed

LOOPBACK = "127.0.0.1"
# What a folder path serves: a page, or the image a tracking endpoint answers with.
INDEX_FILES = ("index.html", "index.gif")


@dataclass(frozen=True, slots=True)
class HostBehaviour:
    """How the server treats one host name."""

    redirect_to: str | None = None
    down: bool = False
    status: int | None = None
    tls: bool = False  # a vendor's host, answered over HTTPS on the TLS port


def load_behaviours(manifest: Path) -> dict[str, HostBehaviour]:
    """The ``[hosts]`` table of a site manifest (TOML)."""
    with manifest.open("rb") as handle:
        hosts: dict[str, dict[str, Any]] = tomllib.load(handle).get("hosts", {})
    return {
        name.lower(): HostBehaviour(
            redirect_to=entry.get("redirect_to"),
            down=bool(entry.get("down", False)),
            status=entry.get("status"),
            tls=bool(entry.get("tls", False)),
        )
        for name, entry in hosts.items()
    }


class SiteHandler(BaseHTTPRequestHandler):
    """Serves files of the site folder named by the request's Host header."""

    server: SitesServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the crawl records what happened."""

    def do_GET(self) -> None:
        """Serve a file, a redirect or a 404."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        path = unquote(urlsplit(self.path).path) or "/"
        behaviour = self.server.behaviours.get(host, HostBehaviour())
        if behaviour.redirect_to:
            target = f"http://{behaviour.redirect_to}:{self.server.server_port}{path}"
            self._send(301, b"", "text/html", {"Location": target})
            return
        if behaviour.status and path != "/robots.txt":
            # A broken application behind a web server that still serves its static files:
            # robots.txt is looked up as a file, so a 5xx there stays a separate fault.
            body = f"<html><body><h1>{behaviour.status}</h1></body></html>".encode()
            self._send(behaviour.status, body, "text/html")
            return
        file = self._file_for(host, path)
        if file is None:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(200, file.read_bytes(), content_type)

    def _file_for(self, host: str, path: str) -> Path | None:
        site = (self.server.root / host).resolve()
        candidate = (site / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(site):
            return None
        if candidate.is_dir():
            candidate = next(
                (candidate / name for name in INDEX_FILES if (candidate / name).is_file()),
                candidate / INDEX_FILES[0],
            )
        return candidate if candidate.is_file() else None

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class SitesServer(ThreadingHTTPServer):
    """Threaded loopback server for a folder of sites; HTTPS when given a TLS context."""

    daemon_threads = True

    def __init__(
        self,
        root: Path,
        behaviours: dict[str, HostBehaviour] | None = None,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.root = root
        self.behaviours = behaviours or {}
        self.tls = tls
        super().__init__((LOOPBACK, port), SiteHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Serve one connection; over TLS, the handshake happens here, in the connection's own
        thread, so a client that connects and stalls holds up no other."""
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            with self.tls.wrap_socket(request, server_side=True) as secure:
                super().finish_request(secure, client_address)
        except (ssl.SSLError, ConnectionError, TimeoutError):
            # A client that gave up on the handshake or the connection: the crawl records that.
            return

    def start_in_thread(self) -> threading.Thread:
        """Serve in a daemon thread; call ``shutdown()`` to stop."""
        thread = threading.Thread(target=self.serve_forever, name="sites-server", daemon=True)
        thread.start()
        return thread


def tls_hosts(behaviours: dict[str, HostBehaviour]) -> tuple[str, ...]:
    """The hosts answered over HTTPS, sorted."""
    return tuple(sorted(name for name, behaviour in behaviours.items() if behaviour.tls))


@dataclass(frozen=True, slots=True)
class Ports:
    """Where a served site folder listens: plain HTTP, and HTTPS for its ``tls`` hosts."""

    http: int
    https: int | None


@contextmanager
def serving(root: Path, behaviours: dict[str, HostBehaviour], port: int = 0) -> Iterator[Ports]:
    """Serve ``root`` in daemon threads until the block ends: on ``port``, and on a second port
    over TLS if any host is marked ``tls`` (a certificate for those names, made now)."""
    servers = [SitesServer(root, behaviours, port)]
    names = tls_hosts(behaviours)
    if names:
        servers.append(SitesServer(root, behaviours, tls=self_signed(names)))
    for server in servers:
        server.start_in_thread()
    try:
        yield Ports(servers[0].server_port, servers[1].server_port if names else None)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def main(argv: list[str] | None = None) -> None:
    """Serve a site folder until killed; the first line of stdout is a JSON object with the
    ports (``http``, and ``https`` for hosts marked ``tls``, else null)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="folder of <host>/ folders")
    parser.add_argument("--manifest", type=Path, help="TOML with a [hosts] table of behaviours")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    behaviours = load_behaviours(args.manifest) if args.manifest else {}
    with serving(args.root, behaviours, args.port) as ports:
        sys.stdout.write(json.dumps({"http": ports.http, "https": ports.https}) + "\n")
        sys.stdout.flush()
        threading.Event().wait()


if __name__ == "__main__":
    main()
