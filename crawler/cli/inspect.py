"""``govsocial inspect``: the findings of one saved page, as JSON, to check a page by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import BinaryIO

import click
from scrapy.http import HtmlResponse

from crawler.cli.options import filter_list_option, load_filter_lists
from crawler.detection.detect import detect_page
from crawler.detection.page import ParsedPage


@click.command()
@click.argument("path", type=click.File("rb"))
@click.option(
    "--url",
    required=True,
    help="The URL the page was fetched from (relative links and first parties depend on it).",
)
@filter_list_option
def inspect(path: BinaryIO, url: str, filter_list_paths: tuple[Path, ...]) -> None:
    """Print the findings of the saved page PATH (``-`` reads standard input) as JSON."""
    filter_lists = load_filter_lists(filter_list_paths)
    body = path.read()
    # Decode exactly as the crawl does: HTTP-less charset sniffing from the markup.
    response = HtmlResponse(url=url, body=body)
    findings = detect_page(ParsedPage.from_html(response.text, url), filter_lists)
    json.dump(findings.to_json(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
