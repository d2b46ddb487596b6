"""The [bulletin] section of city.toml: issuer, 文号 pattern, 统计月 start day, archive folder and the
wording knobs of the closing paragraph. Every key has a default, so a city without the section works."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from data.config import PROJECT_ROOT, load_city
from data.config import _city_toml_path  # the one place that knows where city.toml is

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_TEMPLATE = "通报模板.docx"


@dataclass(frozen=True)
class BulletinConfig:
    issuer: str                 # 发文单位, e.g. 益阳市社会治理指挥中心
    doc_no: str                 # 文号 pattern: {year} and {seq} (the number within the year and kind)
    month_start_day: int        # 统计月: 1 = calendar month; 21 = 21st of the previous month to the 20th
    archive_dir: Path           # where generated bulletins and their history are kept
    red_black_size: int         # units named on each of 红榜 / 黑榜 per peer group
    top_n: int                  # 高发前 N (事件, 部件)
    rectify_days: int           # 黑榜 units report their rectification within this many days
    overdue_rows: int           # units listed in the 超期 table (all go to the Excel appendix)
    score_change_points: float  # a unit's score moving by at least this is "提升/下降明显"


def archive_dir(configured: str) -> Path:
    """$DASHBOARD_BULLETIN_DIR, else the configured folder (relative to the project)."""
    env = os.environ.get("DASHBOARD_BULLETIN_DIR")
    path = Path(env) if env else Path(configured)
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_bulletin_config(path: Path | None = None) -> BulletinConfig:
    raw = tomllib.loads((path or _city_toml_path()).read_text(encoding="utf-8")).get("bulletin", {})
    city = load_city()
    config = BulletinConfig(
        issuer=str(raw.get("issuer", city.centre_name)),
        doc_no=str(raw.get("doc_no", "{issuer}通报〔{year}〕{seq}号")),
        month_start_day=int(raw.get("month_start_day", 1)),
        archive_dir=archive_dir(str(raw.get("archive_dir", "data/bulletins"))),
        red_black_size=int(raw.get("red_black_size", 3)),
        top_n=int(raw.get("top_n", 5)),
        rectify_days=int(raw.get("rectify_days", 10)),
        overdue_rows=int(raw.get("overdue_rows", 10)),
        score_change_points=float(raw.get("score_change_points", 3.0)),
    )
    if not 1 <= config.month_start_day <= 28 or config.red_black_size < 1 or config.top_n < 1 \
            or config.rectify_days < 1 or config.overdue_rows < 1:
        raise ValueError("city.toml [bulletin]: month_start_day 1–28; red_black_size, top_n, rectify_days, "
                         "overdue_rows at least 1")
    return config
