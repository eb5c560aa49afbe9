"""A synthetic web of municipal sites, deterministic from a few numbers, built in memory.

Body ``i`` is ``http://gemeinde-<i>.de:<port>/`` (its own host, so per-domain politeness
applies). Pages are shaped like the 50-150 KB pages of ``../shared/corpus/`` (about 10 elements
and 2 links per KB, a few scripts, inline CSS/JS), with a seeded mix of account links and
trackers. Bodies share ``variants`` pre-rendered sites (body ``i`` serves variant ``i % variants``),
so a web of 11,000 bodies costs the memory of a few dozen sites; links are relative, so the same
bytes are valid on every host.

For the rendered tier (``injected``), homepages also carry what only a browser sees: a tag
manager's loader whose container injects the Meta pixel (loader -> gtm.js -> fbevents.js -> the
pixel image, none of it in the markup but the loader), a third-party pixel in the markup
(LinkedIn's), and first-party teaser images, served as real PNGs. The vendors' own host names are
answered over HTTPS by the loopback server (:data:`VENDOR_HOSTS`).
"""

from __future__ import annotations

import csv
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.render.server import GIF, META_PIXEL, PIXEL_ID, gtm_loader

# Pages an account-seeking crawler prefers (linkrank scores them high), then pages it avoids.
ACCOUNT_PAGES = (
    ("impressum", "Impressum"),
    ("social-media", "Social Media"),
    ("datenschutz", "Datenschutzerklärung"),
    ("kontakt", "Kontakt"),
    ("presse", "Presse"),
    ("rathaus", "Rathaus"),
    ("buergerservice", "Bürgerservice"),
    ("verwaltung", "Verwaltung"),
    ("ueber-uns", "Über uns"),
    ("newsletter", "Newsletter"),
    ("stellenangebote", "Stellenangebote"),
    ("wirtschaft", "Wirtschaft"),
)
NEWS_PAGES = 6  # /aktuelles/meldung-<k>/: ranked low, so a 10-page budget never reaches them

# (probability, footer link) of account links on German municipal sites (rough shares).
ACCOUNT_MIX = (
    (0.55, '<a href="https://www.facebook.com/{handle}" rel="noopener">Facebook</a>'),
    (0.40, '<a href="https://www.instagram.com/{handle}/">Instagram</a>'),
    (0.25, '<a href="https://www.youtube.com/@{handle}">YouTube</a>'),
    (0.15, '<a href="https://x.com/{handle}">X</a>'),
    (0.12, '<a rel="me" href="https://social.bund.de/@{handle}">Mastodon</a>'),
    (0.08, '<a href="https://whatsapp.com/channel/0029VaBench{handle}">WhatsApp-Kanal</a>'),
    (0.06, '<a href="https://www.linkedin.com/company/{handle}">LinkedIn</a>'),
    (
        0.20,
        '<a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2F{host}">Teilen</a>',
    ),
)
TRACKER_MIX = (
    (
        0.35,
        '<script>var _paq = window._paq || []; _paq.push(["trackPageView"]);'
        ' _paq.push(["enableLinkTracking"]); (function() {{ var u="https://statistik.{host}/";'
        ' _paq.push(["setTrackerUrl", u+"matomo.php"]); _paq.push(["setSiteId", "{n}"]);'
        ' var d=document, g=d.createElement("script"), s=d.getElementsByTagName("script")[0];'
        ' g.async=true; g.src=u+"matomo.js"; s.parentNode.insertBefore(g,s); }})();</script>',
    ),
    (
        0.12,
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH{n:05d}X"></script>'
        "<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push("
        "arguments);}} gtag('js', new Date()); gtag('config', 'G-BENCH{n:05d}X');</script>",
    ),
    (
        0.05,
        '<script id="_etLoader" charset="UTF-8" data-block-cookies="true"'
        ' data-secure-code="Bench{n}" src="//code.etracker.com/code/e.js"></script>',
    ),
    (0.30, '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Open+Sans">'),
    (0.10, '<script src="/typo3conf/ext/shariff/shariff.min.js"></script>'),
)
EMBED_MIX = (
    (0.15, '<iframe src="https://www.youtube-nocookie.com/embed/bench{n}" width="560"></iframe>'),
    (0.20, '<iframe src="https://www.google.com/maps/embed?pb=bench{n}" width="600"></iframe>'),
    (0.10, '<div class="shariff" data-services="[&quot;facebook&quot;,&quot;mail&quot;]"></div>'),
)
# What only a browser sees, by share of homepages when the web is ``injected``.
TAG_MANAGER = "www.googletagmanager.com"
LINKEDIN_PIXEL = "px.ads.linkedin.com"
INJECTED_HEAD = ((0.6, f"<script>{gtm_loader(f'https://{TAG_MANAGER}')}</script>"),)
INJECTED_BODY = (
    (
        0.4,
        f'<img src="https://{LINKEDIN_PIXEL}/collect/?pid=77{{n:04d}}&fmt=gif" width="1" height="1"'
        ' alt="" style="display:none">',
    ),
)
WORDS = (
    "Gemeinde Rathaus Bürger Satzung Sitzung Gemeinderat Bekanntmachung Bauamt Ortsteil Kita "
    "Schule Feuerwehr Abfall Termine Verein Kultur Sport Jugend Senioren Haushalt Bebauungsplan "
    "Wahl Bürgermeisterin Straße Sanierung Förderung Antrag Formular Öffnungszeiten Friedhof "
    "Bücherei Wochenmarkt Ehrenamt Partnerschaft Gewerbe Tourismus Wanderweg Klimaschutz"
).split()


# The zone every synthetic body's host name lies in (each host is its own registrable domain).
HOST_ZONE = "de"


def _vendor_script(body: str) -> tuple[str, bytes]:
    return "application/javascript", body.encode()


def _vendor_pixel(cookie: str) -> tuple[str, bytes, str]:
    return "image/gif", GIF, cookie


# The vendors' answers by host and path: the tag manager's container injects the Meta pixel, as
# one configured for it does; fbevents.js fires the pixel image; each pixel sets its cookie (the
# Meta one without SameSite=None, which Chromium refuses in a third-party context).
VENDOR_SCRIPTS: dict[tuple[str, str], tuple[str, bytes]] = {
    (TAG_MANAGER, "/gtm.js"): _vendor_script(
        META_PIXEL.replace("{origin_fb}", "https://connect.facebook.net")
    ),
    (TAG_MANAGER, "/gtag/js"): _vendor_script("window.dataLayer = window.dataLayer || [];"),
    ("connect.facebook.net", "/en_US/fbevents.js"): _vendor_script(
        "(function(){var i=new Image();i.src="
        f"'https://www.facebook.com/tr/?id={PIXEL_ID}&ev=PageView&noscript=1';}})();"
    ),
}
VENDOR_PIXELS: dict[tuple[str, str], tuple[str, bytes, str]] = {
    ("www.facebook.com", "/tr/"): _vendor_pixel("fr=0bench; Path=/; Max-Age=7776000"),
    (LINKEDIN_PIXEL, "/collect/"): _vendor_pixel(
        "lidc=bench; Path=/; Max-Age=86400; SameSite=None; Secure"
    ),
}
VENDOR_HOSTS = tuple(sorted({host for host, _ in (*VENDOR_SCRIPTS, *VENDOR_PIXELS)}))


@dataclass(frozen=True, slots=True)
class WebShape:
    """What a synthetic web looks like: how many bodies, pages and bytes."""

    bodies: int = 100
    page_kb: int = 100
    variants: int = 20
    seed: int = 7
    injected: bool = False  # homepages carry what only a browser sees (module docstring)
    images: int | None = None  # teasers with an image, at most (None: every one)
    image_kb: int = 16  # each first-party image, as the server sends it
    homepages: str | None = None  # a folder of real pages served as the homepages, in turn

    def host(self, index: int) -> str:
        """The host name of body ``index``."""
        return f"gemeinde-{index:05d}.{HOST_ZONE}"

    def host_map(self, address: str) -> dict[str, str]:
        """A ``GOVSOCIAL_HOSTS`` map sending every body's host to ``address``.

        One wildcard entry, not one per body: the crawl's memory must not grow with the map.
        """
        return {f"*.{HOST_ZONE}": address}

    def vendor_host_map(self, address: str, port: int) -> dict[str, str]:
        """``GOVSOCIAL_HOSTS`` entries sending the vendors' names to ``address:port`` (a port the
        browser alone uses: the crawl itself never fetches a vendor)."""
        return dict.fromkeys(VENDOR_HOSTS, f"{address}:{port}")

    def variant_of(self, index: int) -> int:
        """Which pre-rendered site body ``index`` serves."""
        return index % self.variants

    def write_seeds(self, port: int, target: Path) -> Path:
        """A seed CSV with one row per body, pointing at the server's ``port``."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as sink:
            writer = csv.writer(sink)
            writer.writerow(["id", "name", "url", "kind", "country"])
            for index in range(self.bodies):
                writer.writerow(
                    [
                        f"B{index:05d}",
                        f"Gemeinde {index}",
                        f"http://{self.host(index)}:{port}/",
                        "gemeinde",
                        "DE",
                    ]
                )
        return target


def page_paths() -> list[str]:
    """Every path a synthetic site serves."""
    paths = ["/"] + [f"/{slug}/" for slug, _ in ACCOUNT_PAGES]
    return paths + [f"/aktuelles/meldung-{k}/" for k in range(NEWS_PAGES)]


def _pick(rng: random.Random, mix: tuple[tuple[float, str], ...], **values: object) -> list[str]:
    return [
        snippet.format(**values) if values else snippet
        for share, snippet in mix
        if rng.random() < share
    ]


def _navigation() -> str:
    items = "".join(
        f'<li class="nav__item"><a class="nav__link" href="/{slug}/">{label}</a></li>'
        for slug, label in ACCOUNT_PAGES
    )
    return f'<nav class="main-nav" id="navigation"><ul class="nav__list">{items}</ul></nav>'


def _teaser(rng: random.Random, k: int, image: bool = True) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    title = " ".join(rng.choice(WORDS) for _ in range(5))
    news = f"/aktuelles/meldung-{k % NEWS_PAGES}/"
    picture = (
        f'<img src="/fileadmin/bilder/teaser-{k}.jpg" alt="{title}" width="320" height="180">'
        if image
        else ""
    )
    return (
        f'<div class="teaser teaser--news"><a class="teaser__image" href="{news}">{picture}</a>'
        f'<div class="teaser__body"><h3 class="teaser__title"><a href="{news}">{title}</a></h3>'
        f'<p class="teaser__text">{words}</p><span class="teaser__date">{1 + k % 28:02d}.03.2024'
        f"</span></div></div>\n"
    )


def _inline_code(rng: random.Random, size: int) -> str:
    rules: list[str] = []
    length = 0
    while length < size:
        name = f"c-{rng.choice(WORDS).lower()}-{len(rules)}"
        rules.append(f".{name} {{ margin: 0 {len(rules) % 9}px; color: #3a3a3a; }}\n")
        length += len(rules[-1])
    return "<style>" + "".join(rules) + "</style>"


def render_page(shape: WebShape, variant: int, path: str) -> bytes:
    """The HTML of one page of one variant site, about ``shape.page_kb`` KB."""
    site = random.Random(shape.seed * 1_000_003 + variant)  # same mix on every page of a site
    handle = f"gemeinde{variant:04d}"
    host = f"variant-{variant}.de"
    head = "".join(_pick(site, TRACKER_MIX, host=host, n=variant))
    accounts = "".join(_pick(site, ACCOUNT_MIX, handle=handle, host=host))
    embeds = "".join(_pick(site, EMBED_MIX, n=variant))
    if shape.injected and path == "/":
        injected = random.Random(f"{shape.seed}:injected:{variant}")
        head += "".join(_pick(injected, INJECTED_HEAD))
        embeds += "".join(_pick(injected, INJECTED_BODY, n=variant))
    page = random.Random(f"{shape.seed}:{variant}:{path}")
    title = "Startseite" if path == "/" else path.strip("/").split("/")[-1].title()
    opening = (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>{title} - Gemeinde {variant}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/typo3temp/assets/css/main.css">'
        f'<script src="/typo3temp/assets/js/jquery.min.js"></script>{head}'
        f"{_inline_code(page, shape.page_kb * 100)}</head>\n<body>"
        f'<header class="page-header"><a href="/" class="logo">Gemeinde {variant}</a>'
        f'{_navigation()}</header>\n<main id="content"><h1>{title}</h1>{embeds}'
    )
    closing = (
        '</main>\n<footer class="page-footer"><div class="footer__social">'
        f'{accounts}</div><ul class="footer__links"><li><a href="/impressum/">Impressum</a></li>'
        '<li><a href="/datenschutz/">Datenschutz</a></li><li><a href="/kontakt/">Kontakt</a></li>'
        "</ul></footer></body></html>\n"
    )
    target = shape.page_kb * 1024 - len(opening) - len(closing)
    teasers: list[str] = []
    filled = 0
    while filled < target:
        k = len(teasers)
        teasers.append(_teaser(page, k, shape.images is None or k < shape.images))
        filled += len(teasers[-1])
    return (opening + "".join(teasers) + closing).encode("utf-8")


def render_site(shape: WebShape, variant: int) -> dict[str, bytes]:
    """Every page of one variant site, by path; the homepage a real one where asked for."""
    site = {path: render_page(shape, variant, path) for path in page_paths()}
    if shape.homepages is not None:
        pages = real_homepages(shape.homepages)
        site["/"] = pages[variant % len(pages)].read_bytes()
    return site


def real_homepages(folder: str) -> list[Path]:
    """The pages of ``folder`` (``*.html``), in a fixed order; at least one."""
    pages = sorted(Path(folder).glob("*.html"))
    if not pages:
        raise ValueError(f"no *.html pages in {folder}")
    return pages


def png(kb: int, seed: int = 7) -> bytes:
    """A valid 320 x 180 grey PNG of about ``kb`` KB: noise rows (which do not compress), then
    blank ones, so the browser has real bytes to fetch and decode."""
    width, height = 320, 180
    noisy = min(height, kb * 1024 // (width + 1))
    rng = random.Random(seed)
    rows = [bytes([0]) + rng.randbytes(width) for _ in range(noisy)]
    rows += [bytes(width + 1)] * (height - noisy)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
