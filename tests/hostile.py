"""Shared pieces of the adversarial tests: personal values typed the ways people (and attackers)
type them, and a detector that counts how many of them got through to something shown."""
from __future__ import annotations

import re
import unicodedata

# One mobile and one ID number, and the forms the round-1 ingest masker missed (issue 12).
PHONE = "13987654321"
ID_NO = "430902199001011234"
PHONE_FORMS = [
    "+86 139-8765-4321", "139 8765 4321", "１３９８７６５４３２１", "139\u200b8765\u200b4321", "13987654321",
]
ID_FORMS = ["430902 19900101 1234", "４３０９０２１９９００１０１１２３４", ID_NO]
NAME = "欧阳娜娜"

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u00A0\u3000]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID = re.compile(r"\d{17}[\dXx]")


def digits_view(text: str) -> str:
    """Text as a reader would piece it together: width folded, invisible characters and
    separators between digits dropped."""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SEPARATORS.sub("", text)


def leaks(text, *, names: tuple[str, ...] = (NAME,)) -> list[str]:
    """Personal values readable in `text`: whole mobiles, whole ID numbers, known raw names."""
    if text is None or not isinstance(text, str):
        return []
    flat = digits_view(text)
    found = _MOBILE.findall(flat) + _ID.findall(flat)
    return found + [n for n in names if n and n in text]
