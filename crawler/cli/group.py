"""The ``govsocial`` command group; each command's module is imported only when it is used."""

from __future__ import annotations

import importlib
from typing import Any

import click

from crawler import __version__
from crawler.cli.options import database_problem, file_problem
from crawler.detection.versions import (
    CatalogueError,
    platform_catalogue_path,
    tracker_catalogue_path,
)

# name -> "module:attribute". Imported on use: `export` and `runs` need SQLAlchemy only, and
# loading Scrapy and the detectors for them took a third of an 11,000-body export's time.
COMMANDS = {
    "analyses": "crawler.cli.analyses:analyses",
    "crawl": "crawler.cli.crawl:crawl",
    "db": "crawler.cli.db:db",
    "demo": "crawler.cli.demo:demo",
    "diff": "crawler.cli.diff:diff_command",
    "export": "crawler.cli.export:export_command",
    "evidence": "crawler.cli.evidence:evidence",
    "inspect": "crawler.cli.inspect:inspect",
    "reanalyse": "crawler.cli.reanalyse:reanalyse",
    "report": "crawler.cli.report:report",
    "runs": "crawler.cli.runs:runs",
    "seeds": "crawler.cli.seeds:seeds",
    "worker": "crawler.cli.worker:worker",
}


class LazyGroup(click.Group):
    """A group whose commands are named up front and imported when asked for.

    It also turns what an operator's environment can get wrong (an unusable database, a file
    that cannot be written) into one line and a non-zero exit, never a traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a database or file problem becomes a one-line error."""
        # Here, not at the top: analysis workers import this package and must stay small.
        from sqlalchemy.exc import ArgumentError, DBAPIError  # noqa: PLC0415

        try:
            return super().invoke(ctx)
        except CatalogueError as error:
            raise click.ClickException(
                f"the catalogue in use is not valid ({tracker_catalogue_path()}, "
                f"{platform_catalogue_path()}): {error}"
            ) from None
        except (ArgumentError, DBAPIError) as error:
            raise click.ClickException(database_problem(error)) from None
        except OSError as error:
            raise click.ClickException(file_problem(error)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, without importing any of them."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now."""
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command: Any = getattr(importlib.import_module(module), attribute)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govsocial")
def main() -> None:
    """Inventory the social-media presence and tracking technology of public bodies' websites."""
