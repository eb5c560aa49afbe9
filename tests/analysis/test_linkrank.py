"""Link ranking: the pages that name accounts come before news and calendars."""

from __future__ import annotations

from crawler.analysis.linkrank import crawlable, rank_links, score_link
from crawler.detection.page import ParsedPage

PAGE = """<html><body>
<main>
  <a href="/aktuelles/2024/05/meldung-1.html">Neues Feuerwehrauto</a>
  <a href="/veranstaltungen/kalender?monat=6">Veranstaltungskalender</a>
  <a href="/buergerservice/">Bürgerservice</a>
  <a href="https://www.nachbarort.de/impressum">Impressum Nachbarort</a>
  <a href="/formulare/antrag.pdf">Antrag (PDF)</a>
</main>
<footer>
  <a href="/impressum/">Impressum</a>
  <a href="/datenschutz/#cookies">Datenschutz</a>
  <a href="/kontakt/">Kontakt</a>
</footer>
</body></html>"""


def ranked_paths() -> list[str]:
    page = ParsedPage.from_html(PAGE, "https://www.musterhausen.de/")
    return [c.url for c in rank_links(page, frozenset({"musterhausen.de"}))]


def test_legal_and_contact_pages_come_first() -> None:
    assert ranked_paths()[:3] == [
        "https://www.musterhausen.de/impressum/",
        "https://www.musterhausen.de/datenschutz/",
        "https://www.musterhausen.de/kontakt/",
    ]


def test_news_and_calendar_come_last() -> None:
    assert ranked_paths()[-2:] == [
        "https://www.musterhausen.de/aktuelles/2024/05/meldung-1.html",
        "https://www.musterhausen.de/veranstaltungen/kalender?monat=6",
    ]


def test_other_sites_and_downloads_are_not_candidates() -> None:
    paths = ranked_paths()
    assert not any("nachbarort" in url or url.endswith(".pdf") for url in paths)


def test_social_media_page_scores_like_an_impressum() -> None:
    assert score_link("Folgen Sie uns", "/social-media/") >= score_link("Kontakt", "/kontakt/")


def test_session_ids_and_long_urls_are_traps() -> None:
    assert not crawlable("https://www.stadt.de/index.php?PHPSESSID=abc123")
    assert not crawlable("https://www.stadt.de/seite;jsessionid=ABC")
    assert not crawlable("https://www.stadt.de/" + "a/" * 300)
    assert crawlable("https://www.stadt.de/rathaus/?id=12")
