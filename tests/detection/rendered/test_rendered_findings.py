"""Rendered pages: the rendered DOM and the browser's requests read together."""

from __future__ import annotations

import random

import pytest

from crawler.detection.detect import detect_page
from crawler.detection.filterlists import parse_filter_list
from crawler.detection.findings import Evidence, PageFindings, RequestedUrl
from crawler.detection.page import ParsedPage
from crawler.detection.rendered import detect_rendered, with_served_gating

PAGE_URL = "https://www.example-stadt.de/aktuelles/"
GTM_SNIPPET = (
    "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
    "event:'gtm.js'});})(window,document,'script','dataLayer','GTM-K4T2CRK6');"
)
GTM_JS = RequestedUrl("https://www.googletagmanager.com/gtm.js?id=GTM-K4T2CRK6", "script")
FBEVENTS = RequestedUrl("https://connect.facebook.net/en_US/fbevents.js", "script")
PIXEL = RequestedUrl(
    "https://www.facebook.com/tr/?id=123456789012345&ev=PageView"
    "&dl=https%3A%2F%2Fwww.example-stadt.de%2Faktuelles%2F&rl=&if=false&ts=1765080000000"
    "&sw=1920&sh=1080&v=2.9.205&r=stable&ec=0&o=4126&ler=empty&coo=false&rqm=GET",
    "image",
)
GATED_GTM = (
    f'<script type="text/plain" data-usercentrics="Google Tag Manager">{GTM_SNIPPET}</script>'
)
TEST_LIST = """! Title: rendered test list
! Version: 1
||facebook.com/tr^$image
||px.example^$xmlhttprequest
"""


def _rendered(body: str, requested: list[RequestedUrl]) -> PageFindings:
    page = ParsedPage.from_html(f"<html><head></head><body>{body}</body></html>", PAGE_URL)
    return detect_rendered(page, requested)


def _seen(findings: PageFindings) -> dict[str, tuple[str, bool, tuple[str, ...]]]:
    return {hit.id: (hit.seen_in, hit.consent_gated, hit.ids) for hit in findings.trackers}


def test_tracker_injected_at_run_time_is_seen_in_requests_with_its_id() -> None:
    findings = _rendered(f"<script>{GTM_SNIPPET}</script>", [PIXEL, GTM_JS, FBEVENTS])
    assert _seen(findings) == {
        "facebook-pixel": ("requests", False, ("123456789012345",)),
        "google-tag-manager": ("markup+requests", False, ("GTM-K4T2CRK6",)),
    }


def test_request_only_hit_has_the_request_as_evidence() -> None:
    [hit] = _rendered("", [PIXEL]).trackers
    assert hit.evidence == Evidence(
        "request", "image", PIXEL.url, "url host facebook.com path /^/tr/?$/"
    )


def test_markup_and_request_hit_keeps_the_markup_evidence() -> None:
    [hit] = _rendered(f"<script>{GTM_SNIPPET}</script>", [GTM_JS]).trackers
    assert hit.evidence.element == "script"


def test_gated_script_not_requested_stays_gated_in_markup() -> None:
    assert _seen(_rendered(GATED_GTM, [])) == {
        "google-tag-manager": ("markup", True, ("GTM-K4T2CRK6",))
    }


def test_gated_script_that_was_requested_is_gated_and_seen_in_both() -> None:
    assert _seen(_rendered(GATED_GTM, [GTM_JS])) == {
        "google-tag-manager": ("markup+requests", True, ("GTM-K4T2CRK6",))
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example-stadt.de/assets/gtm.js",
        "https://www.example-stadt.de/js/fbevents.js",
        "https://www.example-stadt.de/tr/?id=123456789012345&ev=PageView",
        "https://www.example-stadt.de/g/collect?v=2&tid=G-ABC123XYZ9",
    ],
)
def test_first_party_request_that_only_looks_like_a_tracker_does_not_count(url: str) -> None:
    assert _rendered("", [RequestedUrl(url, "script")]).trackers == ()


def test_own_document_data_and_blob_urls_are_ignored() -> None:
    requested = [
        RequestedUrl(PAGE_URL, "document"),
        RequestedUrl(PAGE_URL + "#inhalt", "document"),
        RequestedUrl("data:image/png;base64,iVBORw0KGgo=", "image"),
        RequestedUrl(
            "blob:https://www.example-stadt.de/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9", "media"
        ),
    ]
    page = ParsedPage.from_html("<p>Rathaus</p>", PAGE_URL)
    assert detect_rendered(page, requested) == detect_page(page)


def test_third_party_hosts_include_hosts_seen_only_in_requests() -> None:
    findings = _rendered(
        '<img src="https://piwik.itzbund.de/js/?idsite=1&rec=1">',
        [PIXEL, RequestedUrl("https://fonts.gstatic.com/s/lato/v24/x.woff2", "font")],
    )
    assert [(item.host, item.domain) for item in findings.third_party_hosts] == [
        ("www.facebook.com", "facebook.com"),
        ("fonts.gstatic.com", "gstatic.com"),
        ("piwik.itzbund.de", "itzbund.de"),
    ]


def test_filter_lists_match_requests_in_the_engines_terms() -> None:
    page = ParsedPage.from_html("<p>Rathaus</p>", PAGE_URL)
    requested = [PIXEL, RequestedUrl("https://px.example/e", "fetch")]
    hits = detect_rendered(page, requested, [parse_filter_list(TEST_LIST, "test.txt")]).filter_hits
    assert [(hit.resource_url, hit.rule) for hit in hits] == [
        ("https://px.example/e", "||px.example^$xmlhttprequest"),
        (PIXEL.url, "||facebook.com/tr^$image"),
    ]


def test_the_same_requests_in_another_order_give_the_same_findings() -> None:
    requested = [
        PIXEL,
        GTM_JS,
        FBEVENTS,
        RequestedUrl("https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9", "ping"),
        RequestedUrl("https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9", "script"),
        RequestedUrl("https://fonts.gstatic.com/s/lato/v24/x.woff2", "font"),
        RequestedUrl("https://statistik.example-stadt.de/matomo.php?idsite=3&rec=1", "ping"),
        RequestedUrl("https://statistik.example-stadt.de/matomo.php?idsite=4&rec=1", "ping"),
        RequestedUrl("https://px.example/e", "fetch"),
    ]
    shuffled = list(reversed(requested))
    random.Random(7).shuffle(shuffled)
    page = ParsedPage.from_html(f"<script>{GTM_SNIPPET}</script>", PAGE_URL)
    lists = [parse_filter_list(TEST_LIST, "test.txt")]
    assert detect_rendered(page, shuffled, lists) == detect_rendered(page, requested, lists)


def test_served_gating_decides_and_a_pixel_injected_past_the_gate_loaded_before_consent() -> None:
    served_html = (
        '<html><head><script type="text/plain" data-cookieconsent="marketing">'
        "fbq('init','123456789012345');</script>"
        '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-K9X2TQ7"></script>'
        "</head></html>"
    )
    # The tag manager injected the pixel's loader: ungated in the rendered DOM.
    rendered_html = served_html.replace(
        "</head>", '<script src="https://connect.facebook.net/en_US/fbevents.js"></script></head>'
    )
    url = "https://www.gemeinde.de/"
    requested = [RequestedUrl("https://connect.facebook.net/en_US/fbevents.js", "script")]
    served = detect_page(ParsedPage.from_html(served_html, url))
    rendered = detect_rendered(ParsedPage.from_html(rendered_html, url), requested)
    assert _seen(rendered)["facebook-pixel"][:2] == ("markup+requests", False)
    merged = _seen(with_served_gating(rendered, served))
    assert merged["facebook-pixel"][:2] == ("markup+requests", True)
    assert merged["google-tag-manager"][1] is False


def test_trackers_the_served_page_does_not_name_keep_the_rendered_gating() -> None:
    url = "https://www.gemeinde.de/"
    rendered_html = '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>'
    rendered = detect_rendered(ParsedPage.from_html(rendered_html, url), [])
    merged = with_served_gating(rendered, detect_page(ParsedPage.from_html("<p>x</p>", url)))
    assert merged == rendered
