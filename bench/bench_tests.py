"""Wall time of the test suite per test folder, to see where a `pytest` run spends its time.

    .venv/bin/python bench/bench_tests.py [--all] [--top 15] [-- PYTEST_ARGS...]

Runs pytest once in a subprocess with ``--durations=0 --durations-min=0`` (every test's
set-up, call and tear-down time) and sums those durations per folder of test files, e.g.
``tests/unit/soundscapes``. The sum leaves out collection and imports, so the line
"collection, imports, start-up" is the run's wall time minus all durations. The CPU time
of pytest and its children is printed too: on a busy machine it moves less than wall time.
By default the run is what a bare ``pytest`` runs (``slow`` deselected by the project's
addopts); ``--all`` adds ``-m ""`` to include the ``slow`` tests, as ``make test`` and CI
do. The machine is shared: print ``uptime`` beside any figure you quote.
"""

from __future__ import annotations

import argparse
import re
import resource
import shlex
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: One line of pytest's durations report: "1.23s call     tests/unit/x/test_y.py::test_z[a]".
_DURATION = re.compile(
    r"^(?P<seconds>\d+(?:\.\d+)?)s (?P<phase>setup|call|teardown)\s+(?P<id>\S.*)$"
)


@dataclass(frozen=True)
class Duration:
    seconds: float
    phase: str
    test_id: str

    @property
    def folder(self) -> str:
        return str(Path(self.test_id.split("::", 1)[0]).parent)


def parse_durations(output: str) -> list[Duration]:
    """Every duration line of a pytest run's output; other lines are ignored."""
    found = []
    for line in output.splitlines():
        match = _DURATION.match(line.strip())
        if match:
            found.append(Duration(float(match["seconds"]), match["phase"], match["id"]))
    return found


def per_folder(durations: list[Duration]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for duration in durations:
        totals[duration.folder] += duration.seconds
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help='include slow tests (-m "")')
    parser.add_argument("--top", type=int, default=15, help="list the N slowest phases")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--durations=0",
        "--durations-min=0",
        *(["-m", ""] if args.all else []),
        *args.pytest_args,
    ]
    print(shlex.join(command[1:]), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall_s = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    durations = parse_durations(done.stdout)
    if done.returncode != 0 or not durations:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-2000:])
        print(f"pytest exited {done.returncode}; figures below may be incomplete")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(summary)
    print(f"{'folder':<28} {'seconds':>8} {'share':>6}")
    measured = 0.0
    for folder, seconds in per_folder(durations).items():
        measured += seconds
        print(f"{folder:<28} {seconds:>8.1f} {seconds / wall_s:>6.0%}")
    print(f"{'collection, imports, start-up':<28} {wall_s - measured:>8.1f}")
    print(f"{'wall time':<28} {wall_s:>8.1f}")
    print(f"{'CPU time (user + system)':<28} {cpu_s:>8.1f}")
    if args.top:
        print(f"\nslowest {args.top}:")
        for duration in sorted(durations, key=lambda d: -d.seconds)[: args.top]:
            print(f"{duration.seconds:>7.2f}s {duration.phase:<8} {duration.test_id}")
    return 0 if done.returncode in (0, 5) else done.returncode


if __name__ == "__main__":
    # Under `python -m bench` a SystemExit(0) would end the other benchmarks too.
    if status := main():
        sys.exit(status)
