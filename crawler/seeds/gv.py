"""Destatis' Gemeindeverzeichnis (GV-ISys): every Land, Kreis, Gemeindeverband and Gemeinde.

Two published layouts are read, told apart by their first bytes:

- GV100AD, the fixed-width text file of the quarterly "GV100AD" ZIP (or the text file itself),
  parsed by gv100ad-py (openpotato, MIT), a maintained reader of exactly that record layout;
- the quarterly extract ("Auszug GV") saved as CSV with the record layout as columns (satzart,
  textkennzeichen, land, rb, kreis, vb, gemeinde, gemeindename, ..., bevoelkerung,
  postleitzahl). No parser exists for it; the columns are checked by name.

Both give the same records; a changed or cut layout stops the build with the record it failed on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from gv100ad import (
    District,
    FederalState,
    GV100ADReader,
    MunicipalAssociation,
    Municipality,
)

from crawler.seeds import taxonomy
from crawler.seeds.sources import Source, SourceError, text_of
from crawler.seeds.units import Unit

AUSZUG_COLUMNS = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "bevoelkerung",
    "postleitzahl",
)
LAENDER = 16
# Germany had 10,786 Gemeinden in 2025 and loses a few dozen a year to mergers; far fewer
# means the file was cut at a record boundary.
MIN_MUNICIPALITIES = 9000


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the Gemeindeverzeichnis, whichever layout it came in."""

    satzart: str
    kennzeichen: str
    land: str
    rb: str = ""
    kreis: str = ""
    vb: str = ""
    gemeinde: str = ""
    name: str = ""
    population: int | None = None
    plz: str = ""

    @property
    def kreis_key(self) -> str:
        """Land, Regierungsbezirk, Kreis: the 5-digit Kreisschlüssel."""
        return self.land + self.rb + self.kreis

    @property
    def verband_key(self) -> str:
        """Kreisschlüssel and Verband: the 9-digit key of a Gemeindeverband (its ARS)."""
        return self.kreis_key + self.vb

    @property
    def ags(self) -> str:
        """Kreisschlüssel and Gemeinde: the 8-digit Amtlicher Gemeindeschlüssel."""
        return self.kreis_key + self.gemeinde


def read_records(source: Source, body: bytes) -> list[Record]:
    """The records of a GV100AD ZIP, GV100AD text or Auszug CSV; SourceError otherwise."""
    if body.startswith(b"PK"):
        return list(_gv100ad(source, _unzipped(source, body)))
    text = text_of(source, body)
    if text[:2].isdigit():
        return list(_gv100ad(source, text))
    return list(_auszug(source, text))


def _unzipped(source: Source, body: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = [
                name
                for name in archive.namelist()
                if name.upper().rsplit("/", 1)[-1].startswith("GV100AD")
                and name.lower().endswith((".txt", ".asc"))
            ]
            if not names:
                raise SourceError(f"{source.name}: the ZIP at {source.url} holds no GV100AD text")
            data = archive.read(names[0])
    except (zipfile.BadZipFile, EOFError) as error:
        raise SourceError(f"{source.name}: {source.url} is a broken ZIP ({error})") from None
    return text_of(source, data)


def _gv100ad(source: Source, text: str) -> Iterator[Record]:
    reader = GV100ADReader(io.StringIO(text)).read()
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except (ValueError, IndexError) as error:
            raise SourceError(
                f"{source.name}: record {number} of {source.url} does not have the GV100AD "
                f"layout ({error})"
            ) from None
        converted = _from_gv100ad(record)
        if converted is not None:
            yield converted


def _from_gv100ad(record: object) -> Record | None:
    if isinstance(record, FederalState):
        return Record("10", "", record.regional_code, name=record.name)
    if isinstance(record, District):
        code = record.regional_code
        return Record("40", str(record.type.value), code[:2], code[2], code[3:5], name=record.name)
    if isinstance(record, MunicipalAssociation):
        code = record.regional_code
        return Record(
            "50",
            str(record.type.value),
            code[:2],
            code[2],
            code[3:5],
            record.association,
            name=record.name,
        )
    if isinstance(record, Municipality):
        code = record.regional_code
        return Record(
            "60",
            str(record.type.value),
            code[:2],
            code[2],
            code[3:5],
            record.association,
            code[5:8],
            record.name,
            record.inhabitants,
            record.postal_code,
        )
    return None  # Regierungsbezirke and Regionen are no bodies of their own here


def _auszug(source: Source, text: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in AUSZUG_COLUMNS if column not in header]
    if missing:
        raise SourceError(
            f"{source.name}: {source.url} is neither GV100AD nor the Auszug CSV layout "
            f"(missing columns: {', '.join(missing)})"
        )
    reader.fieldnames = header
    for row in reader:
        if None in row or any(row.get(column) is None for column in AUSZUG_COLUMNS):
            raise SourceError(
                f"{source.name}: line {reader.line_num} of {source.url} has "
                f"{'more' if None in row else 'fewer'} fields than the header"
            )
        values = {key: (value or "").strip() for key, value in row.items()}
        if values["satzart"] not in ("10", "40", "50", "60"):
            continue
        population = values["bevoelkerung"].replace(" ", "").replace(".", "")
        if population and not population.isdigit():
            raise SourceError(
                f"{source.name}: line {reader.line_num} of {source.url}: population "
                f"{values['bevoelkerung']!r} is not a number"
            )
        yield Record(
            values["satzart"],
            values["textkennzeichen"],
            values["land"],
            values["rb"],
            values["kreis"],
            values["vb"],
            values["gemeinde"],
            values["gemeindename"],
            int(population) if population else None,
            values["postleitzahl"],
        )


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The units of the Gemeindeverzeichnis, and what was left out (gemeindefreie Gebiete)."""

    units: list[Unit]
    left_out: Counter[str]


def build_units(source: Source, records: list[Record], min_municipalities: int) -> Gazetteer:
    """Länder, Landkreise, Verbände and Gemeinden, each once, with their parents.

    Kreisfreie Städte are listed once, as Gemeinde (the Kreis record names the same body);
    Berlin and Hamburg once, as ``stadtstaat`` (Land, Kreis and Gemeinde at once).
    """
    laender = {r.land: r.name for r in records if r.satzart == "10"}
    kreise = {r.kreis_key: r for r in records if r.satzart == "40"}
    verbaende = {
        r.verband_key: r
        for r in records
        if r.satzart == "50" and r.kennzeichen in taxonomy.VERBAND_LABELS
    }
    gemeinden = [r for r in records if r.satzart == "60"]
    _check_complete(source, laender, gemeinden, min_municipalities)
    city_states = {r.land for r in gemeinden if r.ags == r.land + "000000"}
    left_out: Counter[str] = Counter()
    administered, unnamed = administering_gemeinden(records)
    if unnamed:
        left_out[UNNAMED_ERFUELLENDE] += unnamed

    units = [
        Unit(code, name, taxonomy.LAND, "Land", name, code)
        for code, name in laender.items()
        if code not in city_states
    ]
    for key, record in kreise.items():
        if record.kennzeichen in taxonomy.KREISFREI:
            continue
        label = taxonomy.KREIS_LABELS.get(record.kennzeichen, record.kennzeichen)
        units.append(
            Unit(
                key,
                record.name,
                taxonomy.LANDKREIS,
                label,
                laender[record.land],
                record.land,
                parent_id=record.land,
            )
        )
    for key, record in verbaende.items():
        units.append(
            Unit(
                key,
                record.name,
                taxonomy.VERBAND,
                taxonomy.VERBAND_LABELS[record.kennzeichen],
                laender[record.land],
                record.land,
                parent_id=_kreis_or_land(record, kreise),
                kreis_id=_kreis_id(record, kreise),
            )
        )
    for record in gemeinden:
        if record.kennzeichen in taxonomy.GEMEINDEFREI:
            left_out["gemeindefreies Gebiet"] += 1
            continue
        unit = _gemeinde(source, record, laender, kreise, verbaende, city_states)
        # An administered member's parent is the Gemeinde that runs it, not its Kreis.
        unit.parent_id = administered.get(unit.id, unit.parent_id)
        units.append(unit)
    return Gazetteer(units, left_out)


UNNAMED_ERFUELLENDE = (
    "erfüllende Gemeinde (Textkennzeichen 58) whose name no member bears; its members keep "
    "their Kreis as parent"
)


def administering_gemeinden(records: list[Record]) -> tuple[dict[str, str], int]:
    """Each administered Gemeinde's erfüllende Gemeinde (AGS -> AGS), and the records naming none.

    Destatis writes the relation as a Gemeindeverband record (Satzart 50, Textkennzeichen 58)
    that bears the name of the member doing the administration; the other Gemeinden under its
    key are run from there. Verbandsfreie Gemeinden (50) and Verwaltungsgemeinschaften (54)
    named like a member are no such relation.
    """
    erfuellende = {
        r.verband_key: r.name
        for r in records
        if r.satzart == "50" and r.kennzeichen == taxonomy.ERFUELLENDE_GEMEINDE
    }
    members: dict[str, list[Record]] = {}
    for record in records:
        if record.satzart == "60" and record.verband_key in erfuellende:
            members.setdefault(record.verband_key, []).append(record)
    administered: dict[str, str] = {}
    unnamed = 0
    for key, name in erfuellende.items():
        group = members.get(key, [])
        named = [member.ags for member in group if member.name == name]
        if len(named) != 1:
            unnamed += 1
            continue
        administered.update({m.ags: named[0] for m in group if m.ags != named[0]})
    return administered, unnamed


def _check_complete(
    source: Source, laender: dict[str, str], gemeinden: list[Record], minimum: int
) -> None:
    if len(laender) != LAENDER:
        raise SourceError(
            f"{source.name}: {source.url} lists {len(laender)} Länder, not {LAENDER} "
            "(a cut or changed file)"
        )
    without = sorted(set(laender) - {r.land for r in gemeinden})
    if without:
        raise SourceError(
            f"{source.name}: {source.url} lists no Gemeinde in Land {', '.join(without)} "
            "(a cut file)"
        )
    if len(gemeinden) < minimum:
        raise SourceError(
            f"{source.name}: {source.url} lists {len(gemeinden)} Gemeinden, fewer than "
            f"{minimum} (a cut file? --min-municipalities sets the bound)"
        )


def _kreis_id(record: Record, kreise: dict[str, Record]) -> str:
    kreis = kreise.get(record.kreis_key)
    return record.kreis_key if kreis and kreis.kennzeichen not in taxonomy.KREISFREI else ""


def _kreis_or_land(record: Record, kreise: dict[str, Record]) -> str:
    return _kreis_id(record, kreise) or record.land


def _gemeinde(
    source: Source,
    record: Record,
    laender: dict[str, str],
    kreise: dict[str, Record],
    verbaende: dict[str, Record],
    city_states: set[str],
) -> Unit:
    ags = record.ags
    if len(ags) != 8 or not ags.isdigit():
        raise SourceError(f"{source.name}: {record.name!r} has no 8-digit AGS ({ags!r})")
    if record.land in city_states and ags == record.land + "000000":
        kind, label, parent = taxonomy.STADTSTAAT, "Land; Kreisfreie Stadt", ""
    else:
        kind, label = taxonomy.GEMEINDE_KINDS.get(
            record.kennzeichen, (taxonomy.GEMEINDE, record.kennzeichen)
        )
        verband = record.verband_key if record.verband_key in verbaende else ""
        parent = verband or _kreis_or_land(record, kreise)
    return Unit(
        ags,
        record.name,
        kind,
        label,
        laender[record.land],
        record.land,
        parent_id=parent,
        population=record.population,
        plz=record.plz,
        kreis_id=_kreis_id(record, kreise),
        verband_id=record.verband_key if record.verband_key in verbaende else "",
    )
