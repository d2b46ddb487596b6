"""The hostile-URL corpus (issue 12): every page × parameter × hostile value, generated
deterministically. `python -m tests.hostile_urls` rewrites tests/corpus/hostile_urls.jsonl, which
the tests read (so a reviewer sees exactly what is tried, and a change to the corpus is a diff).

A line is {"page": ..., "params": {...}, "why": ...}. The known crashers of round 1 come first; then
per page, one link per hostile value with every parameter set to it, and hostile custom windows.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

CORPUS_PATH = Path(__file__).resolve().parent / "corpus" / "hostile_urls.jsonl"

PAGES = ["dashboard.py", "pages/cases.py", "pages/trends.py", "pages/map.py", "pages/league.py",
         "pages/party.py", "pages/definitions.py", "pages/imports.py", "pages/wall.py", "pages/signals.py",
         "pages/bulletin.py", "pages/audit.py"]
# The shared filters every page reads, plus the parameters pages own.
SHARED = ["range", "start", "end", "district", "street", "community", "grid", "kind", "major", "category",
          "source", "unit"]
OWN = {"pages/cases.py": ["q", "sort", "page", "size", "case", "set"], "pages/trends.py": ["measure", "grain", "duration"],
       "pages/map.py": ["measure", "layer"], "pages/league.py": ["by", "metric"],
       "pages/signals.py": ["view", "rby", "tby"], "pages/bulletin.py": ["period"]}

# Round 1's crashing links (24 of 3,315 runs), each on the pages it crashed.
KNOWN = [
    ("pages/cases.py", {"page": "²"}, "superscript page"),
    ("pages/cases.py", {"size": "²"}, "superscript size"),
    ("pages/cases.py", {"case": "¹²"}, "superscript case id"),
    ("pages/cases.py", {"size": {"repeat": "9", "times": 10_000}}, "10,000-digit size"),
    ("pages/cases.py", {"page": {"repeat": "9", "times": 10_000}}, "10,000-digit page"),
    ("pages/cases.py", {"case": {"repeat": "9", "times": 10_000}}, "10,000-digit case id"),
] + [(page, {"range": "custom", "start": "9999-12-25", "end": "9999-12-31"}, "window at year 9999")
     for page in PAGES if page not in ("pages/wall.py", "pages/signals.py", "pages/bulletin.py", "pages/audit.py")] + [
    (page, {"range": "custom", "start": "0001-01-01", "end": "0001-01-31"}, "window at year 1")
    for page in ("dashboard.py", "pages/trends.py", "pages/league.py")]

# Values to try in every parameter: other scripts' digits, huge and negative numbers, markup,
# SQL, paths, control characters, odd Unicode.
VALUES = [
    "²", "¹²", "١٢", "１２", "߁", "-1", "0", "+1", "1e309", "NaN", "inf", "9" * 25, {"repeat": "9", "times": 5000},
    "", " ", "%00", "\x00", "\u202e1", "\ufeff1", "a,b,,c,", ",", "'", "' OR 1=1 --", "'; DROP TABLE cases; --",
    "1; SELECT * FROM case_private", "![x](http://127.0.0.1:8799/x.png)", ":red[假]", "<script>alert(1)</script>",
    "$\\LaTeX$", "../../etc/passwd", {"repeat": "x", "times": 3000}, "张三,13812345678", "__all__", "custom", "unit", "score.x",
]
DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "26-11-23", "２０２６-１１-２３", "2026-11-23T00:00",
         "1969-12-31", "2100-01-01", "-2026-01-01", "2026-11-23 "]


def corpus() -> list[dict]:
    rows = [{"page": p, "params": q, "why": w} for p, q, w in KNOWN]
    for page in PAGES:
        # One link sets every parameter the page reads (and an unknown one) to the same hostile value:
        # each parser sees each value, in a corpus a CI run can afford.
        names = SHARED + OWN.get(page, []) + ["unknown_param"]
        for value in VALUES:
            rows.append({"page": page, "params": {name: value for name in names}, "why": "every parameter hostile"})
        for start in DATES:
            for end in ("2026-11-23", start):
                rows.append({"page": page, "params": {"range": "custom", "start": start, "end": end},
                             "why": "hostile custom window"})
    return rows


def _expand(value) -> str:
    """A long value is kept in the file as {"repeat": "9", "times": 5000}."""
    return value["repeat"] * value["times"] if isinstance(value, dict) else value


def load() -> list[dict]:
    rows = [json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row | {"params": {k: _expand(v) for k, v in row["params"].items()}} for row in rows]


def main() -> int:
    CORPUS_PATH.parent.mkdir(parents=True, exist_ok=True)
    with CORPUS_PATH.open("w", encoding="utf-8") as out:
        for row in corpus():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(corpus())} hostile URL runs written to {CORPUS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
