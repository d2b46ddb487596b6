"""Synthetic files in the generic Chinese export layout (mappings/cn_case_export.toml), for tests,
the benchmark and trying the importer: python -m data.ingest.sample --rows 1000 out.csv

Deterministic for a seed. Points are generated in WGS84 and written in the row's 坐标系
(WGS84 / GCJ02 / BD09), so a correct import gives back the WGS84 points (`truth` columns are
returned by `build_frame` for tests, never written).
"""
from __future__ import annotations

import argparse
import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data import geo
from data.ingest.refs import read_reference

HEADER = ["案件编号", "问题来源", "问题类型", "大类", "小类", "问题描述", "所属区县", "所属街道", "所属社区", "所属网格",
          "经度", "纬度", "坐标系", "上报时间", "受理时间", "立案时间", "派遣时间", "处置单位", "处置完成时间", "核查时间",
          "结案时间", "处置时限", "案件状态", "是否作废", "是否挂账", "是否缓办", "返工次数", "派遣次数", "满意度",
          "上报人", "联系电话", "更新时间"]
# (区县, 街道, 社区, 网格): a small synthetic hierarchy with real 益阳 district names.
AREAS = [(d, f"{d[:2]}{s}街道", f"{s}{c}社区", f"{s}{c}社区第{g}网格")
         for d in ("资阳区", "赫山区", "沅江市") for s in ("东门", "西流湾", "桃花仑") for c in ("大码头", "龙洲")
         for g in (1, 2)]
UNITS = ["市城市管理和综合执法局", "资阳区城市管理和综合执法局", "赫山区住房和城乡建设局", "市供水有限公司",
         "资阳区东门街道办事处", "市园林绿化中心"]
SOURCES = ["网格员上报", "12345热线", "市民随手拍", "视频智能发现", "领导督办"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
FMT = "%Y-%m-%d %H:%M:%S"


def build_frame(rows: int, *, seed: int = 7, end: datetime = datetime(2026, 10, 31, 18, 0),
                days: int = 60, prefix: str = "SJ", closed_share: float = 0.75) -> pd.DataFrame:
    """The export as a DataFrame of strings (HEADER columns) plus truth_lat/truth_lon (WGS84)."""
    rng = np.random.default_rng(seed)
    cats = read_reference("categories.csv")
    ci = rng.integers(0, len(cats), rows)
    area = rng.integers(0, len(AREAS), rows)
    start = np.datetime64(end, "s") - np.timedelta64(days, "D")
    reported = start + rng.integers(0, days * 86400 - 4 * 86400, rows).astype("timedelta64[s]")
    open_shares = np.array([0.02, 0.02, 0.03, 0.08, 0.05, 0.05]) * (1 - closed_share) / 0.25
    stage = rng.choice(7, rows, p=[*open_shares, closed_share])  # last step reached
    mins = lambda lo, hi: rng.integers(lo * 60, hi * 60, rows).astype("timedelta64[s]")  # noqa: E731
    accepted = reported + mins(3, 30)
    filed = accepted + mins(5, 40)
    dispatched = filed + mins(5, 60)
    handled = dispatched + mins(60, 2880)
    verified = handled + mins(20, 240)
    closed = verified + mins(10, 120)
    steps = [reported, accepted, filed, dispatched, handled, verified, closed]
    nat = np.datetime64("NaT", "s")
    cols = {}
    for i, name in enumerate(["上报时间", "受理时间", "立案时间", "派遣时间", "处置完成时间", "核查时间", "结案时间"]):
        values = np.where(stage >= i, steps[i], nat)
        cols[name] = pd.Series(values).dt.strftime(FMT).fillna("")
    updated = np.max(np.stack([np.where(stage >= i, s, start) for i, s in enumerate(steps)]), axis=0)
    status_names = np.array(["待受理", "已受理", "已立案", "已派遣", "已处置", "已核查", "已结案"])
    lat = 28.55 + rng.normal(0, 0.05, rows)
    lon = 112.33 + rng.normal(0, 0.05, rows)
    crs = rng.choice(np.array(["WGS84", "GCJ02", "BD09"]), rows, p=[0.3, 0.5, 0.2])
    out_lat, out_lon = lat.copy(), lon.copy()
    for name, fn in (("GCJ02", geo.wgs84_to_gcj02), ("BD09", geo.wgs84_to_bd09)):
        m = crs == name
        out_lat[m], out_lon[m] = fn(lat[m], lon[m])
    areas = np.array(AREAS, dtype=object)[area]
    sat = rng.choice(np.array(["满意", "基本满意", "不满意", ""]), rows, p=[0.6, 0.2, 0.05, 0.15])
    frame = pd.DataFrame({
        "案件编号": [f"{prefix}{i:09d}" for i in range(1, rows + 1)],
        "问题来源": np.array(SOURCES)[rng.integers(0, len(SOURCES), rows)],
        "问题类型": np.where(cats.kind.to_numpy()[ci] == "component", "部件", "事件"),
        "大类": cats.major_name.to_numpy()[ci],
        "小类": cats.minor_name.to_numpy()[ci],
        "问题描述": pd.Series(cats.minor_name.to_numpy()[ci]) + "问题，请尽快处理。",
        "所属区县": areas[:, 0], "所属街道": areas[:, 1], "所属社区": areas[:, 2], "所属网格": areas[:, 3],
        "经度": np.round(out_lon, 7).astype(str), "纬度": np.round(out_lat, 7).astype(str), "坐标系": crs,
        **{k: cols[k] for k in ["上报时间", "受理时间", "立案时间", "派遣时间"]},
        "处置单位": np.where(stage >= 3, np.array(UNITS)[rng.integers(0, len(UNITS), rows)], ""),
        **{k: cols[k] for k in ["处置完成时间", "核查时间", "结案时间"]},
        "处置时限": np.where(stage >= 3, np.array(["1个工作日", "2个工作日", "4工作时"])[rng.integers(0, 3, rows)], ""),
        "案件状态": status_names[stage],
        "是否作废": "否", "是否挂账": "否", "是否缓办": np.where(rng.random(rows) < 0.01, "是", "否"),
        "返工次数": np.where((stage >= 5) & (rng.random(rows) < 0.02), "1", "0"),
        "派遣次数": np.where(stage >= 3, np.where(rng.random(rows) < 0.04, "2", "1"), "0"),
        "满意度": np.where(stage == 6, sat, ""),
        "上报人": np.array(SURNAMES)[rng.integers(0, len(SURNAMES), rows)] + np.array(GIVEN)[rng.integers(0, len(GIVEN), rows)],
        "联系电话": pd.Series(rng.integers(0, 10 ** 8, rows)).map(lambda v: f"138{v:08d}"),
        "更新时间": pd.Series(updated).dt.strftime(FMT),
    })
    frame["truth_lat"], frame["truth_lon"] = lat, lon
    return frame


def write(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> Path:
    """CSV in `encoding` (utf-8 | utf-8-sig | gb18030) or .xlsx by the path's suffix."""
    frame = frame[[c for c in frame.columns if not c.startswith("truth_")]]
    path = Path(path)
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False, engine="xlsxwriter")
        return path
    buf = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(frame.astype(str), preserve_index=False), buf,
                    pacsv.WriteOptions(quoting_style="needed"))
    data = buf.getvalue()
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    elif encoding != "utf-8":
        data = data.decode("utf-8").encode(encoding)
    path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成通用案件导出格式的合成示例文件")
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "gb18030"])
    args = parser.parse_args(argv)
    write(build_frame(args.rows, seed=args.seed), args.out, encoding=args.encoding)
    print(f"已写入 {args.out}（{args.rows:,} 行）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
