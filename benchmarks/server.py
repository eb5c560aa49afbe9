"""A loopback HTTP/1.1 server for the synthetic web, cheap enough not to be the bottleneck.

asyncio protocol, keep-alive, every response pre-rendered as bytes in memory; the Host header
picks the body, the body picks its variant site. A site's images, styles and scripts are
answered too (a browser asks for them). For the rendered tier (``--injected``) a second port
speaks TLS with a self-signed certificate and answers as the vendors' hosts. Run as a
subprocess: it prints its port, and with ``--injected`` the TLS port on a second line.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import sys

from benchmarks.synthweb import (
    VENDOR_HOSTS,
    VENDOR_PIXELS,
    VENDOR_SCRIPTS,
    WebShape,
    png,
    render_site,
)
from crawler.demo.tls import self_signed

LOOPBACK = "127.0.0.1"
ROBOTS = b"User-agent: *\nDisallow: /intern/\n"
MAX_HEADER = 65536


def response(status: str, body: bytes, content_type: str, cookie: str = "") -> bytes:
    """A complete keep-alive HTTP/1.1 response (setting ``cookie`` if one is given)."""
    set_cookie = f"Set-Cookie: {cookie}\r\n" if cookie else ""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{set_cookie}"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


NOT_FOUND = response("404 Not Found", b"<html><body><h1>404</h1></body></html>", "text/html")
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Responses:
    """Every response the web gives, looked up by host and path."""

    def __init__(self, shape: WebShape) -> None:
        self.variant_of_host = {
            shape.host(index).encode(): shape.variant_of(index) for index in range(shape.bodies)
        }
        html = "text/html; charset=utf-8"
        self.sites = [
            {
                path.encode(): response("200 OK", body, html)
                for path, body in render_site(shape, variant).items()
            }
            for variant in range(min(shape.variants, shape.bodies))
        ]
        self.robots = response("200 OK", ROBOTS, "text/plain")
        # By file suffix: what a site's pages load from the site itself.
        self.assets = {
            b".jpg": response("200 OK", png(shape.image_kb), "image/png"),
            b".css": response("200 OK", b".page-header { margin: 0; }\n", "text/css"),
            b".js": response("200 OK", b"window.bench = true;\n", "application/javascript"),
        }
        self.vendors: dict[bytes, dict[bytes, bytes]] = {}
        for (host, path), (content_type, body) in VENDOR_SCRIPTS.items():
            self.vendors.setdefault(host.encode(), {})[path.encode()] = response(
                "200 OK", body, content_type
            )
        for (host, path), (content_type, body, cookie) in VENDOR_PIXELS.items():
            self.vendors.setdefault(host.encode(), {})[path.encode()] = response(
                "200 OK", body, content_type, cookie
            )

    def lookup(self, host: bytes, path: bytes) -> bytes:
        """The response for ``GET path`` on ``host``."""
        name = host.split(b":", 1)[0].lower()
        path = path.split(b"?", 1)[0]
        variant = self.variant_of_host.get(name)
        if variant is None:
            return self.vendors.get(name, {}).get(path, NOT_FOUND)
        if path == b"/robots.txt":
            return self.robots
        page = self.sites[variant].get(path)
        if page is not None:
            return page
        return self.assets.get(path[path.rfind(b".") :], NOT_FOUND) if b"." in path else NOT_FOUND


class SiteProtocol(asyncio.Protocol):
    """One keep-alive connection: answers each complete GET request with pre-rendered bytes."""

    def __init__(self, responses: Responses, latency: float) -> None:
        self.responses = responses
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to write responses to."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Answer every complete request in the buffer (requests never carry a body here)."""
        assert self.transport is not None
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER:
                    self._refuse()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            lines = head.split(b"\r\n")
            parts = lines[0].split(b" ")
            if len(parts) != 3:
                self._refuse()
                return
            host = b""
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"host":
                    host = value.strip()
                    break
            answer = self.responses.lookup(host, parts[1])
            if self.latency:  # a remote server's think time plus round trip, without a thread
                asyncio.get_running_loop().call_later(self.latency, self._send, answer)
            else:
                self.transport.write(answer)

    def _send(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)

    def _refuse(self) -> None:
        assert self.transport is not None
        self.transport.write(BAD_REQUEST)
        self.transport.close()


async def serve(shape: WebShape, port: int = 0, latency: float = 0.0) -> None:
    """Serve the web until cancelled, after printing the port (and the TLS port) on stdout."""
    responses = Responses(shape)
    loop = asyncio.get_running_loop()

    def protocol() -> SiteProtocol:
        return SiteProtocol(responses, latency)

    server = await loop.create_server(protocol, LOOPBACK, port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)  # the parent reads the port
    if shape.injected:
        secure = await loop.create_server(protocol, LOOPBACK, 0, backlog=1024, ssl=vendor_tls())
        print(secure.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def vendor_tls() -> ssl.SSLContext:
    """A TLS context for the vendors' host names (the browser accepts the self-signed chain,
    as a crawl accepts a repaired one)."""
    return self_signed(VENDOR_HOSTS)


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.server --bodies N --page-kb K``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bodies", type=int, default=100)
    parser.add_argument("--page-kb", type=int, default=100)
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before each answer")
    parser.add_argument("--injected", action="store_true", help="the rendered tier's web")
    parser.add_argument("--images", type=int, default=None, help="teasers with an image, at most")
    parser.add_argument("--image-kb", type=int, default=16)
    parser.add_argument("--homepages", default=None, help="a folder of real pages as homepages")
    args = parser.parse_args(argv)
    shape = WebShape(
        bodies=args.bodies,
        page_kb=args.page_kb,
        variants=args.variants,
        injected=args.injected,
        images=args.images,
        image_kb=args.image_kb,
        homepages=args.homepages,
    )
    try:
        asyncio.run(serve(shape, args.port, args.latency_ms / 1000))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
