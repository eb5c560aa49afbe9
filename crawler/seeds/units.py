"""A unit of the seed list: one public body with its place in the administrative tree."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Unit:
    """One row of the built seed list; the website columns are filled in after the units."""

    id: str
    name: str
    kind: str
    kind_label: str
    state: str
    state_code: str
    parent_id: str = ""
    population: int | None = None
    plz: str = ""
    kreis_id: str = ""
    verband_id: str = ""
    url: str = ""
    website_source: str = ""
    website_of: str = ""
    wikidata: str = ""
    plate_codes: str = ""  # a Kreis's Kfz-Unterscheidungszeichen, space-separated
    accounts: dict[str, str] = field(default_factory=dict)


#: Account columns, from Wikidata: platform -> property.
ACCOUNT_PROPERTIES = {
    "facebook": "P2013",
    "x": "P2002",
    "instagram": "P2003",
    "mastodon": "P4033",
    "youtube": "P2397",
}

#: The columns of the built list, in order. ``govsocial crawl --seeds`` reads id, name, url,
#: kind, state, parent_id, population and wikidata as seed fields and keeps the rest as the
#: body's attributes.
COLUMNS = (
    "id",
    "name",
    "url",
    "kind",
    "kind_label",
    "state",
    "state_code",
    "parent_id",
    "population",
    "plz",
    "kreis_id",
    "verband_id",
    "website_source",
    "website_of",
    "wikidata",
    "plate_codes",
    *(f"account_{platform}" for platform in ACCOUNT_PROPERTIES),
)


def row_of(unit: Unit) -> dict[str, str]:
    """The unit as a CSV row of ``COLUMNS``."""
    row = {
        column: str(getattr(unit, column) or "")
        for column in COLUMNS
        if not column.startswith("account_")
    }
    row["population"] = "" if unit.population is None else str(unit.population)
    for platform in ACCOUNT_PROPERTIES:
        row[f"account_{platform}"] = unit.accounts.get(platform, "")
    return row
