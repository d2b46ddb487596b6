"""Audit of detail views from pages: one record per opening of a case's details in a session."""
from __future__ import annotations

import dataclasses

import streamlit as st

from data.audit import AuditLog, audit_dir
from queries.scope import Scope


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


def record_case_view(scope: Scope, page: str, case_id: int) -> bool:
    """Writes the audit record when this session opens `case_id` (not again on reruns of the same
    open view). Returns False when the record could not be written: the caller must not show the
    details then (fail closed)."""
    marker = (case_id, scope)
    if st.session_state.get("_audited_view") == marker:
        return True
    try:
        AuditLog(audit_dir()).record(actor=scope.access.label, page=page, action="case_detail", case_id=case_id,
                                     scope=scope_summary(scope), session_id=_session_id())
    except OSError:
        return False
    st.session_state["_audited_view"] = marker
    return True
