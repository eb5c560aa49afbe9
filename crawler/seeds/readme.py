"""The companion README ``seeds build`` writes next to the list: sources, licences, rules."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from crawler.seeds import taxonomy
from crawler.seeds.coverage import as_table
from crawler.seeds.sources import Source
from crawler.seeds.units import COLUMNS

#: Attribution per source, by the name the build gives it (licences as in ../shared/DATASETS.tsv).
ATTRIBUTION = {
    "Destatis Gemeindeverzeichnis": (
        "Gemeindeverzeichnis-Informationssystem GV-ISys, © Statistisches Bundesamt (Destatis), "
        "{year}; Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0, "
        "https://www.govdata.de/dl-de/by-2-0). Changed: units selected, merged and reshaped "
        "as described below."
    ),
    "Wikidata": (
        "Websites (P856) and accounts (P2013, P2002, P2003, P4033, P2397) from Wikidata, "
        "by the Wikidata contributors; CC0 1.0 (public domain dedication)."
    ),
    "Anschriftenverzeichnis des Bundes": (
        "Federal bodies from the Anschriftenverzeichnis des Bundes (Bundesverwaltungsamt) as "
        "kept by datenlabor-bmz/german-organigram, with Wikidata ids (CC0); the repository "
        "states no licence: check its terms before redistributing rows taken from it."
    ),
    "okfn/publicbodies": (
        "Federal bodies from okfn/publicbodies (Open Knowledge Foundation), data under the "
        "Open Data Commons Public Domain Dedication and License (ODC-PDDL-1.0)."
    ),
}

RULES = """\
- Units: every Land, Kreis, Gemeindeverband and Gemeinde of the Gemeindeverzeichnis, once.
  Kreisfreie Städte appear there as Kreis and as Gemeinde: listed once, as `kreisfreie_stadt`
  with the 8-digit AGS. Berlin and Hamburg appear as Land, Kreis and Gemeinde: listed once, as
  `stadtstaat` with the 8-digit AGS (Bremen keeps its Land row: its two cities are Gemeinden).
- Gemeindefreie Gebiete (Textkennzeichen 65, 66) have no administration: left out.
- Gemeindeverbände are listed when they are bodies of their own (Amt, Samtgemeinde,
  Verbandsgemeinde, Verwaltungsgemeinschaft, Kirchspielslandgemeinde, Verwaltungsverband), with
  the 9-digit key Land+RB+Kreis+Verband; an erfüllende Gemeinde or a Verwaltungsgemeinschaft of
  the Trägermodell is run by a member Gemeinde, which is listed as itself.
- Erfüllende Gemeinden (Thüringen): Destatis writes one as a Gemeindeverband record with
  Textkennzeichen 58 bearing the name of the member Gemeinde that administers the others; the
  other Gemeinden under its key get that Gemeinde's AGS as `parent_id` (and no `verband_id`). A
  Gemeinde whose `parent_id` is a Gemeinde is run by it. A record of this kind whose name no member
  bears relates nobody (counted below).
- `parent_id`: a Gemeinde's Verband, else its erfüllende Gemeinde, else its Kreis, else its Land;
  a Verband's or Landkreis's Kreis or Land. `kreis_id` and `verband_id` name the Kreis and
  Verband where there is one.
- Ids: Land 2 digits, Landkreis 5, Gemeinde 8 (AGS), Verband 9; federal bodies `bund-…`.
- Websites: Wikidata's truthy P856 of the item with the unit's key (AGS P439, Kreisschlüssel
  P440, Regionalschlüssel P1388); items of dissolved bodies (P576) are not read. Of several,
  https first, then the shortest.
- URLs: white space trimmed; `https://` added where the scheme is missing; only http(s); host
  lower-cased; default port, user info and fragment dropped; an empty path becomes `/`. A value
  on Facebook, X, Instagram, YouTube, LinkedIn, Wikipedia or Wikidata is no website (the
  accounts have their own columns).
- `website_of`: `verband` where a Gemeinde's site is its Verband's (the same host as the
  Verband's site, or one host given for two or more Gemeinden of the same Verband), and where a
  Gemeinde without a site of its own is given its Verband's; an erfüllende Gemeinde's site counts
  as its members' Verband site. `self` otherwise. Two units sharing a Verband site are valid rows.
- A Gemeinde or Verband whose site is its Kreis's site is left without a website.
- Federal bodies: one per organisation of the Anschriftenverzeichnis (its first address row
  with a website), then the bodies of okfn/publicbodies whose name it lacks.
"""


def companion_readme(
    list_name: str,
    sources: list[Source],
    retrieved: datetime,
    rows: list[dict[str, str]],
    left_out: Counter[str],
) -> str:
    """The README's text."""
    year = retrieved.year
    source_lines = "\n".join(
        f"- **{source.name}**, read {retrieved:%Y-%m-%d %H:%M} UTC from <{source.url}>.  \n"
        f"  {ATTRIBUTION.get(source.name, '').format(year=year)}"
        for source in sources
    )
    kinds = "\n".join(f"- `{kind}`: {meaning}" for kind, meaning in taxonomy.KINDS.items())
    dropped = "\n".join(f"- {reason}: {count}" for reason, count in sorted(left_out.items()))
    return f"""# {list_name}

Seed list of Germany's public bodies, written by `govsocial seeds build` on
{retrieved:%Y-%m-%d} from the sources below, read at that time from their publishers. Crawl it
as it is (rows without a website are passed over):

    govsocial crawl --seeds {list_name} --skip-missing-urls

Find websites for the rows without one: `govsocial seeds discover --seeds {list_name} -o
proposals.csv`.

## Sources and attribution

{source_lines}

## Columns

{", ".join(f"`{column}`" for column in COLUMNS)}.
`kind_label` is the source's own label; `website_source` says which source gave the URL,
`website_of` whose site it is (`self` or `verband`); `plate_codes` are a Landkreis's licence
plate codes (Kfz-Unterscheidungszeichen, Wikidata P395), which name many sites of the Kreis and
its Gemeinden; `account_*` are the accounts Wikidata knows.

## Kinds

{kinds}

## Rules

{RULES}
Left out or set aside:

{dropped or "- nothing"}

## Coverage

Per Land and kind: units listed, with a website (whose), without one. A share computed over this
list's bodies must name how many of them have a known website.

{as_table(rows)}
"""
