"""Files written whole or not at all: a temporary file beside the target, renamed at the end."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO


def temporary_beside(target: Path, write: Callable[[TextIO], object]) -> Path:
    """A temporary file in ``target``'s folder holding what ``write`` wrote; removed on error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            write(handle)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_csv(handle: TextIO, columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> None:
    """A header and the rows, UTF-8 with ``\\n`` line ends."""
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def replace_with_csv(
    target: Path, columns: tuple[str, ...], rows: Iterable[dict[str, str]]
) -> None:
    """Write ``target`` as a CSV, atomically."""
    os.replace(temporary_beside(target, lambda handle: write_csv(handle, columns, rows)), target)
