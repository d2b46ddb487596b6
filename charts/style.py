"""One colour scheme and number formats for every chart (officials' pages and the wall)."""
from __future__ import annotations

PRIMARY = "#1f5fbf"
ACCENT = "#f59e0b"
GOOD = "#16a34a"
BAD = "#dc2626"
MUTED = "#94a3b8"
# 红黑榜 in Chinese practice: the honour list (红榜) is red, the list of laggards (黑榜) dark.
HONOUR = "#c8161d"
BLACK_LIST = "#334155"
SERIES = ["#1f5fbf", "#f59e0b", "#16a34a", "#9333ea", "#0891b2", "#dc2626", "#64748b", "#db2777"]
FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"
# Sequential ramp for choropleths, light → dark blue (RGB).
RAMP = [(219, 234, 254), (147, 197, 253), (96, 165, 250), (37, 99, 235), (30, 64, 175), (23, 37, 84)]


# Density of case locations (hexagons), pale yellow → deep red: distinct from the area ramp above.
HEAT_RAMP = [(254, 240, 138), (253, 186, 116), (249, 115, 22), (220, 38, 38), (153, 27, 27)]
NO_VALUE_RGB = (203, 213, 225)
# The command-hall wall (dark): navy ground, one accent, red/green for worse/better, amber for alarms.
WALL_BG = "#061229"
WALL_PANEL = "#0a1c3d"
WALL_LINE = "#1d3a6b"
WALL_TEXT = "#e8f0ff"
WALL_MUTED = "#8fa6c8"
WALL_ACCENT = "#38bdf8"
WALL_GOOD = "#34d399"
WALL_BAD = "#f87171"
WALL_ALARM = "#fbbf24"
# Sequential ramp for choropleths on the dark wall, deep navy → accent cyan (RGB).
WALL_RAMP = [(17, 42, 84), (20, 66, 122), (23, 94, 160), (30, 126, 196), (46, 160, 226), (56, 189, 248)]


def ramp_color(value: float | None, lo: float, hi: float, alpha: int = 200,
               ramp: list[tuple[int, int, int]] = RAMP) -> list[int]:
    """RGBA for `value` on the ramp between lo and hi; grey when there is no value."""
    if value is None or value != value:
        return [*NO_VALUE_RGB, alpha]
    t = 0.0 if hi <= lo else min(1.0, max(0.0, (value - lo) / (hi - lo)))
    pos = t * (len(ramp) - 1)
    i = min(int(pos), len(ramp) - 2)
    f = pos - i
    rgb = [round(ramp[i][k] + (ramp[i + 1][k] - ramp[i][k]) * f) for k in range(3)]
    return rgb + [alpha]


def ramp_colorscale(ramp: list[tuple[int, int, int]] = RAMP) -> list[list]:
    """The ramp as a plotly colorscale, so legends and heatmaps match the maps."""
    n = len(ramp) - 1
    return [[i / n, f"rgb{tuple(c)}"] for i, c in enumerate(ramp)]


def base_layout(fig, *, height: int = 320, legend: bool = True):
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=36, b=10), font=dict(family=FONT, size=13),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", colorway=SERIES,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1) if legend else None,
        showlegend=legend, hoverlabel=dict(font_family=FONT),
    )
    fig.update_xaxes(gridcolor="#e2e8f0")
    fig.update_yaxes(gridcolor="#e2e8f0", rangemode="tozero")
    return fig
