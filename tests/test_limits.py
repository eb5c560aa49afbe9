"""How many bodies are open at once: 16 per concurrent request, within the open-files limit."""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest
from scrapy.settings import Settings

from crawler.limits import FILES_RESERVED, lift_open_files_limit, max_open_bodies

PLENTY = 65536


def settings(**values: object) -> Settings:
    return Settings({"CONCURRENT_REQUESTS": 32, **values})


def test_by_default_16_bodies_per_concurrent_request_are_open() -> None:
    assert max_open_bodies(settings(), open_files=PLENTY) == 16 * 32


def test_the_setting_wins_when_files_allow() -> None:
    assert max_open_bodies(settings(GOVSOCIAL_MAX_OPEN_BODIES="2000"), open_files=PLENTY) == 2000


def test_a_low_open_files_limit_leaves_room_for_the_crawls_own_files() -> None:
    # macOS starts a process with 256 files: one connection per open body would run out.
    assert max_open_bodies(settings(), open_files=256) == 256 - FILES_RESERVED - 32
    assert max_open_bodies(settings(), open_files=50) == 1


@pytest.fixture
def low_soft_limit() -> Iterator[int]:
    """The soft limit lowered to 256 for the test, restored after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip(f"the hard limit on open files is only {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    yield hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_soft_limit_is_lifted_towards_the_hard_limit(low_soft_limit: int) -> None:
    expected = PLENTY if low_soft_limit == resource.RLIM_INFINITY else min(low_soft_limit, PLENTY)
    assert lift_open_files_limit() == expected
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == expected
