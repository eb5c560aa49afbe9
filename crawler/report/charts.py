"""Charts as inline SVG, drawn here in Python: nothing to download, nothing that runs in the page.

Every text that came from the data (a Land, a platform, a run's date) is escaped; the markup
around it is written here, and sizes are numbers this module computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind safe qualitative palette (Okabe and Ito) for the series of a line chart.
SERIES_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)
BAR_COLOUR = "#3182bd"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the share it shows (None: no denominator) and the text beside it."""

    label: str
    percent: float | None
    text: str


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(bars: Sequence[Bar], title: str) -> Markup:
    """Horizontal bars from 0 to 100 percent, one row each, labelled on both sides."""
    row, label_width, bar_width = 26, 190, 300
    height = row * len(bars) + 8
    parts = [
        f'<svg class="chart bars" viewBox="0 0 640 {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * row
        width = bar_width * (bar.percent or 0) / 100
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(bar.label)}'
            f'</text><rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="{row - 8}" '
            f'class="track"/><rect x="{label_width}" y="{y + 4}" width="{_number(width)}" '
            f'height="{row - 8}" fill="{BAR_COLOUR}"><title>{escape(bar.label)}: '
            f'{escape(bar.text)}</title></rect><text x="{label_width + bar_width + 8}" '
            f'y="{y + 17}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, slots=True)
class Series:
    """One line: its name and one share per run (None where the run reached nobody)."""

    name: str
    values: tuple[float | None, ...]


def line_chart(
    runs: Sequence[str],
    series: Sequence[Series],
    title: str,
    format_percent: Callable[[float | None], str],
) -> Markup:
    """Shares per run as lines over a 0-100 percent axis scaled to the largest value."""
    left, top, width, height = 48, 12, 560, 220
    peak = max((value for line in series for value in line.values if value is not None), default=0)
    ceiling = min(100.0, max(10.0, 10.0 * -(-peak // 10)))
    step = width / max(1, len(runs) - 1)

    def x(index: int) -> float:
        return left + (index * step if len(runs) > 1 else width / 2)

    def y(value: float) -> float:
        return top + height - height * value / ceiling

    parts = [
        f'<svg class="chart lines" viewBox="0 0 640 {top + height + 40}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in range(0, int(ceiling) + 1, int(ceiling) // 5 or 1):
        parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{_number(y(tick))}" '
            f'y2="{_number(y(tick))}" class="grid"/><text x="{left - 6}" '
            f'y="{_number(y(tick) + 4)}" text-anchor="end">{tick}%</text>'
        )
    for index, label in enumerate(runs):
        if len(runs) <= 12 or index % -(-len(runs) // 12) == 0 or index == len(runs) - 1:
            anchor = "middle"
            if len(runs) > 1 and index in (0, len(runs) - 1):
                anchor = "start" if index == 0 else "end"  # the axis' ends stay inside the chart
            parts.append(
                f'<text x="{_number(x(index))}" y="{top + height + 18}" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
    for number, line in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_number(px)},{_number(py)}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"/>')  # fmt: skip
        for index, value in enumerate(line.values):
            if value is None:
                continue
            parts.append(
                f'<circle cx="{_number(x(index))}" cy="{_number(y(value))}" r="3.5" '
                f'fill="{colour}"><title>{escape(line.name)}, {escape(runs[index])}: '
                f"{escape(format_percent(value))}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(names: Sequence[str]) -> Markup:
    """The names of a line chart's series with their colours, as an HTML list."""
    items = "".join(
        f'<li><svg viewBox="0 0 12 12" class="swatch" aria-hidden="true"><rect width="12" '
        f'height="12" fill="{SERIES_COLOURS[n % len(SERIES_COLOURS)]}"/></svg>{escape(name)}</li>'
        for n, name in enumerate(names)
    )
    return Markup(f'<ul class="legend">{items}</ul>')
