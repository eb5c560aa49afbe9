"""Scheduling fixtures: the end-to-end fixture web, shared."""

from tests.e2e.conftest import served_web  # noqa: F401 - the fixture, shared
