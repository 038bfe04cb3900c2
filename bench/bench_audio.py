"""Audio engine speed and memory: the whole speaker chain against plain decoding.

    .venv/bin/python bench/bench_audio.py [--minutes 10] [--format ogg|wav|flac]
                                          [--long-minutes 60] [--runs 3] [--profile 25]

Writes a 44.1 kHz stereo file of ``--minutes`` (a soft noise bed with a slow swell) to a
temporary folder, then times in the same process, interleaved round by round:
  decode  - every block through FileSource, nothing else
  chain   - Engine.render -> int16 -> null output: decode, normalisation, fades, limiter,
            exactly what feeds the speakers
  chain+m - the same in migraine mode (the 4 kHz low-pass adds three biquads)
  unguard - the chain without the startle guard (what the guard costs)
  layers  - the chain with four soundscape layers under the file (issue 17: rain, brown
            and pink noise, purring), all summed before the one guard and limiter
Then plays ``--play-seconds`` through pygame in real time (SDL's dummy driver unless
SDL_AUDIODRIVER is set), alone and with the four layers, and reports CPU use as a share
of one core.
Figures are seconds of audio per CPU second (process time, all threads), and each chain's
CPU time as a multiple of decoding's (issue 12's goal: at most 2.5x, 3x in migraine mode).
``--profile N`` then runs cProfile over Engine.render for the whole file, both modes, and
prints the N functions with the most time of their own. Then streams a
``--long-minutes`` file (22.05 kHz mono WAV, resampled to 44.1 kHz stereo) through the
chain and reports resident memory as it goes: it must not grow with the file's length.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from asmr_desktop.audio.decoder import FileSource
from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.output import NullOutput, PygameOutput
from asmr_desktop.audio.worker import CHUNK_S, Player, pump
from asmr_desktop.library.builtin import soundscape_item

RATE = 44100
FORMATS = {
    "ogg": {"format": "OGG", "subtype": "VORBIS"},
    "wav": {"format": "WAV", "subtype": "PCM_16"},
    "flac": {"format": "FLAC", "subtype": "PCM_16"},
}


def write_bed(path: Path, minutes: float, rate: int, channels: int, **kwargs: str) -> float:
    """Soft filtered noise with a slow swell, written in 10 s chunks; returns seconds."""
    rng = np.random.default_rng(0)
    total = round(minutes * 60 * rate)
    chunk = 10 * rate
    with sf.SoundFile(path, "w", rate, channels, **kwargs) as out:
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            t = (start + np.arange(n)) / rate
            swell = 0.5 + 0.4 * np.sin(2 * np.pi * t / 40.0)
            noise = np.cumsum(rng.standard_normal((n, channels)), axis=0)
            noise -= np.linspace(0, 1, n)[:, None] * noise[-1]  # keep the walk from drifting
            noise /= np.abs(noise).max() + 1e-9
            out.write((0.3 * swell[:, None] * noise).astype(np.float32))
    return total / rate


#: The layers of the "layers" row: four soundscapes of different kinds (issue 17's cap).
LAYERS = ("rain", "brown", "pink", "purr")


def add_layers(engine: Engine, count: int) -> None:
    for n, name in enumerate(LAYERS[:count]):
        engine.add_layer(soundscape_item(name, seed=1000 + n), volume=1.0)


def decode_only(path: Path) -> None:
    source = FileSource(path)
    while len(source.read(8192)):
        pass
    source.close()


def chain(path: Path, migraine: bool, guard: bool = True, layers: int = 0) -> None:
    settings = EngineSettings(volume=1.0, migraine=migraine, startle_guard=guard)
    engine = Engine(RATE, 2, settings)
    engine.set_items([PlaylistItem.from_path(path)])
    add_layers(engine, layers)
    engine.play()
    output = NullOutput(RATE, 2)
    frames = round(CHUNK_S * RATE)
    while engine.is_active():
        pump(engine, output, frames)


def profile_chain(path: Path, migraine: bool, top: int) -> None:
    """cProfile over the whole file through Engine.render: where the chain's time goes."""
    profiler = cProfile.Profile()
    profiler.enable()
    chain(path, migraine)
    profiler.disable()
    print(f"cProfile of the chain{' in migraine mode' if migraine else ''} (own time):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)


def cpu_seconds(func: object, *args: object) -> float:
    start = time.process_time()
    func(*args)  # type: ignore[operator]
    return time.process_time() - start


def rss_mb() -> float:
    """Resident memory now (not the peak), from /proc where available."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_stream(path: Path, seconds: float) -> None:
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.set_items([PlaylistItem.from_path(path)])
    engine.play()
    output = NullOutput(RATE, 2)
    frames = round(CHUNK_S * RATE)
    done = 0
    marks = {round(seconds * f * RATE) // frames * frames for f in (0.1, 0.25, 0.5, 0.75)}
    readings: list[tuple[float, float]] = []
    start = time.process_time()
    while engine.is_active():
        pump(engine, output, frames)
        done += frames
        if done in marks:
            readings.append((done / RATE / 60, rss_mb()))
    cpu = time.process_time() - start
    readings.append((done / RATE / 60, rss_mb()))
    for minute, mb in readings:
        print(f"  after {minute:6.1f} min of audio: RSS {mb:7.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = readings[-1][1] - readings[0][1]
    print(f"  RSS growth from 10% to the end: {growth:+.1f} MB; process peak RSS {peak:.1f} MB")
    print(f"  chain speed on this file (with resampling): {seconds / cpu:.0f}x real time")


def playing_cpu(path: Path, seconds: float, layers: int = 0) -> None:
    """Play through pygame (the dummy driver paces it like a sound card) and time the CPU."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    engine = Engine(RATE, 2, EngineSettings(volume=1.0))
    engine.set_items([PlaylistItem.from_path(path)])
    add_layers(engine, layers)
    player = Player(engine, PygameOutput(RATE, 2))
    player.start()
    engine.play()
    time.sleep(1.0)  # past start-up
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    player.close()
    what = f" with {layers} layers" if layers else ""
    print(
        f"playing{what} in real time through pygame ({os.environ['SDL_AUDIODRIVER']} driver): "
        f"{100 * cpu / wall:.1f} % of one core over {wall:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--format", choices=sorted(FORMATS), default="ogg")
    parser.add_argument("--long-minutes", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--play-seconds", type=float, default=10.0)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bed.{args.format}"
        made = time.perf_counter()
        seconds = write_bed(path, args.minutes, RATE, 2, **FORMATS[args.format])
        print(
            f"{args.minutes:g} min {RATE} Hz stereo {args.format} "
            f"({path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - made:.0f} s)"
        )
        times: dict[str, list[float]] = {
            "decode": [],
            "chain": [],
            "chain+m": [],
            "unguard": [],
            "layers": [],
        }
        for _ in range(args.runs):  # interleaved: a busy machine slows all alike
            times["decode"].append(cpu_seconds(decode_only, path))
            times["chain"].append(cpu_seconds(chain, path, False))
            times["chain+m"].append(cpu_seconds(chain, path, True))
            times["unguard"].append(cpu_seconds(chain, path, False, False))
            times["layers"].append(cpu_seconds(chain, path, False, True, len(LAYERS)))
        for name, runs in times.items():
            best, median = min(runs), statistics.median(runs)
            print(
                f"  {name:8s} {seconds / best:7.0f}x real time (best), "
                f"{seconds / median:7.0f}x (median of {len(runs)}); {best:.2f} s CPU"
            )
        for name in ("chain", "chain+m", "unguard", "layers"):
            ratio = min(times[name]) / min(times["decode"])
            print(f"  {name:8s} costs {ratio:.2f}x plain decoding (best of each)")
        if args.profile > 0:
            for migraine in (False, True):
                profile_chain(path, migraine, args.profile)
        if args.play_seconds > 0:
            playing_cpu(path, args.play_seconds)
            playing_cpu(path, args.play_seconds, len(LAYERS))
        if args.long_minutes > 0:
            long_path = Path(tmp) / "long.wav"
            long_s = write_bed(long_path, args.long_minutes, 22050, 1, subtype="PCM_16")
            print(
                f"{args.long_minutes:g} min file streamed through the chain "
                f"({long_path.stat().st_size / 1e6:.0f} MB on disk):"
            )
            long_stream(long_path, long_s)


if __name__ == "__main__":
    main()
