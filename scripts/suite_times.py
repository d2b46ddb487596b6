"""Where the test suite's time goes, per file and per directory: wall seconds and CPU seconds (this
process and the child processes it reaped: servers, Chromium, the simulator), so figures taken on a
loaded machine still compare (CPU barely moves with load; wall does).

    python scripts/suite_times.py [pytest arguments]      # e.g. --ignore=tests/browser, or tests/browser
    python scripts/suite_times.py --report /tmp/times.tsv # print the table of an earlier run again

Each test's setup, call and teardown are one row of the TSV ($SUITE_TIMES_TSV, default
/tmp/suite-times.tsv, appended as the run goes, so a run cut short still tells where time went).
"""
from __future__ import annotations

import collections
import os
import resource
import sys
import time
from pathlib import Path

import pytest

DEFAULT_TSV = "/tmp/suite-times.tsv"


def _cpu_seconds() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class Recorder:
    """A pytest plugin: one TSV row per test item (node id, wall s, own CPU s, children's CPU s)."""

    def __init__(self, path: Path):
        self.path = path

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        wall_at, (own_at, children_at) = time.monotonic(), _cpu_seconds()
        yield
        own, children = _cpu_seconds()
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{item.nodeid}\t{time.monotonic() - wall_at:.2f}\t{own - own_at:.2f}\t"
                      f"{children - children_at:.2f}\n")


def report(path: Path) -> None:
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_file: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for node, wall, own, children in rows:
        totals = by_file[node.split("::")[0]]
        for i, value in enumerate((1, float(wall), float(own), float(children))):
            totals[i] += value
    by_dir: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for name, totals in by_file.items():
        for i, value in enumerate(totals):
            by_dir[str(Path(name).parent)][i] += value
    print(f"{'file':58s} {'tests':>5s} {'wall s':>8s} {'CPU s':>8s} {'child s':>8s}")
    for name, t in sorted(by_file.items(), key=lambda kv: -(kv[1][2] + kv[1][3])):
        print(f"{name:58s} {t[0]:5.0f} {t[1]:8.1f} {t[2]:8.1f} {t[3]:8.1f}")
    print()
    for name, t in sorted(by_dir.items()):
        print(f"{name + '/':58s} {t[0]:5.0f} {t[1]:8.1f} {t[2]:8.1f} {t[3]:8.1f}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--report"]:
        report(Path(argv[1]))
        return 0
    path = Path(os.environ.get("SUITE_TIMES_TSV", DEFAULT_TSV))
    path.unlink(missing_ok=True)
    code = pytest.main(["-q", "-p", "no:cacheprovider", *argv], plugins=[Recorder(path)])
    if path.exists():
        report(path)
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
