"""Seed files: good ones are read whole, bad ones refused with line numbers before any crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.seeds.seedfile import SeedFileError, check_url, read_seeds

GOOD = (
    "id,name,url,kind,state,population,website_source\n"
    "08111000,Stuttgart,https://www.stuttgart.de/,Stadt,Baden-Württemberg,632865,destatis\n"
    "09162000,München,https://stadt.muenchen.de/,Stadt,Bayern,,\n"
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "seeds.csv"
    path.write_bytes(text.encode(encoding))
    return path


def problems(tmp_path: Path, text: str, encoding: str = "utf-8") -> list[str]:
    with pytest.raises(SeedFileError) as raised:
        read_seeds(write(tmp_path, text, encoding))
    return [str(problem) for problem in raised.value.problems]


def test_reads_required_optional_and_extra_columns(tmp_path: Path) -> None:
    seeds = read_seeds(write(tmp_path, GOOD)).seeds
    assert [(s.id, s.name, s.url, s.kind, s.population) for s in seeds] == [
        ("08111000", "Stuttgart", "https://www.stuttgart.de/", "Stadt", 632865),
        ("09162000", "München", "https://stadt.muenchen.de/", "Stadt", None),
    ]
    assert seeds[0].attributes == {"website_source": "destatis"}


def test_digest_identifies_the_file_content(tmp_path: Path) -> None:
    first = read_seeds(write(tmp_path, GOOD)).sha256
    second = read_seeds(write(tmp_path, GOOD.replace("632865", "632866"))).sha256
    assert first != second
    assert len(first) == 64


def test_semicolon_csv_from_german_excel_with_bom(tmp_path: Path) -> None:
    text = "\ufeffid;name;url\n01001000;Flensburg;https://www.flensburg.de/\n"
    assert [s.id for s in read_seeds(write(tmp_path, text)).seeds] == ["01001000"]


def test_missing_required_column_is_refused_on_the_header_line(tmp_path: Path) -> None:
    assert problems(tmp_path, "id,name\n1,A\n") == ["line 1: missing required column(s): url"]


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    text = "id,name,url\n1,A,https://a.de/\n1,B,https://b.de/\n"
    assert problems(tmp_path, text) == ["line 3: duplicate id '1' (first on line 2)"]


def test_bad_urls_are_refused_each_with_its_line(tmp_path: Path) -> None:
    text = "id,name,url\n1,A,www.a.de\n2,B,https://b.de/\n3,C,ftp://c.de/\n4,D,\n"
    assert problems(tmp_path, text) == [
        "line 2: url 'www.a.de' must start with http:// or https://",
        "line 4: url 'ftp://c.de/' must start with http:// or https://",
        "line 5: url is empty",
    ]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, "") == ["line 1: file is empty (expected a header: id,name,url)"]


def test_header_without_rows_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, "id,name,url\n") == ["line 1: file has a header but no bodies"]


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    text = "id,name,url\n1,Köln,https://www.stadt-koeln.de/\n"
    assert problems(tmp_path, text, encoding="latin-1") == [
        "line 2: file is not UTF-8 text (save it as UTF-8, e.g. 'CSV UTF-8' in Excel)"
    ]


def test_non_numeric_population_is_refused(tmp_path: Path) -> None:
    text = "id,name,url,population\n1,A,https://a.de/,viele\n"
    assert problems(tmp_path, text) == ["line 2: population 'viele' is not a number"]


def test_german_thousands_separator_in_population_is_read(tmp_path: Path) -> None:
    text = "id,name,url,population\n1,A,https://a.de/,12.345\n"
    assert read_seeds(write(tmp_path, text)).seeds[0].population == 12345


def test_missing_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedFileError, match="no such file"):
        read_seeds(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.stadt.de/", None),
        ("http://localhost:8080/", None),
        ("https://www.stadt.de/a b", "contains white space"),
        ("https:///pfad", "no valid host name"),
        ("https://stadt:99999/", "malformed"),
        ("not a url", "is not a URL"),
        ("stadtverwaltung", "is not a URL"),
        ("www.stadt.de", "must start with http:// or https://"),
    ],
)
def test_check_url(url: str, problem: str | None) -> None:
    result = check_url(url)
    assert (result is None) if problem is None else (problem in (result or ""))


def test_real_seed_list_of_federal_and_state_bodies_validates(
    shared_dir: Path, tmp_path: Path
) -> None:
    source = shared_dir / "seeds/de/behoerdenbarriere_seeds_bund_land_grossstaedte.csv"
    text = source.read_text(encoding="utf-8").replace("slug,", "id,", 1)
    seeds = read_seeds(write(tmp_path, text)).seeds
    assert len(seeds) == 133
    assert seeds[0].attributes["category"] == "portal"


def test_columns_can_be_mapped_and_rows_without_url_skipped(tmp_path: Path) -> None:
    text = "ags,name,website,type\n01001000,Flensburg,https://www.flensburg.de/,Stadt\n01002000,Kiel,,Stadt\n"
    seed_list = read_seeds(
        write(tmp_path, text),
        columns={"id": "ags", "url": "website", "kind": "type"},
        skip_without_url=True,
    )
    assert [(s.id, s.url, s.kind) for s in seed_list.seeds] == [
        ("01001000", "https://www.flensburg.de/", "Stadt")
    ]
    assert seed_list.skipped_without_url == 1


def test_mapping_to_a_missing_column_is_refused(tmp_path: Path) -> None:
    both = "id,name,url,website\n1,A,https://a.de/,https://b.de/\n"
    with pytest.raises(SeedFileError) as raised:
        read_seeds(write(tmp_path, both), columns={"url": "website"})
    assert [str(p) for p in raised.value.problems] == [
        "line 1: file has a 'url' column already; cannot use 'website'"
    ]
    with pytest.raises(SeedFileError) as raised:
        read_seeds(write(tmp_path, GOOD), columns={"id": "ags"})
    assert [str(p) for p in raised.value.problems] == ["line 1: column 'ags' (for id) not found"]


def test_national_destatis_list_is_checked_row_by_row(shared_dir: Path) -> None:
    """The real national list: the city-states Hamburg and Berlin are listed as Land and as
    Gemeinde under one key, and one website lacks its scheme: all three are reported at once."""
    source = shared_dir / "seeds/de/de_gebietseinheiten_destatis_gv_with_websites.csv"
    with pytest.raises(SeedFileError) as refused:
        read_seeds(
            source, columns={"id": "ags", "url": "website", "kind": "type"}, skip_without_url=True
        )
    assert [str(p) for p in refused.value.problems] == [
        "line 1212: duplicate id '02000000' (first on line 1210)",
        "line 9837: duplicate id '11000000' (first on line 9835)",
        "line 11834: url 'www.bernburg.de' must start with http:// or https://",
    ]


def test_a_crawl_list_where_no_row_has_a_url_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,url\n01001000,Flensburg,\n01002000,Kiel,\n")
    with pytest.raises(SeedFileError) as raised:
        read_seeds(path, skip_without_url=True)
    assert [str(p) for p in raised.value.problems] == [
        "line 1: no row has a URL (2 rows without one passed over)"
    ]
    assert len(read_seeds(path, skip_without_url=True, need_url=False).without_url) == 2
    assert problems(tmp_path, "id,name,url\n") == ["line 1: file has a header but no bodies"]
