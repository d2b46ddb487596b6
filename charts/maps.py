"""Area maps with pydeck: no basemap (map_provider=None), so nothing is fetched from the internet.
Polygons come from the areas table; labels use the CJK font with an automatic character set.

Every layer's objects carry the same tooltip fields (`name`, `shown`, `detail`), because a deck has
one tooltip template for all its layers.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import shapely

from charts.style import ACCENT, FONT, HEAT_RAMP, RAMP, base_layout, ramp_color, ramp_colorscale
from queries.numbers import rate_text

CJK_FONT = '"Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"'
AREA_LAYER_ID = "areas"
TOOLTIP_HTML = "<b>{name}</b><br/>{shown}<br/>{detail}"
_M_PER_DEG_LAT = 110574.0
_M_PER_DEG_LON_EQUATOR = 111320.0


def _format(value: float | None, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "rate":
        return rate_text(value, 1)
    if fmt == "decimal":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _luminance(rgba: list[int]) -> float:
    r, g, b = (c / 255 for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def thin_labels(labels: pd.DataFrame, zoom: float, size_px: float, pad_px: float = 4) -> pd.DataFrame:
    """The labels (columns label, centroid_lat, centroid_lon, priority) that do not overlap at `zoom`,
    higher priority first: each is a box of about one em per character around its centroid."""
    if labels.empty:
        return labels
    scale = 512 * 2 ** zoom
    x = (labels.centroid_lon.to_numpy() + 180) / 360 * scale
    lat = np.radians(labels.centroid_lat.to_numpy())
    y = (1 - np.log(np.tan(lat) + 1 / np.cos(lat)) / math.pi) / 2 * scale
    half_w = labels.label.str.len().to_numpy() * size_px / 2 + pad_px
    half_h = size_px * 0.6 + pad_px
    kept: list[int] = []
    for i in np.argsort(-labels.priority.to_numpy(), kind="stable"):
        if all(abs(x[i] - x[j]) >= half_w[i] + half_w[j] or abs(y[i] - y[j]) >= 2 * half_h for j in kept):
            kept.append(i)
    return labels.iloc[sorted(kept)]


def _simplify_tolerance(geojsons: pd.Series, pixels: int = 3000) -> float:
    """Degrees below which a vertex cannot be seen when all shapes fill a ~`pixels`-wide map."""
    texts = [g for g in geojsons if g]
    key = (hashlib.blake2b("\0".join(texts).encode(), digest_size=16).digest(), pixels)
    if key not in _TOLERANCES:
        if len(_TOLERANCES) >= 256:
            _TOLERANCES.clear()
        geoms = [shapely.from_geojson(g) for g in texts]
        if not geoms:
            return 0.0
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        _TOLERANCES[key] = max(maxx - minx, maxy - miny) / pixels
    return _TOLERANCES[key]


# Area polygons change only with a re-seed or a new boundary file, while every rerun of a map page
# rebuilds its figure: parsing and simplifying them each time was a third of 总览's cached rerun
# (docs/performance.md). Memoised on a digest of the GeoJSON text / on the text itself, so new
# shapes are simply new keys.
_TOLERANCES: dict[tuple[bytes, int], float] = {}


def _simplified(geojson: str, tolerance: float) -> dict:
    """Fewer vertices, same look: smaller pages, and deck.gl picks (hover, click) much faster.
    A new dict each call (callers may change it); the shapely work is memoised."""
    return json.loads(_simplified_text(geojson, tolerance))


@lru_cache(maxsize=4096)
def _simplified_text(geojson: str, tolerance: float) -> str:
    if tolerance <= 0:
        return geojson
    geom = shapely.simplify(shapely.from_geojson(geojson), tolerance, preserve_topology=True)
    return shapely.to_geojson(shapely.set_precision(geom, 1e-6))


def fit_view(shapes: pd.DataFrame, *, width_px: int = 900, height_px: int = 600,
             padding: float = 0.08) -> tuple[float, float, float]:
    """(latitude, longitude, zoom) that shows every polygon of `shapes` in a map of that size
    (deck.gl web-mercator, 512-pixel world at zoom 0)."""
    geoms = [shapely.from_geojson(g) for g in shapes.geojson if g]
    if not geoms:
        lat = float(shapes.centroid_lat.mean()) if len(shapes) else 0.0
        lon = float(shapes.centroid_lon.mean()) if len(shapes) else 0.0
        return lat, lon, 9.0
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max((maxx - minx) / 360.0, 1e-9)
    dy = max((merc_y(maxy) - merc_y(miny)) / (2 * math.pi), 1e-9)
    usable = 1 - 2 * padding
    zoom = min(math.log2(width_px * usable / (512 * dx)), math.log2(height_px * usable / (512 * dy)))
    centre_y = (merc_y(maxy) + merc_y(miny)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return centre_lat, (minx + maxx) / 2, max(1.0, min(zoom, 17.0))


def choropleth(shapes: pd.DataFrame, values: pd.DataFrame, value_col: str, value_label: str, *,
               value_is_rate: bool, center: tuple[float, float], zoom: float, height: int = 460,
               dark: bool = False, label_size: int = 14, value_format: str | None = None,
               detail_col: str | None = None, filled: bool = True, overlay: Sequence[pdk.Layer] = (),
               highlight_code: str | None = None) -> pdk.Deck:
    """Areas coloured by `value_col` (values joined on area_code), with name labels and tooltips.

    `detail_col` (a text column of `values`) adds a tooltip line, e.g. numerator and denominator.
    `filled=False` draws outlines only (for a density layer in `overlay` on top). The area layer has
    id AREA_LAYER_ID and each feature carries `area_code`, so a selection names the area.
    """
    fmt = value_format or ("rate" if value_is_rate else "count")
    cols = ["area_code", value_col] + ([detail_col] if detail_col else [])
    merged = shapes.merge(values[cols], on="area_code", how="left")
    present = merged[value_col].dropna()
    lo, hi = (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)
    tolerance = _simplify_tolerance(merged.geojson)
    features = []
    for row in merged.itertuples(index=False):
        if not row.geojson:
            continue
        v = getattr(row, value_col)
        v = None if pd.isna(v) else float(v)
        fill = ramp_color(v, lo, hi, 210 if not dark else 190)
        features.append({
            "type": "Feature", "geometry": _simplified(row.geojson, tolerance),
            "properties": {"area_code": row.area_code, "name": row.name,
                           "shown": f"{value_label}：{_format(v, fmt)}",
                           "detail": (getattr(row, detail_col) or "") if detail_col else "",
                           "fill": fill,
                           "line": [250, 204, 21] if row.area_code == highlight_code else
                                   ([148, 163, 184] if dark else ([255, 255, 255] if filled else [51, 65, 85]))},
        })
    # Without fill (a density layer shows instead) the outlines go on top of the overlay and only the
    # overlay answers hovers; with fill, the areas answer hovers and clicks (drill-down).
    polygons = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id=AREA_LAYER_ID,
                         pickable=filled, auto_highlight=filled, highlight_color=[250, 204, 21, 90],
                         stroked=True, filled=filled, get_fill_color="properties.fill",
                         get_line_color="properties.line", line_width_min_pixels=1.2 if filled else 1.8)
    # Where names would overlap (small urban streets) only the larger area's is drawn; the tooltip
    # names every area. (deck.gl's CollisionFilterExtension did this too, but made every pick so slow
    # on software WebGL that clicks were lost.)
    # Text is white on dark fills and near-black on light ones (crisper than an outlined halo).
    label_rows = merged.dropna(subset=["centroid_lat"])
    fills = [ramp_color(None if pd.isna(v) else float(v), lo, hi) for v in label_rows[value_col]]
    label_data = pd.DataFrame({
        "label": label_rows.name, "centroid_lat": label_rows.centroid_lat, "centroid_lon": label_rows.centroid_lon,
        "priority": [float(shapely.area(shapely.from_geojson(g))) if g else 0.0 for g in label_rows.geojson],
        "color": [[255, 255, 255] if dark or (filled and _luminance(f) < 0.5) else [15, 23, 42] for f in fills],
    })
    label_data = thin_labels(label_data, zoom, label_size)
    labels = pdk.Layer("TextLayer", label_data,
                       id="area-labels", get_position="[centroid_lon, centroid_lat]", get_text="label",
                       get_size=label_size, get_color="color",
                       character_set='"auto"', font_family=CJK_FONT, font_weight=600,
                       get_alignment_baseline="'center'")
    return pdk.Deck(
        layers=[polygons, *overlay, labels] if filled else [*overlay, polygons, labels], map_provider=None,
        initial_view_state=pdk.ViewState(latitude=center[0], longitude=center[1], zoom=zoom),
        tooltip={"html": TOOLTIP_HTML, "style": {"fontFamily": CJK_FONT.strip('"'), "fontSize": "14px"}},
        height=height,
    )


def hexagon_corners(center_lon: np.ndarray, center_lat: np.ndarray, hex_m: float, lat0: float) -> np.ndarray:
    """Pointy-top hexagon rings (n, 7, 2) in lon/lat, matching queries/sql/case_hexbins.sql."""
    angles = np.radians(30 + 60 * np.arange(7))
    kx = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    lon = center_lon[:, None] + hex_m * np.cos(angles)[None, :] / kx
    lat = center_lat[:, None] + hex_m * np.sin(angles)[None, :] / _M_PER_DEG_LAT
    return np.stack([lon, lat], axis=-1)


def hexbin_layer(bins: pd.DataFrame, hex_m: float, lat0: float, set_label: str) -> pdk.Layer:
    """Hexagons (columns center_lon, center_lat, case_count) coloured by the rank of their count, so a
    few hot spots do not wash every other cell out."""
    rings = hexagon_corners(bins.center_lon.to_numpy(), bins.center_lat.to_numpy(), hex_m, lat0)
    counts = bins.case_count.to_numpy()
    rank = pd.Series(counts).rank(pct=True).to_numpy() if len(counts) else counts
    area_km2 = 3 * math.sqrt(3) / 2 * (hex_m / 1000) ** 2
    data = pd.DataFrame({
        "polygon": [r.round(6).tolist() for r in rings],
        "fill": [ramp_color(float(t), 0.0, 1.0, 215, HEAT_RAMP) for t in rank],
        "name": "案件密度",
        "shown": [f"{set_label}：{c:,} 件" for c in counts],
        "detail": f"每格约 {area_km2:.2f} 平方公里",
    })
    return pdk.Layer("PolygonLayer", data, id="density", get_polygon="polygon", get_fill_color="fill",
                     stroked=False, filled=True, pickable=True)


def points_layer(points: pd.DataFrame, set_label: str, status_labels: dict[str, str]) -> pdk.Layer:
    """One dot per case (columns lat, lon, case_no, category_name, reported_at, status)."""
    data = pd.DataFrame({
        "lon": points.lon, "lat": points.lat, "name": "案件 " + points.case_no,
        "shown": set_label + " · " + points.category_name,
        "detail": points.reported_at.dt.strftime("上报 %m月%d日 %H:%M") + " · "
                  + points.status.map(lambda s: status_labels.get(s, s)),
    })
    rgb = [int(ACCENT[i:i + 2], 16) for i in (1, 3, 5)]
    return pdk.Layer("ScatterplotLayer", data, id="points", get_position="[lon, lat]",
                     get_fill_color=rgb + [220], get_line_color=[124, 45, 18, 255], stroked=True,
                     line_width_min_pixels=0.6, radius_min_pixels=3.5, radius_max_pixels=9, get_radius=30,
                     pickable=True)


def legend(lo: float | None, hi: float | None, fmt: str, label: str, *, heat: bool = False,
           height: int = 64) -> go.Figure:
    """A horizontal colour bar for the map's ramp, labelled with its ends (`lo` → `hi`, or 少 → 多
    for a density)."""
    ramp = HEAT_RAMP if heat else RAMP
    z = np.linspace(0, 1, 60)[None, :]
    fig = go.Figure(go.Heatmap(z=z, colorscale=ramp_colorscale(ramp), showscale=False, hoverinfo="skip"))
    base_layout(fig, height=height, legend=False)
    low, high = ("少", "多") if heat else (_format(lo, fmt), _format(hi, fmt))
    fig.update_layout(margin=dict(l=70, r=70, t=26, b=4),
                      title=dict(text=label, font=dict(size=13, family=FONT), x=0, xanchor="left", y=0.97))
    for x, text, anchor in ((0, low, "right"), (1, high, "left")):
        fig.add_annotation(x=x, y=0.5, xref="paper", yref="paper", text=text, showarrow=False, xanchor=anchor,
                           xshift=-6 if anchor == "right" else 6, font=dict(size=13, family=FONT))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, rangemode="normal")
    return fig
