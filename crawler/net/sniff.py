"""Telling real HTML from what only claims to be: binary bodies and charsets that do not fit."""

from __future__ import annotations

from scrapy.http import TextResponse

# Leading bytes of formats that servers mislabel as text/html (downloads behind CMS handlers).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0", "ms-office"),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 1024
FALLBACK_ENCODING = "cp1252"  # what German pages mislabelled as UTF-8 are, nearly always


def binary_kind(body: bytes) -> str | None:
    """The binary format ``body`` starts with, ``"binary"`` for other NUL bytes, else None."""
    for magic, kind in SIGNATURES:
        if body.startswith(magic):
            return kind
    head = body[:SNIFF_BYTES]
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        return "binary"  # text never holds NUL bytes, except UTF-16, which has a BOM
    return None


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def fitting_encoding(response: TextResponse) -> TextResponse:
    """``response`` re-decoded as windows-1252 when its declared UTF-8 does not fit the bytes."""
    if not _is_utf8(response.encoding):
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.replace(encoding=FALLBACK_ENCODING)
    return response


def analysis_source(response: TextResponse) -> str | bytes:
    """The page as analysis reads it: the body itself when UTF-8, else the decoded text.

    Called on what :func:`fitting_encoding` returns, so a UTF-8 body does decode as UTF-8. Bytes
    go to an analysis worker as they are, and the parser reads them without the two conversions
    text costs (to UTF-8 for pickling, and again for the parser).
    """
    return response.body if _is_utf8(response.encoding) else response.text
