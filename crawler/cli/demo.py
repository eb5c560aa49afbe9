"""``govsocial demo``: serve the synthetic municipal sites on loopback and crawl them."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from crawler.cli.options import db_option, resolve_database
from crawler.cli.summary import print_summary
from crawler.demo.server import SitesServer
from crawler.demo.web import DEMO_DIR, REPO_DATA, LoopbackWeb, closed_port
from crawler.run.crawl import CrawlOptions, run_crawl

# Our own loopback server needs no politeness delays.
DEMO_SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "RETRY_TIMES": "0"}


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
@click.option("--quiet", is_flag=True, help="No live progress display.")
def demo(db_url: str | None, sites_dir: Path, quiet: bool) -> None:
    """Serve the demo municipalities on 127.0.0.1 and crawl them into the database."""
    try:
        web = LoopbackWeb.from_dir(sites_dir)
    except FileNotFoundError as error:
        raise click.ClickException(f"demo sites not found: {error}") from None
    url = resolve_database(db_url)
    server = SitesServer(web.sites, web.behaviours)
    server.start_in_thread()
    try:
        seeds = web.write_seeds(server.server_port, REPO_DATA / "demo-seeds.csv", closed_port())
        click.echo(
            f"serving {len(web.hosts())} demo hosts on 127.0.0.1:{server.server_port}, "
            f"crawling {seeds} ..."
        )
        run = run_crawl(
            CrawlOptions(
                seeds=seeds,
                db_url=url,
                allow_private=True,
                overrides=dict(DEMO_SETTINGS),
                hosts=web.hosts(),
                progress=not quiet,
                log_level="WARNING",
            )
        )
    finally:
        server.shutdown()
    print_summary(run, url)
    # Name the command as it was called: after `make demo` it is .venv/bin/govsocial.
    program = sys.argv[0] if Path(sys.argv[0]).name == "govsocial" else "govsocial"
    # Next steps read the database just written: an explicit --db goes with them.
    database = f" --db {shlex.quote(db_url)}" if db_url else ""
    click.echo("\nnext steps:")
    click.echo(f"  {program} runs{database}")
    click.echo(f"  {program} export accounts --run latest --format csv -o accounts.csv{database}")
    click.echo(f"  {program} export bodies --run latest --excel -o bodies.csv{database}")
    click.echo(f"  {program} diff RUN_A RUN_B{database}     # after a second run")
