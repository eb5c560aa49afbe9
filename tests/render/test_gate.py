"""The browser's request gate and launch flags: the crawl's address rules inside Chromium."""

from __future__ import annotations

import asyncio

import pytest

from crawler.limits import BadSetting
from crawler.net.resolver import static_address
from crawler.render.config import host_resolver_rules, launch_args
from crawler.render.gate import NOT_DOWNLOADED, PRIVATE_ADDRESS, RequestGate, leaf_mode

HOSTS = {"www.gemeinde.test": "127.0.0.1", "*.cdn.test": "127.0.0.1", "weg.test": ""}
PAGE = "http://www.gemeinde.test:8080/"


def refusal(gate: RequestGate, url: str, resource_type: str = "script") -> str | None:
    return asyncio.run(gate.refusal(url, resource_type, PAGE))


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/secret",
        "http://[::1]/",
        "http://10.1.2.3/intranet",
        "http://localhost:5432/",
        "http://db.localhost/",
    ],
)
def test_private_targets_are_refused_even_with_allow_private(url: str) -> None:
    assert refusal(RequestGate(HOSTS, allow_private=True), url) == PRIVATE_ADDRESS


def test_mapped_names_are_reachable_only_with_allow_private() -> None:
    url = "http://static.cdn.test:8080/app.js"
    assert refusal(RequestGate(HOSTS, allow_private=True), url) is None
    assert refusal(RequestGate(HOSTS, allow_private=False), url) == PRIVATE_ADDRESS


def test_a_name_mapped_to_nothing_is_left_to_fail_in_the_browser() -> None:
    assert refusal(RequestGate(HOSTS, allow_private=False), "http://weg.test/x.js") is None


def test_public_addresses_pass() -> None:
    assert refusal(RequestGate({}, allow_private=False), "http://93.184.215.14/pixel.gif") is None


@pytest.mark.parametrize("resource_type", ["image", "media", "font"])
def test_first_party_leaves_are_recorded_but_not_downloaded(resource_type: str) -> None:
    gate = RequestGate(HOSTS, allow_private=True)
    assert refusal(gate, "http://www.gemeinde.test:8080/logo.png", resource_type) == NOT_DOWNLOADED


@pytest.mark.parametrize("resource_type", ["image", "media", "font"])
def test_first_party_leaves_download_when_asked(resource_type: str) -> None:
    gate = RequestGate(HOSTS, allow_private=True, leaves="download")
    assert refusal(gate, "http://www.gemeinde.test:8080/logo.png", resource_type) is None


def test_a_leaf_mode_is_skip_download_or_refused() -> None:
    assert leaf_mode(None) == leaf_mode("") == "skip"
    assert leaf_mode(" Download ") == "download"
    with pytest.raises(BadSetting, match="GOVSOCIAL_RENDER_LEAVES must be one of skip, download"):
        leaf_mode("some")


def test_third_party_leaves_and_first_party_scripts_load() -> None:
    gate = RequestGate(HOSTS, allow_private=True)
    assert refusal(gate, "http://px.cdn.test:8080/tr?id=1", "image") is None
    assert refusal(gate, "http://www.gemeinde.test:8080/app.js", "script") is None


def test_urls_without_a_network_fetch_pass() -> None:
    gate = RequestGate({}, allow_private=False)
    assert refusal(gate, "data:image/gif;base64,R0lGODlh", "image") is None
    assert refusal(gate, "blob:http://www.gemeinde.test/1234", "fetch") is None


def test_the_host_map_becomes_chromium_resolver_rules_exact_names_first() -> None:
    rules = host_resolver_rules({"*.zone": "127.0.0.1", "www.a.de": "127.0.0.2", "b.de": ""})
    assert rules == (
        "MAP www.a.de 127.0.0.2, MAP b.de ~NOTFOUND, MAP *.zone 127.0.0.1, MAP * ~NOTFOUND"
    )
    assert host_resolver_rules({"v6.de": "::1"}) == "MAP v6.de [::1], MAP * ~NOTFOUND"
    assert host_resolver_rules({"cdn.de": "127.0.0.1:8443"}).startswith("MAP cdn.de 127.0.0.1:8443")
    assert host_resolver_rules({}) == ""


def test_a_mapped_port_is_for_the_browser_only() -> None:
    hosts = {"connect.facebook.net": "127.0.0.1:8443", "v6.test": "[::1]:8443"}
    assert static_address(hosts, "connect.facebook.net") == "127.0.0.1"
    assert static_address(hosts, "v6.test") == "::1"
    gate = RequestGate(hosts, allow_private=True)
    assert refusal(gate, "https://connect.facebook.net/en_US/fbevents.js") is None


def test_launch_args_carry_the_rules_and_no_background_traffic() -> None:
    args = launch_args({"www.a.de": "127.0.0.1"})
    assert "--host-resolver-rules=MAP www.a.de 127.0.0.1, MAP * ~NOTFOUND" in args
    assert "--disable-background-networking" in args
    assert launch_args({}) == [arg for arg in args if not arg.startswith("--host-resolver")]
