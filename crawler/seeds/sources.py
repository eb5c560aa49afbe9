"""Downloading a source of the seed list: one request, the whole answer, or a one-line error.

The sources are read at run time from their publishers (the URLs are settings), never from a
copy kept in the repository. ``file://`` URLs read a downloaded copy.
"""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from crawler import __version__

MAX_BYTES = 256 * 1024 * 1024
CONTACT = os.environ.get("GOVSOCIAL_CONTACT_URL", "https://github.com/govsocial/govsocial")
USER_AGENT = f"govsocial/{__version__} (+{CONTACT}; seed list builder)"


class SourceError(RuntimeError):
    """A source that cannot be used as it answered: the build stops and writes nothing."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where one source of the seed list is read, and what it is called in messages."""

    name: str
    url: str


def download(
    source: Source,
    timeout: float,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """The whole body ``source.url`` answers with; SourceError on an error, a cut or nothing."""
    request = urllib.request.Request(
        source.url, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_BYTES + 1)
            promised = response.headers.get("Content-Length")
    except urllib.error.HTTPError as error:
        raise SourceError(f"{source.name}: {source.url} answered HTTP {error.code}") from None
    except urllib.error.URLError as error:
        raise SourceError(f"{source.name}: cannot reach {source.url} ({error.reason})") from None
    except http.client.IncompleteRead as error:
        raise SourceError(
            f"{source.name}: the answer of {source.url} was cut off after "
            f"{len(error.partial)} bytes"
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise SourceError(f"{source.name}: reading {source.url} failed ({error})") from None
    if promised and promised.isdigit() and len(body) < int(promised):
        raise SourceError(
            f"{source.name}: the answer of {source.url} was cut off after {len(body)} of "
            f"{promised} bytes"
        )
    if len(body) > MAX_BYTES:
        raise SourceError(f"{source.name}: {source.url} is larger than {MAX_BYTES} bytes")
    if not body.strip():
        raise SourceError(f"{source.name}: {source.url} answered with an empty body")
    return body


def text_of(source: Source, body: bytes) -> str:
    """The body as UTF-8 text (a byte-order mark dropped); SourceError if it is not."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{source.name}: {source.url} is not UTF-8 text (byte {error.start})"
        ) from None
