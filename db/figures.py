"""What a report shows: coverage and shares per Land and per kind, and their course over runs.

Every figure is a sum over the history views (run_summary, run_coverage, run_platform_summary,
run_tracker_summary, rendered_body_state) or a count over the sightings of one run, grouped by
the body's Land or kind. A share's denominator is the bodies reached in the run (the rendered
ones for what a browser did before consent), never the bodies listed or crawled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from db.analyses import AnalysisChoice
from db.history import (
    rendered_body_state,
    run_coverage,
    run_platform_summary,
    run_summary,
    run_tracker_summary,
)
from db.models import FINISHED, Body, CrawlRun, TrackerSighting

Dimension = Literal["state", "kind"]
VENDORS = ("meta", "google", "x")


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``of`` bodies; ``percent`` is None when there is nothing to divide by."""

    count: int
    of: int

    @property
    def percent(self) -> float | None:
        """The share in percent, or None without a denominator."""
        return 100.0 * self.count / self.of if self.of else None


@dataclass
class GroupFigures:
    """What a run found for one Land or kind of body (``key`` None: the seed list gave none)."""

    key: str | None
    listed: int = 0
    with_website: int = 0
    crawled: int = 0
    reached: int = 0
    with_account: int = 0
    with_tracker: int = 0
    platforms: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    rendered: int = 0
    contacts: dict[str, int] = field(default_factory=dict)

    def platform_share(self, platform: str) -> Share:
        """Bodies with an account on ``platform``, of the bodies reached."""
        return Share(self.platforms.get(platform, 0), self.reached)

    def category_share(self, category: str) -> Share:
        """Bodies loading a tracker of ``category``, of the bodies reached."""
        return Share(self.categories.get(category, 0), self.reached)

    def contact_share(self, vendor: str) -> Share:
        """Rendered bodies that contacted ``vendor`` before consent, of the bodies rendered."""
        return Share(self.contacts.get(vendor, 0), self.rendered)

    def add(self, other: GroupFigures) -> None:
        """Add ``other``'s counts to this group's (for the total)."""
        for name in ("listed", "with_website", "crawled", "reached", "with_account"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.with_tracker += other.with_tracker
        self.rendered += other.rendered
        for mine, theirs in (
            (self.platforms, other.platforms),
            (self.categories, other.categories),
            (self.contacts, other.contacts),
        ):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count


@dataclass(frozen=True)
class Breakdown:
    """A run's figures per group of one dimension, their total, and what the run holds."""

    dimension: Dimension
    groups: tuple[GroupFigures, ...]
    total: GroupFigures
    platforms: tuple[str, ...]
    categories: tuple[str, ...]


def breakdown(session: Session, run_id: int, dimension: Dimension) -> Breakdown:
    """The figures of ``run_id`` per Land (``state``) or per ``kind`` of body."""
    groups: dict[str | None, GroupFigures] = {}

    def group(key: str | None) -> GroupFigures:
        return groups.setdefault(key, GroupFigures(key))

    summary = run_summary.c
    for key, crawled, reached, with_account, with_tracker in session.execute(
        _summed(run_summary, dimension, run_id, summary.bodies_crawled, summary.bodies_reachable,
                summary.bodies_with_account, summary.bodies_with_tracker)
    ):
        figures = group(key)
        figures.crawled, figures.reached = int(crawled), int(reached)
        figures.with_account, figures.with_tracker = int(with_account), int(with_tracker)
    coverage = run_coverage.c
    for key, listed, with_website in session.execute(
        _summed(run_coverage, dimension, run_id, coverage.bodies_listed,
                coverage.bodies_with_website)
    ):
        group(key).listed, group(key).with_website = int(listed), int(with_website or 0)
    for key, platform, bodies in session.execute(_platform_bodies(run_id, dimension)):
        group(key).platforms[platform] = int(bodies)
    for key, category, bodies in session.execute(_category_bodies(run_id, dimension)):
        group(key).categories[category] = int(bodies)
    for key, rendered, *contacts in session.execute(_rendered_bodies(run_id, dimension)):
        group(key).rendered = int(rendered)
        group(key).contacts = dict(zip(VENDORS, map(int, contacts), strict=True))
    total = GroupFigures(None)
    for figures in groups.values():
        if not figures.listed:
            # A run from before run_bodies (revision 0004) lists what it crawled.
            figures.listed = figures.with_website = figures.crawled
        total.add(figures)
    ordered = sorted(groups.values(), key=lambda figures: (figures.key is None, figures.key or ""))
    return Breakdown(
        dimension,
        tuple(ordered),
        total,
        _by_count(total.platforms),
        _by_count(total.categories),
    )


def _by_count(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(counts, key=lambda key: (-counts[key], key)))


def _summed(view: Any, dimension: Dimension, run_id: int, *columns: Any) -> Select[Any]:
    """``SUM`` of ``columns`` of a per-run, Land and kind view, grouped by ``dimension``."""
    key = view.c[dimension]
    return (
        select(key, *(func.coalesce(func.sum(column), 0) for column in columns))
        .where(view.c.run_id == run_id)
        .group_by(key)
    )


def _platform_bodies(run_id: int, dimension: Dimension) -> Select[Any]:
    view = run_platform_summary.c
    return (
        select(view[dimension], view.platform, func.sum(view.bodies))
        .where(view.run_id == run_id)
        .group_by(view[dimension], view.platform)
    )


def _category_bodies(run_id: int, dimension: Dimension) -> Select[Any]:
    """Bodies with a tracker of each category: distinct bodies, since one has several."""
    hit = TrackerSighting
    key = getattr(Body, dimension)
    return (
        select(key, hit.category, func.count(func.distinct(hit.body_id)))
        .join(Body, Body.id == hit.body_id)
        .where(hit.run_id == run_id, AnalysisChoice().of(hit))  # the run's newest analysis
        .group_by(key, hit.category)
    )


def _rendered_bodies(run_id: int, dimension: Dimension) -> Select[Any]:
    state = rendered_body_state.c
    key = getattr(Body, dimension)
    return (
        select(
            key,
            func.count(),
            *(func.count(case((state[f"contacts_{vendor}"], 1))) for vendor in VENDORS),
        )
        .join(Body, Body.id == state.body_id)
        .where(state.run_id == run_id)
        .group_by(key)
    )


@dataclass(frozen=True)
class RunPoint:
    """One finished run on the time axis: bodies reached, and bodies per platform and tracker."""

    run_id: int
    started_at: datetime
    reached: int
    platforms: dict[str, int]
    trackers: dict[str, int]


def series(session: Session, up_to: int) -> tuple[RunPoint, ...]:
    """Every finished run up to ``up_to`` (and ``up_to`` itself), oldest first."""
    runs = session.execute(
        select(CrawlRun.id, CrawlRun.started_at)
        .where(CrawlRun.id <= up_to, (CrawlRun.status == FINISHED) | (CrawlRun.id == up_to))
        .order_by(CrawlRun.id)
    ).all()
    ids = [run_id for run_id, _ in runs]
    reached = _per_run(session, run_summary, run_summary.c.bodies_reachable, ids)
    platforms = _per_run_and_key(session, run_platform_summary, "platform", ids)
    trackers = _per_run_and_key(session, run_tracker_summary, "tracker_id", ids)
    return tuple(
        RunPoint(
            run_id,
            started_at,
            reached.get(run_id, 0),
            platforms.get(run_id, {}),
            trackers.get(run_id, {}),
        )
        for run_id, started_at in runs
    )


def _per_run(session: Session, view: Any, column: Any, ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(view.c.run_id, func.sum(column))
        .where(view.c.run_id.in_(ids))
        .group_by(view.c.run_id)
    )
    return {run_id: int(count or 0) for run_id, count in rows}


def _per_run_and_key(
    session: Session, view: Any, key: str, ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(view.c.run_id, view.c[key], func.sum(view.c.bodies))
        .where(view.c.run_id.in_(ids))
        .group_by(view.c.run_id, view.c[key])
    )
    for run_id, name, bodies in rows:
        found[run_id][name] = int(bodies)
    return found


def most_common(points: Iterable[RunPoint], attribute: str, limit: int) -> tuple[str, ...]:
    """The ``limit`` keys with the most bodies in the latest point that has any."""
    counts: dict[str, int] = {}
    for point in points:
        counts = getattr(point, attribute) or counts
    return _by_count(counts)[:limit]
