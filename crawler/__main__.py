"""``python -m crawler``: the ``govsocial`` command line, also from a checkout never installed."""

from __future__ import annotations

from crawler.cli import main

if __name__ == "__main__":  # analysis workers import the main module again: run nothing then
    main(prog_name="govsocial")
