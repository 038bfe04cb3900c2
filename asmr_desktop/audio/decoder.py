"""Audio files as streaming sources: blocks are decoded on request, never the whole file."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

from asmr_desktop.audio.source import Block
from asmr_desktop.core.errors import DecodeError

log = logging.getLogger(__name__)

#: The engine plays at most stereo; files with more channels are folded down to two.
MAX_CHANNELS = 2
#: File name suffixes (lower case) of the formats :class:`FileSource` plays through
#: libsndfile 1.2 here: WAV, FLAC, Ogg Vorbis (.ogg, .oga), Opus and MP3. The one list for
#: folder scans and file dialogs; tests/unit/library/test_files.py decodes each one.
AUDIO_SUFFIXES: tuple[str, ...] = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3")


#: ITU-R BS.775's stereo downmix of the centre and surrounds (-3 dB each); the LFE is left out.
SURROUND_GAIN = 0.7071


def downmix_matrix(have: int, channels: int) -> NDArray[np.float32]:
    """The (channels, have) matrix that folds ``have`` channels to ``channels`` (1 or 2)
    without raising the level: each output's weights sum to at most 1, so a full-scale
    input stays full scale.

    Mono to stereo copies the channel (dual mono). 5.0 and 5.1 (L R C [LFE] Ls Rs, the WAV
    order) fold as BS.775 does, the LFE left out; other counts put even-indexed channels
    left and odd ones right. The analysis meters what is played through this same matrix
    (:class:`~asmr_desktop.analysis.meter.Meter`), so normalisation matches what is heard.
    """
    if have == channels:
        return np.eye(have, dtype=np.float32)
    if channels == 1:
        return np.full((1, have), 1.0 / have, dtype=np.float32)
    if have == 1:
        return np.ones((channels, 1), dtype=np.float32)
    matrix = np.zeros((2, have))
    if have in (5, 6):
        c, s = SURROUND_GAIN, SURROUND_GAIN
        surround = (3, 4) if have == 5 else (4, 5)
        matrix[0, [0, 2, surround[0]]] = (1.0, c, s)
        matrix[1, [1, 2, surround[1]]] = (1.0, c, s)
    else:
        matrix[0, 0::2] = 1.0
        matrix[1, 1::2] = 1.0
    return np.asarray(matrix / matrix.sum(axis=1, keepdims=True), dtype=np.float32)


def downmix(block: Block, channels: int) -> Block:
    """Fold any channel count to ``channels`` (1 or 2) with :func:`downmix_matrix`."""
    have = block.shape[1]
    if have == channels:
        return block
    if have == 1:
        return np.repeat(block, channels, axis=1)
    return np.asarray(block @ downmix_matrix(have, channels).T, dtype=np.float32)


class FileSource:
    """A :class:`~asmr_desktop.audio.source.Source` reading a file through libsndfile.

    WAV, FLAC, Ogg Vorbis, Opus and MP3 at the file's own rate. Mono and stereo pass
    through; more channels are downmixed to stereo. Raises :class:`DecodeError` naming
    the file when it is missing, unreadable, empty or not audio.
    """

    def __init__(self, path: Path, *, fold: bool = True) -> None:
        """``fold=False`` keeps every channel of the file (the analysis meters them all)."""
        self.path = Path(path)
        if not self.path.is_file():
            raise DecodeError(f"{self.path}: file not found (moved or deleted?)")
        try:
            self._file = sf.SoundFile(str(self.path))
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            log.debug("libsndfile cannot open %s: %s", self.path, exc)
            raise DecodeError(
                f"{self.path}: not a playable audio file (unknown format, or damaged)"
            ) from exc
        if self._file.samplerate <= 0 or self._file.channels <= 0:
            self._file.close()
            raise DecodeError(f"{self.path}: the file holds no audio")
        self._channels: int = (
            min(int(self._file.channels), MAX_CHANNELS) if fold else int(self._file.channels)
        )
        frames = self._file.frames
        # libsndfile reports a huge frame count for some streams it cannot measure.
        self._frames: int | None = frames if 0 < frames < 2**62 else None
        if frames == 0:
            self._file.close()
            raise DecodeError(f"{self.path}: the file is empty (no audio frames)")
        self._position = 0

    @property
    def rate_hz(self) -> int:
        return int(self._file.samplerate)

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def duration_s(self) -> float | None:
        return None if self._frames is None else self._frames / self.rate_hz

    @property
    def position_s(self) -> float:
        return self._position / self.rate_hz

    def read(self, frames: int) -> Block:
        """Up to ``frames`` frames as float32 (frames, channels); empty at the end."""
        if self._file.closed:
            return np.zeros((0, self._channels), dtype=np.float32)
        try:
            data = self._file.read(frames, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise DecodeError(f"{self.path}: decoding failed ({_reason(exc)})") from exc
        self._position += len(data)
        # A damaged file can decode to NaN or huge values; the chain must never see them.
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
        return downmix(data, self._channels)

    def seek(self, seconds: float) -> None:
        """Move to ``seconds`` from the start (clamped to the file)."""
        frame = max(0, round(seconds * self.rate_hz))
        if self._frames is not None:
            frame = min(frame, self._frames)
        try:
            self._position = int(self._file.seek(frame))
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise DecodeError(f"{self.path}: cannot seek ({_reason(exc)})") from exc

    def close(self) -> None:
        self._file.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__
