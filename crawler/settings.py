"""Scrapy settings: polite by default, every one overridable by env or ``-s NAME=VALUE``.

Precedence, lowest first: these defaults, ``GOVSOCIAL_SCRAPY_<NAME>`` environment variables,
options of ``govsocial crawl``, then ``-s NAME=VALUE``.
"""

from __future__ import annotations

import os

from crawler import __version__

BOT_NAME = "govsocial"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl bodies -a seeds=FILE` runs `govsocial crawl` (crawler/commands/crawl.py).
COMMANDS_MODULE = "crawler.commands"

# Who we are and how to reach us: site operators see this in their logs.
GOVSOCIAL_CONTACT_URL = os.environ.get(
    "GOVSOCIAL_CONTACT_URL", "https://github.com/govsocial/govsocial"
)
USER_AGENT = (
    f"govsocial/{__version__} "
    f"(+{GOVSOCIAL_CONTACT_URL}; research crawler of public-sector websites)"
)

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many asyncio tasks per response to pass the callback's output on (default
# 100, about 1 ms per page). The pipeline stores synchronously, so more than one buys nothing, and
# one keeps a response's output in order: a body's outcome is stored after its last page.
CONCURRENT_ITEMS = 1

# Bounds: a slow, huge or looping site must not hold the run.
DOWNLOAD_TIMEOUT = 30
# A body's whole crawl (homepage and subpages, retries included) ends after this many seconds,
# so a site that answers every page just under DOWNLOAD_TIMEOUT cannot hold a worker for long.
GOVSOCIAL_BODY_TIMEOUT = 180
# Seconds an idle keep-alive connection is kept: long enough for a body's next page.
GOVSOCIAL_IDLE_CONNECTION_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 1
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # an unreachable site is data (body_visits), not an error
DNS_TIMEOUT = 20
# Each site is looked up for one body only; a small cache keeps memory flat on national lists.
DNSCACHE_SIZE = 1024
URLLENGTH_LIMIT = 2000
# Certificates are not verified (Scrapy's default, stated here as a decision): many municipal
# sites serve incomplete chains that browsers repair and Twisted does not, and the crawl measures
# what a site links to and loads, not its TLS hygiene. A failed handshake is still recorded.
DOWNLOAD_VERIFY_CERTIFICATES = False

# A measurement crawler keeps no state between requests and opens no control ports.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
HTTPERROR_ALLOW_ALL = True  # 4xx/5xx pages are recorded with their status, not dropped
# Scrapy reads a generator callback's source file when first calling it, to warn about a
# `return` with a value, and tries again after a failure. Out of file handles, that read failed
# for the errback, so a failed request's body never got its outcome and, once enough bodies were
# stuck, the crawl waited for ever (benchmarks/RESULTS.md). The check is for development.
WARN_ON_GENERATOR_RETURN_VALUE = False

TWISTED_DNS_RESOLVER = "crawler.net.resolver.GuardedResolver"
# Drops the slots of finished sites after 15 s idle, not 60-120 s (crawler/net/downloader.py).
DOWNLOADER = "crawler.net.downloader.PromptSlotGcDownloader"
DOWNLOADER_MIDDLEWARES = {
    "crawler.net.guard.PrivateAddressMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.net.robots.StrictRobotsTxtMiddleware": 100,
    # Next to the downloader, before decompression and redirects; only with an archive.
    "crawler.net.capture.ServedResponseMiddleware": 880,
}
DOWNLOAD_HANDLERS = {
    "http": "crawler.net.deadline.DeadlineDownloadHandler",
    "https": "crawler.net.deadline.DeadlineDownloadHandler",
}
# Next to the engine: a page whose handling raised still ends its body (crawler/middlewares.py).
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.SettleBodyOnError": 10,
}
ITEM_PIPELINES = {
    "crawler.pipelines.storage.StoragePipeline": 800,
}
EXTENSIONS = {
    "crawler.run.progress.ProgressExtension": 500,
}

GOVSOCIAL_ALLOW_PRIVATE = False
# Static host map for offline tests, the demo and benchmarks (real crawls leave it empty):
# {"www.a.de": "127.0.0.1"}; "*.zone" maps every name below zone, "" makes a name not exist.
# See crawler/net/resolver.py.
GOVSOCIAL_HOSTS: dict[str, str] = {}
GOVSOCIAL_MAX_PAGES = 10
# Processes that parse pages and run the detectors while this one crawls (0: in this process).
# Unset: one per core, at most two; none on a single core (crawler/analysis/pool.py).
GOVSOCIAL_ANALYSIS_WORKERS: int | None = None
# Bodies crawled at once; unset: 16 per concurrent request (crawler/limits.py). All per-body
# state, queued requests and remembered robots.txt files are bounded by it.
GOVSOCIAL_MAX_OPEN_BODIES: int | None = None
# Where `crawl --archive` keeps each run's WARC files (a folder per run); unset: no archive.
GOVSOCIAL_ARCHIVE_DIR: str | None = None
# A run's WARC file is closed and a new one begun past this many bytes.
GOVSOCIAL_ARCHIVE_MAX_BYTES = 1_000_000_000

LOG_LEVEL = "INFO"
