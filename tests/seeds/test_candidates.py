"""Candidates come from a body's name and relations: qualifiers, umlauts, prefixes, TLDs."""

from __future__ import annotations

import pytest

from crawler.seeds.candidates import Body, candidate_urls, candidates, name_slugs
from crawler.seeds.verify import Evidence, Facts, decide, read_page


def hosts(body: Body) -> set[str]:
    return {url.split("/")[2] for url in candidate_urls(body)}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Neuötting, St", "neuoetting"),
        ("Großkarolinenfeld", "grosskarolinenfeld"),
        ("Neuhaus a.Inn", "neuhaus-am-inn"),
        ("Neuhaus a.Inn", "neuhaus"),
        ("Neustadt a.d.Aisch, St", "neustadt-an-der-aisch"),
        ("Neustadt a.d.Aisch, St", "neustadt-aisch"),
        ("Bad Königshofen i.Grabfeld, St", "bad-koenigshofen-im-grabfeld"),
        ("Bad Königshofen i.Grabfeld, St", "koenigshofen-im-grabfeld"),
        ("Neumarkt i.d.OPf., GKSt", "neumarkt"),
        ("Weiden i.d.OPf.", "weiden"),
        ("Parsberg (Oberpf), St", "parsberg"),
        ("Parsberg (Oberpf), St", "parsberg-oberpf"),
        ("St. Englmar", "sankt-englmar"),
        ("St. Englmar", "st-englmar"),
        ("Sankt Augustin, Stadt", "st-augustin"),
        ("Hattersheim am Main, Stadt", "hattersheim"),
        ("Kirchdorf an der Iller", "kirchdorf-iller"),
    ],
)
def test_names_become_domain_labels(name: str, slug: str) -> None:
    assert slug in name_slugs(name)


def test_kind_prefixes_and_regional_tlds() -> None:
    markt = hosts(Body("09175132", "Glonn, M", "gemeinde", "Markt", "09"))
    assert {"www.glonn.de", "www.markt-glonn.de", "www.gemeinde-glonn.de", "www.glonn.bayern"} <= (
        markt
    )
    stadt = hosts(Body("05315000", "Köln, Stadt", "kreisfreie_stadt", "Kreisfreie Stadt", "05"))
    assert {"www.koeln.de", "www.stadt-koeln.de", "www.koeln.nrw", "xn--kln-sna.de"} <= stadt


def test_the_verband_gives_its_own_candidates_and_its_listed_site() -> None:
    body = Body(
        "07232201",
        "Altscheid",
        "gemeinde",
        "Kreisangehörige Gemeinde",
        "07",
        verband_name="Bitburger Land",
        verband_label="Verbandsgemeinde",
        verband_url="https://www.bitburgerland.de/",
    )
    made = candidates(body)
    assert made[0].url == "https://www.bitburgerland.de/"
    assert made[0].of == "verband"
    verband_hosts = {c.host for c in made if c.of == "verband"}
    assert {"www.vg-bitburger-land.de", "bitburgerland.de"} <= verband_hosts


def test_amt_joined_without_a_hyphen() -> None:
    body = Body("01057001", "Boksee", "gemeinde", "", "01", "Preetz-Land", "Amt")
    assert "www.amtpreetz-land.de" in hosts(body) or "www.amtpreetzland.de" in hosts(body)


FACTS = Facts("09572141", "Neustadt a.d.Aisch, St", "91413", "Neustadt a.d.Aisch-Bad Windsheim")


def evidence_of(html: str) -> Evidence:
    evidence = Evidence("https://www.neustadt-aisch.de/")
    read_page(evidence, html, evidence.url, FACTS)
    return evidence


def test_the_body_named_with_its_postal_code_is_matched_with_high_confidence() -> None:
    evidence = evidence_of(
        "<title>Stadt Neustadt a.d.Aisch</title><p>Stadt Neustadt a.d.Aisch, 91413 Neustadt</p>"
    )
    assert evidence.matched
    assert evidence.confidence == "high"


def test_a_namesake_elsewhere_is_not_matched() -> None:
    evidence = evidence_of("<title>Stadt Neustadt</title><p>Stadt Neustadt, 67433 Neustadt</p>")
    assert evidence.named
    assert not evidence.matched
    verdict = decide(FACTS, [(evidence, "self")], 1)
    assert verdict.url == ""
    assert "matched nothing of this unit" in verdict.reason


def test_parked_and_tourism_sites_lose() -> None:
    parked = evidence_of("<title>neustadt-aisch.de</title><p>Diese Domain steht zum Verkauf</p>")
    tourism = evidence_of(
        "<title>Urlaub in Neustadt - Tourismus GmbH</title>"
        "<p>Die Stadt Neustadt a.d.Aisch, 91413 Neustadt</p>"
    )
    assert not parked.matched
    assert not tourism.matched


def test_two_equally_good_sites_leave_the_unit_without_one() -> None:
    page = "<title>Stadt Neustadt a.d.Aisch</title><p>Stadt Neustadt a.d.Aisch, 91413</p>"
    first, second = evidence_of(page), Evidence("https://www.neustadt-an-der-aisch.de/")
    read_page(second, page, second.url, FACTS)
    verdict = decide(FACTS, [(first, "self"), (second, "self")], 2)
    assert verdict.url == ""
    assert verdict.reason.startswith("ambiguous")


def test_the_impressum_link_is_followed() -> None:
    evidence = Evidence("https://www.neustadt-aisch.de/")
    link = read_page(evidence, '<a href="/impressum.html">Impressum</a>', evidence.url, FACTS)
    assert link == "https://www.neustadt-aisch.de/impressum.html"
