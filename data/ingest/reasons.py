"""Every reason code of the importer with its Chinese message template: one place, so the page,
the CLI and the tests speak the same language.

Three kinds: FILE reasons fail a whole file (nothing of it is imported), ROW reasons reject one
record (kept in import_rejects with its raw text), FLAG reasons mark an accepted record that
needs a look (kept in import_flags). Templates use str.format fields named in the text.
"""
from __future__ import annotations

from data.privacy import scrub_text

FILE = {
    "empty_file": "文件为空（0 字节或只有空白），没有可导入的内容",
    "binary_file": "文件不是文本表格、Excel、JSON 或 XML（{detail}），可能是改了扩展名的其他文件",
    "utf16": "文件是 UTF-16 编码，请另存为 UTF-8 或 GB18030 后再导入",
    "undecodable": "文件既不是有效的 UTF-8 也不是有效的 GB18030（GBK）编码（第 {line} 行附近的字节 {bytes} 无法解码），已拒绝整个文件，以免出现乱码",
    "too_large": "文件大小 {size_mb:.1f} MB 超过上限 {limit_mb} MB",
    "too_large_unpacked": "Excel 文件解压后超过上限 {limit_mb} MB（文件本身 {packed_mb:.1f} MB），可能是压缩炸弹；已拒绝，未解析",
    "too_many_rows": "文件有 {rows:,} 行，超过每个文件 {limit:,} 行的上限；请拆分成几个文件再导入",
    "too_many_rows_sheet": "工作表“{sheet}”的使用区域有 {rows:,} 行（含空行），超过上限 {limit:,} 行；请删除表格末尾多余的空行后另存，或拆分文件",
    "sparse_sheet": "工作表“{sheet}”的使用区域到第 {rows:,} 行，但只有 {present:,} 行有内容；请删除多余的空行后另存再导入",
    "too_many_cells": "文件有 {rows:,} 行 × {columns:,} 列 = {cells:,} 个单元格，超过上限 {limit:,} 个；请删除无用的列或拆分文件",
    "field_too_long": "第 {line:,} 行起有一个字段超过 {limit:,} 个字符的上限；常见原因是引号未闭合，使后面的内容都进了同一个字段",
    "too_deep": "JSON 嵌套 {depth:,} 层，超过上限 {limit} 层；这不是一份服务请求列表",
    "memory_limit": "文件解析需要的内存超过上限 {limit_mb:,} MB，已停止，数据库未改变；请拆分文件后再导入",
    "time_limit": "文件解析超过时间上限 {limit_s:,} 秒，已停止，数据库未改变；请拆分文件后再导入",
    "worker_failed": "解析文件的进程意外退出（{detail}），数据库未改变；多半是文件超出了内存上限 {limit_mb:,} MB",
    "bad_excel": "Excel 文件无法读取：{detail}",
    "no_sheet": "Excel 工作簿中没有可识别表头的工作表",
    "bad_json": "JSON 格式错误：第 {line} 行第 {col} 列，{detail}",
    "bad_xml": "XML 格式错误或含有不安全的结构（实体扩展、外部实体等）：{detail}",
    "unknown_layout": "无法识别文件的数据格式（表头：{header}）；请选择对应的映射（--mapping）",
    "unknown_mapping": "映射“{name}”不存在；可用：{known}",
    "missing_columns": "缺少必需的列：{columns}",
    "duplicate_columns": "表头中有重复的列名：{columns}",
    "not_importable": "文件不能导入：{detail}",
    "other_city": "数据库中已是“{db_city}”的数据，不能混入“{file_city}”的数据；请用 --db 指定另一个数据库",
    "mapping_mismatch": "映射“{mapping}”不适用于此文件：{detail}",
    "internal_error": "导入时发生内部错误，数据库未改变：{detail}",
}

ROW = {
    "field_count": "本行有 {value} 列，表头有 {expected} 列（可能是分隔符或引号错误）",
    "missing_key": "缺少{column}（唯一编号），无法判断是新增还是更新",
    "id_digits_lost": "{column}“{value}”以数字形式存储，末尾数字已丢失；请在源系统中按文本导出，不做“修复”",
    "id_invalid": "{column}“{value}”不是有效的身份证号（长度或字符不符）",
    "id_checksum": "{column}“{value}”校验位不符；若末几位为 0，多半是在 Excel 中以数字存储丢失了末尾数字",
    "phone_digits_lost": "{column}“{value}”以数字形式存储，可能丢失了前导 0 或末尾数字",
    "phone_invalid": "{column}“{value}”不是有效的电话号码",
    "missing_date": "缺少{column}",
    "date_unparseable": "{column}“{value}”无法识别为日期时间（支持的格式见映射文件）",
    "date_ambiguous": "{column}“{value}”日、月顺序有歧义，无法确定是哪一天",
    "date_future": "{column}“{value}”晚于当前时间，不可能发生",
    "date_too_early": "{column}“{value}”早于系统启用日期 {expected}",
    "time_order": "{column}“{value}”早于上报时间",
    "unknown_code": "{column}“{value}”不在映射的对照表中",
    "status_without_time": "案件状态“{value}”，但缺少{expected}",
    "bad_bool": "{column}“{value}”不是“是/否”",
    "bad_integer": "{column}“{value}”不是非负整数",
    "bad_satisfaction": "{column}“{value}”无法识别为满意度（1–5 或 满意/不满意 等）",
    "bad_number": "{column}“{value}”不是数字",
    "coordinate_out_of_range": "坐标（{value}）超出经纬度范围",
    "unknown_crs": "{column}“{value}”不是支持的坐标系（WGS84 / GCJ02 / BD09）",
    "crs_missing": "有经纬度但未注明坐标系，无法转换为 WGS84",
    "missing_category": "缺少{column}，无法归类",
    "bad_deadline": "{column}“{value}”既不是日期时间，也不是“N 工作日 / N 工作时 / N 小时”",
    "bad_record": "记录不是一个对象：{value}",
}

FLAG = {
    "area_unknown": "未能确定所属区域（{value}）：已导入，区域为空",
    "area_partial": "区域只确定到上一级，“{value}”未识别",
    "area_created": "新建区域：{value}",
    "area_from_point": "按坐标落点确定所属区域",
    "area_mismatch": "区域不一致：{value}",
    "coord_zero": "坐标为 0,0，按无坐标处理",
    "closed_time_without_status": "有结案时间，但状态为“{value}”：按来源原样导入",
    "duplicate_in_file": "文件内重复：同一编号在第 {value} 行有更新（或相同时间的另一内容）的记录，已采用该行",
    "stale": "数据库中已有更新的版本（更新时间 {value}），本行未覆盖",
    "same_time_conflict": "与已存记录更新时间相同但内容不同，按内容指纹确定取舍",
}

ALL = FILE | ROW | FLAG


def message(code: str, **fields) -> str:
    """The Chinese message of `code` with its fields filled; missing fields print as empty. Text
    fields pass the scrubber: a message quotes values as they came (a phone typed into the status
    column), and messages are shown and downloaded (security.md rule 13)."""
    template = ALL[code]
    return template.format_map(_Blank({k: scrub_text(v) if isinstance(v, str) else v for k, v in fields.items()}))


class _Blank(dict):
    def __missing__(self, key):
        return ""


class FileRejected(Exception):
    """A file that cannot be imported at all: nothing of it reaches the database."""

    def __init__(self, code: str, **fields):
        self.code = code
        self.fields = fields
        super().__init__(message(code, **fields))

    @property
    def message_zh(self) -> str:
        return str(self)
