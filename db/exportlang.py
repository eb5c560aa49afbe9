"""Exports in German (``--lang de``): German column names, ``ja``/``nein``, German status words.

Only the columns and the status words are translated; data (names, handles, URLs, evidence) is
written as it was found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from db.exports import RowStream

YES_NO = {"en": ("yes", "no"), "de": ("ja", "nein")}

GERMAN_COLUMNS = {
    "run_id": "lauf",
    "body_id": "stelle_id",
    "body_name": "stelle",
    "name": "name",
    "kind": "art",
    "state": "land",
    "population": "einwohner",
    "parent_id": "uebergeordnet_id",
    "parent_name": "uebergeordnet",
    "seed_url": "start_url",
    "final_url": "ziel_url",
    "reachable": "erreichbar",
    "outcome": "ergebnis",
    "observation": "beobachtung",
    "findings_from_run": "befunde_aus_lauf",
    "pages_fetched": "seiten",
    "accounts": "konten",
    "trackers": "tracker",
    "platform": "plattform",
    "handle": "konto",
    "account_type": "kontoart",
    "url": "url",
    "canonical_url": "kanonische_url",
    "page_url": "seite",
    "element": "element",
    "attribute": "attribut",
    "evidence": "fundstelle",
    "rule": "regel",
    "tracker_id": "tracker_id",
    "vendor": "anbieter",
    "vendor_country": "land_des_anbieters",
    "category": "kategorie",
    "third_country": "drittland",
    "ids": "kennungen",
    "consent_gated": "erst_nach_einwilligung",
    "seen_in": "gesehen_in",
    "tier": "stufe",
    "host": "host",
    "third_party": "dritter",
    "resource_type": "ressourcentyp",
    "method": "methode",
    "status": "status",
    "blocked": "blockiert",
    "domain": "domain",
    "path": "pfad",
    "set_by": "gesetzt_durch",
    "lifetime_days": "laufzeit_tage",
    "http_only": "http_only",
    "secure": "secure",
    "same_site": "same_site",
    "refused": "abgelehnt",
    "set_before_consent": "vor_einwilligung_gesetzt",
    "depth": "tiefe",
    "content_type": "inhaltstyp",
    "bytes": "bytes",
    "title": "titel",
    "error": "fehler",
    "fetched_at": "abgerufen_am",
    "first_seen_run_id": "zuerst_gesehen_lauf",
    "first_seen_at": "zuerst_gesehen",
    "last_seen_run_id": "zuletzt_gesehen_lauf",
    "last_seen_at": "zuletzt_gesehen",
    "runs_seen": "laeufe_gesehen",
    "change": "aenderung",
    "what": "was",
    "tracker": "tracker",
    "third_party_cookies_before_consent": "drittanbieter_cookies_vor_einwilligung",
    "trackers_requested_before_consent": "tracker_angefragt_vor_einwilligung",
}
# The wide body table's columns per platform and tracker.
GERMAN_PREFIXES = {"account_": "konto_", "tracker_": "tracker_"}
# Columns whose values are words of govsocial's own, and those words in German.
WORD_COLUMNS = frozenset({"status", "observation", "change", "what"})
GERMAN_WORDS = {
    "current": "aktuell",
    "removed": "entfernt",
    "not_observed": "nicht_beobachtet",
    "observed": "beobachtet",
    "outage": "ausfall",
    "added": "hinzugefuegt",
    "account": "konto",
    "tracker": "tracker",
    "not observed": "nicht beobachtet",
}


def german_column(column: str) -> str:
    """A column's German name (a column of no known name keeps its own)."""
    if column in GERMAN_COLUMNS:
        return GERMAN_COLUMNS[column]
    for prefix, german in GERMAN_PREFIXES.items():
        if column.startswith(prefix):
            return german + column.removeprefix(prefix)
    return column


def in_language(stream: RowStream, lang: str) -> RowStream:
    """``stream`` with German column names and status words for ``de``; as it is for ``en``."""
    if lang == "en":
        return stream
    translate = [
        column in WORD_COLUMNS or column.startswith(tuple(GERMAN_PREFIXES))
        for column in stream.columns
    ]
    return RowStream(
        tuple(german_column(column) for column in stream.columns),
        _german_rows(stream.rows, translate),
    )


def _german_rows(
    rows: Iterator[tuple[Any, ...]], translate: list[bool]
) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(
            GERMAN_WORDS.get(value, value) if wanted and isinstance(value, str) else value
            for value, wanted in zip(row, translate, strict=True)
        )
