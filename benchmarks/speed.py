"""``python -m benchmarks`` (``make bench``): speed and scale figures for benchmarks/RESULTS.md.

Each subcommand prints Markdown lines (machine, date, command, figures) to paste into the
results file. Crawls run in subprocesses against the synthetic web's loopback server.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    archivebench,
    crawlbench,
    dbbench,
    detectbench,
    discoveryweb,
    instructions,
    renderbench,
    reportbench,
    workersbench,
)
from benchmarks.synthweb import WebShape, real_homepages
from crawler.render.config import DEFAULT_IDLE_TIMEOUT, DEFAULT_RENDER_PAGES, find_chromium

OUT = Path(__file__).parent / "out"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHARED = CORPUS.parent
POSTGRES_ENV = "GOVSOCIAL_TEST_POSTGRES_URL"


def machine() -> str:
    """CPU model, cores, Python and load: what a figure was measured on."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {load}"
    )


def header(argv: Sequence[str]) -> None:
    """Date, machine and the command that produced the figures below it."""
    print(f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {machine()}")
    print(f"- command: `.venv/bin/python -m benchmarks {' '.join(argv)}`")


def _shape(args: argparse.Namespace) -> WebShape:
    return WebShape(bodies=args.bodies, page_kb=args.page_kb, variants=args.variants)


def _settings(args: argparse.Namespace) -> crawlbench.CrawlSettings:
    return crawlbench.CrawlSettings(
        concurrency=args.concurrency,
        per_domain=args.per_domain,
        robots=not args.no_robots,
        max_pages=args.max_pages,
        latency_ms=args.latency_ms,
        delay=args.delay,
        analysis_workers=args.workers,
        max_open_bodies=args.max_open_bodies,
    )


def run_crawl(args: argparse.Namespace) -> None:
    """govsocial against the baseline spider on the same pages."""
    folder = OUT / (
        f"crawl-{args.bodies}-{args.delay}-{args.latency_ms}-{args.workers}-{args.max_open_bodies}"
    )
    results = crawlbench.compare(_shape(args), _settings(args), folder)
    print(
        "| crawler | pages | crawl s | pages/s | CPU s crawl + workers | CPU ms/page | "
        "peak RSS MB crawl + worker | server CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        print(
            f"| {result.mode} | {result.pages} | {result.elapsed_s:.1f} | "
            f"{result.pages_per_s:.1f} | {result.cpu_s:.1f} + {result.workers_cpu_s:.1f} | "
            f"{1000 * result.total_cpu_s / max(result.pages, 1):.1f} | "
            f"{result.peak_rss_mb:.0f} + {result.workers_peak_rss_mb:.0f} | "
            f"{result.server_cpu_s:.1f} |"
        )
    ours, theirs = results
    ratio = ours.pages_per_s / theirs.pages_per_s
    print(f"\ngovsocial / baseline pages per second: **{ratio:.2f}**")


def run_archive(args: argparse.Namespace) -> None:
    """Crawl throughput with and without --archive, archive size, reanalyse speed."""
    folder = OUT / f"archive-{args.bodies}-{args.page_kb}"
    results = archivebench.rounds(_shape(args), _settings(args), folder, args.rounds)
    print(
        "| round | pages | plain pages/s | archived pages/s | ratio | CPU ms/page plain / "
        "archived | archive MB | MB per 1,000 pages | MB per 1,000 bodies | reanalyse pages/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for index, result in enumerate(results, 1):
        plain, archived = result.plain, result.archived
        ratio = archived.pages_per_s / plain.pages_per_s
        ratios.append(ratio)
        megabytes = result.archive_bytes / 1e6
        print(
            f"| {index} | {archived.pages} | {plain.pages_per_s:.1f} | "
            f"{archived.pages_per_s:.1f} | {ratio:.2f} | "
            f"{1000 * plain.total_cpu_s / max(plain.pages, 1):.1f} / "
            f"{1000 * archived.total_cpu_s / max(archived.pages, 1):.1f} | {megabytes:.1f} | "
            f"{1000 * megabytes / max(archived.pages, 1):.1f} | "
            f"{1000 * megabytes / max(result.bodies, 1):.1f} | "
            f"{result.reanalysed_pages / result.reanalyse_s:.1f} |"
        )
    listed = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    print(f"\narchived / plain pages per second, per round: {listed}")
    if args.corpus.is_dir():
        pages, body_bytes, archive_bytes, seconds = archivebench.corpus_archive(
            args.corpus, folder / "corpus"
        )
        print(
            f"\nshared corpus: {pages} real homepages, {body_bytes / 1e6:.1f} MB of HTML -> "
            f"{archive_bytes / 1e6:.1f} MB of WARC ({1000 * archive_bytes / 1e6 / pages:.1f} MB "
            f"per 1,000 pages), written in {1000 * seconds / pages:.1f} ms per page"
        )


def run_ceiling(args: argparse.Namespace) -> None:
    """The server's own ceiling, measured with wrk (Debian package) on one body's homepage."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (`apt-get install wrk`); server ceiling not measured")
        return
    with crawlbench.serve(_shape(args), args.latency_ms) as served:
        for path in ("/", "/robots.txt"):
            command = [wrk, "-t1", f"-c{args.concurrency}", f"-d{args.seconds}s"]
            command += ["-H", f"Host: {_shape(args).host(0)}"]
            command.append(f"http://127.0.0.1:{served.port}{path}")
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rate = next(line for line in output.splitlines() if line.startswith("Requests/sec"))
            print(
                f"- `{' '.join(command[:-1])} http://127.0.0.1:PORT{path}`: "
                f"{rate.split()[-1]} requests/s"
            )


def _table_over_corpus(corpus: Path, skipped: str, *columns: str) -> bool:
    """Print a table's header, or say why the corpus figures are skipped (False)."""
    if not corpus.is_dir():
        print(f"{corpus} is absent: {skipped} skipped")
        return False
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    return True


def run_detect(args: argparse.Namespace) -> None:
    """Per-page costs over the real corpus."""
    columns = ("step", "median ms per 100 KB", "p95 ms per 100 KB", "pages")
    if _table_over_corpus(args.corpus, "corpus timings", *columns):
        for timing in detectbench.measure(args.corpus, args.repeats):
            print(
                f"| {timing.step} | {timing.median_ms:.2f} | {timing.p95_ms:.2f} | {timing.pages} |"
            )


def run_instructions(args: argparse.Namespace) -> None:
    """Instructions per page of each analysis step, counted by callgrind (noise-free)."""
    columns = ("step", "million instructions per page", "per 100 KB")
    if _table_over_corpus(args.corpus, "instruction counts", *columns):
        for step in args.steps:
            counted = instructions.count(step, args.corpus)
            print(
                f"| {step} | {counted.per_page_millions:.2f} | {counted.per_100kb_millions:.2f} |"
            )


def run_db(args: argparse.Namespace) -> None:
    """The run writer's insert rate on SQLite and, when configured, PostgreSQL."""
    shape = WebShape(bodies=args.bodies, page_kb=args.page_kb, variants=args.variants)
    rates = []
    database = OUT / "dbbench.sqlite"
    for stale in OUT.glob("dbbench.sqlite*"):
        stale.unlink()
    rates.append(dbbench.write_run(f"sqlite:///{database}", shape, args.max_pages, OUT, args.batch))
    postgres = args.postgres or os.environ.get(POSTGRES_ENV)
    if postgres:
        with dbbench.scratch_postgres(postgres) as url:
            rates.append(dbbench.write_run(url, shape, args.max_pages, OUT, args.batch))
    else:
        print(f"(PostgreSQL skipped: pass --postgres or set {POSTGRES_ENV})")
    print("| database | items per transaction | bodies | pages | findings | seconds | pages/s |")
    print("|---|---|---|---|---|---|---|")
    for rate in rates:
        print(
            f"| {rate.database} | {rate.batch} | {rate.bodies} | {rate.pages} | {rate.findings} | "
            f"{rate.seconds:.1f} | {rate.pages_per_s:.0f} |"
        )


def run_growth(args: argparse.Namespace) -> None:
    """What each run adds to the database, on SQLite and, when configured, PostgreSQL."""
    shape = WebShape(bodies=args.bodies, page_kb=args.page_kb, variants=args.variants)
    database = OUT / "growth.sqlite"
    for stale in OUT.glob("growth.sqlite*"):
        stale.unlink()
    rows = list(dbbench.grow(f"sqlite:///{database}", shape, args.max_pages, OUT, args.runs))
    postgres = args.postgres or os.environ.get(POSTGRES_ENV)
    if postgres:
        with dbbench.scratch_postgres(postgres) as url:
            rows += dbbench.grow(url, shape, args.max_pages, OUT, args.runs)
    else:
        print(f"(PostgreSQL skipped: pass --postgres or set {POSTGRES_ENV})")
    print("| database | run | bodies | pages | MB after the run | MB added | MB per 1,000 bodies |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.database} | {row.run} | {row.bodies} | {row.pages} | "
            f"{row.bytes_after / 1e6:.1f} | {row.bytes_added / 1e6:.1f} | "
            f"{row.mb_per_1000_bodies:.1f} |"
        )


EXPORT_KINDS = ("accounts", "trackers", "shares", "pages", "bodies")


def run_export(args: argparse.Namespace) -> None:
    """Build (or reuse) a national-size run in SQLite, then time ``govsocial export`` on it."""
    database = OUT / f"national-{args.bodies}.sqlite"
    url = f"sqlite:///{database}"
    if not database.exists():
        shape = WebShape(bodies=args.bodies, page_kb=args.page_kb, variants=args.variants)
        rate = dbbench.write_run(url, shape, args.max_pages, OUT)
        print(
            f"- built {database.name}: {rate.bodies} bodies, {rate.pages} pages, "
            f"{rate.findings} findings in {rate.seconds:.1f} s ({rate.pages_per_s:.0f} pages/s)"
        )
    cli = [sys.executable, "-m", "crawler.cli"]
    probe = subprocess.run([*cli, "export", "--help"], capture_output=True, check=False)
    if probe.returncode != 0:
        print("- `govsocial export` is not on this branch yet: export not timed")
        return
    print("| export | rows | seconds (whole command, process start included) |")
    print("|---|---|---|")
    for kind in EXPORT_KINDS:
        target = OUT / f"export-{kind}.csv"
        started = time.perf_counter()
        command = [*cli, "export", kind, "--run", "latest", "--db", url, "-o", str(target)]
        subprocess.run(command, capture_output=True, check=True)
        seconds = time.perf_counter() - started
        with target.open(newline="", encoding="utf-8") as rows:
            count = sum(1 for _ in csv.reader(rows)) - 1
        print(f"| {kind} | {count} | {seconds:.2f} |")


def run_report(args: argparse.Namespace) -> None:
    """Write the report of a national-size database (two runs) and open it in Chromium."""
    database = OUT / f"national-report-{args.bodies}.sqlite"
    url = reportbench.national_database(database, _shape(args), args.max_pages, runs=2)
    print("| round | seconds | files | MB in all | index.html KB | bodies.js KB | largest shard KB"
          " |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    folder = OUT / "national-report"
    for round_ in range(1, args.rounds + 1):
        size = reportbench.write(url, folder)
        print(
            f"| {round_} | {size.seconds:.1f} | {size.files} | {size.total_bytes / 1e6:.1f} | "
            f"{size.index_bytes / 1e3:.0f} | {size.list_bytes / 1e3:.0f} | "
            f"{size.largest_shard_bytes / 1e3:.0f} |"
        )
    chromium = find_chromium(os.environ.get("GOVSOCIAL_CHROMIUM"))
    if chromium is None:
        print("(no Chromium: opening not timed)")
        return
    print("| opening | load event ms | bodies listed ms | search ms | one body's evidence ms |")
    print("|---|---|---|---|---|")
    for round_ in range(1, args.rounds + 1):
        opened = reportbench.open_in_chromium(folder / "index.html", chromium, "B04711")
        print(
            f"| {round_} | {opened.loaded_ms:.0f} | {opened.listed_ms:.0f} | "
            f"{opened.search_ms:.0f} | {opened.detail_ms:.0f} |"
        )


def run_memory(args: argparse.Namespace) -> None:
    """Peak RSS of govsocial crawls of growing size."""
    print(
        "| bodies | pages | crawl s | pages/s | crawl process MB | analysis workers x largest MB"
        " | all children MB | total MB | crawl process open files |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for bodies in args.sizes:
        shape = WebShape(bodies=bodies, page_kb=args.page_kb, variants=args.variants)
        result = crawlbench.govsocial_only(shape, _settings(args), OUT / f"memory-{bodies}")
        print(
            f"| {bodies} | {result.pages} | {result.elapsed_s:.1f} | "
            f"{result.pages_per_s:.1f} | {result.peak_rss_mb:.0f} | {result.workers} x "
            f"{result.workers_peak_rss_mb:.0f} | {result.children_peak_rss_mb:.0f} | "
            f"{result.total_peak_rss_mb:.0f} | {result.peak_open_files} |",
            flush=True,
        )


def run_render(args: argparse.Namespace) -> None:
    """govsocial's rendered tier against a plain Playwright loop, alternating, per size."""
    run = renderbench.RenderRun(
        pages_at_once=args.pages_at_once,
        idle_timeout=args.idle_timeout,
        robots=not args.no_robots,
        analysis_workers=args.workers,
    )
    print(
        "| homepages | round | run | rendered (failed) | s | pages/s | CPU s: process + driver"
        " + Chromium + workers | CPU s per page | Chromium PSS MB peak / end |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    results: list[tuple[int, renderbench.RenderResult]] = []
    for bodies in args.sizes:
        shape = WebShape(
            bodies=bodies,
            page_kb=args.page_kb,
            # Each real page is one site's homepage; all of them come round before one repeats.
            variants=len(real_homepages(args.corpus)) if args.corpus else args.variants,
            injected=True,
            images=args.images,
            image_kb=args.image_kb,
            homepages=args.corpus,
        )
        per_round = len(renderbench.sides(args.leaves, not args.govsocial_only))
        folder = OUT / (f"render-corpus-{bodies}" if args.corpus else f"render-{bodies}")
        runs = renderbench.compare(
            shape, run, folder, args.rounds, args.leaves, not args.govsocial_only
        )
        for number, result in enumerate(runs):
            results.append((bodies, result))
            print(
                f"| {bodies} | {number // per_round + 1} | {result.label} | {result.pages} "
                f"({result.failed}) | {result.elapsed_s:.1f} | {result.pages_per_s:.2f} | "
                f"{result.process_cpu_s:.1f} + {result.driver_cpu_s:.1f} + "
                f"{result.chromium_cpu_s:.1f} + {result.workers_cpu_s:.1f} | "
                f"{result.cpu_s / max(result.pages, 1):.2f} | "
                f"{result.pss_peak_mb:.0f} / {result.pss_end_mb:.0f} |",
                flush=True,
            )
    _render_summary(results)


def _render_summary(results: list[tuple[int, renderbench.RenderResult]]) -> None:
    """Ratios per size, and whether downloading leaves changed any finding."""
    print()
    for bodies in dict.fromkeys(size for size, _ in results):
        by_label: dict[str, list[renderbench.RenderResult]] = {}
        for size, result in results:
            if size == bodies:
                by_label.setdefault(result.label, []).append(result)
        ours, plain = by_label["govsocial"], by_label.get("plain Playwright", [])
        if plain:
            ratios = ", ".join(
                f"{a.pages_per_s / b.pages_per_s:.2f}" for a, b in zip(ours, plain, strict=True)
            )
            print(
                f"- {bodies} homepages: govsocial / plain Playwright pages per second: **{ratios}**"
            )
        downloaded = by_label.get("govsocial, leaves downloaded", [])
        for skip, download in zip(ours, downloaded, strict=bool(downloaded)):
            assert skip.findings is not None
            same = skip.findings == download.findings
            print(
                f"- {bodies} homepages, leaves skipped / downloaded: pages per second "
                f"{skip.pages_per_s:.2f} / {download.pages_per_s:.2f}; findings identical: "
                f"**{'yes' if same else 'NO'}** ({len(skip.findings.trackers)} rendered trackers, "
                f"{len(skip.findings.cookies)} cookies, {len(skip.findings.third_party_hosts)} "
                f"body x third-party host pairs; {skip.not_downloaded} requests recorded and "
                "not downloaded)"
            )


def run_discovery(args: argparse.Namespace) -> None:
    """Candidate recall on the shared lists, precision of proposals on a loopback mini-web."""
    if not args.no_recall:
        started = time.perf_counter()
        recall = discoveryweb.recall(args.shared, args.plates)
        print(f"### Candidate recall ({time.perf_counter() - started:.1f} s)")
        print("\n".join(recall.lines()))
    folder = OUT / "discovery"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    precision = discoveryweb.run(args.shared, folder, args.size, args.plates)
    print(f"### Precision on the mini-web ({time.perf_counter() - started:.1f} s)")
    print("\n".join(precision.lines()))


def run_workers(args: argparse.Namespace) -> None:
    """One shared run crawled by 1, 2 and 4 worker processes of the same concurrency."""
    postgres = args.postgres or os.environ.get(POSTGRES_ENV)
    if not postgres:
        print(f"(needs PostgreSQL: pass --postgres or set {POSTGRES_ENV})")
        return
    options = [
        "--max-pages", str(args.max_pages), "--batch-bodies", str(args.batch_bodies),
        "-s", f"CONCURRENT_REQUESTS={args.concurrency}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0",
    ]  # fmt: skip
    results = workersbench.compare(
        _shape(args), args.counts, args.latency_ms, options, postgres, OUT / "workers"
    )
    base = results[0].pages_per_s
    print("| workers | pages | run s | pages/s | ratio to 1 worker | bodies settled per worker |")
    print("|---|---|---|---|---|---|")
    for result in results:
        print(
            f"| {result.workers} | {result.pages} | {result.seconds:.1f} | "
            f"{result.pages_per_s:.2f} | {result.pages_per_s / base:.2f}x | "
            f"{', '.join(map(str, result.settled_by))} |"
        )


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def parser() -> argparse.ArgumentParser:
    """Subcommands and their options (small defaults; RESULTS.md names the sizes used)."""
    main = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    def web(command: argparse.ArgumentParser, bodies: int, page_kb: int) -> None:
        command.add_argument("--bodies", type=int, default=bodies)
        command.add_argument("--page-kb", type=int, default=page_kb)
        command.add_argument("--variants", type=int, default=20)

    def robots_and_workers(command: argparse.ArgumentParser) -> None:
        command.add_argument("--no-robots", action="store_true")
        command.add_argument(
            "--workers",
            type=int,
            default=None,
            help="GOVSOCIAL_ANALYSIS_WORKERS for govsocial (default: its own default)",
        )

    def crawl_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--concurrency", type=int, default=32)
        command.add_argument("--per-domain", type=int, default=2)
        command.add_argument("--max-pages", type=int, default=10)
        command.add_argument("--latency-ms", type=float, default=0.0)
        command.add_argument("--delay", type=float, default=0.0, help="DOWNLOAD_DELAY")
        robots_and_workers(command)
        command.add_argument(
            "--max-open-bodies",
            type=int,
            default=None,
            help="GOVSOCIAL_MAX_OPEN_BODIES for govsocial (default: its own default)",
        )

    crawl = commands.add_parser("crawl", help="govsocial vs the baseline spider")
    web(crawl, 200, 100)
    crawl_options(crawl)
    crawl.set_defaults(run=run_crawl)

    archive = commands.add_parser("archive", help="crawl with and without --archive")
    web(archive, 200, 100)
    crawl_options(archive)
    archive.add_argument("--rounds", type=int, default=2)
    archive.add_argument("--corpus", type=Path, default=CORPUS)
    archive.set_defaults(run=run_archive)

    ceiling = commands.add_parser("ceiling", help="the loopback server's own ceiling (wrk)")
    web(ceiling, 100, 100)
    ceiling.add_argument("--concurrency", type=int, default=32)
    ceiling.add_argument("--latency-ms", type=float, default=0.0)
    ceiling.add_argument("--seconds", type=int, default=5)
    ceiling.set_defaults(run=run_ceiling)

    detect = commands.add_parser("detect", help="parse/detect/rank per page over the corpus")
    detect.add_argument("--corpus", type=Path, default=CORPUS)
    detect.add_argument("--repeats", type=int, default=5)
    detect.set_defaults(run=run_detect)

    counted = commands.add_parser(
        "instructions", help="instructions per page of each analysis step (callgrind)"
    )
    counted.add_argument("--corpus", type=Path, default=CORPUS)
    counted.add_argument(
        "--steps", type=lambda value: value.split(","), default=list(instructions.STEPS)
    )
    counted.set_defaults(run=run_instructions)

    db = commands.add_parser("db", help="insert rate of the run writer")
    web(db, 1000, 100)
    db.add_argument("--max-pages", type=int, default=10)
    db.add_argument("--batch", type=int, default=100, help="items per transaction")
    db.add_argument("--postgres", help="PostgreSQL server URL (a scratch database is made)")
    db.set_defaults(run=run_db)

    growth = commands.add_parser("growth", help="database size added by each run")
    web(growth, 1000, 100)
    growth.add_argument("--max-pages", type=int, default=10)
    growth.add_argument("--runs", type=int, default=3)
    growth.add_argument("--postgres", help="PostgreSQL server URL (a scratch database is made)")
    growth.set_defaults(run=run_growth)

    export = commands.add_parser("export", help="time exports of a national-size run")
    web(export, 11000, 100)
    export.add_argument("--max-pages", type=int, default=10)
    export.set_defaults(run=run_export)

    report = commands.add_parser("report", help="govsocial report of a national-size database")
    web(report, 11000, 100)
    report.add_argument("--max-pages", type=int, default=10)
    report.add_argument("--rounds", type=int, default=2)
    report.set_defaults(run=run_report)

    memory = commands.add_parser("memory", help="peak RSS of crawls of growing size")
    web(memory, 0, 20)
    crawl_options(memory)
    memory.add_argument("--sizes", type=_sizes, default=[500, 2000, 8000])
    memory.set_defaults(run=run_memory)

    render = commands.add_parser(
        "render", help="rendered homepages: govsocial --render homepage vs plain Playwright"
    )
    web(render, 0, 100)
    render.add_argument("--sizes", type=_sizes, default=[100], help="homepages per run")
    render.add_argument("--rounds", type=int, default=2, help="alternations of the two sides")
    render.add_argument(
        "--leaves",
        action="store_true",
        help="also run govsocial with GOVSOCIAL_RENDER_LEAVES=download and compare findings",
    )
    render.add_argument(
        "--govsocial-only", action="store_true", help="no plain Playwright runs (memory at size)"
    )
    render.add_argument("--images", type=int, default=20, help="teaser images per homepage")
    render.add_argument(
        "--corpus",
        default=None,
        help="serve the real pages of this folder (e.g. ../shared/corpus) as the homepages",
    )
    render.add_argument("--image-kb", type=int, default=16)
    render.add_argument(
        "--pages-at-once", type=int, default=DEFAULT_RENDER_PAGES, help="GOVSOCIAL_RENDER_PAGES"
    )
    render.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        help="GOVSOCIAL_RENDER_IDLE_TIMEOUT: the cap on waiting for network idle",
    )
    robots_and_workers(render)
    render.set_defaults(run=run_render)
    workers = commands.add_parser("workers", help="one shared run by 1, 2 and 4 workers")
    web(workers, 120, 20)
    workers.add_argument("--counts", type=_sizes, default=[1, 2, 4])
    workers.add_argument("--latency-ms", type=float, default=500.0)
    workers.add_argument("--concurrency", type=int, default=4, help="per worker")
    workers.add_argument("--max-pages", type=int, default=5)
    workers.add_argument("--batch-bodies", type=int, default=10)
    workers.add_argument("--postgres", help=f"admin URL (default: ${POSTGRES_ENV})")
    workers.set_defaults(run=run_workers)

    discovery = commands.add_parser(
        "discovery", help="website discovery: candidate recall and precision of proposals"
    )
    discovery.add_argument("--shared", type=Path, default=SHARED, help="the ../shared folder")
    discovery.add_argument("--size", type=int, default=200, help="units of the mini-web")
    discovery.add_argument("--no-recall", action="store_true", help="precision only")
    discovery.add_argument(
        "--plates",
        type=Path,
        metavar="JSON",
        help="the Landkreise's licence plate codes (unterscheidungszeichen.json, see "
        "benchmarks/plates.py); without it the plate rules have no codes",
    )
    discovery.set_defaults(run=run_discovery)
    return main


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and run one benchmark."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    header(argv)
    args.run(args)
