"""What detection returns: findings that each carry the evidence they were derived from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

LinkKind = Literal["profile", "share", "content", "embed"]

EVIDENCE_VALUE_MAX = 500


class RequestedUrl(NamedTuple):
    """A request a browser made while rendering a page: its URL and Chromium's resource type.

    The type is Chromium's (``document``, ``script``, ``image``, ``xhr``, ``fetch``, ``ping``,
    ``stylesheet``, ``font``, ``media``, ``other``, ...); detection reads it, never fetches.
    """

    url: str
    resource_type: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where on the page a finding came from and which catalogue rule matched it."""

    element: str
    attribute: str | None
    value: str
    rule: str

    @classmethod
    def of(cls, element: str, attribute: str | None, value: str, rule: str) -> Evidence:
        """Build evidence, cutting long inline snippets so a row stays readable."""
        return cls(element, attribute, value[:EVIDENCE_VALUE_MAX], rule)


@dataclass(frozen=True, slots=True)
class SocialLink:
    """A link to a social platform, classified by what it points at.

    ``handle`` is the canonical account key on ``platform`` (None where the link names no
    account, e.g. a share button); only ``link_kind == "profile"`` counts as presence.
    """

    platform: str
    link_kind: LinkKind
    url: str
    handle: str | None
    canonical_url: str | None
    account_type: str | None
    evidence: Evidence
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class TrackerHit:
    """A catalogued technology loaded (or prepared to load) by the page."""

    id: str
    name: str
    vendor: str
    vendor_country: str
    category: str
    third_country: bool
    ids: tuple[str, ...]
    consent_gated: bool
    evidence: Evidence
    # Where it was seen: "markup" (static or rendered HTML), "requests" (what a browser asked
    # for) or "markup+requests". A hit gated in the markup yet requested loaded before consent.
    seen_in: str = "markup"


@dataclass(frozen=True, slots=True)
class FilterListHit:
    """A resource URL of the page that a user-supplied Adblock Plus list matches."""

    list_name: str
    list_version: str
    resource_url: str
    rule: str


@dataclass(frozen=True, slots=True)
class ThirdPartyHost:
    """A host outside the page's own registrable domain that the page loads or links to."""

    host: str
    domain: str


@dataclass(frozen=True, slots=True)
class PageFindings:
    """Everything detection found on one page."""

    url: str
    links: tuple[SocialLink, ...] = ()
    trackers: tuple[TrackerHit, ...] = ()
    third_party_hosts: tuple[ThirdPartyHost, ...] = ()
    filter_hits: tuple[FilterListHit, ...] = field(default=())

    @property
    def accounts(self) -> tuple[SocialLink, ...]:
        """Links that establish an account's presence."""
        return tuple(link for link in self.links if link.link_kind == "profile")

    @property
    def shares(self) -> tuple[SocialLink, ...]:
        """Share, intent and compose buttons."""
        return tuple(link for link in self.links if link.link_kind == "share")

    def to_json(self) -> dict[str, Any]:
        """The JSON document printed by ``govsocial inspect``."""
        return {
            "url": self.url,
            "accounts": [asdict(link) for link in self.accounts],
            "shares": [asdict(link) for link in self.shares],
            "other_links": [
                asdict(link) for link in self.links if link.link_kind in ("content", "embed")
            ],
            "trackers": [asdict(hit) for hit in self.trackers],
            "third_party_hosts": [asdict(host) for host in self.third_party_hosts],
            "filter_hits": [asdict(hit) for hit in self.filter_hits],
        }
