"""``govsocial seeds build``: the national seed list assembled from its authoritative sources.

Units come from Destatis' Gemeindeverzeichnis, websites and accounts from Wikidata, federal
bodies from the Anschriftenverzeichnis des Bundes and okfn/publicbodies. Every source is read
whole before anything is written; the list, its coverage and its README are written to
temporary files and renamed into place at the end, so a failed build leaves the old files.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from crawler.seeds import coverage, federal, gv, taxonomy, wikidata
from crawler.seeds.files import temporary_beside, write_csv
from crawler.seeds.readme import companion_readme
from crawler.seeds.sources import Source, download
from crawler.seeds.units import COLUMNS, Unit, row_of
from crawler.seeds.urls import preferred, site_host

DEFAULT_OUTPUT = Path("data/seeds/de.csv")
# The quarterly GV100AD extract of the Gemeindeverzeichnis (a ZIP holding GV100AD_<date>.txt).
GV_URL = (
    "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/"
    "Administrativ/Archiv/GV100ADQ/GV100AD4QAktuell.zip?__blob=publicationFile"
)
TIMEOUT = 300.0
WIKIDATA = "wikidata"
VERBAND, SELF = "verband", "self"


@dataclass(slots=True)
class BuildOptions:
    """Where the sources are read and the list is written; every URL can point elsewhere."""

    output: Path = DEFAULT_OUTPUT
    gv_url: str = GV_URL
    wikidata_url: str = wikidata.ENDPOINT
    organigram_url: str = federal.ORGANIGRAM_URL
    publicbodies_url: str = federal.PUBLICBODIES_URL
    federal: bool = True
    timeout: float = TIMEOUT
    min_municipalities: int = gv.MIN_MUNICIPALITIES


@dataclass(slots=True)
class BuildReport:
    """What a build wrote: the files, the units, the coverage rows and what was left out."""

    output: Path
    readme: Path
    coverage_file: Path
    units: int
    coverage: list[dict[str, str]]
    left_out: Counter[str] = field(default_factory=Counter)


def build(options: BuildOptions, say: Callable[[str], None] = lambda _: None) -> BuildReport:
    """Read every source, assemble the list, write it; SourceError stops before any write."""
    retrieved = datetime.now(UTC).replace(microsecond=0)
    gv_source = Source("Destatis Gemeindeverzeichnis", options.gv_url)
    say(f"reading {gv_source.name} from {gv_source.url}")
    records = gv.read_records(gv_source, download(gv_source, options.timeout))
    gazetteer = gv.build_units(gv_source, records, options.min_municipalities)
    wikidata_source = Source("Wikidata", options.wikidata_url)
    say(f"asking {wikidata_source.name} at {wikidata_source.url}")
    facts = wikidata.fetch_facts(wikidata_source, options.timeout)
    left_out = Counter(gazetteer.left_out)
    left_out.update(apply_wikidata(gazetteer.units, facts))
    units = gazetteer.units
    sources = [gv_source, wikidata_source]
    if options.federal:
        organigram = Source("Anschriftenverzeichnis des Bundes", options.organigram_url)
        publicbodies = Source("okfn/publicbodies", options.publicbodies_url)
        say(f"reading the federal bodies from {organigram.url} and {publicbodies.url}")
        units = units + federal.merge_federal(
            federal.organigram_units(organigram, download(organigram, options.timeout)),
            federal.publicbodies_units(publicbodies, download(publicbodies, options.timeout)),
        )
        sources += [organigram, publicbodies]
    units.sort(key=lambda unit: unit.id)
    rows = coverage.coverage_rows(units)
    return write_outputs(options.output, units, rows, sources, retrieved, left_out)


def apply_wikidata(units: list[Unit], facts: dict[str, wikidata.Facts]) -> Counter[str]:
    """Each unit's Wikidata item, website and accounts; returns how many websites were set aside.

    Rules: a Gemeinde whose site is its Verband's (the same host as the Verband's site, or one
    host shared by two or more Gemeinden of one Verband) is ``website_of = verband``; a Gemeinde
    without a site of its own gets its Verband's; a Gemeinde whose site is its Kreis's is left
    without one (it is not the Gemeinde's, and discovery may find the right one). A Gemeinde run
    by an erfüllende Gemeinde is treated as of a Verband, its erfüllende Gemeinde's site as the
    Verband's.
    """
    runs = administrators(units)
    own: dict[str, str] = {}
    for unit in units:
        entry = facts.get(unit.id)
        if entry is None:
            continue
        unit.wikidata = min(entry.items, key=lambda item: (len(item), item), default="")
        unit.accounts = {platform: " ".join(sorted(v)) for platform, v in entry.accounts.items()}
        if unit.kind == taxonomy.LANDKREIS:
            unit.plate_codes = " ".join(sorted(entry.plates))
        url = preferred(entry.websites)
        if url:
            own[unit.id] = url
    members: dict[tuple[str, str], int] = defaultdict(int)
    for unit in units:
        if unit.id in runs and unit.id in own:
            members[(runs[unit.id], site_host(own[unit.id]))] += 1
    set_aside: Counter[str] = Counter()
    for unit in units:
        url = own.get(unit.id)
        runner = runs.get(unit.id, "")
        verband_url = own.get(runner) if runner else None
        kreis_url = own.get(unit.kreis_id) if unit.kreis_id else None
        if (
            url
            and kreis_url
            and unit.kind in (*taxonomy.MUNICIPAL, taxonomy.VERBAND)
            and (site_host(url) == site_host(kreis_url))
        ):
            set_aside["website of the Kreis given for a Gemeinde or Verband"] += 1
            url = None
        if url:
            shared = verband_url is not None and site_host(url) == site_host(verband_url)
            shared = shared or members[(runner, site_host(url))] > 1
            _set(unit, url, VERBAND if runner and shared else SELF)
        elif verband_url:
            _set(unit, verband_url, VERBAND)
    return set_aside


def administrators(units: list[Unit]) -> dict[str, str]:
    """Who runs each administered Gemeinde: its Verband, or the erfüllende Gemeinde it names.

    A Gemeinde whose ``parent_id`` is another Gemeinde is run by it (gv.py sets that parent only
    for the members of an erfüllende Gemeinde).
    """
    kinds = {unit.id: unit.kind for unit in units}
    runs = {unit.id: unit.verband_id for unit in units if unit.verband_id}
    runs.update(
        (unit.id, unit.parent_id)
        for unit in units
        if taxonomy.run_by_parent(unit.kind, kinds.get(unit.parent_id))
    )
    return runs


def _set(unit: Unit, url: str, of: str) -> None:
    unit.url, unit.website_source, unit.website_of = url, WIKIDATA, of


def write_outputs(
    output: Path,
    units: list[Unit],
    rows: list[dict[str, str]],
    sources: list[Source],
    retrieved: datetime,
    left_out: Counter[str],
) -> BuildReport:
    """The list, ``<name>.coverage.csv`` and ``<name>.README.md``, each renamed into place."""
    readme = output.with_name(output.stem + ".README.md")
    coverage_file = output.with_name(output.stem + ".coverage.csv")
    contents: list[tuple[Path, Callable[[TextIO], object]]] = [
        (output, lambda handle: write_csv(handle, COLUMNS, map(row_of, units))),
        (coverage_file, lambda handle: write_csv(handle, coverage.COLUMNS, rows)),
        (
            readme,
            lambda handle: handle.write(
                companion_readme(output.name, sources, retrieved, rows, left_out)
            ),
        ),
    ]
    written: list[tuple[Path, Path]] = []
    try:
        for target, write in contents:
            written.append((temporary_beside(target, write), target))
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in written:
        os.replace(temporary, target)
    return BuildReport(output, readme, coverage_file, len(units), rows, left_out)
