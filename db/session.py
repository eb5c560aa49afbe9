"""Where the database is and how to connect to it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DB_ENV_VAR = "GOVSOCIAL_DB"


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/govsocial/govsocial.sqlite``, else ``~/.local/share/govsocial/...``.

    The same file wherever the command runs: a crawl started by cron from ``$HOME`` writes the
    database the researcher reads from the project folder.
    """
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = str(Path.home() / ".local" / "share")
    return Path(base) / "govsocial" / "govsocial.sqlite"


def database_url(explicit: str | None = None) -> str:
    """The database to use: ``--db``, else ``$GOVSOCIAL_DB``, else :func:`default_database_path`."""
    return explicit or os.environ.get(DB_ENV_VAR) or f"sqlite:///{default_database_path()}"


def describe(url: str) -> str:
    """A human-readable location of the database, without any password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or "").resolve()) if parsed.database else ":memory:"
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (exports) never block the crawl
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the folder is created and sane pragmas are set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
