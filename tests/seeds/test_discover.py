"""``govsocial seeds discover`` on a loopback mini-web with decoys, as a user runs it."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import discoveryweb
from crawler.cli import main
from crawler.run.discover import journal_path, tasks_of
from crawler.seeds.verify import Verdict
from tests.e2e.conftest import govsocial

pytestmark = pytest.mark.e2e
SIZE = 20


@pytest.fixture
def miniweb(shared_dir: Path, tmp_path: Path) -> Iterator[tuple[discoveryweb.MiniWeb, int]]:
    """A mini-web of SIZE units with true sites and decoys, served on loopback."""
    with discoveryweb.serving(tmp_path / "sites") as port:
        yield discoveryweb.build_miniweb(shared_dir, tmp_path, SIZE, port), port


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_every_proposal_is_the_true_site_and_decoys_lose(
    miniweb: tuple[discoveryweb.MiniWeb, int], tmp_path: Path
) -> None:
    web, port = miniweb
    output = tmp_path / "proposals.csv"
    result = govsocial(*discoveryweb.discover_args(web, port, output))
    assert result.returncode == 0, result.stderr
    score = discoveryweb.score(web, output)
    assert score.wrong == []
    assert score.found == score.with_site
    proposals = rows(output)
    cases = web.cases
    verband = [unit for unit, case in cases.items() if case == "verband"]
    assert verband
    assert {proposals[unit]["website_of"] for unit in verband} == {"verband"}
    nothing = [unit for unit, case in cases.items() if case in ("no site", "ambiguous")]
    assert all(proposals[unit]["url"] == "" and proposals[unit]["reason"] for unit in nothing)
    assert not journal_path(output).exists()
    # The fallback tier is fetched only where the first found no site of the unit's own.
    tasks = {task.facts.id: task for task in tasks_of(web.seeds, {})}
    tried = {unit: int(proposals[unit]["candidates"]) for unit in cases}
    later = [unit for unit, case in cases.items() if case == "fallback site"]
    assert later
    assert all(proposals[unit]["website_of"] == "self" for unit in later)
    escalated = [*later, *verband, *nothing]
    assert all(tried[unit] == len(tasks[unit].candidates) for unit in escalated)
    own = [unit for unit, case in cases.items() if case == "own site"]
    assert all(tried[unit] == len(tasks[unit].first) for unit in own)
    assert all(tasks[unit].fallback for unit in own)


def test_an_interrupted_discovery_resumes_without_redoing_settled_units(
    miniweb: tuple[discoveryweb.MiniWeb, int], tmp_path: Path
) -> None:
    web, port = miniweb
    output = tmp_path / "proposals.csv"
    command = [sys.executable, "-m", "crawler.cli", *discoveryweb.discover_args(web, port, output)]
    command += ["-s", "CONCURRENT_REQUESTS=1"]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as first:
        assert first.stderr is not None
        for line in first.stderr:  # wait for the first settled unit, then stop the run
            if line.startswith("settled "):
                first.send_signal(signal.SIGTERM)
                break
        first.stderr.read()
        assert first.wait(timeout=120) != 0
    assert not output.exists()
    settled = [json.loads(line) for line in journal_path(output).read_text().splitlines()]
    assert settled
    # Mark what the first run settled, so a second run that redid a unit would show it.
    marked = [asdict(Verdict(**{**entry, "evidence": "from the first run"})) for entry in settled]
    journal_path(output).write_text("".join(json.dumps(entry) + "\n" for entry in marked))
    second = govsocial(*discoveryweb.discover_args(web, port, output))
    assert second.returncode == 0, second.stderr
    done = rows(output)
    assert {done[entry["id"]]["evidence"] for entry in settled} == {"from the first run"}
    assert set(done) == {unit for unit, row in rows(web.seeds).items() if not row["url"]}
    assert not journal_path(output).exists()


def test_a_candidate_resolving_to_a_private_address_is_refused(
    miniweb: tuple[discoveryweb.MiniWeb, int], tmp_path: Path
) -> None:
    web, port = miniweb
    output = tmp_path / "proposals.csv"
    args = discoveryweb.discover_args(web, port, output)
    args.remove("--allow-private")
    result = govsocial(*args)
    assert result.returncode == 0, result.stderr
    proposals = rows(output)
    assert [row["url"] for row in proposals.values() if row["url"]] == []
    reasons = {row["reason"] for row in proposals.values()}
    assert any("refused_private" in reason for reason in reasons)


def test_candidates_only_needs_no_network(shared_dir: Path, tmp_path: Path) -> None:
    web = discoveryweb.build_miniweb(shared_dir, tmp_path, 5, port=1)
    output = tmp_path / "candidates.csv"
    result = CliRunner().invoke(
        main,
        ["seeds", "discover", "--seeds", str(web.seeds), "-o", str(output), "--candidates-only"],
    )
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert list(written[0]) == ["id", "candidate_url"]
    assert {row["id"] for row in written} >= set(web.truth)
    assert all(row["candidate_url"].startswith(("https://", "http://")) for row in written)


def test_a_list_where_no_unit_has_a_website_is_read(tmp_path: Path) -> None:
    seeds = tmp_path / "mine.csv"
    seeds.write_text("ags,name,website\n03355049,Amt Neuhaus,\n03355050,Bleckede,\n", "utf-8")
    output = tmp_path / "candidates.csv"
    result = CliRunner().invoke(
        main,
        [
            "seeds",
            "discover",
            "--seeds",
            str(seeds),
            "--column",
            "id=ags",
            "--column",
            "url=website",
            "-o",
            str(output),
            "--candidates-only",
        ],
    )
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    assert ids == {"03355049", "03355050"}
