"""The map of the 16 Länder, shaded by a share: geometry shipped in the package, drawn as SVG.

The geometry (``geo/laender.json``) is BKG's VG250 Länder layer, simplified by
contrib/geodata/derive_laender.py; ``geo/NOTICE.md`` states its source and licence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from markupsafe import Markup, escape

from db.figures import Share

# Sequential, colour-blind safe (ColorBrewer "Blues"): one class per 20 percent.
CLASS_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA_COLOUR = "#d9d9d9"


@dataclass(frozen=True, slots=True)
class LandShape:
    """One Land: its two-digit code, its name as the seed lists write it, and its SVG path."""

    code: str
    name: str
    path: str


@dataclass(frozen=True, slots=True)
class Geometry:
    """The map's size, its Länder and where the shapes come from."""

    width: int
    height: int
    laender: tuple[LandShape, ...]
    source: str
    licence: str


@cache
def geometry() -> Geometry:
    """The packaged Länder geometry."""
    text = resources.files("crawler.report").joinpath("geo/laender.json").read_text("utf-8")
    document = json.loads(text)
    return Geometry(
        int(document["width"]),
        int(document["height"]),
        tuple(LandShape(land["code"], land["name"], land["path"]) for land in document["laender"]),
        document["source"],
        document["licence"],
    )


def colour(percent: float | None) -> str:
    """The fill of a Land whose share is ``percent`` (grey without a denominator)."""
    if percent is None:
        return NO_DATA_COLOUR
    return CLASS_COLOURS[min(len(CLASS_COLOURS) - 1, int(percent // 20))]


def choropleth(shares: Mapping[str, Share], title: str, describe: dict[str, str]) -> Markup:
    """The Länder filled by ``shares`` (keyed by Land name); ``describe`` titles each Land."""
    shapes = geometry()
    parts = [
        f'<svg class="map" viewBox="0 0 {shapes.width} {shapes.height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for land in shapes.laender:
        share = shares.get(land.name)
        parts.append(
            f'<path d="{land.path}" data-land="{escape(land.name)}" '
            f'fill="{colour(share.percent if share else None)}" stroke="#ffffff" '
            f'stroke-width="1"><title>{escape(describe.get(land.name, land.name))}</title></path>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(no_data: str) -> Markup:
    """The classes of the map as a list of swatches."""
    items = [
        f'<li><svg viewBox="0 0 12 12" class="swatch" aria-hidden="true"><rect width="12" '
        f'height="12" fill="{fill}"/></svg>{20 * n}–{20 * (n + 1)} %</li>'
        for n, fill in enumerate(CLASS_COLOURS)
    ]
    items.append(
        f'<li><svg viewBox="0 0 12 12" class="swatch" aria-hidden="true"><rect width="12" '
        f'height="12" fill="{NO_DATA_COLOUR}"/></svg>{escape(no_data)}</li>'
    )
    return Markup(f'<ul class="legend">{"".join(items)}</ul>')
