"""Fixtures of the social extraction tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from social_golden import load_golden


@pytest.fixture
def golden() -> Callable[[str], tuple[dict[str, Any], dict[str, Any]]]:
    """Load a golden pair by name: (actual, expected)."""
    return load_golden
