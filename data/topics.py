"""每月一题: the topic an official marks for a month (one or more 小类 and a target fall), kept in an
append-only file beside the database, `topics/topics.jsonl` ($DASHBOARD_TOPIC_DIR to move it).

Why a file and not a table: the dashboard's DuckDB connection is read-only and the snapshot it reads
is replaced by the writers (the reasons of data/audit.py); a table would make the page a writer and
take DuckDB's single-writer lock from the importer and the live feed. Each line is a complete
decision {month, categories, label, target_fall, set_by, set_at}; the latest line of a month is the
topic in force, and the earlier lines are its audit trail (who changed what, when). A line is
appended with one write on an O_APPEND file, so it lands whole.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from data.config import db_path

MAX_CATEGORIES = 10
MAX_LABEL_CHARS = 30


def topic_dir() -> Path:
    configured = os.environ.get("DASHBOARD_TOPIC_DIR")
    return Path(configured) if configured else db_path().parent / "topics"


@dataclass(frozen=True)
class Topic:
    month: str                      # YYYY-MM
    categories: tuple[str, ...]     # 小类 codes
    label: str                      # e.g. 噪音扰民治理
    target_fall: float              # 0..1: the fall against the month before that counts as success
    set_by: str
    set_at: str

    @property
    def month_start(self) -> date:
        return date(int(self.month[:4]), int(self.month[5:7]), 1)


def set_topic(month: str, categories: list[str], label: str, target_fall: float, by: str, now: datetime,
              folder: Path | None = None) -> Topic:
    """Appends a decision; raises ValueError with a Chinese message on bad input."""
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise ValueError("月份格式应为 2026-11") from None
    codes = tuple(sorted({str(c) for c in categories}))
    if not codes or len(codes) > MAX_CATEGORIES:
        raise ValueError(f"请选择 1 至 {MAX_CATEGORIES} 个小类")
    label = " ".join(str(label).split())[:MAX_LABEL_CHARS]
    if not label:
        raise ValueError("请填写题目名称")
    if not 0 < float(target_fall) < 1:
        raise ValueError("目标降幅应在 1% 至 99% 之间")
    topic = Topic(month, codes, label, round(float(target_fall), 4), str(by)[:60], now.isoformat(timespec="seconds"))
    folder = folder or topic_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "topics.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, (json.dumps(asdict(topic), ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    return topic


def history(folder: Path | None = None) -> list[Topic]:
    """Every decision in the order made (unreadable lines skipped)."""
    try:
        lines = ((folder or topic_dir()) / "topics.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            raw = json.loads(line)
            found.append(Topic(raw["month"], tuple(raw["categories"]), raw["label"], float(raw["target_fall"]),
                               raw["set_by"], raw["set_at"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            continue
    return found


def topics(folder: Path | None = None) -> dict[str, Topic]:
    """The topic in force for each month (the latest decision)."""
    return {t.month: t for t in history(folder)}
