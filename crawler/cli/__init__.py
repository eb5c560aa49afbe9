"""The ``govsocial`` command line: one module per command, registered on one group."""

from __future__ import annotations

import click

from crawler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govsocial")
def main() -> None:
    """Inventory the social-media presence and tracking technology of public bodies' websites."""


from crawler.cli.diff import diff_command  # noqa: E402  (commands are registered once main exists)
from crawler.cli.export import export_command  # noqa: E402

main.add_command(export_command)
main.add_command(diff_command)
