"""Official account registries as a canonicalisation test: one key per account, none dropped."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.detection.social import classify_url

Keyed = dict[tuple[str, str], list[tuple[str, str]]]

# The registry's Platform column spells platforms several ways (and once misspells one).
PLATFORM_COLUMN = {
    "facebook": "facebook",
    "x": "x",
    "instagram": "instagram",
    "intagram": "instagram",
    "youtube": "youtube",
    "linkedin": "linkedin",
    "flickr": "flickr",
}
# Rows whose Platform column contradicts the URL they list (registry data errors, checked by
# reading them): the URL decides.
MISLABELLED_URLS = {
    "https://www.facebook.com/CanadainLosAngeles",  # column says X
    "https://twitter.com/GRCYukon",  # column says Facebook
    "https://www.flickr.com/photos/66821901@N06/",  # column says Instagram
    "https://www.youtube.com/channel/UCmTy_tW98KaJN-48OMQEfOg",  # column says Facebook
}


def _rows(shared_dir: Path) -> list[tuple[str, str, str]]:
    """(account name, platform, URL) of every registry row, Canada and the Mastodon lists."""
    registries = shared_dir / "registries"
    rows = []
    with (registries / "canada_gc_official_social_accounts.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            platform = PLATFORM_COLUMN[row["Platform"].strip().lower()]
            rows.append((row["Account"].strip(), platform, row["URL"]))
    for name in (
        "mastodon_official_profiles_germany_INSTITUTIONS.csv",
        "mastodon_official_profiles_eu_INSTITUTIONS.csv",
    ):
        with (registries / name).open(encoding="utf-8") as handle:
            rows.extend(
                (row["Name"].strip(), "mastodon", row["Mastodon profile"])
                for row in csv.DictReader(handle)
            )
    return rows


def _spelling(url: str) -> str:
    """A platform-blind, conservative spelling of a URL: case, www., query, slash ignored."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    return f"{host}{parts.path.lower().rstrip('/')}"


@pytest.fixture(scope="module")
def keyed(shared_dir: Path) -> Keyed:
    """Registry rows grouped by the (platform, handle) key their URL maps to."""
    groups: Keyed = defaultdict(list)
    for account, _platform, url in _rows(shared_dir):
        found = classify_url(url)
        if found is not None and found.link_kind == "profile" and found.handle is not None:
            groups[(found.platform, found.handle)].append((account, url))
    return groups


def test_every_listed_url_is_one_profile_key_on_its_platform(shared_dir: Path) -> None:
    rows = _rows(shared_dir)
    assert len(rows) == 1865 + 52 + 17
    wrong = []
    for _account, platform, url in rows:
        found = classify_url(url)
        if found is None or found.link_kind != "profile" or found.handle is None:
            wrong.append((url, "dropped"))
        elif found.platform != platform and url not in MISLABELLED_URLS:
            wrong.append((url, found.platform))
    assert wrong == []


def test_different_accounts_never_share_a_key(keyed: Keyed) -> None:
    """Rows on one key name the same account, or list the same URL but for case and decoration."""
    clashes = {
        key: rows
        for key, rows in keyed.items()
        if len({account for account, _ in rows}) > 1
        and len({_spelling(url) for _, url in rows}) > 1
    }
    assert clashes == {}


def test_keys_merge_spellings_of_one_account(keyed: Keyed) -> None:
    """The registry lists some accounts twice in different spellings; they land on one key."""
    assert len({url for _, url in keyed[("facebook", "hmcsncsmmontcalm")]}) == 2
    assert [url for _, url in keyed[("mastodon", "auswaertigesamt@social.bund.de")]] == [
        "https://social.bund.de/@AuswaertigesAmt"
    ]
