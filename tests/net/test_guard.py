"""The private-address guard: public addresses pass, everything else is refused."""

from __future__ import annotations

import pytest

from crawler.net.guard import is_public_address, refusal_reason


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["193.175.32.10", "2a02:8108::1", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://localhost:8000/", True),
        ("http://app.localhost/", True),
        ("http://127.0.0.1/", True),
        ("http://[::1]:8080/", True),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("https://www.stuttgart.de/", False),  # names are checked when they resolve
        ("http://193.175.32.10/", False),
    ],
)
def test_refusal_reason_for_literal_hosts(url: str, refused: bool) -> None:
    assert (refusal_reason(url) is not None) is refused
