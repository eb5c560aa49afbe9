"""What the browser did for one page: its requests, cookies and storage, read off Playwright.

A :class:`PageLog` is attached to the page before it navigates, so it sees every request from
the document's own onwards; :meth:`PageLog.render` turns what it saw into a ``PageRender``
once the page has loaded and gone quiet. Nothing on the page is ever clicked.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import CDPSession, Dialog, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from crawler.detection.domains import registrable_domain
from crawler.items import PageRender, RenderedCookie, RenderedRequest, StorageKey
from crawler.render.gate import RequestGate

SECONDS_PER_DAY = 86400.0
# A visitor's first visit: no downloads, no service workers (their requests would escape the
# page's log), certificates as a browser repairs them.
CONTEXT_KWARGS: dict[str, Any] = {
    "accept_downloads": False,
    "service_workers": "block",
    "ignore_https_errors": True,
    "java_script_enabled": True,
}
_STORAGE_KEYS = """() => {
  const keys = (area) => { try { return Object.keys(area); } catch (e) { return []; } };
  return [keys(window.localStorage), keys(window.sessionStorage)];
}"""


@dataclass(slots=True)
class RefusedCookie:
    """A ``Set-Cookie`` line the browser did not store, with its reasons and attributes."""

    name: str
    domain: str
    reasons: str
    attributes: dict[str, str]


@dataclass  # no slots: Playwright keeps its wrappers of bound handlers on the instance
class PageLog:
    """Every request a page made, and the cookies Chromium refused, in the order they came."""

    gate: RequestGate
    requests: list[Request] = field(default_factory=list)
    # Responses as they arrive: asking a request for its response waits for one that is still
    # on its way, and a long-polling page always has one.
    responses: dict[Request, Response] = field(default_factory=dict)
    refused: list[RefusedCookie] = field(default_factory=list)
    cdp: CDPSession | None = None
    # CDP names requests by id; a refused cookie without a Domain belongs to its response's host.
    hosts_by_id: dict[str, str] = field(default_factory=dict)
    # Names of the cookies responses set by header, read off the raw headers CDP reports anyway:
    # asking the driver for each response's headers costs a round trip per response.
    header_cookies: set[str] = field(default_factory=set)

    async def attach(self, page: Page) -> None:
        """Listen to the page before it navigates; refuse its dialogs and pop-ups."""
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("dialog", _dismiss)
        page.on("popup", _close_popup)
        try:
            self.cdp = await page.context.new_cdp_session(page)
            await self.cdp.send("Network.enable")
            await self.cdp.send(
                "Network.setCookieControls",
                {
                    "enableThirdPartyCookieRestriction": False,
                    "disableThirdPartyCookieMetadata": False,
                    "disableThirdPartyCookieHeuristics": False,
                },
            )
        except PlaywrightError:  # a browser without CDP still renders; no refusals then
            self.cdp = None
            return
        self.cdp.on("Network.requestWillBeSent", self._on_request_sent)
        self.cdp.on("Network.responseReceivedExtraInfo", self._on_extra_info)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)

    def _on_response(self, response: Response) -> None:
        self.responses[response.request] = response

    def _on_request_sent(self, event: dict[str, Any]) -> None:
        url = (event.get("request") or {}).get("url") or ""
        self.hosts_by_id[event.get("requestId", "")] = (urlsplit(url).hostname or "").lower()

    def _on_extra_info(self, event: dict[str, Any]) -> None:
        for name, value in (event.get("headers") or {}).items():
            if name.lower() == "set-cookie":
                self.header_cookies.update(_cookie_names(str(value)))
        for blocked in event.get("blockedCookies") or ():
            name, attributes = cookie_line(blocked.get("cookieLine") or "")
            domain = attributes.get("domain", "").lstrip(".")
            self.refused.append(
                RefusedCookie(
                    name=name,
                    domain=domain or self.hosts_by_id.get(event.get("requestId", ""), ""),
                    reasons=", ".join(blocked.get("blockedReasons") or ()),
                    attributes=attributes,
                )
            )

    async def render(self, page: Page, url: str, started: float) -> tuple[PageRender, str]:
        """The page's ``PageRender`` (findings still to come) and its rendered DOM."""
        final_url = page.url
        site = registrable_domain(urlsplit(final_url).hostname or "")
        requests, header_cookies = await self._requests(final_url, site)
        dom = await page.content()
        storage = await page.evaluate(_STORAGE_KEYS)
        cookies = await page.context.cookies()
        render = PageRender(
            url=url,
            final_url=final_url,
            duration_ms=round((time.monotonic() - started) * 1000),
            requests=tuple(requests),
            cookies=(
                *(_cookie(cookie, site, header_cookies) for cookie in cookies),
                *(_refused(refused, site) for refused in self.refused),
            ),
            storage=(
                *(StorageKey("local", key) for key in sorted(storage[0])),
                *(StorageKey("session", key) for key in sorted(storage[1])),
            ),
        )
        return render, dom

    async def _requests(
        self, page_url: str, site: str
    ) -> tuple[list[RenderedRequest], set[str]]:
        """The requests as rows, and the names of cookies that responses set by header."""
        rows = []
        header_cookies = set(self.header_cookies)
        for request in self.requests:
            response = self.responses.get(request)
            blocked = request.failure
            if blocked is not None:
                refusal = await self.gate.refusal(request.url, request.resource_type, page_url)
                blocked = refusal or blocked
            if response is not None and self.cdp is None:
                for line in await response.header_values("set-cookie"):
                    header_cookies.update(_cookie_names(line))
            host = (urlsplit(request.url).hostname or "").lower()
            rows.append(
                RenderedRequest(
                    url=request.url,
                    host=host,
                    method=request.method,
                    resource_type=request.resource_type,
                    status=response.status if response is not None else None,
                    third_party=bool(host) and registrable_domain(host) != site,
                    blocked=blocked,
                    navigation=_is_navigation(request),
                )
            )
        return rows, header_cookies


def _cookie_names(header: str) -> set[str]:
    """The names a ``Set-Cookie`` header sets; raw headers join their lines with newlines."""
    return {line.split("=", 1)[0].strip() for line in header.split("\n") if line.strip()}


def _is_navigation(request: Request) -> bool:
    try:
        return request.is_navigation_request() and request.frame.parent_frame is None
    except PlaywrightError:
        return False


async def _dismiss(dialog: Dialog) -> None:
    with contextlib.suppress(PlaywrightError):
        await dialog.dismiss()


async def _close_popup(popup: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await popup.close(run_before_unload=False)


def _cookie(cookie: Any, site: str, header_cookies: set[str]) -> RenderedCookie:
    domain = str(cookie.get("domain", ""))
    expires = float(cookie.get("expires", -1))
    lifetime = None if expires < 0 else round((expires - time.time()) / SECONDS_PER_DAY, 2)
    name = str(cookie.get("name", ""))
    return RenderedCookie(
        name=name,
        domain=domain,
        path=str(cookie.get("path", "/")),
        lifetime_days=lifetime,
        http_only=bool(cookie.get("httpOnly")),
        secure=bool(cookie.get("secure")),
        same_site=cookie.get("sameSite"),
        third_party=registrable_domain(domain.lstrip(".")) != site,
        # A name no response set by header was set by a script (as far as can be told: a
        # script may also overwrite a header cookie of the same name).
        set_by="header" if name in header_cookies else "script",
    )


def _refused(refused: RefusedCookie, site: str) -> RenderedCookie:
    attributes = refused.attributes
    max_age = attributes.get("max-age", "")
    lifetime = None
    if max_age.lstrip("-").isdigit():
        lifetime = round(int(max_age) / SECONDS_PER_DAY, 2)
    elif "expires" in attributes:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            expires = parsedate_to_datetime(attributes["expires"]).timestamp()
            lifetime = round((expires - time.time()) / SECONDS_PER_DAY, 2)
    same_site = attributes.get("samesite")
    return RenderedCookie(
        name=refused.name,
        domain=refused.domain,
        path=attributes.get("path", "/") or "/",
        lifetime_days=lifetime,
        http_only="httponly" in attributes,
        secure="secure" in attributes,
        same_site=same_site.capitalize() if same_site else None,
        third_party=bool(refused.domain) and registrable_domain(refused.domain) != site,
        set_by="header",
        refused=refused.reasons or "refused",
    )


def cookie_line(line: str) -> tuple[str, dict[str, str]]:
    """A ``Set-Cookie`` value's name and its attributes, names lower-cased (flags map to "")."""
    first, *rest = line.split(";")
    attributes = {}
    for part in rest:
        key, _, value = part.partition("=")
        if key.strip():
            attributes[key.strip().lower()] = value.strip()
    return first.partition("=")[0].strip(), attributes
