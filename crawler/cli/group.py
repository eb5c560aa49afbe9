"""The ``govsocial`` command group that every command registers on."""

from __future__ import annotations

import click

from crawler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govsocial")
def main() -> None:
    """Inventory the social-media presence and tracking technology of public bodies' websites."""
