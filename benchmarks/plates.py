"""Licence plate codes of the Landkreise, for measuring the plate rules of website discovery.

``seeds build`` takes each Landkreis's codes from Wikidata (P395); ../shared holds no such list,
so the recall measurement reads one given on the command line: ``unterscheidungszeichen.json`` of
github.com/MarkTiedemann/unterscheidungszeichen (CC0, assembled from Wikipedia's list of German
licence plate codes). Its entries name the Kreise in words ("Landkreis Dillingen an der Donau",
"Main-Kinzig-Kreis ohne die Stadt Hanau"); they are matched to the Gazetteer's Landkreise by name
within their Land. Without the file the plate rules have no codes and find nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crawler.seeds.candidates import fold_words, name_forms
from crawler.seeds.units import Unit

KREIS_WORD = re.compile(r"^(landkreis|kreis|region|regionalverband|staedteregion)\s+")
# The entries that name a Kreis (others name a city, a Land's government, the Bundeswehr, ...).
NAMES_A_KREIS = re.compile(r"^(Landkreis|Kreis|Regionalverband|Städteregion|Region)\b|[Kk]reis$")


def _keys(name: str) -> set[str]:
    forms = {*name_forms(name), fold_words(name)}
    return {KREIS_WORD.sub("", form).replace(" ", "") for form in forms}


def assign_plate_codes(path: Path, units: dict[str, Unit]) -> int:
    """Set ``plate_codes`` on the Landkreise ``path`` names unambiguously; returns how many."""
    states = {unit.state: unit.state_code for unit in units.values() if unit.state}
    by_key: dict[tuple[str, str], set[str]] = {}
    for unit in units.values():
        if unit.kind == "landkreis":
            for key in _keys(unit.name):
                by_key.setdefault((unit.state_code, key), set()).add(unit.id)
    codes: dict[str, list[str]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        state = states.get(entry["Bundesland"], "")
        for place in entry["Stadt_Landkreis_oder_Erklärung"]:
            whole = re.sub(r"\s+ohne (die|den) .*$", "", place)
            for part in re.split(r"\s+und\s+", whole):
                if not NAMES_A_KREIS.search(part):
                    continue
                ids = set().union(*(by_key.get((state, key), set()) for key in _keys(part)))
                if len(ids) == 1:
                    codes.setdefault(ids.pop(), []).append(entry["Zeichen"])
    for kreis, found in codes.items():
        units[kreis].plate_codes = " ".join(sorted(set(found)))
    return len(codes)
