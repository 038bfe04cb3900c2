"""The PyInstaller bundle: its size unpacked and as a tarball, and its time to first painted
frame next to the venv install, median of N, interleaved in the same run.

Start-up is measured as bench_startup.py does (a real X11 window on Xvfb when installed,
else offscreen; the app prints "first-paint" when ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT=1).
Build the bundle first: ``make bundle``.
Usage: python -m bench bundle   or   python -m bench.bench_bundle [--runs N] [--bundle DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from asmr_desktop import APP_ID, __version__
from bench.bench_startup import display, time_to_first_paint

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"


def unpacked_bytes(folder: Path) -> int:
    """Apparent size of every file and link under folder, as ``du -sb`` counts it."""
    return sum(p.lstat().st_size for p in folder.rglob("*"))


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=DIST / f"{APP_ID}-{__version__}")
    # parse_known_args: `python -m bench bundle` leaves the benchmark names in sys.argv.
    args, _ = parser.parse_known_args()
    bundle: Path = args.bundle
    bundle_app = bundle / APP_ID
    candidates = [bundle.parent / f"{bundle.name}-linux-x86_64.tar.{ext}" for ext in ("xz", "gz")]
    tarball = next((c for c in candidates if c.exists()), candidates[0])
    venv_app = Path(sys.executable).parent / APP_ID
    if not bundle_app.exists():
        # Not an error: `make bench` runs every benchmark, built or not.
        print(f"skipped: no bundle at {bundle} (run `make bundle` first)")
        return 0

    print(f"bundle unpacked: {megabytes(unpacked_bytes(bundle))}  {bundle}")
    if tarball.exists():
        print(f"bundle tarball:  {megabytes(tarball.stat().st_size)}  {tarball}")
    else:
        print(f"bundle tarball:  missing ({tarball})")

    bundle_times: list[float] = []
    venv_times: list[float] = []
    with display() as env, tempfile.TemporaryDirectory() as data:
        env["ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT"] = "1"
        env["ASMR_DESKTOP_TESTING"] = "1"  # no error dialogs if something goes wrong
        bundle_cmd = [str(bundle_app), "--data-dir", f"{data}/bundle"]
        venv_cmd = [str(venv_app), "--data-dir", f"{data}/venv"]
        time_to_first_paint(bundle_cmd, env)  # warm the file cache for both
        time_to_first_paint(venv_cmd, env)
        for _ in range(args.runs):
            venv_times.append(time_to_first_paint(venv_cmd, env))
            bundle_times.append(time_to_first_paint(bundle_cmd, env))
        platform = env["QT_QPA_PLATFORM"]
    bundle_ms = statistics.median(bundle_times) * 1000
    venv_ms = statistics.median(venv_times) * 1000
    print(f"platform: {platform}, runs: {args.runs} (interleaved)")
    print(
        f"first paint, venv install:  median {venv_ms:.0f} ms "
        f"(min {min(venv_times) * 1000:.0f}, max {max(venv_times) * 1000:.0f})"
    )
    print(
        f"first paint, bundle:        median {bundle_ms:.0f} ms "
        f"(min {min(bundle_times) * 1000:.0f}, max {max(bundle_times) * 1000:.0f})"
    )
    print(f"ratio bundle / venv:        {bundle_ms / venv_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
