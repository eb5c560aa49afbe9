"""The ``kind`` of a unit: a small fixed set, mapped from the labels of the sources.

Destatis labels a Gemeinde "Kreisangehörige Gemeinde", "Große Kreisstadt", "Markt", ...; a
query needs one word per level. The source's label is kept next to it (``kind_label``).
"""

from __future__ import annotations

GEMEINDE = "gemeinde"
STADT = "stadt"
KREISFREIE_STADT = "kreisfreie_stadt"
STADTSTAAT = "stadtstaat"
LANDKREIS = "landkreis"
VERBAND = "verband"
LAND = "land"
BUND_BEHOERDE = "bund_behoerde"
BUND_EINRICHTUNG = "bund_einrichtung"

#: Every kind ``seeds build`` writes, lowest level first, with what it means.
KINDS: dict[str, str] = {
    GEMEINDE: "Gemeinde (kreisangehörig), Markt included",
    STADT: "kreisangehörige Stadt, Große Kreisstadt included",
    KREISFREIE_STADT: "kreisfreie Stadt / Stadtkreis (Gemeinde and Kreis at once)",
    STADTSTAAT: "Berlin and Hamburg: Land and Gemeinde at once, listed once",
    VERBAND: "Amt, Samtgemeinde, Verbandsgemeinde, Verwaltungsgemeinschaft, Verwaltungsverband",
    LANDKREIS: "Landkreis, Kreis, Region, Regionalverband",
    LAND: "Land (Bremen, being two cities, keeps its Land row)",
    BUND_BEHOERDE: "federal authority (oberste, obere, mittlere, untere Bundesbehörde, ...)",
    BUND_EINRICHTUNG: "other federal body (foundation, institute, company, unclassified)",
}

#: Municipal kinds: what "a municipality" means in the queries.
MUNICIPAL = (GEMEINDE, STADT, KREISFREIE_STADT, STADTSTAAT)

#: Destatis Textkennzeichen of Satzart 60 (Gemeinde) -> (kind, label); 65/66 are
#: gemeindefreie Gebiete, which have no administration and are left out.
GEMEINDE_KINDS: dict[str, tuple[str, str]] = {
    "60": (GEMEINDE, "Markt"),
    "61": (KREISFREIE_STADT, "Kreisfreie Stadt"),
    "62": (KREISFREIE_STADT, "Stadtkreis"),
    "63": (STADT, "Stadt"),
    "64": (GEMEINDE, "Kreisangehörige Gemeinde"),
    "67": (STADT, "Große Kreisstadt"),
}
GEMEINDEFREI = ("65", "66")

#: Satzart 40 (Kreis): 41/42 are the kreisfreie Städte, listed once as Gemeinde (61/62).
KREIS_LABELS: dict[str, str] = {
    "41": "Kreisfreie Stadt",
    "42": "Stadtkreis",
    "43": "Kreis",
    "44": "Landkreis",
    "45": "Regionalverband",
}
KREISFREI = ("41", "42")

#: Satzart 50 (Gemeindeverband) that are bodies of their own. 50 (verbandsfreie Gemeinde),
#: 57 (Verwaltungsgemeinschaft, Trägermodell) and 58 (erfüllende Gemeinde) are administered by a
#: member Gemeinde, which is listed as itself.
VERBAND_LABELS: dict[str, str] = {
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
}

#: Satzart 50 of a Gemeinde that administers its neighbours (Thüringen): the record bears the
#: administering Gemeinde's name, and its other members are run from there.
ERFUELLENDE_GEMEINDE = "58"


def run_by_parent(kind: str | None, parent_kind: str | None) -> bool:
    """Whether a unit is run by its parent: a Gemeinde whose parent is its erfüllende Gemeinde."""
    return kind in MUNICIPAL and parent_kind in MUNICIPAL


#: Federal categories that are authorities; every other category is a ``bund_einrichtung``.
FEDERAL_AUTHORITY_WORDS = (
    "bundesbehörde",
    "bundesoberbehörde",
    "bundesmittelbehörde",
    "bundesunterbehörde",
    "beauftragte",
    "bundesagentur",
    "staatsminister",
)


def federal_kind(category: str) -> str:
    """``bund_behoerde`` for an authority's category, ``bund_einrichtung`` otherwise."""
    folded = category.casefold()
    return (
        BUND_BEHOERDE
        if any(word in folded for word in FEDERAL_AUTHORITY_WORDS)
        else (BUND_EINRICHTUNG)
    )
