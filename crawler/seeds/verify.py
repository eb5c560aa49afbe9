"""Whether a fetched page is the official site of a body: evidence, and a verdict per unit.

Pure functions of a page's HTML and the unit's facts; the fetching is done by
``crawler/spiders/discovery.py`` under the crawl's rules. A page must name the body as a body
("Gemeinde Aach", "Stadt Neustadt a.d.Aisch", "Amt Eider", or the name in its title) and match
it by something a namesake elsewhere does not share: its postal code, its AGS, its Kreis or its
Verband. Parked domains lose; so do tourism and business sites that name the place but not the
body; a unit with two such sites equally good stays without one, with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.seeds.candidates import KIND_SUFFIX, KIND_WORDS, fold_words, name_forms
from crawler.seeds.urls import site_host

HIGH, MEDIUM = "high", "medium"
PARKED = re.compile(
    r"domain (is|ist|steht) (for sale|zu verkaufen|zum verkauf)|this domain (may be|is) for sale"
    r"|diese domain (kaufen|steht)|domain kaufen|sedoparking|parkingcrew|bodis\.com"
    r"|domain (parked|geparkt)|buy this domain",
    re.IGNORECASE,
)
BUSINESS = re.compile(
    r"\b(gmbh|tourismus|tourist|touristik|hotel|ferienwohnung|urlaub|e\.\s?v\.|shop)\b",
    re.IGNORECASE,
)
OFFICIAL_WORDS = (
    r"gemeinde|stadt|markt|amt|samtgemeinde|verbandsgemeinde|verwaltungsgemeinschaft|"
    r"ortsgemeinde|landkreis|kreis|kreisstadt|hansestadt|kreisverwaltung|stadtverwaltung|"
    r"gemeindeverwaltung|landratsamt|verwaltungsverband|buergermeister|buergermeisterin"
)
IMPRESSUM = re.compile(r"impressum|imprint", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Facts:
    """What a page must show to be the unit's: its name and what tells it from namesakes."""

    id: str
    name: str
    plz: str = ""
    kreis_name: str = ""
    verband_name: str = ""

    @property
    def base(self) -> str:
        """The name without its Destatis title ("Abenberg, St" -> "Abenberg")."""
        return place_name(self.name)


def place_name(name: str) -> str:
    """A body's name without its title or kind words: what pages call the place."""
    base = KIND_WORDS.sub("", name.split(",", 1)[0].strip()).strip()
    return KIND_SUFFIX.sub("", base).strip()


@dataclass(slots=True)
class Evidence:
    """What one candidate's pages showed."""

    url: str
    final_url: str = ""
    named: bool = False
    in_title: bool = False
    plz: bool = False
    ags: bool = False
    kreis: bool = False
    verband: bool = False
    parked: bool = False
    business: bool = False
    failure: str = ""
    impressum: str = ""

    @property
    def matched(self) -> bool:
        """Named as the body, and matched by a fact a namesake does not share."""
        return (
            not self.parked
            and not self.failure
            and (self.named or self.in_title)
            and (self.plz or self.ags or self.kreis or self.verband)
            and not self.business
        )

    @property
    def score(self) -> int:
        """How strongly the pages match: identifying facts count most."""
        return (
            3 * self.ags + 2 * self.plz + 2 * self.named + self.in_title + self.kreis + self.verband
        )

    @property
    def confidence(self) -> str:
        """``high`` with a postal code or AGS, ``medium`` with Kreis or Verband only."""
        return HIGH if self.plz or self.ags else MEDIUM

    def describe(self) -> str:
        """The evidence in words, for the output's ``evidence`` column."""
        found = [
            ("named as the body", self.named),
            ("name in the title", self.in_title),
            ("postal code", self.plz),
            ("AGS", self.ags),
            ("Kreis", self.kreis),
            ("Verband", self.verband),
            ("parked domain", self.parked),
            ("business or tourism site", self.business),
        ]
        words = [text for text, present in found if present]
        where = f" (Impressum {self.impressum})" if self.impressum else ""
        return "; ".join(words) + where if words else self.failure or "nothing of the body"


def read_page(evidence: Evidence, html: str, url: str, facts: Facts) -> str | None:
    """Add what the page shows to ``evidence``; returns the Impressum's URL if it links one."""
    page = Selector(text=html)
    title = " ".join(page.css("title::text").getall())
    text = " ".join(
        page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    )
    text = " ".join(text.split())
    forms = "|".join(re.escape(form) for form in name_forms(facts.name))
    folded_text, folded_title = fold_words(text), fold_words(title)
    named = re.compile(rf"\b({OFFICIAL_WORDS}) (\w+ ){{0,2}}?({forms})\b")
    evidence.named |= bool(named.search(folded_text) or named.search(folded_title))
    evidence.in_title |= bool(re.search(rf"\b({forms})\b", folded_title))
    evidence.plz |= bool(facts.plz) and re.search(rf"\b{facts.plz}\b", text) is not None
    evidence.ags |= len(facts.id) == 8 and re.search(rf"\b{facts.id}\b", text) is not None
    own = fold_words(facts.base)
    for attribute, name in (("kreis", facts.kreis_name), ("verband", facts.verband_name)):
        place = fold_words(place_name(name)) if name else ""
        # A Kreis named like the town (Landkreis Bautzen, Bautzen) tells nothing apart.
        if place and place not in own and own not in place:
            found = re.search(rf"\b{re.escape(place)}\b", folded_text) is not None
            setattr(evidence, attribute, getattr(evidence, attribute) or found)
    evidence.parked |= bool(PARKED.search(text) or PARKED.search(title))
    evidence.business |= bool(BUSINESS.search(title))
    if evidence.impressum:
        return None
    for link in page.css("a[href]"):
        label = " ".join(link.css("::text").getall())
        href = link.attrib.get("href", "")
        if IMPRESSUM.search(label) or IMPRESSUM.search(href):
            target = urljoin(url, href)
            if urlsplit(target).scheme in ("http", "https"):
                evidence.impressum = target
                return target
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The proposal for one unit: a URL with confidence and evidence, or why there is none."""

    id: str
    name: str
    url: str = ""
    confidence: str = ""
    website_of: str = ""
    evidence: str = ""
    reason: str = ""
    candidates: int = 0


def decide(facts: Facts, found: Iterable[tuple[Evidence, str]], candidates: int) -> Verdict:
    """One unit's verdict from its candidates' evidence (each with whose site it would be)."""
    matched: dict[str, tuple[Evidence, str]] = {}
    namesakes = parked = answered = 0
    failures: Counter[str] = Counter()
    for evidence, of in found:
        if evidence.failure:
            failures[evidence.failure.split(":", 1)[0]] += 1
            continue
        answered += 1
        parked += evidence.parked
        if evidence.matched:
            site = site_host(evidence.final_url or evidence.url)
            earlier = matched.get(site)
            if earlier is None or evidence.score > earlier[0].score:
                matched[site] = (evidence, of)
        elif evidence.named or evidence.in_title:
            namesakes += 1
    unit = Verdict(facts.id, facts.name, candidates=candidates)
    if not matched:
        if not answered:
            counts = ", ".join(f"{outcome} {n}" for outcome, n in sorted(failures.items()))
            reason = f"no candidate answered ({counts})" if counts else "no candidate"
        elif namesakes:
            reason = f"{namesakes} site(s) named the place but matched nothing of this unit"
        elif parked:
            reason = "only parked or unrelated sites answered"
        else:
            reason = "no answering site named the body"
        return replace(unit, reason=reason)
    ranked = sorted(matched.values(), key=lambda pair: -pair[0].score)
    best, of = ranked[0]
    if len(ranked) > 1 and ranked[1][0].score == best.score:
        sites = ", ".join(sorted(site_host(e.final_url or e.url) for e, _ in ranked))
        return replace(unit, reason=f"ambiguous: {sites} match equally")
    home = urlsplit(best.final_url or best.url)
    return replace(
        unit,
        url=f"{home.scheme}://{home.netloc}/",
        confidence=best.confidence,
        website_of=of,
        evidence=best.describe(),
    )
