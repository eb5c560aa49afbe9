"""Per body of a run, what a reader needs to check a figure: visit, accounts, trackers, evidence.

An unreachable body keeps the findings of its latest earlier run that reached it, marked as an
outage (``findings_source``): an outage is never a removal. First and last seen come from the
history views (account_history, tracker_history), over all finished runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from db.analyses import AnalysisChoice
from db.history import account_history, findings_source, rendered_body_state, tracker_history
from db.models import (
    Body,
    BodyVisit,
    PageFetch,
    RunBodyWithoutSite,
    SocialLinkSighting,
    TrackerSighting,
)

# How a run saw a body: reached; not reached, showing what an earlier run found (an outage); not
# reached by any run; or listed without a website, so never crawled.
Observation = Literal["observed", "outage", "never_reached", "no_website"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding was made: the page, the element and attribute, the rule, the value."""

    page_url: str
    element: str
    attribute: str | None
    rule: str
    value: str


@dataclass(frozen=True, slots=True)
class Seen:
    """When a finding was first and last seen (finished runs) and whether it is still there."""

    first_seen_at: datetime | None
    last_seen_at: datetime | None
    status: str | None


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account of a body, with the evidence of one sighting."""

    platform: str
    handle: str
    url: str
    evidence: Evidence
    seen: Seen


@dataclass(frozen=True, slots=True)
class TrackerRecord:
    """A tracker on a body's pages; ``consent_gated`` only if held back on every page."""

    tracker_id: str
    name: str
    vendor: str
    vendor_country: str
    category: str
    third_country: bool
    ids: tuple[str, ...]
    consent_gated: bool
    pages: int
    evidence: Evidence
    seen: Seen


@dataclass(frozen=True, slots=True)
class RenderedRecord:
    """What a browser requested and held on the body's rendered pages, before consent."""

    pages_rendered: int
    third_party_requests: int
    third_party_hosts: int
    third_party_cookies: int
    trackers_requested: int
    contacts: tuple[str, ...]


@dataclass
class BodyRecord:
    """A body of a run: who it is, how the run saw it, and its findings."""

    id: str
    name: str
    kind: str | None
    state: str | None
    population: int | None
    parent_id: str | None
    parent_name: str | None
    seed_url: str | None
    final_url: str | None
    observation: Observation
    outcome: str | None
    findings_run: int | None
    accounts: list[AccountRecord] = field(default_factory=list)
    trackers: list[TrackerRecord] = field(default_factory=list)
    rendered: RenderedRecord | None = None


def body_records(session: Session, run_id: int) -> list[BodyRecord]:
    """Every body of ``run_id``'s seed list, by id: visited ones with their findings, then none."""
    records = {record.id: record for record in _visited(session, run_id)}
    for record in _without_website(session, run_id):
        records.setdefault(record.id, record)
    for body_id, account in _accounts(session, run_id):
        records[body_id].accounts.append(account)
    for body_id, tracker in _trackers(session, run_id):
        records[body_id].trackers.append(tracker)
    for body_id, rendered in _rendered(session, run_id):
        records[body_id].rendered = rendered
    return [records[body_id] for body_id in sorted(records)]


def _visited(session: Session, run_id: int) -> Iterator[BodyRecord]:
    source = findings_source(run_id).subquery("source")
    parent = aliased(Body)
    rows = session.execute(
        select(
            Body.id,
            Body.name,
            Body.kind,
            Body.state,
            Body.population,
            Body.parent_id,
            parent.name,
            source.c.seed_url,
            source.c.final_url,
            source.c.reachable,
            source.c.outcome,
            source.c.source_run_id,
        )
        .join(source, source.c.body_id == Body.id)
        .outerjoin(parent, parent.id == Body.parent_id)
    )
    for (body_id, name, kind, state, population, parent_id, parent_name, seed_url, final_url,
         reachable, outcome, source_run) in rows:  # fmt: skip
        observation: Observation = (
            "observed" if reachable else "outage" if source_run is not None else "never_reached"
        )
        yield BodyRecord(body_id, name, kind, state, population, parent_id, parent_name,
                         seed_url, final_url, observation, outcome, source_run)  # fmt: skip


def _without_website(session: Session, run_id: int) -> Iterator[BodyRecord]:
    parent = aliased(Body)
    rows = session.execute(
        select(Body.id, Body.name, Body.kind, Body.state, Body.population, Body.parent_id,
               parent.name)
        .join(RunBodyWithoutSite, RunBodyWithoutSite.body_id == Body.id)
        .outerjoin(parent, parent.id == Body.parent_id)
        .where(RunBodyWithoutSite.run_id == run_id)
    )
    for body_id, name, kind, state, population, parent_id, parent_name in rows:
        yield BodyRecord(body_id, name, kind, state, population, parent_id, parent_name,
                         None, None, "no_website", None, None)  # fmt: skip


# Each run's newest analysis, as the history views read it: a re-analysed run keeps the rows of
# its earlier analyses, which must not mix into its figures.
CURRENT = AnalysisChoice()


def _source(run_id: int) -> Any:
    return findings_source(run_id).subquery("source")


def _in_source(sighting: Any, source: Any) -> Any:
    return and_(sighting.body_id == source.c.body_id, sighting.run_id == source.c.source_run_id)


def _accounts(session: Session, run_id: int) -> Iterator[tuple[str, AccountRecord]]:
    link = SocialLinkSighting
    source = _source(run_id)
    first = (
        select(func.min(link.id))
        .join(source, _in_source(link, source))
        .where(link.link_kind == "profile", link.handle.is_not(None), CURRENT.of(link))
        .group_by(link.body_id, link.platform, link.handle)
    )
    history = account_history.c
    rows = session.execute(
        select(
            link.body_id,
            link.platform,
            link.handle,
            func.coalesce(link.canonical_url, link.url),
            PageFetch.url,
            link.element,
            link.attribute,
            link.rule,
            link.evidence,
            history.first_seen_at,
            history.last_seen_at,
            history.status,
        )
        .join(PageFetch, PageFetch.id == link.page_id)
        .outerjoin(
            account_history,
            and_(
                history.body_id == link.body_id,
                history.platform == link.platform,
                history.handle == link.handle,
            ),
        )
        .where(link.id.in_(first))
        .order_by(link.body_id, link.platform, link.handle)
    )
    for (body_id, platform, handle, url, page_url, element, attribute, rule, value, first_at,
         last_at, status) in rows:  # fmt: skip
        evidence = Evidence(page_url, element, attribute, rule, value)
        yield body_id, AccountRecord(platform, handle, url, evidence,
                                     Seen(first_at, last_at, status))  # fmt: skip


def _trackers(session: Session, run_id: int) -> Iterator[tuple[str, TrackerRecord]]:
    hit = TrackerSighting
    source = _source(run_id)
    # Per body and tracker: shown is a sighting that loads without consent if there is one.
    grouped = (
        select(
            func.count(func.distinct(hit.page_id)).label("pages"),
            func.min(case((hit.consent_gated, 1), else_=0)).label("gated"),
            func.coalesce(func.min(case((~hit.consent_gated, hit.id))), func.min(hit.id)).label(
                "shown_id"
            ),
        )
        .join(source, _in_source(hit, source))
        .where(CURRENT.of(hit))
        .group_by(hit.body_id, hit.tracker_id)
        .subquery("grouped")
    )
    history = tracker_history.c
    rows = session.execute(
        select(
            hit.body_id,
            hit.tracker_id,
            hit.name,
            hit.vendor,
            hit.vendor_country,
            hit.category,
            hit.third_country,
            hit.ids,
            grouped.c.gated,
            grouped.c.pages,
            PageFetch.url,
            hit.element,
            hit.attribute,
            hit.rule,
            hit.evidence,
            history.first_seen_at,
            history.last_seen_at,
            history.status,
        )
        .join(grouped, grouped.c.shown_id == hit.id)
        .join(PageFetch, PageFetch.id == hit.page_id)
        .outerjoin(
            tracker_history,
            and_(history.body_id == hit.body_id, history.tracker_id == hit.tracker_id),
        )
        .order_by(hit.body_id, hit.tracker_id)
    )
    for (body_id, tracker_id, name, vendor, country, category, third_country, ids, gated, pages,
         page_url, element, attribute, rule, value, first_at, last_at, status) in rows:  # fmt: skip
        yield body_id, TrackerRecord(
            tracker_id, name, vendor, country, category, bool(third_country), tuple(ids or ()),
            bool(gated), int(pages), Evidence(page_url, element, attribute, rule, value),
            Seen(first_at, last_at, status),
        )  # fmt: skip


def _rendered(session: Session, run_id: int) -> Iterator[tuple[str, RenderedRecord]]:
    state = rendered_body_state.c
    rows = session.execute(
        select(
            state.body_id,
            state.pages_rendered,
            state.third_party_requests,
            state.third_party_hosts,
            state.third_party_cookies,
            state.trackers_requested,
            state.contacts_meta,
            state.contacts_google,
            state.contacts_x,
        ).where(state.run_id == run_id)
    )
    for body_id, pages, requests, hosts, cookies, trackers, meta, google, x in rows:
        contacts = tuple(
            vendor for vendor, yes in (("meta", meta), ("google", google), ("x", x)) if yes
        )
        yield body_id, RenderedRecord(int(pages), int(requests), int(hosts), int(cookies),
                                      int(trackers), contacts)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VisitChange:
    """A body visited in two runs and not reached in at least one: an outage, or its end."""

    body_id: str
    name: str
    outcome_before: str
    outcome_now: str
    reachable_before: bool
    reachable_now: bool


def visit_changes(session: Session, previous: int, run_id: int) -> tuple[VisitChange, ...]:
    """Bodies visited in both runs and unreachable in one or both, by id."""
    before = aliased(BodyVisit)
    now = aliased(BodyVisit)
    rows = session.execute(
        select(Body.id, Body.name, before.outcome, now.outcome, before.reachable, now.reachable)
        .join(before, and_(before.body_id == Body.id, before.run_id == previous))
        .join(now, and_(now.body_id == Body.id, now.run_id == run_id))
        .where(~(before.reachable & now.reachable))
        .order_by(Body.id)
    )
    return tuple(VisitChange(*row[:4], bool(row[4]), bool(row[5])) for row in rows)
