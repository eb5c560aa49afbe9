"""Thüringen's erfüllende Gemeinden: the relation read from Destatis, written and used."""

from __future__ import annotations

import csv
from pathlib import Path

from crawler.run.discover import tasks_of
from crawler.seeds import gv
from crawler.seeds.build import administrators, apply_wikidata
from crawler.seeds.units import Unit
from crawler.seeds.wikidata import Facts


def record(
    satzart: str, kennzeichen: str, kreis: str, vb: str, gemeinde: str, name: str
) -> gv.Record:
    return gv.Record(satzart, kennzeichen, "16", "0", kreis, vb, gemeinde, name)


# Heringen/Helme runs Görsbach and Urbach (Textkennzeichen 58); the Verwaltungsgemeinschaft Uder
# (54) and the verbandsfreie Gemeinde Niederorschel (50) bear a member's name too.
HERINGEN = [
    record("50", "58", "62", "5053", "", "Heringen/Helme, Stadt"),
    record("60", "64", "62", "5053", "008", "Görsbach"),
    record("60", "64", "62", "5053", "054", "Urbach"),
    record("60", "63", "62", "5053", "064", "Heringen/Helme, Stadt"),
]
NEAR_MISSES = [
    record("50", "54", "61", "5012", "", "Uder"),
    record("60", "64", "61", "5012", "002", "Asbach-Sickenberg"),
    record("60", "64", "61", "5012", "097", "Uder"),
    record("50", "50", "61", "0074", "", "Niederorschel"),
    record("60", "64", "61", "0074", "074", "Niederorschel"),
]


def test_the_members_of_an_erfuellende_gemeinde_are_run_by_the_one_it_is_named_after() -> None:
    administered, unnamed = gv.administering_gemeinden(HERINGEN + NEAR_MISSES)
    assert administered == {"16062008": "16062064", "16062054": "16062064"}
    assert unnamed == 0


def test_an_erfuellende_gemeinde_no_member_is_named_after_relates_nobody() -> None:
    renamed = [HERINGEN[0], *HERINGEN[1:3], record("60", "63", "62", "5053", "064", "Heringen")]
    assert gv.administering_gemeinden(renamed) == ({}, 1)


def gemeinde(ags: str, name: str, parent: str, kind: str = "gemeinde", verband: str = "") -> Unit:
    return Unit(ags, name, kind, "", "Thüringen", "16", parent, verband_id=verband)


def units() -> list[Unit]:
    return [
        Unit("16065", "Kyffhäuserkreis", "landkreis", "Landkreis", "Thüringen", "16", "16"),
        gemeinde("16065014", "Ebeleben, Stadt", "16065", kind="stadt"),
        gemeinde("16065082", "Wolferschwenda", "16065014"),
        gemeinde("16065001", "Abtsbessingen", "16065014"),
        gemeinde("16065005", "Bellstedt", "16065014"),
        gemeinde("16065087", "Wiehe, Stadt", "16065", kind="stadt"),
    ]


def test_a_member_without_a_site_gets_its_erfuellende_gemeindes_as_a_verbands() -> None:
    listed = units()
    facts = {
        "16065014": Facts(items={"Q1"}, websites={"https://ebeleben.de/"}),
        "16065001": Facts(items={"Q2"}, websites={"https://ebeleben.de/"}),
        "16065005": Facts(items={"Q3"}, websites={"https://bellstedt.de/"}),
    }
    apply_wikidata(listed, facts)
    by_id = {unit.id: unit for unit in listed}
    assert (by_id["16065082"].url, by_id["16065082"].website_of) == (
        "https://ebeleben.de/",
        "verband",
    )
    assert by_id["16065001"].website_of == "verband"  # its own site is Ebeleben's
    assert (by_id["16065005"].url, by_id["16065005"].website_of) == (
        "https://bellstedt.de/",
        "self",
    )
    assert by_id["16065014"].website_of == "self"
    assert by_id["16065087"].url == ""  # a Gemeinde of the same Kreis is run by nobody


def test_only_a_gemeinde_whose_parent_is_a_gemeinde_is_run_by_it() -> None:
    listed = [*units(), gemeinde("16061002", "Asbach-Sickenberg", "160615012", verband="160615012")]
    runs = administrators(listed)
    assert runs["16065082"] == "16065014"
    assert runs["16061002"] == "160615012"
    assert "16065014" not in runs
    assert "16065087" not in runs


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_the_built_list_names_each_members_erfuellende_gemeinde(built: Path) -> None:
    rows = rows_of(built)
    run = {
        key: row
        for key, row in rows.items()
        if rows.get(row["parent_id"], {}).get("kind") in ("gemeinde", "stadt")
    }
    assert len(run) == 96
    assert len({row["parent_id"] for row in run.values()}) == 39
    assert {row["state_code"] for row in run.values()} == {"16"}
    assert rows["16062008"]["parent_id"] == "16062064"  # Görsbach, run by Heringen/Helme
    assert rows["16062008"]["website_of"] == "verband"  # it shares stadt-heringen.de
    assert rows["16062064"]["parent_id"] == "16062"
    wolferschwenda = rows["16065082"]
    assert wolferschwenda["url"] == rows["16065014"]["url"]
    assert (wolferschwenda["website_of"], wolferschwenda["website_source"]) == (
        "verband",
        "wikidata",
    )


def test_the_members_of_a_verwaltungsgemeinschaft_named_after_a_member_keep_it(built: Path) -> None:
    rows = rows_of(built)
    assert rows["16061002"]["parent_id"] == rows["16061097"]["parent_id"] == "160615012"
    assert rows["16061074"]["parent_id"] == "16061"  # Niederorschel, verbandsfrei


def test_discovery_tries_the_erfuellende_gemeindes_site_and_name(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        "id,name,url,kind,parent_id,population,kreis_id,verband_id,kind_label\n"
        "16071,Weimarer Land,,landkreis,16,,,,Landkreis\n"
        '16071004,"Bad Sulza, Stadt",https://www.bad-sulza.de/,stadt,16071,2800,16071,,Stadt\n'
        "16071083,Schmiedehausen,,gemeinde,16071004,200,16071,,Kreisangehörige Gemeinde\n"
        "16071101,Wiegendorf,,gemeinde,16071,400,16071,,Kreisangehörige Gemeinde\n",
        encoding="utf-8",
    )
    tasks = {task.facts.id: task for task in tasks_of(seeds, {})}
    run = tasks["16071083"]
    assert run.candidates[0].url == "https://www.bad-sulza.de/"
    made = {c.host: c.of for c in run.candidates if c.host}
    assert made["bad-sulza.de"] == made["stadt-bad-sulza.de"] == "verband"
    assert run.facts.verband_name == "Bad Sulza, Stadt"
    free = tasks["16071101"]
    assert not any("sulza" in c.url for c in free.candidates)
    assert free.facts.verband_name == ""
