"""Behaviour the issue asks for beyond single snippets: gating, merging, look-alikes, id splits."""

from __future__ import annotations

import pytest
from tracker_testing import tracker_json

GTM_SNIPPET = (
    "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
    "event:'gtm.js'});})(window,document,'script','dataLayer','GTM-K4T2CRK6');"
)


def _ids(html: str) -> dict[str, list[str]]:
    return {hit["id"]: hit["ids"] for hit in tracker_json(html)}


def _gated(html: str) -> dict[str, bool]:
    return {hit["id"]: hit["consent_gated"] for hit in tracker_json(html)}


def test_script_held_back_as_text_plain_by_a_cmp_is_consent_gated() -> None:
    html = (
        f'<script type="text/plain" data-usercentrics="Google Tag Manager">{GTM_SNIPPET}</script>'
    )
    assert _gated(html) == {"google-tag-manager": True}


def test_klaro_parked_matomo_is_consent_gated() -> None:
    html = (
        '<script type="text/plain" data-type="application/javascript" data-name="webstatistik">'
        "var _paq = _paq || []; _paq.push(['setSiteId', '7']);</script>"
    )
    assert _gated(html) == {"matomo": True}


def test_two_click_placeholder_with_parked_embed_url_is_consent_gated() -> None:
    html = (
        '<div class="embed-privacy" data-embed-src="https://www.youtube.com/embed/5zSYZpxlEEU">'
        "<button>Video laden</button></div>"
    )
    assert _gated(html) == {"youtube-embed": True}


def test_iframe_parked_by_consent_tool_is_consent_gated() -> None:
    html = '<iframe data-cmp-src="https://player.vimeo.com/video/1" src="about:blank"></iframe>'
    assert _gated(html) == {"vimeo-embed": True}


def test_lazy_loaded_iframe_without_consent_marker_is_not_gated() -> None:
    html = '<iframe class="lazyload" data-src="https://www.youtube.com/embed/5zSYZpxlEEU"></iframe>'
    assert _gated(html) == {"youtube-embed": False}


def test_gated_only_when_every_occurrence_is_gated() -> None:
    html = (
        f'<script type="text/plain" data-cookieconsent="statistics">{GTM_SNIPPET}</script>'
        '<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-K4T2CRK6">'
        "</iframe></noscript>"
    )
    assert _gated(html) == {"google-tag-manager": False}


def test_one_hit_per_tracker_merges_ids_and_keeps_first_evidence() -> None:
    html = (
        '<script src="https://www.googletagmanager.com/gtag/js?id=G-38606SS5F6"></script>'
        "<script>gtag('config', 'G-38606SS5F6'); gtag('config', 'UA-12957336-1');</script>"
    )
    [hit] = tracker_json(html)
    assert (hit["ids"], hit["evidence"]["attribute"]) == (["G-38606SS5F6", "UA-12957336-1"], "src")


def test_gtag_splits_analytics_and_ads_ids() -> None:
    html = "<script>gtag('config', 'G-38606SS5F6'); gtag('config', 'AW-17521997839');</script>"
    assert _ids(html) == {"google-analytics": ["G-38606SS5F6"], "google-ads": ["AW-17521997839"]}


def test_gtm_container_id_is_read_from_the_inline_snippet() -> None:
    assert _ids(f"<script>{GTM_SNIPPET}</script>") == {"google-tag-manager": ["GTM-K4T2CRK6"]}


def test_js_commented_out_snippet_does_not_count() -> None:
    html = f"<script>/* {GTM_SNIPPET} */\n// fbq('init', '1969551490000745');\nvar a = 1;</script>"
    assert tracker_json(html) == []


def test_snippet_mentioned_in_text_does_not_count() -> None:
    html = "<p>Wir verzichten auf fbq('init', '123456789012345') und auf googletagmanager.com.</p>"
    assert tracker_json(html) == []


def test_server_side_gtm_on_own_host_is_google_tag_manager() -> None:
    html = '<script src="https://sgtm.example-stadt.de/gtm.js?id=GTM-K4T2CRK6"></script>'
    assert _ids(html) == {"google-tag-manager": ["GTM-K4T2CRK6"]}


def test_self_hosted_gtm_file_without_container_id_does_not_count() -> None:
    assert tracker_json('<script src="/assets/gtm.js"></script>') == []


def test_matomo_cloud_is_not_reported_as_self_hosted_matomo() -> None:
    html = '<script src="https://cdn.matomo.cloud/stadt.matomo.cloud/matomo.js"></script>'
    assert _ids(html) == {"matomo-cloud": ["stadt.matomo.cloud"]}


def test_self_hosted_matomo_tracking_pixel_names_site_and_tracker() -> None:
    html = '<img src="//piwik.itzbund.de/js/?idsite=96&rec=1" alt="">'
    assert _ids(html) == {"matomo": ["96", "https://piwik.itzbund.de/"]}


def test_youtube_nocookie_is_not_youtube_embed() -> None:
    html = '<iframe src="https://www.youtube-nocookie.com/embed/5zSYZpxlEEU"></iframe>'
    assert set(_ids(html)) == {"youtube-nocookie"}


def test_analytics_beacon_on_doubleclick_is_not_google_ads() -> None:
    assert set(_ids('<img src="https://stats.g.doubleclick.net/r/collect?v=1">')) == {
        "google-analytics"
    }


def test_resource_hints_alone_do_not_count() -> None:
    html = (
        '<link rel="preconnect" href="https://fonts.gstatic.com">'
        '<link rel="dns-prefetch" href="https://www.google-analytics.com">'
    )
    assert tracker_json(html) == []


def test_google_fonts_imported_in_inline_style_counts() -> None:
    html = "<style>@import url(https://fonts.googleapis.com/css?family=Lato);</style>"
    assert set(_ids(html)) == {"google-fonts"}


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://www.example-stadt.de/js/fbevents.js"></script>',
        '<script src="https://connect.facebook.net.evil.de/en_US/fbevents.js"></script>',
        '<script src="https://notgoogletagmanager.com/gtm.js?id=GTM-K4T2CRK6"></script>',
        '<a href="https://www.youtube.com/embed/5zSYZpxlEEU">Video</a>',
        '<script src="https://jis.gov.jm/wp-content/themes/jis/js/iframe_api.js"></script>',
        '<link rel="stylesheet" href="https://www.example-stadt.de/css/google-fonts.css">',
    ],
)
def test_look_alikes_do_not_count(html: str) -> None:
    assert tracker_json(html) == []
