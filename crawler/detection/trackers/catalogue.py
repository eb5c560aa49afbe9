"""The tracker catalogue: trackers.toml read, validated and compiled once at import."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from crawler.detection.versions import CatalogueError, tracker_catalogue_path

CATALOGUE_PATH = Path(__file__).resolve().parents[1] / "catalogue" / "trackers.toml"

CATEGORIES = frozenset(
    {
        "advertising",
        "social-plugin",
        "analytics",
        "tag-manager",
        "session-recording",
        "font",
        "map",
        "captcha",
        "video",
        "embed",
        "cdn",
        "consent",
        "share-buttons",
        "accessibility",
        "chat",
    }
)

# Ids every export and user keys on (issue 4); the loader refuses a catalogue that lacks one.
REQUIRED_IDS = frozenset(
    (
        "facebook-pixel",
        "facebook-sdk",
        "twitter-pixel",
        "twitter-widgets",
        "linkedin-insight",
        "tiktok-pixel",
        "pinterest-tag",
        "google-analytics",
        "google-tag-manager",
        "google-ads",
        "google-fonts",
        "google-maps",
        "google-recaptcha",
        "youtube-embed",
        "youtube-nocookie",
        "vimeo-embed",
        "instagram-embed",
        "matomo",
        "matomo-cloud",
        "etracker",
        "mapp-webtrekk",
        "econda",
        "siteimprove",
        "hotjar",
        "microsoft-clarity",
        "adobe-analytics",
        "yandex-metrica",
        "cloudflare-insights",
        "jsdelivr",
        "cdnjs",
        "unpkg",
        "usercentrics",
        "cookiebot",
        "borlabs-cookie",
        "consentmanager",
        "onetrust",
        "klaro",
        "ccm19",
        "real-cookie-banner",
        "shariff",
    )
)

RULE_LABEL_MAX = 128  # the evidence rule column of the database
_ID_SYNTAX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HOST_SYNTAX = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
_ENTRY_KEYS = frozenset(
    {"id", "name", "vendor", "vendor_country", "category", "third_country", "source", "note"}
    | {"url", "script", "dom", "ids"}
)
IdSource = Literal["url", "script", "attribute"]
Role = Literal["loader", "config"]
_CONSENT_KEYS = (
    "marker_prefixes",
    "delayed_script_types",
    "delayed_type_suffixes",
    "encoded_embed_attributes",
)


@dataclass(frozen=True, slots=True)
class UrlRule:
    """A resource URL rule: vendor host suffixes, or whole path segments of a self-hosted copy."""

    hosts: tuple[str, ...]
    segments: tuple[str, ...]
    path: re.Pattern[str] | None
    query: re.Pattern[str] | None
    not_hosts: tuple[str, ...]
    first_party: bool
    conditions: str

    def label(self, matched: str) -> str:
        """The evidence rule text for a URL that matched host suffix or segment ``matched``."""
        kind = "host" if matched in self.hosts else "segment"
        return f"url {kind} {matched}{self.conditions}"


@dataclass(frozen=True, slots=True)
class ScriptRule:
    """An inline-script signature: a literal pre-filter, then an optional regex and veto."""

    contains: str
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    label: str
    role: Role = "loader"


@dataclass(frozen=True, slots=True)
class DomRule:
    """An element signature: an attribute it carries, optionally its tag, value and class."""

    attribute: str
    tag: str
    equals: str | None
    class_token: str | None
    label: str
    role: Role = "loader"


@dataclass(frozen=True, slots=True)
class IdPattern:
    """Where an account id is read from and the regex whose group 1 is the id."""

    source: IdSource
    pattern: re.Pattern[str]
    attribute: str | None
    resolve_url: bool
    anywhere: bool
    # decode = "base64": group 1 is decoded and ``inner``'s group 1 in it is the id.
    inner: re.Pattern[str] | None = None
    # Attribute ids only from elements whose resource URL matches.
    if_url: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class TrackerSpec:
    """One catalogued technology with its rules and id patterns."""

    id: str
    name: str
    vendor: str
    vendor_country: str
    category: str
    third_country: bool
    source: str
    url_rules: tuple[UrlRule, ...]
    script_rules: tuple[ScriptRule, ...]
    dom_rules: tuple[DomRule, ...]
    id_patterns: tuple[IdPattern, ...]

    def id_patterns_from(self, source: IdSource) -> tuple[IdPattern, ...]:
        """The id patterns that read ``source``."""
        return tuple(pattern for pattern in self.id_patterns if pattern.source == source)


@dataclass(frozen=True, slots=True)
class ConsentMarkup:
    """How consent tools and performance plugins mark the markup they hold back ([consent]).

    ``marker_prefixes``: attribute-name prefixes of elements a consent tool holds back.
    ``delayed_script_types`` / ``delayed_type_suffixes``: script types that performance plugins
    give scripts they run on the first interaction, consent or not (so never consent-gated).
    ``encoded_embed_attributes``: attributes holding an embed's HTML base64-encoded until consent.
    """

    marker_prefixes: tuple[str, ...] = ()
    delayed_script_types: frozenset[str] = frozenset()
    delayed_type_suffixes: tuple[str, ...] = ()
    encoded_embed_attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All tracker entries plus how consent tools mark the elements they hold back."""

    trackers: tuple[TrackerSpec, ...]
    consent_marker_prefixes: tuple[str, ...]
    consent: ConsentMarkup = ConsentMarkup()


def _compile(where: str, value: Any) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise CatalogueError(f"{where}: expected a non-empty regex string")
    try:
        return re.compile(value)
    except re.error as error:
        raise CatalogueError(f"{where}: bad regex {value!r}: {error}") from error


def _optional_regex(where: str, table: dict[str, Any], key: str) -> re.Pattern[str] | None:
    return _compile(f"{where}.{key}", table[key]) if key in table else None


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise CatalogueError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def _hosts(where: str, value: Any) -> tuple[str, ...]:
    hosts = _strings(where, value)
    for host in hosts:
        if not _HOST_SYNTAX.match(host):
            raise CatalogueError(f"{where}: {host!r} is not a lower-case host name")
    return hosts


def _check_keys(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")


def _url_rule(where: str, table: dict[str, Any]) -> UrlRule:
    _check_keys(where, table, {"hosts", "segments", "path", "query", "not_hosts", "first_party"})
    hosts = _hosts(f"{where}.hosts", table.get("hosts", []))
    segments = _strings(f"{where}.segments", table.get("segments", []))
    if bool(hosts) == bool(segments):
        raise CatalogueError(f"{where}: give either hosts or segments")
    path = _optional_regex(where, table, "path")
    query = _optional_regex(where, table, "query")
    # The evidence names the one host suffix or segment that matched, then these conditions.
    conditions = f" path /{path.pattern}/" if path else ""
    if query:
        conditions += f" query /{query.pattern}/"
    first_party = table.get("first_party", False)
    if not isinstance(first_party, bool):
        raise CatalogueError(f"{where}.first_party: expected true or false")
    if first_party:
        conditions += " first-party"
    longest = max((*hosts, *segments), key=len)
    if len(f"url segment {longest}{conditions}") > RULE_LABEL_MAX:
        raise CatalogueError(f"{where}: rule description over {RULE_LABEL_MAX} characters")
    return UrlRule(
        hosts,
        segments,
        path,
        query,
        _hosts(f"{where}.not_hosts", table.get("not_hosts", [])),
        first_party,
        conditions,
    )


def _script_rule(where: str, table: dict[str, Any]) -> ScriptRule:
    _check_keys(where, table, {"contains", "pattern", "unless", "role"})
    contains = table.get("contains")
    if not isinstance(contains, str) or not contains:
        raise CatalogueError(f"{where}.contains: expected a non-empty literal")
    pattern = _optional_regex(where, table, "pattern")
    label = f"script /{pattern.pattern}/" if pattern else f"script contains {contains!r}"
    if len(label) > RULE_LABEL_MAX:
        raise CatalogueError(f"{where}: rule description over {RULE_LABEL_MAX} characters")
    return ScriptRule(
        contains, pattern, _optional_regex(where, table, "unless"), label, _role(where, table)
    )


def _dom_rule(where: str, table: dict[str, Any]) -> DomRule:
    _check_keys(where, table, {"attribute", "tag", "equals", "class", "role"})
    attribute = table.get("attribute")
    if not isinstance(attribute, str) or not attribute:
        raise CatalogueError(f"{where}.attribute: expected an attribute name")
    tag, equals, class_token = table.get("tag"), table.get("equals"), table.get("class")
    if not isinstance(tag, str) or not tag.islower():
        raise CatalogueError(f"{where}.tag: required, a lower-case element name")
    label = "dom " + tag
    label += f"[{attribute}={equals!r}]" if equals else f"[{attribute}]"
    if class_token:
        label += f".{class_token}"
    return DomRule(attribute, tag, equals, class_token, label, _role(where, table))


def _role(where: str, table: dict[str, Any]) -> Role:
    role = table.get("role", "loader")
    if role not in ("loader", "config"):
        raise CatalogueError(f"{where}.role: expected loader or config")
    return "config" if role == "config" else "loader"


def _id_pattern(where: str, table: dict[str, Any]) -> IdPattern:
    keys = {"from", "pattern", "attribute", "url", "anywhere", "decode", "inner", "if_url"}
    _check_keys(where, table, keys)
    source = table.get("from")
    if source not in ("url", "script", "attribute"):
        raise CatalogueError(f"{where}.from: expected url, script or attribute")
    attribute = table.get("attribute")
    if (source == "attribute") != isinstance(attribute, str):
        raise CatalogueError(f"{where}.attribute: required exactly when from = 'attribute'")
    pattern = _compile(f"{where}.pattern", table.get("pattern"))
    if pattern.groups < 1:
        raise CatalogueError(f"{where}.pattern: needs a capture group for the id")
    anywhere = bool(table.get("anywhere", False))
    if anywhere and source != "script":
        raise CatalogueError(f"{where}.anywhere: only script ids can be read page-wide")
    decode = table.get("decode")
    if (decode == "base64") != ("inner" in table) or decode not in (None, "base64"):
        raise CatalogueError(f"{where}.decode: 'base64' together with an inner regex")
    inner = _optional_regex(where, table, "inner")
    if inner is not None and inner.groups < 1:
        raise CatalogueError(f"{where}.inner: needs a capture group for the id")
    if_url = _optional_regex(where, table, "if_url")
    if if_url is not None and source != "attribute":
        raise CatalogueError(f"{where}.if_url: only for attribute ids")
    return IdPattern(
        source, pattern, attribute, bool(table.get("url", False)), anywhere, inner, if_url
    )


def _tracker(index: int, table: dict[str, Any]) -> TrackerSpec:
    tracker_id = table.get("id")
    where = f"tracker[{index}] {tracker_id!r}"
    _check_keys(where, table, set(_ENTRY_KEYS))
    if not isinstance(tracker_id, str) or not _ID_SYNTAX.match(tracker_id):
        raise CatalogueError(f"{where}.id: expected a lower-case kebab-case id")
    for key in ("name", "vendor", "vendor_country", "source"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise CatalogueError(f"{where}.{key}: required text")
    if len(table["vendor_country"]) > 8:
        raise CatalogueError(f"{where}.vendor_country: at most 8 characters (database column)")
    if table.get("category") not in CATEGORIES:
        raise CatalogueError(f"{where}.category: expected one of {sorted(CATEGORIES)}")
    if not isinstance(table.get("third_country"), bool):
        raise CatalogueError(f"{where}.third_country: expected true or false")
    url_rules = tuple(_url_rule(f"{where}.url[{i}]", t) for i, t in enumerate(table.get("url", [])))
    script_rules = tuple(
        _script_rule(f"{where}.script[{i}]", t) for i, t in enumerate(table.get("script", []))
    )
    dom_rules = tuple(_dom_rule(f"{where}.dom[{i}]", t) for i, t in enumerate(table.get("dom", [])))
    if not (url_rules or script_rules or dom_rules):
        raise CatalogueError(f"{where}: needs at least one url, script or dom rule")
    return TrackerSpec(
        id=tracker_id,
        name=table["name"],
        vendor=table["vendor"],
        vendor_country=table["vendor_country"],
        category=table["category"],
        third_country=table["third_country"],
        source=table["source"],
        url_rules=url_rules,
        script_rules=script_rules,
        dom_rules=dom_rules,
        id_patterns=tuple(
            _id_pattern(f"{where}.ids[{i}]", t) for i, t in enumerate(table.get("ids", []))
        ),
    )


def parse_catalogue(document: dict[str, Any]) -> Catalogue:
    """Validate and compile a decoded catalogue document."""
    entries = document.get("tracker")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError("no [[tracker]] entries")
    trackers = tuple(_tracker(index, table) for index, table in enumerate(entries))
    ids = [tracker.id for tracker in trackers]
    duplicates = sorted({tracker_id for tracker_id in ids if ids.count(tracker_id) > 1})
    if duplicates:
        raise CatalogueError(f"duplicate tracker ids {duplicates}")
    missing = sorted(REQUIRED_IDS - set(ids))
    if missing:
        raise CatalogueError(f"required tracker ids missing: {missing}")
    consent = document.get("consent", {})
    _check_keys("consent", consent, set(_CONSENT_KEYS))
    prefixes = _strings("consent.marker_prefixes", consent.get("marker_prefixes", []))
    markup = ConsentMarkup(
        prefixes,
        frozenset(
            _strings("consent.delayed_script_types", consent.get("delayed_script_types", []))
        ),
        _strings("consent.delayed_type_suffixes", consent.get("delayed_type_suffixes", [])),
        _strings("consent.encoded_embed_attributes", consent.get("encoded_embed_attributes", [])),
    )
    return Catalogue(trackers, prefixes, markup)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (default: the one in use, see ``versions``)."""
    with (path or tracker_catalogue_path()).open("rb") as handle:
        return parse_catalogue(tomllib.load(handle))
