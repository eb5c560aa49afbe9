"""Seed lists: a CSV of public bodies, validated whole before anything is crawled."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REQUIRED_COLUMNS = ("id", "name", "url")
OPTIONAL_COLUMNS = ("kind", "state", "country", "parent_id", "population", "wikidata")
DELIMITERS = ",;\t"


@dataclass(frozen=True, slots=True)
class Seed:
    """One public body to crawl, as listed in the seed file."""

    id: str
    name: str
    url: str
    line: int
    kind: str | None = None
    state: str | None = None
    country: str | None = None
    parent_id: str | None = None
    population: int | None = None
    wikidata: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeedProblem:
    """One reason a seed file is refused, with the line it is on (1 = header)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class SeedFileError(ValueError):
    """A seed file that cannot be crawled; carries every problem found, not just the first."""

    def __init__(self, path: Path | str, problems: list[SeedProblem]) -> None:
        self.path = str(path)
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{self.path}: seed file refused, nothing was crawled\n{shown}{more}")


@dataclass(frozen=True, slots=True)
class SeedList:
    """A validated seed file: its bodies and the digest that identifies its content."""

    path: str
    sha256: str
    seeds: tuple[Seed, ...]
    without_url: tuple[Seed, ...] = ()  # rows passed over for want of a URL (url is "")

    @property
    def skipped_without_url(self) -> int:
        """How many rows were passed over for want of a URL."""
        return len(self.without_url)


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be crawled, or None when it can."""
    if not url:
        return "url is empty"
    if "://" not in url and (" " in url.strip() or "." not in url):
        return f"url {url!r} is not a URL (expected e.g. https://www.gemeinde.de/)"
    if any(char.isspace() for char in url):
        return f"url {url!r} contains white space"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        return f"url {url!r} is malformed ({error})"
    if parts.scheme not in ("http", "https"):
        return f"url {url!r} must start with http:// or https://"
    if not parts.hostname or (
        "." not in parts.hostname.strip(".") and parts.hostname != "localhost"
    ):
        return f"url {url!r} has no valid host name"
    return None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SeedFileError(
            path,
            [
                SeedProblem(
                    line, "file is not UTF-8 text (save it as UTF-8, e.g. 'CSV UTF-8' in Excel)"
                )
            ],
        ) from None


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _population(value: str) -> int:
    digits = value.replace(".", "").replace(" ", "").replace("\u202f", "")
    if not digits.isdigit():
        raise ValueError(value)
    return int(digits)


def _apply_columns(header: list[str], columns: Mapping[str, str]) -> list[SeedProblem]:
    """Rename the file's columns to seed fields in place (e.g. url=website)."""
    problems = []
    for field_name, column in columns.items():
        if field_name not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            problems.append(SeedProblem(1, f"{field_name!r} is not a seed field"))
        elif column not in header:
            problems.append(SeedProblem(1, f"column {column!r} (for {field_name}) not found"))
        elif field_name != column and field_name in header:
            problems.append(
                SeedProblem(1, f"file has a {field_name!r} column already; cannot use {column!r}")
            )
        else:
            header[header.index(column)] = field_name
    return problems


def read_seeds(
    path: Path | str,
    columns: Mapping[str, str] | None = None,
    skip_without_url: bool = False,
    need_url: bool = True,
) -> SeedList:
    """Read and validate a seed CSV; raises SeedFileError listing every problem by line.

    ``columns`` maps seed fields to differently named columns of the file (``{"id": "ags",
    "url": "website"}``); ``skip_without_url`` passes over rows whose URL is empty (national
    lists name every municipality, but not every one has a known website). With ``need_url``
    (a crawl) a file none of whose rows has a URL is refused; website discovery, which looks for
    the missing ones, reads it.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SeedFileError(path, [SeedProblem(0, "no such file")]) from None
    except IsADirectoryError:
        raise SeedFileError(path, [SeedProblem(0, "is a folder, not a seed file")]) from None
    except OSError as error:
        problem = f"cannot be read: {error.strerror or error}"
        raise SeedFileError(path, [SeedProblem(0, problem)]) from None
    text = _decode(path, data)
    if not text.strip():
        raise SeedFileError(
            path, [SeedProblem(1, "file is empty (expected a header: id,name,url)")]
        )

    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0])
    )
    header = [column.strip() for column in reader.fieldnames or []]
    column_problems = _apply_columns(header, columns or {})
    if column_problems:
        raise SeedFileError(path, column_problems)
    reader.fieldnames = header
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise SeedFileError(
            path, [SeedProblem(1, f"missing required column(s): {', '.join(missing)}")]
        )

    problems: list[SeedProblem] = []
    seeds: list[Seed] = []
    without_url: list[Seed] = []
    skipped_ids: set[str] = set()
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(SeedProblem(line, "more fields than the header has columns"))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if not any(values.values()):
            continue
        if skip_without_url and not values["url"]:
            # Passed over, as before; kept (first of an id) so a run can state its coverage.
            if values["id"] and values["name"] and values["id"] not in skipped_ids:
                skipped_ids.add(values["id"])
                without_url.append(_seed(values, line, lenient=True))
            continue
        seed_problems = _row_problems(values, line, first_line_of)
        if seed_problems:
            problems.extend(seed_problems)
            continue
        first_line_of[values["id"]] = line
        seeds.append(_seed(values, line))
    if not seeds and not problems and (need_url or not without_url):
        problems.append(
            SeedProblem(1, f"no row has a URL ({len(without_url)} rows without one passed over)")
            if without_url
            else SeedProblem(1, "file has a header but no bodies")
        )
    if problems:
        raise SeedFileError(path, problems)
    listed = tuple(seed for seed in without_url if seed.id not in first_line_of)
    return SeedList(str(path), hashlib.sha256(data).hexdigest(), tuple(seeds), listed)


def _row_problems(
    values: dict[str, str], line: int, first_line_of: dict[str, int]
) -> list[SeedProblem]:
    problems = []
    body_id = values["id"]
    if not body_id:
        problems.append(SeedProblem(line, "id is empty"))
    elif body_id in first_line_of:
        problems.append(
            SeedProblem(line, f"duplicate id {body_id!r} (first on line {first_line_of[body_id]})")
        )
    if not values["name"]:
        problems.append(SeedProblem(line, "name is empty"))
    url_problem = check_url(values["url"])
    if url_problem:
        problems.append(SeedProblem(line, url_problem))
    if values.get("population"):
        try:
            _population(values["population"])
        except ValueError:
            problems.append(
                SeedProblem(line, f"population {values['population']!r} is not a number")
            )
    return problems


def _seed(values: dict[str, str], line: int, lenient: bool = False) -> Seed:
    optional = {column: values.get(column) or None for column in OPTIONAL_COLUMNS}
    population = optional.pop("population")
    if lenient and population:  # a row passed over is not checked; a bad number is dropped
        try:
            _population(population)
        except ValueError:
            population = None
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    return Seed(
        id=values["id"],
        name=values["name"],
        url=values["url"],
        line=line,
        population=_population(population) if population else None,
        attributes={key: value for key, value in values.items() if key not in known and value},
        **optional,
    )
