"""Masking of personal data in rejected records before they can reach a screen or a download.

The importer keeps each rejected record twice: as it came (import_rejects.raw_record, for the
operator with database access) and masked (raw_masked, the only one the page reads). The values
of the mapping's personal fields (reporter name, phone, ID number, address) are replaced by their
masked forms wherever they occur in the record, then any remaining phone or ID pattern (e.g. in
a description) is scrubbed (security.md rule 6).
"""
from __future__ import annotations

import re

PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_no", "address")
_ID = re.compile(r"(?<![0-9])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9])|(?<![0-9])(\d{6})\d{5}(\d{4})(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0\d{2,3})[- ]?\d{3,4}(\d{4})(?![0-9])")


def mask_value(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        return value
    if field == "reporter_name":
        return value[0] + "*" * max(1, len(value) - 1)
    if field == "reporter_phone":
        return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)
    if field == "reporter_id_no":
        return value[:6] + "*" * max(1, len(value) - 10) + value[-4:] if len(value) >= 11 else "*" * len(value)
    if field == "address":
        keep = min(6, len(value) // 2)
        return value[:keep] + "***"
    return value


def scrub(text: str) -> str:
    """Phone numbers and ID numbers anywhere in free text, masked."""
    text = _ID.sub(lambda m: (m.group(1) or m.group(3)) + "********" + (m.group(2) or m.group(4)), text)
    text = _MOBILE.sub(r"\1****\2", text)
    return _LANDLINE.sub(r"\1-****\2", text)


def mask_record(raw: str, personal: dict[str, str]) -> str:
    """`raw` with each personal value (field -> value as it came) masked, then scrubbed."""
    for field, value in sorted(personal.items(), key=lambda kv: -len(kv[1] or "")):
        if value and value.strip():
            raw = raw.replace(value, mask_value(field, value))
    return scrub(raw)
