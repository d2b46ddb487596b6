"""Operators' command for the authorisation table (docs/security.md):

    python -m data.authz users list [--all]
    python -m data.authz users add ID --role 区县 --scope 430902 [--name 张三] [--group] [--note ...]
    python -m data.authz users change ID [--role ...] [--scope ...] [--name ...] [--group] [--note ...]
    python -m data.authz users revoke ID [--group] [--note ...]
    python -m data.authz users check ID [--groups g1,g2]     (what this identity would see now)

The table is $DASHBOARD_AUTHZ (default data/authz.csv). Codes are checked against the published
database ($DASHBOARD_DB) when it exists. A running dashboard picks every change up at the next rerun.
"""
from __future__ import annotations

import argparse
import getpass
from dataclasses import replace

from data import authz
from data.config import db_path, published_path


def _known() -> authz.Known | None:
    snapshot = published_path(db_path())
    if not snapshot.exists():
        return None
    from queries.db import connect_readonly

    con = connect_readonly(snapshot)
    try:
        return authz.known_codes(con.cursor())
    finally:
        con.close()


def _check_codes(row: authz.Row, known: authz.Known | None) -> str | None:
    """A Chinese error when the row names a code the database does not have."""
    if known is None or row.scope in (("*",), ()):
        return None
    pool = {"street": known.streets, "unit": known.units}.get(row.role, known.districts)
    unknown = [c for c in row.scope if c not in pool]
    return f"代码 {', '.join(unknown)} 在数据库 {db_path().name} 中不存在" if unknown else None


def _show(rows: list[authz.Row], include_revoked: bool) -> None:
    shown = [r for r in rows if include_revoked or r.status == "active"]
    if not shown:
        print("（授权表为空）")
        return
    print(f"{'类型':<6}{'标识':<34}{'角色':<12}{'范围':<24}{'状态':<9}{'姓名':<10}更新时间")
    for r in shown:
        print(f"{r.kind:<6}{r.id:<34}{authz.ROLE_NAMES[r.role]:<12}{r.scope_text():<24}{r.status:<9}"
              f"{r.name:<10}{r.updated_at}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.authz", description="编辑授权表（用户/用户组 → 角色 → 范围）")
    top = parser.add_subparsers(dest="area", required=True)
    users = top.add_parser("users", help="用户与用户组").add_subparsers(dest="command", required=True)
    p_list = users.add_parser("list", help="列出授权")
    p_list.add_argument("--all", action="store_true", help="包括已撤销的")
    for name in ("add", "change"):
        p = users.add_parser(name, help="新增授权" if name == "add" else "修改授权")
        p.add_argument("id", help="登录标识（默认为邮箱）或用户组名")
        p.add_argument("--role", required=name == "add", help="市级领导 | 指挥中心 | 区县 | 街道 | 责任单位 | 管理员 | 大屏")
        p.add_argument("--scope", required=False, help="全市，或以分号分隔的区县/街道/单位代码")
        p.add_argument("--name", help="姓名或说明")
        p.add_argument("--group", action="store_true", help="ID 是用户组")
        p.add_argument("--note", help="备注（例如审批单号）")
        p.add_argument("--force", action="store_true", help="代码在当前数据库中不存在时仍然写入")
    p_rev = users.add_parser("revoke", help="撤销授权（保留记录，立即生效）")
    p_rev.add_argument("id")
    p_rev.add_argument("--group", action="store_true")
    p_rev.add_argument("--note")
    p_chk = users.add_parser("check", help="显示该身份现在能看到什么")
    p_chk.add_argument("id")
    p_chk.add_argument("--groups", default="", help="逗号分隔的用户组")
    args = parser.parse_args(argv)

    path = authz.table_path()
    table = authz.read_table(path)
    if table.error and args.command != "list":
        print(table.error)
        return 2
    rows = list(table.rows)
    kind = "group" if getattr(args, "group", False) else "user"
    by = getpass.getuser()

    if args.command == "list":
        if table.error:
            print(table.error)
            return 2
        print(f"授权表：{path}")
        _show(rows, args.all)
        return 0
    if args.command == "check":
        known = _known()
        if known is None:
            print(f"数据库 {published_path(db_path())} 不存在，无法核对代码")
            return 2
        identity = authz.Identity(args.id, groups=tuple(g for g in args.groups.split(",") if g))
        grant = authz.resolve(identity, table, known)
        print(grant.refusal or f"{grant.label}（角色 {grant.role}）")
        return 0 if grant.refusal is None else 1
    current = next((r for r in rows if r.kind == kind and r.id.casefold() == args.id.casefold()), None)
    if args.command == "add" and current is not None:
        print(f"{kind} {args.id} 已在授权表中（{authz.ROLE_NAMES[current.role]} {current.scope_text()}，"
              f"{current.status}）；修改请用 change")
        return 1
    if args.command in ("change", "revoke") and current is None:
        print(f"授权表中没有 {kind} {args.id}")
        return 1
    if args.command == "revoke":
        row = replace(current, status="revoked", updated_at=authz.now_text(),
                      note=args.note or f"revoked by {by}")
    else:
        try:
            raw = {"kind": kind, "id": args.id,
                   "role": args.role or (authz.ROLE_NAMES[current.role] if current else ""),
                   "scope": args.scope if args.scope is not None else (current.scope_text() if current else ""),
                   "name": args.name if args.name is not None else (current.name if current else ""),
                   "status": "active", "updated_at": authz.now_text(),
                   "note": args.note if args.note is not None else f"{args.command} by {by}"}
            row = authz.parse_row(raw)
        except authz.TableError as exc:
            print(f"未写入：{exc}")
            return 2
        problem = _check_codes(row, _known())
        if problem and not args.force:
            print(f"未写入：{problem}（确认无误可加 --force）")
            return 2
    rows, _ = authz.upsert(rows, row)
    authz.write_table(path, rows)
    verb = {"add": "已新增", "change": "已修改", "revoke": "已撤销"}[args.command]
    print(f"{verb}：{row.kind} {row.id} → {authz.ROLE_NAMES[row.role]} {row.scope_text()}（{row.status}）")
    return 0
