"""Drives the govsocial CLI in-process against a given database."""

from __future__ import annotations

from click.testing import CliRunner, Result

from crawler.cli import main


def invoke(url: str, *args: str) -> Result:
    """Run ``govsocial ARGS --db URL`` and return click's result (stdout and stderr apart)."""
    return CliRunner().invoke(main, [*args, "--db", url], catch_exceptions=False)
