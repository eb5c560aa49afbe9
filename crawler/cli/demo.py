"""``govsocial demo``: serve the synthetic municipal sites on loopback and crawl them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.cli.options import db_option, log_file_option, quiet_option
from crawler.cli.summary import print_summary
from crawler.demo.server import SitesServer
from crawler.demo.web import DEMO_DIR, REPO_DATA, LoopbackWeb, closed_port
from crawler.run.crawl import CrawlOptions, run_crawl
from db.session import database_url

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
@quiet_option
@log_file_option
def demo(db_url: str | None, sites_dir: Path, quiet: bool, log_file: str | None) -> None:
    """Serve the demo municipalities on 127.0.0.1 and crawl them into the database."""
    try:
        web = LoopbackWeb.from_dir(sites_dir)
    except FileNotFoundError as error:
        raise click.ClickException(f"demo sites not found: {error}") from None
    url = database_url(db_url)
    server = SitesServer(web.sites, web.behaviours)
    server.start_in_thread()
    try:
        seeds = web.write_seeds(server.server_port, REPO_DATA / "demo-seeds.csv", closed_port())
        if not quiet:
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
                log_file=log_file,
            )
        )
    finally:
        server.shutdown()
    print_summary(run, url, one_line=quiet)
    if quiet:
        return
    # Name the command as it was called: after `make demo` it is .venv/bin/govsocial.
    program = sys.argv[0] if Path(sys.argv[0]).name == "govsocial" else "govsocial"
    click.echo("\nnext steps:")
    click.echo(f"  {program} runs")
    click.echo(f"  {program} export accounts --run latest --format csv -o accounts.csv")
    click.echo(f"  {program} export bodies --run latest --excel -o bodies.csv")
    click.echo(f"  {program} diff RUN_A RUN_B     # after a second run")
