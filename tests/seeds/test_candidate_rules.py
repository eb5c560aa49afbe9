"""Each naming rule of candidates.py: a site it finds, and a near-miss it does not make."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crawler.run.discover import tasks_of
from crawler.seeds.candidates import (
    Body,
    Member,
    Neighbourhood,
    acronyms,
    bare_name,
    candidates,
    landscape_of,
    landscapes,
    name_parts,
    name_slugs,
    named_landscapes,
    plate_labels,
    qualifier_initials,
    regions,
    seats,
    titles,
)


def hosts(body: Body, of: str = "") -> set[str]:
    return {c.host for c in candidates(body) if c.host and (not of or c.of == of)}


def first_tier(body: Body) -> set[str]:
    return {c.host for c in candidates(body) if c.host and not c.fallback}


def fallback(body: Body) -> set[str]:
    return {c.host for c in candidates(body) if c.host and c.fallback}


def ortsgemeinde(name: str, verband: str, label: str = "Verbandsgemeinde") -> Body:
    return Body("07000001", name, "gemeinde", "Kreisangehörige Gemeinde", "07", verband, label)


def test_the_regierungsbezirk_tells_a_bavarian_name_from_its_namesakes() -> None:
    assert "alfeld-mfr.de" in hosts(Body("09574111", "Alfeld", "gemeinde", "", "09"))
    assert "biberach-baden.de" in hosts(Body("08317011", "Biberach", "gemeinde", "", "08"))


def test_a_name_in_hessen_gets_no_bavarian_district() -> None:
    assert not any("-mfr" in host for host in hosts(Body("06435001", "Alfeld", "gemeinde")))


def test_the_landscape_of_the_neighbours_qualifies_a_name() -> None:
    body = Body("07232301", "Wallersheim", "gemeinde", "", "07", regions=("eifel", "pruem"))
    assert {"www.wallersheim-eifel.de", "wallersheim-eifel.de"} <= hosts(body)


def test_without_landscapes_no_qualified_name_is_made() -> None:
    assert not any("-eifel" in host for host in hosts(Body("07232301", "Wallersheim")))


def test_landscapes_are_read_from_river_and_region_qualifiers_of_names() -> None:
    names = ["Hamm (Sieg)", "Kirchen (Sieg)", "Betzdorf, Stadt", "Herdorf a.d.Heller"]
    assert regions(names) == ("sieg", "heller")


def test_a_neighbouring_town_named_with_bei_is_no_landscape() -> None:
    assert regions(["Bergen b.Kirn", "Weiler bei Monzingen"]) == ()


def test_a_kreis_named_after_its_landscape_gives_it() -> None:
    assert landscapes("Eifelkreis Bitburg-Prüm") == ["eifel"]
    assert landscapes("Erzgebirgskreis") == ["erzgebirge"]
    assert landscapes("Rhein-Hunsrück-Kreis") == ["rhein", "hunsrueck"]


def test_a_kreis_named_after_its_town_gives_no_landscape() -> None:
    assert landscapes("Kusel") == []
    assert landscapes("Landkreis Kreis") == []


def test_a_verband_of_several_words_is_tried_by_its_initials() -> None:
    made = hosts(ortsgemeinde("Miellen", "Bad Ems-Nassau"), of="verband")
    assert {"vgben.de", "www.vg-ben.de"} <= made
    assert acronyms("Sandesneben-Nusse") == ["sn"]


def test_a_verband_of_one_word_has_no_acronym() -> None:
    assert acronyms("Kusel") == []
    assert acronyms("Gransee und Gemeinden") == ["gg"]


def test_each_place_of_a_merged_verband_is_tried() -> None:
    made = hosts(ortsgemeinde("Rayerschied", "Simmern-Rheinböllen"), of="verband")
    assert {"www.simmern.de", "vg-rheinboellen.de"} <= made
    assert name_parts("Peenetal/Loitz") == ["peenetal", "loitz"]


def test_a_verband_of_one_place_is_not_split() -> None:
    assert name_parts("Bitburger Land") == []
    assert name_parts("Kusel-Altenglan (VG)") == ["kusel", "altenglan"]
    assert name_parts("Zell (Mosel)") == []


def test_a_verband_named_after_its_landscape_is_tried_by_its_seat() -> None:
    body = ortsgemeinde("Dörrmoschel", "Nordpfälzer Land")
    with_seat = replace(body, verband_seats=("Rockenhausen, Stadt",))
    assert {"www.rockenhausen.de", "vg-rockenhausen.de"} <= hosts(with_seat, of="verband")
    assert "rockenhausen.de" not in hosts(body)


def test_the_seats_are_the_two_most_populous_members() -> None:
    members = [Member("Dörrmoschel", 180), Member("Rockenhausen, Stadt", 5400), Member("Imsweiler")]
    assert seats(members) == ("Rockenhausen, Stadt", "Dörrmoschel")
    assert seats([]) == ()


def test_a_merged_verband_is_also_tried_by_its_second_town() -> None:
    # Nahe-Glan sits in Meisenheim, the smaller of its two towns (meisenheim.de).
    becherbach = replace(
        ortsgemeinde("Becherbach", "Nahe-Glan"),
        verband_seats=("Bad Sobernheim, Stadt", "Meisenheim, Stadt"),
    )
    made = hosts(becherbach, of="verband")
    assert {"meisenheim.de", "www.meisenheim.de", "bad-sobernheim.de"} <= made
    assert "vg-meisenheim.de" not in made  # the runner-up is tried by its plain name only


def test_net_is_tried_for_the_name_as_written() -> None:
    made = hosts(Body("07137020", "Dieblich", "gemeinde", "", "07"))
    assert {"dieblich.net", "www.dieblich.net"} <= made
    assert "gemeinde-dieblich.net" not in made


def test_the_erfuellende_gemeinde_is_tried_by_its_name_and_kind() -> None:
    albersdorf = Body(
        "16074001",
        "Albersdorf",
        "gemeinde",
        "",
        "16",
        erfuellende_name="Bad Klosterlausnitz",
        erfuellende_kind="gemeinde",
    )
    assert {"bad-klosterlausnitz.de", "www.gemeinde-bad-klosterlausnitz.de"} <= hosts(
        albersdorf, of="verband"
    )
    goesen = Body(
        "16074025",
        "Gösen",
        "gemeinde",
        "",
        "16",
        erfuellende_name="Eisenberg, Stadt",
        erfuellende_kind="stadt",
    )
    assert {"www.eisenberg.de", "stadt-eisenberg.de", "stadteisenberg.de"} <= hosts(
        goesen, of="verband"
    )


def test_a_gemeinde_of_a_verband_named_after_a_town_has_no_erfuellende_gemeinde() -> None:
    lutter = ortsgemeinde("Lutter", "Uder", label="Verwaltungsgemeinschaft")
    made = {c.rule for c in candidates(lutter)}
    assert "verband" in made
    assert "erfuellende" not in made
    assert "bad-klosterlausnitz.de" not in hosts(Body("16074001", "Albersdorf", "gemeinde"))


def test_the_kind_word_as_first_label() -> None:
    made = hosts(Body("01057043", "Laboe", "gemeinde", "Kreisangehörige Gemeinde", "01"))
    assert "gemeinde.laboe.de" in made
    assert "stadt.laboe.de" not in made


def test_an_ortsgemeinde_of_a_verbandsgemeinde_is_tried_as_such() -> None:
    made = hosts(ortsgemeinde("Bruchertseifen", "Hamm (Sieg)"))
    assert {"og-bruchertseifen.de", "www.ortsgemeinde-bruchertseifen.de"} <= made


def test_a_gemeinde_of_an_amt_is_no_ortsgemeinde() -> None:
    made = hosts(ortsgemeinde("Bruchertseifen", "Probstei", label="Amt"))
    assert not any("ortsgemeinde" in host or host.startswith(("og-", "www.og-")) for host in made)


def test_the_verband_name_with_its_umlauts() -> None:
    made = hosts(ortsgemeinde("Gundersweiler", "Nordpfälzer Land"), of="verband")
    assert "xn--nordpflzerland-bib.de" in made
    assert not any(h.startswith("xn--") for h in hosts(ortsgemeinde("Rodder", "Adenau")))


def test_destatis_landscape_abbreviations_are_written_out() -> None:
    assert "breitenbrunn-erzgebirge" in name_slugs("Breitenbrunn/Erzgeb.")
    assert "adorf-vogtland" in name_slugs("Adorf/Vogtl., Stadt")
    assert name_slugs("Petershagen/Eggersdorf") == [
        "petershagen-eggersdorf",
        "petershageneggersdorf",
        "petershagen",
    ]


def test_a_landscape_name_is_tried_without_its_preposition() -> None:
    assert "finne" in name_slugs("An der Finne")
    assert "brahmetal" in name_slugs("Am Brahmetal")
    assert name_slugs("Annaberg-Buchholz, Stadt")[:2] == ["annaberg-buchholz", "annabergbuchholz"]


def test_discovery_gives_each_unit_its_verband_seat_and_kreis_landscapes(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        "id,name,url,kind,population,kreis_id,verband_id,kind_label\n"
        "07132,Altenkirchen (Westerwald),,landkreis,,,,Landkreis\n"
        "071325009,Hamm (Sieg),,verband,,07132,,Verbandsgemeinde\n"
        "07132045,Hamm (Sieg),,gemeinde,3900,07132,071325009,Kreisangehörige Gemeinde\n"
        "07132017,Bruchertseifen,,gemeinde,250,07132,071325009,Kreisangehörige Gemeinde\n"
        "07132118,Kirchen (Sieg),https://www.kirchen-sieg.de/,stadt,8400,07132,,Stadt\n",
        encoding="utf-8",
    )
    task = next(t for t in tasks_of(seeds, {}) if t.facts.id == "07132017")
    made = {c.host for c in task.candidates}
    assert {"bruchertseifen-sieg.de", "bruchertseifen-westerwald.de"} <= made
    assert {"www.hamm.de", "vg-hamm.de"} <= made


def test_a_list_without_relations_gives_no_seats_or_landscapes() -> None:
    around = Neighbourhood.of([Member("Aach"), Member("Bach", 10)], {})
    assert around.seats == {}
    assert around.regions == {}


def test_a_namesake_is_told_apart_by_its_kreis_licence_plate_code() -> None:
    berg = Body("07131008", "Berg", "gemeinde", "", "07", plates=("AW",), namesake=True)
    assert {"berg-aw.de", "www.berg-aw.de"} <= hosts(berg)
    assert {"oberreichenbach-erh.de", "oberreichenbach-hoes.de"} <= hosts(
        Body("09572138", "Oberreichenbach", "gemeinde", plates=("ERH", "HÖS"), namesake=True)
    )


def test_a_name_borne_once_gets_its_licence_plate_code_only_in_the_fallback_tier() -> None:
    hoegel = Body("01054047", "Högel", "gemeinde", "", "01", plates=("NF",))
    assert not any(host.endswith("-nf.de") for host in first_tier(hoegel))
    assert "hoegel-nf.de" in fallback(hoegel)
    assert "hoegel-nf.de" in first_tier(replace(hoegel, namesake=True))
    assert "hoegel-nf.de" not in fallback(replace(hoegel, namesake=True))


def test_a_landkreis_is_tried_by_its_own_licence_plate_code() -> None:
    lauenburg = Body("01053", "Herzogtum Lauenburg", "landkreis", "Kreis", "01", plates=("RZ",))
    assert {"kreis-rz.de", "lkrz.de", "lra-rz.de", "rz.de"} <= hosts(lauenburg)
    gemeinde = Body("01053032", "Elmenhorst", "gemeinde", "", "01", plates=("RZ",), namesake=True)
    assert "kreis-rz.de" not in hosts(gemeinde)
    assert "elmenhorst-rz.de" in hosts(gemeinde)
    assert "herzogtum-lauenburg-rz.de" not in hosts(replace(lauenburg, namesake=True))


def test_licence_plate_codes_become_ascii_labels() -> None:
    assert plate_labels(["AÖ", "NÖ", "NÖ", "B"]) == ["aoe", "noe", "b"]


def test_namesakes_are_the_names_two_gemeinden_bear() -> None:
    around = Neighbourhood.of(
        [
            Member("Berg", kreis_id="07131", kind="gemeinde"),
            Member("Berg (Pfalz)", kreis_id="07334", kind="gemeinde"),
            Member("Berg", kind="verband"),
            Member("Kaden", kreis_id="07143", kind="gemeinde"),
            Member("Hamm (Sieg)", kind="verband"),
            Member("Hamm (Sieg)", kind="gemeinde"),
        ],
        {},
    )
    assert around.is_namesake("Berg")
    assert around.is_namesake("Berg b.Neumarkt i.d.OPf.")
    assert not around.is_namesake("Kaden")
    assert not around.is_namesake("Hamm (Sieg)")  # a Verband of the same name is no namesake


def test_discovery_reads_the_kreis_licence_plate_codes_from_the_list(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        "id,name,url,kind,kreis_id,plate_codes\n"
        "07131,Ahrweiler,,landkreis,,AW\n"
        "07131008,Berg,,gemeinde,07131,\n"
        "07131009,Gönnersdorf,,gemeinde,07131,\n"
        "07334003,Berg (Pfalz),,gemeinde,07334,\n"
        "07334004,Hagenbach,https://www.hagenbach.de/,stadt,07334,\n",
        encoding="utf-8",
    )
    made = {t.facts.id: {c.host for c in t.first} for t in tasks_of(seeds, {})}
    assert "berg-aw.de" in made["07131008"]
    assert "kreis-aw.de" in made["07131"]
    assert not any(host.endswith("-aw.de") for host in made["07131009"])  # no namesake
    assert not any(host.endswith("-aw.de") for host in made["07334003"])  # not in Ahrweiler
    assert bare_name("Berg b.Neumarkt i.d.OPf.") == bare_name("Berg, Markt") == "berg"
    assert bare_name("Neustadt an der Weinstraße, Stadt") == "neustadt"


def test_abbreviated_prefixes_are_also_run_together() -> None:
    # Samtgemeinde Werlte: sgwerlte.de; Verwaltungsgemeinschaft Straußfurt: vgstraussfurt.de
    lahn = ortsgemeinde("Lahn", "Werlte", label="Samtgemeinde")
    assert {"sgwerlte.de", "samtgemeindewerlte.de"} <= hosts(lahn, of="verband")
    made = hosts(ortsgemeinde("Haßleben", "Straußfurt", label="Verwaltungsgemeinschaft"))
    assert {"vgstraussfurt.de", "vgemstraussfurt.de"} <= made
    assert "verwaltungsgemeinschaftstraussfurt.de" not in made  # a word is hyphenated only


def test_a_verbandsgemeinde_of_sachsen_anhalt_is_tried_as_vgem() -> None:
    meineweh = Body("15084330", "Meineweh", "gemeinde", "", "15", "Wethautal", "Verbandsgemeinde")
    assert {"vgem-wethautal.de", "vgemwethautal.de"} <= hosts(meineweh, of="verband")
    finne = replace(meineweh, verband_name="An der Finne")
    assert "vgem-finne.de" in hosts(finne, of="verband")
    # Rheinland-Pfalz's Verbandsgemeinden write "vg"
    assert not any("vgem" in host for host in hosts(ortsgemeinde("Rodder", "Adenau")))


def test_a_verband_is_tried_by_the_landscape_it_is_named_by() -> None:
    made = hosts(ortsgemeinde("Burtscheid", "Thalfang am Erbeskopf"), of="verband")
    assert {"erbeskopf.de", "vg-erbeskopf.de"} <= made
    assert landscape_of("Zell (Mosel)") == ["mosel"]
    assert landscape_of("Kirn b.Meisenheim") == []  # "bei" names a neighbour, not a landscape
    assert landscape_of("Kusel-Altenglan") == []


def test_a_qualified_verband_is_told_apart_by_its_kreis_licence_plate_code() -> None:
    goddert = replace(ortsgemeinde("Goddert", "Selters (Westerwald)"), plates=("WW",))
    assert {"selters-ww.de", "www.selters-ww.de"} <= hosts(goddert, of="verband")
    maehren = replace(ortsgemeinde("Mähren", "Wallmerod"), plates=("WW",))
    assert "wallmerod-ww.de" not in hosts(maehren)  # a name with no qualifier has no namesake


def test_a_joined_name_is_tried_with_each_place_run_together() -> None:
    assert "horn-badmeinberg" in name_slugs("Horn-Bad Meinberg, Stadt")
    assert "dorfmecklenburg-badkleinen" in name_slugs("Dorf Mecklenburg-Bad Kleinen")
    assert name_slugs("Bad Tölz, St") == ["bad-toelz", "badtoelz", "toelz"]


def test_a_seenlandschaft_gives_its_initials_as_two_words() -> None:
    made = hosts(ortsgemeinde("Dabel", "Sternberger Seenlandschaft", label="Amt"), of="verband")
    assert {"amt-ssl.de", "amtssl.de", "amt-ss.de"} <= made
    assert acronyms("Seenlandschaft Waren") == ["sw", "slw"]
    assert acronyms("Schradenland") == []  # one word is no acronym, even a compound


def test_destatis_title_is_tried_as_a_prefix() -> None:
    uelzen = Body("03360025", "Uelzen, Hansestadt", "stadt", "Stadt", "03")
    assert "hansestadt-uelzen.de" in hosts(uelzen)
    assert titles("Rathen, Kurort") == titles("Jonsdorf, Kurort, Stadt") == ["kurort"]
    assert titles("Abenberg, St") == titles("Freising, GKSt") == titles("Aach, Stadt") == []
    assert not any(h.startswith("st-") for h in hosts(Body("09576111", "Abenberg, St", "stadt")))


def test_a_bilingual_name_is_tried_by_its_german_name() -> None:
    rietschen = Body("14626390", "Rietschen / Rěčicy", "gemeinde", "", "14")
    made = hosts(rietschen)
    assert {"rietschen.de", "rietschen-online.de"} <= made
    assert not any("recicy" in host for host in made)


def test_words_are_added_to_the_bare_name_too() -> None:
    rosbach = Body("06440023", "Rosbach v. d. Höhe, Stadt", "stadt", "Stadt", "06")
    assert {"rosbach-hessen.de", "rosbach-v-d-hoehe-hessen.de"} <= hosts(rosbach)
    assert bare_name("Bad Homburg v. d. Höhe, Stadt") == "bad-homburg"


def test_a_qualifier_is_tried_by_its_initials() -> None:
    assert "hagen-atw.de" in hosts(Body("03459016", "Hagen am Teutoburger Wald", "gemeinde"))
    assert qualifier_initials("Sulzdorf a.d.Lederhecke") == "adl"
    assert qualifier_initials("Zell unter Aichelberg") == "ua"
    assert "zellua.de" in hosts(Body("08117049", "Zell unter Aichelberg", "gemeinde"))
    assert qualifier_initials("Kusel, Stadt") == qualifier_initials("Bad Tölz") == ""


def test_a_gemeinde_is_tried_on_the_orts_app_platform() -> None:
    made = hosts(Body("07339062", "Undenheim", "gemeinde", "", "07"))
    assert "undenheim.orts.app" in made
    assert "www.undenheim.orts.app" not in made
    assert not any(h.endswith("orts.app") for h in hosts(Body("07339001", "Alzey, Stadt", "stadt")))


def test_a_gemeinde_of_thueringen_is_tried_as_a_landgemeinde() -> None:
    assert "lg-suedeichsfeld.de" in hosts(Body("16061115", "Südeichsfeld", "gemeinde", "", "16"))
    assert "lg-buttstaedt.de" in hosts(Body("16071103", "Buttstädt, Stadt", "stadt", "", "16"))
    assert not any(
        h.startswith("lg-") for h in hosts(Body("15084330", "Meineweh", "gemeinde", "", "15"))
    )


def test_a_gemeinde_whose_name_holds_a_kind_word_is_tried_by_its_whole_name() -> None:
    made = hosts(Body("03355049", "Amt Neuhaus", "gemeinde", "", "03"))
    assert {"amt-neuhaus.de", "www.amt-neuhaus.de", "neuhaus.de"} <= made
    amt = hosts(Body("010575788", "Amt Probstei", "verband", "Amt", "01"))
    assert "amt-amt-probstei.de" not in amt


def test_a_landscape_ending_a_word_of_the_verbands_or_kreis_name_qualifies_a_name() -> None:
    known = frozenset({"eifel", "allgaeu", "mosel"})
    assert named_landscapes("Vordereifel", known) == ["eifel"]
    assert named_landscapes("Unterallgäu", known) == ["allgaeu"]
    assert named_landscapes("Eifelland", known) == []  # the landscape must end the word
    around = Neighbourhood.of(
        [Member("Zell (Mosel)", kreis_id="07135"), Member("Boos", kreis_id="07137")],
        {"07137": "Mayen-Koblenz"},
    )
    assert around.landscapes == {"mosel"}
    boos = Body("07137012", "Boos", "gemeinde", regions=around.regions_of("07137", "Vordereifel"))
    assert boos.regions == ()  # "eifel" is no qualifier in this list: nothing to read it from
    around = replace(around, landscapes=known)
    made = hosts(replace(boos, regions=around.regions_of("07137", "Vordereifel")))
    assert "boos-eifel.de" in made
    assert not any(host.endswith("-mosel.de") for host in made)


def test_a_verband_named_after_a_town_outside_it_is_tried_by_that_town() -> None:
    around = Neighbourhood.of(
        [
            Member("Wilster, Stadt", 4400, "01061", "", "stadt"),
            Member("Nortorf", 600, "01061", "010615", "gemeinde"),
            Member("Kellinghusen, Stadt", 8000, "01061", "010616", "stadt"),
            Member("Hude (Oldb)", 16000, "03458", "", "gemeinde"),
        ],
        {},
    )
    assert around.seats_of("010615", "01061", "Wilstermarsch") == ("Nortorf", "wilster")
    nortorf = replace(
        ortsgemeinde("Nortorf", "Wilstermarsch", label="Amt"),
        verband_seats=around.seats_of("010615", "01061", "Wilstermarsch"),
    )
    assert "wilster.de" in hosts(nortorf, of="verband")
    assert around.seats_of("010616", "01061", "Kellinghusen") == ("Kellinghusen, Stadt",)
    assert "wilster" not in around.seats_of("010615", "03458", "Wilstermarsch")  # not its Kreis
    assert around.seats_of("034585", "03458", "Huder Land") == ()  # too short to tell


def test_a_list_without_kreise_names_no_town_for_a_verband() -> None:
    around = Neighbourhood.of(
        [Member("Wilster, Stadt", 4400, kind="stadt"), Member("Nortorf", 600, "", "010615")], {}
    )
    assert around.seats_of("010615", "", "Wilstermarsch") == ("Nortorf",)
