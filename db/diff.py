"""What changed between two runs: accounts and trackers added and removed per body.

Only bodies whose site was reachable in both runs are compared: a site that was down in one of
them says nothing about its accounts (an outage is not a deletion).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.analyses import AnalysisChoice
from db.exports import RowStream
from db.history import reachable_in
from db.models import Body, BodyVisit, CrawlRun, PageFetch, SocialLinkSighting, TrackerSighting

ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True)
class AccountChange:
    """An account that appeared on, or disappeared from, a body's pages."""

    body_id: str
    body_name: str
    platform: str
    handle: str
    account_type: str | None
    url: str
    page_url: str


@dataclass(frozen=True)
class TrackerChange:
    """A tracker that appeared on, or disappeared from, a body's pages."""

    body_id: str
    body_name: str
    tracker: str
    name: str
    vendor: str
    category: str
    page_url: str


@dataclass(frozen=True)
class RunDiff:
    """The changes from ``run_a`` to ``run_b`` over the bodies reachable in both."""

    run_a: CrawlRun
    run_b: CrawlRun
    bodies_compared: int
    bodies_skipped: tuple[str, ...]
    accounts_added: tuple[AccountChange, ...]
    accounts_removed: tuple[AccountChange, ...]
    trackers_added: tuple[TrackerChange, ...]
    trackers_removed: tuple[TrackerChange, ...]

    def to_json(self) -> dict[str, Any]:
        """The document printed by ``govsocial diff --format json``."""
        return {
            "run_a": self.run_a.id,
            "run_b": self.run_b.id,
            "bodies_compared": self.bodies_compared,
            "bodies_skipped": list(self.bodies_skipped),
            "accounts": {
                ADDED: [asdict(change) for change in self.accounts_added],
                REMOVED: [asdict(change) for change in self.accounts_removed],
            },
            "trackers": {
                ADDED: [asdict(change) for change in self.trackers_added],
                REMOVED: [asdict(change) for change in self.trackers_removed],
            },
        }

    def to_rows(self) -> RowStream:
        """One row per change, accounts and trackers alike, for CSV."""
        columns = (
            "change",
            "what",
            "body_id",
            "body_name",
            "platform",
            "handle",
            "tracker",
            "name",
            "url",
            "page_url",
        )
        return RowStream(columns, self._rows())

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        for change, accounts in ((ADDED, self.accounts_added), (REMOVED, self.accounts_removed)):
            for account in accounts:
                yield (change, "account", account.body_id, account.body_name, account.platform,
                       account.handle, None, None, account.url, account.page_url)  # fmt: skip
        for change, trackers in ((ADDED, self.trackers_added), (REMOVED, self.trackers_removed)):
            for tracker in trackers:
                yield (change, "tracker", tracker.body_id, tracker.body_name, None, None,
                       tracker.tracker, tracker.name, None, tracker.page_url)  # fmt: skip


def diff_runs(
    session: Session, run_a: CrawlRun, run_b: CrawlRun, choice: AnalysisChoice | None = None
) -> RunDiff:
    """Accounts and trackers added and removed between two runs, per body reachable in both,
    each run's findings from the analysis ``choice`` reads (default: its newest)."""
    choice = choice or AnalysisChoice()
    return RunDiff(
        run_a=run_a,
        run_b=run_b,
        bodies_compared=session.scalar(
            select(func.count()).select_from(
                reachable_in(run_a.id).intersect(reachable_in(run_b.id)).subquery()
            )
        )
        or 0,
        bodies_skipped=tuple(session.scalars(_skipped_bodies(run_a.id, run_b.id))),
        accounts_added=_accounts_only_in(session, run_b.id, run_a.id, choice),
        accounts_removed=_accounts_only_in(session, run_a.id, run_b.id, choice),
        trackers_added=_trackers_only_in(session, run_b.id, run_a.id, choice),
        trackers_removed=_trackers_only_in(session, run_a.id, run_b.id, choice),
    )


def _skipped_bodies(run_a: int, run_b: int) -> Any:
    """Bodies visited in either run whose site was unreachable in at least one of them."""
    visited = select(BodyVisit.body_id).where(BodyVisit.run_id.in_((run_a, run_b)))
    return (
        select(Body.id)
        .where(
            Body.id.in_(visited),
            or_(Body.id.not_in(reachable_in(run_a)), Body.id.not_in(reachable_in(run_b))),
        )
        .order_by(Body.id)
    )


def _accounts_only_in(
    session: Session, run_id: int, other_run_id: int, choice: AnalysisChoice
) -> tuple[AccountChange, ...]:
    """Accounts seen in ``run_id`` and not in ``other_run_id``, bodies reachable in both."""
    link = SocialLinkSighting
    other = aliased(SocialLinkSighting)
    is_account = and_(link.link_kind == "profile", link.handle.is_not(None))
    # Looked up by (run_id, body_id). Compared as it is, the platform would let SQLite's planner
    # (without statistics) take (run_id, platform, handle) instead, which walks every body
    # sharing a handle (a Verband's account on each member's site) for each link: `|| ''` keeps
    # that index out of the running.
    in_other = exists().where(
        other.run_id == other_run_id,
        other.body_id == link.body_id,
        other.platform.concat("") == link.platform,
        other.handle == link.handle,
        other.link_kind == "profile",
        choice.of(other),
    )
    statement = (
        select(
            link.body_id,
            Body.name.label("body_name"),
            link.platform,
            link.handle,
            func.min(link.account_type).label("account_type"),
            func.min(func.coalesce(link.canonical_url, link.url)).label("url"),
            func.min(PageFetch.url).label("page_url"),
        )
        .join(Body, Body.id == link.body_id)
        .join(PageFetch, PageFetch.id == link.page_id)
        .where(
            link.run_id == run_id,
            choice.of(link),
            is_account,
            link.body_id.in_(reachable_in(run_id)),
            link.body_id.in_(reachable_in(other_run_id)),
            ~in_other,
        )
        .group_by(link.body_id, Body.name, link.platform, link.handle)
        .order_by(link.body_id, link.platform, link.handle)
    )
    return tuple(AccountChange(**row._asdict()) for row in session.execute(statement))


def _trackers_only_in(
    session: Session, run_id: int, other_run_id: int, choice: AnalysisChoice
) -> tuple[TrackerChange, ...]:
    """Trackers seen in ``run_id`` and not in ``other_run_id``, bodies reachable in both."""
    hit = TrackerSighting
    other = aliased(TrackerSighting)
    in_other = exists().where(
        other.run_id == other_run_id,
        other.body_id == hit.body_id,
        other.tracker_id == hit.tracker_id,
        choice.of(other),
    )
    statement = (
        select(
            hit.body_id,
            Body.name.label("body_name"),
            hit.tracker_id.label("tracker"),
            func.min(hit.name).label("name"),
            func.min(hit.vendor).label("vendor"),
            func.min(hit.category).label("category"),
            func.min(PageFetch.url).label("page_url"),
        )
        .join(Body, Body.id == hit.body_id)
        .join(PageFetch, PageFetch.id == hit.page_id)
        .where(
            hit.run_id == run_id,
            choice.of(hit),
            hit.body_id.in_(reachable_in(run_id)),
            hit.body_id.in_(reachable_in(other_run_id)),
            ~in_other,
        )
        .group_by(hit.body_id, Body.name, hit.tracker_id)
        .order_by(hit.body_id, hit.tracker_id)
    )
    return tuple(TrackerChange(**row._asdict()) for row in session.execute(statement))
