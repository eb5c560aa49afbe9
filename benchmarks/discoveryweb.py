"""Website discovery measured: candidate recall on the shared lists, precision on a mini-web.

Recall: for every unit of ../shared's lists whose website is known (Destatis AGS and
Kreisschlüssel, websites from the municipal-websites list and the OKF DE lists of Bayern and
Sachsen-Anhalt), is the known site's host (or its registrable domain) among the candidates made
from the unit's name and relations? Nothing of those lists is used to make the candidates.

Precision: a loopback mini-web for units sampled from the Gemeindeverzeichnis, each with its true
site (own, or its Verband's) at one of its candidate hosts, and decoys at others: a parked
domain, a tourism business naming the place and its postal code, a namesake elsewhere; some
units have no site at all, some two equally good ones. ``govsocial seeds discover`` runs against
it; a proposal is correct when its host is the true site's.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import seedsources
from benchmarks.plates import assign_plate_codes
from crawler.detection.domains import url_domain
from crawler.seeds import gv, taxonomy
from crawler.seeds.candidates import (
    MAX_CANDIDATES,
    MAX_FALLBACK,
    RULES,
    Body,
    Candidate,
    Member,
    Neighbourhood,
    bare_name,
    candidates,
    hosts_by_rule,
    landscape_of,
)
from crawler.seeds.sources import Source
from crawler.seeds.units import COLUMNS, Unit, row_of
from crawler.seeds.urls import normalise_url, site_host
from crawler.seeds.verify import place_name

TLD_WILDCARDS = (
    "de",
    "bayern",
    "nrw",
    "saarland",
    "berlin",
    "hamburg",
    "info",
    "eu",
    "com",
    "org",
    "invalid",
)


def gazetteer(shared: Path, plates: Path | None = None) -> dict[str, Unit]:
    """The units of the shared Gemeindeverzeichnis, by id; the Landkreise's licence plate codes
    from ``plates`` (see benchmarks/plates.py), where given."""
    source = Source("Destatis Gemeindeverzeichnis", str(shared / seedsources.AUSZUG))
    records = gv.read_records(source, (shared / seedsources.AUSZUG).read_bytes())
    units = {unit.id: unit for unit in gv.build_units(source, records, 1).units}
    if plates is not None:
        assign_plate_codes(plates, units)
    return units


def neighbourhood(units: dict[str, Unit]) -> Neighbourhood:
    """Every Verband's seat and every Kreis's regions in the gazetteer."""
    members = [
        Member(u.name, u.population, u.kreis_id, u.verband_id, u.kind, u.state_code)
        for u in units.values()
    ]
    kreise = {u.id: u.name for u in units.values() if u.kind == "landkreis"}
    return Neighbourhood.of(members, kreise)


def body_of(unit: Unit, units: dict[str, Unit], around: Neighbourhood) -> Body:
    """What candidates are made from, as ``seeds discover`` gets it from a built list."""
    verband = units.get(unit.verband_id) if unit.verband_id else None
    kreis = units.get(unit.kreis_id) if unit.kreis_id else None
    parent = units.get(unit.parent_id)
    runner = parent if parent and taxonomy.run_by_parent(unit.kind, parent.kind) else None
    administering = verband or runner
    return Body(
        unit.id,
        unit.name,
        unit.kind,
        unit.kind_label,
        unit.state_code,
        verband.name if verband else "",
        verband.kind_label if verband else "",
        administering.url if administering else "",
        kreis.name if kreis else "",
        around.seats_of(verband.id, unit.kreis_id, verband.name) if verband else (),
        around.regions_of(unit.kreis_id, verband.name if verband else ""),
        runner.name if runner else "",
        runner.kind if runner else "",
        tuple((kreis or unit).plate_codes.split()),
        around.is_namesake(unit.name),
        around.land_regions_of(unit.state_code),
    )


# The shared lists, told apart by Land: the rules were designed on the misses of the first; the
# OKF DE lists (Bayern, Sachsen-Anhalt) are the held-out part.
LISTS = {"09": "OKF DE Bayern (held out)", "15": "OKF DE Sachsen-Anhalt (held out)"}
MUNICIPAL_LIST = "municipal-websites (rules designed on it)"


@dataclass(frozen=True, slots=True)
class Miss:
    """A unit whose known site no candidate names: what the classes of misses are read from."""

    list: str
    name: str
    verband_id: str
    verband_name: str
    host: str
    made: frozenset[str]  # the candidate hosts, without www.


# The classes of misses, told apart in this order (see ``miss_class``).
MISS_CLASSES = {
    "verband": "the Verband's site under a form no rule makes",
    "other-host": "another host of a candidate's domain",
    "other-tld": "a label made, under a top-level domain not tried",
    "subdomain": "a page on a platform's or another body's site",
    "name-landscape": "the own name and a river or landscape",
    "name-code": "the own name and a short code or abbreviation",
    "name-word": "the own name and another word (a title, an Ortsteil, a nickname)",
    "unrelated": "a label that does not hold the own name",
}


def miss_class(miss: Miss, shared: Counter[tuple[str, str]], landscapes: frozenset[str]) -> str:
    """The class of a miss; ``shared`` counts the misses of each (Verband, host)."""
    label, tail = miss.host.split(".", 1)
    whole = "".join(re.findall(r"[a-z0-9]", miss.host.rsplit(".", 1)[0]))
    verband = "".join(bare_name(miss.verband_name).split("-")) if miss.verband_name else ""
    own = "".join(bare_name(miss.name).split("-"))
    if miss.verband_id and (
        shared[miss.verband_id, miss.host] >= 2 or (verband and verband in whole)
    ):
        return "verband"
    if _domain(miss.host) in {_domain(host) for host in miss.made}:
        return "other-host"
    if "." not in tail and label in {host.split(".", 1)[0] for host in miss.made}:
        return "other-tld"
    if "." in tail and own not in "".join(_domain(miss.host).split("-")):
        return "subdomain"
    flat = label.replace("-", "")
    if not own or own not in flat:
        return "unrelated"
    rest = flat.replace(own, "", 1)
    if rest in landscapes or any(len(word) >= 4 and word in rest for word in landscapes):
        return "name-landscape"
    return "name-code" if len(rest) <= 3 else "name-word"


def _domain(host: str) -> str:
    return url_domain(f"https://{host}/")


@dataclass(slots=True)
class Recall:
    """Candidate recall over the units whose website is known, per list and per naming rule.

    A unit's fallback tier counts as tried when its first tier misses the known site: that is
    when discovery escalates, unless the first tier verifies another site of the unit's own."""

    landscapes: frozenset[str] = frozenset()  # the rivers and landscapes Destatis' names carry
    misses: list[Miss] = field(default_factory=list)
    units: int = 0
    first_hits: int = 0  # found by the first tier
    host_hits: int = 0  # found by either tier
    domain_hits: int = 0
    per_unit: list[int] = field(default_factory=list)  # first-tier candidates
    fallback_per_unit: list[int] = field(default_factory=list)  # of the escalated units
    lists: dict[str, list[int]] = field(default_factory=dict)  # list -> [units, hits]
    rule_hits: Counter[str] = field(default_factory=Counter)  # the first rule that found it
    rule_candidates: Counter[str] = field(default_factory=Counter)
    rule_only: Counter[str] = field(default_factory=Counter)  # no other rule finds it

    def count(
        self, key: str, url: str, made: list[Candidate], body: Body, verband_id: str = ""
    ) -> None:
        """Score one unit's candidates against its known site."""
        self.units += 1
        first = [c for c in made if not c.fallback]
        self.per_unit.append(len(first))
        host = site_host(url)
        found = next((c.rule for c in first if site_host(c.url) == host), None)
        self.first_hits += found is not None
        tried = first
        if found is None:
            tried = made
            fallback = [c for c in made if c.fallback]
            self.fallback_per_unit.append(len(fallback))
            found = next((c.rule for c in fallback if site_host(c.url) == host), None)
        self.host_hits += found is not None
        self.domain_hits += url_domain(url) in {url_domain(c.url) for c in made}
        tally = self.lists.setdefault(LISTS.get(key[:2], MUNICIPAL_LIST), [0, 0])
        tally[0] += 1
        tally[1] += found is not None
        self.rule_candidates.update(c.rule for c in tried)
        if found is not None:
            self.rule_hits[found] += 1
        else:
            self.misses.append(
                Miss(
                    LISTS.get(key[:2], MUNICIPAL_LIST),
                    body.name,
                    verband_id,
                    body.verband_name,
                    host,
                    frozenset(site_host(c.url) for c in made),
                )
            )
        finders = [
            rule.name
            for rule, hosts in hosts_by_rule(body).items()
            if host in {site_host(f"https://{generated}/") for generated in hosts}
        ]
        if len(finders) == 1:
            self.rule_only[finders[0]] += 1

    def lines(self) -> list[str]:
        """Markdown lines of the figures."""
        escalated = len(self.fallback_per_unit)
        lines = [
            f"- units with a known website: {self.units}",
            f"- candidate recall, same host (without www.): {self.host_hits / self.units:.3f}"
            f" ({self.host_hits}); first tier alone {self.first_hits / self.units:.3f}"
            f" ({self.first_hits})",
            f"- candidate recall, same registrable domain: {self.domain_hits / self.units:.3f}"
            f" ({self.domain_hits})",
            f"- first-tier candidates per unit: mean {statistics.mean(self.per_unit):.1f}, "
            f"median {statistics.median(self.per_unit):.0f}, max {max(self.per_unit)}, "
            f"{sum(n >= MAX_CANDIDATES for n in self.per_unit)} units capped",
            f"- units whose first tier misses the known site (escalated): {escalated}; "
            f"fallback candidates per escalated unit: mean "
            f"{statistics.mean(self.fallback_per_unit or [0]):.1f}, max "
            f"{max(self.fallback_per_unit or [0])}, "
            f"{sum(n >= MAX_FALLBACK for n in self.fallback_per_unit)} units capped",
            "",
            "| list | units | recall |",
            "|---|---|---|",
        ]
        for name, (units, hits) in sorted(self.lists.items()):
            lines.append(f"| {name} | {units} | {hits / units:.3f} ({hits}) |")
        lines += [
            "",
            "| rule | units it finds first | units only it finds | candidates per unit "
            "(fallback: per escalated unit) |",
            "|---|---|---|---|",
        ]
        fallback = {rule.name for rule in RULES if rule.fallback}
        for rule in ("listed", *(rule.name for rule in RULES)):
            made = self.rule_candidates[rule]
            if made:
                over = max(1, escalated) if rule in fallback else self.units
                tier = " (fallback)" if rule in fallback else ""
                lines.append(
                    f"| {rule}{tier} | {self.rule_hits[rule]} | {self.rule_only[rule]} | "
                    f"{made / over:.2f} |"
                )
        return [*lines, "", *self.miss_lines()]

    def miss_lines(self) -> list[str]:
        """The misses by class, per list, with examples."""
        shared = Counter((miss.verband_id, miss.host) for miss in self.misses if miss.verband_id)
        classes: dict[str, list[Miss]] = {name: [] for name in MISS_CLASSES}
        for miss in self.misses:
            classes[miss_class(miss, shared, self.landscapes)].append(miss)
        lists = [MUNICIPAL_LIST, *LISTS.values()]
        lines = [
            f"| class of the {len(self.misses)} misses | units | municipal-websites / Bayern / "
            "Sachsen-Anhalt | examples |",
            "|---|---|---|---|",
        ]
        for name, misses in sorted(classes.items(), key=lambda item: -len(item[1])):
            per_list = " / ".join(str(sum(m.list == each for m in misses)) for each in lists)
            examples = ", ".join(
                f"{m.name.split(',')[0]}: `{m.host}`"
                for m in misses[:: max(1, len(misses) // 3)][:3]
            )
            lines.append(f"| {MISS_CLASSES[name]} | {len(misses)} | {per_list} | {examples} |")
        return lines


def recall(shared: Path, plates: Path | None = None) -> Recall:
    """Candidate recall against every unit of the shared lists whose website is known."""
    units = gazetteer(shared, plates)
    around = neighbourhood(units)
    # All of them, the short ones too ("aar"): Neighbourhood keeps only those of four letters.
    scored = Recall(frozenset(land for unit in units.values() for land in landscape_of(unit.name)))
    for known in seedsources.known_websites(shared):
        unit = units.get(known.key)
        url = normalise_url(known.website)
        if unit is not None and url is not None:
            body = body_of(unit, units, around)
            scored.count(known.key, url, candidates(body), body, unit.verband_id)
    return scored


@dataclass(slots=True)
class MiniWeb:
    """Site folders, a seed list and the truth: which host is each unit's site, if any."""

    root: Path
    seeds: Path
    truth: dict[str, str] = field(default_factory=dict)  # unit id -> true host ("" = none)
    hosts: set[str] = field(default_factory=set)
    cases: dict[str, str] = field(default_factory=dict)

    def host_map(self) -> dict[str, str]:
        """The static host map: the sites on loopback, every other name nonexistent."""
        mapping = {f"*.{tld}": "" for tld in TLD_WILDCARDS}
        mapping.update(dict.fromkeys(sorted(self.hosts), "127.0.0.1"))
        return mapping


def build_miniweb(
    shared: Path, folder: Path, size: int, port: int, plates: Path | None = None
) -> MiniWeb:
    """``size`` Gemeinden sampled evenly from the Gemeindeverzeichnis, with sites and decoys."""
    units = gazetteer(shared, plates)
    gemeinden = [u for u in units.values() if u.kind in ("gemeinde", "stadt")]
    step = max(1, len(gemeinden) // size)
    sample = gemeinden[::step][:size]
    web = MiniWeb(folder / "sites", folder / "seeds.csv")
    related: dict[str, Unit] = {}
    around = neighbourhood(units)
    for number, unit in enumerate(sample):
        _site_case(web, number, unit, (units, around), related, port)
    rows = [row_of(unit) for unit in (*sample, *related.values())]
    with web.seeds.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return web


def _site_case(
    web: MiniWeb,
    number: int,
    unit: Unit,
    gazetteer: tuple[dict[str, Unit], Neighbourhood],
    related: dict[str, Unit],
    port: int,
) -> None:
    units, around = gazetteer
    kreis = units.get(unit.kreis_id)
    verband = units.get(unit.verband_id) if unit.verband_id else None
    parent = units.get(unit.parent_id)
    runner = parent if parent and taxonomy.run_by_parent(unit.kind, parent.kind) else None
    for relation in (kreis, verband, runner):
        if relation is not None and relation.id not in related:
            related[relation.id] = relation
            relation.url = relation.url or f"http://{relation.id}.invalid/"
    own = [c for c in candidates(body_of(unit, units, around)) if c.of == "self" and c.host]
    place, label = place_name(unit.name), _official(unit)
    kreis_name = kreis.name if kreis else "Anderswo"
    case = number % 10
    decoys = own[1:]
    if case == 6 and verband is not None:
        host = f"www.vg-{unit.verband_id}.de"
        verband.url = f"http://{host}:{port}/"  # the list knows the Verband's site
        _page(
            web,
            host,
            f"{verband.kind_label} {place_name(verband.name)}",
            f"Unsere Ortsgemeinden: Ortsgemeinde {place} und weitere. "
            f"{verband.kind_label} {place_name(verband.name)}, {unit.plz} {place}",
        )
        web.truth[unit.id] = host
        web.cases[unit.id] = "verband"
    elif case == 7:
        web.truth[unit.id] = ""
        web.cases[unit.id] = "no site"
        decoys = own
    elif case == 8 and len(own) > 2:
        for candidate in own[::2][:2]:  # two different sites (not www. and bare of one)
            _page(
                web,
                candidate.host,
                f"{label} {place} - Startseite",
                f"{label} {place}, Rathausplatz 1, {unit.plz} {place}. {kreis_name}",
            )
        web.truth[unit.id] = ""
        web.cases[unit.id] = "ambiguous"
        decoys = own[3:]
    elif case == 9 and (later := [c for c in own if c.fallback]):
        # Only the fallback tier names it: discovery must escalate past the first's decoys.
        host = later[0].host
        _page(
            web,
            host,
            f"{label} {place} - Startseite",
            f"{label} {place}, Rathausplatz 1, {unit.plz} {place}. {kreis_name}",
        )
        web.truth[unit.id] = host
        web.cases[unit.id] = "fallback site"
        decoys = [c for c in own if not c.fallback]
    else:
        host = own[number % min(3, len(own))].host
        _page(
            web,
            host,
            f"{label} {place} - Startseite",
            f"Willkommen in der {label} {place}.",
            impressum=f"Herausgeber: {label} {place}, Rathausplatz 1, {unit.plz} {place}. "
            f"Aufsichtsbehörde: {kreis_name}.",
        )
        web.truth[unit.id] = host
        web.cases[unit.id] = "own site"
        decoys = [
            c for c in own if not c.fallback and site_host(c.url) != site_host(f"http://{host}/")
        ]
    _decoys(web, unit, place, decoys)


def _decoys(web: MiniWeb, unit: Unit, place: str, decoys: list[Candidate]) -> None:
    """A parked domain, a tourism business with the postal code, a namesake elsewhere."""
    kinds = ("parked", "tourism", "namesake")
    for kind, candidate in zip(kinds, decoys[-3:], strict=False):
        if kind == "parked":
            _page(web, candidate.host, candidate.host, "Diese Domain steht zum Verkauf.")
        elif kind == "tourism":
            _page(
                web,
                candidate.host,
                f"Urlaub in {place} - Tourismus GmbH",
                f"Ferienwohnungen in {place}. Die Gemeinde {place} lädt ein.",
                impressum=f"{place} Touristik GmbH, Hauptstraße 2, {unit.plz} {place}",
            )
        else:
            _page(
                web,
                candidate.host,
                f"Gemeinde {place} - Startseite",
                f"Gemeinde {place}, Rathausplatz 1, 99999 {place}. Landkreis Anderswo.",
            )


def _official(unit: Unit) -> str:
    return {"Markt": "Markt", "Stadt": "Stadt", "Große Kreisstadt": "Stadt"}.get(
        unit.kind_label, "Gemeinde"
    )


def _page(web: MiniWeb, host: str, title: str, text: str, impressum: str = "") -> None:
    folder = web.root / host
    folder.mkdir(parents=True, exist_ok=True)
    link = '<a href="/impressum/">Impressum</a>' if impressum else ""
    (folder / "index.html").write_text(
        f"<html><head><title>{title}</title></head><body><p>{text}</p>{link}</body></html>",
        encoding="utf-8",
    )
    if impressum:
        (folder / "impressum").mkdir(exist_ok=True)
        (folder / "impressum" / "index.html").write_text(
            f"<html><head><title>Impressum</title></head><body><p>{impressum}</p></body></html>",
            encoding="utf-8",
        )
    web.hosts.add(host)


@contextmanager
def serving(root: Path) -> Iterator[int]:
    """Site folders under ``root``, served by the demo server in a subprocess; yields its port."""
    root.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "crawler.demo.server", "--root", str(root)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        try:
            yield json.loads(server.stdout.readline())["http"]
        finally:
            server.terminate()
            server.wait(timeout=10)


def discover_args(web: MiniWeb, port: int, output: Path) -> list[str]:
    """``govsocial seeds discover`` arguments for the mini-web on ``port``."""
    return [
        "seeds",
        "discover",
        "--seeds",
        str(web.seeds),
        "-o",
        str(output),
        "--allow-private",
        "-s",
        f"GOVSOCIAL_HOSTS={json.dumps(web.host_map())}",
        "-s",
        f"GOVSOCIAL_DISCOVERY_URL=http://{{host}}:{port}/",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "CONCURRENT_REQUESTS=64",
    ]


@dataclass(frozen=True, slots=True)
class Precision:
    """Proposals against the truth of the mini-web."""

    units: int
    proposals: int
    correct: int
    found: int
    with_site: int
    wrong: list[str]

    def lines(self) -> list[str]:
        """Markdown lines of the figures."""
        precision = self.correct / self.proposals if self.proposals else 0.0
        return [
            f"- mini-web units: {self.units} ({self.with_site} with a true site)",
            f"- proposals: {self.proposals}, correct: {self.correct}, precision {precision:.3f}",
            f"- true sites found: {self.found} of {self.with_site}",
            *(f"- wrong: {line}" for line in self.wrong[:10]),
        ]


def score(web: MiniWeb, output: Path) -> Precision:
    """Compare ``seeds discover``'s output with the truth (units of the sample only)."""
    with output.open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle) if row["id"] in web.truth}
    proposals = [row for row in rows.values() if row["url"]]
    correct = [
        r for r in proposals if site_host(r["url"]) == site_host(f"http://{web.truth[r['id']]}/")
    ]
    wrong = [
        f"{r['id']} {r['name']} ({web.cases[r['id']]}): {r['url']} ({r['evidence']})"
        for r in proposals
        if r not in correct
    ]
    with_site = sum(1 for host in web.truth.values() if host)
    return Precision(len(web.truth), len(proposals), len(correct), len(correct), with_site, wrong)


def run(shared: Path, folder: Path, size: int, plates: Path | None = None) -> Precision:
    """Build the mini-web, serve it, discover, and score."""
    output = folder / "proposals.csv"
    with serving(folder / "sites") as port:
        web = build_miniweb(shared, folder, size, port, plates)
        subprocess.run(
            [sys.executable, "-m", "crawler.cli", *discover_args(web, port, output)],
            check=True,
        )
    return score(web, output)
