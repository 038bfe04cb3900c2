"""Media files made in the tests with PyAV's own encoders (the wheel carries aac, libopus and
FFmpeg's native vorbis): AAC in M4A, Opus in WebM, Vorbis in MKV, an MP4 with video."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

#: name -> (container format, audio codec, encoder options)
KINDS: dict[str, tuple[str, str, dict[str, str]]] = {
    "m4a": ("mp4", "aac", {}),
    "m4b": ("mp4", "aac", {}),
    "aac": ("adts", "aac", {}),
    "mka": ("matroska", "libopus", {}),
    "webm": ("webm", "libopus", {}),
    "mkv": ("matroska", "vorbis", {"strict": "experimental"}),  # FFmpeg's own Vorbis encoder
    "mp4": ("mp4", "aac", {}),
    "mov": ("mov", "aac", {}),
}
LAYOUTS = {1: "mono", 2: "stereo", 6: "5.1"}


def chirp(seconds: float, rate: int, amp: float = 0.3, channels: int = 2) -> np.ndarray:
    """A slow sweep from 200 Hz to 2 kHz, plus a little noise: no two stretches alike, so a
    seek that lands elsewhere shows, and loud enough to measure, quiet enough not to clip."""
    t = np.arange(round(seconds * rate)) / rate
    f0, f1 = 200.0, 2000.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * max(seconds, 1e-9)))
    rng = np.random.default_rng(7)
    mono = amp * np.sin(phase) + 0.002 * rng.standard_normal(len(t))
    return np.tile(mono[:, None], (1, channels)).astype(np.float32)


def encode(
    path: Path,
    samples: np.ndarray,
    rate: int,
    *,
    kind: str | None = None,
    video: bool = False,
) -> Path:
    """Write float ``samples`` (frames, channels) to ``path`` in the container of ``kind``
    (default: the suffix); ``video=True`` adds a small dark MPEG-4 video track before the
    audio one, as a downloaded video has."""
    fmt, codec, options = KINDS[kind or path.suffix.lstrip(".")]
    channels = samples.shape[1]
    with av.open(str(path), "w", format=fmt) as container:
        picture = None
        if video:
            picture = container.add_stream("mpeg4", rate=10)
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        stream = container.add_stream(codec, rate=rate, layout=LAYOUTS[channels])
        stream.codec_context.options = dict(options)
        sample_format = stream.codec_context.codec.audio_formats[0].name
        block, frames_done, pictures = 1024, 0, 0
        while frames_done < len(samples):
            chunk = samples[frames_done : frames_done + block]
            if sample_format == "s16":
                array = (np.clip(chunk, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
            elif sample_format == "flt":
                array = np.ascontiguousarray(chunk, dtype=np.float32).reshape(1, -1)
            else:  # fltp
                array = np.ascontiguousarray(chunk.T, dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(
                array, format=sample_format, layout=LAYOUTS[channels]
            )
            frame.sample_rate = rate
            frame.pts = frames_done
            for packet in stream.encode(frame):
                container.mux(packet)
            frames_done += len(chunk)
            while picture is not None and pictures < frames_done / rate * 10:
                image = av.VideoFrame.from_ndarray(
                    np.full((48, 64, 3), 20, dtype=np.uint8), format="rgb24"
                )
                image.pts = pictures
                pictures += 1
                for packet in picture.encode(image):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if picture is not None:
            for packet in picture.encode(None):
                container.mux(packet)
    return path
