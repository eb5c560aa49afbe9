"""The catalogue loader rejects malformed entries instead of shipping a silently broken rule."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from crawler.detection.social.catalogue import CatalogueError, compile_catalogue, load_catalogue


def _document() -> dict[str, Any]:
    catalogue = resources.files("crawler.detection").joinpath("catalogue/platforms.toml")
    return tomllib.loads(catalogue.read_text("utf-8"))


def test_packaged_catalogue_cites_a_source_for_every_platform() -> None:
    catalogue = load_catalogue()
    assert all(platform.source for platform in catalogue.platforms.values())
    issue_platforms = {
        "facebook",
        "x",
        "whatsapp",
        "instagram",
        "youtube",
        "mastodon",
        "bluesky",
        "threads",
        "tiktok",
        "linkedin",
        "xing",
        "telegram",
        "flickr",
        "vimeo",
        "pinterest",
        "snapchat",
        "signal",
    }
    assert set(catalogue.platforms) == issue_platforms


def test_unknown_rule_key_is_rejected() -> None:
    document = copy.deepcopy(_document())
    document["platforms"]["x"]["rules"][0]["handel"] = "{handle}"
    with pytest.raises(CatalogueError, match="unknown keys"):
        compile_catalogue(document)


def test_capture_missing_from_platform_is_rejected() -> None:
    document = copy.deepcopy(_document())
    document["platforms"]["x"]["rules"][-1]["path"] = "{usre}/**"
    with pytest.raises(CatalogueError, match="unknown capture"):
        compile_catalogue(document)


def test_host_claimed_by_two_platforms_is_rejected() -> None:
    document = copy.deepcopy(_document())
    document["platforms"]["threads"]["hosts"].append("x.com")
    with pytest.raises(CatalogueError, match=r"x\.com"):
        compile_catalogue(document)


def test_rule_id_must_name_its_platform() -> None:
    document = copy.deepcopy(_document())
    document["platforms"]["x"]["rules"][-1]["id"] = "twitter.profile"
    with pytest.raises(CatalogueError, match="start with the platform id"):
        compile_catalogue(document)


def test_unresolved_profile_rule_is_rejected() -> None:
    """An opaque short link names no account, so the catalogue may not call it a profile."""
    document = copy.deepcopy(_document())
    rule = document["platforms"]["facebook"]["rules"][0]
    rule["kind"], rule["resolved"] = "profile", False
    with pytest.raises(CatalogueError, match="no profile"):
        compile_catalogue(document)


def test_redirector_rule_that_names_an_account_is_rejected() -> None:
    """Redirectors only unwrap: a rule of theirs that claimed a profile would invent accounts."""
    document = copy.deepcopy(_document())
    rule = document["redirectors"]["rules"][0]
    rule["kind"], rule["handle"] = "profile", "{q}"
    with pytest.raises(CatalogueError, match="only unwraps"):
        compile_catalogue(document)
