"""Offline install for the command hall, which has no internet.

On a machine with access to the package registry (same OS family, CPU and Python minor version as
the hall's server, e.g. Linux x86_64, CPython 3.11):

    python -m deploy.offline_bundle build --out wheelhouse

builds `wheelhouse/` with a wheel for every runtime dependency and every dependency of those, and
writes `requirements.lock`: one `name==version --hash=sha256:...` line per wheel. Carry the
wheelhouse and the project to the intranet and install with no index at all:

    pip install --no-index --find-links wheelhouse --require-hashes -r requirements.lock

`check` (also run by the tests) says whether requirements.lock still pins every requirement of
requirements.txt at the same version, so a new dependency cannot be added without a new lock.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;#]+)")
# Wheel file names: {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl (PEP 427)
_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


def canonical(name: str) -> str:
    """PEP 503 normalised project name: `Foo_Bar.baz` and `foo-bar-baz` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """{canonical name: version} of every `name==version` line (comments and -r lines skipped)."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.split("#", 1)[0])
        if match:
            pins[canonical(match.group(1))] = match.group(3)
    return pins


def lock_entries(lock: Path = LOCK) -> dict[str, tuple[str, str]]:
    """{canonical name: (version, sha256)} from a lock file written by `build`."""
    entries: dict[str, tuple[str, str]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([^=\s#]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})\s*$", line)
        if match:
            entries[canonical(match.group(1))] = (match.group(2), match.group(3))
    return entries


def lock_problems(requirements: Path = REQUIREMENTS, lock: Path = LOCK) -> list[str]:
    """Requirements the lock does not pin at the same version (empty list: the lock is current)."""
    if not lock.exists():
        return [f"{lock.name} is missing: run python -m deploy.offline_bundle build"]
    entries = lock_entries(lock)
    problems = []
    for name, version in sorted(pinned_requirements(requirements).items()):
        if name not in entries:
            problems.append(f"{name}=={version} is not in {lock.name}")
        elif entries[name][0] != version:
            problems.append(f"{name}: requirements say {version}, {lock.name} says {entries[name][0]}")
    return problems


def wheel_lines(wheelhouse: Path) -> list[str]:
    """One lock line per wheel in `wheelhouse`, sorted by project name."""
    lines = []
    for wheel in sorted(wheelhouse.glob("*.whl"), key=lambda p: canonical(p.name.split("-")[0])):
        match = _WHEEL.match(wheel.name)
        if not match:
            raise SystemExit(f"not a wheel file name: {wheel.name}")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines.append(f"{canonical(match.group('name'))}=={match.group('version')} --hash=sha256:{digest}")
    return lines


def build(out: Path, lock: Path = LOCK) -> None:
    """Wheels for requirements.txt and all their dependencies into `out` (fresh), then the lock."""
    out.mkdir(parents=True, exist_ok=True)
    stale = list(out.glob("*.whl"))
    if stale:
        raise SystemExit(f"{out} already holds {len(stale)} wheels: build into an empty folder")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS), "-w", str(out)], check=True)
    header = ["# Every runtime dependency with its sha256, from `python -m deploy.offline_bundle build`.",
              f"# Built for {sys.platform}, CPython {sys.version_info.major}.{sys.version_info.minor}; install offline with",
              "# pip install --no-index --find-links wheelhouse --require-hashes -r requirements.lock"]
    lock.write_text("\n".join(header + wheel_lines(out)) + "\n", encoding="utf-8")
    problems = lock_problems(lock=lock)
    if problems:
        raise SystemExit("\n".join(problems))
    print(f"{len(list(out.glob('*.whl')))} wheels in {out}; lock written to {lock}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.offline_bundle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="wheelhouse + requirements.lock")
    build_cmd.add_argument("--out", type=Path, default=ROOT / "wheelhouse")
    build_cmd.add_argument("--lock", type=Path, default=LOCK)
    sub.add_parser("check", help="does requirements.lock pin every requirement?")
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.out, args.lock)
        return 0
    problems = lock_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
