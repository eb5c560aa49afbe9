"""``govsocial seeds``: build the national seed list, and discover websites nobody lists."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import (
    allow_private_option,
    columns_option,
    overrides_option,
    parse_columns,
    parse_overrides,
)
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


@seeds.command("discover")
@click.option(
    "--seeds",
    "seeds_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Seed list (e.g. from `seeds build`); units with an empty url are looked for.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV of proposals: id, name, url, confidence, website_of, evidence, reason, candidates.",
)
@columns_option
@click.option(
    "--candidates-only",
    is_flag=True,
    help="Write the candidate URLs of both tiers (id, candidate_url), one row each, without any "
    "network access.",
)
@allow_private_option
@overrides_option
@click.option("--quiet", is_flag=True, help="No line per settled unit.")
def discover_command(
    seeds_path: Path,
    output: Path,
    columns: tuple[str, ...],
    candidates_only: bool,
    allow_private: bool,
    overrides: tuple[str, ...],
    quiet: bool,
) -> None:
    """Propose an official website, with confidence and evidence, for each unit without one.

    Candidates come from each unit's name and relations; each is fetched as a crawl would
    (robots.txt, private addresses refused, AutoThrottle), its homepage and Impressum must name
    the body and match its postal code, AGS, Kreis or Verband. A fallback tier of candidates is
    fetched only for a unit the first leaves without a site of its own. Interrupted, it resumes
    where it stopped when run again with the same output.
    """
    # Imported here: discovery loads Scrapy, which `seeds build` does not need.
    from crawler.run.discover import (  # noqa: PLC0415
        DiscoveryOptions,
        discover,
        tasks_of,
        write_candidates,
    )
    from crawler.seeds.seedfile import SeedFileError  # noqa: PLC0415

    mapping = parse_columns(columns)
    try:
        if candidates_only:
            rows = write_candidates(tasks_of(seeds_path, mapping), output)
            click.echo(f"{rows} candidate URLs -> {output}")
            return
        report = discover(
            DiscoveryOptions(
                seeds_path,
                output,
                mapping,
                allow_private,
                overrides=parse_overrides(overrides),
                say=(lambda _: None) if quiet else _say,
            )
        )
    except SeedFileError as error:
        raise click.ClickException(str(error)) from None
    if not report.finished:
        raise click.ClickException(
            f"discovery stopped before every unit was settled; run the same command again "
            f"to go on ({report.resumed} units were already settled before this run)"
        )
    click.echo(
        f"{report.proposed} of {report.units} units without a website got a proposal "
        f"-> {report.output}"
    )


def _say(message: str) -> None:
    click.echo(message, err=True)
