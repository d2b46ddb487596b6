"""通报 from the command line, for cron or a systemd timer (README: 通报).

    python -m reports.bulletin --period month --month 2026-11 [--district 资阳区] --out DIR

Without --month / --week / --quarter / --year the latest period that has ended is reported (what a
schedule wants: on Monday the last week, on the 1st the last month). Exit status: 0 written;
2 bad arguments; 1 no document (nothing written, the reason on stderr); 3 written but the webhook
failed. A period without data still gives a complete document that says so.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from data.config import db_path, load_city, published_path
from queries import cases as case_queries
from queries.db import SnapshotReader
from queries.kpis import apply_rules, registry
from queries.scope import Access, Scope
from queries.scores import load_scores
from reports import periods, webhook
from reports.config import load_bulletin_config
from reports.generate import FORMATS, BulletinError, produce
from ui.clock import now, now_exact

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WEBHOOK = 0, 1, 2, 3


class UsageError(ValueError):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m reports.bulletin", description="生成社会治理案件办理情况通报（Word、PDF、Excel）")
    p.add_argument("--period", choices=list(periods.KINDS), default="month", help="week 周报 | month 月报 | quarter 季报 | year 年报 | custom")
    p.add_argument("--month", help="月报的月份 YYYY-MM（统计月按 city.toml [bulletin] month_start_day）")
    p.add_argument("--week", help="周报：该周内任一天 YYYY-MM-DD")
    p.add_argument("--quarter", help="季报 YYYY-Q，例如 2026-3")
    p.add_argument("--year", type=int, help="年报的年份")
    p.add_argument("--start", help="custom：开始日期 YYYY-MM-DD")
    p.add_argument("--end", help="custom：结束日期 YYYY-MM-DD（含当天）")
    p.add_argument("--district", action="append", default=[], help="区县代码或名称（可重复）；省略为全市")
    p.add_argument("--street", action="append", default=[], help="街道(乡镇)代码或名称（可重复）")
    p.add_argument("--out", type=Path, help="另存一份到此文件夹（共享文件夹）；存档与生成记录始终在 [bulletin] archive_dir")
    p.add_argument("--template", type=Path, help="Word 模板（.docx），默认 reports/templates/通报模板.docx")
    p.add_argument("--formats", default=",".join(FORMATS), help="逗号分隔：docx,pdf,xlsx")
    p.add_argument("--by", default=f"定时任务@{socket.gethostname()}", help="生成人（写入生成记录）")
    p.add_argument("--webhook", help="生成后 POST 通知的地址（企业微信/政务钉钉机器人或内网 HTTP 接口）")
    p.add_argument("--link-base", help="通知中文件链接的前缀（共享文件夹的内网地址）")
    return p.parse_args(argv)


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UsageError(f"{what}格式应为 YYYY-MM-DD，收到 {text!r}") from None


def choose_period(args, today: date, month_start_day: int) -> periods.Period:
    try:
        if args.period == "month":
            if args.month:
                return periods.month(*periods.parse_month(args.month), month_start_day)
            return periods.last_complete("month", today, month_start_day)
        if args.period == "week":
            return periods.week_of(_date(args.week, "--week ")) if args.week else periods.last_complete("week", today)
        if args.period == "quarter":
            if args.quarter:
                y, q = args.quarter.split("-")
                return periods.quarter(int(y), int(q))
            return periods.last_complete("quarter", today)
        if args.period == "year":
            return periods.year(args.year) if args.year else periods.last_complete("year", today)
        if not (args.start and args.end):
            raise UsageError("custom 周期需要 --start 和 --end")
        return periods.custom(_date(args.start, "--start "), _date(args.end, "--end ") + timedelta(days=1))
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
                         else f"周期参数无效：{exc}") from None


def resolve_areas(source, scope: Scope, wanted: list[str], level: int) -> tuple[str, ...] | None:
    """Codes for names or codes of areas of `level` the identity may see; UsageError for unknown ones."""
    if not wanted:
        return None
    areas = case_queries.area_options(source, scope)
    areas = areas[areas.level == level]
    by_code = set(areas.area_code)
    by_name = dict(zip(areas.name, areas.area_code))
    codes = []
    for w in wanted:
        if w in by_code:
            codes.append(w)
        elif w in by_name:
            codes.append(by_name[w])
        else:
            raise UsageError(f"找不到区域：{w}（可用：{'、'.join(areas.name.head(12))}…）")
    return tuple(codes)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:          # argparse printed its message
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        city = load_city()
        config = load_bulletin_config()
        moment = now()
        period = choose_period(args, moment.date(), config.month_start_day)
        formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
        published = published_path(db_path())
        if not published.exists():
            raise BulletinError(f"数据库不存在：{published}（先运行看板或 python -m data.seed）")
        source = SnapshotReader(published)
        # A scheduled job acts for the command centre: the whole city, narrowed by the arguments.
        scope = apply_rules(Scope(period.start, period.end, Access(all_districts=True, label=args.by), now_at=moment), city)
        scope = replace(scope, districts=resolve_areas(source, scope, args.district, 1),
                        streets=resolve_areas(source, scope, args.street, 2))
        scores = load_scores(city.scores_path, registry(city))
        result = produce(source, scope, period, city=city, scores=scores, config=config, generated_by=args.by,
                         generated_at=now_exact(), template=args.template, formats=formats, origin="cli")
    except UsageError as exc:
        print(f"参数错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except BulletinError as exc:
        print(f"通报未生成：{exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - a scheduled job must say why in one line, not a traceback
        print(f"通报未生成（{type(exc).__name__}）：{exc}", file=sys.stderr)
        return EXIT_FAILED
    archived = {ext: config.archive_dir / path for ext, path in result.entry.files.items()}
    if args.out:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for path in archived.values():
                tmp = args.out / f".{path.name}.tmp"
                shutil.copyfile(path, tmp)
                tmp.replace(args.out / path.name)
            archived = {ext: args.out / path.name for ext, path in archived.items()}
        except OSError as exc:
            print(f"通报已存档，但无法写入输出文件夹 {args.out}：{exc}", file=sys.stderr)
            return EXIT_FAILED
    b = result.bulletin
    print(f"{b.title}（{b.doc_no}）：{b.period.span_text}，{b.scope_text}" + ("（本期无案件数据）" if b.is_empty else ""))
    for path in archived.values():
        print(path)
    if args.webhook:
        try:
            rel = {ext: (path.name if args.out else result.entry.files[ext]) for ext, path in archived.items()}
            links = webhook.links(rel, args.link_base) if args.link_base else {e: str(p) for e, p in archived.items()}
            webhook.post(args.webhook, webhook.payload(b, result.entry, links))
        except webhook.WebhookError as exc:
            print(f"通报已生成，但通知失败：{exc}", file=sys.stderr)
            return EXIT_WEBHOOK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
