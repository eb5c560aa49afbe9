"""An archived rendered crawl: DOM and browser log kept, re-analysed to the same findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crawler.archive.reader import read_records
from tests.e2e.conftest import govsocial
from tests.faults.conftest import rows
from tests.render.conftest import RenderWeb
from tests.render.test_rendered_crawl import EngineFor, crawl

pytestmark = [pytest.mark.e2e, pytest.mark.render]

RENDERED = "tracker_id, seen_in, consent_gated, element, attribute, evidence, rule"


def test_rendered_pages_are_archived_and_reanalysed_to_the_same_findings(
    render_web: RenderWeb, tmp_path: Path, engine_for: EngineFor
) -> None:
    db_url = crawl(render_web, tmp_path, "chain", "gated", extra=("--archive", str(tmp_path / "w")))
    engine = engine_for(db_url)
    rendered = rows(
        engine,
        "SELECT rp.url, rp.warc_file, rp.warc_offset, rp.warc_record_id, r.archive_dir, "
        "rp.requests FROM rendered_pages rp JOIN crawl_runs r ON r.id = rp.run_id "
        "WHERE rp.error IS NULL",
    )
    assert len(rendered) == 2
    for _url, warc_file, offset, record_id, folder, requests in rendered:
        dom, log = read_records(Path(str(folder)) / str(warc_file), int(str(offset)), 2)
        assert (dom.record_type, dom.record_id) == ("resource", record_id)
        assert b"<html" in dom.decoded.lower()
        assert log.record_type == "metadata"
        assert log.headers["WARC-Concurrent-To"] == record_id
        assert len(log.json()["requests"]) == requests

    result = govsocial("reanalyse", "1", "--db", db_url)
    assert result.returncode == 0, result.stderr

    def findings(analysis: int) -> Counter[tuple[object, ...]]:
        return Counter(
            tuple(map(str, row))
            for row in rows(
                engine, f"SELECT {RENDERED} FROM rendered_trackers WHERE analysis_id = :a",
                a=analysis,
            )
        )  # fmt: skip

    assert findings(1)
    assert findings(2) == findings(1)
