"""``govsocial demo``: serve the synthetic municipal sites on loopback and crawl them."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from crawler.cli.options import db_option, log_file_option, quiet_option, resolve_database
from crawler.cli.report import build_report, describe, lang_option
from crawler.cli.summary import print_summary
from crawler.demo.server import serving
from crawler.demo.web import DEMO_DIR, REPO_DATA, LoopbackWeb, closed_port
from crawler.render.config import RENDER_MODES, RenderUnavailable, browser_for
from crawler.run.crawl import CrawlOptions, run_crawl

# Our own loopback server needs no politeness delays.
DEMO_SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "RETRY_TIMES": "0"}
DEFAULT_RENDER = "homepage"
RENDERING = {
    "none": "no pages rendered",
    "homepage": "homepages rendered in Chromium",
    "all": "every page rendered in Chromium",
}


def render_mode(asked: str | None) -> str:
    """The pages to render: as asked, else homepages if Chromium and the render extra are there
    (if not, one line says how to install them and the demo crawls without rendering)."""
    if asked == "none":
        return asked
    try:
        browser_for(f"--render {asked}" if asked else "homepages not rendered")
    except RenderUnavailable as missing:
        if asked:
            raise click.ClickException(str(missing)) from None
        click.echo(str(missing))
        return "none"
    return asked or DEFAULT_RENDER


@click.command()
@db_option
@click.option(
    "--sites",
    "sites_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEMO_DIR,
    show_default=True,
    help="Folder with seeds.csv, sites.toml and sites/<host>/.",
)
@click.option(
    "--render",
    type=click.Choice(RENDER_MODES),
    default=None,
    help="Pages to load in headless Chromium too: none, homepage or all "
    "[default: homepage where Chromium and the render extra are installed, else none].",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=REPO_DATA / "demo-report",
    show_default=True,
    help="Folder the run's report is written to at the end.",
)
@lang_option
@quiet_option
@log_file_option
def demo(
    db_url: str | None,
    sites_dir: Path,
    render: str | None,
    report_dir: Path,
    lang: str,
    quiet: bool,
    log_file: str | None,
) -> None:
    """Serve the demo municipalities on 127.0.0.1, crawl them into the database and write the
    run's report."""
    try:
        web = LoopbackWeb.from_dir(sites_dir)
    except FileNotFoundError as error:
        raise click.ClickException(f"demo sites not found: {error}") from None
    url = resolve_database(db_url)
    mode = render_mode(render)
    with serving(web.sites, web.behaviours) as ports:
        seeds = web.write_seeds(ports.http, REPO_DATA / "demo-seeds.csv", closed_port())
        hosts = web.hosts(ports.https)
        if not quiet:
            click.echo(
                f"serving {len(hosts)} demo hosts on 127.0.0.1:{ports.http}, "
                f"crawling {seeds} ({RENDERING[mode]}) ..."
            )
        run = run_crawl(
            CrawlOptions(
                seeds=seeds,
                db_url=url,
                allow_private=True,
                overrides=dict(DEMO_SETTINGS),
                hosts=hosts,
                progress=not quiet,
                log_file=log_file,
                render=mode,
            )
        )
    print_summary(run, url, one_line=quiet)
    written = build_report(url, str(run.id), report_dir, lang)
    if quiet:
        click.echo(describe(written))
        return
    # Name the command as it was called: after `make demo` it is .venv/bin/govsocial.
    program = sys.argv[0] if Path(sys.argv[0]).name == "govsocial" else "govsocial"
    # Next steps read the database just written: an explicit --db goes with them.
    database = f" --db {shlex.quote(db_url)}" if db_url else ""
    click.echo("\nnext steps:")
    click.echo(f"  {program} runs{database}")
    click.echo(f"  {program} export accounts --run latest --format csv -o accounts.csv{database}")
    click.echo(f"  {program} export bodies --run latest --excel -o bodies.csv{database}")
    if mode != "none":
        click.echo(f"  {program} export requests --run latest -o requests.csv{database}")
    click.echo(f"  {program} report -o report{database}     # --lang en for English")
    click.echo(f"  {program} diff RUN_A RUN_B{database}     # after a second run")
    click.echo(f"\n{describe(written)}")
