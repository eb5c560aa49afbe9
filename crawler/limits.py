"""How many bodies are crawled at once: the bound on every piece of per-body state.

The spider opens a new body only when fewer than this many are under way, so its own state, the
requests in Scrapy's scheduler, the robots.txt parsers in use and the open connections grow with
this number and never with the length of the seed list. It is kept within the open-files limit.
"""

from __future__ import annotations

import resource
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Annotations only: the command line imports this module, and must not load Scrapy for it.
    from scrapy.settings import BaseSettings

MAX_OPEN_BODIES_SETTING = "GOVSOCIAL_MAX_OPEN_BODIES"
# Politeness spaces a site's pages 1 s or more apart, so each open body keeps a request slot
# busy only for its download time: at 100 ms per answer, 500 bodies crawled with a 1 s delay
# reached 0.67 of the baseline spider's rate with 4 open bodies per slot and 0.95 with 16
# (benchmarks/RESULTS.md). An open body costs about 45 KB.
OPEN_BODIES_PER_REQUEST = 16
# Sites per body worth remembering robots.txt for: its own, and one it redirects to.
ROBOTS_SITES_PER_BODY = 2
# Each open body keeps a connection to its site between its pages; besides those the crawl
# holds one per request in flight and about 30 files of its own (database, worker pipes,
# reactor). 512 open bodies held 539 files at most (benchmarks/RESULTS.md).
FILES_RESERVED = 64
# How far the soft limit on open files is lifted, within the hard limit.
OPEN_FILES_WANTED = 65536


class BadSetting(ValueError):
    """A setting given with ``-s`` or the environment that the crawl cannot use."""


def setting_count(name: str, value: object, minimum: int) -> int:
    """``value`` as a whole number of at least ``minimum``, or a message naming the setting."""
    try:
        count = int(str(value))
    except ValueError:
        raise BadSetting(f"{name} must be a whole number, not {value!r}") from None
    if count < minimum:
        raise BadSetting(f"{name} must be at least {minimum}, not {count}")
    return count


def max_open_bodies(settings: BaseSettings, open_files: int | None = None) -> int:
    """``GOVSOCIAL_MAX_OPEN_BODIES`` (16 per ``CONCURRENT_REQUESTS`` when unset), or fewer if
    the limit on open files (``open_files``; this process's soft limit when None) leaves no
    room for that many."""
    return min(wanted_open_bodies(settings), open_bodies_room(settings, open_files))


def wanted_open_bodies(settings: BaseSettings) -> int:
    """``GOVSOCIAL_MAX_OPEN_BODIES``, or 16 per ``CONCURRENT_REQUESTS`` when unset."""
    value = settings.get(MAX_OPEN_BODIES_SETTING)
    if value in (None, ""):
        return OPEN_BODIES_PER_REQUEST * settings.getint("CONCURRENT_REQUESTS")
    return setting_count(MAX_OPEN_BODIES_SETTING, value, minimum=1)


def open_bodies_room(settings: BaseSettings, open_files: int | None = None) -> int:
    """How many bodies can be open at once within the limit on open files (at least one)."""
    if open_files is None:
        open_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if open_files == resource.RLIM_INFINITY:
        return OPEN_FILES_WANTED
    return max(1, open_files - FILES_RESERVED - settings.getint("CONCURRENT_REQUESTS"))


def lift_open_files_limit() -> int:
    """Raise this process's soft limit on open files towards the hard limit; the soft limit now.

    Many systems start a process with 256 or 1,024 files allowed and more on request, as
    servers and browsers ask.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES_WANTED if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_WANTED)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft  # the system refused: the crawl fits its bodies to what it has
        return wanted
    return soft
