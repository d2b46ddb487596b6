"""数据导入 — administrators bring a city's own exports in: upload, the import summary, the import
history (ledger), and every rejected row with its reason, downloadable as Excel.

The page process becomes the database's writer for the duration of an import (data.store.writer
takes the lock); readers keep the last published snapshot meanwhile, so every other page keeps
serving. File contents are checked on the server (data.ingest.detect), whatever the name says.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from data.config import db_path
from data.ingest.worker import import_in_worker
from data.ingest.mapping import builtin_names, load_mapping
from data.store import WriterBusy
from ui import cache
from ui.app import setup_page
from ui.export import render_downloads
from ui.text import md_escape, md_untrusted
from ui.widgets import render_empty

MAX_UPLOAD_MB = 200          # also .streamlit/config.toml server.maxUploadSize
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xls", "json", "xml"]
SHOWN_ROWS = 1000
FILE_NAME_CHARS = 120        # a longer uploaded file name is cut in messages
AUTO = "auto"
STATUS_ZH = {"complete": "完成", "failed": "失败", "started": "未完成（已中断，重新导入同一文件即可完成）"}
COUNTS = [("rows_read", "读取"), ("accepted", "接受"), ("inserted", "新增"), ("updated", "更新"),
          ("unchanged", "未变"), ("rejected", "拒绝"), ("duplicates", "文件内重复")]
LEDGER_COLUMNS = {
    "batch_id": "批次", "file_name": "文件", "status": "状态", "format": "格式", "mapping": "映射", "encoding": "编码",
    "started_at": "开始时间", "finished_at": "完成时间", "rows_read": "读取", "accepted": "接受", "inserted": "新增",
    "updated": "更新", "unchanged": "未变", "stale": "较旧未覆盖", "rejected": "拒绝", "duplicates": "文件内重复",
    "flagged": "需关注", "message_zh": "说明", "sha256": "sha256", "invoked_by": "来源",
}
REJECT_COLUMNS = {"line": "行号", "reason_code": "原因代码", "column_name": "列", "message_zh": "原因",
                  "raw_masked": "原始记录（已脱敏）"}
FLAG_COLUMNS = {"line": "行号", "case_no": "编号", "flag_code": "提示代码", "message_zh": "说明"}


# Streamlit's uploader speaks English ("Drag and drop files here", "Limit 200MB per file", "Browse
# files"); the hint is hidden and the button relabelled, the caption under it says the same in Chinese.
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button::after { content: "选择文件"; font-size: 0.9rem; }
</style>"""

def mapping_label(name: str) -> str:
    return "按内容自动识别" if name == AUTO else f"{load_mapping(name).title_zh}（{name}）"


def run_imports(files, mapping: str, city: str) -> list[dict]:
    """Imports each uploaded file in turn; returns plain dicts for the session state."""
    results = []
    with st.status("正在导入……", expanded=True) as status:
        for upload in files:
            data = upload.getvalue()
            if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
                results.append({"file_name": upload.name, "ok": False,
                                "message": f"文件大小 {len(data) / 1e6:.1f} MB 超过上限 {MAX_UPLOAD_MB} MB"})
                continue
            try:
                # In a capped worker process: a hostile file ends that process, never this server.
                result = import_in_worker(data, db=db_path(), file_name=upload.name,
                                     mapping=None if mapping == AUTO else mapping, invoked_by="page",
                                     progress=status.write, wait_seconds=5, city_name=city or None)
            except WriterBusy:
                results.append({"file_name": upload.name, "ok": False,
                                "message": "另一个导入或数据生成任务正在写入数据库，请稍后再试（本文件未导入）"})
                continue
            results.append({"file_name": result.file_name, "ok": result.ok, "batch_id": result.batch_id,
                            "counts": result.counts, "notes": result.notes, "message": result.message_zh,
                            "format": result.format, "mapping": result.mapping, "encoding": result.encoding,
                            "span": result.span})
        failed = sum(not r["ok"] for r in results)
        status.update(label=f"导入结束：{len(results) - failed} 个文件完成，{failed} 个未导入",
                      state="error" if failed else "complete", expanded=False)
    return results


def render_result(result: dict) -> None:
    if not result["ok"]:
        st.error(f"**{md_untrusted(result['file_name'], FILE_NAME_CHARS)}** 未导入：{md_untrusted(result['message'])}",
                 icon=":material/block:")
        return
    counts = result["counts"]
    encoding = f" · {md_escape(result['encoding'])}" if result["encoding"] else ""
    st.success(f"**{md_untrusted(result['file_name'], FILE_NAME_CHARS)}** 导入完成（第 {result['batch_id']} 批 · "
               f"{md_escape(result['format'])} · {md_escape(mapping_label(result['mapping']))}{encoding}）",
               icon=":material/task_alt:")
    cols = st.columns(len(COUNTS))
    for col, (key, label) in zip(cols, COUNTS):
        col.metric(label, f"{counts.get(key, 0):,}")
    st.caption(f"读取 {counts.get('rows_read', 0):,} = 接受 {counts.get('accepted', 0):,} + 拒绝 "
               f"{counts.get('rejected', 0):,} + 文件内重复 {counts.get('duplicates', 0):,}；"
               f"接受 = 新增 + 更新 + 未变 + 较旧未覆盖 {counts.get('stale', 0):,}；"
               f"需关注 {counts.get('flagged', 0):,} 行（已导入，见下方说明）")
    for note in result["notes"]:
        st.caption(f":material/info: {md_untrusted(note)}")
    if result.get("span"):
        start, end = result["span"]
        # A new tab with the window in its URL: the filters read the URL when a session starts.
        query = urlencode({"range": "custom", "start": start.date().isoformat(), "end": end.date().isoformat()})
        st.link_button(f"在总览中查看：{start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}", f"./?{query}",
                       icon=":material/dashboard:")


def ledger_table(ledger: pd.DataFrame) -> pd.DataFrame:
    shown = ledger.assign(status=ledger.status.map(STATUS_ZH).fillna(ledger.status),
                          message_zh=ledger.message_zh.fillna("").str.replace("\n", "；"),
                          sha256=ledger.sha256.str[:12] + "…",
                          invoked_by=ledger.invoked_by.map({"cli": "命令行", "page": "页面", "rebuild": "重建"})
                          .fillna(ledger.invoked_by))
    return shown[list(LEDGER_COLUMNS)].rename(columns=LEDGER_COLUMNS)


def render_batch_details(scope, ledger: pd.DataFrame) -> None:
    worth = ledger[(ledger.rejected.fillna(0) > 0) | (ledger.flagged.fillna(0) > 0) | (ledger.duplicates.fillna(0) > 0)]
    if worth.empty:
        render_empty("还没有被拒绝或需关注的行")
        return
    labels = {int(r.batch_id): f"第 {int(r.batch_id)} 批 · {r.file_name} · 拒绝 {int(r.rejected):,} 行 · "
                               f"需关注 {int(r.flagged):,} 行" for r in worth.itertuples()}
    newest = st.session_state.pop("reject_batch_new", None)   # after an upload: open the batch just imported
    if newest in labels:
        st.session_state["reject_batch"] = newest
    batch_id = st.selectbox("批次", list(labels), format_func=labels.get, key="reject_batch")
    row = worth.set_index("batch_id").loc[batch_id]
    rejects = cache.get("import_rejects", scope, batch_id, SHOWN_ROWS)
    st.markdown(f"**被拒绝的行**（共 {int(row.rejected):,} 行"
                f"{f'，显示前 {SHOWN_ROWS:,} 行' if row.rejected > SHOWN_ROWS else ''}）")
    if rejects.empty:
        st.caption("本批没有被拒绝的行")
    else:
        st.dataframe(rejects.rename(columns=REJECT_COLUMNS), hide_index=True, height=min(420, 38 + 35 * len(rejects)))
        if st.toggle(f"生成下载文件（全部 {int(row.rejected):,} 行）", key=f"dl_rejects_{batch_id}"):
            everything = cache.get("import_rejects", scope, batch_id, max(int(row.rejected), 1))
            render_downloads(everything.rename(columns=REJECT_COLUMNS), f"被拒绝的行_第{batch_id}批",
                             sheet_name="被拒绝的行", kinds={"行号": "count"}, key=f"rejects_{batch_id}")
    flags = cache.get("import_flags", scope, batch_id, SHOWN_ROWS)
    st.markdown("**已导入但需关注的行，及文件内重复**")
    if flags.empty:
        st.caption("本批没有需关注的行")
    else:
        st.dataframe(flags.rename(columns=FLAG_COLUMNS), hide_index=True, height=min(320, 38 + 35 * len(flags)))


def main() -> None:
    scope = setup_page("数据导入", "pages/imports.py", show_area_filter=False)
    st.title("数据导入")
    if not scope.access.admin:
        st.warning("数据导入仅对管理员开放。", icon=":material/lock:")
        return
    st.caption("导入数字城管 / 12345 等系统的案件导出（Excel、CSV，UTF-8 或 GB18030/GBK 编码）、Open311 GeoReport v2 "
               "服务请求与服务列表（JSON、XML）和纽约 311 CSV。格式按文件内容识别；每个文件在一个事务中导入，"
               "要么全部生效、要么不生效；同一文件重复导入不会改变数据；较旧的记录不会覆盖较新的记录；"
               "每一行被拒绝的原因都会记录。原始文件按 sha256 保存在着陆目录中，可据此重建数据库。")

    if cache.meta().get("is_demo") == "true":
        st.warning("当前数据库是示例数据库（合成数据）：导入的记录会与示例记录并存。正式使用前，请系统管理员"
                   "为本系统指定一个新的数据库（见部署文档），再在此导入。", icon=":material/science:")
    with st.container(border=True):
        st.html(UPLOADER_CSS)   # constant CSS: Streamlit's English hint → Chinese
        files = st.file_uploader(f"选择文件（可多选，每个不超过 {MAX_UPLOAD_MB} MB）", type=UPLOAD_TYPES,
                                 accept_multiple_files=True, max_upload_size=MAX_UPLOAD_MB, key="upload")
        st.caption(f"将文件拖放到上方虚线框内，或点击“选择文件”按钮；支持 {'、'.join(t.upper() for t in UPLOAD_TYPES)}")
        with st.expander("映射与城市（一般无需修改）"):
            mapping = st.selectbox("映射", [AUTO] + builtin_names(), format_func=mapping_label, key="mapping")
            city = st.text_input("城市名称（仅用于未注明城市的数据，如 Open311）", key="city")
        if st.button("开始导入", type="primary", icon=":material/upload:", disabled=not files, key="start"):
            results = run_imports(files, mapping, city.strip())
            st.session_state["import_results"] = results
            batches = [int(r["batch_id"]) for r in results if r.get("batch_id")]
            if batches:
                st.session_state["reject_batch_new"] = max(batches)
            st.rerun()  # the menu, the freshness line and the history then show the new data
    for result in st.session_state.get("import_results", []):
        render_result(result)

    st.subheader("导入记录")
    ledger = cache.get("import_ledger", scope)
    if ledger.empty:
        render_empty("还没有导入记录")
    else:
        table = ledger_table(ledger)
        st.dataframe(table, hide_index=True, height=min(360, 38 + 35 * len(table)),
                     column_config={"开始时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                                    "完成时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})
        incomplete = int((ledger.status == "started").sum())
        if incomplete:
            st.warning(f"有 {incomplete} 次导入未完成（进程被中断），数据库保持导入前的状态；重新导入同一文件即可完成。",
                       icon=":material/warning:")
        st.subheader("被拒绝的行与需关注的行")
        render_batch_details(scope, ledger)
    st.caption("原始记录中的姓名、电话、证件号和地址在本页与下载文件中均已脱敏；完整记录只保存在数据库中 "
               "和着陆目录中，供有数据库权限的运维人员核对。时间均为来源系统的当地时间。")


if __name__ == "__main__":
    main()
