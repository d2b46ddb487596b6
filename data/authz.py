"""The local authorisation table: who (a user or a group) has which role over which scope.

Identities come from the sign-in (OIDC via st.login, or an authenticating reverse proxy); what an
identity may see comes from this table only, which the operator edits (by hand or with
`python -m data.authz users ...`). It is re-read whenever the file changes and resolved on every
run of every page, so a revoked user loses access at the next rerun. No streamlit import here.

Format (docs/security.md): a UTF-8 CSV with the header
    kind,id,role,scope,name,status,updated_at,note
  kind    user | group      (a user is matched by its sign-in id, a group by the groups claim/header)
  id      the sign-in id (e-mail by default) or the group name; matched case-insensitively
  role    市级领导 | 指挥中心 | 区县 | 街道 | 责任单位 | 管理员 | 大屏  (or city/district/street/unit/admin/wall)
  scope   全市, or codes separated by ';' — district codes (区县, 大屏: 全市 or one district),
          one street code (街道), unit codes (责任单位), 全市 / district codes / empty (管理员: empty =
          the import and audit pages only)
  status  active | revoked
Resolution fails closed: no row, a revoked row, an unknown code, or two rows (or a token claim)
that disagree give no access and a Chinese message saying whom to ask.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from data.config import PROJECT_ROOT

COLUMNS = ("kind", "id", "role", "scope", "name", "status", "updated_at", "note")
ROLE_KEYS = {
    "市级领导": "city", "指挥中心": "city", "市级领导/指挥中心": "city", "city": "city",
    "区县": "district", "district": "district",
    "街道": "street", "street": "street",
    "责任单位": "unit", "unit": "unit",
    "管理员": "admin", "admin": "admin",
    "大屏": "wall", "wall": "wall",
}
ROLE_NAMES = {"city": "市级领导/指挥中心", "district": "区县", "street": "街道", "unit": "责任单位",
              "admin": "管理员", "wall": "大屏", "demo": "演示", "desk": "单用户"}
CITY_WORDS = {"全市", "city", "*"}
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_SPLIT = re.compile(r"[;；,，\s]+")
DEFAULT_CONTACT = "市社会治理指挥中心系统管理员"


def table_path() -> Path:
    """$DASHBOARD_AUTHZ, else data/authz.csv (git-ignored: it names real people)."""
    configured = os.environ.get("DASHBOARD_AUTHZ")
    return Path(configured) if configured else PROJECT_ROOT / "data" / "authz.csv"


def contact() -> str:
    """Whom a refused user should ask ($DASHBOARD_ACCESS_CONTACT, e.g. a name and an extension)."""
    return os.environ.get("DASHBOARD_ACCESS_CONTACT", "").strip() or DEFAULT_CONTACT


class TableError(ValueError):
    """The table file is malformed; the message is Chinese and names the line."""


@dataclass(frozen=True)
class Row:
    kind: str
    id: str
    role: str            # a ROLE_KEYS value
    scope: tuple[str, ...]   # ("*",) for the whole city, () for none
    name: str = ""
    status: str = "active"
    updated_at: str = ""
    note: str = ""

    @property
    def claim(self) -> tuple[str, tuple[str, ...]]:
        return self.role, self.scope

    def scope_text(self) -> str:
        return "全市" if self.scope == ("*",) else ";".join(self.scope)


def parse_scope(role: str, text: str) -> tuple[str, ...]:
    """'全市' → ('*',); codes → sorted unique codes; raises TableError on a malformed code or a
    scope the role cannot have."""
    parts = [p for p in _SPLIT.split((text or "").strip()) if p]
    if any(p in CITY_WORDS for p in parts):
        if len(parts) > 1:
            raise TableError("范围“全市”不能与具体代码同时填写")
        if role not in ("city", "admin", "wall"):
            raise TableError(f"角色“{ROLE_NAMES[role]}”不能拥有全市范围")
        return ("*",)
    bad = [p for p in parts if not _CODE.fullmatch(p)]
    if bad:
        raise TableError(f"范围代码“{bad[0][:40]}”格式无效（只允许字母、数字、下划线和连字符）")
    codes = tuple(sorted(set(parts)))
    if role == "city":
        if codes:
            raise TableError("市级领导/指挥中心的范围只能是“全市”")
        return ("*",)
    if role in ("district", "unit") and not codes:
        raise TableError(f"角色“{ROLE_NAMES[role]}”必须填写范围代码")
    if role == "street" and len(codes) != 1:
        raise TableError("街道角色的范围必须是一个街道代码")
    if role == "wall" and len(codes) != 1:
        raise TableError("大屏角色的范围只能是“全市”或一个区县代码")
    return codes


def parse_row(raw: dict[str, str]) -> Row:
    kind = (raw.get("kind") or "user").strip().lower()
    if kind not in ("user", "group"):
        raise TableError(f"类型“{kind[:20]}”无效，应为 user 或 group")
    ident = (raw.get("id") or "").strip()
    if not ident or len(ident) > 200:
        raise TableError("缺少用户或用户组标识（id）")
    role = ROLE_KEYS.get((raw.get("role") or "").strip())
    if role is None:
        raise TableError(f"角色“{(raw.get('role') or '')[:20]}”无效，应为 " + "、".join(
            k for k in ROLE_KEYS if not k.isascii()))
    status = (raw.get("status") or "active").strip().lower()
    if status not in ("active", "revoked"):
        raise TableError(f"状态“{status[:20]}”无效，应为 active 或 revoked")
    return Row(kind, ident, role, parse_scope(role, raw.get("scope") or ""), (raw.get("name") or "").strip(),
               status, (raw.get("updated_at") or "").strip(), (raw.get("note") or "").strip())


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...] = ()
    error: str | None = None      # the whole table is refused (fail closed) when a line is malformed

    def matching(self, user_id: str | None, groups: tuple[str, ...]) -> list[Row]:
        uid = (user_id or "").casefold()
        names = {g.casefold() for g in groups}
        return [r for r in self.rows
                if (r.kind == "user" and uid and r.id.casefold() == uid)
                or (r.kind == "group" and r.id.casefold() in names)]


def read_table(path: Path) -> Table:
    """The table at `path`; a missing file is an empty table; a malformed one refuses everyone."""
    if not path.exists():
        return Table()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Table(error=f"授权表 {path.name} 无法读取（{type(exc).__name__}），请使用 UTF-8 编码")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("kind", "id", "role", "scope") if c not in (reader.fieldnames or ())]
    if missing:
        return Table(error=f"授权表 {path.name} 缺少列：{', '.join(missing)}")
    rows = []
    for line, raw in enumerate(reader, start=2):
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        if (raw.get("kind") or "").lstrip().startswith("#"):
            continue
        try:
            rows.append(parse_row(raw))
        except TableError as exc:
            return Table(error=f"授权表 {path.name} 第 {line} 行：{exc}")
    return Table(tuple(rows))


_table_cache: dict[Path, tuple[tuple[int, int], Table]] = {}


def load_table(path: Path | None = None) -> Table:
    """The table, re-read when the file's modification time or size changes (one stat per call)."""
    path = Path(path or table_path())
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        key = (0, -1)
    cached = _table_cache.get(path)
    if cached and cached[0] == key:
        return cached[1]
    table = read_table(path)
    _table_cache[path] = (key, table)
    return table


def write_table(path: Path, rows: list[Row]) -> None:
    """Rewrites the table atomically (a copy, then os.replace), so a page never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r.kind, r.id, ROLE_NAMES[r.role], r.scope_text(),
                         r.name, r.status, r.updated_at, r.note])
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.chmod(tmp, 0o640)
    os.replace(tmp, path)


# ───────────────────────── resolution ─────────────────────────

@dataclass(frozen=True)
class Identity:
    """Who signed in: the id matched against the table, groups, and the claims that must agree."""

    user_id: str | None
    name: str = ""
    groups: tuple[str, ...] = ()
    district_claim: tuple[str, ...] | None = None   # a district claim in the token, if any
    source: str = "oidc"                              # oidc | proxy | desk | demo


@dataclass(frozen=True)
class Known:
    """The codes of the current database, to refuse a grant naming an area or unit that does not exist."""

    districts: dict[str, str] = field(default_factory=dict)          # code -> name
    streets: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, district code)
    units: dict[str, str] = field(default_factory=dict)              # code -> name


@dataclass(frozen=True)
class Grant:
    """The outcome for one identity: a role and its scope, or a refusal with a message."""

    role: str | None                 # a ROLE_KEYS value, or None when refused
    all_districts: bool = False
    districts: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    label: str = ""                  # Chinese: role and scope, shown in the sidebar (no person's name)
    refusal: str | None = None       # Chinese message when refused
    reason: str | None = None        # no_identity | no_row | revoked | conflict | unknown_code | bad_table

    @property
    def has_data(self) -> bool:
        return bool(self.all_districts or self.districts or self.units)


def _refuse(reason: str, text: str) -> Grant:
    return Grant(role=None, refusal=f"{text}请联系{contact()}。", reason=reason, label="无数据权限")


def resolve(identity: Identity | None, table: Table, known: Known) -> Grant:
    if table.error:
        return _refuse("bad_table", f"授权表有误，暂时无法确定您的权限（{table.error}）。")
    if identity is None or not identity.user_id:
        return _refuse("no_identity", "未能确认您的身份。")
    rows = table.matching(identity.user_id, identity.groups)
    if any(r.status == "revoked" and r.kind == "user" for r in rows):
        return _refuse("revoked", "您的访问权限已被撤销。如需恢复，")
    active = [r for r in rows if r.status == "active"]
    if not active:
        return _refuse("no_row", f"账号“{identity.user_id[:60]}”尚未授权访问本系统。如需开通，")
    claims = {r.claim for r in active}
    if len(claims) > 1:
        return _refuse("conflict", "授权表中有多条相互矛盾的授权（" + "；".join(
            f"{r.kind}:{r.id[:40]} → {ROLE_NAMES[r.role]} {r.scope_text()}" for r in active[:4]) + "），为安全起见不显示任何数据。")
    role, scope = claims.pop()
    city = scope == ("*",)
    if role in ("district", "wall", "admin") and not city:
        unknown = [c for c in scope if c not in known.districts]
        if unknown:
            return _refuse("unknown_code", f"授权的区县代码“{unknown[0]}”在当前数据库中不存在。")
        grant = Grant(role, districts=scope, label=f"{ROLE_NAMES[role]}：" + "、".join(known.districts[c] for c in scope))
    elif role == "street":
        street = scope[0]
        if street not in known.streets:
            return _refuse("unknown_code", f"授权的街道代码“{street}”在当前数据库中不存在。")
        name, district = known.streets[street]
        grant = Grant(role, districts=(district,), streets=scope,
                      label=f"街道：{known.districts.get(district, district)}{name}")
    elif role == "unit":
        unknown = [c for c in scope if c not in known.units]
        if unknown:
            return _refuse("unknown_code", f"授权的责任单位代码“{unknown[0]}”在当前数据库中不存在。")
        grant = Grant(role, units=scope, label="责任单位：" + "、".join(known.units[c] for c in scope))
    elif role == "admin" and not scope:
        grant = Grant(role, label="管理员（数据导入与审计）")
    else:
        grant = Grant(role, all_districts=True, label=f"{ROLE_NAMES[role]}：全市")
    if identity.district_claim is not None:
        # The token names districts too: it must agree with the table, or nothing (two claims).
        claimed = set(identity.district_claim)
        allowed = set(known.districts) if grant.all_districts else set(grant.districts)
        if not claimed or not claimed <= allowed or (grant.units and claimed):
            return _refuse("conflict", "登录凭据中的区县（" + "、".join(sorted(claimed))[:60]
                           + "）与授权表不一致，为安全起见不显示任何数据。")
    return grant


# ───────────────────────── editing (used by the CLI) ─────────────────────────

def now_text() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def upsert(rows: list[Row], row: Row) -> tuple[list[Row], bool]:
    """Replaces the row with the same kind and id (case-insensitive) or appends it; True if replaced."""
    out, replaced = [], False
    for r in rows:
        if r.kind == row.kind and r.id.casefold() == row.id.casefold():
            if not replaced:
                out.append(row)
            replaced = True
        else:
            out.append(r)
    if not replaced:
        out.append(row)
    return out, replaced


def known_codes(cursor) -> Known:
    """The district, street and unit codes of a database (reference tables; no records of people)."""
    districts = dict(cursor.execute("SELECT area_code, name FROM areas WHERE level = 1").fetchall())
    streets = {code: (name, district) for code, name, district in cursor.execute(
        "SELECT area_code, name, district_code FROM areas WHERE level = 2").fetchall()}
    units = dict(cursor.execute("SELECT unit_code, name FROM units").fetchall())
    return Known(districts, streets, units)


if __name__ == "__main__":
    import sys

    from data.authz_cli import main

    sys.exit(main(sys.argv[1:]))
