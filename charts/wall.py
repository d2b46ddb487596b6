"""Charts of the command-hall wall (dark): the city map with hot spots and the 24-hour trend.

Pure builders: DataFrames in, a pydeck Deck or a plotly Figure out. No basemap (map_provider=None)
and no tooltips: the wall has no mouse, and nothing may be fetched from the internet.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import shapely

from charts.maps import CJK_FONT
from charts.style import (FONT, WALL_ACCENT, WALL_ALARM, WALL_GOOD, WALL_LINE, WALL_MUTED, WALL_RAMP, WALL_TEXT,
                          base_layout, ramp_color)

# deck.gl's Web Mercator world is 512 px wide at zoom 0.
_WORLD_PX = 512.0


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def simplify_shapes(shapes: pd.DataFrame, tolerance_degrees: float, digits: int = 4) -> pd.DataFrame:
    """Area polygons simplified for a city-wide view and rounded to `digits` decimals: the wall
    redraws its map every refresh, so every byte of GeoJSON is sent again and again."""
    out = shapes.copy()
    geoms = shapely.from_geojson(out["geojson"].to_numpy(dtype=object))
    geoms = shapely.set_precision(shapely.simplify(geoms, tolerance_degrees, preserve_topology=True),
                                  10.0 ** -digits)
    out["geojson"] = shapely.to_geojson(geoms)
    return out


def fit_view(shapes: pd.DataFrame, width_px: float, height_px: float, padding: float = 0.06) -> tuple[float, float, float]:
    """(latitude, longitude, zoom) showing every polygon of `shapes` inside a width × height map."""
    geoms = shapely.from_geojson(shapes["geojson"].to_numpy(dtype=object))
    lon0, lat0, lon1, lat1 = shapely.total_bounds(geoms)

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    usable_w, usable_h = width_px * (1 - 2 * padding), height_px * (1 - 2 * padding)
    zoom_w = math.log2(usable_w * 360.0 / (_WORLD_PX * max(lon1 - lon0, 1e-6)))
    zoom_h = math.log2(usable_h * 2 * math.pi / (_WORLD_PX * max(merc_y(lat1) - merc_y(lat0), 1e-9)))
    centre_y = (merc_y(lat0) + merc_y(lat1)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return centre_lat, (lon0 + lon1) / 2, min(zoom_w, zoom_h)


def count_text(value, suppressed: bool, min_count: int) -> str:
    """A breakdown count as the wall shows it: "<5" where it was suppressed, "0" for none."""
    if suppressed:
        return f"<{min_count}"
    if value is None or pd.isna(value):
        return "0"
    return f"{int(value):,}"


def wall_map(districts: pd.DataFrame, streets: pd.DataFrame, hotspots: pd.DataFrame, *,
             view: tuple[float, float, float], min_count: int) -> pdk.Deck:
    """Districts coloured by today's accepted cases (labels: name and count), street outlines, and
    hot-spot cells as amber discs sized by their count.

    districts: area_code, name, geojson, centroid_lat, centroid_lon, accepted_count (NA when
    suppressed), accepted_count_suppressed. streets: geojson. hotspots: lat, lon, case_count.
    """
    values = districts["accepted_count"].astype("Float64")
    present = values.dropna()
    hi = float(present.max()) if len(present) else 1.0
    features = []
    for row, value in zip(districts.itertuples(), values):
        if not row.geojson:
            continue
        v = None if pd.isna(value) else float(value)
        features.append({"type": "Feature", "geometry": json.loads(row.geojson),
                         "properties": {"fill": ramp_color(v if v is not None else 0.0, 0.0, hi, 235, ramp=WALL_RAMP)}})
    district_layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="districts",
        filled=True, stroked=False, get_fill_color="properties.fill", pickable=False)
    street_layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection",
                         "features": [{"type": "Feature", "geometry": json.loads(g), "properties": {}}
                                      for g in streets["geojson"] if g]},
        id="streets", filled=False, stroked=True, get_line_color=[120, 160, 220, 70],
        line_width_min_pixels=0.7, pickable=False)
    border_layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="district-borders",
        filled=False, stroked=True, get_line_color=[150, 205, 255, 230], line_width_min_pixels=1.8, pickable=False)

    labels = districts.dropna(subset=["centroid_lat"]).assign(
        label=lambda d: [f"{name}\n{count_text(v, s, min_count)} 件" for name, v, s in
                         zip(d["name"], d["accepted_count"], d["accepted_count_suppressed"])])
    label_layer = pdk.Layer(
        "TextLayer", labels[["label", "centroid_lat", "centroid_lon"]], id="district-labels",
        get_position="[centroid_lon, centroid_lat]", get_text="label", get_size=19, size_units="'pixels'",
        get_color=_rgb(WALL_TEXT), character_set='"auto"', font_family=CJK_FONT, font_weight=700,
        line_height=1.25, outline_width=3, outline_color=[6, 18, 41, 255],
        font_settings={"sdf": True}, get_alignment_baseline="'center'")

    spots = hotspots.assign(radius=lambda d: 6.0 + 3.0 * np.sqrt(d["case_count"].astype(float)),
                            halo=lambda d: d["radius"] * 2.2)
    halo_layer = pdk.Layer(
        "ScatterplotLayer", spots[["lat", "lon", "halo"]], id="hotspot-halo",
        get_position="[lon, lat]", get_radius="halo", radius_units="'pixels'",
        get_fill_color=_rgb(WALL_ALARM, 50), stroked=False, pickable=False)
    core_layer = pdk.Layer(
        "ScatterplotLayer", spots[["lat", "lon", "radius"]], id="hotspot-core",
        get_position="[lon, lat]", get_radius="radius", radius_units="'pixels'",
        get_fill_color=_rgb(WALL_ALARM, 210), stroked=True, get_line_color=[255, 245, 220, 255],
        line_width_min_pixels=1.2, pickable=False)

    lat, lon, zoom = view
    return pdk.Deck(
        layers=[district_layer, street_layer, border_layer, halo_layer, core_layer, label_layer],
        map_provider=None,
        views=[pdk.View("MapView", controller=False)],
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        tooltip=False,
    )


def hourly_trend(hourly: pd.DataFrame) -> go.Figure:
    """Accepted (bars) and closed (line) per hour over the last 24 hours, with the accepted count of
    the same hours a day earlier (dotted). Columns: hour_at, accepted_count, closed_count,
    accepted_day_before_count."""
    fig = go.Figure()
    fig.add_bar(x=hourly.hour_at, y=hourly.accepted_count, name="受理", marker_color=WALL_ACCENT,
                marker_line_width=0, opacity=0.9)
    fig.add_scatter(x=hourly.hour_at, y=hourly.closed_count, name="结案", mode="lines+markers",
                    line=dict(color=WALL_GOOD, width=3), marker=dict(size=5))
    fig.add_scatter(x=hourly.hour_at, y=hourly.accepted_day_before_count, name="前一日同时段受理", mode="lines",
                    line=dict(color=WALL_MUTED, width=2, dash="dot"))
    base_layout(fig)
    fig.update_layout(height=None, autosize=True, 
        margin=dict(l=44, r=8, t=30, b=4), font=dict(family=FONT, size=15, color=WALL_TEXT), bargap=0.25,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, font=dict(size=14)),
        hovermode=False)
    fig.update_xaxes(tickformat="%H时", dtick=3 * 3600 * 1000, gridcolor=WALL_LINE, showgrid=False,
                     tickfont=dict(color=WALL_MUTED), linecolor=WALL_LINE, title=None)
    fig.update_yaxes(gridcolor=WALL_LINE, zeroline=False, tickfont=dict(color=WALL_MUTED), title=None,
                     rangemode="tozero")
    return fig
