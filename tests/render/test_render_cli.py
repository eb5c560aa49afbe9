"""``inspect --render`` and ``crawl --render`` from the command line: output and refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import govsocial
from tests.render.conftest import RenderWeb
from tests.render.server import PIXEL_ID

MISSING_BROWSER = {**os.environ, "GOVSOCIAL_CHROMIUM": "/nonexistent/chromium"}


def host_options(web: RenderWeb) -> list[str]:
    return [
        option
        for name, address in web.hosts().items()
        for option in ("--host", f"{name}={address}")
    ]


@pytest.mark.e2e
@pytest.mark.render
def test_inspect_render_prints_findings_requests_cookies_and_storage(render_web: RenderWeb) -> None:
    url = render_web.url("www.leaky.test")
    result = govsocial("inspect", "--render", url, "--allow-private", *host_options(render_web))
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(result.stdout)
    pixel = next(hit for hit in document["trackers"] if hit["id"] == "facebook-pixel")
    assert (pixel["seen_in"], pixel["consent_gated"]) == ("markup+requests", True)
    assert pixel["ids"] == [PIXEL_ID]
    hosts = {request["host"] for request in document["requests"]}
    assert {"www.leaky.test", "www.googletagmanager.com", "www.facebook.com"} <= hosts
    assert document["final_url"] == url
    assert {"name", "domain", "refused", "set_by"} <= set(document["cookies"][0])


@pytest.mark.e2e
@pytest.mark.render
def test_inspect_render_refuses_a_private_page_without_allow_private(render_web: RenderWeb) -> None:
    url = render_web.url("www.chain.test")
    result = govsocial("inspect", "--render", url, *host_options(render_web))
    assert result.returncode == 1
    assert "is on a private address (use --allow-private)" in result.stderr
    assert "Traceback" not in result.stderr


def test_inspect_render_without_a_browser_names_the_two_install_steps() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "inspect", "--render", "https://www.example.de/"],
        capture_output=True,
        text=True,
        env=MISSING_BROWSER,
        check=False,
    )
    assert result.returncode == 1
    assert "apt-get install chromium" in result.stderr
    assert "govsocial[render]" in result.stderr
    assert "Traceback" not in result.stderr


def test_crawl_render_without_a_browser_is_refused_before_any_run(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,Gemeinde,https://www.example.de/\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "crawl",
            "--seeds",
            str(seeds),
            "--db",
            db_url,
            "--render",
            "homepage",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=MISSING_BROWSER,
        check=False,
    )
    assert result.returncode == 1
    assert "--render homepage: /nonexistent/chromium is not an executable" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite").exists()  # refused before any run was opened
