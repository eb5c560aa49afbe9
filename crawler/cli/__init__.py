"""The ``govsocial`` command line: one module per command, imported when that command runs."""

from __future__ import annotations

from crawler.cli.group import main

__all__ = ["main"]
