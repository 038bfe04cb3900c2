"""Real-time factor of each built-in soundscape: seconds of audio per CPU second, one core.

    .venv/bin/python bench/bench_soundscapes.py [--seconds 60] [--block 4096] [--runs 3]

Each generator renders ``--seconds`` of 48 kHz stereo at default settings in blocks of
``--block`` frames, timed with ``time.process_time`` (CPU time of the whole process, so
any helper thread would count against it). BLAS is held to one thread when this script
starts numpy itself; under ``python -m bench`` numpy may already be loaded by then. The
table gives the median run; "% core" is the CPU share needed to play it in real time.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - the thread limits must be set before numpy loads
import statistics  # noqa: E402
import time  # noqa: E402

from asmr_desktop.soundscapes import RATE_HZ, SOUNDSCAPES, create  # noqa: E402


def real_time_factor(name: str, seconds: float, block: int) -> float:
    source = create(name, seed=1)
    frames = round(seconds * RATE_HZ)
    start = time.process_time()
    done = 0
    while done < frames:
        done += len(source.read(min(block, frames - done)))
    return seconds / max(time.process_time() - start, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--block", type=int, default=4096)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.seconds:g} s per run, blocks of {args.block} frames, median of {args.runs}")
    print(f"{'soundscape':<11} {'x real time':>11} {'ms CPU/s':>9} {'% core':>7}")
    for name in SOUNDSCAPES:
        rtf = statistics.median(
            real_time_factor(name, args.seconds, args.block) for _ in range(args.runs)
        )
        print(f"{name:<11} {rtf:>11.0f} {1000 / rtf:>9.1f} {100 / rtf:>7.2f}", flush=True)


if __name__ == "__main__":
    main()
