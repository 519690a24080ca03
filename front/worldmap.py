"""The world map, drawn on the server as SVG so that it works without JavaScript.

Country shapes are Natural Earth's 1:110m countries as TopoJSON, from the npm package
`world-atlas` (installed by `npm ci` into node_modules/, never copied into the repo,
never fetched at run time). They are decoded and projected here in pure Python with
the Equal Earth projection (Šavrič, Patterson & Jenny, 2018), once per process.
ISO 3166-1 numeric ids become ISO3 codes through pycountry.

A page gives each state a CSS class (its standing, or a verdict) and optional
markers; a shape that is no state of iccwatch's records (`NOT_RECORDED_CLASS`) is drawn
as no data on every map. The SVG for a given set of classes is cached (the cache fails
open). When the shapes are missing the map is simply not drawn: every page shows the
same facts as a table, which is the map's text alternative anyway.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.names import country_name

logger = logging.getLogger(__name__)

WIDTH = 1000
# v2: a group of named links, not an image; v3: shapes named by ISO 3166, not Natural Earth;
# v4: the shapes of no state of the records drawn as no data (NOT_RECORDED_CLASS)
_CACHE_PREFIX = "worldmap:v4:"
# Equal Earth constants.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
# Antarctica hosts no visits and takes a fifth of the height.
_SKIPPED = {"ATA"}
# The shapes that have no ISO 3166-1 code, by Natural Earth's name for them (abbreviated
# English), named in the reader's language. None is a state of iccwatch's records (every
# state and territory there has its ISO 3166-1 code): Northern Cyprus is de jure part of
# Cyprus, a State Party, and Somaliland of Somalia; Kosovo has no row of its own.
_UNCODED_NAMES = {
    "N. Cyprus": gettext_lazy("Northern Cyprus"),
    "Somaliland": gettext_lazy("Somaliland"),
    "Kosovo": gettext_lazy("Kosovo"),
}
# The class of a shape that is no state of iccwatch's records, on every map: no data, never
# a standing or a verdict (site.css draws it blank, outlined; the maps' legends name it:
# templates/includes/map_not_recorded_legend.html).
NOT_RECORDED_CLASS = "not-recorded"


@dataclass(frozen=True)
class Country:
    """One country's shape on the map: its ISO 3166-1 alpha-3 code ('' for a shape
    without one), Natural Earth's name, its SVG path and an anchor point, in map units."""

    iso3: str
    name: str
    path: str  # SVG path data in map units
    anchor: tuple[float, float]  # a point inside its largest polygon, for markers


def shape_name(country: Country) -> str:
    """The name a country's shape is given where its page names it no other way: the ISO
    3166-1 name in the reader's language ("Bosnia and Herzegovina", "North Macedonia"), not
    Natural Earth's English one, abbreviated or dated ("Bosnia and Herz.", "Macedonia"); a
    shape without a code, its name in the reader's language ("N. Cyprus": "Chypre du Nord")."""
    if country.iso3:
        return country_name(country.iso3)
    return str(_UNCODED_NAMES.get(country.name, country.name))


def not_recorded_title(country: Country) -> str:
    """The tooltip of a shape that is no state of iccwatch's records (NOT_RECORDED_CLASS):
    its name, and that no count or table of the page holds it ("Kosovo: not a state in
    iccwatch's records; not counted"), in the reader's language."""
    return _("%(name)s: not a state in iccwatch's records; not counted") % {
        "name": shape_name(country)
    }


@dataclass(frozen=True)
class Marker:
    """A dot on the map at a longitude/latitude, or at a state's anchor when the place is unknown."""

    css_class: str
    title: str
    iso3: str = ""
    lonlat: tuple[float, float] | None = None


@dataclass(frozen=True)
class Shapes:
    """Every country's shape, projected (Equal Earth) onto a map WIDTH units wide and
    `height` tall; `scale` and the offsets place a longitude/latitude (`project`);
    `version` names the shapes file read (a digest of its path and time)."""

    countries: tuple[Country, ...]
    height: float
    scale: float
    x_offset: float
    y_offset: float
    version: str

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return (x * self.scale + self.x_offset, self.y_offset - y * self.scale)


def shapes_path() -> Path:
    """Where the TopoJSON is expected (settings.WORLD_ATLAS_PATH)."""
    return Path(settings.WORLD_ATLAS_PATH)


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth projection of degrees to unit coordinates (x east, y north)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (2 * math.sqrt(3) * lam * math.cos(theta)) / (
        3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1)
    )
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantized and delta-encoded: rebuild them in degrees."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _polygons(geometry: dict, arcs) -> list[list[list[tuple[float, float]]]]:
    if geometry["type"] == "Polygon":
        return [[_ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Make longitudes continuous along the ring (178, -179 -> 178, 181)."""
    out = [ring[0]]
    for lon, lat in ring[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append((lon, lat))
    return out


def _clip(ring, boundary: float, keep_below: bool) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of the ring on one side of the meridian `boundary`."""

    def inside(point):
        return point[0] <= boundary if keep_below else point[0] >= boundary

    def crossing(a, b):
        t = (boundary - a[0]) / (b[0] - a[0])
        return (boundary, a[1] + t * (b[1] - a[1]))

    out = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(crossing(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(crossing(previous, current))
    return out


def split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """TopoJSON from world-atlas keeps rings whole across ±180° (Fiji, Chukotka) and leaves the
    cut to the renderer; a flat projection must cut them, or they streak across the map."""
    unwrapped = _unwrap(ring)
    lons = [lon for lon, _ in unwrapped]
    if min(lons) >= -180 and max(lons) <= 180:
        return [ring]
    boundary = 180.0 if max(lons) > 180 else -180.0
    shift = -360.0 if boundary > 0 else 360.0
    near = _clip(unwrapped, boundary, keep_below=boundary > 0)
    far = [(lon + shift, lat) for lon, lat in _clip(unwrapped, boundary, keep_below=boundary < 0)]
    return [part for part in (near, far) if len(part) >= 3]


def _area_and_centroid(ring: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def _path_data(rings: list[list[tuple[float, float]]]) -> str:
    """Rings as compact SVG path data: whole map units (a thousandth of the width is finer than
    the 1:110m shapes), relative moves, repeated points dropped."""
    parts = []
    for ring in rings:
        previous = None
        commands = []
        for x, y in ring:
            point = (round(x), round(y))
            if point == previous:
                continue
            if previous is None:
                commands.append(f"M{point[0]} {point[1]}")
            else:
                commands.append(
                    f"l{point[0] - previous[0]} {point[1] - previous[1]}".replace(" -", "-")
                )
            previous = point
        if len(commands) > 2:
            parts.append("".join(commands) + "z")
    return "".join(parts)


def _iso3_for(numeric: str | None) -> str:
    if not numeric:
        return ""
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return country.alpha_3 if country else ""


@functools.lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> Shapes:
    import json

    with open(path, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = _decode_arcs(topology)
    raw = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso3 = _iso3_for(geometry.get("id"))
        if iso3 in _SKIPPED:
            continue
        polygons = []
        for polygon in _polygons(geometry, arcs):
            # Each part of a cut outer ring becomes its own polygon; holes follow the first part.
            outer, *holes = polygon
            parts = split_at_antimeridian(outer)
            holes = [h for hole in holes for h in split_at_antimeridian(hole)]
            for n, part in enumerate(parts):
                polygons.append(
                    [
                        [equal_earth(lon, lat) for lon, lat in ring]
                        for ring in [part, *(holes if n == 0 else [])]
                    ]
                )
        if polygons:
            raw.append((iso3, geometry.get("properties", {}).get("name", iso3), polygons))
    ys = [y for _, _, polys in raw for p in polys for r in p for _, y in r]
    # Fit the whole globe's width (so that longitudes line up), the land's height.
    x_max = equal_earth(180, 0)[0]
    scale = WIDTH / (2 * x_max)
    top, bottom = max(ys), min(ys)
    height = round((top - bottom) * scale + 4, 1)
    x_offset, y_offset = WIDTH / 2, top * scale + 2

    def screen(point):
        return (point[0] * scale + x_offset, y_offset - point[1] * scale)

    countries = []
    for iso3, name, polygons in raw:
        rings = [[screen(pt) for pt in ring] for polygon in polygons for ring in polygon]
        outer = [[screen(pt) for pt in polygon[0]] for polygon in polygons]
        _, anchor = max((_area_and_centroid(r) for r in outer), key=lambda a: a[0])
        countries.append(
            Country(iso3, name, _path_data(rings), (round(anchor[0], 1), round(anchor[1], 1)))
        )
    version = hashlib.sha1(f"{path}:{mtime}".encode()).hexdigest()[:12]
    return Shapes(tuple(countries), height, scale, x_offset, y_offset, version)


def load_shapes() -> Shapes | None:
    """The projected countries, or None when the shapes package is not installed."""
    path = shapes_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        logger.warning("world map shapes not found at %s (run `npm ci`); showing tables only", path)
        return None
    return _load(str(path), mtime)


def render(
    *,
    classes: dict[str, str],
    titles: dict[str, str],
    links: dict[str, str],
    markers: list[Marker] = (),
    label: str,
    description: str,
    default_class: str = "",
) -> str | None:
    """The map as an SVG element, or None without shapes.

    `classes` maps ISO3 to a CSS class (states not listed get `default_class`),
    `titles` to the tooltip text, `links` to the page a click opens. A shape without an
    ISO 3166-1 code is no state of iccwatch's records: it gets NOT_RECORDED_CLASS, and
    not_recorded_title for its tooltip, whatever the map; so does a shape given that class
    (as `default_class`: the home map's, whose `classes` name every state of its table)
    without a title of its own. To assistive technology the SVG is a group named by its
    title and description, which says where the page gives the same facts as text (WCAG
    1.1.1); the countries' shapes, links and dots are hidden from it (aria-hidden), as
    they are from the Tab order (a role="img" holding links, even hidden ones, is axe's
    nested-interactive).
    Read out, they were a list of up to 173 links in the shapes' file order, with no way
    past them; the page's table or timeline has the same facts, and the same links, in
    an order a reader can follow.
    """
    shapes = load_shapes()
    if shapes is None:
        return None
    key_source = repr(
        (
            shapes.version,
            translation.get_language(),  # the countries' names are in the reader's language
            sorted(classes.items()),
            sorted(titles.items()),
            sorted(links.items()),
            list(markers),
            label,
            description,
            default_class,
        )
    )
    key = _CACHE_PREFIX + hashlib.sha1(key_source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _draw(shapes, classes, titles, links, markers, label, description, default_class)
        cache.set(key, svg, timeout=24 * 3600)
    return svg


def _draw(shapes, classes, titles, links, markers, label, description, default_class) -> str:
    out = [
        f'<svg class="worldmap" viewBox="0 0 {WIDTH} {shapes.height:g}" role="group" '
        f'aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(label)}</title><desc id="map-desc">{escape(description)}</desc>',
        # The drawing, for the eye and the mouse only: its text alternative is the page's.
        '<g class="shapes" aria-hidden="true">',
        '<rect class="sea" x="0" y="0" width="100%" height="100%"/>',
    ]
    anchors = {}
    for country in shapes.countries:
        anchors[country.iso3] = country.anchor
        if country.iso3:
            css = classes.get(country.iso3, default_class)
            title = titles.get(country.iso3)
        else:
            css, title = NOT_RECORDED_CLASS, None
        if not title:
            title = (
                not_recorded_title(country) if css == NOT_RECORDED_CLASS else shape_name(country)
            )
        path = (
            f'<path class="{escape(css)}" d="{country.path}"><title>{escape(title)}</title></path>'
        )
        href = links.get(country.iso3)
        if href:
            path = f'<a href="{escape(href)}" tabindex="-1" aria-label="{escape(title)}">{path}</a>'
        out.append(path)
    for marker in markers:
        if marker.lonlat:
            x, y = shapes.project(*marker.lonlat)
        elif marker.iso3 in anchors:
            x, y = anchors[marker.iso3]
        else:
            continue
        out.append(
            f'<circle class="marker {escape(marker.css_class)}" cx="{x:.1f}" cy="{y:.1f}" r="5">'
            f"<title>{escape(marker.title)}</title></circle>"
        )
    out.append("</g></svg>")
    return "".join(out)
