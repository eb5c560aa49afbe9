"""Links to the page's own site are passed over without a host lookup, except where they can
still name an account: the site is a platform, or runs its own fediverse instance."""

from __future__ import annotations

from crawler.detection.page import ParsedPage
from crawler.detection.social import detect_social_links


def found(html: str, url: str) -> set[str]:
    links = detect_social_links(ParsedPage.from_html(html, url))
    return {f"{link.platform}/{link.link_kind}/{link.handle}" for link in links}


def test_own_site_links_name_no_account() -> None:
    html = '<a href="/facebook.com/stadt">Facebook</a><a href="/aktuelles/x">News</a>'
    assert found(html, "https://www.stadt.de/") == set()


def test_a_page_on_a_platform_still_names_accounts_by_relative_links() -> None:
    html = '<a href="/stadtmusterhausen">Seite</a>'
    assert found(html, "https://www.facebook.com/other/about") == {
        "facebook/profile/stadtmusterhausen"
    }


def test_an_own_fediverse_instance_still_names_its_accounts() -> None:
    html = '<a rel="me" href="/@rathaus">Mastodon</a><a href="/@rathaus/123">Post</a>'
    assert "mastodon/profile/rathaus@social.stadt.de" in found(html, "https://social.stadt.de/")


def test_a_longer_host_is_not_the_own_site() -> None:
    # The URL starts with the page's origin, but without the slash after it: another host.
    html = '<a href="https://www.facebook.com/stadtmusterhausen">Facebook</a>'
    assert found(html, "https://www.facebook/") == {"facebook/profile/stadtmusterhausen"}
