"""Audio files as streaming sources: blocks are decoded on request, never the whole file."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import soundfile as sf

from asmr_desktop.audio.channels import MAX_CHANNELS, downmix
from asmr_desktop.audio.source import Block, Source
from asmr_desktop.core.errors import DecodeError

log = logging.getLogger(__name__)

#: File name suffixes (lower case) of the formats :class:`FileSource` plays through
#: libsndfile 1.2 here: WAV, FLAC, Ogg Vorbis (.ogg, .oga), Opus and MP3.
SNDFILE_SUFFIXES: tuple[str, ...] = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3")
#: Those :class:`~asmr_desktop.audio.ffmpeg.FFmpegSource` plays through FFmpeg (PyAV): AAC
#: in M4A/MP4 (.m4a, .m4b, .aac as ADTS), Opus or Vorbis in WebM and Matroska, and the
#: audio track of MP4/MOV videos (the video itself is never decoded).
FFMPEG_SUFFIXES: tuple[str, ...] = (".m4a", ".m4b", ".aac", ".webm", ".mka", ".mkv", ".mp4", ".mov")
#: Every suffix the player opens: the one list for folder scans, drops and file dialogs;
#: tests/unit/library/test_files.py decodes each one.
AUDIO_SUFFIXES: tuple[str, ...] = SNDFILE_SUFFIXES + FFMPEG_SUFFIXES


def open_audio(path: Path, *, fold: bool = True) -> Source:
    """The streaming decoder for ``path``: libsndfile for what it reads (WAV, FLAC, Ogg,
    Opus, MP3), FFmpeg for the containers it does not (:data:`FFMPEG_SUFFIXES`). Player,
    analysis, ``render`` and ``analyze`` all open files here, so they hear the same thing.

    ``fold=False`` keeps every channel (the analysis meters them all). Raises
    :class:`DecodeError` naming the file when it cannot be played.
    """
    path = Path(path)
    if path.suffix.lower() in FFMPEG_SUFFIXES:
        # Imported here: FFmpeg's libraries load only once such a file is opened.
        from asmr_desktop.audio.ffmpeg import FFmpegSource

        return FFmpegSource(path, fold=fold)
    return FileSource(path, fold=fold)


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
