"""Candidate website URLs of a public body, made from its name and its relations only.

No list of known sites is consulted: a candidate is what a body's name would become as a domain
under the conventions German municipalities follow, so a unit nobody lists can still be found.
Each convention is a named ``Rule`` (``RULES``, most productive first); ``python -m benchmarks
discovery`` reports how many known sites each one finds first and what it costs per unit.

- The name before its first comma ("Abenberg, St" -> "Abenberg"); Destatis' qualifiers are read:
  "a.Inn" (am Inn), "a.d.Saale" (an der Saale), "i.Grabfeld" (im Grabfeld), "b.München" (bei),
  "(Oberpf)": each gives the name with the qualifier, without it and in its short form; the
  landscapes Destatis shortens after a slash are written out ("/Erzgeb." -> erzgebirge), and a
  name that is a landscape with its preposition is also tried without it ("An der Finne"). Of a
  bilingual name ("Rietschen / Rěčicy") the German one is taken.
- Umlauts and ß transliterated (ae, oe, ue, ss); "St." and "Sankt" both tried; "Bad X" also as X.
- ``name``: words joined by "-" and run together, and a joined name's places each run together
  (`horn-badmeinberg`); a prefix by kind (`gemeinde-`, `stadt-`, `markt-`, `vg-`, `vgem-`,
  `amt-`, `samtgemeinde-`, `verbandsgemeinde-`, `landkreis-`, ...; Sachsen-Anhalt's
  Verbandsgemeinden `vgem-` first), the first of each kind and the abbreviations also run
  together (`amtpreetz-land`, `sgwerlte`); `.de`, and the regional
  top-level domains in use (`.bayern`, `.nrw`, `.saarland`, `.berlin`, `.hamburg`) for the
  name as written; each host with and without `www.`.
- ``name-title``: Destatis' title after the comma (`hansestadt-uelzen`, `flecken-ottersberg`);
  ``name-qualifier-initials``: the qualifier's initials (`hagen-atw` for Hagen am Teutoburger
  Wald, `sulzdorf-adl`); ``landgemeinde``: `lg-` for the Gemeinden of Thüringen, whose
  Landgemeinden write it (`lg-suedeichsfeld`).
- ``name-district``: Bavarian and Baden-Württemberg sites tell a name from its namesakes by the
  Regierungsbezirk, read from the AGS (`alfeld-mfr`, `haag-oberfranken`, `biberach-baden`).
- ``name-region``: the landscape its neighbours carry: the river and region qualifiers most
  frequent among the names of its Kreis, the landscape the Kreis is named after, and any
  landscape the list's names carry that ends a word of its Kreis's or Verband's name
  (`wallersheim-eifel`, `steinen-westerwald`, `hausen-rhoen`, `boos-eifel` for Vordereifel).
- ``name-other-tld`` (`.info`, `.eu`, `.net`, `.com`, `.org`), ``name-suffix`` (`-online`,
  the Land: `-sh`, `-bayern`, ...), ``name-kreis`` (the Kreis's name added),
  ``name-subdomain`` (the kind word as first label: `gemeinde.laboe.de`), ``ortsgemeinde``
  (`og-`/`ortsgemeinde-` for the Gemeinden of a Verbandsgemeinde), ``name-idna`` (umlauts kept),
  ``name-platform`` (a Gemeinde's page on the municipal site platform `orts.app`). The rules that
  add words to a name add them to its bare name too (`rosbach-hessen` for Rosbach v. d. Höhe).
- ``name-plate``: a name several Gemeinden bear, told apart by its Kreis's licence plate
  code (`berg-aw`, `simmern-ww`, `holzheim-nu`); ``kreis-plate``: a Landkreis by its own code
  (`kreis-rz`, `lkwf`, `lra-sm`, `mkk`). The codes come with the seed list (`plate_codes`,
  from Wikidata P395).
- The unit's relations: the site its Verband (or erfüllende Gemeinde) has in the same list
  (``listed``), and ``verband`` (the Verband's name with its kind's prefixes), ``erfuellende``
  (the name of the Gemeinde that runs it, Thüringen's erfüllende Gemeinde, with its kind's
  prefix: `bad-sulza`, `stadt-eisenberg`), ``verband-acronym`` (the initials
  of a Verband of several words: `vgben` for Bad Ems-Nassau, `amt-sn`, `amt-ssl` for Sternberger
  Seenlandschaft), ``verband-parts`` (each place of a merged Verband: `simmern` for
  Simmern-Rheinböllen), ``verband-landscape`` (the landscape it is named by: `erbeskopf` for
  Thalfang am Erbeskopf), ``verband-plate`` (a qualified Verband's name with its Kreis's code:
  `selters-ww`), ``verband-seat`` (its most populous member, which usually hosts it:
  `rockenhausen` for Nordpfälzer Land; the runner-up; a town of the Kreis outside it that its
  name begins with: `wilster` for Amt Wilstermarsch), ``verband-vg`` (`linz-vg`),
  ``verband-idna``.

The fallback tier (``FALLBACK_RULES``) is fetched only for a unit the first tier leaves without
a site of its own: ``kreis-suffix`` (`oldenburg-kreis`, `lra-soemmerda`), ``name-prefixed-idna``
(`gemeinde-sülzetal`), ``verband-seat-subdomain`` (`vg.kusel.de`), ``name-kind-suffix``
(`castell-gemeinde`, `penkun-stadt`), ``verwaltungsamt`` (its seat: `verwaltungsamt-helbra`),
``verband-kind-suffix`` (`berkenthin-amt`), ``name-verband`` (`gering-maifeld`),
``verband-rathaus`` (`rathaus-muenchenbernsdorf`), ``name-plate-any`` (the Kreis's code for a
name borne once: `kaden-ww`), ``rathaus`` (`rathaus-gmund`, `rathaus.pfronten.de`),
``verband-other-tld`` (`vorharz.net`, `wissen.eu`), ``name-land-region`` (the landscapes most
carried by the names of its Land: `fell-mosel`, `bell-eifel`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crawler.seeds import taxonomy

REGIONAL_TLDS = {
    "09": ("bayern",),
    "05": ("nrw",),
    "10": ("saarland",),
    "11": ("berlin",),
    "02": ("hamburg",),
}
# Destatis abbreviations of the words joining a name to its river or region.
QUALIFIERS = {
    "a.d.": ("an-der", "a-d", "ad"),
    "a.": ("am", "an", "a"),
    "i.": ("im", "in", "i"),
    "b.": ("bei", "b"),
    "o.": ("ob", "o"),
    "v.d.": ("vor-der", "v-d"),
    "u.": ("unter", "u"),
}
QUALIFIER = re.compile(r"\s+(a\.d\.|v\.d\.|a\.|i\.|b\.|o\.|u\.)\s*(.+)$")
# The same words written out: "Hattersheim am Main", "Kirchdorf an der Iller".
LONG_QUALIFIER = re.compile(
    r"\s+(am|an der|an|im|in der|in|bei|ob der|unter|vor der|auf der)\s+(.+)$", re.IGNORECASE
)
# A name that is a landscape with its preposition: the site uses the landscape alone.
LEADING_PREPOSITION = re.compile(r"^(am|an der|an den|an|im|in der|auf der)\s+", re.IGNORECASE)
SPACED_ABBREVIATION = re.compile(r"\b([a-z])\.\s+(?=[a-z]\.)")
BILINGUAL = re.compile(r"\s+/\s+")
PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
PREFIXES_BY_LABEL = {
    "Markt": ("markt",),
    "Amt": ("amt",),
    "Samtgemeinde": ("samtgemeinde", "sg"),
    "Verbandsgemeinde": ("vg", "verbandsgemeinde", "vgv", "verbgem"),
    "Verwaltungsgemeinschaft": ("vgem", "vg", "verwaltungsgemeinschaft"),
    "Verwaltungsverband": ("gvv",),
    "Kirchspielslandgemeinde": ("amt",),
}
# Sachsen-Anhalt's Verbandsgemeinden write themselves "vgem" (`vgem-finne`, `vgem-wethautal`).
PREFIXES_BY_STATE_LABEL = {
    ("15", "Verbandsgemeinde"): ("vgem", "vg", "verbandsgemeinde", "vgv", "verbgem")
}
PREFIXES_BY_KIND = {
    taxonomy.GEMEINDE: ("gemeinde",),
    taxonomy.STADT: ("stadt",),
    taxonomy.KREISFREIE_STADT: ("stadt",),
    taxonomy.STADTSTAAT: (),
    taxonomy.VERBAND: (),
    taxonomy.LANDKREIS: ("landkreis", "kreis", "lk"),
    taxonomy.LAND: (),
}
# Words of a Verband's or Kreis's name that name its kind, not the place.
KIND_WORDS = re.compile(
    r"^(amt|samtgemeinde|verbandsgemeinde|verwaltungsgemeinschaft|vgem|vg|gvv|vvg|"
    r"gemeindeverwaltungsverband|verwaltungsverband|landkreis|kreis|region|regionalverband|"
    r"städteregion|stadt|gemeinde|markt)(\s+der\s+stadt|\s+der\s+gemeinde)?\s+",
    re.IGNORECASE,
)
KIND_SUFFIX = re.compile(r"\s*\((vgem|vg|gvv)\)\s*$", re.IGNORECASE)
# Destatis' short forms of the landscape after a slash, as sites write them ("Triebel/Vogtl.").
ABBREVIATIONS = {
    "Erzgeb.": ("erzgebirge",),
    "Vogtl.": ("vogtland",),
    "Sa.": ("sachsen",),
    "O.L.": ("ol", "oberlausitz"),
    "Sächs. Schw.": ("sachsen",),
}
# Extra TLDs some municipalities use; tried for the plain name only (not for every prefix).
OTHER_TLDS = ("info", "eu", "net", "com", "org")
SUFFIXES = ("online",)
# A Verband named like "Bad Königshofen i.Grabfeld (VGem)" has dozens of spellings; its sites
# use the first few (as written, hyphenated or run together, without the qualifier).
VERBAND_SPELLINGS = 4
# The most a unit gets, most likely first; the tail of a long list finds next to nothing.
MAX_CANDIDATES = 140
# The most the fallback tier adds, for a unit the first leaves without a site of its own.
MAX_FALLBACK = 80
# How a name is told from its namesakes in the same Land: the Regierungsbezirk (the AGS's third
# digit) as Bavarian and Baden-Württemberg sites write it ("alfeld-mfr", "biberach-baden").
DISTRICT_SUFFIXES = {
    "091": ("obb", "oberbayern"),
    "092": ("ndb", "niederbayern"),
    "093": ("opf", "oberpfalz"),
    "094": ("ofr", "oberfranken"),
    "095": ("mfr", "mittelfranken"),
    "096": ("ufr", "unterfranken"),
    "097": ("schwaben",),
    "081": ("wuertt",),
    "082": ("baden",),
    "083": ("baden", "schwarzwald"),
    "084": ("wuertt", "hohenzollern"),
}
# How a name is told from its namesakes in other Länder ("horn-hunsrueck", "bevern-sh").
STATE_SUFFIXES = {
    "01": ("sh",),
    "03": ("nds",),
    "06": ("hessen",),
    "07": ("pfalz", "rlp"),
    "08": ("bw",),
    "09": ("bayern",),
    "12": ("brandenburg",),
    "13": ("mv",),
    "14": ("sachsen",),
    "15": ("sachsen-anhalt",),
    "16": ("thueringen",),
}


@dataclass(frozen=True, slots=True)
class Body:
    """What candidates are made from: the unit's name and kind, and its relations."""

    id: str
    name: str
    kind: str = ""
    kind_label: str = ""
    state_code: str = ""
    verband_name: str = ""
    verband_label: str = ""
    verband_url: str = ""  # the site its Verband, or its erfüllende Gemeinde, has in the list
    kreis_name: str = ""
    verband_seats: tuple[str, ...] = ()  # where its Verband sits: largest members, namesake town
    regions: tuple[str, ...] = ()  # landscape qualifiers the names around it carry
    erfuellende_name: str = ""  # the Gemeinde that runs it (Thüringen's erfüllende Gemeinde)
    erfuellende_kind: str = ""
    plates: tuple[str, ...] = ()  # licence plate codes of its Kreis, or its own as a Landkreis
    namesake: bool = False  # another Gemeinde of the list bears its name
    land_regions: tuple[str, ...] = ()  # the landscapes most carried by the names of its Land


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate homepage, and whose site it would be (``self`` or ``verband``)."""

    url: str
    of: str = "self"
    host: str = ""  # the generated host name; empty for a URL taken from the list
    rule: str = ""  # the naming rule that made it (``listed``: the Verband's site in the list)
    fallback: bool = False  # tried only if the others leave the unit without a site of its own


def candidates(body: Body) -> list[Candidate]:
    """Candidate homepages of ``body``, most likely first, each once, with whose they'd be: the
    first tier, then the fallback tier (``Candidate.fallback``)."""
    first = [Candidate(body.verband_url, "verband", rule="listed")] if body.verband_url else []
    later: list[Candidate] = []
    for rule, hosts in hosts_by_rule(body).items():
        made = [
            Candidate(f"https://{host}/", rule.of, host, rule.name, rule.fallback)
            for host in hosts
            if is_host_name(host)
        ]
        (later if rule.fallback else first).extend(made)
    seen: set[str] = set()
    return _unique(first, seen)[:MAX_CANDIDATES] + _unique(later, seen)[:MAX_FALLBACK]


# A DNS label: letters, digits and inner hyphens, 63 at most (RFC 1035; IDNs as xn--).
LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def is_host_name(host: str) -> bool:
    """Whether ``host`` can be looked up at all: a long name joined with its landscape can
    outgrow a label."""
    return len(host) <= 253 and all(LABEL.fullmatch(label) for label in host.split("."))


def _unique(found: list[Candidate], seen: set[str]) -> list[Candidate]:
    unique = []
    for candidate in found:
        if candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return unique


def hosts_by_rule(body: Body) -> dict[Rule, list[str]]:
    """Every rule's hosts for ``body``, uncut and with repeats: what each rule alone would try."""
    names = _Names.of(body)
    return {rule: rule.make(body, names) for rule in RULES}


def candidate_urls(body: Body) -> list[str]:
    """Candidate homepages of ``body``, most likely first, each once."""
    return [candidate.url for candidate in candidates(body)]


@dataclass(frozen=True, slots=True)
class _Names:
    """A body's name and its Verband's as domain labels, with the prefixes and TLDs they take."""

    tlds: tuple[str, ...]
    prefixes: tuple[str, ...]
    slugs: list[str]
    verband_slugs: list[str]
    verband_prefixes: tuple[str, ...]
    bare: list[str]

    @classmethod
    def of(cls, body: Body) -> _Names:
        """The labels of ``body``'s name and its Verband's."""
        bare = bare_name(body.name)
        return cls(
            ("de", *REGIONAL_TLDS.get(body.state_code, ())),
            (*PREFIXES_BY_KIND.get(body.kind, ()), *PREFIXES_BY_LABEL.get(body.kind_label, ())),
            name_slugs(body.name) + _kind_word_named(body),
            name_slugs(body.verband_name)[:VERBAND_SPELLINGS] if body.verband_name else [],
            verband_prefixes(body.state_code, body.verband_label),
            [bare] if bare else [],
        )

    @property
    def first(self) -> list[str]:
        """The name as written, hyphenated, and its bare name: what other rules add words to."""
        return list(dict.fromkeys(self.slugs[:1] + self.bare))


def _kind_word_named(body: Body) -> list[str]:
    """A Gemeinde named "Amt Neuhaus" or "Amt Creuzburg, Stadt" bears a kind word in its name;
    so do "Regionalverband Saarbrücken" and "Städteregion Aachen", whose sites say it."""
    named = body.name.split(",", 1)[0].strip()
    kinds = (*taxonomy.MUNICIPAL, taxonomy.LANDKREIS)
    if body.kind not in kinds or not KIND_WORDS.match(named):
        return []
    return ["-".join(fold_words(named).split())]


@dataclass(frozen=True, slots=True)
class Rule:
    """One naming convention: the hosts it makes of a body, and whose site they would be."""

    name: str
    of: str
    make: Callable[[Body, _Names], list[str]]
    fallback: bool = False  # in the fallback tier (see ``FALLBACK_RULES``)


def _named(body: Body, names: _Names) -> list[str]:
    plain = _hosts(names.slugs, (), names.tlds[:1]) + _hosts(names.slugs[:1], (), names.tlds[1:])
    return plain + _prefixed(names.slugs, names.prefixes, names.tlds[:1])


def _verband(body: Body, names: _Names) -> list[str]:
    plain = _hosts(names.verband_slugs, (), names.tlds[:1])
    return plain + _prefixed(names.verband_slugs, names.verband_prefixes, names.tlds[:1])


def _erfuellende(body: Body, names: _Names) -> list[str]:
    slugs = name_slugs(body.erfuellende_name)[:VERBAND_SPELLINGS] if body.erfuellende_name else []
    return _hosts(slugs, (), DE) + _prefixed(
        slugs, PREFIXES_BY_KIND.get(body.erfuellende_kind, ()), DE
    )


def _with_district(body: Body, names: _Names) -> list[str]:
    suffixes = DISTRICT_SUFFIXES.get(body.id[:3], ())
    return _hosts([f"{slug}-{suffix}" for slug in names.first for suffix in suffixes], (), DE)


def _with_region(body: Body, names: _Names) -> list[str]:
    return _hosts([f"{slug}-{region}" for slug in names.first for region in body.regions], (), DE)


def _verband_acronym(body: Body, names: _Names) -> list[str]:
    initials = acronyms(body.verband_name)
    return _hosts(_prefixed_labels(initials, names.verband_prefixes, len(initials)), (), DE)


def _verband_parts(body: Body, names: _Names) -> list[str]:
    return _hosts(name_parts(body.verband_name), names.verband_prefixes[:1], DE)


def _verband_landscape(body: Body, names: _Names) -> list[str]:
    return _hosts(landscape_of(body.verband_name), names.verband_prefixes[:1], DE)


def _verband_plate(body: Body, names: _Names) -> list[str]:
    # A Verband's name with a qualifier has namesakes; its site tells them apart as its
    # Gemeinden's do, by the Kreis's code ("Selters (Westerwald)" -> selters-ww).
    bare = bare_name(body.verband_name) if landscape_of(body.verband_name) else ""
    return _hosts(_coded(bare, body.plates), (), DE)


def _qualifier_initials(body: Body, names: _Names) -> list[str]:
    bare, initials = bare_name(body.name), qualifier_initials(body.name)
    labels = [f"{bare}-{initials}", f"{bare}{initials}"] if bare and initials else []
    return _hosts(labels, (), DE)


def _other_tlds(body: Body, names: _Names) -> list[str]:
    return _hosts(names.first, (), OTHER_TLDS)


def _titled(body: Body, names: _Names) -> list[str]:
    return _hosts(
        [f"{title}-{slug}" for title in titles(body.name) for slug in names.first], (), DE
    )


def _landgemeinde(body: Body, names: _Names) -> list[str]:
    if (body.state_code, body.kind) not in LANDGEMEINDE_KINDS:
        return []
    return _hosts([f"lg-{slug}" for slug in names.first], (), DE)


def _suffixed(body: Body, names: _Names) -> list[str]:
    suffixes = (*SUFFIXES, *STATE_SUFFIXES.get(body.state_code, ()))
    return _hosts([f"{slug}-{suffix}" for slug in names.first for suffix in suffixes], (), DE)


def _verband_seat(body: Body, names: _Names) -> list[str]:
    first, *others = [name_slugs(seat)[:1] for seat in body.verband_seats] or [[]]
    prefixed = _prefixed_labels(first, (*names.verband_prefixes[:1], "stadt"), 0)
    # The runner-up, plainly named: a merged Verband often sits in the smaller of its two towns
    # (Nahe-Glan in Meisenheim, Gerolstein's former Verband in Hillesheim).
    return _hosts(first + prefixed + [slug for other in others for slug in other], (), DE)


def _with_kreis(body: Body, names: _Names) -> list[str]:
    kreis = name_slugs(body.kreis_name)[:1]
    return _hosts([f"{slug}-{k}" for slug in names.first for k in kreis], (), DE)


def _with_plate(body: Body, names: _Names) -> list[str]:
    # The namesakes, the names the code is there to tell apart; every other name gets it in the
    # fallback tier (``name-plate-any``), for what it finds there (benchmarks/RESULTS.md).
    if not body.namesake or body.kind == taxonomy.LANDKREIS:
        return []
    return _hosts(_coded(bare_name(body.name), body.plates), (), DE)


def _coded(slug: str, plates: Iterable[str]) -> list[str]:
    """``slug`` with each licence plate code after it (``berg-aw``)."""
    return [f"{slug}-{code}" for code in plate_labels(plates)] if slug else []


def _kreis_plate(body: Body, names: _Names) -> list[str]:
    if body.kind != taxonomy.LANDKREIS:
        return []
    codes = plate_labels(body.plates)
    return _hosts([form.format(code) for code in codes for form in KREIS_PLATE_FORMS], (), DE)


def _kind_subdomain(body: Body, names: _Names) -> list[str]:
    return [f"{prefix}.{slug}.de" for prefix in names.prefixes for slug in names.first]


def _on_platform(body: Body, names: _Names) -> list[str]:
    if body.kind != taxonomy.GEMEINDE:
        return []
    return [f"{slug}.{platform}" for platform in PLATFORMS for slug in names.first]


def _ortsgemeinde(body: Body, names: _Names) -> list[str]:
    if body.verband_label != "Verbandsgemeinde" or body.kind != taxonomy.GEMEINDE:
        return []
    return _hosts(_prefixed_labels(names.first, ORTSGEMEINDE_PREFIXES, 0), (), DE)


def _verband_vg(body: Body, names: _Names) -> list[str]:
    return _hosts([f"{slug}-vg" for slug in names.verband_slugs[:2]], (), DE)


def _idna_named(body: Body, names: _Names) -> list[str]:
    return _hosts(_idna(body.name), (), DE)


def _kind_suffixed(body: Body, names: _Names) -> list[str]:
    return _hosts([f"{slug}-{kind}" for kind in names.prefixes[:1] for slug in names.first], (), DE)


def _verband_other_tlds(body: Body, names: _Names) -> list[str]:
    return _hosts(names.verband_slugs[:2], (), OTHER_TLDS)


def _land_region(body: Body, names: _Names) -> list[str]:
    others = [region for region in body.land_regions if region not in body.regions]
    return _hosts([f"{slug}-{region}" for slug in names.bare for region in others], (), DE)


def _with_any_plate(body: Body, names: _Names) -> list[str]:
    # The namesakes have theirs in the first tier (``name-plate``).
    if body.namesake or body.kind not in taxonomy.MUNICIPAL:
        return []
    return _hosts([label for slug in names.bare for label in _coded(slug, body.plates)], (), DE)


def _seat_slug(body: Body) -> list[str]:
    """Where the Verband sits (its most populous member), as one label."""
    return [slug for seat in body.verband_seats[:1] for slug in name_slugs(seat)[:1]]


def _verwaltungsamt(body: Body, names: _Names) -> list[str]:
    seat = _seat_slug(body)
    return _hosts([f"verwaltungsamt-{slug}" for slug in seat], (), DE)


def _verband_seat_subdomain(body: Body, names: _Names) -> list[str]:
    seat = _seat_slug(body)
    return [f"{prefix}.{slug}.de" for prefix in names.verband_prefixes[:1] for slug in seat]


def _town_hall(body: Body, names: _Names) -> list[str]:
    return _hosts([f"rathaus-{slug}" for slug in names.first], (), DE) + [
        f"rathaus.{slug}.de" for slug in names.first
    ]


def _verband_town_hall(body: Body, names: _Names) -> list[str]:
    seat = _seat_slug(body)
    return _hosts(
        [f"rathaus-{slug}" for slug in dict.fromkeys(seat + names.verband_slugs[:1])], (), DE
    )


def _verband_kind_suffixed(body: Body, names: _Names) -> list[str]:
    labels = [
        f"{slug}-{kind}" for kind in names.verband_prefixes[:1] for slug in names.verband_slugs[:1]
    ]
    return _hosts(labels, (), DE)


def _with_verband(body: Body, names: _Names) -> list[str]:
    verband = bare_name(body.verband_name) if body.verband_name else ""
    return _hosts([f"{slug}-{verband}" for slug in names.first] if verband else [], (), DE)


def _prefixed_idna(body: Body, names: _Names) -> list[str]:
    return _hosts(_idna_prefixed(body.name, names.prefixes[:1]), (), DE)


def _kreis_suffixed(body: Body, names: _Names) -> list[str]:
    if body.kind != taxonomy.LANDKREIS:
        return []
    # "-landkreis" is its kind word after the name (``name-kind-suffix``).
    labels = [f"{slug}-kreis" for slug in names.first] + [f"lra-{slug}" for slug in names.first]
    return _hosts(labels, (), DE)


def _verband_idna(body: Body, names: _Names) -> list[str]:
    return _hosts(_idna(body.verband_name), (), DE)


DE = ("de",)
# Tried only for a unit the first tier leaves without a site of its own (none verified, two
# equally good, or only its Verband's), so they cost only where the first tier failed; most
# productive first. Each finds at least 1.5 units per candidate it adds per such unit.
FALLBACK_RULES: tuple[Rule, ...] = (
    Rule("kreis-suffix", "self", _kreis_suffixed, True),
    Rule("name-prefixed-idna", "self", _prefixed_idna, True),
    Rule("verband-seat-subdomain", "verband", _verband_seat_subdomain, True),
    Rule("name-kind-suffix", "self", _kind_suffixed, True),
    Rule("verwaltungsamt", "verband", _verwaltungsamt, True),
    Rule("verband-kind-suffix", "verband", _verband_kind_suffixed, True),
    Rule("name-verband", "self", _with_verband, True),
    Rule("verband-rathaus", "verband", _verband_town_hall, True),
    Rule("name-plate-any", "self", _with_any_plate, True),
    Rule("rathaus", "self", _town_hall, True),
    Rule("verband-other-tld", "verband", _verband_other_tlds, True),
    Rule("name-land-region", "self", _land_region, True),
)
# Most productive first: a unit's list is cut at MAX_CANDIDATES. Each rule's yield (units found
# per candidate it adds) is measured by ``python -m benchmarks discovery``.
RULES: tuple[Rule, ...] = (
    Rule("name", "self", _named),
    Rule("verband", "verband", _verband),
    Rule("erfuellende", "verband", _erfuellende),
    Rule("name-title", "self", _titled),
    Rule("name-qualifier-initials", "self", _qualifier_initials),
    Rule("landgemeinde", "self", _landgemeinde),
    Rule("name-district", "self", _with_district),
    Rule("verband-acronym", "verband", _verband_acronym),
    Rule("name-idna", "self", _idna_named),
    Rule("name-region", "self", _with_region),
    Rule("verband-landscape", "verband", _verband_landscape),
    Rule("verband-plate", "verband", _verband_plate),
    Rule("kreis-plate", "self", _kreis_plate),
    Rule("verband-idna", "verband", _verband_idna),
    Rule("name-plate", "self", _with_plate),
    Rule("ortsgemeinde", "self", _ortsgemeinde),
    Rule("verband-parts", "verband", _verband_parts),
    Rule("verband-seat", "verband", _verband_seat),
    Rule("name-other-tld", "self", _other_tlds),
    Rule("name-subdomain", "self", _kind_subdomain),
    Rule("name-kreis", "self", _with_kreis),
    Rule("name-suffix", "self", _suffixed),
    Rule("verband-vg", "verband", _verband_vg),
    Rule("name-platform", "self", _on_platform),
    *FALLBACK_RULES,
)
PLATFORMS = ("orts.app",)
# Thüringen's Landgemeinden (some of them towns) write themselves "lg" (`lg-suedeichsfeld`);
# Destatis does not tell them from other Gemeinden.
LANDGEMEINDE_KINDS = {("16", taxonomy.GEMEINDE), ("16", taxonomy.STADT)}
ORTSGEMEINDE_PREFIXES = ("ortsgemeinde", "og")
# How Landkreise write their licence plate code as a site name, most used first.
KREIS_PLATE_FORMS = ("kreis-{}", "lk{}", "lk-{}", "{}", "lra{}", "lra-{}", "kreis{}")


def verband_prefixes(state_code: str, label: str) -> tuple[str, ...]:
    """The prefixes a Verband of this kind writes before its name, in its Land."""
    return PREFIXES_BY_STATE_LABEL.get((state_code, label), PREFIXES_BY_LABEL.get(label, ()))


def plate_labels(codes: Iterable[str]) -> list[str]:
    """Licence plate codes as domain labels ("AÖ" -> ``aoe``)."""
    labels = [re.sub(r"[^a-z]", "", _ascii(code)) for code in codes]
    return [label for label in dict.fromkeys(labels) if label]


# Words an acronym leaves out ("Gransee und Gemeinden" is not "gug").
SMALL_WORDS = frozenset({"und", "am", "an", "der", "die", "das", "den", "im", "in", "auf", "bei"})
# A word an acronym reads as two ("Seenlandschaft": s, l).
COMPOUND = re.compile(r"^(\w{3,}?)(landschaft|land)$")


def acronyms(name: str) -> list[str]:
    """The initials of a name of two or more words ("Bad Ems-Nassau" -> ``ben``)."""
    spelled = " ".join(_spellings(name)[:1])
    words = [word for word in fold_words(spelled).split() if word not in SMALL_WORDS]
    # "Seenlandschaft" counts as two words ("Sternberger Seenlandschaft" -> ``ssl``).
    if len(words) < 2:
        return []
    split = [part for word in words for part in COMPOUND.sub(r"\1 \2", word).split()]
    return list(dict.fromkeys("".join(word[0] for word in each) for each in (words, split)))


def name_parts(name: str) -> list[str]:
    """Each place of a name joining two ("Simmern-Rheinböllen" -> ``simmern``, ``rheinboellen``)."""
    base = PARENTHESIS.sub(" ", " ".join(_spellings(name)[:1]))
    parts = ["-".join(fold_words(part).split()) for part in re.split(r"[-/]", base)]
    return [part for part in parts if len(part) >= 4] if len(parts) >= 2 else []


def landscape_of(name: str) -> list[str]:
    """The river or landscape a name is qualified by ("Thalfang am Erbeskopf" -> ``erbeskopf``,
    "Hamm (Sieg)" -> ``sieg``); not a neighbour ("Bergen b.Kirn")."""
    base = KIND_SUFFIX.sub("", base_name(name))
    found = [m.group(1) for m in PARENTHESIS.finditer(base)]
    found += [
        m.group(2)
        for m in (QUALIFIER.search(base), LONG_QUALIFIER.search(base))
        if m and m.group(1).casefold() in LANDSCAPE_WORDS
    ]
    return list(dict.fromkeys(slug for f in found if (slug := "-".join(fold_words(f).split()))))


# What follows the comma in Destatis' names and is a kind, not a title ("Abenberg, St").
KIND_ABBREVIATIONS = frozenset({"stadt", "m", "st", "gkst"})


def titles(name: str) -> list[str]:
    """The titles Destatis gives after the name ("Lüneburg, Hansestadt" -> ``hansestadt``;
    "Rathen, Kurort" -> ``kurort``), without the kind words ("Kurort, Stadt" -> ``kurort``)."""
    found = ["-".join(fold_words(part).split()) for part in name.split(",")[1:]]
    return [title for title in found if title and title not in KIND_ABBREVIATIONS]


def qualifier_initials(name: str) -> str:
    """The initials of a name's qualifier with its preposition ("Hagen am Teutoburger Wald" ->
    ``atw``, "Sulzdorf a.d.Lederhecke" -> ``adl``)."""
    base = base_name(name)
    spelled_out, short = LONG_QUALIFIER.search(base), QUALIFIER.search(base)
    if spelled_out:
        words = f"{spelled_out.group(1)} {spelled_out.group(2)}"
    elif short:
        words = f"{QUALIFIERS[short.group(1)][0].replace('-', ' ')} {short.group(2)}"
    else:
        return ""
    initials = "".join(word[0] for word in fold_words(words).split())
    return initials if len(initials) >= 2 else ""


def _prefixed(slugs: list[str], prefixes: tuple[str, ...], tlds: tuple[str, ...]) -> list[str]:
    """Every prefix joined by a hyphen; the first also run together with the name as written."""
    return _hosts(_prefixed_labels(slugs, prefixes, 2), (), tlds)


def _prefixed_labels(slugs: list[str], prefixes: tuple[str, ...], joined: int) -> list[str]:
    """``prefix-slug`` for each; ``prefixslug`` for the first prefix and the abbreviations
    (`sgwerlte`, `vgstraussfurt`), for ``joined`` slugs."""
    labels = [f"{prefix}-{slug}" for prefix in prefixes for slug in slugs]
    joint = [prefix for i, prefix in enumerate(prefixes) if i == 0 or len(prefix) <= 3]
    return labels + [f"{prefix}{slug}" for prefix in joint for slug in slugs[:joined]]


def _hosts(slugs: list[str], prefixes: Iterable[str], tlds: Iterable[str]) -> list[str]:
    labels = list(slugs)
    for prefix in prefixes:
        labels += [f"{prefix}-{slug}" for slug in slugs]
        labels += [f"{prefix}{slug}" for slug in slugs]
    hosts = []
    for tld in tlds:
        for label in labels:
            hosts += [f"www.{label}.{tld}", f"{label}.{tld}"]
    return hosts


def name_slugs(name: str) -> list[str]:
    """The domain labels a name may become (``"Bad Tölz"`` -> ``bad-toelz``, ``badtoelz``, ...)."""
    variants = []
    for spelled in _spellings(name):
        words = re.findall(r"[a-z0-9]+", spelled)
        if words:
            variants += ["-".join(words), "".join(words)]
        parts = [re.findall(r"[a-z0-9]+", part) for part in spelled.split("-")]
        if len(parts) > 1 and any(len(part) > 1 for part in parts):
            # "Horn-Bad Meinberg" -> horn-badmeinberg: the places hyphenated, each run together
            variants.append("-".join("".join(part) for part in parts if part))
    return [label for label in dict.fromkeys(variants) if 0 < len(label) <= 63]


def _idna(name: str) -> list[str]:
    """The name with its umlauts kept, as internationalised domain labels (xn--...)."""
    words = _umlaut_words(name)
    return _encoded(["-".join(words), "".join(words)] if words else [])


def _idna_prefixed(name: str, prefixes: tuple[str, ...]) -> list[str]:
    """The same, hyphenated after each of ``prefixes`` (`gemeinde-sülzetal`)."""
    words = "-".join(_umlaut_words(name))
    return _encoded([f"{prefix}-{words}" for prefix in prefixes] if words else [])


def _umlaut_words(name: str) -> list[str]:
    """The words of a name that has letters beyond ASCII, as written; none for any other."""
    base = base_name(name).casefold()
    return [] if base.isascii() else re.findall(r"\w+", PARENTHESIS.sub(" ", base))


def _encoded(labels: list[str]) -> list[str]:
    try:
        return [label.encode("idna").decode() for label in dict.fromkeys(labels)]
    except UnicodeError:
        return []


def name_forms(name: str) -> list[str]:
    """The ways pages write a name, folded to ASCII words ("neustadt an der aisch", ...)."""
    forms = [" ".join(re.findall(r"[a-z0-9]+", spelled)) for spelled in _spellings(name)]
    return [form for form in dict.fromkeys(forms) if form]


def base_name(name: str) -> str:
    """The name before its first comma, without its kind's words, and with Destatis'
    abbreviations written closed ("Rosbach v. d. Höhe" -> "Rosbach v.d. Höhe")."""
    base = KIND_WORDS.sub("", name.split(",", 1)[0].strip()).strip()
    return SPACED_ABBREVIATION.sub(r"\1.", base)


def fold_words(text: str) -> str:
    """Text folded as names are: ASCII, lower case, words separated by one space."""
    return " ".join(re.findall(r"[a-z0-9]+", _ascii(text)))


def _spellings(name: str) -> list[str]:
    """The name as written, with and without its qualifier, "Bad" and "Sankt" forms."""
    base = base_name(name)
    base = KIND_SUFFIX.sub("", base)
    # "Rietschen / Rěčicy": the German name; sites are not named by the Sorbian one.
    base = BILINGUAL.split(base, 1)[0].strip()
    forms = [base]
    if LEADING_PREPOSITION.match(base):  # "An der Finne" -> "Finne", "Am Brahmetal" -> "Brahmetal"
        forms.append(LEADING_PREPOSITION.sub("", base))
    spelled_out = LONG_QUALIFIER.search(base)
    if spelled_out:
        head, tail = base[: spelled_out.start()], spelled_out.group(2)
        forms += [head, f"{head} {tail}"]
    region = PARENTHESIS.search(base)
    if region:
        plain = PARENTHESIS.sub(" ", base).strip()
        forms += [plain, f"{plain} {region.group(1)}"]
    qualified = QUALIFIER.search(base)
    if qualified:
        head, word, tail = base[: qualified.start()], qualified.group(1), qualified.group(2)
        forms += [head] + [f"{head} {long} {tail}" for long in QUALIFIERS[word]]
        forms += [f"{head} {tail}"]
    if "/" in base:  # "Bernau b.Berlin" is caught above; "Triebel/Vogtl." here
        head, tail = base.split("/", 1)
        forms.append(head)
        forms += [f"{head} {long}" for long in ABBREVIATIONS.get(tail.strip(), ())]
    more = []
    for form in forms:
        if re.match(r"^bad\s+", form, re.IGNORECASE):
            more.append(re.sub(r"^bad\s+", "", form, flags=re.IGNORECASE))
        if re.search(r"\bst\.\s*", form, re.IGNORECASE):
            more.append(re.sub(r"\bst\.\s*", "sankt ", form, flags=re.IGNORECASE))
            more.append(re.sub(r"\bst\.\s*", "st ", form, flags=re.IGNORECASE))
        if re.search(r"\bsankt\b", form, re.IGNORECASE):
            more.append(re.sub(r"\bsankt\b", "st", form, flags=re.IGNORECASE))
    return [_ascii(form) for form in dict.fromkeys(forms + more) if form.strip()]


def _ascii(text: str) -> str:
    folded = text.casefold().translate(TRANSLITERATION)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


@dataclass(frozen=True, slots=True)
class Member:
    """A unit as its neighbours see it: name, population, Kreis, Verband and kind."""

    name: str
    population: int | None = None
    kreis_id: str = ""
    verband_id: str = ""
    kind: str = ""
    state_code: str = ""


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What a list says around each unit: every Verband's seat, every Kreis's regions, and the
    names more than one Gemeinde bears."""

    seats: dict[str, tuple[str, ...]]
    regions: dict[str, tuple[str, ...]]
    namesakes: frozenset[str] = frozenset()
    landscapes: frozenset[str] = frozenset()  # every river and landscape the list's names carry
    towns: dict[str, frozenset[str]] = field(default_factory=dict)  # Kreis id -> bare names
    lands: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Land -> its landscapes

    def is_namesake(self, name: str) -> bool:
        """Whether another Gemeinde of the list bears ``name`` (its bare name)."""
        return bare_name(name) in self.namesakes

    def seats_of(self, verband_id: str, kreis_id: str, verband_name: str) -> tuple[str, ...]:
        """Its Verband's seats, and a town of its Kreis, not a member, that begins the Verband's
        name: Amt Wilstermarsch is run from Wilster."""
        named = "".join(bare_name(verband_name).split("-"))
        towns = sorted(
            town
            for town in self.towns.get(kreis_id, ())
            if len(town) >= 5 and named.startswith(town) and named != town
        )
        return tuple(dict.fromkeys((*self.seats.get(verband_id, ()), *towns)))

    def regions_of(self, kreis_id: str, verband_name: str = "") -> tuple[str, ...]:
        """The landscapes around a unit: its Kreis's, and those its Verband's name ends a word
        with ("Vordereifel" -> ``eifel``)."""
        named = named_landscapes(verband_name, self.landscapes) if verband_name else []
        return tuple(dict.fromkeys((*self.regions.get(kreis_id, ()), *named)))

    def land_regions_of(self, state_code: str) -> tuple[str, ...]:
        """The landscapes most carried by the names of a Land, most carried first."""
        return self.lands.get(state_code, ())

    @classmethod
    def of(cls, members: Iterable[Member], kreis_names: dict[str, str]) -> Neighbourhood:
        """The seats and regions of a whole list (``kreis_names``: Kreis id -> name)."""
        by_verband: dict[str, list[Member]] = {}
        # Each Kreis's qualifiers counted over its own name and its units' names.
        by_kreis = {kreis: Counter(landscape_of(name)) for kreis, name in kreis_names.items()}
        borne: Counter[str] = Counter()  # how many Gemeinden bear each name
        known: set[str] = set()
        towns: dict[str, set[str]] = {}
        by_land: dict[str, Counter[str]] = {}
        for member in members:
            carried = landscape_of(member.name)
            known.update(carried)
            if member.state_code:
                by_land.setdefault(member.state_code, Counter()).update(carried)
            if member.kind in taxonomy.MUNICIPAL:
                bare = bare_name(member.name)
                borne[bare] += 1
                if member.kreis_id:
                    towns.setdefault(member.kreis_id, set()).add("".join(bare.split("-")))
            if member.verband_id:
                by_verband.setdefault(member.verband_id, []).append(member)
            if member.kreis_id:
                by_kreis.setdefault(member.kreis_id, Counter()).update(carried)
        landmarks = frozenset(land for land in known if len(land) >= LANDMARK)
        return cls(
            {verband: seats(group) for verband, group in by_verband.items()},
            {
                kreis: tuple(
                    dict.fromkeys(
                        (
                            *(region for region, _ in counted.most_common(3)),
                            *landscapes(kreis_names.get(kreis, "")),
                            *named_landscapes(kreis_names.get(kreis, ""), landmarks),
                        )
                    )
                )
                for kreis, counted in by_kreis.items()
            },
            frozenset(name for name, count in borne.items() if name and count > 1),
            landmarks,
            {kreis: frozenset(names) for kreis, names in towns.items()},
            {land: _most_carried(counted) for land, counted in by_land.items()},
        )


# How many of a Land's landscapes ``name-land-region`` tries, the most carried first.
LAND_REGIONS = 8
# The shortest landscape taken from a list's names: shorter ones ("inn", "aar") end too many
# words to tell them from a word's own ending.
LANDMARK = 4


def _most_carried(counted: Counter[str]) -> tuple[str, ...]:
    ranked = [land for land, _ in counted.most_common() if len(land) >= LANDMARK]
    return tuple(ranked[:LAND_REGIONS])


def bare_name(name: str) -> str:
    """A name without what tells it from its namesakes: "Berg (Pfalz)", "Berg b.Neumarkt
    i.d.OPf." and "Berg, Markt" are all ``berg``."""
    base = PARENTHESIS.sub(" ", base_name(name))
    for qualifier in (QUALIFIER, LONG_QUALIFIER):
        found = qualifier.search(base)
        base = base[: found.start()] if found else base
    return "-".join(fold_words(base.split("/", 1)[0]).split())


# The qualifiers that name a river or a landscape ("a.Main", "im Grabfeld"), not a neighbour.
LANDSCAPE_WORDS = frozenset({"a.", "a.d.", "i.", "am", "an", "an der", "im", "in"})


def regions(names: Iterable[str], top: int = 3) -> tuple[str, ...]:
    """The landscape qualifiers most carried by ``names`` ("Hamm (Sieg)", "Selb a.d.Eger")."""
    counted = Counter(region for name in names for region in landscape_of(name))
    return tuple(region for region, _ in counted.most_common(top))


def landscapes(kreis_name: str) -> list[str]:
    """The landscapes a Kreis is named after ("Eifelkreis Bitburg-Prüm" -> ``eifel``)."""
    words = fold_words(KIND_WORDS.sub("", kreis_name)).split()
    if "kreis" in words:  # "Rhein-Hunsrück-Kreis": every word names a landscape
        return [word for word in words if word != "kreis"]
    stems = [w.removesuffix("kreis") for w in words if w.endswith("kreis") and w != "kreis"]
    # A joining "s" drops the landscape's final "e": "Erzgebirgskreis" -> "erzgebirge".
    return [f"{stem[:-1]}e" if stem.endswith("gs") else stem for stem in stems]


def named_landscapes(name: str, known: frozenset[str]) -> list[str]:
    """The landscapes of ``known`` that end a word of ``name`` ("Vulkaneifel" -> ``eifel``,
    "Unterallgäu" -> ``allgaeu``)."""
    words = fold_words(base_name(name)).split()
    return sorted(land for land in known if any(word.endswith(land) for word in words))


def seats(members: Iterable[Member], top: int = 2) -> tuple[str, ...]:
    """The most populous of a Verband's members, largest first: where it usually sits and what
    names its site."""
    ranked = sorted(members, key=lambda member: member.population or 0, reverse=True)
    return tuple(member.name for member in ranked[:top])
