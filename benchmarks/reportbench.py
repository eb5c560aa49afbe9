"""The report of a national-size run: how long ``govsocial report`` takes, how large it is, and
how fast Chromium opens it.

The database holds two runs of the synthetic web written through ``RunWriter`` (dbbench), its
bodies spread over the 16 Länder and the seed list's kinds, so every part of the report (per
Land and kind, the map, over time, changes) has its national size.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from benchmarks import dbbench
from benchmarks.synthweb import WebShape
from db.session import make_engine

LAENDER = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz",
    "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)  # fmt: skip
# Roughly the national mix of kinds: mostly Gemeinden, then towns, Verbände and Kreise.
KINDS = ("gemeinde",) * 6 + ("stadt", "stadt", "verband", "landkreis")


def national_database(path: Path, shape: WebShape, pages: int, runs: int) -> str:
    """A SQLite database with ``runs`` runs of ``shape`` (built once, then reused)."""
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    for _ in range(runs):
        rate = dbbench.write_run(url, shape, pages, path.parent)
        print(f"- wrote a run: {rate.bodies} bodies, {rate.pages} pages, {rate.findings} "
              f"findings in {rate.seconds:.1f} s")  # fmt: skip
    engine = make_engine(url)
    with engine.begin() as connection:
        ids = connection.execute(text("SELECT id FROM bodies ORDER BY id")).scalars().all()
        spread = [
            {
                "id": body_id,
                "state": LAENDER[n % len(LAENDER)],
                "kind": KINDS[n % len(KINDS)],
                "population": 500 + 37 * n,
            }
            for n, body_id in enumerate(ids)
        ]
        connection.execute(
            text(
                "UPDATE bodies SET state = :state, kind = :kind, population = :population "
                "WHERE id = :id"
            ),
            spread,
        )
    engine.dispose()
    return url


@dataclass(frozen=True, slots=True)
class ReportSize:
    """A written report: seconds to write it, its files and bytes, and its largest file."""

    seconds: float
    files: int
    total_bytes: int
    index_bytes: int
    list_bytes: int
    largest_shard_bytes: int


def write(url: str, folder: Path, lang: str = "de") -> ReportSize:
    """Time ``govsocial report`` (the whole command, process start included)."""
    command = [sys.executable, "-m", "crawler.cli", "report", "--db", url, "-o", str(folder),
               "--lang", lang]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    seconds = time.perf_counter() - started
    files = [path for path in folder.rglob("*") if path.is_file()]
    shards = list((folder / "data" / "bodies").glob("*.js"))
    return ReportSize(
        seconds,
        len(files),
        sum(path.stat().st_size for path in files),
        (folder / "index.html").stat().st_size,
        (folder / "data" / "bodies.js").stat().st_size,
        max((path.stat().st_size for path in shards), default=0),
    )


@dataclass(frozen=True, slots=True)
class Opening:
    """Milliseconds until Chromium shows the page, lists the bodies, finds one and shows it."""

    loaded_ms: float
    listed_ms: float
    search_ms: float
    detail_ms: float


def open_in_chromium(index: Path, chromium: str, query: str) -> Opening:
    """Open the report from the file system as a reader does, timing each step."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - the render extra

    from crawler.render.config import launch_args  # noqa: PLC0415

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=launch_args({}))
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        started = time.perf_counter()
        page.goto(index.as_uri(), wait_until="load")
        loaded = time.perf_counter()
        page.wait_for_selector("#body-table tbody tr")
        listed = time.perf_counter()
        page.fill("#body-search", query)
        page.wait_for_function(
            "q => document.querySelectorAll('#body-table tbody tr').length === 1", arg=query
        )
        searched = time.perf_counter()
        page.locator("#body-table a.body-link").first.click()
        page.wait_for_selector("#body-detail h3")
        shown = time.perf_counter()
        browser.close()
    return Opening(
        1000 * (loaded - started),
        1000 * (listed - started),
        1000 * (searched - listed),
        1000 * (shown - searched),
    )
