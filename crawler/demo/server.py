"""A loopback web server for site folders, chosen by Host header, with per-host behaviours.

``root/<host>/<path>`` is served for ``http://<host>:<port>/<path>``; a folder path serves its
``index.html``. Behaviours (from the ``[hosts]`` table of a manifest) make a host redirect
elsewhere or answer every request but robots.txt with one ``status``; hosts marked ``down``
are not served
at all (the crawl gets a closed port for them).
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
import threading
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class HostBehaviour:
    """How the server treats one host name."""

    redirect_to: str | None = None
    down: bool = False
    status: int | None = None


def load_behaviours(manifest: Path) -> dict[str, HostBehaviour]:
    """The ``[hosts]`` table of a site manifest (TOML)."""
    with manifest.open("rb") as handle:
        hosts: dict[str, dict[str, Any]] = tomllib.load(handle).get("hosts", {})
    return {
        name.lower(): HostBehaviour(
            redirect_to=entry.get("redirect_to"),
            down=bool(entry.get("down", False)),
            status=entry.get("status"),
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
            candidate = candidate / "index.html"
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
    """Threaded loopback server for a folder of sites."""

    daemon_threads = True

    def __init__(
        self, root: Path, behaviours: dict[str, HostBehaviour] | None = None, port: int = 0
    ) -> None:
        self.root = root
        self.behaviours = behaviours or {}
        super().__init__((LOOPBACK, port), SiteHandler)

    def start_in_thread(self) -> threading.Thread:
        """Serve in a daemon thread; call ``shutdown()`` to stop."""
        thread = threading.Thread(target=self.serve_forever, name="sites-server", daemon=True)
        thread.start()
        return thread


def main(argv: list[str] | None = None) -> None:
    """Serve a site folder until killed; print the port on the first line of stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="folder of <host>/ folders")
    parser.add_argument("--manifest", type=Path, help="TOML with a [hosts] table of behaviours")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    behaviours = load_behaviours(args.manifest) if args.manifest else {}
    server = SitesServer(args.root, behaviours, args.port)
    sys.stdout.write(f"{server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
