"""Area maps with pydeck: no basemap (map_provider=None), so nothing is fetched from the internet.
Polygons come from the areas table; labels use the CJK font with an automatic character set."""
from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk

from charts.style import ramp_color

CJK_FONT = '"Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"'


def choropleth(shapes: pd.DataFrame, values: pd.DataFrame, value_col: str, value_label: str, *,
               value_is_rate: bool, center: tuple[float, float], zoom: float, height: int = 460,
               dark: bool = False, label_size: int = 14) -> pdk.Deck:
    """Areas coloured by `value_col` (values joined on area_code), with name labels and tooltips."""
    merged = shapes.merge(values[["area_code", value_col]], on="area_code", how="left")
    present = merged[value_col].dropna()
    lo, hi = (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)
    features = []
    for row in merged.itertuples():
        if not row.geojson:
            continue
        v = getattr(row, value_col)
        v = None if pd.isna(v) else float(v)
        shown = "—" if v is None else (f"{v * 100:.1f}%" if value_is_rate else f"{v:,.0f}")
        features.append({
            "type": "Feature", "geometry": json.loads(row.geojson),
            "properties": {"name": row.name, "shown": shown, "fill": ramp_color(v, lo, hi, 210 if not dark else 190)},
        })
    line = [148, 163, 184] if dark else [255, 255, 255]
    polygons = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, pickable=True,
                         stroked=True, filled=True, get_fill_color="properties.fill", get_line_color=line,
                         line_width_min_pixels=1.2)
    labels = pdk.Layer("TextLayer", merged.dropna(subset=["centroid_lat"]).assign(
                           label=lambda d: d.name)[["label", "centroid_lat", "centroid_lon"]],
                       get_position="[centroid_lon, centroid_lat]", get_text="label", get_size=label_size,
                       get_color=[255, 255, 255] if dark else [15, 23, 42], character_set='"auto"',
                       font_family=CJK_FONT, font_weight=600, outline_width=2 if not dark else 0,
                       outline_color=[255, 255, 255], get_alignment_baseline="'center'")
    return pdk.Deck(
        layers=[polygons, labels], map_provider=None,
        initial_view_state=pdk.ViewState(latitude=center[0], longitude=center[1], zoom=zoom),
        tooltip={"html": "<b>{name}</b><br/>" + value_label + "：{shown}",
                 "style": {"fontFamily": CJK_FONT.strip('"'), "fontSize": "14px"}},
        height=height,
    )
