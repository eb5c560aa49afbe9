"""Generates docs/schema.md, the data dictionary, from the models and the described views.

Run ``python -m db.schemadoc`` after changing the schema; a test fails while the committed file
differs from what this module generates.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, ForeignKey, Table, UniqueConstraint

from db.history import VIEWS_METADATA
from db.models import Base

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"

# Columns that mean the same in every table that has them.
SHARED_NOTES = {
    "id": "Surrogate key of the row.",
    "run_id": "The crawl run the row belongs to.",
    "body_id": "The public body the row is about.",
    "page_id": "The fetched page the finding was made on.",
    "element": "Evidence: HTML element the finding came from (a, script, iframe, img, ...).",
    "attribute": "Evidence: its attribute (href, src, ...); empty for inline script text.",
    "evidence": "Evidence: the matched value (URL or inline snippet, cut to 500 characters).",
    "rule": "Evidence: id of the catalogue rule that matched.",
    "rendered_page_id": "The rendered page the browser observation was made on.",
    "analysis_id": "The analysis that produced the finding (analyses.id): the crawl's own or a "
    "re-analysis; the current_* views keep the newest analysis of each run.",
    "warc_file": "WARC file of the run's archive holding the record (crawl --archive); empty "
    "when not archived.",
    "warc_offset": "Byte offset of the record's gzip member in that file.",
    "warc_record_id": "WARC-Record-ID of the record.",
}

# Tables of the rendered tier whose columns mean what they mean in their static counterpart.
COUNTERPARTS = {"rendered_trackers": "tracker_sightings", "rendered_social_links": "social_links"}

COLUMN_NOTES = {
    "bodies.id": "Stable key from the seed list (for example the 8-digit AGS).",
    "bodies.name": "Name of the body.",
    "bodies.kind": "Kind of body as the seed list names it (Gemeinde, Kreis, Land, ...).",
    "bodies.state": "Land / state the body belongs to.",
    "bodies.country": "ISO 3166 country code.",
    "bodies.parent_id": (
        "Key of the body it belongs to (a Gemeinde's Kreis, or in Thüringen the erfüllende "
        "Gemeinde that administers it), if known."
    ),
    "bodies.population": "Inhabitants, where the seed list gives them.",
    "bodies.wikidata": "Wikidata item id, where known.",
    "bodies.attributes": "Further seed columns, as JSON.",
    "bodies.created_at": "When the body was first imported.",
    "bodies.updated_at": "When its seed data last changed.",
    "sites.url": "Seed URL of the website.",
    "sites.first_seen_at": "When this URL first appeared in a seed list.",
    "crawl_runs.started_at": "When the run started; the date of every observation in it.",
    "crawl_runs.finished_at": "When it ended, if it did.",
    "crawl_runs.status": "running, finished, failed or interrupted; history counts finished.",
    "crawl_runs.message": "Why it failed or was interrupted.",
    "crawl_runs.settings": "Crawl settings in effect, as JSON.",
    "crawl_runs.code_version": "govsocial version (and commit) that ran it.",
    "crawl_runs.seed_file": "Seed file the run read.",
    "crawl_runs.seed_sha256": "SHA-256 of that file.",
    "crawl_runs.bodies_total": "Bodies in the seed list.",
    "crawl_runs.bodies_done": "Bodies visited so far.",
    "crawl_runs.bodies_reachable": "Bodies whose site was reachable.",
    "crawl_runs.pages_fetched": "Pages fetched.",
    "crawl_runs.accounts_found": "Account sightings recorded.",
    "crawl_runs.trackers_found": "Tracker sightings recorded.",
    "crawl_runs.errors": "Fetch errors.",
    "crawl_runs.pid": "Process id of the crawl (for the single-writer lock).",
    "crawl_runs.hostname": "Host the crawl ran on.",
    "crawl_runs.heartbeat_at": "Last sign of life of a running crawl.",
    "crawl_runs.render_mode": "Which pages were rendered in headless Chromium; 'none' for none.",
    "crawl_runs.pages_rendered": "Pages rendered without error (failed renders: rendered_pages).",
    "crawl_runs.crawl_seconds": "Seconds spent crawling, summed over the run's starts (a resume's "
    "idle gap is not counted; a killed start counts up to its last heartbeat).",
    "crawl_runs.resumed_at": "When the latest resume of the run began; empty if never resumed.",
    "crawl_runs.archive_dir": "Folder of the run's WARC files (crawl --archive); empty if the "
    "run kept no archive.",
    "analyses.kind": "crawl (the findings made while crawling) or reanalysis (govsocial "
    "reanalyse, from the archived pages).",
    "analyses.catalogue_version": "SHA-256 of both catalogue files and the code version: "
    "analyses with equal versions apply the same rules.",
    "analyses.code_version": "govsocial version (and commit) that analysed.",
    "analyses.started_at": "When the analysis began.",
    "analyses.finished_at": "When a re-analysis completed; empty while it runs or if it "
    "stopped (it never counts then). The crawl's own analysis ends with its run.",
    "analyses.pages_analysed": "Pages whose findings this analysis stored.",
    "run_bodies.position": "Order of the body in the seed file (0 = first); the crawl order.",
    "run_bodies.url": "Seed URL the run starts the body's crawl from.",
    "run_bodies.lease": "Token of the batch allowed to store the body (shared runs); a newer "
    "lease fences off an older holder's writes.",
    "run_bodies.worker_id": "The process holding the lease (shared runs).",
    "run_workers.hostname": "Machine the process runs on.",
    "run_workers.pid": "Its process id there.",
    "run_workers.started_at": "When it began to work on the run.",
    "run_workers.heartbeat_at": "Its latest sign of life.",
    "run_workers.stopped_at": "When it stopped working on the run, if it did.",
    "run_workers.stop_reason": "Why it stopped (no body left, a signal, a lost database).",
    "run_workers.bodies_settled": "Body outcomes it stored.",
    "body_visits.site_id": "The site crawled.",
    "body_visits.seed_url": "URL the visit started from.",
    "body_visits.final_url": "Where it led after redirects.",
    "body_visits.moved_to": "Registrable domain the site redirected to, if another one.",
    "body_visits.reachable": "Whether the site answered with a page; false is an outage.",
    "body_visits.outcome": "Short outcome code of the visit (ok, or the class of failure).",
    "body_visits.reason": "Details of a failure.",
    "body_visits.pages_fetched": "Pages fetched for the body in this run.",
    "body_visits.started_at": "When the visit started.",
    "body_visits.finished_at": "When it ended.",
    "pages.url": "Requested URL.",
    "pages.final_url": "URL after redirects.",
    "pages.depth": "Link depth from the homepage (0 = homepage).",
    "pages.status": "HTTP status code.",
    "pages.content_type": "Content-Type header.",
    "pages.bytes": "Body size in bytes.",
    "pages.content_hash": "SHA-256 of the body.",
    "pages.title": "Page title (text from the site: treat as untrusted).",
    "pages.error": "Why the fetch failed.",
    "pages.fetched_at": "When it was fetched.",
    "social_links.platform": "Platform id from the catalogue (facebook, instagram, ...).",
    "social_links.link_kind": "profile (an account), share, content or embed.",
    "social_links.handle": "Canonical account key within the platform; empty unless profile.",
    "social_links.account_type": "Kind of account where the platform distinguishes several.",
    "social_links.url": "The link as found.",
    "social_links.canonical_url": "Canonical URL of the account.",
    "social_links.resolved": "False when a shortened link could not be followed.",
    "tracker_sightings.tracker_id": "Tracker id from the catalogue (google_analytics, ...).",
    "tracker_sightings.name": "Its name, as catalogued at the time.",
    "tracker_sightings.vendor": "Company behind it.",
    "tracker_sightings.vendor_country": "Vendor's country (ISO code).",
    "tracker_sightings.category": "analytics, advertising, social, video, fonts, ...",
    "tracker_sightings.third_country": "Whether the vendor sits outside the EU/EEA.",
    "tracker_sightings.ids": "Account or property ids found (UA-/G-/pixel ids), as a JSON list.",
    "tracker_sightings.consent_gated": "Whether the page holds it back until consent is given.",
    "third_party_hosts.host": "Host name outside the body's own registrable domain.",
    "third_party_hosts.domain": "Its registrable domain.",
    "filter_list_hits.list_name": "Adblock Plus filter list that matched.",
    "filter_list_hits.list_version": "Its version or date.",
    "filter_list_hits.resource_url": "Resource URL of the page that matched.",
    "filter_list_hits.rule": "The filter rule that matched.",
    "rendered_pages.warc_record_id": "WARC-Record-ID of the rendered DOM's resource record; "
    "the metadata record with the page's request log follows it in the same file.",
    "rendered_pages.page_id": "The stored page that was rendered (one render per page).",
    "rendered_pages.url": "URL the browser was sent to.",
    "rendered_pages.final_url": "URL the browser ended on.",
    "rendered_pages.error": "Why rendering failed (render_failed: ...); empty when it worked.",
    "rendered_pages.duration_ms": "Milliseconds from navigation to the end of the wait.",
    "rendered_pages.rendered_at": "When the page was rendered.",
    "rendered_pages.requests": "Requests the page made (http_requests rows).",
    "rendered_pages.third_party_requests": "Of those, to hosts outside its registrable domain.",
    "rendered_pages.cookies": "Cookies set before consent (browser_cookies.set_before_consent).",
    "rendered_pages.third_party_cookies": "Of those, set for another registrable domain.",
    "http_requests.url": "Requested URL (cut to 2048 characters).",
    "http_requests.host": "Its host.",
    "http_requests.method": "HTTP method (GET, POST, ...).",
    "http_requests.resource_type": "Chromium's resource type: document, script, image, xhr, ...",
    "http_requests.status": "HTTP status of the answer; empty when there was none.",
    "http_requests.third_party": "Whether the host is outside the page's registrable domain.",
    "http_requests.blocked": "Why the crawl stopped it (private_address, not_downloaded) or "
    "why it failed; empty when answered. Stopped requests were still asked for by the page.",
    "browser_cookies.name": "Cookie name.",
    "browser_cookies.domain": "Cookie domain (host, or .domain for a domain cookie).",
    "browser_cookies.path": "Cookie path.",
    "browser_cookies.lifetime_days": "Days from the render until it expires; empty for a "
    "session cookie.",
    "browser_cookies.http_only": "HttpOnly: hidden from scripts.",
    "browser_cookies.secure": "Secure: sent over HTTPS only.",
    "browser_cookies.same_site": "SameSite attribute (Strict, Lax, None), if set.",
    "browser_cookies.third_party": "Whether its domain is outside the page's registrable domain.",
    "browser_cookies.set_by": "header (Set-Cookie), script (document.cookie) or unknown.",
    "browser_cookies.refused": "For a Set-Cookie the browser did not store: its reason; empty "
    "for a cookie it holds.",
    "browser_cookies.set_before_consent": "Held, or refused only by the browser's third-party "
    "cookie block (UserPreferences: its contexts block them as private windows do) though valid "
    "without it (SameSite=None; Secure): what a default desktop browser keeps.",
    "browser_storage.area": "local (localStorage) or session (sessionStorage).",
    "browser_storage.key": "The key (values are not stored).",
    "rendered_trackers.seen_in": "markup (rendered DOM), requests (what the browser asked "
    "for) or markup+requests. With requests it loaded before consent; consent_gated with "
    "requests means held behind a consent tool, loaded anyway.",
}


def column_note(table: Table, column: Column[object]) -> str | None:
    """The description of a table column: its own note, its counterpart's, else the shared one."""
    for name in (table.name, COUNTERPARTS.get(table.name)):
        if f"{name}.{column.name}" in COLUMN_NOTES:
            return COLUMN_NOTES[f"{name}.{column.name}"]
    return SHARED_NOTES.get(column.name)


def _key(table: Table, column: Column[object]) -> str:
    """Primary key, foreign key target and single-column index of a column, in short."""
    marks = []
    if column.primary_key:
        marks.append("PK")
    marks.extend(
        f"→ {fk.target_fullname}" for fk in column.foreign_keys if isinstance(fk, ForeignKey)
    )
    if column.index:
        marks.append("indexed")
    return ", ".join(marks)


def _table_doc(table: Table) -> str:
    """The docstring of the model mapped to ``table``."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return (mapper.class_.__doc__ or "").strip()
    return ""


def _table_section(table: Table) -> list[str]:
    lines = [f"### `{table.name}`", "", _table_doc(table), ""]
    uniques = [
        "(" + ", ".join(c.name for c in constraint.columns) + ")"
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    if uniques:
        lines += ["Unique: " + "; ".join(sorted(uniques)) + ".", ""]
    lines += ["| column | type | null | key | description |", "|---|---|---|---|---|"]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {column.type} | {'yes' if column.nullable else 'no'} "
            f"| {_key(table, column)} | {column_note(table, column) or ''} |"
        )
    return [*lines, ""]


def _view_section(view: Table) -> list[str]:
    lines = [f"### `{view.name}`", "", view.comment or "", ""]
    lines += ["| column | type | description |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.comment or ''} |" for c in view.columns]
    return [*lines, ""]


def render() -> str:
    """The whole of docs/schema.md."""
    lines = [
        "# Data dictionary",
        "",
        "Generated by `python -m db.schemadoc` from `db/models.py` and `db/history.py`; do not",
        "edit by hand. Every run is kept: rows are added per run and never overwritten, so each",
        "sighting keeps the run it came from. Runs are ordered by `id`. The views count only runs",
        "with status `finished` as observations, and treat an unreachable site as not observed",
        "(an outage), never as a removal. Types are shown generically; on SQLite booleans are 0/1",
        "and timestamps are text in UTC.",
        "",
        "## Tables",
        "",
    ]
    for table in Base.metadata.sorted_tables:
        lines += _table_section(table)
    lines += [
        "## Views",
        "",
        "Created by migrations `0002` (history) and `0005` (rendered tier).",
        "",
    ]
    for view in VIEWS_METADATA.tables.values():
        lines += _view_section(view)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    """Write docs/schema.md."""
    SCHEMA_DOC.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
