"""docs/queries.md against a real crawl: the demo web, crawled once per database.

Every expected answer is computed from the demo's own description of itself: ``seeds.csv``
(names, kinds, Länder) and ``sites.toml`` (what a correct crawl finds per body), plus the
tracker catalogue for vendors and countries. The demo is one run, so the two questions about
change between runs (5 and 6) have nothing to find here; tests/history/test_crawl_twice.py
answers them on a web crawled twice. It is crawled without rendering, so the questions about
rendered pages (13 to 16) find nothing either; test_queries.py answers them on the scenario.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from typing import Any

import pytest

from crawler.demo.web import DEMO_DIR
from crawler.detection.trackers import CATALOGUE

from .crawl import crawled_database
from .queries import documented_queries, run_documented_queries

pytestmark = pytest.mark.e2e

MUNICIPAL_KINDS = {"gemeinde", "stadt", "kreisfreie_stadt", "stadtstaat"}
QUESTIONS_NEEDING_TWO_RUNS = [5, 6]
QUESTIONS_NEEDING_A_RENDERED_RUN = [13, 14, 15, 16]

SEEDS: dict[str, dict[str, str]] = {
    row["id"]: row
    for row in csv.DictReader((DEMO_DIR / "seeds.csv").open(encoding="utf-8", newline=""))
}
EXPECT: dict[str, dict[str, Any]] = tomllib.loads(
    (DEMO_DIR / "sites.toml").read_text(encoding="utf-8")
)["expect"]
VENDORS = {spec.id: spec for spec in CATALOGUE.trackers}


def _accounts(body_id: str) -> set[tuple[str, str]]:
    """The manifest's ``platform:handle`` keys of a body as (platform, handle)."""
    return {tuple(key.split(":", 1)) for key in EXPECT[body_id]["accounts"]}  # type: ignore[misc]


def _trackers(body_id: str) -> set[str]:
    """Every tracker a page of the body carries, loaded at once or parked behind consent."""
    return set(EXPECT[body_id]["trackers"]) | set(EXPECT[body_id]["consent_gated"])


def _reachable() -> list[str]:
    return [body_id for body_id in sorted(EXPECT) if EXPECT[body_id]["reachable"]]


def _every_account() -> set[tuple[str, str, str]]:
    return {(body_id, *account) for body_id in EXPECT for account in _accounts(body_id)}


@pytest.fixture(scope="module")
def answers(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> list[list[list[Any]]]:
    """The rows of every documented query on one crawl of the demo web, per backend."""
    folder = tmp_path_factory.mktemp(f"demo-{backend}")
    return run_documented_queries(crawled_database(backend, (DEMO_DIR,), request, folder))


def answer(answers: list[list[list[Any]]], question: int) -> list[list[Any]]:
    """The rows of question ``question`` (numbered as in docs/queries.md)."""
    return answers[question - 1]


def test_every_question_has_an_answer_where_the_demo_has_data(
    answers: list[list[list[Any]]],
) -> None:
    empty = [number for number, rows in enumerate(answers, start=1) if not rows]
    assert (len(answers), empty) == (
        len(documented_queries()),
        QUESTIONS_NEEDING_TWO_RUNS + QUESTIONS_NEEDING_A_RENDERED_RUN,
    )


def test_q1_per_land_counts_follow_the_seeds_and_the_manifest(
    answers: list[list[list[Any]]],
) -> None:
    expected: dict[str, list[int]] = {}
    for body_id, seed in SEEDS.items():
        counts = expected.setdefault(seed["state"], [0, 0, 0, 0])
        found = (
            True,
            EXPECT[body_id]["reachable"],
            bool(_accounts(body_id)),
            bool(_trackers(body_id)),
        )
        for index, flag in enumerate(found):
            counts[index] += int(flag)
    assert answer(answers, 1) == [[state, *expected[state]] for state in sorted(expected)]


def test_q2_facebook_share_of_reachable_municipalities_per_land(
    answers: list[list[list[Any]]],
) -> None:
    municipalities: Counter[str] = Counter()
    with_facebook: Counter[str] = Counter()
    for body_id in _reachable():
        seed = SEEDS[body_id]
        if seed["kind"] in MUNICIPAL_KINDS:
            municipalities[seed["state"]] += 1
            with_facebook[seed["state"]] += any(p == "facebook" for p, _ in _accounts(body_id))
    assert answer(answers, 2) == [
        [state, total, with_facebook[state], round(100 * with_facebook[state] / total, 1)]
        for state, total in sorted(municipalities.items())
    ]


def test_q3_meta_pixel_bodies_are_those_the_manifest_names(
    answers: list[list[list[Any]]],
) -> None:
    rows = answer(answers, 3)
    assert [(row[0], row[1], row[4], row[2] == row[3]) for row in rows] == [
        (body_id, SEEDS[body_id]["name"], "current", True)
        for body_id in sorted(EXPECT)
        if "facebook-pixel" in _trackers(body_id)
    ]


def test_q4_every_account_appeared_in_the_one_run(answers: list[list[list[Any]]]) -> None:
    rows = answer(answers, 4)
    assert ({(row[0], row[2], row[3]) for row in rows}, len(rows)) == (
        _every_account(),
        len(_every_account()),
    )


def test_q7_the_down_body_is_listed_as_never_reached(answers: list[list[list[Any]]]) -> None:
    assert answer(answers, 7) == [
        [body_id, SEEDS[body_id]["name"], "connection_refused", None, None, 0, 0]
        for body_id in sorted(EXPECT)
        if not EXPECT[body_id]["reachable"]
    ]


def test_q8_tracker_ranking_counts_bodies_and_names_vendors(
    answers: list[list[list[Any]]],
) -> None:
    bodies = Counter(tracker for body_id in EXPECT for tracker in _trackers(body_id))
    expected = [
        [tracker, VENDORS[tracker].vendor, VENDORS[tracker].vendor_country, count]
        for tracker, count in bodies.items()
    ]
    assert answer(answers, 8) == sorted(expected, key=lambda row: (-row[3], row[0]))


def test_q9_third_country_trackers_loaded_without_consent(
    answers: list[list[list[Any]]],
) -> None:
    rows = answer(answers, 9)
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        (body_id, SEEDS[body_id]["name"], tracker, VENDORS[tracker].vendor_country)
        for body_id in sorted(EXPECT)
        for tracker in sorted(EXPECT[body_id]["trackers"])
        if VENDORS[tracker].third_country
    ]


def test_q9_counts_pages_within_each_sites_size(answers: list[list[list[Any]]]) -> None:
    rows = answer(answers, 9)
    assert [row for row in rows if not 1 <= row[4] <= EXPECT[row[0]]["pages_max"]] == []


def test_q10_platform_ranking_counts_bodies_and_accounts(
    answers: list[list[list[Any]]],
) -> None:
    bodies: Counter[str] = Counter()
    accounts: Counter[str] = Counter()
    for body_id in EXPECT:
        platforms = [platform for platform, _handle in _accounts(body_id)]
        bodies.update(set(platforms))
        accounts.update(platforms)
    expected = [[platform, bodies[platform], accounts[platform]] for platform in bodies]
    assert answer(answers, 10) == sorted(expected, key=lambda row: (-row[1], row[0]))


def test_q11_mastodon_over_time_is_one_run_of_reachable_bodies(
    answers: list[list[list[Any]]],
) -> None:
    [[run_id, _started_at, reachable, with_mastodon]] = answer(answers, 11)
    mastodon = [b for b in EXPECT if any(p == "mastodon" for p, _ in _accounts(b))]
    assert (run_id, reachable, with_mastodon) == (1, len(_reachable()), len(mastodon))


def test_q12_main_accounts_are_every_account_on_at_most_every_page(
    answers: list[list[list[Any]]],
) -> None:
    rows = answer(answers, 12)
    assert (
        {(row[0], row[1], row[2]) for row in rows},
        [row for row in rows if not 1 <= row[3] <= EXPECT[row[0]]["pages_max"]],
        [row[3] for row in rows] == sorted((row[3] for row in rows), reverse=True),
    ) == (_every_account(), [], True)
