"""The static host map: exact names, ``*.zone`` wildcards, and names that must not match."""

from __future__ import annotations

import pytest
from twisted.internet.error import DNSLookupError
from twisted.internet.testing import MemoryReactorClock
from twisted.python.failure import Failure

from crawler.net.resolver import GuardedResolver, static_address

HOSTS = {
    "www.a.de": "10.0.0.1",
    "*.example": "127.0.0.1",
    "*.b.example": "127.0.0.2",
    "exact.b.example": "127.0.0.3",
    "*.gone.test": "",
}


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("www.a.de", "10.0.0.1"),
        ("WWW.A.DE.", "10.0.0.1"),  # case and the root dot do not matter
        ("gemeinde-00001.example", "127.0.0.1"),
        ("www.gemeinde-00001.example", "127.0.0.1"),  # any depth below the zone
        ("x.b.example", "127.0.0.2"),  # the most specific wildcard wins
        ("exact.b.example", "127.0.0.3"),  # an exact entry beats every wildcard
        ("www.gone.test", ""),  # mapped to "no such host"
    ],
)
def test_names_the_map_knows(name: str, address: str) -> None:
    assert static_address(HOSTS, name) == address


@pytest.mark.parametrize(
    "name",
    [
        "example",  # the zone itself is not below it
        "notexample",  # a name that merely ends with the zone's letters
        "www.notexample",
        "example.org",  # the zone's name as a label elsewhere
        "www.example.org",
        "a.de",  # exact entries cover only their own name
        "x.www.a.de",
    ],
)
def test_near_misses_are_left_to_the_system_resolver(name: str) -> None:
    assert static_address(HOSTS, name) is None


def _resolve(name: str, allow_private: bool = True) -> str | Failure:
    resolver = GuardedResolver(MemoryReactorClock(), 0, 1.0, HOSTS, allow_private)
    outcome: list[str | Failure] = []
    resolver.getHostByName(name).addBoth(outcome.append)
    return outcome[0]


def test_the_resolver_answers_a_wildcard_name_from_the_map() -> None:
    assert _resolve("www.Gemeinde-00042.example") == "127.0.0.1"


def test_a_wildcard_to_the_empty_string_makes_names_not_exist() -> None:
    outcome = _resolve("www.gone.test")
    assert isinstance(outcome, Failure)
    assert outcome.check(DNSLookupError)
