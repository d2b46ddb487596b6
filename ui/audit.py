"""Audit from pages: every opening of a case's details and every download, written with the real
user, role, client IP, scope, page and time (data/audit.py; the session from ui/auth.py)."""
from __future__ import annotations

import dataclasses

import streamlit as st

from data.audit import AuditLog, audit_dir
from queries.scope import Scope
from ui import auth

PAGE_SCOPE_KEY = "_audit_page_scope"   # (page file, Scope) of this run, set by ui.app.setup_page


def scope_summary(scope: Scope) -> dict:
    """What the viewer could see and had chosen: access, window and filters (JSON-ready)."""
    return {k: v for k, v in dataclasses.asdict(scope).items() if v is not None and k != "now_at"}


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        return ctx.session_id if ctx else None
    except Exception:  # noqa: BLE001 - an id is helpful, not required
        return None


def remember_page(page: str, scope: Scope) -> None:
    st.session_state[PAGE_SCOPE_KEY] = (page, scope)


def write(scope: Scope | None, page: str, action: str, *, case_id: int | None = None,
          detail: str | None = None) -> None:
    """One record for this session's identity; raises OSError when it cannot be written."""
    session = auth.current()
    AuditLog(audit_dir()).record(
        actor=(session.user_id if session and session.user_id else "unknown"), page=page, action=action,
        case_id=case_id, scope=scope_summary(scope) if scope is not None else {}, session_id=_session_id(),
        role=session.role if session else None, client_ip=session.client_ip if session else None,
        access_label=(scope.access.label if scope is not None else session.access.label if session else None),
        detail=detail)


def record_case_view(scope: Scope, page: str, case_id: int) -> bool:
    """Writes the audit record when this session opens `case_id` (not again on reruns of the same
    open view). Returns False when the record could not be written: the caller must not show the
    details then (fail closed)."""
    marker = (case_id, scope)
    if st.session_state.get("_audited_view") == marker:
        return True
    try:
        write(scope, page, "case_detail", case_id=case_id)
    except OSError:
        return False
    st.session_state["_audited_view"] = marker
    return True


def record_download(file_name: str, file_format: str, rows: int) -> None:
    """Download button callback: the file went to the browser; the record says who took what."""
    page, scope = st.session_state.get(PAGE_SCOPE_KEY, ("?", None))
    try:
        write(scope, page, "download", detail=f"{file_name}（{file_format}，{rows} 行）")
    except OSError:
        st.toast("下载已完成，但访问审计记录写入失败，请告知管理员。", icon=":material/error:")


def record_search(scope: Scope, page: str, query: str) -> bool:
    """Writes the audit record when this session runs the free-text search `query` (once per query
    and scope, not on reruns): a search can look for a person as a detail view can (security.md rule
    12). Returns False when the record could not be written: the caller must not search then."""
    marker = (query, scope)
    if not query or st.session_state.get("_audited_search") == marker:
        return True
    try:
        write(scope, page, "case_search", detail=query)
    except OSError:
        return False
    st.session_state["_audited_search"] = marker
    return True
