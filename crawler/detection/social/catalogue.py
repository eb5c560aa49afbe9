"""The platform catalogue (catalogue/platforms.toml) compiled once into matchers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from crawler.detection.versions import CatalogueError, platform_catalogue_path

RuleKind = Literal["profile", "share", "content", "embed", "ignore"]
RULE_KINDS: frozenset[str] = frozenset({"profile", "share", "content", "embed", "ignore"})
NORMALIZERS: frozenset[str] = frozenset({"lower", "strip-dots", "digits", "idna"})
_CAPTURE_TOKEN = re.compile(r"^(?P<prefix>[^{}]*)\{(?P<name>[a-z_]+)\}$")
_DIGITS = frozenset("0123456789")


def idna_to_unicode(host: str) -> str:
    """Decode punycode labels (xn--baw-joa.social -> bawü.social); other labels stay as they are."""
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        if not label.startswith("xn--"):
            labels.append(label)
            continue
        try:
            labels.append(label[4:].encode("ascii").decode("punycode"))
        except UnicodeError:
            return host
    return ".".join(labels)


def normalize_value(value: str, steps: tuple[str, ...]) -> str:
    """Apply a capture's normalisation steps in order ('' means the value is not usable)."""
    for step in steps:
        if step == "lower":
            value = value.lower()
        elif step == "strip-dots":
            value = value.replace(".", "")
        elif step == "digits":
            value = "".join(char for char in value if char in _DIGITS)
            if value.startswith("00"):  # international call prefix written instead of "+"
                value = value[2:]
        elif step == "idna":
            value = idna_to_unicode(value)
    return value


@dataclass(frozen=True, slots=True)
class Capture:
    """The syntax of one captured value (a handle, an id, ...) and how it is normalised."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    normalize: tuple[str, ...]
    reserved: frozenset[str]
    reserved_suffixes: tuple[str, ...]

    def match(self, value: str) -> dict[str, str] | None:
        """Captured values (normalised) when ``value`` is valid, else None."""
        for pattern in self.patterns:
            found = pattern.fullmatch(value)
            if found is None:
                continue
            groups = {key: group for key, group in found.groupdict().items() if group is not None}
            main = groups.pop("key", value)
            if self._is_reserved(value, main):
                return None
            values = {self.name: normalize_value(main, self.normalize)}
            values.update(
                (key, normalize_value(group, self.normalize)) for key, group in groups.items()
            )
            if not all(values.values()):
                return None
            return values
        return None

    def _is_reserved(self, value: str, main: str) -> bool:
        lowered = main.lower()
        if value.lower() in self.reserved or lowered in self.reserved:
            return True
        return bool(self.reserved_suffixes) and lowered.endswith(self.reserved_suffixes)


@dataclass(frozen=True, slots=True)
class Segment:
    """One token of a path pattern: literal words, a suffix glob, a wildcard or a capture."""

    kind: Literal["words", "suffix", "any", "rest", "capture"]
    words: frozenset[str] = frozenset()
    prefix: str = ""
    capture: Capture | None = None

    def match(self, segment: str, values: dict[str, str]) -> bool:
        """Whether ``segment`` fits this token; captured values are added to ``values``."""
        if self.kind == "any":
            return True
        if self.kind == "words":
            return segment.lower() in self.words
        if self.kind == "suffix":
            return segment.lower().endswith(self.prefix)
        assert self.capture is not None
        if self.prefix:
            if not segment.lower().startswith(self.prefix):
                return False
            segment = segment[len(self.prefix) :]
        captured = self.capture.match(segment)
        if captured is None:
            return False
        values.update(captured)
        return True


def match_segments(pattern: tuple[Segment, ...], segments: list[str]) -> dict[str, str] | None:
    """Captured values when the whole segment list fits the pattern, else None."""
    values: dict[str, str] = {}
    for index, token in enumerate(pattern):
        if token.kind == "rest":
            return values
        if index >= len(segments) or not token.match(segments[index], values):
            return None
    return values if len(segments) == len(pattern) else None


@dataclass(frozen=True, slots=True)
class QueryCondition:
    """A required query parameter: captured, merely present, prefixed or literal."""

    name: str
    kind: Literal["capture", "present", "prefix", "literal"]
    text: str = ""
    capture: Capture | None = None

    def match(self, value: str | None, values: dict[str, str]) -> bool:
        """Whether the parameter's first value fits; captured values go into ``values``."""
        if not value:
            return False
        if self.kind == "present":
            return True
        if self.kind == "prefix":
            return value.lower().startswith(self.text)
        if self.kind == "literal":
            return value.lower() == self.text
        assert self.capture is not None
        captured = self.capture.match(value.strip())
        if captured is None:
            return False
        values.update(captured)
        return True


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue rule: which URLs it matches and what they are."""

    id: str
    kind: RuleKind
    path: tuple[Segment, ...]
    host: re.Pattern[str] | None
    query: tuple[QueryCondition, ...]
    fragment: tuple[Segment, ...] | None
    handle: str | None
    canonical: str | None
    account_type: str | None
    unwrap: str | None
    resolved: bool
    account_param: str | None
    account_rule: str | None
    evidence_free: bool


@dataclass(frozen=True, slots=True)
class Platform:
    """A platform's hosts, rules and canonical URL template."""

    id: str
    name: str
    hosts: tuple[str, ...]
    subdomains: re.Pattern[str]
    profile_url: str
    rules: tuple[Rule, ...]
    any_host: bool
    lookalike_hosts: frozenset[str]
    source: str


@dataclass(frozen=True, slots=True)
class MetaReference:
    """A ``<meta>`` element that names an account."""

    name: str
    platform: str | None
    form: Literal["at-handle", "url", "acct"]
    rule: str


@dataclass(frozen=True, slots=True)
class ShareAttribute:
    """An attribute of a share button naming the account the share is attributed to."""

    attribute: str
    platform: str
    rule: str


@dataclass(frozen=True, slots=True)
class ShareWidget:
    """A placeholder element whose attribute lists the share services a script will render."""

    rule: str
    css_class: str
    attribute: str
    default: tuple[str, ...]
    services: dict[str, str]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every platform plus the indexes detection looks things up in."""

    platforms: dict[str, Platform]
    host_index: dict[str, Platform]
    schemes: dict[str, str]
    meta: dict[str, MetaReference]
    share_attributes: tuple[ShareAttribute, ...]
    share_widgets: tuple[ShareWidget, ...]
    fediverse: Platform | None
    # Other sites' redirectors and walls (google.com/url?q=, consent.google.com): their rules
    # only unwrap the URL they carry; they are no platform of their own.
    redirectors: Platform | None = None
    # Words that, on a link or its icon, say the link leads to a fediverse account.
    fediverse_words: re.Pattern[str] | None = None

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id the catalogue can produce (for coverage tests)."""
        owners = [*self.platforms.values(), *([self.redirectors] if self.redirectors else [])]
        ids = {rule.id for platform in owners for rule in platform.rules}
        ids.update(
            rule.account_rule
            for p in self.platforms.values()
            for rule in p.rules
            if rule.account_rule
        )
        ids.update(ref.rule for ref in self.meta.values())
        ids.update(attr.rule for attr in self.share_attributes)
        ids.update(widget.rule for widget in self.share_widgets)
        return frozenset(ids)


_PLATFORM_KEYS = frozenset(
    {
        "name",
        "hosts",
        "subdomains",
        "profile_url",
        "source",
        "reserved",
        "reserved_suffixes",
        "captures",
        "rules",
        "any_host",
        "lookalike_hosts",
    }
)
_RULE_KEYS = frozenset(
    {
        "id",
        "kind",
        "path",
        "host",
        "query",
        "fragment",
        "handle",
        "canonical",
        "account_type",
        "unwrap",
        "resolved",
        "account_param",
        "account_rule",
        "evidence_free",
    }
)
_CAPTURE_KEYS = frozenset({"patterns", "normalize", "reserved"})


def _check_keys(where: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")


def _compile_capture(
    where: str, name: str, spec: dict[str, Any], platform: dict[str, Any]
) -> Capture:
    _check_keys(where, spec, _CAPTURE_KEYS)
    steps = tuple(spec.get("normalize", ()))
    if not set(steps) <= NORMALIZERS:
        raise CatalogueError(f"{where}: unknown normalize steps {steps}")
    checked = bool(spec.get("reserved", False))
    return Capture(
        name=name,
        patterns=tuple(re.compile(pattern) for pattern in spec["patterns"]),
        normalize=steps,
        reserved=frozenset(word.lower() for word in platform.get("reserved", ()))
        if checked
        else frozenset(),
        reserved_suffixes=tuple(platform.get("reserved_suffixes", ())) if checked else (),
    )


def _compile_segments(
    where: str, pattern: str, captures: dict[str, Capture]
) -> tuple[Segment, ...]:
    tokens = [token for token in pattern.split("/") if token] if pattern else []
    segments: list[Segment] = []
    for position, token in enumerate(tokens):
        if token == "**":
            if position != len(tokens) - 1:
                raise CatalogueError(f"{where}: '**' must be last in {pattern!r}")
            segments.append(Segment("rest"))
        elif token == "*":
            segments.append(Segment("any"))
        elif token.startswith("*."):
            segments.append(Segment("suffix", prefix=token[1:].lower()))
        elif (found := _CAPTURE_TOKEN.match(token)) is not None:
            name = found["name"]
            if name not in captures:
                raise CatalogueError(f"{where}: unknown capture {{{name}}}")
            segments.append(
                Segment("capture", prefix=found["prefix"].lower(), capture=captures[name])
            )
        elif "{" in token or "}" in token:
            raise CatalogueError(f"{where}: malformed token {token!r}")
        else:
            segments.append(Segment("words", words=frozenset(token.lower().split("|"))))
    return tuple(segments)


def _compile_query(
    where: str, query: dict[str, str], captures: dict[str, Capture]
) -> tuple[QueryCondition, ...]:
    conditions = []
    for name, value in query.items():
        found = _CAPTURE_TOKEN.match(value)
        if found is not None and not found["prefix"]:
            if found["name"] not in captures:
                raise CatalogueError(f"{where}: unknown capture in query {value!r}")
            conditions.append(QueryCondition(name, "capture", capture=captures[found["name"]]))
        elif value == "*":
            conditions.append(QueryCondition(name, "present"))
        elif value.endswith("*"):
            conditions.append(QueryCondition(name, "prefix", text=value[:-1].lower()))
        else:
            conditions.append(QueryCondition(name, "literal", text=value.lower()))
    return tuple(conditions)


def _compile_rule(platform_id: str, spec: dict[str, Any], captures: dict[str, Capture]) -> Rule:
    where = f"platforms.{platform_id} rule {spec.get('id')!r}"
    _check_keys(where, spec, _RULE_KEYS)
    if spec.get("kind") not in RULE_KINDS:
        raise CatalogueError(f"{where}: kind must be one of {sorted(RULE_KINDS)}")
    if not str(spec.get("id", "")).startswith(f"{platform_id}."):
        raise CatalogueError(f"{where}: rule ids start with the platform id")
    if spec["kind"] == "profile" and spec.get("resolved", True) is False:
        raise CatalogueError(f"{where}: an unresolved link names no account, so it is no profile")
    fragment = spec.get("fragment")
    return Rule(
        id=spec["id"],
        kind=spec["kind"],
        path=_compile_segments(where, spec["path"], captures),
        host=re.compile(spec["host"]) if "host" in spec else None,
        query=_compile_query(where, spec.get("query", {}), captures),
        fragment=_compile_segments(where, fragment, captures) if fragment is not None else None,
        handle=spec.get("handle"),
        canonical=spec.get("canonical"),
        account_type=spec.get("account_type"),
        unwrap=spec.get("unwrap"),
        resolved=spec.get("resolved", True),
        account_param=spec.get("account_param"),
        account_rule=spec.get("account_rule"),
        evidence_free=spec.get("evidence_free", False),
    )


def _compile_platform(platform_id: str, spec: dict[str, Any]) -> Platform:
    where = f"platforms.{platform_id}"
    _check_keys(where, spec, _PLATFORM_KEYS)
    if not spec.get("source"):
        raise CatalogueError(f"{where}: every platform cites its source")
    captures = {
        name: _compile_capture(f"{where}.captures.{name}", name, capture, spec)
        for name, capture in spec.get("captures", {}).items()
    }
    return Platform(
        id=platform_id,
        name=spec["name"],
        hosts=tuple(idna_to_unicode(host.lower()) for host in spec["hosts"]),
        subdomains=re.compile(spec["subdomains"]),
        profile_url=spec["profile_url"],
        rules=tuple(_compile_rule(platform_id, rule, captures) for rule in spec["rules"]),
        any_host=spec.get("any_host", False),
        lookalike_hosts=frozenset(spec.get("lookalike_hosts", ())),
        source=spec["source"],
    )


def _compile_words(words: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """Lower-case words matched whole, letters on neither side (``fa-mastodon`` counts)."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word.lower()) for word in words)
    return re.compile(f"(?<![a-z])(?:{alternatives})(?![a-z])")


def _compile_redirectors(spec: dict[str, Any] | None) -> Platform | None:
    """The redirectors table: rules that only unwrap, each on a host of its own."""
    if spec is None:
        return None
    redirectors = _compile_platform("redirect", spec)
    for rule in redirectors.rules:
        if rule.kind != "ignore" or rule.unwrap is None or rule.host is None:
            raise CatalogueError(
                f"redirectors rule {rule.id!r}: only unwraps (kind ignore, unwrap, host)"
            )
    return redirectors


def compile_catalogue(document: dict[str, Any]) -> Catalogue:
    """Compile a parsed catalogue document, rejecting unknown keys and dangling references."""
    platforms = {pid: _compile_platform(pid, spec) for pid, spec in document["platforms"].items()}
    redirectors = _compile_redirectors(document.get("redirectors"))
    host_index: dict[str, Platform] = {}
    for platform in [*platforms.values(), *([redirectors] if redirectors else [])]:
        for host in platform.hosts:
            if host in host_index:
                raise CatalogueError(
                    f"host {host} listed by {host_index[host].id} and {platform.id}"
                )
            host_index[host] = platform
    meta = {
        entry["name"]: MetaReference(
            entry["name"], entry.get("platform"), entry["form"], entry["rule"]
        )
        for entry in document.get("meta", ())
    }
    share_attributes = tuple(
        ShareAttribute(entry["attribute"], entry["platform"], entry["rule"])
        for entry in document.get("share_attributes", ())
    )
    share_widgets = tuple(
        ShareWidget(
            entry["id"],
            entry["class"],
            entry["attribute"],
            tuple(entry.get("default", ())),
            dict(entry["services"]),
        )
        for entry in document.get("share_widgets", ())
    )
    named = [ref.platform for ref in meta.values()] + [attr.platform for attr in share_attributes]
    named += [platform for widget in share_widgets for platform in widget.services.values()]
    unknown = {platform for platform in named if platform is not None and platform not in platforms}
    if unknown:
        raise CatalogueError(
            f"meta/share_attributes/share_widgets name unknown platforms {sorted(unknown)}"
        )
    fediverse = [platform for platform in platforms.values() if platform.any_host]
    if len(fediverse) > 1:
        raise CatalogueError("only one platform may match on any host")
    return Catalogue(
        platforms=platforms,
        host_index=host_index,
        schemes=dict(document.get("schemes", {})),
        meta=meta,
        share_attributes=share_attributes,
        share_widgets=share_widgets,
        fediverse=fediverse[0] if fediverse else None,
        redirectors=redirectors,
        fediverse_words=_compile_words(document.get("fediverse_evidence", {}).get("words", ())),
    )


@cache
def load_catalogue() -> Catalogue:
    """The catalogue in use (the packaged one, see ``versions``), read and compiled once per
    process."""
    text = platform_catalogue_path().read_text("utf-8")
    return compile_catalogue(tomllib.loads(text))
