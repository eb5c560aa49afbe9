"""Where a crawl's log goes: warnings and errors to stderr, the whole log to a file if asked."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scrapy.settings import Settings
from scrapy.utils.log import TopLevelFormatter

# The log file's name in Scrapy's own setting, so `-s LOG_FILE=...` means the same as --log-file.
LOG_FILE_SETTING = "LOG_FILE"
# `--log-file -` writes the whole log to stderr instead of a file.
STDERR = "-"
PROGRESS_LOGGER = "crawler.run.progress"


class StderrFilter(logging.Filter):
    """Warnings and errors; and, when asked, the progress lines a crawl without a terminal logs."""

    def __init__(self, progress_lines: bool) -> None:
        super().__init__()
        self.progress_lines = progress_lines

    def filter(self, record: logging.LogRecord) -> bool:
        """Pass a record that an operator reading stderr needs to see."""
        if record.levelno >= logging.WARNING:
            return True
        return self.progress_lines and record.name == PROGRESS_LOGGER


class StderrHandler(logging.StreamHandler[Any]):
    """Writes to whatever ``sys.stderr`` is at the time, so the live display can redirect it."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        """The current ``sys.stderr``."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def _formatted(handler: logging.Handler, settings: Settings) -> logging.Handler:
    """``handler`` with Scrapy's log format and its short logger names."""
    handler.setFormatter(
        logging.Formatter(fmt=settings.get("LOG_FORMAT"), datefmt=settings.get("LOG_DATEFORMAT"))
    )
    if settings.getbool("LOG_SHORT_NAMES"):
        handler.addFilter(TopLevelFormatter(["scrapy"]))
    return handler


def log_handlers(settings: Settings, progress_lines: bool) -> list[logging.Handler]:
    """The crawl's handlers: stderr for what needs attention, plus ``LOG_FILE`` at ``LOG_LEVEL``.

    ``progress_lines`` lets the periodic progress lines through to stderr as well (a crawl that
    is not ``--quiet`` and has no terminal for the live display).
    """
    level = settings.get("LOG_LEVEL")
    target = settings.get(LOG_FILE_SETTING)
    if target == STDERR:
        return [_formatted(_at(StderrHandler(), level), settings)]
    stderr = _formatted(StderrHandler(), settings)
    stderr.addFilter(StderrFilter(progress_lines))
    if not target:
        return [stderr]
    mode = "a" if settings.getbool("LOG_FILE_APPEND") else "w"
    encoding = settings.get("LOG_ENCODING")
    return [stderr, _formatted(_at(logging.FileHandler(target, mode, encoding), level), settings)]


def _at(handler: logging.Handler, level: str | int) -> logging.Handler:
    handler.setLevel(level)
    return handler


@contextmanager
def crawl_logging(settings: Settings, progress_lines: bool) -> Iterator[None]:
    """Route the root logger to the crawl's handlers while the block runs.

    Scrapy's own root handler is off (``LOG_INSTALL_ROOT_HANDLER``): it writes either to a file
    or to stderr, never the warnings to one and the whole log to the other.
    """
    handlers = log_handlers(settings, progress_lines)
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.NOTSET)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(previous)
