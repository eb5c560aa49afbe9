"""CLI fixtures: the end-to-end loopback web, for commands that crawl it."""

from tests.e2e.conftest import served_web  # noqa: F401 - the fixture, shared
