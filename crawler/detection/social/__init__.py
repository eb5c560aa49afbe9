"""Social-account extraction: the platforms a page links to, as accounts, shares, content, embeds.

Driven by ``crawler/detection/catalogue/platforms.toml``. ``detect_social_links`` reads a parsed
page; ``classify_url`` classifies a bare URL (used for registry canonicalisation checks).
"""

from __future__ import annotations

from crawler.detection.social.catalogue import Catalogue, load_catalogue
from crawler.detection.social.classify import Classification, classify_url
from crawler.detection.social.extract import detect_social_links

__all__ = ["Catalogue", "Classification", "classify_url", "detect_social_links", "load_catalogue"]
