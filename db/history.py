"""The history side of the dataset: the SQL views (as queryable tables) and run-to-run helpers.

The views themselves are created by migrations 0002 (history) and 0005 (rendered tier); the
``Table`` objects here describe them for queries and for docs/schema.md. They live in their own
``MetaData`` so Alembic never tries to create them as tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    func,
    inspect,
    select,
    union,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import QueryableAttribute, Session, aliased
from sqlalchemy.sql import ColumnElement, CompoundSelect
from sqlalchemy.sql.selectable import ScalarSelect

from db.analyses import VIEWS_METADATA, AnalysisChoice, current_analyses
from db.analyses import view_column as _col
from db.analyses import view_table as _view
from db.models import (
    Base,
    BodyVisit,
    CrawlRun,
    FilterListHitSighting,
    RenderedSocialLink,
    RenderedTracker,
    SocialLinkSighting,
    ThirdPartyHostSighting,
    TrackerSighting,
    UTCDateTime,
)
from db.queries import FINISHED
from db.session import describe, make_engine, make_sessionmaker

__all__ = ["VIEWS_METADATA", "AnalysisChoice", "current_analyses"]


def _body_columns() -> tuple[Column[Any], ...]:
    """The body and what the seed list says of it, first columns of the per-body views."""
    return (
        _col("body_id", String, "The body."),
        _col("body_name", String, "Its name."),
        _col("kind", String, "Its kind (from the seed list)."),
        _col("state", String, "Its Land / state (from the seed list)."),
    )


def _first_last_columns() -> tuple[Column[Any], ...]:
    """The columns account_history and tracker_history share after their key."""
    return (
        _col("first_seen_run_id", Integer, "First finished run in which it was seen."),
        _col("first_seen_at", UTCDateTime, "Start time of that run."),
        _col("last_seen_run_id", Integer, "Last finished run in which it was seen."),
        _col("last_seen_at", UTCDateTime, "Start time of that run."),
        _col("runs_seen", Integer, "Number of finished runs in which it was seen."),
        _col(
            "is_current",
            Boolean,
            "True when it was seen in the body's latest successful (reachable) visit.",
        ),
        _col(
            "status",
            String,
            "'current' (seen in the body's latest visit), 'not_observed' (the body was "
            "unreachable since: an outage, not a removal) or 'removed' (the body was reachable "
            "later and it was gone).",
        ),
    )


# Findings tables, each with a view of the rows of the current analysis of their run; the
# history views read these, so a re-analysis changes what they say and nothing else does.
FINDINGS_MODELS: tuple[type[Base], ...] = (
    SocialLinkSighting,
    TrackerSighting,
    ThirdPartyHostSighting,
    FilterListHitSighting,
    RenderedTracker,
    RenderedSocialLink,
)


def _current_view(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return _view(
        f"current_{table.name}",
        f"The rows of {table.name} that belong to the current analysis of their run "
        "(current_analyses): what the history views read.",
        # In the order of the table in the database: revision 0009 added analysis_id last.
        *(
            _col(column.name, column.type, f"As {table.name}.{column.name}.")
            for column in sorted(table.columns, key=lambda column: column.name == "analysis_id")
        ),
    )


CURRENT_FINDINGS = {model: _current_view(model) for model in FINDINGS_MODELS}

body_observation_span = _view(
    "body_observation_span",
    "Per body, which finished runs visited it and which of those reached it.",
    _col("body_id", String, "The body."),
    _col("first_visit_run_id", Integer, "First finished run that visited the body."),
    _col("last_visit_run_id", Integer, "Latest finished run that visited the body."),
    _col("first_successful_run_id", Integer, "First finished run that reached the site."),
    _col("last_successful_run_id", Integer, "Latest finished run that reached the site."),
    _col("runs_visited", Integer, "Finished runs that visited the body."),
    _col("runs_reachable", Integer, "Finished runs in which the site was reachable."),
)

latest_body_state = _view(
    "latest_body_state",
    "Per body visited by a finished run, its latest successful state: the newest finished run "
    "in which its site was reachable, and whether the newest visit since reached it too. A "
    "body never reached has a row with empty run_id and 0 accounts and trackers.",
    *_body_columns(),
    _col("run_id", Integer, "Latest finished run that reached the site (empty if none did)."),
    _col("observed_at", UTCDateTime, "Start time of that run."),
    _col("seed_url", String, "The URL crawled in that run."),
    _col("final_url", String, "Where the seed URL led in that run."),
    _col("moved_to", String, "Registrable domain the site moved to, if it did."),
    _col("pages_fetched", Integer, "Pages fetched in that run."),
    _col("last_visit_run_id", Integer, "Latest finished run that visited the body at all."),
    _col("reachable_in_last_visit", Boolean, "Whether that latest visit reached the site."),
    _col("last_visit_outcome", String, "Outcome of that latest visit."),
    _col("accounts", Integer, "Distinct accounts (platform and handle) seen in run_id."),
    _col("trackers", Integer, "Distinct trackers seen in run_id."),
)

account_history = _view(
    "account_history",
    "Per account of a body (platform and handle, profile links only): first and last seen "
    "and whether it is current.",
    _col("body_id", String, "The body."),
    _col("platform", String, "Platform id from the catalogue."),
    _col("handle", String, "Canonical account key within the platform."),
    *_first_last_columns(),
)

tracker_history = _view(
    "tracker_history",
    "Per tracker of a body: first and last seen and whether it is current.",
    _col("body_id", String, "The body."),
    _col("tracker_id", String, "Tracker id from the catalogue."),
    *_first_last_columns(),
)

run_summary = _view(
    "run_summary",
    "Per run, Land and kind of body: bodies crawled, reachable, with an account, with a tracker.",
    _col("run_id", Integer, "The run (any status)."),
    _col("state", String, "Land / state of the bodies."),
    _col("kind", String, "Kind of the bodies."),
    _col("bodies_crawled", Integer, "Bodies visited in the run."),
    _col("bodies_reachable", Integer, "Of those, bodies whose site was reachable."),
    _col("bodies_with_account", Integer, "Bodies with at least one account."),
    _col("bodies_with_tracker", Integer, "Bodies with at least one tracker."),
)

run_coverage = _view(
    "run_coverage",
    "Per run, Land and kind of body: bodies listed in the seed list, with a website, reached; "
    "the denominators every share of the run needs.",
    _col("run_id", Integer, "The run (any status)."),
    _col("state", String, "Land / state of the bodies."),
    _col("kind", String, "Kind of the bodies."),
    _col("bodies_listed", Integer, "Bodies of the seed list, with or without a website."),
    _col("bodies_with_website", Integer, "Of those, bodies with a website (crawled)."),
    _col("bodies_reached", Integer, "Of those, bodies whose site was reachable in the run."),
    _col("website_percent", Float, "bodies_with_website of bodies_listed, in percent."),
    _col("reached_percent", Float, "bodies_reached of bodies_listed, in percent."),
)

run_platform_summary = _view(
    "run_platform_summary",
    "Per run, Land, kind of body and platform: how many bodies link an account there.",
    _col("run_id", Integer, "The run (any status)."),
    _col("state", String, "Land / state of the bodies."),
    _col("kind", String, "Kind of the bodies."),
    _col("platform", String, "Platform id from the catalogue."),
    _col("bodies", Integer, "Bodies with at least one account on the platform."),
    _col("accounts", Integer, "Distinct accounts on the platform (per body)."),
)

run_tracker_summary = _view(
    "run_tracker_summary",
    "Per run, Land, kind of body and tracker: how many bodies load it.",
    _col("run_id", Integer, "The run (any status)."),
    _col("state", String, "Land / state of the bodies."),
    _col("kind", String, "Kind of the bodies."),
    _col("tracker_id", String, "Tracker id from the catalogue."),
    _col("bodies", Integer, "Bodies on whose pages the tracker was seen."),
)


# Registrable domains by which a rendered page's request counts as contacting a vendor: its
# host is one of them or below one. Frozen into the views by migration 0005 (a test compares).
VENDOR_DOMAINS: dict[str, tuple[str, ...]] = {
    "meta": (
        "facebook.com",
        "facebook.net",
        "fbcdn.net",
        "instagram.com",
        "cdninstagram.com",
        "whatsapp.com",
        "whatsapp.net",
    ),
    "google": (
        "google-analytics.com",
        "googletagmanager.com",
        "googletagservices.com",
        "google.com",
        "google.de",
        "googleapis.com",
        "gstatic.com",
        "googleusercontent.com",
        "doubleclick.net",
        "googlesyndication.com",
        "googleadservices.com",
        "youtube.com",
        "ytimg.com",
        "youtube-nocookie.com",
        "googlevideo.com",
    ),
    "x": ("twitter.com", "x.com", "twimg.com", "t.co", "ads-twitter.com"),
}
VENDOR_NAMES = {"meta": "Meta", "google": "Google", "x": "X (Twitter)"}

BEFORE_CONSENT = (
    "Nothing is clicked in a rendered page, so every request, cookie and storage key is from "
    "before consent. A request counts whether or not the crawl let it through: the page asked "
    "for it."
)


def _contacts_columns() -> tuple[Column[Any], ...]:
    return tuple(
        _col(
            f"contacts_{vendor}",
            Boolean,
            f"Whether a rendered page requested a host of {VENDOR_NAMES[vendor]} before "
            f"consent: one of {', '.join(domains)}, or a host below one.",
        )
        for vendor, domains in VENDOR_DOMAINS.items()
    )


def _render_state_columns() -> tuple[Column[Any], ...]:
    """The columns rendered_body_state and latest_rendered_state share after their key."""
    return (
        _col("pages_rendered", Integer, "Pages of the body rendered without error in the run."),
        _col("requests", Integer, "Requests those pages made."),
        _col("third_party_requests", Integer, "Of those, to hosts outside the page's domain."),
        _col("third_party_hosts", Integer, "Distinct third-party hosts requested."),
        _col(
            "third_party_cookies",
            Integer,
            "Distinct third-party cookies (name, domain, path) set before consent: held by the "
            "browser, or refused only by its third-party cookie block though a default browser "
            "keeps them (browser_cookies.set_before_consent).",
        ),
        _col(
            "trackers_requested",
            Integer,
            "Distinct trackers seen among the requests (seen_in requests or markup+requests): "
            "loaded before consent.",
        ),
        _col(
            "trackers_gated_yet_requested",
            Integer,
            "Of those, trackers the markup holds back for consent (consent_gated) that were "
            "requested all the same: a consent tool that does not hold them back.",
        ),
        *_contacts_columns(),
    )


rendered_body_state = _view(
    "rendered_body_state",
    "Per run (any status) and body with at least one page rendered without error: what the "
    "browser requested and held, summed over the body's rendered pages. " + BEFORE_CONSENT,
    _col("run_id", Integer, "The run (any status)."),
    _col("body_id", String, "The body."),
    *_render_state_columns(),
)

latest_rendered_state = _view(
    "latest_rendered_state",
    "Per body, its rendered state in the latest finished run that rendered one of its pages "
    "without error (a later run that did not render the body leaves it unchanged). "
    + BEFORE_CONSENT,
    *_body_columns(),
    _col("run_id", Integer, "Latest finished run that rendered the body."),
    _col("observed_at", UTCDateTime, "Start time of that run."),
    *_render_state_columns(),
)


def _share_columns(key: str, what: str) -> tuple[Column[Any], ...]:
    return (
        _col(f"bodies_{key}", Integer, f"Rendered bodies that {what}."),
        _col(
            f"percent_{key}",
            Float,
            f"Percent of the rendered bodies (bodies_rendered, not all bodies crawled) that "
            f"{what}, to one decimal.",
        ),
    )


run_state_render_summary = _view(
    "run_state_render_summary",
    "Per run (any status) and Land: bodies rendered, and how many of them (count and percent; "
    "the denominator is bodies_rendered) contact Meta, Google or X or hold third-party cookies "
    "before consent. Vendors' domains as in rendered_body_state.",
    _col("run_id", Integer, "The run (any status)."),
    _col("state", String, "Land / state of the bodies."),
    _col(
        "bodies_rendered",
        Integer,
        "Bodies with at least one page rendered without error: the denominator of the shares.",
    ),
    *_share_columns("contacting_meta", "requested a host of Meta"),
    *_share_columns("contacting_google", "requested a host of Google"),
    *_share_columns("contacting_x", "requested a host of X (Twitter)"),
    *_share_columns("with_third_party_cookies", "set at least one third-party cookie"),
)


class DatasetMissing(LookupError):
    """The database named by the user does not exist or holds no govsocial schema."""


@contextmanager
def read_session(url: str) -> Iterator[Session]:
    """A session on an existing govsocial database; never creates an empty one by accident."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    ):
        raise DatasetMissing(f"no database at {describe(url)}: run a crawl first")
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(CrawlRun.__tablename__):
            raise DatasetMissing(
                f"the database at {describe(url)} holds no govsocial data: run a crawl first"
            )
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


def reachable_in(run_id: int) -> Select[str]:
    """Ids of the bodies whose site was reachable in ``run_id``."""
    return select(BodyVisit.body_id).where(BodyVisit.run_id == run_id, BodyVisit.reachable)


def _last_good_run_before(run_id: int) -> ScalarSelect[Any]:
    """The latest finished run before ``run_id`` that reached the body of the outer visit."""
    earlier = aliased(BodyVisit)
    return (
        select(func.max(earlier.run_id))
        .join(CrawlRun, CrawlRun.id == earlier.run_id)
        .where(
            earlier.body_id == BodyVisit.body_id,
            earlier.reachable,
            earlier.run_id < run_id,
            CrawlRun.status == FINISHED,
        )
        .scalar_subquery()
    )


def findings_source(run_id: int) -> Select[*tuple[Any, ...]]:
    """Per body visited in ``run_id``: its visit and the run whose findings describe it then.

    A reachable body is described by ``run_id`` itself. An unreachable one keeps the findings
    of its latest earlier finished run that reached it, marked as not observed in ``run_id``:
    an outage is not a deletion. ``source_run_id`` is None when no run ever reached it.
    """
    return select(
        BodyVisit.body_id,
        BodyVisit.reachable,
        BodyVisit.seed_url,
        BodyVisit.final_url,
        BodyVisit.outcome,
        BodyVisit.pages_fetched,
        case((BodyVisit.reachable, BodyVisit.run_id), else_=_last_good_run_before(run_id)).label(
            "source_run_id"
        ),
    ).where(BodyVisit.run_id == run_id)


def findings_as_of(
    run_id: int,
    sighting: type[SocialLinkSighting] | type[TrackerSighting],
    columns: Sequence[QueryableAttribute[Any]],
    *conditions: ColumnElement[bool],
    choice: AnalysisChoice | None = None,
) -> CompoundSelect[*tuple[Any, ...]]:
    """Distinct ``(body_id, *columns)`` of the sightings describing each body as of ``run_id``.

    The same rule as ``findings_source``, written as two index-friendly halves: sightings of
    ``run_id`` for reachable bodies, and of the last good earlier run for unreachable ones,
    each from the analysis ``choice`` reads for its run (default: the newest).
    """
    conditions = (*conditions, (choice or AnalysisChoice()).of(sighting))
    observed = (
        select(BodyVisit.body_id, *columns)
        .join(
            sighting,
            and_(sighting.body_id == BodyVisit.body_id, sighting.run_id == BodyVisit.run_id),
        )
        .where(BodyVisit.run_id == run_id, BodyVisit.reachable, *conditions)
    )
    carried = (
        select(BodyVisit.body_id, *columns)
        .join(sighting, sighting.body_id == BodyVisit.body_id)
        .where(
            BodyVisit.run_id == run_id,
            ~BodyVisit.reachable,
            sighting.run_id == _last_good_run_before(run_id),
            *conditions,
        )
    )
    return union(observed, carried)
