"""The PNG writer: a valid file that decodes to exactly the frame."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.png import encode_png, write_png


def decode(data: bytes) -> tuple[dict[bytes, bytes], np.ndarray]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2)
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8)
    rows = raw.reshape(height, 1 + 3 * width)
    assert not rows[:, 0].any()  # filter None
    return chunks, rows[:, 1:].reshape(height, width, 3)


def test_png_round_trip(tmp_path):
    frame = np.random.default_rng(0).integers(0, 256, (7, 11, 3), dtype=np.uint8)
    chunks, decoded = decode(encode_png(frame))
    np.testing.assert_array_equal(decoded, frame)
    assert b"sRGB" in chunks and b"IEND" in chunks
    path = tmp_path / "f.png"
    write_png(path, frame)
    np.testing.assert_array_equal(decode(path.read_bytes())[1], frame)
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]  # no temporary file left


def test_png_rejects_wrong_frames_and_unwritable_paths(tmp_path):
    with pytest.raises(VisualError, match="uint8"):
        encode_png(np.zeros((2, 2, 3), dtype=np.float32))
    with pytest.raises(VisualError, match="Cannot write"):
        write_png(tmp_path / "missing" / "f.png", np.zeros((2, 2, 3), dtype=np.uint8))
