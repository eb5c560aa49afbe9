"""docs/scheduling.md and the systemd units it ships: parsed, verified, and the cron line run."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli.crawl import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_LOCKED
from tests.e2e.conftest import FAST, ServedWeb

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "scheduling.md"
UNITS = REPO / "contrib" / "systemd"
SERVICE, TIMER = "govsocial-crawl.service", "govsocial-crawl.timer"
# What the documented command names, and what a test run uses instead.
SEEDS, DATABASE, LOG = (
    "/var/lib/govsocial/seeds.csv",
    "/var/lib/govsocial/govsocial.sqlite",
    "/var/log/govsocial/crawl.log",
)
EXECUTABLE = "/opt/govsocial/.venv/bin/govsocial"


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit file read as INI (keys keep their case; no interpolation)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


def cron_line() -> str:
    """The one line of the doc's crontab block."""
    (block,) = re.findall(r"```crontab\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    (line,) = block.splitlines()
    return line


def cron_command() -> list[str]:
    """The command of the crontab line, without its five schedule fields."""
    return shlex.split(cron_line().split(None, 5)[5])


def test_the_service_runs_the_documented_command_once() -> None:
    service = unit(SERVICE)["Service"]
    assert service["Type"] == "oneshot"
    assert shlex.split(service["ExecStart"]) == cron_command()
    assert cron_command()[:2] == [EXECUTABLE, "crawl"]
    assert {"--quiet", "--log-file"} <= set(cron_command())


def test_the_service_owns_the_folders_the_command_writes_to() -> None:
    service = unit(SERVICE)["Service"]
    command = cron_command()
    assert command[command.index("--seeds") + 1] == SEEDS
    assert command[command.index("--db") + 1] == f"sqlite:///{DATABASE}"
    assert command[command.index("--log-file") + 1] == LOG
    assert f"/var/lib/{service['StateDirectory']}/" in DATABASE
    assert f"/var/log/{service['LogsDirectory']}/" in LOG


def test_the_timer_starts_the_service_on_a_calendar_and_catches_up() -> None:
    timer = unit(TIMER)
    assert timer["Timer"]["OnCalendar"] == "Mon *-*-* 03:17:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == SERVICE
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert cron_line().split()[:5] == ["17", "3", "*", "*", "1"]  # the same time as cron's


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is absent")
def test_systemd_accepts_both_units(tmp_path: Path) -> None:
    service = (UNITS / SERVICE).read_text(encoding="utf-8")
    # verify checks that the program and the user exist; the paths are the operator's to adjust.
    service = service.replace(EXECUTABLE, "/bin/true").replace("=govsocial\n", "=root\n")
    service = service.replace("StateDirectory=root", "StateDirectory=govsocial")
    service = service.replace("LogsDirectory=root", "LogsDirectory=govsocial")
    (tmp_path / SERVICE).write_text(service, encoding="utf-8")
    shutil.copy(UNITS / TIMER, tmp_path / TIMER)
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / SERVICE), str(tmp_path / TIMER)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr == ""


def test_every_exit_code_of_crawl_is_documented() -> None:
    rows = re.findall(r"^\| (\d+) \|", DOC.read_text(encoding="utf-8"), re.M)
    assert [int(code) for code in rows] == [0, EXIT_FAILED, 2, EXIT_LOCKED, EXIT_INTERRUPTED]


def test_the_readme_points_at_the_scheduling_doc_and_the_units() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/scheduling.md" in readme
    assert "contrib/systemd/" in readme


@pytest.mark.e2e
def test_the_cron_line_crawls_quietly_from_a_bare_environment(
    served_web: ServedWeb, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    executable = Path(sys.executable).parent / "govsocial"
    line = cron_line().split(None, 5)[5]
    line = line.replace(EXECUTABLE, shlex.quote(str(executable)))
    line = line.replace(SEEDS, shlex.quote(str(served_web.seeds(tmp_path))))
    line = line.replace(DATABASE, str(tmp_path / "govsocial.sqlite"))
    line = line.replace(LOG, str(tmp_path / "crawl.log"))
    # The loopback sites of the test web instead of the real ones.
    loopback = ["--allow-private", "-s", f"GOVSOCIAL_HOSTS={json.dumps(served_web.web.hosts())}"]
    line += " " + shlex.join([*loopback, *FAST])
    # What cron gives a job: a minimal PATH, the user's HOME as working directory, sh.
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "SHELL": "/bin/sh"}
    environment.update({key: os.environ[key] for key in ("LANG",) if key in os.environ})
    ran = subprocess.run(
        ["/bin/sh", "-c", line],
        cwd=home,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""
    (summary,) = ran.stdout.splitlines()
    assert summary.startswith("run 1: finished in ")
    assert summary.endswith(f"; database {tmp_path / 'govsocial.sqlite'}")
    assert "INFO: Dumping Scrapy stats" in (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert list(home.iterdir()) == []  # nothing written where cron happens to start it


def test_the_worker_unit_serves_shared_runs_and_comes_back_after_a_lost_database() -> None:
    worker = unit("govsocial-worker.service")
    command = shlex.split(worker["Service"]["ExecStart"])
    assert command[:2] == [EXECUTABLE, "worker"]
    assert worker["Service"]["Environment"].startswith("GOVSOCIAL_DB=postgresql+psycopg://")
    log = command[command.index("--log-file") + 1]
    assert log.startswith(f"/var/log/{worker['Service']['LogsDirectory']}/")
    assert worker["Service"]["Restart"] == "on-failure"  # exit 1: the database was lost
    assert worker["Install"]["WantedBy"] == "multi-user.target"
