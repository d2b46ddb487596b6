"""python -m data.ingest FILE... [--db PATH] [--mapping NAME_OR_FILE] | --rebuild --db NEW [--landing DIR]

Prints one summary per file; exits with status 1 when any file could not be imported at all.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data.config import db_path
from data.ingest import ledger
from data.ingest.mapping import builtin_names
from data.ingest.run import ImportResult, import_file, rebuild, recover
from data.store import WriterBusy

LABELS = [("rows_read", "读取"), ("accepted", "接受"), ("inserted", "新增"), ("updated", "更新"),
          ("unchanged", "未变"), ("stale", "较旧未覆盖"), ("rejected", "拒绝"), ("duplicates", "文件内重复"),
          ("flagged", "需关注")]


def summary(result: ImportResult) -> str:
    head = f"{result.file_name}  第 {result.batch_id} 批" if result.batch_id else result.file_name
    if not result.ok:
        return f"{head}\n  导入失败（{result.reason_code}）：{result.message_zh}"
    lines = [f"{head}  {result.format} · {result.mapping}" + (f" · {result.encoding}" if result.encoding else ""),
             "  " + "  ".join(f"{label} {result.counts.get(key, 0):,}" for key, label in LABELS)]
    lines += [f"  注：{note}" for note in result.notes]
    if result.counts.get("rejected"):
        lines.append(f"  被拒绝的行及原因：数据导入页面，或表 import_rejects（batch_id = {result.batch_id}）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.ingest", description="导入案件数据文件（格式按内容自动识别）")
    parser.add_argument("files", nargs="*", type=Path, help="CSV / Excel / JSON / XML 文件")
    parser.add_argument("--db", type=Path, default=None, help="数据库路径（默认 $DASHBOARD_DB 或 data/demo.duckdb）")
    parser.add_argument("--mapping", default=None,
                        help=f"映射名称或 TOML 文件路径（默认按内容识别；内置：{'、'.join(builtin_names())}）")
    parser.add_argument("--landing", type=Path, default=None, help="原始文件着陆目录（默认数据库旁的 landing/）")
    parser.add_argument("--city", default=None, help="城市名称（映射未指定城市时，如 Open311）")
    parser.add_argument("--rebuild", action="store_true", help="按着陆目录的清单依次重放全部导入，重建 --db 指定的新数据库")
    parser.add_argument("--quiet", action="store_true", help="不显示进度")
    args = parser.parse_args(argv)
    db = args.db or db_path()
    progress = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    try:
        if args.rebuild:
            if args.files:
                parser.error("--rebuild 不接受文件参数")
            if db.exists():
                parser.error(f"--rebuild 需要一个新的数据库路径：{db} 已存在")
            landing = args.landing or ledger.default_landing_dir(db)
            results = rebuild(db, landing, progress)
            if not results:
                print(f"着陆目录 {landing} 中没有导入清单（{ledger.MANIFEST}）")
                return 1
        else:
            if not args.files:
                parser.error("请给出要导入的文件")
            recovered = recover(db, args.landing, wait_seconds=120)
            if recovered.published:
                progress("上次写入已提交但未发布：已重新发布")
            if recovered.manifest_lines_added:
                progress(f"导入清单补记 {recovered.manifest_lines_added} 条已完成的导入")
            results = [import_file(path, db=db, mapping=args.mapping, landing_dir=args.landing, progress=progress,
                                   city_name=args.city) for path in args.files]
    except WriterBusy as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for result in results:
        print(summary(result))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
