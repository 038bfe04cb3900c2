"""A tiny PNG writer (zlib + struct): 8-bit RGB, no dependencies beyond the standard library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core.errors import VisualError
from asmr_desktop.core.fileio import FileWriteError, atomic_write_bytes

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(frame: NDArray[np.uint8], level: int = 6) -> bytes:
    """PNG bytes of an RGB frame (H, W, 3) of uint8, with the sRGB rendering intent set."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise VisualError(f"A PNG needs an (H, W, 3) uint8 frame, not {frame.dtype} {frame.shape}.")
    height, width = frame.shape[:2]
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None on every row
    rows[:, 1:] = frame.reshape(height, 3 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"sRGB", b"\x00"),  # perceptual intent: the values are sRGB
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)),
            _chunk(b"IEND", b""),
        )
    )


def write_png(path: Path, frame: NDArray[np.uint8]) -> None:
    """Write a frame as PNG (atomic, fsync, owner-only); VisualError names the file."""
    try:
        atomic_write_bytes(path, encode_png(frame))
    except FileWriteError as exc:
        raise VisualError(f"Cannot write {path}: {exc.strerror or exc}. Check the folder.") from exc
