"""The report of the demo crawled twice, opened in headless Chromium as a reader opens it.

The second crawl serves a copy of the demo web in which Musterhausen dropped its Facebook page
and Beispielstadt is down, so "over time" and "changes" have content, outage included.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.web import DEMO_DIR
from crawler.render.config import find_chromium, launch_args
from tests.e2e.conftest import govsocial, serve
from tests.history.cli import invoke

from .test_edge_cases import HOSTILE_NAME, hostile

pytestmark = [pytest.mark.render, pytest.mark.e2e]

DROPPED = "www.facebook.com/Stadt.Musterhausen"
DOWN_HOST = "www.beispielstadt.de"


def _later_demo(folder: Path) -> Path:
    """A copy of the demo web a week later: one Facebook page gone, one site down."""
    copy = folder / "demo-later"
    shutil.copytree(DEMO_DIR, copy)
    for page in (copy / "sites" / "www.musterhausen.de").rglob("*.htm*"):
        page.write_text(page.read_text(encoding="utf-8").replace(DROPPED, "www.example.org/x"),
                        encoding="utf-8")  # fmt: skip
    manifest = copy / "sites.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + f'\n[hosts."{DOWN_HOST}"]\ndown = true\n',
        encoding="utf-8",
    )
    return copy


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo crawled, then its later copy crawled, then the report of the second run."""
    folder = tmp_path_factory.mktemp("demo-report")
    db_url = f"sqlite:///{folder / 'demo.sqlite'}"
    for number, web_dir in enumerate((DEMO_DIR, _later_demo(folder)), start=1):
        for web in serve(web_dir):
            result = govsocial(*web.crawl_args(folder / f"run{number}", db_url, "--allow-private"))
            assert result.returncode == 0, result.stderr
    result = govsocial("report", "--db", db_url, "-o", str(folder / "report"))
    assert result.returncode == 0, result.stderr
    return folder / "report"


@dataclass
class Opened:
    """A report page open in Chromium, with what the browser logged and requested."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (its own browser downloads are never used)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - the render extra

    executable = find_chromium(os.environ.get("GOVSOCIAL_CHROMIUM"))
    assert executable, "tests marked render run only where Chromium is installed"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=launch_args({}))
        yield browser
        browser.close()


def open_report(browser: Any, index: Path) -> Opened:
    """Open ``index`` from the file system, logging console errors, requests and dialogs."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    opened = Opened(page)
    page.on(
        "console",
        lambda message: message.type == "error" and opened.errors.append(message.text),
    )
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(index.as_uri())
    page.wait_for_selector("#body-table tbody tr")
    return opened


def _distinct_colours(browser: Any, png: bytes) -> tuple[int, float]:
    """Distinct colours in a screenshot and the share of pixels that are not white."""
    page = browser.new_page()
    found = page.evaluate(
        """async (data) => {
            const image = new Image();
            image.src = data;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width;
            canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            const colours = new Set();
            let inked = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                const rgb = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
                colours.add(rgb);
                if (rgb !== 0xffffff) inked += 1;
            }
            return [colours.size, inked / (pixels.length / 4)];
        }""",
        "data:image/png;base64," + base64.b64encode(png).decode(),
    )
    page.close()
    return int(found[0]), float(found[1])


def test_the_report_renders_without_errors_and_is_not_blank(
    demo_report: Path, browser: Any
) -> None:
    opened = open_report(browser, demo_report / "index.html")
    png = opened.page.screenshot(full_page=True)
    colours, inked = _distinct_colours(browser, png)
    assert opened.errors == []
    assert colours > 50
    assert inked > 0.1


def test_the_search_finds_a_body_and_opens_its_evidence(demo_report: Path, browser: Any) -> None:
    opened = open_report(browser, demo_report / "index.html")
    page = opened.page
    page.fill("#body-search", "Musterhausen")
    rows = page.locator("#body-table tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-body") == "08425020"
    rows.first.locator("a.body-link").click()
    page.wait_for_selector("#body-detail h3")
    assert page.locator("#body-detail h3").inner_text() == "Stadt Musterhausen"
    handles = page.locator("#body-detail table.evidence").first.inner_text()
    assert "Mastodon (fediverse)\tmusterhausen@social.bund.de" in handles
    assert "Facebook\t" not in handles  # the page it dropped in the second run
    assert opened.errors == []


def test_the_changes_show_the_removal_and_the_outage_apart(demo_report: Path, browser: Any) -> None:
    page = open_report(browser, demo_report / "index.html").page
    removed = page.locator("#accounts_removed").inner_text()
    assert "Stadt Musterhausen" in removed
    assert "stadtmusterhausen" in removed
    assert "Beispielstadt" not in removed  # down, so not compared: an outage, not a removal
    assert "Stadt Beispielstadt" in page.locator("#went_down").inner_text()
    assert page.locator("#time svg circle").count() >= 2


def test_the_report_requests_nothing_outside_its_folder(demo_report: Path, browser: Any) -> None:
    opened = open_report(browser, demo_report / "index.html")
    opened.page.fill("#body-search", "Beispielstadt")
    opened.page.locator("#body-table a.body-link").first.click()
    opened.page.wait_for_selector("#body-detail h3")
    opened.page.select_option("#map-metric", index=1)
    inside = demo_report.resolve().as_uri() + "/"
    assert opened.requests
    assert [url for url in opened.requests if not url.startswith(inside)] == []


def test_a_hostile_body_runs_nothing_in_the_browser(
    sqlite_url: str, tmp_path: Path, browser: Any
) -> None:
    from db import migrate  # noqa: PLC0415

    migrate.upgrade(sqlite_url)
    hostile(sqlite_url)
    assert invoke(sqlite_url, "report", "-o", str(tmp_path / "report")).exit_code == 0
    opened = open_report(browser, tmp_path / "report" / "index.html")
    opened.page.locator("#body-table a.body-link").first.click()
    opened.page.wait_for_selector("#body-detail h3")
    assert opened.page.locator("#body-detail h3").inner_text() == HOSTILE_NAME
    assert opened.page.locator("a[href^='javascript:']").count() == 0
    assert opened.page.locator("#body-detail img").count() == 0
    assert opened.dialogs == []
    assert opened.errors == []
