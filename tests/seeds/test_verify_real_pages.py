"""The verifier on real pages as served (../shared/corpus): official sites of municipalities are
matched to their body, and neither another body's facts nor a news site named after a Kreis are.

The facts are each body's as the Gemeindeverzeichnis gives them (AGS, Verwaltungssitz postal
code, Kreis, Verband); the pages are from 2013 to 2020, so they also show that the rules hold on
pages older than the templates of today's sites.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.seeds.verify import Evidence, Facts, decide, read_page

ITTLINGEN = Facts("08125047", "Ittlingen", "74930", "Heilbronn")
UNTERGRUPPENBACH = Facts("08125098", "Untergruppenbach", "74199", "Heilbronn")
BRACKENHEIM = Facts("08125013", "Brackenheim, Stadt", "74336", "Heilbronn")
AHLEN = Facts("05570004", "Ahlen, Stadt", "59227", "Warendorf")
NUERNBERGER_LAND = Facts("09574", "Nürnberger Land")

UNTERGRUPPENBACH_PAGE = "de_gemeinde-untergruppenbach_aktuell_2013.html"
OFFICIAL = [
    ("de_gemeinde-ittlingen_home_2013.html", "http://www.ittlingen.de/", ITTLINGEN),
    (UNTERGRUPPENBACH_PAGE, "http://www.untergruppenbach.de/", UNTERGRUPPENBACH),
    ("de_stadt-brackenheim_home_2013.html", "http://www.brackenheim.de/", BRACKENHEIM),
    ("de_stadt-ahlen.html", "https://www.ahlen.de/", AHLEN),
]


def evidence_of(shared_dir: Path, page: str, url: str, facts: Facts) -> Evidence:
    evidence = Evidence(url, final_url=url)
    html = (shared_dir / "corpus" / page).read_text(encoding="utf-8", errors="replace")
    read_page(evidence, html, url, facts)
    return evidence


@pytest.mark.parametrize(("page", "url", "facts"), OFFICIAL, ids=[p[2].base for p in OFFICIAL])
def test_an_official_site_is_matched_to_its_body_by_its_postal_code(
    shared_dir: Path, page: str, url: str, facts: Facts
) -> None:
    evidence = evidence_of(shared_dir, page, url, facts)
    assert evidence.matched
    assert evidence.named
    assert evidence.plz
    verdict = decide(facts, [(evidence, "self")], candidates=1)
    assert (verdict.url, verdict.confidence) == (url, "high")
    assert evidence.impressum.startswith(url)  # the Impressum link is found for the next fetch


@pytest.mark.parametrize(
    ("page", "url", "other"),
    [
        ("de_gemeinde-ittlingen_home_2013.html", "http://www.ittlingen.de/", BRACKENHEIM),
        ("de_stadt-brackenheim_home_2013.html", "http://www.brackenheim.de/", ITTLINGEN),
        ("de_stadt-ahlen.html", "https://www.ahlen.de/", UNTERGRUPPENBACH),
    ],
)
def test_an_official_site_is_not_matched_to_another_body_of_its_kreis(
    shared_dir: Path, page: str, url: str, other: Facts
) -> None:
    evidence = evidence_of(shared_dir, page, url, other)
    assert not evidence.matched
    assert decide(other, [(evidence, "self")], candidates=1).url == ""


def test_a_news_site_named_after_a_kreis_is_not_its_site(shared_dir: Path) -> None:
    # n-land.de is a regional news portal for the Nürnberger Land, not the Landratsamt's site.
    evidence = evidence_of(
        shared_dir, "de_landkreis-nuernberger-land.html", "https://n-land.de/", NUERNBERGER_LAND
    )
    assert not evidence.matched
    assert decide(NUERNBERGER_LAND, [(evidence, "self")], candidates=1).url == ""
