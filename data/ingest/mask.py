"""Masking of personal data in rejected records before they can reach a screen or a download.

The importer keeps each rejected record twice: as it came (import_rejects.raw_record, in the
writers' database only: the published snapshot replaces it with the masked form) and masked
(raw_masked, what the page reads). The values of the mapping's personal fields (reporter name,
phone, ID number, address) are replaced by their masked forms wherever they occur in the record,
then the record passes the one scrubber (data/privacy.py) for any phone or ID number left, e.g. in
a description (security.md rules 6 and 13).
"""
from __future__ import annotations

from data.privacy import PERSONAL_FIELDS, mask_value, scrub_text

__all__ = ["PERSONAL_FIELDS", "mask_value", "mask_record"]


def mask_record(raw: str, personal: dict[str, str]) -> str:
    """`raw` with each personal value (field -> value as it came) masked, then scrubbed."""
    for field, value in sorted(personal.items(), key=lambda kv: -len(kv[1] or "")):
        if value and value.strip():
            raw = raw.replace(value, mask_value(field, value))
    return scrub_text(raw)
