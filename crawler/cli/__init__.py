"""The ``govsocial`` command line: one module per command, registered on one group."""

from __future__ import annotations

from crawler.cli.crawl import crawl
from crawler.cli.db import db
from crawler.cli.demo import demo
from crawler.cli.diff import diff_command
from crawler.cli.export import export_command
from crawler.cli.group import main
from crawler.cli.inspect import inspect
from crawler.cli.runs import runs

__all__ = ["main"]

for command in (crawl, db, demo, diff_command, export_command, inspect, runs):
    main.add_command(command)
