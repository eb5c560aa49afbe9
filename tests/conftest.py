"""Shared fixtures: the read-only ../shared material and the real services of the machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("GOVSOCIAL_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real pages, seeds, registries); tests that need it skip where it is absent."""
    if not (SHARED_DIR / "corpus").is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (set GOVSOCIAL_SHARED)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL from $GOVSOCIAL_TEST_POSTGRES_URL; skips where unset."""
    url = os.environ.get("GOVSOCIAL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("GOVSOCIAL_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis URL from $GOVSOCIAL_TEST_REDIS_URL; skips where unset."""
    url = os.environ.get("GOVSOCIAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("GOVSOCIAL_TEST_REDIS_URL is not set")
    return url
