"""The recall measurement's licence plate codes: Kreise named in words matched to the Gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.plates import assign_plate_codes
from crawler.seeds.units import Unit


def test_kreise_named_in_words_get_their_codes(tmp_path: Path) -> None:
    entries = [
        ("A", ["Stadt Augsburg", "Landkreis Augsburg"], "Bayern"),
        ("DLG", ["Landkreis Dillingen an der Donau"], "Bayern"),
        ("GN", ["Main-Kinzig-Kreis ohne die Stadt Hanau"], "Hessen"),
        ("MKK", ["Main-Kinzig-Kreis"], "Hessen"),
        ("CO", ["Stadt Coburg und Landkreis Coburg"], "Bayern"),
        ("BBL", ["Brandenburg, Landesregierung, Landtag und Polizei"], "Brandenburg"),
    ]
    path = tmp_path / "unterscheidungszeichen.json"
    path.write_text(
        json.dumps(
            [
                {"Zeichen": code, "Stadt_Landkreis_oder_Erklärung": places, "Bundesland": land}
                for code, places, land in entries
            ]
        ),
        encoding="utf-8",
    )
    units = {
        unit.id: unit
        for unit in (
            Unit("09772", "Augsburg", "landkreis", "Landkreis", "Bayern", "09"),
            Unit("09761000", "Augsburg, Stadt", "kreisfreie_stadt", "", "Bayern", "09"),
            Unit("09773", "Dillingen a.d.Donau", "landkreis", "Landkreis", "Bayern", "09"),
            Unit("06435", "Main-Kinzig-Kreis", "landkreis", "Landkreis", "Hessen", "06"),
            Unit("09473", "Coburg", "landkreis", "Landkreis", "Bayern", "09"),
            Unit("12060", "Barnim", "landkreis", "Landkreis", "Brandenburg", "12"),
        )
    }
    assert assign_plate_codes(path, units) == 4
    assert {unit.id: unit.plate_codes for unit in units.values() if unit.plate_codes} == {
        "09772": "A",
        "09773": "DLG",
        "06435": "GN MKK",
        "09473": "CO",
    }
