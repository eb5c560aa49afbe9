"""The report's words in German and English, and numbers written as each language writes them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

LANGUAGES = ("de", "en")

TEXT: dict[str, dict[str, str]] = {
    "de": {
        "title": "Social Media und Tracking auf Websites öffentlicher Stellen",
        "run": "Lauf {run} vom {date}",
        "run_status": "Status des Laufs: {status}",
        "no_run": "Diese Datenbank enthält noch keinen abgeschlossenen Lauf: es gibt nichts zu "
        "berichten. Nach `govsocial crawl` zeigt dieser Bericht die Ergebnisse.",
        "nav_overview": "Überblick",
        "nav_map": "Karte",
        "nav_time": "Zeitverlauf",
        "nav_changes": "Änderungen",
        "nav_bodies": "Stellen",
        "nav_method": "Methode",
        "overview": "Überblick",
        "listed": "Stellen in der Liste",
        "with_website": "mit bekannter Website",
        "reached": "Website erreicht",
        "with_account": "mit Social-Media-Konto",
        "with_tracker": "mit Tracker",
        "denominator_note": "Anteile beziehen sich immer auf die Stellen, deren Website in "
        "diesem Lauf erreicht wurde (Nenner in Klammern); Stellen ohne bekannte Website oder "
        "mit nicht erreichbarer Website zählen nicht mit.",
        "platforms": "Konten je Plattform",
        "categories": "Tracker je Kategorie",
        "rendered": "Vor der Einwilligung im Browser",
        "rendered_note": "Startseiten in Chromium geladen, ohne etwas anzuklicken: jede Anfrage "
        "geschah vor einer Einwilligung. Nenner: die gerenderten Stellen.",
        "contacts_meta": "kontaktiert Meta",
        "contacts_google": "kontaktiert Google",
        "contacts_x": "kontaktiert X",
        "by_land": "Nach Land",
        "by_kind": "Nach Art der Stelle",
        "land": "Land",
        "kind": "Art",
        "total": "Gesamt",
        "no_land": "ohne Land",
        "no_kind": "ohne Art",
        "map": "Karte",
        "map_choose": "Anteil zeigen:",
        "map_no_data": "keine erreichten Stellen",
        "map_legend": "Anteil der erreichten Stellen",
        "share_of": "{count} von {of}",
        "account_on": "Konto bei {platform}",
        "tracker_of": "Tracker: {category}",
        "over_time": "Zeitverlauf",
        "over_time_note": "Anteil der erreichten Stellen je abgeschlossenem Lauf.",
        "platforms_over_time": "Plattformen",
        "trackers_over_time": "Häufigste Tracker",
        "one_run_only": "Erst ein Lauf: der Verlauf beginnt mit dem nächsten.",
        "changes": "Änderungen seit dem vorigen Lauf",
        "changes_since": "Lauf {previous} ({previous_date}) → Lauf {run} ({date}): "
        "{compared} Stellen in beiden Läufen erreicht und verglichen.",
        "no_previous": "Kein früherer abgeschlossener Lauf: noch nichts zu vergleichen.",
        "accounts_added": "Neue Konten",
        "accounts_removed": "Entfernte Konten",
        "trackers_added": "Neue Tracker",
        "trackers_removed": "Entfernte Tracker",
        "nothing": "keine",
        "outages": "Ausfälle",
        "outages_note": "Eine nicht erreichbare Website ist ein Ausfall, keine Entfernung: ihre "
        "Konten und Tracker gelten als nicht beobachtet und erscheinen oben nicht.",
        "went_down": "nicht mehr erreichbar",
        "came_back": "wieder erreichbar",
        "down_in_both": "{count} Stellen waren in beiden Läufen nicht erreichbar.",
        "bodies": "Alle Stellen",
        "search": "Suchen (Name, Kennung, Land, Plattform)",
        "no_script": "Suche, Sortierung und Detailansicht brauchen JavaScript.",
        "col_name": "Name",
        "col_id": "Kennung",
        "col_state": "Land",
        "col_kind": "Art",
        "col_status": "Beobachtung",
        "col_accounts": "Konten",
        "col_trackers": "Tracker",
        "shown": "{shown} von {matches} Treffern angezeigt ({total} Stellen)",
        "observed": "erreicht",
        "outage": "Ausfall (Befund aus Lauf {run})",
        "never_reached": "nie erreicht",
        "no_website": "keine Website bekannt",
        "detail_close": "Schließen",
        "detail_website": "Website",
        "detail_parent": "gehört zu",
        "detail_population": "Einwohner",
        "detail_outcome": "Ergebnis des Besuchs",
        "detail_findings_run": "Befunde aus Lauf",
        "detail_accounts": "Konten",
        "detail_trackers": "Tracker",
        "detail_rendered": "Im Browser vor der Einwilligung",
        "detail_none": "keine gefunden",
        "detail_not_observed": "nicht beobachtet: die Website war nicht erreichbar",
        "detail_loading": "Lade …",
        "platform": "Plattform",
        "handle": "Konto",
        "page": "Seite",
        "element": "Element",
        "rule": "Regel",
        "value": "Fundstelle",
        "first_seen": "zuerst gesehen",
        "last_seen": "zuletzt gesehen",
        "status": "Status",
        "status_current": "aktuell",
        "status_removed": "entfernt",
        "status_not_observed": "nicht beobachtet",
        "tracker": "Tracker",
        "vendor": "Anbieter",
        "country": "Land des Anbieters",
        "category": "Kategorie",
        "consent": "Einwilligung",
        "consent_gated": "erst nach Einwilligung",
        "consent_not_gated": "ohne Einwilligung geladen",
        "pages": "Seiten",
        "ids": "Kennungen",
        "third_party_requests": "Anfragen an Dritte",
        "third_party_hosts": "Dritt-Hosts",
        "third_party_cookies": "Drittanbieter-Cookies",
        "trackers_requested": "angefragte Tracker",
        "contacts": "kontaktiert",
        "method": "Methode und Quellen",
        "method_denominators": "Jeder Anteil nennt seinen Nenner: die Stellen, deren Website in "
        "diesem Lauf erreicht wurde. Die Abdeckung (Stellen in der Liste, mit bekannter Website, "
        "erreicht) steht in den Tabellen daneben.",
        "method_outages": "Ist eine Website nicht erreichbar, zeigt der Bericht die Befunde des "
        "letzten Laufs, der sie erreichte, als Ausfall gekennzeichnet; eine Entfernung wird nur "
        "gemeldet, wenn die Website erreicht wurde und das Konto oder der Tracker fehlte.",
        "method_sql": "Jede Zahl ist eine Summe über die SQL-Sichten der Datenbank "
        "(docs/queries.md); jede Stelle führt zu ihren Belegen: Seite, Element, Regel.",
        "method_map": "Karte",
        "method_private": "Dieser Bericht lädt nichts von anderen Servern: keine Schriften, "
        "keine Kartenkacheln, keine Statistik.",
        "generated": "Erzeugt mit govsocial {version} am {date}.",
    },
    "en": {
        "title": "Social media and tracking on public bodies' websites",
        "run": "Run {run} of {date}",
        "run_status": "Run status: {status}",
        "no_run": "This database holds no finished run yet: there is nothing to report. After "
        "`govsocial crawl` this report shows its results.",
        "nav_overview": "Overview",
        "nav_map": "Map",
        "nav_time": "Over time",
        "nav_changes": "Changes",
        "nav_bodies": "Bodies",
        "nav_method": "Method",
        "overview": "Overview",
        "listed": "bodies listed",
        "with_website": "with a known website",
        "reached": "website reached",
        "with_account": "with a social-media account",
        "with_tracker": "with a tracker",
        "denominator_note": "Shares are always of the bodies whose website this run reached "
        "(denominator in brackets); bodies without a known website or whose site was down do "
        "not count.",
        "platforms": "Accounts per platform",
        "categories": "Trackers per category",
        "rendered": "Before consent, in a browser",
        "rendered_note": "Homepages loaded in Chromium without clicking anything: every request "
        "was made before consent. Denominator: the bodies rendered.",
        "contacts_meta": "contacts Meta",
        "contacts_google": "contacts Google",
        "contacts_x": "contacts X",
        "by_land": "By Land",
        "by_kind": "By kind of body",
        "land": "Land",
        "kind": "Kind",
        "total": "Total",
        "no_land": "no Land",
        "no_kind": "no kind",
        "map": "Map",
        "map_choose": "Show share:",
        "map_no_data": "no bodies reached",
        "map_legend": "Share of the bodies reached",
        "share_of": "{count} of {of}",
        "account_on": "Account on {platform}",
        "tracker_of": "Tracker: {category}",
        "over_time": "Over time",
        "over_time_note": "Share of the bodies reached, per finished run.",
        "platforms_over_time": "Platforms",
        "trackers_over_time": "Most common trackers",
        "one_run_only": "One run so far: the course over time starts with the next.",
        "changes": "Changes since the previous run",
        "changes_since": "Run {previous} ({previous_date}) → run {run} ({date}): {compared} "
        "bodies reached in both runs and compared.",
        "no_previous": "No earlier finished run: nothing to compare yet.",
        "accounts_added": "Accounts added",
        "accounts_removed": "Accounts removed",
        "trackers_added": "Trackers added",
        "trackers_removed": "Trackers removed",
        "nothing": "none",
        "outages": "Outages",
        "outages_note": "A site that could not be reached is an outage, not a removal: its "
        "accounts and trackers count as not observed and are not listed above.",
        "went_down": "no longer reachable",
        "came_back": "reachable again",
        "down_in_both": "{count} bodies were unreachable in both runs.",
        "bodies": "All bodies",
        "search": "Search (name, id, Land, platform)",
        "no_script": "Search, sorting and the detail view need JavaScript.",
        "col_name": "Name",
        "col_id": "Id",
        "col_state": "Land",
        "col_kind": "Kind",
        "col_status": "Observation",
        "col_accounts": "Accounts",
        "col_trackers": "Trackers",
        "shown": "showing {shown} of {matches} matches ({total} bodies)",
        "observed": "reached",
        "outage": "outage (findings of run {run})",
        "never_reached": "never reached",
        "no_website": "no website known",
        "detail_close": "Close",
        "detail_website": "Website",
        "detail_parent": "belongs to",
        "detail_population": "Inhabitants",
        "detail_outcome": "Outcome of the visit",
        "detail_findings_run": "Findings from run",
        "detail_accounts": "Accounts",
        "detail_trackers": "Trackers",
        "detail_rendered": "In a browser, before consent",
        "detail_none": "none found",
        "detail_not_observed": "not observed: the site could not be reached",
        "detail_loading": "Loading …",
        "platform": "Platform",
        "handle": "Account",
        "page": "Page",
        "element": "Element",
        "rule": "Rule",
        "value": "Matched",
        "first_seen": "first seen",
        "last_seen": "last seen",
        "status": "Status",
        "status_current": "current",
        "status_removed": "removed",
        "status_not_observed": "not observed",
        "tracker": "Tracker",
        "vendor": "Vendor",
        "country": "Vendor's country",
        "category": "Category",
        "consent": "Consent",
        "consent_gated": "only after consent",
        "consent_not_gated": "loaded without consent",
        "pages": "Pages",
        "ids": "Ids",
        "third_party_requests": "third-party requests",
        "third_party_hosts": "third-party hosts",
        "third_party_cookies": "third-party cookies",
        "trackers_requested": "trackers requested",
        "contacts": "contacts",
        "method": "Method and sources",
        "method_denominators": "Every share names its denominator: the bodies whose website "
        "this run reached. Coverage (bodies listed, with a known website, reached) stands in "
        "the tables beside it.",
        "method_outages": "When a site cannot be reached, the report shows the findings of the "
        "latest run that reached it, marked as an outage; a removal is reported only when the "
        "site was reached and the account or tracker was gone.",
        "method_sql": "Every number is a sum over the database's SQL views (docs/queries.md); "
        "every body leads to its evidence: page, element, rule.",
        "method_map": "Map",
        "method_private": "This report loads nothing from other servers: no fonts, no map "
        "tiles, no analytics.",
        "generated": "Generated by govsocial {version} on {date}.",
    },
}

KINDS: dict[str, dict[str, str]] = {
    "de": {
        "gemeinde": "Gemeinden",
        "stadt": "Städte",
        "kreisfreie_stadt": "Kreisfreie Städte",
        "stadtstaat": "Stadtstaaten",
        "verband": "Gemeindeverbände",
        "landkreis": "Landkreise",
        "land": "Länder",
        "bund_behoerde": "Bundesbehörden",
        "bund_einrichtung": "Bundeseinrichtungen",
    },
    "en": {
        "gemeinde": "Municipalities",
        "stadt": "Towns",
        "kreisfreie_stadt": "District-free cities",
        "stadtstaat": "City states",
        "verband": "Municipal associations",
        "landkreis": "Districts (Landkreise)",
        "land": "Länder",
        "bund_behoerde": "Federal authorities",
        "bund_einrichtung": "Federal institutions",
    },
}

CATEGORIES: dict[str, dict[str, str]] = {
    "de": {
        "accessibility": "Barrierefreiheit",
        "advertising": "Werbung",
        "analytics": "Statistik",
        "captcha": "Captcha",
        "cdn": "CDN",
        "chat": "Chat",
        "consent": "Einwilligungs-Tool",
        "embed": "Einbettung",
        "font": "Web-Schriften",
        "map": "Karten",
        "session-recording": "Sitzungsaufzeichnung",
        "share-buttons": "Teilen-Knöpfe",
        "social-plugin": "Social-Plugin",
        "tag-manager": "Tag-Manager",
        "video": "Video",
    },
    "en": {
        "accessibility": "Accessibility",
        "advertising": "Advertising",
        "analytics": "Analytics",
        "captcha": "Captcha",
        "cdn": "CDN",
        "chat": "Chat",
        "consent": "Consent tool",
        "embed": "Embed",
        "font": "Web fonts",
        "map": "Maps",
        "session-recording": "Session recording",
        "share-buttons": "Share buttons",
        "social-plugin": "Social plugin",
        "tag-manager": "Tag manager",
        "video": "Video",
    },
}

VENDOR_NAMES = {"meta": "Meta", "google": "Google", "x": "X"}


@cache
def platform_names() -> dict[str, str]:
    """Platform id -> display name, from the social catalogue."""
    text = resources.files("crawler.detection").joinpath("catalogue/platforms.toml")
    platforms = tomllib.loads(text.read_text("utf-8"))["platforms"]
    return {key: str(table["name"]) for key, table in platforms.items() if "name" in table}


@dataclass(frozen=True)
class Language:
    """The words and number formats of one language."""

    code: str

    def __call__(self, key: str, **values: object) -> str:
        """The text ``key``, with ``values`` filled in."""
        text = TEXT[self.code][key]
        return text.format(**values) if values else text

    def kind(self, kind: str | None) -> str:
        """A kind of body as readers say it (the seed list's word when unknown)."""
        if kind is None:
            return self("no_kind")
        return KINDS[self.code].get(kind, kind)

    def land(self, state: str | None) -> str:
        """A Land's name, or what to call bodies without one."""
        return state if state is not None else self("no_land")

    def category(self, category: str) -> str:
        """A tracker category as readers say it."""
        return CATEGORIES[self.code].get(category, category)

    def platform(self, platform: str) -> str:
        """A platform's display name."""
        return platform_names().get(platform, platform)

    def integer(self, value: int) -> str:
        """``11000`` as ``11.000`` (de) or ``11,000`` (en)."""
        text = f"{value:,}"
        return text.replace(",", ".") if self.code == "de" else text

    def percent(self, value: float | None) -> str:
        """A share to one decimal, ``12,5 %`` (de) or ``12.5%`` (en); a dash without one."""
        if value is None:
            return "–"
        if self.code == "de":
            return f"{value:.1f}".replace(".", ",") + "\u202f%"
        return f"{value:.1f}%"
