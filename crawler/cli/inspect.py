"""``govsocial inspect``: the findings of one page, as JSON, to check a page by hand."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

import click
from scrapy.http import HtmlResponse

from crawler.cli.options import filter_list_option, load_filter_lists
from crawler.detection.detect import detect_page
from crawler.detection.filterlists import FilterList
from crawler.detection.page import ParsedPage
from crawler.net.sniff import SNIFF_BYTES, binary_kind
from crawler.seeds.seedfile import check_url

GZIP_MAGIC = b"\x1f\x8b"
HTML_TAG = re.compile(r"<(?:!doctype|[a-z][a-z0-9]*[\s/>])", re.IGNORECASE)
TEXT_CONTROLS = frozenset(b"\t\n\r\f")
CONTROL_SHARE = 0.01  # a few control bytes in a kilobyte: no text editor writes those


@click.command()
@click.argument("path", type=click.File("rb"), required=False)
@click.option(
    "--url",
    help="The URL the page was fetched from (relative links and first parties depend on it).",
)
@click.option(
    "--render",
    "render_url",
    metavar="URL",
    help="Load this live page in headless Chromium instead, and print also what the browser "
    "requested, the cookies it got and its storage keys, before any consent.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="With --render: allow a page on a loopback or private address (local test sites).",
)
@click.option(
    "--host",
    "host_entries",
    multiple=True,
    metavar="NAME=ADDRESS",
    help="With --render: resolve NAME to ADDRESS, as the crawl's GOVSOCIAL_HOSTS does "
    "(repeatable; for local test sites).",
)
@filter_list_option
def inspect(
    path: BinaryIO | None,
    url: str | None,
    render_url: str | None,
    allow_private: bool,
    host_entries: tuple[str, ...],
    filter_list_paths: tuple[Path, ...],
) -> None:
    """Print the findings of the saved page PATH (- reads standard input) as JSON.

    With --render URL, load the live page in Chromium instead (needs the render extra).
    """
    filter_lists = load_filter_lists(filter_list_paths)
    if render_url is not None:
        if path is not None:
            raise click.UsageError("give either PATH with --url, or --render URL")
        hosts = dict(_host_entry(entry) for entry in host_entries)
        document = _rendered(render_url, allow_private, hosts, filter_lists)
    else:
        if path is None or url is None:
            raise click.UsageError("give PATH and --url, or --render URL")
        _check_page_url(url)
        body = _html_body(path)
        # Decode exactly as the crawl does: HTTP-less charset sniffing from the markup.
        response = HtmlResponse(url=url, body=body)
        if not HTML_TAG.search(response.text):
            name = getattr(path, "name", "-")
            raise click.ClickException(f"{name}: no HTML markup in it; nothing inspected")
        document = detect_page(ParsedPage.from_html(response.text, url), filter_lists).to_json()
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _check_page_url(url: str) -> None:
    problem = check_url(url)
    if problem:
        raise click.BadParameter(problem, param_hint="--url")


def _html_body(source: BinaryIO) -> bytes:
    """The page's bytes, a gzipped page decompressed; anything that is no page is refused, so
    that empty findings never stand for a page that was not read."""
    name = getattr(source, "name", "-")
    body = source.read()
    if not body.strip():
        raise click.ClickException(f"{name}: empty; nothing inspected")
    if body.startswith(GZIP_MAGIC):
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as error:
            raise click.ClickException(f"{name}: a broken gzip file ({error})") from None
    kind = binary_kind(body) or (_control_heavy(body) and "binary")
    if kind:
        raise click.ClickException(f"{name}: {kind} data, not an HTML page; nothing inspected")
    return body


def _control_heavy(body: bytes) -> bool:
    """Whether the start of ``body`` has more control bytes than any text has."""
    head = body[:SNIFF_BYTES]
    controls = sum(byte < 0x20 and byte not in TEXT_CONTROLS for byte in head)
    return controls > len(head) * CONTROL_SHARE


def _host_entry(entry: str) -> tuple[str, str]:
    name, separator, address = entry.partition("=")
    if not separator or not name.strip():
        raise click.BadParameter(f"{entry!r} is not NAME=ADDRESS", param_hint="--host")
    return name.strip().lower(), address.strip()


def _rendered(
    url: str, allow_private: bool, hosts: dict[str, str], filter_lists: list[FilterList]
) -> dict[str, Any]:
    """The JSON of a rendered page: findings, then requests, cookies and storage keys."""
    from crawler.render.config import (  # noqa: PLC0415 - only this option needs a browser
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_LOAD_TIMEOUT,
        RenderUnavailable,
        browser_for,
    )

    try:
        chromium = browser_for("inspect --render")
    except RenderUnavailable as error:
        raise click.ClickException(str(error)) from None
    from crawler.analysis.page import analyse_rendered, requested_urls  # noqa: PLC0415
    from crawler.detection.rendered import with_served_gating  # noqa: PLC0415
    from crawler.render.single import RenderFailed, render_page  # noqa: PLC0415

    try:
        render, dom, served = asyncio.run(
            render_page(
                url, chromium, hosts, allow_private, DEFAULT_LOAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT
            )
        )
    except RenderFailed as error:
        raise click.ClickException(f"{url}: render_failed: {error}") from None
    requested = requested_urls(render.requests)
    findings = analyse_rendered(dom, render.final_url or url, requested, filter_lists)
    if served is not None:
        served_findings = detect_page(ParsedPage.from_html(served, url), filter_lists)
        findings = with_served_gating(findings, served_findings)
    return {
        **findings.to_json(),
        "final_url": render.final_url,
        "requests": [asdict(request) for request in render.requests],
        "cookies": [asdict(cookie) for cookie in render.cookies],
        "storage": [asdict(key) for key in render.storage],
    }
