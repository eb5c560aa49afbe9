"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from crawler.detection.filterlists import FilterList

db_option = click.option(
    "--db",
    "db_url",
    envvar="GOVSOCIAL_DB",
    default=None,
    metavar="URL",
    help="SQLAlchemy database URL (default: $GOVSOCIAL_DB, else sqlite:///data/govsocial.sqlite).",
)


filter_list_option = click.option(
    "--filter-list",
    "filter_list_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    metavar="PATH",
    help="Adblock Plus filter list (e.g. EasyPrivacy) to match every resource URL against "
    "(repeatable; needs the 'filterlists' extra).",
)


def load_filter_lists(paths: tuple[Path, ...]) -> list[FilterList]:
    """Compile user-supplied filter lists, turning what can go wrong into a clear message."""
    # Imported here: the detectors are not needed by the commands that only read the database.
    from crawler.detection.filterlists import (  # noqa: PLC0415
        FilterListUnavailableError,
        load_filter_list,
    )

    try:
        return [load_filter_list(path) for path in paths]
    except FilterListUnavailableError as error:
        raise click.ClickException(str(error)) from None
    except UnicodeDecodeError as error:
        raise click.ClickException(f"filter list is not UTF-8 text: {error}") from None


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("NAME=VALUE", ...)`` as a dict, refusing anything else."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        overrides[name.strip()] = value
    return overrides


def parse_columns(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("id=ags", "url=website")`` as a field -> column mapping."""
    columns = {}
    for pair in pairs:
        field_name, sep, column = pair.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--column")
        columns[field_name.strip()] = column.strip()
    return columns


columns_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read a seed field from a differently named column, e.g. --column id=ags "
    "--column url=website (repeatable).",
)

allow_private_option = click.option(
    "--allow-private",
    is_flag=True,
    help="Allow loopback and private addresses (for local test sites only).",
)

overrides_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable).",
)
