"""Federal bodies: the Anschriftenverzeichnis des Bundes (as kept by German Organigram) and the
OKF's publicbodies list, merged by name.

German Organigram (datenlabor-bmz/german-organigram) keeps the BVA's Anschriftenverzeichnis des
Bundes with Wikidata ids, one row per address; okfn/publicbodies ``data/de.csv`` (ODC-PDDL-1.0,
last changed 2021) adds bodies the first lacks. Both are read from their repositories at run time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from crawler.seeds import taxonomy
from crawler.seeds.sources import Source, SourceError, text_of
from crawler.seeds.units import Unit
from crawler.seeds.urls import normalise_url

ORGANIGRAM_URL = (
    "https://raw.githubusercontent.com/datenlabor-bmz/german-organigram/main/public/"
    "anschriftenverzeichnis.json"
)
PUBLICBODIES_URL = "https://raw.githubusercontent.com/okfn/publicbodies/master/data/de.csv"
PUBLICBODIES_COLUMNS = ("id", "name", "url", "classification")
STATE = "Bund"
SOURCE_ORGANIGRAM = "organigram"
SOURCE_PUBLICBODIES = "publicbodies"


def organigram_units(source: Source, body: bytes) -> list[Unit]:
    """One unit per OrganisationId of the Anschriftenverzeichnis JSON."""
    try:
        rows = json.loads(text_of(source, body))
    except ValueError as error:
        raise SourceError(f"{source.name}: {source.url} is not JSON ({error})") from None
    if not isinstance(rows, list):
        raise SourceError(f"{source.name}: {source.url} is not a list of organisations")
    # One row per address; the organisation's name is on its main address row only.
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if isinstance(row, dict) and "OrganisationId" in row:  # the list opens with a note
            by_id.setdefault(str(row["OrganisationId"]), []).append(row)
    units = []
    for organisation, addresses in by_id.items():
        named = [row for row in addresses if str(row.get("Organisation") or "").strip()]
        if not named:
            continue  # addresses of an organisation the list does not name
        main = named[0]
        unit = _federal_unit(
            f"bund-av-{organisation}", main["Organisation"], str(main.get("Kategorie") or "")
        )
        unit.plz = str(main.get("PLZ") or "").strip()
        unit.wikidata = str(main.get("Wikidata ID") or "").strip()
        for row in (main, *addresses):
            _set_website(unit, str(row.get("Internetadresse") or ""), SOURCE_ORGANIGRAM)
        units.append(unit)
    if not units:
        raise SourceError(f"{source.name}: {source.url} lists no organisation")
    return units


def publicbodies_units(source: Source, body: bytes) -> list[Unit]:
    """One unit per row of okfn/publicbodies' ``de.csv``."""
    reader = csv.DictReader(io.StringIO(text_of(source, body), newline=""))
    missing = [column for column in PUBLICBODIES_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(f"{source.name}: {source.url} lacks the column(s) {', '.join(missing)}")
    units = []
    for row in reader:
        if None in row or not (row.get("id") or "").strip() or not (row.get("name") or "").strip():
            raise SourceError(f"{source.name}: line {reader.line_num} of {source.url} is broken")
        unit = _federal_unit(_publicbodies_id(row["id"]), row["name"], row["classification"] or "")
        parent = (row.get("parent_id") or "").strip()
        unit.parent_id = _publicbodies_id(parent) if parent else ""
        _set_website(unit, row.get("url") or "", SOURCE_PUBLICBODIES)
        units.append(unit)
    if not units:
        raise SourceError(f"{source.name}: {source.url} lists no body")
    return units


def merge_federal(first: Iterable[Unit], second: Iterable[Unit]) -> list[Unit]:
    """``first``, then each body of ``second`` whose name is not in ``first``."""
    merged = list(first)
    names = {_name_key(unit.name) for unit in merged}
    ids = {unit.id for unit in merged}
    for unit in second:
        if _name_key(unit.name) not in names and unit.id not in ids:
            merged.append(unit)
            names.add(_name_key(unit.name))
            ids.add(unit.id)
    known = {unit.id for unit in merged}
    for unit in merged:
        if unit.parent_id not in known:
            unit.parent_id = ""
    return merged


def _federal_unit(unit_id: str, name: str, category: str) -> Unit:
    return Unit(
        unit_id,
        " ".join(name.split()),
        taxonomy.federal_kind(category),
        category.strip(),
        STATE,
        "",
    )


def _set_website(unit: Unit, value: str, source: str) -> None:
    url = normalise_url(value)
    if url and not unit.url:
        unit.url, unit.website_source, unit.website_of = url, source, "self"


def _publicbodies_id(value: str) -> str:
    return "bund-" + value.strip().removeprefix("de/")


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())
