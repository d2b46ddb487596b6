"""Typed functions over the import query files (the 数据导入 page). No streamlit here.

The ledger, rejects and flags are not case data scoped by district: they describe whole files,
so only an administrator (Access.admin) gets rows; everyone else gets none (the SQL says
`WHERE $access_admin`).
"""
from __future__ import annotations

import pandas as pd

from data.privacy import scrub_text
from queries.runner import CursorSource, fetch
from queries.scope import Scope

MAX_ROWS = 100_000


# Text columns that quote what a file held: they pass the one scrubber on the way out, whatever the
# importer that wrote them did (older databases, other writers). security.md rule 13.
_QUOTING = ("file_name", "message_zh", "raw_masked", "column_name")


def _scrubbed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _QUOTING:
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v: scrub_text(v) if isinstance(v, str) else v)
    return frame


def import_ledger(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return _scrubbed(fetch(source, "import_ledger", scope.unfiltered()))


def import_rejects(source: CursorSource, scope: Scope, batch_id: int, limit: int = MAX_ROWS) -> pd.DataFrame:
    return _scrubbed(fetch(source, "import_rejects", scope.unfiltered(), batch_id=int(batch_id), limit=int(limit)))


def import_flags(source: CursorSource, scope: Scope, batch_id: int, limit: int = MAX_ROWS) -> pd.DataFrame:
    return _scrubbed(fetch(source, "import_flags", scope.unfiltered(), batch_id=int(batch_id), limit=int(limit)))
