"""Cost of publishing a snapshot without raw personal data (data/snapshot.py), against the round-1
publish (a plain file copy) measured in the same run on the same database.

Three figures on a copy of a writers' database: the plain copy (baseline); the writers' first
scrub of every free-text value (refresh_scrubbed_text, once per database); a steady-state publish
(refresh + snapshot) when nothing new was written. Run from the repository root:
    python benchmarks/bench_snapshot.py [writers.duckdb]     (default data/demo.duckdb; build it with python -m data.seed)
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from data.config import db_path  # noqa: E402
from data.snapshot import refresh_scrubbed_text, write_snapshot  # noqa: E402
from data.store import apply_schema  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(source: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_snapshot_") as tmp:
        db, copy, snap = Path(tmp) / "writers.duckdb", Path(tmp) / "copy.duckdb", Path(tmp) / "snap.duckdb"
        shutil.copyfile(source, db)
        con = duckdb.connect(str(db))
        apply_schema(con)
        cases = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
        con.execute("DELETE FROM scrubbed_text")
        con.execute("CHECKPOINT")
        first = timed(lambda: refresh_scrubbed_text(con))
        con.execute("CHECKPOINT")
        again = timed(lambda: refresh_scrubbed_text(con))
        con.execute("CHECKPOINT")
        con.close()
        baseline = min(timed(lambda: shutil.copyfile(db, copy)) for _ in range(3))
        snapshot = min(timed(lambda: write_snapshot(db, snap)) for _ in range(3))
        print(f"{cases:,} cases, {db.stat().st_size / 1e6:.0f} MB")
        print(f"baseline publish (file copy, round 1): {baseline:.2f} s")
        print(f"snapshot without personal data:         {snapshot:.2f} s (+ steady refresh {again:.2f} s)")
        print(f"first scrub of every free-text value:   {first:.2f} s (once per database)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else db_path())
