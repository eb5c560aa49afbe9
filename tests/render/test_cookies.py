"""Which cookies count as set before consent, and how a refused Set-Cookie line is read."""

from __future__ import annotations

import pytest

from crawler.items import RenderedCookie
from crawler.render.observe import RefusedCookie, _refused, cookie_line


def cookie(refused: str | None, same_site: str | None, secure: bool) -> RenderedCookie:
    return RenderedCookie(
        name="fr",
        domain="facebook.com",
        path="/",
        lifetime_days=90.0,
        http_only=False,
        secure=secure,
        same_site=same_site,
        third_party=True,
        set_by="header",
        refused=refused,
    )


@pytest.mark.parametrize(
    ("refused", "same_site", "secure", "counts"),
    [
        (None, "Lax", False, True),  # held
        ("UserPreferences", "None", True, True),  # only the third-party block refused it
        ("ThirdPartyPhaseout", "None", True, True),
        ("UserPreferences", None, True, False),  # no SameSite: Lax, no browser sends it cross-site
        ("UserPreferences", "None", False, False),  # SameSite=None without Secure is invalid
        ("SameSiteUnspecifiedTreatedAsLax", "None", True, False),
        ("UserPreferences, SecureOnly", "None", True, False),
    ],
)
def test_set_before_consent(
    refused: str | None, same_site: str | None, secure: bool, counts: bool
) -> None:
    assert cookie(refused, same_site, secure).set_before_consent is counts


def test_a_refused_line_keeps_its_attributes() -> None:
    name, attributes = cookie_line(
        "fr=0abc; Domain=.facebook.com; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=None"
    )
    assert name == "fr"
    refused = RefusedCookie(name, attributes["domain"].lstrip("."), "UserPreferences", attributes)
    row = _refused(refused, site="gemeinde.de")
    assert (row.domain, row.path, row.lifetime_days) == ("facebook.com", "/", 90.0)
    assert (row.secure, row.http_only, row.same_site, row.third_party) == (True, True, "None", True)
    assert row.set_before_consent


def test_a_refused_line_with_expires_and_no_attributes() -> None:
    _, attributes = cookie_line("id=1; expires=Thu, 01 Jan 2099 00:00:00 GMT")
    row = _refused(RefusedCookie("id", "ads.example", "UserPreferences", attributes), "gemeinde.de")
    assert row.lifetime_days is not None
    assert row.lifetime_days > 365
    assert (row.path, row.same_site, row.secure) == ("/", None, False)
    assert not row.set_before_consent
