"""Write a run's report: ``index.html``, its assets and its data, a folder that opens anywhere.

The page is rendered by Jinja2 with autoescaping on; charts and the map are SVG drawn in Python.
The bodies and their evidence go to ``data/*.js`` files, JSON escaped for a script context, that
the packaged ``assets/report.js`` reads into the page with ``textContent`` only. Nothing in the
folder names another server, and the page's Content-Security-Policy forbids any.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import __version__
from crawler.report import charts, laender
from crawler.report.i18n import VENDOR_NAMES, Language
from db.bodyrecords import (
    AccountRecord,
    BodyRecord,
    TrackerRecord,
    body_records,
    visit_changes,
)
from db.diff import diff_runs
from db.figures import Breakdown, GroupFigures, Share, breakdown, most_common, series
from db.models import FINISHED, CrawlRun, TrackerSighting, utcnow

MARKER = ".govsocial-report"  # marks a folder this module wrote, so it may replace it
ASSETS = ("report.css", "report.js")
BODIES_PER_SHARD = 250
EVIDENCE_CHARS = 300  # of a matched value; the database keeps up to 500
LINES = 6  # series per line chart
TABLE_PLATFORMS = 5  # platform columns in the tables per Land and kind


class ReportError(Exception):
    """The report cannot be written where asked (one line for the operator)."""


@dataclass(frozen=True, slots=True)
class Written:
    """A report on disk: its page, the run it shows, its bodies, files and bytes."""

    index: Path
    run_id: int | None
    bodies: int
    files: int
    bytes: int


def script_json(value: Any) -> str:
    """JSON that cannot end a ``<script>`` or start markup: ``<``, ``>``, ``&`` as escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, escaped)
    return text


def environment() -> Environment:
    """Jinja2 with the packaged templates, autoescaping everything, failing on unknown names."""
    return Environment(
        loader=PackageLoader("crawler.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_report(session: Session, run: CrawlRun | None, output: Path, lang: str) -> Written:
    """Write the report of ``run`` (None: a database without a finished run) into ``output``."""
    _check_target(output)
    partial = output.with_name(output.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    (partial / "assets").mkdir(parents=True)
    language = Language(lang)
    records = body_records(session, run.id) if run is not None else []
    context = _context(session, run, records, language) if run is not None else {}
    page = environment().get_template("index.html.j2").render(
        t=language,
        lang=lang,
        run=run,
        messages=Markup(script_json(_script_messages(language))),
        generated=language("generated", version=__version__, date=f"{utcnow():%Y-%m-%d %H:%M} UTC"),
        geometry=laender.geometry(),
        **context,
    )
    (partial / "index.html").write_text(page, encoding="utf-8")
    for asset in ASSETS:
        source = resources.files("crawler.report").joinpath(f"static/{asset}")
        (partial / "assets" / asset).write_bytes(source.read_bytes())
    if run is not None:
        _write_bodies(partial / "data", records, language)
    (partial / MARKER).write_text("govsocial report\n", encoding="utf-8")
    _replace(partial, output)
    files = [path for path in output.rglob("*") if path.is_file()]
    return Written(
        output / "index.html",
        run.id if run is not None else None,
        len(records),
        len(files),
        sum(path.stat().st_size for path in files),
    )


def _check_target(output: Path) -> None:
    ours = (output / MARKER).exists()
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not ours)):
        raise ReportError(
            f"{output} exists and is not a govsocial report: choose an empty or new folder"
        )


def _replace(partial: Path, output: Path) -> None:
    """Put the finished report in place; a previous one is removed only once it is there."""
    old = output.with_name(output.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(partial, output)
    if old.exists():
        shutil.rmtree(old)


def _script_messages(language: Language) -> dict[str, Any]:
    """The words report.js needs, and how to write numbers."""
    keys = (
        "search shown observed outage never_reached no_website detail_close detail_website "
        "detail_parent detail_population detail_outcome detail_findings_run detail_accounts "
        "detail_trackers detail_rendered detail_none detail_not_observed detail_loading platform "
        "handle page element rule value first_seen last_seen status status_current "
        "status_removed status_not_observed tracker vendor country category consent "
        "consent_gated consent_not_gated pages ids third_party_requests third_party_hosts "
        "third_party_cookies trackers_requested contacts share_of map_no_data"
    ).split()
    return {
        "text": {key: language(key) for key in keys},
        "decimal": "," if language.code == "de" else ".",
        "percent": "\u202f%" if language.code == "de" else "%",
        "thousands": "." if language.code == "de" else ",",
        "colours": list(laender.CLASS_COLOURS),
        "noData": laender.NO_DATA_COLOUR,
        "vendors": VENDOR_NAMES,
    }


def _share_text(language: Language, share: Share) -> str:
    count, of = language.integer(share.count), language.integer(share.of)
    return f"{language.percent(share.percent)} ({language('share_of', count=count, of=of)})"


@dataclass(frozen=True, slots=True)
class Metric:
    """A share the map can show: its key, label and value per Land."""

    key: str
    label: str
    shares: dict[str, Share]


def _metrics(states: Breakdown, language: Language) -> list[Metric]:
    """The map's choices: accounts per platform, any account or tracker, categories, contacts."""
    lands = [group for group in states.groups if group.key is not None]

    def metric(key: str, label: str, share_of: Any) -> Metric:
        return Metric(key, label, {str(group.key): share_of(group) for group in lands})

    metrics = [
        metric(f"platform:{p}", language("account_on", platform=language.platform(p)),
               lambda group, p=p: group.platform_share(p))
        for p in states.platforms
    ]
    metrics.append(metric("with_account", language("with_account"),
                          lambda group: Share(group.with_account, group.reached)))  # fmt: skip
    metrics.append(metric("with_tracker", language("with_tracker"),
                          lambda group: Share(group.with_tracker, group.reached)))  # fmt: skip
    metrics += [
        metric(f"category:{c}", language("tracker_of", category=language.category(c)),
               lambda group, c=c: group.category_share(c))
        for c in states.categories
    ]
    if states.total.rendered:
        metrics += [
            metric(f"contacts:{v}", language(f"contacts_{v}"),
                   lambda group, v=v: group.contact_share(v))
            for v in ("meta", "google")
        ]
    return metrics


def _map(metrics: Sequence[Metric], language: Language) -> dict[str, Any]:
    default = metrics[0]
    describe = {
        land: f"{land}: {_share_text(language, share)}" for land, share in default.shares.items()
    }
    data = {
        metric.key: {
            "label": metric.label,
            "shares": {land: [share.count, share.of] for land, share in metric.shares.items()},
        }
        for metric in metrics
    }
    return {
        "svg": laender.choropleth(default.shares, default.label, describe),
        "legend": laender.legend(language("map_no_data")),
        "metrics": [(metric.key, metric.label) for metric in metrics],
        "data": Markup(script_json(data)),
    }


def _bars(group: GroupFigures, breakdown_: Breakdown, language: Language) -> dict[str, Markup]:
    platform_bars = [
        charts.Bar(language.platform(p), share.percent, _share_text(language, share))
        for p in breakdown_.platforms
        for share in [group.platform_share(p)]
    ]
    category_bars = [
        charts.Bar(language.category(c), share.percent, _share_text(language, share))
        for c in breakdown_.categories
        for share in [group.category_share(c)]
    ]
    contact_bars = [
        charts.Bar(VENDOR_NAMES[v], share.percent, _share_text(language, share))
        for v in ("meta", "google", "x")
        for share in [group.contact_share(v)]
    ]
    return {
        "platforms": charts.bar_chart(platform_bars, language("platforms")),
        "categories": charts.bar_chart(category_bars, language("categories")),
        "contacts": charts.bar_chart(contact_bars, language("rendered")),
    }


def _time(session: Session, run: CrawlRun, language: Language) -> dict[str, Any]:
    points = series(session, run.id)
    labels = [f"{point.started_at:%Y-%m-%d} (#{point.run_id})" for point in points]

    def lines(attribute: str, keys: Sequence[str], name: Any) -> list[charts.Series]:
        return [
            charts.Series(
                name(key),
                tuple(
                    Share(getattr(point, attribute).get(key, 0), point.reached).percent
                    for point in points
                ),
            )
            for key in keys
        ]

    platforms = most_common(points, "platforms", LINES)
    trackers = most_common(points, "trackers", LINES)
    tracker_names = _tracker_names(session, trackers)
    platform_lines = lines("platforms", platforms, language.platform)
    tracker_lines = lines("trackers", trackers, lambda key: tracker_names.get(key, key))
    return {
        "runs": len(points),
        "platform_chart": charts.line_chart(labels, platform_lines, language("platforms_over_time"),
                                            language.percent),
        "platform_legend": charts.legend([line.name for line in platform_lines]),
        "tracker_chart": charts.line_chart(labels, tracker_lines, language("trackers_over_time"),
                                           language.percent),
        "tracker_legend": charts.legend([line.name for line in tracker_lines]),
    }


def _tracker_names(session: Session, tracker_ids: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        select(TrackerSighting.tracker_id, TrackerSighting.name)
        .where(TrackerSighting.tracker_id.in_(tracker_ids))
        .distinct()
    )
    return {tracker_id: name for tracker_id, name in rows}


def _changes(session: Session, run: CrawlRun) -> dict[str, Any]:
    previous = session.scalars(
        select(CrawlRun)
        .where(CrawlRun.id < run.id, CrawlRun.status == FINISHED)
        .order_by(CrawlRun.id.desc())
    ).first()
    if previous is None:
        return {"previous": None}
    changes = visit_changes(session, previous.id, run.id)
    return {
        "previous": previous,
        "diff": diff_runs(session, previous, run),
        "went_down": [c for c in changes if c.reachable_before and not c.reachable_now],
        "came_back": [c for c in changes if c.reachable_now and not c.reachable_before],
        "down_in_both": sum(not (c.reachable_before or c.reachable_now) for c in changes),
    }


def _context(
    session: Session, run: CrawlRun, records: Sequence[BodyRecord], language: Language
) -> dict[str, Any]:
    states = breakdown(session, run.id, "state")
    kinds = breakdown(session, run.id, "kind")
    metrics = _metrics(states, language)
    return {
        "states": states,
        "kinds": kinds,
        "total": states.total,
        "table_platforms": states.platforms[:TABLE_PLATFORMS],
        "bars": _bars(states.total, states, language),
        "map": _map(metrics, language),
        "time": _time(session, run, language),
        "changes": _changes(session, run),
        "share_text": lambda share: _share_text(language, share),
        "Share": Share,
        "body_count": len(records),
    }


def _date(value: datetime | None) -> str | None:
    return f"{value:%Y-%m-%d}" if value is not None else None


def _account_row(account: AccountRecord, language: Language) -> list[Any]:
    evidence = account.evidence
    return [language.platform(account.platform), account.handle, account.url,
            evidence.page_url, evidence.element, evidence.attribute, evidence.rule,
            evidence.value[:EVIDENCE_CHARS],
            _date(account.seen.first_seen_at), _date(account.seen.last_seen_at),
            account.seen.status]  # fmt: skip


def _tracker_row(tracker: TrackerRecord, language: Language) -> list[Any]:
    evidence = tracker.evidence
    return [tracker.tracker_id, tracker.name, tracker.vendor, tracker.vendor_country,
            language.category(tracker.category), tracker.consent_gated, tracker.pages,
            list(tracker.ids),
            evidence.page_url, evidence.element, evidence.attribute, evidence.rule,
            evidence.value[:EVIDENCE_CHARS], _date(tracker.seen.first_seen_at),
            _date(tracker.seen.last_seen_at), tracker.seen.status]  # fmt: skip


def _detail(record: BodyRecord, language: Language) -> dict[str, Any]:
    rendered = record.rendered
    return {
        "website": record.seed_url,
        "final": record.final_url,
        "population": record.population,
        "parent": record.parent_name or record.parent_id,
        "outcome": record.outcome,
        "run": record.findings_run,
        "accounts": [_account_row(account, language) for account in record.accounts],
        "trackers": [_tracker_row(tracker, language) for tracker in record.trackers],
        "rendered": None
        if rendered is None
        else [rendered.third_party_requests, rendered.third_party_hosts,
              rendered.third_party_cookies, rendered.trackers_requested,
              list(rendered.contacts)],
    }


def _shards(records: Sequence[BodyRecord]) -> Iterator[tuple[int, Sequence[BodyRecord]]]:
    for start in range(0, len(records), BODIES_PER_SHARD):
        yield start // BODIES_PER_SHARD, records[start : start + BODIES_PER_SHARD]


def _list_row(record: BodyRecord, shard: int, language: Language) -> list[Any]:
    platforms = sorted({language.platform(account.platform) for account in record.accounts})
    return [record.id, record.name, language.kind(record.kind) if record.kind else "",
            record.state or "", record.observation, record.findings_run, len(record.accounts),
            len(record.trackers), platforms, shard]  # fmt: skip


def _write_bodies(folder: Path, records: Sequence[BodyRecord], language: Language) -> None:
    (folder / "bodies").mkdir(parents=True)
    rows: list[list[Any]] = []
    for shard, chunk in _shards(records):
        rows += [_list_row(record, shard, language) for record in chunk]
        details = {record.id: _detail(record, language) for record in chunk}
        _write_script(folder / "bodies" / f"{shard:04d}.js", "addDetails", details)
    _write_script(folder / "bodies.js", "addBodies", rows)


def _write_script(path: Path, call: str, value: Iterable[Any] | dict[str, Any]) -> None:
    path.write_text(f"govsocial.{call}({script_json(value)});\n", encoding="utf-8")
