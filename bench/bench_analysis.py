"""Track analysis speed as a multiple of real time, next to plain decoding of the same file.

    .venv/bin/python bench/bench_analysis.py [--minutes 10] [--rate 44100] [--runs 3] [--compare]

Writes a stereo 16-bit WAV of the given length to a temporary folder (a calm noise bed with
a slow swell and a few knocks), then times, in the same process and run:
  decode   - reading every block through the engine's decoder, nothing else
  analyze  - asmr_desktop.analysis.analyze_file (decoding included), no cache
  folder   - --files copies of the file through analysis.pool.analyse_all, on every core
             (worker processes, their start included), as a multiple of the audio's length
With --compare, also BS.1770 by pyebur128 (libebur128) and pyloudnorm on the same decoded
audio, and every implementation's error on EBU Tech 3341 cases 1-5 (those packages are
only needed for the comparison, not by the app).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from asmr_desktop.analysis import analyze_file, measure_array
from asmr_desktop.analysis.pool import analyse_all, core_count
from asmr_desktop.audio.decoder import FileSource

BLOCK = 65536


def write_test_file(path: Path, minutes: float, rate: int) -> float:
    """A calm bed of filtered noise, a slow swell, a knock every two minutes; returns seconds."""
    rng = np.random.default_rng(0)
    seconds = minutes * 60.0
    total = round(seconds * rate)
    chunk = 10 * rate
    carry = np.zeros((31, 2))
    with sf.SoundFile(path, "w", samplerate=rate, channels=2, subtype="PCM_16") as out:
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            white = rng.standard_normal((n, 2))
            padded = np.concatenate([carry, white])
            smooth = np.cumsum(padded, axis=0)
            soft = (smooth[31:] - smooth[:-31]) / 31.0  # 32-sample moving average: darker
            carry = padded[-31:]
            t = (start + np.arange(n)) / rate
            swell = 10.0 ** ((-8.0 + 6.0 * np.sin(2 * np.pi * t / 20.0)) / 20.0)
            x = 0.03 * soft * swell[:, None] + 0.002 * white
            knock_at = np.flatnonzero((start + np.arange(n)) % (120 * rate) == 30 * rate)
            for k in knock_at.tolist():
                length = min(round(0.02 * rate), n - k)
                x[k : k + length] += 0.5 * np.exp(-np.arange(length) / (length / 5.0))[:, None]
            out.write(np.clip(x, -1.0, 1.0).astype(np.float32))
    return total / rate


def decode_only(path: Path) -> None:
    source = FileSource(path)
    try:
        while source.read(BLOCK).shape[0]:
            pass
    finally:
        source.close()


def report(name: str, seconds_audio: float, best: float, median: float, note: str = "") -> None:
    print(
        f"{name:<36} best {best:6.2f} s = {seconds_audio / best:6.0f}x real time   "
        f"median {median:6.2f} s = {seconds_audio / median:6.0f}x  {note}"
    )


def ebur128(
    path: Path, mode_names: tuple[str, ...], tp: bool
) -> tuple[float, float | None, float | None]:
    lib = importlib.import_module("pyebur128")
    source = FileSource(path)
    mode = 0
    for name in mode_names:
        mode |= getattr(lib.MeasurementMode, name)
    state = lib.R128State(source.channels, source.rate_hz, mode)
    try:
        while True:
            block = source.read(BLOCK)
            if not block.shape[0]:
                break
            state.add_frames(np.ascontiguousarray(block, dtype=np.float64).ravel(), block.shape[0])
    finally:
        source.close()
    lra = lib.get_loudness_range(state) if "MODE_LRA" in mode_names else None
    peak = None
    if tp:
        peak = max(lib.get_true_peak(state, c) for c in range(source.channels))
        peak = 20 * np.log10(peak)
    return lib.get_loudness_global(state), lra, peak


def pyloudnorm_file(path: Path) -> float:
    lib = importlib.import_module("pyloudnorm")
    data, rate = sf.read(path, dtype="float64")  # pyloudnorm needs the whole file in memory
    return float(lib.Meter(rate).integrated_loudness(data))


def ebu_3341_errors() -> dict[str, list[float]]:
    """Integrated loudness error (LU) of each implementation on EBU Tech 3341 cases 1-5."""
    rate = 48000

    def seq(parts: list[tuple[float, float]]) -> np.ndarray:
        out = []
        for db, s in parts:
            n = np.arange(round(s * rate))
            mono = 10 ** (db / 20) * np.sin(2 * np.pi * 1000 * n / rate)
            out.append(np.stack([mono, mono], axis=1))
        return np.concatenate(out)

    cases: list[tuple[list[tuple[float, float]], float]] = [
        ([(-23, 20)], -23.0),
        ([(-33, 20)], -33.0),
        ([(-36, 10), (-23, 60), (-36, 10)], -23.0),
        ([(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)], -23.0),
        ([(-26, 20), (-20, 20.1), (-26, 20)], -23.0),
    ]
    errors: dict[str, list[float]] = {"asmr_desktop": [], "pyebur128": [], "pyloudnorm": []}
    ebu = importlib.import_module("pyebur128")
    pln = importlib.import_module("pyloudnorm")
    for parts, expected in cases:
        x = seq(parts)
        lufs = measure_array(x.astype(np.float32), rate).integrated_lufs
        errors["asmr_desktop"].append(float("nan") if lufs is None else lufs - expected)
        state = ebu.R128State(2, rate, ebu.MeasurementMode.MODE_I)
        state.add_frames(np.ascontiguousarray(x).ravel(), x.shape[0])
        errors["pyebur128"].append(ebu.get_loudness_global(state) - expected)
        errors["pyloudnorm"].append(pln.Meter(rate).integrated_loudness(x) - expected)
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=44100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also pyebur128 and pyloudnorm")
    parser.add_argument("--files", type=int, default=4, help="files in the folder run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.wav"
        seconds = write_test_file(path, args.minutes, args.rate)
        folder = [path.with_name(f"copy{i}.wav") for i in range(args.files)]
        for copy in folder:
            copy.hardlink_to(path)
        cores = core_count()
        contenders: dict[str, Callable[[], Any]] = {
            "decode only (FileSource)": lambda: decode_only(path),
            "analyze_file (decode included)": lambda: analyze_file(path),
            f"folder of {args.files}, {cores} cores": lambda: list(analyse_all(folder, None)),
        }
        if args.compare:
            for modes, tp, name in (
                (("MODE_I", "MODE_LRA"), False, "pyebur128 I+LRA"),
                (("MODE_I", "MODE_LRA", "MODE_TRUE_PEAK"), True, "pyebur128 I+LRA+TP"),
            ):

                def run(m: tuple[str, ...] = modes, t: bool = tp) -> Any:
                    return ebur128(path, m, t)

                contenders[name + " (decode incl.)"] = run
            contenders["pyloudnorm I (whole file read)"] = lambda: pyloudnorm_file(path)
        # Rounds interleave the contenders, so a busy machine slows them all alike.
        times: dict[str, list[float]] = {name: [] for name in contenders}
        results: dict[str, Any] = {}
        for _ in range(args.runs):
            for name, fn in contenders.items():
                start = time.perf_counter()
                results[name] = fn()
                times[name].append(time.perf_counter() - start)
        print(
            f"{args.minutes:g} min, {args.rate} Hz stereo 16-bit WAV; "
            f"best and median of {args.runs} interleaved runs"
        )
        for name, spent in times.items():
            audio = seconds * (args.files if name.startswith("folder") else 1)
            report(name, audio, min(spent), statistics.median(spent), _summary(results[name]))
        decode = min(times["decode only (FileSource)"])
        analysis = min(times["analyze_file (decode included)"])
        print(
            f"analysis {seconds / analysis:.0f}x real time (goal: at least 600x), "
            f"decoding alone {seconds / decode:.0f}x, in the same run"
        )
        if args.compare:
            print("EBU Tech 3341 cases 1-5, integrated loudness error (LU):")
            for impl, errs in ebu_3341_errors().items():
                worst = max(map(abs, errs))
                print(
                    f"  {impl:<13} " + " ".join(f"{e:+.3f}" for e in errs) + f"   max {worst:.3f}"
                )


def _summary(result: Any) -> str:
    if result is None:
        return ""
    if isinstance(result, list):
        return f"{sum(o.analysis is not None for o in result)} analysed"
    if isinstance(result, float):
        return f"I {result:.2f}"
    if isinstance(result, tuple):
        lufs, lra, peak = result
        text = f"I {lufs:.2f}, LRA {lra:.1f}"
        return text + (f", TP {peak:.2f}" if peak is not None else "")
    m = result.measurement
    return (
        f"I {m.integrated_lufs:.2f}, LRA {m.loudness_range_lu:.1f}, "
        f"TP {m.true_peak_dbtp:.2f}, {len(m.sudden_sounds)} sudden"
    )


if __name__ == "__main__":
    main()
