"""Report fixtures: the history scenario and fresh databases (tests/history), reading a report."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parsel import Selector

from tests.history.conftest import backend, migrated_url, scenario  # noqa: F401 - fixtures

SCRIPT_CALL = re.compile(r"^govsocial\.\w+\((?P<json>.*)\);\n$", re.DOTALL)


@dataclass(frozen=True)
class ReportPage:
    """A written report: its folder and its page, parsed."""

    folder: Path

    @property
    def html(self) -> str:
        """The page's source."""
        return (self.folder / "index.html").read_text(encoding="utf-8")

    @property
    def page(self) -> Selector:
        """The page, parsed."""
        return Selector(text=self.html)

    def cells(self, table_id: str) -> dict[tuple[str, str], tuple[int, int | None]]:
        """(group, metric) -> (count, denominator) of every figure in a table, total as ''."""
        found = {}
        for row in self.page.css(f"table#{table_id} tbody tr, table#{table_id} tfoot tr"):
            in_total = bool(row.xpath("ancestor::tfoot"))
            group = "<total>" if in_total else row.attrib["data-group"]
            for cell in row.css("td[data-metric]"):
                of = cell.attrib.get("data-of")
                found[group, cell.attrib["data-metric"]] = (
                    int(cell.attrib["data-count"]),
                    int(of) if of is not None else None,
                )
        return found

    def map_data(self) -> dict[str, Any]:
        """The map's shares per metric and Land."""
        return dict(json.loads(self.page.css("script#map-data::text").get() or "{}"))

    def script_data(self, relative: str) -> Any:
        """The JSON a data file hands to report.js."""
        text = (self.folder / relative).read_text(encoding="utf-8")
        match = SCRIPT_CALL.match(text)
        assert match, f"{relative} is not one govsocial.<call>(JSON);"
        return json.loads(match["json"])
