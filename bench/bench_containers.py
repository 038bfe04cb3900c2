"""Decoding speed of the FFmpeg containers (issue 21) beside libsndfile, on the same audio.

    .venv/bin/python bench/bench_containers.py [--minutes 60] [--runs 3]

Writes ``--minutes`` of 44.1 kHz stereo (a soft noise bed with a slow swell, as
bench_audio.py) once as WAV and FLAC (libsndfile) and as AAC in M4A and Opus in WebM
(PyAV's encoders), then decodes each whole file through the player's own decoder
(:func:`~asmr_desktop.audio.decoder.open_audio`, 8192-frame blocks), interleaved round by
round, and prints the best CPU time and the speed as a multiple of real time. Resident
memory is read at the quarter marks of the AAC file: it must not grow with its length.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
import soundfile as sf

from asmr_desktop.audio.decoder import open_audio
from bench.bench_audio import rss_mb, write_bed

RATE = 44100
BLOCK = 8192


def encode_like(source: Path, target: Path, codec: str, fmt: str, rate: int) -> None:
    """Encode a WAV into ``target`` with PyAV, streaming (10 s at a time)."""
    with sf.SoundFile(source) as wav, av.open(str(target), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo")
        assert isinstance(stream, av.AudioStream)
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=rate)
        pts = 0
        for block in wav.blocks(10 * RATE, dtype="float32", always_2d=True):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block.T), format="fltp", layout="stereo"
            )
            frame.sample_rate, frame.pts = RATE, pts
            pts += len(block)
            for piece in resampler.resample(frame):
                for packet in stream.encode(piece):
                    out.mux(packet)
        for piece in resampler.resample(None):
            for packet in stream.encode(piece):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def decode(path: Path, marks: list[float] | None = None) -> float:
    """CPU seconds to decode the whole file; appends RSS (MB) at the quarter marks."""
    start = time.process_time()
    source = open_audio(path)
    total = source.duration_s or 0.0
    done, next_mark = 0, 1
    while len(block := source.read(BLOCK)):
        done += len(block)
        if marks is not None and done / source.rate_hz >= total * next_mark / 4:
            marks.append(rss_mb())
            next_mark += 1
    source.close()
    return time.process_time() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wav = folder / "bed.wav"
        seconds = write_bed(wav, args.minutes, RATE, 2, format="WAV", subtype="PCM_16")
        files = {"WAV (libsndfile)": wav}
        started = time.perf_counter()
        flac = folder / "bed.flac"
        with sf.SoundFile(wav) as src, sf.SoundFile(flac, "w", RATE, 2, format="FLAC") as dst:
            for block in src.blocks(10 * RATE, dtype="int16"):
                dst.write(block)
        files["FLAC (libsndfile)"] = flac
        m4a = folder / "bed.m4a"
        encode_like(wav, m4a, "aac", "mp4", RATE)
        files["AAC in M4A (FFmpeg)"] = m4a
        webm = folder / "bed.webm"
        encode_like(wav, webm, "libopus", "webm", 48000)
        files["Opus in WebM (FFmpeg)"] = webm
        print(
            f"{seconds / 60:.0f} min of 44.1 kHz stereo, files written in "
            f"{time.perf_counter() - started:.0f} s; PyAV {av.__version__}, "
            f"FFmpeg {av.ffmpeg_version_info}, libsndfile {sf.__libsndfile_version__}"
        )
        times: dict[str, list[float]] = {name: [] for name in files}
        marks: list[float] = []
        for run in range(args.runs):
            for name, path in files.items():
                watch = marks if run == 0 and path == m4a else None
                times[name].append(decode(path, watch))
        print(f"{'decoder':24} {'best CPU s':>10} {'x real time':>12} {'file MB':>8}")
        for name, path in files.items():
            best = min(times[name])
            size = path.stat().st_size / 1e6
            print(f"{name:24} {best:10.2f} {seconds / best:12.0f} {size:8.1f}")
        print(
            "RSS while decoding the M4A (MB, at 25/50/75/100 %): "
            + ", ".join(f"{m:.0f}" for m in marks)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
