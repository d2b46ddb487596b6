"""The one scrubber of personal data, shared by writers (importer rejections, the published
snapshot) and readers (anything shown or exported). Pure functions, no streamlit, no database.

Free text (case descriptions, step opinions, rejection messages, raw rejected records) may hold
phone and ID numbers typed by anyone: `scrub_text` masks them. Structured personal fields
(reporter name, phone, ID number, address) are masked by `mask_value` (the importer's rejected
rows) and by the same rules in SQL where whole tables are concerned (data/sql/snapshot_private.sql
for the published snapshot; queries/sql/_scoped.sql again on the read side, idempotently). The
scrubber errs towards masking: a masked house number costs little, a leaked phone number cannot be
taken back.

What counts as one number: a run of Unicode decimal digits (ASCII, full-width ０-９, other
scripts) with up to three separators (spaces, dashes, zero-width and format characters) between
digits, optionally ending in X (ID numbers). Known limitation: numbers written in Chinese
numerals (一三八…) are not recognised.
"""
from __future__ import annotations

import re
import unicodedata

MASK = "*"
# Separators people (and hostile input) put between digits: whitespace incl. full-width and
# no-break spaces, every dash, zero-width and other invisible format characters.
_SEP = r"[\s\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u00A0\u3000\u200B-\u200F\u2060-\u2064\uFEFF]"
_X = r"[Xx\uFF38\uFF58]"
_RUN = re.compile(rf"\d(?:{_SEP}{{0,3}}\d)*(?:{_SEP}{{0,3}}{_X})?")


def _re2(pattern: str) -> str:
    """A pattern of this module in RE2 syntax (DuckDB's regexp functions): \\uXXXX -> \\x{XXXX},
    \\d and \\s as wide as Python's."""
    pattern = re.sub(r"\\u([0-9A-Fa-f]{4})", r"\\x{\1}", pattern).replace(r"\d", r"\p{Nd}")
    # Python's \s (Unicode) is wider than RE2's (ASCII): add the separators and the rest of it.
    return pattern.replace(r"[\s", r"[\s\p{Z}\x{1C}-\x{1F}\x{85}")


# Text the scrubber may change holds a run of 7+ digits, or of 4+ digits ending in X (see
# _masked_positions); a SQL prefilter with this pattern (RE2) lets whole tables be scrubbed by
# calling scrub_text only where it can matter (data/snapshot.py).
MAY_CHANGE_RE2 = _re2(rf"\d(?:{_SEP}{{0,3}}\d){{6,}}|\d(?:{_SEP}{{0,3}}\d){{3,}}{_SEP}{{0,3}}{_X}")
_GROUPS = re.compile(rf"{_SEP}+")


def _digits(run: str) -> tuple[str, list[int], bool]:
    """ASCII digits of a run, lengths of its separator-delimited digit groups, trailing X."""
    has_x = run[-1] in "Xx\uFF38\uFF58"
    body = run[:-1] if has_x else run
    groups = [g for g in _GROUPS.split(body) if g]
    digits = "".join(str(unicodedata.decimal(ch)) for ch in body if ch.isdecimal())
    return digits, [sum(ch.isdecimal() for ch in g) for g in groups], has_x


def _looks_like_date(digits: str, groups: list[int]) -> bool:
    """2026-11-23, 2026 11 23 09: a year then groups of at most two digits."""
    return len(groups) >= 2 and groups[0] == 4 and digits[:2] in ("19", "20") and all(g <= 2 for g in groups[1:])


def _masked_positions(digits: str, groups: list[int], has_x: bool, after_letter: bool) -> range:
    """Indices (into the run's digits) to mask; an empty range keeps the run as it is."""
    n = len(digits)
    if has_x:
        # 17 digits + X is an ID number; any other run ending in X is masked but for its tail (X stays)
        return range(6, 14) if n == 17 else range(0, max(0, n - 3))
    if n == 18:                                   # resident ID: first 6 + last 4 stay
        return range(6, 14)
    if n == 15:                                   # old 15-digit ID: first 6 + last 3 stay
        return range(6, 12)
    if n == 11 and digits[0] == "1":              # mobile: 138****1234
        return range(3, 7)
    if n == 13 and digits.startswith("861"):      # +86 mobile
        return range(5, 9)
    if n < 7 or _looks_like_date(digits, groups):
        return range(0)
    if digits[0] == "0" and 10 <= n <= 12:        # landline with area code: 0737-***1234
        area = 3 if digits[1] in "12" else 4
        return range(area, n - 4)
    if n <= 8:                                    # local landline or anything phone-sized
        return range(0, n - 4)
    if after_letter and len(groups) == 1:         # a code such as a case number S0101202611010001
        return range(0)
    return range(0, n - 4)                        # unknown long number: only the last 4 stay


def scrub_text(text: str | None) -> str | None:
    """`text` with phone numbers, ID numbers and other long digit runs masked; None stays None."""
    if text is None:
        return None
    text = str(text)
    out: list[str] = []
    last = 0
    for match in _RUN.finditer(text):
        run = match.group()
        digits, groups, has_x = _digits(run)
        before = text[match.start() - 1] if match.start() > 0 else ""
        hide = _masked_positions(digits, groups, has_x, before.isascii() and before.isalpha())
        out.append(text[last:match.start()])
        if not hide:
            out.append(run)
        else:
            k = 0
            for ch in run:
                if ch.isdecimal():
                    out.append(MASK if k in hide else ch)
                    k += 1
                else:
                    out.append(ch)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_no", "address")


def mask_value(field: str, value: str) -> str:
    """The shown form of one structured personal value: 张*, 138****5678, 430902********1234,
    the first part of an address + ***. Other fields: the value scrubbed."""
    value = str(value).strip()
    if not value:
        return value
    if field == "reporter_name":
        return value[0] + "*" * max(1, len(value) - 1)
    if field == "reporter_phone":
        masked = scrub_text(value)
        # A short or odd number the free-text rules keep (e.g. 4211234 is masked, 12345 is not)
        return masked if masked != value else "*" * len(value)
    if field == "reporter_id_no":
        masked = scrub_text(value)
        if masked == value:
            return "*" * len(value)
        return masked
    if field == "address":
        keep = min(6, len(value) // 2)
        return value[:keep] + "***"
    return scrub_text(value)


__all__ = ["scrub_text", "mask_value", "PERSONAL_FIELDS", "MASK", "MAY_CHANGE_RE2"]
