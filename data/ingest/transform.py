"""RawTable + Mapping -> Staged: every record validated, normalised and mapped to the schema.

Order of work: field checks on every row (each problem recorded with its column and value) ->
duplicates within the file among the valid rows (the newest version of a key wins) -> areas,
units, categories and sources resolved on the kept rows only (so a rejected or superseded row
never creates an area) -> derived columns (deadlines, durations, buckets).
Every row read ends in exactly one of: kept (accepted), rejected, duplicate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import geo
from data.ingest.dates import parse_datetimes
from data.ingest.formats.areas_common import AREA_COLUMNS, CODE_COLUMNS, AreaResult
from data.ingest.formats.chinese_export import resolve_area_names
from data.ingest.formats.nyc311 import resolve_boro_cd
from data.ingest.mapping import FREE_TEXT_FIELDS, TIME_FIELDS, Mapping
from data.ingest.mask import PERSONAL_FIELDS, mask_record, mask_value
from data.ingest.normalise import as_text, clean_series, per_unique, to_arrow, unique_rows
from data.ingest.reasons import message
from data.ingest.refs import CATEGORY_COLUMNS, UNIT_COLUMNS, resolve_categories, resolve_sources, resolve_units
from data.ingest.tables import RawTable
from data.worktime import WorkCalendar, limits_for

FUTURE_TOLERANCE = timedelta(hours=1)
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOATISH = re.compile(r"^\d+\.\d+$")
# Chinese numbers after removing spaces, dashes, brackets and +86: mobile, landline with area code
# (and extension), local 7-8 digits, or a short service number (12345, 95598).
_MOBILE = r"1[3-9]\d{9}"
_PHONE = r"1[3-9]\d{9}|0\d{9,11}(?:转\d{1,6})?|\d{7,8}|\d{3,6}"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*个?\s*(工作日|工作时|工作小时|小时|自然时|天|自然日|日)$")
_DURATION_UNITS = {"工作日": ("work_days", 1.0), "工作时": ("work_hours", 1.0), "工作小时": ("work_hours", 1.0),
                   "小时": ("natural_hours", 1.0), "自然时": ("natural_hours", 1.0), "天": ("natural_hours", 24.0),
                   "自然日": ("natural_hours", 24.0), "日": ("natural_hours", 24.0)}
STATUS_STEP = {"accepted": "accepted_at", "filed": "filed_at", "dispatched": "dispatched_at",
               "handled": "handled_at", "verified": "verified_at", "closed": "closed_at"}
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"
# Values of the schema that pass through any code table as they are.
TARGETS = {
    "kind": {"component", "event"},
    "status": {"reported", "accepted", "filed", "dispatched", "handled", "verified", "closed", "cancelled", "shelved",
               "not_filed"},
    "crs": {"WGS84", "GCJ02", "BD09"},
}
CASE_COLUMNS = [
    "case_no", "source", "kind", "category_code", "major_code", "district_code", "street_code", "community_code",
    "grid_code", "lat", "lon", "unit_code", "status", "reported_at", "accepted_at", "filed_at", "dispatched_at",
    "handled_at", "verified_at", "closed_at", "accept_deadline_at", "file_deadline_at", "dispatch_deadline_at",
    "handle_deadline_at", "verify_deadline_at", "deadline_at", "is_cancelled", "is_shelved", "is_deferred",
    "is_extended", "is_self_handled", "deferred_hours", "rework_count", "dispatch_count", "satisfaction",
    "callback_at", "description", "handle_work_hours", "close_work_hours", "reported_date", "reported_month",
    "reported_hour", "updated_at",
]
PRIVATE_COLUMNS = ["reporter_name", "reporter_phone", "reporter_id_no", "address"]


@dataclass
class Context:
    now: datetime                          # naive, in the source's timezone: later event times are impossible
    areas: pd.DataFrame                    # the database's areas (with geojson)
    units: pd.DataFrame
    categories: pd.DataFrame
    sources: pd.DataFrame
    calendar: WorkCalendar | None = None
    limits: pd.DataFrame | None = None


@dataclass
class Staged:
    rows_read: int
    cases: pd.DataFrame                     # kept rows: CASE_COLUMNS + PRIVATE_COLUMNS + opinion, line, record_hash
    rejects: pd.DataFrame                   # line, raw_record, reason_code, column_name, message_zh
    flags: pd.DataFrame                     # line, case_no, flag_code, message_zh
    duplicates: int
    new_areas: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AREA_COLUMNS))
    new_units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNIT_COLUMNS))
    new_categories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CATEGORY_COLUMNS))
    new_sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["source_code", "name_zh"]))
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.cases)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


class Problems:
    """Problems found per row, in the order the checks ran (the first one is the row's reason code)."""

    def __init__(self, n: int):
        self.n = n
        self._parts: list[pd.DataFrame] = []
        self.bad = np.zeros(n, dtype=bool)

    def add(self, mask, code: str, column: str = "", value=None, expected="", personal: str | None = None) -> None:
        """Rows in `mask` have problem `code`; `personal` names a personal field whose value is
        masked in the message (messages are shown on the page)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        if isinstance(value, pd.Series):
            values = value.iloc[pos].to_numpy(dtype=object)
        else:
            values = np.full(len(pos), "" if value is None else value, dtype=object)
        if personal:
            values = np.array([mask_value(personal, str(v)) for v in values], dtype=object)
        self._parts.append(pd.DataFrame({"pos": pos, "order": len(self._parts), "code": code, "column": column,
                                         "value": values, "expected": expected}))
        self.bad[pos] = True

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(columns=["pos", "order", "code", "column", "value", "expected"])
        return pd.concat(self._parts, ignore_index=True).sort_values(["pos", "order"], kind="stable")


class Fields:
    """Access to the mapped fields of a RawTable: cleaned text, or as-is for free text."""

    def __init__(self, table: RawTable, mapping: Mapping):
        self.table, self.mapping = table, mapping
        self._cache: dict[str, pd.Series] = {}

    def label(self, name: str) -> str:
        for col in self.mapping.columns.get(name, []):
            if col in self.table.header:
                return col
        return self.mapping.columns.get(name, [name])[0]

    def numeric(self, name: str) -> pd.Series:
        """Cells of the field that were numbers in an Excel file (False for text formats)."""
        out = np.zeros(self.table.rows, dtype=bool)
        for col in self.mapping.columns.get(name, []):
            if col in self.table.numeric:
                out |= self.table.numeric[col]
        return pd.Series(out)

    def present(self, name: str) -> bool:
        return name in self.mapping.constants or any(c in self.table.header for c in self.mapping.columns.get(name, []))

    def get(self, name: str) -> pd.Series:
        if name in self._cache:
            return self._cache[name]
        n = self.table.rows
        if name in self.mapping.constants:
            out = pd.Series([self.mapping.constants[name]] * n, dtype="str")
        else:
            out = None
            for col in self.mapping.columns.get(name, []):
                if col not in self.table.header:
                    continue
                raw = as_text(self.table.frame[col])
                value = raw if name in FREE_TEXT_FIELDS else clean_series(raw)
                out = value if out is None else out.where(out.str.strip() != "", value)
            if out is None:
                out = pd.Series([""] * n, dtype="str")
        self._cache[name] = out.reset_index(drop=True)
        return self._cache[name]


def _codes(values: pd.Series, mapping: Mapping, table: str) -> tuple[pd.Series, np.ndarray]:
    """Translate through a code table: (translated, unknown mask); '' stays '' (not unknown)."""
    encoded = to_arrow(values).dictionary_encode()
    targets = {v for v in mapping.codes.get(table, {}).values() if isinstance(v, str) and v} | TARGETS.get(table, set())
    # A value that already is a target (a constant "event", a status "closed") passes as it is.
    lookup = np.array([None] + [u if u in targets else mapping.code(table, u) for u in encoded.dictionary.to_pylist()],
                      dtype=object)
    mapped = pd.Series(lookup[encoded.indices.to_numpy(zero_copy_only=False) + 1], index=values.index, dtype=object)
    unknown = (values != "").to_numpy() & mapped.isna().to_numpy()
    return mapped, unknown


def _hashable(values: pd.Series) -> pa.Array:
    if values.dtype.kind in "Mfib":
        return pa.array(values.to_numpy(), from_pandas=True)
    return to_arrow(values)


def record_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit fingerprint of each row's mapped values (DuckDB's hash of all columns: fast and
    deterministic; after a DuckDB upgrade an unchanged row may count once as updated)."""
    if frame.empty or len(frame.columns) == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    con = duckdb.connect()
    try:
        table = pa.table({f"c{i}": _hashable(frame[c]) for i, c in enumerate(frame.columns)})
        columns = [duckdb.ColumnExpression(name) for name in table.column_names]
        hashed = con.from_arrow(table).select(duckdb.FunctionExpression("hash", *columns).alias("h"))
        return hashed.to_arrow_table().column(0).to_numpy()
    finally:
        con.close()


def _id_checksum_ok(ids: pd.Series) -> np.ndarray:
    digits = np.array([[int(c) for c in s[:17]] for s in ids], dtype=np.int64).reshape(-1, 17)
    check = np.array(list(ID_CHECK))[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    return check == ids.str[17].str.upper().to_numpy(dtype=object)


def stage(table: RawTable, mapping: Mapping, ctx: Context) -> Staged:
    n = table.rows
    f = Fields(table, mapping)
    p = Problems(n)

    # ── structure ──
    if table.row_problem is not None:
        p.add(table.row_problem == "bad_record", "bad_record", "", pd.Series(table.raw_text(np.arange(n))))
    p.add(table.width != len(table.header), "field_count", "", pd.Series(table.width), len(table.header))
    structural = p.bad.copy()

    # ── key ──
    case_no = f.get("case_no")
    p.add((case_no == "") & ~structural, "missing_key", f.label("case_no"))
    p.add(case_no.str.match(_SCI) | case_no.str.match(_FLOATISH), "id_digits_lost", f.label("case_no"), case_no)

    # ── times ──
    times: dict[str, pd.Series] = {}
    limit_now = pd.Timestamp(ctx.now + FUTURE_TOLERANCE)
    min_ts = pd.Timestamp(mapping.min_date)
    date_fields = [*TIME_FIELDS, "deadline_at", "updated_at"]
    for name in date_fields:
        raw = f.get(name)
        parsed = parse_datetimes(raw, mapping.date_formats, allow_serial=mapping.excel_serial_dates,
                                 timezone=mapping.timezone or None)
        label = f.label(name)
        for code in ("date_unparseable", "date_ambiguous"):
            p.add((parsed.problem == code).to_numpy() & ~structural, code, label, raw)
        values = parsed.values
        if name != "deadline_at":
            p.add((values > limit_now).to_numpy(), "date_future", label, raw)
        p.add((values < min_ts).to_numpy(), "date_too_early", label, raw, mapping.min_date.isoformat())
        times[name] = values
    p.add((f.get("reported_at") == "").to_numpy() & ~structural, "missing_date", f.label("reported_at"))
    status_raw = f.get("status")
    status, unknown = _codes(status_raw, mapping, "status")
    p.add(unknown, "unknown_code", f.label("status"), status_raw)
    if mapping.close_time_from_updated:
        # The source has no close time (Open311): a closed record's last update is when it closed.
        closing = (status == "closed").to_numpy() & times["closed_at"].isna().to_numpy()
        times["closed_at"] = times["closed_at"].where(~closing, times["updated_at"])
    reported = times["reported_at"]
    for name in TIME_FIELDS[1:]:
        label = f.label("updated_at") if name == "closed_at" and mapping.close_time_from_updated else f.label(name)
        p.add((times[name] < reported).to_numpy(), "time_order", label,
              f.get("updated_at") if label == f.label("updated_at") else f.get(name))

    # 处置时限: a timestamp (the deadline) or a duration from dispatch.
    hd_raw = f.get("handle_deadline")
    hd_dur = per_unique(hd_raw, lambda v: (m.groups() if (m := _DURATION.match(v)) else (None, None)))
    hd_dur = pd.DataFrame(hd_dur.tolist(), columns=[0, 1], index=hd_raw.index, dtype=object)
    hd = parse_datetimes(hd_raw.where(hd_dur[0].isna(), ""), mapping.date_formats,
                         allow_serial=mapping.excel_serial_dates)
    hd_bad = (hd_raw != "") & hd.values.isna() & hd_dur[0].isna()
    p.add(hd_bad.to_numpy() & ~structural, "bad_deadline", f.label("handle_deadline"), hd_raw)
    p.add((hd.values < min_ts).to_numpy(), "date_too_early", f.label("handle_deadline"), hd_raw,
          mapping.min_date.isoformat())

    # ── codes ──
    kind_raw = f.get("kind")
    kind, unknown = _codes(kind_raw, mapping, "kind")
    p.add(unknown, "unknown_code", f.label("kind"), kind_raw)
    flags_bool = {}
    for name in ("is_cancelled", "is_shelved", "is_deferred"):
        raw = f.get(name)
        mapped, unknown = _codes(raw, mapping, "bool")
        p.add(unknown, "bad_bool", f.label(name), raw)
        flags_bool[name] = mapped.fillna(False).astype(bool).to_numpy()
    counts = {}
    for name in ("rework_count", "dispatch_count"):
        raw = f.get(name)
        ok = raw.str.fullmatch(r"\d{1,4}") | (raw == "")
        p.add(~ok.to_numpy(), "bad_integer", f.label(name), raw)
        counts[name] = pd.to_numeric(raw.where(ok & (raw != "")), errors="coerce")
    sat_raw = f.get("satisfaction")
    sat_digit = sat_raw.str.fullmatch(r"[1-5]")
    sat_mapped, sat_unknown = _codes(sat_raw, mapping, "satisfaction")
    sat_bad = sat_unknown & ~sat_digit.to_numpy()
    p.add(sat_bad, "bad_satisfaction", f.label("satisfaction"), sat_raw)
    satisfaction = pd.to_numeric(sat_raw.where(sat_digit), errors="coerce")
    satisfaction = satisfaction.fillna(pd.to_numeric(sat_mapped.replace("", None), errors="coerce"))

    # ── coordinates ──
    lat_raw, lon_raw = f.get("lat"), f.get("lon")
    lat = pd.to_numeric(lat_raw.replace("", None), errors="coerce").astype(float)
    lon = pd.to_numeric(lon_raw.replace("", None), errors="coerce").astype(float)
    p.add(((lat_raw != "") & lat.isna()).to_numpy(), "bad_number", f.label("lat"), lat_raw)
    p.add(((lon_raw != "") & lon.isna()).to_numpy(), "bad_number", f.label("lon"), lon_raw)
    one_only = (lat.isna() != lon.isna()) & ((lat_raw != "") | (lon_raw != ""))
    p.add(one_only.to_numpy() & (lat_raw == "").to_numpy(), "bad_number", f.label("lat"), "")
    p.add(one_only.to_numpy() & (lon_raw == "").to_numpy(), "bad_number", f.label("lon"), "")
    zero = (lat == 0) & (lon == 0)
    out_of_range = ((lat.abs() > 90) | (lon.abs() > 180)).to_numpy()
    p.add(out_of_range, "coordinate_out_of_range", f.label("lat"), lat_raw + "," + lon_raw)
    has_point = (lat.notna() & lon.notna() & ~zero).to_numpy()
    crs_raw = f.get("crs")
    crs, crs_unknown = _codes(crs_raw, mapping, "crs")
    p.add(crs_unknown & has_point, "unknown_crs", f.label("crs"), crs_raw)
    crs = crs.fillna(mapping.default_crs).replace("", mapping.default_crs)
    p.add(has_point & (crs == "").to_numpy(), "crs_missing", f.label("crs"))

    # ── personal data ──
    phone = f.get("reporter_phone")
    compact = pd.Series(pc.replace_substring_regex(pc.replace_substring_regex(to_arrow(phone), r"[\s\-()]", ""),
                                                   r"^(\+86|0086)", ""), dtype="str")
    mobile = compact.str.fullmatch(_MOBILE)
    # A number typed into Excel, or text that lost its leading 0 (a 10-11 digit landline starting 2-9).
    phone_lost = (phone.str.match(_SCI) | phone.str.match(r"^\d+\.0+$")
                  | (f.numeric("reporter_phone") & ~mobile) | compact.str.fullmatch(r"[2-9]\d{9,10}"))
    p.add(phone_lost.to_numpy(), "phone_digits_lost", f.label("reporter_phone"), phone, personal="reporter_phone")
    p.add(((phone != "") & ~phone_lost & ~compact.str.fullmatch(_PHONE)).to_numpy(), "phone_invalid",
          f.label("reporter_phone"), phone, personal="reporter_phone")
    id_no = f.get("reporter_id_no").str.upper()
    id_lost = id_no.str.match(_SCI) | id_no.str.match(_FLOATISH)
    p.add(id_lost.to_numpy(), "id_digits_lost", f.label("reporter_id_no"), id_no, personal="reporter_id_no")
    id_shape = id_no.str.fullmatch(r"\d{17}[\dX]") | id_no.str.fullmatch(r"\d{15}")
    p.add(((id_no != "") & ~id_lost & ~id_shape).to_numpy(), "id_invalid", f.label("reporter_id_no"), id_no,
          personal="reporter_id_no")
    eighteen = (id_no.str.len() == 18) & id_shape
    if eighteen.any():
        bad_sum = np.zeros(n, dtype=bool)
        bad_sum[np.flatnonzero(eighteen.to_numpy())] = ~_id_checksum_ok(id_no[eighteen])
        p.add(bad_sum, "id_checksum", f.label("reporter_id_no"), id_no, personal="reporter_id_no")

    # ── category present ──
    major, minor, service_code = f.get("major"), f.get("minor"), f.get("service_code")
    if mapping.categories.get("mode") == "service_code":
        p.add((service_code == "").to_numpy() & ~structural, "missing_category", f.label("service_code"))
    else:
        p.add(((major == "") & (minor == "")).to_numpy() & ~structural, "missing_category", f.label("major"))

    # ── status against times ──
    for st_code, col in STATUS_STEP.items():
        missing = (status == st_code).to_numpy() & times[col].isna().to_numpy()
        p.add(missing, "status_without_time", f.label("status"), status_raw, f.label(col))

    # ── duplicates among valid rows ──
    valid = ~p.bad
    # The fingerprint is taken over values as understood (parsed times, translated codes, numbers),
    # so one record written two ways (an Excel serial and a text date, 已结案 and 结案) is the same.
    understood = {name: times[name] for name in date_fields}
    understood |= {"status": status, "kind": kind, "satisfaction": satisfaction.astype(float), "lat": lat, "lon": lon,
                   "crs": crs, "handle_deadline": hd.values.where(hd.values.notna(), hd_raw),
                   **{k: pd.Series(v) for k, v in flags_bool.items()}, **{k: v.astype(float) for k, v in counts.items()}}
    hash_frame = pd.DataFrame({name: understood[name] if name in understood else f.get(name)
                               for name in sorted(set(mapping.columns) | set(mapping.constants))})
    record_hash = record_hashes(hash_frame)
    updated = times["updated_at"].copy()
    for name in TIME_FIELDS:
        updated = updated.where(updated.notna() & (updated >= times[name].fillna(updated)), times[name])
    order = pd.DataFrame({"pos": np.arange(n), "key": case_no.to_numpy(dtype=object), "upd": updated.to_numpy(),
                          "h": record_hash, "line": table.line})[valid]
    order = order.sort_values(["key", "upd", "h", "line"], ascending=[True, False, False, False], kind="stable")
    first = ~order.duplicated("key")
    kept_pos = np.sort(order.pos[first].to_numpy())
    dup = order[~first]
    winner_line = order[first].set_index("key").line
    flag_parts: list[pd.DataFrame] = []
    if len(dup):
        flag_parts.append(pd.DataFrame({"pos": dup.pos.to_numpy(), "flag_code": "duplicate_in_file",
                                        "value": dup.key.map(winner_line).astype(str).to_numpy()}))

    rejects = _rejects_frame(p, table, {fld: mapping.columns.get(fld, []) for fld in PERSONAL_FIELDS})
    k = kept_pos
    def sub(values):
        if isinstance(values, (pd.Series, pd.DataFrame)):
            return values.iloc[k].reset_index(drop=True)
        return values[k]

    out = pd.DataFrame({"case_no": sub(case_no).astype(object)})
    for name in TIME_FIELDS:
        out[name] = sub(times[name])
    out["updated_at"] = sub(updated)
    status_k = sub(status)

    # ── coordinates to WGS84 ──
    lat_k, lon_k, crs_k = sub(lat).to_numpy(), sub(lon).to_numpy(), sub(crs).to_numpy(dtype=object)
    zero_k = sub(zero).to_numpy()
    lat_k = np.where(zero_k, np.nan, lat_k)
    lon_k = np.where(zero_k, np.nan, lon_k)
    for name, fn in (("GCJ02", geo.gcj02_to_wgs84), ("BD09", geo.bd09_to_wgs84)):
        m = crs_k == name
        if m.any():
            lat_k[m], lon_k[m] = fn(lat_k[m], lon_k[m])
    out["lat"], out["lon"] = lat_k, lon_k
    if zero_k.any():
        flag_parts.append(pd.DataFrame({"pos": k[zero_k], "flag_code": "coord_zero", "value": ""}))

    # ── areas ──
    area = _resolve_areas(f, mapping, ctx, k, lat_k, lon_k)
    for col in CODE_COLUMNS:
        out[col] = area.codes[col].to_numpy(dtype=object)
    for rows, code, value in area.flags:
        vals = value.to_numpy(dtype=object) if isinstance(value, pd.Series) else value
        flag_parts.append(pd.DataFrame({"pos": k[np.asarray(rows, dtype=np.int64)], "flag_code": code, "value": vals}))
    all_areas = pd.concat([ctx.areas[AREA_COLUMNS], area.new_areas]) if len(area.new_areas) else ctx.areas

    # ── categories, sources, units ──
    cat = resolve_categories(sub(kind).fillna("").astype(object), sub(major).astype(object), sub(minor).astype(object),
                             sub(service_code).astype(object), mapping, ctx.categories,
                             service_names=sub(minor).astype(object))
    out["category_code"], out["major_code"], out["kind"] = cat.category_code, cat.major_code, cat.kind
    src = resolve_sources(sub(f.get("source")).astype(object), mapping, ctx.sources)
    out["source"] = src.codes
    units = resolve_units(sub(f.get("unit_code")).astype(object), sub(f.get("unit_name")).astype(object), mapping,
                          ctx.units, all_areas)
    out["unit_code"] = units.codes.replace("", None)

    # ── flags and status ──
    cancelled = sub(flags_bool["is_cancelled"]) | (status_k == "cancelled").to_numpy()
    shelved = sub(flags_bool["is_shelved"]) | (status_k == "shelved").to_numpy()
    derived = np.select(
        [cancelled, shelved, out.closed_at.notna(), out.verified_at.notna(), out.handled_at.notna(),
         out.dispatched_at.notna(), out.filed_at.notna(), out.accepted_at.notna()],
        ["cancelled", "shelved", "closed", "verified", "handled", "dispatched", "filed", "accepted"], "reported")
    out["status"] = status_k.where(status_k.notna(), pd.Series(derived)).astype(object)
    closed_odd = out.closed_at.notna() & ~out.status.isin(["closed"])
    if closed_odd.any():
        flag_parts.append(pd.DataFrame({"pos": k[closed_odd.to_numpy()], "flag_code": "closed_time_without_status",
                                        "value": sub(status_raw)[closed_odd].to_numpy(dtype=object)}))
    out["is_cancelled"], out["is_shelved"] = cancelled, shelved
    out["is_deferred"] = sub(flags_bool["is_deferred"])
    out["is_extended"] = False
    out["is_self_handled"] = (out.handled_at.notna() & out.dispatched_at.isna()).to_numpy()
    out["deferred_hours"] = 0.0
    out["rework_count"] = sub(counts["rework_count"]).fillna(0).astype("int16")
    out["dispatch_count"] = sub(counts["dispatch_count"]).fillna(out.dispatched_at.notna().astype(int)).astype("int16")
    out["satisfaction"] = sub(satisfaction).astype("Int16")

    # ── deadlines and durations ──
    _deadlines(out, mapping, ctx, sub(times["deadline_at"]), sub(hd.values), sub(hd_dur))

    out["reported_date"] = out.reported_at.dt.floor("D").dt.date
    out["reported_month"] = out.reported_at.dt.to_period("M").dt.start_time.dt.date
    out["reported_hour"] = out.reported_at.dt.hour.astype("int16")
    out["description"] = sub(f.get("description")).replace("", None).astype(object)
    out["opinion"] = sub(f.get("opinion")).replace("", None).astype(object)
    out["reporter_name"] = sub(f.get("reporter_name")).replace("", None).astype(object)
    out["reporter_phone"] = sub(phone).replace("", None).astype(object)
    out["reporter_id_no"] = sub(id_no).replace("", None).astype(object)
    out["address"] = sub(f.get("address")).replace("", None).astype(object)
    out["line"] = table.line[k]
    out["record_hash"] = record_hash[k]

    flags = _flags_frame(flag_parts, table, case_no)
    staged = Staged(rows_read=n, cases=out, rejects=rejects, flags=flags, duplicates=len(dup),
                    new_areas=area.new_areas, new_units=units.new_rows, new_categories=cat.new_rows,
                    new_sources=src.new_rows, notes=list(table.notes))
    assert staged.accepted + staged.rejected + staged.duplicates == n
    return staged


def _resolve_areas(f: Fields, mapping: Mapping, ctx: Context, k: np.ndarray, lat: np.ndarray,
                   lon: np.ndarray) -> AreaResult:
    mode = mapping.areas.get("mode", "none")
    values = pd.DataFrame({c: f.get(c).iloc[k].reset_index(drop=True).astype(object)
                           for c in ("area1", "area2", "area3", "area4")})
    if mode == "names":
        result = resolve_area_names(values, ctx.areas, create_missing=bool(mapping.areas.get("create_missing")))
    elif mode == "nyc_boro_cd":
        result = resolve_boro_cd(values.area1, values.area2, mapping.areas.get("boroughs", {}))
    else:
        result = AreaResult(pd.DataFrame({c: [None] * len(k) for c in CODE_COLUMNS}, dtype=object),
                            pd.DataFrame(columns=AREA_COLUMNS), [])
    # Rows naming no area at all: placed by their point, when the database has polygons.
    given = (values != "").any(axis=1).to_numpy()
    nowhere = ~given & result.codes.district_code.isna().to_numpy()
    if mapping.areas.get("point_in_polygon") and nowhere.any():
        shaped = ctx.areas[ctx.areas.geojson.notna()]
        if not shaped.empty:
            idx = np.flatnonzero(nowhere & np.isfinite(lat) & np.isfinite(lon))
            if idx.size:
                located = geo.AreaIndex.from_areas(shaped).locate(lat[idx], lon[idx])
                for col in CODE_COLUMNS:
                    result.codes.loc[idx, col] = located[col].to_numpy(dtype=object)
    still = ~given & result.codes.district_code.isna().to_numpy()
    if still.any():
        with_point = "坐标不在任何已知区域内" if ctx.areas.geojson.notna().any() else "数据库中没有区域边界，无法按坐标定位"
        result.flags.append((pd.Index(np.flatnonzero(still)), "area_unknown",
                             pd.Series(np.where(np.isfinite(lat[still]), with_point, "无区域名称也无坐标"), dtype=object)))
    return result


def _deadlines(out: pd.DataFrame, mapping: Mapping, ctx: Context, deadline_given: pd.Series,
               handle_given: pd.Series, handle_duration: pd.DataFrame) -> None:
    nat = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    for col in ("accept_deadline_at", "file_deadline_at", "dispatch_deadline_at", "handle_deadline_at",
                "verify_deadline_at"):
        out[col] = nat
    out["deadline_at"] = deadline_given.astype("datetime64[us]")
    out["handle_work_hours"] = np.nan
    out["close_work_hours"] = np.nan
    cal = ctx.calendar if mapping.working_time else None
    dur_amount = pd.to_numeric(handle_duration[0], errors="coerce")
    inverse, uniques = unique_rows(pd.DataFrame({"u": handle_duration[1].fillna("")}))
    looked_up = [_DURATION_UNITS.get(u, (None, 1.0)) for (u,) in uniques]
    dur_scale = pd.Series(np.array([t[1] for t in looked_up], dtype=float)[inverse] if uniques else [], dtype=float)
    dur_unit = pd.Series(np.array([t[0] for t in looked_up], dtype=object)[inverse] if uniques else [], dtype=object)
    handle = handle_given.astype("datetime64[us]")
    if cal is not None and len(out):
        has_dur = dur_amount.notna() & out.dispatched_at.notna()
        if has_dur.any():
            idx = np.flatnonzero(has_dur.to_numpy())
            handle.iloc[idx] = cal.add(out.dispatched_at.iloc[idx].to_numpy(), (dur_amount * dur_scale).iloc[idx].to_numpy(),
                                       dur_unit.iloc[idx].to_numpy(dtype=object))
        out["handle_work_hours"] = np.round(cal.work_hours_between(out.dispatched_at.to_numpy(), out.handled_at.to_numpy()), 3)
        out["close_work_hours"] = np.round(cal.work_hours_between(out.reported_at.to_numpy(), out.closed_at.to_numpy()), 3)
    out["handle_deadline_at"] = handle
    if not (mapping.compute_missing_deadlines and cal is not None and ctx.limits is not None and len(out)):
        return
    cats = out.category_code.to_numpy(dtype=object)

    def add(start, step):
        amount, unit = limits_for(ctx.limits, cats, step)
        return pd.Series(cal.add(np.asarray(start, dtype="datetime64[us]"), amount, unit), index=out.index)

    out["accept_deadline_at"] = add(out.reported_at, "accept")
    out["file_deadline_at"] = add(out.accepted_at, "file")
    out["dispatch_deadline_at"] = add(out.filed_at, "dispatch")
    computed_handle = add(out.dispatched_at, "handle")
    out["handle_deadline_at"] = handle.where(handle.notna(), computed_handle)
    out["verify_deadline_at"] = add(out.handled_at, "verify")
    # The closing deadline: the given handling deadline (else filing + dispatch and handling limits)
    # plus the verify and close limits; only for filed cases that are not shelved (as the demo).
    base = out.handle_deadline_at.where(out.handle_deadline_at.notna(), add(add(out.filed_at, "dispatch"), "handle"))
    closing = add(add(base, "verify"), "close")
    keep = out.filed_at.notna() & ~out.is_shelved & out.deadline_at.isna()
    out["deadline_at"] = out.deadline_at.where(~keep, closing)


def _rejects_frame(p: Problems, table: RawTable, personal: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """One row per rejected record; personal: field -> source columns of personal data (masking)."""
    probs = p.frame()
    cols = ["pos", "line", "raw_record", "raw_masked", "reason_code", "column_name", "message_zh"]
    if probs.empty:
        return pd.DataFrame(columns=cols)
    probs["msg"] = [message(c, column=col, value=v, expected=e) for c, col, v, e in
                    zip(probs.code, probs.column, probs.value, probs.expected)]
    grouped = probs.groupby("pos", sort=True)
    first = grouped.first()
    pos = first.index.to_numpy(dtype=np.int64)
    raw = table.raw_text(pos)
    columns = {fld: [c for c in cols_ if c in table.header] for fld, cols_ in (personal or {}).items()}
    masked = []
    for i, record in zip(pos, raw):
        values = {fld: str(table.frame[c].iloc[i]) for fld, cs in columns.items() for c in cs}
        masked.append(mask_record(record, values))
    return pd.DataFrame({
        "pos": pos, "line": table.line[pos], "raw_record": raw, "raw_masked": masked,
        "reason_code": first.code.to_numpy(dtype=object), "column_name": first.column.to_numpy(dtype=object),
        "message_zh": grouped.msg.agg(lambda m: "；".join(dict.fromkeys(m))).to_numpy(dtype=object),
    })


def _flags_frame(parts: list[pd.DataFrame], table: RawTable, case_no: pd.Series) -> pd.DataFrame:
    cols = ["pos", "line", "case_no", "flag_code", "message_zh"]
    if not parts:
        return pd.DataFrame(columns=cols)
    fl = pd.concat(parts, ignore_index=True).sort_values(["pos", "flag_code"], kind="stable")
    pos = fl.pos.to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "pos": pos, "line": table.line[pos], "case_no": case_no.to_numpy(dtype=object)[pos],
        "flag_code": fl.flag_code.to_numpy(dtype=object),
        "message_zh": [message(c, value=v) for c, v in zip(fl.flag_code, fl.value)],
    })
