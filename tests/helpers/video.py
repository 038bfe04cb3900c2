"""Small synthetic videos for the tests, written with PyAV's own encoder (FFmpeg inside)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

W, H = 160, 90
FPS = 30


def write_video(
    path: Path,
    frames: Iterable[NDArray[np.uint8]],
    fps: int = FPS,
    *,
    with_audio: bool = False,
) -> Path:
    """Encode RGB frames (H, W, 3) as MPEG-4 Part 2 (VP8 in .webm) at high quality;
    with ``with_audio`` an AAC track of a quiet tone goes alongside."""
    container = av.open(str(path), mode="w")
    codec = "libvpx" if path.suffix == ".webm" else "mpeg4"  # WebM takes only VP8/VP9/AV1
    stream = container.add_stream(codec, rate=fps)
    stream.pix_fmt = "yuv420p"
    if codec == "mpeg4":
        stream.codec_context.qmax = 4  # near-lossless: what is tested is the picture drawn
    else:
        stream.bit_rate = 4_000_000
    audio = None
    first = True
    for rgb in frames:
        if first:
            stream.width, stream.height = rgb.shape[1], rgb.shape[0]
            if with_audio:
                audio = container.add_stream("aac", rate=48000)
            first = False
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    if audio is not None:
        tone = (0.05 * np.sin(np.arange(48000) * 2 * np.pi * 440 / 48000)).astype(np.float32)
        for start in range(0, 48000, 1024):
            chunk = np.ascontiguousarray(tone[None, start : start + 1024])
            aframe = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
            aframe.sample_rate = 48000
            for packet in audio.encode(aframe):
                container.mux(packet)
        for packet in audio.encode():
            container.mux(packet)
    container.close()
    return path


def clip(
    seconds: float, draw: Callable[[float], NDArray[np.uint8]], fps: int = FPS
) -> list[NDArray[np.uint8]]:
    """Frames of ``draw(t)`` for ``seconds`` at ``fps``."""
    return [draw(i / fps) for i in range(round(seconds * fps))]


def solid(rgb: tuple[int, int, int]) -> NDArray[np.uint8]:
    return np.broadcast_to(np.asarray(rgb, dtype=np.uint8), (H, W, 3)).copy()


def flashing(
    hz: float, on: tuple[int, int, int] = (255, 255, 255)
) -> Callable[[float], NDArray[np.uint8]]:
    """Full-screen flashes between black and ``on``, ``hz`` times a second."""

    def draw(t: float) -> NDArray[np.uint8]:
        return solid(on) if (t * hz) % 1.0 < 0.5 else solid((0, 0, 0))

    return draw


def blob(t: float, speed_px_s: float = 3.0, level: float = 0.35) -> NDArray[np.uint8]:
    """A soft grey disc drifting slowly on black: a calm picture."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, cy = 50 + speed_px_s * t, 45.0
    value = level * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 14.0**2))
    code = np.round(255 * value).astype(np.uint8)
    return np.repeat(code[..., None], 3, axis=2)


def pan(t: float, widths_per_s: float = 0.7) -> NDArray[np.uint8]:
    """A bright vertical bar sweeping across the screen fast."""
    frame = np.zeros((H, W, 3), dtype=np.uint8)
    x = int((t * widths_per_s * W) % W)
    frame[:, max(0, x - 12) : x + 12] = 230
    return frame


def drifting_light(t: float, px_per_s: float = 8.0) -> NDArray[np.uint8]:
    """A broad soft light drifting slowly over a still texture (as in the benchmark)."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    texture = np.random.default_rng(0).random((H, W), dtype=np.float32) * 20
    light = 60 * np.exp(-((x - 60 - px_per_s * t) ** 2 + (y - 45) ** 2) / (2 * 30.0**2))
    v = 60 + light + texture
    return np.clip(np.stack([v, 0.9 * v, 0.8 * v], axis=-1), 0, 255).astype(np.uint8)
