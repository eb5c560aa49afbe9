"""Account ids read from request URLs as the vendors' tags send them, and their near misses."""

from __future__ import annotations

import pytest

from crawler.detection.findings import RequestedUrl
from crawler.detection.page import ParsedPage
from crawler.detection.rendered import detect_rendered

PAGE_URL = "https://www.example-stadt.de/aktuelles/"
DL = "dl=https%3A%2F%2Fwww.example-stadt.de%2Faktuelles%2F"
GA4_HIT = (
    "/g/collect?v=2&tid=G-ABC123XYZ9&gtm=45je5c10v&_p=1765080000000&gcd=13l3l3l3l1l1&npa=0"
    f"&dma=0&cid=123456789.1765080000&ul=de-de&sr=1920x1080&_s=1&sid=1765080000&sct=1&seg=0&{DL}"
    "&dt=Aktuelles&en=page_view&_fv=1&_ss=1&tfd=1234"
)
# Where gtag.js sends GA4 hits: the default host, region hosts, and analytics.google.com.
GA4_HOSTS = (
    "www.google-analytics.com",
    "region1.google-analytics.com",
    "analytics.google.com",
    "region1.analytics.google.com",
)
ADSCT = (
    "/1/i/adsct?bci=4&dv=Europe%2FBerlin%26de-DE%26Google%20Inc.%26Linux%20x86_64%26255&eci=3"
    "&event=%7B%7D&event_id=5f1c2e3d-0a1b-4c5d-8e9f-a0b1c2d3e4f5&integration=advertiser"
    "&p_id=Twitter&p_user_id=0&pl_id=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
    "&tw_document_href=https%3A%2F%2Fwww.example-stadt.de%2Faktuelles%2F&tw_iframe_status=0"
    "&txn_id=o01jm&type=javascript&version=2.3.35"
)


def _ids(url: str, resource_type: str = "script") -> dict[str, tuple[str, ...]]:
    page = ParsedPage.from_html("<html></html>", PAGE_URL)
    findings = detect_rendered(page, [RequestedUrl(url, resource_type)])
    return {hit.id: hit.ids for hit in findings.trackers}


@pytest.mark.parametrize(
    ("url", "resource_type", "expected"),
    [
        (
            "https://www.facebook.com/tr/?id=123456789012345&ev=PageView"
            f"&{DL}&rl=&if=false&ts=1765080000000&v=2.9.205&r=stable&ec=0&o=4126",
            "image",
            {"facebook-pixel": ("123456789012345",)},
        ),
        (
            "https://connect.facebook.net/signals/config/123456789012345?v=2.9.205&r=stable"
            "&domain=www.example-stadt.de",
            "script",
            {"facebook-pixel": ("123456789012345",)},
        ),
        *(
            (f"https://{host}{GA4_HIT}", "ping", {"google-analytics": ("G-ABC123XYZ9",)})
            for host in GA4_HOSTS
        ),
        (
            "https://www.google-analytics.com/collect?v=1&_v=j101&a=123456789&t=pageview&_s=1"
            f"&{DL}&ul=de-de&de=UTF-8&dt=Aktuelles&sd=24-bit&je=0&cid=123456789.1765080000"
            "&tid=UA-12345-1&_gid=987654321.1765080000&z=123456789",
            "image",
            {"google-analytics": ("UA-12345-1",)},
        ),
        (
            "https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234&l=dataLayer",
            "script",
            {"google-tag-manager": ("GTM-ABC1234",)},
        ),
        (
            "https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9&l=dataLayer&cx=c",
            "script",
            {"google-analytics": ("G-ABC123XYZ9",)},
        ),
        (
            "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4ABCDEFGHIJKLMNOPQR&lib=ttq",
            "script",
            {"tiktok-pixel": ("C4ABCDEFGHIJKLMNOPQR",)},
        ),
        (
            f"https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=598178&time=1765080000000&url={DL[3:]}",
            "image",
            {"linkedin-insight": ("598178",)},
        ),
        (
            "https://statistik.example-stadt.de/matomo.php?action_name=Aktuelles&idsite=3&rec=1"
            f"&r=123456&h=12&m=0&s=0&url={DL[3:]}&_id=0123456789abcdef&send_image=0",
            "ping",
            {"matomo": ("3", "https://statistik.example-stadt.de/")},
        ),
        (
            "https://stadt.matomo.cloud/matomo.php?action_name=Aktuelles&idsite=1&rec=1&r=123456",
            "ping",
            {"matomo-cloud": ("1", "stadt.matomo.cloud")},
        ),
        ("https://static.ads-twitter.com/uwt.js", "script", {"twitter-pixel": ()}),
        (
            "https://analytics.twitter.com/i/adsct?txn_id=o01jm&p_id=Twitter&tw_sale_amount=0",
            "image",
            {"twitter-pixel": ("o01jm",)},
        ),
        ("https://analytics.twitter.com" + ADSCT, "image", {"twitter-pixel": ("o01jm",)}),
        ("https://t.co" + ADSCT, "image", {"twitter-pixel": ("o01jm",)}),
        (
            "https://ct.pinterest.com/v3/?event=init&tid=2613041334883&noscript=1",
            "image",
            {"pinterest-tag": ("2613041334883",)},
        ),
        (
            "https://ct.pinterest.com/v3/?tid=2613041334883&event=init&ad=%7B%7D&cb=1765080000000",
            "image",
            {"pinterest-tag": ("2613041334883",)},
        ),
    ],
)
def test_request_url_gives_the_account_id(
    url: str, resource_type: str, expected: dict[str, tuple[str, ...]]
) -> None:
    assert _ids(url, resource_type) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # id= on facebook.com paths that are no pixel: a photo, a page plugin.
        ("https://www.facebook.com/photo.php?fbid=10158000000000000&id=123456789012345", {}),
        (
            "https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2F"
            "stadt&id=123456789012345",
            {"facebook-sdk": ()},
        ),
        # The pixel's other files under /signals/ name no pixel id.
        (
            "https://connect.facebook.net/signals/plugins/identity.js?v=2.9.205",
            {"facebook-pixel": ()},
        ),
        # tid= and the GA4 path on hosts that are not Google Analytics.
        ("https://collector.example.org/g/collect?v=2&tid=G-ABC123XYZ9", {}),
        ("https://analytics.google.com/analytics/web/?tid=G-ABC123XYZ9", {}),
        ("https://api.example.org/v3/?tid=2613041334883&event=init", {}),
        # Other vendors' parameter names elsewhere.
        ("https://www.example.org/collect?v=2&fmt=js&pid=598178", {}),
        ("https://cdn.example.org/i18n/pixel/events.js?sdkid=C4ABCDEFGHIJKLMNOPQR", {}),
        ("https://analytics.twitter.com/1/i/jot?txn_id=o01jm", {}),
        ("https://www.googletagmanager.com/gtag/js?id=GTM-ABC1234", {}),
    ],
)
def test_look_alike_request_gives_no_account_id(
    url: str, expected: dict[str, tuple[str, ...]]
) -> None:
    assert _ids(url) == expected
