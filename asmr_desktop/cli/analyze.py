"""``asmr-desktop analyze FILE... [--json]``: loudness, peak, brightness, sudden sounds."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from asmr_desktop import APP_ID
from asmr_desktop.analysis.pool import analyse_all
from asmr_desktop.analysis.track import TrackAnalysis

log = logging.getLogger(__name__)

_HEADER = f"{'LUFS':>6} {'LRA':>5} {'dBTP':>6} {'>6kHz':>5} {'sudden':>6}  {'verdict':<17}  file"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="measure loudness, true peak, brightness and sudden sounds of audio files",
        description="Measure each file (BS.1770 loudness and loudness range, true peak, "
        "share of energy above 6 kHz, sudden sounds) and say whether it is gentle. "
        "Results are cached by file path, size and modification time.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files")
    parser.add_argument("--json", action="store_true", help="print a JSON list with all fields")
    parser.add_argument(
        "--no-cache", action="store_true", help="analyse again and do not store the results"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Analyse every file (many at once on every core); report each failure on one line
    and exit 1 if any failed."""
    cache_folder = None
    if not args.no_cache:
        from asmr_desktop.cli.parser import app_paths  # the wiring module; imported late, no cycle

        cache_folder = app_paths(args).cache_dir / "analysis"
    results: list[TrackAnalysis] = []
    failed = 0
    if not args.json:
        print(_HEADER)  # noqa: T201 - the command's output
    for outcome in analyse_all(args.files, cache_folder):
        result = outcome.analysis
        if result is None:
            failed += 1
            print(f"{APP_ID}: error: {outcome.error}", file=sys.stderr)  # noqa: T201
            continue
        results.append(result)
        if not args.json:
            print(row(result), flush=True)  # noqa: T201
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))  # noqa: T201
    return 1 if failed else 0


def row(result: TrackAnalysis) -> str:
    """One line of the table: the numbers, the verdict, the file, the explanation."""
    m = result.measurement

    def num(value: float | None, width: int, digits: int = 1) -> str:
        return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"

    share = f"{m.bright_share:>5.0%}" if m.bright_share is not None else f"{'-':>5}"
    return (
        f"{num(m.integrated_lufs, 6)} {num(m.loudness_range_lu, 5)} {num(m.true_peak_dbtp, 6)} "
        f"{share} {len(m.sudden_sounds):>6}  {result.verdict.value:<17}  {result.path}"
        f"  ({result.explanation})"
    )
