"""``scrapy crawl bodies -a seeds=FILE``: the Scrapy way into ``govsocial crawl``.

A Scrapy user in the project folder finds ``scrapy.cfg`` and types ``scrapy crawl bodies``.
The spider needs a run: bodies registered in the database, a lock, an outcome per body. So
this command replaces Scrapy's own ``crawl`` here and hands the arguments to ``govsocial
crawl``, which opens the run and starts Scrapy itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

SPIDER = "bodies"
# -a NAME=VALUE -> how it becomes an option of `govsocial crawl`.
VALUED = {
    "seeds": "--seeds",
    "max_pages": "--max-pages",
    "resume": "--resume",
    "render": "--render",
    "db": "--db",
}
FLAGS = {"allow_private": "--allow-private", "skip_missing_urls": "--skip-missing-urls"}
TRUE = ("1", "true", "yes", "on")
USAGE = "scrapy crawl bodies -a seeds=FILE [-a max_pages=N] [-a db=URL] [-s NAME=VALUE]"


def govsocial_arguments(spargs: dict[str, str], settings: list[str]) -> list[str]:
    """The ``govsocial crawl`` arguments for these ``-a`` and ``-s`` values."""
    unknown = sorted(set(spargs) - set(VALUED) - set(FLAGS))
    if unknown:
        known = ", ".join(sorted({*VALUED, *FLAGS}))
        raise UsageError(f"unknown spider argument(s) {', '.join(unknown)}; use {known}")
    if "seeds" not in spargs and "resume" not in spargs:
        raise UsageError(f"the bodies spider needs a seed list: {USAGE}", print_help=False)
    arguments = ["crawl"]
    for name, option in VALUED.items():
        if name in spargs:
            arguments += [option, spargs[name]]
    for name, flag in FLAGS.items():
        if spargs.get(name, "").lower() in TRUE:
            arguments.append(flag)
    for setting in settings:
        arguments += ["-s", setting]
    return arguments


class Command(BaseRunSpiderCommand):
    """Scrapy's ``crawl`` for this project: the ``bodies`` spider through ``govsocial crawl``."""

    requires_project = True
    requires_crawler_process = False  # govsocial crawl starts the one Scrapy process itself

    def syntax(self) -> str:
        """How to call it."""
        return "[options] bodies -a seeds=FILE [-a max_pages=N] [-a db=URL]"

    def short_desc(self) -> str:
        """One line for ``scrapy -h``."""
        return "Crawl a seed list into the database (the same as `govsocial crawl`)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        """Check the spider's name and arguments, then run ``govsocial crawl`` with them."""
        if args != [SPIDER]:
            raise UsageError(f"this project has one spider, {SPIDER!r}: {USAGE}", print_help=False)
        if opts.output or opts.overwrite_output:
            raise UsageError(
                "results go to the database; export them with `govsocial export`",
                print_help=False,
            )
        arguments = govsocial_arguments(opts.spargs, list(opts.set or []))
        self.exitcode = run_govsocial(arguments)


def run_govsocial(arguments: list[str], entry: Callable[..., object] | None = None) -> int:
    """Run the ``govsocial`` command line in this process; its exit code."""
    if entry is None:
        from crawler.cli import main  # noqa: PLC0415 - the command line is heavy to import

        entry = main
    try:
        entry(arguments, prog_name="govsocial", standalone_mode=True)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0
