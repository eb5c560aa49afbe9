"""Account ids the corpus did not teach (issue 17, classes 5 and 7): each with a near-miss."""

from __future__ import annotations

import pytest
from tracker_testing import tracker_json

GTAG = '<script async src="https://www.googletagmanager.com/gtag/js?id={id}"></script>'


def _ids(html: str) -> dict[str, list[str]]:
    return {hit["id"]: hit["ids"] for hit in tracker_json(html)}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Google tag ids: GT- (Site Kit's Google tag), AW- (Ads), DC- (Floodlight), G-, UA-.
        (GTAG.format(id="GT-KFNT2ZQ"), {"google-tag-manager": ["GT-KFNT2ZQ"]}),
        ("<script>gtag('config', 'GT-KFNT2ZQ');</script>", {"google-tag-manager": ["GT-KFNT2ZQ"]}),
        (GTAG.format(id="DC-8866310"), {"google-ads": ["DC-8866310"]}),
        ("<script>gtag('config', 'DC-8866310');</script>", {"google-ads": ["DC-8866310"]}),
        (GTAG.format(id="AW-17521997839"), {"google-ads": ["AW-17521997839"]}),
        (
            "<script>gtag('event', 'conversion', {'send_to': 'AW-17521997839/AbC-dEfGh'});"
            "</script>",
            {"google-ads": ["AW-17521997839"]},
        ),
        (
            "<script>gtag('event', 'conversion', {send_to: 'DC-8866310/invmedia/xyz+standard'});"
            "</script>",
            {"google-ads": ["DC-8866310"]},
        ),
        (GTAG.format(id="G-38606SS5F6"), {"google-analytics": ["G-38606SS5F6"]}),
        # Near-misses: look-alike prefixes and plain text.
        (GTAG.format(id="GTX-KFNT2ZQ"), {}),
        ("<script>var label = 'DC-Comics';</script>", {}),
        ("<p>gtag('config', 'GT-KFNT2ZQ')</p>", {}),
    ],
)
def test_google_tag_ids(html: str, expected: dict[str, list[str]]) -> None:
    assert _ids(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # AdSense publisher id in the loader URL and on the ad slot.
        (
            '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js'
            '?client=ca-pub-1234567890123456" crossorigin="anonymous"></script>',
            {"google-ads": ["ca-pub-1234567890123456"]},
        ),
        (
            '<ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456"'
            ' data-ad-slot="987"></ins>',
            {"google-ads": ["ca-pub-1234567890123456"]},
        ),
        ('<ins class="werbung" data-ad-client="ca-pub-1234567890123456"></ins>', {}),
        # FB.init({appId}) next to the SDK loader, in a script of its own.
        (
            "<script>window.fbAsyncInit = function() { FB.init({ appId: '194800020920404',"
            " xfbml: true, version: 'v18.0' }); };</script>"
            '<script async src="https://connect.facebook.net/de_DE/sdk.js"></script>',
            {"facebook-sdk": ["194800020920404"]},
        ),
        ("<script>FB.init({ appId: '194800020920404' });</script>", {}),
        # Adobe report suite handed to s_gi().
        (
            '<script>var s = s_gi("stadtmusterprod,stadtmusterglobal"); s.t();</script>',
            {"adobe-analytics": ["stadtmusterprod,stadtmusterglobal"]},
        ),
        ("<script>var s = s_gi(reportSuite);</script>", {"adobe-analytics": []}),
        # Usercentrics settings ids in every version.
        (
            '<script type="application/javascript" src="https://app.usercentrics.eu/latest/main.js"'
            ' id="rMqB9azKr"></script>',
            {"usercentrics": ["rMqB9azKr"]},
        ),
        (
            '<script id="usercentrics-cmp" src="https://app.usercentrics.eu/browser-ui/latest/'
            'loader.js" data-settings-id="Jur1xYv8X" async></script>',
            {"usercentrics": ["Jur1xYv8X"]},
        ),
        (
            '<script id="usercentrics-cmp" src="https://web.cmp.usercentrics.eu/ui/loader.js"'
            ' data-ruleset-id="DkhDssQkpLpteU" async></script>',
            {"usercentrics": ["DkhDssQkpLpteU"]},
        ),
        (
            '<link rel="preload" as="fetch" href="https://api.usercentrics.eu/settings/'
            'wfj7w1jmNugSsu/latest/de.json">',
            {"usercentrics": ["wfj7w1jmNugSsu"]},
        ),
        (
            '<script id="cmp-autoblocker" src="https://web.cmp.usercentrics.eu/modules/'
            'autoblocker.js"></script>',
            {"usercentrics": []},
        ),
        # The GTM id inside a server-side custom loader (base64 of "id=GTM-…").
        (
            "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date()"
            ".getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);"
            "j.async=true;j.src='https://load.sst.example-stadt.de/5imesvfns.js?'+i;"
            "f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer',"
            "'cywxoi=aWQ9R1RNLVRHWFhWVFg%3D&page=1');</script>",
            {"google-tag-manager": ["GTM-TGXXVTX"]},
        ),
        (
            "<script>w[l].push({'gtm.start':1});"
            "(window,document,'script','dataLayer','cywxoi=bm90LWFuLWlk&page=1');</script>",
            {"google-tag-manager": []},
        ),
    ],
)
def test_ids_not_extracted_before(html: str, expected: dict[str, list[str]]) -> None:
    assert _ids(html) == expected
