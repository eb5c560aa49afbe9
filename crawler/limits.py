"""How many bodies are crawled at once: the bound on every piece of per-body state.

The spider opens a new body only when fewer than this many are under way, so its own state, the
requests in Scrapy's scheduler and the robots.txt parsers in use grow with this number and never
with the length of the seed list.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

MAX_OPEN_BODIES_SETTING = "GOVSOCIAL_MAX_OPEN_BODIES"
# With a 1 s delay per site, each open body yields about one page a second: four per concurrent
# request keeps the downloader busy while bodies wait for their delay or their page analysis.
OPEN_BODIES_PER_REQUEST = 4
# Sites per body worth remembering robots.txt for: its own, and one it redirects to.
ROBOTS_SITES_PER_BODY = 2


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


def max_open_bodies(settings: BaseSettings) -> int:
    """``GOVSOCIAL_MAX_OPEN_BODIES``, or four per ``CONCURRENT_REQUESTS`` when unset."""
    value = settings.get(MAX_OPEN_BODIES_SETTING)
    if value in (None, ""):
        return OPEN_BODIES_PER_REQUEST * settings.getint("CONCURRENT_REQUESTS")
    return setting_count(MAX_OPEN_BODIES_SETTING, value, minimum=1)
