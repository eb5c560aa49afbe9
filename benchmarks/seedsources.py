"""The seed sources' answers, built from ../shared/seeds/de at run time (nothing of them is kept).

- the Destatis Auszug CSV as it is, and the same records written in the GV100AD fixed-width
  layout (what Destatis' ZIP holds);
- a SPARQL JSON answer as Wikidata's endpoint would give it, from the municipal websites list
  (AGS and Kreisschlüssel) and the OKF DE lists of Bayern and Sachsen-Anhalt (Wikidata item and
  name, matched to an AGS by name and Landkreis in the Gemeindeverzeichnis).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

DE = Path("seeds") / "de"
AUSZUG = DE / "destatis_AuszugGV4QAktuell_raw.csv"
MUNICIPAL = DE / "municipal-websites" / "de_municipal_websites_excl_BY_ST.csv"
OKFDE = {
    "09": DE / "okfde_bayern_gemeinden_verwaltungen.json",
    "15": DE / "okfde_sachsen-anhalt_gemeinden_verwaltungen.json",
}
STAND = "20241231"


def auszug_rows(shared: Path) -> list[dict[str, str]]:
    """The Auszug CSV's rows."""
    with (shared / AUSZUG).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def gv100ad_text(shared: Path) -> str:
    """The Auszug's records in the GV100AD layout (Satzart 10, 20, 40, 50, 60)."""
    lines = []
    for row in auszug_rows(shared):
        satzart = row["satzart"]
        key = row["land"] + row["rb"] + row["kreis"]
        if satzart == "60":
            key = key + row["gemeinde"]
        line = [" "] * 220
        _put(line, 0, satzart)
        _put(line, 2, STAND)
        _put(line, 10, key)
        if satzart in ("50", "60"):
            _put(line, 18, row["vb"])
        _put(line, 22, row["gemeindename"][:50])
        _put(line, 122, row["textkennzeichen"])
        if satzart == "60":
            hectares = round(float(row["flaeche"].strip() or 0) * 100)
            _put(line, 128, f"{hectares:>11}")
            _put(line, 139, f"{_number(row['bevoelkerung']):>11}")
            _put(line, 150, f"{_number(row['maennlich']):>11}")
            _put(line, 165, row["postleitzahl"])
        lines.append("".join(line).rstrip())
    return "\r\n".join(lines) + "\r\n"


def gv100ad_zip(shared: Path) -> bytes:
    """A ZIP as Destatis publishes it: the text file and a description next to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Datensatzbeschreibung_GV100AD.txt", "Satzart ...")
        archive.writestr(f"GV100AD_{STAND[6:]}{STAND[4:6]}{STAND[:4]}.txt", gv100ad_text(shared))
    return buffer.getvalue()


def _put(line: list[str], start: int, value: str) -> None:
    line[start : start + len(value)] = list(value)


def _number(value: str) -> int:
    digits = value.replace(" ", "")
    return int(digits) if digits else 0


@dataclass(frozen=True, slots=True)
class Known:
    """A unit whose website one of the shared lists knows."""

    key: str
    website: str
    item: str = ""


def fold(name: str) -> str:
    """A name for matching: before its first comma, lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", name.split(",", maxsplit=1)[0].casefold())


def known_websites(shared: Path) -> list[Known]:
    """Every unit of the shared lists with a website, keyed by AGS (8) or Kreisschlüssel (5)."""
    known = []
    with (shared / MUNICIPAL).open(encoding="utf-8", newline="") as handle:
        known += [Known(row["ags"], row["website"]) for row in csv.DictReader(handle)]
    rows = auszug_rows(shared)
    kreise = {
        r["land"] + r["rb"] + r["kreis"]: fold(r["gemeindename"])
        for r in rows
        if r["satzart"] == "40"
    }
    for land, path in OKFDE.items():
        by_name: dict[str, list[tuple[str, str]]] = {}
        for r in rows:
            if r["satzart"] == "60" and r["land"] == land:
                ags = r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]
                by_name.setdefault(fold(r["gemeindename"]), []).append((ags, kreise[ags[:5]]))
        for entry in json.loads((shared / path).read_text(encoding="utf-8")):
            if not entry.get("website"):
                continue
            candidates = by_name.get(fold(entry["name"]), [])
            kreis = fold(str(entry.get("landkreis", "")).removeprefix("Landkreis "))
            if len(candidates) > 1:
                candidates = [c for c in candidates if kreis and kreis in c[1]]
            if len(candidates) == 1:
                known.append(Known(candidates[0][0], entry["website"], entry.get("item", "")))
    return known


def sparql_answer(known: list[Known]) -> bytes:
    """A SPARQL JSON answer with one binding per known website (P439 / P440 as the key)."""
    bindings = []
    for number, unit in enumerate(known):
        item = unit.item or f"Q{900000000 + number}"
        bindings.append(
            {
                "item": {"type": "uri", "value": f"http://www.wikidata.org/entity/{item}"},
                "key": {"type": "literal", "value": unit.key},
                "website": {"type": "uri", "value": unit.website},
            }
        )
    head = {"vars": ["item", "key", "website", "facebook", "x", "instagram", "mastodon", "youtube"]}
    return json.dumps({"head": head, "results": {"bindings": bindings}}).encode()
