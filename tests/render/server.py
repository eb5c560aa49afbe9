"""A loopback web for the rendered tier: municipal sites whose scripts do what real ones do.

Run as ``python -m tests.render.server --log FILE``; the first line of stdout is a JSON object
with the ports (``http``, ``https``). Each site is a virtual host named by its first label; the
vendors' own host names (www.googletagmanager.com, connect.facebook.net, www.facebook.com) are
served too, over HTTPS with a certificate made at start (Chromium upgrades HSTS-preloaded names
such as facebook.com to HTTPS whatever the page says), so the crawl's host map sends the browser
here and the tracker catalogue sees the real URLs. Every request is logged as ``host path``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from crawler.demo.server import LOOPBACK
from crawler.demo.tls import self_signed
from tests.faults.server import FaultHandler, FaultServer, page, slow_subpages

HOLD_SECONDS = 30.0
PIXEL_ID = "123456789012345"
GTM_ID = "GTM-K9X2TQ7"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"

# The Meta pixel's base code as vendors publish it, loading fbevents.js, then the event.
META_PIXEL = (
    "!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?"
    "n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;"
    "n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;"
    "t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}"
    "(window,document,'script','{origin_fb}/en_US/fbevents.js');"
    f"fbq('init','{PIXEL_ID}');fbq('track','PageView');"
)


def gtm_loader(origin: str) -> str:
    """The tag manager's loader, as sites paste it, pointed at this server's vendor host."""
    return (
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
        f"j.src='{origin}/gtm.js?id='+i;f.parentNode.insertBefore(j,f);"
        f"}})(window,document,'script','dataLayer','{GTM_ID}');"
    )


class RenderHandler(FaultHandler):
    """Answers by the Host header: a vendor's host, or a site's behaviour by its first label."""

    server: RenderServer  # type: ignore[assignment]

    def vendor(self, host: str) -> str:
        """``https://host`` of a vendor, as its real snippets write it (the crawl's host map
        sends the browser to this server's TLS port)."""
        return f"https://{host}"

    def do_GET(self) -> None:
        """Log the request, then answer as the host would."""
        path = urlsplit(self.path).path or "/"
        self.server.log(self.host, self.path)
        vendor = VENDORS.get(self.host)
        if vendor is not None:
            vendor(self, path)
            return
        if path == "/robots.txt":
            self.send(404, b"not found", "text/plain")
            return
        label = self.host.removeprefix("www.").split(".", 1)[0]
        SITES.get(label, chain)(self, path)


def _gtm(handler: RenderHandler, path: str) -> None:
    """The container injects the Meta pixel, as a tag manager configured for it does; its cookie
    lacks SameSite, so no browser keeps it on another site's page."""
    script = META_PIXEL.replace("{origin_fb}", handler.vendor("connect.facebook.net"))
    cookie = "_gtm_lax=1; Path=/; Max-Age=86400"
    handler.send(200, script.encode(), "application/javascript", {"Set-Cookie": cookie})


def _fbevents(handler: RenderHandler, path: str) -> None:
    """fbevents.js: fires the pixel image for the queued PageView."""
    tr = handler.vendor("www.facebook.com") + f"/tr/?id={PIXEL_ID}&ev=PageView&noscript=1"
    script = f"(function(){{var i=new Image();i.src='{tr}';}})();"
    handler.send(200, script.encode(), "application/javascript")


def _facebook(handler: RenderHandler, path: str) -> None:
    """The pixel endpoint sets a cross-site cookie as the vendor does (SameSite=None; Secure)."""
    cookie = "fr=0xyz; Path=/; Max-Age=7776000; SameSite=None; Secure; HttpOnly"
    handler.send(200, GIF, "image/gif", {"Set-Cookie": cookie})


VENDORS: dict[str, Callable[[RenderHandler, str], None]] = {
    "www.googletagmanager.com": _gtm,
    "connect.facebook.net": _fbevents,
    "www.facebook.com": _facebook,
}


def chain(handler: RenderHandler, path: str) -> None:
    """Inline script -> tag manager -> pixel with an id; none of it in the markup but the loader."""
    if path != "/":
        handler.send(404, page("Nicht gefunden"))
        return
    loader = gtm_loader(handler.vendor("www.googletagmanager.com"))
    body = '<h1>Stadt Kette</h1><a href="/impressum.html">Impressum</a>'
    handler.send(200, page("Stadt Kette", body, f"<script>{loader}</script>"))


def cookies(handler: RenderHandler, path: str) -> None:
    """A cookie by header, one by script, storage keys, and a third-party pixel's cookie."""
    script = (
        "document.cookie='besuch=1; max-age=86400; path=/';"
        "localStorage.setItem('schrift','gross');sessionStorage.setItem('reiter','2');"
    )
    pixel = handler.vendor("www.facebook.com") + f"/tr/?id={PIXEL_ID}&ev=PageView&noscript=1"
    body = f'<h1>Gemeinde Keks</h1><img src="{pixel}" width="1" height="1" alt="">'
    handler.send(
        200,
        page("Gemeinde Keks", body, f"<script>{script}</script>"),
        headers={"Set-Cookie": "sitzung=abc; Path=/; HttpOnly"},
    )


def visit(handler: RenderHandler, path: str) -> None:
    """A homepage that sets a cookie and notes, per request, who asked and with which cookies:
    the browser's visit must be a first visit, whatever the static fetch was given before."""
    agent = (handler.headers.get("User-Agent") or "").split(" ", 1)[0]
    cookie = handler.headers.get("Cookie") or "-"
    handler.server.log(handler.host, f"{path} agent={agent} cookie={cookie}")
    if path == "/besuch.js":
        handler.send(200, b"window.besucht = true;", "application/javascript")
        return
    handler.send(
        200,
        page("Gemeinde Besuch", "<h1>Gemeinde Besuch</h1>", '<script src="/besuch.js"></script>'),
        headers={"Set-Cookie": "erster=ja; Path=/"},
    )


def gated(handler: RenderHandler, path: str) -> None:
    """A consent tool that really holds the pixel back until the visitor agrees."""
    held = META_PIXEL.replace("{origin_fb}", handler.vendor("connect.facebook.net"))
    head = f'<script type="text/plain" data-cookieconsent="marketing">{held}</script>'
    handler.send(200, page("Gemeinde Wartet", "<h1>Gemeinde Wartet</h1>", head))


def leaky(handler: RenderHandler, path: str) -> None:
    """The pixel held back by the consent tool, and loaded anyway by the tag manager."""
    held = META_PIXEL.replace("{origin_fb}", handler.vendor("connect.facebook.net"))
    loader = gtm_loader(handler.vendor("www.googletagmanager.com"))
    head = (
        f'<script type="text/plain" data-cookieconsent="marketing">{held}</script>'
        f"<script>{loader}</script>"
    )
    handler.send(200, page("Gemeinde Leck", "<h1>Gemeinde Leck</h1>", head))


def ssrf(handler: RenderHandler, path: str) -> None:
    """A page whose script reaches for the cloud metadata address and a loopback port."""
    if path != "/":
        handler.send(200, b"secret", "text/plain")
        return
    loopback = f"http://{LOOPBACK}:{handler.server.server_port}/secret"
    script = (
        "fetch('http://169.254.169.254/latest/meta-data/').catch(function(){});"
        f"fetch('{loopback}').catch(function(){{}});"
        f"var i=new Image();i.src='{loopback}.gif';"
    )
    handler.send(200, page("Gemeinde Neugier", "<h1>Neugier</h1>", f"<script>{script}</script>"))


def longpoll(handler: RenderHandler, path: str) -> None:
    """A page that keeps a request open for ever, reopening it whenever it ends."""
    if path == "/poll":
        time.sleep(HOLD_SECONDS)
        handler.send(200, b"{}", "application/json")
        return
    script = "function p(){fetch('/poll').then(p,p);}p();"
    handler.send(200, page("Gemeinde Wartezimmer", "<h1>Warten</h1>", f"<script>{script}</script>"))


def spin(handler: RenderHandler, path: str) -> None:
    """A page whose script never gives the main thread back."""
    handler.send(200, page("Gemeinde Kreisel", "<h1>Kreisel</h1>", "<script>for(;;){}</script>"))


def spin_later(handler: RenderHandler, path: str) -> None:
    """A page that loads, then never gives the main thread back: reading it would wait for ever."""
    script = "addEventListener('load',function(){setTimeout(function(){for(;;){}},0);});"
    handler.send(200, page("Gemeinde Dreher", "<h1>Dreher</h1>", f"<script>{script}</script>"))


def rude(handler: RenderHandler, path: str) -> None:
    """Dialogs and a pop-up on load; the crawl must refuse them and go on."""
    script = "alert('Hallo');confirm('Sicher?');window.open('/fenster.html');"
    handler.send(200, page("Gemeinde Laut", "<h1>Laut</h1>", f"<script>{script}</script>"))


def slow(handler: RenderHandler, path: str) -> None:
    """A page whose script is held until the client gives up: the browser is busy with it."""
    if path == "/langsam.js":
        time.sleep(HOLD_SECONDS)
        handler.send(200, b"", "application/javascript")
        return
    handler.send(200, page("Gemeinde Zaeh", "<h1>Zaeh</h1>", '<script src="/langsam.js"></script>'))


SITES: dict[str, Callable[[RenderHandler, str], None]] = {
    "deadline": slow_subpages,
    "chain": chain,
    "cookies": cookies,
    "visit": visit,
    "gated": gated,
    "leaky": leaky,
    "ssrf": ssrf,
    "longpoll": longpoll,
    "spin": spin,
    "spinlater": spin_later,
    "rude": rude,
    "slow": slow,
}


class RenderServer(FaultServer):
    """The fault server's logging loopback server, answering as the rendered web."""

    def __init__(self, log_path: Path, ports: dict[str, int]) -> None:
        super().__init__(log_path)
        self.RequestHandlerClass = RenderHandler
        self.ports = ports


def main(argv: list[str] | None = None) -> None:
    """Serve until killed, after printing the ports."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args(argv)
    ports: dict[str, int] = {}
    plain = RenderServer(args.log, ports)
    secure = RenderServer(args.log, ports)
    context = self_signed((*VENDORS, "*.test"))
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    ports.update(http=plain.server_port, https=secure.server_port)
    threading.Thread(target=secure.serve_forever, daemon=True).start()
    print(json.dumps(ports), flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
