"""``govsocial seeds``: build the national seed list, and discover websites nobody lists."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.seeds.build import DEFAULT_OUTPUT, BuildOptions, build
from crawler.seeds.coverage import ALL, as_table
from crawler.seeds.gv import MIN_MUNICIPALITIES
from crawler.seeds.sources import SourceError


@click.group()
def seeds() -> None:
    """Seed lists: Germany's public bodies from the official sources, and their websites."""


@seeds.command("build")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="The seed list to write; <name>.coverage.csv and <name>.README.md go next to it.",
)
@click.option(
    "--gv-url",
    envvar="GOVSOCIAL_SEEDS_GV_URL",
    metavar="URL",
    help="Destatis Gemeindeverzeichnis: GV100AD ZIP or text, or the Auszug as CSV "
    "(file:// for a saved copy).",
)
@click.option(
    "--wikidata-url",
    envvar="GOVSOCIAL_SEEDS_WIKIDATA_URL",
    metavar="URL",
    help="Wikidata SPARQL endpoint.",
)
@click.option(
    "--organigram-url",
    envvar="GOVSOCIAL_SEEDS_ORGANIGRAM_URL",
    metavar="URL",
    help="Anschriftenverzeichnis des Bundes as JSON (German Organigram).",
)
@click.option(
    "--publicbodies-url",
    envvar="GOVSOCIAL_SEEDS_PUBLICBODIES_URL",
    metavar="URL",
    help="okfn/publicbodies de.csv.",
)
@click.option("--no-federal", is_flag=True, help="Leave the federal bodies out.")
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds each source may take to answer.",
)
@click.option(
    "--min-municipalities",
    type=int,
    default=MIN_MUNICIPALITIES,
    show_default=True,
    help="Fewer Gemeinden than this in the Gemeindeverzeichnis means a cut file.",
)
@click.option("--quiet", is_flag=True, help="Print only the files written.")
def build_command(
    output: Path,
    gv_url: str | None,
    wikidata_url: str | None,
    organigram_url: str | None,
    publicbodies_url: str | None,
    no_federal: bool,
    timeout: float,
    min_municipalities: int,
    quiet: bool,
) -> None:
    """Assemble the seed list from Destatis, Wikidata and the federal lists, with its coverage.

    Every source is read whole first; one that answers with an error, a changed or cut layout
    or nothing stops the build, and no file is written.
    """
    options = BuildOptions(
        output=output,
        federal=not no_federal,
        timeout=timeout,
        min_municipalities=min_municipalities,
    )
    for name, value in (
        ("gv_url", gv_url),
        ("wikidata_url", wikidata_url),
        ("organigram_url", organigram_url),
        ("publicbodies_url", publicbodies_url),
    ):
        if value:
            setattr(options, name, value)
    try:
        report = build(options, say=(lambda _: None) if quiet else _say)
    except SourceError as error:
        raise click.ClickException(f"{error}; nothing was written") from None
    if not quiet:
        click.echo(as_table([row for row in report.coverage if row["state"] == ALL]))
    click.echo(
        f"{report.units} units -> {report.output} (coverage per Land: "
        f"{report.coverage_file}; sources and licences: {report.readme})"
    )


def _say(message: str) -> None:
    click.echo(message, err=True)
