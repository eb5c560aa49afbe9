"""``govsocial seeds discover``: websites proposed for the units of a seed list that have none.

Candidates come from each unit's name and relations (crawler/seeds/candidates.py); they are
fetched under the crawl's rules by crawler/spiders/discovery.py. Every finished unit's verdict is
appended to ``OUT.partial`` at once; a discovery run again after an interruption reads it and
skips those units. The result is written to a temporary file and renamed to ``OUT`` at the end.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler.net.guard import ALLOW_PRIVATE_SETTING
from crawler.net.resolver import HOSTS_SETTING
from crawler.run.crawl import default_and_environment_settings
from crawler.seeds import taxonomy
from crawler.seeds.candidates import Body, Member, Neighbourhood, candidates
from crawler.seeds.files import replace_with_csv
from crawler.seeds.seedfile import Seed, read_seeds
from crawler.seeds.verify import Facts, Verdict
from crawler.spiders.discovery import DiscoverySpider, Task

COLUMNS = tuple(field.name for field in dataclasses.fields(Verdict))
CANDIDATE_COLUMNS = ("id", "candidate_url")
# What discovery changes of the crawl's settings: no storage, no progress display, and a
# candidate that does not answer is not asked again.
DISCOVERY_SETTINGS = {
    "ITEM_PIPELINES": {},
    "EXTENSIONS": {},
    "SPIDER_MIDDLEWARES": {},
    "RETRY_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 20,
    "REDIRECT_MAX_TIMES": 5,
    "LOG_LEVEL": "WARNING",
}


@dataclass(slots=True)
class DiscoveryOptions:
    """What ``seeds discover`` was asked to do."""

    seeds: Path
    output: Path
    columns: dict[str, str] = field(default_factory=dict)
    allow_private: bool = False
    hosts: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    say: Callable[[str], None] = lambda _: None  # one line per settled unit


@dataclass(slots=True)
class DiscoveryReport:
    """How a discovery ended: units asked about, proposals made, units taken from OUT.partial."""

    units: int
    proposed: int
    resumed: int
    finished: bool
    output: Path


def journal_path(output: Path) -> Path:
    """Where finished units are kept while a discovery runs: ``OUT.partial``."""
    return output.with_name(output.name + ".partial")


def tasks_of(path: Path, columns: dict[str, str]) -> list[Task]:
    """One task per unit without a website, with its relations from the same list."""
    seed_list = read_seeds(path, columns, skip_without_url=True, need_url=False)
    everyone = {seed.id: seed for seed in (*seed_list.seeds, *seed_list.without_url)}
    around = _neighbourhood(everyone)
    return [_task(seed, everyone, around) for seed in seed_list.without_url]


def _neighbourhood(everyone: dict[str, Seed]) -> Neighbourhood:
    """Every Verband's seat and every Kreis's landscapes, from the whole list."""
    members = [
        Member(
            seed.name,
            seed.population,
            seed.attributes.get("kreis_id", ""),
            seed.attributes.get("verband_id", ""),
            seed.kind or "",
            _state_code(seed),
        )
        for seed in everyone.values()
    ]
    kreise = {seed.id: seed.name for seed in everyone.values() if seed.kind == "landkreis"}
    return Neighbourhood.of(members, kreise)


def _task(seed: Seed, everyone: dict[str, Seed], around: Neighbourhood) -> Task:
    attributes = seed.attributes
    kreis = everyone.get(attributes.get("kreis_id", ""))
    verband = everyone.get(attributes.get("verband_id", ""))
    parent = everyone.get(seed.parent_id or "")
    if kreis is None and verband is None and parent is not None:
        verband = parent if parent.kind == "verband" else None
        kreis = parent if parent.kind == "landkreis" else None
    runner = parent if parent and taxonomy.run_by_parent(seed.kind, parent.kind) else None
    administering = verband or runner
    state_code = _state_code(seed)
    body = Body(
        seed.id,
        seed.name,
        seed.kind or "",
        attributes.get("kind_label", ""),
        state_code,
        verband.name if verband else "",
        verband.attributes.get("kind_label", "") if verband else "",
        administering.url if administering else "",
        kreis.name if kreis else "",
        around.seats_of(verband.id, kreis.id if kreis else "", verband.name) if verband else (),
        around.regions_of(kreis.id if kreis else "", verband.name if verband else ""),
        runner.name if runner else "",
        (runner.kind or "") if runner else "",
        tuple((kreis or seed).attributes.get("plate_codes", "").split()),
        around.is_namesake(seed.name),
        around.land_regions_of(state_code),
    )
    # A page of the erfüllende Gemeinde names it as a Verband's page names the Verband.
    facts = Facts(
        seed.id,
        seed.name,
        attributes.get("plz", ""),
        kreis.name if kreis else "",
        administering.name if administering else "",
    )
    return Task(facts, tuple(candidates(body)))


def _state_code(seed: Seed) -> str:
    return seed.attributes.get("state_code") or (seed.id[:2] if seed.id.isdigit() else "")


def write_candidates(tasks: list[Task], output: Path) -> int:
    """``id, candidate_url``, one row per candidate; no network. Returns the rows written."""
    rows = [
        {"id": task.facts.id, "candidate_url": candidate.url}
        for task in tasks
        for candidate in task.candidates
    ]
    replace_with_csv(output, CANDIDATE_COLUMNS, rows)
    return len(rows)


def discover(options: DiscoveryOptions) -> DiscoveryReport:
    """Verify the candidates of every unit not yet in ``OUT.partial``; write OUT when done."""
    tasks = tasks_of(options.seeds, options.columns)
    journal = journal_path(options.output)
    done = _read_journal(journal)
    resumed = len(done)
    remaining = [task for task in tasks if task.facts.id not in done]
    journal.parent.mkdir(parents=True, exist_ok=True)
    with journal.open("a", encoding="utf-8") as sink:

        def keep(verdict: Verdict) -> None:
            done[verdict.id] = verdict
            sink.write(json.dumps(dataclasses.asdict(verdict), ensure_ascii=False) + "\n")
            sink.flush()
            found = verdict.url or f"none ({verdict.reason})"
            options.say(f"settled {verdict.id} {verdict.name}: {found}")

        finished = _run_spider(options, remaining, keep) if remaining else True
    if not finished or any(task.facts.id not in done for task in tasks):
        return DiscoveryReport(len(tasks), 0, resumed, False, options.output)
    verdicts = [done[task.facts.id] for task in tasks]
    replace_with_csv(options.output, COLUMNS, (_row(verdict) for verdict in verdicts))
    journal.unlink()
    proposed = sum(1 for verdict in verdicts if verdict.url)
    return DiscoveryReport(len(tasks), proposed, resumed, True, options.output)


def _run_spider(
    options: DiscoveryOptions, tasks: list[Task], keep: Callable[[Verdict], None]
) -> bool:
    settings = default_and_environment_settings()
    for name, value in DISCOVERY_SETTINGS.items():
        settings.set(name, value, priority="cmdline")
    settings.set(ALLOW_PRIVATE_SETTING, options.allow_private, priority="cmdline")
    settings.set(HOSTS_SETTING, options.hosts, priority="cmdline")
    for name, value in options.overrides.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    # A candidate that does not exist fails its robots.txt first: data, not an error.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(DiscoverySpider)
    process.crawl(crawler, tasks=tasks, on_verdict=keep)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return stats.get("finish_reason") == "finished"


def _read_journal(journal: Path) -> dict[str, Verdict]:
    if not journal.exists():
        return {}
    done = {}
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            verdict = Verdict(**json.loads(line))
        except (ValueError, TypeError):
            continue  # the line being written when the process was killed
        done[verdict.id] = verdict
    return done


def _row(verdict: Verdict) -> dict[str, str]:
    return {name: str(value) for name, value in dataclasses.asdict(verdict).items()}
