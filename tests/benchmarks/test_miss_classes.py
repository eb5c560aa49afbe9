"""The discovery benchmark's classes of misses, read from the unit, its Verband and its site."""

from __future__ import annotations

from collections import Counter

from benchmarks.discoveryweb import Miss, miss_class

LANDSCAPES = frozenset({"eifel", "mosel", "westerwald"})


def miss(name: str, host: str, made: set[str], verband: str = "", verband_id: str = "") -> Miss:
    return Miss("list", name, verband_id, verband, host, frozenset(made))


def classed(one: Miss, shared: Counter[tuple[str, str]] | None = None) -> str:
    return miss_class(one, shared or Counter(), LANDSCAPES)


def test_a_site_two_members_of_a_verband_share_is_the_verbands() -> None:
    dabel = miss("Dabel", "amt-ssl.de", {"dabel.de"}, "Sternberger Seenlandschaft", "130765655")
    assert classed(dabel, Counter({("130765655", "amt-ssl.de"): 2})) == "verband"
    assert classed(dabel) == "unrelated"  # one member alone: nothing says it is the Verband's
    selters = miss("Goddert", "selters-ww.de", {"goddert.de"}, "Selters (Westerwald)", "071435")
    assert classed(selters) == "verband"  # the Verband's name is in the host


def test_the_own_name_with_a_landscape_a_code_or_another_word() -> None:
    assert classed(miss("Boos", "boos-eifel.de", {"boos.de"})) == "name-landscape"
    assert classed(miss("Högel", "hoegel-nf.de", {"hoegel.de"})) == "name-code"
    assert classed(miss("Rech", "weindorf-rech.de", {"rech.de"})) == "name-word"
    assert classed(miss("Dahme", "groemitz.eu", {"dahme.de"})) == "unrelated"


def test_other_hosts_other_tlds_and_platforms() -> None:
    made = {"walkenried.de", "www.walkenried.de"}
    assert classed(miss("Walkenried", "rathaus.walkenried.de", made)) == "other-host"
    assert classed(miss("Looft", "gemeinde-looft.com", {"gemeinde-looft.de"})) == "other-tld"
    assert classed(miss("Undenheim", "undenheim.wixsite.com", {"undenheim.de"})) == "subdomain"
