"""Which rules produce findings: the two catalogue files in use, and the version of the code.

The catalogues are the packaged ones unless ``GOVSOCIAL_TRACKER_CATALOGUE`` or
``GOVSOCIAL_PLATFORM_CATALOGUE`` names another file (a catalogue under review, or a test's).
Analysis workers inherit the environment, so a crawl, its workers and a re-analysis read the
same files. ``catalogue_version`` hashes both files and the code version: two analyses with
equal versions applied the same rules.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from crawler import __version__


class CatalogueError(ValueError):
    """A catalogue file breaks its own schema; the message names the entry and field."""


TRACKER_CATALOGUE_ENV = "GOVSOCIAL_TRACKER_CATALOGUE"
PLATFORM_CATALOGUE_ENV = "GOVSOCIAL_PLATFORM_CATALOGUE"
_PACKAGED = Path(__file__).resolve().parent / "catalogue"


def tracker_catalogue_path() -> Path:
    """The tracker catalogue in use."""
    return Path(os.environ.get(TRACKER_CATALOGUE_ENV) or _PACKAGED / "trackers.toml")


def platform_catalogue_path() -> Path:
    """The platform catalogue in use."""
    return Path(os.environ.get(PLATFORM_CATALOGUE_ENV) or _PACKAGED / "platforms.toml")


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout."""
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        return __version__
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{commit}" if commit else __version__


def catalogue_version(code: str | None = None) -> str:
    """SHA-256 (hex) of both catalogue files in use and the code version."""
    digest = hashlib.sha256()
    for path in (tracker_catalogue_path(), platform_catalogue_path()):
        content = path.read_bytes()
        digest.update(f"{path.name}:{len(content)}:".encode())
        digest.update(content)
    digest.update((code or code_version()).encode("utf-8"))
    return digest.hexdigest()
