"""``govsocial seeds build`` against the official sources' layouts served on loopback."""

from __future__ import annotations

import csv
import json
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.seeds import wikidata
from crawler.seeds.build import apply_wikidata
from crawler.seeds.seedfile import read_seeds
from crawler.seeds.sources import Source
from crawler.seeds.units import COLUMNS, Unit
from tests.seeds.conftest import Served
from tests.seeds.loopback import Answer


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(path: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows_of(path)}


def test_the_built_list_is_read_by_crawl_as_it_is(built: Path) -> None:
    seed_list = read_seeds(built, skip_without_url=True)
    assert len(seed_list.seeds) > 12000
    assert seed_list.skipped_without_url > 0
    assert rows_of(built)[0].keys() == set(COLUMNS)


def test_every_municipality_is_listed_once_with_its_parents(built: Path) -> None:
    rows = by_id(built)
    kinds = Counter(row["kind"] for row in rows.values())
    assert (
        kinds["gemeinde"] + kinds["stadt"] + kinds["kreisfreie_stadt"] + kinds["stadtstaat"]
        == 10794
    )
    assert kinds["landkreis"] == 294
    assert rows["09162000"]["kind"] == "kreisfreie_stadt"
    assert "09162" not in rows  # München once, as Gemeinde
    assert rows["051515163"]["kind"] == "verband" if "051515163" in rows else True


def test_city_states_are_listed_once_bremen_keeps_its_land(built: Path) -> None:
    rows = by_id(built)
    assert rows["11000000"]["kind"] == rows["02000000"]["kind"] == "stadtstaat"
    assert "11" not in rows
    assert "02" not in rows
    assert "11000" not in rows
    assert rows["04"]["kind"] == "land"
    assert rows["04011000"]["kind"] == "kreisfreie_stadt"
    assert rows["04011000"]["parent_id"] == "04"


def test_a_gemeinde_of_a_verband_names_it_and_may_share_its_site(built: Path) -> None:
    rows = by_id(built)
    shared = [r for r in rows.values() if "bitburgerland.de" in r["url"]]
    assert len(shared) > 10
    assert {r["website_of"] for r in shared} == {"verband"}
    assert {r["verband_id"] for r in shared} == {r["parent_id"] for r in shared}
    verband = rows[shared[0]["verband_id"]]
    assert verband["kind"] == "verband"
    assert verband["kind_label"] == "Verbandsgemeinde"


def test_population_plz_state_and_labels_come_from_destatis(built: Path) -> None:
    flensburg = by_id(built)["01001000"]
    assert flensburg["name"] == "Flensburg, Stadt"
    assert (flensburg["population"], flensburg["plz"]) == ("90164", "24937")
    assert (flensburg["state"], flensburg["state_code"]) == ("Schleswig-Holstein", "01")
    assert flensburg["kind_label"] == "Kreisfreie Stadt"
    assert flensburg["website_source"] == "wikidata"


def test_federal_bodies_come_with_their_category(built: Path) -> None:
    federal = [r for r in rows_of(built) if r["id"].startswith("bund-")]
    assert len(federal) > 900
    assert {r["kind"] for r in federal} == {"bund_behoerde", "bund_einrichtung"}
    assert {r["state"] for r in federal} == {"Bund"}
    assert {r["website_source"] for r in federal if r["url"]} == {"organigram", "publicbodies"}


def test_companion_readme_attributes_every_source(built: Path) -> None:
    readme = built.with_name("de.README.md").read_text(encoding="utf-8")
    for line in (
        "dl-de/by-2-0",
        "Statistisches Bundesamt (Destatis)",
        "CC0",
        "ODC-PDDL-1.0",
        "Anschriftenverzeichnis des Bundes",
        "--skip-missing-urls",
    ):
        assert line in readme


def test_coverage_is_stored_per_land_and_kind(built: Path) -> None:
    coverage = rows_of(built.with_name("de.coverage.csv"))
    total = next(r for r in coverage if r["state"] == r["kind"] == "(all)")
    assert int(total["units"]) == len(rows_of(built))
    assert int(total["with_website"]) + int(total["without_website"]) == int(total["units"])
    bayern = next(r for r in coverage if r["state"] == "Bayern" and r["kind"] == "gemeinde")
    assert int(bayern["with_website"]) > 1000


def test_the_gv100ad_zip_gives_the_same_list(served: Served, built: Path, tmp_path: Path) -> None:
    output = tmp_path / "de.csv"
    result = CliRunner().invoke(main, served.args(output, gv="/gv.zip"))
    assert result.exit_code == 0, result.output
    zipped, csv_built = by_id(output), by_id(built)
    assert zipped.keys() == csv_built.keys()
    # GV100AD's name field holds 50 characters; one Verband's name is longer.
    differing = [key for key in zipped if zipped[key] != csv_built[key]]
    assert [csv_built[key]["name"][:50] for key in differing] == [
        zipped[key]["name"] for key in differing
    ]
    assert len(differing) == 1


def test_wikidata_is_asked_one_sparql_query_by_official_key(served: Served, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, [*served.args(tmp_path / "de.csv", gv="/mini.csv"), "--min-municipalities", "1"]
    )
    assert result.exit_code == 0, result.output
    queries = [body for _, path, body in served.routes.received if path == "/sparql"]
    assert len(queries) == 1
    query = urllib.parse.parse_qs(queries[0].decode())["query"][0]
    for needed in (
        "wdt:P439",
        "wdt:P440",
        "wdt:P1388",
        "wdt:P856",
        "wdt:P2013",
        "wdt:P2002",
        "wdt:P2003",
        "wdt:P4033",
        "wdt:P2397",
        "wdt:P576",
        "wdt:P395",
    ):
        assert needed in query


def refused(served: Served, tmp_path: Path, gv: str = "/gv.csv") -> str:
    output = tmp_path / "de.csv"
    output.write_text("the list of an earlier build\n", encoding="utf-8")
    result = CliRunner().invoke(main, served.args(output, gv=gv))
    assert result.exit_code == 1
    assert output.read_text(encoding="utf-8") == "the list of an earlier build\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.csv"]
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.strip().endswith("nothing was written")
    return result.output


def test_a_source_answering_with_an_error_stops_the_build(served: Served, tmp_path: Path) -> None:
    served.routes.answers["/sparql"] = Answer(b"busy", status=503)
    assert "Wikidata: " in refused(served, tmp_path)
    assert "HTTP 503" in refused(served, tmp_path)


def test_a_truncated_download_stops_the_build(served: Served, tmp_path: Path) -> None:
    body = served.routes.answers["/gv.csv"].body
    served.routes.answers["/gv.csv"] = Answer(body[:5000], claimed_length=len(body))
    assert "was cut off" in refused(served, tmp_path)


def test_a_changed_layout_stops_the_build(served: Served, tmp_path: Path) -> None:
    body = served.routes.answers["/gv.csv"].body
    served.routes.answers["/gv.csv"] = Answer(body.replace(b"gemeindename", b"name", 1))
    assert "missing columns: gemeindename" in refused(served, tmp_path)


def test_a_gv100ad_record_cut_short_stops_the_build(served: Served, tmp_path: Path) -> None:
    text = served.routes.answers["/gv.zip"].body
    assert text.startswith(b"PK")
    lines = _gv100ad_lines(served)
    served.routes.answers["/gv.txt"] = Answer("\r\n".join([*lines[:40], lines[40][:130]]).encode())
    assert "does not have the GV100AD layout" in refused(served, tmp_path, gv="/gv.txt")


def test_a_file_cut_between_records_stops_the_build(served: Served, tmp_path: Path) -> None:
    lines = _gv100ad_lines(served)
    thueringen = next(
        i for i, line in enumerate(lines) if line.startswith("10") and line[10:12] == "16"
    )
    served.routes.answers["/gv.txt"] = Answer("\r\n".join(lines[: thueringen + 2]).encode())
    assert "no Gemeinde in Land 16" in refused(served, tmp_path, gv="/gv.txt")


def test_an_empty_result_stops_the_build(served: Served, tmp_path: Path) -> None:
    served.routes.answers["/sparql"] = Answer(b'{"head": {}, "results": {"bindings": []}}')
    assert "returned no results" in refused(served, tmp_path)


def test_an_empty_body_stops_the_build(served: Served, tmp_path: Path) -> None:
    served.routes.answers["/publicbodies.csv"] = Answer(b"")
    assert "empty body" in refused(served, tmp_path)


def _gv100ad_lines(served: Served) -> list[str]:
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(io.BytesIO(served.routes.answers["/gv.zip"].body)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("GV100AD"))
        return archive.read(name).decode().splitlines()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://www.Flensburg.de", "http://www.flensburg.de/"),
        ("www.kiel.de/", "https://www.kiel.de/"),
        (" https://www.luebeck.de:443/rathaus#top ", "https://www.luebeck.de/rathaus"),
        ("https://de-de.facebook.com/stadt", None),
        ("ftp://example.de/", None),
        ("https://stadt .de/", None),
        ("", None),
    ],
)
def test_urls_are_normalised(value: str, expected: str | None) -> None:
    from crawler.seeds.urls import normalise_url  # noqa: PLC0415

    assert normalise_url(value) == expected


def test_seeds_build_loads_no_crawl_framework() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = "import sys, crawler.cli.seeds; print('scrapy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_landkreis_gets_its_licence_plate_codes_from_wikidata() -> None:
    answer = {
        "results": {
            "bindings": [
                {"item": {"value": "Q1"}, "key": {"value": "01053"}, "plate": {"value": "RZ"}},
                {"item": {"value": "Q2"}, "key": {"value": "09572"}, "plate": {"value": "HÖS"}},
                {"item": {"value": "Q2"}, "key": {"value": "09572"}, "plate": {"value": "ERH"}},
                {"item": {"value": "Q3"}, "key": {"value": "09573"}, "plate": {"value": "F 1"}},
                {"item": {"value": "Q4"}, "key": {"value": "01053032"}, "plate": {"value": "RZ"}},
            ]
        }
    }
    facts = wikidata.parse_answer(Source("Wikidata", "test"), json.dumps(answer).encode())
    units = [
        Unit("01053", "Herzogtum Lauenburg", "landkreis", "Kreis", "", "01"),
        Unit("09572", "Erlangen-Höchstadt", "landkreis", "Landkreis", "", "09"),
        Unit("09573", "Fürth", "landkreis", "Landkreis", "", "09"),
        Unit("01053032", "Elmenhorst", "gemeinde", "", "", "01", kreis_id="01053"),
    ]
    apply_wikidata(units, facts)
    assert [unit.plate_codes for unit in units] == ["RZ", "ERH HÖS", "", ""]
