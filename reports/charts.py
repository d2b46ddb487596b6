"""The bulletin's charts as PNG images, drawn with matplotlib (Agg, no display, no network).

Why matplotlib and not the dashboard's plotly: a static plotly image needs kaleido, which drives a
Chromium per export (kaleido 1.x no longer bundles one); measured here (benchmarks/bench_bulletin.py)
that costs a browser start per chart, while matplotlib draws three charts in well under a second
with no process to manage. The charts use the dashboard's colours (charts/style.py) and an installed
CJK font, so Chinese never comes out as boxes.
"""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
import pandas as pd  # noqa: E402

from charts.style import BAD, GOOD, PRIMARY, SERIES, ACCENT  # noqa: E402
from queries.numbers import percent_text  # noqa: E402

# Preferred CJK fonts, best first: the 公文 fonts when a city has installed them, then Debian's.
CJK_FONTS = ("FangSong_GB2312", "FangSong", "SimSun", "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
             "Source Han Sans SC", "Microsoft YaHei", "SimHei")
DPI = 150   # sharp at 150 mm wide in print; 200 made the PDF twice the size for no visible gain


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The first installed CJK font family; raises when there is none (the PNG would show boxes)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    # Noto CJK ships as .ttc collections that older caches list under a single name: search files too.
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path or "wqy" in path.lower():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    raise RuntimeError("没有安装中文字体（如 fonts-noto-cjk），无法绘制通报图表")


def _figure(width_in: float = 6.4, height_in: float = 3.0):
    plt.rcParams["font.family"] = [cjk_font(), "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=DPI)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def _empty(ax, text: str = "本期无数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, color="#64748b", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def trend_png(trend: pd.DataFrame) -> bytes:
    """Accepted and closed per day (per week beyond ~10 weeks, per month beyond a year)."""
    fig, ax = _figure()
    if trend.empty or (trend.accepted_count.sum() == 0 and trend.closed_count.sum() == 0):
        _empty(ax)
        return _png(fig)
    t = trend.assign(day=pd.to_datetime(trend.day))
    rule = "D" if len(t) <= 70 else "W-MON" if len(t) <= 400 else "MS"
    if rule != "D":
        t = t.resample(rule, on="day", label="left", closed="left").sum(numeric_only=True).reset_index()
    ax.plot(t.day, t.accepted_count, color=PRIMARY, linewidth=1.6, marker="o", markersize=2.5, label="受理")
    ax.plot(t.day, t.closed_count, color=ACCENT, linewidth=1.6, marker="o", markersize=2.5, label="办结")
    ax.set_ylabel({"D": "件/日", "W-MON": "件/周", "MS": "件/月"}[rule], fontsize=8)
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%m-%d" if rule != "MS" else "%Y-%m"))
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    ax.legend(fontsize=8, frameon=False, loc="upper right", ncol=2)
    ax.set_ylim(0, max(t.accepted_count.max(), t.closed_count.max()) * 1.2)
    return _png(fig)


def areas_png(areas: pd.DataFrame) -> bytes:
    """综合指标值 per area, best on top; colours by grade band (A/B green, C amber, D/E red)."""
    fig, ax = _figure(6.4, 0.5 + 0.32 * max(3, min(len(areas), 20)))
    rows = areas[areas["value"].notna()].sort_values("value").tail(20) if len(areas) else areas
    if rows.empty:
        _empty(ax)
        return _png(fig)
    colours = [GOOD if g in ("A", "B") else ACCENT if g == "C" else BAD for g in rows.grade]
    ax.barh(rows["name"].astype(str), rows["value"], color=colours, height=0.6)
    for y, (v, g) in enumerate(zip(rows["value"], rows.grade)):
        ax.text(v + 0.5, y, f"{v:.2f}（{g}）", va="center", fontsize=7)
    ax.set_xlim(0, 110)
    ax.set_xlabel("综合指标值（分）", fontsize=8)
    return _png(fig)


def sources_png(sources: pd.DataFrame) -> bytes:
    """Accepted cases by source (the 表2 frame: 来源, 受理数)."""
    fig, ax = _figure(6.4, 2.6)
    if sources.empty or sources["受理数"].sum() == 0:
        _empty(ax)
        return _png(fig)
    rows = sources.sort_values("受理数")
    ax.barh(rows["来源"].astype(str), rows["受理数"], color=[SERIES[i % len(SERIES)] for i in range(len(rows))],
            height=0.6)
    total = rows["受理数"].sum()
    for y, v in enumerate(rows["受理数"]):
        ax.text(v, y, f" {int(v):,}（{percent_text(int(v), int(total), 1)}）", va="center", fontsize=7)
    ax.set_xlim(0, rows["受理数"].max() * 1.3)
    ax.set_xlabel("受理数（件）", fontsize=8)
    return _png(fig)


def draw(bulletin) -> None:
    """Fills every chart's PNG of `bulletin` from its chart_frames."""
    makers = {"trend": trend_png, "areas": areas_png, "sources": sources_png}
    for chart in bulletin.charts:
        chart.png = makers[chart.key](bulletin.chart_frames[chart.key])
