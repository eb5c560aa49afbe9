"""A hostile loopback web: one virtual host per site fault, plus a port that speaks no TLS.

Run as ``python -m tests.faults.server --log FILE``; the first line of stdout is a JSON object
with the ports (``http``, ``not_tls``). Every request is appended to the log as ``host path``
so tests can tell what was fetched (and what was not fetched again on resume).
"""

from __future__ import annotations

import argparse
import json
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.demo.server import LOOPBACK, SiteHandler

HANG_SECONDS = 30.0
HOLD_LIMIT = 300.0
DRIP_INTERVAL = 0.2
SLOW_PAGE_SECONDS = 1.5
BIG_BODY = 3 * 1024 * 1024
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def page(title: str, body: str = "", head: str = "") -> bytes:
    """A small UTF-8 HTML page."""
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body>{body}</body></html>"
    ).encode()


HEALTHY_HOME = (
    "<main><h1>Willkommen</h1></main>"
    '<footer><a href="/impressum.html">Impressum</a> <a href="/kontakt.html">Kontakt</a></footer>'
)
IMPRESSUM = '<p>Impressum</p><a href="https://www.facebook.com/gemeinde">Facebook</a>'


class FaultHandler(SiteHandler):
    """Answers each request according to the fault its Host header names."""

    server: FaultServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.0"  # one response per connection: bodies may end at close

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log and the crawl's database say what happened."""

    def handle(self) -> None:
        """Serve, accepting that the crawler hangs up on slow and endless answers."""
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            return

    @property
    def host(self) -> str:
        """The requested host name without its port."""
        return (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()

    def do_GET(self) -> None:
        """Log the request, then serve the fault of its host (or a healthy site)."""
        path = urlsplit(self.path).path or "/"
        self.server.log(self.host, self.path)
        label = self.host.removeprefix("www.").split(".", 1)[0]
        behaviour = next(
            (serve for name, serve in BEHAVIOURS.items() if f"{label}-".startswith(f"{name}-")),
            healthy,
        )
        if path == "/robots.txt" and label not in ("robots-verbot", "robots-fehler", "freigabe"):
            self.send(404, b"not found", "text/plain")
            return
        behaviour(self, path)

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """A whole response with its length."""
        self._send(status, body, content_type, headers)

    def origin(self, host: str) -> str:
        """``http://host:port`` on this server."""
        return f"http://{host}:{self.server.server_port}"


def healthy(handler: FaultHandler, path: str) -> None:
    """A small sound site: homepage, Impressum with an account link, contact page."""
    pages = {
        "/": page("Gemeinde Gesund", HEALTHY_HOME),
        "/impressum.html": page("Impressum", IMPRESSUM),
        "/kontakt.html": page("Kontakt", "<p>Rathaus</p>"),
    }
    if path in pages:
        handler.send(200, pages[path])
    else:
        handler.send(404, page("Nicht gefunden"))


def slow_serial(handler: FaultHandler, path: str) -> None:
    """A sound site whose every page takes a moment: long enough to interrupt a crawl."""
    time.sleep(0.3)
    healthy(handler, path)


def hang(handler: FaultHandler, path: str) -> None:
    """Accept the request and never answer."""
    time.sleep(HANG_SECONDS)


def drip(handler: FaultHandler, path: str) -> None:
    """Promise a page, then send it one byte at a time, forever."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    deadline = time.monotonic() + HANG_SECONDS
    try:
        while time.monotonic() < deadline:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(DRIP_INTERVAL)
    except OSError:
        return  # the crawler gave up and closed the connection


def slow_subpages(handler: FaultHandler, path: str) -> None:
    """A fast homepage linking nine pages of 1.5 s each: more, one after another, than the
    fault crawl's 12 s body budget, each well within its download timeout."""
    if path == "/":
        links = "".join(f'<a href="/kontakt-{n}.html">Kontakt {n}</a>' for n in range(1, 10))
        handler.send(200, page("Gemeinde Langsam", f"<footer>{links}</footer>"))
        return
    time.sleep(SLOW_PAGE_SECONDS)
    handler.send(200, page("Kontakt"))


def not_found(handler: FaultHandler, path: str) -> None:
    """Every page is missing."""
    handler.send(404, page("404 Nicht gefunden"))


def server_error(handler: FaultHandler, path: str) -> None:
    """Every page is an internal error."""
    handler.send(500, page("500 Interner Fehler"))


def redirect_loop(handler: FaultHandler, path: str) -> None:
    """``/`` redirects to ``/start``, which redirects back to ``/``."""
    target = "/start" if path == "/" else "/"
    handler.send(302, b"", headers={"Location": target})


def redirect_chain(handler: FaultHandler, path: str) -> None:
    """``/`` -> ``/hop/1`` -> ``/hop/2`` -> ... without end."""
    hop = int(path.rsplit("/", 1)[-1]) if path.startswith("/hop/") else 0
    handler.send(302, b"", headers={"Location": f"/hop/{hop + 1}"})


def moved(handler: FaultHandler, path: str) -> None:
    """The old domain redirects permanently to the new one."""
    target = handler.origin(f"www.neu-{handler.host.removeprefix('www.')}") + path
    handler.send(301, b"", headers={"Location": target})


def meta_refresh(handler: FaultHandler, path: str) -> None:
    """The old domain's homepage moves on with a meta refresh."""
    target = handler.origin(f"www.neu-{handler.host.removeprefix('www.')}") + "/"
    refresh = f'<meta http-equiv="refresh" content="0; url={target}">'
    handler.send(200, page("Wir sind umgezogen", head=refresh))


def oversized(handler: FaultHandler, path: str) -> None:
    """An endless page without a Content-Length: it ends only when the client gives up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    sent = 0
    try:
        handler.wfile.write(b"<html><head><title>Riesig</title></head><body>")
        while sent < BIG_BODY:
            handler.wfile.write(chunk)
            sent += len(chunk)
    except OSError:
        return


def declared_huge(handler: FaultHandler, path: str) -> None:
    """A Content-Length far over the limit, announced up front."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()
    try:
        handler.wfile.write(b"<html>")
        time.sleep(HANG_SECONDS)
    except OSError:
        return


def binary(handler: FaultHandler, path: str) -> None:
    """An image served as ``text/html``."""
    handler.send(200, PNG_HEAD + bytes(range(256)) * 8, "text/html")


def latin1_undeclared(handler: FaultHandler, path: str) -> None:
    """ISO-8859-1 bytes with no charset in the header or the page."""
    html = "<html><head><title>Gemeinde Großkötz – Bürgerbüro</title></head><body></body></html>"
    handler.send(200, html.encode("cp1252"), "text/html")


def charset_lies(handler: FaultHandler, path: str) -> None:
    """windows-1252 bytes served as UTF-8."""
    html = "<html><head><title>„Schöne Grüße“ aus Möhrendorf</title></head><body></body></html>"
    handler.send(200, html.encode("cp1252"), "text/html; charset=utf-8")


def malformed(handler: FaultHandler, path: str) -> None:
    """Tag soup: unclosed and stray tags, broken attributes, very deep nesting."""
    if path != "/":
        healthy(handler, path)
        return
    soup = (
        '<html><title>Gemeinde Krumm</title><body><div class=a"b><p>Text</span></div>'
        "</div><table><tr><td><footer><a href=/impressum.html>Impressum<td></table>"
        + "<div>" * 5000
        + "<a href='javascript:alert(1)'>x</a><script>document.write('<a href=/x>')"
    )
    handler.send(200, soup.encode(), "text/html")


def calendar_trap(handler: FaultHandler, path: str) -> None:
    """An endless calendar and links carrying session ids, around a real Impressum."""
    if path == "/impressum.html":
        handler.send(200, page("Impressum", IMPRESSUM))
        return
    month = int(path.rsplit("/", 1)[-1]) if path.startswith("/kalender/") else 0
    links = [
        f'<a href="/kalender/{month + 1}">nächster Monat</a>',
        f'<a href="/kalender/{month + 2}">übernächster Monat</a>',
        f'<a href="/impressum.html;jsessionid=S{month}">Impressum</a>',
        f'<a href="/impressum.html?PHPSESSID=S{month}">Impressum</a>',
        '<a href="/impressum.html">Impressum</a>',
    ]
    handler.send(200, page(f"Kalender {month}", "<footer>" + "".join(links) + "</footer>"))


def robots_disallow(handler: FaultHandler, path: str) -> None:
    """A site that asks all robots to stay away."""
    if path == "/robots.txt":
        handler.send(200, b"User-agent: *\nDisallow: /\n", "text/plain")
        return
    healthy(handler, path)


def robots_broken(handler: FaultHandler, path: str) -> None:
    """A site whose robots.txt answers with a server error."""
    if path == "/robots.txt":
        handler.send(503, b"Service Unavailable", "text/plain")
        return
    healthy(handler, path)


def held(handler: FaultHandler, path: str) -> None:
    """Answer only once the test says so (``release``): a crawl held on it cannot end early,
    however fast or slow the machine (bounded, so a forgotten hold frees its thread)."""
    handler.server.hold(handler.host.removeprefix("www.").split(".", 1)[0]).wait(HOLD_LIMIT)
    healthy(handler, path)


def half_held(handler: FaultHandler, path: str) -> None:
    """The homepage at once, every other page only once released: a body held mid-crawl."""
    if path == "/":
        healthy(handler, path)
        return
    held(handler, path)


def release(handler: FaultHandler, path: str) -> None:
    """``/<label>`` lets the held host of that label answer."""
    handler.server.hold(path.strip("/")).set()
    handler.send(200, b"released", "text/plain")


BEHAVIOURS: dict[str, Callable[[FaultHandler, str], None]] = {
    "gesund": healthy,
    "halt": held,
    "halb": half_held,
    "freigabe": release,
    "stadt": slow_serial,
    "stumm": hang,
    "tropf": drip,
    "langsam": slow_subpages,
    "fehlt": not_found,
    "kaputt": server_error,
    "schleife": redirect_loop,
    "kette": redirect_chain,
    "umzug": moved,
    "meta": meta_refresh,
    "riesig": oversized,
    "angekuendigt": declared_huge,
    "binaer": binary,
    "latin": latin1_undeclared,
    "zeichensatz": charset_lies,
    "kaputtes-html": malformed,
    "falle": calendar_trap,
    "robots-verbot": robots_disallow,
    "robots-fehler": robots_broken,
}


class FaultServer(ThreadingHTTPServer):
    """Threaded loopback server of the fault hosts, logging every request."""

    daemon_threads = True
    request_queue_size = 128  # a crawl opens many connections at once; none may wait for SYN retry

    def __init__(self, log_path: Path | None) -> None:
        self.log_path = log_path
        self.log_lock = threading.Lock()
        self.holds: dict[str, threading.Event] = {}
        super().__init__((LOOPBACK, 0), FaultHandler)

    def hold(self, label: str) -> threading.Event:
        """The event a held host of ``label`` waits for."""
        with self.log_lock:
            return self.holds.setdefault(label, threading.Event())

    def log(self, host: str, path: str) -> None:
        """Append ``host path`` to the request log."""
        if self.log_path is None:
            return
        with self.log_lock, self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"{host} {path}\n")


class NotTlsHandler(socketserver.BaseRequestHandler):
    """Answers a TLS client hello with plain text, so the handshake fails."""

    def handle(self) -> None:
        """Read the hello, reply with something that is not TLS, hang up."""
        self.request.recv(4096)
        self.request.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\nthis port speaks no TLS\r\n")


class NotTlsServer(socketserver.ThreadingTCPServer):
    """The port an ``https://`` seed points at when its TLS handshake must fail."""

    daemon_threads = True


def main(argv: list[str] | None = None) -> None:
    """Serve until killed; print the ports as JSON on the first line of stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", type=Path, help="append every request here as 'host path'")
    args = parser.parse_args(argv)
    web = FaultServer(args.log)
    not_tls = NotTlsServer((LOOPBACK, 0), NotTlsHandler)
    threading.Thread(target=not_tls.serve_forever, daemon=True).start()
    sys.stdout.write(json.dumps({"http": web.server_port, "not_tls": not_tls.server_address[1]}))
    sys.stdout.write("\n")
    sys.stdout.flush()
    web.serve_forever()


if __name__ == "__main__":
    main()
