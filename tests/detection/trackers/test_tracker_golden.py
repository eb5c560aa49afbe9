"""Golden fixtures: each catalogue entry's vendor snippet, and generic near-misses built from it."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from tracker_testing import GOLDEN_DIR, PAGE_URL, golden, tracker_json

from crawler.detection.page import ParsedPage
from crawler.detection.trackers import CATALOGUE
from crawler.detection.trackers.resources import page_resources

FIXTURES = sorted(path.name.removesuffix(".html") for path in GOLDEN_DIR.glob("*.html"))
ENTRY_IDS = [spec.id for spec in CATALOGUE.trackers]
# Entries whose rules name self-hosted files on purpose (Matomo, Shariff, WordPress plugins, ...).
SELF_HOSTED_BY_DESIGN = {
    spec.id for spec in CATALOGUE.trackers if any(rule.segments for rule in spec.url_rules)
}
_BODY = re.compile(r"<head>.*</body>", re.DOTALL)


def _fixture(name: str) -> str:
    return (GOLDEN_DIR / f"{name}.html").read_text(encoding="utf-8")


def _rehost(html: str, host_of: dict[str, str]) -> str:
    """The fixture with every loading element's URL moved to another host (path kept)."""
    page = ParsedPage.from_html(html, PAGE_URL)
    elements = []
    for resource in page_resources(page):
        if resource.kind != "loaded" or resource.tag == "style":
            continue
        parts = resource.parts
        url = parts._replace(netloc=host_of.get(parts.hostname or "", parts.netloc)).geturl()
        attribute = "href" if resource.tag == "link" else "src"
        rel = ' rel="stylesheet"' if resource.tag == "link" else ""
        elements.append(
            f'<{resource.tag}{rel} {attribute}="{html_lib.escape(url)}"></{resource.tag}>'
        )
    return "<html><body>" + "".join(elements) + "</body></html>"


@pytest.mark.parametrize("name", FIXTURES)
def test_vendor_snippet_matches_golden(name: str) -> None:
    actual, expected = golden(name)
    assert actual == expected


@pytest.mark.parametrize("tracker_id", ENTRY_IDS)
def test_every_catalogue_entry_fires_on_its_snippet(tracker_id: str) -> None:
    assert tracker_id in {hit["id"] for hit in tracker_json(_fixture(tracker_id))}


@pytest.mark.parametrize("name", FIXTURES)
def test_commented_out_snippet_does_not_count(name: str) -> None:
    body = _BODY.search(_fixture(name)).group(0).replace("-->", "").replace("<!--", "")
    assert tracker_json(f"<html><!-- {body} --></html>") == []


@pytest.mark.parametrize("name", FIXTURES)
def test_snippet_shown_as_pre_example_does_not_count(name: str) -> None:
    shown = html_lib.escape(_fixture(name))
    assert (
        tracker_json(f"<html><body><p>So sieht der Code aus:</p><pre>{shown}</pre></body></html>")
        == []
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_snippet_urls_as_plain_links_do_not_count(name: str) -> None:
    page = ParsedPage.from_html(_fixture(name), PAGE_URL)
    links = "".join(f'<a href="{html_lib.escape(ref.url)}">Link</a>' for ref in page.url_refs)
    assert tracker_json(f"<html><body>{links}</body></html>") == []


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("disguise", ["{host}.evil.de", "www.not{domain}", "{host}-cdn.example"])
def test_look_alike_hosts_do_not_count(name: str, disguise: str) -> None:
    page = ParsedPage.from_html(_fixture(name), PAGE_URL)
    hosts = {r.host for r in page_resources(page) if r.host and r.host != "www.example-stadt.de"}
    look_alikes = {
        host: disguise.format(host=host, domain=".".join(host.split(".")[-2:])) for host in hosts
    }
    found = tracker_json(_rehost(_fixture(name), look_alikes))
    assert {hit["id"] for hit in found} <= SELF_HOSTED_BY_DESIGN


@pytest.mark.parametrize("name", sorted(set(FIXTURES) - SELF_HOSTED_BY_DESIGN))
def test_self_hosted_copy_of_vendor_files_does_not_count(name: str) -> None:
    page = ParsedPage.from_html(_fixture(name), PAGE_URL)
    own = {r.host: "www.example-stadt.de" for r in page_resources(page) if r.host}
    assert tracker_json(_rehost(_fixture(name), own)) == []
