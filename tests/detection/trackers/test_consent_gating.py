"""Consent gating both ways (issue 17, class 6): what waits for consent and what only waits."""

from __future__ import annotations

import base64

import pytest
from tracker_testing import tracker_json

GA_LOADER = (
    '<script {attrs} src="https://www.googletagmanager.com/gtag/js?id=G-38606SS5F6"></script>'
)
GA_CONFIG = (
    "<script {attrs}>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push("
    "arguments);}} gtag('js', new Date()); gtag('config', 'G-38606SS5F6');</script>"
)
HELD = 'type="text/plain" data-cookieconsent="statistics"'
FB_LOADER = (
    "!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};t=b.createElement(e);"
    "t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}"
    "(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');"
)


def _gated(html: str) -> dict[str, bool]:
    return {hit["id"]: hit["consent_gated"] for hit in tracker_json(html)}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # A loader held back while its configuration is a plain script: nothing is sent.
        (GA_LOADER.format(attrs=HELD) + GA_CONFIG.format(attrs=""), {"google-analytics": True}),
        (
            f'<script type="text/plain" data-usercentrics="Facebook Pixel">{FB_LOADER}</script>'
            "<script>fbq('init', '1969551490000745'); fbq('track', 'PageView');</script>",
            {"facebook-pixel": True},
        ),
        (
            '<script type="text/plain" data-name="matomo">var u="//stats.example-stadt.de/";'
            "var g=document.createElement('script'); g.src=u+'matomo.js';</script>"
            "<script>var _paq = window._paq || []; _paq.push(['setSiteId', '3']);</script>",
            {"matomo": True},
        ),
        # Near-misses: a plain loader, or only plain configuration, is not gated.
        (
            GA_LOADER.format(attrs="async") + GA_CONFIG.format(attrs=HELD),
            {"google-analytics": False},
        ),
        (GA_CONFIG.format(attrs=""), {"google-analytics": False}),
        (
            GA_LOADER.format(attrs=HELD)
            + GA_CONFIG.format(attrs="")
            + '<img src="https://www.google-analytics.com/collect?v=1&tid=UA-12957336-1">',
            {"google-analytics": False},
        ),
    ],
)
def test_loader_held_back_with_plain_configuration(html: str, expected: dict[str, bool]) -> None:
    assert _gated(html) == expected


@pytest.mark.parametrize(
    "script",
    [
        '<script type="rocketlazyloadscript" data-rocket-src="{url}" async></script>',
        '<script type="text/rocketlazyloadscript" src="{url}"></script>',
        '<script type="litespeed/javascript" data-src="{url}"></script>',
        '<script type="pmdelayedscript" src="{url}" data-perfmatters-type="text/javascript">'
        "</script>",
        '<script type="4a8c2b7e9d1f3a5b6c7d8e9f-text/javascript" src="{url}"></script>',
    ],
)
def test_scripts_delayed_by_performance_plugins_are_not_consent_gated(script: str) -> None:
    url = "https://www.googletagmanager.com/gtag/js?id=G-38606SS5F6"
    assert _gated(script.format(url=url)) == {"google-analytics": False}


@pytest.mark.parametrize(
    "script",
    [
        '<script type="text/plain" data-cookieconsent="statistics" data-src="{url}"></script>',
        '<script type="javascript/blocked" src="{url}"></script>',
        '<script type="rocketlazyloadscript-held" src="{url}"></script>',
    ],
)
def test_scripts_held_by_consent_tools_stay_gated(script: str) -> None:
    url = "https://www.googletagmanager.com/gtag/js?id=G-38606SS5F6"
    assert _gated(script.format(url=url)) == {"google-analytics": True}


def _borlabs(embed: str) -> str:
    encoded = base64.b64encode(embed.encode("utf-8")).decode("ascii")
    return (
        '<div class="brlbs-cmpnt-container brlbs-cmpnt-content-blocker"'
        f' data-borlabs-cookie-content-blocker-id="youtube-content-blocker"'
        f' data-borlabs-cookie-content="{encoded}"><p>Video laden</p></div>'
    )


def test_borlabs_content_blocker_is_a_gated_embed_of_its_platform() -> None:
    html = _borlabs(
        '<iframe width="560" src="https://www.youtube-nocookie.com/embed/5zSYZpxlEEU?rel=0&amp;'
        'autoplay=1" allowfullscreen></iframe>'
    )
    assert _gated(html) == {"youtube-nocookie": True}


@pytest.mark.parametrize(
    "html",
    [
        _borlabs("<p>Kein eingebetteter Inhalt, nur Text über www.youtube.com/embed/x</p>"),
        '<div data-borlabs-cookie-content="kein base64 ###"></div>',
        '<div data-content="PGlmcmFtZSBzcmM9Imh0dHBzOi8vd3d3LnlvdXR1YmUuY29tL2VtYmVkL3giPg==">'
        "</div>",
    ],
)
def test_encoded_content_without_an_embed_counts_nothing(html: str) -> None:
    assert tracker_json(html) == []
