"""Units, categories and sources of imported records: matched to what the database (or the
reference files) already has, else created with codes derived from their names.

Derived codes are hashes of the name path, so the same name gets the same code whichever file
brings it first: overlapping files imported in any order give the same tables.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.config import REFERENCE_DIR
from data.ingest.normalise import unique_rows


def short_hash(*parts: str, n: int = 6) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:n].upper()


def digit_code(*parts: str, digits: int = 13) -> str:
    """'9' + `digits` decimal digits derived from the parts (area codes must be all digits)."""
    value = int(hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest(), 16) % 10 ** digits
    return "9" + str(value).zfill(digits)


def read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, comment="#", keep_default_na=False)


@dataclass
class Resolved:
    codes: pd.Series            # one code per input row ('' where none)
    new_rows: pd.DataFrame      # rows to add to the reference table (shape of the table)


# ───────────────────────── sources ─────────────────────────

def resolve_sources(values: pd.Series, mapping, db_sources: pd.DataFrame) -> Resolved:
    known = pd.concat([db_sources[["source_code", "name_zh"]], read_reference("sources.csv")]).drop_duplicates("source_code")
    by_name = dict(zip(known.name_zh, known.source_code))
    names = dict(zip(known.source_code, known.name_zh))
    inverse, uniques = unique_rows(pd.DataFrame({"v": values}))
    out, new = {}, {}
    for (value,) in uniques:
        if not value:
            code = "unspecified"
            name = mapping.sources.get("unspecified", "未注明来源")
        else:
            code = mapping.code("source", value) or by_name.get(value)
            if code is None and (value in names or value in mapping.sources):
                code = value
            if code is None:
                code = "src" + short_hash(value, n=8).lower()
            name = names.get(code) or mapping.sources.get(code) or value
        out[value] = code
        if code not in set(db_sources.source_code):
            new[code] = name
    rows = pd.DataFrame({"source_code": list(new), "name_zh": list(new.values())})
    mapped = np.array([out[v] for (v,) in uniques], dtype=object)[inverse] if uniques else np.array([], dtype=object)
    return Resolved(pd.Series(mapped, index=values.index, dtype=object), rows)


# ───────────────────────── categories ─────────────────────────

@dataclass
class CategoryResolved:
    category_code: pd.Series
    major_code: pd.Series
    kind: pd.Series
    new_rows: pd.DataFrame


CATEGORY_COLUMNS = ["category_code", "kind", "major_code", "major_name", "minor_code", "minor_name"]


def _letter(kind: str) -> str:
    return "B" if kind == "component" else "S"


def resolve_categories(kind: pd.Series, major: pd.Series, minor: pd.Series, service_code: pd.Series,
                       mapping, db_categories: pd.DataFrame, service_names: pd.Series | None = None) -> CategoryResolved:
    """kind: 'component'|'event'|'' per row; major/minor: names or codes; service_code for Open311."""
    cfg = mapping.categories
    known = db_categories[CATEGORY_COLUMNS]
    if cfg.get("reference", True):
        known = pd.concat([known, read_reference("categories.csv")[CATEGORY_COLUMNS]]).drop_duplicates("category_code")
    db_codes = set(db_categories.category_code)
    by_code = {r.category_code: r for r in known.itertuples(index=False)}
    new: dict[str, tuple] = {}
    keys = pd.DataFrame({"k": kind, "a": major, "b": minor, "s": service_code,
                         "n": service_names if service_names is not None else ""})
    inverse, uniq = unique_rows(keys)
    result = {}
    unspecified_minor = cfg.get("unspecified_minor", "未细分")
    for k, a, b, s, n in uniq:
        if cfg.get("mode") == "service_code":
            code = service_category_code(s)
            row = by_code.get(code)
            if row is None:
                major_name = cfg.get("unspecified_major", "未分组")
                major_code = "O" + short_hash("major", major_name, n=5)
                row_t = (code, "event", major_code, major_name, code[-4:], n or s or code)
                new.setdefault(code, row_t)
                result[(k, a, b, s, n)] = (code, major_code, "event")
            else:
                result[(k, a, b, s, n)] = (row.category_code, row.major_code, row.kind)
            continue
        row = by_code.get(b) if b else None
        if row is None:
            majors = known[(known.major_code == a) | (known.major_name == a)] if a else known.iloc[0:0]
            if k:
                same_kind = majors[majors.kind == k]
                majors = same_kind if not same_kind.empty else majors
            minor_name = b or unspecified_minor
            hit = majors[(majors.minor_name == minor_name) | (majors.category_code == b)]
            if not hit.empty:
                row = next(hit.itertuples(index=False))
            else:
                row_kind = k or (majors.kind.iloc[0] if not majors.empty else mapping.constants.get("kind", "event"))
                if not majors.empty:
                    major_code, major_name = majors.major_code.iloc[0], majors.major_name.iloc[0]
                else:
                    major_name = a or b
                    major_code = _letter(row_kind) + "X" + short_hash(row_kind, major_name, n=5)
                minor_code = short_hash(major_code, minor_name, n=4)
                code = major_code + minor_code
                row_t = (code, row_kind, major_code, major_name, minor_code, minor_name)
                new.setdefault(code, row_t)
                by_code[code] = pd.Series(dict(zip(CATEGORY_COLUMNS, row_t)))
                known = pd.concat([known, pd.DataFrame([row_t], columns=CATEGORY_COLUMNS)])
                result[(k, a, b, s, n)] = (code, major_code, row_kind)
                continue
        result[(k, a, b, s, n)] = (row.category_code, row.major_code, row.kind)
        if row.category_code not in db_codes:
            new.setdefault(row.category_code, tuple(getattr(row, c) for c in CATEGORY_COLUMNS))
    codes = np.array([result[t] for t in uniq], dtype=object).reshape(-1, 3)[inverse]
    rows = pd.DataFrame([v for c, v in new.items() if c not in db_codes], columns=CATEGORY_COLUMNS)
    return CategoryResolved(pd.Series(codes[:, 0], index=kind.index, dtype=object),
                            pd.Series(codes[:, 1], index=kind.index, dtype=object),
                            pd.Series(codes[:, 2], index=kind.index, dtype=object), rows)


def service_category_code(service_code: str) -> str:
    """Category code of an Open311 service: 'O' + the code when it is short and plain, else a hash."""
    if re.fullmatch(r"[A-Za-z0-9_\-]{1,16}", service_code or ""):
        return "O" + service_code
    return "O" + short_hash("service", service_code or "", n=8)


# ───────────────────────── units ─────────────────────────

UNIT_COLUMNS = ["unit_code", "name", "kind", "peer_group", "district_code"]


def resolve_units(codes: pd.Series, names: pd.Series, mapping, db_units: pd.DataFrame,
                  areas: pd.DataFrame) -> Resolved:
    """codes/names per row ('' where absent); areas: every area known after this batch."""
    cfg = mapping.units
    by_name = dict(zip(db_units.name, db_units.unit_code))
    db_codes = set(db_units.unit_code)
    rules = [(re.compile(p), kind) for p, kind in cfg.get("kind_rules", [])]
    level1 = areas[areas.level == 1][["area_code", "name"]].to_numpy().tolist()
    level2 = areas[areas.level == 2][["district_code", "name"]].to_numpy().tolist()
    prefixes = sorted([(name, code) for code, name in level1] + [(name, d) for d, name in level2],
                      key=lambda t: -len(t[0]))
    official = cfg.get("names", {})
    out, new = {}, {}
    inverse, pairs = unique_rows(pd.DataFrame({"c": codes, "n": names}))
    # A unit's name: the mapping's official name, else the name its rows give most often.
    rows_per_pair = np.bincount(inverse, minlength=len(pairs)) if len(pairs) else np.zeros(0, dtype=np.int64)
    common: dict[str, str] = {}
    for (code, name), n_rows in sorted(zip(pairs, rows_per_pair), key=lambda t: (-t[1], t[0][1])):
        if name:
            common.setdefault(code, name)
    for code, name in pairs:
        if cfg.get("match") == "code":
            unit = code
        else:
            unit = by_name.get(name) or (("U" + short_hash(name, n=8)) if name else "")
        out[(code, name)] = unit
        if unit and unit not in db_codes and unit not in new:
            label = official.get(code) or (common.get(code, name) if cfg.get("match") == "code" else name) or code
            district = None
            if cfg.get("district_from_name"):
                district = next((d for p, d in prefixes if p and label.startswith(p)), None)
            kind = next((k for rx, k in rules if rx.search(label)), None)
            kind = kind or ("district_bureau" if district else cfg.get("default_kind", "city_bureau"))
            peer = cfg.get("peer_groups", {}).get(kind, kind)
            new[unit] = (unit, label, kind, peer, district)
    mapped = np.array([out[t] for t in pairs], dtype=object)[inverse] if pairs else np.array([], dtype=object)
    return Resolved(pd.Series(mapped, index=codes.index, dtype=object),
                    pd.DataFrame(list(new.values()), columns=UNIT_COLUMNS))
