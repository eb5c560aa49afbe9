"""Streaming exports of one run: sightings with evidence, what a browser did, a wide body table.

Rows come from the database in batches (``yield_per``, server-side cursors on PostgreSQL) and are
written one by one, so memory stays flat however many bodies a run has.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, TextIO

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    String,
    and_,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from db.analyses import AnalysisChoice
from db.history import account_history, findings_as_of, findings_source, rendered_body_state
from db.models import (
    Body,
    BodyVisit,
    BrowserCookie,
    HttpRequest,
    PageFetch,
    RenderedPage,
    RenderedTracker,
    SocialLinkSighting,
    TrackerSighting,
)

BATCH_SIZE = 1000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# An account handle, or a number with its sign and nothing else.
INERT_VALUE = re.compile(r"@[A-Za-z0-9._-]+|[+-][0-9]+(?:[.,][0-9]+)?")
EXCEL_DELIMITER = ";"
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class RowStream:
    """An export: its column names and a one-pass iterator of rows in that order."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def neutralise_formula(value: str) -> str:
    """Make a cell inert in spreadsheets: text starting like a formula gets a leading quote.

    Page titles, link texts and URLs come from strangers; Excel and LibreOffice would run
    ``=HYPERLINK(...)`` and friends (OWASP "CSV injection"). A handle (``@stadtbeta``) or a
    plain signed number (``+4915112345678``, ``-2``) cannot run as a formula and stays as it is.
    """
    if not value.startswith(FORMULA_TRIGGERS) or INERT_VALUE.fullmatch(value):
        return value
    return "'" + value


def csv_cell(value: Any, yes_no: tuple[str, str] = ("yes", "no")) -> str:
    """One value as spreadsheet text: yes/no, ISO dates, space-joined lists, inert strings."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise_formula(" ".join(str(item) for item in value))
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def _json_value(value: Any) -> Any:
    """One value as JSON: dates as ISO strings, everything else as it is."""
    return value.isoformat() if isinstance(value, datetime) else value


def write_csv(
    stream: RowStream, out: TextIO, *, excel: bool = False, yes_no: tuple[str, str] = ("yes", "no")
) -> int:
    """Write CSV; ``excel`` adds a BOM and uses ``;`` as German Excel expects. Returns rows."""
    if excel:
        out.write(UTF8_BOM)
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER if excel else ",")
    writer.writerow(stream.columns)
    count = 0
    for row in stream.rows:
        writer.writerow([csv_cell(value, yes_no) for value in row])
        count += 1
    return count


def write_jsonl(stream: RowStream, out: TextIO) -> int:
    """Write one JSON object per line. Returns rows."""
    count = 0
    for row in stream.rows:
        out.write(_json_line(stream.columns, row) + "\n")
        count += 1
    return count


def write_json(stream: RowStream, out: TextIO) -> int:
    """Write one JSON array, object by object, never holding the whole array. Returns rows."""
    count = 0
    out.write("[")
    for row in stream.rows:
        out.write(("," if count else "") + "\n" + _json_line(stream.columns, row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _json_line(columns: tuple[str, ...], row: tuple[Any, ...]) -> str:
    return json.dumps(
        {column: _json_value(value) for column, value in zip(columns, row, strict=True)},
        ensure_ascii=False,
    )


WRITERS: dict[str, Callable[[RowStream, TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
}


def _stream(session: Session, statement: Executable) -> RowStream:
    """Run ``statement`` in batches and expose its rows under its column names.

    Executed on the session's connection: the rows are plain tuples, and the ORM's result
    machinery cost a third of a large export.
    """
    connection = session.connection().execution_options(yield_per=BATCH_SIZE)
    result = connection.execute(statement)
    return RowStream(tuple(result.keys()), (tuple(row) for row in result))


def _link_export(
    session: Session, run_id: int, link_kind: str, choice: AnalysisChoice
) -> RowStream:
    """Social links of one kind in ``run_id``, one row per sighting with its evidence."""
    link = SocialLinkSighting
    statement = (
        select(
            link.run_id,
            link.body_id,
            Body.name.label("body_name"),
            link.platform,
            link.handle,
            link.account_type,
            link.url,
            link.canonical_url,
            PageFetch.url.label("page_url"),
            link.element,
            link.attribute,
            link.evidence,
            link.rule,
        )
        .join(Body, Body.id == link.body_id)
        .join(PageFetch, PageFetch.id == link.page_id)
        .where(link.run_id == run_id, link.link_kind == link_kind, choice.of(link))
        .order_by(link.body_id, link.platform, link.handle, link.id)
    )
    return _stream(session, statement)


def accounts_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Accounts (profile links) seen in ``run_id``, one row per sighting."""
    return _link_export(session, run_id, "profile", choice)


def unique_accounts_export(session: Session) -> RowStream:
    """One row per account and body over all finished runs (account_history), with the URL it
    was last seen with: first and last seen, and whether it is current, removed or not observed
    (the body's site was down since: an outage, not a removal)."""
    history = account_history.c
    link = SocialLinkSighting
    last_url = (
        select(func.min(func.coalesce(link.canonical_url, link.url)))
        .where(
            link.run_id == history.last_seen_run_id,
            link.body_id == history.body_id,
            link.platform == history.platform,
            link.handle == history.handle,
            link.link_kind == "profile",
            AnalysisChoice().of(link),
        )
        .scalar_subquery()
    )
    statement = (
        select(
            history.body_id,
            Body.name.label("body_name"),
            history.platform,
            history.handle,
            last_url.label("url"),
            history.first_seen_run_id,
            history.first_seen_at,
            history.last_seen_run_id,
            history.last_seen_at,
            history.runs_seen,
            history.status,
        )
        .join(Body, Body.id == history.body_id)
        .order_by(history.body_id, history.platform, history.handle)
    )
    return _stream(session, statement)


def shares_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Share, intent and compose buttons seen in ``run_id``, one row per sighting."""
    return _link_export(session, run_id, "share", choice)


def _tracker_rows(
    run_id: int,
    tier: str,
    hit: type[TrackerSighting] | type[RenderedTracker],
    page: type[PageFetch] | type[RenderedPage],
    page_id: QueryableAttribute[int],
    seen_in: ColumnElement[str] | QueryableAttribute[str],
    choice: AnalysisChoice,
) -> Select[*tuple[Any, ...]]:
    """One tier's tracker sightings in ``run_id`` with the columns of the trackers export."""
    return (
        select(
            hit.run_id,
            hit.body_id,
            Body.name.label("body_name"),
            hit.tracker_id,
            hit.name,
            hit.vendor,
            hit.vendor_country,
            hit.category,
            hit.third_country,
            hit.ids,
            hit.consent_gated,
            page.url.label("page_url"),
            hit.element,
            hit.attribute,
            hit.evidence,
            hit.rule,
            seen_in.label("seen_in"),
            literal(tier, String).label("tier"),
            hit.id.label("sighting_id"),
        )
        .join(Body, Body.id == hit.body_id)
        .join(page, page.id == page_id)
        .where(hit.run_id == run_id, choice.of(hit))
    )


def trackers_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Trackers seen in ``run_id``, one row per sighting with its evidence.

    Sightings of the static tier (``tier='static'``, seen in the markup as served) come before
    those of the rendered tier (``tier='rendered'``), whose ``seen_in`` says whether the browser
    requested them before consent.
    """
    static = TrackerSighting
    rendered = RenderedTracker
    both = union_all(
        _tracker_rows(
            run_id,
            "static",
            static,
            PageFetch,
            static.page_id,
            literal("markup", String),
            choice,
        ),
        _tracker_rows(
            run_id,
            "rendered",
            rendered,
            RenderedPage,
            rendered.rendered_page_id,
            rendered.seen_in,
            choice,
        ),
    ).subquery("both")
    statement = select(*(column for column in both.c if column.name != "sighting_id")).order_by(
        both.c.body_id, both.c.tracker_id, both.c.tier.desc(), both.c.sighting_id
    )
    return _stream(session, statement)


def _observation_export(
    session: Session,
    run_id: int,
    observation: type[HttpRequest] | type[BrowserCookie],
    *columns: QueryableAttribute[Any],
) -> RowStream:
    """One table of browser observations in ``run_id``, each row with its rendered page's URL."""
    statement = (
        select(
            observation.run_id,
            observation.body_id,
            RenderedPage.url.label("page_url"),
            *columns,
        )
        .join(RenderedPage, RenderedPage.id == observation.rendered_page_id)
        .where(observation.run_id == run_id)
        .order_by(observation.body_id, observation.rendered_page_id, observation.id)
    )
    return _stream(session, statement)


def requests_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Requests the browser made on the rendered pages of ``run_id`` (before consent)."""
    request = HttpRequest
    return _observation_export(
        session,
        run_id,
        request,
        request.url,
        request.host,
        request.third_party,
        request.resource_type,
        request.method,
        request.status,
        request.blocked,
    )


def cookies_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Cookies the browser held (or refused: ``refused``) on the rendered pages of ``run_id``;
    ``set_before_consent`` says which a default browser keeps."""
    cookie = BrowserCookie
    return _observation_export(
        session,
        run_id,
        cookie,
        cookie.name,
        cookie.domain,
        cookie.third_party,
        cookie.set_by,
        cookie.lifetime_days,
        cookie.http_only,
        cookie.secure,
        cookie.same_site,
        cookie.refused,
        cookie.set_before_consent,
    )


def pages_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """Pages fetched (or failed) in ``run_id``, one row per page."""
    page = PageFetch
    statement = (
        select(
            page.run_id,
            page.body_id,
            Body.name.label("body_name"),
            page.url,
            page.final_url,
            page.depth,
            page.status,
            page.content_type,
            page.bytes,
            page.title,
            page.error,
            page.fetched_at,
        )
        .join(Body, Body.id == page.body_id)
        .where(page.run_id == run_id)
        .order_by(page.body_id, page.depth, page.url)
    )
    return _stream(session, statement)


BODY_COLUMNS = (
    "run_id",
    "body_id",
    "name",
    "kind",
    "state",
    "population",
    "parent_id",
    "parent_name",
    "seed_url",
    "final_url",
    "reachable",
    "outcome",
    "observation",
    "findings_from_run",
    "pages_fetched",
    "accounts",
    "trackers",
)

# How a run saw a body (``observation``): reached; down, showing the findings of its last run
# that reached it (``findings_from_run``); or never reached, so its findings are unknown.
OBSERVED, OUTAGE, NOT_OBSERVED = "observed", "outage", "not_observed"
# The platform and tracker cells of a body never reached: not "no account", not "no tracker".
UNKNOWN = "not observed"

# After the platform and tracker columns: what the run's rendered pages of the body did before
# consent; empty where the run rendered none of its pages without error (0 means rendered, none).
RENDERED_BODY_COLUMNS = ("third_party_cookies_before_consent", "trackers_requested_before_consent")


def bodies_export(session: Session, run_id: int, choice: AnalysisChoice) -> RowStream:
    """One row per body visited in ``run_id``: its visit, handles per platform, yes/no per tracker.

    The platform and tracker columns are those present in the run's data, sorted. An unreachable
    body keeps the findings of its last run that reached it; ``findings_from_run`` says which and
    ``observation`` says ``outage``. A body no run ever reached says ``not_observed`` there, and
    "not observed" in every platform and tracker cell.
    The rendered columns come last and are the run's own: empty where it rendered no page of
    the body (they are never carried over from an earlier run).
    """
    source = findings_source(run_id).subquery("source")
    link = SocialLinkSighting
    accounts = findings_as_of(
        run_id,
        link,
        [link.platform, link.handle],
        link.link_kind == "profile",
        link.handle.is_not(None),
        choice=choice,
    ).subquery("accounts")
    hits = findings_as_of(
        run_id, TrackerSighting, [TrackerSighting.tracker_id], choice=choice
    ).subquery("hits")
    platforms = sorted(session.scalars(select(accounts.c.platform).distinct()))
    trackers = sorted(session.scalars(select(hits.c.tracker_id).distinct()))
    parent = aliased(Body)
    body_rows = session.execute(
        select(
            source.c.body_id,
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
            source.c.pages_fetched,
        )
        .join(Body, Body.id == source.c.body_id)
        .outerjoin(parent, parent.id == Body.parent_id)
        .order_by(source.c.body_id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    account_rows = session.execute(
        select(accounts)
        .order_by(accounts.c.body_id, accounts.c.platform, accounts.c.handle)
        .execution_options(yield_per=BATCH_SIZE)
    )
    hit_rows = session.execute(
        select(hits)
        .order_by(hits.c.body_id, hits.c.tracker_id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    state = rendered_body_state.c
    render_rows = session.execute(
        select(state.body_id, state.third_party_cookies, state.trackers_requested)
        .join(
            BodyVisit,
            and_(BodyVisit.run_id == state.run_id, BodyVisit.body_id == state.body_id),
        )
        .where(state.run_id == run_id)
        .order_by(state.body_id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    columns = (
        *BODY_COLUMNS,
        *(f"account_{platform}" for platform in platforms),
        *(f"tracker_{tracker}" for tracker in trackers),
        *RENDERED_BODY_COLUMNS,
    )
    return RowStream(
        columns,
        _wide_rows(
            run_id,
            body_rows,
            account_rows,
            hit_rows,
            render_rows,
            platforms=platforms,
            trackers=trackers,
        ),
    )


def _wide_rows(
    run_id: int,
    bodies: Iterable[Any],
    accounts: Iterable[Any],
    hits: Iterable[Any],
    renders: Iterable[Any],
    *,
    platforms: list[str],
    trackers: list[str],
) -> Iterator[tuple[Any, ...]]:
    """Merge four streams ordered by body id into one wide row per body.

    The account, tracker and render streams hold only bodies of the body stream, in the
    database's order, so advancing on equal ids is enough (no Python comparison of collations).
    """
    account_groups = _ByBody(accounts)
    hit_groups = _ByBody(hits)
    render_groups = _ByBody(renders)
    for body in bodies:
        (body_id, *who, seed_url, final_url, reachable, outcome, source_run,
         pages_fetched) = body  # fmt: skip
        handles: dict[str, list[str]] = {}
        for _body_id, platform, handle in account_groups.take(body_id):
            handles.setdefault(platform, []).append(handle)
        seen = {tracker for _body_id, tracker in hit_groups.take(body_id)}
        [(_body_id, cookies, requested)] = render_groups.take(body_id) or [(body_id, None, None)]
        known = source_run is not None
        observation = OBSERVED if reachable else OUTAGE if known else NOT_OBSERVED
        yield (
            run_id,
            body_id,
            *who,
            seed_url,
            final_url,
            reachable,
            outcome,
            observation,
            source_run,
            pages_fetched,
            sum(len(found) for found in handles.values()) if known else None,
            len(seen) if known else None,
            *(handles.get(platform) if known else UNKNOWN for platform in platforms),
            *(tracker in seen if known else UNKNOWN for tracker in trackers),
            cookies,
            requested,
        )


class _ByBody:
    """Rows grouped by their first column, taken group by group as the body stream advances."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._next = next(self._groups, None)

    def take(self, body_id: str) -> list[Any]:
        """The rows of ``body_id`` if the next group is that body's, else none."""
        if self._next is None or self._next[0] != body_id:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows


# Each reads the run's findings from the analysis the choice names (default: the newest).
EXPORTS: dict[str, Callable[[Session, int, AnalysisChoice], RowStream]] = {
    "accounts": accounts_export,
    "trackers": trackers_export,
    "bodies": bodies_export,
    "pages": pages_export,
    "shares": shares_export,
    "requests": requests_export,
    "cookies": cookies_export,
}
