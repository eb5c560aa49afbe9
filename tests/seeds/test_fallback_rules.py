"""The fallback tier of candidates.py: each rule finds a real site, makes no near-miss, and
stays out of the first tier, which every unit fetches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benchmarks import discoveryweb
from crawler.seeds.candidates import (
    LAND_REGIONS,
    MAX_FALLBACK,
    Body,
    Member,
    Neighbourhood,
    candidates,
    is_host_name,
)


def first_tier(body: Body) -> set[str]:
    return {c.host for c in candidates(body) if c.host and not c.fallback}


def fallback(body: Body, of: str = "") -> set[str]:
    return {c.host for c in candidates(body) if c.host and c.fallback and (not of or c.of == of)}


def member(name: str, verband: str, label: str, seats: tuple[str, ...] = ()) -> Body:
    return Body("00000001", name, "gemeinde", "", "07", verband, label, verband_seats=seats)


def test_the_fallback_tier_comes_after_the_first_and_repeats_none_of_it() -> None:
    made = candidates(Body("09190142", "Polling", "gemeinde", "", "09", plates=("WM",)))
    tiers = [c.fallback for c in made]
    assert tiers == sorted(tiers)
    assert any(tiers)
    assert len({c.url for c in made}) == len(made)
    assert sum(tiers) <= MAX_FALLBACK


def test_a_landkreis_is_tried_with_kreis_after_its_name() -> None:
    oldenburg = Body("03458", "Oldenburg", "landkreis", "Landkreis", "03")
    assert {"oldenburg-kreis.de", "oldenburg-landkreis.de", "lra-oldenburg.de"} <= fallback(
        oldenburg
    )
    assert "oldenburg-kreis.de" not in first_tier(oldenburg)
    town = Body("03403000", "Oldenburg (Oldb), Stadt", "kreisfreie_stadt", "", "03")
    assert not any("kreis" in host or "lra-" in host for host in fallback(town))


def test_a_name_with_umlauts_is_tried_with_its_prefix_as_written() -> None:
    sulzetal = Body("15083557", "Sülzetal", "gemeinde", "", "15")
    assert "xn--gemeinde-slzetal-szb.de" in fallback(sulzetal)
    assert "xn--stadt-orlamnde-qsb.de" in fallback(Body("1", "Orlamünde, Stadt", "stadt"))
    assert not any(host.startswith("xn--") for host in fallback(Body("1", "Aach", "gemeinde")))


def test_a_verband_is_tried_as_the_subdomain_of_its_seat() -> None:
    albessen = member("Albessen", "Kusel-Altenglan", "Verbandsgemeinde", ("Kusel, Stadt",))
    assert "vg.kusel.de" in fallback(albessen, of="verband")
    assert not any(host.startswith("vg.") for host in fallback(member("Albessen", "", "")))


def test_the_kind_word_follows_the_name() -> None:
    assert "castell-gemeinde.de" in fallback(Body("09675117", "Castell", "gemeinde"))
    penkun = Body("13075105", "Penkun, Stadt", "stadt")
    assert "penkun-stadt.de" in fallback(penkun)
    assert "penkun-gemeinde.de" not in fallback(penkun)
    assert "castell-gemeinde.de" not in first_tier(Body("09675117", "Castell", "gemeinde"))


def test_a_verband_is_tried_as_the_verwaltungsamt_of_its_seat() -> None:
    ahlsdorf = member("Ahlsdorf", "Mansfelder Grund-Helbra", "Verbandsgemeinde", ("Helbra",))
    assert "verwaltungsamt-helbra.de" in fallback(ahlsdorf, of="verband")
    assert not any("verwaltungsamt" in host for host in fallback(member("Helbra", "", "")))


def test_the_verbands_kind_word_follows_its_name() -> None:
    goeldenitz = member("Göldenitz", "Berkenthin", "Amt")
    assert "berkenthin-amt.de" in fallback(goeldenitz, of="verband")
    assert "berkenthin-vg.de" not in fallback(goeldenitz)


def test_the_own_name_is_tried_with_the_verbands() -> None:
    assert "gering-maifeld.de" in fallback(member("Gering", "Maifeld", "Verbandsgemeinde"))
    assert not any(host.startswith("gering-m") for host in fallback(member("Gering", "", "")))


def test_the_town_hall_names_a_site() -> None:
    assert "rathaus-gmund.de" in fallback(Body("09182116", "Gmund a.Tegernsee", "gemeinde"))
    assert "rathaus.pfronten.de" in fallback(Body("09780133", "Pfronten", "gemeinde"))
    bocka = member("Bocka", "Münchenbernsdorf", "Verwaltungsgemeinschaft", ("Münchenbernsdorf",))
    assert "rathaus-muenchenbernsdorf.de" in fallback(bocka, of="verband")
    assert "rathaus-bocka.de" in fallback(bocka, of="self")
    assert "rathaus-tegernsee.de" not in fallback(Body("1", "Gmund a.Tegernsee", "gemeinde"))


def test_the_verbands_name_is_tried_under_other_top_level_domains() -> None:
    ditfurt = member("Ditfurt", "Vorharz", "Verbandsgemeinde")
    assert {"vorharz.net", "vorharz.info", "vorharz.eu"} <= fallback(ditfurt, of="verband")
    assert "vorharz.net" not in first_tier(ditfurt)
    assert not any(host.startswith("vorharz") for host in fallback(member("Ditfurt", "", "")))


def test_the_landscapes_of_the_land_qualify_a_name_its_kreis_does_not() -> None:
    fell = Body(
        "07235026",
        "Fell",
        "gemeinde",
        "",
        "07",
        regions=("mosel",),
        land_regions=("hunsrueck", "eifel"),
    )
    assert {"fell-hunsrueck.de", "fell-eifel.de"} <= fallback(fell)
    assert "fell-mosel.de" in first_tier(fell)
    assert "fell-mosel.de" not in fallback(fell)  # the Kreis's own are in the first tier
    bare = fallback(replace(fell, land_regions=()))
    assert not any(host.endswith(("-eifel.de", "-hunsrueck.de")) for host in bare)


def test_a_lands_landscapes_are_those_its_names_carry_most() -> None:
    members = [
        Member("Kenn", state_code="07"),
        Member("Bernkastel-Kues", state_code="07"),
        *(Member(f"Ort{n} (Mosel)", state_code="07") for n in range(3)),
        *(Member(f"Dorf{n} (Eifel)", state_code="07") for n in range(2)),
        Member("Hamm (Sieg)", state_code="07"),
        Member("Bach a.Inn", state_code="09"),
        Member("Au (Ems)", state_code="07"),  # too short to tell from a word
    ]
    around = Neighbourhood.of(members, {})
    assert around.land_regions_of("07") == ("mosel", "eifel", "sieg")
    assert around.land_regions_of("09") == ()  # "inn" is too short
    assert around.land_regions_of("03") == ()
    many = [Member(f"Ort (Land{n:02})", state_code="06") for n in range(LAND_REGIONS + 3)]
    assert len(Neighbourhood.of(many, {}).land_regions_of("06")) == LAND_REGIONS


def test_a_kreis_named_with_its_kind_word_is_tried_by_its_whole_name() -> None:
    saarbruecken = Body("10041", "Regionalverband Saarbrücken", "landkreis", "", "10")
    assert "regionalverband-saarbruecken.de" in first_tier(saarbruecken)
    aachen = Body("05334", "Städteregion Aachen", "landkreis", "", "05")
    assert "staedteregion-aachen.de" in first_tier(aachen)
    kassel = Body("06633", "Kassel", "landkreis", "Landkreis", "06")
    assert not any(
        host.startswith(("regionalverband", "staedteregion")) for host in first_tier(kassel)
    )


def test_every_candidate_of_every_unit_of_the_gemeindeverzeichnis_is_a_host_name(
    shared_dir: Path,
) -> None:
    units = discoveryweb.gazetteer(shared_dir)
    around = discoveryweb.neighbourhood(units)
    hosts = [
        candidate.host
        for unit in units.values()
        for candidate in candidates(discoveryweb.body_of(unit, units, around))
        if candidate.host
    ]
    assert len(hosts) > 500_000
    assert all(is_host_name(host) for host in hosts)
    too_long = "eriskirch-kressbronn-am-bodensee-langenargen-bodensee-langenargen"
    assert len(too_long) == 65
    assert not is_host_name(f"{too_long}.de")
    assert not is_host_name("gemeinde-.de")
    assert is_host_name("xn--gemeinde-slzetal-szb.de")
