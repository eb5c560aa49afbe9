"""Smoke tests of the benchmark harness at tiny sizes, so it cannot rot. No timing assertions."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path

import pytest

from benchmarks import crawlbench, dbbench, detectbench, instructions, renderbench, reportbench
from benchmarks.speed import main
from benchmarks.synthweb import WebShape, page_paths, real_homepages, render_page

TINY = WebShape(bodies=3, page_kb=8, variants=2)


def fetch(port: int, host: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` from the loopback server as ``host``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": f"{host}:{port}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_pages_are_about_the_size_asked_for() -> None:
    page = render_page(WebShape(page_kb=50), 0, "/")
    assert 50 * 1024 <= len(page) < 52 * 1024


def test_server_answers_by_host_and_path() -> None:
    with crawlbench.serve(TINY) as served:
        status, body = fetch(served.port, TINY.host(2), "/impressum/")
        assert status == 200
        assert body == render_page(TINY, TINY.variant_of(2), "/impressum/")
        assert fetch(served.port, TINY.host(0), "/robots.txt")[0] == 200
        assert fetch(served.port, "elsewhere.de", "/")[0] == 404
        assert fetch(served.port, TINY.host(0), "/no-such-page/")[0] == 404


@pytest.mark.e2e
def test_baseline_fetches_the_pages_govsocial_fetched(tmp_path: Path) -> None:
    settings = crawlbench.CrawlSettings(max_pages=3)
    ours, theirs = crawlbench.compare(TINY, settings, tmp_path)
    assert ours.pages == TINY.bodies * settings.max_pages
    assert theirs.pages == ours.pages
    assert ours.peak_rss_mb > 0


def test_writer_benchmark_stores_every_page(tmp_path: Path) -> None:
    rate = dbbench.write_run(f"sqlite:///{tmp_path / 'bench.sqlite'}", TINY, 4, tmp_path)
    assert (rate.bodies, rate.pages) == (3, 12)
    assert rate.findings > 0


def test_report_benchmark_spreads_bodies_over_the_laender_and_writes_the_report(
    tmp_path: Path,
) -> None:
    url = reportbench.national_database(tmp_path / "national.sqlite", TINY, 2, runs=2)
    size = reportbench.write(url, tmp_path / "report")
    bodies = (tmp_path / "report" / "data" / "bodies.js").read_text(encoding="utf-8")
    assert all(land in bodies for land in reportbench.LAENDER[:3])
    assert (size.files, size.index_bytes > 0, size.largest_shard_bytes > 0) == (6, True, True)


def test_page_costs_cover_every_step() -> None:
    html = render_page(TINY, 0, "/").decode()
    costs = detectbench.page_costs(html, "http://gemeinde-00000.de/", repeats=1)
    assert set(costs) == {"parse", "parse utf-8 bytes", "url refs", "detect", "rank links"}


def test_synthetic_paths_are_unique_homepage_first() -> None:
    assert page_paths()[0] == "/"
    assert len(set(page_paths())) == len(page_paths())


def test_detect_command_skips_a_missing_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["detect", "--corpus", str(tmp_path / "absent")])
    assert "absent: corpus timings skipped" in capsys.readouterr().out


def _tiny_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "SOURCES.tsv").write_text("file\turl\npage.html\thttp://gemeinde-00000.de/\n")
    (folder / "page.html").write_bytes(render_page(TINY, 0, "/"))
    return folder


@pytest.mark.parametrize("step", instructions.STEPS)
def test_each_counted_step_runs_over_the_corpus(tmp_path: Path, step: str) -> None:
    calls = instructions._prepare(step, _tiny_corpus(tmp_path / "corpus"))
    assert len(calls) == 1
    assert calls[0]() is not None


def test_counting_without_valgrind_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instructions.shutil, "which", lambda _: None)
    with pytest.raises(RuntimeError, match="valgrind is not installed"):
        instructions.count("parse", _tiny_corpus(tmp_path / "corpus"))


def test_the_injected_web_serves_images_and_vendors_over_tls() -> None:
    shape = WebShape(bodies=3, page_kb=8, variants=2, injected=True, images=2, image_kb=4)
    with crawlbench.serve(shape) as served:
        status, image = fetch(served.port, shape.host(1), "/fileadmin/bilder/teaser-0.jpg")
        assert (status, image[:4]) == (200, b"\x89PNG")
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", served.tls_port, context=context)
        connection.request("GET", "/tr/?id=1", headers={"Host": "www.facebook.com"})
        response = connection.getresponse()
        assert (response.status, response.getheader("Set-Cookie")) == (
            200,
            "fr=0bench; Path=/; Max-Age=7776000",
        )
        connection.close()


def test_real_homepages_are_served_in_turn_with_the_synthetic_subpages(tmp_path: Path) -> None:
    for name in ("b.html", "a.html"):
        (tmp_path / name).write_text(f"<html><body>{name}</body></html>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    shape = WebShape(bodies=3, page_kb=8, variants=2, homepages=str(tmp_path))
    with crawlbench.serve(shape) as served:
        homepages = [fetch(served.port, shape.host(index), "/")[1] for index in range(3)]
        status, subpage = fetch(served.port, shape.host(0), page_paths()[1])
    assert [page.decode() for page in homepages] == [
        "<html><body>a.html</body></html>",
        "<html><body>b.html</body></html>",
        "<html><body>a.html</body></html>",
    ]
    assert status == 200
    assert b"Gemeinde 0" in subpage


def test_a_homepage_folder_without_pages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no \*\.html pages"):
        real_homepages(str(tmp_path))


@pytest.mark.render
def test_render_benchmark_renders_every_homepage_on_both_sides(tmp_path: Path) -> None:
    shape = WebShape(bodies=3, page_kb=8, variants=3, injected=True, images=2)
    run = renderbench.RenderRun(idle_timeout=1, analysis_workers=0)
    results = list(renderbench.compare(shape, run, tmp_path, rounds=1, leaves=True))
    assert [result.label for result in results] == [
        "govsocial",
        "plain Playwright",
        "govsocial, leaves downloaded",
    ]
    assert [(result.pages, result.failed) for result in results] == [(3, 0)] * 3
    skipped, plain, downloaded = results
    assert skipped.findings == downloaded.findings
    assert skipped.findings is not None
    assert skipped.findings.trackers
    assert skipped.not_downloaded > 0
    assert downloaded.not_downloaded == 0
    assert plain.pss_peak_mb > 0
    assert plain.chromium_cpu_s > 0

def test_growth_benchmark_measures_what_each_run_adds(tmp_path: Path) -> None:
    shape = WebShape(bodies=40, page_kb=8, variants=2)  # enough rows to fill new pages
    grown = list(dbbench.grow(f"sqlite:///{tmp_path / 'grow.sqlite'}", shape, 4, tmp_path, 2))
    assert [(row.run, row.bodies, row.pages) for row in grown] == [(1, 40, 160), (2, 40, 160)]
    assert all(row.bytes_added > 0 for row in grown)
    assert grown[1].bytes_after == grown[0].bytes_after + grown[1].bytes_added
