"""Which pages are rendered, with which browser, and the Scrapy settings that turn it on.

Importable without the ``render`` extra: a crawl with ``--render none`` never loads Playwright.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any, Literal, get_args

from crawler.limits import BadSetting

RenderMode = Literal["none", "homepage", "all"]
RENDER_MODES: tuple[str, ...] = get_args(RenderMode)

RENDER_SETTING = "GOVSOCIAL_RENDER"
RENDER_PAGES_SETTING = "GOVSOCIAL_RENDER_PAGES"  # pages rendering at once
RENDER_IDLE_SETTING = "GOVSOCIAL_RENDER_IDLE_TIMEOUT"  # seconds of waiting for network idle
RENDER_LOAD_SETTING = "GOVSOCIAL_RENDER_LOAD_TIMEOUT"  # seconds for the load event
RENDER_RESTART_SETTING = "GOVSOCIAL_RENDER_RESTART_PAGES"  # pages before a fresh browser
CHROMIUM_SETTING = "GOVSOCIAL_CHROMIUM"  # the browser's executable
RENDER_LEAVES_SETTING = "GOVSOCIAL_RENDER_LEAVES"  # first-party leaves: skip or download

# Meta keys shared by the spider and the rendering download handler.
RENDER_META = "render"  # the PageRender of a rendered response
RENDER_LAST_META = "render_last"  # the body renders no more pages: close its context at once

DEFAULT_RENDER_PAGES = 2
DEFAULT_IDLE_TIMEOUT = 10.0
DEFAULT_LOAD_TIMEOUT = 30.0
# A long-lived Chromium grows with every site it has seen; a fresh one every few hundred pages
# keeps its memory flat (benchmarks/RESULTS.md).
DEFAULT_RESTART_PAGES = 300
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")

# Flags of a measurement browser: no background traffic of its own (it would show up as the
# page's requests, and on a closed network it fails noisily), no GPU, no first-run screens.
CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--mute-audio",
    "--disable-dev-shm-usage",
)


def body_context(body_id: str) -> str:
    """The browser context of one body: no cookie or cache is shared between two bodies."""
    return f"body:{body_id}"


class RenderUnavailable(BadSetting):
    """Rendering was asked for, but the ``render`` extra or the browser is missing."""


INSTALL_HINT = (
    "to render pages, install the browser and the extra: "
    "`apt-get install chromium` and `pip install 'govsocial[render]'`"
)


def find_chromium(configured: str | None = None) -> str | None:
    """The browser to launch: ``GOVSOCIAL_CHROMIUM`` if set, else the first one on PATH."""
    if configured:
        return shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def playwright_installed() -> bool:
    """Whether the ``render`` extra (scrapy-playwright and Playwright) is importable."""
    try:
        import playwright  # noqa: F401, PLC0415
        import scrapy_playwright  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def host_resolver_rules(hosts: Mapping[str, str]) -> str:
    """``GOVSOCIAL_HOSTS`` as Chromium's ``--host-resolver-rules``: the browser resolves as the
    crawl does ("" = no such host; ``*.zone`` = every name below the zone; an address may name a
    port). A map is for a web on this machine: names it does not know do not exist, so nothing a
    page loads leaves the machine."""
    if not hosts:
        return ""
    rules = []
    # Exact names first: Chromium applies the first rule that matches.
    for name, address in sorted(hosts.items(), key=lambda item: item[0].startswith("*.")):
        target = address if address else "~NOTFOUND"
        if target.count(":") > 1 and not target.startswith("["):
            target = f"[{target}]"  # a bare IPv6 address
        rules.append(f"MAP {name.lower()} {target}")
    rules.append("MAP * ~NOTFOUND")
    return ", ".join(rules)


def launch_args(hosts: Mapping[str, str]) -> list[str]:
    """Chromium's command-line flags for a crawl with this host map."""
    args = list(CHROMIUM_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    rules = host_resolver_rules(hosts)
    if rules:
        args.append(f"--host-resolver-rules={rules}")
    return args


def browser_for(what: str, configured: str | None = None) -> str:
    """The Chromium executable to render with, or :class:`RenderUnavailable` naming ``what``
    asked for it and the two install steps."""
    if not playwright_installed():
        raise RenderUnavailable(f"{what}: Playwright is not installed; {INSTALL_HINT}")
    configured = configured or os.environ.get(CHROMIUM_SETTING)
    executable = find_chromium(configured)
    if executable is None:
        missing = f"{configured} is not an executable" if configured else "no Chromium on PATH"
        raise RenderUnavailable(f"{what}: {missing}; {INSTALL_HINT}")
    return executable


def render_settings(
    mode: str, hosts: Mapping[str, str], chromium: str | None, load_timeout: float
) -> dict[str, Any]:
    """The Scrapy settings that install the rendering download handler (empty for ``none``).

    Raises :class:`RenderUnavailable` with the two install steps when something is missing.
    """
    if mode == "none":
        return {}
    if mode not in RENDER_MODES:
        raise BadSetting(f"{RENDER_SETTING} must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
    executable = browser_for(f"--render {mode}", chromium)
    handler = "crawler.render.handler.RenderingDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": executable,
            "headless": True,
            "args": launch_args(hosts),
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": load_timeout * 1000,
        # The browser sends its own headers: a page rendered with Scrapy's would not be what a
        # visitor's browser gets.
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
    }
