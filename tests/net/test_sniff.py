"""Sniffing bodies that claim to be HTML, and re-decoding UTF-8 that is not."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.net.sniff import analysis_source, binary_kind, fitting_encoding


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"<html>\x00\x01\x02</html>", "binary"),
    ],
)
def test_binary_bodies_are_named(body: bytes, kind: str) -> None:
    assert binary_kind(body) == kind


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><title>PDF-Formulare</title></html>",
        "<html><title>Gemeinde Großkötz</title></html>".encode("cp1252"),
        "\ufeff<html></html>".encode("utf-16"),  # UTF-16 holds NUL bytes but starts with a BOM
        b"",
    ],
)
def test_text_bodies_are_not_binary(body: bytes) -> None:
    assert binary_kind(body) is None


def _response(body: bytes, content_type: str) -> HtmlResponse:
    return HtmlResponse("https://www.a.de/", body=body, headers={"Content-Type": content_type})


def test_windows_1252_declared_as_utf8_is_re_decoded() -> None:
    response = _response("Grüße".encode("cp1252"), "text/html; charset=utf-8")
    assert fitting_encoding(response).text == "Grüße"


def test_valid_utf8_is_left_alone() -> None:
    response = _response("Grüße".encode(), "text/html; charset=utf-8")
    assert fitting_encoding(response) is response


def test_other_declared_charsets_are_left_alone() -> None:
    response = _response("Grüße".encode("iso-8859-1"), "text/html; charset=iso-8859-1")
    assert fitting_encoding(response) is response


def test_analysis_reads_a_utf8_body_as_bytes() -> None:
    body = "<title>Grüße</title>".encode()
    assert analysis_source(fitting_encoding(_response(body, "text/html; charset=utf-8"))) == body


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<title>Grüße</title>".encode("cp1252"), "text/html; charset=utf-8"),  # mislabelled
        ("<title>Grüße</title>".encode("iso-8859-1"), "text/html; charset=iso-8859-1"),
    ],
)
def test_analysis_reads_other_bodies_as_decoded_text(body: bytes, content_type: str) -> None:
    assert analysis_source(fitting_encoding(_response(body, content_type))) == (
        "<title>Grüße</title>"
    )
