"""Coverage of a seed list: per Land and kind, how many units have a website, whose and whence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from crawler.seeds.units import Unit

SOURCES = ("wikidata", "organigram", "publicbodies", "discovery")
COLUMNS = (
    "state",
    "kind",
    "units",
    "with_website",
    "percent",
    "website_self",
    "website_verband",
    "without_website",
    *(f"from_{source}" for source in SOURCES),
)
ALL = "(all)"


def coverage_rows(units: Iterable[Unit]) -> list[dict[str, str]]:
    """One row per (Land, kind), then one per kind over all Länder, then the total."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit in units:
        for key in ((unit.state, unit.kind), (ALL, unit.kind), (ALL, ALL)):
            row = counts[key]
            row["units"] += 1
            if unit.url:
                row["with_website"] += 1
                row[f"website_{unit.website_of or 'self'}"] += 1
                row[f"from_{unit.website_source}"] += 1
            else:
                row["without_website"] += 1
    ordered = sorted(counts, key=lambda key: (key[0] == ALL, key[0], key[1] == ALL, key[1]))
    return [_row(state, kind, counts[(state, kind)]) for state, kind in ordered]


def _row(state: str, kind: str, counts: dict[str, int]) -> dict[str, str]:
    row = {"state": state, "kind": kind}
    for column in COLUMNS[2:]:
        row[column] = str(counts.get(column, 0))
    row["percent"] = f"{100 * counts['with_website'] / counts['units']:.1f}"
    return row


def as_table(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS[:8]) -> str:
    """The rows as a Markdown table (also readable on a terminal)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row[column] for column in columns) + " |" for row in rows]
    return "\n".join(lines)
