"""``govsocial diff``: added and removed accounts and trackers, outages left out."""

from __future__ import annotations

import csv
import io
import json

from .cli import invoke
from .conftest import Scenario


def test_json_diff_lists_changes_of_bodies_reachable_in_both(scenario: Scenario) -> None:
    result = invoke(
        scenario.url, "diff", str(scenario.first), str(scenario.second), "--format", "json"
    )
    document = json.loads(result.stdout)

    accounts, trackers = document["accounts"], document["trackers"]
    assert [(a["body_id"], a["platform"], a["handle"]) for a in accounts["added"]] == [
        ("09162000", "mastodon", "muenchen@social.bund.de"),
        ("15001000", "youtube", "dessau"),
    ]
    assert [(a["body_id"], a["platform"], a["handle"]) for a in accounts["removed"]] == [
        ("09162000", "instagram", "muenchen")
    ]
    assert [(t["body_id"], t["tracker"]) for t in trackers["added"]] == [("15001000", "matomo")]
    assert [(t["body_id"], t["tracker"]) for t in trackers["removed"]] == [
        ("09162000", "facebook-pixel")
    ]
    assert (document["bodies_compared"], document["bodies_skipped"]) == (
        2,
        ["09179111", "15002000"],
    )


def test_json_diff_entries_carry_evidence(scenario: Scenario) -> None:
    result = invoke(scenario.url, "diff", str(scenario.first), "latest", "--format", "json")
    [removed] = json.loads(result.stdout)["accounts"]["removed"]
    assert removed == {
        "body_id": "09162000",
        "body_name": "München",
        "platform": "instagram",
        "handle": "muenchen",
        "account_type": "page",
        "url": "https://instagram.example/muenchen",
        "page_url": "https://www.09162000.example/",
    }


def test_reversed_diff_swaps_added_and_removed(scenario: Scenario) -> None:
    forward = json.loads(
        invoke(
            scenario.url, "diff", str(scenario.first), str(scenario.second), "--format", "json"
        ).stdout
    )
    backward = json.loads(
        invoke(
            scenario.url, "diff", str(scenario.second), str(scenario.first), "--format", "json"
        ).stdout
    )
    assert (backward["accounts"]["added"], backward["trackers"]["removed"]) == (
        forward["accounts"]["removed"],
        forward["trackers"]["added"],
    )


def test_text_diff_reads_as_a_list_of_changes(scenario: Scenario) -> None:
    result = invoke(scenario.url, "diff", str(scenario.first), str(scenario.second))
    assert result.stdout.splitlines()[1:] == [
        "accounts: 2 added, 1 removed",
        "  + 09162000 München: mastodon muenchen@social.bund.de",
        "  + 15001000 Dessau-Roßlau: youtube dessau",
        "  - 09162000 München: instagram muenchen",
        "trackers: 1 added, 1 removed",
        "  + 15001000 Dessau-Roßlau: matomo (Matomo)",
        "  - 09162000 München: facebook-pixel (Facebook Pixel)",
    ]


def test_csv_diff_has_one_row_per_change(scenario: Scenario) -> None:
    result = invoke(
        scenario.url, "diff", str(scenario.first), str(scenario.second), "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["change"], r["what"], r["body_id"]) for r in rows] == [
        ("added", "account", "09162000"),
        ("added", "account", "15001000"),
        ("removed", "account", "09162000"),
        ("added", "tracker", "15001000"),
        ("removed", "tracker", "09162000"),
    ]


def test_diff_of_a_run_with_itself_is_empty(scenario: Scenario) -> None:
    document = json.loads(
        invoke(scenario.url, "diff", "latest", "latest", "--format", "json").stdout
    )
    assert (document["accounts"], document["trackers"]) == (
        {"added": [], "removed": []},
        {"added": [], "removed": []},
    )


def test_diff_with_unknown_run_is_a_clear_error(scenario: Scenario) -> None:
    result = invoke(scenario.url, "diff", str(scenario.first), "42")
    assert (result.exit_code, result.stderr) == (1, "Error: no run with id 42\n")


def test_excel_diff_is_csv_for_german_excel(scenario: Scenario) -> None:
    result = invoke(scenario.url, "diff", str(scenario.first), str(scenario.second), "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert [(r["change"], r["body_id"], r["platform"] or r["tracker"]) for r in rows] == [
        ("added", "09162000", "mastodon"),
        ("added", "15001000", "youtube"),
        ("removed", "09162000", "instagram"),
        ("added", "15001000", "matomo"),
        ("removed", "09162000", "facebook-pixel"),
    ]


def test_german_diff_names_its_columns_and_changes_in_german(scenario: Scenario) -> None:
    result = invoke(
        scenario.url, "diff", str(scenario.first), "latest", "--excel", "--lang", "de"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:4] == ["aenderung", "was", "stelle_id", "stelle"]
    assert {(r["aenderung"], r["was"]) for r in rows} == {
        ("hinzugefuegt", "konto"),
        ("entfernt", "konto"),
        ("hinzugefuegt", "tracker"),
        ("entfernt", "tracker"),
    }


def test_excel_diff_refuses_json(scenario: Scenario) -> None:
    result = invoke(scenario.url, "diff", "1", "2", "--excel", "--format", "json")
    assert (result.exit_code, "--excel writes CSV, not JSON" in result.stderr) == (2, True)
