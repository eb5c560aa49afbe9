"""Sources of ``seeds build`` served on loopback from ../shared, built once per session."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks import seedsources as official
from tests.seeds.loopback import Answer, Routes, serving

SPARQL = "application/sparql-results+json"


@dataclass(frozen=True, slots=True)
class Served:
    """The loopback endpoints and the routes behind them (answers can be replaced)."""

    base: str
    routes: Routes

    def args(self, output: Path, gv: str = "/gv.csv") -> list[str]:
        """``seeds build`` arguments reading every source from here."""
        return [
            "seeds",
            "build",
            "-o",
            str(output),
            "--quiet",
            "--gv-url",
            self.base + gv,
            "--wikidata-url",
            self.base + "/sparql",
            "--organigram-url",
            self.base + "/organigram.json",
            "--publicbodies-url",
            self.base + "/publicbodies.csv",
        ]


def mini_auszug(shared: Path, per_land: int = 12) -> bytes:
    """The Auszug with every Land, Kreis and Verband but only a few Gemeinden per Land."""
    rows = official.auszug_rows(shared)
    kept, seen = [], dict[str, int]()
    for row in rows:
        if row["satzart"] == "60":
            seen[row["land"]] = seen.get(row["land"], 0) + 1
            if seen[row["land"]] > per_land:
                continue
        kept.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    return buffer.getvalue().encode()


@pytest.fixture(scope="session")
def known(shared_dir: Path) -> list[official.Known]:
    """Every unit of the shared lists whose website is known."""
    return official.known_websites(shared_dir)


@pytest.fixture(scope="session")
def answers(shared_dir: Path, known: list[official.Known]) -> dict[str, Answer]:
    """The official sources' answers, as their endpoints would give them."""
    de = shared_dir / official.DE
    return {
        "/gv.csv": Answer((shared_dir / official.AUSZUG).read_bytes(), content_type="text/csv"),
        "/gv.zip": Answer(official.gv100ad_zip(shared_dir), content_type="application/zip"),
        "/mini.csv": Answer(mini_auszug(shared_dir), content_type="text/csv"),
        "/sparql": Answer(official.sparql_answer(known), content_type=SPARQL),
        "/organigram.json": Answer(
            (de / "organigram_anschriftenverzeichnis_bund.json").read_bytes()
        ),
        "/publicbodies.csv": Answer((de / "okfn_publicbodies_de.csv").read_bytes()),
    }


@pytest.fixture
def served(answers: dict[str, Answer]) -> Iterator[Served]:
    """The sources on a loopback server of this test's own (answers may be replaced)."""
    routes = Routes(dict(answers))
    with serving(routes) as base:
        yield Served(base, routes)


@pytest.fixture(scope="session")
def built(answers: dict[str, Answer], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed list built once from the whole Gemeindeverzeichnis (Auszug CSV) and the others."""
    from click.testing import CliRunner  # noqa: PLC0415

    from crawler.cli import main  # noqa: PLC0415

    output = tmp_path_factory.mktemp("built") / "de.csv"
    with serving(Routes(dict(answers))) as base:
        result = CliRunner().invoke(main, Served(base, Routes()).args(output))
    assert result.exit_code == 0, result.output
    return output
