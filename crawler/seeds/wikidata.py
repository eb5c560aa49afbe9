"""Websites and official accounts from Wikidata, one SPARQL query, matched by official key.

Municipalities carry the AGS (P439), districts the Kreisschlüssel (P440), Verbände and Länder
the Regionalschlüssel (P1388, 9 and 2 digits); items of dissolved bodies (P576) are left out.
Only "truthy" statements (``wdt:``: the preferred rank, else the normal one) are read. A
Kreis's licence plate codes (P395, Kfz-Unterscheidungszeichen) are read too: sites of Kreise and
of their Gemeinden are often named by them (``kreis-rz.de``, ``berg-aw.de``), and the codes are
official data that change with reforms, so they are asked for with the rest, never kept in the
repository. Wikidata's data are CC0.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

from crawler.seeds.sources import Source, SourceError, download
from crawler.seeds.units import ACCOUNT_PROPERTIES
from crawler.seeds.urls import normalise_url

ENDPOINT = "https://query.wikidata.org/sparql"
KEY_LENGTHS = (2, 5, 8, 9)
# A Kfz-Unterscheidungszeichen: one to three letters, umlauts included ("AÖ", "NÖ").
PLATE_CODE = re.compile(r"^[A-ZÄÖÜ]{1,3}$")

QUERY = (
    "SELECT ?item ?key ?website ?plate "
    + " ".join(f"?{platform}" for platform in ACCOUNT_PROPERTIES)
    + """ WHERE {
  { ?item wdt:P439 ?key } UNION { ?item wdt:P440 ?key }
  UNION { ?item wdt:P1388 ?key FILTER(STRLEN(?key) IN (2, 9)) }
  FILTER NOT EXISTS { ?item wdt:P576 ?dissolved }
  OPTIONAL { ?item wdt:P856 ?website }
  OPTIONAL { ?item wdt:P395 ?plate }
"""
    + "".join(
        f"  OPTIONAL {{ ?item wdt:{prop} ?{platform} }}\n"
        for platform, prop in ACCOUNT_PROPERTIES.items()
    )
    + "}"
)


@dataclass(slots=True)
class Facts:
    """What Wikidata knows of the body with one official key."""

    items: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    plates: set[str] = field(default_factory=set)  # licence plate codes, upper case
    accounts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def fetch_facts(source: Source, timeout: float) -> dict[str, Facts]:
    """Run the query against ``source.url`` (a SPARQL endpoint) and read its JSON answer."""
    body = download(
        source,
        timeout,
        data=urllib.parse.urlencode({"query": QUERY}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return parse_answer(source, body)


def parse_answer(source: Source, body: bytes) -> dict[str, Facts]:
    """Facts by official key from a SPARQL JSON answer; SourceError if it is not one or empty."""
    try:
        bindings = json.loads(body)["results"]["bindings"]
        if not isinstance(bindings, list):
            raise TypeError("bindings is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise SourceError(
            f"{source.name}: {source.url} did not answer with SPARQL JSON results ({error})"
        ) from None
    if not bindings:
        raise SourceError(f"{source.name}: the query at {source.url} returned no results")
    facts: dict[str, Facts] = defaultdict(Facts)
    for binding in bindings:
        key = "".join(char for char in _value(binding, "key") if char.isdigit())
        if len(key) not in KEY_LENGTHS:
            continue
        entry = facts[key]
        item = _value(binding, "item").rsplit("/", 1)[-1]
        if item:
            entry.items.add(item)
        website = normalise_url(_value(binding, "website"))
        if website:
            entry.websites.add(website)
        plate = _value(binding, "plate").strip().upper()
        if PLATE_CODE.match(plate):
            entry.plates.add(plate)
        for platform in ACCOUNT_PROPERTIES:
            handle = _value(binding, platform).strip()
            if handle:
                entry.accounts[platform].add(handle)
    if not facts:
        raise SourceError(f"{source.name}: no result of {source.url} carries an official key")
    return dict(facts)


def _value(binding: dict[str, dict[str, str]], name: str) -> str:
    return str(binding.get(name, {}).get("value", ""))
