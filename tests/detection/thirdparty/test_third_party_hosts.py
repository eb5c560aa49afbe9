"""Third-party hosts: loaded resources, hints and forms outside the page's registrable domain."""

from __future__ import annotations

from crawler.detection.findings import ThirdPartyHost
from crawler.detection.page import ParsedPage
from crawler.detection.thirdparty import third_party_hosts

PAGE_URL = "https://www.stadt-beispiel.de/rathaus/"


def _hosts(body: str, url: str = PAGE_URL) -> list[tuple[str, str]]:
    page = ParsedPage.from_html(f"<html><head></head><body>{body}</body></html>", url)
    return [(item.host, item.domain) for item in third_party_hosts(page)]


def test_loaded_resources_hints_and_forms_count_sorted_and_deduplicated() -> None:
    body = (
        '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>'
        '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        '<img src="https://piwik.itzbund.de/js/?idsite=1&rec=1">'
        '<link rel="preconnect" href="https://fonts.gstatic.com">'
        '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
        '<form action="https://suche.service-bw.de/query"></form>'
    )
    assert _hosts(body) == [
        ("www.googletagmanager.com", "googletagmanager.com"),
        ("fonts.gstatic.com", "gstatic.com"),
        ("piwik.itzbund.de", "itzbund.de"),
        ("suche.service-bw.de", "service-bw.de"),
        ("www.youtube-nocookie.com", "youtube-nocookie.com"),
    ]


def test_own_registrable_domain_is_first_party() -> None:
    body = (
        '<img src="https://matomo.stadt-beispiel.de/matomo.php?idsite=1">'
        '<script src="/js/app.js"></script>'
    )
    assert _hosts(body) == []


def test_outbound_links_and_parked_consent_urls_are_not_loaded() -> None:
    body = (
        '<a href="https://www.facebook.com/stadt">Facebook</a>'
        '<link rel="canonical" href="https://www.example.org/">'
        '<iframe data-cmp-src="https://player.vimeo.com/video/1"></iframe>'
        '<div data-src="https://www.youtube.com/embed/x">Video laden</div>'
    )
    assert _hosts(body) == []


def test_commented_out_resources_do_not_count() -> None:
    assert (
        _hosts('<!-- <script src="https://connect.facebook.net/en_US/sdk.js"></script> -->') == []
    )


def test_multi_label_public_suffix_uses_registrable_domain() -> None:
    body = '<script src="https://static.gv.at/js/x.js"></script><img src="https://a.b.gv.at/i.png">'
    assert _hosts(body, "https://www.bundeskanzleramt.gv.at/") == [
        ("a.b.gv.at", "b.gv.at"),
        ("static.gv.at", "static.gv.at"),
    ]


def test_css_import_in_inline_style_counts() -> None:
    body = "<style>@import url('https://fonts.googleapis.com/css?family=Lato');</style>"
    assert _hosts(body) == [("fonts.googleapis.com", "googleapis.com")]


def test_result_type_is_third_party_host() -> None:
    page = ParsedPage.from_html('<img src="https://cdn.example.org/a.png">', PAGE_URL)
    assert third_party_hosts(page) == [ThirdPartyHost("cdn.example.org", "example.org")]
